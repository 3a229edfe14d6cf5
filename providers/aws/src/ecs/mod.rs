//! ECS, as hashicorp/aws 6.x models it: `aws_ecs_cluster` (id = ARN,
//! imported by name), `aws_ecs_cluster_capacity_providers` (id = the
//! cluster's name), `aws_ecs_task_definition` (id = family, imported by
//! ARN; no update API, so every argument but `tags`, `skip_destroy` and
//! `track_latest` registers a new revision) and `aws_ecs_service` (id =
//! ARN, imported as `cluster/name`; a new task definition is an in-place
//! UpdateService), and the data sources `aws_ecs_cluster`,
//! `aws_ecs_task_definition` and `aws_ecs_container_definition`.
//!
//! The rest of the crate reaches this family only through [`Ecs`], its
//! `family::Family`.

mod cluster;
pub mod container_definitions;
mod data;
mod service;
mod task_definition;

use crate::client::{aws_error, Aws, AwsError};
use crate::family::Family;
use crate::tags;
use crate::util::{attr, is_zero_value, map_of, with_attr};
use crate::util::{attrs, i32_attr, int_attr, set_of, single};
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

/// The family (`family::FAMILIES`).
pub struct Ecs;

impl Family for Ecs {
    fn types(&self) -> &'static [&'static str] {
        &TYPES
    }

    fn data_types(&self) -> &'static [&'static str] {
        &DATA_TYPES
    }

    fn schema(&self, type_name: &str) -> Block {
        match type_name {
            CLUSTER => cluster::schema(),
            CAPACITY_PROVIDERS => cluster::capacity_providers_schema(),
            TASK_DEFINITION => task_definition::schema(),
            _ => service::schema(),
        }
    }

    /// The provider's `SchemaVersion`s: the task definition and service
    /// migrated their state once, the cluster types never.
    fn schema_version(&self, type_name: &str) -> u64 {
        match type_name {
            TASK_DEFINITION | SERVICE => 1,
            _ => 0,
        }
    }

    fn data_schema(&self, type_name: &str) -> Block {
        data::schema(type_name)
    }

    /// The `timeouts {}` operations and their defaults in minutes.
    fn timeouts(&self, type_name: &str) -> &'static [(&'static str, u64)] {
        match type_name {
            CLUSTER => &[("create", 10), ("update", 10), ("delete", 10)],
            SERVICE => &[("create", 20), ("update", 20), ("delete", 20)],
            _ => &[],
        }
    }

    /// Top-level arguments' defaults (Terraform's `Default:`).
    fn defaults(&self, type_name: &str) -> Vec<(&'static str, Value)> {
        match type_name {
            TASK_DEFINITION => task_definition::defaults(),
            SERVICE => service::defaults(),
            _ => Vec::new(),
        }
    }

    fn validate(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
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
    fn plan(&self, type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
        let planned = keep_nested_zero_values(&self.schema(type_name), planned, prior);
        match type_name {
            CLUSTER => (cluster::plan(&planned, config, prior), Vec::new()),
            CAPACITY_PROVIDERS => (cluster::plan_capacity_providers(&planned), Vec::new()),
            TASK_DEFINITION => task_definition::plan(&planned, config, prior),
            _ => service::plan(&planned, config, prior),
        }
    }

    /// Create (no prior object) or update.
    fn apply(&self, aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
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

    fn read(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        match type_name {
            CLUSTER => cluster::read(aws, current),
            CAPACITY_PROVIDERS => cluster::read_capacity_providers(aws, current),
            TASK_DEFINITION => task_definition::read(aws, current),
            _ => service::read(aws, current),
        }
    }

    fn delete(&self, aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        match type_name {
            CLUSTER => cluster::delete(aws, prior),
            CAPACITY_PROVIDERS => cluster::delete_capacity_providers(aws, prior),
            TASK_DEFINITION => task_definition::delete(aws, prior),
            _ => service::delete(aws, prior),
        }
    }

    /// The object an interrupted create made: found by its planned name and
    /// the create token tag (capacity providers, untagged: by the cluster).
    fn find(
        &self,
        aws: &Aws,
        type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = &crate::util::known_or_null(planned);
        match type_name {
            CLUSTER => cluster::find(aws, token, planned),
            CAPACITY_PROVIDERS => cluster::find_capacity_providers(aws, planned),
            TASK_DEFINITION => task_definition::find(aws, token, planned),
            _ => service::find(aws, token, planned),
        }
    }

    /// Every object of the type in the region, for `drift -unmanaged`.
    fn list(&self, aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
        match type_name {
            CLUSTER => Some(cluster::list(aws)),
            TASK_DEFINITION => Some(task_definition::list(aws)),
            SERVICE => Some(service::list(aws)),
            _ => None,
        }
    }

    fn read_data(&self, aws: &Aws, type_name: &str, config: &Value) -> Result<Value, ProviderDiagnostic> {
        data::read(aws, type_name, config)
    }

    /// A service whose steady-state wait timed out exists.
    fn keeps_failed_creates(&self, _type_name: &str) -> bool {
        true
    }
}

// Shared by the family's modules.

/// The first (only) object of a `single` block, if written.
fn first(v: &Value, name: &str) -> Option<Value> {
    attr(v, name).unmark_deep().0.as_seq().and_then(|s| s.first().cloned()).filter(|x| !x.is_null())
}

/// The objects of a list or set block (none when null or unknown).
fn items(v: &Value, name: &str) -> Vec<Value> {
    attr(v, name).unmark_deep().0.as_seq().map(|s| s.to_vec()).unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::{object, str_attr};
    use strata_lang::Type;

    fn value(type_name: &str, values: Vec<(&str, Value)>) -> Value {
        object(&Ecs.schema(type_name), values)
    }

    fn strings(items: &[&str]) -> Value {
        string_set(items.iter().map(|s| s.to_string()))
    }

    #[test]
    fn nested_arguments_left_out_keep_the_zero_values_aws_reports() {
        let block = Ecs.schema(CLUSTER);
        let ec = &block.blocks["configuration"].block.blocks["execute_command_configuration"].block;
        let log_block = &ec.blocks["log_configuration"].block;
        let log = |enabled: Value| {
            object(log_block, [("cloud_watch_encryption_enabled", enabled), ("s3_bucket_name", Value::string("b"))])
        };
        let cfg = |enabled: Value| {
            let ec = object(ec, [("log_configuration", Value::list(log_block.implied_type(), vec![log(enabled)]))]);
            let c = object(
                &block.blocks["configuration"].block,
                [("execute_command_configuration", Value::list(ec.ty().clone(), vec![ec]))],
            );
            value(CLUSTER, vec![("name", Value::string("c")), ("configuration", Value::list(c.ty().clone(), vec![c]))])
        };
        let prior = cfg(Value::bool(false));
        let planned = cfg(Value::null(Type::Bool));
        let kept = keep_nested_zero_values(&block, &planned, &prior);
        assert!(kept.raw_equal(&prior), "false from AWS is kept for a null argument");
        // A real value is not a zero value: it stays a change.
        let on = cfg(Value::bool(true));
        assert!(keep_nested_zero_values(&block, &planned, &on).raw_equal(&planned));
    }

    /// (what is checked, configuration, a fragment of the expected error)
    fn validation_cases() -> Vec<(&'static str, Value, &'static str)> {
        vec![
            (CLUSTER, value(CLUSTER, vec![("name", Value::string("no spaces"))]), "letters, numbers, hyphens"),
            (
                CLUSTER,
                value(
                    CLUSTER,
                    vec![
                        ("name", Value::string("c")),
                        (
                            "setting",
                            Value::set(
                                strata_lang::Type::object(BTreeMap::from([
                                    ("name".to_string(), Type::String),
                                    ("value".to_string(), Type::String),
                                ])),
                                vec![Value::object(
                                    [
                                        ("name".to_string(), Value::string("insights")),
                                        ("value".to_string(), Value::string("on")),
                                    ]
                                    .into_iter()
                                    .collect(),
                                )],
                            ),
                        ),
                    ],
                ),
                "expected setting.name to be one of [\"containerInsights\"], got insights",
            ),
            (
                TASK_DEFINITION,
                value(
                    TASK_DEFINITION,
                    vec![
                        ("family", Value::string("f")),
                        ("container_definitions", Value::string("[]")),
                        ("network_mode", Value::string("vpc")),
                    ],
                ),
                "expected network_mode to be one of [\"bridge\" \"host\" \"awsvpc\" \"none\"], got vpc",
            ),
            (
                TASK_DEFINITION,
                value(
                    TASK_DEFINITION,
                    vec![("family", Value::string("f")), ("container_definitions", Value::string(r#"[{"name":"a"}]"#))],
                ),
                "every container needs a \"name\" and an \"image\"",
            ),
            (
                SERVICE,
                value(
                    SERVICE,
                    vec![
                        ("name", Value::string("s")),
                        ("launch_type", Value::string("FARGATE")),
                        (
                            "capacity_provider_strategy",
                            Value::set(
                                Ecs.schema(SERVICE).blocks["capacity_provider_strategy"].block.implied_type(),
                                vec![object(
                                    &Ecs.schema(SERVICE).blocks["capacity_provider_strategy"].block,
                                    [("capacity_provider", Value::string("FARGATE"))],
                                )],
                            ),
                        ),
                    ],
                ),
                "\"launch_type\": conflicts with capacity_provider_strategy",
            ),
            (
                SERVICE,
                value(SERVICE, vec![("name", Value::string("s")), ("desired_count", Value::int(-1))]),
                "expected desired_count to be at least (0), got -1",
            ),
        ]
    }

    #[test]
    fn validation_reports_the_providers_messages() {
        for (t, config, want) in validation_cases() {
            let diags = Ecs.validate(t, &config);
            assert!(diags.iter().any(|d| d.detail.contains(want)), "{t}: {want:?} in {diags:?}");
        }
        let ok = value(
            TASK_DEFINITION,
            vec![
                ("family", Value::string("f")),
                ("container_definitions", Value::string(r#"[{"name":"a","image":"b"}]"#)),
                ("requires_compatibilities", strings(&["FARGATE"])),
            ],
        );
        assert!(Ecs.validate(TASK_DEFINITION, &ok).is_empty());
    }

    #[test]
    fn task_definitions_keep_equivalent_text_and_replace_on_changed_blocks() {
        let stored = r#"[{"cpu":0,"environment":[],"essential":true,"image":"b","name":"a","portMappings":[{"containerPort":80,"hostPort":80,"protocol":"tcp"}]}]"#;
        let prior = value(
            TASK_DEFINITION,
            vec![
                ("family", Value::string("f")),
                ("network_mode", Value::string("awsvpc")),
                ("container_definitions", Value::string(stored)),
            ],
        );
        let config = with_attr(
            &prior,
            "container_definitions",
            Value::string(r#"[{"name":"a","image":"b","portMappings":[{"containerPort":80}]}]"#),
        );
        let (planned, replace) = Ecs.plan(TASK_DEFINITION, &config, &config, &prior);
        assert_eq!(str_attr(&planned, "container_definitions").as_deref(), Some(stored));
        assert!(replace.is_empty());
        let changed = with_attr(&config, "container_definitions", Value::string(r#"[{"name":"a","image":"c"}]"#));
        let (planned, _) = Ecs.plan(TASK_DEFINITION, &changed, &changed, &prior);
        assert_eq!(
            str_attr(&planned, "container_definitions").as_deref(),
            Some(r#"[{"cpu":0,"image":"c","name":"a"}]"#)
        );
        let storage = &Ecs.schema(TASK_DEFINITION).blocks["ephemeral_storage"].block;
        let bigger = with_attr(
            &config,
            "ephemeral_storage",
            Value::list(storage.implied_type(), vec![object(storage, [("size_in_gib", Value::int(30))])]),
        );
        let (_, replace) = Ecs.plan(TASK_DEFINITION, &bigger, &bigger, &prior);
        assert_eq!(replace, vec![vec![strata_provider::PathStep::Attr("ephemeral_storage".into())]]);
    }

    #[test]
    fn service_triggers_need_force_new_deployment_and_none_propagation_is_unset() {
        let triggers =
            |v: &str| Value::map(Type::String, [("redeploy".to_string(), Value::string(v))].into_iter().collect());
        let prior = value(
            SERVICE,
            vec![("name", Value::string("s")), ("triggers", triggers("a")), ("propagate_tags", Value::string("NONE"))],
        );
        let config = value(SERVICE, vec![("name", Value::string("s")), ("triggers", triggers("b"))]);
        let (planned, replace) = Ecs.plan(SERVICE, &config, &config, &prior);
        assert!(attr(&planned, "triggers").raw_equal(&triggers("a")), "no redeploy without force_new_deployment");
        assert_eq!(str_attr(&planned, "propagate_tags").as_deref(), Some("NONE"));
        // The default controller is planned, and a new one replaces.
        assert_eq!(first(&planned, "deployment_controller").and_then(|c| str_attr(&c, "type")).as_deref(), Some("ECS"));
        assert!(replace.iter().any(|p| p == &vec![strata_provider::PathStep::Attr("deployment_controller".into())]));
        let forced = with_attr(&config, "force_new_deployment", Value::bool(true));
        let (planned, _) = Ecs.plan(SERVICE, &forced, &forced, &prior);
        assert!(attr(&planned, "triggers").raw_equal(&triggers("b")));
    }
}
