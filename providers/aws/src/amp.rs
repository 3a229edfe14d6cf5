//! Amazon Managed Service for Prometheus: `aws_prometheus_workspace` (id =
//! the workspace ID; an alias once set cannot be unset, so removing it
//! replaces the workspace; its logging configuration is created, updated
//! and deleted with the workspace), `aws_prometheus_rule_group_namespace`
//! (id = its ARN, which names the workspace and the namespace) and
//! `aws_prometheus_alert_manager_definition` (id = the workspace ID, one per
//! workspace). Every change waits for the object to become ACTIVE (or
//! gone), polled from the start for at most the provider's five minutes.
//!
//! The service stores rule files and Alertmanager configurations without
//! checking them, so `validate` runs `promtool`'s and `amtool`'s checks
//! (`strata_promrules`) and names the line of each problem. Both documents
//! are plain strings to the provider: what is read back is compared as
//! written.

use crate::client::{aws_error, Aws, AwsError};
use crate::family::Family;
use crate::tags;
use crate::util::{attr, attrs, items, map_of, nonempty, object, single, str_attr, with_attr};
use aws_sdk_amp::primitives::Blob;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, ListedObject, PathStep, ProviderDiagnostic};

pub struct Amp;

const WORKSPACE: &str = "aws_prometheus_workspace";
const RULES: &str = "aws_prometheus_rule_group_namespace";
const ALERTS: &str = "aws_prometheus_alert_manager_definition";
const TYPES: [&str; 3] = [WORKSPACE, RULES, ALERTS];

const WORKSPACE_WHAT: &str = "Prometheus Workspace";
const RULES_WHAT: &str = "Prometheus Rule Group Namespace";
const ALERTS_WHAT: &str = "Prometheus Alert Manager Definition";

/// The provider's wait for each create, update and delete (it has no
/// `timeouts` block for these types).
const WAIT: Duration = Duration::from_secs(5 * 60);

impl Family for Amp {
    fn types(&self) -> &'static [&'static str] {
        &TYPES
    }

    fn schema(&self, type_name: &str) -> Block {
        match type_name {
            WORKSPACE => workspace_schema(),
            RULES => rules_schema(),
            _ => alerts_schema(),
        }
    }

    fn validate(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        if config.is_null() {
            return Vec::new();
        }
        match type_name {
            WORKSPACE => validate_workspace(config),
            RULES => str_attr(config, "data").map(|d| rule_file_problems(&d)).unwrap_or_default(),
            _ => str_attr(config, "definition").map(|d| definition_problems(&d)).unwrap_or_default(),
        }
    }

    /// An alias once set cannot be unset: removing it replaces the
    /// workspace (the provider's `ForceNewIfChange`).
    fn plan(&self, type_name: &str, planned: &Value, _config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
        let mut replace = Vec::new();
        if type_name == WORKSPACE && !prior.is_null() {
            let alias = attr(planned, "alias");
            if alias.is_known() && nonempty(prior, "alias").is_some() && nonempty(planned, "alias").is_none() {
                replace.push(vec![PathStep::Attr("alias".into())]);
            }
        }
        (planned.clone(), replace)
    }

    fn apply(&self, aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        match (type_name, prior.is_null()) {
            (WORKSPACE, true) => create_workspace(aws, planned),
            (WORKSPACE, false) => update_workspace(aws, prior, planned),
            (RULES, true) => create_rules(aws, planned),
            (RULES, false) => update_rules(aws, prior, planned),
            (_, true) => create_alerts(aws, planned),
            (_, false) => update_alerts(aws, planned),
        }
    }

    fn read(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        match type_name {
            WORKSPACE => read_workspace(aws, current),
            RULES => read_rules(aws, current),
            _ => read_alerts(aws, current),
        }
    }

    fn delete(&self, aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        match type_name {
            WORKSPACE => delete_workspace(aws, prior),
            RULES => delete_rules(aws, prior),
            _ => delete_alerts(aws, prior),
        }
    }

    /// A workspace by its alias and the create token tag; a namespace by
    /// its workspace and name and the tag; a definition (untagged, one per
    /// workspace) by its workspace when it holds the planned definition.
    fn find(
        &self,
        aws: &Aws,
        type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = &crate::util::known_or_null(planned);
        match type_name {
            WORKSPACE => find_workspace(aws, token, planned),
            RULES => find_rules(aws, token, planned),
            _ => find_alerts(aws, planned),
        }
    }

    /// The waits for ACTIVE (and a workspace's logging configuration) come
    /// after the object exists.
    fn keeps_failed_creates(&self, _type_name: &str) -> bool {
        true
    }

    fn list(&self, aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
        (type_name == WORKSPACE).then(|| {
            list_workspaces(aws, None)
                .map(|all| {
                    all.into_iter()
                        .map(|w| ListedObject {
                            id: w.workspace_id().to_string(),
                            tags: w
                                .tags()
                                .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                                .unwrap_or_default(),
                        })
                        .collect()
                })
                .map_err(|e| e.into_diag(&format!("listing {WORKSPACE_WHAT}s")))
        })
    }
}

fn workspace_schema() -> Block {
    let logging = Block {
        attributes: attrs(vec![("log_group_arn", Attribute::required(Type::String))]),
        blocks: BTreeMap::new(),
    };
    Block {
        attributes: attrs(vec![
            ("alias", Attribute::optional(Type::String)),
            ("arn", Attribute::computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("kms_key_arn", Attribute::optional(Type::String).force_new()),
            ("prometheus_endpoint", Attribute::computed(Type::String)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::from([("logging_configuration".to_string(), single(logging))]),
    }
}

fn rules_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("data", Attribute::required(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("name", Attribute::required(Type::String).force_new()),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("workspace_id", Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn alerts_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("definition", Attribute::required(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("workspace_id", Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn error_at(path: AttributePath, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(path)
}

/// The provider's `verify.ValidARN`: `arn:partition:service:region:account:resource`.
pub(crate) fn arn_problem(value: &str) -> Option<&'static str> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    if parts.first() != Some(&"arn") {
        return Some("arn: invalid prefix");
    }
    if parts.len() < 6 {
        return Some("arn: not enough sections");
    }
    if parts[1].is_empty() {
        return Some("arn: missing partition");
    }
    if parts[2].is_empty() {
        return Some("arn: missing service");
    }
    if parts[5].is_empty() {
        return Some("arn: missing resource");
    }
    None
}

fn validate_workspace(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    let mut check = |path: AttributePath, name: &str, value: Option<String>| {
        if let Some(problem) = value.as_deref().and_then(arn_problem) {
            let value = value.unwrap_or_default();
            diags.push(error_at(path, "Invalid ARN", format!("{name:?} ({value}) is an invalid ARN: {problem}")));
        }
    };
    check(vec![PathStep::Attr("kms_key_arn".into())], "kms_key_arn", str_attr(config, "kms_key_arn"));
    for (i, block) in items(&attr(config, "logging_configuration")).iter().enumerate() {
        let path = vec![
            PathStep::Attr("logging_configuration".into()),
            PathStep::Index(i as u64),
            PathStep::Attr("log_group_arn".into()),
        ];
        check(path, "logging_configuration.0.log_group_arn", str_attr(block, "log_group_arn"));
    }
    diags
}

/// Each problem as an error at `name`, with its line and column.
fn problems_at(name: &str, summary: &str, problems: Vec<strata_promrules::Problem>) -> Vec<ProviderDiagnostic> {
    problems
        .into_iter()
        .map(|p| {
            let at = match p.pos {
                Some(pos) => format!("{name}, line {}, column {}", pos.line, pos.column),
                None => name.to_string(),
            };
            error_at(vec![PathStep::Attr(name.into())], summary, format!("{at}: {}", p.message))
        })
        .collect()
}

/// What `promtool check rules` says of `data`.
fn rule_file_problems(data: &str) -> Vec<ProviderDiagnostic> {
    problems_at("data", "Invalid Prometheus rules", strata_promrules::rules::check_file(data))
}

/// An alert manager definition as AWS reads it: a mapping with the
/// `alertmanager_config` text (checked as `amtool check-config` does)
/// and, optionally, `template_files` (name → template text).
fn definition_problems(definition: &str) -> Vec<ProviderDiagnostic> {
    use strata_promrules::{yaml, Problem};
    const SUMMARY: &str = "Invalid Alertmanager definition";
    let doc = match yaml::parse(definition) {
        Ok(doc) => doc,
        Err(p) => return problems_at("definition", SUMMARY, vec![p]),
    };
    let shape = |message: &str, pos| problems_at("definition", SUMMARY, vec![Problem::new(message).at_pos(pos)]);
    if !doc.is_map() {
        return shape(&format!("expected a mapping with alertmanager_config, got {}", doc.kind_name()), doc.pos);
    }
    let mut problems = Vec::new();
    for (key, value) in doc.entries() {
        match key.as_str() {
            Some("alertmanager_config") | Some("template_files") => {}
            _ => problems.extend(shape(
                &format!(
                    "unknown key {:?}: a definition has alertmanager_config and template_files",
                    key.as_str().unwrap_or_default()
                ),
                key.pos,
            )),
        }
        if key.as_str() == Some("template_files") {
            if !value.is_map() && !value.is_null() {
                problems.extend(shape(
                    &format!("template_files: expected a mapping, got {}", value.kind_name()),
                    value.pos,
                ));
            }
            for (name, text) in value.entries() {
                if text.as_str().is_none() {
                    let name = name.as_str().unwrap_or_default();
                    problems.extend(shape(
                        &format!("template_files.{name}: expected the template's text, got {}", text.kind_name()),
                        text.pos,
                    ));
                }
            }
        }
    }
    match doc.get("alertmanager_config") {
        None => problems.extend(shape("alertmanager_config is missing", doc.pos)),
        Some(config) => match config.as_str() {
            None => problems.extend(shape(
                &format!("alertmanager_config: expected the configuration as text, got {}", config.kind_name()),
                config.pos,
            )),
            Some(text) => {
                // Positions inside the text are made positions in the
                // definition when the text is a block scalar (`|`), whose
                // lines start on the line after the key.
                let key = doc.entries().iter().find(|(k, _)| k.as_str() == Some("alertmanager_config"));
                let offset = key.and_then(|(k, _)| block_scalar_offset(definition, k.pos));
                for p in strata_promrules::alertmanager::check_config(text) {
                    let pos = match (p.pos, offset) {
                        (Some(at), Some((lines, indent))) => {
                            Some(yaml::Pos { line: at.line + lines, column: at.column + indent })
                        }
                        _ => None,
                    };
                    let message = match (p.pos, pos) {
                        (Some(at), None) => {
                            format!("alertmanager_config, line {}, column {}: {}", at.line, at.column, p.message)
                        }
                        _ => format!("alertmanager_config: {}", p.message),
                    };
                    let problem = Problem::new(message);
                    let problem = match pos {
                        Some(pos) => problem.at_pos(pos),
                        None => problem,
                    };
                    problems.extend(problems_at("definition", SUMMARY, vec![problem]));
                }
            }
        },
    }
    problems
}

/// For a key at `pos` in `src` whose value is a block scalar (`key: |`):
/// how many lines come before its text, and the indentation of that text.
fn block_scalar_offset(src: &str, pos: strata_promrules::yaml::Pos) -> Option<(usize, usize)> {
    let lines: Vec<&str> = src.lines().collect();
    let at = lines.get(pos.line.checked_sub(1)?)?;
    let after_key = at.get(pos.column.checked_sub(1)?..)?;
    let value = after_key.split_once(':')?.1.trim_start();
    if !(value.starts_with('|') || value.starts_with('>')) {
        return None;
    }
    let first = lines.iter().skip(pos.line).find(|l| !l.trim().is_empty())?;
    Some((pos.line, first.len() - first.trim_start().len()))
}

/// Polls `status` (the object's state and its reason, `None` once gone)
/// until it is one of `target` (or gone, when `target` is empty), from the
/// first call, for at most [`WAIT`] or what is left of the operation.
fn wait_for(
    aws: &Aws,
    subject: &str,
    pending: &[&str],
    target: &[&str],
    mut status: impl FnMut() -> Result<Option<(String, String)>, AwsError>,
) -> Result<(), ProviderDiagnostic> {
    let limit = aws.time_left().map_or(WAIT, |left| left.min(WAIT));
    let deadline = Instant::now() + limit;
    let want = if target.is_empty() { "gone".to_string() } else { target.join(", ") };
    let mut pause = Duration::from_millis(100);
    let mut last = String::from("(none)");
    loop {
        let state = status().map_err(|e| e.into_diag(&format!("waiting for {subject}")))?;
        match state {
            None if target.is_empty() => return Ok(()),
            Some((code, _)) if target.contains(&code.as_str()) => return Ok(()),
            Some((code, reason)) if !pending.contains(&code.as_str()) => {
                let reason = if reason.is_empty() { String::new() } else { format!(": {reason}") };
                return Err(ProviderDiagnostic::error(
                    format!("waiting for {subject}"),
                    format!("waiting for {subject}: unexpected state '{code}', wanted target '{want}'{reason}"),
                ));
            }
            Some((code, _)) => last = code,
            // Not yet visible after a create: polled again.
            None => {}
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(ProviderDiagnostic::error(
                format!("waiting for {subject}"),
                format!(
                    "waiting for {subject}: timeout while waiting for state to become '{want}' (last state: '{last}', timeout: {})",
                    crate::timeouts::go_duration_text(limit)
                ),
            ));
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

/// `tags_all` as AWS takes it (the create token included, when planned).
fn tags_to_send(planned: &Value) -> Option<std::collections::HashMap<String, String>> {
    let all = map_of(&attr(planned, "tags_all"));
    (!all.is_empty()).then(|| all.into_iter().collect())
}

fn update_tags(aws: &Aws, arn: &str, prior: &Value, planned: &Value, what: &str) -> Result<(), ProviderDiagnostic> {
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("aps:UntagResource");
        aws.block(aws.amp.untag_resource().resource_arn(arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&format!("untagging {what} ({arn})")))?;
    }
    if !set.is_empty() {
        aws.log_call("aps:TagResource");
        aws.block(aws.amp.tag_resource().resource_arn(arn).set_tags(Some(set.into_iter().collect())).send())
            .map_err(|e| aws_error(e).into_diag(&format!("tagging {what} ({arn})")))?;
    }
    Ok(())
}

fn read_tags(aws: &Aws, current: &Value, remote: Option<&std::collections::HashMap<String, String>>) -> (Value, Value) {
    let remote = remote.map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>()).unwrap_or_default();
    tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote)
}

/// The service's own "not found" (`ResourceNotFoundException`).
fn not_found(e: &AwsError) -> bool {
    e.code == "ResourceNotFoundException" || e.is_not_found()
}

fn gone_after_change(what: &str, id: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(format!("{what} not found after change"), format!("{what} ({id}) was not found."))
}

// --- aws_prometheus_workspace ---

fn describe_workspace(aws: &Aws, id: &str) -> Result<Option<aws_sdk_amp::types::WorkspaceDescription>, AwsError> {
    aws.log_call("aps:DescribeWorkspace");
    match aws.block(aws.amp.describe_workspace().workspace_id(id).send()).map_err(aws_error) {
        Ok(out) => Ok(out.workspace().cloned()),
        Err(e) if not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn wait_workspace(
    aws: &Aws,
    id: &str,
    doing: &str,
    pending: &[&str],
    target: &[&str],
) -> Result<(), ProviderDiagnostic> {
    wait_for(aws, &format!("{WORKSPACE_WHAT} ({id}) {doing}"), pending, target, || {
        Ok(describe_workspace(aws, id)?
            .map(|w| (w.status().map(|s| s.status_code().as_str().to_string()).unwrap_or_default(), String::new())))
    })
}

/// The logging configuration's log group, `None` when there is none
/// (moto answers an empty configuration rather than NotFound).
fn describe_logging(aws: &Aws, id: &str) -> Result<Option<(String, String, String)>, AwsError> {
    aws.log_call("aps:DescribeLoggingConfiguration");
    match aws.block(aws.amp.describe_logging_configuration().workspace_id(id).send()).map_err(aws_error) {
        Ok(out) => Ok(out.logging_configuration().filter(|c| !c.log_group_arn().is_empty()).map(|c| {
            let (code, reason) = c
                .status()
                .map(|s| (s.status_code().as_str().to_string(), s.status_reason().unwrap_or_default().to_string()))
                .unwrap_or_default();
            (c.log_group_arn().to_string(), code, reason)
        })),
        Err(e) if not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn wait_logging(aws: &Aws, id: &str, doing: &str, pending: &[&str], target: &[&str]) -> Result<(), ProviderDiagnostic> {
    wait_for(aws, &format!("{WORKSPACE_WHAT} ({id}) logging configuration {doing}"), pending, target, || {
        Ok(describe_logging(aws, id)?.map(|(_, code, reason)| (code, reason)))
    })
}

fn log_group_of(v: &Value) -> Option<String> {
    items(&attr(v, "logging_configuration")).first().and_then(|b| nonempty(b, "log_group_arn"))
}

fn set_logging(aws: &Aws, id: &str, had: Option<&str>, wanted: Option<&str>) -> Result<(), ProviderDiagnostic> {
    let what = format!("{WORKSPACE_WHAT} ({id}) logging configuration");
    match (had, wanted) {
        (None, Some(arn)) => {
            aws.log_call("aps:CreateLoggingConfiguration");
            aws.block(aws.amp.create_logging_configuration().workspace_id(id).log_group_arn(arn).send())
                .map_err(|e| aws_error(e).into_diag(&format!("creating {what}")))?;
            wait_logging(aws, id, "create", &["CREATING"], &["ACTIVE"])
        }
        (Some(_), Some(arn)) => {
            aws.log_call("aps:UpdateLoggingConfiguration");
            aws.block(aws.amp.update_logging_configuration().workspace_id(id).log_group_arn(arn).send())
                .map_err(|e| aws_error(e).into_diag(&format!("updating {what}")))?;
            wait_logging(aws, id, "update", &["UPDATING"], &["ACTIVE"])
        }
        (Some(_), None) => {
            aws.log_call("aps:DeleteLoggingConfiguration");
            match aws.block(aws.amp.delete_logging_configuration().workspace_id(id).send()).map_err(aws_error) {
                Err(e) if not_found(&e) => return Ok(()),
                Err(e) => return Err(e.into_diag(&format!("deleting {what}"))),
                Ok(_) => {}
            }
            wait_logging(aws, id, "delete", &["DELETING"], &[])
        }
        (None, None) => Ok(()),
    }
}

fn create_workspace(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    aws.log_call("aps:CreateWorkspace");
    let out = aws
        .block(
            aws.amp
                .create_workspace()
                .set_alias(nonempty(planned, "alias"))
                .set_kms_key_arn(nonempty(planned, "kms_key_arn"))
                .set_tags(tags_to_send(planned))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&format!("creating {WORKSPACE_WHAT}")))?;
    let id = out.workspace_id().to_string();
    let stub = with_attr(planned, "id", Value::string(id.as_str()));
    wait_workspace(aws, &id, "create", &["CREATING"], &["ACTIVE"])?;
    set_logging(aws, &id, None, log_group_of(planned).as_deref())?;
    read_workspace(aws, &stub)?.ok_or_else(|| gone_after_change(WORKSPACE_WHAT, &id))
}

fn update_workspace(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(prior);
    if str_attr(prior, "alias") != str_attr(planned, "alias") {
        aws.log_call("aps:UpdateWorkspaceAlias");
        aws.block(aws.amp.update_workspace_alias().workspace_id(&id).set_alias(str_attr(planned, "alias")).send())
            .map_err(|e| aws_error(e).into_diag(&format!("updating {WORKSPACE_WHAT} alias ({id})")))?;
        wait_workspace(aws, &id, "update", &["UPDATING"], &["ACTIVE"])?;
    }
    let (had, wanted) = (log_group_of(prior), log_group_of(planned));
    if had != wanted {
        set_logging(aws, &id, had.as_deref(), wanted.as_deref())?;
    }
    update_tags(aws, &str_attr(prior, "arn").unwrap_or_default(), prior, planned, WORKSPACE_WHAT)?;
    read_workspace(aws, planned)?.ok_or_else(|| gone_after_change(WORKSPACE_WHAT, &id))
}

fn read_workspace(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let what = format!("reading {WORKSPACE_WHAT} ({id})");
    let Some(ws) = describe_workspace(aws, &id).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    let logging_block = workspace_schema().blocks["logging_configuration"].block.clone();
    let logging = describe_logging(aws, &id)
        .map_err(|e| e.into_diag(&format!("{what} logging configuration")))?
        .map(|(arn, _, _)| vec![object(&logging_block, [("log_group_arn", Value::string(arn.as_str()))])])
        .unwrap_or_default();
    // An endpoint that does not echo the key (moto) keeps the one the
    // workspace was made with: AWS cannot change it afterwards.
    let kms = match ws.kms_key_arn() {
        Some(k) => Value::string(k),
        None => attr(current, "kms_key_arn"),
    };
    let (tags, tags_all) = read_tags(aws, current, ws.tags());
    let block = workspace_schema();
    Ok(Some(object(
        &block,
        [
            ("alias", ws.alias().map_or(Value::null(Type::String), Value::string)),
            ("arn", Value::string(ws.arn())),
            ("id", Value::string(ws.workspace_id())),
            ("kms_key_arn", kms),
            ("logging_configuration", Value::list(logging_block.implied_type(), logging)),
            ("prometheus_endpoint", ws.prometheus_endpoint().map_or(Value::null(Type::String), Value::string)),
            ("tags", tags),
            ("tags_all", tags_all),
        ],
    )))
}

fn delete_workspace(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = crate::id_of(prior);
    aws.log_call("aps:DeleteWorkspace");
    match aws.block(aws.amp.delete_workspace().workspace_id(&id).send()).map_err(aws_error) {
        Err(e) if not_found(&e) => return Ok(()),
        Err(e) => return Err(e.into_diag(&format!("deleting {WORKSPACE_WHAT} ({id})"))),
        Ok(_) => {}
    }
    wait_workspace(aws, &id, "delete", &["DELETING"], &[])
}

fn list_workspaces(aws: &Aws, alias: Option<&str>) -> Result<Vec<aws_sdk_amp::types::WorkspaceSummary>, AwsError> {
    let mut all = Vec::new();
    let mut next = None;
    loop {
        aws.log_call("aps:ListWorkspaces");
        let out = aws
            .block(aws.amp.list_workspaces().set_alias(alias.map(str::to_string)).set_next_token(next).send())
            .map_err(aws_error)?;
        all.extend(out.workspaces().iter().cloned());
        next = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if next.is_none() {
            return Ok(all);
        }
    }
}

fn find_workspace(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = format!("finding {WORKSPACE_WHAT}");
    let alias = nonempty(planned, "alias");
    let all = list_workspaces(aws, alias.as_deref()).map_err(|e| e.into_diag(&what))?;
    let carries = |w: &aws_sdk_amp::types::WorkspaceSummary| {
        let pairs: Vec<(String, String)> =
            w.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
        tags::carry_token(&pairs, token)
    };
    let Some(found) = all.iter().find(|w| carries(w)) else { return Ok(None) };
    read_workspace(aws, &with_attr(planned, "id", Value::string(found.workspace_id())))
}

// --- aws_prometheus_rule_group_namespace ---

/// The workspace ID and namespace name an ARN
/// (`arn:…:rulegroupsnamespace/<workspace>/<name>`) names.
fn parse_rules_arn(arn: &str) -> Result<(String, String), ProviderDiagnostic> {
    let resource = arn.splitn(6, ':').nth(5).filter(|_| arn_problem(arn).is_none());
    let parts: Vec<&str> = resource.map(|r| r.split('/').collect()).unwrap_or_default();
    match parts.as_slice() {
        ["rulegroupsnamespace", ws, name] if !ws.is_empty() && !name.is_empty() => {
            Ok((ws.to_string(), name.to_string()))
        }
        _ => Err(ProviderDiagnostic::error(
            format!("Invalid {RULES_WHAT} ID"),
            format!(
                "unexpected format for ID ({arn}), expected the namespace's ARN, arn:aws:aps:REGION:ACCOUNT:rulegroupsnamespace/${{WorkspaceId}}/${{Namespace}}"
            ),
        )),
    }
}

fn describe_rules(
    aws: &Aws,
    workspace: &str,
    name: &str,
) -> Result<Option<aws_sdk_amp::types::RuleGroupsNamespaceDescription>, AwsError> {
    aws.log_call("aps:DescribeRuleGroupsNamespace");
    match aws
        .block(aws.amp.describe_rule_groups_namespace().workspace_id(workspace).name(name).send())
        .map_err(aws_error)
    {
        Ok(out) => Ok(out.rule_groups_namespace().cloned()),
        Err(e) if not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn wait_rules(aws: &Aws, arn: &str, doing: &str, pending: &[&str], target: &[&str]) -> Result<(), ProviderDiagnostic> {
    let (workspace, name) = parse_rules_arn(arn)?;
    wait_for(aws, &format!("{RULES_WHAT} ({arn}) {doing}"), pending, target, || {
        Ok(describe_rules(aws, &workspace, &name)?.map(|n| {
            n.status()
                .map(|s| (s.status_code().as_str().to_string(), s.status_reason().unwrap_or_default().to_string()))
                .unwrap_or_default()
        }))
    })
}

fn create_rules(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let workspace = str_attr(planned, "workspace_id").unwrap_or_default();
    let name = str_attr(planned, "name").unwrap_or_default();
    let data = str_attr(planned, "data").unwrap_or_default();
    aws.log_call("aps:CreateRuleGroupsNamespace");
    let out = aws
        .block(
            aws.amp
                .create_rule_groups_namespace()
                .workspace_id(&workspace)
                .name(&name)
                .data(Blob::new(data.into_bytes()))
                .set_tags(tags_to_send(planned))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&format!("creating {RULES_WHAT} ({name}) for Workspace ({workspace})")))?;
    let arn = out.arn().to_string();
    wait_rules(aws, &arn, "create", &["CREATING"], &["ACTIVE"])?;
    read_rules(aws, &with_attr(planned, "id", Value::string(arn.as_str())))?
        .ok_or_else(|| gone_after_change(RULES_WHAT, &arn))
}

fn update_rules(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let arn = crate::id_of(prior);
    if str_attr(prior, "data") != str_attr(planned, "data") {
        let (workspace, name) = parse_rules_arn(&arn)?;
        aws.log_call("aps:PutRuleGroupsNamespace");
        aws.block(
            aws.amp
                .put_rule_groups_namespace()
                .workspace_id(workspace)
                .name(name)
                .data(Blob::new(str_attr(planned, "data").unwrap_or_default().into_bytes()))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&format!("updating {RULES_WHAT} ({arn})")))?;
        wait_rules(aws, &arn, "update", &["UPDATING"], &["ACTIVE"])?;
    }
    update_tags(aws, &arn, prior, planned, RULES_WHAT)?;
    read_rules(aws, planned)?.ok_or_else(|| gone_after_change(RULES_WHAT, &arn))
}

fn read_rules(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let arn = crate::id_of(current);
    let (workspace, name) = parse_rules_arn(&arn)?;
    let Some(ns) =
        describe_rules(aws, &workspace, &name).map_err(|e| e.into_diag(&format!("reading {RULES_WHAT} ({arn})")))?
    else {
        return Ok(None);
    };
    let data = String::from_utf8_lossy(ns.data().as_ref()).into_owned();
    let (tags, tags_all) = read_tags(aws, current, ns.tags());
    Ok(Some(object(
        &rules_schema(),
        [
            ("arn", Value::string(ns.arn())),
            ("data", Value::string(data.as_str())),
            ("id", Value::string(arn.as_str())),
            ("name", Value::string(ns.name())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("workspace_id", Value::string(workspace.as_str())),
        ],
    )))
}

fn delete_rules(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let arn = crate::id_of(prior);
    let (workspace, name) = parse_rules_arn(&arn)?;
    aws.log_call("aps:DeleteRuleGroupsNamespace");
    match aws.block(aws.amp.delete_rule_groups_namespace().workspace_id(workspace).name(name).send()).map_err(aws_error)
    {
        Err(e) if not_found(&e) => return Ok(()),
        Err(e) => return Err(e.into_diag(&format!("deleting {RULES_WHAT} ({arn})"))),
        Ok(_) => {}
    }
    wait_rules(aws, &arn, "delete", &["DELETING"], &[])
}

fn find_rules(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (Some(workspace), Some(name)) = (nonempty(planned, "workspace_id"), nonempty(planned, "name")) else {
        return Ok(None);
    };
    let found = describe_rules(aws, &workspace, &name)
        .map_err(|e| e.into_diag(&format!("finding {RULES_WHAT} ({name}) in Workspace ({workspace})")))?;
    let Some(ns) = found else { return Ok(None) };
    let pairs: Vec<(String, String)> =
        ns.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
    if !tags::carry_token(&pairs, token) {
        return Ok(None);
    }
    read_rules(aws, &with_attr(planned, "id", Value::string(ns.arn())))
}

// --- aws_prometheus_alert_manager_definition ---

/// An SDK error of the definition calls: a bare 404 (no AWS error in it)
/// means the endpoint has no such API (moto 5.2.5 has none), which is said
/// so rather than taken for "no definition".
fn alerts_error<E, R>(call: &str, e: aws_sdk_amp::error::SdkError<E, R>) -> AwsError
where
    E: aws_sdk_amp::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + HttpStatus,
{
    let bare_404 = e.raw_response().is_some_and(|r| r.status_code() == 404)
        && e.as_service_error().and_then(|s| s.code()).is_none_or(|c| c == "UnknownError" || c == "NotFound");
    if bare_404 {
        return AwsError {
            code: "NotImplemented".into(),
            message: format!(
                "the endpoint answered {call} with a bare 404: it does not implement the Alert Manager Definition API"
            ),
        };
    }
    aws_error(e)
}

/// The HTTP status of a raw response, for [`alerts_error`].
trait HttpStatus {
    fn status_code(&self) -> u16;
}

impl HttpStatus for aws_sdk_amp::config::http::HttpResponse {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

fn describe_alerts(
    aws: &Aws,
    workspace: &str,
) -> Result<Option<aws_sdk_amp::types::AlertManagerDefinitionDescription>, AwsError> {
    aws.log_call("aps:DescribeAlertManagerDefinition");
    match aws
        .block(aws.amp.describe_alert_manager_definition().workspace_id(workspace).send())
        .map_err(|e| alerts_error("DescribeAlertManagerDefinition", e))
    {
        Ok(out) => Ok(out.alert_manager_definition().cloned()),
        Err(e) if not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn wait_alerts(aws: &Aws, id: &str, doing: &str, pending: &[&str], target: &[&str]) -> Result<(), ProviderDiagnostic> {
    wait_for(aws, &format!("{ALERTS_WHAT} ({id}) {doing}"), pending, target, || {
        Ok(describe_alerts(aws, id)?.map(|d| {
            d.status()
                .map(|s| (s.status_code().as_str().to_string(), s.status_reason().unwrap_or_default().to_string()))
                .unwrap_or_default()
        }))
    })
}

fn create_alerts(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let workspace = str_attr(planned, "workspace_id").unwrap_or_default();
    let data = str_attr(planned, "definition").unwrap_or_default();
    aws.log_call("aps:CreateAlertManagerDefinition");
    aws.block(
        aws.amp.create_alert_manager_definition().workspace_id(&workspace).data(Blob::new(data.into_bytes())).send(),
    )
    .map_err(|e| {
        alerts_error("CreateAlertManagerDefinition", e).into_diag(&format!("creating {ALERTS_WHAT} ({workspace})"))
    })?;
    wait_alerts(aws, &workspace, "create", &["CREATING"], &["ACTIVE"])?;
    read_alerts(aws, &with_attr(planned, "id", Value::string(workspace.as_str())))?
        .ok_or_else(|| gone_after_change(ALERTS_WHAT, &workspace))
}

fn update_alerts(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(planned);
    let data = str_attr(planned, "definition").unwrap_or_default();
    aws.log_call("aps:PutAlertManagerDefinition");
    aws.block(aws.amp.put_alert_manager_definition().workspace_id(&id).data(Blob::new(data.into_bytes())).send())
        .map_err(|e| {
            alerts_error("PutAlertManagerDefinition", e).into_diag(&format!("updating {ALERTS_WHAT} ({id})"))
        })?;
    wait_alerts(aws, &id, "update", &["UPDATING"], &["ACTIVE"])?;
    read_alerts(aws, planned)?.ok_or_else(|| gone_after_change(ALERTS_WHAT, &id))
}

fn read_alerts(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let Some(def) = describe_alerts(aws, &id).map_err(|e| e.into_diag(&format!("reading {ALERTS_WHAT} ({id})")))?
    else {
        return Ok(None);
    };
    let data = String::from_utf8_lossy(def.data().as_ref()).into_owned();
    Ok(Some(object(
        &alerts_schema(),
        [
            ("definition", Value::string(data.as_str())),
            ("id", Value::string(id.as_str())),
            ("workspace_id", Value::string(id.as_str())),
        ],
    )))
}

fn delete_alerts(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = crate::id_of(prior);
    aws.log_call("aps:DeleteAlertManagerDefinition");
    match aws
        .block(aws.amp.delete_alert_manager_definition().workspace_id(&id).send())
        .map_err(|e| alerts_error("DeleteAlertManagerDefinition", e))
    {
        Err(e) if not_found(&e) => return Ok(()),
        Err(e) => return Err(e.into_diag(&format!("deleting {ALERTS_WHAT} ({id})"))),
        Ok(_) => {}
    }
    wait_alerts(aws, &id, "delete", &["DELETING"], &[])
}

/// The definition of the planned workspace, when it is the planned one
/// (an interrupted create made it; any other is not ours to adopt).
fn find_alerts(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let Some(workspace) = nonempty(planned, "workspace_id") else { return Ok(None) };
    let stub = with_attr(planned, "id", Value::string(workspace.as_str()));
    let found = read_alerts(aws, &stub)?;
    Ok(found.filter(|v| str_attr(v, "definition") == str_attr(planned, "definition")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Value {
        Value::object(pairs.iter().map(|(k, v)| (k.to_string(), Value::string(*v))).collect())
    }

    fn messages(diags: &[ProviderDiagnostic]) -> Vec<String> {
        diags.iter().map(|d| d.detail.clone()).collect()
    }

    #[test]
    fn arns_are_checked_as_the_provider_does() {
        let cases = [
            ("arn:aws:kms:eu-central-2:123456789012:key/abc", None),
            ("key/abc", Some("arn: invalid prefix")),
            ("arn:aws:kms", Some("arn: not enough sections")),
            ("arn::kms:r:a:key/x", Some("arn: missing partition")),
            ("arn:aws::r:a:key/x", Some("arn: missing service")),
            ("arn:aws:kms:r:a:", Some("arn: missing resource")),
        ];
        for (arn, want) in cases {
            assert_eq!(arn_problem(arn), want, "{arn}");
        }
        let diags = validate_workspace(&config(&[("kms_key_arn", "key/abc")]));
        assert_eq!(messages(&diags), vec!["\"kms_key_arn\" (key/abc) is an invalid ARN: arn: invalid prefix"]);
    }

    #[test]
    fn a_rule_group_namespace_arn_names_its_workspace_and_name() {
        let (ws, name) = parse_rules_arn("arn:aws:aps:eu-central-2:123456789012:rulegroupsnamespace/ws-1/slo").unwrap();
        assert_eq!((ws.as_str(), name.as_str()), ("ws-1", "slo"));
        for bad in ["ws-1/slo", "arn:aws:aps:r:a:workspace/ws-1", "arn:aws:aps:r:a:rulegroupsnamespace/ws-1/"] {
            let e = parse_rules_arn(bad).unwrap_err();
            assert!(e.detail.contains("expected the namespace's ARN"), "{bad}: {}", e.detail);
        }
    }

    #[test]
    fn a_definition_must_hold_the_alertmanager_config_text() {
        let cases: [(&str, &[&str]); 7] = [
            // amtool's problems, at their line in the definition when the
            // configuration is a block scalar, else at their line in it.
            (
                "alertmanager_config: |\n  route:\n    receiver: team\n  receivers:\n    - name: default\n",
                &["definition, line 3, column 15: alertmanager_config: undefined receiver \"team\" used in route"],
            ),
            (
                "alertmanager_config: \"route:\\n  receiver: team\\nreceivers:\\n  - name: d\\n\"\n",
                &["definition: alertmanager_config, line 2, column 13: undefined receiver \"team\" used in route"],
            ),
            ("alertmanager_config: |\n  route:\n    receiver: default\n  receivers:\n    - name: default\n", &[]),
            ("template_files:\n  a.tmpl: x\n", &["definition, line 1, column 1: alertmanager_config is missing"]),
            ("- a\n", &["definition, line 1, column 1: expected a mapping with alertmanager_config, got !!seq"]),
            (
                "alertmanager_config:\n  route: {}\n",
                &["definition, line 2, column 3: alertmanager_config: expected the configuration as text, got !!map"],
            ),
            (
                "alertmanager_config: |\n  route:\n    receiver: d\n  receivers:\n    - name: d\ntemplate_files:\n  a.tmpl: [1]\nextra: 1\n",
                &[
                    "definition, line 7, column 11: template_files.a.tmpl: expected the template's text, got !!seq",
                    "definition, line 8, column 1: unknown key \"extra\": a definition has alertmanager_config and template_files",
                ],
            ),
        ];
        for (definition, want) in cases {
            let mut got = messages(&definition_problems(definition));
            got.sort();
            assert_eq!(got, want.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{definition}");
        }
    }

    #[test]
    fn rule_file_problems_name_their_line() {
        let cases: [(&str, &[&str]); 3] = [
            ("groups:\n  - name: a\n    rules:\n      - record: b\n        expr: sum(x)\n", &[]),
            (
                "groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: rate(x[5m]\n",
                &["data, line 5, column 15: group \"a\", rule 1: could not parse expression: unclosed left parenthesis"],
            ),
            ("groups:\n  - name: a\n    rules: [\n", &["data, line 4, column 1: "]),
        ];
        for (data, want) in cases {
            let got = messages(&rule_file_problems(data));
            assert_eq!(got.len(), want.len(), "{data}: {got:?}");
            for (got, want) in got.iter().zip(want) {
                assert!(got.starts_with(want), "{data}: {got}");
            }
        }
    }

    #[test]
    fn removing_an_alias_replaces_the_workspace_and_changing_it_does_not() {
        let plan = |prior: &[(&str, &str)], planned: Value| Amp.plan(WORKSPACE, &planned, &planned, &config(prior)).1;
        let alias = vec![vec![PathStep::Attr("alias".into())]];
        assert_eq!(plan(&[("alias", "a")], with_attr(&config(&[]), "alias", Value::null(Type::String))), alias);
        assert_eq!(plan(&[("alias", "a")], config(&[("alias", "")])), alias);
        assert!(plan(&[("alias", "a")], config(&[("alias", "b")])).is_empty());
        assert!(plan(&[], config(&[("alias", "b")])).is_empty());
    }
}
