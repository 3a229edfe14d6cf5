//! `aws_lb_listener` and `aws_lb_listener_rule` (ids = their ARNs), and
//! the actions both take: `forward` (one target group, or up to five with
//! weights: the blue/green and canary switch), `redirect` and
//! `fixed-response`.
//!
//! Moving forward weights is one ModifyListener (or ModifyRule) call: the
//! listener is updated in place and nothing behind it is replaced. AWS
//! reports a one-group forward both as `target_group_arn` and as a
//! `forward` block; the state keeps the form the configuration uses, as
//! the provider does. Actions without an `order` are sent in the order
//! written (1, 2, …) and planned so.

use super::{
    complete_items, create_tags, err, fail, int_attr, items, read_after_write, string_set, update_tags, with_tags,
};
use crate::client::{Aws, AwsError};
use crate::util::{attr, bool_attr, is_set, nonempty, object, str_attr, strings_of, with_attr};
use crate::util::{attrs, single};
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, Certificate, FixedResponseActionConfig, ForwardActionConfig, HostHeaderConditionConfig,
    HttpHeaderConditionConfig, HttpRequestMethodConditionConfig, Listener, PathPatternConditionConfig, ProtocolEnum,
    QueryStringConditionConfig, QueryStringKeyValuePair, RedirectActionConfig, RedirectActionStatusCodeEnum, Rule,
    RuleCondition, RulePriorityPair, SourceIpConditionConfig, TargetGroupStickinessConfig, TargetGroupTuple,
};
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, NestedBlock, Nesting, PathStep, ProviderDiagnostic};

const LISTENER: &str = "ELBv2 Listener";
const RULE: &str = "ELBv2 Listener Rule";

fn target_group_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::required(Type::String)),
            ("weight", Attribute::optional(Type::Number)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn forward_stickiness_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("duration", Attribute::required(Type::Number)),
            ("enabled", Attribute::optional(Type::Bool)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn forward_block() -> Block {
    Block {
        attributes: BTreeMap::new(),
        blocks: BTreeMap::from([
            (
                "target_group".to_string(),
                NestedBlock { nesting: Nesting::Set, block: target_group_block(), min_items: 1, max_items: 5 },
            ),
            ("stickiness".to_string(), single(forward_stickiness_block())),
        ]),
    }
}

fn redirect_block() -> Block {
    let s = || Attribute::optional(Type::String);
    Block {
        attributes: attrs(vec![
            ("host", s()),
            ("path", s()),
            ("port", s()),
            ("protocol", s()),
            ("query", s()),
            ("status_code", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn fixed_response_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("content_type", Attribute::required(Type::String)),
            ("message_body", Attribute::optional(Type::String)),
            ("status_code", Attribute::optional_computed(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn action_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("order", Attribute::optional_computed(Type::Number)),
            ("target_group_arn", Attribute::optional(Type::String)),
            ("type", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::from([
            ("fixed_response".to_string(), single(fixed_response_block())),
            ("forward".to_string(), single(forward_block())),
            ("redirect".to_string(), single(redirect_block())),
        ]),
    }
}

fn action_defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("forward.target_group.weight", Value::int(1)),
        ("forward.stickiness.enabled", Value::bool(false)),
        ("redirect.host", Value::string("#{host}")),
        ("redirect.path", Value::string("/#{path}")),
        ("redirect.port", Value::string("#{port}")),
        ("redirect.protocol", Value::string("#{protocol}")),
        ("redirect.query", Value::string("#{query}")),
    ]
}

fn actions_nested(min_items: u64) -> NestedBlock {
    NestedBlock { nesting: Nesting::List, block: action_block(), min_items, max_items: 0 }
}

pub fn schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("alpn_policy", Attribute::optional(Type::String)),
            ("arn", Attribute::computed(Type::String)),
            ("certificate_arn", Attribute::optional(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("load_balancer_arn", Attribute::required(Type::String).force_new()),
            ("port", Attribute::optional(Type::Number)),
            ("protocol", Attribute::optional_computed(Type::String)),
            ("ssl_policy", Attribute::optional_computed(Type::String)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::from([("default_action".to_string(), actions_nested(1))]),
    }
}

fn values_block() -> Block {
    Block { attributes: attrs(vec![("values", Attribute::required(Type::set(Type::String)))]), blocks: BTreeMap::new() }
}

fn condition_block() -> Block {
    let http_header = Block {
        attributes: attrs(vec![
            ("http_header_name", Attribute::required(Type::String)),
            ("values", Attribute::required(Type::set(Type::String))),
        ]),
        blocks: BTreeMap::new(),
    };
    let query_string = Block {
        attributes: attrs(vec![
            ("key", Attribute::optional(Type::String)),
            ("value", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    };
    Block {
        attributes: BTreeMap::new(),
        blocks: BTreeMap::from([
            ("host_header".to_string(), single(values_block())),
            ("http_header".to_string(), single(http_header)),
            ("http_request_method".to_string(), single(values_block())),
            ("path_pattern".to_string(), single(values_block())),
            (
                "query_string".to_string(),
                NestedBlock { nesting: Nesting::Set, block: query_string, min_items: 0, max_items: 0 },
            ),
            ("source_ip".to_string(), single(values_block())),
        ]),
    }
}

/// The condition blocks and AWS's field for each.
const CONDITIONS: [(&str, &str); 6] = [
    ("host_header", "host-header"),
    ("http_header", "http-header"),
    ("http_request_method", "http-request-method"),
    ("path_pattern", "path-pattern"),
    ("query_string", "query-string"),
    ("source_ip", "source-ip"),
];

pub fn rule_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("listener_arn", Attribute::required(Type::String).force_new()),
            ("priority", Attribute::optional_computed(Type::Number)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::from([
            ("action".to_string(), actions_nested(1)),
            (
                "condition".to_string(),
                NestedBlock { nesting: Nesting::Set, block: condition_block(), min_items: 1, max_items: 0 },
            ),
        ]),
    }
}

// ---- validation ------------------------------------------------------------

fn diag(path: Vec<PathStep>, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(path)
}

/// The provider's checks on each action of `block_name`.
pub fn validate(config: &Value, block_name: &str) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    let types = ["forward", "redirect", "fixed-response", "authenticate-cognito", "authenticate-oidc"];
    for (i, action) in items(&attr(config, block_name)).iter().enumerate() {
        let path = |rest: &[&str]| {
            let mut p = vec![PathStep::Attr(block_name.into()), PathStep::Index(i as u64)];
            p.extend(rest.iter().map(|s| PathStep::Attr(s.to_string())));
            p
        };
        let Some(kind) = str_attr(action, "type") else { continue };
        if !types.contains(&kind.as_str()) {
            let list = types.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>().join(" ");
            diags.push(diag(
                path(&["type"]),
                "Invalid value",
                format!("expected {block_name}.{i}.type to be one of [{list}], got {kind}"),
            ));
            continue;
        }
        if kind.starts_with("authenticate-") {
            diags.push(diag(
                path(&["type"]),
                "Unsupported action type",
                format!(
                    "{block_name}.{i}.type {kind:?}: Strata's aws provider does not support authenticate actions yet"
                ),
            ));
        }
        let has = |name: &str| !items(&attr(action, name)).is_empty() || !attr(action, name).is_known();
        let required = match kind.as_str() {
            "redirect" => Some("redirect"),
            "fixed-response" => Some("fixed_response"),
            _ => None,
        };
        if let Some(block) = required {
            if !has(block) {
                diags.push(diag(
                    path(&[]),
                    "Invalid Attribute Combination",
                    format!("{block_name}.{i}: {block} is required when type is {kind:?}"),
                ));
            }
        }
        if kind == "forward"
            && !has("forward")
            && !is_set(&attr(action, "target_group_arn"))
            && attr(action, "target_group_arn").is_known()
        {
            diags.push(diag(
                path(&[]),
                "Invalid Attribute Combination",
                format!("{block_name}.{i}: either target_group_arn or forward is required when type is \"forward\""),
            ));
        }
        for other in ["forward", "redirect", "fixed_response"] {
            let own = match kind.as_str() {
                "forward" => "forward",
                "redirect" => "redirect",
                "fixed-response" => "fixed_response",
                _ => "",
            };
            if other != own && !items(&attr(action, other)).is_empty() {
                diags.push(diag(
                    path(&[other]),
                    "Invalid Attribute Combination",
                    format!("{block_name}.{i}.{other} cannot be specified when type is {kind:?}"),
                ));
            }
        }
        for forward in items(&attr(action, "forward")) {
            for tg in items(&attr(&forward, "target_group")) {
                if let Some(w) = int_attr(&tg, "weight") {
                    if !(0..=999).contains(&w) {
                        diags.push(diag(
                            path(&["forward", "target_group", "weight"]),
                            "Invalid value",
                            format!("expected weight to be in the range (0 - 999), got {w}"),
                        ));
                    }
                }
            }
            for s in items(&attr(&forward, "stickiness")) {
                if let Some(d) = int_attr(&s, "duration") {
                    if !(1..=604_800).contains(&d) {
                        diags.push(diag(
                            path(&["forward", "stickiness", "duration"]),
                            "Invalid value",
                            format!("expected duration to be in the range (1 - 604800), got {d}"),
                        ));
                    }
                }
            }
        }
        for r in items(&attr(action, "redirect")) {
            if let Some(code) = str_attr(&r, "status_code") {
                if code != "HTTP_301" && code != "HTTP_302" {
                    diags.push(diag(
                        path(&["redirect", "status_code"]),
                        "Invalid value",
                        format!("expected status_code to be one of [\"HTTP_301\" \"HTTP_302\"], got {code}"),
                    ));
                }
            }
        }
        for f in items(&attr(action, "fixed_response")) {
            let content_types = ["text/plain", "text/css", "text/html", "application/javascript", "application/json"];
            if let Some(t) = str_attr(&f, "content_type") {
                if !content_types.contains(&t.as_str()) {
                    let list = content_types.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>().join(" ");
                    diags.push(diag(
                        path(&["fixed_response", "content_type"]),
                        "Invalid value",
                        format!("expected content_type to be one of [{list}], got {t}"),
                    ));
                }
            }
            if let Some(code) = str_attr(&f, "status_code") {
                let valid = code.len() == 3
                    && matches!(code.as_bytes()[0], b'2' | b'4' | b'5')
                    && code.chars().all(|c| c.is_ascii_digit());
                if !valid {
                    diags.push(diag(
                        path(&["fixed_response", "status_code"]),
                        "Invalid value",
                        format!("fixed_response status_code {code:?} must be a 2XX, 4XX or 5XX code"),
                    ));
                }
            }
        }
    }
    diags
}

pub fn validate_rule(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = validate(config, "action");
    if let Some(p) = int_attr(config, "priority") {
        if !(1..=50_000).contains(&p) {
            diags.push(diag(
                vec![PathStep::Attr("priority".into())],
                "Invalid value",
                format!("expected priority to be in the range (1 - 50000), got {p}"),
            ));
        }
    }
    for condition in items(&attr(config, "condition")) {
        let given = CONDITIONS.iter().filter(|(name, _)| !items(&attr(&condition, name)).is_empty()).count();
        if given != 1 && condition.is_wholly_known() {
            diags.push(diag(
                vec![PathStep::Attr("condition".into())],
                "Invalid condition",
                format!(
                    "each condition must set exactly one of {}; this one sets {given}",
                    CONDITIONS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    diags
}

// ---- planning --------------------------------------------------------------

/// Actions as the state keeps them: defaults filled, `order` as sent
/// (position + 1 when not written), a one-group `forward` also named by
/// `target_group_arn`, and a fixed response's unset status code AWS's.
fn plan_actions(planned: &Value, prior: &Value, name: &str) -> Value {
    let completed = complete_items(&attr(planned, name), &action_block(), Nesting::List, "", &action_defaults());
    let Some(list) = completed.as_seq() else { return completed };
    let before = items(&attr(prior, name));
    let list = list
        .iter()
        .enumerate()
        .map(|(i, action)| {
            if !action.is_known() {
                return action.clone();
            }
            let mut a = action.clone();
            if attr(&a, "order").is_null() {
                a = with_attr(&a, "order", Value::int(i as i64 + 1));
            }
            let forward = items(&attr(&a, "forward"));
            let groups = forward.first().map(|f| items(&attr(f, "target_group"))).unwrap_or_default();
            if str_attr(&a, "target_group_arn").as_deref() == Some("") && groups.len() == 1 {
                a = with_attr(&a, "target_group_arn", attr(&groups[0], "arn"));
            }
            if let Some(kept) = disabled_stickiness(&a, before.get(i)) {
                a = kept;
            }
            if let Some(fixed) = items(&attr(&a, "fixed_response")).first() {
                if attr(fixed, "status_code").is_null() {
                    let kept = before
                        .get(i)
                        .and_then(|b| items(&attr(b, "fixed_response")).first().map(|f| attr(f, "status_code")))
                        .filter(|v| !v.is_null())
                        .unwrap_or_else(|| Value::unknown(Type::String));
                    let fixed = with_attr(fixed, "status_code", kept);
                    a = with_attr(
                        &a,
                        "fixed_response",
                        Value::list(fixed_response_block().implied_type(), vec![fixed]),
                    );
                }
            }
            a
        })
        .collect();
    Value::list(action_block().implied_type(), list).mark(completed.marks())
}

/// A forward written without `stickiness` keeps the state's disabled one
/// (AWS reports `Enabled: false` for every forward; the provider
/// suppresses that difference).
fn disabled_stickiness(action: &Value, prior: Option<&Value>) -> Option<Value> {
    let forward = items(&attr(action, "forward")).into_iter().next()?;
    if !items(&attr(&forward, "stickiness")).is_empty() {
        return None;
    }
    let before = items(&attr(prior?, "forward")).into_iter().next()?;
    let sticky = attr(&before, "stickiness");
    if items(&sticky).first().and_then(|s| bool_attr(s, "enabled")) != Some(false) {
        return None;
    }
    let forward = with_attr(&forward, "stickiness", sticky);
    Some(with_attr(action, "forward", Value::list(forward_block().implied_type(), vec![forward])))
}

pub fn plan(planned: &Value, _config: &Value, prior: &Value) -> Value {
    with_attr(planned, "default_action", plan_actions(planned, prior, "default_action"))
}

pub fn plan_rule(planned: &Value, _config: &Value, prior: &Value) -> Value {
    let p = with_attr(planned, "action", plan_actions(planned, prior, "action"));
    let conditions = complete_items(&attr(&p, "condition"), &condition_block(), Nesting::Set, "", &[]);
    with_attr(&p, "condition", conditions)
}

// ---- actions to and from AWS -------------------------------------------------

fn actions_of(planned: &Value, name: &str) -> Vec<Action> {
    items(&attr(planned, name))
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let kind = str_attr(a, "type").unwrap_or_default();
            let order = int_attr(a, "order").filter(|o| *o > 0).unwrap_or(i as i64 + 1);
            let mut action = Action::builder().r#type(ActionTypeEnum::from(kind.as_str())).order(order as i32);
            match kind.as_str() {
                "forward" => match items(&attr(a, "forward")).first() {
                    Some(f) => {
                        let groups = items(&attr(f, "target_group"))
                            .iter()
                            .map(|tg| {
                                TargetGroupTuple::builder()
                                    .set_target_group_arn(str_attr(tg, "arn"))
                                    .set_weight(int_attr(tg, "weight").map(|w| w as i32))
                                    .build()
                            })
                            .collect();
                        let mut config = ForwardActionConfig::builder().set_target_groups(Some(groups));
                        if let Some(s) = items(&attr(f, "stickiness")).first() {
                            config = config.target_group_stickiness_config(
                                TargetGroupStickinessConfig::builder()
                                    .set_enabled(bool_attr(s, "enabled"))
                                    .set_duration_seconds(int_attr(s, "duration").filter(|d| *d > 0).map(|d| d as i32))
                                    .build(),
                            );
                        }
                        action = action.forward_config(config.build());
                    }
                    None => action = action.set_target_group_arn(nonempty(a, "target_group_arn")),
                },
                "redirect" => {
                    if let Some(r) = items(&attr(a, "redirect")).first() {
                        action = action.redirect_config(
                            RedirectActionConfig::builder()
                                .set_host(nonempty(r, "host"))
                                .set_path(nonempty(r, "path"))
                                .set_port(nonempty(r, "port"))
                                .set_protocol(nonempty(r, "protocol"))
                                .set_query(str_attr(r, "query"))
                                .set_status_code(
                                    nonempty(r, "status_code").map(|c| RedirectActionStatusCodeEnum::from(c.as_str())),
                                )
                                .build(),
                        );
                    }
                }
                "fixed-response" => {
                    if let Some(f) = items(&attr(a, "fixed_response")).first() {
                        action = action.fixed_response_config(
                            FixedResponseActionConfig::builder()
                                .set_content_type(nonempty(f, "content_type"))
                                .set_message_body(nonempty(f, "message_body"))
                                .set_status_code(nonempty(f, "status_code"))
                                .build(),
                        );
                    }
                }
                _ => {}
            }
            action.build()
        })
        .collect()
}

/// AWS's actions (in order) as the state keeps them; `current`'s actions
/// (the state's or the plan's) say which form a forward takes.
fn actions_value(actions: &[Action], current: &Value, name: &str) -> Value {
    let mut sorted: Vec<&Action> = actions.iter().collect();
    sorted.sort_by_key(|a| a.order().unwrap_or(i32::MAX));
    let before = items(&attr(current, name));
    let list = sorted
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let prior = before.get(i);
            let kind = a.r#type().map(|t| t.as_str().to_string()).unwrap_or_default();
            let groups: Vec<&TargetGroupTuple> =
                a.forward_config().map(|f| f.target_groups().iter().collect()).unwrap_or_default();
            let single = match groups.as_slice() {
                [one] => one.target_group_arn(),
                _ => None,
            };
            let target_group_arn = a.target_group_arn().or(single).unwrap_or_default();
            // The block form where the state (or plan) has it, or where one ARN cannot say it all.
            let had_forward = prior.is_some_and(|p| !items(&attr(p, "forward")).is_empty());
            let needs_forward = prior.is_none() && (groups.len() > 1 || a.target_group_arn().is_none());
            let forward = if kind == "forward" && (had_forward || needs_forward) && a.forward_config().is_some() {
                let f = a.forward_config().expect("checked above");
                let tgs = f
                    .target_groups()
                    .iter()
                    .map(|t| {
                        object(
                            &target_group_block(),
                            [
                                ("arn", Value::string(t.target_group_arn().unwrap_or_default())),
                                ("weight", Value::int(t.weight().unwrap_or(1).into())),
                            ],
                        )
                    })
                    .collect();
                // Kept where the state (or plan) has it, or nothing says otherwise (an import).
                let prior_forward = prior.and_then(|p| items(&attr(p, "forward")).into_iter().next());
                let prior_sticky = prior_forward.as_ref().is_none_or(|f| !items(&attr(f, "stickiness")).is_empty());
                let sticky = f.target_group_stickiness_config();
                let enabled = sticky.and_then(|s| s.enabled()).unwrap_or(false);
                let stickiness = if sticky.is_some() && (prior_sticky || enabled) {
                    vec![object(
                        &forward_stickiness_block(),
                        [
                            ("duration", Value::int(sticky.and_then(|s| s.duration_seconds()).unwrap_or(0).into())),
                            ("enabled", Value::bool(enabled)),
                        ],
                    )]
                } else {
                    Vec::new()
                };
                vec![object(
                    &forward_block(),
                    [
                        ("target_group", Value::set(target_group_block().implied_type(), tgs)),
                        ("stickiness", Value::list(forward_stickiness_block().implied_type(), stickiness)),
                    ],
                )]
            } else {
                Vec::new()
            };
            let redirect = a
                .redirect_config()
                .map(|r| {
                    vec![object(
                        &redirect_block(),
                        [
                            ("host", Value::string(r.host().unwrap_or("#{host}"))),
                            ("path", Value::string(r.path().unwrap_or("/#{path}"))),
                            ("port", Value::string(r.port().unwrap_or("#{port}"))),
                            ("protocol", Value::string(r.protocol().unwrap_or("#{protocol}"))),
                            ("query", Value::string(r.query().unwrap_or("#{query}"))),
                            ("status_code", Value::string(r.status_code().map(|c| c.as_str()).unwrap_or_default())),
                        ],
                    )]
                })
                .unwrap_or_default();
            let fixed = a
                .fixed_response_config()
                .map(|f| {
                    vec![object(
                        &fixed_response_block(),
                        [
                            ("content_type", Value::string(f.content_type().unwrap_or_default())),
                            ("message_body", Value::string(f.message_body().unwrap_or_default())),
                            ("status_code", Value::string(f.status_code().unwrap_or_default())),
                        ],
                    )]
                })
                .unwrap_or_default();
            let order = a.order().map(i64::from).unwrap_or(i as i64 + 1);
            object(
                &action_block(),
                [
                    ("order", Value::int(order)),
                    ("target_group_arn", Value::string(if kind == "forward" { target_group_arn } else { "" })),
                    ("type", Value::string(kind.as_str())),
                    ("forward", Value::list(forward_block().implied_type(), forward)),
                    ("redirect", Value::list(redirect_block().implied_type(), redirect)),
                    ("fixed_response", Value::list(fixed_response_block().implied_type(), fixed)),
                ],
            )
        })
        .collect();
    Value::list(action_block().implied_type(), list)
}

// ---- listeners ---------------------------------------------------------------

/// The protocol a listener without one gets: HTTP on an application load
/// balancer, TCP on a network one.
fn protocol_for(planned: &Value) -> Option<ProtocolEnum> {
    if let Some(p) = nonempty(planned, "protocol") {
        return Some(ProtocolEnum::from(p.as_str()));
    }
    let lb = str_attr(planned, "load_balancer_arn").unwrap_or_default();
    if lb.contains(":loadbalancer/net/") {
        Some(ProtocolEnum::Tcp)
    } else if lb.contains(":loadbalancer/app/") {
        Some(ProtocolEnum::Http)
    } else {
        None
    }
}

fn certificates(planned: &Value) -> Option<Vec<Certificate>> {
    nonempty(planned, "certificate_arn").map(|arn| vec![Certificate::builder().certificate_arn(arn).build()])
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let lb = str_attr(planned, "load_balancer_arn").unwrap_or_default();
    let call = aws
        .elbv2
        .create_listener()
        .load_balancer_arn(&lb)
        .set_port(int_attr(planned, "port").and_then(|p| i32::try_from(p).ok()))
        .set_protocol(protocol_for(planned))
        .set_ssl_policy(nonempty(planned, "ssl_policy"))
        .set_certificates(certificates(planned))
        .set_alpn_policy(nonempty(planned, "alpn_policy").map(|p| vec![p]))
        .set_default_actions(Some(actions_of(planned, "default_action")))
        .set_tags(create_tags(planned));
    let what = format!("creating {LISTENER} ({lb})");
    // A target group just made may not yet be usable by a listener.
    let out = aws
        .retry(
            Duration::from_secs(300),
            |e| e.code == "TargetGroupNotFound",
            || {
                aws.log_call("elasticloadbalancing:CreateListener");
                aws.block(call.clone().send()).map_err(err)
            },
        )
        .map_err(fail(&what))?;
    let Some(arn) = out.listeners().first().and_then(|l| l.listener_arn()).map(String::from) else {
        return Err(ProviderDiagnostic::error(what.clone(), format!("{what}: AWS returned no listener")));
    };
    read_after_write(aws, &with_attr(planned, "id", Value::string(arn.as_str())), LISTENER, read)
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let arn = str_attr(prior, "id").unwrap_or_default();
    let tags_only = ["tags", "tags_all"];
    let changed = schema()
        .attributes
        .keys()
        .chain(["default_action".to_string()].iter())
        .filter(|k| !tags_only.contains(&k.as_str()))
        .any(|k| !attr(prior, k).unmark_deep().0.raw_equal(&attr(planned, k).unmark_deep().0));
    let modifying = |e: AwsError| e.into_diag(&format!("modifying {LISTENER} ({arn})"));
    if changed {
        aws.log_call("elasticloadbalancing:ModifyListener");
        aws.block(
            aws.elbv2
                .modify_listener()
                .listener_arn(&arn)
                .set_port(int_attr(planned, "port").and_then(|p| i32::try_from(p).ok()))
                .set_protocol(protocol_for(planned))
                .set_ssl_policy(nonempty(planned, "ssl_policy"))
                .set_certificates(certificates(planned))
                .set_alpn_policy(nonempty(planned, "alpn_policy").map(|p| vec![p]))
                .set_default_actions(Some(actions_of(planned, "default_action")))
                .send(),
        )
        .map_err(err)
        .map_err(modifying)?;
    }
    update_tags(aws, &arn, prior, planned).map_err(modifying)?;
    read_after_write(aws, &with_attr(planned, "id", Value::string(arn.as_str())), LISTENER, read)
}

fn describe_listener(aws: &Aws, arn: &str) -> Result<Option<Listener>, AwsError> {
    aws.log_call("elasticloadbalancing:DescribeListeners");
    match aws.block(aws.elbv2.describe_listeners().listener_arns(arn).send()).map_err(err) {
        Ok(out) => Ok(out.listeners().first().cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let arn = str_attr(current, "id").unwrap_or_default();
    let reading = |e: AwsError| e.into_diag(&format!("reading {LISTENER} ({arn})"));
    let Some(l) = describe_listener(aws, &arn).map_err(reading)? else { return Ok(None) };
    let state = object(
        &schema(),
        [
            ("alpn_policy", Value::string(l.alpn_policy().first().map(String::as_str).unwrap_or_default())),
            ("arn", Value::string(arn.as_str())),
            (
                "certificate_arn",
                Value::string(l.certificates().first().and_then(|c| c.certificate_arn()).unwrap_or_default()),
            ),
            ("id", Value::string(arn.as_str())),
            ("load_balancer_arn", Value::string(l.load_balancer_arn().unwrap_or_default())),
            ("protocol", Value::string(l.protocol().map(|p| p.as_str()).unwrap_or_default())),
            ("ssl_policy", Value::string(l.ssl_policy().unwrap_or_default())),
        ],
    );
    let state = match l.port() {
        Some(p) => with_attr(&state, "port", Value::int(p.into())),
        None => state,
    };
    let state = with_attr(&state, "default_action", actions_value(l.default_actions(), current, "default_action"));
    with_tags(aws, &arn, current, state).map(Some).map_err(reading)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let arn = str_attr(prior, "id").unwrap_or_default();
    aws.log_call("elasticloadbalancing:DeleteListener");
    match aws.block(aws.elbv2.delete_listener().listener_arn(&arn).send()).map_err(err) {
        Err(e) if !e.is_not_found() => Err(e.into_diag(&format!("deleting {LISTENER} ({arn})"))),
        _ => Ok(()),
    }
}

/// The listeners of the planned load balancer on the planned port.
pub fn find(aws: &Aws, planned: &Value) -> Result<Vec<String>, ProviderDiagnostic> {
    let stub = crate::util::known_or_null(planned);
    let Some(lb) = nonempty(&stub, "load_balancer_arn") else { return Ok(Vec::new()) };
    let port = int_attr(&stub, "port");
    aws.log_call("elasticloadbalancing:DescribeListeners");
    let out = match aws.block(aws.elbv2.describe_listeners().load_balancer_arn(&lb).send()).map_err(err) {
        Ok(out) => out,
        Err(e) if e.is_not_found() => return Ok(Vec::new()),
        Err(e) => return Err(e.into_diag(&format!("listing {LISTENER}s of {lb}"))),
    };
    Ok(out
        .listeners()
        .iter()
        .filter(|l| port.is_none() || l.port().map(i64::from) == port)
        .filter_map(|l| l.listener_arn().map(String::from))
        .collect())
}

// ---- listener rules ------------------------------------------------------------

fn conditions_of(planned: &Value) -> Vec<RuleCondition> {
    let mut out = Vec::new();
    for c in items(&attr(planned, "condition")) {
        let values = |name: &str| items(&attr(&c, name)).first().map(|b| strings_of(&attr(b, "values")));
        let mut rc = RuleCondition::builder();
        if let Some(v) = values("host_header") {
            rc = rc
                .field("host-header")
                .host_header_config(HostHeaderConditionConfig::builder().set_values(Some(v)).build());
        } else if let Some(h) = items(&attr(&c, "http_header")).first() {
            rc = rc.field("http-header").http_header_config(
                HttpHeaderConditionConfig::builder()
                    .set_http_header_name(str_attr(h, "http_header_name"))
                    .set_values(Some(strings_of(&attr(h, "values"))))
                    .build(),
            );
        } else if let Some(v) = values("http_request_method") {
            rc = rc
                .field("http-request-method")
                .http_request_method_config(HttpRequestMethodConditionConfig::builder().set_values(Some(v)).build());
        } else if let Some(v) = values("path_pattern") {
            rc = rc
                .field("path-pattern")
                .path_pattern_config(PathPatternConditionConfig::builder().set_values(Some(v)).build());
        } else if !items(&attr(&c, "query_string")).is_empty() {
            let pairs = items(&attr(&c, "query_string"))
                .iter()
                .map(|q| {
                    QueryStringKeyValuePair::builder()
                        .set_key(nonempty(q, "key"))
                        .set_value(str_attr(q, "value"))
                        .build()
                })
                .collect();
            rc = rc
                .field("query-string")
                .query_string_config(QueryStringConditionConfig::builder().set_values(Some(pairs)).build());
        } else if let Some(v) = values("source_ip") {
            rc = rc.field("source-ip").source_ip_config(SourceIpConditionConfig::builder().set_values(Some(v)).build());
        }
        out.push(rc.build());
    }
    out
}

fn conditions_value(conditions: &[RuleCondition]) -> Value {
    let block = condition_block();
    let values = |v: Vec<String>| vec![object(&values_block(), [("values", string_set(v))])];
    let list = conditions
        .iter()
        .map(|c| {
            let field = c.field().unwrap_or_default();
            let mut given: Vec<(&str, Value)> = Vec::new();
            let nested = |name: &str| block.blocks[name].block.clone();
            let list_of = |name: &str, items: Vec<Value>| Value::list(nested(name).implied_type(), items);
            match field {
                "host-header" => {
                    let v = c.host_header_config().map(|h| h.values().to_vec()).unwrap_or_else(|| c.values().to_vec());
                    given.push(("host_header", list_of("host_header", values(v))));
                }
                "path-pattern" => {
                    let v = c.path_pattern_config().map(|h| h.values().to_vec()).unwrap_or_else(|| c.values().to_vec());
                    given.push(("path_pattern", list_of("path_pattern", values(v))));
                }
                "http-request-method" => {
                    let v = c.http_request_method_config().map(|h| h.values().to_vec()).unwrap_or_default();
                    given.push(("http_request_method", list_of("http_request_method", values(v))));
                }
                "source-ip" => {
                    let v = c.source_ip_config().map(|h| h.values().to_vec()).unwrap_or_default();
                    given.push(("source_ip", list_of("source_ip", values(v))));
                }
                "http-header" => {
                    let h = c.http_header_config();
                    let item = object(
                        &nested("http_header"),
                        [
                            (
                                "http_header_name",
                                Value::string(h.and_then(|h| h.http_header_name()).unwrap_or_default()),
                            ),
                            ("values", string_set(h.map(|h| h.values().to_vec()).unwrap_or_default())),
                        ],
                    );
                    given.push(("http_header", list_of("http_header", vec![item])));
                }
                "query-string" => {
                    let pairs = c
                        .query_string_config()
                        .map(|q| q.values())
                        .unwrap_or_default()
                        .iter()
                        .map(|p| {
                            object(
                                &nested("query_string"),
                                [
                                    ("key", Value::string(p.key().unwrap_or_default())),
                                    ("value", Value::string(p.value().unwrap_or_default())),
                                ],
                            )
                        })
                        .collect();
                    given.push(("query_string", Value::set(nested("query_string").implied_type(), pairs)));
                }
                _ => {}
            }
            object(&block, given)
        })
        .collect();
    Value::set(block.implied_type(), list)
}

/// The priority a rule without one gets: one above the listener's highest.
fn next_priority(aws: &Aws, listener: &str) -> Result<i32, AwsError> {
    let rules = listener_rules(aws, listener)?;
    Ok(rules.iter().filter_map(|r| r.priority()?.parse::<i32>().ok()).max().unwrap_or(0) + 1)
}

fn listener_rules(aws: &Aws, listener: &str) -> Result<Vec<Rule>, AwsError> {
    let mut out = Vec::new();
    let mut marker = None;
    for _ in 0..1000 {
        aws.log_call("elasticloadbalancing:DescribeRules");
        let page = aws
            .block(aws.elbv2.describe_rules().listener_arn(listener).set_marker(marker.clone()).send())
            .map_err(err)?;
        out.extend(page.rules().iter().cloned());
        match page.next_marker().filter(|m| !m.is_empty()) {
            Some(m) => marker = Some(m.to_string()),
            None => break,
        }
    }
    Ok(out)
}

pub fn create_rule(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let listener = str_attr(planned, "listener_arn").unwrap_or_default();
    let what = format!("creating {RULE} ({listener})");
    let given = int_attr(planned, "priority").and_then(|p| i32::try_from(p).ok());
    // Without a priority, the next free one, found again if another rule took it meanwhile.
    let out = aws
        .retry(
            Duration::from_secs(300),
            |e| e.code == "PriorityInUse" && given.is_none(),
            || {
                let priority = match given {
                    Some(p) => p,
                    None => next_priority(aws, &listener)?,
                };
                aws.log_call("elasticloadbalancing:CreateRule");
                aws.block(
                    aws.elbv2
                        .create_rule()
                        .listener_arn(&listener)
                        .priority(priority)
                        .set_actions(Some(actions_of(planned, "action")))
                        .set_conditions(Some(conditions_of(planned)))
                        .set_tags(create_tags(planned))
                        .send(),
                )
                .map_err(err)
            },
        )
        .map_err(fail(&what))?;
    let Some(arn) = out.rules().first().and_then(|r| r.rule_arn()).map(String::from) else {
        return Err(ProviderDiagnostic::error(what.clone(), format!("{what}: AWS returned no rule")));
    };
    read_after_write(aws, &with_attr(planned, "id", Value::string(arn.as_str())), RULE, read_rule)
}

pub fn update_rule(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let arn = str_attr(prior, "id").unwrap_or_default();
    let modifying = |e: AwsError| e.into_diag(&format!("modifying {RULE} ({arn})"));
    let changed = |name: &str| !attr(prior, name).unmark_deep().0.raw_equal(&attr(planned, name).unmark_deep().0);
    if changed("priority") {
        if let Some(p) = int_attr(planned, "priority").and_then(|p| i32::try_from(p).ok()) {
            aws.log_call("elasticloadbalancing:SetRulePriorities");
            aws.block(
                aws.elbv2
                    .set_rule_priorities()
                    .rule_priorities(RulePriorityPair::builder().rule_arn(&arn).priority(p).build())
                    .send(),
            )
            .map_err(err)
            .map_err(modifying)?;
        }
    }
    if changed("action") || changed("condition") {
        aws.log_call("elasticloadbalancing:ModifyRule");
        aws.block(
            aws.elbv2
                .modify_rule()
                .rule_arn(&arn)
                .set_actions(Some(actions_of(planned, "action")))
                .set_conditions(Some(conditions_of(planned)))
                .send(),
        )
        .map_err(err)
        .map_err(modifying)?;
    }
    update_tags(aws, &arn, prior, planned).map_err(modifying)?;
    read_after_write(aws, &with_attr(planned, "id", Value::string(arn.as_str())), RULE, read_rule)
}

pub fn read_rule(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let arn = str_attr(current, "id").unwrap_or_default();
    let reading = |e: AwsError| e.into_diag(&format!("reading {RULE} ({arn})"));
    aws.log_call("elasticloadbalancing:DescribeRules");
    let rule = match aws.block(aws.elbv2.describe_rules().rule_arns(&arn).send()).map_err(err) {
        Ok(out) => match out.rules().first() {
            Some(r) => r.clone(),
            None => return Ok(None),
        },
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(reading(e)),
    };
    if rule.is_default() == Some(true) {
        return Err(ProviderDiagnostic::error(
            format!("reading {RULE} ({arn})"),
            format!("reading {RULE} ({arn}): it is the listener's default rule, which aws_lb_listener manages"),
        ));
    }
    // The listener's ARN is the rule's with `listener-rule` as `listener` and no last part.
    let listener = str_attr(current, "listener_arn").filter(|l| !l.is_empty()).unwrap_or_else(|| {
        arn.replacen(":listener-rule/", ":listener/", 1)
            .rsplit_once('/')
            .map(|(l, _)| l.to_string())
            .unwrap_or_default()
    });
    let mut state = object(
        &rule_schema(),
        [
            ("arn", Value::string(arn.as_str())),
            ("id", Value::string(arn.as_str())),
            ("listener_arn", Value::string(listener)),
        ],
    );
    if let Some(p) = rule.priority().and_then(|p| p.parse::<i64>().ok()) {
        state = with_attr(&state, "priority", Value::int(p));
    }
    state = with_attr(&state, "action", actions_value(rule.actions(), current, "action"));
    state = with_attr(&state, "condition", conditions_value(rule.conditions()));
    with_tags(aws, &arn, current, state).map(Some).map_err(reading)
}

pub fn delete_rule(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let arn = str_attr(prior, "id").unwrap_or_default();
    aws.log_call("elasticloadbalancing:DeleteRule");
    match aws.block(aws.elbv2.delete_rule().rule_arn(&arn).send()).map_err(err) {
        Err(e) if !e.is_not_found() => Err(e.into_diag(&format!("deleting {RULE} ({arn})"))),
        _ => Ok(()),
    }
}

/// The rules of the planned listener (an interrupted create's is among them).
pub fn find_rules(aws: &Aws, planned: &Value) -> Result<Vec<String>, ProviderDiagnostic> {
    let Some(listener) = nonempty(&crate::util::known_or_null(planned), "listener_arn") else { return Ok(Vec::new()) };
    match listener_rules(aws, &listener) {
        Ok(rules) => Ok(rules
            .iter()
            .filter(|r| r.is_default() != Some(true))
            .filter_map(|r| r.rule_arn().map(String::from))
            .collect()),
        Err(e) if e.is_not_found() => Ok(Vec::new()),
        Err(e) => Err(e.into_diag(&format!("listing {RULE}s of {listener}"))),
    }
}
