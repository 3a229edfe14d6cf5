//! `aws_s3_bucket` (id = the bucket's name, imported by it).
//!
//! A create sends the region's LocationConstraint (none in us-east-1),
//! waits for HeadBucket to see the bucket, then tags it with `tags_all`
//! (the create token among them, so an interrupted create is found) and
//! writes the inline blocks it has. Of the deprecated inline blocks, the
//! ones the split resources replace and that are cheap to read are read
//! back (`versioning`, `server_side_encryption_configuration`,
//! `object_lock_configuration`, `policy`, `acceleration_status`,
//! `grant`) and written when configured (also `acl`); the rest
//! (`cors_rule`, `website`, `logging`, `lifecycle_rule`,
//! `replication_configuration`, `request_payer`) keep what the state has,
//! and configuring them is an error naming the split resource to use.
//! `request_payer` is not read: moto has no GetBucketRequestPayment.
//! Delete with `force_destroy` first deletes every object version and
//! delete marker (locks bypassed where governance allows it).

use super::*;
use crate::tags;
use crate::util::{bool_attr, map_of, nonempty, object, set_of, single, with_attr};
use aws_sdk_s3::types::{
    AccelerateConfiguration, BucketAccelerateStatus, BucketCannedAcl, BucketLocationConstraint, BucketVersioningStatus,
    CreateBucketConfiguration, Delete, ObjectIdentifier, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Tagging, VersioningConfiguration,
};
use std::collections::BTreeMap;
use strata_provider::Nesting;

const WHAT: &str = "S3 Bucket";

/// Inline blocks Strata reads back but does not write: (block, the
/// split resource that manages it).
const KEPT_BLOCKS: [(&str, &str); 5] = [
    ("cors_rule", "aws_s3_bucket_cors_configuration"),
    ("lifecycle_rule", "aws_s3_bucket_lifecycle_configuration"),
    ("logging", "aws_s3_bucket_logging"),
    ("replication_configuration", "aws_s3_bucket_replication_configuration"),
    ("website", "aws_s3_bucket_website_configuration"),
];

fn block(attributes: Vec<(&str, Attribute)>, blocks: Vec<(&str, strata_provider::NestedBlock)>) -> Block {
    Block { attributes: attrs(attributes), blocks: blocks.into_iter().map(|(k, b)| (k.to_string(), b)).collect() }
}

fn list_any(b: Block) -> strata_provider::NestedBlock {
    strata_provider::NestedBlock { nesting: Nesting::List, block: b, min_items: 0, max_items: 0 }
}

fn strings() -> Type {
    Type::list(Type::String)
}

fn versioning_block() -> Block {
    block(vec![("enabled", Attribute::optional(Type::Bool)), ("mfa_delete", Attribute::optional(Type::Bool))], vec![])
}

fn sse_default_block() -> Block {
    block(
        vec![
            ("kms_master_key_id", Attribute::optional(Type::String)),
            ("sse_algorithm", Attribute::required(Type::String)),
        ],
        vec![],
    )
}

fn sse_rule_block() -> Block {
    block(
        vec![("bucket_key_enabled", Attribute::optional(Type::Bool))],
        vec![("apply_server_side_encryption_by_default", single(sse_default_block()))],
    )
}

fn sse_block() -> Block {
    block(vec![], vec![("rule", single(sse_rule_block()))])
}

fn retention_block() -> Block {
    block(
        vec![
            ("days", Attribute::optional(Type::Number)),
            ("mode", Attribute::required(Type::String)),
            ("years", Attribute::optional(Type::Number)),
        ],
        vec![],
    )
}

fn lock_rule_block() -> Block {
    block(vec![], vec![("default_retention", single(retention_block()))])
}

fn lock_block() -> Block {
    block(vec![("object_lock_enabled", Attribute::optional(Type::String))], vec![("rule", single(lock_rule_block()))])
}

fn grant_block() -> Block {
    block(
        vec![
            ("id", Attribute::optional(Type::String)),
            ("permissions", Attribute::required(Type::set(Type::String))),
            ("type", Attribute::required(Type::String)),
            ("uri", Attribute::optional(Type::String)),
        ],
        vec![],
    )
}

fn cors_block() -> Block {
    block(
        vec![
            ("allowed_headers", Attribute::optional(strings())),
            ("allowed_methods", Attribute::required(strings())),
            ("allowed_origins", Attribute::required(strings())),
            ("expose_headers", Attribute::optional(strings())),
            ("max_age_seconds", Attribute::optional(Type::Number)),
        ],
        vec![],
    )
}

fn website_block() -> Block {
    block(
        vec![
            ("error_document", Attribute::optional(Type::String)),
            ("index_document", Attribute::optional(Type::String)),
            ("redirect_all_requests_to", Attribute::optional(Type::String)),
            ("routing_rules", Attribute::optional(Type::String)),
        ],
        vec![],
    )
}

fn logging_block() -> Block {
    block(
        vec![
            ("target_bucket", Attribute::required(Type::String)),
            ("target_prefix", Attribute::optional(Type::String)),
        ],
        vec![],
    )
}

fn lifecycle_rule_block() -> Block {
    let expiration = block(
        vec![
            ("date", Attribute::optional(Type::String)),
            ("days", Attribute::optional(Type::Number)),
            ("expired_object_delete_marker", Attribute::optional(Type::Bool)),
        ],
        vec![],
    );
    let transition = block(
        vec![
            ("date", Attribute::optional(Type::String)),
            ("days", Attribute::optional(Type::Number)),
            ("storage_class", Attribute::required(Type::String)),
        ],
        vec![],
    );
    let noncurrent_expiration = block(vec![("days", Attribute::optional(Type::Number))], vec![]);
    let noncurrent_transition = block(
        vec![("days", Attribute::optional(Type::Number)), ("storage_class", Attribute::required(Type::String))],
        vec![],
    );
    block(
        vec![
            ("abort_incomplete_multipart_upload_days", Attribute::optional(Type::Number)),
            ("enabled", Attribute::required(Type::Bool)),
            ("id", Attribute::optional_computed(Type::String)),
            ("prefix", Attribute::optional(Type::String)),
            ("tags", Attribute::optional(Type::map(Type::String))),
        ],
        vec![
            ("expiration", single(expiration)),
            ("noncurrent_version_expiration", single(noncurrent_expiration)),
            ("noncurrent_version_transition", set_of(noncurrent_transition)),
            ("transition", set_of(transition)),
        ],
    )
}

fn replication_block() -> Block {
    let destination = block(
        vec![
            ("account_id", Attribute::optional(Type::String)),
            ("bucket", Attribute::required(Type::String)),
            ("replica_kms_key_id", Attribute::optional(Type::String)),
            ("storage_class", Attribute::optional(Type::String)),
        ],
        vec![],
    );
    let filter = block(
        vec![("prefix", Attribute::optional(Type::String)), ("tags", Attribute::optional(Type::map(Type::String)))],
        vec![],
    );
    let rule = block(
        vec![
            ("delete_marker_replication_status", Attribute::optional(Type::String)),
            ("id", Attribute::optional(Type::String)),
            ("prefix", Attribute::optional(Type::String)),
            ("priority", Attribute::optional(Type::Number)),
            ("status", Attribute::required(Type::String)),
        ],
        vec![("destination", single(destination)), ("filter", single(filter))],
    );
    block(vec![("role", Attribute::required(Type::String))], vec![("rules", set_of(rule))])
}

pub fn schema() -> Block {
    block(
        vec![
            ("acceleration_status", Attribute::optional_computed(Type::String)),
            ("acl", Attribute::optional_computed(Type::String)),
            ("arn", Attribute::computed(Type::String)),
            ("bucket", Attribute::optional_computed(Type::String).force_new()),
            ("bucket_domain_name", Attribute::computed(Type::String)),
            ("bucket_prefix", Attribute::optional_computed(Type::String).force_new()),
            ("bucket_region", Attribute::computed(Type::String)),
            ("bucket_regional_domain_name", Attribute::computed(Type::String)),
            ("force_destroy", Attribute::optional(Type::Bool)),
            ("hosted_zone_id", Attribute::computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("object_lock_enabled", Attribute::optional_computed(Type::Bool).force_new()),
            ("policy", Attribute::optional_computed(Type::String)),
            ("request_payer", Attribute::optional_computed(Type::String)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("website_domain", Attribute::computed(Type::String)),
            ("website_endpoint", Attribute::computed(Type::String)),
        ],
        vec![
            ("cors_rule", list_any(cors_block())),
            ("grant", set_of(grant_block())),
            ("lifecycle_rule", list_any(lifecycle_rule_block())),
            ("logging", single(logging_block())),
            ("object_lock_configuration", single(lock_block())),
            ("replication_configuration", single(replication_block())),
            ("server_side_encryption_configuration", single(sse_block())),
            ("versioning", single(versioning_block())),
            ("website", single(website_block())),
        ],
    )
}

/// AWS's naming rules for buckets made today (any region), worded as
/// the provider words them.
pub fn name_problem(name: &str) -> Option<String> {
    if name.len() < 3 || name.len() > 63 {
        return Some(format!("{name:?} must contain from 3 to 63 characters"));
    }
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.') {
        return Some(format!("only lowercase alphanumeric characters, hyphens and periods allowed in {name:?}"));
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() == 4
        && labels.iter().all(|l| !l.is_empty() && l.len() <= 3 && l.chars().all(|c| c.is_ascii_digit()))
    {
        return Some(format!("{name:?} must not be formatted as an IP address"));
    }
    if name.starts_with('.') || name.starts_with('-') {
        return Some(format!("{name:?} must begin with a letter or number"));
    }
    if name.ends_with('.') || name.ends_with('-') {
        return Some(format!("{name:?} must end with a letter or number"));
    }
    if name.contains("..") {
        return Some(format!("{name:?} can be only one period between labels"));
    }
    if name.starts_with("xn--")
        || name.starts_with("sthree-")
        || name.ends_with("-s3alias")
        || name.ends_with("--ol-s3")
    {
        return Some(format!("{name:?} uses a prefix or suffix AWS reserves"));
    }
    None
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if let Some(name) = str_attr(config, "bucket") {
        if let Some(problem) = name_problem(&name) {
            diags.push(invalid("bucket", format!("invalid bucket name: {problem}")));
        }
    }
    if let Some(prefix) = str_attr(config, "bucket_prefix") {
        if prefix.len() > 37 {
            diags.push(invalid(
                "bucket_prefix",
                format!("expected length of bucket_prefix to be in the range (0 - 37), got {prefix}"),
            ));
        } else if !prefix.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.') {
            diags.push(invalid(
                "bucket_prefix",
                format!("only lowercase alphanumeric characters, hyphens and periods allowed in {prefix:?}"),
            ));
        }
    }
    if crate::util::is_set(&attr(config, "bucket")) && crate::util::is_set(&attr(config, "bucket_prefix")) {
        diags.push(invalid("bucket", "\"bucket\": conflicts with bucket_prefix".into()));
    }
    for (name, split) in KEPT_BLOCKS {
        if !items(config, name).is_empty() {
            diags.push(invalid(
                name,
                format!(
                    "Strata does not write the deprecated inline {name:?} block of aws_s3_bucket: use {split} for it"
                ),
            ));
        }
    }
    if crate::util::is_set(&attr(config, "request_payer")) {
        diags.push(invalid(
            "request_payer",
            "Strata does not write the deprecated request_payer argument: use aws_s3_bucket_request_payment_configuration"
                .into(),
        ));
    }
    if let Some(s) = str_attr(config, "acceleration_status") {
        if s != "Enabled" && s != "Suspended" {
            diags.push(invalid(
                "acceleration_status",
                format!("expected acceleration_status to be one of [\"Enabled\" \"Suspended\"], got {s}"),
            ));
        }
    }
    if let Some(acl) = str_attr(config, "acl") {
        const ACLS: [&str; 7] = [
            "private",
            "public-read",
            "public-read-write",
            "aws-exec-read",
            "authenticated-read",
            "bucket-owner-read",
            "bucket-owner-full-control",
        ];
        if !ACLS.contains(&acl.as_str()) && acl != "log-delivery-write" {
            diags.push(invalid("acl", format!("expected acl to be one of {ACLS:?}, got {acl}")));
        }
    }
    if !items(config, "grant").is_empty() {
        diags.push(invalid(
            "grant",
            "Strata does not write the deprecated inline \"grant\" block of aws_s3_bucket: use aws_s3_bucket_acl for it".into(),
        ));
    }
    if let Some(sse) = first(config, "server_side_encryption_configuration")
        .and_then(|c| first(&c, "rule"))
        .and_then(|r| first(&r, "apply_server_side_encryption_by_default"))
    {
        diags.extend(super::config::check_sse_algorithm(&sse, "server_side_encryption_configuration"));
    }
    if let Some(lock) = first(config, "object_lock_configuration") {
        if let Some(r) = first(&lock, "rule").and_then(|r| first(&r, "default_retention")) {
            diags.extend(super::config::check_retention(&r, "object_lock_configuration"));
        }
    }
    diags
}

/// The inline blocks left out keep what was read (unknown when creating:
/// AWS decides); the name is unknown until made unless given.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut out = planned.clone();
    let block = schema();
    for (name, nested) in &block.blocks {
        if name == "timeouts" {
            continue;
        }
        let written = attr(config, name);
        if written.is_known() && items(config, name).is_empty() {
            let kept = if prior.is_null() {
                let ty = nested.block.implied_type();
                Value::unknown(if nested.nesting == Nesting::Set { Type::set(ty) } else { Type::list(ty) })
            } else {
                attr(prior, name)
            };
            out = with_attr(&out, name, kept);
        }
    }
    // `versioning { enabled = true }` is stored with its false default.
    if let Some(v) = first(config, "versioning") {
        let completed = crate::util::complete(&v, &versioning_block(), "", &[]);
        out = with_attr(&out, "versioning", list_of(&versioning_block(), vec![completed]));
    }
    if let Some(c) = first(config, "server_side_encryption_configuration") {
        let completed = crate::util::complete(&c, &sse_block(), "", &[]);
        out = with_attr(&out, "server_side_encryption_configuration", list_of(&sse_block(), vec![completed]));
    }
    if let Some(c) = first(config, "object_lock_configuration") {
        let mut completed = crate::util::complete(&c, &lock_block(), "", &[]);
        if str_attr(&completed, "object_lock_enabled").unwrap_or_default().is_empty() {
            completed = with_attr(&completed, "object_lock_enabled", Value::string("Enabled"));
        }
        out = with_attr(&out, "object_lock_configuration", list_of(&lock_block(), vec![completed]));
    }
    // A policy equivalent to the stored one keeps the stored text.
    let policy = attr(config, "policy");
    if let (Some(new), Some(old)) = (policy.as_str(), str_attr(prior, "policy")) {
        if crate::iam_policy::equivalent(&old, new) {
            out = with_attr(&out, "policy", Value::string(old.as_str()));
        }
    }
    // A changed `acl` shows as a change only where one was written.
    if !prior.is_null() && attr(config, "acl").is_null() {
        out = with_attr(&out, "acl", attr(prior, "acl"));
    }
    out
}

/// Terraform's `id.PrefixedUniqueId`: the prefix, an 18-digit UTC
/// timestamp and an 8-digit hex counter (26 characters in all).
pub(super) fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let (secs, tenth_ms) = (now.as_secs() as i64, now.subsec_micros() / 100);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
    format!("{prefix}{y:04}{m:02}{d:02}{:02}{:02}{:02}{tenth_ms:04}{n:08x}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The (year, month, day) of a count of days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The prefix of a name `unique_name` made ("" for any other name).
fn prefix_of(name: &str) -> String {
    if name.len() <= 26 {
        return String::new();
    }
    let (prefix, suffix) = name.split_at(name.len() - 26);
    let (digits, hex) = suffix.split_at(18);
    if digits.chars().all(|c| c.is_ascii_digit()) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        prefix.to_string()
    } else {
        String::new()
    }
}

fn s3_tags(m: &BTreeMap<String, String>) -> Vec<Tag> {
    m.iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect()
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = nonempty(planned, "bucket").unwrap_or_else(|| {
        unique_name(&nonempty(planned, "bucket_prefix").unwrap_or_else(|| "terraform-".to_string()))
    });
    let what = format!("creating {WHAT} ({name})");
    if let Some(problem) = name_problem(&name) {
        return Err(ProviderDiagnostic::error(
            format!("{what}: invalid name"),
            format!("validating S3 Bucket name: {problem}"),
        ));
    }
    let location = (aws.region != "us-east-1").then(|| {
        CreateBucketConfiguration::builder()
            .location_constraint(BucketLocationConstraint::from(aws.region.as_str()))
            .build()
    });
    aws.log_call("s3:CreateBucket");
    aws.block(
        aws.s3
            .create_bucket()
            .bucket(&name)
            .set_create_bucket_configuration(location)
            .set_object_lock_enabled_for_bucket(bool_attr(planned, "object_lock_enabled").filter(|b| *b))
            .set_acl(nonempty(planned, "acl").map(|a| BucketCannedAcl::from(a.as_str())))
            .send(),
    )
    .map_err(|e| aws_error(e).into_diag(&what))?;
    aws.until_visible(&format!("{WHAT} ({name})"), || head(aws, &name).map(|r| r.map(|_| ())))
        .map_err(|e| e.into_diag(&what))?;
    let stub =
        with_attr(&with_attr(planned, "bucket", Value::string(name.as_str())), "id", Value::string(name.as_str()));
    let tags = map_of(&attr(planned, "tags_all"));
    if !tags.is_empty() {
        put_tags(aws, &name, &tags, &what)?;
    }
    write_inline(aws, &name, &Value::null(planned.ty().clone()), &stub, &what)?;
    read(aws, &stub)?.ok_or_else(|| vanished(&what, &name))
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("updating {WHAT} ({name})");
    let (old, new) = (map_of(&attr(prior, "tags_all")), map_of(&attr(planned, "tags_all")));
    if old != new {
        if new.is_empty() {
            aws.log_call("s3:DeleteBucketTagging");
            aws.block(aws.s3.delete_bucket_tagging().bucket(&name).send())
                .map_err(|e| aws_error(e).into_diag(&what))?;
        } else {
            put_tags(aws, &name, &new, &what)?;
        }
    }
    if nonempty(planned, "acl").is_some() && !attr(prior, "acl").raw_equal(&attr(planned, "acl")) {
        aws.log_call("s3:PutBucketAcl");
        let acl = BucketCannedAcl::from(nonempty(planned, "acl").unwrap_or_default().as_str());
        aws.block(aws.s3.put_bucket_acl().bucket(&name).acl(acl).send()).map_err(|e| aws_error(e).into_diag(&what))?;
    }
    write_inline(aws, &name, prior, planned, &what)?;
    read(aws, planned)?.ok_or_else(|| vanished(&what, &name))
}

fn put_tags(aws: &Aws, name: &str, tags: &BTreeMap<String, String>, what: &str) -> Result<(), ProviderDiagnostic> {
    let tagging = Tagging::builder()
        .set_tag_set(Some(s3_tags(tags)))
        .build()
        .map_err(|e| ProviderDiagnostic::error(format!("{what}: tags"), e.to_string()))?;
    aws.log_call("s3:PutBucketTagging");
    while_propagating(aws, || {
        aws.block(aws.s3.put_bucket_tagging().bucket(name).tagging(tagging.clone()).send())
            .map(|_| ())
            .map_err(aws_error)
    })
    .map_err(|e| e.into_diag(what))
}

/// The inline blocks and arguments Strata writes, where they changed
/// and are known (an unknown one was left out: AWS keeps what it has).
fn write_inline(aws: &Aws, name: &str, prior: &Value, planned: &Value, what: &str) -> Result<(), ProviderDiagnostic> {
    let changed = |n: &str| {
        let v = attr(planned, n);
        v.is_wholly_known() && !v.is_null() && !attr(prior, n).raw_equal(&v)
    };
    if changed("policy") {
        match nonempty(planned, "policy") {
            Some(policy) => {
                aws.log_call("s3:PutBucketPolicy");
                aws.block(aws.s3.put_bucket_policy().bucket(name).policy(policy).send())
                    .map_err(|e| aws_error(e).into_diag(what))?;
            }
            None if !prior.is_null() => {
                aws.log_call("s3:DeleteBucketPolicy");
                aws.block(aws.s3.delete_bucket_policy().bucket(name).send())
                    .map_err(|e| aws_error(e).into_diag(what))?;
            }
            None => {}
        }
    }
    if changed("acceleration_status") {
        if let Some(status) = nonempty(planned, "acceleration_status") {
            aws.log_call("s3:PutBucketAccelerateConfiguration");
            let config =
                AccelerateConfiguration::builder().status(BucketAccelerateStatus::from(status.as_str())).build();
            aws.block(
                aws.s3.put_bucket_accelerate_configuration().bucket(name).accelerate_configuration(config).send(),
            )
            .map_err(|e| aws_error(e).into_diag(what))?;
        }
    }
    if changed("versioning") {
        if let Some(v) = first(planned, "versioning") {
            let enabled = bool_attr(&v, "enabled").unwrap_or(false);
            // A bucket never versioned stays so: "Suspended" only once it was.
            let was = first(prior, "versioning").and_then(|p| bool_attr(&p, "enabled")).unwrap_or(false);
            if enabled || was {
                let status = if enabled { BucketVersioningStatus::Enabled } else { BucketVersioningStatus::Suspended };
                aws.log_call("s3:PutBucketVersioning");
                let config = VersioningConfiguration::builder().status(status).build();
                aws.block(aws.s3.put_bucket_versioning().bucket(name).versioning_configuration(config).send())
                    .map_err(|e| aws_error(e).into_diag(what))?;
            }
        }
    }
    if changed("server_side_encryption_configuration") {
        match first(planned, "server_side_encryption_configuration").and_then(|c| first(&c, "rule")) {
            Some(rule) => {
                let d = first(&rule, "apply_server_side_encryption_by_default");
                let by_default = d.and_then(|d| {
                    ServerSideEncryptionByDefault::builder()
                        .sse_algorithm(ServerSideEncryption::from(
                            str_attr(&d, "sse_algorithm").unwrap_or_default().as_str(),
                        ))
                        .set_kms_master_key_id(nonempty(&d, "kms_master_key_id"))
                        .build()
                        .ok()
                });
                let rule = ServerSideEncryptionRule::builder()
                    .set_apply_server_side_encryption_by_default(by_default)
                    .set_bucket_key_enabled(bool_attr(&rule, "bucket_key_enabled"))
                    .build();
                let config = ServerSideEncryptionConfiguration::builder()
                    .rules(rule)
                    .build()
                    .map_err(|e| ProviderDiagnostic::error(format!("{what}: encryption"), e.to_string()))?;
                aws.log_call("s3:PutBucketEncryption");
                aws.block(
                    aws.s3.put_bucket_encryption().bucket(name).server_side_encryption_configuration(config).send(),
                )
                .map_err(|e| aws_error(e).into_diag(what))?;
            }
            None if !prior.is_null() => {
                aws.log_call("s3:DeleteBucketEncryption");
                aws.block(aws.s3.delete_bucket_encryption().bucket(name).send())
                    .map_err(|e| aws_error(e).into_diag(what))?;
            }
            None => {}
        }
    }
    if changed("object_lock_configuration") {
        if let Some(lock) = first(planned, "object_lock_configuration") {
            super::config::put_object_lock(aws, name, None, first(&lock, "rule").as_ref(), what)?;
        }
    }
    Ok(())
}

/// HeadBucket: the bucket's region if it is there.
fn head(aws: &Aws, name: &str) -> Result<Option<String>, AwsError> {
    aws.log_call("s3:HeadBucket");
    let out = absent(aws.block(aws.s3.head_bucket().bucket(name).send()).map_err(aws_error))?;
    Ok(out.map(|o| o.bucket_region().map(String::from).unwrap_or_else(|| aws.region.clone())))
}

/// The S3 hosted zone of a region (Route 53 alias targets).
pub fn hosted_zone_id(region: &str) -> Option<&'static str> {
    Some(match region {
        "af-south-1" => "Z83WF9RJE8B12",
        "ap-east-1" => "ZNB98KWMFR0R6",
        "ap-northeast-1" => "Z2M4EHUR26P7ZW",
        "ap-northeast-2" => "Z3W03O7B5YMIYP",
        "ap-northeast-3" => "Z2YQB5RD63NC85",
        "ap-south-1" => "Z11RGJOFQNVJUP",
        "ap-south-2" => "Z02976202B4EZMXIPMXF7",
        "ap-southeast-1" => "Z3O0J2DXBE1FTB",
        "ap-southeast-2" => "Z1WCIGYICN2BYD",
        "ap-southeast-3" => "Z01613992JD795ZI93075",
        "ap-southeast-4" => "Z0312387243XT5FE14WFO",
        "ca-central-1" => "Z1QDHH18159H29",
        "cn-north-1" => "Z5CN8UMXT92WN",
        "cn-northwest-1" => "Z282HJ1KT0DH03",
        "eu-central-1" => "Z21DNDUVLTQW6Q",
        "eu-central-2" => "Z030506016YDQGETNASS",
        "eu-north-1" => "Z3BAZG2TWCNX0D",
        "eu-south-1" => "Z30OZKI7KPW7MI",
        "eu-south-2" => "Z0081959F7139GRJC19J",
        "eu-west-1" => "Z1BKCTXD74EZPE",
        "eu-west-2" => "Z3GKZC51ZF0DB4",
        "eu-west-3" => "Z3R1K369G5AVDG",
        "il-central-1" => "Z09640613K4A3MN55U7GU",
        "me-central-1" => "Z06143092I8HRXZRUZROF",
        "me-south-1" => "Z1MPMWCPA7YB62",
        "sa-east-1" => "Z7KQH4QJS55SO",
        "us-east-1" => "Z3AQBSTGFYJSTF",
        "us-east-2" => "Z2O1EMRO9K5GLX",
        "us-gov-east-1" => "Z2NIFVYYW2VKV1",
        "us-gov-west-1" => "Z31GFT0UA1I2HV",
        "us-west-1" => "Z2F56UZL2M1ACD",
        "us-west-2" => "Z3BJ6K6RIION7M",
        _ => return None,
    })
}

fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = {
        let id = crate::id_of(current);
        if id.is_empty() {
            str_attr(current, "bucket").unwrap_or_default()
        } else {
            id
        }
    };
    let what = format!("reading {WHAT} ({name})");
    let err = |e: AwsError| e.into_diag(&what);
    let Some(region) = head(aws, &name).map_err(err)? else { return Ok(None) };
    let s3 = &aws.s3;
    aws.log_call("s3:GetBucketTagging");
    let remote_tags = absent(aws.block(s3.get_bucket_tagging().bucket(&name).send()).map_err(aws_error))
        .map_err(err)?
        .map(|o| o.tag_set().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect::<Vec<_>>())
        .unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote_tags);
    aws.log_call("s3:GetBucketPolicy");
    let remote_policy = absent(aws.block(s3.get_bucket_policy().bucket(&name).send()).map_err(aws_error))
        .map_err(err)?
        .and_then(|o| o.policy().map(String::from))
        .unwrap_or_default();
    let policy = super::config::policy_to_state(&str_attr(current, "policy").unwrap_or_default(), &remote_policy);
    let acceleration = get_acceleration(aws, &name).map_err(err)?;
    let (status, mfa) = get_versioning(aws, &name, None).map_err(err)?;
    let versioning = object(
        &versioning_block(),
        [
            ("enabled", Value::bool(status.as_deref() == Some("Enabled"))),
            ("mfa_delete", Value::bool(mfa.as_deref() == Some("Enabled"))),
        ],
    );
    aws.log_call("s3:GetBucketEncryption");
    let sse = absent(aws.block(s3.get_bucket_encryption().bucket(&name).send()).map_err(aws_error)).map_err(err)?;
    let sse: Vec<Value> = sse
        .and_then(|o| o.server_side_encryption_configuration().cloned())
        .map(|c| {
            let rules = c
                .rules()
                .iter()
                .take(1)
                .map(|r| {
                    let by_default = r
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
                            ("apply_server_side_encryption_by_default", list_of(&sse_default_block(), by_default)),
                        ],
                    )
                })
                .collect();
            object(&sse_block(), [("rule", list_of(&sse_rule_block(), rules))])
        })
        .into_iter()
        .collect();
    let lock = super::config::read_object_lock(aws, &name, None).map_err(err)?;
    let lock_enabled = lock.as_ref().is_some_and(|l| l.object_lock_enabled().is_some_and(|e| e.as_str() == "Enabled"));
    let lock_blocks: Vec<Value> = lock
        .filter(|_| lock_enabled)
        .map(|l| {
            let rules = super::config::lock_rule_values(l.rule(), &lock_rule_block(), &retention_block());
            object(
                &lock_block(),
                [("object_lock_enabled", Value::string("Enabled")), ("rule", list_of(&lock_rule_block(), rules))],
            )
        })
        .into_iter()
        .collect();
    aws.log_call("s3:GetBucketAcl");
    let acl = aws.block(s3.get_bucket_acl().bucket(&name).send()).map_err(|e| err(aws_error(e)))?;
    let mut grants: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for g in acl.grants() {
        let Some(grantee) = g.grantee() else { continue };
        let key = (
            grantee.id().unwrap_or_default().to_string(),
            grantee.r#type().as_str().to_string(),
            grantee.uri().unwrap_or_default().to_string(),
        );
        grants.entry(key).or_default().extend(g.permission().map(|p| p.as_str().to_string()));
    }
    let grants = grants
        .into_iter()
        .map(|((id, kind, uri), permissions)| {
            object(
                &grant_block(),
                [
                    ("id", Value::string(id.as_str())),
                    ("permissions", string_set(permissions)),
                    ("type", Value::string(kind.as_str())),
                    ("uri", Value::string(uri.as_str())),
                ],
            )
        })
        .collect();
    let suffix = dns_suffix(&region);
    let partition = crate::util::partition(&region);
    let kept = |n: &str| {
        let v = attr(current, n);
        if v.is_null() || !v.is_wholly_known() {
            Value::list(schema().blocks[n].block.implied_type(), Vec::new())
        } else {
            v
        }
    };
    let known_or = |n: &str, fallback: Value| {
        let v = attr(current, n);
        if v.is_wholly_known() && !v.is_null() {
            v
        } else {
            fallback
        }
    };
    let mut fields: Vec<(&str, Value)> = vec![
        ("acceleration_status", Value::string(acceleration.as_str())),
        ("acl", known_or("acl", Value::null(Type::String))),
        ("arn", Value::string(format!("arn:{partition}:s3:::{name}").as_str())),
        ("bucket", Value::string(name.as_str())),
        ("bucket_domain_name", Value::string(format!("{name}.s3.{suffix}").as_str())),
        ("bucket_prefix", Value::string(prefix_of(&name).as_str())),
        ("bucket_region", Value::string(region.as_str())),
        ("bucket_regional_domain_name", Value::string(format!("{name}.s3.{region}.{suffix}").as_str())),
        ("force_destroy", known_or("force_destroy", Value::bool(false))),
        ("hosted_zone_id", opt_text(hosted_zone_id(&region))),
        ("id", Value::string(name.as_str())),
        ("object_lock_enabled", Value::bool(lock_enabled)),
        ("policy", Value::string(policy.as_str())),
        ("request_payer", known_or("request_payer", Value::string("BucketOwner"))),
        ("tags", tags),
        ("tags_all", tags_all),
        ("grant", set_of_values(&grant_block(), grants)),
        ("object_lock_configuration", list_of(&lock_block(), lock_blocks)),
        ("server_side_encryption_configuration", list_of(&sse_block(), sse)),
        ("versioning", list_of(&versioning_block(), vec![versioning])),
    ];
    for (n, _) in KEPT_BLOCKS {
        fields.push((n, kept(n)));
    }
    // A website's endpoint is known only where a website was configured.
    let website = !items(current, "website").is_empty();
    fields.push((
        "website_domain",
        if website {
            Value::string(format!("s3-website.{region}.{suffix}").as_str())
        } else {
            Value::null(Type::String)
        },
    ));
    fields.push((
        "website_endpoint",
        if website {
            Value::string(format!("{name}.s3-website.{region}.{suffix}").as_str())
        } else {
            Value::null(Type::String)
        },
    ));
    Ok(Some(object(&schema(), fields)))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("deleting {WHAT} ({name})");
    let force = bool_attr(prior, "force_destroy").unwrap_or(false);
    let delete_bucket = || {
        aws.log_call("s3:DeleteBucket");
        aws.block(aws.s3.delete_bucket().bucket(&name).send()).map(|_| ()).map_err(aws_error)
    };
    match delete_bucket() {
        Ok(()) => {}
        Err(e) if is_gone(&e) => return Ok(()),
        Err(e) if e.code == "BucketNotEmpty" && force => {
            empty_bucket(aws, &name, &what)?;
            match delete_bucket() {
                Err(e) if !is_gone(&e) => return Err(e.into_diag(&format!("{what}: DeleteBucket after emptying it"))),
                _ => {}
            }
        }
        Err(e) if e.code == "BucketNotEmpty" => {
            return Err(ProviderDiagnostic::error(
                format!("{what}: BucketNotEmpty"),
                format!(
                    "{what}: BucketNotEmpty: {}. The bucket still holds objects: set force_destroy = true (and apply it) to delete every object version with the bucket, or empty it first.",
                    e.message
                ),
            ))
        }
        Err(e) => return Err(e.into_diag(&what)),
    }
    // Gone once HeadBucket says so.
    aws.retry(
        crate::client::EVENTUAL_CONSISTENCY,
        |e| e.code == "StillThere",
        || match head(aws, &name)? {
            Some(_) => Err(AwsError { code: "StillThere".into(), message: format!("{WHAT} {name} is still there") }),
            None => Ok(()),
        },
    )
    .map_err(|e| e.into_diag(&what))
}

/// Deletes every object version and delete marker, a page at a time.
fn empty_bucket(aws: &Aws, name: &str, what: &str) -> Result<(), ProviderDiagnostic> {
    // The call is named: a server failing one of them (moto's 500s) is
    // then told apart from the bucket's own DeleteBucket refusing.
    let err = |call: &str, e: AwsError| e.into_diag(&format!("{what}: emptying it: {call}"));
    for _ in 0..100_000 {
        aws.log_call("s3:ListObjectVersions");
        let page = aws
            .block(aws.s3.list_object_versions().bucket(name).send())
            .map_err(|e| err("ListObjectVersions", aws_error(e)))?;
        let mut ids: Vec<ObjectIdentifier> = Vec::new();
        // Delete markers first: moto fails (500) removing a key's last
        // entry when that entry is a delete marker.
        for m in page.delete_markers() {
            ids.extend(
                ObjectIdentifier::builder()
                    .set_key(m.key().map(String::from))
                    .set_version_id(m.version_id().map(String::from))
                    .build()
                    .ok(),
            );
        }
        for v in page.versions() {
            ids.extend(
                ObjectIdentifier::builder()
                    .set_key(v.key().map(String::from))
                    .set_version_id(v.version_id().map(String::from))
                    .build()
                    .ok(),
            );
        }
        if ids.is_empty() {
            return Ok(());
        }
        for chunk in ids.chunks(1000) {
            let delete = Delete::builder()
                .set_objects(Some(chunk.to_vec()))
                .quiet(true)
                .build()
                .map_err(|e| ProviderDiagnostic::error(format!("{what}: emptying"), e.to_string()))?;
            aws.log_call("s3:DeleteObjects");
            let out = aws
                .block(aws.s3.delete_objects().bucket(name).delete(delete).bypass_governance_retention(true).send())
                .map_err(|e| err("DeleteObjects", aws_error(e)))?;
            if let Some(e) = out.errors().first() {
                return Err(ProviderDiagnostic::error(
                    format!("{what}: emptying the bucket"),
                    format!(
                        "{what}: deleting object {:?} (version {:?}): {}: {}",
                        e.key().unwrap_or_default(),
                        e.version_id().unwrap_or_default(),
                        e.code().unwrap_or_default(),
                        e.message().unwrap_or_default()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The bucket an interrupted create made: the planned name (or, for a
/// generated one, any bucket with the planned prefix) carrying the token.
pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for an S3 Bucket an interrupted create made";
    let candidates = match nonempty(planned, "bucket") {
        Some(name) => vec![name],
        None => {
            let prefix = nonempty(planned, "bucket_prefix").unwrap_or_else(|| "terraform-".to_string());
            list_names(aws, what)?.into_iter().filter(|n| n.starts_with(&prefix) && prefix_of(n) == prefix).collect()
        }
    };
    for name in candidates {
        aws.log_call("s3:GetBucketTagging");
        let tagged = absent(aws.block(aws.s3.get_bucket_tagging().bucket(&name).send()).map_err(aws_error))
            .map_err(|e| e.into_diag(what))?
            .is_some_and(|o| o.tag_set().iter().any(|t| t.key() == tags::CREATE_TOKEN_TAG && t.value() == token));
        if tagged {
            let stub = with_attr(planned, "id", Value::string(name.as_str()));
            return read(aws, &stub);
        }
    }
    Ok(None)
}

fn list_names(aws: &Aws, what: &str) -> Result<Vec<String>, ProviderDiagnostic> {
    aws.log_call("s3:ListBuckets");
    let out = aws.block(aws.s3.list_buckets().send()).map_err(|e| aws_error(e).into_diag(what))?;
    Ok(out.buckets().iter().filter_map(|b| b.name().map(String::from)).collect())
}

/// Every bucket in the provider's region, for `drift -unmanaged`.
pub fn list(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let what = "listing S3 Buckets";
    let mut objects = Vec::new();
    aws.log_call("s3:ListBuckets");
    let out =
        aws.block(aws.s3.list_buckets().bucket_region(&aws.region).send()).map_err(|e| aws_error(e).into_diag(what))?;
    for b in out.buckets() {
        let Some(name) = b.name() else { continue };
        if b.bucket_region().is_some_and(|r| r != aws.region) {
            continue;
        }
        aws.log_call("s3:GetBucketTagging");
        let tags = absent(aws.block(aws.s3.get_bucket_tagging().bucket(name).send()).map_err(aws_error))
            .map_err(|e| e.into_diag(what))?
            .map(|o| o.tag_set().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect())
            .unwrap_or_default();
        objects.push(ListedObject { id: name.to_string(), tags });
    }
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_follow_aws_rules() {
        for (name, problem) in [
            ("ok-name.logs", None),
            ("ab", Some("from 3 to 63")),
            ("Upper", Some("only lowercase")),
            ("under_score", Some("only lowercase")),
            ("192.168.5.4", Some("IP address")),
            ("-dash", Some("begin with")),
            ("dot.", Some("end with")),
            ("two..dots", Some("only one period")),
        ] {
            let got = name_problem(name);
            match problem {
                None => assert!(got.is_none(), "{name}: {got:?}"),
                Some(p) => assert!(got.as_deref().is_some_and(|g| g.contains(p)), "{name}: {got:?}"),
            }
        }
    }

    #[test]
    fn generated_names_give_their_prefix_back() {
        let name = unique_name("logs-");
        assert_eq!(name.len(), "logs-".len() + 26);
        assert_eq!(prefix_of(&name), "logs-");
        assert_eq!(prefix_of("my-bucket"), "");
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_000), (2024, 10, 4));
    }
}
