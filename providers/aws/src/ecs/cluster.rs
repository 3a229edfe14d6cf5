//! `aws_ecs_cluster` (id = ARN, imported by name or ARN) and
//! `aws_ecs_cluster_capacity_providers` (id = the cluster's name).
//!
//! A cluster reads back with DescribeClusters including its tags,
//! configuration and settings; an INACTIVE cluster (ECS keeps deleted
//! ones for a while, moto for good) counts as gone. `setting` is
//! optional and computed: ECS (and moto) report `containerInsights`
//! even when it was not set.

use super::*;
use crate::util::{bool_attr, nonempty, object, str_attr};
use aws_sdk_ecs::types::{
    CapacityProviderStrategyItem, Cluster, ClusterConfiguration, ClusterField, ClusterServiceConnectDefaultsRequest,
    ClusterSetting, ClusterSettingName, ExecuteCommandConfiguration, ExecuteCommandLogConfiguration,
    ExecuteCommandLogging,
};
use strata_lang::Type;
use strata_provider::PathStep;

const WHAT: &str = "ECS Cluster";

fn setting_type() -> Type {
    Type::object(BTreeMap::from([("name".to_string(), Type::String), ("value".to_string(), Type::String)]))
}

fn log_configuration_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("cloud_watch_encryption_enabled", Attribute::optional(Type::Bool)),
            ("cloud_watch_log_group_name", Attribute::optional(Type::String)),
            ("s3_bucket_encryption_enabled", Attribute::optional(Type::Bool)),
            ("s3_bucket_name", Attribute::optional(Type::String)),
            ("s3_key_prefix", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn execute_command_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("kms_key_id", Attribute::optional(Type::String)),
            ("logging", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::from([("log_configuration".to_string(), single(log_configuration_block()))]),
    }
}

fn configuration_block() -> Block {
    Block {
        attributes: BTreeMap::new(),
        blocks: BTreeMap::from([("execute_command_configuration".to_string(), single(execute_command_block()))]),
    }
}

fn service_connect_block() -> Block {
    Block { attributes: attrs(vec![("namespace", Attribute::required(Type::String))]), blocks: BTreeMap::new() }
}

pub fn schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("name", Attribute::required(Type::String).force_new()),
            // A set of blocks the SDK schema marks optional and computed.
            ("setting", Attribute::optional_computed(Type::set(setting_type()))),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::from([
            ("configuration".to_string(), single(configuration_block())),
            ("service_connect_defaults".to_string(), single(service_connect_block())),
        ]),
    }
}

/// A capacity provider strategy item (the cluster's default and a service's own).
pub(super) fn strategy_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("base", Attribute::optional(Type::Number)),
            ("capacity_provider", Attribute::required(Type::String)),
            ("weight", Attribute::optional(Type::Number)),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn capacity_providers_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("capacity_providers", Attribute::optional(Type::set(Type::String))),
            ("cluster_name", Attribute::required(Type::String).force_new()),
            ("id", Attribute::computed(Type::String)),
        ]),
        blocks: BTreeMap::from([("default_capacity_provider_strategy".to_string(), set_of(strategy_block()))]),
    }
}

fn err(path: &str, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(vec![PathStep::Attr(path.into())])
}

/// The provider's checks: a cluster name of letters, digits, `-` and `_`
/// (1-255), settings ECS knows.
pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if let Some(name) = str_attr(config, "name") {
        if name.is_empty()
            || name.len() > 255
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            diags.push(err(
                "name",
                "Invalid name",
                format!("name must be 1-255 letters, numbers, hyphens and underscores, got {name:?}"),
            ));
        }
    }
    for s in items(config, "setting") {
        if let Some(n) = str_attr(&s, "name") {
            if n != "containerInsights" {
                diags.push(err(
                    "setting",
                    "Invalid setting",
                    format!("expected setting.name to be one of [\"containerInsights\"], got {n}"),
                ));
            }
        }
        if let Some(v) = str_attr(&s, "value") {
            if !["enabled", "disabled", "enhanced"].contains(&v.as_str()) {
                diags.push(err(
                    "setting",
                    "Invalid setting",
                    format!("expected setting.value to be one of [\"enabled\" \"disabled\" \"enhanced\"], got {v}"),
                ));
            }
        }
    }
    if let Some(ec) = first(config, "configuration").and_then(|c| first(&c, "execute_command_configuration")) {
        if let Some(l) = str_attr(&ec, "logging") {
            if !["NONE", "DEFAULT", "OVERRIDE"].contains(&l.as_str()) {
                diags.push(err(
                    "configuration",
                    "Invalid logging",
                    format!("expected logging to be one of [\"NONE\" \"DEFAULT\" \"OVERRIDE\"], got {l}"),
                ));
            }
        }
    }
    diags
}

pub fn validate_capacity_providers(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    for s in items(config, "default_capacity_provider_strategy") {
        for (name, max) in [("weight", 1000), ("base", 100000)] {
            if let Some(n) = int_attr(&s, name) {
                if !(0..=max).contains(&n) {
                    diags.push(err(
                        "default_capacity_provider_strategy",
                        &format!("Invalid {name}"),
                        format!("expected {name} to be in the range (0 - {max}), got {n}"),
                    ));
                }
            }
        }
    }
    diags
}

/// `setting` left out keeps what ECS reports (known after a create).
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    if attr(config, "setting").is_null() {
        let v = if prior.is_null() { Value::unknown(Type::set(setting_type())) } else { attr(prior, "setting") };
        return with_attr(planned, "setting", v);
    }
    planned.clone()
}

fn settings_of(planned: &Value) -> Option<Vec<ClusterSetting>> {
    let v = attr(planned, "setting");
    if !v.is_wholly_known() || v.is_null() {
        return None;
    }
    Some(
        items(planned, "setting")
            .iter()
            .map(|s| {
                ClusterSetting::builder()
                    .name(ClusterSettingName::from(str_attr(s, "name").unwrap_or_default().as_str()))
                    .value(str_attr(s, "value").unwrap_or_default())
                    .build()
            })
            .collect(),
    )
}

fn configuration_of(planned: &Value) -> Option<ClusterConfiguration> {
    let c = first(planned, "configuration")?;
    let ec = first(&c, "execute_command_configuration").map(|ec| {
        let log = first(&ec, "log_configuration").map(|l| {
            ExecuteCommandLogConfiguration::builder()
                .set_cloud_watch_encryption_enabled(bool_attr(&l, "cloud_watch_encryption_enabled"))
                .set_cloud_watch_log_group_name(nonempty(&l, "cloud_watch_log_group_name"))
                .set_s3_encryption_enabled(bool_attr(&l, "s3_bucket_encryption_enabled"))
                .set_s3_bucket_name(nonempty(&l, "s3_bucket_name"))
                .set_s3_key_prefix(nonempty(&l, "s3_key_prefix"))
                .build()
        });
        ExecuteCommandConfiguration::builder()
            .set_kms_key_id(nonempty(&ec, "kms_key_id"))
            .set_logging(nonempty(&ec, "logging").map(|l| ExecuteCommandLogging::from(l.as_str())))
            .set_log_configuration(log)
            .build()
    });
    Some(ClusterConfiguration::builder().set_execute_command_configuration(ec).build())
}

fn service_connect_of(planned: &Value) -> Result<Option<ClusterServiceConnectDefaultsRequest>, ProviderDiagnostic> {
    let Some(s) = first(planned, "service_connect_defaults") else { return Ok(None) };
    ClusterServiceConnectDefaultsRequest::builder()
        .set_namespace(nonempty(&s, "namespace"))
        .build()
        .map(Some)
        .map_err(|e| ProviderDiagnostic::error("Invalid service_connect_defaults", e.to_string()))
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = str_attr(planned, "name").unwrap_or_default();
    let what = format!("creating {WHAT} ({name})");
    aws.log_call("ecs:CreateCluster");
    let out = aws
        .retry(
            std::time::Duration::from_secs(120),
            |e| e.message.contains("Unable to assume the service linked role"),
            || {
                aws.block(
                    aws.ecs
                        .create_cluster()
                        .cluster_name(&name)
                        .set_settings(settings_of(planned))
                        .set_configuration(configuration_of(planned))
                        .set_service_connect_defaults(service_connect_of(planned).ok().flatten())
                        .set_tags(ecs_tags(&map_of(&attr(planned, "tags_all"))))
                        .send(),
                )
                .map_err(aws_error)
            },
        )
        .map_err(|e| e.into_diag(&what))?;
    let arn = out.cluster().and_then(|c| c.cluster_arn()).unwrap_or_default().to_string();
    wait_active(aws, planned, &arn, &what)
}

fn wait_active(aws: &Aws, current: &Value, arn: &str, what: &str) -> Result<Value, ProviderDiagnostic> {
    let cluster = aws
        .until_visible(&format!("{WHAT} ({arn})"), || Ok(describe(aws, arn)?.filter(|c| c.status() == Some("ACTIVE"))))
        .map_err(|e| e.into_diag(what))?;
    Ok(to_state(aws, current, &cluster))
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let arn = crate::id_of(prior);
    let what = format!("updating {WHAT} ({arn})");
    let changed = |n: &str| !attr(prior, n).raw_equal(&attr(planned, n));
    if changed("setting") || changed("configuration") || changed("service_connect_defaults") {
        aws.log_call("ecs:UpdateCluster");
        aws.block(
            aws.ecs
                .update_cluster()
                .cluster(&arn)
                .set_settings(settings_of(planned))
                .set_configuration(configuration_of(planned))
                .set_service_connect_defaults(service_connect_of(planned)?)
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    update_tags(aws, &arn, prior, planned, &what)?;
    wait_active(aws, planned, &arn, &what)
}

/// The cluster named or ARN'd `id`, whatever its status.
fn describe(aws: &Aws, id: &str) -> Result<Option<Cluster>, AwsError> {
    aws.log_call("ecs:DescribeClusters");
    let out = aws
        .block(
            aws.ecs
                .describe_clusters()
                .clusters(id)
                .include(ClusterField::Tags)
                .include(ClusterField::Configurations)
                .include(ClusterField::Settings)
                .send(),
        )
        .map_err(aws_error);
    match out {
        Ok(out) => Ok(out.clusters().first().cloned()),
        Err(e) if is_gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn to_state(aws: &Aws, current: &Value, c: &Cluster) -> Value {
    let arn = c.cluster_arn().unwrap_or_default();
    let (tags, tags_all) = read_tags(aws, current, c.tags());
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
    let configuration = c
        .configuration()
        .and_then(|cfg| cfg.execute_command_configuration())
        .map(|ec| {
            let logs: Vec<Value> = ec
                .log_configuration()
                .map(|l| {
                    object(
                        &log_configuration_block(),
                        [
                            ("cloud_watch_encryption_enabled", Value::bool(l.cloud_watch_encryption_enabled())),
                            ("cloud_watch_log_group_name", opt_text(l.cloud_watch_log_group_name())),
                            ("s3_bucket_encryption_enabled", Value::bool(l.s3_encryption_enabled())),
                            ("s3_bucket_name", opt_text(l.s3_bucket_name())),
                            ("s3_key_prefix", opt_text(l.s3_key_prefix())),
                        ],
                    )
                })
                .into_iter()
                .collect();
            let ec = object(
                &execute_command_block(),
                [
                    ("kms_key_id", opt_text(ec.kms_key_id())),
                    ("logging", opt_text(ec.logging().map(|l| l.as_str()))),
                    ("log_configuration", Value::list(log_configuration_block().implied_type(), logs)),
                ],
            );
            object(
                &configuration_block(),
                [("execute_command_configuration", Value::list(execute_command_block().implied_type(), vec![ec]))],
            )
        })
        .into_iter()
        .collect();
    // ECS answers with the namespace's ARN; a configuration naming the
    // namespace by the same ARN or by its name keeps its own words.
    let connect: Vec<Value> = c
        .service_connect_defaults()
        .and_then(|d| d.namespace())
        .map(|ns| {
            let given = first(current, "service_connect_defaults").and_then(|s| str_attr(&s, "namespace"));
            let ns = match given {
                Some(g) if ns == g || ns.ends_with(&format!("/{g}")) => g,
                _ => ns.to_string(),
            };
            object(&service_connect_block(), [("namespace", Value::string(ns.as_str()))])
        })
        .into_iter()
        .collect();
    object(
        &schema(),
        [
            ("arn", Value::string(arn)),
            ("id", Value::string(arn)),
            ("name", Value::string(c.cluster_name().unwrap_or_default())),
            ("setting", Value::set(setting_type(), settings)),
            ("tags", tags),
            ("tags_all", tags_all),
            ("configuration", Value::list(configuration_block().implied_type(), configuration)),
            ("service_connect_defaults", Value::list(service_connect_block().implied_type(), connect)),
        ],
    )
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let what = format!("reading {WHAT} ({id})");
    let Some(c) = describe(aws, &id).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    if c.status() == Some("INACTIVE") {
        return Ok(None);
    }
    Ok(Some(to_state(aws, current, &c)))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let arn = crate::id_of(prior);
    let what = format!("deleting {WHAT} ({arn})");
    let busy = |e: &AwsError| {
        e.code.starts_with("ClusterContains")
            || e.code == "UpdateInProgressException"
            || e.code == "ResourceInUseException"
    };
    aws.log_call("ecs:DeleteCluster");
    match aws.retry(crate::client::DEPENDENCY_TIMEOUT, busy, || {
        aws.block(aws.ecs.delete_cluster().cluster(&arn).send()).map(|_| ()).map_err(aws_error)
    }) {
        Err(e) if !is_gone(&e) => return Err(e.into_diag(&what)),
        _ => {}
    }
    aws.retry(
        crate::client::DEPENDENCY_TIMEOUT,
        |e| e.code == "StillThere",
        || match describe(aws, &arn)? {
            Some(c) if c.status() != Some("INACTIVE") => {
                Err(AwsError { code: "StillThere".into(), message: format!("{WHAT} {arn} is still there") })
            }
            _ => Ok(()),
        },
    )
    .map_err(|e| e.into_diag(&what))
}

pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for an ECS Cluster an interrupted create made";
    let Some(name) = nonempty(planned, "name") else { return Ok(None) };
    let Some(c) = describe(aws, &name).map_err(|e| e.into_diag(what))? else { return Ok(None) };
    if c.status() != Some("ACTIVE") || !has_token(c.tags(), token) {
        return Ok(None);
    }
    Ok(Some(to_state(aws, planned, &c)))
}

pub fn list(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let what = "listing ECS Clusters";
    let mut arns = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("ecs:ListClusters");
        let out = aws
            .block(aws.ecs.list_clusters().set_next_token(token.clone()).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
        arns.extend(out.cluster_arns().iter().cloned());
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    let mut objects = Vec::new();
    for chunk in arns.chunks(100) {
        aws.log_call("ecs:DescribeClusters");
        let out = aws
            .block(aws.ecs.describe_clusters().set_clusters(Some(chunk.to_vec())).include(ClusterField::Tags).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
        for c in out.clusters().iter().filter(|c| c.status() != Some("INACTIVE")) {
            let Some(arn) = c.cluster_arn() else { continue };
            objects.push(ListedObject { id: arn.to_string(), tags: tag_pairs(c.tags()).into_iter().collect() });
        }
    }
    Ok(objects)
}

// aws_ecs_cluster_capacity_providers

/// A strategy's `weight` and `base` default to 0.
pub fn plan_capacity_providers(planned: &Value) -> Value {
    let v = attr(planned, "default_capacity_provider_strategy");
    if !v.is_wholly_known() || v.is_null() {
        return planned.clone();
    }
    let filled = items(planned, "default_capacity_provider_strategy")
        .into_iter()
        .map(|mut s| {
            for n in ["base", "weight"] {
                if attr(&s, n).is_null() {
                    s = with_attr(&s, n, Value::int(0));
                }
            }
            s
        })
        .collect();
    with_attr(planned, "default_capacity_provider_strategy", Value::set(strategy_block().implied_type(), filled))
}

/// The strategy items of block `name` (a cluster's default, a service's own).
pub(super) fn strategy_of(planned: &Value, name: &str) -> Vec<CapacityProviderStrategyItem> {
    items(planned, name)
        .iter()
        .filter_map(|s| {
            CapacityProviderStrategyItem::builder()
                .set_capacity_provider(nonempty(s, "capacity_provider"))
                .weight(i32_attr(s, "weight").unwrap_or(0))
                .base(i32_attr(s, "base").unwrap_or(0))
                .build()
                .ok()
        })
        .collect()
}

pub fn put_capacity_providers(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = str_attr(planned, "cluster_name").unwrap_or_default();
    let what = format!("putting ECS Cluster Capacity Providers ({name})");
    put(
        aws,
        &name,
        crate::util::strings_of(&attr(planned, "capacity_providers")),
        strategy_of(planned, "default_capacity_provider_strategy"),
        &what,
    )?;
    let stub = with_attr(planned, "id", Value::string(name.as_str()));
    read_capacity_providers(aws, &stub)?
        .ok_or_else(|| ProviderDiagnostic::error(format!("{what}: not found"), format!("ECS cluster {name:?} is gone")))
}

fn put(
    aws: &Aws,
    cluster: &str,
    providers: Vec<String>,
    strategy: Vec<CapacityProviderStrategyItem>,
    what: &str,
) -> Result<(), ProviderDiagnostic> {
    aws.log_call("ecs:PutClusterCapacityProviders");
    aws.retry(
        crate::client::DEPENDENCY_TIMEOUT,
        |e| e.code == "UpdateInProgressException" || e.code == "ResourceInUseException",
        || {
            aws.block(
                aws.ecs
                    .put_cluster_capacity_providers()
                    .cluster(cluster)
                    .set_capacity_providers(Some(providers.clone()))
                    .set_default_capacity_provider_strategy(Some(strategy.clone()))
                    .send(),
            )
            .map(|_| ())
            .map_err(aws_error)
        },
    )
    .map_err(|e| e.into_diag(what))
}

pub fn read_capacity_providers(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = crate::id_of(current);
    let what = format!("reading ECS Cluster Capacity Providers ({name})");
    let Some(c) = describe(aws, &name).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    if c.status() == Some("INACTIVE") {
        return Ok(None);
    }
    let strategy = c
        .default_capacity_provider_strategy()
        .iter()
        .map(|s| {
            object(
                &strategy_block(),
                [
                    ("base", Value::int(s.base() as i64)),
                    ("capacity_provider", Value::string(s.capacity_provider())),
                    ("weight", Value::int(s.weight() as i64)),
                ],
            )
        })
        .collect();
    let cluster_name = c.cluster_name().unwrap_or(&name).to_string();
    Ok(Some(object(
        &capacity_providers_schema(),
        [
            ("capacity_providers", string_set(c.capacity_providers().iter().cloned())),
            ("cluster_name", Value::string(cluster_name.as_str())),
            ("id", Value::string(cluster_name.as_str())),
            ("default_capacity_provider_strategy", Value::set(strategy_block().implied_type(), strategy)),
        ],
    )))
}

pub fn delete_capacity_providers(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("deleting ECS Cluster Capacity Providers ({name})");
    match put(aws, &name, Vec::new(), Vec::new(), &what) {
        Err(_) if describe(aws, &name).ok().flatten().is_none_or(|c| c.status() == Some("INACTIVE")) => Ok(()),
        other => other,
    }
}

/// Not taggable: what the cluster holds, if it is what was planned.
pub fn find_capacity_providers(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let Some(name) = nonempty(planned, "cluster_name") else { return Ok(None) };
    let stub = with_attr(planned, "id", Value::string(name.as_str()));
    let Some(found) = read_capacity_providers(aws, &stub)? else { return Ok(None) };
    let same = attr(&found, "capacity_providers").raw_equal(&attr(planned, "capacity_providers"));
    Ok(same.then_some(found))
}
