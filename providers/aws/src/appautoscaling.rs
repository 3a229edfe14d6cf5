//! Application Auto Scaling: `aws_appautoscaling_target` (what scales
//! between which bounds: an ECS service's desired count, id = its
//! resource ID) and `aws_appautoscaling_policy` (how: step scaling on an
//! alarm, or target tracking, id = its name). Both are named by their
//! arguments, so an interrupted create is found by them; RegisterScalableTarget
//! and PutScalingPolicy both create and update in place.
//!
//! moto serves neither ListTagsForResource nor TagResource for this
//! service: a target's tags are sent with RegisterScalableTarget, and
//! where the endpoint cannot list them the state keeps the planned ones.

use crate::client::{aws_error, Aws, AwsError};
use crate::tags;
use crate::util::{
    attr, bool_attr, complete_items, int_attr, items, map_of, nonempty, object, plan_computed_block, str_attr,
    string_list, with_attr,
};
use crate::util::{attrs, i32_attr, set_of, single};
use aws_sdk_applicationautoscaling::types::{
    AdjustmentType, CustomizedMetricSpecification, MetricAggregationType, MetricDimension, MetricStatistic, MetricType,
    PolicyType, PredefinedMetricSpecification, ScalableDimension, ScalableTarget, ScalingPolicy, ServiceNamespace,
    StepAdjustment, StepScalingPolicyConfiguration, SuspendedState, TargetTrackingScalingPolicyConfiguration,
};
use std::collections::BTreeMap;
use strata_lang::{Number, Type, Value};
use strata_provider::{Attribute, Block, Nesting, PathStep, ProviderDiagnostic};

pub const TYPES: [&str; 2] = ["aws_appautoscaling_target", "aws_appautoscaling_policy"];

const TARGET: &str = "Application AutoScaling Target";
const POLICY: &str = "Application AutoScaling Policy";

fn suspended_state_block() -> Block {
    let b = || Attribute::optional(Type::Bool);
    Block {
        attributes: attrs(vec![
            ("dynamic_scaling_in_suspended", b()),
            ("dynamic_scaling_out_suspended", b()),
            ("scheduled_scaling_suspended", b()),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn suspended_defaults() -> Vec<(&'static str, Value)> {
    ["dynamic_scaling_in_suspended", "dynamic_scaling_out_suspended", "scheduled_scaling_suspended"]
        .into_iter()
        .map(|k| (k, Value::bool(false)))
        .collect()
}

pub fn target_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("max_capacity", Attribute::required(Type::Number)),
            ("min_capacity", Attribute::required(Type::Number)),
            ("resource_id", Attribute::required(Type::String).force_new()),
            ("role_arn", Attribute::optional_computed(Type::String)),
            ("scalable_dimension", Attribute::required(Type::String).force_new()),
            ("service_namespace", Attribute::required(Type::String).force_new()),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::from([("suspended_state".to_string(), single(suspended_state_block()))]),
    }
}

fn step_adjustment_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("metric_interval_lower_bound", Attribute::optional(Type::String)),
            ("metric_interval_upper_bound", Attribute::optional(Type::String)),
            ("scaling_adjustment", Attribute::required(Type::Number)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn step_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("adjustment_type", Attribute::optional(Type::String)),
            ("cooldown", Attribute::optional(Type::Number)),
            ("metric_aggregation_type", Attribute::optional_computed(Type::String)),
            ("min_adjustment_magnitude", Attribute::optional(Type::Number)),
        ]),
        blocks: BTreeMap::from([("step_adjustment".to_string(), set_of(step_adjustment_block()))]),
    }
}

fn dimension_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("name", Attribute::required(Type::String)),
            ("value", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn customized_block() -> Block {
    let s = || Attribute::optional(Type::String);
    Block {
        attributes: attrs(vec![("metric_name", s()), ("namespace", s()), ("statistic", s()), ("unit", s())]),
        blocks: BTreeMap::from([("dimensions".to_string(), set_of(dimension_block()))]),
    }
}

fn predefined_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("predefined_metric_type", Attribute::required(Type::String)),
            ("resource_label", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn tracking_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("disable_scale_in", Attribute::optional(Type::Bool)),
            ("scale_in_cooldown", Attribute::optional(Type::Number)),
            ("scale_out_cooldown", Attribute::optional(Type::Number)),
            ("target_value", Attribute::required(Type::Number)),
        ]),
        blocks: BTreeMap::from([
            ("customized_metric_specification".to_string(), single(customized_block())),
            ("predefined_metric_specification".to_string(), single(predefined_block())),
        ]),
    }
}

pub fn policy_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("alarm_arns", Attribute::computed(Type::list(Type::String))),
            ("arn", Attribute::computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("name", Attribute::required(Type::String).force_new()),
            ("policy_type", Attribute::optional(Type::String)),
            ("resource_id", Attribute::required(Type::String).force_new()),
            ("scalable_dimension", Attribute::required(Type::String).force_new()),
            ("service_namespace", Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::from([
            ("step_scaling_policy_configuration".to_string(), single(step_block())),
            ("target_tracking_scaling_policy_configuration".to_string(), single(tracking_block())),
        ]),
    }
}

pub fn defaults(type_name: &str) -> Vec<(&'static str, Value)> {
    match type_name {
        "aws_appautoscaling_policy" => vec![("policy_type", Value::string("StepScaling"))],
        _ => Vec::new(),
    }
}

// ---- validation --------------------------------------------------------------

fn diag(path: &[&str], summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(path.iter().map(|p| PathStep::Attr(p.to_string())).collect())
}

const NAMESPACES: [&str; 12] = [
    "appstream",
    "cassandra",
    "comprehend",
    "custom-resource",
    "dynamodb",
    "ec2",
    "ecs",
    "elasticache",
    "elasticmapreduce",
    "kafka",
    "lambda",
    "rds",
];

pub fn validate(type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if let Some(ns) = str_attr(config, "service_namespace") {
        if !NAMESPACES.contains(&ns.as_str()) && ns != "sagemaker" && ns != "neptune" && ns != "workspaces" {
            diags.push(diag(
                &["service_namespace"],
                "Invalid value",
                format!("expected service_namespace to be one of the Application Auto Scaling namespaces (ecs, dynamodb, …), got {ns}"),
            ));
        }
    }
    // An ECS service's resource ID: service/CLUSTER/SERVICE.
    if str_attr(config, "service_namespace").as_deref() == Some("ecs") {
        if let Some(id) = str_attr(config, "resource_id") {
            let parts: Vec<&str> = id.split('/').collect();
            if parts.len() != 3 || parts[0] != "service" || parts[1].is_empty() || parts[2].is_empty() {
                diags.push(diag(
                    &["resource_id"],
                    "Invalid value",
                    format!("resource_id {id:?}: an ECS service's is \"service/<cluster name>/<service name>\""),
                ));
            }
        }
    }
    if type_name == "aws_appautoscaling_target" {
        if let (Some(min), Some(max)) = (int_attr(config, "min_capacity"), int_attr(config, "max_capacity")) {
            if min > max {
                diags.push(diag(
                    &["min_capacity"],
                    "Invalid value",
                    format!("min_capacity ({min}) must not be greater than max_capacity ({max})"),
                ));
            }
        }
        return diags;
    }
    let policy_type = str_attr(config, "policy_type").unwrap_or_else(|| "StepScaling".into());
    let allowed = ["StepScaling", "TargetTrackingScaling"];
    if !allowed.contains(&policy_type.as_str()) {
        diags.push(diag(
            &["policy_type"],
            "Invalid value",
            format!("expected policy_type to be one of [\"StepScaling\" \"TargetTrackingScaling\"], got {policy_type}"),
        ));
    }
    let step = !items(&attr(config, "step_scaling_policy_configuration")).is_empty();
    let tracking = !items(&attr(config, "target_tracking_scaling_policy_configuration")).is_empty();
    if policy_type == "StepScaling" && tracking {
        diags.push(diag(
            &["target_tracking_scaling_policy_configuration"],
            "Invalid configuration",
            "target_tracking_scaling_policy_configuration is for policy_type \"TargetTrackingScaling\"".into(),
        ));
    }
    if policy_type == "TargetTrackingScaling" && step {
        diags.push(diag(
            &["step_scaling_policy_configuration"],
            "Invalid configuration",
            "step_scaling_policy_configuration is for policy_type \"StepScaling\"".into(),
        ));
    }
    for s in items(&attr(config, "step_scaling_policy_configuration")) {
        if let Some(t) = str_attr(&s, "adjustment_type") {
            let types = ["ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"];
            if !types.contains(&t.as_str()) {
                diags.push(diag(
                    &["step_scaling_policy_configuration", "adjustment_type"],
                    "Invalid value",
                    format!("expected adjustment_type to be one of [\"ChangeInCapacity\" \"ExactCapacity\" \"PercentChangeInCapacity\"], got {t}"),
                ));
            }
        }
        for a in items(&attr(&s, "step_adjustment")) {
            for bound in ["metric_interval_lower_bound", "metric_interval_upper_bound"] {
                if let Some(text) = str_attr(&a, bound).filter(|t| !t.is_empty()) {
                    if text.parse::<f64>().is_err() {
                        diags.push(diag(
                            &["step_scaling_policy_configuration", "step_adjustment", bound],
                            "Invalid value",
                            format!("{bound} {text:?} is not a number"),
                        ));
                    }
                }
            }
        }
    }
    for t in items(&attr(config, "target_tracking_scaling_policy_configuration")) {
        let predefined = !items(&attr(&t, "predefined_metric_specification")).is_empty();
        let customized = !items(&attr(&t, "customized_metric_specification")).is_empty();
        if predefined == customized && t.is_wholly_known() {
            diags.push(diag(
                &["target_tracking_scaling_policy_configuration"],
                "Invalid configuration",
                "exactly one of predefined_metric_specification or customized_metric_specification is required".into(),
            ));
        }
    }
    diags
}

// ---- planning ------------------------------------------------------------------

pub fn plan(type_name: &str, planned: &Value, config: &Value, prior: &Value) -> Value {
    if type_name == "aws_appautoscaling_target" {
        let s = plan_computed_block(
            planned,
            config,
            prior,
            "suspended_state",
            &suspended_state_block(),
            &suspended_defaults(),
        );
        let p = with_attr(planned, "suspended_state", s);
        // The id is the resource ID, known as soon as that is.
        return with_attr(&p, "id", attr(&p, "resource_id"));
    }
    let mut p = planned.clone();
    let step = complete_items(&attr(&p, "step_scaling_policy_configuration"), &step_block(), Nesting::List, "", &[]);
    let step = match step.as_seq() {
        Some(list) => Value::list(
            step_block().implied_type(),
            list.iter()
                .map(|s| {
                    // AWS's default aggregation is Average.
                    if s.is_known() && attr(s, "metric_aggregation_type").is_null() {
                        let before = items(&attr(prior, "step_scaling_policy_configuration"))
                            .first()
                            .map(|b| attr(b, "metric_aggregation_type"))
                            .filter(|v| !v.is_null());
                        with_attr(s, "metric_aggregation_type", before.unwrap_or_else(|| Value::unknown(Type::String)))
                    } else {
                        s.clone()
                    }
                })
                .collect(),
        ),
        None => step,
    };
    p = with_attr(&p, "step_scaling_policy_configuration", step);
    let tracking = complete_items(
        &attr(&p, "target_tracking_scaling_policy_configuration"),
        &tracking_block(),
        Nesting::List,
        "",
        &[("disable_scale_in", Value::bool(false))],
    );
    p = with_attr(&p, "target_tracking_scaling_policy_configuration", tracking);
    with_attr(&p, "id", attr(&p, "name"))
}

// ---- shared ----------------------------------------------------------------------

fn err<E, R>(e: aws_sdk_applicationautoscaling::error::SdkError<E, R>) -> AwsError
where
    E: aws_sdk_applicationautoscaling::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    aws_error(e)
}

/// What names a target: (namespace, resource ID, dimension), from the
/// arguments or, importing, from `namespace/resource-id/dimension`.
fn target_key(v: &Value) -> Option<(String, String, String)> {
    if let (Some(ns), Some(id), Some(dim)) =
        (nonempty(v, "service_namespace"), nonempty(v, "resource_id"), nonempty(v, "scalable_dimension"))
    {
        return Some((ns, id, dim));
    }
    let id = str_attr(v, "id")?;
    let (ns, rest) = id.split_once('/')?;
    let (resource, dim) = rest.rsplit_once('/')?;
    Some((ns.to_string(), resource.to_string(), dim.to_string()))
}

/// What names a policy, importing from `namespace/resource-id/dimension/name`.
fn policy_key(v: &Value) -> Option<(String, String, String, String)> {
    if let (Some(ns), Some(id), Some(dim), Some(name)) = (
        nonempty(v, "service_namespace"),
        nonempty(v, "resource_id"),
        nonempty(v, "scalable_dimension"),
        nonempty(v, "name"),
    ) {
        return Some((ns, id, dim, name));
    }
    let id = str_attr(v, "id")?;
    let (ns, rest) = id.split_once('/')?;
    let (rest, name) = rest.rsplit_once('/')?;
    let (resource, dim) = rest.rsplit_once('/')?;
    Some((ns.to_string(), resource.to_string(), dim.to_string(), name.to_string()))
}

fn float_of(v: &Value, name: &str) -> Option<f64> {
    attr(v, name).unmark_deep().0.as_number().map(|n| n.to_f64())
}

fn float(v: f64) -> Value {
    Number::from_f64(v).map(Value::number).unwrap_or_else(|| Value::null(Type::Number))
}

/// A bound as the provider keeps it: "" for none, else the number's text.
fn bound_text(v: Option<f64>) -> Value {
    Value::string(v.map(|b| Number::from_f64(b).map(|n| n.to_string()).unwrap_or_default()).unwrap_or_default())
}

fn missing(what: &str, key: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(format!("{what} ({key})"), format!("{what} ({key}): not found just after it was written"))
}

// ---- targets ---------------------------------------------------------------------

fn register(aws: &Aws, planned: &Value, with_tags: bool) -> Result<(), AwsError> {
    let (ns, id, dim) = target_key(planned).unwrap_or_default();
    let suspended =
        items(&attr(planned, "suspended_state")).into_iter().next().filter(|s| s.is_wholly_known()).map(|s| {
            SuspendedState::builder()
                .set_dynamic_scaling_in_suspended(bool_attr(&s, "dynamic_scaling_in_suspended"))
                .set_dynamic_scaling_out_suspended(bool_attr(&s, "dynamic_scaling_out_suspended"))
                .set_scheduled_scaling_suspended(bool_attr(&s, "scheduled_scaling_suspended"))
                .build()
        });
    let tags = map_of(&attr(planned, "tags_all"));
    let call = aws
        .appautoscaling
        .register_scalable_target()
        .service_namespace(ServiceNamespace::from(ns.as_str()))
        .resource_id(&id)
        .scalable_dimension(ScalableDimension::from(dim.as_str()))
        .set_min_capacity(i32_attr(planned, "min_capacity"))
        .set_max_capacity(i32_attr(planned, "max_capacity"))
        .set_role_arn(nonempty(planned, "role_arn"))
        .set_suspended_state(suspended)
        .set_tags((with_tags && !tags.is_empty()).then(|| tags.into_iter().collect()));
    // A just-made service or role may not yet be visible to the service.
    aws.retry(
        std::time::Duration::from_secs(120),
        |e| {
            e.code == "ValidationException" && e.message.contains("doesn't exist")
                || e.code == "ConcurrentUpdateException"
        },
        || {
            aws.log_call("application-autoscaling:RegisterScalableTarget");
            aws.block(call.clone().send()).map(|_| ()).map_err(err)
        },
    )
}

pub fn create_target(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (_, id, _) = target_key(planned).unwrap_or_default();
    register(aws, planned, true).map_err(|e| e.into_diag(&format!("creating {TARGET} ({id})")))?;
    read_target(aws, planned)?.ok_or_else(|| missing(TARGET, &id))
}

pub fn update_target(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (_, id, _) = target_key(planned).unwrap_or_default();
    let updating = |e: AwsError| e.into_diag(&format!("updating {TARGET} ({id})"));
    register(aws, planned, false).map_err(updating)?;
    let arn = str_attr(prior, "arn").unwrap_or_default();
    if !arn.is_empty() {
        update_tags(aws, &arn, prior, planned).map_err(updating)?;
    }
    read_target(aws, planned)?.ok_or_else(|| missing(TARGET, &id))
}

fn update_tags(aws: &Aws, arn: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("application-autoscaling:UntagResource");
        match aws
            .block(
                aws.appautoscaling
                    .untag_resource()
                    .resource_arn(arn)
                    .set_tag_keys(Some(remove))
                    .customize()
                    .config_override(few_retries())
                    .send(),
            )
            .map_err(err)
        {
            Err(e) if !untaggable(&e) => return Err(e),
            _ => {}
        }
    }
    if !set.is_empty() {
        aws.log_call("application-autoscaling:TagResource");
        match aws
            .block(
                aws.appautoscaling
                    .tag_resource()
                    .resource_arn(arn)
                    .set_tags(Some(set.into_iter().collect()))
                    .customize()
                    .config_override(few_retries())
                    .send(),
            )
            .map_err(err)
        {
            Err(e) if !untaggable(&e) => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// The tagging calls are tried twice, not `max_retries` times: an
/// endpoint without them (moto answers 500) must not hold every read for
/// minutes of backoff.
fn few_retries() -> aws_sdk_applicationautoscaling::config::Builder {
    aws_sdk_applicationautoscaling::config::Builder::default()
        .retry_config(aws_sdk_applicationautoscaling::config::retry::RetryConfig::standard().with_max_attempts(2))
}

/// An endpoint without the tagging calls (moto): nothing AWS itself says.
fn untaggable(e: &AwsError) -> bool {
    e.code == "RequestError"
        || e.code == "UnknownError"
        || e.code.contains("NotImplemented")
        || e.message.contains("not yet implemented")
}

fn describe_target(aws: &Aws, ns: &str, id: &str, dim: &str) -> Result<Option<ScalableTarget>, AwsError> {
    aws.log_call("application-autoscaling:DescribeScalableTargets");
    let out = aws
        .block(
            aws.appautoscaling
                .describe_scalable_targets()
                .service_namespace(ServiceNamespace::from(ns))
                .resource_ids(id)
                .scalable_dimension(ScalableDimension::from(dim))
                .send(),
        )
        .map_err(err)?;
    Ok(out.scalable_targets().iter().find(|t| t.resource_id() == id && t.scalable_dimension().as_str() == dim).cloned())
}

pub fn read_target(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let current = &crate::util::known_or_null(current);
    let Some((ns, id, dim)) = target_key(current) else { return Ok(None) };
    let reading = |e: AwsError| e.into_diag(&format!("reading {TARGET} ({id})"));
    let Some(t) = describe_target(aws, &ns, &id, &dim).map_err(reading)? else { return Ok(None) };
    let arn = t.scalable_target_arn().unwrap_or_default().to_string();
    let suspended = t.suspended_state().map(|s| {
        object(
            &suspended_state_block(),
            [
                ("dynamic_scaling_in_suspended", Value::bool(s.dynamic_scaling_in_suspended().unwrap_or(false))),
                ("dynamic_scaling_out_suspended", Value::bool(s.dynamic_scaling_out_suspended().unwrap_or(false))),
                ("scheduled_scaling_suspended", Value::bool(s.scheduled_scaling_suspended().unwrap_or(false))),
            ],
        )
    });
    let suspended = suspended.unwrap_or_else(|| {
        crate::util::complete(
            &object(&suspended_state_block(), []),
            &suspended_state_block(),
            "",
            &suspended_defaults(),
        )
    });
    let mut state = object(
        &target_schema(),
        [
            ("arn", Value::string(arn.as_str())),
            ("id", Value::string(t.resource_id())),
            ("max_capacity", Value::int(t.max_capacity().into())),
            ("min_capacity", Value::int(t.min_capacity().into())),
            ("resource_id", Value::string(t.resource_id())),
            ("role_arn", Value::string(t.role_arn())),
            ("scalable_dimension", Value::string(t.scalable_dimension().as_str())),
            ("service_namespace", Value::string(t.service_namespace().as_str())),
            ("suspended_state", Value::list(suspended_state_block().implied_type(), vec![suspended])),
        ],
    );
    let listed = if arn.is_empty() {
        None
    } else {
        aws.log_call("application-autoscaling:ListTagsForResource");
        match aws
            .block(
                aws.appautoscaling
                    .list_tags_for_resource()
                    .resource_arn(&arn)
                    .customize()
                    .config_override(few_retries())
                    .send(),
            )
            .map_err(err)
        {
            Ok(out) => Some(out.tags().cloned().unwrap_or_default()),
            Err(e) if untaggable(&e) => None,
            Err(e) => return Err(reading(e)),
        }
    };
    state = match listed {
        Some(remote) => {
            let (tags, all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote);
            with_attr(&with_attr(&state, "tags", tags), "tags_all", all)
        }
        // The endpoint cannot list them: as planned (or as the state had them).
        None => {
            let kept = tags::without_create_token(current);
            let all = match attr(&kept, "tags_all") {
                v if v.is_null() => crate::util::string_map(&aws.default_tags),
                v => v,
            };
            with_attr(&with_attr(&state, "tags", attr(&kept, "tags")), "tags_all", all)
        }
    };
    Ok(Some(state))
}

pub fn delete_target(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let Some((ns, id, dim)) = target_key(prior) else { return Ok(()) };
    aws.log_call("application-autoscaling:DeregisterScalableTarget");
    let sent = aws.block(
        aws.appautoscaling
            .deregister_scalable_target()
            .service_namespace(ServiceNamespace::from(ns.as_str()))
            .resource_id(&id)
            .scalable_dimension(ScalableDimension::from(dim.as_str()))
            .send(),
    );
    match sent.map_err(err) {
        Ok(_) => Ok(()),
        Err(e) if e.code == "ObjectNotFoundException" || e.message.contains("No scalable target found") => Ok(()),
        Err(e) => Err(e.into_diag(&format!("deleting {TARGET} ({id})"))),
    }
}

// ---- policies ----------------------------------------------------------------------

fn step_config(planned: &Value) -> Option<StepScalingPolicyConfiguration> {
    let s = items(&attr(planned, "step_scaling_policy_configuration")).into_iter().next()?;
    let adjustments = items(&attr(&s, "step_adjustment"))
        .iter()
        .filter_map(|a| {
            let bound = |name: &str| str_attr(a, name).filter(|t| !t.is_empty()).and_then(|t| t.parse::<f64>().ok());
            StepAdjustment::builder()
                .set_metric_interval_lower_bound(bound("metric_interval_lower_bound"))
                .set_metric_interval_upper_bound(bound("metric_interval_upper_bound"))
                .set_scaling_adjustment(i32_attr(a, "scaling_adjustment"))
                .build()
                .ok()
        })
        .collect();
    Some(
        StepScalingPolicyConfiguration::builder()
            .set_adjustment_type(nonempty(&s, "adjustment_type").map(|t| AdjustmentType::from(t.as_str())))
            .set_cooldown(i32_attr(&s, "cooldown").filter(|c| *c > 0))
            .set_metric_aggregation_type(
                nonempty(&s, "metric_aggregation_type").map(|t| MetricAggregationType::from(t.as_str())),
            )
            .set_min_adjustment_magnitude(i32_attr(&s, "min_adjustment_magnitude").filter(|m| *m > 0))
            .set_step_adjustments(Some(adjustments))
            .build(),
    )
}

fn tracking_config(planned: &Value) -> Option<TargetTrackingScalingPolicyConfiguration> {
    let t = items(&attr(planned, "target_tracking_scaling_policy_configuration")).into_iter().next()?;
    let predefined = items(&attr(&t, "predefined_metric_specification")).into_iter().next().and_then(|p| {
        PredefinedMetricSpecification::builder()
            .set_predefined_metric_type(nonempty(&p, "predefined_metric_type").map(|m| MetricType::from(m.as_str())))
            .set_resource_label(nonempty(&p, "resource_label"))
            .build()
            .ok()
    });
    let customized = items(&attr(&t, "customized_metric_specification")).into_iter().next().map(|c| {
        let dimensions = items(&attr(&c, "dimensions"))
            .iter()
            .filter_map(|d| {
                MetricDimension::builder().set_name(str_attr(d, "name")).set_value(str_attr(d, "value")).build().ok()
            })
            .collect::<Vec<_>>();
        CustomizedMetricSpecification::builder()
            .set_metric_name(nonempty(&c, "metric_name"))
            .set_namespace(nonempty(&c, "namespace"))
            .set_statistic(nonempty(&c, "statistic").map(|s| MetricStatistic::from(s.as_str())))
            .set_unit(nonempty(&c, "unit"))
            .set_dimensions((!dimensions.is_empty()).then_some(dimensions))
            .build()
    });
    TargetTrackingScalingPolicyConfiguration::builder()
        .set_target_value(float_of(&t, "target_value"))
        .set_disable_scale_in(bool_attr(&t, "disable_scale_in"))
        .set_scale_in_cooldown(i32_attr(&t, "scale_in_cooldown").filter(|c| *c > 0))
        .set_scale_out_cooldown(i32_attr(&t, "scale_out_cooldown").filter(|c| *c > 0))
        .set_predefined_metric_specification(predefined)
        .set_customized_metric_specification(customized)
        .build()
        .ok()
}

pub fn put_policy(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (ns, id, dim, name) = policy_key(planned).unwrap_or_default();
    let call = aws
        .appautoscaling
        .put_scaling_policy()
        .policy_name(&name)
        .service_namespace(ServiceNamespace::from(ns.as_str()))
        .resource_id(&id)
        .scalable_dimension(ScalableDimension::from(dim.as_str()))
        .set_policy_type(nonempty(planned, "policy_type").map(|t| PolicyType::from(t.as_str())))
        .set_step_scaling_policy_configuration(step_config(planned))
        .set_target_tracking_scaling_policy_configuration(tracking_config(planned));
    // The target may not be visible yet right after it was registered.
    aws.retry(
        std::time::Duration::from_secs(120),
        |e| e.code == "ObjectNotFoundException" || e.code == "FailedResourceAccessException",
        || {
            aws.log_call("application-autoscaling:PutScalingPolicy");
            aws.block(call.clone().send()).map(|_| ()).map_err(err)
        },
    )
    .map_err(|e| e.into_diag(&format!("putting {POLICY} ({name})")))?;
    read_policy(aws, planned)?.ok_or_else(|| missing(POLICY, &name))
}

fn describe_policy(aws: &Aws, ns: &str, id: &str, dim: &str, name: &str) -> Result<Option<ScalingPolicy>, AwsError> {
    aws.log_call("application-autoscaling:DescribeScalingPolicies");
    let out = aws
        .block(
            aws.appautoscaling
                .describe_scaling_policies()
                .service_namespace(ServiceNamespace::from(ns))
                .resource_id(id)
                .scalable_dimension(ScalableDimension::from(dim))
                .policy_names(name)
                .send(),
        )
        .map_err(err)?;
    // Filtered here too: an endpoint may ignore the names (moto does).
    Ok(out
        .scaling_policies()
        .iter()
        .find(|p| p.policy_name() == name && p.resource_id() == id && p.scalable_dimension().as_str() == dim)
        .cloned())
}

pub fn read_policy(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let current = &crate::util::known_or_null(current);
    let Some((ns, id, dim, name)) = policy_key(current) else { return Ok(None) };
    let reading = |e: AwsError| e.into_diag(&format!("reading {POLICY} ({name})"));
    let Some(p) = describe_policy(aws, &ns, &id, &dim, &name).map_err(reading)? else { return Ok(None) };
    let step = p.step_scaling_policy_configuration().map(|s| {
        let adjustments = s
            .step_adjustments()
            .iter()
            .map(|a| {
                object(
                    &step_adjustment_block(),
                    [
                        ("metric_interval_lower_bound", bound_text(a.metric_interval_lower_bound())),
                        ("metric_interval_upper_bound", bound_text(a.metric_interval_upper_bound())),
                        ("scaling_adjustment", Value::int(a.scaling_adjustment().into())),
                    ],
                )
            })
            .collect();
        object(
            &step_block(),
            [
                ("adjustment_type", Value::string(s.adjustment_type().map(|t| t.as_str()).unwrap_or_default())),
                ("cooldown", Value::int(s.cooldown().unwrap_or_default().into())),
                (
                    "metric_aggregation_type",
                    Value::string(s.metric_aggregation_type().map(|t| t.as_str()).unwrap_or("Average")),
                ),
                ("min_adjustment_magnitude", Value::int(s.min_adjustment_magnitude().unwrap_or_default().into())),
                ("step_adjustment", Value::set(step_adjustment_block().implied_type(), adjustments)),
            ],
        )
    });
    let tracking = p.target_tracking_scaling_policy_configuration().map(|t| {
        let predefined: Vec<Value> = t
            .predefined_metric_specification()
            .map(|m| {
                object(
                    &predefined_block(),
                    [
                        ("predefined_metric_type", Value::string(m.predefined_metric_type().as_str())),
                        ("resource_label", Value::string(m.resource_label().unwrap_or_default())),
                    ],
                )
            })
            .into_iter()
            .collect();
        let customized: Vec<Value> = t
            .customized_metric_specification()
            .map(|c| {
                let dims = c
                    .dimensions()
                    .iter()
                    .map(|d| {
                        object(
                            &dimension_block(),
                            [("name", Value::string(d.name())), ("value", Value::string(d.value()))],
                        )
                    })
                    .collect();
                object(
                    &customized_block(),
                    [
                        ("metric_name", Value::string(c.metric_name().unwrap_or_default())),
                        ("namespace", Value::string(c.namespace().unwrap_or_default())),
                        ("statistic", Value::string(c.statistic().map(|s| s.as_str()).unwrap_or_default())),
                        ("unit", Value::string(c.unit().unwrap_or_default())),
                        ("dimensions", Value::set(dimension_block().implied_type(), dims)),
                    ],
                )
            })
            .into_iter()
            .collect();
        object(
            &tracking_block(),
            [
                ("disable_scale_in", Value::bool(t.disable_scale_in().unwrap_or(false))),
                ("scale_in_cooldown", Value::int(t.scale_in_cooldown().unwrap_or_default().into())),
                ("scale_out_cooldown", Value::int(t.scale_out_cooldown().unwrap_or_default().into())),
                ("target_value", float(t.target_value())),
                ("predefined_metric_specification", Value::list(predefined_block().implied_type(), predefined)),
                ("customized_metric_specification", Value::list(customized_block().implied_type(), customized)),
            ],
        )
    });
    let state = object(
        &policy_schema(),
        [
            ("alarm_arns", string_list(p.alarms().iter().map(|a| a.alarm_arn().to_string()))),
            ("arn", Value::string(p.policy_arn())),
            ("id", Value::string(p.policy_name())),
            ("name", Value::string(p.policy_name())),
            ("policy_type", Value::string(p.policy_type().as_str())),
            ("resource_id", Value::string(p.resource_id())),
            ("scalable_dimension", Value::string(p.scalable_dimension().as_str())),
            ("service_namespace", Value::string(p.service_namespace().as_str())),
            ("step_scaling_policy_configuration", Value::list(step_block().implied_type(), step.into_iter().collect())),
            (
                "target_tracking_scaling_policy_configuration",
                Value::list(tracking_block().implied_type(), tracking.into_iter().collect()),
            ),
        ],
    );
    Ok(Some(state))
}

pub fn delete_policy(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let Some((ns, id, dim, name)) = policy_key(prior) else { return Ok(()) };
    aws.log_call("application-autoscaling:DeleteScalingPolicy");
    let sent = aws.block(
        aws.appautoscaling
            .delete_scaling_policy()
            .policy_name(&name)
            .service_namespace(ServiceNamespace::from(ns.as_str()))
            .resource_id(&id)
            .scalable_dimension(ScalableDimension::from(dim.as_str()))
            .send(),
    );
    match sent.map_err(err) {
        Ok(_) => Ok(()),
        Err(e) if e.code == "ObjectNotFoundException" || e.message.contains("No scaling policy found") => Ok(()),
        Err(e) => Err(e.into_diag(&format!("deleting {POLICY} ({name})"))),
    }
}

// ---- dispatch ------------------------------------------------------------------------

pub fn apply(aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    match (type_name, prior.is_null()) {
        ("aws_appautoscaling_target", true) => create_target(aws, planned),
        ("aws_appautoscaling_target", false) => update_target(aws, prior, planned),
        _ => put_policy(aws, planned),
    }
}

pub fn delete(aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
    match type_name {
        "aws_appautoscaling_target" => delete_target(aws, prior),
        _ => delete_policy(aws, prior),
    }
}

pub fn read(aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    match type_name {
        "aws_appautoscaling_target" => read_target(aws, current),
        _ => read_policy(aws, current),
    }
}

/// Named by their arguments: what exists under those names is what the
/// interrupted create made.
pub fn find(aws: &Aws, type_name: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    read(aws, type_name, planned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_name_the_target_and_the_policy() {
        let stub = |id: &str| object(&target_schema(), [("id", Value::string(id))]);
        assert_eq!(
            target_key(&stub("ecs/service/prod/web/ecs:service:DesiredCount")),
            Some(("ecs".into(), "service/prod/web".into(), "ecs:service:DesiredCount".into()))
        );
        let policy =
            object(&policy_schema(), [("id", Value::string("ecs/service/prod/web/ecs:service:DesiredCount/cpu"))]);
        assert_eq!(
            policy_key(&policy),
            Some(("ecs".into(), "service/prod/web".into(), "ecs:service:DesiredCount".into(), "cpu".into()))
        );
        assert_eq!(target_key(&stub("nonsense")), None);
    }

    #[test]
    fn step_bounds_are_kept_as_the_provider_writes_them() {
        assert_eq!(bound_text(None).as_str(), Some(""));
        assert_eq!(bound_text(Some(0.0)).as_str(), Some("0"));
        assert_eq!(bound_text(Some(10.5)).as_str(), Some("10.5"));
    }
}
