//! `aws_iam_instance_profile` (name or prefix and path force a new
//! profile; the role and tags change in place; imported by name) and data
//! `aws_iam_policy` (found by ARN, or by name under a path prefix).

use crate::client::{aws_error, Aws, AwsError};
use crate::iam::{iam_tags, is_no_such_entity, name_for, optional_text, tag_pairs, timestamp};
use crate::tags;
use crate::util::{attr, map_of, nonempty, object, str_attr, with_attr};
use aws_sdk_iam::types::InstanceProfile;
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

const WHAT: &str = "IAM Instance Profile";

pub fn schema() -> Block {
    let a = |list: Vec<(&str, Attribute)>| list.into_iter().map(|(k, a)| (k.to_string(), a)).collect();
    Block {
        attributes: a(vec![
            ("arn", Attribute::computed(Type::String)),
            ("create_date", Attribute::computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("name", Attribute::optional_computed(Type::String).force_new()),
            ("name_prefix", Attribute::optional_computed(Type::String).force_new()),
            ("path", Attribute::optional(Type::String).force_new()),
            ("role", Attribute::optional(Type::String)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("unique_id", Attribute::computed(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = name_for(planned);
    let what = format!("creating {WHAT} ({name})");
    aws.log_call("iam:CreateInstanceProfile");
    aws.block(
        aws.iam
            .create_instance_profile()
            .instance_profile_name(&name)
            .path(str_attr(planned, "path").unwrap_or_else(|| "/".into()))
            .set_tags(iam_tags(&map_of(&attr(planned, "tags_all"))))
            .send(),
    )
    .map_err(|e| aws_error(e).into_diag(&what))?;
    if let Some(role) = nonempty(planned, "role") {
        add_role(aws, &name, &role).map_err(|e| e.into_diag(&what))?;
    }
    let stub = with_attr(&with_attr(planned, "id", Value::string(name.as_str())), "name", Value::string(name.as_str()));
    read_after_write(aws, &stub)
}

fn add_role(aws: &Aws, profile: &str, role: &str) -> Result<(), AwsError> {
    aws.log_call("iam:AddRoleToInstanceProfile");
    // A role made a moment ago may not be visible to IAM yet.
    aws.retry(crate::client::EVENTUAL_CONSISTENCY, is_no_such_entity, || {
        aws.block(aws.iam.add_role_to_instance_profile().instance_profile_name(profile).role_name(role).send())
            .map(|_| ())
            .map_err(aws_error)
    })
}

fn remove_role(aws: &Aws, profile: &str, role: &str) -> Result<(), AwsError> {
    aws.log_call("iam:RemoveRoleFromInstanceProfile");
    match aws
        .block(aws.iam.remove_role_from_instance_profile().instance_profile_name(profile).role_name(role).send())
        .map_err(aws_error)
    {
        Err(e) if !is_no_such_entity(&e) => Err(e),
        _ => Ok(()),
    }
}

fn get(aws: &Aws, name: &str) -> Result<Option<InstanceProfile>, AwsError> {
    aws.log_call("iam:GetInstanceProfile");
    match aws.block(aws.iam.get_instance_profile().instance_profile_name(name).send()).map_err(aws_error) {
        Ok(out) => Ok(out.instance_profile),
        Err(e) if is_no_such_entity(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn read_after_write(aws: &Aws, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(current);
    read(aws, current)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{WHAT} not found after change"), format!("{WHAT} ({id}) was not found."))
    })
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = crate::id_of(current);
    let what = format!("reading {WHAT} ({name})");
    let Some(p) = get(aws, &name).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    // GetInstanceProfile carries the tags (moto has no ListInstanceProfileTags).
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), tag_pairs(p.tags()));
    let role = p.roles().first().map(|r| r.role_name());
    let prefix = attr(current, "name_prefix");
    Ok(Some(object(
        &schema(),
        [
            ("arn", Value::string(p.arn())),
            ("create_date", Value::string(timestamp(p.create_date()).as_str())),
            ("id", Value::string(p.instance_profile_name())),
            ("name", Value::string(p.instance_profile_name())),
            ("name_prefix", if prefix.is_known() { prefix } else { Value::null(Type::String) }),
            ("path", Value::string(p.path())),
            ("role", optional_text(role, current, "role")),
            ("tags", tags),
            ("tags_all", tags_all),
            ("unique_id", Value::string(p.instance_profile_id())),
        ],
    )))
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("updating {WHAT} ({name})");
    let (before, after) = (nonempty(prior, "role"), nonempty(planned, "role"));
    if before != after {
        if let Some(old) = &before {
            remove_role(aws, &name, old).map_err(|e| e.into_diag(&what))?;
        }
        if let Some(new) = &after {
            add_role(aws, &name, new).map_err(|e| e.into_diag(&what))?;
        }
    }
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("iam:UntagInstanceProfile");
        aws.block(aws.iam.untag_instance_profile().instance_profile_name(&name).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    if let Some(t) = iam_tags(&set) {
        aws.log_call("iam:TagInstanceProfile");
        aws.block(aws.iam.tag_instance_profile().instance_profile_name(&name).set_tags(Some(t)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_after_write(aws, planned)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("deleting {WHAT} ({name})");
    // Whatever roles it holds now, not only the configured one.
    let Some(p) = get(aws, &name).map_err(|e| e.into_diag(&what))? else { return Ok(()) };
    for r in p.roles() {
        remove_role(aws, &name, r.role_name()).map_err(|e| e.into_diag(&what))?;
    }
    aws.log_call("iam:DeleteInstanceProfile");
    match aws.block(aws.iam.delete_instance_profile().instance_profile_name(&name).send()).map_err(aws_error) {
        Err(e) if !is_no_such_entity(&e) => Err(e.into_diag(&what)),
        _ => Ok(()),
    }
}

/// The profile an interrupted create made: by its name, or among those
/// with its prefix, by the create token tag.
pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for an IAM instance profile an interrupted create made";
    let names = match nonempty(planned, "name") {
        Some(n) => vec![n],
        None => {
            let prefix = str_attr(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
            let mut names = Vec::new();
            let mut marker: Option<String> = None;
            loop {
                aws.log_call("iam:ListInstanceProfiles");
                let out = aws
                    .block(aws.iam.list_instance_profiles().set_marker(marker.clone()).send())
                    .map_err(|e| aws_error(e).into_diag(what))?;
                names.extend(
                    out.instance_profiles()
                        .iter()
                        .map(|p| p.instance_profile_name().to_string())
                        .filter(|n| n.starts_with(&prefix)),
                );
                match out.marker() {
                    Some(m) if out.is_truncated() => marker = Some(m.to_string()),
                    _ => break,
                }
            }
            names
        }
    };
    for name in names {
        let found = get(aws, &name).map_err(|e| e.into_diag(what))?;
        if found.is_some_and(|p| p.tags().iter().any(|t| t.key() == tags::CREATE_TOKEN_TAG && t.value() == token)) {
            let stub = with_attr(planned, "id", Value::string(name.as_str()));
            return read(aws, &crate::util::known_or_null(&stub));
        }
    }
    Ok(None)
}

// ---- data "aws_iam_policy" ----

pub fn policy_data_schema() -> Block {
    let a = |list: Vec<(&str, Attribute)>| list.into_iter().map(|(k, a)| (k.to_string(), a)).collect();
    let c = || Attribute::computed(Type::String);
    Block {
        attributes: a(vec![
            ("arn", Attribute::optional_computed(Type::String)),
            ("attachment_count", Attribute::computed(Type::Number)),
            ("description", c()),
            ("id", c()),
            ("name", Attribute::optional_computed(Type::String)),
            ("path", c()),
            ("path_prefix", Attribute::optional(Type::String)),
            ("policy", c()),
            ("policy_id", c()),
            ("tags", Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::new(),
    }
}

/// The one policy the arguments name: by `arn`, else by `name` (and
/// `path_prefix`) among all policies, AWS-managed ones included.
pub fn read_policy_data(aws: &Aws, config: &Value) -> Result<Value, ProviderDiagnostic> {
    let what = "reading IAM Policy";
    let arn = match nonempty(config, "arn") {
        Some(arn) => arn,
        None => {
            let name = nonempty(config, "name");
            let mut found = Vec::new();
            let mut marker: Option<String> = None;
            loop {
                aws.log_call("iam:ListPolicies");
                let out = aws
                    .block(
                        aws.iam
                            .list_policies()
                            .set_path_prefix(nonempty(config, "path_prefix"))
                            .set_marker(marker.clone())
                            .send(),
                    )
                    .map_err(|e| aws_error(e).into_diag(what))?;
                found.extend(
                    out.policies()
                        .iter()
                        .filter(|p| name.is_none() || p.policy_name() == name.as_deref())
                        .filter_map(|p| p.arn().map(String::from)),
                );
                match out.marker() {
                    Some(m) if out.is_truncated() => marker = Some(m.to_string()),
                    _ => break,
                }
            }
            match found.len() {
                1 => found.remove(0),
                0 => {
                    return Err(ProviderDiagnostic::error(
                        "no matching IAM Policy found",
                        "reading IAM Policy: no matching IAM Policy found: check its name and path_prefix.",
                    ))
                }
                n => {
                    return Err(ProviderDiagnostic::error(
                        format!(
                        "{n} IAM Policies matched; use additional constraints to reduce matches to a single IAM Policy"
                    ),
                        "reading IAM Policy: more than one policy matched the name and path_prefix.",
                    ))
                }
            }
        }
    };
    let stub = object(&crate::iam::policy_schema(), [("id", Value::string(arn.as_str()))]);
    let Some(p) = crate::iam::read_policy(aws, &stub)? else {
        return Err(ProviderDiagnostic::error(
            "no matching IAM Policy found",
            format!("reading IAM Policy ({arn}): no such policy"),
        ));
    };
    let description = str_attr(&p, "description").unwrap_or_default();
    Ok(object(
        &policy_data_schema(),
        [
            ("arn", attr(&p, "arn")),
            ("attachment_count", attr(&p, "attachment_count")),
            ("description", Value::string(description.as_str())),
            ("id", attr(&p, "arn")),
            ("name", attr(&p, "name")),
            ("path", attr(&p, "path")),
            ("path_prefix", attr(config, "path_prefix")),
            ("policy", attr(&p, "policy")),
            ("policy_id", attr(&p, "policy_id")),
            ("tags", attr(&p, "tags_all")),
        ],
    ))
}
