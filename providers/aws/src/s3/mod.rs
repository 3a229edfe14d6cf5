//! S3, as hashicorp/aws 6.x models it: `aws_s3_bucket` (id = the bucket's
//! name; the deprecated inline configuration blocks optional and
//! computed), the split bucket configuration resources (`_versioning`,
//! `_server_side_encryption_configuration`, `_public_access_block`,
//! `_ownership_controls`, `_policy`, `_lifecycle_configuration`,
//! `_object_lock_configuration`, `_notification`; id = the bucket, or
//! `bucket,expected_bucket_owner` where they take an owner) and
//! `aws_s3_object` (id = the key).
//!
//! The rest of the crate reaches this family only through [`S3`], its
//! `family::Family`.

mod bucket;
mod config;
mod lifecycle;
mod notification;
mod object;

use crate::client::{aws_error, Aws, AwsError};
use crate::family::Family;
use crate::util::{attr, attrs, str_attr};
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, ListedObject, PathStep, ProviderDiagnostic};

pub const BUCKET: &str = "aws_s3_bucket";
pub const VERSIONING: &str = "aws_s3_bucket_versioning";
pub const ENCRYPTION: &str = "aws_s3_bucket_server_side_encryption_configuration";
pub const PUBLIC_ACCESS_BLOCK: &str = "aws_s3_bucket_public_access_block";
pub const OWNERSHIP_CONTROLS: &str = "aws_s3_bucket_ownership_controls";
pub const POLICY: &str = "aws_s3_bucket_policy";
pub const LIFECYCLE: &str = "aws_s3_bucket_lifecycle_configuration";
pub const OBJECT_LOCK: &str = "aws_s3_bucket_object_lock_configuration";
pub const NOTIFICATION: &str = "aws_s3_bucket_notification";
pub const OBJECT: &str = "aws_s3_object";

/// The resource types of this family.
pub const TYPES: [&str; 10] = [
    BUCKET,
    VERSIONING,
    ENCRYPTION,
    PUBLIC_ACCESS_BLOCK,
    OWNERSHIP_CONTROLS,
    POLICY,
    LIFECYCLE,
    OBJECT_LOCK,
    NOTIFICATION,
    OBJECT,
];

/// The family (`family::FAMILIES`).
pub struct S3;

impl Family for S3 {
    fn types(&self) -> &'static [&'static str] {
        &TYPES
    }

    fn schema(&self, type_name: &str) -> Block {
        match type_name {
            BUCKET => bucket::schema(),
            LIFECYCLE => lifecycle::schema(),
            NOTIFICATION => notification::schema(),
            OBJECT => object::schema(),
            t => config::schema(t),
        }
    }

    /// The provider's `SchemaVersion`s: the lifecycle configuration moved
    /// to the plugin framework with version 1.
    fn schema_version(&self, type_name: &str) -> u64 {
        u64::from(type_name == LIFECYCLE)
    }

    fn is_framework(&self, type_name: &str) -> bool {
        type_name == LIFECYCLE
    }

    fn timeouts(&self, type_name: &str) -> &'static [(&'static str, u64)] {
        match type_name {
            BUCKET => &[("create", 20), ("read", 20), ("update", 20), ("delete", 60)],
            LIFECYCLE => &[("create", 3), ("update", 3)],
            _ => &[],
        }
    }

    fn defaults(&self, type_name: &str) -> Vec<(&'static str, Value)> {
        match type_name {
            BUCKET => vec![("force_destroy", Value::bool(false))],
            OBJECT => vec![("force_destroy", Value::bool(false))],
            PUBLIC_ACCESS_BLOCK => {
                ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]
                    .into_iter()
                    .map(|n| (n, Value::bool(false)))
                    .collect()
            }
            OBJECT_LOCK => vec![("object_lock_enabled", Value::string("Enabled"))],
            NOTIFICATION => vec![("eventbridge", Value::bool(false))],
            _ => Vec::new(),
        }
    }

    fn validate(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        if config.is_null() {
            return Vec::new();
        }
        let mut diags = match type_name {
            BUCKET => bucket::validate(config),
            LIFECYCLE => lifecycle::validate(config),
            NOTIFICATION => notification::validate(config),
            OBJECT => object::validate(config),
            t => config::validate(t, config),
        };
        if type_name != BUCKET && type_name != OBJECT {
            if let Some(name) = str_attr(config, "bucket") {
                if name.is_empty() || name.len() > 63 {
                    diags.push(invalid(
                        "bucket",
                        format!("expected length of bucket to be in the range (1 - 63), got {name}"),
                    ));
                }
            }
        }
        if let Some(owner) = str_attr(config, "expected_bucket_owner") {
            if owner.len() != 12 || !owner.chars().all(|c| c.is_ascii_digit()) {
                diags.push(invalid(
                    "expected_bucket_owner",
                    format!("{owner:?} (expected_bucket_owner) is not a valid AWS account ID"),
                ));
            }
        }
        diags
    }

    fn plan(&self, type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
        match type_name {
            BUCKET => (bucket::plan(planned, config, prior), Vec::new()),
            LIFECYCLE => (lifecycle::plan(planned, config, prior), Vec::new()),
            NOTIFICATION => (notification::plan(planned, config, prior), Vec::new()),
            OBJECT => (object::plan(planned, config, prior), Vec::new()),
            t => config::plan(t, planned, config, prior),
        }
    }

    fn apply(&self, aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        match type_name {
            BUCKET if prior.is_null() => bucket::create(aws, planned),
            BUCKET => bucket::update(aws, prior, planned),
            LIFECYCLE => lifecycle::put(aws, planned),
            NOTIFICATION => notification::put(aws, planned),
            OBJECT => object::put(aws, prior, planned),
            t => config::put(aws, t, prior, planned),
        }
    }

    fn read(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        match type_name {
            BUCKET => bucket::read(aws, current),
            LIFECYCLE => lifecycle::read(aws, current),
            NOTIFICATION => notification::read(aws, current),
            OBJECT => object::read(aws, current),
            t => config::read(aws, t, current),
        }
    }

    fn delete(&self, aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        match type_name {
            BUCKET => bucket::delete(aws, prior),
            LIFECYCLE => lifecycle::delete(aws, prior),
            NOTIFICATION => notification::delete(aws, prior),
            OBJECT => object::delete(aws, prior),
            t => config::delete(aws, t, prior),
        }
    }

    /// A bucket by its planned name and the create token tag; the
    /// configuration resources and objects are puts, made again when
    /// interrupted.
    fn find(
        &self,
        aws: &Aws,
        type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = &crate::util::known_or_null(planned);
        match type_name {
            BUCKET => bucket::find(aws, token, planned),
            OBJECT => object::find(aws, planned),
            _ => Ok(None),
        }
    }

    /// A bucket whose tagging or configuration failed after CreateBucket exists.
    fn keeps_failed_creates(&self, type_name: &str) -> bool {
        type_name == BUCKET
    }

    fn list(&self, aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
        (type_name == BUCKET).then(|| bucket::list(aws))
    }
}

// Shared by the family's modules.

/// `bucket` (R, FN) and `expected_bucket_owner` (O, FN), with `id`:
/// what every split configuration resource starts from.
fn bucket_attributes(with_owner: bool) -> std::collections::BTreeMap<String, Attribute> {
    let mut list =
        vec![("bucket", Attribute::required(Type::String).force_new()), ("id", Attribute::computed(Type::String))];
    if with_owner {
        list.push(("expected_bucket_owner", Attribute::optional(Type::String).force_new()));
    }
    attrs(list)
}

/// The id of a split resource: the bucket, or `bucket,owner`.
fn split_id(planned: &Value) -> String {
    let bucket = str_attr(planned, "bucket").unwrap_or_default();
    match str_attr(planned, "expected_bucket_owner").filter(|o| !o.is_empty()) {
        Some(owner) => format!("{bucket},{owner}"),
        None => bucket,
    }
}

/// `(bucket, expected owner)` of a state value or an import ID.
fn parse_id(current: &Value) -> (String, Option<String>) {
    let id = crate::id_of(current);
    let id = if id.is_empty() { str_attr(current, "bucket").unwrap_or_default() } else { id };
    match id.split_once(',') {
        Some((b, o)) if !o.is_empty() => (b.to_string(), Some(o.to_string())),
        Some((b, _)) => (b.to_string(), None),
        None => (id, None),
    }
}

/// S3's "not there" errors (HeadBucket's 404 has no body: `NotFound`).
fn is_gone(e: &AwsError) -> bool {
    matches!(
        e.code.as_str(),
        "NoSuchBucket"
            | "NotFound"
            | "NoSuchKey"
            | "NoSuchBucketPolicy"
            | "NoSuchLifecycleConfiguration"
            | "ServerSideEncryptionConfigurationNotFoundError"
            | "NoSuchPublicAccessBlockConfiguration"
            | "OwnershipControlsNotFoundError"
            | "ObjectLockConfigurationNotFoundError"
            | "NoSuchTagSet"
            | "NoSuchCORSConfiguration"
            | "NoSuchWebsiteConfiguration"
    )
}

/// A call's error, or `None` where S3 says the thing is not there.
fn absent<T>(r: Result<T, AwsError>) -> Result<Option<T>, AwsError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if is_gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Retries while a just-made bucket is not yet visible (the provider's
/// `bucketPropagationTimeout`, 2 minutes), bounded by the operation's timeout.
fn while_propagating<T>(aws: &Aws, f: impl FnMut() -> Result<T, AwsError>) -> Result<T, AwsError> {
    aws.retry(std::time::Duration::from_secs(120), |e| e.code == "NoSuchBucket", f)
}

fn invalid(path: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(format!("Invalid {path}"), detail).at(vec![PathStep::Attr(path.into())])
}

/// Text where AWS has it, null where not.
fn opt_text(v: Option<&str>) -> Value {
    match v {
        Some(s) => Value::string(s),
        None => Value::null(Type::String),
    }
}

/// The first (only) object of a `single` block, if written.
fn first(v: &Value, name: &str) -> Option<Value> {
    attr(v, name).unmark_deep().0.as_seq().and_then(|s| s.first().cloned()).filter(|x| !x.is_null())
}

/// The objects of a list or set block (none when null or unknown).
fn items(v: &Value, name: &str) -> Vec<Value> {
    attr(v, name).unmark_deep().0.as_seq().map(|s| s.to_vec()).unwrap_or_default()
}

fn list_of(block: &Block, items: Vec<Value>) -> Value {
    Value::list(block.implied_type(), items)
}

fn set_of_values(block: &Block, items: Vec<Value>) -> Value {
    Value::set(block.implied_type(), items)
}

fn string_set(items: impl IntoIterator<Item = String>) -> Value {
    Value::set(Type::String, items.into_iter().map(|s| Value::string(s.as_str())).collect())
}

/// A missing-object error after a put: the bucket went away meanwhile.
fn vanished(what: &str, bucket: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(format!("{what}: not found"), format!("{what}: S3 Bucket {bucket:?} is gone"))
}

/// The body of a response the SDK could not parse: moto answers
/// GetBucketVersioning, GetBucketAccelerateConfiguration and an empty
/// GetBucketNotificationConfiguration under a `<…Response>` root element
/// where S3 uses the configuration's own, which the SDK refuses.
fn unparsed_body<E>(e: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>) -> Option<String> {
    let raw = e.raw_response().filter(|r| r.status().is_success())?;
    let body = String::from_utf8_lossy(raw.body().bytes()?).into_owned();
    body.contains("Response xmlns=").then_some(body)
}

/// The text of the first `<tag>` element of an XML body (XML escapes undone).
fn xml_text(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    let text = &body[start..end];
    Some(
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// GetBucketVersioning: (status, MFA delete), each None where S3 reports none.
fn get_versioning(aws: &Aws, bucket: &str, owner: Option<&str>) -> Result<(Option<String>, Option<String>), AwsError> {
    aws.log_call("s3:GetBucketVersioning");
    let out = aws
        .block(aws.s3.get_bucket_versioning().bucket(bucket).set_expected_bucket_owner(owner.map(String::from)).send());
    match out {
        Ok(o) => Ok((o.status().map(|s| s.as_str().to_string()), o.mfa_delete().map(|m| m.as_str().to_string()))),
        Err(e) => match unparsed_body(&e) {
            Some(body) => Ok((xml_text(&body, "Status"), xml_text(&body, "MfaDelete"))),
            None => Err(aws_error(e)),
        },
    }
}

/// GetBucketAccelerateConfiguration's status ("" where never set).
fn get_acceleration(aws: &Aws, bucket: &str) -> Result<String, AwsError> {
    aws.log_call("s3:GetBucketAccelerateConfiguration");
    match aws.block(aws.s3.get_bucket_accelerate_configuration().bucket(bucket).send()) {
        Ok(o) => Ok(o.status().map(|s| s.as_str().to_string()).unwrap_or_default()),
        Err(e) => match unparsed_body(&e) {
            Some(body) => Ok(xml_text(&body, "Status").unwrap_or_default()),
            None => absent::<()>(Err(aws_error(e))).map(|_| String::new()),
        },
    }
}
