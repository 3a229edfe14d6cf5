//! IAM, a global service (no `region`): `aws_iam_role`, `aws_iam_policy`
//! (a changed document becomes a new default version, the oldest pruned
//! when five exist), `aws_iam_role_policy` (inline, id `role:name`) and
//! `aws_iam_role_policy_attachment` (id `role/arn`). Policy documents are
//! compared by meaning (`iam_policy`): what is read back keeps the stored
//! text when it means the same, and an equivalent configuration plans
//! no change.

use crate::client::{aws_error, Aws, AwsError};
use crate::iam_policy;
use crate::tags;
use crate::util::attrs;
use crate::util::{attr, is_set, map_of, nonempty, object, str_attr, with_attr};
use aws_sdk_iam::types::Tag;
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Number, Type, Value};
use strata_provider::{Attribute, Block, NestedBlock, Nesting, PathStep, ProviderDiagnostic};

/// How long IAM takes to see a just-made principal or a just-detached
/// policy (the provider's propagation timeout).
const PROPAGATION: Duration = Duration::from_secs(120);

fn tag_attrs() -> Vec<(&'static str, Attribute)> {
    vec![
        ("tags", Attribute::optional(Type::map(Type::String))),
        ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
    ]
}

pub fn role_schema() -> Block {
    let mut a = vec![
        ("arn", Attribute::computed(Type::String)),
        ("assume_role_policy", Attribute::required(Type::String)),
        ("create_date", Attribute::computed(Type::String)),
        ("description", Attribute::optional(Type::String)),
        ("force_detach_policies", Attribute::optional(Type::Bool)),
        ("id", Attribute::computed(Type::String)),
        ("managed_policy_arns", Attribute::optional_computed(Type::set(Type::String))),
        ("max_session_duration", Attribute::optional(Type::Number)),
        ("name", Attribute::optional_computed(Type::String).force_new()),
        ("name_prefix", Attribute::optional_computed(Type::String).force_new()),
        ("path", Attribute::optional(Type::String).force_new()),
        ("permissions_boundary", Attribute::optional(Type::String)),
        ("unique_id", Attribute::computed(Type::String)),
    ];
    a.extend(tag_attrs());
    // Optional and computed in the provider: no blocks keeps what the role
    // has; one empty block means "no inline policies".
    let inline = NestedBlock {
        nesting: Nesting::Set,
        block: Block {
            attributes: attrs(vec![
                ("name", Attribute::optional(Type::String)),
                ("policy", Attribute::optional(Type::String)),
            ]),
            blocks: BTreeMap::new(),
        },
        min_items: 0,
        max_items: 0,
    };
    Block { attributes: attrs(a), blocks: BTreeMap::from([("inline_policy".to_string(), inline)]) }
}

pub fn policy_schema() -> Block {
    let mut a = vec![
        ("arn", Attribute::computed(Type::String)),
        ("attachment_count", Attribute::computed(Type::Number)),
        ("description", Attribute::optional(Type::String).force_new()),
        ("id", Attribute::computed(Type::String)),
        ("name", Attribute::optional_computed(Type::String).force_new()),
        ("name_prefix", Attribute::optional_computed(Type::String).force_new()),
        ("path", Attribute::optional(Type::String).force_new()),
        ("policy", Attribute::required(Type::String)),
        ("policy_id", Attribute::computed(Type::String)),
    ];
    a.extend(tag_attrs());
    Block { attributes: attrs(a), blocks: BTreeMap::new() }
}

pub fn role_policy_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("id", Attribute::computed(Type::String)),
            ("name", Attribute::optional_computed(Type::String).force_new()),
            ("name_prefix", Attribute::optional_computed(Type::String).force_new()),
            ("policy", Attribute::required(Type::String)),
            ("role", Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn attachment_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("id", Attribute::computed(Type::String)),
            ("policy_arn", Attribute::required(Type::String).force_new()),
            ("role", Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

/// The argument holding each type's policy document.
pub fn document_attribute(type_name: &str) -> Option<&'static str> {
    match type_name {
        "aws_iam_role" => Some("assume_role_policy"),
        "aws_iam_policy" | "aws_iam_role_policy" => Some("policy"),
        _ => None,
    }
}

/// Defaults the plan fills in (Terraform's `Default:`).
pub fn defaults(type_name: &str) -> Vec<(&'static str, Value)> {
    match type_name {
        "aws_iam_role" => vec![
            ("force_detach_policies", Value::bool(false)),
            ("max_session_duration", Value::number(Number::from(3600))),
            ("path", Value::string("/")),
        ],
        "aws_iam_policy" | "aws_iam_instance_profile" => vec![("path", Value::string("/"))],
        _ => Vec::new(),
    }
}

/// Malformed documents and conflicting names, located at their argument.
pub fn validate(type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if let Some(name) = document_attribute(type_name) {
        let doc = attr(config, name);
        if doc.is_known() && !doc.is_null() {
            if let Some(reason) = str_attr(config, name).as_deref().and_then(iam_policy::invalid_reason) {
                diags.push(
                    ProviderDiagnostic::error(
                        format!("\"{name}\" contains an invalid JSON policy: {reason}"),
                        format!("\"{name}\" contains an invalid JSON policy: {reason}"),
                    )
                    .at(vec![PathStep::Attr(name.into())]),
                );
            }
        }
    }
    let duration = attr(config, "max_session_duration");
    if type_name == "aws_iam_role" && duration.is_known() && !duration.is_null() {
        let n = duration.unmark_deep().0.as_number().and_then(|n| n.to_i64());
        if !n.is_some_and(|n| (3600..=43200).contains(&n)) {
            let got = n.map_or_else(|| "a fraction".to_string(), |n| n.to_string());
            diags.push(
                ProviderDiagnostic::error(
                    "Invalid max_session_duration",
                    format!("expected max_session_duration to be in the range (3600 - 43200), got {got}"),
                )
                .at(vec![PathStep::Attr("max_session_duration".into())]),
            );
        }
    }
    if matches!(type_name, "aws_iam_role" | "aws_iam_policy" | "aws_iam_role_policy" | "aws_iam_instance_profile")
        && is_set(&attr(config, "name"))
        && is_set(&attr(config, "name_prefix"))
    {
        diags.push(
            ProviderDiagnostic::error("Conflicting configuration arguments", "\"name\": conflicts with name_prefix")
                .at(vec![PathStep::Attr("name".into())]),
        );
    }
    diags
}

/// The plan of an IAM type: an equivalent document keeps the stored text
/// (no change shows); a name given by prefix is known only after apply.
pub fn plan(type_name: &str, planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut p = planned.clone();
    if let Some(name) = document_attribute(type_name) {
        let (before, after) = (attr(prior, name), attr(config, name));
        if let (Some(b), Some(a)) = (before.as_str(), after.as_str()) {
            if before.is_known() && after.is_known() && iam_policy::equivalent(b, a) {
                p = with_attr(&p, name, before.clone());
            }
        }
    }
    if type_name == "aws_iam_role" {
        p = plan_role_policies(&p, config, prior);
    }
    let named =
        matches!(type_name, "aws_iam_role" | "aws_iam_policy" | "aws_iam_role_policy" | "aws_iam_instance_profile");
    if named && prior.is_null() {
        if attr(config, "name").is_null() {
            p = with_attr(&p, "name", Value::unknown(Type::String));
        }
        if attr(config, "name_prefix").is_null() {
            p = with_attr(&p, "name_prefix", Value::null(Type::String));
        }
    }
    p
}

/// A role's `inline_policy` and `managed_policy_arns`, optional and
/// computed: left out, they keep what the role has (unknown until it is
/// made); given, they are exactly the role's policies, and an inline set
/// equivalent to the prior one (same names, documents that mean the same)
/// plans no change.
fn plan_role_policies(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut p = planned.clone();
    let configured = attr(config, "inline_policy");
    let given = configured.as_seq().is_some_and(|s| !s.is_empty()) || !configured.is_known();
    let inline_ty = role_schema().blocks["inline_policy"].block.implied_type();
    if !given {
        let kept = if prior.is_null() { Value::unknown(Type::set(inline_ty)) } else { attr(prior, "inline_policy") };
        p = with_attr(&p, "inline_policy", kept);
    } else if !prior.is_null() && configured.is_wholly_known() {
        let before = attr(prior, "inline_policy");
        if before.is_wholly_known() && inline_equivalent(&inline_entries(&before), &inline_entries(&configured)) {
            p = with_attr(&p, "inline_policy", before);
        }
    }
    if prior.is_null() && attr(config, "managed_policy_arns").is_null() {
        p = with_attr(&p, "managed_policy_arns", Value::unknown(Type::set(Type::String)));
    }
    p
}

/// An `inline_policy` set's (name, document) pairs, empty strings for
/// unset fields (the provider's expand).
fn inline_entries(v: &Value) -> Vec<(String, String)> {
    v.unmark_deep()
        .0
        .as_seq()
        .map(|items| {
            items
                .iter()
                .map(|e| (str_attr(e, "name").unwrap_or_default(), str_attr(e, "policy").unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default()
}

/// The provider's `inlinePoliciesEquivalent`: the same names with
/// equivalent documents; nothing read is the same as one empty block.
fn inline_equivalent(read: &[(String, String)], configured: &[(String, String)]) -> bool {
    let doc_equivalent = |a: &str, b: &str| {
        let blank = |d: &str| if d.trim().is_empty() { "{}".to_string() } else { d.to_string() };
        iam_policy::equivalent(&blank(a), &blank(b))
    };
    if read.is_empty() && configured.len() == 1 && doc_equivalent("{}", &configured[0].1) {
        return true;
    }
    read.len() == configured.len()
        && read.iter().all(|(name, doc)| configured.iter().any(|(n, d)| n == name && doc_equivalent(doc, d)))
}

fn inline_value(entries: &[(String, String)]) -> Value {
    let block = role_schema().blocks["inline_policy"].block.clone();
    let items = entries
        .iter()
        .map(|(n, d)| object(&block, [("name", Value::string(n.as_str())), ("policy", Value::string(d.as_str()))]))
        .collect();
    Value::set(block.implied_type(), items)
}

/// `name`, or a unique name from `name_prefix` (or `terraform-`), as the
/// provider's `create.Name` makes it.
pub fn name_for(planned: &Value) -> String {
    if let Some(n) = nonempty(planned, "name") {
        return n;
    }
    let prefix = str_attr(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let stamp = aws_sdk_iam::primitives::DateTime::from_secs(now.as_secs() as i64)
        .fmt(aws_sdk_iam::primitives::DateTimeFormat::DateTime)
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
    format!("{prefix}{stamp}{:04}{n:08x}", now.subsec_millis() * 10)
}

pub fn is_no_such_entity(e: &AwsError) -> bool {
    e.code == "NoSuchEntity"
}

pub fn iam_tags(m: &BTreeMap<String, String>) -> Option<Vec<Tag>> {
    let tags: Vec<Tag> = m.iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect();
    (!tags.is_empty()).then_some(tags)
}

pub fn tag_pairs(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter().map(|t| (t.key().to_string(), t.value().to_string())).collect()
}

pub fn timestamp(d: &aws_sdk_iam::primitives::DateTime) -> String {
    d.fmt(aws_sdk_iam::primitives::DateTimeFormat::DateTime).unwrap_or_default()
}

/// An optional string argument as read back: what AWS holds, or when it
/// holds nothing the prior null/"" (the legacy SDK's zero value).
pub fn optional_text(remote: Option<&str>, prior: &Value, name: &str) -> Value {
    match remote.filter(|s| !s.is_empty()) {
        Some(s) => Value::string(s),
        None if attr(prior, name).is_null() => Value::null(Type::String),
        None => Value::string(""),
    }
}

// ---- aws_iam_role ----

const ROLE: &str = "IAM Role";

pub fn create_role(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = name_for(planned);
    let req = aws
        .iam
        .create_role()
        .role_name(&name)
        .assume_role_policy_document(str_attr(planned, "assume_role_policy").unwrap_or_default())
        .path(str_attr(planned, "path").unwrap_or_else(|| "/".into()))
        .set_description(nonempty(planned, "description"))
        .set_max_session_duration(crate::util::positive_i32_attr(planned, "max_session_duration"))
        .set_permissions_boundary(nonempty(planned, "permissions_boundary"))
        .set_tags(iam_tags(&map_of(&attr(planned, "tags_all"))));
    aws.log_call("iam:CreateRole");
    // A principal made a moment ago may not be valid in a trust policy yet.
    aws.retry(
        PROPAGATION,
        |e| e.code == "MalformedPolicyDocument" && e.message.contains("Invalid principal in policy"),
        || aws.block(req.clone().send()).map_err(aws_error),
    )
    .map_err(|e| e.into_diag(&format!("creating {ROLE} ({name})")))?;
    let inline = attr(planned, "inline_policy");
    if inline.is_wholly_known() {
        if let Err(e) = put_inline_policies(aws, &name, &inline_entries(&inline)) {
            // As the provider does: a role whose inline policies failed is not kept.
            let _ = delete_role(
                aws,
                &with_attr(
                    &with_attr(planned, "id", Value::string(name.as_str())),
                    "force_detach_policies",
                    Value::bool(true),
                ),
            );
            return Err(e.into_diag(&format!("creating {ROLE} ({name})")));
        }
    }
    let managed = attr(planned, "managed_policy_arns");
    if managed.is_wholly_known() {
        attach_policies(aws, &name, &crate::util::strings_of(&managed))
            .map_err(|e| e.into_diag(&format!("creating {ROLE} ({name})")))?;
    }
    let stub = with_attr(&with_attr(planned, "id", Value::string(name.as_str())), "name", Value::string(name.as_str()));
    read_role_after_write(aws, &stub)
}

fn put_inline_policies(aws: &Aws, role: &str, entries: &[(String, String)]) -> Result<(), AwsError> {
    for (name, doc) in entries.iter().filter(|(n, d)| !n.is_empty() && !d.is_empty()) {
        aws.log_call("iam:PutRolePolicy");
        aws.block(aws.iam.put_role_policy().role_name(role).policy_name(name).policy_document(doc).send())
            .map_err(aws_error)
            .map_err(|e| AwsError { message: format!("adding inline policy ({name}): {}", e.message), ..e })?;
    }
    Ok(())
}

fn attach_policies(aws: &Aws, role: &str, arns: &[String]) -> Result<(), AwsError> {
    for arn in arns {
        aws.log_call("iam:AttachRolePolicy");
        aws.retry(
            PROPAGATION,
            |e| e.code == "ConcurrentModification",
            || {
                aws.block(aws.iam.attach_role_policy().role_name(role).policy_arn(arn).send())
                    .map(|_| ())
                    .map_err(aws_error)
            },
        )?;
    }
    Ok(())
}

fn detach_policies(aws: &Aws, role: &str, arns: &[String]) -> Result<(), AwsError> {
    for arn in arns {
        aws.log_call("iam:DetachRolePolicy");
        match aws.block(aws.iam.detach_role_policy().role_name(role).policy_arn(arn).send()).map_err(aws_error) {
            Err(e) if !is_no_such_entity(&e) => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

fn inline_policy_names(aws: &Aws, role: &str) -> Result<Vec<String>, AwsError> {
    let mut names = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("iam:ListRolePolicies");
        let out = aws
            .block(aws.iam.list_role_policies().role_name(role).set_marker(marker.clone()).send())
            .map_err(aws_error)?;
        names.extend(out.policy_names().iter().filter(|n| !n.is_empty()).cloned());
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    Ok(names)
}

/// The role's inline policies as `inline_policy` holds them: what `current`
/// holds when it is equivalent, otherwise what IAM has (each document's
/// stored text kept where it means the same).
fn read_inline_policies(aws: &Aws, role: &str, current: &Value) -> Result<Value, AwsError> {
    let mut remote = Vec::new();
    for name in inline_policy_names(aws, role)? {
        aws.log_call("iam:GetRolePolicy");
        let out = aws.block(aws.iam.get_role_policy().role_name(role).policy_name(&name).send()).map_err(aws_error)?;
        remote.push((name, decode_document(out.policy_document())));
    }
    let held = attr(current, "inline_policy");
    if held.is_wholly_known() && inline_equivalent(&remote, &inline_entries(&held)) {
        return Ok(held);
    }
    let known = if held.is_wholly_known() { inline_entries(&held) } else { Vec::new() };
    let entries: Vec<(String, String)> = remote
        .into_iter()
        .map(|(name, doc)| {
            let k = known.iter().find(|(n, _)| *n == name).map(|(_, d)| d.as_str());
            let text = iam_policy::to_store(k, &doc);
            (name, text)
        })
        .collect();
    Ok(inline_value(&entries))
}

fn decode_document(doc: &str) -> String {
    iam_policy::to_store(None, doc)
}

fn read_role_after_write(aws: &Aws, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(current);
    read_role(aws, current)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{ROLE} not found after change"), format!("{ROLE} ({id}) was not found."))
    })
}

pub fn read_role(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = crate::id_of(current);
    let what = format!("reading {ROLE} ({name})");
    aws.log_call("iam:GetRole");
    let role = match aws.block(aws.iam.get_role().role_name(&name).send()).map_err(aws_error) {
        Ok(out) => match out.role {
            Some(r) => r,
            None => return Ok(None),
        },
        Err(e) if is_no_such_entity(&e) => return Ok(None),
        Err(e) => return Err(e.into_diag(&what)),
    };
    aws.log_call("iam:ListRoleTags");
    let remote_tags =
        aws.block(aws.iam.list_role_tags().role_name(&name).send()).map_err(|e| aws_error(e).into_diag(&what))?.tags;
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), tag_pairs(&remote_tags));
    let known = str_attr(current, "assume_role_policy");
    let document = role.assume_role_policy_document().map(|d| iam_policy::to_store(known.as_deref(), d));
    let boundary = role.permissions_boundary().and_then(|b| b.permissions_boundary_arn());
    let prefix = attr(current, "name_prefix");
    let inline = read_inline_policies(aws, &name, current).map_err(|e| e.into_diag(&what))?;
    let managed = attached_policies(aws, &name).map_err(|e| e.into_diag(&what))?;
    Ok(Some(object(
        &role_schema(),
        [
            ("arn", Value::string(role.arn())),
            ("inline_policy", inline),
            (
                "managed_policy_arns",
                Value::set(Type::String, managed.iter().map(|a| Value::string(a.as_str())).collect()),
            ),
            ("assume_role_policy", document.map(Value::string).unwrap_or_else(|| attr(current, "assume_role_policy"))),
            ("create_date", Value::string(timestamp(role.create_date()))),
            ("description", optional_text(role.description(), current, "description")),
            (
                "force_detach_policies",
                Value::bool(crate::util::bool_attr(current, "force_detach_policies").unwrap_or(false)),
            ),
            ("id", Value::string(role.role_name())),
            ("max_session_duration", Value::number(Number::from(role.max_session_duration().unwrap_or(3600) as i64))),
            ("name", Value::string(role.role_name())),
            ("name_prefix", if prefix.is_known() { prefix } else { Value::null(Type::String) }),
            ("path", Value::string(role.path())),
            ("permissions_boundary", optional_text(boundary, current, "permissions_boundary")),
            ("tags", tags),
            ("tags_all", tags_all),
            ("unique_id", Value::string(role.role_id())),
        ],
    )))
}

pub fn update_role(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("updating {ROLE} ({name})");
    let changed = |a: &str| !attr(prior, a).raw_equal(&attr(planned, a));
    if changed("assume_role_policy") {
        aws.log_call("iam:UpdateAssumeRolePolicy");
        let req = aws
            .iam
            .update_assume_role_policy()
            .role_name(&name)
            .policy_document(str_attr(planned, "assume_role_policy").unwrap_or_default());
        aws.retry(
            PROPAGATION,
            |e| e.code == "MalformedPolicyDocument" && e.message.contains("Invalid principal in policy"),
            || aws.block(req.clone().send()).map_err(aws_error),
        )
        .map_err(|e| e.into_diag(&what))?;
    }
    if changed("description") || changed("max_session_duration") {
        aws.log_call("iam:UpdateRole");
        aws.block(
            aws.iam
                .update_role()
                .role_name(&name)
                .description(str_attr(planned, "description").unwrap_or_default())
                .set_max_session_duration(crate::util::positive_i32_attr(planned, "max_session_duration"))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    if changed("permissions_boundary") {
        match nonempty(planned, "permissions_boundary") {
            Some(arn) => {
                aws.log_call("iam:PutRolePermissionsBoundary");
                aws.block(aws.iam.put_role_permissions_boundary().role_name(&name).permissions_boundary(arn).send())
                    .map_err(|e| aws_error(e).into_diag(&what))?;
            }
            None => {
                aws.log_call("iam:DeleteRolePermissionsBoundary");
                aws.block(aws.iam.delete_role_permissions_boundary().role_name(&name).send())
                    .map_err(|e| aws_error(e).into_diag(&what))?;
            }
        }
    }
    let (before, after) = (attr(prior, "inline_policy"), attr(planned, "inline_policy"));
    if after.is_wholly_known() && !before.raw_equal(&after) {
        let (old, new) = (inline_entries(&before), inline_entries(&after));
        if !inline_equivalent(&new, &old) {
            for (n, _) in old.iter().filter(|e| !new.contains(e) && !e.0.is_empty()) {
                aws.log_call("iam:DeleteRolePolicy");
                match aws.block(aws.iam.delete_role_policy().role_name(&name).policy_name(n).send()).map_err(aws_error)
                {
                    Err(e) if !is_no_such_entity(&e) => return Err(e.into_diag(&what)),
                    _ => {}
                }
            }
            let added: Vec<(String, String)> = new.iter().filter(|e| !old.contains(e)).cloned().collect();
            put_inline_policies(aws, &name, &added).map_err(|e| e.into_diag(&what))?;
        }
    }
    let (before, after) = (attr(prior, "managed_policy_arns"), attr(planned, "managed_policy_arns"));
    if after.is_wholly_known() && !before.raw_equal(&after) {
        let (old, new) = (crate::util::strings_of(&before), crate::util::strings_of(&after));
        let gone: Vec<String> = old.iter().filter(|a| !new.contains(a)).cloned().collect();
        let added: Vec<String> = new.iter().filter(|a| !old.contains(a)).cloned().collect();
        detach_policies(aws, &name, &gone).map_err(|e| e.into_diag(&what))?;
        attach_policies(aws, &name, &added).map_err(|e| e.into_diag(&what))?;
    }
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("iam:UntagRole");
        aws.block(aws.iam.untag_role().role_name(&name).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    if let Some(t) = iam_tags(&set) {
        aws.log_call("iam:TagRole");
        aws.block(aws.iam.tag_role().role_name(&name).set_tags(Some(t)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_role_after_write(aws, planned)
}

pub fn delete_role(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("deleting {ROLE} ({name})");
    let gone = |r: Result<(), AwsError>| match r {
        Err(e) if !is_no_such_entity(&e) => Err(e.into_diag(&what)),
        _ => Ok(()),
    };
    // Instance profiles always let go of the role, as the provider does.
    aws.log_call("iam:ListInstanceProfilesForRole");
    if let Ok(out) = aws.block(aws.iam.list_instance_profiles_for_role().role_name(&name).send()) {
        for p in out.instance_profiles() {
            aws.log_call("iam:RemoveRoleFromInstanceProfile");
            gone(
                aws.block(
                    aws.iam
                        .remove_role_from_instance_profile()
                        .role_name(&name)
                        .instance_profile_name(p.instance_profile_name())
                        .send(),
                )
                .map(|_| ())
                .map_err(aws_error),
            )?;
        }
    }
    let force = crate::util::bool_attr(prior, "force_detach_policies") == Some(true);
    let nonempty_set = |a: &str| attr(prior, a).unmark_deep().0.as_seq().is_some_and(|s| !s.is_empty());
    // Policies the role manages exclusively go with it, as the provider does.
    let (has_inline, has_managed) = (nonempty_set("inline_policy"), nonempty_set("managed_policy_arns"));
    if force || has_managed {
        let attached = match attached_policies(aws, &name) {
            Err(e) if is_no_such_entity(&e) => Vec::new(),
            other => other.map_err(|e| e.into_diag(&what))?,
        };
        for arn in attached {
            aws.log_call("iam:DetachRolePolicy");
            gone(
                aws.block(aws.iam.detach_role_policy().role_name(&name).policy_arn(arn).send())
                    .map(|_| ())
                    .map_err(aws_error),
            )?;
        }
    }
    if force || has_inline {
        aws.log_call("iam:ListRolePolicies");
        let inline =
            aws.block(aws.iam.list_role_policies().role_name(&name).send()).map(|o| o.policy_names).map_err(aws_error);
        for policy in inline.unwrap_or_default() {
            aws.log_call("iam:DeleteRolePolicy");
            gone(
                aws.block(aws.iam.delete_role_policy().role_name(&name).policy_name(policy).send())
                    .map(|_| ())
                    .map_err(aws_error),
            )?;
        }
    }
    aws.log_call("iam:DeleteRole");
    gone(aws.retry(
        PROPAGATION,
        |e| e.code == "DeleteConflict",
        || aws.block(aws.iam.delete_role().role_name(&name).send()).map(|_| ()).map_err(aws_error),
    ))
}

fn attached_policies(aws: &Aws, role: &str) -> Result<Vec<String>, AwsError> {
    let mut arns = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        aws.log_call("iam:ListAttachedRolePolicies");
        let out = aws
            .block(aws.iam.list_attached_role_policies().role_name(role).set_marker(marker.clone()).send())
            .map_err(aws_error)?;
        arns.extend(out.attached_policies().iter().filter_map(|p| p.policy_arn().map(String::from)));
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => return Ok(arns),
        }
    }
}

/// The role an interrupted create made: by its name when that was known,
/// else among the roles with the prefix, by the create token tag.
pub fn find_role(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let names = match nonempty(planned, "name") {
        Some(n) => vec![n],
        None => {
            let prefix = str_attr(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
            let mut names = Vec::new();
            let mut marker: Option<String> = None;
            loop {
                aws.log_call("iam:ListRoles");
                let out = aws
                    .block(aws.iam.list_roles().set_marker(marker.clone()).send())
                    .map_err(|e| aws_error(e).into_diag("looking for an IAM role an interrupted create made"))?;
                names.extend(out.roles().iter().map(|r| r.role_name().to_string()).filter(|n| n.starts_with(&prefix)));
                match out.marker() {
                    Some(m) if out.is_truncated() => marker = Some(m.to_string()),
                    _ => break,
                }
            }
            names
        }
    };
    for name in names {
        aws.log_call("iam:ListRoleTags");
        match aws.block(aws.iam.list_role_tags().role_name(&name).send()).map_err(aws_error) {
            Ok(out) if out.tags().iter().any(|t| t.key() == tags::CREATE_TOKEN_TAG && t.value() == token) => {
                let stub = with_attr(planned, "id", Value::string(name.as_str()));
                return read_role(aws, &crate::util::known_or_null(&stub));
            }
            Ok(_) => {}
            Err(e) if is_no_such_entity(&e) => {}
            Err(e) => return Err(e.into_diag("looking for an IAM role an interrupted create made")),
        }
    }
    Ok(None)
}

// ---- aws_iam_policy ----

const POLICY: &str = "IAM Policy";

pub fn create_policy(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = name_for(planned);
    let req = aws
        .iam
        .create_policy()
        .policy_name(&name)
        .path(str_attr(planned, "path").unwrap_or_else(|| "/".into()))
        .policy_document(str_attr(planned, "policy").unwrap_or_default())
        .set_description(nonempty(planned, "description"))
        .set_tags(iam_tags(&map_of(&attr(planned, "tags_all"))));
    aws.log_call("iam:CreatePolicy");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag(&format!("creating {POLICY} ({name})")))?;
    let arn = out.policy().and_then(|p| p.arn()).unwrap_or_default().to_string();
    let stub = with_attr(&with_attr(planned, "id", Value::string(arn.as_str())), "name", Value::string(name.as_str()));
    read_policy(aws, &stub)?.ok_or_else(|| {
        ProviderDiagnostic::error(
            format!("{POLICY} not found after change"),
            format!("{POLICY} ({arn}) was not found."),
        )
    })
}

pub fn read_policy(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let arn = crate::id_of(current);
    let what = format!("reading {POLICY} ({arn})");
    aws.log_call("iam:GetPolicy");
    let policy = match aws.block(aws.iam.get_policy().policy_arn(&arn).send()).map_err(aws_error) {
        Ok(out) => match out.policy {
            Some(p) => p,
            None => return Ok(None),
        },
        Err(e) if is_no_such_entity(&e) => return Ok(None),
        // A malformed ARN (an import by name) names no policy.
        Err(e) if e.code == "InvalidInput" || e.code == "ValidationError" => return Ok(None),
        Err(e) => return Err(e.into_diag(&what)),
    };
    let version = policy.default_version_id().unwrap_or("v1").to_string();
    aws.log_call("iam:GetPolicyVersion");
    let doc = aws
        .block(aws.iam.get_policy_version().policy_arn(&arn).version_id(&version).send())
        .map_err(|e| aws_error(e).into_diag(&what))?
        .policy_version
        .and_then(|v| v.document)
        .unwrap_or_default();
    aws.log_call("iam:ListPolicyTags");
    let remote_tags =
        aws.block(aws.iam.list_policy_tags().policy_arn(&arn).send()).map_err(|e| aws_error(e).into_diag(&what))?.tags;
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), tag_pairs(&remote_tags));
    let known = str_attr(current, "policy");
    let prefix = attr(current, "name_prefix");
    Ok(Some(object(
        &policy_schema(),
        [
            ("arn", Value::string(policy.arn().unwrap_or_default())),
            ("attachment_count", Value::number(Number::from(policy.attachment_count().unwrap_or(0) as i64))),
            ("description", optional_text(policy.description(), current, "description")),
            ("id", Value::string(policy.arn().unwrap_or_default())),
            ("name", Value::string(policy.policy_name().unwrap_or_default())),
            ("name_prefix", if prefix.is_known() { prefix } else { Value::null(Type::String) }),
            ("path", Value::string(policy.path().unwrap_or("/"))),
            ("policy", Value::string(iam_policy::to_store(known.as_deref(), &doc))),
            ("policy_id", Value::string(policy.policy_id().unwrap_or_default())),
            ("tags", tags),
            ("tags_all", tags_all),
        ],
    )))
}

pub fn update_policy(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let arn = crate::id_of(prior);
    let what = format!("updating {POLICY} ({arn})");
    if !attr(prior, "policy").raw_equal(&attr(planned, "policy")) {
        // IAM keeps five versions: make room by deleting the oldest.
        aws.log_call("iam:ListPolicyVersions");
        let versions = aws
            .block(aws.iam.list_policy_versions().policy_arn(&arn).send())
            .map_err(|e| aws_error(e).into_diag(&what))?
            .versions
            .unwrap_or_default();
        if versions.len() >= 5 {
            let oldest = versions
                .iter()
                .filter(|v| !v.is_default_version())
                .min_by_key(|v| v.create_date().map(|d| (d.secs(), d.subsec_nanos())))
                .and_then(|v| v.version_id());
            if let Some(id) = oldest {
                aws.log_call("iam:DeletePolicyVersion");
                aws.block(aws.iam.delete_policy_version().policy_arn(&arn).version_id(id).send())
                    .map_err(|e| aws_error(e).into_diag(&what))?;
            }
        }
        aws.log_call("iam:CreatePolicyVersion");
        aws.block(
            aws.iam
                .create_policy_version()
                .policy_arn(&arn)
                .policy_document(str_attr(planned, "policy").unwrap_or_default())
                .set_as_default(true)
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("iam:UntagPolicy");
        aws.block(aws.iam.untag_policy().policy_arn(&arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    if let Some(t) = iam_tags(&set) {
        aws.log_call("iam:TagPolicy");
        aws.block(aws.iam.tag_policy().policy_arn(&arn).set_tags(Some(t)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_policy(aws, planned)?.ok_or_else(|| {
        ProviderDiagnostic::error(
            format!("{POLICY} not found after change"),
            format!("{POLICY} ({arn}) was not found."),
        )
    })
}

pub fn delete_policy(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let arn = crate::id_of(prior);
    let what = format!("deleting {POLICY} ({arn})");
    aws.log_call("iam:ListPolicyVersions");
    let versions = match aws.block(aws.iam.list_policy_versions().policy_arn(&arn).send()).map_err(aws_error) {
        Ok(out) => out.versions.unwrap_or_default(),
        Err(e) if is_no_such_entity(&e) => return Ok(()),
        Err(e) => return Err(e.into_diag(&what)),
    };
    for v in versions.iter().filter(|v| !v.is_default_version()) {
        aws.log_call("iam:DeletePolicyVersion");
        match aws
            .block(
                aws.iam
                    .delete_policy_version()
                    .policy_arn(&arn)
                    .set_version_id(v.version_id().map(String::from))
                    .send(),
            )
            .map_err(aws_error)
        {
            Err(e) if !is_no_such_entity(&e) => return Err(e.into_diag(&what)),
            _ => {}
        }
    }
    aws.log_call("iam:DeletePolicy");
    match aws.block(aws.iam.delete_policy().policy_arn(&arn).send()).map_err(aws_error) {
        Err(e) if !is_no_such_entity(&e) => Err(e.into_diag(&what)),
        _ => Ok(()),
    }
}

/// The policy an interrupted create made: among the local policies under
/// its path, by name (or prefix) and the create token tag.
pub fn find_policy(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for an IAM policy an interrupted create made";
    let exact = nonempty(planned, "name");
    let prefix = str_attr(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
    let path = str_attr(planned, "path").unwrap_or_else(|| "/".into());
    let mut marker: Option<String> = None;
    loop {
        aws.log_call("iam:ListPolicies");
        let out = aws
            .block(
                aws.iam
                    .list_policies()
                    .scope(aws_sdk_iam::types::PolicyScopeType::Local)
                    .path_prefix(&path)
                    .set_marker(marker.clone())
                    .send(),
            )
            .map_err(|e| aws_error(e).into_diag(what))?;
        for p in out.policies() {
            let name = p.policy_name().unwrap_or_default();
            let candidate = match &exact {
                Some(n) => name == n,
                None => name.starts_with(&prefix),
            };
            let Some(arn) = p.arn().filter(|_| candidate) else { continue };
            aws.log_call("iam:ListPolicyTags");
            let tagged = aws
                .block(aws.iam.list_policy_tags().policy_arn(arn).send())
                .map_err(|e| aws_error(e).into_diag(what))?
                .tags
                .iter()
                .any(|t| t.key() == tags::CREATE_TOKEN_TAG && t.value() == token);
            if tagged {
                let stub = with_attr(planned, "id", Value::string(arn));
                return read_policy(aws, &crate::util::known_or_null(&stub));
            }
        }
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
}

// ---- aws_iam_role_policy ----

const ROLE_POLICY: &str = "IAM Role Policy";

/// `role:name` → (role, name).
fn split_role_policy_id(id: &str) -> Option<(&str, &str)> {
    id.split_once(':').filter(|(r, n)| !r.is_empty() && !n.is_empty())
}

pub fn put_role_policy(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let role = str_attr(planned, "role").unwrap_or_default();
    let name = name_for(planned);
    let id = format!("{role}:{name}");
    aws.log_call("iam:PutRolePolicy");
    aws.block(
        aws.iam
            .put_role_policy()
            .role_name(&role)
            .policy_name(&name)
            .policy_document(str_attr(planned, "policy").unwrap_or_default())
            .send(),
    )
    .map_err(|e| aws_error(e).into_diag(&format!("putting {ROLE_POLICY} ({id})")))?;
    let stub = with_attr(&with_attr(planned, "id", Value::string(id.as_str())), "name", Value::string(name.as_str()));
    read_role_policy(aws, &stub)?.ok_or_else(|| {
        ProviderDiagnostic::error(
            format!("{ROLE_POLICY} not found after change"),
            format!("{ROLE_POLICY} ({id}) was not found."),
        )
    })
}

pub fn read_role_policy(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let Some((role, name)) = split_role_policy_id(&id) else {
        return Err(ProviderDiagnostic::error(
            "Invalid IAM role policy ID",
            format!("unexpected format for ID ({id}), expected ROLE-NAME:POLICY-NAME"),
        ));
    };
    aws.log_call("iam:GetRolePolicy");
    let out = match aws.block(aws.iam.get_role_policy().role_name(role).policy_name(name).send()).map_err(aws_error) {
        Ok(out) => out,
        Err(e) if is_no_such_entity(&e) => return Ok(None),
        Err(e) => return Err(e.into_diag(&format!("reading {ROLE_POLICY} ({id})"))),
    };
    let known = str_attr(current, "policy");
    let prefix = attr(current, "name_prefix");
    Ok(Some(object(
        &role_policy_schema(),
        [
            ("id", Value::string(id.as_str())),
            ("name", Value::string(out.policy_name())),
            ("name_prefix", if prefix.is_known() { prefix } else { Value::null(Type::String) }),
            ("policy", Value::string(iam_policy::to_store(known.as_deref(), out.policy_document()))),
            ("role", Value::string(out.role_name())),
        ],
    )))
}

pub fn delete_role_policy(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = crate::id_of(prior);
    let Some((role, name)) = split_role_policy_id(&id) else { return Ok(()) };
    aws.log_call("iam:DeleteRolePolicy");
    match aws.block(aws.iam.delete_role_policy().role_name(role).policy_name(name).send()).map_err(aws_error) {
        Err(e) if !is_no_such_entity(&e) => Err(e.into_diag(&format!("deleting {ROLE_POLICY} ({id})"))),
        _ => Ok(()),
    }
}

/// A role policy named at plan time (`name`), read by its id.
pub fn role_policy_stub(planned: &Value) -> Option<Value> {
    let role = nonempty(planned, "role")?;
    let name = nonempty(planned, "name")?;
    Some(with_attr(&crate::util::known_or_null(planned), "id", Value::string(format!("{role}:{name}"))))
}

// ---- aws_iam_role_policy_attachment ----

const ATTACHMENT: &str = "IAM Role Policy Attachment";

pub fn attach(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let role = str_attr(planned, "role").unwrap_or_default();
    let arn = str_attr(planned, "policy_arn").unwrap_or_default();
    aws.log_call("iam:AttachRolePolicy");
    aws.retry(
        PROPAGATION,
        |e| e.code == "ConcurrentModification",
        || {
            aws.block(aws.iam.attach_role_policy().role_name(&role).policy_arn(&arn).send())
                .map(|_| ())
                .map_err(aws_error)
        },
    )
    .map_err(|e| e.into_diag(&format!("attaching IAM Policy ({arn}) to IAM Role ({role})")))?;
    Ok(attachment(&role, &arn))
}

fn attachment(role: &str, arn: &str) -> Value {
    object(
        &attachment_schema(),
        [
            ("id", Value::string(format!("{role}/{arn}"))),
            ("policy_arn", Value::string(arn)),
            ("role", Value::string(role)),
        ],
    )
}

/// Read by role and policy ARN; an imported stub names them in its id
/// (`role/arn`).
pub fn read_attachment(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let (role, arn) = match (nonempty(current, "role"), nonempty(current, "policy_arn")) {
        (Some(r), Some(a)) => (r, a),
        _ => match id.split_once('/').filter(|(r, a)| !r.is_empty() && a.starts_with("arn:")) {
            Some((r, a)) => (r.to_string(), a.to_string()),
            None => {
                return Err(ProviderDiagnostic::error(
                    "Invalid IAM role policy attachment ID",
                    format!("unexpected format for ID ({id}), expected ROLE-NAME/POLICY-ARN"),
                ))
            }
        },
    };
    match attached_policies(aws, &role) {
        Ok(arns) if arns.contains(&arn) => Ok(Some(attachment(&role, &arn))),
        Ok(_) => Ok(None),
        Err(e) if is_no_such_entity(&e) => Ok(None),
        Err(e) => Err(e.into_diag(&format!("reading {ATTACHMENT} ({role}/{arn})"))),
    }
}

pub fn detach(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let role = str_attr(prior, "role").unwrap_or_default();
    let arn = str_attr(prior, "policy_arn").unwrap_or_default();
    aws.log_call("iam:DetachRolePolicy");
    match aws.block(aws.iam.detach_role_policy().role_name(&role).policy_arn(&arn).send()).map_err(aws_error) {
        Err(e) if !is_no_such_entity(&e) => {
            Err(e.into_diag(&format!("detaching IAM Policy ({arn}) from IAM Role ({role})")))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(values: Vec<(&str, Value)>) -> Value {
        object(&role_schema(), values)
    }

    #[test]
    fn an_equivalent_document_plans_the_stored_text() {
        let stored = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}"#;
        let reformatted = "{\n \"Statement\": {\"Principal\": {\"Service\": [\"ec2.amazonaws.com\"]}, \"Action\": [\"sts:AssumeRole\"], \"Effect\": \"Allow\"},\n \"Version\": \"2012-10-17\"\n}";
        let prior = role(vec![("assume_role_policy", Value::string(stored)), ("name", Value::string("r"))]);
        let config = role(vec![("assume_role_policy", Value::string(reformatted)), ("name", Value::string("r"))]);
        let planned = plan("aws_iam_role", &config, &config, &prior);
        assert_eq!(str_attr(&planned, "assume_role_policy").as_deref(), Some(stored));
        let changed = role(vec![("assume_role_policy", Value::string(stored.replace("ec2", "ecs").as_str()))]);
        let planned = plan("aws_iam_role", &changed, &changed, &prior);
        assert_eq!(str_attr(&planned, "assume_role_policy"), str_attr(&changed, "assume_role_policy"));
    }

    #[test]
    fn a_name_from_a_prefix_is_unknown_until_created() {
        let null = Value::null(role_schema().implied_type());
        let config = role(vec![("name_prefix", Value::string("app-")), ("assume_role_policy", Value::string("{}"))]);
        let planned = plan("aws_iam_role", &config, &config, &null);
        assert!(attr(&planned, "name").is_unknown());
        let named = name_for(&with_attr(&config, "name", Value::null(Type::String)));
        assert!(named.starts_with("app-") && named.len() == "app-".len() + 26, "{named}");
        assert_ne!(named, name_for(&config));
    }

    #[test]
    fn malformed_documents_are_located_errors() {
        let config = role(vec![("assume_role_policy", Value::string("{not json"))]);
        let diags = validate("aws_iam_role", &config);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].summary.contains("\"assume_role_policy\" contains an invalid JSON policy"), "{diags:?}");
        assert_eq!(diags[0].attribute, Some(vec![PathStep::Attr("assume_role_policy".into())]));
        let unknown = role(vec![("assume_role_policy", Value::unknown(Type::String))]);
        assert!(validate("aws_iam_role", &unknown).is_empty());
        let long = role(vec![("max_session_duration", Value::number(Number::from(43201)))]);
        assert!(validate("aws_iam_role", &long)[0].detail.contains("range (3600 - 43200), got 43201"));
        let ok = role(vec![("max_session_duration", Value::number(Number::from(43200)))]);
        assert!(validate("aws_iam_role", &ok).is_empty());
        let both = role(vec![("name", Value::string("a")), ("name_prefix", Value::string("b"))]);
        assert_eq!(validate("aws_iam_role", &both).len(), 1);
    }

    #[test]
    fn ids_split_as_the_provider_forms_them() {
        assert_eq!(split_role_policy_id("r:p"), Some(("r", "p")));
        assert_eq!(split_role_policy_id("r"), None);
        assert_eq!(split_role_policy_id(":p"), None);
        let a = attachment("r", "arn:aws:iam::123456789012:policy/p");
        assert_eq!(str_attr(&a, "id").as_deref(), Some("r/arn:aws:iam::123456789012:policy/p"));
    }
}
