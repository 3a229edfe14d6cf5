//! Elastic Load Balancing v2: application and network load balancers
//! (`aws_lb`, `lb`), target groups and their attachments
//! (`aws_lb_target_group`, `aws_lb_target_group_attachment`,
//! `target_group`), listeners and listener rules with forward (weighted
//! target groups: blue/green and canary), redirect and fixed-response
//! actions (`aws_lb_listener`, `aws_lb_listener_rule`, `listener`). Each
//! type also answers to its older `aws_alb*` name, as in hashicorp/aws.
//!
//! lib.rs reaches the family through one arm per dispatch point; this
//! module routes by type. Objects are named by their ARN (`id`), tags go
//! through the ARN-based tagging calls, and nested blocks are planned and
//! read as the plugin SDK stores them (`complete`): unset arguments with a
//! default take it, the others their type's zero value, so a re-plan after
//! apply or after a Terraform-written state is clean.

mod lb;
mod listener;
mod target_group;

use crate::client::{aws_error, Aws, AwsError};
use crate::tags;
use crate::util::{attr, map_of, str_attr, with_attr};
pub(crate) use crate::util::{complete_items, int_attr, items, zero};
use aws_sdk_elasticloadbalancingv2::types::Tag;
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Block, ListedObject, ProviderDiagnostic, ResourceSchema};

/// The family's types, older `aws_alb*` names included.
pub const TYPES: [&str; 10] = [
    "aws_lb",
    "aws_alb",
    "aws_lb_target_group",
    "aws_alb_target_group",
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_lb_listener_rule",
    "aws_alb_listener_rule",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    LoadBalancer,
    TargetGroup,
    Attachment,
    Listener,
    Rule,
}

fn kind(type_name: &str) -> Option<Kind> {
    Some(match type_name {
        "aws_lb" | "aws_alb" => Kind::LoadBalancer,
        "aws_lb_target_group" | "aws_alb_target_group" => Kind::TargetGroup,
        "aws_lb_target_group_attachment" | "aws_alb_target_group_attachment" => Kind::Attachment,
        "aws_lb_listener" | "aws_alb_listener" => Kind::Listener,
        "aws_lb_listener_rule" | "aws_alb_listener_rule" => Kind::Rule,
        _ => return None,
    })
}

fn unknown(type_name: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error("Unknown resource type", format!("The aws provider has no resource type {type_name:?}."))
}

/// The resource schemas (plugin SDK, schema version 0), aliases included.
pub fn schemas(rs0: impl Fn(Block) -> ResourceSchema) -> Vec<(String, ResourceSchema)> {
    TYPES.iter().filter_map(|t| Some((t.to_string(), rs0(schema(kind(t)?))))).collect()
}

fn schema(kind: Kind) -> Block {
    match kind {
        Kind::LoadBalancer => lb::schema(),
        Kind::TargetGroup => target_group::schema(),
        Kind::Attachment => target_group::attachment_schema(),
        Kind::Listener => listener::schema(),
        Kind::Rule => listener::rule_schema(),
    }
}

/// Arguments with a default (`Default:`), filled when configuration
/// leaves them null.
pub fn defaults(type_name: &str) -> Vec<(&'static str, Value)> {
    match kind(type_name) {
        Some(Kind::LoadBalancer) => lb::defaults(),
        Some(Kind::TargetGroup) => target_group::defaults(),
        _ => Vec::new(),
    }
}

/// Operations with a `timeouts` entry, and their default minutes.
pub fn timeouts(type_name: &str) -> &'static [(&'static str, u64)] {
    match kind(type_name) {
        Some(Kind::LoadBalancer) => &[("create", 10), ("update", 10), ("delete", 10)],
        Some(Kind::Listener) => &[("create", 5), ("update", 5)],
        _ => &[],
    }
}

pub fn validate(type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
    match kind(type_name) {
        Some(Kind::LoadBalancer) => lb::validate(config),
        Some(Kind::TargetGroup) => target_group::validate(config),
        Some(Kind::Listener) => listener::validate(config, "default_action"),
        Some(Kind::Rule) => listener::validate_rule(config),
        _ => Vec::new(),
    }
}

/// The plan, and the paths whose change forces a new object beyond the
/// top-level `ForceNew` arguments.
pub fn plan(
    type_name: &str,
    planned: &Value,
    config: &Value,
    prior: &Value,
) -> (Value, Vec<Vec<strata_provider::PathStep>>) {
    match kind(type_name) {
        Some(Kind::LoadBalancer) => lb::plan(planned, config, prior),
        Some(Kind::TargetGroup) => (target_group::plan(planned, config, prior), Vec::new()),
        Some(Kind::Attachment) => (target_group::plan_attachment(planned, prior), Vec::new()),
        Some(Kind::Listener) => (listener::plan(planned, config, prior), Vec::new()),
        Some(Kind::Rule) => (listener::plan_rule(planned, config, prior), Vec::new()),
        None => (planned.clone(), Vec::new()),
    }
}

/// Create (no prior) or update.
pub fn apply(aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let creating = prior.is_null();
    match (kind(type_name), creating) {
        (Some(Kind::LoadBalancer), true) => lb::create(aws, planned),
        (Some(Kind::LoadBalancer), false) => lb::update(aws, prior, planned),
        (Some(Kind::TargetGroup), true) => target_group::create(aws, planned),
        (Some(Kind::TargetGroup), false) => target_group::update(aws, prior, planned),
        (Some(Kind::Attachment), true) => target_group::attach(aws, planned),
        // Every argument forces a new attachment.
        (Some(Kind::Attachment), false) => Ok(planned.clone()),
        (Some(Kind::Listener), true) => listener::create(aws, planned),
        (Some(Kind::Listener), false) => listener::update(aws, prior, planned),
        (Some(Kind::Rule), true) => listener::create_rule(aws, planned),
        (Some(Kind::Rule), false) => listener::update_rule(aws, prior, planned),
        (None, _) => Err(unknown(type_name)),
    }
}

pub fn delete(aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
    match kind(type_name) {
        Some(Kind::LoadBalancer) => lb::delete(aws, prior),
        Some(Kind::TargetGroup) => target_group::delete(aws, prior),
        Some(Kind::Attachment) => target_group::detach(aws, prior),
        Some(Kind::Listener) => listener::delete(aws, prior),
        Some(Kind::Rule) => listener::delete_rule(aws, prior),
        None => Err(unknown(type_name)),
    }
}

pub fn read(aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    match kind(type_name) {
        Some(Kind::LoadBalancer) => lb::read(aws, current),
        Some(Kind::TargetGroup) => target_group::read(aws, current),
        Some(Kind::Attachment) => target_group::read_attachment(aws, current),
        Some(Kind::Listener) => listener::read(aws, current),
        Some(Kind::Rule) => listener::read_rule(aws, current),
        None => Err(unknown(type_name)),
    }
}

/// The object an interrupted create made: load balancers and target
/// groups by name, listeners by their load balancer and port, rules by
/// their listener, each only when it carries `token`; an attachment is
/// named by what it registers.
pub fn find(aws: &Aws, type_name: &str, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let arn = match kind(type_name) {
        Some(Kind::LoadBalancer) => lb::find(aws, planned)?,
        Some(Kind::TargetGroup) => target_group::find(aws, planned)?,
        Some(Kind::Listener) => listener::find(aws, planned)?,
        Some(Kind::Rule) => listener::find_rules(aws, planned)?,
        Some(Kind::Attachment) => return target_group::find_attachment(aws, planned),
        None => return Err(unknown(type_name)),
    };
    for arn in arn {
        let tags =
            read_tag_pairs(aws, &arn).map_err(|e| e.into_diag("looking for an object an interrupted create made"))?;
        if tags::carry_token(&tags, token) {
            let stub = with_attr(&crate::util::known_or_null(planned), "id", Value::string(arn.as_str()));
            return read(aws, type_name, &stub);
        }
    }
    Ok(None)
}

pub fn list(aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
    match kind(type_name) {
        Some(Kind::LoadBalancer) => Some(lb::list(aws)),
        Some(Kind::TargetGroup) => Some(target_group::list(aws)),
        _ => None,
    }
}

// ---- shared helpers ------------------------------------------------------

/// The text of an AWS error for `what` (the provider's wording).
fn fail(what: impl Into<String>) -> impl Fn(AwsError) -> ProviderDiagnostic {
    let what = what.into();
    move |e| e.into_diag(&what)
}

fn err<E, R>(e: aws_sdk_elasticloadbalancingv2::error::SdkError<E, R>) -> AwsError
where
    E: aws_sdk_elasticloadbalancingv2::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    aws_error(e)
}

/// The object just written, read back (by the `read` of its kind).
pub(super) fn read_after_write(
    aws: &Aws,
    current: &Value,
    what: &str,
    read: fn(&Aws, &Value) -> Result<Option<Value>, ProviderDiagnostic>,
) -> Result<Value, ProviderDiagnostic> {
    let arn = str_attr(current, "id").unwrap_or_default();
    match read(aws, current)? {
        Some(v) => Ok(v),
        None => Err(ProviderDiagnostic::error(
            format!("reading {what} ({arn})"),
            format!("reading {what} ({arn}): it was not found just after it was written"),
        )),
    }
}

/// The name a create sends: the configured one, or a unique one from
/// `name_prefix` (else `default_prefix`), at most 32 characters as ELB allows.
fn name_for(planned: &Value, default_prefix: &str) -> String {
    match crate::util::nonempty(planned, "name") {
        Some(n) => n,
        None => {
            let prefix = crate::util::nonempty(planned, "name_prefix").unwrap_or_else(|| default_prefix.into());
            crate::sg::unique_name(&prefix).chars().take(32).collect()
        }
    }
}

/// The tags of one object, by ARN.
fn read_tag_pairs(aws: &Aws, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    aws.log_call("elasticloadbalancing:DescribeTags");
    let out = aws.block(aws.elbv2.describe_tags().resource_arns(arn).send()).map_err(err)?;
    Ok(out
        .tag_descriptions()
        .iter()
        .flat_map(|d| d.tags())
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
        .collect())
}

/// `(tags, tags_all)` as read from AWS, against the prior `tags`.
fn read_tags(aws: &Aws, arn: &str, current: &Value) -> Result<(Value, Value), AwsError> {
    let pairs = read_tag_pairs(aws, arn)?;
    Ok(tags::read_tags(&aws.default_tags, &attr(current, "tags"), pairs))
}

/// The tags a create sends (`tags_all`, the create token among them).
fn create_tags(planned: &Value) -> Option<Vec<Tag>> {
    let all = map_of(&attr(planned, "tags_all"));
    (!all.is_empty()).then(|| all.into_iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect())
}

/// Brings the object's tags from `prior`'s `tags_all` to `planned`'s.
fn update_tags(aws: &Aws, arn: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("elasticloadbalancing:RemoveTags");
        aws.block(aws.elbv2.remove_tags().resource_arns(arn).set_tag_keys(Some(remove)).send()).map_err(err)?;
    }
    if !set.is_empty() {
        aws.log_call("elasticloadbalancing:AddTags");
        let tags = set.into_iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect();
        aws.block(aws.elbv2.add_tags().resource_arns(arn).set_tags(Some(tags)).send()).map_err(err)?;
    }
    Ok(())
}

/// `state` with `tags` and `tags_all` as AWS holds them.
fn with_tags(aws: &Aws, arn: &str, current: &Value, state: Value) -> Result<Value, AwsError> {
    let (tags, all) = read_tags(aws, arn, current)?;
    Ok(with_attr(&with_attr(&state, "tags", tags), "tags_all", all))
}

/// The part of an ARN after `marker` (`app/web/50dc6c495c0c9188` for a
/// load balancer), the `arn_suffix` CloudWatch dimensions name.
fn arn_suffix(arn: &str, marker: &str) -> String {
    arn.split_once(marker).map(|(_, rest)| rest.to_string()).unwrap_or_default()
}

fn string_set(items: impl IntoIterator<Item = String>) -> Value {
    Value::set(Type::String, items.into_iter().map(|s| Value::string(s.as_str())).collect())
}

/// A map of attribute keys to values, as the Describe*Attributes calls give them.
fn attribute_map<'a>(pairs: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>) -> BTreeMap<String, String> {
    pairs.into_iter().filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string()))).collect()
}

/// `value` written as AWS's attribute text (`true`, `60`, `append`).
fn attribute_text(value: &Value) -> Option<String> {
    let (v, _) = value.unmark_deep();
    if let Some(b) = v.as_bool() {
        return Some(b.to_string());
    }
    if let Some(n) = v.as_number() {
        return n.to_i64().map(|n| n.to_string());
    }
    v.as_str().map(String::from)
}

/// AWS's attribute text as a value of the argument's type.
fn attribute_value(text: &str, ty: &Type) -> Option<Value> {
    match ty {
        Type::Bool => text.parse::<bool>().ok().map(Value::bool),
        Type::Number => text.parse::<i64>().ok().map(Value::int),
        _ => Some(Value::string(text)),
    }
}

/// Listed objects with their tags (one DescribeTags call per 20 ARNs).
fn listed(aws: &Aws, arns: Vec<String>) -> Result<Vec<ListedObject>, AwsError> {
    let mut out = Vec::new();
    for chunk in arns.chunks(20) {
        aws.log_call("elasticloadbalancing:DescribeTags");
        let described =
            aws.block(aws.elbv2.describe_tags().set_resource_arns(Some(chunk.to_vec())).send()).map_err(err)?;
        let mut tags: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for d in described.tag_descriptions() {
            let pairs = d.tags().iter().filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())));
            tags.entry(d.resource_arn().unwrap_or_default().to_string()).or_default().extend(pairs);
        }
        for arn in chunk {
            out.push(ListedObject { id: arn.clone(), tags: tags.remove(arn).unwrap_or_default() });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_provider::{Attribute, NestedBlock, Nesting};

    fn block() -> Block {
        let inner = Block {
            attributes: BTreeMap::from([
                ("arn".to_string(), Attribute::required(Type::String)),
                ("weight".to_string(), Attribute::optional(Type::Number)),
            ]),
            blocks: BTreeMap::new(),
        };
        Block {
            attributes: BTreeMap::from([
                ("order".to_string(), Attribute::optional_computed(Type::Number)),
                ("target_group_arn".to_string(), Attribute::optional(Type::String)),
            ]),
            blocks: BTreeMap::from([(
                "target_group".to_string(),
                NestedBlock { nesting: Nesting::Set, block: inner, min_items: 0, max_items: 0 },
            )]),
        }
    }

    #[test]
    fn unset_nested_arguments_take_their_default_or_zero_value() {
        let b = block();
        let tg = |w: Option<i64>| {
            crate::util::object(
                &b.blocks["target_group"].block,
                [("arn", Value::string("a"))].into_iter().chain(w.map(|w| ("weight", Value::int(w)))),
            )
        };
        let item = crate::util::object(
            &b,
            [("target_group", Value::set(b.blocks["target_group"].block.implied_type(), vec![tg(None), tg(Some(0))]))],
        );
        let done = crate::util::complete(&item, &b, "forward", &[("forward.target_group.weight", Value::int(1))]);
        assert_eq!(crate::util::str_attr(&done, "target_group_arn").as_deref(), Some(""));
        // Optional and computed: left for the plan to decide.
        assert!(attr(&done, "order").is_null());
        let weights: Vec<i64> =
            items(&attr(&done, "target_group")).iter().filter_map(|t| int_attr(t, "weight")).collect();
        assert_eq!(weights.len(), 2);
        assert!(weights.contains(&1) && weights.contains(&0));
    }

    #[test]
    fn arn_suffixes_are_what_cloudwatch_dimensions_name() {
        let lb = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
        assert_eq!(arn_suffix(lb, ":loadbalancer/"), "app/web/50dc6c495c0c9188");
        let tg = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/73e2d6bc24d8a067";
        assert_eq!(arn_suffix(tg, ":targetgroup/"), "blue/73e2d6bc24d8a067");
    }
}
