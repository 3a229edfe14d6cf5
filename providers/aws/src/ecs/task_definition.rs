//! `aws_ecs_task_definition` (id = family, imported by ARN). ECS has no
//! update API for a task definition: every argument but `tags`,
//! `skip_destroy` and `track_latest` forces a new revision (a
//! replacement). `skip_destroy` keeps the revision when destroyed;
//! `track_latest` reads the family's latest ACTIVE revision instead of
//! the one in state. A deregistered (INACTIVE) revision counts as gone.

use super::container_definitions as defs;
use super::*;
use crate::util::{bool_attr, nonempty, object, str_attr, strings_of};
use aws_sdk_ecs::types::{
    Compatibility, CpuArchitecture, EfsAuthorizationConfig, EfsAuthorizationConfigIam, EfsTransitEncryption,
    EfsVolumeConfiguration, EphemeralStorage, HostVolumeProperties, IpcMode, KeyValuePair, NetworkMode, OsFamily,
    PidMode, ProxyConfiguration, ProxyConfigurationType, RuntimePlatform, TaskDefinition, TaskDefinitionField,
    TaskDefinitionPlacementConstraint, TaskDefinitionPlacementConstraintType, TaskDefinitionStatus, Volume,
};
use strata_lang::Type;
use strata_provider::PathStep;

const WHAT: &str = "ECS Task Definition";

/// The nested blocks, each of which forces a new revision when changed.
const BLOCKS: [&str; 5] =
    ["ephemeral_storage", "placement_constraints", "proxy_configuration", "runtime_platform", "volume"];

fn authorization_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("access_point_id", Attribute::optional(Type::String)),
            ("iam", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn efs_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("file_system_id", Attribute::required(Type::String)),
            ("root_directory", Attribute::optional(Type::String)),
            ("transit_encryption", Attribute::optional(Type::String)),
            ("transit_encryption_port", Attribute::optional(Type::Number)),
        ]),
        blocks: BTreeMap::from([("authorization_config".to_string(), single(authorization_block()))]),
    }
}

fn volume_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("host_path", Attribute::optional(Type::String)),
            ("name", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::from([("efs_volume_configuration".to_string(), single(efs_block()))]),
    }
}

/// An EFS volume's `root_directory` defaults to "/" (as ECS, and moto, fill it in).
fn plan_volumes(planned: &Value) -> Value {
    let v = attr(planned, "volume");
    if !v.is_wholly_known() || v.is_null() {
        return planned.clone();
    }
    let filled = items(planned, "volume")
        .into_iter()
        .map(|vol| {
            let Some(efs) = first(&vol, "efs_volume_configuration") else { return vol };
            if !attr(&efs, "root_directory").is_null() {
                return vol;
            }
            let efs = with_attr(&efs, "root_directory", Value::string("/"));
            with_attr(&vol, "efs_volume_configuration", Value::list(efs_block().implied_type(), vec![efs]))
        })
        .collect();
    with_attr(planned, "volume", Value::set(volume_block().implied_type(), filled))
}

fn placement_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("expression", Attribute::optional(Type::String)),
            ("type", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn runtime_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("cpu_architecture", Attribute::optional(Type::String)),
            ("operating_system_family", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn proxy_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("container_name", Attribute::required(Type::String)),
            ("properties", Attribute::optional(Type::map(Type::String))),
            ("type", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn storage_block() -> Block {
    Block { attributes: attrs(vec![("size_in_gib", Attribute::required(Type::Number))]), blocks: BTreeMap::new() }
}

pub fn schema() -> Block {
    let fnew = |a: Attribute| a.force_new();
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("arn_without_revision", Attribute::computed(Type::String)),
            ("container_definitions", fnew(Attribute::required(Type::String))),
            ("cpu", fnew(Attribute::optional(Type::String))),
            ("enable_fault_injection", fnew(Attribute::optional_computed(Type::Bool))),
            ("execution_role_arn", fnew(Attribute::optional(Type::String))),
            ("family", fnew(Attribute::required(Type::String))),
            ("id", Attribute::computed(Type::String)),
            ("ipc_mode", fnew(Attribute::optional(Type::String))),
            ("memory", fnew(Attribute::optional(Type::String))),
            ("network_mode", fnew(Attribute::optional_computed(Type::String))),
            ("pid_mode", fnew(Attribute::optional(Type::String))),
            ("requires_compatibilities", fnew(Attribute::optional(Type::set(Type::String)))),
            ("revision", Attribute::computed(Type::Number)),
            ("skip_destroy", Attribute::optional(Type::Bool)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("task_role_arn", fnew(Attribute::optional(Type::String))),
            ("track_latest", Attribute::optional(Type::Bool)),
        ]),
        blocks: BTreeMap::from([
            ("ephemeral_storage".to_string(), single(storage_block())),
            ("placement_constraints".to_string(), set_of(placement_block())),
            ("proxy_configuration".to_string(), single(proxy_block())),
            ("runtime_platform".to_string(), single(runtime_block())),
            ("volume".to_string(), set_of(volume_block())),
        ]),
    }
}

pub fn defaults() -> Vec<(&'static str, Value)> {
    vec![("skip_destroy", Value::bool(false)), ("track_latest", Value::bool(false))]
}

fn err(path: &str, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(vec![PathStep::Attr(path.into())])
}

fn one_of(diags: &mut Vec<ProviderDiagnostic>, config: &Value, name: &str, allowed: &[&str]) {
    if let Some(v) = str_attr(config, name) {
        if !allowed.contains(&v.as_str()) {
            let list = allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ");
            diags.push(err(
                name,
                &format!("Invalid {name}"),
                format!("expected {name} to be one of [{list}], got {v}"),
            ));
        }
    }
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if let Some(text) = str_attr(config, "container_definitions") {
        match defs::to_sdk(&text) {
            Err(e) => diags.push(err("container_definitions", "Invalid container_definitions", e)),
            Ok(list) => {
                for (i, d) in list.iter().enumerate() {
                    if d.name().is_none_or(str::is_empty) || d.image().is_none_or(str::is_empty) {
                        diags.push(err(
                            "container_definitions",
                            "Invalid container_definitions",
                            format!("container_definitions[{i}]: every container needs a \"name\" and an \"image\""),
                        ));
                    }
                }
            }
        }
    }
    if let Some(family) = str_attr(config, "family") {
        if family.is_empty()
            || family.len() > 255
            || !family.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            diags.push(err(
                "family",
                "Invalid family",
                format!("family must be 1-255 letters, numbers, hyphens and underscores, got {family:?}"),
            ));
        }
    }
    one_of(&mut diags, config, "network_mode", &["bridge", "host", "awsvpc", "none"]);
    one_of(&mut diags, config, "ipc_mode", &["host", "none", "task"]);
    one_of(&mut diags, config, "pid_mode", &["host", "task"]);
    for c in strings_of(&attr(config, "requires_compatibilities")) {
        if !["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"].contains(&c.as_str()) {
            diags.push(err(
                "requires_compatibilities",
                "Invalid requires_compatibilities",
                format!("expected requires_compatibilities to be one of [\"EC2\" \"FARGATE\" \"EXTERNAL\" \"MANAGED_INSTANCES\"], got {c}"),
            ));
        }
    }
    if let Some(s) = first(config, "ephemeral_storage") {
        if let Some(n) = int_attr(&s, "size_in_gib") {
            if !(21..=200).contains(&n) {
                diags.push(err(
                    "ephemeral_storage",
                    "Invalid size_in_gib",
                    format!("expected size_in_gib to be in the range (21 - 200), got {n}"),
                ));
            }
        }
    }
    diags
}

fn awsvpc(v: &Value) -> bool {
    str_attr(v, "network_mode").as_deref() == Some("awsvpc")
        || strings_of(&attr(v, "requires_compatibilities")).iter().any(|c| c == "FARGATE")
}

/// The plan: container definitions as the state holds them, the prior
/// text kept when equivalent; a changed nested block replaces.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
    let mut p = plan_volumes(planned);
    // A proxy's `type` defaults to APPMESH.
    if let Some(proxy) = first(&p, "proxy_configuration").filter(|x| attr(x, "type").is_null()) {
        let proxy = with_attr(&proxy, "type", Value::string("APPMESH"));
        p = with_attr(&p, "proxy_configuration", Value::list(proxy_block().implied_type(), vec![proxy]));
    }
    if let Some(text) = str_attr(config, "container_definitions") {
        let before = if prior.is_null() { None } else { str_attr(prior, "container_definitions") };
        let kept = before.filter(|b| defs::equivalent(b, &text, awsvpc(&p) || awsvpc(prior)));
        let value = match kept {
            Some(b) => b,
            None => defs::normalize(&text).unwrap_or(text),
        };
        p = with_attr(&p, "container_definitions", Value::string(value.as_str()));
    }
    let mut replace = Vec::new();
    if !prior.is_null() {
        for name in BLOCKS {
            if !attr(prior, name).unmark_deep().0.raw_equal(&attr(&p, name).unmark_deep().0) {
                replace.push(vec![PathStep::Attr(name.into())]);
            }
        }
    }
    (p, replace)
}

fn efs_of(v: &Value) -> Result<Option<EfsVolumeConfiguration>, ProviderDiagnostic> {
    let Some(efs) = first(v, "efs_volume_configuration") else { return Ok(None) };
    let auth = first(&efs, "authorization_config").map(|a| {
        EfsAuthorizationConfig::builder()
            .set_access_point_id(nonempty(&a, "access_point_id"))
            .set_iam(nonempty(&a, "iam").map(|i| EfsAuthorizationConfigIam::from(i.as_str())))
            .build()
    });
    EfsVolumeConfiguration::builder()
        .set_file_system_id(nonempty(&efs, "file_system_id"))
        .set_root_directory(nonempty(&efs, "root_directory"))
        .set_transit_encryption(nonempty(&efs, "transit_encryption").map(|t| EfsTransitEncryption::from(t.as_str())))
        .set_transit_encryption_port(i32_attr(&efs, "transit_encryption_port"))
        .set_authorization_config(auth)
        .build()
        .map(Some)
        .map_err(|e| ProviderDiagnostic::error("Invalid efs_volume_configuration", e.to_string()))
}

fn some_vec<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

fn volumes_of(planned: &Value) -> Result<Option<Vec<Volume>>, ProviderDiagnostic> {
    let v = items(planned, "volume")
        .iter()
        .map(|v| {
            Ok(Volume::builder()
                .set_name(str_attr(v, "name"))
                .set_host(nonempty(v, "host_path").map(|p| HostVolumeProperties::builder().source_path(p).build()))
                .set_efs_volume_configuration(efs_of(v)?)
                .build())
        })
        .collect::<Result<Vec<Volume>, ProviderDiagnostic>>()?;
    Ok((!v.is_empty()).then_some(v))
}

fn placement_of(planned: &Value) -> Option<Vec<TaskDefinitionPlacementConstraint>> {
    let v: Vec<_> = items(planned, "placement_constraints")
        .iter()
        .map(|c| {
            TaskDefinitionPlacementConstraint::builder()
                .set_type(str_attr(c, "type").map(|t| TaskDefinitionPlacementConstraintType::from(t.as_str())))
                .set_expression(nonempty(c, "expression"))
                .build()
        })
        .collect();
    (!v.is_empty()).then_some(v)
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let family = str_attr(planned, "family").unwrap_or_default();
    let what = format!("creating {WHAT} ({family})");
    let text = str_attr(planned, "container_definitions").unwrap_or_default();
    let containers = defs::to_sdk(&text).map_err(|e| ProviderDiagnostic::error(format!("{what}: {e}"), e.clone()))?;
    let compat: Vec<Compatibility> = strings_of(&attr(planned, "requires_compatibilities"))
        .iter()
        .map(|c| Compatibility::from(c.as_str()))
        .collect();
    let runtime = first(planned, "runtime_platform").map(|r| {
        RuntimePlatform::builder()
            .set_cpu_architecture(nonempty(&r, "cpu_architecture").map(|c| CpuArchitecture::from(c.as_str())))
            .set_operating_system_family(nonempty(&r, "operating_system_family").map(|o| OsFamily::from(o.as_str())))
            .build()
    });
    let storage = first(planned, "ephemeral_storage")
        .map(|s| EphemeralStorage::builder().size_in_gib(i32_attr(&s, "size_in_gib").unwrap_or(0)).build());
    let proxy = first(planned, "proxy_configuration")
        .map(|x| {
            let properties: Vec<KeyValuePair> = map_of(&attr(&x, "properties"))
                .into_iter()
                .map(|(k, v)| KeyValuePair::builder().name(k).value(v).build())
                .collect();
            ProxyConfiguration::builder()
                .set_type(nonempty(&x, "type").map(|t| ProxyConfigurationType::from(t.as_str())))
                .set_container_name(nonempty(&x, "container_name"))
                .set_properties(some_vec(properties))
                .build()
        })
        .transpose()
        .map_err(|e| ProviderDiagnostic::error("Invalid proxy_configuration", e.to_string()))?;
    aws.log_call("ecs:RegisterTaskDefinition");
    let out = aws
        .block(
            aws.ecs
                .register_task_definition()
                .family(&family)
                .set_container_definitions(Some(containers))
                .set_cpu(nonempty(planned, "cpu"))
                .set_memory(nonempty(planned, "memory"))
                .set_network_mode(nonempty(planned, "network_mode").map(|m| NetworkMode::from(m.as_str())))
                .set_execution_role_arn(nonempty(planned, "execution_role_arn"))
                .set_task_role_arn(nonempty(planned, "task_role_arn"))
                .set_ipc_mode(nonempty(planned, "ipc_mode").map(|m| IpcMode::from(m.as_str())))
                .set_pid_mode(nonempty(planned, "pid_mode").map(|m| PidMode::from(m.as_str())))
                .set_requires_compatibilities((!compat.is_empty()).then_some(compat))
                .set_volumes(volumes_of(planned)?)
                .set_placement_constraints(placement_of(planned))
                .set_runtime_platform(runtime)
                .set_ephemeral_storage(storage)
                .set_proxy_configuration(proxy)
                .set_enable_fault_injection(bool_attr(planned, "enable_fault_injection"))
                .set_tags(ecs_tags(&map_of(&attr(planned, "tags_all"))))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let Some(td) = out.task_definition() else {
        return Err(ProviderDiagnostic::error(format!("{what}: empty result"), "ECS returned no task definition"));
    };
    // ECS answers with the tags it stored; an endpoint that leaves them out
    // (moto) is asked again, so the state does not start without them.
    if out.tags().is_empty() && !map_of(&attr(planned, "tags_all")).is_empty() {
        if let Some(arn) = td.task_definition_arn() {
            if let Some((td, tags)) = describe(aws, arn).map_err(|e| e.into_diag(&what))? {
                return to_state(aws, planned, &td, &tags);
            }
        }
    }
    to_state(aws, planned, td, out.tags())
}

/// Only tags, `skip_destroy` and `track_latest` change in place.
pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let arn = str_attr(prior, "arn").unwrap_or_default();
    let what = format!("updating {WHAT} ({arn})");
    update_tags(aws, &arn, prior, planned, &what)?;
    let current = with_attr(planned, "arn", Value::string(arn.as_str()));
    read(aws, &current)?.ok_or_else(|| ProviderDiagnostic::error(format!("{what}: gone"), format!("{arn} is gone")))
}

fn describe(aws: &Aws, id: &str) -> Result<Option<(TaskDefinition, Vec<Tag>)>, AwsError> {
    aws.log_call("ecs:DescribeTaskDefinition");
    match aws
        .block(aws.ecs.describe_task_definition().task_definition(id).include(TaskDefinitionField::Tags).send())
        .map_err(aws_error)
    {
        Ok(out) => Ok(out.task_definition().cloned().map(|td| (td, out.tags().to_vec()))),
        Err(e) if is_gone(&e) || e.code == "ClientException" => Ok(None),
        Err(e) => Err(e),
    }
}

/// The revision to read: the family's latest with `track_latest`, else
/// the state's ARN (an import's id is an ARN).
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let arn = nonempty(current, "arn").unwrap_or_else(|| id.clone());
    let target = if bool_attr(current, "track_latest") == Some(true) {
        nonempty(current, "family").unwrap_or_else(|| id.clone())
    } else {
        arn
    };
    let what = format!("reading {WHAT} ({target})");
    let Some((td, tags)) = describe(aws, &target).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    if td.status() == Some(&TaskDefinitionStatus::Inactive)
        || td.status() == Some(&TaskDefinitionStatus::DeleteInProgress)
    {
        return Ok(None);
    }
    to_state(aws, current, &td, &tags).map(Some)
}

fn to_state(aws: &Aws, current: &Value, td: &TaskDefinition, tags: &[Tag]) -> Result<Value, ProviderDiagnostic> {
    let arn = td.task_definition_arn().unwrap_or_default();
    let family = td.family().unwrap_or_default();
    let text = defs::from_sdk(td.container_definitions())
        .map_err(|e| ProviderDiagnostic::error("Reading container definitions", e))?;
    let network = td.network_mode().map(|m| m.as_str().to_string());
    // The state's text when it means the same (the provider's DiffSuppress).
    let awsvpc = network.as_deref() == Some("awsvpc");
    let text = match str_attr(current, "container_definitions") {
        Some(before) if defs::equivalent(&before, &text, awsvpc) => before,
        _ => text,
    };
    let (tags, tags_all) = read_tags(aws, current, tags);
    let volumes = td
        .volumes()
        .iter()
        .map(|v| {
            let efs: Vec<Value> = v
                .efs_volume_configuration()
                .map(|e| {
                    let auth: Vec<Value> = e
                        .authorization_config()
                        .map(|a| {
                            object(
                                &authorization_block(),
                                [
                                    ("access_point_id", opt_text(a.access_point_id())),
                                    ("iam", opt_text(a.iam().map(|i| i.as_str()))),
                                ],
                            )
                        })
                        .into_iter()
                        .collect();
                    let port = e.transit_encryption_port().map(|p| Value::int(p as i64));
                    object(
                        &efs_block(),
                        [
                            ("file_system_id", Value::string(e.file_system_id())),
                            ("root_directory", opt_text(e.root_directory())),
                            ("transit_encryption", opt_text(e.transit_encryption().map(|t| t.as_str()))),
                            ("transit_encryption_port", port.unwrap_or(Value::null(Type::Number))),
                            ("authorization_config", Value::list(authorization_block().implied_type(), auth)),
                        ],
                    )
                })
                .into_iter()
                .collect();
            object(
                &volume_block(),
                [
                    ("host_path", opt_text(v.host().and_then(|h| h.source_path()))),
                    ("name", opt_text(v.name())),
                    ("efs_volume_configuration", Value::list(efs_block().implied_type(), efs)),
                ],
            )
        })
        .collect();
    let placement = td
        .placement_constraints()
        .iter()
        .map(|c| {
            object(
                &placement_block(),
                [("expression", opt_text(c.expression())), ("type", opt_text(c.r#type().map(|t| t.as_str())))],
            )
        })
        .collect();
    let runtime: Vec<Value> = td
        .runtime_platform()
        .map(|r| {
            object(
                &runtime_block(),
                [
                    ("cpu_architecture", opt_text(r.cpu_architecture().map(|c| c.as_str()))),
                    ("operating_system_family", opt_text(r.operating_system_family().map(|o| o.as_str()))),
                ],
            )
        })
        .into_iter()
        .collect();
    let proxy: Vec<Value> = td
        .proxy_configuration()
        .map(|x| {
            let props: BTreeMap<String, String> = x
                .properties()
                .iter()
                .map(|kv| (kv.name().unwrap_or_default().to_string(), kv.value().unwrap_or_default().to_string()))
                .collect();
            let properties = if props.is_empty()
                && first(current, "proxy_configuration").is_some_and(|c| attr(&c, "properties").is_null())
            {
                Value::null(Type::map(Type::String))
            } else {
                crate::util::string_map(&props)
            };
            object(
                &proxy_block(),
                [
                    ("container_name", Value::string(x.container_name())),
                    ("properties", properties),
                    ("type", opt_text(x.r#type().map(|t| t.as_str()))),
                ],
            )
        })
        .into_iter()
        .collect();
    let storage: Vec<Value> = td
        .ephemeral_storage()
        .map(|s| object(&storage_block(), [("size_in_gib", Value::int(s.size_in_gib() as i64))]))
        .into_iter()
        .collect();
    let compat: Vec<String> = td.requires_compatibilities().iter().map(|c| c.as_str().to_string()).collect();
    let keep = |name: &str| attr(current, name);
    let without_revision = arn.rsplit_once(':').map(|(a, _)| a).unwrap_or(arn);
    Ok(object(
        &schema(),
        [
            ("arn", Value::string(arn)),
            ("arn_without_revision", Value::string(without_revision)),
            ("container_definitions", Value::string(text.as_str())),
            ("cpu", opt_text(td.cpu())),
            ("enable_fault_injection", Value::bool(td.enable_fault_injection().unwrap_or(false))),
            ("execution_role_arn", opt_text(td.execution_role_arn())),
            ("family", Value::string(family)),
            ("id", Value::string(family)),
            ("ipc_mode", opt_text(td.ipc_mode().map(|m| m.as_str()))),
            ("memory", opt_text(td.memory())),
            ("network_mode", opt_text(network.as_deref())),
            ("pid_mode", opt_text(td.pid_mode().map(|m| m.as_str()))),
            (
                "requires_compatibilities",
                if compat.is_empty() && attr(current, "requires_compatibilities").is_null() {
                    Value::null(Type::set(Type::String))
                } else {
                    string_set(compat)
                },
            ),
            ("revision", Value::int(td.revision() as i64)),
            ("skip_destroy", keep("skip_destroy")),
            ("tags", tags),
            ("tags_all", tags_all),
            ("task_role_arn", opt_text(td.task_role_arn())),
            ("track_latest", keep("track_latest")),
            ("ephemeral_storage", Value::list(storage_block().implied_type(), storage)),
            ("placement_constraints", Value::set(placement_block().implied_type(), placement)),
            ("proxy_configuration", Value::list(proxy_block().implied_type(), proxy)),
            ("runtime_platform", Value::list(runtime_block().implied_type(), runtime)),
            ("volume", Value::set(volume_block().implied_type(), volumes)),
        ],
    ))
}

/// Deregisters the revision (ECS keeps it as INACTIVE), unless
/// `skip_destroy`, which only forgets it.
pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    if bool_attr(prior, "skip_destroy") == Some(true) {
        return Ok(());
    }
    let arn = str_attr(prior, "arn").unwrap_or_else(|| crate::id_of(prior));
    aws.log_call("ecs:DeregisterTaskDefinition");
    match aws.block(aws.ecs.deregister_task_definition().task_definition(&arn).send()).map_err(aws_error) {
        Err(e) if !is_gone(&e) => Err(e.into_diag(&format!("deleting {WHAT} ({arn})"))),
        _ => Ok(()),
    }
}

/// The family's newest ACTIVE revisions, newest first.
fn revisions(aws: &Aws, family: &str) -> Result<Vec<String>, AwsError> {
    aws.log_call("ecs:ListTaskDefinitions");
    let out = aws
        .block(
            aws.ecs
                .list_task_definitions()
                .family_prefix(family)
                .status(TaskDefinitionStatus::Active)
                .sort(aws_sdk_ecs::types::SortOrder::Desc)
                .send(),
        )
        .map_err(aws_error)?;
    // A prefix: keep the family's own revisions.
    let own = format!("task-definition/{family}:");
    Ok(out.task_definition_arns().iter().filter(|a| a.contains(&own)).cloned().collect())
}

pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for an ECS Task Definition an interrupted create made";
    let Some(family) = nonempty(planned, "family") else { return Ok(None) };
    for arn in revisions(aws, &family).map_err(|e| e.into_diag(what))?.iter().take(5) {
        let Some((td, tags)) = describe(aws, arn).map_err(|e| e.into_diag(what))? else { continue };
        if has_token(&tags, token) {
            return to_state(aws, planned, &td, &tags).map(Some);
        }
    }
    Ok(None)
}

/// Every family with an ACTIVE revision (its latest revision's tags).
pub fn list(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let what = "listing ECS Task Definitions";
    let mut families = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("ecs:ListTaskDefinitionFamilies");
        let out = aws
            .block(
                aws.ecs
                    .list_task_definition_families()
                    .status(aws_sdk_ecs::types::TaskDefinitionFamilyStatus::Active)
                    .set_next_token(token.clone())
                    .send(),
            )
            .map_err(|e| aws_error(e).into_diag(what))?;
        families.extend(out.families().iter().cloned());
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    let mut objects = Vec::new();
    for family in families {
        let Some((_, tags)) = describe(aws, &family).map_err(|e| e.into_diag(what))? else { continue };
        objects.push(ListedObject { id: family, tags: tag_pairs(&tags).into_iter().collect() });
    }
    Ok(objects)
}
