//! Terraform's machine-readable UI (`plan -json`): one JSON object per line
//! — `version`, `resource_drift`, `planned_change`, `change_summary`,
//! `outputs`, `diagnostic` — in the envelope Terraform uses (`@level`,
//! `@message`, `@module`, `@timestamp`, `type`), so tools that read
//! Terraform's stream read Strata's.

use serde_json::{json, Map, Value as Json};
use strata_addrs::ResourceInstanceAddr;
use strata_core::{Action, PlannedChange};
use strata_diag::{Diagnostic, Severity};

#[allow(clippy::print_stdout)]
fn emit(level: &str, message: &str, kind: &str, fields: Map<String, Json>) {
    let mut line = Map::new();
    line.insert("@level".into(), level.into());
    line.insert("@message".into(), message.into());
    // Terraform's module name: existing consumers filter on it.
    line.insert("@module".into(), "terraform.ui".into());
    line.insert("@timestamp".into(), strata_state::now_rfc3339().into());
    line.extend(fields);
    line.insert("type".into(), kind.into());
    println!("{}", Json::Object(line));
}

fn fields(pairs: Vec<(&str, Json)>) -> Map<String, Json> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// One line of another command's stream (`strata test`'s `test_file`,
/// `test_run`, ...): `fields` beside the envelope.
pub fn event(level: &str, message: &str, kind: &str, fields_: Vec<(&str, Json)>) {
    emit(level, message, kind, fields(fields_));
}

pub fn version() {
    emit(
        "info",
        &format!("Strata {}", env!("CARGO_PKG_VERSION")),
        "version",
        fields(vec![
            ("terraform", strata_config::TERRAFORM_COMPAT_VERSION.into()),
            ("strata", env!("CARGO_PKG_VERSION").into()),
            ("ui", "1.2".into()),
        ]),
    );
}

pub fn diagnostic(d: &Diagnostic) {
    let (level, word) = match d.severity {
        Severity::Error => ("error", "Error"),
        Severity::Warning => ("warn", "Warning"),
    };
    emit(level, &format!("{word}: {}", d.summary), "diagnostic", fields(vec![("diagnostic", d.to_json())]));
}

fn resource(addr: &ResourceInstanceAddr) -> Json {
    let r = &addr.resource;
    let key = match &addr.key {
        strata_addrs::InstanceKey::None => Json::Null,
        strata_addrs::InstanceKey::Int(i) => (*i).into(),
        strata_addrs::InstanceKey::Str(s) => s.clone().into(),
    };
    let local = format!("{}{}", r.local(), addr.key);
    json!({
        "addr": addr.to_string(),
        "module": if r.module.is_root() { String::new() } else { r.module.to_string() },
        "resource": local,
        "implied_provider": r.type_name.split('_').next().unwrap_or_default(),
        "resource_type": r.type_name,
        "resource_name": r.name,
        "resource_key": key,
    })
}

fn action_word(c: &PlannedChange) -> &'static str {
    match c.action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Replace | Action::CreateThenDelete => "replace",
        Action::Delete => "delete",
        Action::Read => "read",
        Action::Forget => "remove",
        Action::NoOp if c.moved_from.is_some() => "move",
        Action::NoOp if c.importing.is_some() => "import",
        Action::NoOp => "noop",
    }
}

/// Terraform's words for why an action was chosen.
fn reason(c: &PlannedChange) -> Option<&'static str> {
    Some(match c.reason? {
        "replace_because_tainted" => "tainted",
        "replace_because_cannot_update" => "cannot_update",
        "replace_by_request" => "requested",
        "replace_by_triggers" => "replace_by_triggers",
        "delete_because_no_resource_config" => "delete_because_no_resource_config",
        "delete_because_no_module" => "delete_because_no_module",
        "delete_because_count_index" => "delete_because_count_index",
        "delete_because_each_key" => "delete_because_each_key",
        "delete_because_wrong_repetition" => "delete_because_wrong_repetition",
        "read_because_config_unknown" => "read_because_config_unknown",
        "read_because_dependency_pending" => "read_because_dependency_pending",
        "read_because_check_nested" => "read_because_check_nested",
        _ => return None,
    })
}

fn change(c: &PlannedChange) -> Json {
    let mut o = fields(vec![("resource", resource(&c.addr)), ("action", action_word(c).into())]);
    if let Some(from) = &c.moved_from {
        o.insert("previous_resource".into(), resource(from));
    }
    if let Some(r) = reason(c) {
        o.insert("reason".into(), r.into());
    }
    if let Some(id) = &c.importing {
        o.insert("importing".into(), json!({ "id": id }));
    }
    Json::Object(o)
}

fn verb(c: &PlannedChange) -> &'static str {
    match action_word(c) {
        "create" => "Plan to create",
        "update" => "Plan to update",
        "replace" => "Plan to replace",
        "delete" => "Plan to delete",
        "read" => "Plan to read",
        "remove" => "Plan to forget",
        "move" => "Plan to move",
        "import" => "Plan to import",
        _ => "No changes",
    }
}

pub fn drift(addr: &ResourceInstanceAddr, deleted: bool) {
    let action = if deleted { "delete" } else { "update" };
    emit(
        "info",
        &format!("{addr}: Drift detected ({action})"),
        "resource_drift",
        fields(vec![("change", json!({ "resource": resource(addr), "action": action }))]),
    );
}

/// `refresh_start` / `refresh_complete` around a planned read.
pub fn refresh(addr: &ResourceInstanceAddr, object: Option<&(String, String)>, done: bool) {
    let id = object.map(|(k, v)| format!(" [{k}={v}]")).unwrap_or_default();
    let (message, kind) = if done {
        (format!("{addr}: Refresh complete{id}"), "refresh_complete")
    } else {
        (format!("{addr}: Refreshing state...{id}"), "refresh_start")
    };
    let mut hook = fields(vec![("resource", resource(addr))]);
    if let Some((k, v)) = object {
        hook.insert("id_key".into(), k.clone().into());
        hook.insert("id_value".into(), v.clone().into());
    }
    emit("info", &message, kind, fields(vec![("hook", Json::Object(hook))]));
}

pub fn planned_change(c: &PlannedChange) {
    emit("info", &format!("{}: {}", c.addr, verb(c)), "planned_change", fields(vec![("change", change(c))]));
}

pub fn change_summary(import: usize, add: usize, change: usize, remove: usize) {
    let imports = if import > 0 { format!("{import} to import, ") } else { String::new() };
    emit(
        "info",
        &format!("Plan: {imports}{add} to add, {change} to change, {remove} to destroy."),
        "change_summary",
        fields(vec![(
            "changes",
            json!({ "add": add, "change": change, "import": import, "remove": remove, "operation": "plan" }),
        )]),
    );
}

/// `outputs`: every output with its action (`create`, `update`, `delete`,
/// `noop`) and whether it is sensitive; never its value.
pub fn outputs(entries: &[(String, bool, &str)]) {
    if entries.is_empty() {
        return;
    }
    let map: Map<String, Json> = entries
        .iter()
        .map(|(name, sensitive, action)| (name.clone(), json!({ "sensitive": sensitive, "action": action })))
        .collect();
    emit("info", &format!("Outputs: {}", entries.len()), "outputs", fields(vec![("outputs", Json::Object(map))]));
}
