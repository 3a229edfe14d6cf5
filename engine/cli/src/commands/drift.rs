//! `strata drift`: for scheduled jobs. A refresh-only plan that writes
//! nothing and reports, per object, what changed outside Strata (each
//! attribute, recorded vs. actual) and what was deleted. Exit code 0 in
//! sync, 2 drift, 1 error; `-json` for machines, `-markdown` for an issue or
//! a chat message. Secrets are never printed.
//!
//! `-unmanaged` also asks each provider configuration to list every object
//! of the managed resource types it serves (the types of the configuration
//! and the state) and reports those whose id no state instance of that type
//! has; they count as drift. Types a provider cannot list are named in a
//! warning.
//!
//! The `-json` report:
//!
//! ```text
//! { "format_version": "1.0",
//!   "drift": bool,
//!   "summary": { "checked": n, "changed": n, "deleted": n, "unmanaged": n },
//!   "resources": [ { "address", "module_address", "mode", "type", "name",
//!                    "change": "changed" | "deleted",
//!                    "attributes": [ { "path", "recorded", "actual", "sensitive" } ] } ],
//!   "unmanaged": [ { "type", "id", "name", "provider" } ] }
//! ```
//!
//! `summary.unmanaged` and `unmanaged` are there only with `-unmanaged`;
//! `name` is the object's `Name` tag or null, `provider` the provider
//! configuration address that listed it.

use super::apply::walk;
use super::prepare;
use crate::args::{LockArgs, VarArgs};
use crate::output::Ui;
use crate::workdir::WorkDir;
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use strata_core::{Drift, EvalMode, Operation, ResourceEngine, VarArg};
use strata_lang::{Kind, Value};

pub struct DriftArgs {
    pub json: bool,
    pub markdown: bool,
    pub unmanaged: bool,
}

/// A value as a report shows it, collections on one line (`[…]`,
/// `{ k = v }`) so that each changed attribute is one line; anything
/// holding a secret is hidden whole.
fn show(v: &Value) -> String {
    if v.marks_deep().contains(strata_lang::Marks::SENSITIVE) {
        return "(sensitive value)".to_string();
    }
    let mut out = String::new();
    one_line(v, &mut out);
    out
}

/// A key that reads as a name (`tags.Team`, `{ Team = … }`); others are
/// quoted.
fn plain_key(k: &str) -> bool {
    !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn one_line(v: &Value, out: &mut String) {
    if v.is_unknown() || v.is_null() {
        out.push_str(&crate::plan_view::show(v));
        return;
    }
    if let Some(items) = v.as_seq() {
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            one_line(item, out);
        }
        out.push(']');
    } else if let Some(fields) = v.as_entries() {
        if fields.is_empty() {
            out.push_str("{}");
            return;
        }
        out.push_str("{ ");
        for (i, (k, item)) in fields.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&if plain_key(k) { k.clone() } else { serde_json::to_string(k).unwrap_or_default() });
            out.push_str(" = ");
            one_line(item, out);
        }
        out.push_str(" }");
    } else {
        out.push_str(&crate::plan_view::show(v));
    }
}

/// An object that exists where a provider configuration looks but in no state.
struct Unmanaged {
    type_name: String,
    id: String,
    /// Its `Name` tag.
    name: Option<String>,
    /// The provider configuration address that listed it.
    provider: String,
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
    let unmanaged = args.unmanaged.then(|| list_unmanaged(&engine, prior.as_ref(), &mut diags));
    if diags.has_errors() {
        ui.print_diagnostics(&diags);
        return 1;
    }
    ui.print_diagnostics(&diags);
    let unmanaged = unmanaged.as_deref();
    if args.json {
        println!("{}", serde_json::to_string(&json_report(&drift, checked, unmanaged)).expect("serializes"));
    } else if args.markdown {
        print!("{}", markdown_report(&drift, checked, unmanaged));
    } else {
        print!("{}", human_report(&drift, checked, unmanaged, ui));
    }
    if drift.is_empty() && unmanaged.is_none_or(<[Unmanaged]>::is_empty) {
        0
    } else {
        2
    }
}

/// Lists, per provider configuration, the objects of every managed type it
/// serves and keeps those no state instance of that type has. Types no
/// provider can list are named in a warning.
fn list_unmanaged(
    engine: &ResourceEngine,
    state: Option<&strata_state::StateFile>,
    diags: &mut strata_diag::Diagnostics,
) -> Vec<Unmanaged> {
    let mut types_by_provider = engine.managed_types();
    let mut managed_ids: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for r in state.iter().flat_map(|s| &s.resources).filter(|r| r.mode == "managed") {
        types_by_provider.entry(r.provider.clone()).or_default().insert(r.type_name.clone());
        let ids = managed_ids.entry(r.type_name.as_str()).or_default();
        ids.extend(r.instances.iter().filter_map(|i| i.attributes.get("id")?.as_str().map(String::from)));
    }
    let mut unlisted = BTreeSet::new();
    let mut out = Vec::new();
    for (provider_addr, types) in &types_by_provider {
        let Some(provider) = engine.configured_provider(provider_addr) else {
            unlisted.extend(types.iter().cloned());
            continue;
        };
        for type_name in types {
            let resp = provider.list_resources(strata_provider::ListResourcesRequest { type_name });
            for d in resp.diagnostics {
                let base = if d.error {
                    strata_diag::Diagnostic::error(d.summary)
                } else {
                    strata_diag::Diagnostic::warning(d.summary)
                };
                diags.push(base.with_detail(d.detail));
            }
            let Some(objects) = resp.objects else {
                unlisted.insert(type_name.clone());
                continue;
            };
            let known = managed_ids.get(type_name.as_str());
            out.extend(objects.into_iter().filter(|o| !known.is_some_and(|ids| ids.contains(&o.id))).map(|o| {
                Unmanaged {
                    type_name: type_name.clone(),
                    name: o.tags.get("Name").cloned(),
                    id: o.id,
                    provider: provider_addr.clone(),
                }
            }));
        }
    }
    if !unlisted.is_empty() {
        let names: Vec<String> = unlisted.into_iter().collect();
        diags.push(strata_diag::Diagnostic::warning("Unmanaged objects not listed").with_detail(format!(
            "The providers cannot list objects of these types, so objects of them that exist outside any state are not reported: {}.",
            names.join(", ")
        )));
    }
    out.sort_by(|a, b| (&a.type_name, &a.id, &a.provider).cmp(&(&b.type_name, &b.id, &b.provider)));
    out
}

/// How a report names an unmanaged object: `aws_vpc vpc-1 (Name: web)`.
fn unmanaged_label(u: &Unmanaged) -> String {
    match &u.name {
        Some(name) => format!("{} {} (Name: {name})", u.type_name, u.id),
        None => format!("{} {}", u.type_name, u.id),
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
                    let step = if map || !plain_key(k) {
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
            let sets = matches!(recorded.kind(), Kind::Set(..)) || matches!(actual.kind(), Kind::Set(..));
            if !sets && !recorded.is_null() && !actual.is_null() {
                // Element by element; an element only one side has (a
                // nested block added or removed) is one line of its own.
                let null = Value::dynamic_null();
                for i in 0..rl.len().max(al.len()) {
                    diff(rl.get(i).unwrap_or(&null), al.get(i).unwrap_or(&null), format!("{path}[{i}]"), out);
                }
                return;
            }
        }
    }
    out.push(Changed { path, recorded: recorded.clone(), actual: actual.clone() });
}

/// Changed and deleted counts and the report's first line; `unmanaged`
/// is `None` without `-unmanaged`.
fn summary(drift: &[Drift], checked: usize, unmanaged: Option<&[Unmanaged]>) -> (usize, usize, String) {
    let gone = drift.iter().filter(|d| deleted(d)).count();
    let changed = drift.len() - gone;
    let text = match unmanaged {
        _ if !in_drift(drift, unmanaged) => {
            let none_outside = if unmanaged.is_some() { " No unmanaged objects were found." } else { "" };
            format!("No drift: the {checked} object(s) in the state match the real infrastructure.{none_outside}")
        }
        Some(u) => format!(
            "Drift detected: {changed} changed, {gone} deleted outside Strata (of {checked} object(s) in the state), {} unmanaged.",
            u.len()
        ),
        None => format!(
            "Drift detected: {changed} changed, {gone} deleted outside Strata (of {checked} object(s) in the state)."
        ),
    };
    (changed, gone, text)
}

fn in_drift(drift: &[Drift], unmanaged: Option<&[Unmanaged]>) -> bool {
    !drift.is_empty() || unmanaged.is_some_and(|u| !u.is_empty())
}

fn human_report(drift: &[Drift], checked: usize, unmanaged: Option<&[Unmanaged]>, ui: Ui) -> String {
    let (_, _, text) = summary(drift, checked, unmanaged);
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
    for u in unmanaged.unwrap_or_default() {
        out.push_str(&format!("\n  # {} exists outside any state\n", unmanaged_label(u)));
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

fn json_report(drift: &[Drift], checked: usize, unmanaged: Option<&[Unmanaged]>) -> Json {
    let (changed, gone, _) = summary(drift, checked, unmanaged);
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
    let mut report = json!({
        "format_version": "1.0",
        "drift": in_drift(drift, unmanaged),
        "summary": { "checked": checked, "changed": changed, "deleted": gone },
        "resources": resources,
    });
    if let Some(unmanaged) = unmanaged {
        report["summary"]["unmanaged"] = unmanaged.len().into();
        report["unmanaged"] = unmanaged
            .iter()
            .map(|u| json!({ "type": u.type_name, "id": u.id, "name": u.name, "provider": u.provider }))
            .collect();
    }
    report
}

/// Markdown table cells: code spans without line breaks or pipes.
fn cell(text: &str) -> String {
    let flat = text.replace('\n', " ").replace('|', "\\|");
    let ticks = if flat.contains('`') { "``" } else { "`" };
    format!("{ticks}{flat}{ticks}")
}

fn markdown_report(drift: &[Drift], checked: usize, unmanaged: Option<&[Unmanaged]>) -> String {
    let (_, _, text) = summary(drift, checked, unmanaged);
    if !in_drift(drift, unmanaged) {
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
    for u in unmanaged.unwrap_or_default() {
        out.push_str(&format!("| {} | unmanaged | | | |\n", cell(&unmanaged_label(u))));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_lang::Type;

    fn object(fields: &[(&str, Value)]) -> Value {
        Value::object(fields.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn lines(recorded: &Value, actual: &Value) -> Vec<String> {
        let mut out = Vec::new();
        diff(recorded, actual, String::new(), &mut out);
        out.iter().map(|c| format!("{}: {} -> {}", c.path, show(&c.recorded), show(&c.actual))).collect()
    }

    #[test]
    fn a_removed_nested_block_is_one_line_with_its_content() {
        let on_failure = object(&[("destination_arn", Value::string("arn:aws:sqs:us-east-1:1:dlq"))]);
        let block = object(&[("on_failure", Value::list(on_failure.ty(), vec![on_failure.clone()]))]);
        let recorded = object(&[
            ("batch_size", Value::int(10)),
            ("destination_config", Value::list(block.ty(), vec![block.clone()])),
        ]);
        let actual = object(&[("batch_size", Value::int(10)), ("destination_config", Value::list(block.ty(), vec![]))]);
        assert_eq!(
            lines(&recorded, &actual),
            ["destination_config[0]: { on_failure = [{ destination_arn = \"arn:aws:sqs:us-east-1:1:dlq\" }] } -> null"]
        );
        assert_eq!(
            lines(&actual, &recorded),
            ["destination_config[0]: null -> { on_failure = [{ destination_arn = \"arn:aws:sqs:us-east-1:1:dlq\" }] }"]
        );
    }

    #[test]
    fn sets_maps_and_secrets_on_one_line() {
        let set = |items: &[&str]| Value::set(Type::String, items.iter().map(|s| Value::string(*s)).collect());
        assert_eq!(
            lines(&object(&[("ids", set(&["a", "b"]))]), &object(&[("ids", set(&["a"]))])),
            ["ids: [\"a\", \"b\"] -> [\"a\"]"]
        );
        let secret = object(&[("password", Value::string("hunter2").mark_sensitive())]);
        let other = object(&[("password", Value::string("swordfish").mark_sensitive())]);
        assert_eq!(lines(&secret, &other), ["password: (sensitive value) -> (sensitive value)"]);
        let tags = |v: &str| {
            object(&[("tags", Value::map(Type::String, [("Cost Center".to_string(), Value::string(v))].into()))])
        };
        assert_eq!(lines(&tags("a"), &tags("b")), ["tags[\"Cost Center\"]: \"a\" -> \"b\""]);
        let empty = object(&[("tags", Value::map(Type::String, Default::default()))]);
        assert_eq!(lines(&empty, &tags("b")), ["tags[\"Cost Center\"]: null -> \"b\""]);
    }
}
