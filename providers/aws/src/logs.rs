//! CloudWatch Logs: `aws_cloudwatch_log_group` (id = name; a retention
//! of 0 means "never expire" and removes the policy; `kms_key_id` changes
//! in place through Associate/DisassociateKmsKey; `skip_destroy` keeps the
//! group on destroy and only forgets it) and data
//! `aws_cloudwatch_log_group`. The `arn` has the `:*` AWS appends trimmed,
//! as the provider does; tags go through the ARN-based tagging calls.

use crate::client::{aws_error, Aws, AwsError};
use crate::iam::optional_text;
use crate::tags;
use crate::util::attrs;
use crate::util::{attr, bool_attr, map_of, nonempty, object, str_attr, with_attr};
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Number, Type, Value};
use strata_provider::{Attribute, Block, ListedObject, PathStep, ProviderDiagnostic};

const WHAT: &str = "CloudWatch Logs Log Group";

/// The retention periods the provider accepts (0 = never expire).
pub const RETENTION_DAYS: [i64; 23] =
    [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// The log group classes, in the SDK enum's order.
const CLASSES: [&str; 3] = ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"];

/// How long a just-granted permission takes to apply (the provider's propagation timeout).
const PROPAGATION: Duration = Duration::from_secs(120);

pub fn schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("kms_key_id", Attribute::optional(Type::String)),
            ("log_group_class", Attribute::optional_computed(Type::String).force_new()),
            ("name", Attribute::optional_computed(Type::String).force_new()),
            ("name_prefix", Attribute::optional_computed(Type::String).force_new()),
            ("retention_in_days", Attribute::optional(Type::Number)),
            ("skip_destroy", Attribute::optional(Type::Bool)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn data_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("creation_time", Attribute::computed(Type::Number)),
            ("id", Attribute::computed(Type::String)),
            ("kms_key_id", Attribute::computed(Type::String)),
            ("log_group_class", Attribute::computed(Type::String)),
            ("name", Attribute::required(Type::String)),
            ("retention_in_days", Attribute::computed(Type::Number)),
            ("tags", Attribute::computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn defaults() -> Vec<(&'static str, Value)> {
    vec![("retention_in_days", Value::int(0)), ("skip_destroy", Value::bool(false))]
}

fn at(name: &str, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(vec![PathStep::Attr(name.into())])
}

/// The provider's checks: retention among the allowed periods, a known
/// class, names of the allowed characters and lengths, not both names.
pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    let retention = attr(config, "retention_in_days");
    if retention.is_known() && !retention.is_null() {
        let n = retention.unmark_deep().0.as_number().and_then(|n| n.to_i64());
        if !n.is_some_and(|n| RETENTION_DAYS.contains(&n)) {
            let list = RETENTION_DAYS.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(" ");
            let got = n.map_or_else(|| "a fraction".to_string(), |n| n.to_string());
            diags.push(at(
                "retention_in_days",
                "Invalid retention_in_days",
                format!("expected retention_in_days to be one of [{list}], got {got}"),
            ));
        }
    }
    if let Some(class) = str_attr(config, "log_group_class") {
        if !CLASSES.contains(&class.as_str()) {
            let list = CLASSES.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(" ");
            diags.push(at(
                "log_group_class",
                "Invalid log_group_class",
                format!("expected log_group_class to be one of [{list}], got {class}"),
            ));
        }
    }
    for (name, max) in [("name", 512), ("name_prefix", 483)] {
        let Some(v) = str_attr(config, name) else { continue };
        if v.len() > max {
            diags.push(at(
                name,
                "Invalid log group name",
                format!("{name:?} cannot be longer than {max} characters: {v:?}"),
            ));
        }
        if !v.chars().all(|c| c.is_ascii_alphanumeric() || ".-_/#".contains(c)) {
            diags.push(at(
                name,
                "Invalid log group name",
                format!(
                    "only alphanumeric characters, underscores, hyphens, slashes, hash signs and dots are allowed in {name:?}: {v:?}"
                ),
            ));
        }
    }
    if !attr(config, "name").is_null() && !attr(config, "name_prefix").is_null() {
        diags.push(at("name", "Conflicting configuration arguments", "\"name\": conflicts with name_prefix".into()));
    }
    diags
}

/// The plan: a name from a prefix (and a class AWS picks) is known only
/// after apply; a `DELIVERY` group's retention is AWS's to set, so its
/// changes are not planned (the provider's diff suppression).
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut p = planned.clone();
    if prior.is_null() {
        for name in ["name", "name_prefix", "log_group_class"] {
            if attr(config, name).is_null() {
                p = with_attr(&p, name, Value::unknown(Type::String));
            }
        }
        return p;
    }
    let delivery = |v: &Value| str_attr(v, "log_group_class").as_deref() == Some("DELIVERY");
    if delivery(&p) && delivery(prior) {
        p = with_attr(&p, "retention_in_days", attr(prior, "retention_in_days"));
    }
    p
}

/// The provider's `create.NamePrefixFromName`: what comes before a
/// generated 26-character unique suffix.
pub fn name_prefix_from_name(name: &str) -> Option<&str> {
    let cut = name.len().checked_sub(26).filter(|c| *c > 0)?;
    let suffix = name.get(cut..)?;
    suffix.chars().all(|c| c.is_ascii_hexdigit()).then(|| &name[..cut])
}

fn trim_arn(arn: &str) -> &str {
    arn.strip_suffix(":*").unwrap_or(arn)
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::iam::name_for(planned);
    let what = format!("creating {WHAT} ({name})");
    let class = nonempty(planned, "log_group_class");
    let all_tags = map_of(&attr(planned, "tags_all"));
    aws.log_call("logs:CreateLogGroup");
    aws.block(
        aws.logs
            .create_log_group()
            .log_group_name(&name)
            .set_log_group_class(class.as_deref().map(aws_sdk_cloudwatchlogs::types::LogGroupClass::from))
            .set_kms_key_id(nonempty(planned, "kms_key_id"))
            .set_tags((!all_tags.is_empty()).then(|| all_tags.into_iter().collect()))
            .send(),
    )
    .map_err(|e| aws_error(e).into_diag(&what))?;
    let days = crate::util::positive_i32_attr(planned, "retention_in_days");
    if let Some(days) = days.filter(|_| class.as_deref() != Some("DELIVERY")) {
        put_retention(aws, &name, days)
            .map_err(|e| e.into_diag(&format!("setting {WHAT} ({name}) retention policy")))?;
    }
    let stub = with_attr(&with_attr(planned, "id", Value::string(name.as_str())), "name", Value::string(name.as_str()));
    read_after_write(aws, &stub)
}

fn put_retention(aws: &Aws, name: &str, days: i32) -> Result<(), AwsError> {
    aws.log_call("logs:PutRetentionPolicy");
    aws.retry(
        PROPAGATION,
        |e| {
            e.code == "AccessDeniedException"
                && e.message.contains("no identity-based policy allows the logs:PutRetentionPolicy action")
        },
        || {
            aws.block(aws.logs.put_retention_policy().log_group_name(name).retention_in_days(days).send())
                .map(|_| ())
                .map_err(aws_error)
        },
    )
}

fn read_after_write(aws: &Aws, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(current);
    read(aws, current)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{WHAT} not found after change"), format!("{WHAT} ({id}) was not found."))
    })
}

/// The group named exactly `name` (DescribeLogGroups matches by prefix).
fn find_group(aws: &Aws, name: &str) -> Result<Option<aws_sdk_cloudwatchlogs::types::LogGroup>, AwsError> {
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("logs:DescribeLogGroups");
        let out = aws
            .block(aws.logs.describe_log_groups().log_group_name_prefix(name).set_next_token(token.clone()).send())
            .map_err(aws_error)?;
        if let Some(g) = out.log_groups().iter().find(|g| g.log_group_name() == Some(name)) {
            return Ok(Some(g.clone()));
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(None)
}

fn list_tags(aws: &Aws, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    aws.log_call("logs:ListTagsForResource");
    let out = aws.block(aws.logs.list_tags_for_resource().resource_arn(arn).send()).map_err(aws_error)?;
    Ok(out.tags().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default())
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = crate::id_of(current);
    let what = format!("reading {WHAT} ({name})");
    let Some(group) = find_group(aws, &name).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    let arn = trim_arn(group.arn().unwrap_or_default()).to_string();
    let remote_tags = list_tags(aws, &arn).map_err(|e| e.into_diag(&what))?;
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote_tags);
    // AWS reports every group's class. An endpoint that reports none
    // (moto) says nothing about it: what was known stays.
    let class = match group.log_group_class() {
        Some(c) => Value::string(c.as_str()),
        None => {
            let known = attr(current, "log_group_class");
            if known.is_known() && !known.is_null() {
                known
            } else {
                Value::string("")
            }
        }
    };
    let group_name = group.log_group_name().unwrap_or(&name).to_string();
    let prefix = match name_prefix_from_name(&group_name) {
        Some(p) => Value::string(p),
        None if attr(current, "name_prefix").is_known() && !attr(current, "name_prefix").is_null() => Value::string(""),
        None => Value::null(Type::String),
    };
    Ok(Some(object(
        &schema(),
        [
            ("arn", Value::string(arn.as_str())),
            ("id", Value::string(group_name.as_str())),
            ("kms_key_id", optional_text(group.kms_key_id(), current, "kms_key_id")),
            ("log_group_class", class),
            ("name", Value::string(group_name.as_str())),
            ("name_prefix", prefix),
            ("retention_in_days", Value::number(Number::from(group.retention_in_days().unwrap_or(0) as i64))),
            ("skip_destroy", Value::bool(bool_attr(current, "skip_destroy").unwrap_or(false))),
            ("tags", tags),
            ("tags_all", tags_all),
        ],
    )))
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("updating {WHAT} ({name})");
    let changed = |a: &str| !attr(prior, a).raw_equal(&attr(planned, a));
    if changed("retention_in_days") {
        match crate::util::positive_i32_attr(planned, "retention_in_days") {
            Some(days) => put_retention(aws, &name, days).map_err(|e| e.into_diag(&what))?,
            None => {
                aws.log_call("logs:DeleteRetentionPolicy");
                aws.block(aws.logs.delete_retention_policy().log_group_name(&name).send())
                    .map_err(|e| aws_error(e).into_diag(&what))?;
            }
        }
    }
    if changed("kms_key_id") {
        match nonempty(planned, "kms_key_id") {
            Some(key) => {
                aws.log_call("logs:AssociateKmsKey");
                aws.block(aws.logs.associate_kms_key().log_group_name(&name).kms_key_id(key).send())
                    .map_err(|e| aws_error(e).into_diag(&format!("associating {WHAT} ({name}) KMS key")))?;
            }
            None => {
                aws.log_call("logs:DisassociateKmsKey");
                aws.block(aws.logs.disassociate_kms_key().log_group_name(&name).send())
                    .map_err(|e| aws_error(e).into_diag(&format!("disassociating {WHAT} ({name}) KMS key")))?;
            }
        }
    }
    let arn = str_attr(prior, "arn").unwrap_or_default();
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("logs:UntagResource");
        aws.block(aws.logs.untag_resource().resource_arn(&arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    if !set.is_empty() {
        aws.log_call("logs:TagResource");
        aws.block(aws.logs.tag_resource().resource_arn(&arn).set_tags(Some(set.into_iter().collect())).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_after_write(aws, planned)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    if bool_attr(prior, "skip_destroy") == Some(true) {
        return Ok(());
    }
    let name = crate::id_of(prior);
    aws.log_call("logs:DeleteLogGroup");
    let result = aws.retry(
        Duration::from_secs(60),
        |e| e.code == "OperationAbortedException" && e.message.contains("try again"),
        || aws.block(aws.logs.delete_log_group().log_group_name(&name).send()).map(|_| ()).map_err(aws_error),
    );
    match result {
        Err(e) if e.code != "ResourceNotFoundException" => Err(e.into_diag(&format!("deleting {WHAT} ({name})"))),
        _ => Ok(()),
    }
}

/// The group an interrupted create made: by its name (or among those with
/// its prefix) and the create token tag.
pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for a CloudWatch Logs Log Group an interrupted create made";
    let exact = nonempty(planned, "name");
    let prefix = exact.clone().or_else(|| nonempty(planned, "name_prefix")).unwrap_or_else(|| "terraform-".into());
    let mut token_page: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("logs:DescribeLogGroups");
        let out = aws
            .block(
                aws.logs.describe_log_groups().log_group_name_prefix(&prefix).set_next_token(token_page.clone()).send(),
            )
            .map_err(|e| aws_error(e).into_diag(what))?;
        for g in out.log_groups() {
            let name = g.log_group_name().unwrap_or_default();
            if exact.as_deref().is_some_and(|n| n != name) {
                continue;
            }
            let tags = list_tags(aws, trim_arn(g.arn().unwrap_or_default())).map_err(|e| e.into_diag(what))?;
            if tags::carry_token(&tags, token) {
                let stub = with_attr(planned, "id", Value::string(name));
                return read(aws, &crate::util::known_or_null(&stub));
            }
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token_page = Some(t.to_string()),
            None => break,
        }
    }
    Ok(None)
}

/// Every log group of the region, for `drift -unmanaged`.
pub fn list(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let what = "listing CloudWatch Logs Log Groups";
    let mut objects = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("logs:DescribeLogGroups");
        let out = aws
            .block(aws.logs.describe_log_groups().set_next_token(token.clone()).send())
            .map_err(|e| aws_error(e).into_diag(what))?;
        for g in out.log_groups() {
            let Some(name) = g.log_group_name() else { continue };
            let tags = list_tags(aws, trim_arn(g.arn().unwrap_or_default())).map_err(|e| e.into_diag(what))?;
            objects.push(ListedObject { id: name.to_string(), tags: tags.into_iter().collect() });
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(objects)
}

/// Data `aws_cloudwatch_log_group`: the group named `name`, which must exist.
pub fn read_data(aws: &Aws, config: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = str_attr(config, "name").unwrap_or_default();
    let what = format!("reading {WHAT} ({name})");
    let Some(group) = find_group(aws, &name).map_err(|e| e.into_diag(&what))? else {
        return Err(ProviderDiagnostic::error(format!("{what}: empty result"), format!("{what}: empty result")));
    };
    let arn = trim_arn(group.arn().unwrap_or_default()).to_string();
    let tags: BTreeMap<String, String> = list_tags(aws, &arn)
        .map_err(|e| e.into_diag(&what))?
        .into_iter()
        .filter(|(k, _)| !k.starts_with("aws:") && k != tags::CREATE_TOKEN_TAG)
        .collect();
    Ok(object(
        &data_schema(),
        [
            ("arn", Value::string(arn.as_str())),
            ("creation_time", Value::number(Number::from(group.creation_time().unwrap_or(0)))),
            ("id", Value::string(name.as_str())),
            ("kms_key_id", Value::string(group.kms_key_id().unwrap_or_default())),
            ("log_group_class", Value::string(group.log_group_class().map(|c| c.as_str()).unwrap_or_default())),
            ("name", Value::string(name.as_str())),
            ("retention_in_days", Value::number(Number::from(group.retention_in_days().unwrap_or(0) as i64))),
            ("tags", crate::util::string_map(&tags)),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(values: Vec<(&str, Value)>) -> Value {
        object(&schema(), values)
    }

    #[test]
    fn retention_and_class_are_checked_against_the_allowed_values() {
        let ok = group(vec![("retention_in_days", Value::int(731)), ("log_group_class", Value::string("STANDARD"))]);
        assert!(validate(&ok).is_empty());
        let bad = group(vec![("retention_in_days", Value::int(2)), ("log_group_class", Value::string("COLD"))]);
        let diags = validate(&bad);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].detail.starts_with("expected retention_in_days to be one of [0 1 3 5"), "{}", diags[0].detail);
        assert!(diags[0].detail.ends_with("got 2"));
        assert!(diags[1].detail.contains("got COLD"));
        let both = group(vec![("name", Value::string("a")), ("name_prefix", Value::string("b"))]);
        assert_eq!(validate(&both).len(), 1);
        let odd = group(vec![("name", Value::string("a b"))]);
        assert_eq!(validate(&odd).len(), 1);
    }

    #[test]
    fn a_generated_suffix_gives_the_prefix_back() {
        let name = crate::iam::name_for(&group(vec![("name_prefix", Value::string("/aws/flow-"))]));
        assert_eq!(name_prefix_from_name(&name), Some("/aws/flow-"));
        assert_eq!(name_prefix_from_name("/aws/vpc-flow-log/vpc-0123456789abcdef0"), None);
        assert_eq!(name_prefix_from_name("20240101000000000000000001"), None);
        assert_eq!(trim_arn("arn:aws:logs:us-east-1:1:log-group:g:*"), "arn:aws:logs:us-east-1:1:log-group:g");
    }

    #[test]
    fn a_delivery_groups_retention_is_not_planned() {
        let prior = group(vec![("log_group_class", Value::string("DELIVERY")), ("retention_in_days", Value::int(2))]);
        let config = group(vec![("log_group_class", Value::string("DELIVERY")), ("retention_in_days", Value::int(0))]);
        let planned = plan(&config, &config, &prior);
        assert!(attr(&planned, "retention_in_days").raw_equal(&Value::int(2)));
        let null = Value::null(schema().implied_type());
        let created = plan(&config, &group(vec![("name", Value::string("g"))]), &null);
        assert!(attr(&created, "log_group_class").is_unknown());
        assert!(attr(&created, "name_prefix").is_unknown());
    }
}
