//! The human plan: Terraform's conventions (`+`, `~`, `-/+`, `-`,
//! `(known after apply)`, `(sensitive value)`, `# forces replacement`).

use crate::output::Ui;
use std::collections::BTreeMap;
use strata_core::{Action, PlannedChange};
use strata_lang::render::console;
use strata_lang::{Kind, Value};
use strata_provider::PathStep;

pub struct Counts {
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
}

pub fn counts(changes: &[PlannedChange]) -> Counts {
    let mut c = Counts { add: 0, change: 0, destroy: 0 };
    for ch in changes {
        match ch.action {
            Action::Create => c.add += 1,
            Action::Update => c.change += 1,
            Action::Replace | Action::CreateThenDelete => {
                c.add += 1;
                c.destroy += 1
            }
            Action::Delete => c.destroy += 1,
            Action::NoOp | Action::Read => {}
        }
    }
    c
}

/// The resource part of a plan; empty when nothing changes.
pub fn render(changes: &[PlannedChange], ui: Ui) -> String {
    let shown: Vec<&PlannedChange> = changes.iter().filter(|c| c.action != Action::NoOp).collect();
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
    out.push_str("\nStrata will perform the following actions:\n");
    for c in shown {
        out.push('\n');
        out.push_str(&render_change(c, ui));
    }
    let n = counts(changes);
    out.push_str(&format!(
        "\n{} {} to add, {} to change, {} to destroy.\n",
        ui.bold("Plan:"),
        n.add,
        n.change,
        n.destroy
    ));
    out
}

fn header(c: &PlannedChange) -> String {
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
    };
    let mut h = format!("  # {} {what}\n", c.addr);
    match c.reason {
        Some("delete_because_no_resource_config") => {
            h.push_str(&format!("  # (because {} is not in configuration)\n", c.addr.resource.local()))
        }
        Some("read_because_config_unknown") => h.push_str("  # (config refers to values not yet known)\n"),
        Some("delete_because_no_module") => {
            h.push_str(&format!("  # (because {} is not in configuration)\n", c.addr.resource.module))
        }
        Some("delete_because_count_index") => h.push_str(&format!(
            "  # (because index {} is out of range for count)\n",
            c.addr.key.to_string().trim_matches(['[', ']'])
        )),
        Some("delete_because_each_key") => h.push_str(&format!(
            "  # (because key {} is not in for_each map)\n",
            c.addr.key.to_string().trim_matches(['[', ']'])
        )),
        _ => {}
    }
    h
}

/// The "Objects have changed outside of Strata" section; empty without drift.
pub fn render_drift(drift: &[strata_core::Drift], ui: Ui) -> String {
    if drift.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n{}\n\nStrata detected the following changes made outside of Strata since the\nlast \"strata apply\" which may have affected this plan:\n",
        ui.bold("Note: Objects have changed outside of Strata")
    );
    for d in drift {
        let deleted = d.after.is_null();
        let change = PlannedChange {
            addr: d.addr.clone(),
            provider: String::new(),
            action: if deleted { Action::Delete } else { Action::Update },
            before: d.before.clone(),
            after: d.after.clone(),
            replace_paths: Vec::new(),
            reason: None,
        };
        let body = render_change(&change, ui);
        let first_line_end = body.find('\n').map_or(0, |i| i + 1);
        let what = if deleted { "has been deleted" } else { "has changed" };
        out.push('\n');
        out.push_str(&ui.bold(&format!("  # {} {what}\n", d.addr)));
        out.push_str(&body[first_line_end..]);
    }
    out.push_str("\nUnless you have made equivalent changes to your configuration, or ignored the\nrelevant attributes using ignore_changes, the following plan may include\nactions to undo or respond to these changes.\n\n─────────────────────────────────────────────────────────────────────────────\n");
    out
}

fn render_change(c: &PlannedChange, ui: Ui) -> String {
    let sym = match c.action {
        Action::Create => "+",
        Action::Update => "~",
        Action::Replace => "-/+",
        Action::CreateThenDelete => "+/-",
        Action::Delete => "-",
        Action::Read => "<=",
        Action::NoOp => " ",
    };
    let mut out = ui.bold(&header(c));
    let kind = if c.addr.resource.mode == strata_addrs::ResourceMode::Data { "data" } else { "resource" };
    out.push_str(&format!("{:>3} {kind} {:?} {:?} {{\n", sym, c.addr.resource.type_name, c.addr.resource.name));
    let empty = BTreeMap::new();
    let before = c.before.as_entries().unwrap_or(&empty);
    let after = c.after.as_entries().unwrap_or(&empty);
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    let mut lines: Vec<(String, String, String)> = Vec::new(); // (symbol, name, rendering)
    let mut hidden = 0;
    let null = Value::dynamic_null();
    for name in names {
        let b = before.get(name).unwrap_or(&null);
        let a = after.get(name).unwrap_or(&null);
        let forces = c.replace_paths.iter().any(|p| p.first() == Some(&PathStep::Attr(name.clone())));
        let suffix = if forces { " # forces replacement" } else { "" };
        match c.action {
            Action::Create | Action::Read if !a.is_null() => lines.push(("+".into(), name.clone(), show(a))),
            Action::Delete if !b.is_null() => lines.push(("-".into(), name.clone(), format!("{} -> null", show(b)))),
            Action::Update | Action::Replace | Action::CreateThenDelete => {
                let same = !a.is_unknown()
                    && a.unmark_deep().0.raw_equal(&b.unmark_deep().0)
                    && a.is_sensitive() == b.is_sensitive();
                if same {
                    if name == "id" || name == "name" {
                        lines.push((" ".into(), name.clone(), show(a)));
                    } else if !a.is_null() {
                        hidden += 1;
                    }
                } else if b.is_null() {
                    lines.push(("+".into(), name.clone(), format!("{}{suffix}", show(a))));
                } else if a.is_null() {
                    lines.push(("-".into(), name.clone(), format!("{} -> null{suffix}", show(b))));
                } else {
                    let text = text_diff(b, a).unwrap_or_else(|| format!("{} -> {}", show(b), show(a)));
                    lines.push(("~".into(), name.clone(), format!("{text}{suffix}")));
                }
            }
            _ => {}
        }
    }
    let width = lines.iter().map(|(_, n, _)| n.len()).max().unwrap_or(0);
    for (sym, name, text) in lines {
        let text = text.replace('\n', "\n        ");
        out.push_str(&format!("      {sym} {name:width$} = {text}\n"));
    }
    if hidden > 0 {
        out.push_str(&format!(
            "        # ({hidden} unchanged attribute{} hidden)\n",
            if hidden == 1 { "" } else { "s" }
        ));
    }
    out.push_str("    }\n");
    out
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

/// A changed multi-line or JSON string as a line diff rather than one huge
/// changed string (IAM policies, task definitions, scripts). `None` when a
/// plain `old -> new` reads better.
fn text_diff(before: &Value, after: &Value) -> Option<String> {
    if before.is_sensitive() || after.is_sensitive() || after.is_unknown() {
        return None;
    }
    let (b, a) = (before.as_str()?, after.as_str()?);
    let as_json = |s: &str| -> Option<String> {
        let t = s.trim_start();
        if !(t.starts_with('{') || t.starts_with('[')) {
            return None;
        }
        let v: serde_json::Value = serde_json::from_str(s).ok()?;
        Some(pretty_sorted(&v))
    };
    let (old, new, wrap) = match (as_json(b), as_json(a)) {
        (Some(x), Some(y)) => (x, y, true),
        _ if b.contains('\n') || a.contains('\n') => (b.to_string(), a.to_string(), false),
        _ => return None,
    };
    let diff = similar::TextDiff::from_lines(&old, &new);
    let mut body = String::new();
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Equal => "  ",
            similar::ChangeTag::Delete => "- ",
            similar::ChangeTag::Insert => "+ ",
        };
        body.push_str(&format!("    {sign}{}\n", change.value().trim_end_matches('\n')));
    }
    Some(if wrap { format!("jsonencode(\n{body}  )") } else { format!("<<-EOT\n{body}  EOT") })
}

/// JSON with sorted keys and two-space indentation, for stable diffs.
fn pretty_sorted(v: &serde_json::Value) -> String {
    fn sort(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => {
                let sorted: std::collections::BTreeMap<&String, serde_json::Value> =
                    m.iter().map(|(k, x)| (k, sort(x))).collect();
                serde_json::Value::Object(sorted.into_iter().map(|(k, x)| (k.clone(), x)).collect())
            }
            serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string_pretty(&sort(v)).unwrap_or_default()
}
