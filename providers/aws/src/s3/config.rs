//! The split bucket configuration resources that are one Put, one Get
//! and one Delete each: `aws_s3_bucket_versioning` (delete = Suspended,
//! except on an object lock bucket, whose versioning S3 keeps on;
//! `Disabled` only at create, for a bucket never versioned),
//! `_server_side_encryption_configuration`, `_public_access_block`,
//! `_ownership_controls`, `_policy` (documents compared by meaning) and
//! `_object_lock_configuration` (delete = a Put without a rule). Each is
//! imported by its bucket's name, `bucket,expected_bucket_owner` where it
//! takes an owner.

use super::*;
use crate::util::{bool_attr, complete_items, i32_attr, int_attr, nonempty, object, set_of, single, with_attr};
use aws_sdk_s3::types::{
    BucketVersioningStatus, DefaultRetention, MfaDelete, ObjectLockConfiguration, ObjectLockEnabled,
    ObjectLockRetentionMode, ObjectLockRule, ObjectOwnership, OwnershipControls, OwnershipControlsRule,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, VersioningConfiguration,
};
use std::collections::BTreeMap;

fn what(type_name: &str) -> &'static str {
    match type_name {
        VERSIONING => "S3 Bucket Versioning",
        ENCRYPTION => "S3 Bucket Server-side Encryption Configuration",
        PUBLIC_ACCESS_BLOCK => "S3 Bucket Public Access Block",
        OWNERSHIP_CONTROLS => "S3 Bucket Ownership Controls",
        POLICY => "S3 Bucket Policy",
        _ => "S3 Bucket Object Lock Configuration",
    }
}

fn plain(attributes: Vec<(&str, Attribute)>) -> Block {
    Block { attributes: attrs(attributes), blocks: BTreeMap::new() }
}

fn versioning_configuration_block() -> Block {
    plain(vec![
        ("mfa_delete", Attribute::optional_computed(Type::String)),
        ("status", Attribute::required(Type::String)),
    ])
}

fn sse_default_block() -> Block {
    plain(vec![
        ("kms_master_key_id", Attribute::optional(Type::String)),
        ("sse_algorithm", Attribute::required(Type::String)),
    ])
}

fn sse_rule_block() -> Block {
    Block {
        attributes: attrs(vec![("bucket_key_enabled", Attribute::optional(Type::Bool))]),
        blocks: BTreeMap::from([("apply_server_side_encryption_by_default".to_string(), single(sse_default_block()))]),
    }
}

fn ownership_rule_block() -> Block {
    plain(vec![("object_ownership", Attribute::required(Type::String))])
}

fn retention_block() -> Block {
    plain(vec![
        ("days", Attribute::optional(Type::Number)),
        ("mode", Attribute::optional(Type::String)),
        ("years", Attribute::optional(Type::Number)),
    ])
}

fn lock_rule_block() -> Block {
    Block {
        attributes: BTreeMap::new(),
        blocks: BTreeMap::from([("default_retention".to_string(), required_single(retention_block()))]),
    }
}

fn required_single(block: Block) -> strata_provider::NestedBlock {
    strata_provider::NestedBlock { min_items: 1, ..single(block) }
}

fn required_set(block: Block) -> strata_provider::NestedBlock {
    strata_provider::NestedBlock { min_items: 1, ..set_of(block) }
}

pub fn schema(type_name: &str) -> Block {
    match type_name {
        VERSIONING => Block {
            attributes: {
                let mut a = bucket_attributes(true);
                a.insert("mfa".into(), Attribute::optional(Type::String));
                a
            },
            blocks: BTreeMap::from([(
                "versioning_configuration".to_string(),
                required_single(versioning_configuration_block()),
            )]),
        },
        ENCRYPTION => Block {
            attributes: bucket_attributes(true),
            blocks: BTreeMap::from([("rule".to_string(), required_set(sse_rule_block()))]),
        },
        PUBLIC_ACCESS_BLOCK => Block {
            attributes: {
                let mut a = bucket_attributes(false);
                for n in ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] {
                    a.insert(n.into(), Attribute::optional(Type::Bool));
                }
                a
            },
            blocks: BTreeMap::new(),
        },
        OWNERSHIP_CONTROLS => Block {
            attributes: bucket_attributes(false),
            blocks: BTreeMap::from([("rule".to_string(), required_single(ownership_rule_block()))]),
        },
        POLICY => Block {
            attributes: {
                let mut a = bucket_attributes(false);
                a.insert("policy".into(), Attribute::required(Type::String));
                a
            },
            blocks: BTreeMap::new(),
        },
        _ => Block {
            attributes: {
                let mut a = bucket_attributes(true);
                a.insert("object_lock_enabled".into(), Attribute::optional(Type::String).force_new());
                a.insert("token".into(), Attribute::optional(Type::String).sensitive());
                a
            },
            blocks: BTreeMap::from([("rule".to_string(), single(lock_rule_block()))]),
        },
    }
}

fn one_of(path: &str, name: &str, value: &str, allowed: &[&str]) -> Option<ProviderDiagnostic> {
    (!allowed.contains(&value)).then(|| {
        let list: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
        invalid(path, format!("expected {name} to be one of [{}], got {value}", list.join(" ")))
    })
}

/// `sse_algorithm` of an `apply_server_side_encryption_by_default` block.
pub fn check_sse_algorithm(by_default: &Value, path: &str) -> Vec<ProviderDiagnostic> {
    str_attr(by_default, "sse_algorithm")
        .and_then(|a| one_of(path, "sse_algorithm", &a, &["AES256", "aws:kms", "aws:kms:dsse"]))
        .into_iter()
        .collect()
}

/// A `default_retention` block: a mode S3 knows, days or years (not both), positive.
pub fn check_retention(r: &Value, path: &str) -> Vec<ProviderDiagnostic> {
    let mut diags: Vec<ProviderDiagnostic> =
        str_attr(r, "mode").and_then(|m| one_of(path, "mode", &m, &["GOVERNANCE", "COMPLIANCE"])).into_iter().collect();
    let (days, years) = (int_attr(r, "days").filter(|n| *n != 0), int_attr(r, "years").filter(|n| *n != 0));
    if days.is_some() && years.is_some() {
        diags.push(invalid(path, "\"default_retention.0.days\": conflicts with default_retention.0.years".into()));
    }
    for (name, n) in [("days", days), ("years", years)] {
        if n.is_some_and(|n| n < 1) {
            diags.push(invalid(path, format!("expected {name} to be at least (1), got {}", n.unwrap_or(0))));
        }
    }
    diags
}

pub fn validate(type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    match type_name {
        VERSIONING => {
            if let Some(c) = first(config, "versioning_configuration") {
                if let Some(s) = str_attr(&c, "status") {
                    diags.extend(one_of(
                        "versioning_configuration",
                        "status",
                        &s,
                        &["Enabled", "Suspended", "Disabled"],
                    ));
                }
                if let Some(m) = str_attr(&c, "mfa_delete") {
                    diags.extend(one_of("versioning_configuration", "mfa_delete", &m, &["Enabled", "Disabled"]));
                }
            }
        }
        ENCRYPTION => {
            for rule in items(config, "rule") {
                if let Some(d) = first(&rule, "apply_server_side_encryption_by_default") {
                    diags.extend(check_sse_algorithm(&d, "rule"));
                }
            }
        }
        OWNERSHIP_CONTROLS => {
            if let Some(o) = first(config, "rule").and_then(|r| str_attr(&r, "object_ownership")) {
                diags.extend(one_of(
                    "rule",
                    "object_ownership",
                    &o,
                    &["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"],
                ));
            }
        }
        POLICY => {
            if let Some(doc) = str_attr(config, "policy") {
                if let Some(reason) = crate::iam_policy::invalid_reason(&doc) {
                    diags.push(invalid("policy", format!("\"policy\" contains an invalid JSON policy: {reason}")));
                }
            }
        }
        OBJECT_LOCK => {
            if let Some(e) = str_attr(config, "object_lock_enabled") {
                diags.extend(one_of("object_lock_enabled", "object_lock_enabled", &e, &["Enabled"]));
            }
            if let Some(r) = first(config, "rule").and_then(|r| first(&r, "default_retention")) {
                diags.extend(check_retention(&r, "rule"));
                // Unknown (a module's input at validate) is not missing.
                let missing = |k: &str| attr(&r, k).is_null();
                if missing("days") && missing("years") {
                    diags.push(invalid(
                        "rule",
                        "one of `rule.0.default_retention.0.days,rule.0.default_retention.0.years` must be specified"
                            .into(),
                    ));
                }
            }
        }
        _ => {}
    }
    diags
}

/// Nested arguments stored as the plugin SDK stores them (zero values),
/// and a policy equivalent to the stored one kept as stored.
pub fn plan(type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
    let block = schema(type_name);
    let mut out = planned.clone();
    for (name, nested) in &block.blocks {
        if name == "timeouts" {
            continue;
        }
        out = with_attr(&out, name, complete_items(&attr(planned, name), &nested.block, nested.nesting, name, &[]));
    }
    match type_name {
        POLICY => {
            if let (Some(new), Some(old)) = (str_attr(config, "policy"), str_attr(prior, "policy")) {
                if crate::iam_policy::equivalent(&old, &new) {
                    out = with_attr(&out, "policy", Value::string(old.as_str()));
                }
            }
        }
        VERSIONING => {
            // `mfa_delete` left out keeps what S3 reported.
            if let Some(c) = first(&out, "versioning_configuration") {
                if first(config, "versioning_configuration").is_some_and(|c| attr(&c, "mfa_delete").is_null()) {
                    let kept = first(prior, "versioning_configuration")
                        .map(|p| attr(&p, "mfa_delete"))
                        .unwrap_or_else(|| Value::unknown(Type::String));
                    let c = with_attr(&c, "mfa_delete", kept);
                    out = with_attr(
                        &out,
                        "versioning_configuration",
                        list_of(&versioning_configuration_block(), vec![c]),
                    );
                }
            }
        }
        _ => {}
    }
    (out, Vec::new())
}

pub fn put(aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let bucket = str_attr(planned, "bucket").unwrap_or_default();
    let owner = nonempty(planned, "expected_bucket_owner");
    let verb = if prior.is_null() { "creating" } else { "updating" };
    let what = format!("{verb} {} ({bucket})", what(type_name));
    let s3 = &aws.s3;
    let done = match type_name {
        VERSIONING => {
            let c = first(planned, "versioning_configuration").unwrap_or_else(|| Value::null(Type::String));
            let status = str_attr(&c, "status").unwrap_or_default();
            if status == "Disabled" {
                // Only a bucket never versioned can be "Disabled": nothing to send.
                let now = read_versioning(aws, &bucket, owner.as_deref()).map_err(|e| e.into_diag(&what))?;
                if now.is_some() {
                    return Err(ProviderDiagnostic::error(
                        format!("{what}: versioning cannot be disabled"),
                        format!("{what}: versioning_configuration.status cannot be set to \"Disabled\" for a bucket that is or was versioned; use \"Suspended\""),
                    ));
                }
                Ok(())
            } else {
                let config = VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::from(status.as_str()))
                    .set_mfa_delete(nonempty(&c, "mfa_delete").map(|m| MfaDelete::from(m.as_str())))
                    .build();
                aws.log_call("s3:PutBucketVersioning");
                while_propagating(aws, || {
                    aws.block(
                        s3.put_bucket_versioning()
                            .bucket(&bucket)
                            .set_expected_bucket_owner(owner.clone())
                            .set_mfa(nonempty(planned, "mfa"))
                            .versioning_configuration(config.clone())
                            .send(),
                    )
                    .map(|_| ())
                    .map_err(aws_error)
                })
            }
        }
        ENCRYPTION => {
            let rules: Vec<ServerSideEncryptionRule> = items(planned, "rule")
                .iter()
                .map(|r| {
                    let by_default = first(r, "apply_server_side_encryption_by_default").and_then(|d| {
                        ServerSideEncryptionByDefault::builder()
                            .sse_algorithm(ServerSideEncryption::from(
                                str_attr(&d, "sse_algorithm").unwrap_or_default().as_str(),
                            ))
                            .set_kms_master_key_id(nonempty(&d, "kms_master_key_id"))
                            .build()
                            .ok()
                    });
                    ServerSideEncryptionRule::builder()
                        .set_apply_server_side_encryption_by_default(by_default)
                        .set_bucket_key_enabled(bool_attr(r, "bucket_key_enabled"))
                        .build()
                })
                .collect();
            let config = ServerSideEncryptionConfiguration::builder()
                .set_rules(Some(rules))
                .build()
                .map_err(|e| ProviderDiagnostic::error(format!("{what}: rule"), e.to_string()))?;
            aws.log_call("s3:PutBucketEncryption");
            while_propagating(aws, || {
                aws.block(
                    s3.put_bucket_encryption()
                        .bucket(&bucket)
                        .set_expected_bucket_owner(owner.clone())
                        .server_side_encryption_configuration(config.clone())
                        .send(),
                )
                .map(|_| ())
                .map_err(aws_error)
            })
        }
        PUBLIC_ACCESS_BLOCK => {
            let flag = |n: &str| bool_attr(planned, n).unwrap_or(false);
            let config = PublicAccessBlockConfiguration::builder()
                .block_public_acls(flag("block_public_acls"))
                .block_public_policy(flag("block_public_policy"))
                .ignore_public_acls(flag("ignore_public_acls"))
                .restrict_public_buckets(flag("restrict_public_buckets"))
                .build();
            aws.log_call("s3:PutPublicAccessBlock");
            while_propagating(aws, || {
                aws.block(
                    s3.put_public_access_block()
                        .bucket(&bucket)
                        .public_access_block_configuration(config.clone())
                        .send(),
                )
                .map(|_| ())
                .map_err(aws_error)
            })
        }
        OWNERSHIP_CONTROLS => {
            let ownership = first(planned, "rule").and_then(|r| str_attr(&r, "object_ownership")).unwrap_or_default();
            let rule = OwnershipControlsRule::builder()
                .object_ownership(ObjectOwnership::from(ownership.as_str()))
                .build()
                .map_err(|e| ProviderDiagnostic::error(format!("{what}: rule"), e.to_string()))?;
            let controls = OwnershipControls::builder()
                .rules(rule)
                .build()
                .map_err(|e| ProviderDiagnostic::error(format!("{what}: rule"), e.to_string()))?;
            aws.log_call("s3:PutBucketOwnershipControls");
            while_propagating(aws, || {
                aws.block(
                    s3.put_bucket_ownership_controls().bucket(&bucket).ownership_controls(controls.clone()).send(),
                )
                .map(|_| ())
                .map_err(aws_error)
            })
        }
        POLICY => {
            let policy = str_attr(planned, "policy").unwrap_or_default();
            aws.log_call("s3:PutBucketPolicy");
            // IAM principals just made may not be accepted at once (MalformedPolicy).
            aws.retry(
                std::time::Duration::from_secs(120),
                |e| {
                    e.code == "NoSuchBucket" || (e.code == "MalformedPolicy" && e.message.contains("Invalid principal"))
                },
                || {
                    aws.block(s3.put_bucket_policy().bucket(&bucket).policy(&policy).send())
                        .map(|_| ())
                        .map_err(aws_error)
                },
            )
        }
        _ => {
            let rule = first(planned, "rule");
            return put_object_lock(aws, &bucket, owner.as_deref(), rule.as_ref(), &what)
                .and_then(|_| {
                    read(aws, type_name, &with_attr(planned, "id", Value::string(split_id(planned).as_str())))
                })
                .and_then(|v| v.ok_or_else(|| vanished(&what, &bucket)))
                .map(|v| with_attr(&v, "token", attr(planned, "token")));
        }
    };
    done.map_err(|e| e.into_diag(&what))?;
    let id = match type_name {
        PUBLIC_ACCESS_BLOCK | OWNERSHIP_CONTROLS | POLICY => bucket.clone(),
        _ => split_id(planned),
    };
    let stub = with_attr(planned, "id", Value::string(id.as_str()));
    let found = aws
        .until_visible(&format!("{} ({bucket})", self::what(type_name)), || {
            read_remote(aws, type_name, &stub)
                .map(|v| v.filter(|v| !(type_name == VERSIONING && is_disabled(v) && !is_disabled(planned))))
        })
        .map_err(|e| e.into_diag(&what))?;
    Ok(found)
}

fn is_disabled(v: &Value) -> bool {
    first(v, "versioning_configuration").and_then(|c| str_attr(&c, "status")).as_deref() == Some("Disabled")
}

/// PutObjectLockConfiguration: object lock on, with `rule` or without one.
pub fn put_object_lock(
    aws: &Aws,
    bucket: &str,
    owner: Option<&str>,
    rule: Option<&Value>,
    what: &str,
) -> Result<(), ProviderDiagnostic> {
    let rule = rule.and_then(|r| first(r, "default_retention")).map(|d| {
        let retention = DefaultRetention::builder()
            .set_mode(nonempty(&d, "mode").map(|m| ObjectLockRetentionMode::from(m.as_str())))
            .set_days(i32_attr(&d, "days").filter(|n| *n != 0))
            .set_years(i32_attr(&d, "years").filter(|n| *n != 0))
            .build();
        ObjectLockRule::builder().default_retention(retention).build()
    });
    let config =
        ObjectLockConfiguration::builder().object_lock_enabled(ObjectLockEnabled::Enabled).set_rule(rule).build();
    aws.log_call("s3:PutObjectLockConfiguration");
    while_propagating(aws, || {
        aws.block(
            aws.s3
                .put_object_lock_configuration()
                .bucket(bucket)
                .set_expected_bucket_owner(owner.map(String::from))
                .object_lock_configuration(config.clone())
                .send(),
        )
        .map(|_| ())
        .map_err(aws_error)
    })
    .map_err(|e| {
        let hint = if e.code == "InvalidBucketState" {
            " (object lock can be configured only on a bucket created with object_lock_enabled = true)"
        } else {
            ""
        };
        ProviderDiagnostic::error(format!("{what}: {}", e.code), format!("{what}: {}: {}{hint}", e.code, e.message))
    })
}

/// GetObjectLockConfiguration (None when the bucket has none).
pub fn read_object_lock(
    aws: &Aws,
    bucket: &str,
    owner: Option<&str>,
) -> Result<Option<ObjectLockConfiguration>, AwsError> {
    aws.log_call("s3:GetObjectLockConfiguration");
    let out = absent(
        aws.block(
            aws.s3
                .get_object_lock_configuration()
                .bucket(bucket)
                .set_expected_bucket_owner(owner.map(String::from))
                .send(),
        )
        .map_err(aws_error),
    )?;
    Ok(out.and_then(|o| o.object_lock_configuration().cloned()))
}

/// A lock rule as the `rule` block of `rule_block` (with `retention_block`
/// inside) holds it: days and years 0 where unset.
pub fn lock_rule_values(rule: Option<&ObjectLockRule>, rule_block: &Block, retention_block: &Block) -> Vec<Value> {
    rule.and_then(|r| r.default_retention())
        .map(|d| {
            let retention = object(
                retention_block,
                [
                    ("days", Value::int(d.days().unwrap_or(0) as i64)),
                    ("mode", Value::string(d.mode().map(|m| m.as_str()).unwrap_or_default())),
                    ("years", Value::int(d.years().unwrap_or(0) as i64)),
                ],
            );
            object(rule_block, [("default_retention", list_of(retention_block, vec![retention]))])
        })
        .into_iter()
        .collect()
}

/// The policy text to store: `known` when S3's is equivalent, else S3's
/// normalized ("" for none).
pub fn policy_to_state(known: &str, remote: &str) -> String {
    if remote.is_empty() {
        return String::new();
    }
    if !known.is_empty() && crate::iam_policy::equivalent(known, remote) {
        return known.to_string();
    }
    crate::iam_policy::normalize(remote)
}

/// The bucket's versioning status, None when it was never versioned.
fn read_versioning(aws: &Aws, bucket: &str, owner: Option<&str>) -> Result<Option<(String, Option<String>)>, AwsError> {
    let (status, mfa) = get_versioning(aws, bucket, owner)?;
    Ok(status.map(|s| (s, mfa)))
}

pub fn read(aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (bucket, _) = parse_id(current);
    read_remote(aws, type_name, current).map_err(|e| e.into_diag(&format!("reading {} ({bucket})", what(type_name))))
}

fn read_remote(aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, AwsError> {
    let (bucket, owner) = parse_id(current);
    let block = schema(type_name);
    let s3 = &aws.s3;
    let id = match type_name {
        PUBLIC_ACCESS_BLOCK | OWNERSHIP_CONTROLS | POLICY => bucket.clone(),
        _ => match &owner {
            Some(o) => format!("{bucket},{o}"),
            None => bucket.clone(),
        },
    };
    let mut fields: Vec<(&str, Value)> =
        vec![("bucket", Value::string(bucket.as_str())), ("id", Value::string(id.as_str()))];
    if block.attributes.contains_key("expected_bucket_owner") {
        fields.push(("expected_bucket_owner", Value::string(owner.clone().unwrap_or_default().as_str())));
    }
    match type_name {
        VERSIONING => {
            // A bucket that is gone has no versioning; one never versioned is "Disabled".
            let head = absent(aws.block(s3.head_bucket().bucket(&bucket).send()).map_err(aws_error))?;
            if head.is_none() {
                return Ok(None);
            }
            let (status, mfa) = read_versioning(aws, &bucket, owner.as_deref())?.unwrap_or(("Disabled".into(), None));
            let kept_mfa = first(current, "versioning_configuration").map(|c| attr(&c, "mfa_delete"));
            let mfa = match mfa {
                Some(m) => Value::string(m.as_str()),
                None => kept_mfa.filter(|v| v.is_wholly_known() && !v.is_null()).unwrap_or_else(|| Value::string("")),
            };
            let c = object(
                &versioning_configuration_block(),
                [("status", Value::string(status.as_str())), ("mfa_delete", mfa)],
            );
            fields.push(("versioning_configuration", list_of(&versioning_configuration_block(), vec![c])));
            fields.push(("mfa", attr(current, "mfa")));
        }
        ENCRYPTION => {
            aws.log_call("s3:GetBucketEncryption");
            let Some(out) = absent(
                aws.block(s3.get_bucket_encryption().bucket(&bucket).set_expected_bucket_owner(owner.clone()).send())
                    .map_err(aws_error),
            )?
            else {
                return Ok(None);
            };
            let rules: Vec<Value> = out
                .server_side_encryption_configuration()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    let d: Vec<Value> = r
                        .apply_server_side_encryption_by_default()
                        .map(|d| {
                            object(
                                &sse_default_block(),
                                [
                                    ("kms_master_key_id", Value::string(d.kms_master_key_id().unwrap_or_default())),
                                    ("sse_algorithm", Value::string(d.sse_algorithm().as_str())),
                                ],
                            )
                        })
                        .into_iter()
                        .collect();
                    object(
                        &sse_rule_block(),
                        [
                            ("bucket_key_enabled", Value::bool(r.bucket_key_enabled().unwrap_or(false))),
                            ("apply_server_side_encryption_by_default", list_of(&sse_default_block(), d)),
                        ],
                    )
                })
                .collect();
            fields.push(("rule", set_of_values(&sse_rule_block(), rules)));
        }
        PUBLIC_ACCESS_BLOCK => {
            aws.log_call("s3:GetPublicAccessBlock");
            let Some(out) = absent(aws.block(s3.get_public_access_block().bucket(&bucket).send()).map_err(aws_error))?
            else {
                return Ok(None);
            };
            let c = out.public_access_block_configuration();
            let flag = |v: Option<bool>| Value::bool(v.unwrap_or(false));
            fields.push(("block_public_acls", flag(c.and_then(|c| c.block_public_acls()))));
            fields.push(("block_public_policy", flag(c.and_then(|c| c.block_public_policy()))));
            fields.push(("ignore_public_acls", flag(c.and_then(|c| c.ignore_public_acls()))));
            fields.push(("restrict_public_buckets", flag(c.and_then(|c| c.restrict_public_buckets()))));
        }
        OWNERSHIP_CONTROLS => {
            aws.log_call("s3:GetBucketOwnershipControls");
            let Some(out) =
                absent(aws.block(s3.get_bucket_ownership_controls().bucket(&bucket).send()).map_err(aws_error))?
            else {
                return Ok(None);
            };
            let rules: Vec<Value> = out
                .ownership_controls()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .take(1)
                .map(|r| {
                    object(
                        &ownership_rule_block(),
                        [("object_ownership", Value::string(r.object_ownership().as_str()))],
                    )
                })
                .collect();
            fields.push(("rule", list_of(&ownership_rule_block(), rules)));
        }
        POLICY => {
            aws.log_call("s3:GetBucketPolicy");
            let Some(out) = absent(aws.block(s3.get_bucket_policy().bucket(&bucket).send()).map_err(aws_error))? else {
                return Ok(None);
            };
            let known = str_attr(current, "policy").unwrap_or_default();
            fields.push(("policy", Value::string(policy_to_state(&known, out.policy().unwrap_or_default()).as_str())));
        }
        _ => {
            let Some(lock) = read_object_lock(aws, &bucket, owner.as_deref())? else { return Ok(None) };
            if lock.object_lock_enabled().is_none() {
                return Ok(None);
            }
            let rules = lock_rule_values(lock.rule(), &lock_rule_block(), &retention_block());
            fields.push((
                "object_lock_enabled",
                Value::string(lock.object_lock_enabled().map(|e| e.as_str()).unwrap_or_default()),
            ));
            fields.push(("rule", list_of(&lock_rule_block(), rules)));
            fields.push(("token", attr(current, "token")));
        }
    }
    Ok(Some(object(&block, fields)))
}

pub fn delete(aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (bucket, owner) = parse_id(prior);
    let what = format!("deleting {} ({bucket})", what(type_name));
    let s3 = &aws.s3;
    let result = match type_name {
        VERSIONING => {
            if is_disabled(prior) {
                return Ok(());
            }
            // Versioning cannot be turned off, only suspended; and not even
            // that where object lock is on (S3 refuses: InvalidBucketState).
            let locked = read_object_lock(aws, &bucket, owner.as_deref())
                .ok()
                .flatten()
                .is_some_and(|l| l.object_lock_enabled().is_some_and(|e| e.as_str() == "Enabled"));
            if locked {
                return Ok(());
            }
            let config = VersioningConfiguration::builder().status(BucketVersioningStatus::Suspended).build();
            aws.log_call("s3:PutBucketVersioning");
            aws.block(
                s3.put_bucket_versioning()
                    .bucket(&bucket)
                    .set_expected_bucket_owner(owner)
                    .versioning_configuration(config)
                    .send(),
            )
            .map(|_| ())
            .map_err(aws_error)
        }
        ENCRYPTION => {
            aws.log_call("s3:DeleteBucketEncryption");
            aws.block(s3.delete_bucket_encryption().bucket(&bucket).set_expected_bucket_owner(owner).send())
                .map(|_| ())
                .map_err(aws_error)
        }
        PUBLIC_ACCESS_BLOCK => {
            aws.log_call("s3:DeletePublicAccessBlock");
            aws.block(s3.delete_public_access_block().bucket(&bucket).send()).map(|_| ()).map_err(aws_error)
        }
        OWNERSHIP_CONTROLS => {
            aws.log_call("s3:DeleteBucketOwnershipControls");
            aws.block(s3.delete_bucket_ownership_controls().bucket(&bucket).send()).map(|_| ()).map_err(aws_error)
        }
        POLICY => {
            aws.log_call("s3:DeleteBucketPolicy");
            aws.block(s3.delete_bucket_policy().bucket(&bucket).send()).map(|_| ()).map_err(aws_error)
        }
        _ => {
            // Object lock stays on (S3 cannot turn it off): the default retention goes.
            return match put_object_lock(aws, &bucket, owner.as_deref(), None, &what) {
                Err(_) if bucket_gone(aws, &bucket) => Ok(()),
                other => other,
            };
        }
    };
    match result {
        Err(e) if !is_gone(&e) => Err(e.into_diag(&what)),
        _ => Ok(()),
    }
}

fn bucket_gone(aws: &Aws, bucket: &str) -> bool {
    matches!(absent(aws.block(aws.s3.head_bucket().bucket(bucket).send()).map_err(aws_error)), Ok(None))
}
