//! `aws_db_parameter_group`: id = name (or one made from `name_prefix`);
//! `family` and `description` force a new group; `parameter` changes in
//! place: new or changed parameters through ModifyDBParameterGroup in
//! chunks of 20 (the provider's order: character sets first, then
//! immediate ones, then those pending a reboot), removed ones through
//! ResetDBParameterGroup, as AWS needs.
//!
//! Reading back keeps the parameters whose Source is `user` and those the
//! state names (AWS reports the engine's defaults too). moto 5.2.5 reports
//! no Source at all: a missing Source counts as `user`, since moto only
//! holds what was set. moto also lacks ResetDBParameterGroup: removing a
//! parameter fails there with moto's own error, named as the reset, and
//! the parameter stays in state, so the next plan shows it again.

use super::*;
use crate::util::{attrs, complete_items, items, nonempty, object, set_of, str_attr, with_attr};
use aws_sdk_rds::types::{ApplyMethod, DbParameterGroup, Parameter};
use strata_lang::Type;
use strata_provider::{Attribute, Nesting};

const WHAT: &str = "RDS DB Parameter Group";
/// ModifyDBParameterGroup and ResetDBParameterGroup take at most 20.
const CHUNK: usize = 20;

fn parameter_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("apply_method", Attribute::optional(Type::String)),
            ("name", Attribute::required(Type::String)),
            ("value", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("description", Attribute::optional(Type::String).force_new()),
            ("family", Attribute::required(Type::String).force_new()),
            ("id", Attribute::computed(Type::String)),
            ("name", Attribute::optional_computed(Type::String).force_new()),
            ("name_prefix", Attribute::optional_computed(Type::String).force_new()),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::from([("parameter".to_string(), set_of(parameter_block()))]),
    }
}

/// The provider's name checks (`validParamGroupName`/`…NamePrefix`).
pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    let check = |key: &str, v: &str, max: usize, prefix: bool| -> Vec<String> {
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
        if v.len() > max {
            out.push(format!("{key:?} cannot be greater than {max} characters"));
        }
        out
    };
    if let Some(n) = str_attr(config, "name") {
        diags.extend(check("name", &n, 255, false).into_iter().map(|m| err_at("name", m, "")));
    }
    if let Some(p) = str_attr(config, "name_prefix") {
        diags.extend(check("name_prefix", &p, 229, true).into_iter().map(|m| err_at("name_prefix", m, "")));
    }
    diags.extend(conflicts(config, "name", "name_prefix"));
    for p in items(&attr(config, "parameter")) {
        if let Some(m) = str_attr(&p, "apply_method") {
            if !["immediate", "pending-reboot"].contains(&m.to_lowercase().as_str()) {
                diags.push(err_at(
                    "parameter",
                    "Invalid apply_method",
                    format!("expected parameter.apply_method to be one of [\"immediate\" \"pending-reboot\"], got {m}"),
                ));
            }
        }
    }
    diags
}

/// A parameter's `apply_method` defaults to "immediate".
pub fn plan(planned: &Value) -> Value {
    let defaults = [("apply_method", Value::string("immediate"))];
    let params = complete_items(&attr(planned, "parameter"), &parameter_block(), Nesting::Set, "", &defaults);
    with_attr(planned, "parameter", params)
}

/// `(name, value, apply method)` of each parameter of a state value.
fn parameters_of(v: &Value) -> Vec<(String, String, String)> {
    items(&attr(v, "parameter"))
        .iter()
        .map(|p| {
            (
                str_attr(p, "name").unwrap_or_default(),
                str_attr(p, "value").unwrap_or_default(),
                str_attr(p, "apply_method").unwrap_or_else(|| "immediate".into()).to_lowercase(),
            )
        })
        .collect()
}

fn to_parameter((name, value, method): &(String, String, String)) -> Parameter {
    Parameter::builder()
        .parameter_name(name)
        .parameter_value(value)
        .apply_method(ApplyMethod::from(method.as_str()))
        .build()
}

/// The provider's chunk order: character set parameters applied at once
/// first, then other immediate ones, then those pending a reboot.
fn chunks(mut params: Vec<(String, String, String)>) -> Vec<Vec<(String, String, String)>> {
    params.sort_by_key(|(name, _, method)| match (name.contains("character_set"), method == "pending-reboot") {
        (true, false) => 0,
        (_, false) => 1,
        (_, true) => 2,
    });
    params.chunks(CHUNK).map(|c| c.to_vec()).collect()
}

fn modify(aws: &Aws, name: &str, params: Vec<(String, String, String)>, what: &str) -> Result<(), ProviderDiagnostic> {
    for chunk in chunks(params) {
        aws.log_call("rds:ModifyDBParameterGroup");
        aws.block(
            aws.rds
                .modify_db_parameter_group()
                .db_parameter_group_name(name)
                .set_parameters(Some(chunk.iter().map(to_parameter).collect()))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&format!("{what}: modifying parameters")))?;
    }
    Ok(())
}

fn reset(aws: &Aws, name: &str, params: Vec<(String, String, String)>, what: &str) -> Result<(), ProviderDiagnostic> {
    for chunk in params.chunks(CHUNK) {
        aws.log_call("rds:ResetDBParameterGroup");
        aws.block(
            aws.rds
                .reset_db_parameter_group()
                .db_parameter_group_name(name)
                .reset_all_parameters(false)
                .set_parameters(Some(chunk.iter().map(to_parameter).collect()))
                .customize()
                .config_override(few_retries())
                .send(),
        )
        .map_err(|e| {
            let names: Vec<&str> = chunk.iter().map(|(n, _, _)| n.as_str()).collect();
            let e = aws_error(e);
            let subject = format!("{what}: resetting parameters {}: ResetDBParameterGroup", names.join(", "));
            // moto 5.2.5 has no ResetDBParameterGroup: it answers 500 without an AWS error.
            let unanswered = e.code == "UnknownError" || e.code == "RequestError";
            let detail = if unanswered {
                format!("{subject}: the endpoint gave no AWS answer ({}: {}); it may not implement ResetDBParameterGroup. The parameters stay in state, so the next plan shows their removal again.", e.code, e.message)
            } else {
                format!("{subject}: {}: {}", e.code, e.message)
            };
            ProviderDiagnostic::error(format!("{subject}: {}", e.code), detail)
        })?;
    }
    Ok(())
}

/// Tried twice, not `max_retries` times: an endpoint without the call
/// (moto answers 500) must not hold the apply for minutes of backoff.
fn few_retries() -> aws_sdk_rds::config::Builder {
    aws_sdk_rds::config::Builder::default()
        .retry_config(aws_sdk_rds::config::retry::RetryConfig::standard().with_max_attempts(2))
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::iam::name_for(planned);
    let what = format!("creating {WHAT} ({name})");
    aws.log_call("rds:CreateDBParameterGroup");
    aws.block(
        aws.rds
            .create_db_parameter_group()
            .db_parameter_group_name(&name)
            .db_parameter_group_family(str_attr(planned, "family").unwrap_or_default())
            .description(str_attr(planned, "description").unwrap_or_default())
            .set_tags(rds_tags(&map_of(&attr(planned, "tags_all"))))
            .send(),
    )
    .map_err(|e| aws_error(e).into_diag(&what))?;
    let planned =
        with_attr(&with_attr(planned, "id", Value::string(name.as_str())), "name", Value::string(name.as_str()));
    modify(aws, &name, parameters_of(&planned), &what)?;
    read_after_write(aws, &planned, &what)
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("updating {WHAT} ({name})");
    let (before, after) = (parameters_of(prior), parameters_of(planned));
    let changed: Vec<_> = after.iter().filter(|p| !before.contains(p)).cloned().collect();
    let removed: Vec<_> = before.iter().filter(|(n, _, _)| !after.iter().any(|(m, _, _)| m == n)).cloned().collect();
    modify(aws, &name, changed, &what)?;
    reset(aws, &name, removed, &what)?;
    let arn = nonempty(prior, "arn").unwrap_or_default();
    update_tags(aws, &arn, prior, planned, &what)?;
    read_after_write(aws, planned, &what)
}

fn read_after_write(aws: &Aws, current: &Value, what: &str) -> Result<Value, ProviderDiagnostic> {
    read(aws, current)?.ok_or_else(|| {
        ProviderDiagnostic::error(
            format!("{what}: not found"),
            format!("{what}: the group was not found after it was written."),
        )
    })
}

fn describe(aws: &Aws, name: &str) -> Result<Option<DbParameterGroup>, AwsError> {
    aws.log_call("rds:DescribeDBParameterGroups");
    match aws.block(aws.rds.describe_db_parameter_groups().db_parameter_group_name(name).send()) {
        Ok(out) => Ok(out.db_parameter_groups().iter().find(|g| g.db_parameter_group_name() == Some(name)).cloned()),
        Err(e) => match aws_error(e) {
            e if is_gone(&e) => Ok(None),
            e => Err(e),
        },
    }
}

/// Every parameter the group reports (only those a user set when
/// `user_only`), page by page.
fn describe_parameters(aws: &Aws, name: &str, user_only: bool) -> Result<Vec<Parameter>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("rds:DescribeDBParameters");
        let page = aws
            .block(
                aws.rds
                    .describe_db_parameters()
                    .db_parameter_group_name(name)
                    .set_source(user_only.then(|| "user".to_string()))
                    .set_marker(marker.clone())
                    .send(),
            )
            .map_err(aws_error)?;
        out.extend(page.parameters().iter().cloned());
        match page.marker().filter(|m| !m.is_empty()) {
            Some(m) => marker = Some(m.to_string()),
            None => break,
        }
    }
    Ok(out)
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = crate::id_of(current);
    let what = format!("reading {WHAT} ({name})");
    let Some(group) = describe(aws, &name).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    let known = parameters_of(current);
    let params = describe_parameters(aws, &name, known.is_empty()).map_err(|e| e.into_diag(&what))?;
    let kept: Vec<Value> = params
        .iter()
        .filter(|p| {
            // moto reports no Source: what it holds was set by a user.
            let user = p.source().is_none_or(|s| s == "user");
            user || known.iter().any(|(n, _, _)| Some(n.as_str()) == p.parameter_name())
        })
        .filter_map(|p| {
            let name = p.parameter_name()?;
            Some(object(
                &parameter_block(),
                [
                    ("name", Value::string(name)),
                    ("value", Value::string(p.parameter_value().unwrap_or_default())),
                    (
                        "apply_method",
                        Value::string(
                            p.apply_method().map(|m| m.as_str().to_lowercase()).unwrap_or("immediate".into()),
                        ),
                    ),
                ],
            ))
        })
        .collect();
    let arn = group.db_parameter_group_arn().unwrap_or_default().to_string();
    let remote = list_tags(aws, &arn).map_err(|e| e.into_diag(&what))?;
    let (tags, tags_all) = read_tags(aws, current, remote);
    let group_name = group.db_parameter_group_name().unwrap_or(&name).to_string();
    let prefix = name_prefix_from_name(&group_name).map(Value::string).unwrap_or_else(|| Value::null(Type::String));
    Ok(Some(object(
        &schema(),
        [
            ("arn", Value::string(arn.as_str())),
            ("description", Value::string(group.description().unwrap_or_default())),
            ("family", Value::string(group.db_parameter_group_family().unwrap_or_default())),
            ("id", Value::string(group_name.as_str())),
            ("name", Value::string(group_name.as_str())),
            ("name_prefix", prefix),
            ("tags", tags),
            ("tags_all", tags_all),
            ("parameter", Value::set(parameter_block().implied_type(), kept)),
        ],
    )))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("deleting {WHAT} ({name})");
    // An instance just deleted may hold on to the group for a while.
    let sent = aws.retry(
        Duration::from_secs(180),
        |e| e.code.starts_with("InvalidDBParameterGroupState"),
        || {
            aws.log_call("rds:DeleteDBParameterGroup");
            aws.block(aws.rds.delete_db_parameter_group().db_parameter_group_name(&name).send())
                .map(|_| ())
                .map_err(aws_error)
        },
    );
    match sent {
        Err(e) if !is_gone(&e) => Err(e.into_diag(&what)),
        _ => Ok(()),
    }
}

/// Every group in the region (bounded: 1,000 pages).
fn describe_all(aws: &Aws) -> Result<Vec<DbParameterGroup>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("rds:DescribeDBParameterGroups");
        let page =
            aws.block(aws.rds.describe_db_parameter_groups().set_marker(marker.clone()).send()).map_err(aws_error)?;
        out.extend(page.db_parameter_groups().iter().cloned());
        match page.marker().filter(|m| !m.is_empty()) {
            Some(m) => marker = Some(m.to_string()),
            None => break,
        }
    }
    Ok(out)
}

pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = format!("looking for an {WHAT} an interrupted create made");
    let candidates: Vec<DbParameterGroup> = match nonempty(planned, "name") {
        Some(n) => describe(aws, &n).map_err(|e| e.into_diag(&what))?.into_iter().collect(),
        None => {
            let prefix = str_attr(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
            let all = describe_all(aws).map_err(|e| e.into_diag(&what))?;
            all.into_iter().filter(|g| g.db_parameter_group_name().is_some_and(|n| n.starts_with(&prefix))).collect()
        }
    };
    for g in candidates {
        let tags = list_tags(aws, g.db_parameter_group_arn().unwrap_or_default()).map_err(|e| e.into_diag(&what))?;
        if has_token(&tags, token) {
            let stub = with_attr(planned, "id", Value::string(g.db_parameter_group_name().unwrap_or_default()));
            return read(aws, &stub);
        }
    }
    Ok(None)
}

/// Every group but the `default.*` ones RDS makes itself.
pub fn list(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let what = format!("listing {WHAT}s");
    let mut out = Vec::new();
    for g in describe_all(aws).map_err(|e| e.into_diag(&what))? {
        let Some(name) = g.db_parameter_group_name().filter(|n| !n.starts_with("default.")) else { continue };
        let tags = list_tags(aws, g.db_parameter_group_arn().unwrap_or_default()).map_err(|e| e.into_diag(&what))?;
        out.push(ListedObject { id: name.to_string(), tags: tags.into_iter().collect() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, method: &str) -> (String, String, String) {
        (name.to_string(), "v".to_string(), method.to_string())
    }

    #[test]
    fn parameters_go_in_chunks_of_twenty_character_sets_first_reboots_last() {
        let mut params: Vec<_> = (0..25).map(|i| p(&format!("p{i:02}"), "immediate")).collect();
        params.insert(3, p("max_connections", "pending-reboot"));
        params.push(p("character_set_server", "immediate"));
        let chunks = chunks(params);
        assert_eq!(chunks.iter().map(Vec::len).collect::<Vec<_>>(), vec![20, 7]);
        assert_eq!(chunks[0][0].0, "character_set_server");
        assert_eq!(chunks[1].last().map(|p| p.0.as_str()), Some("max_connections"));
    }

    #[test]
    fn names_are_checked_as_the_provider_checks_them() {
        let config = |k: &str, v: &str| object(&schema(), [(k, Value::string(v))]);
        let summaries = |c: Value| validate(&c).into_iter().map(|d| d.summary).collect::<Vec<_>>();
        assert!(summaries(config("name", "pg-main-1")).is_empty());
        assert_eq!(
            summaries(config("name", "Main")),
            vec![
                "only lowercase alphanumeric characters and hyphens allowed in \"name\"",
                "first character of \"name\" must be a letter"
            ]
        );
        assert_eq!(summaries(config("name", "a--b")), vec!["\"name\" cannot contain two consecutive hyphens"]);
        assert_eq!(summaries(config("name", "ab-")), vec!["\"name\" cannot end with a hyphen"]);
        assert!(summaries(config("name_prefix", "ab-")).is_empty());
        let both = object(&schema(), [("name", Value::string("a")), ("name_prefix", Value::string("b"))]);
        assert_eq!(summaries(both), vec!["Conflicting configuration arguments"]);
    }

    #[test]
    fn apply_method_defaults_to_immediate() {
        let block = parameter_block();
        let item = object(&block, [("name", Value::string("a")), ("value", Value::string("1"))]);
        let planned = object(&schema(), [("parameter", Value::set(block.implied_type(), vec![item]))]);
        assert_eq!(parameters_of(&plan(&planned)), vec![("a".into(), "1".into(), "immediate".into())]);
    }
}
