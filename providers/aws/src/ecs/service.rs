//! `aws_ecs_service` (id = ARN, imported as `cluster/name`), with its
//! network configuration, load balancers, capacity provider strategy,
//! placement strategy and constraints, service registries, deployment
//! circuit breaker and alarms, and deployment controller. A new
//! `task_definition`, desired count, network, placement or deployment
//! settings are one in-place UpdateService; `name`, `cluster`,
//! `launch_type`, `scheduling_strategy`, `iam_role` and
//! `deployment_controller` replace (and the capacity provider strategy,
//! unless `force_new_deployment`). Create waits for ACTIVE, or, with
//! `wait_for_steady_state`, for the steady state (ACTIVE, one deployment,
//! running = desired), bounded by the `timeouts`; so does an update that
//! sent ECS something to deploy. Delete scales to 0 (unless
//! `force_delete`), deletes, and waits for INACTIVE.
//!
//! moto's CreateService ignores `healthCheckGracePeriodSeconds`,
//! `enableExecuteCommand`, `enableECSManagedTags`, the deployment
//! configuration, the capacity provider strategy and the placement
//! settings (its UpdateService stores them): when what the create
//! answers lacks a configured value, one UpdateService sends it, so the
//! next plan is clean. Against AWS, which honours them, nothing more is
//! sent. A deployment configuration AWS does not report keeps the
//! state's values, as the provider does.

use super::cluster::{strategy_block, strategy_of};
use super::*;
use crate::util::{bool_attr, nonempty, object, str_attr, strings_of};
use aws_sdk_ecs::types::{
    AssignPublicIp, AvailabilityZoneRebalancing, AwsVpcConfiguration, DeploymentAlarms, DeploymentCircuitBreaker,
    DeploymentConfiguration, DeploymentController, DeploymentControllerType, LaunchType, LoadBalancer,
    LogConfiguration, LogDriver, NetworkConfiguration, PlacementConstraint, PlacementConstraintType, PlacementStrategy,
    PlacementStrategyType, PropagateTags, SchedulingStrategy, Service, ServiceConnectClientAlias,
    ServiceConnectConfiguration, ServiceConnectService, ServiceField, ServiceRegistry,
};
use std::time::{Duration, Instant};
use strata_lang::Type;
use strata_provider::PathStep;

const WHAT: &str = "ECS Service";

fn network_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("assign_public_ip", Attribute::optional(Type::Bool)),
            ("security_groups", Attribute::optional(Type::set(Type::String))),
            ("subnets", Attribute::required(Type::set(Type::String))),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn load_balancer_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("container_name", Attribute::required(Type::String)),
            ("container_port", Attribute::required(Type::Number)),
            ("elb_name", Attribute::optional(Type::String)),
            ("target_group_arn", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn circuit_breaker_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("enable", Attribute::required(Type::Bool)),
            ("rollback", Attribute::required(Type::Bool)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn alarms_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("alarm_names", Attribute::required(Type::set(Type::String))),
            ("enable", Attribute::required(Type::Bool)),
            ("rollback", Attribute::required(Type::Bool)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn placement_strategy_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("field", Attribute::optional(Type::String)),
            ("type", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn placement_constraint_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("expression", Attribute::optional(Type::String)),
            ("type", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn registry_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("container_name", Attribute::optional(Type::String)),
            ("container_port", Attribute::optional(Type::Number)),
            ("port", Attribute::optional(Type::Number)),
            ("registry_arn", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn client_alias_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("dns_name", Attribute::optional(Type::String)),
            ("port", Attribute::required(Type::Number)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn connect_service_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("discovery_name", Attribute::optional(Type::String)),
            ("ingress_port_override", Attribute::optional(Type::Number)),
            ("port_name", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::from([("client_alias".to_string(), single(client_alias_block()))]),
    }
}

fn connect_log_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("log_driver", Attribute::required(Type::String)),
            ("options", Attribute::optional(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn service_connect_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("enabled", Attribute::required(Type::Bool)),
            ("namespace", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::from([
            ("log_configuration".to_string(), single(connect_log_block())),
            (
                "service".to_string(),
                NestedBlock { nesting: Nesting::List, block: connect_service_block(), min_items: 0, max_items: 0 },
            ),
        ]),
    }
}

fn controller_block() -> Block {
    Block { attributes: attrs(vec![("type", Attribute::optional(Type::String))]), blocks: BTreeMap::new() }
}

pub fn schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("availability_zone_rebalancing", Attribute::optional_computed(Type::String)),
            ("cluster", Attribute::optional_computed(Type::String).force_new()),
            ("deployment_maximum_percent", Attribute::optional(Type::Number)),
            ("deployment_minimum_healthy_percent", Attribute::optional(Type::Number)),
            ("desired_count", Attribute::optional(Type::Number)),
            ("enable_ecs_managed_tags", Attribute::optional(Type::Bool)),
            ("enable_execute_command", Attribute::optional(Type::Bool)),
            ("force_delete", Attribute::optional(Type::Bool)),
            ("force_new_deployment", Attribute::optional(Type::Bool)),
            ("health_check_grace_period_seconds", Attribute::optional(Type::Number)),
            ("iam_role", Attribute::optional_computed(Type::String).force_new()),
            ("id", Attribute::computed(Type::String)),
            ("launch_type", Attribute::optional_computed(Type::String).force_new()),
            ("name", Attribute::required(Type::String).force_new()),
            ("platform_version", Attribute::optional_computed(Type::String)),
            ("propagate_tags", Attribute::optional(Type::String)),
            ("scheduling_strategy", Attribute::optional(Type::String).force_new()),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("task_definition", Attribute::optional(Type::String)),
            ("triggers", Attribute::optional_computed(Type::map(Type::String))),
            ("wait_for_steady_state", Attribute::optional(Type::Bool)),
        ]),
        blocks: BTreeMap::from([
            ("alarms".to_string(), single(alarms_block())),
            ("capacity_provider_strategy".to_string(), set_of(strategy_block())),
            ("deployment_circuit_breaker".to_string(), single(circuit_breaker_block())),
            ("deployment_controller".to_string(), single(controller_block())),
            ("load_balancer".to_string(), set_of(load_balancer_block())),
            ("network_configuration".to_string(), single(network_block())),
            (
                "ordered_placement_strategy".to_string(),
                NestedBlock { nesting: Nesting::List, block: placement_strategy_block(), min_items: 0, max_items: 5 },
            ),
            (
                "placement_constraints".to_string(),
                NestedBlock { nesting: Nesting::Set, block: placement_constraint_block(), min_items: 0, max_items: 10 },
            ),
            ("service_registries".to_string(), single(registry_block())),
            ("service_connect_configuration".to_string(), single(service_connect_block())),
        ]),
    }
}

pub fn defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("deployment_maximum_percent", Value::int(200)),
        ("deployment_minimum_healthy_percent", Value::int(100)),
        ("enable_ecs_managed_tags", Value::bool(false)),
        ("enable_execute_command", Value::bool(false)),
        ("scheduling_strategy", Value::string("REPLICA")),
        ("wait_for_steady_state", Value::bool(false)),
    ]
}

fn err(path: &str, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(vec![PathStep::Attr(path.into())])
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    let mut one_of = |name: &str, v: Option<String>, allowed: &[&str]| {
        if let Some(v) = v {
            if !allowed.contains(&v.as_str()) {
                let list = allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ");
                diags.push(err(
                    name,
                    &format!("Invalid {name}"),
                    format!("expected {name} to be one of [{list}], got {v}"),
                ));
            }
        }
    };
    one_of("launch_type", str_attr(config, "launch_type"), &["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"]);
    one_of(
        "availability_zone_rebalancing",
        str_attr(config, "availability_zone_rebalancing"),
        &["ENABLED", "DISABLED"],
    );
    one_of("scheduling_strategy", str_attr(config, "scheduling_strategy"), &["REPLICA", "DAEMON"]);
    one_of("propagate_tags", str_attr(config, "propagate_tags"), &["NONE", "SERVICE", "TASK_DEFINITION"]);
    one_of(
        "deployment_controller",
        first(config, "deployment_controller").and_then(|c| str_attr(&c, "type")),
        &["ECS", "CODE_DEPLOY", "EXTERNAL"],
    );
    if !attr(config, "launch_type").is_null() && !items(config, "capacity_provider_strategy").is_empty() {
        diags.push(err(
            "launch_type",
            "Conflicting configuration arguments",
            "\"launch_type\": conflicts with capacity_provider_strategy".into(),
        ));
    }
    for name in ["desired_count", "health_check_grace_period_seconds"] {
        if let Some(n) = int_attr(config, name) {
            if n < 0 {
                diags.push(err(
                    name,
                    &format!("Invalid {name}"),
                    format!("expected {name} to be at least (0), got {n}"),
                ));
            }
        }
    }
    diags
}

/// The plan: `triggers` change only with `force_new_deployment`; "NONE"
/// propagation is the same as none; strategy weights and bases default
/// to 0; a new deployment controller or capacity provider strategy
/// (without `force_new_deployment`) replaces.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
    let mut p = planned.clone();
    let force = bool_attr(config, "force_new_deployment") == Some(true);
    if attr(config, "triggers").is_null() || (!force && !prior.is_null()) {
        let v = if prior.is_null() {
            Value::map(Type::String, Default::default())
        } else {
            match attr(prior, "triggers") {
                t if t.is_null() => Value::map(Type::String, Default::default()),
                t => t,
            }
        };
        p = with_attr(&p, "triggers", v);
    }
    if !prior.is_null() {
        let none = |v: &Value| str_attr(v, "propagate_tags").is_none_or(|s| s.is_empty() || s == "NONE");
        if none(&p) && none(prior) {
            p = with_attr(&p, "propagate_tags", attr(prior, "propagate_tags"));
        }
    }
    let strategies: Vec<Value> = items(&p, "capacity_provider_strategy")
        .into_iter()
        .map(|s| {
            let mut s = s;
            for n in ["base", "weight"] {
                if attr(&s, n).is_null() {
                    s = with_attr(&s, n, Value::int(0));
                }
            }
            s
        })
        .collect();
    if attr(&p, "capacity_provider_strategy").is_wholly_known() {
        p = with_attr(&p, "capacity_provider_strategy", Value::set(strategy_block().implied_type(), strategies));
    }
    if first(&p, "deployment_controller").is_none() {
        let ecs = object(&controller_block(), [("type", Value::string("ECS"))]);
        p = with_attr(&p, "deployment_controller", Value::list(controller_block().implied_type(), vec![ecs]));
    }
    let mut replace = Vec::new();
    if !prior.is_null() {
        let differs = |n: &str| !attr(prior, n).unmark_deep().0.raw_equal(&attr(&p, n).unmark_deep().0);
        if differs("deployment_controller") {
            replace.push(vec![PathStep::Attr("deployment_controller".into())]);
        }
        if differs("capacity_provider_strategy") && !force {
            replace.push(vec![PathStep::Attr("capacity_provider_strategy".into())]);
        }
    }
    (p, replace)
}

fn network_of(planned: &Value) -> Result<Option<NetworkConfiguration>, ProviderDiagnostic> {
    let Some(n) = first(planned, "network_configuration") else { return Ok(None) };
    let assign = if bool_attr(&n, "assign_public_ip") == Some(true) {
        AssignPublicIp::Enabled
    } else {
        AssignPublicIp::Disabled
    };
    // Always sent, empty or not: moto's CreateService fails without it.
    let vpc = AwsVpcConfiguration::builder()
        .set_subnets(Some(strings_of(&attr(&n, "subnets"))))
        .set_security_groups(Some(strings_of(&attr(&n, "security_groups"))))
        .assign_public_ip(assign)
        .build()
        .map_err(|e| ProviderDiagnostic::error("Invalid network_configuration", e.to_string()))?;
    Ok(Some(NetworkConfiguration::builder().awsvpc_configuration(vpc).build()))
}

fn load_balancers_of(planned: &Value) -> Vec<LoadBalancer> {
    items(planned, "load_balancer")
        .iter()
        .map(|lb| {
            LoadBalancer::builder()
                .set_target_group_arn(nonempty(lb, "target_group_arn"))
                .set_load_balancer_name(nonempty(lb, "elb_name"))
                .set_container_name(nonempty(lb, "container_name"))
                .set_container_port(i32_attr(lb, "container_port"))
                .build()
        })
        .collect()
}

fn placement_strategy_of(planned: &Value) -> Vec<PlacementStrategy> {
    items(planned, "ordered_placement_strategy")
        .iter()
        .map(|p| {
            PlacementStrategy::builder()
                .set_type(nonempty(p, "type").map(|t| PlacementStrategyType::from(t.as_str())))
                .set_field(nonempty(p, "field"))
                .build()
        })
        .collect()
}

fn placement_constraints_of(planned: &Value) -> Vec<PlacementConstraint> {
    items(planned, "placement_constraints")
        .iter()
        .map(|p| {
            PlacementConstraint::builder()
                .set_type(nonempty(p, "type").map(|t| PlacementConstraintType::from(t.as_str())))
                .set_expression(nonempty(p, "expression"))
                .build()
        })
        .collect()
}

fn registries_of(planned: &Value) -> Vec<ServiceRegistry> {
    items(planned, "service_registries")
        .iter()
        .map(|r| {
            ServiceRegistry::builder()
                .set_registry_arn(nonempty(r, "registry_arn"))
                .set_port(i32_attr(r, "port"))
                .set_container_name(nonempty(r, "container_name"))
                .set_container_port(i32_attr(r, "container_port"))
                .build()
        })
        .collect()
}

/// Service Connect as ECS takes it (the timeout and TLS settings are not
/// modelled yet).
fn service_connect_of(planned: &Value) -> Result<Option<ServiceConnectConfiguration>, ProviderDiagnostic> {
    let Some(c) = first(planned, "service_connect_configuration") else { return Ok(None) };
    let bad = |e: aws_sdk_ecs::error::BuildError| {
        ProviderDiagnostic::error("Invalid service_connect_configuration", e.to_string())
    };
    let log = first(&c, "log_configuration")
        .map(|l| {
            let options: std::collections::HashMap<String, String> = map_of(&attr(&l, "options")).into_iter().collect();
            LogConfiguration::builder()
                .set_log_driver(nonempty(&l, "log_driver").map(|d| LogDriver::from(d.as_str())))
                .set_options((!options.is_empty()).then_some(options))
                .build()
        })
        .transpose()
        .map_err(bad)?;
    let services = items(&c, "service")
        .iter()
        .map(|s| {
            let alias = first(s, "client_alias")
                .map(|a| {
                    ServiceConnectClientAlias::builder()
                        .set_port(i32_attr(&a, "port"))
                        .set_dns_name(nonempty(&a, "dns_name"))
                        .build()
                })
                .transpose()
                .map_err(bad)?;
            ServiceConnectService::builder()
                .set_port_name(nonempty(s, "port_name"))
                .set_discovery_name(nonempty(s, "discovery_name"))
                .set_ingress_port_override(i32_attr(s, "ingress_port_override"))
                .set_client_aliases(alias.map(|a| vec![a]))
                .build()
                .map_err(bad)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(
        ServiceConnectConfiguration::builder()
            .enabled(bool_attr(&c, "enabled").unwrap_or(false))
            .set_namespace(nonempty(&c, "namespace"))
            .set_log_configuration(log)
            .set_services(some_if_any(services))
            .build(),
    ))
}

fn some_if_any<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

fn deployment_of(planned: &Value) -> DeploymentConfiguration {
    let breaker = first(planned, "deployment_circuit_breaker").map(|b| {
        DeploymentCircuitBreaker::builder()
            .enable(bool_attr(&b, "enable").unwrap_or(false))
            .rollback(bool_attr(&b, "rollback").unwrap_or(false))
            .build()
    });
    let alarms = first(planned, "alarms").and_then(|a| {
        DeploymentAlarms::builder()
            .set_alarm_names(Some(strings_of(&attr(&a, "alarm_names"))))
            .enable(bool_attr(&a, "enable").unwrap_or(false))
            .rollback(bool_attr(&a, "rollback").unwrap_or(false))
            .build()
            .ok()
    });
    DeploymentConfiguration::builder()
        .set_alarms(alarms)
        .set_maximum_percent(i32_attr(planned, "deployment_maximum_percent"))
        .set_minimum_healthy_percent(i32_attr(planned, "deployment_minimum_healthy_percent"))
        .set_deployment_circuit_breaker(breaker)
        .build()
}

fn daemon(v: &Value) -> bool {
    str_attr(v, "scheduling_strategy").as_deref() == Some("DAEMON")
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = str_attr(planned, "name").unwrap_or_default();
    let what = format!("creating {WHAT} ({name})");
    let controller = first(planned, "deployment_controller")
        .and_then(|c| nonempty(&c, "type"))
        .map(|t| DeploymentController::builder().r#type(DeploymentControllerType::from(t.as_str())).build())
        .transpose()
        .map_err(|e| ProviderDiagnostic::error("Invalid deployment_controller", e.to_string()))?;
    let strategy = strategy_of(planned, "capacity_provider_strategy");
    let lbs = load_balancers_of(planned);
    let propagate = nonempty(planned, "propagate_tags").map(|p| PropagateTags::from(p.as_str()));
    aws.log_call("ecs:CreateService");
    let out = aws
        .block(
            aws.ecs
                .create_service()
                .service_name(&name)
                .set_cluster(nonempty(planned, "cluster"))
                .set_task_definition(nonempty(planned, "task_definition"))
                .set_desired_count(if daemon(planned) {
                    None
                } else {
                    Some(i32_attr(planned, "desired_count").unwrap_or(0))
                })
                .set_launch_type(nonempty(planned, "launch_type").map(|l| LaunchType::from(l.as_str())))
                .set_capacity_provider_strategy((!strategy.is_empty()).then_some(strategy))
                .set_scheduling_strategy(
                    nonempty(planned, "scheduling_strategy").map(|s| SchedulingStrategy::from(s.as_str())),
                )
                .set_platform_version(nonempty(planned, "platform_version"))
                .set_role(nonempty(planned, "iam_role"))
                .set_deployment_controller(controller)
                .deployment_configuration(deployment_of(planned))
                .set_network_configuration(network_of(planned)?)
                .set_load_balancers((!lbs.is_empty()).then_some(lbs))
                .set_placement_strategy(some_if_any(placement_strategy_of(planned)))
                .set_placement_constraints(some_if_any(placement_constraints_of(planned)))
                .set_service_registries(some_if_any(registries_of(planned)))
                .set_service_connect_configuration(service_connect_of(planned)?)
                .set_availability_zone_rebalancing(
                    nonempty(planned, "availability_zone_rebalancing")
                        .map(|a| AvailabilityZoneRebalancing::from(a.as_str())),
                )
                .set_health_check_grace_period_seconds(i32_attr(planned, "health_check_grace_period_seconds"))
                .enable_execute_command(bool_attr(planned, "enable_execute_command").unwrap_or(false))
                .enable_ecs_managed_tags(bool_attr(planned, "enable_ecs_managed_tags").unwrap_or(false))
                .set_propagate_tags(propagate)
                .set_tags(ecs_tags(&map_of(&attr(planned, "tags_all"))))
                .client_token(format!("strata-{}", crate::util::jitter_ms(u64::MAX)))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let Some(created) = out.service() else {
        return Err(ProviderDiagnostic::error(format!("{what}: empty result"), "ECS returned no service"));
    };
    let arn = created.service_arn().unwrap_or_default().to_string();
    let cluster = created.cluster_arn().unwrap_or_default().to_string();
    // What the create did not take (moto): sent again by an update.
    let grace = i32_attr(planned, "health_check_grace_period_seconds").filter(|g| *g > 0);
    let exec = bool_attr(planned, "enable_execute_command") == Some(true);
    let managed = bool_attr(planned, "enable_ecs_managed_tags") == Some(true);
    let strategy = some_if_any(placement_strategy_of(planned)).filter(|_| created.placement_strategy().is_empty());
    let constraints =
        some_if_any(placement_constraints_of(planned)).filter(|_| created.placement_constraints().is_empty());
    let providers = some_if_any(strategy_of(planned, "capacity_provider_strategy"))
        .filter(|_| created.capacity_provider_strategy().is_empty());
    let missing = strategy.is_some()
        || constraints.is_some()
        || providers.is_some()
        || (grace.is_some() && created.health_check_grace_period_seconds() != grace)
        || (exec && !created.enable_execute_command())
        || (managed && !created.enable_ecs_managed_tags())
        || created.deployment_configuration().is_none();
    if missing {
        aws.log_call("ecs:UpdateService");
        aws.block(
            aws.ecs
                .update_service()
                .cluster(&cluster)
                .service(&arn)
                .set_health_check_grace_period_seconds(grace)
                .set_enable_execute_command(exec.then_some(true))
                .set_enable_ecs_managed_tags(managed.then_some(true))
                .set_placement_strategy(strategy)
                .set_placement_constraints(constraints)
                .set_capacity_provider_strategy(providers)
                .deployment_configuration(deployment_of(planned))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    let mut current = with_attr(planned, "id", Value::string(arn.as_str()));
    // The cluster as configured (name or ARN); ECS's default one by ARN.
    if nonempty(planned, "cluster").is_none() {
        current = with_attr(&current, "cluster", Value::string(cluster.as_str()));
    }
    wait(aws, &current, &what)
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let arn = crate::id_of(prior);
    let cluster = str_attr(prior, "cluster").unwrap_or_default();
    let what = format!("updating {WHAT} ({arn})");
    let changed = |n: &str| !attr(prior, n).unmark_deep().0.raw_equal(&attr(planned, n).unmark_deep().0);
    let force = bool_attr(planned, "force_new_deployment") == Some(true);
    let mut req = aws.ecs.update_service().cluster(&cluster).service(&arn);
    let mut any = false;
    if changed("desired_count") && !daemon(planned) {
        req = req.desired_count(i32_attr(planned, "desired_count").unwrap_or(0));
        any = true;
    }
    if changed("task_definition") {
        req = req.set_task_definition(nonempty(planned, "task_definition"));
        any = true;
    }
    if ["deployment_maximum_percent", "deployment_minimum_healthy_percent", "deployment_circuit_breaker", "alarms"]
        .iter()
        .any(|n| changed(n))
    {
        req = req.deployment_configuration(deployment_of(planned));
        any = true;
    }
    if changed("network_configuration") {
        req = req.set_network_configuration(network_of(planned)?);
        any = true;
    }
    if changed("capacity_provider_strategy") {
        req = req.set_capacity_provider_strategy(Some(strategy_of(planned, "capacity_provider_strategy")));
        any = true;
    }
    if changed("load_balancer") {
        req = req.set_load_balancers(Some(load_balancers_of(planned)));
        any = true;
    }
    if changed("ordered_placement_strategy") {
        req = req.set_placement_strategy(Some(placement_strategy_of(planned)));
        any = true;
    }
    if changed("placement_constraints") {
        req = req.set_placement_constraints(Some(placement_constraints_of(planned)));
        any = true;
    }
    if changed("service_registries") {
        req = req.set_service_registries(Some(registries_of(planned)));
        any = true;
    }
    if changed("service_connect_configuration") {
        req = req.set_service_connect_configuration(
            service_connect_of(planned)?
                .or_else(|| Some(ServiceConnectConfiguration::builder().enabled(false).build())),
        );
        any = true;
    }
    if changed("health_check_grace_period_seconds") {
        req =
            req.health_check_grace_period_seconds(i32_attr(planned, "health_check_grace_period_seconds").unwrap_or(0));
        any = true;
    }
    if changed("enable_execute_command") {
        req = req.enable_execute_command(bool_attr(planned, "enable_execute_command").unwrap_or(false));
        any = true;
    }
    if changed("enable_ecs_managed_tags") {
        req = req.enable_ecs_managed_tags(bool_attr(planned, "enable_ecs_managed_tags").unwrap_or(false));
        any = true;
    }
    if changed("propagate_tags") {
        let p = nonempty(planned, "propagate_tags").unwrap_or_else(|| "NONE".into());
        req = req.propagate_tags(PropagateTags::from(p.as_str()));
        any = true;
    }
    if changed("availability_zone_rebalancing") {
        if let Some(a) = nonempty(planned, "availability_zone_rebalancing") {
            req = req.availability_zone_rebalancing(AvailabilityZoneRebalancing::from(a.as_str()));
            any = true;
        }
    }
    if changed("platform_version") {
        req = req.set_platform_version(nonempty(planned, "platform_version"));
        any = true;
    }
    if force && (any || changed("triggers") || changed("force_new_deployment")) {
        req = req.force_new_deployment(true);
        any = true;
    }
    if any {
        aws.log_call("ecs:UpdateService");
        aws.retry(
            Duration::from_secs(120),
            |e| {
                e.message.contains("verify that the ECS service role")
                    || e.message.contains("does not have an associated load balancer")
            },
            || aws.block(req.clone().send()).map(|_| ()).map_err(aws_error),
        )
        .map_err(|e| e.into_diag(&what))?;
    }
    update_tags(aws, &arn, prior, planned, &what)?;
    let current = with_attr(planned, "id", Value::string(arn.as_str()));
    let current = with_attr(&current, "cluster", Value::string(cluster.as_str()));
    // Only a change ECS deploys is waited for (a tag change is not).
    wait_for(aws, &current, &what, any && bool_attr(planned, "wait_for_steady_state") == Some(true))
}

/// Until ACTIVE, or with `wait_for_steady_state` until steady (ACTIVE, one
/// deployment, running = desired), within the operation's timeout; the
/// error names the service and its counts.
fn wait(aws: &Aws, current: &Value, what: &str) -> Result<Value, ProviderDiagnostic> {
    wait_for(aws, current, what, bool_attr(current, "wait_for_steady_state") == Some(true))
}

fn wait_for(aws: &Aws, current: &Value, what: &str, steady: bool) -> Result<Value, ProviderDiagnostic> {
    let arn = crate::id_of(current);
    let cluster = str_attr(current, "cluster").unwrap_or_default();
    let started = Instant::now();
    let deadline = started + aws.time_left().unwrap_or(Duration::from_secs(20 * 60));
    let mut pause = Duration::from_millis(250);
    let mut last_note = Instant::now();
    loop {
        let found = describe(aws, &cluster, &arn).map_err(|e| e.into_diag(what))?;
        let state = match &found {
            Some(s) => {
                let active = s.status() == Some("ACTIVE");
                let done = if steady {
                    active && s.deployments().len() == 1 && s.desired_count() == s.running_count()
                } else {
                    active
                };
                if done {
                    return Ok(to_state(aws, current, s));
                }
                format!(
                    "status {}, {} deployment(s), desired {}, running {}, pending {}",
                    s.status().unwrap_or("unknown"),
                    s.deployments().len(),
                    s.desired_count(),
                    s.running_count(),
                    s.pending_count()
                )
            }
            None => "not visible yet".to_string(),
        };
        let now = Instant::now();
        if now >= deadline {
            let goal = if steady { "reach a steady state" } else { "become ACTIVE" };
            return Err(ProviderDiagnostic::error(
                format!("{what}: waiting for the service to {goal}: timeout"),
                format!(
                    "{what}: ECS service {arn} did not {goal} within {:.0?} ({state}). Steady means ACTIVE, one deployment and as many running tasks as desired; raise the `timeouts` or check the service's events.",
                    now - started
                ),
            ));
        }
        if now - last_note >= Duration::from_secs(10) {
            // Progress for long waits, in the call log.
            aws.log_call(&format!("ecs:waiting {arn}: {state}"));
            last_note = now;
        }
        std::thread::sleep(pause.min(deadline.saturating_duration_since(now)));
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

fn describe(aws: &Aws, cluster: &str, service: &str) -> Result<Option<Service>, AwsError> {
    aws.log_call("ecs:DescribeServices");
    let mut req = aws.ecs.describe_services().services(service).include(ServiceField::Tags);
    if !cluster.is_empty() {
        req = req.cluster(cluster);
    }
    match aws.block(req.send()).map_err(aws_error) {
        Ok(out) => Ok(out.services().first().cloned()),
        Err(e) if is_gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The service `current` names: by its ARN and cluster, or an import's
/// `cluster/name`.
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let (cluster, service) = match (id.starts_with("arn:"), id.split_once('/')) {
        (false, Some((c, s))) => (c.to_string(), s.to_string()),
        _ => (str_attr(current, "cluster").unwrap_or_default(), id.clone()),
    };
    let what = format!("reading {WHAT} ({id})");
    let Some(s) = describe(aws, &cluster, &service).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    if s.status() == Some("INACTIVE") {
        return Ok(None);
    }
    // Imported: the cluster by its ARN, as the provider's importer sets it
    // (a configuration naming it by name then plans a replacement, as
    // with Terraform).
    Ok(Some(to_state(aws, current, &s)))
}

fn to_state(aws: &Aws, current: &Value, s: &Service) -> Value {
    let arn = s.service_arn().unwrap_or_default();
    let (tags, tags_all) = read_tags(aws, current, s.tags());
    // The task definition as the configuration names it (family,
    // family:revision or ARN), when it is the one the service runs.
    let remote_td = s.task_definition().unwrap_or_default();
    let td = match str_attr(current, "task_definition") {
        Some(given)
            if given == remote_td
                || remote_td.ends_with(&format!("/{given}"))
                || (!given.contains(':')
                    && remote_td.rsplit_once('/').and_then(|(_, r)| r.split_once(':')).map(|(f, _)| f)
                        == Some(given.as_str())) =>
        {
            given
        }
        _ => remote_td.to_string(),
    };
    let keep = |n: &str| attr(current, n);
    let alarms: Vec<Value> = match s.deployment_configuration() {
        Some(d) => d
            .alarms()
            .map(|a| {
                object(
                    &alarms_block(),
                    [
                        ("alarm_names", string_set(a.alarm_names().iter().cloned())),
                        ("enable", Value::bool(a.enable())),
                        ("rollback", Value::bool(a.rollback())),
                    ],
                )
            })
            .into_iter()
            .collect(),
        None => items(current, "alarms"),
    };
    let (max, min, breaker) = match s.deployment_configuration() {
        Some(d) => {
            let breaker: Vec<Value> = d
                .deployment_circuit_breaker()
                .map(|b| {
                    object(
                        &circuit_breaker_block(),
                        [("enable", Value::bool(b.enable())), ("rollback", Value::bool(b.rollback()))],
                    )
                })
                .into_iter()
                .collect();
            (
                d.maximum_percent().map(|n| Value::int(n as i64)).unwrap_or_else(|| keep("deployment_maximum_percent")),
                d.minimum_healthy_percent()
                    .map(|n| Value::int(n as i64))
                    .unwrap_or_else(|| keep("deployment_minimum_healthy_percent")),
                Value::list(circuit_breaker_block().implied_type(), breaker),
            )
        }
        None => (
            keep("deployment_maximum_percent"),
            keep("deployment_minimum_healthy_percent"),
            match keep("deployment_circuit_breaker") {
                v if v.is_null() => Value::list(circuit_breaker_block().implied_type(), Vec::new()),
                v => v,
            },
        ),
    };
    let network: Vec<Value> = s
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration())
        .map(|v| {
            object(
                &network_block(),
                [
                    ("assign_public_ip", Value::bool(v.assign_public_ip() == Some(&AssignPublicIp::Enabled))),
                    ("security_groups", string_set(v.security_groups().iter().cloned())),
                    ("subnets", string_set(v.subnets().iter().cloned())),
                ],
            )
        })
        .into_iter()
        .collect();
    let lbs = s
        .load_balancers()
        .iter()
        .map(|lb| {
            object(
                &load_balancer_block(),
                [
                    ("container_name", opt_text(lb.container_name())),
                    (
                        "container_port",
                        lb.container_port().map(|p| Value::int(p as i64)).unwrap_or(Value::null(Type::Number)),
                    ),
                    ("elb_name", opt_text(lb.load_balancer_name())),
                    ("target_group_arn", opt_text(lb.target_group_arn())),
                ],
            )
        })
        .collect();
    let strategy = s
        .capacity_provider_strategy()
        .iter()
        .map(|c| {
            object(
                &strategy_block(),
                [
                    ("base", Value::int(c.base() as i64)),
                    ("capacity_provider", Value::string(c.capacity_provider())),
                    ("weight", Value::int(c.weight() as i64)),
                ],
            )
        })
        .collect();
    let placement_strategy = s
        .placement_strategy()
        .iter()
        .map(|p| {
            // The field's case as configured (ECS may answer `MEMORY` for `memory`).
            let field = p.field().map(|f| {
                let given = items(current, "ordered_placement_strategy")
                    .iter()
                    .filter_map(|c| str_attr(c, "field"))
                    .find(|g| g.eq_ignore_ascii_case(f));
                given.unwrap_or_else(|| f.to_string())
            });
            object(
                &placement_strategy_block(),
                [("field", opt_text(field.as_deref())), ("type", opt_text(p.r#type().map(|t| t.as_str())))],
            )
        })
        .collect();
    let placement_constraints = s
        .placement_constraints()
        .iter()
        .map(|p| {
            object(
                &placement_constraint_block(),
                [("expression", opt_text(p.expression())), ("type", opt_text(p.r#type().map(|t| t.as_str())))],
            )
        })
        .collect();
    let num = |v: Option<i32>| v.map(|n| Value::int(n as i64)).unwrap_or(Value::null(Type::Number));
    let registries = s
        .service_registries()
        .iter()
        .map(|r| {
            object(
                &registry_block(),
                [
                    ("container_name", opt_text(r.container_name())),
                    ("container_port", num(r.container_port())),
                    ("port", num(r.port())),
                    ("registry_arn", opt_text(r.registry_arn())),
                ],
            )
        })
        .collect();
    let controller = object(
        &controller_block(),
        [("type", Value::string(s.deployment_controller().map(|c| c.r#type().as_str()).unwrap_or("ECS")))],
    );
    let propagate = match s.propagate_tags().map(|p| p.as_str()) {
        None | Some("NONE") if str_attr(current, "propagate_tags").is_none_or(|p| p.is_empty() || p == "NONE") => {
            keep("propagate_tags")
        }
        other => opt_text(other),
    };
    let grace = s.health_check_grace_period_seconds().map(|g| Value::int(g as i64)).unwrap_or_else(|| {
        // Unset reads as the SDK's zero value (or the state's null).
        if attr(current, "health_check_grace_period_seconds").is_null() {
            Value::null(Type::Number)
        } else {
            Value::int(0)
        }
    });
    let cluster_value = match str_attr(current, "cluster") {
        // The configuration's own words for the same cluster (name or ARN).
        Some(c)
            if Some(c.as_str()) == s.cluster_arn()
                || s.cluster_arn().is_some_and(|a| a.ends_with(&format!("/{c}"))) =>
        {
            Value::string(c.as_str())
        }
        _ => opt_text(s.cluster_arn()),
    };
    let launch_type = s.launch_type().map(|l| l.as_str().to_string());
    let desired = if daemon(current) { keep("desired_count") } else { Value::int(s.desired_count() as i64) };
    object(
        &schema(),
        [
            ("arn", Value::string(arn)),
            ("availability_zone_rebalancing", opt_text(s.availability_zone_rebalancing().map(|a| a.as_str()))),
            ("cluster", cluster_value),
            ("deployment_maximum_percent", max),
            ("deployment_minimum_healthy_percent", min),
            ("desired_count", desired),
            ("enable_ecs_managed_tags", Value::bool(s.enable_ecs_managed_tags())),
            ("enable_execute_command", Value::bool(s.enable_execute_command())),
            ("force_delete", keep("force_delete")),
            ("force_new_deployment", keep("force_new_deployment")),
            ("health_check_grace_period_seconds", grace),
            ("iam_role", opt_text(s.role_arn())),
            ("id", Value::string(arn)),
            ("launch_type", opt_text(launch_type.as_deref())),
            ("name", Value::string(s.service_name().unwrap_or_default())),
            ("platform_version", opt_text(s.platform_version())),
            ("propagate_tags", propagate),
            ("scheduling_strategy", Value::string(s.scheduling_strategy().map(|x| x.as_str()).unwrap_or("REPLICA"))),
            ("tags", tags),
            ("tags_all", tags_all),
            ("task_definition", Value::string(td.as_str())),
            (
                "triggers",
                match keep("triggers") {
                    t if t.is_null() => Value::map(Type::String, Default::default()),
                    t => t,
                },
            ),
            ("wait_for_steady_state", keep("wait_for_steady_state")),
            ("alarms", Value::list(alarms_block().implied_type(), alarms)),
            ("capacity_provider_strategy", Value::set(strategy_block().implied_type(), strategy)),
            ("deployment_circuit_breaker", breaker),
            ("deployment_controller", Value::list(controller_block().implied_type(), vec![controller])),
            ("load_balancer", Value::set(load_balancer_block().implied_type(), lbs)),
            ("network_configuration", Value::list(network_block().implied_type(), network)),
            ("ordered_placement_strategy", Value::list(placement_strategy_block().implied_type(), placement_strategy)),
            ("placement_constraints", Value::set(placement_constraint_block().implied_type(), placement_constraints)),
            ("service_registries", Value::list(registry_block().implied_type(), registries)),
            // DescribeServices reports Service Connect only per deployment:
            // the configuration is kept as written, as the provider does.
            (
                "service_connect_configuration",
                match attr(current, "service_connect_configuration") {
                    v if v.is_null() || !v.is_known() => {
                        Value::list(service_connect_block().implied_type(), Vec::new())
                    }
                    v => v,
                },
            ),
        ],
    )
}

/// Scales to 0 (a REPLICA service that is not DRAINING), deletes, then
/// waits for INACTIVE within the delete timeout.
pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let arn = crate::id_of(prior);
    let cluster = str_attr(prior, "cluster").unwrap_or_default();
    let what = format!("deleting {WHAT} ({arn})");
    let Some(s) = describe(aws, &cluster, &arn).map_err(|e| e.into_diag(&what))? else { return Ok(()) };
    if s.status() == Some("INACTIVE") {
        return Ok(());
    }
    let force = bool_attr(prior, "force_delete") == Some(true);
    if !force && !daemon(prior) && s.status() != Some("DRAINING") {
        aws.log_call("ecs:UpdateService");
        match aws
            .block(aws.ecs.update_service().cluster(&cluster).service(&arn).desired_count(0).send())
            .map_err(aws_error)
        {
            Err(e) if is_gone(&e) => return Ok(()),
            Err(e) => return Err(e.into_diag(&what)),
            Ok(_) => {}
        }
    }
    aws.log_call("ecs:DeleteService");
    match aws.retry(
        Duration::from_secs(300),
        |e| {
            e.message.contains("deployments are active")
                || e.code == "InvalidParameterException" && e.message.contains("scaled above 0")
        },
        || {
            aws.block(aws.ecs.delete_service().cluster(&cluster).service(&arn).set_force(force.then_some(true)).send())
                .map(|_| ())
                .map_err(aws_error)
        },
    ) {
        Err(e) if is_gone(&e) => return Ok(()),
        Err(e) => return Err(e.into_diag(&what)),
        Ok(()) => {}
    }
    let deadline = Instant::now() + aws.time_left().unwrap_or(Duration::from_secs(20 * 60));
    loop {
        match describe(aws, &cluster, &arn).map_err(|e| e.into_diag(&what))? {
            None => return Ok(()),
            Some(s) if s.status() == Some("INACTIVE") => return Ok(()),
            Some(s) if Instant::now() >= deadline => {
                return Err(ProviderDiagnostic::error(
                    format!("{what}: waiting for the service to become INACTIVE: timeout"),
                    format!("{what}: ECS service {arn} is still {}", s.status().unwrap_or("unknown")),
                ))
            }
            Some(_) => std::thread::sleep(Duration::from_millis(500)),
        }
    }
}

pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for an ECS Service an interrupted create made";
    let Some(name) = nonempty(planned, "name") else { return Ok(None) };
    let cluster = str_attr(planned, "cluster").unwrap_or_default();
    let Some(s) = describe(aws, &cluster, &name).map_err(|e| e.into_diag(what))? else { return Ok(None) };
    if s.status() != Some("ACTIVE") || !has_token(s.tags(), token) {
        return Ok(None);
    }
    Ok(Some(to_state(aws, planned, &s)))
}

/// Every ACTIVE service of every cluster.
pub fn list(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let what = "listing ECS Services";
    aws.log_call("ecs:ListClusters");
    let clusters = aws.block(aws.ecs.list_clusters().send()).map_err(|e| aws_error(e).into_diag(what))?;
    let mut objects = Vec::new();
    for cluster in clusters.cluster_arns() {
        aws.log_call("ecs:ListServices");
        let Ok(out) = aws.block(aws.ecs.list_services().cluster(cluster).send()) else { continue };
        for chunk in out.service_arns().chunks(10) {
            aws.log_call("ecs:DescribeServices");
            let described = aws
                .block(
                    aws.ecs
                        .describe_services()
                        .cluster(cluster)
                        .set_services(Some(chunk.to_vec()))
                        .include(ServiceField::Tags)
                        .send(),
                )
                .map_err(|e| aws_error(e).into_diag(what))?;
            for s in described.services().iter().filter(|s| s.status() == Some("ACTIVE")) {
                let Some(arn) = s.service_arn() else { continue };
                objects.push(ListedObject { id: arn.to_string(), tags: tag_pairs(s.tags()).into_iter().collect() });
            }
        }
    }
    Ok(objects)
}
