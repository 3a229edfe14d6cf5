//! `aws_lambda_function` (id = the function's name, imported by it).
//!
//! Create is CreateFunction (retried while IAM has not yet propagated the
//! role), PutFunctionConcurrency, then a wait for State Active. Update
//! follows the provider's order: UpdateFunctionConfiguration, a wait for
//! LastUpdateStatus Successful, UpdateFunctionCode (publishing when
//! `publish`), the concurrency, and PublishVersion when only the
//! configuration changed. `source_code_hash` is read back from CodeSha256;
//! `version` and `qualified_arn` are the last version
//! ListVersionsByFunction gives (`$LATEST` while none is published).
//!
//! moto reports no DeadLetterConfig or LoggingConfig, and its
//! UpdateFunctionConfiguration ignores them (and tracing, ephemeral
//! storage, KMS key): what was known for them stays known, and a
//! function AWS reports no logging configuration for gets AWS's default.

use super::{at, changed, first, invoke_arn, is_gone, poll};
use crate::client::{aws_error, Aws, AwsError};
use crate::tags;
use crate::util::{attr, attrs, bool_attr, i32_attr, int_attr, map_of, nonempty, object, single, str_attr};
use crate::util::{string_list, strings_of, with_attr};
use aws_sdk_lambda::types::{
    Architecture, DeadLetterConfig, Environment, EphemeralStorage, FunctionCode, FunctionConfiguration,
    LastUpdateStatus, LoggingConfig, PackageType, Runtime, State, TracingConfig, TracingMode, VpcConfig,
};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, ListedObject, Nesting, PathStep, ProviderDiagnostic};

const WHAT: &str = "Lambda Function";

/// How long IAM may take to let Lambda assume a new role (the provider's
/// propagation timeout).
const PROPAGATION: Duration = Duration::from_secs(120);

/// The arguments whose change is a code update (the provider's
/// `needsFunctionCodeUpdate`).
const CODE: [&str; 7] =
    ["filename", "source_code_hash", "s3_bucket", "s3_key", "s3_object_version", "image_uri", "architectures"];

/// The arguments UpdateFunctionConfiguration sends (`hasConfigChanges`).
const CONFIGURATION: [&str; 16] = [
    "file_system_config",
    "image_config",
    "snap_start",
    "description",
    "handler",
    "memory_size",
    "role",
    "timeout",
    "kms_key_arn",
    "layers",
    "dead_letter_config",
    "tracing_config",
    "vpc_config",
    "runtime",
    "environment",
    "ephemeral_storage",
];

fn vpc_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("ipv6_allowed_for_dual_stack", Attribute::optional(Type::Bool)),
            ("security_group_ids", Attribute::required(Type::set(Type::String))),
            ("subnet_ids", Attribute::required(Type::set(Type::String))),
            ("vpc_id", Attribute::computed(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn logging_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("application_log_level", Attribute::optional(Type::String)),
            ("log_format", Attribute::required(Type::String)),
            ("log_group", Attribute::optional_computed(Type::String)),
            ("system_log_level", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn file_system_block() -> Block {
    block(vec![("arn", Attribute::required(Type::String)), ("local_mount_path", Attribute::required(Type::String))])
}

fn image_block() -> Block {
    block(vec![
        ("command", Attribute::optional(Type::list(Type::String))),
        ("entry_point", Attribute::optional(Type::list(Type::String))),
        ("working_directory", Attribute::optional(Type::String)),
    ])
}

fn snap_start_block() -> Block {
    block(vec![
        ("apply_on", Attribute::required(Type::String)),
        ("optimization_status", Attribute::computed(Type::String)),
    ])
}

fn block(list: Vec<(&str, Attribute)>) -> Block {
    Block { attributes: attrs(list), blocks: BTreeMap::new() }
}

pub fn schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("architectures", Attribute::optional_computed(Type::list(Type::String))),
            ("arn", Attribute::computed(Type::String)),
            ("code_sha256", Attribute::computed(Type::String)),
            ("code_signing_config_arn", Attribute::optional(Type::String)),
            ("description", Attribute::optional(Type::String)),
            ("filename", Attribute::optional(Type::String)),
            ("function_name", Attribute::required(Type::String).force_new()),
            ("handler", Attribute::optional(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("image_uri", Attribute::optional(Type::String)),
            ("invoke_arn", Attribute::computed(Type::String)),
            ("kms_key_arn", Attribute::optional(Type::String)),
            ("last_modified", Attribute::computed(Type::String)),
            ("layers", Attribute::optional(Type::list(Type::String))),
            ("memory_size", Attribute::optional(Type::Number)),
            ("package_type", Attribute::optional(Type::String).force_new()),
            ("publish", Attribute::optional(Type::Bool)),
            ("qualified_arn", Attribute::computed(Type::String)),
            ("qualified_invoke_arn", Attribute::computed(Type::String)),
            ("replace_security_groups_on_destroy", Attribute::optional(Type::Bool)),
            ("replacement_security_group_ids", Attribute::optional(Type::set(Type::String))),
            ("reserved_concurrent_executions", Attribute::optional(Type::Number)),
            ("role", Attribute::required(Type::String)),
            ("runtime", Attribute::optional(Type::String)),
            ("s3_bucket", Attribute::optional(Type::String)),
            ("s3_key", Attribute::optional(Type::String)),
            ("s3_object_version", Attribute::optional(Type::String)),
            ("signing_job_arn", Attribute::computed(Type::String)),
            ("signing_profile_version_arn", Attribute::computed(Type::String)),
            ("skip_destroy", Attribute::optional(Type::Bool)),
            ("source_code_hash", Attribute::optional_computed(Type::String)),
            ("source_code_size", Attribute::computed(Type::Number)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("timeout", Attribute::optional(Type::Number)),
            ("version", Attribute::computed(Type::String)),
        ]),
        // tracing_config, ephemeral_storage and logging_config are optional
        // and computed: AWS reports them when left out (see `plan`).
        blocks: BTreeMap::from([
            ("dead_letter_config".to_string(), single(block(vec![("target_arn", Attribute::required(Type::String))]))),
            (
                "environment".to_string(),
                single(block(vec![("variables", Attribute::optional(Type::map(Type::String)))])),
            ),
            (
                "ephemeral_storage".to_string(),
                single(block(vec![("size", Attribute::optional_computed(Type::Number))])),
            ),
            ("file_system_config".to_string(), single(file_system_block())),
            ("image_config".to_string(), single(image_block())),
            ("logging_config".to_string(), single(logging_block())),
            ("snap_start".to_string(), single(snap_start_block())),
            ("tracing_config".to_string(), single(block(vec![("mode", Attribute::required(Type::String))]))),
            ("vpc_config".to_string(), single(vpc_block())),
        ]),
    }
}

pub fn defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("memory_size", Value::int(128)),
        ("package_type", Value::string("Zip")),
        ("publish", Value::bool(false)),
        ("reserved_concurrent_executions", Value::int(-1)),
        ("skip_destroy", Value::bool(false)),
        ("timeout", Value::int(3)),
    ]
}

/// A string attribute checked against the allowed `values`.
fn one_of(diags: &mut Vec<ProviderDiagnostic>, v: &Value, name: &str, path: &str, values: &[&str]) {
    let Some(s) = str_attr(v, name) else { return };
    if !values.contains(&s.as_str()) {
        let list = values.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(" ");
        diags.push(at(path, &format!("Invalid {path}"), format!("expected {path} to be one of [{list}], got {s}")));
    }
}

fn between(diags: &mut Vec<ProviderDiagnostic>, v: &Value, name: &str, path: &str, min: i64, max: i64) {
    let raw = attr(v, name);
    if !raw.is_known() || raw.is_null() {
        return;
    }
    match int_attr(v, name) {
        Some(n) if (min..=max).contains(&n) => {}
        Some(n) => diags.push(at(
            path,
            &format!("Invalid {path}"),
            format!("expected {path} to be in the range ({min} - {max}), got {n}"),
        )),
        None => diags.push(at(path, &format!("Invalid {path}"), format!("expected {path} to be a whole number"))),
    }
}

/// The provider's checks at validate.
pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    let sources = ["filename", "image_uri", "s3_bucket"];
    let set: Vec<&str> = sources.iter().copied().filter(|s| !attr(config, s).is_null()).collect();
    let all_known = sources.iter().all(|s| attr(config, s).is_known());
    if set.len() > 1 {
        diags.push(at(
            set[0],
            "Invalid combination of arguments",
            format!(
                "\"{}\": only one of `filename,image_uri,s3_bucket` can be specified, but `{}` were specified.",
                set[0],
                set.join(",")
            ),
        ));
    } else if set.is_empty() && all_known {
        diags.push(at(
            "filename",
            "Invalid combination of arguments",
            "\"filename\": one of `filename,image_uri,s3_bucket` must be specified",
        ));
    }
    for (name, needs) in [("s3_key", "s3_bucket"), ("s3_object_version", "s3_bucket"), ("s3_bucket", "s3_key")] {
        if !attr(config, name).is_null() && attr(config, needs).is_null() && attr(config, needs).is_known() {
            diags.push(at(
                name,
                "Missing required argument",
                format!("\"{name}\": all of `s3_bucket,s3_key` must be specified"),
            ));
        }
    }
    if let Some(name) = str_attr(config, "function_name") {
        let ok = !name.is_empty()
            && name.len() <= 140
            && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_:".contains(c));
        if !ok {
            diags.push(at(
                "function_name",
                "Invalid function_name",
                format!("{name:?} must be 1 to 64 letters, numbers, hyphens or underscores (or a function ARN)"),
            ));
        }
    }
    let runtimes: Vec<&str> = Runtime::values().to_vec();
    one_of(&mut diags, config, "runtime", "runtime", &runtimes);
    one_of(&mut diags, config, "package_type", "package_type", &["Zip", "Image"]);
    between(&mut diags, config, "memory_size", "memory_size", 128, 10240);
    between(&mut diags, config, "timeout", "timeout", 1, 900);
    between(&mut diags, config, "reserved_concurrent_executions", "reserved_concurrent_executions", -1, i64::MAX);
    for arch in strings_of(&attr(config, "architectures")) {
        if !["x86_64", "arm64"].contains(&arch.as_str()) {
            diags.push(at(
                "architectures",
                "Invalid architectures",
                format!("expected architectures.0 to be one of [\"x86_64\" \"arm64\"], got {arch}"),
            ));
        }
    }
    if strings_of(&attr(config, "architectures")).len() > 1 {
        diags.push(at("architectures", "Too many architectures", "Attribute supports 1 item maximum"));
    }
    if strings_of(&attr(config, "layers")).len() > 5 {
        diags.push(at("layers", "Too many layers", "Attribute supports 5 item maximum"));
    }
    if str_attr(config, "description").is_some_and(|d| d.chars().count() > 256) {
        diags.push(at(
            "description",
            "Invalid description",
            "expected length of description to be in the range (0 - 256)",
        ));
    }
    if let Some(t) = first(config, "tracing_config") {
        one_of(&mut diags, &t, "mode", "tracing_config.0.mode", &["Active", "PassThrough"]);
    }
    if let Some(e) = first(config, "ephemeral_storage") {
        between(&mut diags, &e, "size", "ephemeral_storage.0.size", 512, 10240);
    }
    if let Some(l) = first(config, "logging_config") {
        one_of(&mut diags, &l, "log_format", "logging_config.0.log_format", &["JSON", "Text"]);
        let app = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
        one_of(&mut diags, &l, "application_log_level", "logging_config.0.application_log_level", &app);
        one_of(&mut diags, &l, "system_log_level", "logging_config.0.system_log_level", &["DEBUG", "INFO", "WARN"]);
    }
    diags
}

fn path(name: &str) -> AttributePath {
    vec![PathStep::Attr(name.into())]
}

/// The plan: the provider's CustomizeDiff. A code change makes
/// `last_modified` (and the hashes and size when the hash is not given)
/// unknown; a configuration change `last_modified`; with `publish`, any
/// change makes `version` and the qualified ARNs unknown.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
    let mut p = planned.clone();
    let unknown = |p: &mut Value, name: &str, ty: Type| *p = with_attr(p, name, Value::unknown(ty));
    let schema = schema();
    for name in ["tracing_config", "ephemeral_storage", "logging_config"] {
        let b = &schema.blocks[name].block;
        p = with_attr(&p, name, crate::util::plan_computed_block(&p, config, prior, name, b, &[]));
    }
    let vpc = crate::util::complete_items(&attr(&p, "vpc_config"), &vpc_block(), Nesting::List, "", &[]);
    p = with_attr(&p, "vpc_config", vpc);
    let image = crate::util::complete_items(&attr(&p, "image_config"), &image_block(), Nesting::List, "", &[]);
    p = with_attr(&p, "image_config", image);
    if let Some(item) = first(&p, "snap_start").filter(|i| attr(i, "optimization_status").is_null()) {
        let before = first(prior, "snap_start").filter(|b| !changed(b, &item, "apply_on"));
        let status = before.map_or_else(|| Value::unknown(Type::String), |b| attr(&b, "optimization_status"));
        let item = with_attr(&item, "optimization_status", status);
        p = with_attr(&p, "snap_start", Value::list(snap_start_block().implied_type(), vec![item]));
    }
    if prior.is_null() || changed(prior, &p, "vpc_config") {
        p = plan_vpc_id(&p, prior);
    }
    if prior.is_null() {
        if attr(config, "architectures").is_null() {
            unknown(&mut p, "architectures", Type::list(Type::String));
        }
        return (p, Vec::new());
    }
    // function_name and package_type are ForceNew in the schema.
    let replace = Vec::new();
    if attr(config, "architectures").is_null() {
        p = with_attr(&p, "architectures", attr(prior, "architectures"));
    }
    let code_changed = CODE.iter().any(|n| changed(prior, &p, n));
    let config_changed = CONFIGURATION.iter().any(|n| changed(prior, &p, n)) || logging_changed(prior, &p, config);
    if code_changed {
        unknown(&mut p, "code_sha256", Type::String);
        unknown(&mut p, "source_code_size", Type::Number);
        if attr(config, "source_code_hash").is_null() {
            unknown(&mut p, "source_code_hash", Type::String);
        }
    }
    if code_changed || config_changed {
        unknown(&mut p, "last_modified", Type::String);
    }
    let publish = bool_attr(&p, "publish") == Some(true);
    if publish && (code_changed || config_changed || changed(prior, &p, "publish")) {
        unknown(&mut p, "version", Type::String);
        unknown(&mut p, "qualified_arn", Type::String);
        unknown(&mut p, "qualified_invoke_arn", Type::String);
    }
    (p, replace)
}

/// `logging_config` left out keeps what AWS reported; written, its computed
/// `log_group` keeps the prior value where not given.
fn logging_changed(prior: &Value, planned: &Value, config: &Value) -> bool {
    first(config, "logging_config").is_some() && changed(prior, planned, "logging_config")
}

/// A changed VPC configuration's `vpc_id` is known only after apply.
fn plan_vpc_id(p: &Value, prior: &Value) -> Value {
    let Some(item) = first(p, "vpc_config") else { return p.clone() };
    if let Some(before) = first(prior, "vpc_config").filter(|b| !changed(b, &item, "subnet_ids")) {
        let item = with_attr(&item, "vpc_id", attr(&before, "vpc_id"));
        return with_attr(p, "vpc_config", Value::list(vpc_block().implied_type(), vec![item]));
    }
    let item = with_attr(&item, "vpc_id", Value::unknown(Type::String));
    with_attr(p, "vpc_config", Value::list(vpc_block().implied_type(), vec![item]))
}

fn runtime_of(v: &Value) -> Option<Runtime> {
    nonempty(v, "runtime").map(|r| Runtime::from(r.as_str()))
}

fn architectures_of(v: &Value) -> Option<Vec<Architecture>> {
    let a: Vec<Architecture> =
        strings_of(&attr(v, "architectures")).iter().map(|s| Architecture::from(s.as_str())).collect();
    (!a.is_empty()).then_some(a)
}

fn environment_of(v: &Value) -> Environment {
    let vars: HashMap<String, String> =
        first(v, "environment").map(|e| map_of(&attr(&e, "variables")).into_iter().collect()).unwrap_or_default();
    Environment::builder().set_variables(Some(vars)).build()
}

fn vpc_of(v: &Value) -> VpcConfig {
    match first(v, "vpc_config") {
        Some(b) => VpcConfig::builder()
            .set_subnet_ids(Some(strings_of(&attr(&b, "subnet_ids"))))
            .set_security_group_ids(Some(strings_of(&attr(&b, "security_group_ids"))))
            .set_ipv6_allowed_for_dual_stack(bool_attr(&b, "ipv6_allowed_for_dual_stack"))
            .build(),
        // An empty configuration detaches the function from its VPC.
        None => VpcConfig::builder().set_subnet_ids(Some(Vec::new())).set_security_group_ids(Some(Vec::new())).build(),
    }
}

fn dead_letter_of(v: &Value) -> DeadLetterConfig {
    // An empty target removes the queue.
    let target = first(v, "dead_letter_config").and_then(|b| nonempty(&b, "target_arn")).unwrap_or_default();
    DeadLetterConfig::builder().target_arn(target).build()
}

fn tracing_of(v: &Value) -> Option<TracingConfig> {
    let mode = first(v, "tracing_config").and_then(|b| nonempty(&b, "mode"))?;
    Some(TracingConfig::builder().mode(TracingMode::from(mode.as_str())).build())
}

fn ephemeral_of(v: &Value) -> Option<EphemeralStorage> {
    let size = first(v, "ephemeral_storage").and_then(|b| i32_attr(&b, "size"))?;
    EphemeralStorage::builder().size(size).build().ok()
}

fn logging_of(v: &Value) -> Option<LoggingConfig> {
    use aws_sdk_lambda::types::{ApplicationLogLevel, LogFormat, SystemLogLevel};
    let b = first(v, "logging_config")?;
    Some(
        LoggingConfig::builder()
            .set_log_format(nonempty(&b, "log_format").map(|s| LogFormat::from(s.as_str())))
            .set_application_log_level(
                nonempty(&b, "application_log_level").map(|s| ApplicationLogLevel::from(s.as_str())),
            )
            .set_system_log_level(nonempty(&b, "system_log_level").map(|s| SystemLogLevel::from(s.as_str())))
            .set_log_group(nonempty(&b, "log_group"))
            .build(),
    )
}

fn file_systems_of(v: &Value) -> Vec<aws_sdk_lambda::types::FileSystemConfig> {
    crate::util::items(&attr(v, "file_system_config").unmark_deep().0)
        .iter()
        .filter_map(|b| {
            aws_sdk_lambda::types::FileSystemConfig::builder()
                .arn(str_attr(b, "arn").unwrap_or_default())
                .local_mount_path(str_attr(b, "local_mount_path").unwrap_or_default())
                .build()
                .ok()
        })
        .collect()
}

fn image_config_of(v: &Value) -> Option<aws_sdk_lambda::types::ImageConfig> {
    let b = first(v, "image_config")?;
    Some(
        aws_sdk_lambda::types::ImageConfig::builder()
            .set_command(Some(strings_of(&attr(&b, "command"))).filter(|c| !c.is_empty()))
            .set_entry_point(Some(strings_of(&attr(&b, "entry_point"))).filter(|c| !c.is_empty()))
            .set_working_directory(nonempty(&b, "working_directory"))
            .build(),
    )
}

/// SnapStart as sent: `None` when the block is left out.
fn snap_start_of(v: &Value) -> aws_sdk_lambda::types::SnapStart {
    let on = first(v, "snap_start").and_then(|b| nonempty(&b, "apply_on")).unwrap_or_else(|| "None".into());
    aws_sdk_lambda::types::SnapStart::builder()
        .apply_on(aws_sdk_lambda::types::SnapStartApplyOn::from(on.as_str()))
        .build()
}

/// The deployment package: the file's bytes, the S3 object, or the image.
fn code_of(v: &Value) -> Result<FunctionCode, ProviderDiagnostic> {
    let mut code = FunctionCode::builder();
    if let Some(file) = nonempty(v, "filename") {
        let bytes = std::fs::read(&file).map_err(|e| {
            ProviderDiagnostic::error(
                "reading Lambda Function deployment package",
                format!("unable to load {file:?}: {e}"),
            )
            .at(path("filename"))
        })?;
        code = code.zip_file(aws_sdk_lambda::primitives::Blob::new(bytes));
    } else if let Some(image) = nonempty(v, "image_uri") {
        code = code.image_uri(image);
    } else {
        code = code
            .set_s3_bucket(nonempty(v, "s3_bucket"))
            .set_s3_key(nonempty(v, "s3_key"))
            .set_s3_object_version(nonempty(v, "s3_object_version"));
    }
    Ok(code.build())
}

/// Errors CreateFunction returns while what it names has not propagated.
fn is_propagating(e: &AwsError) -> bool {
    e.code == "InvalidParameterValueException"
        && [
            "The role defined for the function cannot be assumed by Lambda",
            "The provided execution role does not have permissions",
            "Your request has been throttled by EC2",
            "Lambda was unable to configure access to your environment variables because the KMS key is invalid",
            "Lambda was unable to configure your environment variables because the KMS key is invalid",
        ]
        .iter()
        .any(|m| e.message.contains(m))
        || e.code == "ResourceConflictException" && e.message.contains("in progress")
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = str_attr(planned, "function_name").unwrap_or_default();
    let what = format!("creating {WHAT} ({name})");
    let code = code_of(planned)?;
    let all_tags: HashMap<String, String> = map_of(&attr(planned, "tags_all")).into_iter().collect();
    let env = first(planned, "environment").map(|_| environment_of(planned));
    let vpc = first(planned, "vpc_config").map(|_| vpc_of(planned));
    let dlq = first(planned, "dead_letter_config").map(|_| dead_letter_of(planned));
    aws.log_call("lambda:CreateFunction");
    aws.retry(PROPAGATION, is_propagating, || {
        aws.block(
            aws.lambda
                .create_function()
                .function_name(&name)
                .role(str_attr(planned, "role").unwrap_or_default())
                .code(code.clone())
                .set_handler(nonempty(planned, "handler"))
                .set_runtime(runtime_of(planned))
                .set_package_type(nonempty(planned, "package_type").map(|p| PackageType::from(p.as_str())))
                .set_memory_size(i32_attr(planned, "memory_size"))
                .set_timeout(i32_attr(planned, "timeout"))
                .set_publish(bool_attr(planned, "publish"))
                .set_description(nonempty(planned, "description"))
                .set_architectures(architectures_of(planned))
                .set_layers(Some(strings_of(&attr(planned, "layers"))).filter(|l| !l.is_empty()))
                .set_environment(env.clone())
                .set_vpc_config(vpc.clone())
                .set_dead_letter_config(dlq.clone())
                .set_tracing_config(tracing_of(planned))
                .set_ephemeral_storage(ephemeral_of(planned))
                .set_logging_config(logging_of(planned))
                .set_file_system_configs(Some(file_systems_of(planned)).filter(|f| !f.is_empty()))
                .set_image_config(image_config_of(planned))
                .set_snap_start(first(planned, "snap_start").map(|_| snap_start_of(planned)))
                .set_kms_key_arn(nonempty(planned, "kms_key_arn"))
                .set_code_signing_config_arn(nonempty(planned, "code_signing_config_arn"))
                .set_tags(Some(all_tags.clone()).filter(|t| !t.is_empty()))
                .send(),
        )
        .map(|_| ())
        .map_err(aws_error)
    })
    .map_err(|e| e.into_diag(&what))?;
    let stub = with_attr(planned, "id", Value::string(name.as_str()));
    // From here on the function exists: a failure returns it with the error.
    let finish = || -> Result<(), ProviderDiagnostic> {
        if let Some(n) = int_attr(planned, "reserved_concurrent_executions").filter(|n| *n >= 0) {
            put_concurrency(aws, &name, n).map_err(|e| e.into_diag(&format!("setting {WHAT} ({name}) concurrency")))?;
        }
        wait_active(aws, &name)
    };
    finish()?;
    read_after_write(aws, &stub)
}

fn put_concurrency(aws: &Aws, name: &str, n: i64) -> Result<(), AwsError> {
    aws.log_call("lambda:PutFunctionConcurrency");
    let n = i32::try_from(n).unwrap_or(i32::MAX);
    aws.block(aws.lambda.put_function_concurrency().function_name(name).reserved_concurrent_executions(n).send())
        .map(|_| ())
        .map_err(aws_error)
}

fn get_configuration(aws: &Aws, name: &str, what: &str) -> Result<FunctionConfiguration, ProviderDiagnostic> {
    aws.log_call("lambda:GetFunctionConfiguration");
    aws.block(aws.lambda.get_function_configuration().function_name(name).send())
        .map(|o| {
            FunctionConfiguration::builder()
                .set_state(o.state().cloned())
                .set_state_reason(o.state_reason().map(String::from))
                .set_last_update_status(o.last_update_status().cloned())
                .set_last_update_status_reason(o.last_update_status_reason().map(String::from))
                .build()
        })
        .map_err(|e| aws_error(e).into_diag(what))
}

/// Polls until the function is Active (a Failed state is an error).
fn wait_active(aws: &Aws, name: &str) -> Result<(), ProviderDiagnostic> {
    let what = format!("{WHAT} ({name}) create");
    poll(aws, Duration::from_secs(600), &what, || {
        let c = get_configuration(aws, name, &format!("waiting for {what}"))?;
        match c.state() {
            Some(State::Active) | None => Ok(Some(())),
            Some(State::Failed) => Err(ProviderDiagnostic::error(
                format!("waiting for {what}: Failed"),
                format!("waiting for {what}: Failed: {}", c.state_reason().unwrap_or_default()),
            )),
            _ => Ok(None),
        }
    })
}

/// Polls until the last update has succeeded (a Failed one is an error).
fn wait_updated(aws: &Aws, name: &str) -> Result<(), ProviderDiagnostic> {
    let what = format!("{WHAT} ({name}) update");
    poll(aws, Duration::from_secs(600), &what, || {
        let c = get_configuration(aws, name, &format!("waiting for {what}"))?;
        match c.last_update_status() {
            Some(LastUpdateStatus::Successful) | None => Ok(Some(())),
            Some(LastUpdateStatus::Failed) => Err(ProviderDiagnostic::error(
                format!("waiting for {what}: Failed"),
                format!("waiting for {what}: Failed: {}", c.last_update_status_reason().unwrap_or_default()),
            )),
            _ => Ok(None),
        }
    })
}

fn read_after_write(aws: &Aws, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(current);
    read(aws, current)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{WHAT} not found after change"), format!("{WHAT} ({id}) was not found."))
    })
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("updating {WHAT} ({name})");
    let config_changed =
        CONFIGURATION.iter().any(|n| changed(prior, planned, n)) || changed(prior, planned, "logging_config");
    let code_changed = CODE.iter().any(|n| changed(prior, planned, n));
    let publish = bool_attr(planned, "publish") == Some(true);
    if config_changed {
        aws.log_call("lambda:UpdateFunctionConfiguration");
        let req = aws
            .lambda
            .update_function_configuration()
            .function_name(&name)
            .role(str_attr(planned, "role").unwrap_or_default())
            .handler(str_attr(planned, "handler").unwrap_or_default())
            .set_runtime(runtime_of(planned))
            .description(str_attr(planned, "description").unwrap_or_default())
            .set_memory_size(i32_attr(planned, "memory_size"))
            .set_timeout(i32_attr(planned, "timeout"))
            .set_layers(Some(strings_of(&attr(planned, "layers"))))
            .environment(environment_of(planned))
            .set_vpc_config((changed(prior, planned, "vpc_config")).then(|| vpc_of(planned)))
            .set_dead_letter_config(changed(prior, planned, "dead_letter_config").then(|| dead_letter_of(planned)))
            .set_tracing_config(tracing_of(planned))
            .set_ephemeral_storage(ephemeral_of(planned))
            .set_logging_config(logging_of(planned))
            .set_file_system_configs(changed(prior, planned, "file_system_config").then(|| file_systems_of(planned)))
            .set_image_config(changed(prior, planned, "image_config").then(|| {
                image_config_of(planned).unwrap_or_else(|| aws_sdk_lambda::types::ImageConfig::builder().build())
            }))
            .set_snap_start(changed(prior, planned, "snap_start").then(|| snap_start_of(planned)))
            .kms_key_arn(str_attr(planned, "kms_key_arn").unwrap_or_default());
        aws.retry(PROPAGATION, is_propagating, || aws.block(req.clone().send()).map(|_| ()).map_err(aws_error))
            .map_err(|e| e.into_diag(&what))?;
        wait_updated(aws, &name)?;
    }
    if code_changed {
        let code = code_of(planned)?;
        aws.log_call("lambda:UpdateFunctionCode");
        aws.block(
            aws.lambda
                .update_function_code()
                .function_name(&name)
                .set_zip_file(code.zip_file().cloned())
                .set_s3_bucket(code.s3_bucket().map(String::from))
                .set_s3_key(code.s3_key().map(String::from))
                .set_s3_object_version(code.s3_object_version().map(String::from))
                .set_image_uri(code.image_uri().map(String::from))
                .set_architectures(architectures_of(planned))
                .publish(publish)
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&format!("updating {WHAT} ({name}) code")))?;
        wait_updated(aws, &name)?;
    }
    if changed(prior, planned, "reserved_concurrent_executions") {
        match int_attr(planned, "reserved_concurrent_executions").filter(|n| *n >= 0) {
            Some(n) => put_concurrency(aws, &name, n).map_err(|e| e.into_diag(&what))?,
            None => {
                aws.log_call("lambda:DeleteFunctionConcurrency");
                aws.block(aws.lambda.delete_function_concurrency().function_name(&name).send())
                    .map_err(|e| aws_error(e).into_diag(&what))?;
            }
        }
    }
    // UpdateFunctionCode published already when the code changed.
    if publish && !code_changed && (config_changed || changed(prior, planned, "publish")) {
        aws.log_call("lambda:PublishVersion");
        aws.block(aws.lambda.publish_version().function_name(&name).send())
            .map_err(|e| aws_error(e).into_diag(&format!("publishing {WHAT} ({name}) version")))?;
    }
    let arn = str_attr(prior, "arn").unwrap_or_default();
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("lambda:UntagResource");
        aws.block(aws.lambda.untag_resource().resource(&arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    if !set.is_empty() {
        aws.log_call("lambda:TagResource");
        aws.block(aws.lambda.tag_resource().resource(&arn).set_tags(Some(set.into_iter().collect())).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_after_write(aws, planned)
}

/// The last version ListVersionsByFunction gives: (version, its ARN).
fn latest_version(aws: &Aws, name: &str, what: &str) -> Result<Option<(String, String)>, ProviderDiagnostic> {
    let mut marker: Option<String> = None;
    let mut last = None;
    for _ in 0..1000 {
        aws.log_call("lambda:ListVersionsByFunction");
        let out = aws
            .block(aws.lambda.list_versions_by_function().function_name(name).set_marker(marker.clone()).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
        if let Some(v) = out.versions().last() {
            last =
                Some((v.version().unwrap_or("$LATEST").to_string(), v.function_arn().unwrap_or_default().to_string()));
        }
        match out.next_marker().filter(|m| !m.is_empty()) {
            Some(m) => marker = Some(m.to_string()),
            None => break,
        }
    }
    Ok(last)
}

fn list_value(block: &Block, item: Option<Value>) -> Value {
    Value::list(block.implied_type(), item.into_iter().collect())
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = crate::id_of(current);
    let what = format!("reading {WHAT} ({name})");
    aws.log_call("lambda:GetFunction");
    let out = match aws.block(aws.lambda.get_function().function_name(&name).send()).map_err(aws_error) {
        Ok(out) => out,
        Err(e) if is_gone(&e) => return Ok(None),
        Err(e) => return Err(e.into_diag(&what)),
    };
    let Some(c) = out.configuration() else { return Ok(None) };
    let schema = schema();
    let arn = c.function_arn().unwrap_or_default().to_string();
    let (version, qualified) =
        latest_version(aws, &name, &what)?.unwrap_or_else(|| ("$LATEST".to_string(), format!("{arn}:$LATEST")));
    // moto's $LATEST entry carries no qualifier on a published function's ARN.
    let qualified =
        if version == "$LATEST" && !qualified.ends_with(":$LATEST") { format!("{arn}:$LATEST") } else { qualified };
    let remote_tags: Vec<(String, String)> =
        out.tags().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote_tags);
    let concurrency = out.concurrency().and_then(|c| c.reserved_concurrent_executions()).map_or(-1, i64::from);
    let block_of = |n: &str| schema.blocks[n].block.clone();

    let env = c.environment().and_then(|e| e.variables()).filter(|v| !v.is_empty()).map(|vars| {
        let vars: BTreeMap<String, String> = vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        object(&block_of("environment"), [("variables", crate::util::string_map(&vars))])
    });
    let vpc = c.vpc_config().filter(|v| !v.subnet_ids().is_empty() || !v.security_group_ids().is_empty()).map(|v| {
        let set =
            |items: &[String]| Value::set(Type::String, items.iter().map(|s| Value::string(s.as_str())).collect());
        object(
            &vpc_block(),
            [
                ("ipv6_allowed_for_dual_stack", Value::bool(v.ipv6_allowed_for_dual_stack().unwrap_or(false))),
                ("security_group_ids", set(v.security_group_ids())),
                ("subnet_ids", set(v.subnet_ids())),
                ("vpc_id", Value::string(v.vpc_id().unwrap_or_default())),
            ],
        )
    });
    let dead_letter = match c.dead_letter_config().and_then(|d| d.target_arn()).filter(|t| !t.is_empty()) {
        Some(t) => list_value(
            &block_of("dead_letter_config"),
            Some(object(&block_of("dead_letter_config"), [("target_arn", Value::string(t))])),
        ),
        // moto does not report it: what was known stays.
        None => known_block(current, "dead_letter_config", &block_of("dead_letter_config")),
    };
    let tracing = c
        .tracing_config()
        .and_then(|t| t.mode())
        .map(|m| object(&block_of("tracing_config"), [("mode", Value::string(m.as_str()))]));
    let ephemeral = c
        .ephemeral_storage()
        .map(|e| object(&block_of("ephemeral_storage"), [("size", Value::int(i64::from(e.size())))]));
    let logging = match c.logging_config() {
        Some(l) => list_value(
            &logging_block(),
            Some(object(
                &logging_block(),
                [
                    (
                        "application_log_level",
                        Value::string(l.application_log_level().map(|x| x.as_str()).unwrap_or_default()),
                    ),
                    ("log_format", Value::string(l.log_format().map(|x| x.as_str()).unwrap_or("Text"))),
                    ("log_group", Value::string(l.log_group().unwrap_or_default())),
                    ("system_log_level", Value::string(l.system_log_level().map(|x| x.as_str()).unwrap_or_default())),
                ],
            )),
        ),
        // moto reports none: what was written stays, its log group AWS's default.
        None => {
            let written = attr(current, "logging_config").unmark_deep().0;
            if written.as_seq().is_some_and(|s| !s.is_empty()) {
                complete_log_group(&written, &name)
            } else {
                default_logging(&name)
            }
        }
    };
    let file_systems: Vec<Value> = if c.file_system_configs().is_empty() {
        crate::util::items(&known_block(current, "file_system_config", &file_system_block()))
    } else {
        c.file_system_configs()
            .iter()
            .map(|f| {
                object(
                    &file_system_block(),
                    [("arn", Value::string(f.arn())), ("local_mount_path", Value::string(f.local_mount_path()))],
                )
            })
            .collect()
    };
    let image: Vec<Value> = c
        .image_config_response()
        .and_then(|r| r.image_config())
        .map(|i| {
            object(
                &image_block(),
                [
                    ("command", string_list(i.command().iter().cloned())),
                    ("entry_point", string_list(i.entry_point().iter().cloned())),
                    ("working_directory", Value::string(i.working_directory().unwrap_or_default())),
                ],
            )
        })
        .filter(|_| first(current, "image_config").is_some())
        .into_iter()
        .collect();
    // SnapStart applying to nothing is no block, as the provider flattens it.
    let snap: Vec<Value> = c
        .snap_start()
        .filter(|s| s.apply_on().is_some_and(|a| a.as_str() != "None"))
        .map(|s| {
            object(
                &snap_start_block(),
                [
                    ("apply_on", Value::string(s.apply_on().map(|a| a.as_str()).unwrap_or_default())),
                    (
                        "optimization_status",
                        Value::string(s.optimization_status().map(|o| o.as_str()).unwrap_or_default()),
                    ),
                ],
            )
        })
        .into_iter()
        .collect();
    let architectures: Vec<String> = c.architectures().iter().map(|a| a.as_str().to_string()).collect();
    let architectures = if architectures.is_empty() { vec!["x86_64".to_string()] } else { architectures };
    let keep = |n: &str| {
        let v = attr(current, n);
        if v.is_known() {
            v
        } else {
            Value::null(Type::String)
        }
    };
    let keep_bool = |n: &str| Value::bool(bool_attr(current, n).unwrap_or(false));
    let sha = c.code_sha256().unwrap_or_default();
    let region = &aws.region;
    Ok(Some(object(
        &schema,
        [
            ("architectures", string_list(architectures)),
            ("arn", Value::string(arn.as_str())),
            ("code_sha256", Value::string(sha)),
            ("code_signing_config_arn", keep("code_signing_config_arn")),
            ("description", Value::string(c.description().unwrap_or_default())),
            ("filename", keep("filename")),
            ("function_name", Value::string(c.function_name().unwrap_or(&name))),
            ("handler", Value::string(c.handler().unwrap_or_default())),
            ("id", Value::string(c.function_name().unwrap_or(&name))),
            (
                "image_uri",
                match out.code().and_then(|code| code.image_uri()) {
                    Some(uri) => Value::string(uri),
                    None => keep("image_uri"),
                },
            ),
            ("invoke_arn", Value::string(invoke_arn(region, &arn))),
            ("kms_key_arn", Value::string(c.kms_key_arn().unwrap_or_default())),
            ("last_modified", Value::string(c.last_modified().unwrap_or_default())),
            ("layers", string_list(c.layers().iter().filter_map(|l| l.arn().map(String::from)))),
            ("memory_size", Value::int(i64::from(c.memory_size().unwrap_or(128)))),
            ("package_type", Value::string(c.package_type().map(|p| p.as_str()).unwrap_or("Zip"))),
            ("publish", keep_bool("publish")),
            ("qualified_arn", Value::string(qualified.as_str())),
            ("qualified_invoke_arn", Value::string(invoke_arn(region, &qualified))),
            (
                "replace_security_groups_on_destroy",
                match attr(current, "replace_security_groups_on_destroy") {
                    v if v.is_known() && !v.is_null() => v,
                    _ => Value::null(Type::Bool),
                },
            ),
            (
                "replacement_security_group_ids",
                match attr(current, "replacement_security_group_ids") {
                    v if v.is_known() && !v.is_null() => v,
                    _ => Value::null(Type::set(Type::String)),
                },
            ),
            ("reserved_concurrent_executions", Value::int(concurrency)),
            ("role", Value::string(c.role().unwrap_or_default())),
            ("runtime", Value::string(c.runtime().map(|r| r.as_str()).unwrap_or_default())),
            ("s3_bucket", keep("s3_bucket")),
            ("s3_key", keep("s3_key")),
            ("s3_object_version", keep("s3_object_version")),
            ("signing_job_arn", Value::string(c.signing_job_arn().unwrap_or_default())),
            ("signing_profile_version_arn", Value::string(c.signing_profile_version_arn().unwrap_or_default())),
            ("skip_destroy", keep_bool("skip_destroy")),
            ("source_code_hash", Value::string(sha)),
            ("source_code_size", Value::int(c.code_size())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("timeout", Value::int(i64::from(c.timeout().unwrap_or(3)))),
            ("version", Value::string(version.as_str())),
            ("dead_letter_config", dead_letter),
            ("environment", list_value(&block_of("environment"), env)),
            ("file_system_config", Value::list(file_system_block().implied_type(), file_systems)),
            ("image_config", Value::list(image_block().implied_type(), image)),
            ("snap_start", Value::list(snap_start_block().implied_type(), snap)),
            ("ephemeral_storage", list_value(&block_of("ephemeral_storage"), ephemeral)),
            ("logging_config", logging),
            ("tracing_config", list_value(&block_of("tracing_config"), tracing)),
            ("vpc_config", list_value(&vpc_block(), vpc)),
        ],
    )))
}

/// A block's value as `current` knows it (empty when unknown or null).
fn known_block(current: &Value, name: &str, block: &Block) -> Value {
    let v = attr(current, name);
    if v.is_wholly_known() && !v.is_null() {
        v.unmark_deep().0
    } else {
        Value::list(block.implied_type(), Vec::new())
    }
}

/// AWS's logging configuration for a function given none.
fn default_logging(name: &str) -> Value {
    let item = object(
        &logging_block(),
        [
            ("application_log_level", Value::string("")),
            ("log_format", Value::string("Text")),
            ("log_group", Value::string(format!("/aws/lambda/{name}"))),
            ("system_log_level", Value::string("")),
        ],
    );
    Value::list(logging_block().implied_type(), vec![item])
}

/// A written logging configuration, its unset fields as AWS reports them.
fn complete_log_group(v: &Value, name: &str) -> Value {
    let items: Vec<Value> = v
        .as_seq()
        .unwrap_or(&[])
        .iter()
        .map(|item| {
            let mut item = item.clone();
            if str_attr(&item, "log_group").is_none_or(|g| g.is_empty()) {
                item = with_attr(&item, "log_group", Value::string(format!("/aws/lambda/{name}")));
            }
            for f in ["application_log_level", "system_log_level"] {
                if attr(&item, f).is_null() {
                    item = with_attr(&item, f, Value::string(""));
                }
            }
            item
        })
        .collect();
    Value::list(logging_block().implied_type(), items)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    if bool_attr(prior, "skip_destroy") == Some(true) {
        return Ok(());
    }
    let name = crate::id_of(prior);
    if bool_attr(prior, "replace_security_groups_on_destroy") == Some(true) {
        replace_security_groups(aws, prior, &name)?;
    }
    aws.log_call("lambda:DeleteFunction");
    match aws.block(aws.lambda.delete_function().function_name(&name).send()).map_err(aws_error) {
        Err(e) if !is_gone(&e) => Err(e.into_diag(&format!("deleting {WHAT} ({name})"))),
        _ => Ok(()),
    }
}

/// Before a VPC function is deleted, its security groups are swapped for
/// the replacements (or the VPC's default group), so that the groups can
/// be deleted without waiting for Lambda to release its interfaces.
fn replace_security_groups(aws: &Aws, prior: &Value, name: &str) -> Result<(), ProviderDiagnostic> {
    let what = format!("replacing security groups on {WHAT} ({name})");
    let Some(vpc) = first(prior, "vpc_config") else { return Ok(()) };
    let mut groups = strings_of(&attr(prior, "replacement_security_group_ids"));
    if groups.is_empty() {
        let vpc_id = str_attr(&vpc, "vpc_id").unwrap_or_default();
        aws.log_call("ec2:DescribeSecurityGroups");
        let out = aws
            .block(
                aws.ec2
                    .describe_security_groups()
                    .filters(aws_sdk_ec2::types::Filter::builder().name("vpc-id").values(vpc_id).build())
                    .filters(aws_sdk_ec2::types::Filter::builder().name("group-name").values("default").build())
                    .send(),
            )
            .map_err(|e| aws_error(e).into_diag(&what))?;
        groups = out.security_groups().iter().filter_map(|g| g.group_id().map(String::from)).collect();
    }
    aws.log_call("lambda:UpdateFunctionConfiguration");
    let config = VpcConfig::builder()
        .set_subnet_ids(Some(strings_of(&attr(&vpc, "subnet_ids"))))
        .set_security_group_ids(Some(groups))
        .build();
    match aws.block(aws.lambda.update_function_configuration().function_name(name).vpc_config(config).send()) {
        Err(e) => {
            let e = aws_error(e);
            if is_gone(&e) {
                Ok(())
            } else {
                Err(e.into_diag(&what))
            }
        }
        Ok(_) => wait_updated(aws, name),
    }
}

/// The function an interrupted create made: by its name and the token tag.
pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for a Lambda Function an interrupted create made";
    let Some(name) = nonempty(planned, "function_name") else { return Ok(None) };
    aws.log_call("lambda:GetFunction");
    let out = match aws.block(aws.lambda.get_function().function_name(&name).send()).map_err(aws_error) {
        Ok(out) => out,
        Err(e) if is_gone(&e) => return Ok(None),
        Err(e) => return Err(e.into_diag(what)),
    };
    if out.tags().and_then(|t| t.get(tags::CREATE_TOKEN_TAG)).map(String::as_str) != Some(token) {
        return Ok(None);
    }
    read(aws, &with_attr(planned, "id", Value::string(name.as_str())))
}

/// Every function of the region, for `drift -unmanaged`.
pub fn list(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let what = "listing Lambda Functions";
    let mut objects = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("lambda:ListFunctions");
        let out = aws
            .block(aws.lambda.list_functions().set_marker(marker.clone()).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
        for f in out.functions() {
            let (Some(name), Some(arn)) = (f.function_name(), f.function_arn()) else { continue };
            aws.log_call("lambda:ListTags");
            let tags = aws
                .block(aws.lambda.list_tags().resource(arn).send())
                .map_err(|e| aws_error(e).into_diag(what))?
                .tags()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            objects.push(ListedObject { id: name.to_string(), tags });
        }
        match out.next_marker().filter(|m| !m.is_empty()) {
            Some(m) => marker = Some(m.to_string()),
            None => break,
        }
    }
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(values: Vec<(&str, Value)>) -> Value {
        let mut v = object(&schema(), values);
        for (k, d) in defaults() {
            if attr(&v, k).is_null() {
                v = with_attr(&v, k, d);
            }
        }
        v
    }

    fn base() -> Vec<(&'static str, Value)> {
        vec![
            ("function_name", Value::string("f")),
            ("role", Value::string("arn:aws:iam::123456789012:role/r")),
            ("filename", Value::string("f.zip")),
            ("handler", Value::string("index.handler")),
            ("runtime", Value::string("python3.12")),
        ]
    }

    /// (configuration, the attribute the error names, a fragment of it)
    #[test]
    fn validation_names_the_attribute() {
        let with = |extra: Vec<(&'static str, Value)>| {
            let mut v = base();
            v.extend(extra);
            function(v)
        };
        assert!(validate(&with(vec![])).is_empty(), "{:?}", validate(&with(vec![])));
        let cases: Vec<(Value, &str, &str)> = vec![
            (
                with(vec![("s3_bucket", Value::string("b")), ("s3_key", Value::string("k"))]),
                "filename",
                "only one of `filename,image_uri,s3_bucket`",
            ),
            (with(vec![("runtime", Value::string("cobol85"))]), "runtime", "got cobol85"),
            (with(vec![("memory_size", Value::int(64))]), "memory_size", "(128 - 10240), got 64"),
            (with(vec![("timeout", Value::int(0))]), "timeout", "(1 - 900), got 0"),
            (with(vec![("function_name", Value::string("no spaces"))]), "function_name", "letters, numbers"),
            (with(vec![("architectures", string_list(vec!["sparc".into()]))]), "architectures", "got sparc"),
        ];
        for (config, name, fragment) in cases {
            let diags = validate(&config);
            assert_eq!(diags.len(), 1, "{name}: {diags:?}");
            assert_eq!(diags[0].attribute, Some(vec![PathStep::Attr(name.into())]), "{name}");
            assert!(diags[0].detail.contains(fragment), "{}", diags[0].detail);
        }
        let none = function(vec![("function_name", Value::string("f")), ("role", Value::string("r"))]);
        assert!(validate(&none)[0].detail.contains("one of `filename,image_uri,s3_bucket` must be specified"));
    }

    #[test]
    fn a_code_change_with_publish_makes_the_version_unknown() {
        let mut prior = function(base());
        for (k, v) in [
            ("source_code_hash", "abc"),
            ("code_sha256", "abc"),
            ("version", "1"),
            ("qualified_arn", "arn:f:1"),
            ("qualified_invoke_arn", "x"),
            ("last_modified", "t"),
        ] {
            prior = with_attr(&prior, k, Value::string(v));
        }
        prior = with_attr(&prior, "publish", Value::bool(true));
        let config = with_attr(
            &with_attr(&prior, "source_code_hash", Value::string("def")),
            "version",
            Value::null(Type::String),
        );
        let planned = with_attr(&prior, "source_code_hash", Value::string("def"));
        let (p, replace) = plan(&planned, &config, &prior);
        assert!(replace.is_empty());
        for name in ["last_modified", "version", "qualified_arn", "code_sha256"] {
            assert!(attr(&p, name).is_unknown(), "{name}");
        }
        assert_eq!(str_attr(&p, "source_code_hash").as_deref(), Some("def"));
        // Without publish the version stays; a memory change is configuration only.
        let quiet = with_attr(&with_attr(&prior, "publish", Value::bool(false)), "memory_size", Value::int(256));
        let (p, _) = plan(&quiet, &quiet, &with_attr(&prior, "publish", Value::bool(false)));
        assert!(attr(&p, "last_modified").is_unknown());
        assert_eq!(str_attr(&p, "version").as_deref(), Some("1"));
        assert_eq!(str_attr(&p, "code_sha256").as_deref(), Some("abc"));
        assert!(schema().attributes["function_name"].force_new && schema().attributes["package_type"].force_new);
    }

    #[test]
    fn invoke_arns_follow_api_gateways_form() {
        assert_eq!(
            invoke_arn("ap-northeast-1", "arn:aws:lambda:ap-northeast-1:1:function:f"),
            "arn:aws:apigateway:ap-northeast-1:lambda:path/2015-03-31/functions/arn:aws:lambda:ap-northeast-1:1:function:f/invocations"
        );
        let logging = default_logging("f");
        let item = &logging.as_seq().unwrap()[0];
        assert_eq!(str_attr(item, "log_group").as_deref(), Some("/aws/lambda/f"));
    }
}
