//! ECS, as hashicorp/aws 6.x models it: `aws_ecs_cluster` (id = ARN,
//! imported by name), `aws_ecs_cluster_capacity_providers` (id = the
//! cluster's name), `aws_ecs_task_definition` (id = family, imported by
//! ARN; no update API, so every argument but `tags`, `skip_destroy` and
//! `track_latest` registers a new revision) and `aws_ecs_service` (id =
//! ARN, imported as `cluster/name`; a new task definition is an in-place
//! UpdateService), and the data sources `aws_ecs_cluster`,
//! `aws_ecs_task_definition` and `aws_ecs_container_definition`.
//!
//! The rest of the crate reaches this family only through the functions
//! below (one match arm per dispatch point).

mod cluster;
pub mod container_definitions;
mod data;
mod service;
mod task_definition;

use crate::client::{aws_error, Aws, AwsError};
use crate::tags;
use crate::util::{attr, is_zero_value, map_of, with_attr};
use aws_sdk_ecs::types::Tag;
use std::collections::BTreeMap;
use strata_lang::Value;
use strata_provider::{Attribute, AttributePath, Block, ListedObject, NestedBlock, Nesting, ProviderDiagnostic};

pub const CLUSTER: &str = "aws_ecs_cluster";
pub const CAPACITY_PROVIDERS: &str = "aws_ecs_cluster_capacity_providers";
pub const TASK_DEFINITION: &str = "aws_ecs_task_definition";
pub const SERVICE: &str = "aws_ecs_service";

/// The resource types of this family.
pub const TYPES: [&str; 4] = [CLUSTER, CAPACITY_PROVIDERS, TASK_DEFINITION, SERVICE];

/// The data source types of this family.
pub const DATA_TYPES: [&str; 3] = ["aws_ecs_cluster", "aws_ecs_container_definition", "aws_ecs_task_definition"];

pub fn schema(type_name: &str) -> Block {
    match type_name {
        CLUSTER => cluster::schema(),
        CAPACITY_PROVIDERS => cluster::capacity_providers_schema(),
        TASK_DEFINITION => task_definition::schema(),
        _ => service::schema(),
    }
}

pub fn data_schema(type_name: &str) -> Block {
    data::schema(type_name)
}

/// The `timeouts {}` operations and their defaults in minutes.
pub fn timeouts(type_name: &str) -> &'static [(&'static str, u64)] {
    match type_name {
        CLUSTER => &[("create", 10), ("update", 10), ("delete", 10)],
        SERVICE => &[("create", 20), ("update", 20), ("delete", 20)],
        _ => &[],
    }
}

/// Top-level arguments' defaults (Terraform's `Default:`).
pub fn defaults(type_name: &str) -> Vec<(&'static str, Value)> {
    match type_name {
        TASK_DEFINITION => task_definition::defaults(),
        SERVICE => service::defaults(),
        _ => Vec::new(),
    }
}

pub fn validate(type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
    if config.is_null() {
        return Vec::new();
    }
    match type_name {
        CLUSTER => cluster::validate(config),
        CAPACITY_PROVIDERS => cluster::validate_capacity_providers(config),
        TASK_DEFINITION => task_definition::validate(config),
        _ => service::validate(config),
    }
}

/// The planned object, and the nested blocks whose change replaces it.
pub fn plan(type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
    let planned = keep_nested_zero_values(&schema(type_name), planned, prior);
    match type_name {
        CLUSTER => (cluster::plan(&planned, config, prior), Vec::new()),
        CAPACITY_PROVIDERS => (cluster::plan_capacity_providers(&planned), Vec::new()),
        TASK_DEFINITION => task_definition::plan(&planned, config, prior),
        _ => service::plan(&planned, config, prior),
    }
}

/// Create (no prior object) or update.
pub fn apply(aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let creating = prior.is_null();
    match (type_name, creating) {
        (CLUSTER, true) => cluster::create(aws, planned),
        (CLUSTER, false) => cluster::update(aws, prior, planned),
        (CAPACITY_PROVIDERS, _) => cluster::put_capacity_providers(aws, planned),
        (TASK_DEFINITION, true) => task_definition::create(aws, planned),
        (TASK_DEFINITION, false) => task_definition::update(aws, prior, planned),
        (_, true) => service::create(aws, planned),
        (_, false) => service::update(aws, prior, planned),
    }
}

pub fn read(aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    match type_name {
        CLUSTER => cluster::read(aws, current),
        CAPACITY_PROVIDERS => cluster::read_capacity_providers(aws, current),
        TASK_DEFINITION => task_definition::read(aws, current),
        _ => service::read(aws, current),
    }
}

pub fn delete(aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
    match type_name {
        CLUSTER => cluster::delete(aws, prior),
        CAPACITY_PROVIDERS => cluster::delete_capacity_providers(aws, prior),
        TASK_DEFINITION => task_definition::delete(aws, prior),
        _ => service::delete(aws, prior),
    }
}

/// The object an interrupted create made: found by its planned name and
/// the create token tag (capacity providers, untagged: by the cluster).
pub fn find(aws: &Aws, type_name: &str, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let planned = &crate::util::known_or_null(planned);
    match type_name {
        CLUSTER => cluster::find(aws, token, planned),
        CAPACITY_PROVIDERS => cluster::find_capacity_providers(aws, planned),
        TASK_DEFINITION => task_definition::find(aws, token, planned),
        _ => service::find(aws, token, planned),
    }
}

/// Every object of the type in the region, for `drift -unmanaged`.
pub fn list(aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
    match type_name {
        CLUSTER => Some(cluster::list(aws)),
        TASK_DEFINITION => Some(task_definition::list(aws)),
        SERVICE => Some(service::list(aws)),
        _ => None,
    }
}

pub fn read_data(aws: &Aws, type_name: &str, config: &Value) -> Result<Value, ProviderDiagnostic> {
    data::read(aws, type_name, config)
}

// Shared by the family's modules.

fn attrs(list: Vec<(&str, Attribute)>) -> BTreeMap<String, Attribute> {
    list.into_iter().map(|(k, a)| (k.to_string(), a)).collect()
}

/// A block written at most once (the SDK's `MaxItems: 1` list).
fn single(block: Block) -> NestedBlock {
    NestedBlock { nesting: Nesting::List, block, min_items: 0, max_items: 1 }
}

fn set_of(block: Block) -> NestedBlock {
    NestedBlock { nesting: Nesting::Set, block, min_items: 0, max_items: 0 }
}

/// The first (only) object of a `single` block, if written.
fn first(v: &Value, name: &str) -> Option<Value> {
    attr(v, name).unmark_deep().0.as_seq().and_then(|s| s.first().cloned()).filter(|x| !x.is_null())
}

/// The objects of a list or set block (none when null or unknown).
fn items(v: &Value, name: &str) -> Vec<Value> {
    attr(v, name).unmark_deep().0.as_seq().map(|s| s.to_vec()).unwrap_or_default()
}

fn int_of(v: &Value, name: &str) -> Option<i64> {
    attr(v, name).unmark_deep().0.as_number().and_then(|n| n.to_i64())
}

fn i32_of(v: &Value, name: &str) -> Option<i32> {
    int_of(v, name).and_then(|n| i32::try_from(n).ok())
}

/// Text where AWS has it, null where not.
fn opt_text(v: Option<&str>) -> Value {
    match v {
        Some(s) => Value::string(s),
        None => Value::null(strata_lang::Type::String),
    }
}

/// Inside nested blocks the plugin SDK, as at the top level, sees no
/// change between an argument left out (null) and the zero value AWS
/// reports for it (false, 0, ""): such arguments keep the prior value.
/// Blocks of a list are paired by position.
fn keep_nested_zero_values(block: &Block, planned: &Value, prior: &Value) -> Value {
    if prior.is_null() || planned.is_null() || !planned.is_known() {
        return planned.clone();
    }
    let mut out = planned.clone();
    for (name, nested) in &block.blocks {
        if nested.nesting != Nesting::List || name == "timeouts" {
            continue;
        }
        let (now, before) = (attr(planned, name), attr(prior, name).unmark_deep().0);
        let (Some(now_items), Some(before_items)) = (now.as_seq(), before.as_seq()) else {
            continue;
        };
        if now_items.len() != before_items.len() {
            continue;
        }
        let merged: Vec<Value> = now_items
            .iter()
            .zip(before_items.iter())
            .map(|(n, b)| {
                if !n.is_known() || n.is_null() {
                    return n.clone();
                }
                let mut n = keep_nested_zero_values(&nested.block, n, b);
                for (a, _) in nested.block.attributes.iter().filter(|(_, a)| !a.computed || a.optional) {
                    let prior_value = attr(b, a);
                    if attr(&n, a).is_null() && is_zero_value(&prior_value) {
                        n = with_attr(&n, a, prior_value);
                    }
                }
                n
            })
            .collect();
        out = with_attr(&out, name, Value::list(nested.block.implied_type(), merged).mark(now.marks()));
    }
    out
}

/// Tags as ECS takes them (None when there are none).
fn ecs_tags(m: &BTreeMap<String, String>) -> Option<Vec<Tag>> {
    let tags: Vec<Tag> = m.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect();
    (!tags.is_empty()).then_some(tags)
}

fn tag_pairs(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter().map(|t| (t.key().unwrap_or_default().to_string(), t.value().unwrap_or_default().to_string())).collect()
}

fn has_token(tags: &[Tag], token: &str) -> bool {
    tags.iter().any(|t| t.key() == Some(tags::CREATE_TOKEN_TAG) && t.value() == Some(token))
}

/// `(tags, tags_all)` as state holds them, from what AWS reports.
fn read_tags(aws: &Aws, current: &Value, remote: &[Tag]) -> (Value, Value) {
    tags::read_tags(&aws.default_tags, &attr(current, "tags"), tag_pairs(remote))
}

/// Tags changed in place through TagResource/UntagResource.
fn update_tags(aws: &Aws, arn: &str, prior: &Value, planned: &Value, what: &str) -> Result<(), ProviderDiagnostic> {
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("ecs:UntagResource");
        aws.block(aws.ecs.untag_resource().resource_arn(arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
    }
    if let Some(tags) = ecs_tags(&set) {
        aws.log_call("ecs:TagResource");
        aws.block(aws.ecs.tag_resource().resource_arn(arn).set_tags(Some(tags)).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
    }
    Ok(())
}

/// ECS's "not there" errors.
fn is_gone(e: &AwsError) -> bool {
    matches!(
        e.code.as_str(),
        "ClusterNotFoundException" | "ServiceNotFoundException" | "ResourceNotFoundException" | "NotFoundException"
    ) || (e.code == "ClientException" && e.message.contains("not found"))
        || (e.code == "InvalidParameterException" && e.message.contains("not found"))
}

fn string_set(items: impl IntoIterator<Item = String>) -> Value {
    Value::set(strata_lang::Type::String, items.into_iter().map(|s| Value::string(s.as_str())).collect())
}
