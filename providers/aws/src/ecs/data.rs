//! Data sources: `aws_ecs_cluster` (by `cluster_name`),
//! `aws_ecs_task_definition` (`task_definition` = family, family:revision
//! or ARN) and `aws_ecs_container_definition` (one container of a task
//! definition, by `container_name`).

use super::container_definitions as defs;
use super::*;
use crate::util::{object, str_attr, string_map};
use aws_sdk_ecs::types::{ClusterField, TaskDefinitionField};
use strata_lang::Type;

pub fn schema(type_name: &str) -> Block {
    let c = Attribute::computed;
    let s = || Attribute::computed(Type::String);
    let n = || Attribute::computed(Type::Number);
    match type_name {
        "aws_ecs_cluster" => Block {
            attributes: attrs(vec![
                ("arn", s()),
                ("cluster_name", Attribute::required(Type::String)),
                ("id", s()),
                ("pending_tasks_count", n()),
                ("registered_container_instances_count", n()),
                ("running_tasks_count", n()),
                (
                    "service_connect_defaults",
                    c(Type::list(Type::object(BTreeMap::from([("namespace".to_string(), Type::String)])))),
                ),
                (
                    "setting",
                    c(Type::set(Type::object(BTreeMap::from([
                        ("name".to_string(), Type::String),
                        ("value".to_string(), Type::String),
                    ])))),
                ),
                ("status", s()),
                ("tags", Attribute::optional_computed(Type::map(Type::String))),
            ]),
            blocks: BTreeMap::new(),
        },
        "aws_ecs_task_definition" => Block {
            attributes: attrs(vec![
                ("arn", s()),
                ("arn_without_revision", s()),
                ("container_definitions", s()),
                ("cpu", s()),
                ("execution_role_arn", s()),
                ("family", s()),
                ("id", s()),
                ("memory", s()),
                ("network_mode", s()),
                ("requires_compatibilities", c(Type::set(Type::String))),
                ("revision", n()),
                ("status", s()),
                ("task_definition", Attribute::required(Type::String)),
                ("task_role_arn", s()),
            ]),
            blocks: BTreeMap::new(),
        },
        _ => Block {
            attributes: attrs(vec![
                ("container_name", Attribute::required(Type::String)),
                ("cpu", n()),
                ("disable_networking", c(Type::Bool)),
                ("docker_labels", c(Type::map(Type::String))),
                ("environment", c(Type::map(Type::String))),
                ("essential", c(Type::Bool)),
                ("id", s()),
                ("image", s()),
                ("image_digest", s()),
                ("memory", n()),
                ("memory_reservation", n()),
                ("task_definition", Attribute::required(Type::String)),
            ]),
            blocks: BTreeMap::new(),
        },
    }
}

fn not_found(what: &str, id: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(format!("reading {what} ({id}): empty result"), format!("no {what} found for {id:?}"))
}

pub fn read(aws: &Aws, type_name: &str, config: &Value) -> Result<Value, ProviderDiagnostic> {
    let block = schema(type_name);
    match type_name {
        "aws_ecs_cluster" => {
            let name = str_attr(config, "cluster_name").unwrap_or_default();
            let what = format!("reading ECS Cluster ({name})");
            aws.log_call("ecs:DescribeClusters");
            let out = aws
                .block(
                    aws.ecs
                        .describe_clusters()
                        .clusters(&name)
                        .include(ClusterField::Tags)
                        .include(ClusterField::Settings)
                        .send(),
                )
                .map_err(|e| aws_error(e).into_diag(&what))?;
            let Some(c) = out.clusters().iter().find(|c| c.status() != Some("INACTIVE")) else {
                return Err(not_found("ECS Cluster", &name));
            };
            let setting_ty =
                Type::object(BTreeMap::from([("name".to_string(), Type::String), ("value".to_string(), Type::String)]));
            let settings = c
                .settings()
                .iter()
                .map(|s| {
                    Value::object(
                        [
                            ("name".to_string(), Value::string(s.name().map(|n| n.as_str()).unwrap_or_default())),
                            ("value".to_string(), Value::string(s.value().unwrap_or_default())),
                        ]
                        .into_iter()
                        .collect(),
                    )
                })
                .collect();
            let ns_ty = Type::object(BTreeMap::from([("namespace".to_string(), Type::String)]));
            let connect = c
                .service_connect_defaults()
                .and_then(|d| d.namespace())
                .map(|ns| Value::object([("namespace".to_string(), Value::string(ns))].into_iter().collect()))
                .into_iter()
                .collect();
            let tags: BTreeMap<String, String> =
                tag_pairs(c.tags()).into_iter().filter(|(k, _)| !k.starts_with("aws:")).collect();
            let arn = c.cluster_arn().unwrap_or_default();
            Ok(object(
                &block,
                [
                    ("arn", Value::string(arn)),
                    ("cluster_name", Value::string(c.cluster_name().unwrap_or(&name))),
                    ("id", Value::string(arn)),
                    ("pending_tasks_count", Value::int(c.pending_tasks_count() as i64)),
                    (
                        "registered_container_instances_count",
                        Value::int(c.registered_container_instances_count() as i64),
                    ),
                    ("running_tasks_count", Value::int(c.running_tasks_count() as i64)),
                    ("service_connect_defaults", Value::list(ns_ty, connect)),
                    ("setting", Value::set(setting_ty, settings)),
                    ("status", opt_text(c.status())),
                    ("tags", string_map(&tags)),
                ],
            ))
        }
        "aws_ecs_task_definition" => {
            let id = str_attr(config, "task_definition").unwrap_or_default();
            let what = format!("reading ECS Task Definition ({id})");
            aws.log_call("ecs:DescribeTaskDefinition");
            let out = aws
                .block(
                    aws.ecs.describe_task_definition().task_definition(&id).include(TaskDefinitionField::Tags).send(),
                )
                .map_err(|e| aws_error(e).into_diag(&what))?;
            let Some(td) = out.task_definition() else { return Err(not_found("ECS Task Definition", &id)) };
            let arn = td.task_definition_arn().unwrap_or_default();
            let text = defs::from_sdk(td.container_definitions())
                .map_err(|e| ProviderDiagnostic::error("Reading container definitions", e))?;
            Ok(object(
                &block,
                [
                    ("arn", Value::string(arn)),
                    ("arn_without_revision", Value::string(arn.rsplit_once(':').map(|(a, _)| a).unwrap_or(arn))),
                    ("container_definitions", Value::string(text.as_str())),
                    ("cpu", opt_text(td.cpu())),
                    ("execution_role_arn", opt_text(td.execution_role_arn())),
                    ("family", opt_text(td.family())),
                    ("id", Value::string(arn)),
                    ("memory", opt_text(td.memory())),
                    ("network_mode", opt_text(td.network_mode().map(|m| m.as_str()))),
                    (
                        "requires_compatibilities",
                        string_set(td.requires_compatibilities().iter().map(|c| c.as_str().to_string())),
                    ),
                    ("revision", Value::int(td.revision() as i64)),
                    ("status", opt_text(td.status().map(|s| s.as_str()))),
                    ("task_definition", Value::string(id.as_str())),
                    ("task_role_arn", opt_text(td.task_role_arn())),
                ],
            ))
        }
        _ => {
            let id = str_attr(config, "task_definition").unwrap_or_default();
            let name = str_attr(config, "container_name").unwrap_or_default();
            let what = format!("reading ECS Container Definition ({id}/{name})");
            aws.log_call("ecs:DescribeTaskDefinition");
            let out = aws
                .block(aws.ecs.describe_task_definition().task_definition(&id).send())
                .map_err(|e| aws_error(e).into_diag(&what))?;
            let Some(td) = out.task_definition() else { return Err(not_found("ECS Task Definition", &id)) };
            let Some(c) = td.container_definitions().iter().find(|c| c.name() == Some(name.as_str())) else {
                return Err(not_found("ECS Container Definition", &format!("{id}/{name}")));
            };
            let image = c.image().unwrap_or_default();
            let digest = image.split_once('@').map(|(_, d)| d).unwrap_or_default();
            let env: BTreeMap<String, String> = c
                .environment()
                .iter()
                .map(|kv| (kv.name().unwrap_or_default().to_string(), kv.value().unwrap_or_default().to_string()))
                .collect();
            let labels: BTreeMap<String, String> =
                c.docker_labels().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
            let n = |v: Option<i32>| Value::int(v.unwrap_or(0) as i64);
            Ok(object(
                &block,
                [
                    ("container_name", Value::string(name.as_str())),
                    ("cpu", Value::int(c.cpu() as i64)),
                    ("disable_networking", Value::bool(c.disable_networking().unwrap_or(false))),
                    ("docker_labels", string_map(&labels)),
                    ("environment", string_map(&env)),
                    ("essential", Value::bool(c.essential().unwrap_or(true))),
                    ("id", Value::string(format!("{}/{name}", td.task_definition_arn().unwrap_or(&id)))),
                    ("image", Value::string(image)),
                    ("image_digest", Value::string(digest)),
                    ("memory", n(c.memory())),
                    ("memory_reservation", n(c.memory_reservation())),
                    ("task_definition", Value::string(id.as_str())),
                ],
            ))
        }
    }
}
