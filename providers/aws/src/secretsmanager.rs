//! Secrets Manager, as hashicorp/aws 6.x models it:
//! `aws_secretsmanager_secret` (id = ARN, imported by it; the name
//! replaces it; description, KMS key, policy, replicas and tags change in
//! place; destroy deletes it after `recovery_window_in_days`, or at once
//! when that is 0) and `aws_secretsmanager_secret_version` (id =
//! `SECRET_ID|VERSION_ID`, imported by it; a new secret value is a new
//! version, staging labels move in place).
//!
//! `secret_string` and `secret_binary` are sensitive: the schema says so,
//! and no message here ever carries them.

use crate::client::{aws_error, Aws, AwsError};
use crate::family::Family;
use crate::iam_policy;
use crate::sqs::{plan_document, validate_policy_document};
use crate::tags;
use crate::util::{attr, attrs, bool_attr, int_attr, is_set, map_of, nonempty, object, set_of, str_attr, with_attr};
use aws_sdk_secretsmanager::types::{ReplicaRegionType, Tag};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, ListedObject, PathStep, ProviderDiagnostic};

pub const SECRET: &str = "aws_secretsmanager_secret";
pub const VERSION: &str = "aws_secretsmanager_secret_version";

const TYPES: [&str; 2] = [SECRET, VERSION];

const SECRET_WHAT: &str = "Secrets Manager Secret";
const VERSION_WHAT: &str = "Secrets Manager Secret Version";
const CURRENT: &str = "AWSCURRENT";

/// The family (`family::FAMILIES`).
pub struct SecretsManager;

fn replica_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("kms_key_id", Attribute::optional_computed(Type::String)),
            ("last_accessed_date", Attribute::computed(Type::String)),
            ("region", Attribute::required(Type::String)),
            ("status", Attribute::computed(Type::String)),
            ("status_message", Attribute::computed(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn secret_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("description", Attribute::optional(Type::String)),
            ("force_overwrite_replica_secret", Attribute::optional(Type::Bool)),
            ("id", Attribute::computed(Type::String)),
            ("kms_key_id", Attribute::optional(Type::String)),
            ("name", Attribute::optional_computed(Type::String).force_new()),
            ("name_prefix", Attribute::optional_computed(Type::String).force_new()),
            ("policy", Attribute::optional_computed(Type::String)),
            ("recovery_window_in_days", Attribute::optional(Type::Number)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::from([("replica".to_string(), set_of(replica_block()))]),
    }
}

fn version_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("secret_binary", Attribute::optional(Type::String).force_new().sensitive()),
            ("secret_id", Attribute::required(Type::String).force_new()),
            ("secret_string", Attribute::optional(Type::String).force_new().sensitive()),
            ("version_id", Attribute::computed(Type::String)),
            ("version_stages", Attribute::optional_computed(Type::set(Type::String))),
        ]),
        blocks: BTreeMap::new(),
    }
}

impl Family for SecretsManager {
    fn types(&self) -> &'static [&'static str] {
        &TYPES
    }

    fn schema(&self, type_name: &str) -> Block {
        match type_name {
            SECRET => secret_schema(),
            _ => version_schema(),
        }
    }

    fn defaults(&self, type_name: &str) -> Vec<(&'static str, Value)> {
        match type_name {
            SECRET => vec![
                ("force_overwrite_replica_secret", Value::bool(false)),
                ("recovery_window_in_days", Value::int(30)),
            ],
            _ => Vec::new(),
        }
    }

    fn validate(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        if config.is_null() {
            return Vec::new();
        }
        match type_name {
            SECRET => validate_secret(config),
            _ => validate_version(config),
        }
    }

    fn plan(&self, type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
        match type_name {
            SECRET => {
                let p = plan_document(planned, config, prior, "policy", iam_policy::equivalent);
                (plan_replicas(&p, prior), Vec::new())
            }
            _ => (planned.clone(), Vec::new()),
        }
    }

    fn apply(&self, aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        match (type_name, prior.is_null()) {
            (SECRET, true) => create_secret(aws, planned),
            (SECRET, false) => update_secret(aws, prior, planned),
            (_, true) => put_version(aws, planned),
            (_, false) => update_version_stages(aws, prior, planned),
        }
    }

    fn read(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        match type_name {
            SECRET => read_secret(aws, current),
            _ => read_version(aws, current),
        }
    }

    fn delete(&self, aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        match type_name {
            SECRET => delete_secret(aws, prior),
            _ => delete_version(aws, prior),
        }
    }

    /// A version is untagged and its ID is chosen at create.
    fn cannot_find_created(&self, type_name: &str, _planned: &Value) -> bool {
        type_name != SECRET
    }

    /// A secret by its name (or prefix) and the create token tag; a
    /// version cannot be told from another holding the same value.
    fn find(
        &self,
        aws: &Aws,
        type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = &crate::util::known_or_null(planned);
        match type_name {
            SECRET => find_secret(aws, token, planned),
            _ => Ok(None),
        }
    }

    fn list(&self, aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
        (type_name == SECRET)
            .then(|| list_secrets(aws, None).map_err(|e| e.into_diag("listing Secrets Manager Secrets")))
            .map(|r| r.map(|secrets| secrets.into_iter().map(|(id, _, tags)| ListedObject { id, tags }).collect()))
    }
}

/// Secrets Manager's answer about a secret scheduled for deletion.
fn is_marked_deleted(e: &AwsError) -> bool {
    e.code == "InvalidRequestException" && e.message.contains("deleted")
}

fn at(name: &str, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(vec![PathStep::Attr(name.into())])
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/_+=.@-".contains(c)
}

fn validate_secret(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags: Vec<ProviderDiagnostic> = validate_policy_document(config, "policy").into_iter().collect();
    for (name, max) in [("name", 512), ("name_prefix", 512 - 26)] {
        let Some(v) = str_attr(config, name) else { continue };
        if v.is_empty() || v.len() > max || !v.chars().all(name_char) {
            diags.push(at(
                name,
                &format!("Invalid {name}"),
                format!("{name} {v:?} must be 1 to {max} alphanumeric characters or any of /_+=.@-"),
            ));
        }
    }
    if is_set(&attr(config, "name")) && is_set(&attr(config, "name_prefix")) {
        diags.push(at("name", "Conflicting configuration arguments", "\"name\": conflicts with name_prefix".into()));
    }
    if let Some(n) = int_attr(config, "recovery_window_in_days").filter(|n| *n != 0 && !(7..=30).contains(n)) {
        diags.push(at(
            "recovery_window_in_days",
            "Invalid recovery_window_in_days",
            format!("expected recovery_window_in_days to be 0 or in the range (7 - 30), got {n}"),
        ));
    }
    diags
}

fn validate_version(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    let (string, binary) = (attr(config, "secret_string"), attr(config, "secret_binary"));
    if is_set(&string) && is_set(&binary) {
        diags.push(at(
            "secret_string",
            "Conflicting configuration arguments",
            "\"secret_string\": conflicts with secret_binary".into(),
        ));
    }
    // The value itself is never shown: it is sensitive.
    if binary.is_known() && str_attr(config, "secret_binary").is_some_and(|b| crate::util::base64_decode(&b).is_none())
    {
        diags.push(at("secret_binary", "Invalid secret_binary", "secret_binary must be base64-encoded".into()));
    }
    diags
}

/// Replicas written without a KMS key keep the one AWS reports.
fn plan_replicas(planned: &Value, prior: &Value) -> Value {
    let block = replica_block();
    let before = crate::util::items(&attr(prior, "replica"));
    let replicas = attr(planned, "replica");
    if !replicas.is_wholly_known() {
        return planned.clone();
    }
    let items: Vec<Value> = crate::util::items(&replicas)
        .into_iter()
        .map(|r| {
            let region = str_attr(&r, "region");
            let old = before.iter().find(|b| str_attr(b, "region") == region);
            let mut r = r;
            for name in ["kms_key_id", "last_accessed_date", "status", "status_message"] {
                if attr(&r, name).is_null() {
                    let kept = old.map(|o| attr(o, name)).unwrap_or_else(|| Value::unknown(Type::String));
                    r = with_attr(&r, name, kept);
                }
            }
            r
        })
        .collect();
    with_attr(planned, "replica", Value::set(block.implied_type(), items))
}

// ---- aws_secretsmanager_secret ----

fn sm_tags(m: &BTreeMap<String, String>) -> Option<Vec<Tag>> {
    let tags: Vec<Tag> = m.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect();
    (!tags.is_empty()).then_some(tags)
}

fn replica_regions(v: &Value) -> Vec<ReplicaRegionType> {
    crate::util::items(&attr(v, "replica"))
        .iter()
        .map(|r| {
            ReplicaRegionType::builder()
                .set_region(nonempty(r, "region"))
                .set_kms_key_id(nonempty(r, "kms_key_id").filter(|_| attr(r, "kms_key_id").is_known()))
                .build()
        })
        .collect()
}

fn create_secret(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::iam::name_for(planned);
    let what = format!("creating {SECRET_WHAT} ({name})");
    let replicas = replica_regions(planned);
    aws.log_call("secretsmanager:CreateSecret");
    let out = aws
        .block(
            aws.secretsmanager
                .create_secret()
                .name(&name)
                .set_description(nonempty(planned, "description"))
                .set_kms_key_id(nonempty(planned, "kms_key_id"))
                .set_add_replica_regions((!replicas.is_empty()).then_some(replicas))
                .force_overwrite_replica_secret(bool_attr(planned, "force_overwrite_replica_secret").unwrap_or(false))
                .set_tags(sm_tags(&map_of(&attr(planned, "tags_all"))))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let arn = out.arn().unwrap_or_default().to_string();
    if let Some(policy) = nonempty(planned, "policy") {
        put_policy(aws, &arn, &policy).map_err(|e| e.into_diag(&format!("putting {SECRET_WHAT} ({arn}) policy")))?;
    }
    let stub = with_attr(planned, "id", Value::string(arn.as_str()));
    aws.until_visible(&format!("{SECRET_WHAT} ({arn})"), || {
        read_secret(aws, &stub).map_err(|d| AwsError { code: "ReadFailed".into(), message: d.detail })
    })
    .map_err(|e| e.into_diag(&what))
}

fn put_policy(aws: &Aws, arn: &str, policy: &str) -> Result<(), AwsError> {
    aws.log_call("secretsmanager:PutResourcePolicy");
    // A policy naming a just-made IAM principal is refused until IAM shows it.
    aws.retry(
        Duration::from_secs(120),
        |e| e.code == "MalformedPolicyDocumentException" && e.message.contains("principal"),
        || {
            aws.block(aws.secretsmanager.put_resource_policy().secret_id(arn).resource_policy(policy).send())
                .map(|_| ())
                .map_err(aws_error)
        },
    )
}

/// A secret as it is now, or `None` when it is gone or scheduled for deletion.
fn read_secret(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let what = format!("reading {SECRET_WHAT} ({id})");
    aws.log_call("secretsmanager:DescribeSecret");
    let out = match aws.block(aws.secretsmanager.describe_secret().secret_id(&id).send()).map_err(aws_error) {
        Ok(out) => out,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e.into_diag(&what)),
    };
    if out.deleted_date().is_some() {
        return Ok(None);
    }
    let arn = out.arn().unwrap_or(&id).to_string();
    aws.log_call("secretsmanager:GetResourcePolicy");
    let remote_policy = aws
        .block(aws.secretsmanager.get_resource_policy().secret_id(&arn).send())
        .map_err(|e| aws_error(e).into_diag(&what))?
        .resource_policy()
        .unwrap_or_default()
        .to_string();
    let policy = if remote_policy.is_empty() {
        String::new()
    } else {
        iam_policy::to_store(str_attr(current, "policy").as_deref(), &remote_policy)
    };
    let name = out.name().unwrap_or_default().to_string();
    let prefix = match crate::logs::name_prefix_from_name(&name) {
        Some(p) => Value::string(p),
        None if is_set(&attr(current, "name_prefix")) => Value::string(""),
        None => Value::null(Type::String),
    };
    let remote_tags =
        out.tags().iter().map(|t| (t.key().unwrap_or_default().to_string(), t.value().unwrap_or_default().to_string()));
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote_tags);
    let block = replica_block();
    let replicas = out
        .replication_status()
        .iter()
        .map(|r| {
            let date = r.last_accessed_date().map(|d| d.secs().to_string()).unwrap_or_default();
            object(
                &block,
                [
                    ("kms_key_id", Value::string(r.kms_key_id().unwrap_or_default())),
                    ("last_accessed_date", Value::string(date.as_str())),
                    ("region", Value::string(r.region().unwrap_or_default())),
                    ("status", Value::string(r.status().map(|s| s.as_str()).unwrap_or_default())),
                    ("status_message", Value::string(r.status_message().unwrap_or_default())),
                ],
            )
        })
        .collect();
    // Not reported by AWS: as the configuration or state has them.
    let kept = |name: &str, default: Value| {
        let v = attr(current, name);
        if v.is_known() && !v.is_null() {
            v
        } else {
            default
        }
    };
    Ok(Some(object(
        &secret_schema(),
        [
            ("arn", Value::string(arn.as_str())),
            ("description", crate::iam::optional_text(out.description(), current, "description")),
            ("force_overwrite_replica_secret", kept("force_overwrite_replica_secret", Value::bool(false))),
            ("id", Value::string(arn.as_str())),
            ("kms_key_id", crate::iam::optional_text(out.kms_key_id(), current, "kms_key_id")),
            ("name", Value::string(name.as_str())),
            ("name_prefix", prefix),
            ("policy", Value::string(policy.as_str())),
            ("recovery_window_in_days", kept("recovery_window_in_days", Value::int(30))),
            ("replica", Value::set(block.implied_type(), replicas)),
            ("tags", tags),
            ("tags_all", tags_all),
        ],
    )))
}

fn update_secret(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let arn = crate::id_of(prior);
    let what = format!("updating {SECRET_WHAT} ({arn})");
    let fail = |e: AwsError| e.into_diag(&what);
    let changed = |a: &str| !attr(prior, a).raw_equal(&attr(planned, a));
    if changed("description") || changed("kms_key_id") {
        aws.log_call("secretsmanager:UpdateSecret");
        aws.block(
            aws.secretsmanager
                .update_secret()
                .secret_id(&arn)
                .description(str_attr(planned, "description").unwrap_or_default())
                .set_kms_key_id(nonempty(planned, "kms_key_id"))
                .send(),
        )
        .map_err(|e| fail(aws_error(e)))?;
    }
    if changed("policy") && attr(planned, "policy").is_known() {
        match nonempty(planned, "policy") {
            Some(policy) => put_policy(aws, &arn, &policy).map_err(fail)?,
            None => {
                aws.log_call("secretsmanager:DeleteResourcePolicy");
                aws.block(aws.secretsmanager.delete_resource_policy().secret_id(&arn).send())
                    .map_err(|e| fail(aws_error(e)))?;
            }
        }
    }
    if changed("replica") {
        let regions = |v: &Value| -> BTreeSet<String> {
            crate::util::items(&attr(v, "replica")).iter().filter_map(|r| str_attr(r, "region")).collect()
        };
        let (before, after) = (regions(prior), regions(planned));
        let removed: Vec<String> = before.difference(&after).cloned().collect();
        if !removed.is_empty() {
            aws.log_call("secretsmanager:RemoveRegionsFromReplication");
            aws.block(
                aws.secretsmanager
                    .remove_regions_from_replication()
                    .secret_id(&arn)
                    .set_remove_replica_regions(Some(removed))
                    .send(),
            )
            .map_err(|e| fail(aws_error(e)))?;
        }
        let added: Vec<ReplicaRegionType> = replica_regions(planned)
            .into_iter()
            .filter(|r| r.region().is_some_and(|region| !before.contains(region)))
            .collect();
        if !added.is_empty() {
            aws.log_call("secretsmanager:ReplicateSecretToRegions");
            aws.block(
                aws.secretsmanager
                    .replicate_secret_to_regions()
                    .secret_id(&arn)
                    .set_add_replica_regions(Some(added))
                    .force_overwrite_replica_secret(
                        bool_attr(planned, "force_overwrite_replica_secret").unwrap_or(false),
                    )
                    .send(),
            )
            .map_err(|e| fail(aws_error(e)))?;
        }
    }
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("secretsmanager:UntagResource");
        aws.block(aws.secretsmanager.untag_resource().secret_id(&arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| fail(aws_error(e)))?;
    }
    if let Some(set) = sm_tags(&set) {
        aws.log_call("secretsmanager:TagResource");
        aws.block(aws.secretsmanager.tag_resource().secret_id(&arn).set_tags(Some(set)).send())
            .map_err(|e| fail(aws_error(e)))?;
    }
    read_secret(aws, &with_attr(planned, "id", Value::string(arn.as_str())))?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{SECRET_WHAT} not found after change"), format!("{what}: not found"))
    })
}

fn delete_secret(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let arn = crate::id_of(prior);
    let what = format!("deleting {SECRET_WHAT} ({arn})");
    // A secret with replicas cannot be deleted: remove them first.
    let regions: Vec<String> =
        crate::util::items(&attr(prior, "replica")).iter().filter_map(|r| str_attr(r, "region")).collect();
    if !regions.is_empty() {
        aws.log_call("secretsmanager:RemoveRegionsFromReplication");
        match aws
            .block(
                aws.secretsmanager
                    .remove_regions_from_replication()
                    .secret_id(&arn)
                    .set_remove_replica_regions(Some(regions))
                    .send(),
            )
            .map_err(aws_error)
        {
            Err(e) if !e.is_not_found() => return Err(e.into_diag(&what)),
            _ => {}
        }
    }
    let window = int_attr(prior, "recovery_window_in_days").unwrap_or(30);
    let request = aws.secretsmanager.delete_secret().secret_id(&arn);
    let request =
        if window == 0 { request.force_delete_without_recovery(true) } else { request.recovery_window_in_days(window) };
    aws.log_call("secretsmanager:DeleteSecret");
    match aws.block(request.send()).map_err(aws_error) {
        Err(e) if !e.is_not_found() => Err(e.into_diag(&what)),
        _ => Ok(()),
    }
}

/// `(arn, name, tags)` of every secret, or of those named `name`.
#[allow(clippy::type_complexity)]
fn list_secrets(aws: &Aws, name: Option<&str>) -> Result<Vec<(String, String, BTreeMap<String, String>)>, AwsError> {
    use aws_sdk_secretsmanager::types::{Filter, FilterNameStringType};
    let filters = name.map(|n| vec![Filter::builder().key(FilterNameStringType::Name).values(n).build()]);
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("secretsmanager:ListSecrets");
        let page = aws
            .block(aws.secretsmanager.list_secrets().set_filters(filters.clone()).set_next_token(token.clone()).send())
            .map_err(aws_error)?;
        for s in page.secret_list() {
            let tags = s
                .tags()
                .iter()
                .map(|t| (t.key().unwrap_or_default().to_string(), t.value().unwrap_or_default().to_string()));
            out.push((
                s.arn().unwrap_or_default().to_string(),
                s.name().unwrap_or_default().to_string(),
                tags.collect(),
            ));
        }
        match page.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(out)
}

fn find_secret(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for a Secrets Manager Secret an interrupted create made";
    let exact = nonempty(planned, "name");
    let prefix = exact.clone().or_else(|| nonempty(planned, "name_prefix")).unwrap_or_else(|| "terraform-".into());
    for (arn, name, tags) in list_secrets(aws, Some(&prefix)).map_err(|e| e.into_diag(what))? {
        let named = match &exact {
            Some(n) => *n == name,
            None => name.starts_with(&prefix),
        };
        if named && tags.get(tags::CREATE_TOKEN_TAG).is_some_and(|t| t == token) {
            return read_secret(aws, &with_attr(planned, "id", Value::string(arn.as_str())));
        }
    }
    Ok(None)
}

// ---- aws_secretsmanager_secret_version ----

/// `SECRET_ID|VERSION_ID` split at its last `|`.
fn split_version_id(id: &str) -> Option<(&str, &str)> {
    id.rsplit_once('|').filter(|(s, v)| !s.is_empty() && !v.is_empty())
}

fn put_version(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let secret_id = str_attr(planned, "secret_id").unwrap_or_default();
    let what = format!("putting {VERSION_WHAT} ({secret_id})");
    let binary = nonempty(planned, "secret_binary")
        .map(|b| crate::util::base64_decode(&b).map(aws_sdk_secretsmanager::primitives::Blob::new))
        .map(|b| {
            b.ok_or_else(|| {
                ProviderDiagnostic::error(format!("{what}: secret_binary"), "secret_binary must be base64-encoded")
            })
        })
        .transpose()?;
    let stages = attr(planned, "version_stages");
    let stages = (stages.is_wholly_known() && !stages.is_null()).then(|| crate::util::strings_of(&stages));
    aws.log_call("secretsmanager:PutSecretValue");
    let out = aws
        .block(
            aws.secretsmanager
                .put_secret_value()
                .secret_id(&secret_id)
                .set_secret_string(str_attr(planned, "secret_string").filter(|_| binary.is_none()))
                .set_secret_binary(binary)
                .set_version_stages(stages.filter(|s| !s.is_empty()))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let version = out.version_id().unwrap_or_default();
    let stub = with_attr(planned, "id", Value::string(format!("{secret_id}|{version}").as_str()));
    read_version(aws, &stub)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{VERSION_WHAT} not found after change"), format!("{what}: not found"))
    })
}

fn read_version(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let Some((secret_id, version_id)) = split_version_id(&id) else {
        return Err(ProviderDiagnostic::error(
            "Invalid import ID",
            format!("unexpected format for ID ({id}), expected SECRET_ID|VERSION_ID"),
        ));
    };
    let what = format!("reading {VERSION_WHAT} ({id})");
    aws.log_call("secretsmanager:GetSecretValue");
    let out = match aws
        .block(aws.secretsmanager.get_secret_value().secret_id(secret_id).version_id(version_id).send())
        .map_err(aws_error)
    {
        Ok(out) => out,
        // A secret scheduled for deletion holds no readable versions.
        Err(e) if e.is_not_found() || is_marked_deleted(&e) => return Ok(None),
        Err(e) => return Err(e.into_diag(&what)),
    };
    if out.version_stages().is_empty() {
        return Ok(None);
    }
    let binary = out.secret_binary().map(|b| crate::util::base64_encode(b.as_ref()));
    let secret = |v: Option<String>, name: &str| match v {
        Some(s) => Value::string(s.as_str()),
        None if attr(current, name).is_null() => Value::null(Type::String),
        None => Value::string(""),
    };
    Ok(Some(object(
        &version_schema(),
        [
            ("arn", Value::string(out.arn().unwrap_or_default())),
            ("id", Value::string(id.as_str())),
            ("secret_binary", secret(binary, "secret_binary")),
            ("secret_id", Value::string(secret_id)),
            ("secret_string", secret(out.secret_string().map(String::from), "secret_string")),
            ("version_id", Value::string(version_id)),
            (
                "version_stages",
                Value::set(Type::String, out.version_stages().iter().map(|s| Value::string(s.as_str())).collect()),
            ),
        ],
    )))
}

/// Which version holds each staging label of the secret now.
fn stage_holders(aws: &Aws, secret_id: &str) -> Result<BTreeMap<String, String>, AwsError> {
    aws.log_call("secretsmanager:DescribeSecret");
    let out = aws.block(aws.secretsmanager.describe_secret().secret_id(secret_id).send()).map_err(aws_error)?;
    let mut holders = BTreeMap::new();
    for (version, stages) in out.version_ids_to_stages().into_iter().flatten() {
        for stage in stages {
            holders.insert(stage.clone(), version.clone());
        }
    }
    Ok(holders)
}

fn update_version_stages(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(prior);
    let what = format!("updating {VERSION_WHAT} ({id})");
    let Some((secret_id, version_id)) = split_version_id(&id) else {
        return Err(ProviderDiagnostic::error("Invalid ID", format!("{what}: expected SECRET_ID|VERSION_ID")));
    };
    let stages =
        |v: &Value| -> BTreeSet<String> { crate::util::strings_of(&attr(v, "version_stages")).into_iter().collect() };
    let (before, after) = (stages(prior), stages(planned));
    let holders = stage_holders(aws, secret_id).map_err(|e| e.into_diag(&what))?;
    for stage in after.difference(&before) {
        aws.log_call("secretsmanager:UpdateSecretVersionStage");
        aws.block(
            aws.secretsmanager
                .update_secret_version_stage()
                .secret_id(secret_id)
                .version_stage(stage)
                .move_to_version_id(version_id)
                .set_remove_from_version_id(holders.get(stage).filter(|v| *v != version_id).cloned())
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    // AWSCURRENT moves only by being given to another version.
    for stage in before.difference(&after).filter(|s| *s != CURRENT) {
        aws.log_call("secretsmanager:UpdateSecretVersionStage");
        aws.block(
            aws.secretsmanager
                .update_secret_version_stage()
                .secret_id(secret_id)
                .version_stage(stage)
                .remove_from_version_id(version_id)
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_version(aws, planned)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{VERSION_WHAT} not found after change"), format!("{what}: not found"))
    })
}

/// Takes the version's labels away; AWSCURRENT stays (only another
/// version can take it), as the provider leaves it.
fn delete_version(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = crate::id_of(prior);
    let Some((secret_id, version_id)) = split_version_id(&id) else { return Ok(()) };
    for stage in crate::util::strings_of(&attr(prior, "version_stages")).iter().filter(|s| *s != CURRENT) {
        aws.log_call("secretsmanager:UpdateSecretVersionStage");
        match aws
            .block(
                aws.secretsmanager
                    .update_secret_version_stage()
                    .secret_id(secret_id)
                    .version_stage(stage)
                    .remove_from_version_id(version_id)
                    .send(),
            )
            .map_err(aws_error)
        {
            Err(e) if !(e.is_not_found() || is_marked_deleted(&e)) => {
                return Err(e.into_diag(&format!("deleting {VERSION_WHAT} ({id})")));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_ids_split_at_the_last_bar() {
        assert_eq!(
            split_version_id("arn:aws:secretsmanager:r:1:secret:a|b|v1"),
            Some(("arn:aws:secretsmanager:r:1:secret:a|b", "v1"))
        );
        assert_eq!(split_version_id("no-bar"), None);
        assert_eq!(split_version_id("x|"), None);
    }

    #[test]
    fn checks_name_the_argument_and_never_show_the_secret() {
        let secret =
            object(&secret_schema(), [("name", Value::string("bad name")), ("recovery_window_in_days", Value::int(3))]);
        let details: Vec<String> = validate_secret(&secret).into_iter().map(|d| d.detail).collect();
        assert_eq!(details.len(), 2, "{details:#?}");
        assert!(details[1].contains("expected recovery_window_in_days to be 0 or in the range (7 - 30), got 3"));
        assert!(validate_secret(&object(&secret_schema(), [("recovery_window_in_days", Value::int(0))])).is_empty());
        let version = object(
            &version_schema(),
            [("secret_string", Value::string("hunter2")), ("secret_binary", Value::string("hunter2!"))],
        );
        let diags = validate_version(&version);
        assert_eq!(diags.len(), 2);
        assert!(diags.iter().all(|d| !d.detail.contains("hunter2") && !d.summary.contains("hunter2")));
        assert!(version_schema().attributes["secret_string"].sensitive);
        assert!(version_schema().attributes["secret_binary"].sensitive);
    }
}
