//! KMS, as hashicorp/aws 6.x models it: `aws_kms_key` (id = key ID,
//! imported by it; usage, spec, multi-Region and key stores replace it;
//! description, policy, enabled state and rotation change in place;
//! destroying it schedules its deletion after `deletion_window_in_days`,
//! and a key pending deletion is gone) and `aws_kms_alias` (id = name,
//! imported by it; names start `alias/`, a new target key is an
//! UpdateAlias).
//!
//! The key policy is compared by IAM policy equivalence and kept as
//! written when what KMS returns means the same.

use crate::client::{aws_error, Aws, AwsError};
use crate::family::Family;
use crate::iam_policy;
use crate::sqs::{plan_document, validate_policy_document};
use crate::tags;
use crate::util::{attr, attrs, bool_attr, int_attr, is_set, map_of, nonempty, object, str_attr, with_attr};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, ListedObject, PathStep, ProviderDiagnostic};

pub const KEY: &str = "aws_kms_key";
pub const ALIAS: &str = "aws_kms_alias";

const TYPES: [&str; 2] = [KEY, ALIAS];

const KEY_WHAT: &str = "KMS Key";
const ALIAS_WHAT: &str = "KMS Alias";

const KEY_USAGES: [&str; 4] = ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"];
const KEY_SPECS: [&str; 15] = [
    "SYMMETRIC_DEFAULT",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "HMAC_224",
    "HMAC_256",
    "HMAC_384",
    "HMAC_512",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "ML_DSA_44",
    "ML_DSA_65",
    "SM2",
];

/// The family (`family::FAMILIES`).
pub struct Kms;

fn key_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("bypass_policy_lockout_safety_check", Attribute::optional(Type::Bool)),
            ("custom_key_store_id", Attribute::optional(Type::String).force_new()),
            ("customer_master_key_spec", Attribute::optional(Type::String).force_new()),
            ("deletion_window_in_days", Attribute::optional(Type::Number)),
            ("description", Attribute::optional_computed(Type::String)),
            ("enable_key_rotation", Attribute::optional(Type::Bool)),
            ("id", Attribute::computed(Type::String)),
            ("is_enabled", Attribute::optional(Type::Bool)),
            ("key_id", Attribute::computed(Type::String)),
            ("key_usage", Attribute::optional(Type::String).force_new()),
            ("multi_region", Attribute::optional_computed(Type::Bool).force_new()),
            ("policy", Attribute::optional_computed(Type::String)),
            ("rotation_period_in_days", Attribute::optional_computed(Type::Number)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("xks_key_id", Attribute::optional(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn alias_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("name", Attribute::optional_computed(Type::String).force_new()),
            ("name_prefix", Attribute::optional(Type::String).force_new()),
            ("target_key_arn", Attribute::computed(Type::String)),
            ("target_key_id", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

impl Family for Kms {
    fn types(&self) -> &'static [&'static str] {
        &TYPES
    }

    fn schema(&self, type_name: &str) -> Block {
        match type_name {
            KEY => key_schema(),
            _ => alias_schema(),
        }
    }

    fn timeouts(&self, type_name: &str) -> &'static [(&'static str, u64)] {
        match type_name {
            KEY => &[("create", 2)],
            _ => &[],
        }
    }

    fn defaults(&self, type_name: &str) -> Vec<(&'static str, Value)> {
        match type_name {
            KEY => vec![
                ("bypass_policy_lockout_safety_check", Value::bool(false)),
                ("customer_master_key_spec", Value::string("SYMMETRIC_DEFAULT")),
                ("enable_key_rotation", Value::bool(false)),
                ("is_enabled", Value::bool(true)),
                ("key_usage", Value::string("ENCRYPT_DECRYPT")),
            ],
            _ => Vec::new(),
        }
    }

    fn validate(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        if config.is_null() {
            return Vec::new();
        }
        match type_name {
            KEY => validate_key(config),
            _ => validate_alias(config),
        }
    }

    fn plan(&self, type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
        match type_name {
            KEY => (plan_document(planned, config, prior, "policy", iam_policy::equivalent), Vec::new()),
            _ => (plan_alias(planned, prior), Vec::new()),
        }
    }

    fn apply(&self, aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        match (type_name, prior.is_null()) {
            (KEY, true) => create_key(aws, planned),
            (KEY, false) => update_key(aws, prior, planned),
            (_, true) => create_alias(aws, planned),
            (_, false) => update_alias(aws, planned),
        }
    }

    fn read(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        match type_name {
            KEY => read_key(aws, current),
            _ => read_alias(aws, current),
        }
    }

    fn delete(&self, aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        let id = crate::id_of(prior);
        let result = match type_name {
            KEY => {
                let days = int_attr(prior, "deletion_window_in_days").filter(|d| *d > 0).unwrap_or(30) as i32;
                aws.log_call("kms:ScheduleKeyDeletion");
                aws.block(aws.kms.schedule_key_deletion().key_id(&id).pending_window_in_days(days).send())
                    .map(|_| ())
                    .map_err(aws_error)
            }
            _ => {
                aws.log_call("kms:DeleteAlias");
                aws.block(aws.kms.delete_alias().alias_name(&id).send()).map(|_| ()).map_err(aws_error)
            }
        };
        match result {
            // A key already pending deletion is as good as deleted.
            Err(e) if !(e.is_not_found() || is_pending_deletion(&e)) => {
                let what = if type_name == KEY { KEY_WHAT } else { ALIAS_WHAT };
                Err(e.into_diag(&format!("deleting {what} ({id})")))
            }
            _ => Ok(()),
        }
    }

    /// An alias named by a prefix is untagged and its name is chosen at create.
    fn cannot_find_created(&self, type_name: &str, planned: &Value) -> bool {
        type_name != KEY && nonempty(&crate::util::known_or_null(planned), "name").is_none()
    }

    /// A key by the create token tag; an alias, untagged, by its name.
    fn find(
        &self,
        aws: &Aws,
        type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = &crate::util::known_or_null(planned);
        match type_name {
            KEY => find_key(aws, token, planned),
            _ => match nonempty(planned, "name") {
                Some(name) => read_alias(aws, &with_attr(planned, "id", Value::string(name.as_str()))),
                None => Ok(None),
            },
        }
    }

    fn list(&self, aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
        (type_name == KEY).then(|| list_keys(aws))
    }
}

/// KMS's answer for a key already scheduled for deletion.
fn is_pending_deletion(e: &AwsError) -> bool {
    e.code == "KMSInvalidStateException" && e.message.contains("pending")
}

fn at(name: &str, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(vec![PathStep::Attr(name.into())])
}

fn one_of(config: &Value, name: &str, allowed: &[&str]) -> Option<ProviderDiagnostic> {
    let v = str_attr(config, name).filter(|v| !allowed.contains(&v.as_str()))?;
    let list = allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ");
    Some(at(name, &format!("Invalid {name}"), format!("expected {name} to be one of [{list}], got {v}")))
}

fn in_range(config: &Value, name: &str, low: i64, high: i64) -> Option<ProviderDiagnostic> {
    if !is_set(&attr(config, name)) {
        return None;
    }
    let n = int_attr(config, name);
    if n.is_some_and(|n| (low..=high).contains(&n)) {
        return None;
    }
    let got = n.map_or_else(|| "a fraction".to_string(), |n| n.to_string());
    Some(at(
        name,
        &format!("Invalid {name}"),
        format!("expected {name} to be in the range ({low} - {high}), got {got}"),
    ))
}

fn validate_key(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags: Vec<ProviderDiagnostic> = [
        one_of(config, "key_usage", &KEY_USAGES),
        one_of(config, "customer_master_key_spec", &KEY_SPECS),
        in_range(config, "deletion_window_in_days", 7, 30),
        in_range(config, "rotation_period_in_days", 90, 2560),
        validate_policy_document(config, "policy"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(d) = str_attr(config, "description").filter(|d| d.chars().count() > 8192) {
        diags.push(at(
            "description",
            "Invalid description",
            format!("expected length of description to be in the range (0 - 8192), got {}", d.chars().count()),
        ));
    }
    diags
}

/// The provider's alias name rule: `alias/` and then letters, digits and
/// `/_-`, never AWS's own `alias/aws/`.
fn alias_name_problem(name: &str, prefix: bool) -> Option<String> {
    let Some(rest) = name.strip_prefix("alias/") else {
        return Some("must begin with 'alias/'".into());
    };
    if name.starts_with("alias/aws/") {
        return Some("cannot begin with reserved AWS alias prefix 'alias/aws/'".into());
    }
    if (!prefix && rest.is_empty()) || !rest.chars().all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c)) {
        return Some("must contain only alphanumeric characters, '/', '_' and '-' after 'alias/'".into());
    }
    (name.len() > 256).then(|| "cannot be longer than 256 characters".into())
}

fn validate_alias(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    for (name, prefix) in [("name", false), ("name_prefix", true)] {
        if let Some(v) = str_attr(config, name) {
            if let Some(problem) = alias_name_problem(&v, prefix) {
                diags.push(at(name, &format!("Invalid {name}"), format!("{name} {v:?} {problem}")));
            }
        }
    }
    if is_set(&attr(config, "name")) && is_set(&attr(config, "name_prefix")) {
        diags.push(at("name", "Conflicting configuration arguments", "\"name\": conflicts with name_prefix".into()));
    }
    diags
}

/// A target given as the key's ARN is the key ID read back: no change.
fn plan_alias(planned: &Value, prior: &Value) -> Value {
    let (Some(before), Some(after)) = (str_attr(prior, "target_key_id"), str_attr(planned, "target_key_id")) else {
        return planned.clone();
    };
    let same_key = |id: &str, other: &str| other.starts_with("arn:") && other.ends_with(&format!(":key/{id}"));
    if before != after && (same_key(&before, &after) || same_key(&after, &before)) {
        return with_attr(planned, "target_key_id", attr(prior, "target_key_id"));
    }
    planned.clone()
}

// ---- aws_kms_key ----

fn kms_tags(m: &BTreeMap<String, String>) -> Option<Vec<aws_sdk_kms::types::Tag>> {
    let tags: Vec<_> =
        m.iter().filter_map(|(k, v)| aws_sdk_kms::types::Tag::builder().tag_key(k).tag_value(v).build().ok()).collect();
    (!tags.is_empty()).then_some(tags)
}

fn create_key(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let what = format!("creating {KEY_WHAT}");
    aws.log_call("kms:CreateKey");
    // A policy naming a just-made IAM principal is refused until IAM shows it.
    let out = aws
        .retry(
            std::time::Duration::from_secs(120),
            |e| e.code == "MalformedPolicyDocumentException",
            || {
                aws.block(
                    aws.kms
                        .create_key()
                        .set_description(nonempty(planned, "description"))
                        .set_key_usage(
                            nonempty(planned, "key_usage").map(|u| aws_sdk_kms::types::KeyUsageType::from(u.as_str())),
                        )
                        .set_key_spec(
                            nonempty(planned, "customer_master_key_spec")
                                .map(|s| aws_sdk_kms::types::KeySpec::from(s.as_str())),
                        )
                        .set_policy(nonempty(planned, "policy"))
                        .set_multi_region(bool_attr(planned, "multi_region").filter(|m| *m))
                        .set_bypass_policy_lockout_safety_check(
                            bool_attr(planned, "bypass_policy_lockout_safety_check").filter(|b| *b),
                        )
                        .set_custom_key_store_id(nonempty(planned, "custom_key_store_id"))
                        .set_xks_key_id(nonempty(planned, "xks_key_id"))
                        .set_tags(kms_tags(&map_of(&attr(planned, "tags_all"))))
                        .send(),
                )
                .map_err(aws_error)
            },
        )
        .map_err(|e| e.into_diag(&what))?;
    let id = out.key_metadata().map(|m| m.key_id().to_string()).unwrap_or_default();
    let stub = with_attr(planned, "id", Value::string(id.as_str()));
    let made = |e: AwsError| e.into_diag(&format!("updating {KEY_WHAT} ({id})"));
    if bool_attr(planned, "enable_key_rotation") == Some(true) {
        set_rotation(aws, &id, true, int_attr(planned, "rotation_period_in_days")).map_err(made)?;
    }
    if bool_attr(planned, "is_enabled") == Some(false) {
        set_enabled(aws, &id, false).map_err(made)?;
    }
    read_key_after_write(aws, &stub)
}

fn set_rotation(aws: &Aws, id: &str, enabled: bool, period: Option<i64>) -> Result<(), AwsError> {
    if enabled {
        aws.log_call("kms:EnableKeyRotation");
        let period = period.filter(|p| *p > 0).and_then(|p| i32::try_from(p).ok());
        aws.block(aws.kms.enable_key_rotation().key_id(id).set_rotation_period_in_days(period).send())
            .map(|_| ())
            .map_err(aws_error)
    } else {
        aws.log_call("kms:DisableKeyRotation");
        aws.block(aws.kms.disable_key_rotation().key_id(id).send()).map(|_| ()).map_err(aws_error)
    }
}

fn set_enabled(aws: &Aws, id: &str, enabled: bool) -> Result<(), AwsError> {
    if enabled {
        aws.log_call("kms:EnableKey");
        aws.block(aws.kms.enable_key().key_id(id).send()).map(|_| ()).map_err(aws_error)
    } else {
        aws.log_call("kms:DisableKey");
        aws.block(aws.kms.disable_key().key_id(id).send()).map(|_| ()).map_err(aws_error)
    }
}

fn read_key_after_write(aws: &Aws, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(current);
    read_key(aws, current)?.ok_or_else(|| {
        ProviderDiagnostic::error(
            format!("{KEY_WHAT} not found after change"),
            format!("{KEY_WHAT} ({id}) was not found."),
        )
    })
}

fn key_tags(aws: &Aws, id: &str) -> Result<Vec<(String, String)>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("kms:ListResourceTags");
        let page =
            aws.block(aws.kms.list_resource_tags().key_id(id).set_marker(marker.clone()).send()).map_err(aws_error)?;
        out.extend(page.tags().iter().map(|t| (t.tag_key().to_string(), t.tag_value().to_string())));
        match page.next_marker().filter(|m| !m.is_empty() && page.truncated()) {
            Some(m) => marker = Some(m.to_string()),
            None => break,
        }
    }
    Ok(out)
}

/// An argument KMS does not report, as the configuration or state has it.
fn kept(current: &Value, name: &str, default: Value) -> Value {
    let v = attr(current, name);
    if v.is_known() && !v.is_null() {
        v
    } else {
        default
    }
}

fn read_key(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let what = format!("reading {KEY_WHAT} ({id})");
    aws.log_call("kms:DescribeKey");
    let meta = match aws.block(aws.kms.describe_key().key_id(&id).send()).map_err(aws_error) {
        Ok(out) => match out.key_metadata() {
            Some(m) => m.clone(),
            None => return Ok(None),
        },
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e.into_diag(&what)),
    };
    if meta.key_state().is_some_and(|s| s.as_str() == "PendingDeletion" || s.as_str() == "PendingReplicaDeletion") {
        return Ok(None);
    }
    let key_id = meta.key_id().to_string();
    aws.log_call("kms:GetKeyPolicy");
    let remote_policy = aws
        .block(aws.kms.get_key_policy().key_id(&key_id).policy_name("default").send())
        .map_err(|e| aws_error(e).into_diag(&what))?
        .policy()
        .unwrap_or_default()
        .to_string();
    let policy = iam_policy::to_store(str_attr(current, "policy").as_deref(), &remote_policy);
    let spec = meta.key_spec().map(|s| s.as_str().to_string()).unwrap_or_else(|| "SYMMETRIC_DEFAULT".into());
    // Only symmetric encryption keys made by KMS rotate.
    let (rotation, period) = if spec == "SYMMETRIC_DEFAULT" && meta.custom_key_store_id().is_none() {
        aws.log_call("kms:GetKeyRotationStatus");
        let out = aws
            .block(aws.kms.get_key_rotation_status().key_id(&key_id).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
        let period = match out.rotation_period_in_days() {
            Some(p) => Value::int(p as i64),
            // AWS reports a rotating key's period; an endpoint that does not
            // (moto) says nothing about it, so what was known stays.
            None if out.key_rotation_enabled() => kept(current, "rotation_period_in_days", Value::int(365)),
            None => Value::int(0),
        };
        (out.key_rotation_enabled(), period)
    } else {
        (false, Value::int(0))
    };
    let remote_tags = key_tags(aws, &key_id).map_err(|e| e.into_diag(&what))?;
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote_tags);
    let text = |v: Option<&str>| Value::string(v.unwrap_or_default());
    Ok(Some(object(
        &key_schema(),
        [
            ("arn", text(meta.arn())),
            (
                "bypass_policy_lockout_safety_check",
                kept(current, "bypass_policy_lockout_safety_check", Value::bool(false)),
            ),
            ("custom_key_store_id", text(meta.custom_key_store_id())),
            ("customer_master_key_spec", Value::string(spec.as_str())),
            ("deletion_window_in_days", attr(current, "deletion_window_in_days")),
            ("description", text(meta.description())),
            ("enable_key_rotation", Value::bool(rotation)),
            ("id", Value::string(key_id.as_str())),
            ("is_enabled", Value::bool(meta.enabled())),
            ("key_id", Value::string(key_id.as_str())),
            ("key_usage", text(meta.key_usage().map(|u| u.as_str()))),
            ("multi_region", Value::bool(meta.multi_region().unwrap_or(false))),
            ("policy", Value::string(policy.as_str())),
            ("rotation_period_in_days", period),
            ("tags", tags),
            ("tags_all", tags_all),
            ("xks_key_id", text(meta.xks_key_configuration().and_then(|x| x.id()))),
        ],
    )))
}

fn update_key(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(prior);
    let what = format!("updating {KEY_WHAT} ({id})");
    let fail = |e: AwsError| e.into_diag(&what);
    let changed = |a: &str| !attr(prior, a).raw_equal(&attr(planned, a));
    let enabled = bool_attr(planned, "is_enabled").unwrap_or(true);
    // A disabled key's rotation cannot change: enable it first, disable it last.
    if changed("is_enabled") && enabled {
        set_enabled(aws, &id, true).map_err(fail)?;
    }
    if changed("description") && attr(planned, "description").is_known() {
        aws.log_call("kms:UpdateKeyDescription");
        aws.block(
            aws.kms
                .update_key_description()
                .key_id(&id)
                .description(str_attr(planned, "description").unwrap_or_default())
                .send(),
        )
        .map_err(|e| fail(aws_error(e)))?;
    }
    if changed("policy") && nonempty(planned, "policy").is_some() && attr(planned, "policy").is_known() {
        aws.log_call("kms:PutKeyPolicy");
        aws.block(
            aws.kms
                .put_key_policy()
                .key_id(&id)
                .policy_name("default")
                .policy(str_attr(planned, "policy").unwrap_or_default())
                .set_bypass_policy_lockout_safety_check(
                    bool_attr(planned, "bypass_policy_lockout_safety_check").filter(|b| *b),
                )
                .send(),
        )
        .map_err(|e| fail(aws_error(e)))?;
    }
    let period_changed = changed("rotation_period_in_days") && attr(planned, "rotation_period_in_days").is_known();
    if changed("enable_key_rotation") || (period_changed && bool_attr(planned, "enable_key_rotation") == Some(true)) {
        let rotate = bool_attr(planned, "enable_key_rotation").unwrap_or(false);
        set_rotation(aws, &id, rotate, int_attr(planned, "rotation_period_in_days")).map_err(fail)?;
    }
    if changed("is_enabled") && !enabled {
        set_enabled(aws, &id, false).map_err(fail)?;
    }
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("kms:UntagResource");
        aws.block(aws.kms.untag_resource().key_id(&id).set_tag_keys(Some(remove)).send())
            .map_err(|e| fail(aws_error(e)))?;
    }
    if let Some(set) = kms_tags(&set) {
        aws.log_call("kms:TagResource");
        aws.block(aws.kms.tag_resource().key_id(&id).set_tags(Some(set)).send()).map_err(|e| fail(aws_error(e)))?;
    }
    read_key_after_write(aws, &with_attr(planned, "id", Value::string(id.as_str())))
}

fn key_ids(aws: &Aws) -> Result<Vec<String>, AwsError> {
    let mut ids = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("kms:ListKeys");
        let page = aws.block(aws.kms.list_keys().set_marker(marker.clone()).send()).map_err(aws_error)?;
        ids.extend(page.keys().iter().filter_map(|k| k.key_id().map(String::from)));
        match page.next_marker().filter(|m| !m.is_empty() && page.truncated()) {
            Some(m) => marker = Some(m.to_string()),
            None => break,
        }
    }
    Ok(ids)
}

fn find_key(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for a KMS Key an interrupted create made";
    let ids = key_ids(aws).map_err(|e| e.into_diag(what))?;
    match tags::first_carrying_token(ids, token, |id| key_tags(aws, id)).map_err(|e| e.into_diag(what))? {
        Some(id) => read_key(aws, &with_attr(planned, "id", Value::string(id))),
        None => Ok(None),
    }
}

fn list_keys(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let what = "listing KMS Keys";
    let mut objects = Vec::new();
    for id in key_ids(aws).map_err(|e| e.into_diag(what))? {
        let tags = key_tags(aws, &id).map_err(|e| e.into_diag(what))?;
        objects.push(ListedObject { id, tags: tags.into_iter().collect() });
    }
    Ok(objects)
}

// ---- aws_kms_alias ----

fn alias_name(planned: &Value) -> String {
    match nonempty(planned, "name") {
        Some(n) => n,
        None => crate::iam::name_for(&with_attr(
            planned,
            "name_prefix",
            Value::string(nonempty(planned, "name_prefix").unwrap_or_else(|| "alias/terraform-".into()).as_str()),
        )),
    }
}

fn create_alias(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = alias_name(planned);
    let target = str_attr(planned, "target_key_id").unwrap_or_default();
    let what = format!("creating {ALIAS_WHAT} ({name})");
    aws.log_call("kms:CreateAlias");
    aws.block(aws.kms.create_alias().alias_name(&name).target_key_id(&target).send())
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let stub = with_attr(planned, "id", Value::string(name.as_str()));
    aws.until_visible(&format!("{ALIAS_WHAT} ({name})"), || {
        read_alias(aws, &stub).map_err(|d| AwsError { code: "ReadFailed".into(), message: d.detail })
    })
    .map_err(|e| e.into_diag(&what))
}

fn update_alias(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::id_of(planned);
    let target = str_attr(planned, "target_key_id").unwrap_or_default();
    let what = format!("updating {ALIAS_WHAT} ({name})");
    aws.log_call("kms:UpdateAlias");
    aws.block(aws.kms.update_alias().alias_name(&name).target_key_id(&target).send())
        .map_err(|e| aws_error(e).into_diag(&what))?;
    read_alias(aws, planned)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{ALIAS_WHAT} not found after change"), format!("{what}: not found"))
    })
}

fn read_alias(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = crate::id_of(current);
    let what = format!("reading {ALIAS_WHAT} ({name})");
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("kms:ListAliases");
        let page = aws
            .block(aws.kms.list_aliases().set_marker(marker.clone()).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
        if let Some(a) = page.aliases().iter().find(|a| a.alias_name() == Some(name.as_str())) {
            let Some(target) = a.target_key_id() else { return Ok(None) };
            let arn = a.alias_arn().unwrap_or_default();
            // The key's ARN: the alias's, with `alias/NAME` turned into `key/ID`.
            let key_arn = match arn.split_once(":alias/") {
                Some((base, _)) => format!("{base}:key/{target}"),
                None => String::new(),
            };
            let prefix = match str_attr(current, "name_prefix") {
                Some(p) if name.starts_with(&p) => Value::string(p.as_str()),
                _ => Value::null(Type::String),
            };
            return Ok(Some(object(
                &alias_schema(),
                [
                    ("arn", Value::string(arn)),
                    ("id", Value::string(name.as_str())),
                    ("name", Value::string(name.as_str())),
                    ("name_prefix", prefix),
                    ("target_key_arn", Value::string(key_arn.as_str())),
                    ("target_key_id", Value::string(target)),
                ],
            )));
        }
        match page.next_marker().filter(|m| !m.is_empty() && page.truncated()) {
            Some(m) => marker = Some(m.to_string()),
            None => break,
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_names_start_with_alias_and_avoid_awss_own() {
        assert_eq!(alias_name_problem("alias/app", false), None);
        assert_eq!(alias_name_problem("alias/app-", true), None);
        assert!(alias_name_problem("app", false).unwrap().contains("must begin with 'alias/'"));
        assert!(alias_name_problem("alias/aws/s3", false).unwrap().contains("reserved"));
        assert!(alias_name_problem("alias/a b", false).is_some());
        assert!(alias_name_problem("alias/", false).is_some());
        let made = alias_name(&object(&alias_schema(), [("name_prefix", Value::string("alias/app-"))]));
        assert!(made.starts_with("alias/app-") && alias_name_problem(&made, false).is_none(), "{made}");
    }

    #[test]
    fn a_target_given_by_arn_is_the_key_id_read_back() {
        let schema = alias_schema();
        let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        let prior = object(&schema, [("target_key_id", Value::string(id))]);
        let by_arn = object(
            &schema,
            [("target_key_id", Value::string(format!("arn:aws:kms:ap-southeast-1:123456789012:key/{id}").as_str()))],
        );
        assert_eq!(str_attr(&plan_alias(&by_arn, &prior), "target_key_id").unwrap(), id);
        let other = object(&schema, [("target_key_id", Value::string("ffff"))]);
        assert_eq!(str_attr(&plan_alias(&other, &prior), "target_key_id").unwrap(), "ffff");
    }

    #[test]
    fn key_arguments_are_checked() {
        let key = object(
            &key_schema(),
            [
                ("key_usage", Value::string("DECRYPT_ONLY")),
                ("deletion_window_in_days", Value::int(3)),
                ("rotation_period_in_days", Value::int(30)),
                ("policy", Value::string("nope")),
            ],
        );
        let details: Vec<String> = validate_key(&key).into_iter().map(|d| d.detail).collect();
        assert_eq!(details.len(), 4, "{details:#?}");
        assert!(details[1].contains("expected deletion_window_in_days to be in the range (7 - 30), got 3"));
    }
}
