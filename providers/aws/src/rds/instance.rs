//! `aws_db_instance`. hashicorp/aws 6.x stores the DbiResourceId as `id`
//! (5.0 made it so) and imports by identifier; reads find the instance by
//! its identifier first (moto gives every instance the same
//! DbiResourceId), then by the resource ID, as the provider does after a
//! rename outside Terraform.
//!
//! `engine`, `username`, `db_name`, `availability_zone`, `storage_encrypted`,
//! `kms_key_id`, `snapshot_identifier`, `character_set_name`, `timezone`
//! and the like force a new instance; everything else, the identifier
//! included (NewDBInstanceIdentifier), is one ModifyDBInstance with
//! `apply_immediately`. `password` is never read back (the state keeps
//! what was given) and `manage_master_user_password` makes RDS keep it in
//! Secrets Manager (`master_user_secret`). Removing `replicate_source_db`
//! promotes a replica. Waits for `available` (and for the instance to be
//! gone) poll from the start, bounded by `timeouts {}`.
//!
//! moto 5.2.5: instances are available at once; MaxAllocatedStorage is
//! left out when it equals the allocated storage (read back as 0, as the
//! provider stores an unset one); PromoteReadReplica leaves the source
//! identifier on the promoted instance, so an instance the state knows as
//! no replica stays one that is not (AWS never makes an existing instance
//! a replica); deleting a cross-region replica answers an error after
//! removing it, so a delete whose instance is gone counts as done.

use super::*;
use crate::util::{attrs, bool_attr, i32_attr, int_attr, nonempty, object, single, str_attr, strings_of, with_attr};
use aws_sdk_rds::types::DbInstance;
use strata_lang::Type;
use strata_provider::Attribute;

const WHAT: &str = "RDS DB Instance";

fn secret_type() -> Type {
    Type::object(BTreeMap::from([
        ("kms_key_id".to_string(), Type::String),
        ("secret_arn".to_string(), Type::String),
        ("secret_status".to_string(), Type::String),
    ]))
}

fn listener_type() -> Type {
    Type::object(BTreeMap::from([
        ("address".to_string(), Type::String),
        ("hosted_zone_id".to_string(), Type::String),
        ("port".to_string(), Type::Number),
    ]))
}

fn blue_green_block() -> Block {
    Block { attributes: attrs(vec![("enabled", Attribute::optional(Type::Bool))]), blocks: BTreeMap::new() }
}

pub fn schema() -> Block {
    use Attribute as A;
    let (s, n, b) = (Type::String, Type::Number, Type::Bool);
    Block {
        attributes: attrs(vec![
            ("address", A::computed(s.clone())),
            ("allocated_storage", A::optional_computed(n.clone())),
            ("allow_major_version_upgrade", A::optional(b.clone())),
            ("apply_immediately", A::optional(b.clone())),
            ("arn", A::computed(s.clone())),
            ("auto_minor_version_upgrade", A::optional(b.clone())),
            ("availability_zone", A::optional_computed(s.clone()).force_new()),
            ("backup_retention_period", A::optional_computed(n.clone())),
            ("backup_target", A::optional_computed(s.clone()).force_new()),
            ("backup_window", A::optional_computed(s.clone())),
            ("ca_cert_identifier", A::optional_computed(s.clone())),
            ("character_set_name", A::optional_computed(s.clone()).force_new()),
            ("copy_tags_to_snapshot", A::optional(b.clone())),
            ("custom_iam_instance_profile", A::optional(s.clone()).force_new()),
            ("customer_owned_ip_enabled", A::optional(b.clone())),
            ("database_insights_mode", A::optional_computed(s.clone())),
            ("db_name", A::optional_computed(s.clone()).force_new()),
            ("db_subnet_group_name", A::optional_computed(s.clone())),
            ("dedicated_log_volume", A::optional(b.clone())),
            ("delete_automated_backups", A::optional(b.clone())),
            ("deletion_protection", A::optional(b.clone())),
            ("domain", A::optional(s.clone())),
            ("domain_auth_secret_arn", A::optional(s.clone())),
            ("domain_dns_ips", A::optional(Type::set(s.clone()))),
            ("domain_fqdn", A::optional_computed(s.clone())),
            ("domain_iam_role_name", A::optional(s.clone())),
            ("domain_ou", A::optional(s.clone())),
            ("enabled_cloudwatch_logs_exports", A::optional(Type::set(s.clone()))),
            ("endpoint", A::computed(s.clone())),
            ("engine", A::optional_computed(s.clone()).force_new()),
            ("engine_version", A::optional_computed(s.clone())),
            ("engine_version_actual", A::computed(s.clone())),
            ("final_snapshot_identifier", A::optional(s.clone())),
            ("hosted_zone_id", A::computed(s.clone())),
            ("iam_database_authentication_enabled", A::optional(b.clone())),
            ("id", A::computed(s.clone())),
            ("identifier", A::optional_computed(s.clone())),
            ("identifier_prefix", A::optional_computed(s.clone())),
            ("instance_class", A::required(s.clone())),
            ("iops", A::optional_computed(n.clone())),
            ("kms_key_id", A::optional_computed(s.clone()).force_new()),
            ("latest_restorable_time", A::computed(s.clone()).volatile()),
            ("license_model", A::optional_computed(s.clone())),
            ("listener_endpoint", A::computed(Type::list(listener_type()))),
            ("maintenance_window", A::optional_computed(s.clone())),
            ("manage_master_user_password", A::optional(b.clone())),
            ("master_user_secret", A::computed(Type::list(secret_type()))),
            ("master_user_secret_kms_key_id", A::optional_computed(s.clone())),
            ("max_allocated_storage", A::optional(n.clone())),
            ("monitoring_interval", A::optional(n.clone())),
            ("monitoring_role_arn", A::optional_computed(s.clone())),
            ("multi_az", A::optional_computed(b.clone())),
            ("nchar_character_set_name", A::optional_computed(s.clone()).force_new()),
            ("network_type", A::optional_computed(s.clone())),
            ("option_group_name", A::optional_computed(s.clone())),
            ("parameter_group_name", A::optional_computed(s.clone())),
            ("password", A::optional(s.clone()).sensitive()),
            ("performance_insights_enabled", A::optional(b.clone())),
            ("performance_insights_kms_key_id", A::optional_computed(s.clone())),
            ("performance_insights_retention_period", A::optional_computed(n.clone())),
            ("port", A::optional_computed(n.clone())),
            ("publicly_accessible", A::optional(b.clone())),
            ("replica_mode", A::optional_computed(s.clone())),
            ("replicas", A::computed(Type::list(s.clone()))),
            ("replicate_source_db", A::optional(s.clone())),
            ("resource_id", A::computed(s.clone())),
            ("skip_final_snapshot", A::optional(b.clone())),
            ("snapshot_identifier", A::optional_computed(s.clone()).force_new()),
            ("status", A::computed(s.clone())),
            ("storage_encrypted", A::optional(b.clone()).force_new()),
            ("storage_throughput", A::optional_computed(n.clone())),
            ("storage_type", A::optional_computed(s.clone())),
            ("tags", A::optional(Type::map(s.clone()))),
            ("tags_all", A::optional_computed(Type::map(s.clone()))),
            ("timezone", A::optional_computed(s.clone()).force_new()),
            ("username", A::optional_computed(s.clone()).force_new()),
            ("vpc_security_group_ids", A::optional_computed(Type::set(s))),
        ]),
        blocks: BTreeMap::from([("blue_green_update".to_string(), single(blue_green_block()))]),
    }
}

/// Terraform's `Default:`s.
pub fn defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("apply_immediately", Value::bool(false)),
        ("auto_minor_version_upgrade", Value::bool(true)),
        ("copy_tags_to_snapshot", Value::bool(false)),
        ("dedicated_log_volume", Value::bool(false)),
        ("delete_automated_backups", Value::bool(true)),
        ("monitoring_interval", Value::int(0)),
        ("performance_insights_enabled", Value::bool(false)),
        ("publicly_accessible", Value::bool(false)),
        ("skip_final_snapshot", Value::bool(false)),
    ]
}

/// `validIdentifier`: lowercase letters, digits and hyphens, starting
/// with a letter, no `--`, no trailing hyphen (a prefix may end in one).
fn identifier_problems(key: &str, v: &str, prefix: bool) -> Vec<String> {
    let mut out = Vec::new();
    if !v.chars().all(|c| matches!(c, '0'..='9' | 'a'..='z' | '-')) {
        out.push(format!("only lowercase alphanumeric characters and hyphens allowed in {key:?}"));
    }
    if !v.starts_with(|c: char| c.is_ascii_lowercase()) {
        out.push(format!("first character of {key:?} must be a letter"));
    }
    if v.contains("--") {
        out.push(format!("{key:?} cannot contain two consecutive hyphens"));
    }
    if !prefix && v.ends_with('-') {
        out.push(format!("{key:?} cannot end with a hyphen"));
    }
    let max = if prefix { 37 } else { 63 };
    if v.len() > max {
        out.push(format!("{key:?} cannot be greater than {max} characters"));
    }
    out
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    for (key, prefix) in [("identifier", false), ("identifier_prefix", true)] {
        if let Some(v) = str_attr(config, key) {
            diags.extend(identifier_problems(key, &v, prefix).into_iter().map(|m| err_at(key, m, "")));
        }
    }
    if let Some(n) = int_attr(config, "backup_retention_period") {
        if !(0..=35).contains(&n) {
            diags.push(err_at(
                "backup_retention_period",
                "Invalid backup_retention_period",
                format!("expected backup_retention_period to be in the range (0 - 35), got {n}"),
            ));
        }
    }
    if let Some(n) = int_attr(config, "monitoring_interval") {
        if ![0, 1, 5, 10, 15, 30, 60].contains(&n) {
            diags.push(err_at(
                "monitoring_interval",
                "Invalid monitoring_interval",
                format!("expected monitoring_interval to be one of [0 1 5 10 15 30 60], got {n}"),
            ));
        }
    }
    if let Some(f) = str_attr(config, "final_snapshot_identifier") {
        let problems = [
            (!f.starts_with(|c: char| c.is_ascii_alphabetic()), "must begin with alphabetic character"),
            (
                !f.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "must only contain alphanumeric characters and hyphens",
            ),
            (f.contains("--"), "cannot contain two consecutive hyphens"),
            (f.ends_with('-'), "cannot end in a hyphen"),
        ];
        for (bad, message) in problems {
            if bad {
                diags.push(err_at(
                    "final_snapshot_identifier",
                    "Invalid final_snapshot_identifier",
                    format!("invalid value for final_snapshot_identifier ({message})"),
                ));
            }
        }
    }
    for (key, pattern) in [("backup_window", false), ("maintenance_window", true)] {
        if let Some(w) = str_attr(config, key) {
            if !valid_window(&w, pattern) {
                let form = if pattern { "\"ddd:hh24:mi-ddd:hh24:mi\"" } else { "\"hh24:mi-hh24:mi\"" };
                diags.push(err_at(
                    key,
                    format!("Invalid {key}"),
                    format!("{key} must satisfy the format of {form}, got {w:?}"),
                ));
            }
        }
    }
    // Declared so Terraform's configurations and state load, but not
    // carried out yet: refused rather than silently doing something else
    // (a fresh empty database instead of the restore, a plain in-place
    // modify instead of a blue/green switchover).
    if str_attr(config, "snapshot_identifier").is_some() {
        diags.push(err_at(
            "snapshot_identifier",
            "Restoring from a snapshot is not supported yet",
            "Strata cannot yet create a DB instance from a snapshot (RestoreDBInstanceFromDBSnapshot); remove snapshot_identifier or restore the instance outside Strata and import it.",
        ));
    }
    let blue_green = attr(config, "blue_green_update").unmark_deep().0;
    if blue_green.as_seq().unwrap_or_default().iter().any(|b| bool_attr(b, "enabled") == Some(true)) {
        diags.push(err_at(
            "blue_green_update",
            "Blue/green updates are not supported yet",
            "Strata cannot yet update a DB instance through an RDS blue/green deployment; without it the change would be a plain in-place modification. Remove blue_green_update or set enabled = false.",
        ));
    }
    diags.extend(conflicts(config, "password", "manage_master_user_password"));
    diags.extend(conflicts(config, "identifier", "identifier_prefix"));
    diags.extend(conflicts(config, "db_name", "replicate_source_db"));
    diags.extend(conflicts(config, "username", "replicate_source_db"));
    // AWS Managed Microsoft AD (domain, its IAM role) or a self-managed one.
    for managed in ["domain", "domain_iam_role_name"] {
        for own in ["domain_fqdn", "domain_ou", "domain_auth_secret_arn", "domain_dns_ips"] {
            diags.extend(conflicts(config, managed, own));
        }
    }
    diags
}

/// `hh24:mi-hh24:mi`, or with days (`ddd:hh24:mi-ddd:hh24:mi`), any case.
fn valid_window(w: &str, with_days: bool) -> bool {
    let time = |t: &str| {
        let (h, m) = t.split_once(':').unwrap_or(("", ""));
        h.len() == 2 && m.len() == 2 && h.parse::<u8>().is_ok_and(|h| h < 24) && m.parse::<u8>().is_ok_and(|m| m < 60)
    };
    let point = |p: &str| {
        if !with_days {
            return time(p);
        }
        let (day, rest) = p.split_once(':').unwrap_or(("", ""));
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].contains(&day.to_lowercase().as_str()) && time(rest)
    };
    w.split_once('-').is_some_and(|(a, b)| point(a) && point(b))
}

fn lowered(planned: &Value, name: &str) -> Value {
    let v = attr(planned, name);
    match str_attr(planned, name) {
        Some(s) if v.is_known() => with_attr(planned, name, Value::string(s.to_lowercase())),
        _ => planned.clone(),
    }
}

pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    // The provider's StateFuncs store these lowered.
    let mut out = lowered(&lowered(planned, "engine"), "maintenance_window");
    if prior.is_null() {
        return out;
    }
    let changed = |v: &Value, n: &str| !attr(v, n).raw_equal(&attr(prior, n));
    // Storage autoscaling grew the volume past the configured size.
    if let (Some(before), Some(now), Some(max)) = (
        int_attr(prior, "allocated_storage"),
        int_attr(&out, "allocated_storage"),
        int_attr(&out, "max_allocated_storage"),
    ) {
        if before > now && max > now {
            out = with_attr(&out, "allocated_storage", attr(prior, "allocated_storage"));
        }
    }
    // An unset maximum is AWS's allocated size: no change.
    let max_before = int_attr(prior, "max_allocated_storage").unwrap_or(0);
    if max_before == 0 && attr(config, "max_allocated_storage").is_known() {
        if let Some(m) = int_attr(&out, "max_allocated_storage") {
            if Some(m) == int_attr(&out, "allocated_storage") {
                out = with_attr(&out, "max_allocated_storage", attr(prior, "max_allocated_storage"));
            }
        }
    }
    let unknown = |v: Value, names: &[&str]| {
        names.iter().fold(v, |v, n| {
            let ty = schema().attributes[*n].ty.clone();
            with_attr(&v, n, Value::unknown(ty))
        })
    };
    if changed(&out, "identifier") {
        out = unknown(out, &["address", "arn", "endpoint"]);
    }
    if changed(&out, "port") {
        out = unknown(out, &["endpoint"]);
    }
    if changed(&out, "engine_version") {
        out = unknown(out, &["engine_version_actual"]);
    }
    if changed(&out, "manage_master_user_password") {
        out = unknown(out, &["master_user_secret"]);
    }
    if changed(&out, "replicate_source_db") {
        out = unknown(out, &["status"]);
    }
    out
}

fn identifier_of(v: &Value) -> Option<String> {
    nonempty(v, "identifier")
}

/// The instance named `identifier`, if there is one.
fn describe(aws: &Aws, identifier: &str) -> Result<Option<DbInstance>, AwsError> {
    aws.log_call("rds:DescribeDBInstances");
    match aws.block(aws.rds.describe_db_instances().db_instance_identifier(identifier).send()) {
        Ok(out) => Ok(out.db_instances().iter().find(|i| i.db_instance_identifier() == Some(identifier)).cloned()),
        Err(e) => match aws_error(e) {
            e if is_gone(&e) => Ok(None),
            e => Err(e),
        },
    }
}

/// The instance with the DbiResourceId `id`: only when one answers (moto
/// gives every instance the same one).
fn describe_by_resource_id(aws: &Aws, id: &str) -> Result<Option<DbInstance>, AwsError> {
    aws.log_call("rds:DescribeDBInstances");
    let filter = aws_sdk_rds::types::Filter::builder().name("dbi-resource-id").values(id).build();
    match aws.block(aws.rds.describe_db_instances().filters(filter).send()) {
        Ok(out) if out.db_instances().len() == 1 => Ok(out.db_instances().first().cloned()),
        Ok(_) => Ok(None),
        Err(e) => match aws_error(e) {
            e if is_gone(&e) => Ok(None),
            e => Err(e),
        },
    }
}

/// By identifier, else (renamed outside) by the resource ID in `id`; an
/// import's `id` is the identifier.
fn find_current(aws: &Aws, current: &Value) -> Result<Option<DbInstance>, AwsError> {
    let id = crate::id_of(current);
    let identifier = identifier_of(current).unwrap_or_else(|| id.clone());
    if let Some(found) = describe(aws, &identifier)? {
        return Ok(Some(found));
    }
    let looks_like_resource_id =
        id.len() > 3 && id.starts_with("db-") && id[3..].chars().all(|c| c.is_ascii_alphanumeric());
    if looks_like_resource_id {
        return describe_by_resource_id(aws, &id);
    }
    Ok(None)
}

/// Statuses the provider waits through to `available`.
const FAILED: [&str; 6] = [
    "failed",
    "incompatible-network",
    "incompatible-option-group",
    "incompatible-parameters",
    "incompatible-restore",
    "inaccessible-encryption-credentials",
];

fn wait_available(aws: &Aws, identifier: &str) -> Result<DbInstance, AwsError> {
    wait_until(aws, &format!("{WHAT} ({identifier}) to be available"), || {
        let Some(i) = describe(aws, identifier)? else { return Ok(None) };
        match i.db_instance_status().unwrap_or_default() {
            "available" | "storage-optimization" => Ok(Some(i)),
            s if FAILED.contains(&s) => Err(AwsError {
                code: "UnexpectedState".into(),
                message: format!("{WHAT} ({identifier}) is {s:?}, not \"available\""),
            }),
            _ => Ok(None),
        }
    })
}

fn strs(v: &Value, name: &str) -> Option<Vec<String>> {
    let items = strings_of(&attr(v, name));
    (!items.is_empty()).then_some(items)
}

fn is_arn(s: &str) -> bool {
    s.starts_with("arn:")
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let identifier = identifier_of(planned).unwrap_or_else(|| {
        let prefixed = with_attr(planned, "name", Value::null(Type::String));
        let prefixed = match nonempty(planned, "identifier_prefix") {
            Some(p) => with_attr(&prefixed, "name_prefix", Value::string(p)),
            None => with_attr(&prefixed, "name_prefix", Value::null(Type::String)),
        };
        crate::iam::name_for(&prefixed)
    });
    let what = format!("creating {WHAT} ({identifier})");
    let tags = rds_tags(&map_of(&attr(planned, "tags_all")));
    let bool_of = |n: &str| bool_attr(planned, n);
    let text = |n: &str| nonempty(planned, n);
    let int = |n: &str| i32_attr(planned, n).filter(|v| *v != 0);
    // What the create call cannot set, sent by one ModifyDBInstance after.
    let mut follow_up = aws.rds.modify_db_instance().db_instance_identifier(&identifier).apply_immediately(true);
    let mut needs_follow_up = false;
    let created = if let Some(source) = text("replicate_source_db") {
        let cross_region = is_arn(&source) && source.split(':').nth(3).is_some_and(|r| r != aws.region);
        aws.log_call("rds:CreateDBInstanceReadReplica");
        let out = aws
            .block(
                aws.rds
                    .create_db_instance_read_replica()
                    .db_instance_identifier(&identifier)
                    .source_db_instance_identifier(&source)
                    .db_instance_class(text("instance_class").unwrap_or_default())
                    .set_auto_minor_version_upgrade(bool_of("auto_minor_version_upgrade"))
                    .set_copy_tags_to_snapshot(bool_of("copy_tags_to_snapshot"))
                    .set_deletion_protection(bool_of("deletion_protection"))
                    .set_publicly_accessible(bool_of("publicly_accessible"))
                    .set_availability_zone(text("availability_zone"))
                    .set_db_subnet_group_name(text("db_subnet_group_name"))
                    .set_kms_key_id(text("kms_key_id"))
                    .set_monitoring_interval(int("monitoring_interval"))
                    .set_monitoring_role_arn(text("monitoring_role_arn"))
                    .set_multi_az(bool_of("multi_az").filter(|b| *b))
                    .set_option_group_name(text("option_group_name"))
                    .set_db_parameter_group_name(text("parameter_group_name").filter(|_| cross_region))
                    .set_enable_performance_insights(bool_of("performance_insights_enabled").filter(|b| *b))
                    .set_port(int("port"))
                    .set_storage_type(text("storage_type"))
                    .set_iops(int("iops"))
                    .set_vpc_security_group_ids(strs(planned, "vpc_security_group_ids"))
                    .set_enable_cloudwatch_logs_exports(strs(planned, "enabled_cloudwatch_logs_exports"))
                    .set_tags(tags)
                    .send(),
            )
            .map_err(|e| aws_error(e).into_diag(&format!("creating {WHAT} (read replica) ({identifier})")))?;
        let i = out.db_instance().cloned().unwrap_or_else(|| DbInstance::builder().build());
        // A replica takes these from its source; changed after if asked.
        if let Some(n) = i32_attr(planned, "backup_retention_period") {
            if i.backup_retention_period() != Some(n) {
                follow_up = follow_up.backup_retention_period(n);
                needs_follow_up = true;
            }
        }
        for (name, current) in [
            ("backup_window", i.preferred_backup_window()),
            ("maintenance_window", i.preferred_maintenance_window()),
            ("ca_cert_identifier", i.ca_certificate_identifier()),
        ] {
            if let Some(want) = text(name).filter(|w| Some(w.as_str()) != current) {
                follow_up = match name {
                    "backup_window" => follow_up.preferred_backup_window(want),
                    "maintenance_window" => follow_up.preferred_maintenance_window(want),
                    _ => follow_up.ca_certificate_identifier(want),
                };
                needs_follow_up = true;
            }
        }
        if let Some(pg) = text("parameter_group_name").filter(|_| !cross_region) {
            follow_up = follow_up.db_parameter_group_name(pg);
            needs_follow_up = true;
        }
        i
    } else {
        // The provider's own checks, before any call.
        for (name, missing) in [
            ("allocated_storage", int("allocated_storage").is_none()),
            ("engine", text("engine").is_none()),
            ("username", text("username").is_none()),
        ] {
            if missing {
                return Err(err_at(name, format!("\"{name}\": required field is not set"), what.clone()));
            }
        }
        aws.log_call("rds:CreateDBInstance");
        let out = aws
            .block(
                aws.rds
                    .create_db_instance()
                    .db_instance_identifier(&identifier)
                    .db_instance_class(text("instance_class").unwrap_or_default())
                    .engine(text("engine").unwrap_or_default())
                    .set_engine_version(text("engine_version"))
                    .set_allocated_storage(int("allocated_storage"))
                    .set_max_allocated_storage(int("max_allocated_storage"))
                    .set_master_username(text("username"))
                    .set_master_user_password(text("password"))
                    .set_manage_master_user_password(bool_of("manage_master_user_password").filter(|b| *b))
                    .set_master_user_secret_kms_key_id(text("master_user_secret_kms_key_id"))
                    .set_db_name(text("db_name"))
                    .set_auto_minor_version_upgrade(bool_of("auto_minor_version_upgrade"))
                    .set_backup_retention_period(i32_attr(planned, "backup_retention_period"))
                    .set_preferred_backup_window(text("backup_window"))
                    .set_preferred_maintenance_window(text("maintenance_window"))
                    .set_copy_tags_to_snapshot(bool_of("copy_tags_to_snapshot"))
                    .set_deletion_protection(bool_of("deletion_protection"))
                    .set_publicly_accessible(bool_of("publicly_accessible"))
                    .set_storage_encrypted(bool_of("storage_encrypted"))
                    .set_kms_key_id(text("kms_key_id"))
                    .set_storage_type(text("storage_type"))
                    .set_iops(int("iops"))
                    .set_storage_throughput(int("storage_throughput"))
                    .set_multi_az(bool_of("multi_az").filter(|b| *b))
                    .set_availability_zone(text("availability_zone"))
                    .set_db_subnet_group_name(text("db_subnet_group_name"))
                    .set_db_parameter_group_name(text("parameter_group_name"))
                    .set_option_group_name(text("option_group_name"))
                    .set_vpc_security_group_ids(strs(planned, "vpc_security_group_ids"))
                    .set_port(int("port"))
                    .set_monitoring_interval(int("monitoring_interval"))
                    .set_monitoring_role_arn(text("monitoring_role_arn"))
                    .set_enable_performance_insights(bool_of("performance_insights_enabled").filter(|b| *b))
                    .set_performance_insights_kms_key_id(text("performance_insights_kms_key_id"))
                    .set_performance_insights_retention_period(int("performance_insights_retention_period"))
                    .set_enable_iam_database_authentication(
                        bool_of("iam_database_authentication_enabled").filter(|b| *b),
                    )
                    .set_enable_cloudwatch_logs_exports(strs(planned, "enabled_cloudwatch_logs_exports"))
                    .set_character_set_name(text("character_set_name"))
                    .set_nchar_character_set_name(text("nchar_character_set_name"))
                    .set_timezone(text("timezone"))
                    .set_license_model(text("license_model"))
                    .set_network_type(text("network_type"))
                    .set_backup_target(text("backup_target"))
                    .set_custom_iam_instance_profile(text("custom_iam_instance_profile"))
                    .set_database_insights_mode(
                        text("database_insights_mode")
                            .map(|m| aws_sdk_rds::types::DatabaseInsightsMode::from(m.as_str())),
                    )
                    .set_dedicated_log_volume(bool_of("dedicated_log_volume").filter(|b| *b))
                    .set_domain(text("domain"))
                    .set_domain_iam_role_name(text("domain_iam_role_name"))
                    .set_domain_fqdn(text("domain_fqdn"))
                    .set_domain_ou(text("domain_ou"))
                    .set_domain_auth_secret_arn(text("domain_auth_secret_arn"))
                    .set_domain_dns_ips(strs(planned, "domain_dns_ips"))
                    .set_tags(tags)
                    .send(),
            )
            .map_err(|e| aws_error(e).into_diag(&what))?;
        let i = out.db_instance().cloned().unwrap_or_else(|| DbInstance::builder().build());
        if let Some(ca) = text("ca_cert_identifier").filter(|c| Some(c.as_str()) != i.ca_certificate_identifier()) {
            follow_up = follow_up.ca_certificate_identifier(ca);
            needs_follow_up = true;
        }
        i
    };
    let _ = created;
    wait_available(aws, &identifier).map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({identifier}) create")))?;
    if needs_follow_up {
        aws.log_call("rds:ModifyDBInstance");
        aws.block(follow_up.send()).map_err(|e| aws_error(e).into_diag(&format!("updating {WHAT} ({identifier})")))?;
        wait_available(aws, &identifier)
            .map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({identifier}) update")))?;
    }
    let current = with_attr(planned, "identifier", Value::string(identifier.as_str()));
    read_after_write(aws, &current, &what)
}

fn read_after_write(aws: &Aws, current: &Value, what: &str) -> Result<Value, ProviderDiagnostic> {
    read(aws, current)?.ok_or_else(|| {
        ProviderDiagnostic::error(
            format!("{what}: not found"),
            format!("{what}: the instance was not found after it was written."),
        )
    })
}

/// Arguments whose change is not sent to ModifyDBInstance.
const NOT_MODIFIED: [&str; 11] = [
    "allow_major_version_upgrade",
    "apply_immediately",
    "blue_green_update",
    "delete_automated_backups",
    "final_snapshot_identifier",
    "replicate_source_db",
    "skip_final_snapshot",
    "tags",
    "tags_all",
    "timeouts",
    "region",
];

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let old_identifier = identifier_of(prior).unwrap_or_default();
    let identifier = identifier_of(planned).unwrap_or_else(|| old_identifier.clone());
    let what = format!("updating {WHAT} ({identifier})");
    let changed = |n: &str| !attr(prior, n).raw_equal(&attr(planned, n));
    let text = |n: &str| str_attr(planned, n).unwrap_or_default();
    let int = |n: &str| i32_attr(planned, n).unwrap_or(0);
    let bool_of = |n: &str| bool_attr(planned, n).unwrap_or(false);
    // Promotion: a separate call, before anything else.
    if changed("replicate_source_db") {
        if nonempty(planned, "replicate_source_db").is_some() {
            return Err(ProviderDiagnostic::error(
                format!("{what}: cannot elect new source database for replication"),
                "A replica's source cannot be changed; remove replicate_source_db to promote it.",
            ));
        }
        aws.log_call("rds:PromoteReadReplica");
        aws.block(
            aws.rds
                .promote_read_replica()
                .db_instance_identifier(&old_identifier)
                .set_backup_retention_period(i32_attr(planned, "backup_retention_period"))
                .set_preferred_backup_window(nonempty(planned, "backup_window"))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&format!("promoting {WHAT} ({old_identifier})")))?;
        wait_available(aws, &old_identifier)
            .map_err(|e| e.into_diag(&format!("promoting {WHAT} ({old_identifier}): waiting for completion")))?;
    }
    let block = schema();
    let modified = block.attributes.keys().any(|n| !NOT_MODIFIED.contains(&n.as_str()) && changed(n));
    if modified {
        let mut input = aws
            .rds
            .modify_db_instance()
            .db_instance_identifier(&old_identifier)
            .apply_immediately(bool_of("apply_immediately"))
            // Always sent, as the provider does.
            .deletion_protection(bool_of("deletion_protection"));
        if changed("allocated_storage") || changed("iops") {
            input = input.allocated_storage(int("allocated_storage"));
            if int("iops") > 0 {
                input = input.iops(int("iops"));
            }
        }
        if changed("auto_minor_version_upgrade") {
            input = input.auto_minor_version_upgrade(bool_of("auto_minor_version_upgrade"));
        }
        if changed("backup_retention_period") {
            input = input.backup_retention_period(int("backup_retention_period"));
        }
        if changed("backup_window") {
            input = input.preferred_backup_window(text("backup_window"));
        }
        if changed("copy_tags_to_snapshot") {
            input = input.copy_tags_to_snapshot(bool_of("copy_tags_to_snapshot"));
        }
        if changed("ca_cert_identifier") {
            input = input.ca_certificate_identifier(text("ca_cert_identifier"));
        }
        if changed("db_subnet_group_name") {
            input = input.db_subnet_group_name(text("db_subnet_group_name"));
        }
        if changed("database_insights_mode") {
            let mode = aws_sdk_rds::types::DatabaseInsightsMode::from(text("database_insights_mode").as_str());
            input = input.database_insights_mode(mode);
        }
        if changed("dedicated_log_volume") {
            input = input.dedicated_log_volume(bool_of("dedicated_log_volume"));
        }
        // "Specify the parameters for either AWS Managed Active Directory or
        // self-managed Active Directory": one kind or the other.
        if changed("domain") || changed("domain_iam_role_name") {
            input = input.domain(text("domain")).domain_iam_role_name(text("domain_iam_role_name"));
        } else if ["domain_auth_secret_arn", "domain_dns_ips", "domain_fqdn", "domain_ou"].iter().any(|n| changed(n)) {
            input = input
                .domain_auth_secret_arn(text("domain_auth_secret_arn"))
                .set_domain_dns_ips(strs(planned, "domain_dns_ips"))
                .domain_fqdn(text("domain_fqdn"))
                .domain_ou(text("domain_ou"));
        }
        if changed("enabled_cloudwatch_logs_exports") {
            let (before, after) = (
                strings_of(&attr(prior, "enabled_cloudwatch_logs_exports")),
                strings_of(&attr(planned, "enabled_cloudwatch_logs_exports")),
            );
            let config = aws_sdk_rds::types::CloudwatchLogsExportConfiguration::builder()
                .set_enable_log_types(Some(after.iter().filter(|t| !before.contains(t)).cloned().collect()))
                .set_disable_log_types(Some(before.iter().filter(|t| !after.contains(t)).cloned().collect()))
                .build();
            input = input.cloudwatch_logs_export_configuration(config);
        }
        if changed("iam_database_authentication_enabled") {
            input = input.enable_iam_database_authentication(bool_of("iam_database_authentication_enabled"));
        }
        if changed("identifier") {
            input = input.new_db_instance_identifier(&identifier);
        }
        if changed("instance_class") {
            input = input.db_instance_class(text("instance_class"));
        }
        if changed("license_model") {
            input = input.license_model(text("license_model"));
        }
        if changed("maintenance_window") {
            input = input.preferred_maintenance_window(text("maintenance_window"));
        }
        if changed("manage_master_user_password") {
            input = input.manage_master_user_password(bool_of("manage_master_user_password"));
        }
        if changed("master_user_secret_kms_key_id") {
            if let Some(k) = nonempty(planned, "master_user_secret_kms_key_id") {
                input = input
                    .master_user_secret_kms_key_id(k)
                    .manage_master_user_password(bool_of("manage_master_user_password"));
            }
        }
        if changed("max_allocated_storage") {
            // Turning autoscaling off: the maximum is the allocated size.
            let m = match int("max_allocated_storage") {
                0 => int("allocated_storage"),
                m => m,
            };
            input = input.max_allocated_storage(m);
        }
        if changed("monitoring_interval") {
            input = input.monitoring_interval(int("monitoring_interval"));
        }
        if changed("monitoring_role_arn") {
            input = input.monitoring_role_arn(text("monitoring_role_arn"));
        }
        if changed("multi_az") {
            input = input.multi_az(bool_of("multi_az"));
        }
        if changed("network_type") {
            input = input.network_type(text("network_type"));
        }
        if changed("option_group_name") {
            input = input.option_group_name(text("option_group_name"));
        }
        if changed("password") {
            input = input.set_master_user_password(nonempty(planned, "password"));
        }
        if changed("performance_insights_enabled")
            || changed("performance_insights_kms_key_id")
            || changed("performance_insights_retention_period")
        {
            input = input
                .enable_performance_insights(bool_of("performance_insights_enabled"))
                .set_performance_insights_kms_key_id(nonempty(planned, "performance_insights_kms_key_id"))
                .set_performance_insights_retention_period(
                    i32_attr(planned, "performance_insights_retention_period").filter(|n| *n > 0),
                );
        }
        if changed("port") {
            input = input.db_port_number(int("port"));
        }
        if changed("publicly_accessible") {
            input = input.publicly_accessible(bool_of("publicly_accessible"));
        }
        if changed("replica_mode") {
            input = input.replica_mode(aws_sdk_rds::types::ReplicaMode::from(text("replica_mode").as_str()));
        }
        if changed("storage_throughput") {
            input = input.storage_throughput(int("storage_throughput"));
        }
        if changed("storage_type") {
            input = input.storage_type(text("storage_type"));
            if ["io1", "io2"].contains(&text("storage_type").as_str()) {
                input = input.iops(int("iops"));
            }
        }
        if changed("vpc_security_group_ids") {
            if let Some(groups) = strs(planned, "vpc_security_group_ids") {
                input = input.set_vpc_security_group_ids(Some(groups));
            }
        }
        if changed("engine_version") {
            input = input
                .engine_version(text("engine_version"))
                .allow_major_version_upgrade(bool_of("allow_major_version_upgrade"));
        }
        if changed("parameter_group_name") {
            input = input.db_parameter_group_name(text("parameter_group_name"));
        }
        aws.log_call("rds:ModifyDBInstance");
        aws.block(input.send()).map_err(|e| aws_error(e).into_diag(&what))?;
        wait_available(aws, &identifier).map_err(|e| e.into_diag(&format!("{what}: waiting for completion")))?;
    }
    if changed("tags_all") {
        let arn = match describe(aws, &identifier).map_err(|e| e.into_diag(&what))? {
            Some(i) => i.db_instance_arn().unwrap_or_default().to_string(),
            None => nonempty(prior, "arn").unwrap_or_default(),
        };
        update_tags(aws, &arn, prior, planned, &what)?;
    }
    read_after_write(aws, planned, &what)
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let shown = identifier_of(current).unwrap_or_else(|| crate::id_of(current));
    let what = format!("reading {WHAT} ({shown})");
    let Some(i) = find_current(aws, current).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    let remote = tag_pairs(i.tag_list());
    Ok(Some(to_state(aws, current, &i, remote)))
}

/// `manage_master_user_password` as read: what the state says, or true
/// for an instance that reports a secret the state does not know about
/// (an import). Not for a replica: its credentials are its source's, and
/// moto 5.2.5 copies the source's `MasterUserSecret` onto it, which would
/// turn a replica configured without the argument into a change.
fn managed_password(in_state: Value, reports_secret: bool, replica: bool) -> Value {
    if in_state.is_null() && reports_secret && !replica {
        Value::bool(true)
    } else {
        in_state
    }
}

fn text_or_null(v: Option<&str>) -> Value {
    v.map(Value::string).unwrap_or_else(|| Value::null(Type::String))
}

fn int_or_null(v: Option<i32>) -> Value {
    v.map(|n| Value::int(n as i64)).unwrap_or_else(|| Value::null(Type::Number))
}

fn to_state(aws: &Aws, current: &Value, i: &DbInstance, remote_tags: Vec<(String, String)>) -> Value {
    // What the plan left unknown and AWS does not report is null now.
    let current = &crate::util::known_or_null(current);
    let (tags, tags_all) = read_tags(aws, current, remote_tags);
    let identifier = i.db_instance_identifier().unwrap_or_default();
    let importing = identifier_of(current).is_none();
    // Kept from state (AWS reports none of these); an import takes the
    // provider's import defaults.
    let kept = |n: &str, import_default: Option<Value>| match (importing, import_default) {
        (true, Some(d)) if attr(current, n).is_null() => d,
        _ => attr(current, n),
    };
    let allocated = i.allocated_storage();
    // moto (and AWS for an unset one) answer the allocated size or nothing.
    let max = match i.max_allocated_storage() {
        Some(m) if Some(m) != allocated || int_attr(current, "max_allocated_storage") == Some(m as i64) => m,
        _ => 0,
    };
    // A configured version that is a prefix of the actual one stays as given.
    let actual = i.engine_version().unwrap_or_default();
    let configured = str_attr(current, "engine_version").unwrap_or_default();
    let engine_version =
        if !configured.is_empty() && (actual == configured || actual.starts_with(&format!("{configured}."))) {
            configured
        } else {
            actual.to_string()
        };
    let secret: Vec<Value> = i
        .master_user_secret()
        .map(|s| {
            Value::object(
                [
                    ("kms_key_id".to_string(), text_or_null(s.kms_key_id())),
                    ("secret_arn".to_string(), text_or_null(s.secret_arn())),
                    ("secret_status".to_string(), text_or_null(s.secret_status())),
                ]
                .into_iter()
                .collect(),
            )
        })
        .into_iter()
        .collect();
    let manage = managed_password(
        attr(current, "manage_master_user_password"),
        !secret.is_empty(),
        i.read_replica_source_db_instance_identifier().is_some(),
    );
    let listener: Vec<Value> = i
        .listener_endpoint()
        .map(|e| {
            Value::object(
                [
                    ("address".to_string(), text_or_null(e.address())),
                    ("hosted_zone_id".to_string(), text_or_null(e.hosted_zone_id())),
                    ("port".to_string(), int_or_null(e.port())),
                ]
                .into_iter()
                .collect(),
            )
        })
        .into_iter()
        .collect();
    // See the module comment: a promoted instance stays promoted.
    let state_knows_no_source = !importing && nonempty(current, "replicate_source_db").is_none();
    let source = match i.read_replica_source_db_instance_identifier() {
        Some(_) if state_knows_no_source => attr(current, "replicate_source_db"),
        Some(s) => Value::string(s),
        None => Value::null(Type::String),
    };
    let domain = i.domain_memberships().first();
    let endpoint = i.endpoint();
    let port = endpoint.and_then(|e| e.port()).or(i.db_instance_port());
    let address = endpoint.and_then(|e| e.address());
    let string_set =
        |items: Vec<String>| Value::set(Type::String, items.iter().map(|s| Value::string(s.as_str())).collect());
    let latest = i.latest_restorable_time().and_then(|t| t.fmt(aws_sdk_rds::primitives::DateTimeFormat::DateTime).ok());
    let mut values: Vec<(&str, Value)> = vec![
        ("address", text_or_null(address)),
        ("allocated_storage", int_or_null(allocated)),
        ("allow_major_version_upgrade", attr(current, "allow_major_version_upgrade")),
        ("apply_immediately", kept("apply_immediately", Some(Value::bool(false)))),
        ("arn", text_or_null(i.db_instance_arn())),
        ("auto_minor_version_upgrade", Value::bool(i.auto_minor_version_upgrade().unwrap_or(false))),
        ("availability_zone", text_or_null(i.availability_zone())),
        ("backup_retention_period", int_or_null(i.backup_retention_period())),
        ("backup_target", text_or_null(i.backup_target())),
        ("backup_window", text_or_null(i.preferred_backup_window())),
        ("ca_cert_identifier", text_or_null(i.ca_certificate_identifier())),
        ("character_set_name", text_or_null(i.character_set_name())),
        ("copy_tags_to_snapshot", Value::bool(i.copy_tags_to_snapshot().unwrap_or(false))),
        ("custom_iam_instance_profile", text_or_null(i.custom_iam_instance_profile())),
        ("customer_owned_ip_enabled", Value::bool(i.customer_owned_ip_enabled().unwrap_or(false))),
        ("database_insights_mode", text_or_null(i.database_insights_mode().map(|m| m.as_str()))),
        ("db_name", text_or_null(i.db_name())),
        ("db_subnet_group_name", text_or_null(i.db_subnet_group().and_then(|g| g.db_subnet_group_name()))),
        ("delete_automated_backups", kept("delete_automated_backups", Some(Value::bool(true)))),
        ("dedicated_log_volume", Value::bool(i.dedicated_log_volume().unwrap_or(false))),
        ("deletion_protection", Value::bool(i.deletion_protection().unwrap_or(false))),
        ("domain", text_or_null(domain.and_then(|m| m.domain()))),
        ("domain_auth_secret_arn", text_or_null(domain.and_then(|m| m.auth_secret_arn()))),
        ("domain_dns_ips", string_set(domain.map(|m| m.dns_ips().to_vec()).unwrap_or_default())),
        ("domain_fqdn", text_or_null(domain.and_then(|m| m.fqdn()))),
        ("domain_iam_role_name", text_or_null(domain.and_then(|m| m.iam_role_name()))),
        ("domain_ou", text_or_null(domain.and_then(|m| m.ou()))),
        ("enabled_cloudwatch_logs_exports", string_set(i.enabled_cloudwatch_logs_exports().to_vec())),
        (
            "endpoint",
            match (address, port) {
                (Some(a), Some(p)) => Value::string(format!("{a}:{p}")),
                _ => Value::null(Type::String),
            },
        ),
        ("engine", text_or_null(i.engine())),
        ("engine_version", Value::string(engine_version)),
        ("engine_version_actual", Value::string(actual)),
        ("final_snapshot_identifier", attr(current, "final_snapshot_identifier")),
        ("hosted_zone_id", text_or_null(endpoint.and_then(|e| e.hosted_zone_id()))),
        ("iam_database_authentication_enabled", Value::bool(i.iam_database_authentication_enabled().unwrap_or(false))),
        ("id", text_or_null(i.dbi_resource_id())),
        ("identifier", Value::string(identifier)),
        ("identifier_prefix", text_or_null(name_prefix_from_name(identifier))),
        ("instance_class", text_or_null(i.db_instance_class())),
        ("iops", Value::int(i.iops().unwrap_or(0) as i64)),
        ("kms_key_id", text_or_null(i.kms_key_id())),
        ("latest_restorable_time", text_or_null(latest.as_deref())),
        ("license_model", text_or_null(i.license_model())),
        ("listener_endpoint", Value::list(listener_type(), listener)),
        ("maintenance_window", text_or_null(i.preferred_maintenance_window().map(str::to_lowercase).as_deref())),
        ("manage_master_user_password", manage),
        ("master_user_secret", Value::list(secret_type(), secret)),
        ("master_user_secret_kms_key_id", attr(current, "master_user_secret_kms_key_id")),
        ("max_allocated_storage", Value::int(max as i64)),
        ("monitoring_interval", Value::int(i.monitoring_interval().unwrap_or(0) as i64)),
        ("monitoring_role_arn", text_or_null(i.monitoring_role_arn())),
        ("multi_az", Value::bool(i.multi_az().unwrap_or(false))),
        ("nchar_character_set_name", text_or_null(i.nchar_character_set_name())),
        ("network_type", text_or_null(i.network_type())),
        ("option_group_name", text_or_null(i.option_group_memberships().first().and_then(|o| o.option_group_name()))),
        (
            "parameter_group_name",
            text_or_null(i.db_parameter_groups().first().and_then(|p| p.db_parameter_group_name())),
        ),
        ("password", attr(current, "password")),
        ("performance_insights_enabled", Value::bool(i.performance_insights_enabled().unwrap_or(false))),
        ("performance_insights_kms_key_id", text_or_null(i.performance_insights_kms_key_id())),
        (
            "performance_insights_retention_period",
            Value::int(i.performance_insights_retention_period().unwrap_or(0) as i64),
        ),
        ("port", int_or_null(port)),
        ("publicly_accessible", Value::bool(i.publicly_accessible().unwrap_or(false))),
        ("replica_mode", text_or_null(i.replica_mode().map(|m| m.as_str()))),
        ("replicas", crate::util::string_list(i.read_replica_db_instance_identifiers().to_vec())),
        ("replicate_source_db", source),
        ("resource_id", text_or_null(i.dbi_resource_id())),
        ("skip_final_snapshot", kept("skip_final_snapshot", Some(Value::bool(true)))),
        ("snapshot_identifier", attr(current, "snapshot_identifier")),
        ("status", text_or_null(i.db_instance_status())),
        ("storage_encrypted", Value::bool(i.storage_encrypted().unwrap_or(false))),
        ("storage_throughput", Value::int(i.storage_throughput().unwrap_or(0) as i64)),
        ("storage_type", text_or_null(i.storage_type())),
        ("tags", tags),
        ("tags_all", tags_all),
        ("timezone", text_or_null(i.timezone())),
        ("username", text_or_null(i.master_username())),
        (
            "vpc_security_group_ids",
            string_set(
                i.vpc_security_groups().iter().filter_map(|g| g.vpc_security_group_id().map(String::from)).collect(),
            ),
        ),
    ];
    if attr(current, "master_user_secret_kms_key_id").is_null() {
        if let Some(k) = i.master_user_secret().and_then(|s| s.kms_key_id()) {
            values.retain(|(n, _)| *n != "master_user_secret_kms_key_id");
            values.push(("master_user_secret_kms_key_id", Value::string(k)));
        }
    }
    let bg = attr(current, "blue_green_update");
    values.push((
        "blue_green_update",
        if bg.is_null() { Value::list(blue_green_block().implied_type(), Vec::new()) } else { bg },
    ));
    object(&schema(), values)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let identifier = identifier_of(prior).unwrap_or_default();
    let what = format!("deleting {WHAT} ({identifier})");
    let skip = bool_attr(prior, "skip_final_snapshot").unwrap_or(false);
    let final_snapshot = nonempty(prior, "final_snapshot_identifier");
    if !skip && final_snapshot.is_none() {
        return Err(ProviderDiagnostic::error(
            "final_snapshot_identifier is required when skip_final_snapshot is false",
            format!("{what}: set final_snapshot_identifier, or skip_final_snapshot = true to delete the instance without a final snapshot."),
        ));
    }
    let send = || {
        aws.log_call("rds:DeleteDBInstance");
        aws.block(
            aws.rds
                .delete_db_instance()
                .db_instance_identifier(&identifier)
                .skip_final_snapshot(skip)
                .set_final_db_snapshot_identifier(if skip { None } else { final_snapshot.clone() })
                .delete_automated_backups(bool_attr(prior, "delete_automated_backups").unwrap_or(true))
                .send(),
        )
        .map(|_| ())
        .map_err(aws_error)
    };
    let protected =
        |e: &AwsError| e.code == "InvalidParameterCombination" && e.message.contains("disable deletion pro");
    let mut sent = send();
    // Protection turned off in the configuration but not yet applied: the
    // provider turns it off first when told to apply immediately.
    if let Err(e) = &sent {
        let wants_off = !bool_attr(prior, "deletion_protection").unwrap_or(false);
        if protected(e) && wants_off && bool_attr(prior, "apply_immediately").unwrap_or(false) {
            aws.log_call("rds:ModifyDBInstance");
            aws.block(
                aws.rds
                    .modify_db_instance()
                    .db_instance_identifier(&identifier)
                    .apply_immediately(true)
                    .deletion_protection(false)
                    .send(),
            )
            .map_err(|e| aws_error(e).into_diag(&format!("updating {WHAT} ({identifier})")))?;
            wait_available(aws, &identifier).map_err(|e| e.into_diag(&what))?;
            sent = send();
        }
    }
    match sent {
        Err(e) if is_gone(&e) => return Ok(()),
        Err(e) if e.code == "InvalidDBInstanceState" && e.message.contains("is already being deleted") => {}
        // Refused (deletion protection): nothing was deleted.
        Err(e) if protected(&e) => return Err(e.into_diag(&what)),
        // moto answers some deletes with an error after removing the
        // instance (a cross-region replica): gone is deleted.
        Err(e) => {
            if describe(aws, &identifier).map_err(|e| e.into_diag(&what))?.is_some() {
                return Err(e.into_diag(&what));
            }
        }
        Ok(()) => {}
    }
    wait_until(aws, &format!("{WHAT} ({identifier}) to be deleted"), || {
        Ok(describe(aws, &identifier)?.is_none().then_some(()))
    })
    .map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({identifier}) delete")))
}

/// An interrupted create: the instance of the planned identifier (or one
/// with the planned prefix) that carries the create token.
pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = format!("looking for an {WHAT} an interrupted create made");
    let candidates = match identifier_of(planned) {
        Some(id) => describe(aws, &id).map_err(|e| e.into_diag(&what))?.into_iter().collect(),
        None => {
            let prefix = nonempty(planned, "identifier_prefix").unwrap_or_else(|| "terraform-".into());
            describe_all(aws)
                .map_err(|e| e.into_diag(&what))?
                .into_iter()
                .filter(|i| i.db_instance_identifier().is_some_and(|n| n.starts_with(&prefix)))
                .collect::<Vec<_>>()
        }
    };
    for i in candidates {
        let remote = tag_pairs(i.tag_list());
        if has_token(&remote, token) {
            let current =
                with_attr(planned, "identifier", Value::string(i.db_instance_identifier().unwrap_or_default()));
            return Ok(Some(to_state(aws, &current, &i, remote)));
        }
    }
    Ok(None)
}

fn describe_all(aws: &Aws) -> Result<Vec<DbInstance>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("rds:DescribeDBInstances");
        let page = aws.block(aws.rds.describe_db_instances().set_marker(marker.clone()).send()).map_err(aws_error)?;
        out.extend(page.db_instances().iter().cloned());
        match page.marker().filter(|m| !m.is_empty()) {
            Some(m) => marker = Some(m.to_string()),
            None => break,
        }
    }
    Ok(out)
}

pub fn list(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let all = describe_all(aws).map_err(|e| e.into_diag(&format!("listing {WHAT}s")))?;
    Ok(all
        .iter()
        .map(|i| ListedObject {
            id: i.dbi_resource_id().unwrap_or_default().to_string(),
            tags: tag_pairs(i.tag_list()).into_iter().collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(values: Vec<(&str, Value)>) -> Value {
        object(&schema(), values)
    }

    #[test]
    fn the_providers_checks_name_their_attribute() {
        // (configuration, the attribute named, the summary)
        type Case = (Vec<(&'static str, Value)>, &'static str, &'static str);
        let cases: Vec<Case> = vec![
            (
                vec![("identifier", Value::string("db_1"))],
                "identifier",
                "only lowercase alphanumeric characters and hyphens allowed in \"identifier\"",
            ),
            (
                vec![("identifier", Value::string("1db"))],
                "identifier",
                "first character of \"identifier\" must be a letter",
            ),
            (
                vec![("identifier_prefix", Value::string("db--"))],
                "identifier_prefix",
                "\"identifier_prefix\" cannot contain two consecutive hyphens",
            ),
            (
                vec![("backup_retention_period", Value::int(36))],
                "backup_retention_period",
                "Invalid backup_retention_period",
            ),
            (vec![("monitoring_interval", Value::int(7))], "monitoring_interval", "Invalid monitoring_interval"),
            (
                vec![("final_snapshot_identifier", Value::string("final-"))],
                "final_snapshot_identifier",
                "Invalid final_snapshot_identifier",
            ),
            (vec![("backup_window", Value::string("25:00-01:00"))], "backup_window", "Invalid backup_window"),
            (
                vec![("maintenance_window", Value::string("Mon:00:00-Mon:03:00x"))],
                "maintenance_window",
                "Invalid maintenance_window",
            ),
            (
                vec![("password", Value::string("x")), ("manage_master_user_password", Value::bool(true))],
                "password",
                "Conflicting configuration arguments",
            ),
            (
                vec![("username", Value::string("u")), ("replicate_source_db", Value::string("src"))],
                "username",
                "Conflicting configuration arguments",
            ),
        ];
        for (values, at, summary) in cases {
            let diags = validate(&config(values));
            assert_eq!(diags.len(), 1, "{summary}: {diags:?}");
            assert_eq!(diags[0].summary, summary);
            assert_eq!(diags[0].attribute, Some(vec![PathStep::Attr(at.to_string())]), "{summary}");
        }
        let fine = config(vec![
            ("identifier", Value::string("db-1")),
            ("backup_window", Value::string("03:00-04:00")),
            ("maintenance_window", Value::string("Mon:00:00-Mon:03:00")),
            ("final_snapshot_identifier", Value::string("db-1-final")),
        ]);
        assert!(validate(&fine).is_empty());
    }

    #[test]
    fn a_value_unknown_at_validate_conflicts_with_nothing_yet() {
        let c = config(vec![
            ("password", Value::unknown(Type::String)),
            ("manage_master_user_password", Value::bool(true)),
        ]);
        assert!(validate(&c).is_empty());
    }

    #[test]
    fn a_reported_secret_means_a_managed_password_except_on_a_replica() {
        let unset = || Value::null(Type::Bool);
        assert_eq!(managed_password(unset(), true, false).as_bool(), Some(true), "imported primary");
        assert!(managed_password(unset(), true, true).is_null(), "replica: the source's secret");
        assert!(managed_password(unset(), false, false).is_null());
        assert_eq!(managed_password(Value::bool(false), true, false).as_bool(), Some(false), "the state's own value");
    }

    #[test]
    fn autoscaled_storage_and_an_unset_maximum_plan_no_change() {
        let prior = config(vec![("allocated_storage", Value::int(30)), ("max_allocated_storage", Value::int(100))]);
        let planned = config(vec![("allocated_storage", Value::int(20)), ("max_allocated_storage", Value::int(100))]);
        assert_eq!(int_attr(&plan(&planned, &planned, &prior), "allocated_storage"), Some(30));
        let prior = config(vec![("allocated_storage", Value::int(20)), ("max_allocated_storage", Value::int(0))]);
        let planned = config(vec![("allocated_storage", Value::int(20)), ("max_allocated_storage", Value::int(20))]);
        assert_eq!(int_attr(&plan(&planned, &planned, &prior), "max_allocated_storage"), Some(0));
        let planned = config(vec![
            ("engine", Value::string("MySQL")),
            ("maintenance_window", Value::string("Mon:00:00-Mon:03:00")),
        ]);
        let out = plan(&planned, &planned, &Value::null(schema().implied_type()));
        assert_eq!(str_attr(&out, "engine").as_deref(), Some("mysql"));
        assert_eq!(str_attr(&out, "maintenance_window").as_deref(), Some("mon:00:00-mon:03:00"));
    }
}
