//! `aws_lb_target_group` (id = its ARN) and
//! `aws_lb_target_group_attachment` (a target registered with a group).
//!
//! A group is created with its health check, then its attributes
//! (deregistration delay, stickiness, slow start, …) are set; the health
//! check and attributes change in place, the rest forces a new group.
//! `health_check` and `stickiness` are optional and computed: left out,
//! they keep what AWS chose; written, their unset arguments take the
//! provider's defaults. Deleting a group still used by a listener or rule
//! is retried for two minutes, as AWS frees it only once those are gone.

use super::{
    arn_suffix, attribute_map, attribute_text, attribute_value, create_tags, err, fail, int_attr, items, listed,
    name_for, read_after_write, string_set, update_tags, with_tags,
};
use crate::client::{Aws, AwsError};
use crate::util::{attr, bool_attr, is_set, nonempty, object, plan_computed_block, str_attr, with_attr};
use crate::util::{attrs, single};
use aws_sdk_elasticloadbalancingv2::types::{
    Matcher, ProtocolEnum, TargetDescription, TargetGroup, TargetGroupAttribute, TargetGroupIpAddressTypeEnum,
    TargetHealthReasonEnum, TargetTypeEnum,
};
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ListedObject, PathStep, ProviderDiagnostic};

const WHAT: &str = "ELBv2 Target Group";

const HTTP: &[&str] = &["HTTP", "HTTPS"];
const LAYER4: &[&str] = &["TCP", "UDP", "TCP_UDP", "TLS"];

/// An argument kept in a target group attribute: its name, AWS's key,
/// and the protocols it applies to (`lambda` for Lambda targets).
struct TgAttribute {
    name: &'static str,
    key: &'static str,
    protocols: &'static [&'static str],
}

const ATTRIBUTES: [TgAttribute; 8] = [
    TgAttribute {
        name: "connection_termination",
        key: "deregistration_delay.connection_termination.enabled",
        protocols: LAYER4,
    },
    TgAttribute {
        name: "deregistration_delay",
        key: "deregistration_delay.timeout_seconds",
        protocols: &["HTTP", "HTTPS", "TCP", "UDP", "TCP_UDP", "TLS", "GENEVE"],
    },
    TgAttribute {
        name: "lambda_multi_value_headers_enabled",
        key: "lambda.multi_value_headers.enabled",
        protocols: &["lambda"],
    },
    TgAttribute { name: "load_balancing_algorithm_type", key: "load_balancing.algorithm.type", protocols: HTTP },
    TgAttribute {
        name: "load_balancing_cross_zone_enabled",
        key: "load_balancing.cross_zone.enabled",
        protocols: &["HTTP", "HTTPS", "TCP", "UDP", "TCP_UDP", "TLS"],
    },
    TgAttribute { name: "preserve_client_ip", key: "preserve_client_ip.enabled", protocols: LAYER4 },
    TgAttribute { name: "proxy_protocol_v2", key: "proxy_protocol_v2.enabled", protocols: LAYER4 },
    TgAttribute { name: "slow_start", key: "slow_start.duration_seconds", protocols: HTTP },
];

fn health_check_block() -> Block {
    let n = || Attribute::optional(Type::Number);
    Block {
        attributes: attrs(vec![
            ("enabled", Attribute::optional(Type::Bool)),
            ("healthy_threshold", n()),
            ("interval", n()),
            ("matcher", Attribute::optional_computed(Type::String)),
            ("path", Attribute::optional_computed(Type::String)),
            ("port", Attribute::optional(Type::String)),
            ("protocol", Attribute::optional(Type::String)),
            ("timeout", Attribute::optional_computed(Type::Number)),
            ("unhealthy_threshold", n()),
        ]),
        blocks: BTreeMap::new(),
    }
}

const HEALTH_CHECK_DEFAULTS: [(&str, Default); 6] = [
    ("enabled", Default::Bool(true)),
    ("healthy_threshold", Default::Int(3)),
    ("interval", Default::Int(30)),
    ("port", Default::Str("traffic-port")),
    ("protocol", Default::Str("HTTP")),
    ("unhealthy_threshold", Default::Int(3)),
];

fn stickiness_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("cookie_duration", Attribute::optional(Type::Number)),
            ("cookie_name", Attribute::optional(Type::String)),
            ("enabled", Attribute::optional(Type::Bool)),
            ("type", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

const STICKINESS_DEFAULTS: [(&str, Default); 2] =
    [("cookie_duration", Default::Int(86_400)), ("enabled", Default::Bool(true))];

#[derive(Clone, Copy)]
enum Default {
    Bool(bool),
    Int(i64),
    Str(&'static str),
}

fn defaults_of(list: &[(&'static str, Default)]) -> Vec<(&'static str, Value)> {
    list.iter()
        .map(|(k, d)| {
            let v = match d {
                Default::Bool(b) => Value::bool(*b),
                Default::Int(i) => Value::int(*i),
                Default::Str(s) => Value::string(*s),
            };
            (*k, v)
        })
        .collect()
}

pub fn schema() -> Block {
    let oc = |t: Type| Attribute::optional_computed(t);
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("arn_suffix", Attribute::computed(Type::String)),
            ("connection_termination", oc(Type::Bool)),
            ("deregistration_delay", Attribute::optional(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("ip_address_type", oc(Type::String).force_new()),
            ("lambda_multi_value_headers_enabled", Attribute::optional(Type::Bool)),
            ("load_balancer_arns", Attribute::computed(Type::set(Type::String))),
            ("load_balancing_algorithm_type", oc(Type::String)),
            ("load_balancing_cross_zone_enabled", oc(Type::String)),
            ("name", oc(Type::String).force_new()),
            ("name_prefix", oc(Type::String).force_new()),
            ("port", Attribute::optional(Type::Number).force_new()),
            ("preserve_client_ip", oc(Type::String)),
            ("protocol", Attribute::optional(Type::String).force_new()),
            ("protocol_version", oc(Type::String).force_new()),
            ("proxy_protocol_v2", Attribute::optional(Type::Bool)),
            ("slow_start", Attribute::optional(Type::Number)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", oc(Type::map(Type::String))),
            ("target_type", Attribute::optional(Type::String).force_new()),
            ("vpc_id", Attribute::optional(Type::String).force_new()),
        ]),
        blocks: BTreeMap::from([
            ("health_check".to_string(), single(health_check_block())),
            ("stickiness".to_string(), single(stickiness_block())),
        ]),
    }
}

pub fn defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("deregistration_delay", Value::string("300")),
        ("lambda_multi_value_headers_enabled", Value::bool(false)),
        ("proxy_protocol_v2", Value::bool(false)),
        ("slow_start", Value::int(0)),
        ("target_type", Value::string("instance")),
    ]
}

fn at(path: Vec<PathStep>, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(path)
}

fn top(name: &str) -> Vec<PathStep> {
    vec![PathStep::Attr(name.into())]
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    super::lb::check_name(&mut diags, config, "target group");
    let one_of =
        |diags: &mut Vec<ProviderDiagnostic>, path: Vec<PathStep>, name: &str, v: Option<String>, allowed: &[&str]| {
            if let Some(v) = v {
                if !allowed.contains(&v.as_str()) {
                    let list = allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ");
                    diags.push(at(path, "Invalid value", format!("expected {name} to be one of [{list}], got {v}")));
                }
            }
        };
    let protocols = ["GENEVE", "HTTP", "HTTPS", "TCP", "TCP_UDP", "TLS", "UDP"];
    one_of(&mut diags, top("protocol"), "protocol", str_attr(config, "protocol"), &protocols);
    one_of(
        &mut diags,
        top("target_type"),
        "target_type",
        str_attr(config, "target_type"),
        &["instance", "ip", "lambda", "alb"],
    );
    one_of(
        &mut diags,
        top("load_balancing_algorithm_type"),
        "load_balancing_algorithm_type",
        str_attr(config, "load_balancing_algorithm_type"),
        &["round_robin", "least_outstanding_requests", "weighted_random"],
    );
    if let Some(delay) = str_attr(config, "deregistration_delay") {
        if !delay.parse::<i64>().is_ok_and(|d| (0..=3600).contains(&d)) {
            diags.push(at(
                top("deregistration_delay"),
                "Invalid value",
                format!("expected deregistration_delay to be in the range (0 - 3600), got {delay}"),
            ));
        }
    }
    if let Some(n) = int_attr(config, "slow_start") {
        if n != 0 && !(30..=900).contains(&n) {
            diags.push(at(
                top("slow_start"),
                "Invalid value",
                format!("expected slow_start to be 0 or in the range (30 - 900), got {n}"),
            ));
        }
    }
    let lambda = str_attr(config, "target_type").as_deref() == Some("lambda");
    if !lambda && is_set(&attr(config, "target_type")) {
        for name in ["port", "protocol", "vpc_id"] {
            if attr(config, name).is_null() {
                diags.push(at(
                    top(name),
                    "Missing required argument",
                    format!(
                        "{name} is required for target_type {:?}",
                        str_attr(config, "target_type").unwrap_or_default()
                    ),
                ));
            }
        }
    }
    for (i, hc) in items(&attr(config, "health_check")).iter().enumerate() {
        let path = |name: &str| {
            vec![PathStep::Attr("health_check".into()), PathStep::Index(i as u64), PathStep::Attr(name.into())]
        };
        for (name, min, max) in
            [("healthy_threshold", 2, 10), ("unhealthy_threshold", 2, 10), ("interval", 5, 300), ("timeout", 2, 120)]
        {
            if let Some(n) = int_attr(hc, name) {
                if n < min || n > max {
                    diags.push(at(
                        path(name),
                        "Invalid value",
                        format!("expected health_check.0.{name} to be in the range ({min} - {max}), got {n}"),
                    ));
                }
            }
        }
        one_of(
            &mut diags,
            path("protocol"),
            "health_check.0.protocol",
            str_attr(hc, "protocol"),
            &["HTTP", "HTTPS", "TCP"],
        );
        if let Some(p) = str_attr(hc, "path") {
            if !p.starts_with('/') || p.len() > 1024 {
                diags.push(at(
                    path("path"),
                    "Invalid value",
                    format!("health_check.0.path {p:?} must begin with a '/' and be at most 1024 characters"),
                ));
            }
        }
    }
    for (i, s) in items(&attr(config, "stickiness")).iter().enumerate() {
        let path = |name: &str| {
            vec![PathStep::Attr("stickiness".into()), PathStep::Index(i as u64), PathStep::Attr(name.into())]
        };
        one_of(
            &mut diags,
            path("type"),
            "stickiness.0.type",
            str_attr(s, "type"),
            &["lb_cookie", "app_cookie", "source_ip", "source_ip_dest_ip", "source_ip_dest_ip_proto"],
        );
        if let Some(n) = int_attr(s, "cookie_duration") {
            if !(1..=604_800).contains(&n) {
                diags.push(at(
                    path("cookie_duration"),
                    "Invalid value",
                    format!("expected stickiness.0.cookie_duration to be in the range (1 - 604800), got {n}"),
                ));
            }
        }
    }
    diags
}

pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut p = planned.clone();
    let hc = plan_computed_block(
        &p,
        config,
        prior,
        "health_check",
        &health_check_block(),
        &defaults_of(&HEALTH_CHECK_DEFAULTS),
    );
    p = with_attr(&p, "health_check", hc);
    let sticky =
        plan_computed_block(&p, config, prior, "stickiness", &stickiness_block(), &defaults_of(&STICKINESS_DEFAULTS));
    with_attr(&p, "stickiness", sticky)
}

fn protocol_family(v: &Value) -> String {
    if str_attr(v, "target_type").as_deref() == Some("lambda") {
        return "lambda".into();
    }
    str_attr(v, "protocol").unwrap_or_default()
}

fn attributes_to_send(planned: &Value, prior: &Value) -> Vec<TargetGroupAttribute> {
    let family = protocol_family(planned);
    let same = |name: &str| {
        !prior.is_null() && attr(planned, name).unmark_deep().0.raw_equal(&attr(prior, name).unmark_deep().0)
    };
    let mut out = Vec::new();
    let mut push = |k: &str, v: String| out.push(TargetGroupAttribute::builder().key(k).value(v).build());
    for a in ATTRIBUTES.iter().filter(|a| a.protocols.contains(&family.as_str())) {
        let v = attr(planned, a.name);
        if !is_set(&v) || same(a.name) {
            continue;
        }
        if let Some(text) = attribute_text(&v) {
            push(a.key, text);
        }
    }
    if family != "lambda" && !same("stickiness") {
        if let Some(s) = items(&attr(planned, "stickiness")).first().filter(|s| s.is_wholly_known()) {
            let kind = str_attr(s, "type").unwrap_or_default();
            push("stickiness.enabled", bool_attr(s, "enabled").unwrap_or(true).to_string());
            push("stickiness.type", kind.clone());
            let duration = int_attr(s, "cookie_duration").unwrap_or(86_400).to_string();
            match kind.as_str() {
                "lb_cookie" => push("stickiness.lb_cookie.duration_seconds", duration),
                "app_cookie" => {
                    push("stickiness.app_cookie.duration_seconds", duration);
                    push("stickiness.app_cookie.cookie_name", str_attr(s, "cookie_name").unwrap_or_default());
                }
                _ => {}
            }
        } else if !prior.is_null() && items(&attr(planned, "stickiness")).is_empty() {
            push("stickiness.enabled", "false".into());
        }
    }
    out
}

fn modify_attributes(aws: &Aws, arn: &str, attributes: Vec<TargetGroupAttribute>) -> Result<(), AwsError> {
    if attributes.is_empty() {
        return Ok(());
    }
    aws.log_call("elasticloadbalancing:ModifyTargetGroupAttributes");
    aws.block(aws.elbv2.modify_target_group_attributes().target_group_arn(arn).set_attributes(Some(attributes)).send())
        .map_err(err)?;
    Ok(())
}

/// The health check arguments AWS takes, from a known block.
struct HealthCheck {
    enabled: Option<bool>,
    healthy: Option<i32>,
    unhealthy: Option<i32>,
    interval: Option<i32>,
    timeout: Option<i32>,
    port: Option<String>,
    protocol: Option<ProtocolEnum>,
    path: Option<String>,
    matcher: Option<Matcher>,
}

fn health_check(planned: &Value) -> Option<HealthCheck> {
    let hc = items(&attr(planned, "health_check")).into_iter().next()?;
    if !hc.is_known() {
        return None;
    }
    let int = |name: &str| int_attr(&hc, name).and_then(|n| i32::try_from(n).ok()).filter(|n| *n > 0);
    let protocol = nonempty(&hc, "protocol");
    let http = protocol.as_deref().is_none_or(|p| p != "TCP");
    let matcher = nonempty(&hc, "matcher").filter(|_| http).map(|m| {
        let grpc = str_attr(planned, "protocol_version").as_deref() == Some("GRPC");
        if grpc {
            Matcher::builder().grpc_code(m).build()
        } else {
            Matcher::builder().http_code(m).build()
        }
    });
    Some(HealthCheck {
        enabled: bool_attr(&hc, "enabled"),
        healthy: int("healthy_threshold"),
        unhealthy: int("unhealthy_threshold"),
        interval: int("interval"),
        timeout: int("timeout"),
        port: nonempty(&hc, "port"),
        protocol: protocol.as_deref().map(ProtocolEnum::from),
        path: nonempty(&hc, "path").filter(|_| http),
        matcher,
    })
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = name_for(planned, "tf-");
    let mut call = aws
        .elbv2
        .create_target_group()
        .name(&name)
        .set_port(int_attr(planned, "port").and_then(|p| i32::try_from(p).ok()))
        .set_protocol(nonempty(planned, "protocol").map(|p| ProtocolEnum::from(p.as_str())))
        .set_protocol_version(nonempty(planned, "protocol_version"))
        .set_vpc_id(nonempty(planned, "vpc_id"))
        .set_target_type(nonempty(planned, "target_type").map(|t| TargetTypeEnum::from(t.as_str())))
        .set_ip_address_type(
            nonempty(planned, "ip_address_type").map(|t| TargetGroupIpAddressTypeEnum::from(t.as_str())),
        )
        .set_tags(create_tags(planned));
    if let Some(hc) = health_check(planned) {
        call = call
            .set_health_check_enabled(hc.enabled)
            .set_healthy_threshold_count(hc.healthy)
            .set_unhealthy_threshold_count(hc.unhealthy)
            .set_health_check_interval_seconds(hc.interval)
            .set_health_check_timeout_seconds(hc.timeout)
            .set_health_check_port(hc.port)
            .set_health_check_protocol(hc.protocol)
            .set_health_check_path(hc.path)
            .set_matcher(hc.matcher);
    }
    aws.log_call("elasticloadbalancing:CreateTargetGroup");
    let out = aws.block(call.send()).map_err(err).map_err(fail(&format!("creating {WHAT} ({name})")))?;
    let Some(arn) = out.target_groups().first().and_then(|t| t.target_group_arn()).map(String::from) else {
        return Err(ProviderDiagnostic::error(
            format!("creating {WHAT} ({name})"),
            format!("creating {WHAT} ({name}): AWS returned no target group"),
        ));
    };
    modify_attributes(aws, &arn, attributes_to_send(planned, &Value::dynamic_null()))
        .map_err(fail(&format!("modifying {WHAT} ({arn}) attributes")))?;
    read_after_write(aws, &with_attr(planned, "id", Value::string(arn.as_str())), WHAT, read)
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let arn = str_attr(prior, "id").unwrap_or_default();
    let modifying = |what: &str| fail(format!("modifying {WHAT} ({arn}) {what}"));
    let hc_changed =
        !attr(prior, "health_check").unmark_deep().0.raw_equal(&attr(planned, "health_check").unmark_deep().0);
    if hc_changed {
        if let Some(hc) = health_check(planned) {
            aws.log_call("elasticloadbalancing:ModifyTargetGroup");
            aws.block(
                aws.elbv2
                    .modify_target_group()
                    .target_group_arn(&arn)
                    .set_health_check_enabled(hc.enabled)
                    .set_healthy_threshold_count(hc.healthy)
                    .set_unhealthy_threshold_count(hc.unhealthy)
                    .set_health_check_interval_seconds(hc.interval)
                    .set_health_check_timeout_seconds(hc.timeout)
                    .set_health_check_port(hc.port)
                    .set_health_check_protocol(hc.protocol)
                    .set_health_check_path(hc.path)
                    .set_matcher(hc.matcher)
                    .send(),
            )
            .map_err(err)
            .map_err(modifying("health check"))?;
        }
    }
    modify_attributes(aws, &arn, attributes_to_send(planned, prior)).map_err(modifying("attributes"))?;
    update_tags(aws, &arn, prior, planned).map_err(modifying("tags"))?;
    read_after_write(aws, &with_attr(planned, "id", Value::string(arn.as_str())), WHAT, read)
}

fn describe(aws: &Aws, arn: &str) -> Result<Option<TargetGroup>, AwsError> {
    aws.log_call("elasticloadbalancing:DescribeTargetGroups");
    match aws.block(aws.elbv2.describe_target_groups().target_group_arns(arn).send()).map_err(err) {
        Ok(out) => Ok(out.target_groups().first().cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    // What AWS does not report is kept from `current`, which may be a plan.
    let current = &crate::util::known_or_null(current);
    let arn = str_attr(current, "id").unwrap_or_default();
    let reading = |e: AwsError| e.into_diag(&format!("reading {WHAT} ({arn})"));
    let Some(tg) = describe(aws, &arn).map_err(reading)? else { return Ok(None) };
    aws.log_call("elasticloadbalancing:DescribeTargetGroupAttributes");
    let described = aws
        .block(aws.elbv2.describe_target_group_attributes().target_group_arn(&arn).send())
        .map_err(err)
        .map_err(reading)?;
    let remote = attribute_map(described.attributes().iter().map(|a| (a.key(), a.value())));
    with_tags(aws, &arn, current, to_state(&tg, &remote, current)).map(Some).map_err(reading)
}

fn to_state(tg: &TargetGroup, remote: &BTreeMap<String, String>, current: &Value) -> Value {
    let block = schema();
    let arn = tg.target_group_arn().unwrap_or_default().to_string();
    let name = tg.target_group_name().unwrap_or_default().to_string();
    let target_type = tg.target_type().map(|t| t.as_str().to_string()).unwrap_or_else(|| "instance".into());
    let protocol = tg.protocol().map(|p| p.as_str().to_string());
    let mut state = object(
        &block,
        [
            ("arn", Value::string(arn.as_str())),
            ("arn_suffix", Value::string(format!("targetgroup/{}", arn_suffix(&arn, ":targetgroup/")))),
            ("id", Value::string(arn.as_str())),
            ("ip_address_type", Value::string(tg.ip_address_type().map(|t| t.as_str()).unwrap_or("ipv4"))),
            ("load_balancer_arns", string_set(tg.load_balancer_arns().iter().cloned())),
            ("name", Value::string(name.as_str())),
            (
                "name_prefix",
                Value::string(crate::logs::name_prefix_from_name(&name).map(|p| p.to_string()).unwrap_or_default()),
            ),
            ("protocol_version", Value::string(tg.protocol_version().unwrap_or_default())),
            ("target_type", Value::string(target_type.as_str())),
            ("vpc_id", Value::string(tg.vpc_id().unwrap_or_default())),
        ],
    );
    // Lambda targets have no port, protocol or VPC: null, as the provider stores them.
    if let Some(p) = &protocol {
        state = with_attr(&state, "protocol", Value::string(p.as_str()));
    }
    if let Some(port) = tg.port() {
        state = with_attr(&state, "port", Value::int(port.into()));
    }
    // Values AWS does not report (or does not apply to this group) stay as the state had them.
    for (name, value) in defaults() {
        if attr(&state, name).is_null() {
            let kept = attr(current, name);
            state = with_attr(&state, name, if kept.is_null() { value } else { kept });
        }
    }
    for a in &ATTRIBUTES {
        let ty = &block.attributes[a.name].ty;
        let v = remote.get(a.key).and_then(|t| attribute_value(t, ty)).unwrap_or_else(|| attr(&state, a.name));
        let v = if v.is_null() { attr(current, a.name) } else { v };
        let v = if v.is_null() && block.attributes[a.name].computed { super::zero(ty) } else { v };
        state = with_attr(&state, a.name, v);
    }
    let hc = object(
        &health_check_block(),
        [
            ("enabled", Value::bool(tg.health_check_enabled().unwrap_or(true))),
            ("healthy_threshold", Value::int(tg.healthy_threshold_count().unwrap_or_default().into())),
            ("interval", Value::int(tg.health_check_interval_seconds().unwrap_or_default().into())),
            ("matcher", Value::string(tg.matcher().and_then(|m| m.http_code().or(m.grpc_code())).unwrap_or_default())),
            ("path", Value::string(tg.health_check_path().unwrap_or_default())),
            ("port", Value::string(tg.health_check_port().unwrap_or_default())),
            ("protocol", Value::string(tg.health_check_protocol().map(|p| p.as_str()).unwrap_or_default())),
            ("timeout", Value::int(tg.health_check_timeout_seconds().unwrap_or_default().into())),
            ("unhealthy_threshold", Value::int(tg.unhealthy_threshold_count().unwrap_or_default().into())),
        ],
    );
    state = with_attr(&state, "health_check", Value::list(health_check_block().implied_type(), vec![hc]));
    let sticky_ty = stickiness_block().implied_type();
    let stickiness = match remote.get("stickiness.type") {
        Some(kind) if target_type != "lambda" => {
            let duration_key = if kind == "app_cookie" {
                "stickiness.app_cookie.duration_seconds"
            } else {
                "stickiness.lb_cookie.duration_seconds"
            };
            let before = items(&attr(current, "stickiness")).into_iter().next();
            let duration = remote
                .get(duration_key)
                .and_then(|d| d.parse::<i64>().ok())
                .or_else(|| before.as_ref().and_then(|b| int_attr(b, "cookie_duration")))
                .unwrap_or(86_400);
            vec![object(
                &stickiness_block(),
                [
                    ("cookie_duration", Value::int(duration)),
                    (
                        "cookie_name",
                        Value::string(remote.get("stickiness.app_cookie.cookie_name").cloned().unwrap_or_default()),
                    ),
                    ("enabled", Value::bool(remote.get("stickiness.enabled").is_some_and(|e| e == "true"))),
                    ("type", Value::string(kind.as_str())),
                ],
            )]
        }
        _ => Vec::new(),
    };
    with_attr(&state, "stickiness", Value::list(sticky_ty, stickiness))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let arn = str_attr(prior, "id").unwrap_or_default();
    aws.retry(
        Duration::from_secs(120),
        |e| e.code == "ResourceInUse",
        || {
            aws.log_call("elasticloadbalancing:DeleteTargetGroup");
            match aws.block(aws.elbv2.delete_target_group().target_group_arn(&arn).send()).map_err(err) {
                Err(e) if !e.is_not_found() => Err(e),
                _ => Ok(()),
            }
        },
    )
    .map_err(fail(&format!("deleting {WHAT} ({arn})")))
}

pub fn find(aws: &Aws, planned: &Value) -> Result<Vec<String>, ProviderDiagnostic> {
    let name = nonempty(&crate::util::known_or_null(planned), "name");
    let mut arns = Vec::new();
    let mut marker = None;
    for _ in 0..1000 {
        aws.log_call("elasticloadbalancing:DescribeTargetGroups");
        let call = aws.elbv2.describe_target_groups().set_marker(marker.clone());
        let call = match &name {
            Some(n) => call.names(n),
            None => call,
        };
        let out = match aws.block(call.send()).map_err(err) {
            Ok(out) => out,
            Err(e) if e.is_not_found() => return Ok(Vec::new()),
            Err(e) => return Err(e.into_diag(&format!("listing {WHAT}s"))),
        };
        arns.extend(out.target_groups().iter().filter_map(|t| t.target_group_arn().map(String::from)));
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

// ---- aws_lb_target_group_attachment --------------------------------------

const ATTACHMENT: &str = "ELBv2 Target Group Attachment";

pub fn attachment_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("availability_zone", Attribute::optional(Type::String).force_new()),
            ("id", Attribute::computed(Type::String)),
            ("port", Attribute::optional(Type::Number).force_new()),
            ("target_group_arn", Attribute::required(Type::String).force_new()),
            ("target_id", Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn plan_attachment(planned: &Value, prior: &Value) -> Value {
    if prior.is_null() {
        return planned.clone();
    }
    with_attr(planned, "id", attr(prior, "id"))
}

fn target(v: &Value) -> TargetDescription {
    TargetDescription::builder()
        .set_id(str_attr(v, "target_id"))
        .set_port(int_attr(v, "port").and_then(|p| i32::try_from(p).ok()).filter(|p| *p > 0))
        .set_availability_zone(nonempty(v, "availability_zone"))
        .build()
}

pub fn attach(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let group = str_attr(planned, "target_group_arn").unwrap_or_default();
    let what = format!("registering {ATTACHMENT} ({group}, {})", str_attr(planned, "target_id").unwrap_or_default());
    aws.retry(
        Duration::from_secs(600),
        |e| e.code == "InvalidTarget",
        || {
            aws.log_call("elasticloadbalancing:RegisterTargets");
            aws.block(aws.elbv2.register_targets().target_group_arn(&group).targets(target(planned)).send())
                .map_err(err)
                .map(|_| ())
        },
    )
    .map_err(fail(&what))?;
    // The provider's id: the group's ARN and a unique suffix.
    let id = crate::sg::unique_name(&format!("{group}-"));
    Ok(with_attr(&crate::util::known_or_null(planned), "id", Value::string(id)))
}

pub fn read_attachment(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let group = str_attr(current, "target_group_arn").unwrap_or_default();
    aws.log_call("elasticloadbalancing:DescribeTargetHealth");
    let out = match aws
        .block(aws.elbv2.describe_target_health().target_group_arn(&group).targets(target(current)).send())
        .map_err(err)
    {
        Ok(out) => out,
        Err(e) if e.is_not_found() || e.code == "InvalidTarget" => return Ok(None),
        Err(e) => return Err(e.into_diag(&format!("reading {ATTACHMENT} ({group})"))),
    };
    let registered = out.target_health_descriptions().iter().any(|d| {
        let reason = d.target_health().and_then(|h| h.reason());
        reason != Some(&TargetHealthReasonEnum::NotRegistered)
            && reason != Some(&TargetHealthReasonEnum::DeregistrationInProgress)
    });
    Ok(registered.then(|| current.clone()))
}

pub fn detach(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let group = str_attr(prior, "target_group_arn").unwrap_or_default();
    aws.log_call("elasticloadbalancing:DeregisterTargets");
    match aws.block(aws.elbv2.deregister_targets().target_group_arn(&group).targets(target(prior)).send()).map_err(err)
    {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() || e.code == "InvalidTarget" => Ok(()),
        Err(e) => Err(e.into_diag(&format!("deregistering {ATTACHMENT} ({group})"))),
    }
}

/// An attachment is named by what it registers: registered, it exists.
pub fn find_attachment(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let stub = crate::util::known_or_null(planned);
    let Some(found) = read_attachment(aws, &stub)? else { return Ok(None) };
    let group = str_attr(&stub, "target_group_arn").unwrap_or_default();
    Ok(Some(with_attr(&found, "id", Value::string(crate::sg::unique_name(&format!("{group}-"))))))
}
