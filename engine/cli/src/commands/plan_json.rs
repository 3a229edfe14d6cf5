//! `strata show -json PLANFILE`: a saved plan in Terraform's plan JSON
//! format 1.2, the shape `terraform show -json PLANFILE` prints and policy
//! tools read (checkov, conftest/OPA, infracost). A view over the saved plan
//! model; `prior_state` and `planned_values` reuse `show_json`'s state
//! representation, `configuration` and `relevant_attributes` were built
//! when planning (`config_json`).
//!
//! One deliberate difference: Terraform writes sensitive values in the
//! clear and only flags them. Strata writes `null` in their place — in
//! `variables`, `before`/`after`, outputs, `prior_state`, `planned_values`
//! and the configuration's constants — and keeps every flag
//! (`before_sensitive`, `after_sensitive`, `sensitive_values`, `sensitive`),
//! so no rendering of a plan holds a secret.

use super::show_json::{self, InstanceObject};
use crate::output::Ui;
use crate::workdir::WorkDir;
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use strata_addrs::{InstanceKey, ResourceInstanceAddr, ResourceMode};
use strata_core::{Action, OutputValue, Plan, PlannedChange};
use strata_diag::Diagnostic;
use strata_lang::{Kind, Value};
use strata_provider::{PathStep, Registry};
use strata_state::StateFile;

/// The version of the plan JSON format.
pub const FORMAT_VERSION: &str = "1.2";

pub fn run(workdir: &WorkDir, path: &Path, ui: Ui) -> u8 {
    let path = workdir.dir.join(path);
    let Some(saved) = super::read_plan(&path, ui) else { return 1 };
    if !saved.has_details() {
        ui.print_diagnostics(
            &Diagnostic::warning("Plan saved by an older Strata")
                .with_detail(format!(
                    "{} is a plan of version {}: it holds the resource changes only, so variables, outputs, drift, the prior state and the configuration are left out. Plan again for the whole document.",
                    path.display(),
                    saved.version
                ))
                .into(),
        );
    }
    let Some(plan) = super::plan_of(&saved, ui) else { return 1 };
    let registry = crate::providers::registry();
    println!("{}", show_json::to_go_json(&plan_document(&plan, &registry)));
    0
}

/// Whether `path` holds a Strata saved plan.
pub fn is_plan_file(path: &Path) -> bool {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Json>(&b).ok())
        .is_some_and(|j| j.get("format").and_then(Json::as_str) == Some(strata_core::plan_file::PLAN_FORMAT))
}

/// The whole plan document.
pub fn plan_document(plan: &Plan, registry: &Registry) -> Json {
    let schemas = super::config_json::Schemas::new(registry);
    let mut changes: Vec<&PlannedChange> = plan.changes.iter().collect();
    changes.sort_by(|a, b| address_order(&a.addr).cmp(&address_order(&b.addr)));
    let mut drift: Vec<PlannedChange> = plan.drift.iter().map(strata_core::Drift::as_change).collect();
    drift.sort_by(|a, b| address_order(&a.addr).cmp(&address_order(&b.addr)));
    let prior = plan.prior_state.as_ref();

    let mut doc = Map::new();
    doc.insert("format_version".into(), FORMAT_VERSION.into());
    doc.insert("terraform_version".into(), strata_config::TERRAFORM_COMPAT_VERSION.into());
    if !plan.variable_values.is_empty() {
        let vars: Map<String, Json> = plan
            .variable_values
            .iter()
            .map(|(k, v)| {
                let value = known_json(v).unwrap_or(Json::Null);
                (k.clone(), serde_json::json!({ "value": value }))
            })
            .collect();
        doc.insert("variables".into(), Json::Object(vars));
    }
    let outputs = output_changes(prior, &plan.outputs, &plan.output_changes, &plan.options.targets);
    doc.insert("planned_values".into(), planned_values(&changes, &plan.outputs, &schemas));
    if !drift.is_empty() {
        doc.insert("resource_drift".into(), Json::Array(drift.iter().map(resource_change).collect()));
    }
    let resource_changes: Vec<Json> = changes
        .iter()
        // Deleting a data source only tidies the state; Terraform does not show it.
        .filter(|c| !(c.addr.resource.mode == ResourceMode::Data && c.action == Action::Delete))
        .map(|c| resource_change(c))
        .collect();
    if !resource_changes.is_empty() {
        doc.insert("resource_changes".into(), Json::Array(resource_changes));
    }
    if !outputs.is_empty() {
        let map: Map<String, Json> = outputs.iter().map(|o| (o.name.clone(), o.json.clone())).collect();
        doc.insert("output_changes".into(), Json::Object(map));
    }
    let imported: Vec<&PlannedChange> = changes.iter().filter(|c| c.importing.is_some()).copied().collect();
    if let Some(state) = prior_state(prior, &drift, &imported, &plan.outputs, registry) {
        doc.insert("prior_state".into(), state);
    }
    if let Some(c) = &plan.configuration {
        doc.insert("configuration".into(), c.clone());
    }
    if !plan.relevant_attributes.is_empty() {
        doc.insert("relevant_attributes".into(), Json::Array(plan.relevant_attributes.clone()));
    }
    if let Some(checks) = show_json::checks_json(&plan.checks) {
        doc.insert("checks".into(), checks);
    }
    doc.insert("timestamp".into(), plan.options.timestamp.clone().into());
    let has_changes = changes.iter().any(|c| c.shown())
        || outputs.iter().any(|o| o.action != "no-op")
        || (plan.options.refresh_only && !drift.is_empty());
    doc.insert("applyable".into(), (!plan.errored && has_changes).into());
    doc.insert("complete".into(), (!plan.errored && plan.options.targets.is_empty()).into());
    doc.insert("errored".into(), plan.errored.into());
    Json::Object(doc)
}

/// Terraform's order of resource instances: module path (shorter first),
/// data sources before managed resources, type, name, key.
pub fn address_order(a: &ResourceInstanceAddr) -> impl Ord + '_ {
    let r = &a.resource;
    (r.module.0.len(), &r.module.0, r.mode != ResourceMode::Data, &r.type_name, &r.name, &a.key)
}

fn key_json(k: &InstanceKey) -> Option<Json> {
    match k {
        InstanceKey::None => None,
        InstanceKey::Int(i) => Some((*i).into()),
        InstanceKey::Str(s) => Some(s.clone().into()),
    }
}

/// The provider's source address from `provider["registry.terraform.io/hashicorp/aws"]`.
fn provider_name(provider: &str) -> String {
    strata_state::ops::provider_fqn(provider).unwrap_or(provider).to_string()
}

fn actions(a: Action) -> Vec<&'static str> {
    match a {
        Action::NoOp => vec!["no-op"],
        Action::Create => vec!["create"],
        Action::Update => vec!["update"],
        Action::Replace => vec!["delete", "create"],
        Action::CreateThenDelete => vec!["create", "delete"],
        Action::Delete => vec!["delete"],
        Action::Read => vec!["read"],
        Action::Forget => vec!["forget"],
    }
}

/// One entry of `resource_changes` or `resource_drift`.
fn resource_change(c: &PlannedChange) -> Json {
    let r = &c.addr.resource;
    let mut m = Map::new();
    m.insert("address".into(), c.addr.to_string().into());
    if let Some(prev) = &c.moved_from {
        m.insert("previous_address".into(), prev.to_string().into());
    }
    if !r.module.is_root() {
        m.insert("module_address".into(), r.module.to_string().into());
    }
    m.insert("mode".into(), if r.mode == ResourceMode::Data { "data" } else { "managed" }.into());
    m.insert("type".into(), r.type_name.clone().into());
    m.insert("name".into(), r.name.clone().into());
    if let Some(k) = key_json(&c.addr.key) {
        m.insert("index".into(), k);
    }
    m.insert("provider_name".into(), provider_name(&c.provider).into());
    if let Some(key) = &c.deposed {
        m.insert("deposed".into(), key.clone().into());
    }
    let after =
        if matches!(c.action, Action::Delete | Action::Forget) { Value::dynamic_null() } else { c.after.clone() };
    let mut change = Map::new();
    change.insert("actions".into(), actions(c.action).into());
    if let Some(b) = known_json(&c.before) {
        change.insert("before".into(), b);
    }
    if after.is_wholly_known() {
        change.insert("after".into(), known_json(&after).unwrap_or(Json::Null));
        change.insert("after_unknown".into(), Json::Object(Map::new()));
    } else {
        if let Some(a) = known_json(&after).filter(|a| !a.is_null()) {
            change.insert("after".into(), a);
        }
        change.insert("after_unknown".into(), unknown_as_bool(&after));
    }
    change.insert("before_sensitive".into(), show_json::sensitive_as_bool(&c.before));
    change.insert("after_sensitive".into(), show_json::sensitive_as_bool(&after));
    let paths: Vec<Json> = c
        .replace_paths
        .iter()
        .map(|p| {
            Json::Array(
                p.iter()
                    .map(|s| match s {
                        PathStep::Attr(a) | PathStep::Key(a) => Json::from(a.clone()),
                        PathStep::Index(i) => Json::from(*i),
                    })
                    .collect(),
            )
        })
        .collect();
    if !paths.is_empty() {
        change.insert("replace_paths".into(), Json::Array(paths));
    }
    if let Some(id) = &c.importing {
        change.insert("importing".into(), serde_json::json!({ "id": id }));
    }
    m.insert("change".into(), Json::Object(change));
    if let Some(reason) = c.reason {
        m.insert("action_reason".into(), reason.into());
    }
    Json::Object(m)
}

/// A value as plan JSON writes it: unknown parts left out of objects and
/// null in sequences, sensitive parts null; `None` when wholly unknown.
pub fn known_json(v: &Value) -> Option<Json> {
    if v.is_sensitive() {
        return (!v.is_unknown()).then_some(Json::Null);
    }
    match v.kind() {
        Kind::Unknown(_) => None,
        Kind::Null(_) | Kind::Bool(_) | Kind::Number(_) | Kind::String(_) => Some(strata_lang::json::to_json(v)),
        Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
            Some(Json::Array(items.iter().map(|x| known_json(x).unwrap_or(Json::Null)).collect()))
        }
        Kind::Map(_, items) | Kind::Object(items) => {
            Some(Json::Object(items.iter().filter_map(|(k, x)| known_json(x).map(|j| (k.clone(), j))).collect()))
        }
    }
}

/// The same as a value, for `show_json`'s state representation: unknown
/// attributes left out, sensitive parts replaced by a (still sensitive)
/// null. Sets become tuples so that redacted elements stay apart.
fn known_redacted(v: &Value) -> Option<Value> {
    if v.is_sensitive() {
        return Some(Value::null(v.ty()).mark_sensitive());
    }
    let marks = v.marks();
    Some(match v.kind() {
        Kind::Unknown(_) => return None,
        Kind::Null(_) | Kind::Bool(_) | Kind::Number(_) | Kind::String(_) => v.clone(),
        Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
            Value::tuple(items.iter().map(|x| known_redacted(x).unwrap_or_else(|| Value::null(x.ty()))).collect())
                .mark(marks)
        }
        Kind::Map(_, items) | Kind::Object(items) => {
            Value::object(items.iter().filter_map(|(k, x)| Some((k.clone(), known_redacted(x)?))).collect()).mark(marks)
        }
    })
}

/// Terraform's `after_unknown`: the value's shape with `true` where it is
/// unknown; objects and maps leave out what is known. A sensitive value is
/// one leaf (its keys are secret too).
fn unknown_as_bool(v: &Value) -> Json {
    if v.is_sensitive() {
        return Json::Bool(!v.is_wholly_known());
    }
    match v.kind() {
        Kind::Unknown(_) => Json::Bool(true),
        Kind::Null(_) | Kind::Bool(_) | Kind::Number(_) | Kind::String(_) => Json::Bool(false),
        Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
            Json::Array(items.iter().map(unknown_as_bool).collect())
        }
        Kind::Map(_, items) | Kind::Object(items) => Json::Object(
            items
                .iter()
                .map(|(k, x)| (k.clone(), unknown_as_bool(x)))
                .filter(|(_, u)| *u != Json::Bool(false))
                .collect(),
        ),
    }
}

/// `planned_values`: every object as it will be after the apply (deleted
/// ones left out), and every root output.
fn planned_values(
    changes: &[&PlannedChange],
    outputs: &BTreeMap<String, OutputValue>,
    schemas: &super::config_json::Schemas,
) -> Json {
    let mut objects = Vec::new();
    let mut planned: HashMap<String, Value> = HashMap::new();
    for c in changes.iter().filter(|c| c.action != Action::Delete) {
        let after = if c.action == Action::Forget { Value::dynamic_null() } else { c.after.clone() };
        let data = c.addr.resource.mode == ResourceMode::Data;
        let provider = provider_name(&c.provider);
        objects.push(InstanceObject {
            addr: c.addr.clone(),
            provider_name: provider.clone(),
            schema_version: schemas.resource(&provider, data, &c.addr.resource.type_name).map_or(0, |(_, v)| v),
            value: known_redacted(&after).unwrap_or_else(Value::dynamic_null),
            depends_on: Vec::new(),
            tainted: false,
            deposed_key: None,
        });
        planned.insert(c.addr.to_string(), after);
    }
    let outputs: Map<String, Json> = outputs
        .iter()
        .map(|(name, o)| {
            let v = &o.value;
            let mut m = Map::new();
            m.insert("sensitive".into(), o.sensitive.into());
            if v.is_wholly_known() {
                m.insert("type".into(), v.ty().to_json());
                let value = if o.sensitive { Json::Null } else { known_json(v).unwrap_or(Json::Null) };
                m.insert("value".into(), value);
            }
            (name.clone(), Json::Object(m))
        })
        .collect();
    let mut values = show_json::values_json(outputs, objects);
    if let Some(root) = values.get_mut("root_module") {
        settle_planned(root, &planned);
    }
    values
}

/// Planned resources sort by address, and their `sensitive_values` come
/// from the whole planned value (unknown attributes included).
fn settle_planned(module: &mut Json, planned: &HashMap<String, Value>) {
    if let Some(Json::Array(resources)) = module.get_mut("resources") {
        resources.sort_by(|a, b| a["address"].as_str().cmp(&b["address"].as_str()));
        for r in resources.iter_mut() {
            let after = r["address"].as_str().and_then(|a| planned.get(a));
            if let (Some(after), Some(m)) = (after, r.as_object_mut()) {
                m.insert("sensitive_values".into(), show_json::sensitive_as_bool(after));
            }
        }
    }
    if let Some(Json::Array(children)) = module.get_mut("child_modules") {
        for c in children {
            settle_planned(c, planned);
        }
    }
}

/// `prior_state`: the state the plan was made against as the plan left it
/// (Terraform's refreshed state: drift applied, and root outputs already
/// known when planning recorded), secrets null; `None` when empty.
fn prior_state(
    prior: Option<&StateFile>,
    drift: &[PlannedChange],
    imported: &[&PlannedChange],
    planned_outputs: &BTreeMap<String, OutputValue>,
    registry: &Registry,
) -> Option<Json> {
    let mut st = prior.cloned().unwrap_or_else(|| StateFile::new(strata_config::TERRAFORM_COMPAT_VERSION));
    for (name, o) in planned_outputs {
        if !o.value.is_wholly_known() || o.value.is_null() {
            continue;
        }
        st.outputs.insert(name.clone(), strata_core::plan::output_state(&o.value, o.sensitive));
    }
    let st = &st;
    if st.outputs.is_empty() && st.resources.is_empty() && imported.is_empty() {
        return None;
    }
    let mut outputs = show_json::state_outputs(st);
    for (name, o) in outputs.iter_mut() {
        if st.outputs.get(name).is_some_and(|s| s.sensitive) {
            if let Some(m) = o.as_object_mut() {
                m.insert("value".into(), Json::Null);
            }
        }
    }
    let mut objects = show_json::state_objects(st, registry);
    // Imported objects are in the state as the plan left it.
    for c in imported {
        if !objects.iter().any(|o| o.addr == c.addr && o.deposed_key.is_none()) {
            let provider = provider_name(&c.provider);
            let data = c.addr.resource.mode == ResourceMode::Data;
            let schema = super::config_json::Schemas::new(registry);
            objects.push(InstanceObject {
                addr: c.addr.clone(),
                provider_name: provider.clone(),
                schema_version: schema.resource(&provider, data, &c.addr.resource.type_name).map_or(0, |(_, v)| v),
                value: c.before.clone(),
                depends_on: Vec::new(),
                tainted: false,
                deposed_key: None,
            });
        }
    }
    for d in drift {
        if let Some(i) = objects.iter().position(|o| o.addr == d.addr && o.deposed_key.is_none()) {
            if d.after.is_null() {
                objects.remove(i);
            } else {
                objects[i].value = d.after.clone();
            }
        }
    }
    for o in &mut objects {
        o.value = known_redacted(&o.value).unwrap_or_else(Value::dynamic_null);
    }
    let mut doc = Map::new();
    doc.insert("format_version".into(), show_json::FORMAT_VERSION.into());
    if !st.terraform_version.is_empty() {
        doc.insert("terraform_version".into(), st.terraform_version.clone().into());
    }
    doc.insert("values".into(), show_json::values_json(outputs, objects));
    if let Some(checks) = show_json::checks_json(&st.check_results) {
        doc.insert("checks".into(), checks);
    }
    Some(Json::Object(doc))
}

/// One root output's change.
pub struct OutputChange {
    pub name: String,
    pub action: &'static str,
    pub json: Json,
}

/// `output_changes`: every root output in the prior state or the plan.
/// `changed`: the plan's own output changes, which decide the actions.
fn output_changes(
    prior: Option<&StateFile>,
    outputs: &BTreeMap<String, OutputValue>,
    changed: &[strata_core::plan::OutputChange],
    targets: &[String],
) -> Vec<OutputChange> {
    let planned: HashMap<&str, (Value, bool)> =
        outputs.iter().map(|(name, o)| (name.as_str(), (o.value.clone(), o.sensitive))).collect();
    let mut names: BTreeSet<&str> = planned.keys().copied().collect();
    if let (Some(st), true) = (prior, targets.is_empty()) {
        // (A targeted plan holds only the outputs it plans.)
        names.extend(st.outputs.keys().map(String::as_str));
    }
    let mut out = Vec::new();
    for name in names {
        let before = prior.and_then(|st| st.outputs.get(name));
        let after = planned.get(name);
        let before_sensitive = before.is_some_and(|b| b.sensitive);
        let after_sensitive = after.is_some_and(|a| a.1 || a.0.is_sensitive());
        let action = match (before, after) {
            (None, None) => continue,
            (None, Some((a, _))) if a.is_null() => "no-op",
            (None, Some(_)) => "create",
            (Some(_), None) => "delete",
            (Some(_), Some(_)) if changed.iter().any(|c| c.name == name) => "update",
            (Some(_), Some(_)) => "no-op",
        };
        let mut m = Map::new();
        m.insert("actions".into(), vec![action].into());
        let before_json = match before {
            Some(b) if !before_sensitive => b.value.clone(),
            _ => Json::Null,
        };
        m.insert("before".into(), before_json);
        match after {
            None => {
                m.insert("after".into(), Json::Null);
                m.insert("after_unknown".into(), false.into());
            }
            Some((a, _)) if a.is_wholly_known() => {
                let j = if after_sensitive { Json::Null } else { known_json(a).unwrap_or(Json::Null) };
                m.insert("after".into(), j);
                m.insert("after_unknown".into(), false.into());
            }
            Some((a, _)) => {
                if let Some(j) = known_json(a).filter(|j| !j.is_null() && !after_sensitive) {
                    m.insert("after".into(), j);
                }
                m.insert("after_unknown".into(), unknown_as_bool(a));
            }
        }
        m.insert("before_sensitive".into(), before_sensitive.into());
        m.insert("after_sensitive".into(), after_sensitive.into());
        out.push(OutputChange { name: name.to_string(), action, json: Json::Object(m) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use strata_lang::Type;

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::object((pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<BTreeMap<_, _>>()).into())
    }

    #[test]
    fn secrets_become_null_and_unknowns_are_left_out() {
        let v = obj(vec![
            ("id", Value::unknown(Type::String)),
            ("pw", Value::string("hunter2").mark_sensitive()),
            ("list", Value::tuple(vec![Value::unknown(Type::Number), Value::int(1)])),
            ("tags", Value::map(Type::String, BTreeMap::from([("k".to_string(), Value::string("v"))]).into())),
        ]);
        assert_eq!(known_json(&v).unwrap(), serde_json::json!({"list": [null, 1], "pw": null, "tags": {"k": "v"}}));
        // Known collections stay, empty, as Terraform writes them.
        assert_eq!(unknown_as_bool(&v), serde_json::json!({"id": true, "list": [true, false], "tags": {}}));
        let redacted = known_redacted(&v).unwrap();
        assert!(!format!("{redacted:?}").contains("hunter2"));
        assert_eq!(
            show_json::sensitive_as_bool(&redacted),
            serde_json::json!({"list": [false, false], "pw": true, "tags": {}})
        );
    }
}
