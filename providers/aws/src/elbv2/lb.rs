//! `aws_lb` (`aws_alb`): an application, network or gateway load
//! balancer, id = its ARN. Created, then waited for until active (polled
//! from the start, not after the provider's 30-second delay), then its
//! attributes set; subnets, security groups, the IP address type and the
//! attributes change in place.
//!
//! The attribute-backed arguments (`idle_timeout`, `enable_http2`, access
//! logs, …) are sent only for the load balancer types they apply to, as
//! the provider does; one AWS leaves out of its answer keeps the value the
//! state had (moto leaves out `idle_timeout` until it is set).

use super::{
    arn_suffix, attribute_map, attribute_text, attribute_value, complete_items, create_tags, err, fail, int_attr,
    items, listed, name_for, read_after_write, string_set, update_tags, with_tags,
};
use crate::client::{Aws, AwsError};
use crate::util::{attr, bool_attr, is_set, nonempty, object, str_attr, strings_of, with_attr};
use crate::util::{attrs, single};
use aws_sdk_elasticloadbalancingv2::types::{
    IpAddressType, LoadBalancer, LoadBalancerAttribute, LoadBalancerSchemeEnum, LoadBalancerStateEnum,
    LoadBalancerTypeEnum, SubnetMapping,
};
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ListedObject, NestedBlock, Nesting, PathStep, ProviderDiagnostic};

const WHAT: &str = "ELBv2 Load Balancer";

const APPLICATION: &[&str] = &["application"];
const NETWORK: &[&str] = &["network"];
const APPLICATION_AND_NETWORK: &[&str] = &["application", "network"];
const NETWORK_AND_GATEWAY: &[&str] = &["network", "gateway"];
const ALL: &[&str] = &["application", "network", "gateway"];

/// An argument kept in a load balancer attribute: its name, AWS's key,
/// and the load balancer types it applies to.
struct LbAttribute {
    name: &'static str,
    key: &'static str,
    types: &'static [&'static str],
}

const ATTRIBUTES: [LbAttribute; 14] = [
    LbAttribute { name: "client_keep_alive", key: "client_keep_alive.seconds", types: APPLICATION },
    LbAttribute { name: "desync_mitigation_mode", key: "routing.http.desync_mitigation_mode", types: APPLICATION },
    LbAttribute { name: "dns_record_client_routing_policy", key: "dns_record.client_routing_policy", types: NETWORK },
    LbAttribute {
        name: "drop_invalid_header_fields",
        key: "routing.http.drop_invalid_header_fields.enabled",
        types: APPLICATION,
    },
    LbAttribute {
        name: "enable_cross_zone_load_balancing",
        key: "load_balancing.cross_zone.enabled",
        types: NETWORK_AND_GATEWAY,
    },
    LbAttribute { name: "enable_deletion_protection", key: "deletion_protection.enabled", types: ALL },
    LbAttribute { name: "enable_http2", key: "routing.http2.enabled", types: APPLICATION },
    LbAttribute {
        name: "enable_tls_version_and_cipher_suite_headers",
        key: "routing.http.x_amzn_tls_version_and_cipher_suite.enabled",
        types: APPLICATION,
    },
    LbAttribute { name: "enable_waf_fail_open", key: "waf.fail_open.enabled", types: APPLICATION },
    LbAttribute { name: "enable_xff_client_port", key: "routing.http.xff_client_port.enabled", types: APPLICATION },
    LbAttribute { name: "enable_zonal_shift", key: "zonal_shift.config.enabled", types: APPLICATION_AND_NETWORK },
    LbAttribute { name: "idle_timeout", key: "idle_timeout.timeout_seconds", types: APPLICATION },
    LbAttribute { name: "preserve_host_header", key: "routing.http.preserve_host_header.enabled", types: APPLICATION },
    LbAttribute {
        name: "xff_header_processing_mode",
        key: "routing.http.xff_header_processing.mode",
        types: APPLICATION,
    },
];

/// The S3 log blocks: the block's name, AWS's key prefix, the types.
const LOGS: [(&str, &str, &[&str]); 2] = [
    ("access_logs", "access_logs.s3", APPLICATION_AND_NETWORK),
    ("connection_logs", "connection_logs.s3", APPLICATION),
];

fn logs_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("bucket", Attribute::required(Type::String)),
            ("enabled", Attribute::optional(Type::Bool)),
            ("prefix", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn subnet_mapping_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("allocation_id", Attribute::optional(Type::String)),
            ("ipv6_address", Attribute::optional(Type::String)),
            ("outpost_id", Attribute::computed(Type::String)),
            ("private_ipv4_address", Attribute::optional(Type::String)),
            ("subnet_id", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn schema() -> Block {
    let b = || Attribute::optional(Type::Bool);
    let s = || Attribute::optional(Type::String);
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("arn_suffix", Attribute::computed(Type::String)),
            ("client_keep_alive", Attribute::optional(Type::Number)),
            ("customer_owned_ipv4_pool", s().force_new()),
            ("desync_mitigation_mode", s()),
            ("dns_name", Attribute::computed(Type::String)),
            ("dns_record_client_routing_policy", s()),
            ("drop_invalid_header_fields", b()),
            ("enable_cross_zone_load_balancing", Attribute::optional_computed(Type::Bool)),
            ("enable_deletion_protection", b()),
            ("enable_http2", b()),
            ("enable_tls_version_and_cipher_suite_headers", b()),
            ("enable_waf_fail_open", b()),
            ("enable_xff_client_port", b()),
            ("enable_zonal_shift", b()),
            ("id", Attribute::computed(Type::String)),
            ("idle_timeout", Attribute::optional(Type::Number)),
            ("internal", Attribute::optional_computed(Type::Bool).force_new()),
            ("ip_address_type", Attribute::optional_computed(Type::String)),
            ("load_balancer_type", s().force_new()),
            ("name", Attribute::optional_computed(Type::String).force_new()),
            ("name_prefix", Attribute::optional_computed(Type::String).force_new()),
            ("preserve_host_header", b()),
            ("security_groups", Attribute::optional_computed(Type::set(Type::String))),
            ("subnets", Attribute::optional_computed(Type::set(Type::String))),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("vpc_id", Attribute::computed(Type::String)),
            ("xff_header_processing_mode", s()),
            ("zone_id", Attribute::computed(Type::String)),
        ]),
        blocks: BTreeMap::from([
            ("access_logs".to_string(), single(logs_block())),
            ("connection_logs".to_string(), single(logs_block())),
            (
                "subnet_mapping".to_string(),
                NestedBlock { nesting: Nesting::Set, block: subnet_mapping_block(), min_items: 0, max_items: 0 },
            ),
        ]),
    }
}

pub fn defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("client_keep_alive", Value::int(3600)),
        ("desync_mitigation_mode", Value::string("defensive")),
        ("dns_record_client_routing_policy", Value::string("any_availability_zone")),
        ("drop_invalid_header_fields", Value::bool(false)),
        ("enable_deletion_protection", Value::bool(false)),
        ("enable_http2", Value::bool(true)),
        ("enable_tls_version_and_cipher_suite_headers", Value::bool(false)),
        ("enable_waf_fail_open", Value::bool(false)),
        ("enable_xff_client_port", Value::bool(false)),
        ("enable_zonal_shift", Value::bool(false)),
        ("idle_timeout", Value::int(60)),
        ("load_balancer_type", Value::string("application")),
        ("preserve_host_header", Value::bool(false)),
        ("xff_header_processing_mode", Value::string("append")),
    ]
}

fn log_defaults() -> Vec<(&'static str, Value)> {
    vec![("enabled", Value::bool(false))]
}

fn at(name: &str, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(vec![PathStep::Attr(name.into())])
}

fn check_one_of(diags: &mut Vec<ProviderDiagnostic>, config: &Value, name: &str, allowed: &[&str]) {
    if let Some(v) = str_attr(config, name) {
        if !allowed.contains(&v.as_str()) {
            let list = allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ");
            diags.push(at(name, "Invalid value", format!("expected {name} to be one of [{list}], got {v}")));
        }
    }
}

fn check_range(diags: &mut Vec<ProviderDiagnostic>, config: &Value, name: &str, min: i64, max: i64) {
    if let Some(n) = int_attr(config, name) {
        if n < min || n > max {
            diags.push(at(
                name,
                "Invalid value",
                format!("expected {name} to be in the range ({min} - {max}), got {n}"),
            ));
        }
    }
}

/// ELB's rule for load balancer and target group names: at most 32
/// letters, digits and hyphens, not starting or ending with a hyphen.
pub(super) fn check_name(diags: &mut Vec<ProviderDiagnostic>, config: &Value, what: &str) {
    if let Some(name) = str_attr(config, "name") {
        let valid_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if name.len() > 32 || !valid_chars || name.starts_with('-') || name.ends_with('-') || name.is_empty() {
            diags.push(at(
                "name",
                "Invalid name",
                format!(
                    "{what} name {name:?}: only alphanumeric characters and hyphens allowed, at most 32 characters, and it cannot begin or end with a hyphen"
                ),
            ));
        }
        if what == "load balancer" && name.starts_with("internal-") {
            diags.push(at(
                "name",
                "Invalid name",
                format!("load balancer name {name:?} cannot begin with \"internal-\""),
            ));
        }
    }
    if let Some(prefix) = str_attr(config, "name_prefix") {
        if prefix.len() > 6 || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            diags.push(at(
                "name_prefix",
                "Invalid name_prefix",
                format!("{what} name_prefix {prefix:?}: at most 6 alphanumeric characters or hyphens"),
            ));
        }
    }
    if is_set(&attr(config, "name")) && is_set(&attr(config, "name_prefix")) {
        diags.push(at(
            "name_prefix",
            "Conflicting configuration arguments",
            "\"name_prefix\": conflicts with name".into(),
        ));
    }
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    check_name(&mut diags, config, "load balancer");
    check_one_of(&mut diags, config, "load_balancer_type", ALL);
    check_one_of(&mut diags, config, "desync_mitigation_mode", &["monitor", "defensive", "strictest"]);
    check_one_of(&mut diags, config, "xff_header_processing_mode", &["append", "preserve", "remove"]);
    check_one_of(&mut diags, config, "ip_address_type", &["ipv4", "dualstack", "dualstack-without-public-ipv4"]);
    check_one_of(
        &mut diags,
        config,
        "dns_record_client_routing_policy",
        &["any_availability_zone", "availability_zone_affinity", "partial_availability_zone_affinity"],
    );
    check_range(&mut diags, config, "idle_timeout", 1, 4000);
    check_range(&mut diags, config, "client_keep_alive", 60, 604_800);
    let subnets = attr(config, "subnets");
    let mappings = attr(config, "subnet_mapping");
    if is_set(&subnets) && !items(&subnets).is_empty() && !items(&mappings).is_empty() {
        diags.push(at(
            "subnet_mapping",
            "Conflicting configuration arguments",
            "\"subnet_mapping\": conflicts with subnets".into(),
        ));
    }
    diags
}

/// Subnet mappings as the state keeps them, and the prior ones where the
/// configuration has none (the provider reads them back either way).
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<Vec<PathStep>>) {
    let mut p = planned.clone();
    for (name, _, _) in LOGS {
        p = with_attr(&p, name, complete_items(&attr(&p, name), &logs_block(), Nesting::List, "", &log_defaults()));
    }
    let mappings = attr(config, "subnet_mapping");
    if items(&mappings).is_empty() && !prior.is_null() {
        p = with_attr(&p, "subnet_mapping", attr(prior, "subnet_mapping"));
    } else {
        let completed = complete_items(&attr(&p, "subnet_mapping"), &subnet_mapping_block(), Nesting::Set, "", &[]);
        p = with_attr(&p, "subnet_mapping", completed);
    }
    // A network load balancer's subnet mappings (addresses) cannot change.
    let mut replace = Vec::new();
    let network = str_attr(&p, "load_balancer_type").as_deref() == Some("network");
    if network && !prior.is_null() && !items(&mappings).is_empty() {
        let before = attr(prior, "subnet_mapping");
        if !before.unmark_deep().0.raw_equal(&attr(&p, "subnet_mapping").unmark_deep().0) {
            replace.push(vec![PathStep::Attr("subnet_mapping".into())]);
        }
    }
    (p, replace)
}

fn lb_type(v: &Value) -> String {
    str_attr(v, "load_balancer_type").unwrap_or_else(|| "application".into())
}

/// The attributes `planned` sets for its type (those that differ from
/// `prior`'s when updating).
fn attributes_to_send(planned: &Value, prior: &Value) -> Vec<LoadBalancerAttribute> {
    let ty = lb_type(planned);
    let mut out = Vec::new();
    let mut push = |key: String, value: String| {
        out.push(LoadBalancerAttribute::builder().key(key).value(value).build());
    };
    for a in ATTRIBUTES.iter().filter(|a| a.types.contains(&ty.as_str())) {
        let v = attr(planned, a.name);
        if !is_set(&v) || (!prior.is_null() && v.unmark_deep().0.raw_equal(&attr(prior, a.name).unmark_deep().0)) {
            continue;
        }
        if let Some(text) = attribute_text(&v) {
            push(a.key.to_string(), text);
        }
    }
    for (name, key, types) in LOGS {
        if !types.contains(&ty.as_str()) {
            continue;
        }
        let now = attr(planned, name);
        if !prior.is_null() && now.unmark_deep().0.raw_equal(&attr(prior, name).unmark_deep().0) {
            continue;
        }
        match items(&now).first() {
            Some(block) => {
                push(format!("{key}.enabled"), bool_attr(block, "enabled").unwrap_or(false).to_string());
                push(format!("{key}.bucket"), str_attr(block, "bucket").unwrap_or_default());
                push(format!("{key}.prefix"), str_attr(block, "prefix").unwrap_or_default());
            }
            None => push(format!("{key}.enabled"), "false".into()),
        }
    }
    out
}

fn modify_attributes(aws: &Aws, arn: &str, attributes: Vec<LoadBalancerAttribute>) -> Result<(), AwsError> {
    if attributes.is_empty() {
        return Ok(());
    }
    aws.log_call("elasticloadbalancing:ModifyLoadBalancerAttributes");
    aws.block(
        aws.elbv2.modify_load_balancer_attributes().load_balancer_arn(arn).set_attributes(Some(attributes)).send(),
    )
    .map_err(err)?;
    Ok(())
}

fn subnet_mappings(planned: &Value) -> Vec<SubnetMapping> {
    items(&attr(planned, "subnet_mapping"))
        .iter()
        .map(|m| {
            SubnetMapping::builder()
                .set_subnet_id(nonempty(m, "subnet_id"))
                .set_allocation_id(nonempty(m, "allocation_id"))
                .set_ipv6_address(nonempty(m, "ipv6_address"))
                .set_private_ipv4_address(nonempty(m, "private_ipv4_address"))
                .build()
        })
        .collect()
}

fn known_strings(v: &Value) -> Option<Vec<String>> {
    (v.is_wholly_known() && !v.is_null()).then(|| strings_of(v))
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = name_for(planned, "tf-lb-");
    let mut call = aws
        .elbv2
        .create_load_balancer()
        .name(&name)
        .r#type(LoadBalancerTypeEnum::from(lb_type(planned).as_str()))
        .set_tags(create_tags(planned))
        .set_customer_owned_ipv4_pool(nonempty(planned, "customer_owned_ipv4_pool"));
    let mappings = subnet_mappings(planned);
    if mappings.is_empty() {
        call = call.set_subnets(known_strings(&attr(planned, "subnets")));
    } else {
        call = call.set_subnet_mappings(Some(mappings));
    }
    if let Some(groups) = known_strings(&attr(planned, "security_groups")).filter(|g| !g.is_empty()) {
        call = call.set_security_groups(Some(groups));
    }
    if let Some(internal) = bool_attr(planned, "internal") {
        call = call.scheme(if internal {
            LoadBalancerSchemeEnum::Internal
        } else {
            LoadBalancerSchemeEnum::InternetFacing
        });
    }
    if let Some(t) = nonempty(planned, "ip_address_type") {
        call = call.ip_address_type(IpAddressType::from(t.as_str()));
    }
    aws.log_call("elasticloadbalancing:CreateLoadBalancer");
    let out = aws.block(call.send()).map_err(err).map_err(fail(&format!("creating {WHAT} ({name})")))?;
    let Some(arn) = out.load_balancers().first().and_then(|l| l.load_balancer_arn()).map(String::from) else {
        return Err(ProviderDiagnostic::error(
            format!("creating {WHAT} ({name})"),
            format!("creating {WHAT} ({name}): AWS returned no load balancer"),
        ));
    };
    let current = with_attr(planned, "id", Value::string(arn.as_str()));
    wait_active(aws, &arn).map_err(fail(&format!("waiting for {WHAT} ({name}) create")))?;
    modify_attributes(aws, &arn, attributes_to_send(planned, &Value::dynamic_null()))
        .map_err(fail(&format!("modifying {WHAT} ({arn}) attributes")))?;
    read_after_write(aws, &current, WHAT, read)
}

/// Polls until the load balancer is active (bounded by the operation's
/// timeout); a failed one is an error with AWS's reason.
fn wait_active(aws: &Aws, arn: &str) -> Result<(), AwsError> {
    aws.retry(
        Duration::from_secs(600),
        |e| e.code == "Provisioning",
        || {
            let lb = describe(aws, arn)?.ok_or_else(|| AwsError {
                code: "LoadBalancerNotFound".into(),
                message: format!("load balancer {arn} not found"),
            })?;
            let state = lb.state();
            match state.and_then(|s| s.code()) {
                Some(LoadBalancerStateEnum::Active) | None => Ok(()),
                Some(LoadBalancerStateEnum::Failed) => Err(AwsError {
                    code: "Failed".into(),
                    message: state.and_then(|s| s.reason()).unwrap_or("the load balancer failed").to_string(),
                }),
                Some(other) => Err(AwsError {
                    code: "Provisioning".into(),
                    message: format!("still {} (expected active)", other.as_str()),
                }),
            }
        },
    )
}

fn describe(aws: &Aws, arn: &str) -> Result<Option<LoadBalancer>, AwsError> {
    aws.log_call("elasticloadbalancing:DescribeLoadBalancers");
    match aws.block(aws.elbv2.describe_load_balancers().load_balancer_arns(arn).send()).map_err(err) {
        Ok(out) => Ok(out.load_balancers().first().cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let arn = str_attr(prior, "id").unwrap_or_default();
    let changed = |name: &str| !attr(prior, name).unmark_deep().0.raw_equal(&attr(planned, name).unmark_deep().0);
    let failing = |what: &str| fail(format!("modifying {WHAT} ({arn}) {what}"));
    if changed("security_groups") {
        if let Some(groups) = known_strings(&attr(planned, "security_groups")) {
            aws.log_call("elasticloadbalancing:SetSecurityGroups");
            aws.block(aws.elbv2.set_security_groups().load_balancer_arn(&arn).set_security_groups(Some(groups)).send())
                .map_err(err)
                .map_err(failing("security groups"))?;
        }
    }
    if changed("subnets") || changed("subnet_mapping") {
        let mut call = aws.elbv2.set_subnets().load_balancer_arn(&arn);
        if changed("subnet_mapping") && !items(&attr(planned, "subnet_mapping")).is_empty() {
            call = call.set_subnet_mappings(Some(subnet_mappings(planned)));
        } else {
            call = call.set_subnets(known_strings(&attr(planned, "subnets")));
        }
        aws.log_call("elasticloadbalancing:SetSubnets");
        aws.block(call.send()).map_err(err).map_err(failing("subnets"))?;
    }
    if changed("ip_address_type") {
        if let Some(t) = nonempty(planned, "ip_address_type") {
            aws.log_call("elasticloadbalancing:SetIpAddressType");
            aws.block(
                aws.elbv2
                    .set_ip_address_type()
                    .load_balancer_arn(&arn)
                    .ip_address_type(IpAddressType::from(t.as_str()))
                    .send(),
            )
            .map_err(err)
            .map_err(failing("IP address type"))?;
        }
    }
    modify_attributes(aws, &arn, attributes_to_send(planned, prior)).map_err(failing("attributes"))?;
    update_tags(aws, &arn, prior, planned).map_err(failing("tags"))?;
    let current = with_attr(planned, "id", Value::string(arn.as_str()));
    wait_active(aws, &arn).map_err(failing("(waiting for it to be active)"))?;
    read_after_write(aws, &current, WHAT, read)
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    // What AWS does not report is kept from `current`, which may be a plan.
    let current = &crate::util::known_or_null(current);
    let arn = str_attr(current, "id").unwrap_or_default();
    let reading = |e: AwsError| e.into_diag(&format!("reading {WHAT} ({arn})"));
    let Some(lb) = describe(aws, &arn).map_err(reading)? else { return Ok(None) };
    aws.log_call("elasticloadbalancing:DescribeLoadBalancerAttributes");
    let described = aws
        .block(aws.elbv2.describe_load_balancer_attributes().load_balancer_arn(&arn).send())
        .map_err(err)
        .map_err(reading)?;
    let remote = attribute_map(described.attributes().iter().map(|a| (a.key(), a.value())));
    let state = to_state(&lb, &remote, current);
    with_tags(aws, &arn, current, state).map(Some).map_err(reading)
}

fn to_state(lb: &LoadBalancer, remote: &BTreeMap<String, String>, current: &Value) -> Value {
    let block = schema();
    let arn = lb.load_balancer_arn().unwrap_or_default().to_string();
    let ty = lb.r#type().map(|t| t.as_str().to_string()).unwrap_or_else(|| "application".into());
    let name = lb.load_balancer_name().unwrap_or_default().to_string();
    let subnets: Vec<String> = lb.availability_zones().iter().filter_map(|z| z.subnet_id().map(String::from)).collect();
    let mut state = object(
        &block,
        [
            ("arn", Value::string(arn.as_str())),
            ("arn_suffix", Value::string(arn_suffix(&arn, ":loadbalancer/"))),
            ("customer_owned_ipv4_pool", Value::string(lb.customer_owned_ipv4_pool().unwrap_or_default())),
            ("dns_name", Value::string(lb.dns_name().unwrap_or_default())),
            ("id", Value::string(arn.as_str())),
            ("internal", Value::bool(lb.scheme() == Some(&LoadBalancerSchemeEnum::Internal))),
            ("ip_address_type", Value::string(lb.ip_address_type().map(|t| t.as_str()).unwrap_or("ipv4"))),
            ("load_balancer_type", Value::string(ty.as_str())),
            ("name", Value::string(name.as_str())),
            (
                "name_prefix",
                Value::string(crate::logs::name_prefix_from_name(&name).map(|p| p.to_string()).unwrap_or_default()),
            ),
            ("security_groups", string_set(lb.security_groups().iter().cloned())),
            ("subnets", string_set(subnets)),
            ("vpc_id", Value::string(lb.vpc_id().unwrap_or_default())),
            ("zone_id", Value::string(lb.canonical_hosted_zone_id().unwrap_or_default())),
        ],
    );
    for (name, value) in defaults() {
        if attr(&state, name).is_null() {
            let kept = attr(current, name);
            state = with_attr(&state, name, if kept.is_null() { value } else { kept });
        }
    }
    state = with_attr(&state, "enable_cross_zone_load_balancing", attr(current, "enable_cross_zone_load_balancing"));
    for a in ATTRIBUTES.iter().filter(|a| a.types.contains(&ty.as_str())) {
        let ty = &block.attributes[a.name].ty;
        if let Some(v) = remote.get(a.key).and_then(|text| attribute_value(text, ty)) {
            state = with_attr(&state, a.name, v);
        }
    }
    if attr(&state, "enable_cross_zone_load_balancing").is_null() {
        // An application load balancer balances across zones always.
        let on = remote.get("load_balancing.cross_zone.enabled").map(|t| t == "true").unwrap_or(ty == "application");
        state = with_attr(&state, "enable_cross_zone_load_balancing", Value::bool(on));
    }
    let logs_ty = logs_block().implied_type();
    for (name, key, _) in LOGS {
        let enabled = remote.get(&format!("{key}.enabled")).map(|t| t == "true").unwrap_or(false);
        let had = !items(&attr(current, name)).is_empty();
        let logs = if enabled || had {
            vec![object(
                &logs_block(),
                [
                    ("bucket", Value::string(remote.get(&format!("{key}.bucket")).cloned().unwrap_or_default())),
                    ("enabled", Value::bool(enabled)),
                    ("prefix", Value::string(remote.get(&format!("{key}.prefix")).cloned().unwrap_or_default())),
                ],
            )]
        } else {
            Vec::new()
        };
        state = with_attr(&state, name, Value::list(logs_ty.clone(), logs));
    }
    // Mappings: read back when the state has them (or has no subnets yet,
    // as an import), so a configuration naming `subnets` keeps none.
    let mapping_ty = subnet_mapping_block().implied_type();
    let had_mappings = !items(&attr(current, "subnet_mapping")).is_empty() || !is_set(&attr(current, "subnets"));
    let mappings = if had_mappings {
        lb.availability_zones()
            .iter()
            .map(|z| {
                let address = z.load_balancer_addresses().first();
                object(
                    &subnet_mapping_block(),
                    [
                        ("allocation_id", Value::string(address.and_then(|a| a.allocation_id()).unwrap_or_default())),
                        ("ipv6_address", Value::string(address.and_then(|a| a.ipv6_address()).unwrap_or_default())),
                        ("outpost_id", Value::string(z.outpost_id().unwrap_or_default())),
                        (
                            "private_ipv4_address",
                            Value::string(address.and_then(|a| a.private_ipv4_address()).unwrap_or_default()),
                        ),
                        ("subnet_id", Value::string(z.subnet_id().unwrap_or_default())),
                    ],
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    with_attr(&state, "subnet_mapping", Value::set(mapping_ty, mappings))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let arn = str_attr(prior, "id").unwrap_or_default();
    aws.log_call("elasticloadbalancing:DeleteLoadBalancer");
    match aws.block(aws.elbv2.delete_load_balancer().load_balancer_arn(&arn).send()).map_err(err) {
        Ok(_) => {}
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e.into_diag(&format!("deleting {WHAT} ({arn})"))),
    }
    aws.retry(
        Duration::from_secs(600),
        |e| e.code == "StillThere",
        || match describe(aws, &arn)? {
            None => Ok(()),
            Some(_) => Err(AwsError { code: "StillThere".into(), message: format!("{arn} is still being deleted") }),
        },
    )
    .map_err(fail(&format!("waiting for {WHAT} ({arn}) delete")))
}

/// The ARNs a create of `planned` may have made: the one with its name,
/// or every load balancer when the name was to be generated.
pub fn find(aws: &Aws, planned: &Value) -> Result<Vec<String>, ProviderDiagnostic> {
    let name = nonempty(&crate::util::known_or_null(planned), "name");
    let listing = |e: AwsError| e.into_diag(&format!("listing {WHAT}s"));
    let mut arns = Vec::new();
    let mut marker = None;
    for _ in 0..1000 {
        aws.log_call("elasticloadbalancing:DescribeLoadBalancers");
        let call = aws.elbv2.describe_load_balancers().set_marker(marker.clone());
        let call = match &name {
            Some(n) => call.names(n),
            None => call,
        };
        let out = match aws.block(call.send()).map_err(err) {
            Ok(out) => out,
            Err(e) if e.is_not_found() => return Ok(Vec::new()),
            Err(e) => return Err(listing(e)),
        };
        arns.extend(out.load_balancers().iter().filter_map(|l| l.load_balancer_arn().map(String::from)));
        match out.next_marker().filter(|m| !m.is_empty()) {
            Some(m) => marker = Some(m.to_string()),
            None => break,
        }
    }
    Ok(arns)
}

pub fn list(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let arns = find(aws, &Value::dynamic_null())?;
    listed(aws, arns).map_err(|e| e.into_diag(&format!("listing {WHAT}s")))
}
