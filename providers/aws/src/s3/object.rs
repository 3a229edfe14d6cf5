//! `aws_s3_object` (id = `bucket/key`, imported as `bucket/key` or
//! `s3://bucket/key`). A change to the content or to anything stored with
//! it (content type, cache control, metadata, storage class, encryption,
//! `source_hash`, …) uploads the object again in place, with a new
//! `version_id` (and `etag`, unless configured) known after apply; a new
//! bucket or key replaces it. Tags are the object's tagging. `content`
//! is not sensitive (it is not in the provider); its bytes are never read
//! back, so an object overwritten outside shows as drift through what
//! HeadObject reports (etag, content type, metadata, …).

use super::*;
use crate::tags;
use crate::util::{bool_attr, map_of, nonempty, object, single, string_map, with_attr};
use aws_sdk_s3::primitives::{ByteStream, DateTime, DateTimeFormat};
use aws_sdk_s3::types::{
    ChecksumAlgorithm, Delete, ObjectCannedAcl, ObjectIdentifier, ObjectLockLegalHold, ObjectLockLegalHoldStatus,
    ObjectLockMode, ObjectLockRetention, ObjectLockRetentionMode, ServerSideEncryption, StorageClass, Tag, Tagging,
};
use std::collections::BTreeMap;

const WHAT: &str = "S3 Object";

/// Arguments whose change uploads the object again (the provider's
/// `hasObjectContentChanges`).
const CONTENT_ARGUMENTS: [&str; 17] = [
    "bucket_key_enabled",
    "cache_control",
    "checksum_algorithm",
    "content_base64",
    "content_disposition",
    "content_encoding",
    "content_language",
    "content_type",
    "content",
    "etag",
    "kms_key_id",
    "metadata",
    "server_side_encryption",
    "source",
    "source_hash",
    "storage_class",
    "website_redirect",
];

const STORAGE_CLASSES: [&str; 10] = [
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "OUTPOSTS",
    "GLACIER_IR",
    "SNOW",
];

fn override_block() -> Block {
    let default_tags = Block {
        attributes: attrs(vec![("tags", Attribute::optional(Type::map(Type::String)))]),
        blocks: BTreeMap::new(),
    };
    Block { attributes: BTreeMap::new(), blocks: BTreeMap::from([("default_tags".to_string(), single(default_tags))]) }
}

pub fn schema() -> Block {
    let s = || Attribute::optional(Type::String);
    let c = || Attribute::computed(Type::String);
    Block {
        attributes: attrs(vec![
            ("acl", Attribute::optional_computed(Type::String)),
            ("arn", c()),
            ("bucket", Attribute::required(Type::String).force_new()),
            ("bucket_key_enabled", Attribute::optional_computed(Type::Bool)),
            ("cache_control", s()),
            ("checksum_algorithm", s()),
            ("checksum_crc32", c()),
            ("checksum_crc32c", c()),
            ("checksum_crc64nvme", c()),
            ("checksum_sha1", c()),
            ("checksum_sha256", c()),
            ("content", s()),
            ("content_base64", s()),
            ("content_disposition", s()),
            ("content_encoding", s()),
            ("content_language", s()),
            ("content_type", Attribute::optional_computed(Type::String)),
            ("etag", Attribute::optional_computed(Type::String)),
            ("force_destroy", Attribute::optional(Type::Bool)),
            ("id", c()),
            ("key", Attribute::required(Type::String).force_new()),
            ("kms_key_id", Attribute::optional_computed(Type::String)),
            ("metadata", Attribute::optional(Type::map(Type::String))),
            ("object_lock_legal_hold_status", s()),
            ("object_lock_mode", s()),
            ("object_lock_retain_until_date", s()),
            ("server_side_encryption", Attribute::optional_computed(Type::String)),
            ("source", s()),
            ("source_hash", s()),
            ("storage_class", Attribute::optional_computed(Type::String)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("version_id", c()),
            ("website_redirect", s()),
        ]),
        blocks: BTreeMap::from([("override_provider".to_string(), single(override_block()))]),
    }
}

fn one_of(path: &str, v: &str, allowed: &[&str]) -> Option<ProviderDiagnostic> {
    (!allowed.contains(&v)).then(|| {
        let list: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
        invalid(path, format!("expected {path} to be one of [{}], got {v}", list.join(" ")))
    })
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    for name in ["bucket", "key"] {
        if str_attr(config, name).is_some_and(|s| s.is_empty()) {
            diags.push(invalid(name, format!("{name} must not be empty, got \"\"")));
        }
    }
    let bodies: Vec<&str> =
        ["content", "content_base64", "source"].into_iter().filter(|n| crate::util::is_set(&attr(config, n))).collect();
    if bodies.len() > 1 {
        diags.push(invalid(bodies[1], format!("\"{}\": conflicts with {}", bodies[1], bodies[0])));
    }
    if crate::util::is_set(&attr(config, "etag")) && crate::util::is_set(&attr(config, "kms_key_id")) {
        diags.push(invalid("etag", "\"etag\": conflicts with kms_key_id".into()));
    }
    if let Some(b64) = str_attr(config, "content_base64") {
        if base64_decode(&b64).is_none() {
            diags.push(invalid("content_base64", "content_base64 is not valid base64 text".into()));
        }
    }
    for k in map_of(&attr(config, "metadata")).keys() {
        if *k != k.to_lowercase() {
            diags.push(invalid("metadata", format!("Metadata must be lowercase only. Offending key: {k:?}")));
        }
    }
    if let Some(k) = str_attr(config, "kms_key_id") {
        if !k.starts_with("arn:") {
            diags.push(invalid("kms_key_id", format!("\"kms_key_id\" ({k}) is an invalid ARN: arn: invalid prefix")));
        }
    }
    let checks: [(&str, &[&str]); 6] = [
        ("storage_class", &STORAGE_CLASSES),
        ("server_side_encryption", &["AES256", "aws:kms", "aws:kms:dsse", "aws:fsx"]),
        ("object_lock_mode", &["GOVERNANCE", "COMPLIANCE"]),
        ("object_lock_legal_hold_status", &["ON", "OFF"]),
        ("checksum_algorithm", &["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"]),
        (
            "acl",
            &[
                "private",
                "public-read",
                "public-read-write",
                "authenticated-read",
                "aws-exec-read",
                "bucket-owner-read",
                "bucket-owner-full-control",
            ],
        ),
    ];
    for (name, allowed) in checks {
        if let Some(v) = str_attr(config, name) {
            diags.extend(one_of(name, &v, allowed));
        }
    }
    if let Some(d) = str_attr(config, "object_lock_retain_until_date") {
        if DateTime::from_str(&d, DateTimeFormat::DateTime).is_err() {
            diags.push(invalid(
                "object_lock_retain_until_date",
                format!("\"object_lock_retain_until_date\" must be a valid RFC3339 date, got {d:?}"),
            ));
        }
    }
    if !items(config, "override_provider").is_empty() {
        diags.push(invalid(
            "override_provider",
            "Strata does not support override_provider on aws_s3_object yet: set the object's tags with `tags`".into(),
        ));
    }
    diags
}

/// A content change plans a new version (and etag, unless configured).
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    if prior.is_null() {
        return planned.clone();
    }
    let changed = |n: &str| !attr(planned, n).raw_equal(&attr(prior, n));
    let mut out = planned.clone();
    if CONTENT_ARGUMENTS.iter().any(|n| changed(n)) {
        out = with_attr(&out, "version_id", Value::unknown(Type::String));
        if attr(config, "etag").is_null() {
            out = with_attr(&out, "etag", Value::unknown(Type::String));
        }
    }
    out
}

/// The object's body: the `source` file, `content`, decoded `content_base64`, or nothing.
fn body_of(planned: &Value, what: &str) -> Result<Vec<u8>, ProviderDiagnostic> {
    if let Some(source) = nonempty(planned, "source") {
        let path = match (source.strip_prefix("~/"), std::env::var("HOME")) {
            (Some(rest), Ok(home)) => format!("{home}/{rest}"),
            _ => source.clone(),
        };
        return std::fs::read(&path).map_err(|e| {
            ProviderDiagnostic::error(
                format!("{what}: opening S3 object source"),
                format!("opening S3 object source ({path}): {e}"),
            )
        });
    }
    if let Some(content) = nonempty(planned, "content") {
        return Ok(content.into_bytes());
    }
    if let Some(b64) = nonempty(planned, "content_base64") {
        return base64_decode(&b64).ok_or_else(|| {
            ProviderDiagnostic::error(format!("{what}: content_base64"), "content_base64 is not valid base64 text")
        });
    }
    Ok(Vec::new())
}

/// Standard base64 (padding optional), as Go's `base64.StdEncoding` reads it.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let text = s.trim_end_matches('=').as_bytes();
    if !s.len().is_multiple_of(4) && s.ends_with('=') {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * i);
        }
        match chunk.len() {
            4 => out.extend([(n >> 16) as u8, (n >> 8) as u8, n as u8]),
            3 => out.extend([(n >> 16) as u8, (n >> 8) as u8]),
            2 => out.push((n >> 16) as u8),
            _ => return None,
        }
    }
    Some(out)
}

/// A tag set as the `x-amz-tagging` header takes it (URL query encoding).
fn url_encode(pairs: &BTreeMap<String, String>) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

/// The key as the provider's SDK v1 cleaned it: no leading `./` or `/`, single slashes.
fn clean_key(key: &str) -> String {
    let key = key.strip_prefix("./").unwrap_or(key).trim_start_matches('/');
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

fn date(s: &str) -> Option<DateTime> {
    DateTime::from_str(s, DateTimeFormat::DateTime).ok()
}

pub fn put(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let bucket = str_attr(planned, "bucket").unwrap_or_default();
    let key = clean_key(&str_attr(planned, "key").unwrap_or_default());
    let what = format!("uploading {WHAT} ({key}) to Bucket ({bucket})");
    let changed = |n: &str| prior.is_null() || !attr(planned, n).raw_equal(&attr(prior, n));
    let err = |e: AwsError| e.into_diag(&what);
    if prior.is_null() || CONTENT_ARGUMENTS.iter().any(|n| changed(n)) {
        upload(aws, &bucket, &key, planned, &what)?;
    } else {
        let what = format!("updating {WHAT} ({bucket}/{key})");
        let err = |e: AwsError| e.into_diag(&what);
        if changed("acl") {
            if let Some(acl) = nonempty(planned, "acl") {
                aws.log_call("s3:PutObjectAcl");
                aws.block(
                    aws.s3.put_object_acl().bucket(&bucket).key(&key).acl(ObjectCannedAcl::from(acl.as_str())).send(),
                )
                .map_err(|e| err(aws_error(e)))?;
            }
        }
        if changed("object_lock_legal_hold_status") {
            let status = nonempty(planned, "object_lock_legal_hold_status").unwrap_or_else(|| "OFF".into());
            aws.log_call("s3:PutObjectLegalHold");
            let hold = ObjectLockLegalHold::builder().status(ObjectLockLegalHoldStatus::from(status.as_str())).build();
            aws.block(aws.s3.put_object_legal_hold().bucket(&bucket).key(&key).legal_hold(hold).send())
                .map_err(|e| err(aws_error(e)))?;
        }
        if changed("object_lock_mode") || changed("object_lock_retain_until_date") {
            let (old, new) = (
                nonempty(prior, "object_lock_retain_until_date").and_then(|d| date(&d)),
                nonempty(planned, "object_lock_retain_until_date").and_then(|d| date(&d)),
            );
            // Lowering or clearing the date needs the governance bypass.
            let bypass = changed("object_lock_retain_until_date")
                && (new.is_none() || matches!((&old, &new), (Some(o), Some(n)) if n.secs() < o.secs()));
            let retention = ObjectLockRetention::builder()
                .set_mode(nonempty(planned, "object_lock_mode").map(|m| ObjectLockRetentionMode::from(m.as_str())))
                .set_retain_until_date(new)
                .build();
            aws.log_call("s3:PutObjectRetention");
            aws.block(
                aws.s3
                    .put_object_retention()
                    .bucket(&bucket)
                    .key(&key)
                    .retention(retention)
                    .set_bypass_governance_retention(bypass.then_some(true))
                    .send(),
            )
            .map_err(|e| err(aws_error(e)))?;
        }
        let (set_old, set_new) = (map_of(&attr(prior, "tags_all")), map_of(&attr(planned, "tags_all")));
        if set_old != set_new {
            put_tags(aws, &bucket, &key, &set_new).map_err(err)?;
        }
    }
    let stub = with_attr(planned, "id", Value::string(format!("{bucket}/{key}").as_str()));
    read_remote(aws, &stub).map_err(err)?.ok_or_else(|| vanished(&what, &bucket))
}

fn put_tags(aws: &Aws, bucket: &str, key: &str, tags: &BTreeMap<String, String>) -> Result<(), AwsError> {
    if tags.is_empty() {
        aws.log_call("s3:DeleteObjectTagging");
        return aws.block(aws.s3.delete_object_tagging().bucket(bucket).key(key).send()).map(|_| ()).map_err(aws_error);
    }
    let set: Vec<Tag> = tags.iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect();
    let tagging = Tagging::builder()
        .set_tag_set(Some(set))
        .build()
        .map_err(|e| AwsError { code: "InvalidTag".into(), message: e.to_string() })?;
    aws.log_call("s3:PutObjectTagging");
    aws.block(aws.s3.put_object_tagging().bucket(bucket).key(key).tagging(tagging).send())
        .map(|_| ())
        .map_err(aws_error)
}

fn upload(aws: &Aws, bucket: &str, key: &str, planned: &Value, what: &str) -> Result<(), ProviderDiagnostic> {
    let body = body_of(planned, what)?;
    // No create token among the object's tags (at most 10, all the
    // user's): an interrupted upload is simply made again (`find`).
    let mut tags = map_of(&attr(planned, "tags_all"));
    tags.remove(tags::CREATE_TOKEN_TAG);
    let kms = nonempty(planned, "kms_key_id");
    let sse = nonempty(planned, "server_side_encryption")
        .or_else(|| kms.as_ref().map(|_| "aws:kms".to_string()))
        .map(|s| ServerSideEncryption::from(s.as_str()));
    let locked = nonempty(planned, "object_lock_legal_hold_status").is_some()
        || nonempty(planned, "object_lock_mode").is_some()
        || nonempty(planned, "object_lock_retain_until_date").is_some();
    // Object lock parameters need a checksum: CRC32 unless one is chosen.
    let checksum = nonempty(planned, "checksum_algorithm").or_else(|| locked.then(|| "CRC32".to_string()));
    let metadata = map_of(&attr(planned, "metadata"));
    aws.log_call("s3:PutObject");
    let request = aws
        .s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(body))
        .set_acl(nonempty(planned, "acl").map(|a| ObjectCannedAcl::from(a.as_str())))
        .set_bucket_key_enabled(bool_attr(planned, "bucket_key_enabled").filter(|b| *b))
        .set_cache_control(nonempty(planned, "cache_control"))
        .set_checksum_algorithm(checksum.map(|c| ChecksumAlgorithm::from(c.as_str())))
        .set_content_disposition(nonempty(planned, "content_disposition"))
        .set_content_encoding(nonempty(planned, "content_encoding"))
        .set_content_language(nonempty(planned, "content_language"))
        .set_content_type(nonempty(planned, "content_type"))
        .set_ssekms_key_id(kms)
        .set_server_side_encryption(sse)
        .set_metadata((!metadata.is_empty()).then(|| metadata.into_iter().collect()))
        .set_object_lock_legal_hold_status(
            nonempty(planned, "object_lock_legal_hold_status").map(|s| ObjectLockLegalHoldStatus::from(s.as_str())),
        )
        .set_object_lock_mode(nonempty(planned, "object_lock_mode").map(|m| ObjectLockMode::from(m.as_str())))
        .set_object_lock_retain_until_date(nonempty(planned, "object_lock_retain_until_date").and_then(|d| date(&d)))
        .set_storage_class(nonempty(planned, "storage_class").map(|s| StorageClass::from(s.as_str())))
        .set_tagging((!tags.is_empty()).then(|| url_encode(&tags)))
        .set_website_redirect_location(nonempty(planned, "website_redirect"));
    aws.block(request.send()).map(|_| ()).map_err(|e| aws_error(e).into_diag(what))
}

/// `(bucket, key)` of a state value or an import ID (`bucket/key`, `s3://bucket/key`).
fn address(current: &Value) -> Option<(String, String)> {
    if let (Some(b), Some(k)) = (nonempty(current, "bucket"), nonempty(current, "key")) {
        return Some((b, clean_key(&k)));
    }
    let id = crate::id_of(current);
    let id = id.strip_prefix("s3://").unwrap_or(&id);
    id.split_once('/').filter(|(b, k)| !b.is_empty() && !k.is_empty()).map(|(b, k)| (b.to_string(), k.to_string()))
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let Some((bucket, key)) = address(current) else {
        let id = crate::id_of(current);
        return Err(ProviderDiagnostic::error(
            "Invalid import ID",
            format!("id \"{id}\" should be in the format <bucket>/<key> or s3://<bucket>/<key>"),
        ));
    };
    read_remote(aws, current).map_err(|e| e.into_diag(&format!("reading {WHAT} ({bucket}/{key})")))
}

fn read_remote(aws: &Aws, current: &Value) -> Result<Option<Value>, AwsError> {
    let Some((bucket, key)) = address(current) else { return Ok(None) };
    aws.log_call("s3:HeadObject");
    let mut head = aws.s3.head_object().bucket(&bucket).key(&key);
    if nonempty(current, "checksum_algorithm").is_some() {
        head = head.checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled);
    }
    let Some(out) = absent(aws.block(head.send()).map_err(aws_error))? else { return Ok(None) };
    aws.log_call("s3:GetObjectTagging");
    let remote_tags: Vec<(String, String)> =
        absent(aws.block(aws.s3.get_object_tagging().bucket(&bucket).key(&key).send()).map_err(aws_error))?
            .map(|o| o.tag_set().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect())
            .unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote_tags);
    let text = |v: Option<&str>| Value::string(v.unwrap_or_default());
    let kept = |n: &str| attr(current, n);
    let partition = crate::util::partition(&aws.region);
    let kms = match out.ssekms_key_id() {
        Some(k) => Value::string(k),
        None => {
            let v = kept("kms_key_id");
            if v.is_wholly_known() && !v.is_null() {
                v
            } else {
                Value::string("")
            }
        }
    };
    let metadata: BTreeMap<String, String> =
        out.metadata().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
    let known_or = |n: &str, fallback: Value| {
        let v = kept(n);
        if v.is_wholly_known() && !v.is_null() {
            v
        } else {
            fallback
        }
    };
    Ok(Some(object(
        &schema(),
        [
            ("acl", known_or("acl", Value::null(Type::String))),
            ("arn", Value::string(format!("arn:{partition}:s3:::{bucket}/{key}").as_str())),
            ("bucket", Value::string(bucket.as_str())),
            ("bucket_key_enabled", Value::bool(out.bucket_key_enabled().unwrap_or(false))),
            ("cache_control", text(out.cache_control())),
            ("checksum_algorithm", kept("checksum_algorithm")),
            ("checksum_crc32", text(out.checksum_crc32())),
            ("checksum_crc32c", text(out.checksum_crc32_c())),
            ("checksum_crc64nvme", text(out.checksum_crc64_nvme())),
            ("checksum_sha1", text(out.checksum_sha1())),
            ("checksum_sha256", text(out.checksum_sha256())),
            ("content", kept("content")),
            ("content_base64", kept("content_base64")),
            ("content_disposition", text(out.content_disposition())),
            ("content_encoding", text(out.content_encoding())),
            ("content_language", text(out.content_language())),
            ("content_type", text(out.content_type())),
            ("etag", Value::string(out.e_tag().unwrap_or_default().trim_matches('"'))),
            ("force_destroy", known_or("force_destroy", Value::bool(false))),
            ("id", Value::string(format!("{bucket}/{key}").as_str())),
            ("key", Value::string(known_or("key", Value::string(key.as_str())).as_str().unwrap_or(&key))),
            ("kms_key_id", kms),
            ("metadata", string_map(&metadata)),
            ("object_lock_legal_hold_status", text(out.object_lock_legal_hold_status().map(|s| s.as_str()))),
            ("object_lock_mode", text(out.object_lock_mode().map(|m| m.as_str()))),
            (
                "object_lock_retain_until_date",
                text(out.object_lock_retain_until_date().and_then(|d| d.fmt(DateTimeFormat::DateTime).ok()).as_deref()),
            ),
            ("server_side_encryption", text(out.server_side_encryption().map(|s| s.as_str()))),
            ("source", kept("source")),
            ("source_hash", kept("source_hash")),
            ("storage_class", Value::string(out.storage_class().map(|s| s.as_str()).unwrap_or("STANDARD"))),
            ("tags", tags),
            ("tags_all", tags_all),
            ("version_id", text(out.version_id().filter(|v| *v != "null"))),
            ("website_redirect", text(out.website_redirect_location())),
            ("override_provider", kept("override_provider")),
        ],
    )))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let Some((bucket, key)) = address(prior) else { return Ok(()) };
    let what = format!("deleting S3 Bucket ({bucket}) Object ({key})");
    let err = |e: AwsError| e.into_diag(&what);
    let force = bool_attr(prior, "force_destroy").unwrap_or(false);
    if nonempty(prior, "version_id").is_none() {
        aws.log_call("s3:DeleteObject");
        return match aws.block(aws.s3.delete_object().bucket(&bucket).key(&key).send()).map_err(aws_error) {
            Err(e) if !is_gone(&e) => Err(err(e)),
            _ => Ok(()),
        };
    }
    // Versioned: every version and delete marker of this key goes.
    for _ in 0..10_000 {
        aws.log_call("s3:ListObjectVersions");
        let page = match aws.block(aws.s3.list_object_versions().bucket(&bucket).prefix(&key).send()).map_err(aws_error)
        {
            Ok(p) => p,
            Err(e) if is_gone(&e) => return Ok(()),
            Err(e) => return Err(err(e)),
        };
        let mut ids: Vec<ObjectIdentifier> = Vec::new();
        // Delete markers first (see `bucket::empty_bucket`).
        for (k, v) in page
            .delete_markers()
            .iter()
            .map(|m| (m.key(), m.version_id()))
            .chain(page.versions().iter().map(|v| (v.key(), v.version_id())))
        {
            if k == Some(key.as_str()) {
                ids.extend(
                    ObjectIdentifier::builder().key(key.as_str()).set_version_id(v.map(String::from)).build().ok(),
                );
            }
        }
        if ids.is_empty() {
            return Ok(());
        }
        let delete = Delete::builder()
            .set_objects(Some(ids))
            .quiet(true)
            .build()
            .map_err(|e| ProviderDiagnostic::error(format!("{what}: versions"), e.to_string()))?;
        aws.log_call("s3:DeleteObjects");
        let out = aws
            .block(
                aws.s3
                    .delete_objects()
                    .bucket(&bucket)
                    .delete(delete)
                    .set_bypass_governance_retention(force.then_some(true))
                    .send(),
            )
            .map_err(|e| err(aws_error(e)))?;
        if let Some(e) = out.errors().first() {
            let hint = if e.code() == Some("AccessDenied") && !force {
                " (a locked version: force_destroy = true bypasses governance retention)"
            } else {
                ""
            };
            return Err(ProviderDiagnostic::error(
                format!("{what}: {}", e.code().unwrap_or_default()),
                format!(
                    "{what}: version {:?}: {}: {}{hint}",
                    e.version_id().unwrap_or_default(),
                    e.code().unwrap_or_default(),
                    e.message().unwrap_or_default()
                ),
            ));
        }
    }
    Ok(())
}

/// An interrupted upload is uploaded again: an object carries no create
/// token (its tags are the user's, at most 10) and a second PutObject of
/// the same content is harmless.
pub fn find(_aws: &Aws, _planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_keys_read_as_the_provider_reads_them() {
        assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("aGk").as_deref(), Some(&b"hi"[..]));
        assert!(base64_decode("no!").is_none());
        assert_eq!(clean_key("./a//b///c"), "a/b/c");
        assert_eq!(clean_key("/x"), "x");
        let tags = BTreeMap::from([("a b".to_string(), "c&d".to_string())]);
        assert_eq!(url_encode(&tags), "a+b=c%26d");
    }

    #[test]
    fn a_content_change_plans_a_new_version_and_etag() {
        let block = schema();
        let prior = object(
            &block,
            [
                ("bucket", Value::string("b")),
                ("key", Value::string("k")),
                ("content", Value::string("one")),
                ("etag", Value::string("abc")),
                ("version_id", Value::string("v1")),
            ],
        );
        let config = with_attr(&prior, "content", Value::string("two"));
        let config = with_attr(&config, "etag", Value::null(Type::String));
        let planned = with_attr(&config, "etag", Value::string("abc"));
        let planned = with_attr(&planned, "version_id", Value::string("v1"));
        let out = plan(&planned, &config, &prior);
        assert!(attr(&out, "version_id").is_unknown() && attr(&out, "etag").is_unknown());
        // Only tags changed: no new version.
        let tagged = with_attr(&prior, "tags", string_map(&BTreeMap::from([("a".to_string(), "b".to_string())])));
        let out = plan(&tagged, &tagged, &prior);
        assert_eq!(str_attr(&out, "version_id").as_deref(), Some("v1"));
    }
}
