//! `strata drift`: for scheduled jobs. A refresh-only plan that writes
//! nothing and reports, per object, what changed outside Strata (each
//! attribute, recorded vs. actual) and what was deleted. Exit code 0 in
//! sync, 2 drift, 1 error; `-json` for machines, `-markdown` for an issue or
//! a chat message. Secrets are never printed.

use super::apply::walk;
use super::prepare;
use crate::args::{LockArgs, VarArgs};
use crate::output::Ui;
use crate::workdir::WorkDir;
use serde_json::{json, Value as Json};
use std::path::Path;
use strata_core::{Drift, EvalMode, Operation, ResourceEngine, VarArg};
use strata_lang::{Kind, Value};

pub struct DriftArgs {
    pub json: bool,
    pub markdown: bool,
    pub unmanaged: bool,
}

/// A value as a report shows it; anything holding a secret is hidden whole.
fn show(v: &Value) -> String {
    if v.marks_deep().contains(strata_lang::Marks::SENSITIVE) {
        "(sensitive value)".to_string()
    } else {
        crate::plan_view::show(v)
    }
}

/// One attribute that differs: its path, and both values as shown.
struct Changed {
    path: String,
    recorded: Value,
    actual: Value,
}

#[allow(clippy::too_many_arguments)]
pub fn run(
    workdir: &WorkDir,
    vars: &VarArgs,
    var_args: &[VarArg],
    lock: &LockArgs,
    state: Option<&Path>,
    args: &DriftArgs,
    ui: Ui,
) -> u8 {
    let Some(prepared) = prepare(workdir, EvalMode::Apply, vars, var_args, true, ui) else { return 1 };
    let store = match workdir.state_store(state) {
        Ok(s) => s,
        Err(d) => {
            ui.print_diagnostics(&d.into());
            return 1;
        }
    };
    // Read-only: no lock, so a scheduled check never blocks an apply.
    let prior = match store.read() {
        Ok(s) => s,
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    let mut move_diags = strata_diag::Diagnostics::new();
    let mut moved_state =
        prior.clone().unwrap_or_else(|| strata_state::StateFile::new(strata_config::TERRAFORM_COMPAT_VERSION));
    let moves = strata_core::moves::apply_moves(&prepared.tree, &mut moved_state, &mut move_diags);
    let prior = prior.map(|_| moved_state);
    let checked = prior
        .as_ref()
        .map_or(0, |p| p.resources.iter().filter(|r| r.mode == "managed").map(|r| r.instances.len()).sum::<usize>());
    let registry = crate::providers::registry();
    let engine = ResourceEngine::new(Operation::Plan, &registry, &prepared.tree.module, prior.as_ref())
        .with_refresh_only(true)
        .with_parallelism(lock.parallelism.unwrap_or(10))
        .with_moves(moves);
    let (_, mut diags) = walk(&prepared, &engine);
    diags.extend(move_diags);
    if diags.has_errors() {
        ui.print_diagnostics(&diags);
        return 1;
    }
    let mut drift = engine.drift();
    drift.sort_by(|a, b| a.addr.cmp(&b.addr));
    if args.unmanaged {
        diags.push(strata_diag::Diagnostic::warning("Unmanaged objects not listed").with_detail(
            "None of the providers this configuration uses can list the objects of a type yet, so objects that exist outside any state are not reported.",
        ));
    }
    ui.print_diagnostics(&diags);
    if args.json {
        println!("{}", serde_json::to_string(&json_report(&drift, checked)).expect("serializes"));
    } else if args.markdown {
        print!("{}", markdown_report(&drift, checked));
    } else {
        print!("{}", human_report(&drift, checked, ui));
    }
    if drift.is_empty() {
        0
    } else {
        2
    }
}

fn deleted(d: &Drift) -> bool {
    d.after.is_null()
}

/// Every leaf that differs between the recorded and the actual object.
fn changed_attributes(d: &Drift) -> Vec<Changed> {
    let mut out = Vec::new();
    diff(&d.before, &d.after, String::new(), &mut out);
    out
}

fn diff(recorded: &Value, actual: &Value, path: String, out: &mut Vec<Changed>) {
    let (r, a) = (recorded.unmark_deep().0, actual.unmark_deep().0);
    if r.raw_equal(&a) && recorded.is_sensitive() == actual.is_sensitive() {
        return;
    }
    let secret = recorded.is_sensitive() || actual.is_sensitive();
    if !secret {
        if let (Some(rm), Some(am)) = (recorded.as_entries(), actual.as_entries()) {
            if !recorded.is_null() && !actual.is_null() {
                let mut keys: Vec<&String> = rm.keys().chain(am.keys()).collect();
                keys.sort();
                keys.dedup();
                let null = Value::dynamic_null();
                let map = matches!(recorded.kind(), Kind::Map(..)) || matches!(actual.kind(), Kind::Map(..));
                for k in keys {
                    let step = if map || !k.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
                        format!("{path}[{}]", serde_json::to_string(k).unwrap_or_default())
                    } else if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    diff(rm.get(k).unwrap_or(&null), am.get(k).unwrap_or(&null), step, out);
                }
                return;
            }
        }
        if let (Some(rl), Some(al)) = (recorded.as_seq(), actual.as_seq()) {
            if rl.len() == al.len() && !matches!(recorded.kind(), Kind::Set(..)) {
                for (i, (x, y)) in rl.iter().zip(al).enumerate() {
                    diff(x, y, format!("{path}[{i}]"), out);
                }
                return;
            }
        }
    }
    out.push(Changed { path, recorded: recorded.clone(), actual: actual.clone() });
}

fn summary(drift: &[Drift], checked: usize) -> (usize, usize, String) {
    let gone = drift.iter().filter(|d| deleted(d)).count();
    let changed = drift.len() - gone;
    let text = if drift.is_empty() {
        format!("No drift: the {checked} object(s) in the state match the real infrastructure.")
    } else {
        format!(
            "Drift detected: {changed} changed, {gone} deleted outside Strata (of {checked} object(s) in the state)."
        )
    };
    (changed, gone, text)
}

fn human_report(drift: &[Drift], checked: usize, ui: Ui) -> String {
    let (_, _, text) = summary(drift, checked);
    let mut out = format!("{}\n", ui.bold(&text));
    for d in drift {
        if deleted(d) {
            out.push_str(&format!("\n  # {} has been deleted\n", d.addr));
            continue;
        }
        out.push_str(&format!("\n  # {} has changed\n", d.addr));
        for c in changed_attributes(d) {
            out.push_str(&format!("      ~ {}: {} -> {}\n", c.path, show(&c.recorded), show(&c.actual)));
        }
    }
    out
}

/// A value for machines: JSON, or null with `sensitive: true`.
fn json_value(v: &Value) -> Json {
    if v.is_sensitive() || v.marks_deep().contains(strata_lang::Marks::SENSITIVE) {
        Json::Null
    } else {
        strata_lang::json::to_json(&v.unmark_deep().0)
    }
}

fn json_report(drift: &[Drift], checked: usize) -> Json {
    let (changed, gone, _) = summary(drift, checked);
    let resources: Vec<Json> = drift
        .iter()
        .map(|d| {
            let r = &d.addr.resource;
            let mut o = json!({
                "address": d.addr.to_string(),
                "module_address": (!r.module.is_root()).then(|| r.module.to_string()),
                "mode": if r.mode == strata_addrs::ResourceMode::Data { "data" } else { "managed" },
                "type": r.type_name,
                "name": r.name,
                "change": if deleted(d) { "deleted" } else { "changed" },
            });
            if !deleted(d) {
                o["attributes"] = Json::Array(
                    changed_attributes(d)
                        .iter()
                        .map(|c| {
                            let secret = [&c.recorded, &c.actual]
                                .iter()
                                .any(|v| v.marks_deep().contains(strata_lang::Marks::SENSITIVE));
                            json!({
                                "path": c.path,
                                "recorded": json_value(&c.recorded),
                                "actual": json_value(&c.actual),
                                "sensitive": secret,
                            })
                        })
                        .collect(),
                );
            }
            o
        })
        .collect();
    json!({
        "format_version": "1.0",
        "drift": !drift.is_empty(),
        "summary": { "checked": checked, "changed": changed, "deleted": gone },
        "resources": resources,
    })
}

/// Markdown table cells: code spans without line breaks or pipes.
fn cell(text: &str) -> String {
    let flat = text.replace('\n', " ").replace('|', "\\|");
    let ticks = if flat.contains('`') { "``" } else { "`" };
    format!("{ticks}{flat}{ticks}")
}

fn markdown_report(drift: &[Drift], checked: usize) -> String {
    let (_, _, text) = summary(drift, checked);
    if drift.is_empty() {
        return format!("✅ {text}\n");
    }
    let mut out =
        format!("### ⚠️ {text}\n\n| Object | Change | Attribute | Recorded | Actual |\n|---|---|---|---|---|\n");
    for d in drift {
        if deleted(d) {
            out.push_str(&format!("| {} | deleted | | | |\n", cell(&d.addr.to_string())));
            continue;
        }
        for c in changed_attributes(d) {
            out.push_str(&format!(
                "| {} | changed | {} | {} | {} |\n",
                cell(&d.addr.to_string()),
                cell(&c.path),
                cell(&show(&c.recorded)),
                cell(&show(&c.actual))
            ));
        }
    }
    out
}
