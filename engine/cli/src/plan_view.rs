//! The human plan: Terraform's conventions (`+`, `~`, `-/+`, `-`,
//! `(known after apply)`, `(sensitive value)`, `# forces replacement`).

use crate::output::Ui;
use crate::value_diff::Mode;
use strata_core::{Action, PlannedChange};
use strata_lang::render::console;
use strata_lang::{Kind, Value};

pub struct Counts {
    pub import: usize,
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
}

pub fn counts(changes: &[PlannedChange]) -> Counts {
    let mut c = Counts { import: 0, add: 0, change: 0, destroy: 0 };
    for ch in changes {
        if ch.importing.is_some() {
            c.import += 1;
        }
        match ch.action {
            Action::Create => c.add += 1,
            Action::Update => c.change += 1,
            Action::Replace | Action::CreateThenDelete => {
                c.add += 1;
                c.destroy += 1
            }
            Action::Delete => c.destroy += 1,
            Action::NoOp | Action::Read | Action::Forget => {}
        }
    }
    c
}

/// The resource part of a plan; empty when nothing changes. A plan that
/// `errored` part-way shows what was planned under Terraform's heading for
/// that case.
pub fn render_plan(changes: &[PlannedChange], errored: bool, ui: Ui) -> String {
    let shown: Vec<&PlannedChange> = changes.iter().filter(|c| c.shown()).collect();
    if shown.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\nStrata used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:\n",
    );
    let mut legend: Vec<(&str, &str)> = Vec::new();
    for (a, sym, text) in [
        (Action::Create, "+", "create"),
        (Action::Update, "~", "update in-place"),
        (Action::Delete, "-", "destroy"),
        (Action::Replace, "-/+", "destroy and then create replacement"),
        (Action::CreateThenDelete, "+/-", "create replacement and then destroy"),
        (Action::Read, "<=", "read (data resources)"),
    ] {
        if shown.iter().any(|c| c.action == a) {
            legend.push((sym, text));
        }
    }
    for (sym, text) in legend {
        out.push_str(&format!("{sym:>3} {text}\n"));
    }
    out.push_str(if errored {
        "\nStrata planned the following actions, but then encountered a problem:\n"
    } else {
        "\nStrata will perform the following actions:\n"
    });
    for c in shown {
        out.push('\n');
        out.push_str(&render_change(c, ui));
    }
    let n = counts(changes);
    let imports = if n.import > 0 { format!("{} to import, ", n.import) } else { String::new() };
    out.push_str(&format!(
        "\n{} {imports}{} to add, {} to change, {} to destroy.\n",
        ui.bold("Plan:"),
        n.add,
        n.change,
        n.destroy
    ));
    out
}

/// Terraform's note on a deposed object's change.
const LEFT_OVER: &str = "(left over from a partially-failed replacement of this instance)";

fn header(c: &PlannedChange) -> String {
    let addr = match &c.deposed {
        Some(key) => format!("{} (deposed object {key})", c.addr),
        None => c.addr.to_string(),
    };
    if c.action == Action::Forget {
        let what = match c.deposed {
            Some(_) => format!("will be removed from Strata state, but will not be destroyed\n # {LEFT_OVER}"),
            None => "will no longer be managed by Strata, but will not be destroyed".to_string(),
        };
        return format!(" # {addr} {what}\n # (destroy = false is set in the configuration)\n");
    }
    if let (Action::NoOp, Some(from)) = (c.action, &c.moved_from) {
        return format!("  # {from} has moved to {}\n", c.addr);
    }
    if let (Action::NoOp, Some(_)) = (c.action, &c.importing) {
        return format!("  # {} will be imported\n", c.addr);
    }
    let what = match c.action {
        Action::Create => "will be created".to_string(),
        Action::Update => "will be updated in-place".to_string(),
        Action::Replace if c.reason == Some("replace_because_tainted") => "is tainted, so must be replaced".to_string(),
        Action::Replace | Action::CreateThenDelete if c.reason == Some("replace_by_request") => {
            "will be replaced, as requested".to_string()
        }
        Action::Replace | Action::CreateThenDelete => "must be replaced".to_string(),
        Action::Delete => "will be destroyed".to_string(),
        Action::Read => "will be read during apply".to_string(),
        Action::NoOp => "has no changes".to_string(),
        Action::Forget => unreachable!("handled above"),
    };
    let mut h = format!("  # {addr} {what}\n");
    match c.reason {
        Some("delete_because_no_resource_config") => {
            h.push_str(&format!("  # (because {} is not in configuration)\n", c.addr.resource.local()))
        }
        Some("read_because_config_unknown") => h.push_str("  # (config refers to values not yet known)\n"),
        Some("read_because_dependency_pending") => {
            h.push_str("  # (depends on a resource or a module with changes pending)\n")
        }
        Some("read_because_check_nested") => h.push_str("  # (config will be reloaded to verify a check block)\n"),
        Some("delete_because_no_module") => {
            h.push_str(&format!("  # (because {} is not in configuration)\n", c.addr.resource.module))
        }
        Some("delete_because_count_index") => {
            h.push_str(&format!("  # (because index {} is out of range for count)\n", c.addr.key))
        }
        Some("delete_because_each_key") => {
            h.push_str(&format!("  # (because key {} is not in for_each map)\n", c.addr.key))
        }
        Some("delete_because_wrong_repetition") => h.push_str(match c.addr.key {
            strata_addrs::InstanceKey::None => "  # (because resource uses count or for_each)\n",
            strata_addrs::InstanceKey::Int(_) => "  # (because resource does not use count)\n",
            strata_addrs::InstanceKey::Str(_) => "  # (because resource does not use for_each)\n",
        }),
        _ => {}
    }
    if c.action == Action::Delete && c.deposed.is_some() {
        h.push_str(&format!("  # {LEFT_OVER}\n"));
    }
    if let Some(from) = &c.moved_from {
        h.push_str(&format!("  # (moved from {from})\n"));
    }
    if let Some(id) = &c.importing {
        h.push_str(&format!("  # (imported from {id:?})\n"));
    }
    h
}

/// The "Objects have changed outside of Strata" section; empty without drift.
/// As Terraform (since 1.2) does, a normal plan shows only the drift its
/// changes depend on (`relevant`, Terraform's `relevant_attributes`) and
/// nothing when it changes nothing; a refresh-only plan shows all of it.
pub fn render_drift(
    drift: &[strata_core::Drift],
    relevant: &[serde_json::Value],
    refresh_only: bool,
    plan_has_changes: bool,
    ui: Ui,
) -> String {
    if !refresh_only && !plan_has_changes {
        return String::new();
    }
    let drift: Vec<strata_core::Drift> = drift
        .iter()
        .filter_map(|d| {
            if refresh_only {
                return Some(d.clone());
            }
            let address = d.addr.to_string();
            let paths: Vec<&[serde_json::Value]> = relevant
                .iter()
                .filter(|r| r["resource"].as_str().is_none_or(|a| a.is_empty() || a == address))
                .filter_map(|r| r["attribute"].as_array().map(Vec::as_slice))
                .collect();
            if paths.is_empty() {
                return None;
            }
            let after = relevant_drift(&d.before, &d.after, &paths);
            let unchanged = !after.is_null() && after.raw_equal(&d.before);
            (!unchanged).then(|| strata_core::Drift { after, ..d.clone() })
        })
        .collect();
    if drift.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n{}\n\nStrata detected the following changes made outside of Strata since the\nlast \"strata apply\" which may have affected this plan:\n",
        ui.bold("Note: Objects have changed outside of Strata")
    );
    for d in drift {
        let deleted = d.after.is_null();
        let body = render_change(&d.as_change(), ui);
        let first_line_end = body.find('\n').map_or(0, |i| i + 1);
        let what = if deleted { "has been deleted" } else { "has changed" };
        out.push('\n');
        out.push_str(&ui.bold(&format!("  # {} {what}\n", d.addr)));
        out.push_str(&body[first_line_end..]);
    }
    if refresh_only {
        // Terraform ends a refresh-only drift report with this, and no rule.
        out.push_str("\nThis is a refresh-only plan, so Strata will not take any actions to undo\nthese. If you were expecting these changes then you can apply this plan to\nrecord the updated values in the Strata state without changing any remote\nobjects.\n");
    } else {
        out.push_str("\nUnless you have made equivalent changes to your configuration, or ignored the\nrelevant attributes using ignore_changes, the following plan may include\nactions to undo or respond to these changes.\n\n─────────────────────────────────────────────────────────────────────────────\n");
    }
    out
}

/// The drifted object with every change no relevant path reaches undone
/// (after = before there), as Terraform's attribute matcher shows it. A
/// path that ends here makes everything below relevant.
fn relevant_drift(before: &Value, after: &Value, paths: &[&[serde_json::Value]]) -> Value {
    if paths.iter().any(|p| p.is_empty()) || before.is_null() || after.is_null() {
        return after.clone();
    }
    let below = |step: &dyn Fn(&serde_json::Value) -> bool| -> Vec<&[serde_json::Value]> {
        paths.iter().filter(|p| step(&p[0])).map(|p| &p[1..]).collect()
    };
    let null = Value::dynamic_null();
    match (before.kind(), after.kind()) {
        (Kind::Object(b), Kind::Object(a)) => Value::object(
            a.iter()
                .map(|(k, v)| {
                    let sub = below(&|s| s.as_str() == Some(k));
                    let prior = b.get(k).unwrap_or(&null);
                    let v = if sub.is_empty() { prior.clone() } else { relevant_drift(prior, v, &sub) };
                    (k.clone(), v)
                })
                .collect(),
        )
        .mark(after.marks()),
        (Kind::Map(_, b), Kind::Map(ty, a)) => {
            let mut entries = strata_lang::Fields::new();
            // Keys only one side has stay as they were before.
            for (k, v) in b.iter() {
                if below(&|s| s.as_str() == Some(k)).is_empty() || a.contains_key(k) {
                    entries.insert(k.clone(), v.clone());
                }
            }
            for (k, v) in a.iter() {
                let sub = below(&|s| s.as_str() == Some(k));
                if !sub.is_empty() {
                    entries.insert(k.clone(), relevant_drift(b.get(k).unwrap_or(&null), v, &sub));
                }
            }
            Value::map(ty.clone(), entries).mark(after.marks())
        }
        (Kind::List(_, b), Kind::List(ty, a)) if a.len() == b.len() => Value::list(
            ty.clone(),
            a.iter()
                .zip(b.iter())
                .enumerate()
                .map(|(i, (v, prior))| {
                    let sub = below(&|s| s.as_u64() == Some(i as u64) || s.as_str() == Some(&i.to_string()));
                    if sub.is_empty() {
                        prior.clone()
                    } else {
                        relevant_drift(prior, v, &sub)
                    }
                })
                .collect(),
        )
        .mark(after.marks()),
        _ => after.clone(),
    }
}

pub(crate) fn render_change(c: &PlannedChange, ui: Ui) -> String {
    let sym = match c.action {
        Action::Create => "+",
        Action::Update => "~",
        Action::Replace => "-/+",
        Action::CreateThenDelete => "+/-",
        Action::Delete => "-",
        Action::Read => "<=",
        Action::NoOp => " ",
        Action::Forget => ".",
    };
    let mut out = ui.bold(&header(c));
    let kind = if c.addr.resource.mode == strata_addrs::ResourceMode::Data { "data" } else { "resource" };
    // Terraform sets the forget marker one column further left.
    let sym = if c.action == Action::Forget { format!(" {sym}") } else { format!("{sym:>3}") };
    out.push_str(&format!("{sym} {kind} {:?} {:?} {{\n", c.addr.resource.type_name, c.addr.resource.name));
    let mode = match c.action {
        Action::Create | Action::Read => Mode::Create,
        Action::Delete => Mode::Delete,
        _ => Mode::Update,
    };
    // A forgotten object stays as it is: shown unchanged.
    let after = if c.action == Action::Forget { &c.before } else { &c.after };
    let schema = resource_schema(c);
    out.push_str(&crate::value_diff::body(&c.before, after, schema.as_ref(), mode, 6, &c.replace_paths));
    out.push_str("    }\n");
    out
}

/// The schema of a change's resource type, from the provider linked in.
fn resource_schema(c: &PlannedChange) -> Option<strata_provider::Block> {
    thread_local! {
        static SCHEMAS: std::cell::RefCell<std::collections::HashMap<String, Option<std::sync::Arc<strata_provider::ProviderSchema>>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    let fqn = strata_state::ops::provider_fqn(&c.provider)?;
    let source = fqn.trim_start_matches("registry.terraform.io/").trim_start_matches("registry.opentofu.org/");
    let schema = SCHEMAS.with(|cache| {
        cache
            .borrow_mut()
            .entry(source.to_string())
            .or_insert_with(|| crate::providers::registry().get(source).map(|f| f.new_instance().schema()))
            .clone()
    })?;
    let types =
        if c.addr.resource.mode == strata_addrs::ResourceMode::Data { &schema.data_sources } else { &schema.resources };
    types.get(&c.addr.resource.type_name).map(|r| r.block.clone())
}

/// One value in a plan: secrets and unknowns never print.
pub fn show(v: &Value) -> String {
    if v.is_sensitive() {
        return "(sensitive value)".into();
    }
    if v.is_unknown() {
        return "(known after apply)".into();
    }
    match v.kind() {
        Kind::Null(_) => "null".into(),
        _ => console(v),
    }
}

/// A changed multi-line string as a line diff rather than one huge changed
/// string (scripts, YAML); JSON documents open up structurally instead
/// (`json_diff`). `None` when a plain `old -> new` reads better.
pub(crate) fn text_diff(before: &Value, after: &Value) -> Option<String> {
    if before.is_sensitive() || after.is_sensitive() || after.is_unknown() {
        return None;
    }
    let (old, new) = (before.as_str()?, after.as_str()?);
    if !(old.contains('\n') || new.contains('\n')) {
        return None;
    }
    let diff = similar::TextDiff::from_lines(old, new);
    let mut body = String::new();
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Equal => "  ",
            similar::ChangeTag::Delete => "- ",
            similar::ChangeTag::Insert => "+ ",
        };
        body.push_str(&format!("    {sign}{}\n", change.value().trim_end_matches('\n')));
    }
    Some(format!("<<-EOT\n{body}  EOT"))
}

#[cfg(test)]
mod relevant_drift_tests {
    use super::*;
    use std::collections::BTreeMap;

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn tags(x: &str, y: &str) -> Value {
        Value::map(
            strata_lang::Type::String,
            BTreeMap::from([("x".to_string(), Value::string(x)), ("y".to_string(), Value::string(y))]).into(),
        )
    }

    #[test]
    fn only_changes_on_relevant_paths_are_kept() {
        let before = object(&[("a", Value::int(1)), ("b", Value::int(1)), ("tags", tags("1", "1"))]);
        let after = object(&[("a", Value::int(2)), ("b", Value::int(2)), ("tags", tags("2", "2"))]);
        let a = [serde_json::json!("a")];
        let tag_x = [serde_json::json!("tags"), serde_json::json!("x")];
        let shown = relevant_drift(&before, &after, &[&a, &tag_x]);
        let expected = object(&[("a", Value::int(2)), ("b", Value::int(1)), ("tags", tags("2", "1"))]);
        assert!(shown.raw_equal(&expected), "{shown:?}");
        // A path that names the whole object keeps everything.
        assert!(relevant_drift(&before, &after, &[&[]]).raw_equal(&after));
        // Nothing relevant changed: the object shows as unchanged.
        let b = [serde_json::json!("missing")];
        assert!(relevant_drift(&before, &after, &[&b]).raw_equal(&before));
    }
}
