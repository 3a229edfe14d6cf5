//! The OpenSearch types whose object is one JSON `body`, with the paths
//! they live at, how a GET answer holds them, and the shape checks the
//! plugins make (from OpenSearch's documentation: ISM policies
//! <https://opensearch.org/docs/latest/im-plugin/ism/policies/>, index and
//! component templates <https://opensearch.org/docs/latest/im-plugin/index-templates/>,
//! snapshot management <https://opensearch.org/docs/latest/tuning-your-cluster/availability-and-recovery/snapshots/sm-api/>).

use crate::connection::Settings;
use crate::document::{segment, DocumentType};
use crate::normalize::Kind;
use serde_json::Value as Json;
use strata_provider::ProviderDiagnostic;

pub const ISM_POLICY: DocumentType = DocumentType {
    type_name: "opensearch_ism_policy",
    name_attr: "policy_id",
    kind: Kind::IsmPolicy,
    path: ism_policy_path,
    create_method: "PUT",
    versioned: true,
    id_suffix: "",
    extract: |answer, _| answer.get("policy").map(|p| serde_json::json!({ "policy": p })),
    check: check_ism_policy,
};

pub const COMPOSABLE_TEMPLATE: DocumentType = DocumentType {
    type_name: "opensearch_composable_index_template",
    name_attr: "name",
    kind: Kind::IndexTemplate,
    path: |_, name| Ok(format!("/_index_template/{}", segment(name))),
    create_method: "PUT",
    versioned: false,
    id_suffix: "",
    extract: |answer, name| named_entry(answer, "index_templates", "index_template", name),
    check: check_index_template,
};

pub const COMPONENT_TEMPLATE: DocumentType = DocumentType {
    type_name: "opensearch_component_template",
    name_attr: "name",
    kind: Kind::ComponentTemplate,
    path: |_, name| Ok(format!("/_component_template/{}", segment(name))),
    create_method: "PUT",
    versioned: false,
    id_suffix: "",
    extract: |answer, name| named_entry(answer, "component_templates", "component_template", name),
    check: check_component_template,
};

/// opensearch-project/opensearch's `opensearch_index_template` is, on
/// OpenSearch after 1.0, the composable `_index_template` API too (its
/// resource_opensearch_index_template.go), so existing configurations and
/// states keep working.
pub const INDEX_TEMPLATE: DocumentType = DocumentType { type_name: "opensearch_index_template", ..COMPOSABLE_TEMPLATE };

/// Legacy templates (`_template`), which opensearch-project/opensearch no
/// longer reaches on OpenSearch 2.x; Strata's own name.
pub const LEGACY_TEMPLATE: DocumentType = DocumentType {
    type_name: "opensearch_legacy_index_template",
    name_attr: "name",
    kind: Kind::LegacyTemplate,
    path: |_, name| Ok(format!("/_template/{}", segment(name))),
    create_method: "PUT",
    versioned: false,
    id_suffix: "",
    extract: |answer, name| answer.get(name).cloned(),
    check: check_legacy_template,
};

pub const SM_POLICY: DocumentType = DocumentType {
    type_name: "opensearch_sm_policy",
    name_attr: "policy_name",
    kind: Kind::SmPolicy,
    // Snapshot management has no Open Distro route.
    path: |_, name| Ok(format!("/_plugins/_sm/policies/{}", segment(name))),
    create_method: "POST",
    versioned: true,
    id_suffix: "-sm-policy",
    extract: |answer, _| answer.get("sm_policy").cloned(),
    check: check_sm_policy,
};

pub fn ism_policy_path(s: &Settings, id: &str) -> Result<String, ProviderDiagnostic> {
    Ok(format!("/{}/_ism/policies/{}", s.server()?.plugins_prefix(), segment(id)))
}

/// `{"index_templates": [{"name": n, "index_template": {...}}]}`.
fn named_entry(answer: &Json, list: &str, field: &str, name: &str) -> Option<Json> {
    answer[list].as_array()?.iter().find(|e| e["name"] == name).map(|e| e[field].clone())
}

/// The actions ISM knows (<https://opensearch.org/docs/latest/im-plugin/ism/policies/#actions>),
/// and those Amazon OpenSearch Service adds for its UltraWarm and cold tiers
/// (<https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ism.html>).
const ISM_ACTIONS: &[&str] = &[
    "force_merge",
    "read_only",
    "read_write",
    "replica_count",
    "shrink",
    "close",
    "open",
    "delete",
    "rollover",
    "notification",
    "snapshot",
    "index_priority",
    "allocation",
    "rollup",
    "transform",
    "alias",
    "convert_index_to_remote",
    "stop_replication",
    "search_only",
    "warm_migration",
    "cold_migration",
    "cold_delete",
];

/// What the ISM plugin refuses when a policy is put.
pub fn check_ism_policy(doc: &Json) -> Vec<String> {
    let mut out = Vec::new();
    let Some(p) = doc.get("policy").and_then(Json::as_object) else {
        return vec!["an ISM policy body is {\"policy\": {...}}".into()];
    };
    let states: Vec<&Json> = p.get("states").and_then(Json::as_array).map(|s| s.iter().collect()).unwrap_or_default();
    if states.is_empty() {
        out.push("policy.states: a policy has at least one state".into());
    }
    let names: Vec<&str> = states.iter().filter_map(|s| s["name"].as_str()).collect();
    match p.get("default_state").and_then(Json::as_str) {
        None => out.push("policy.default_state is required".into()),
        Some(d) if !states.is_empty() && !names.contains(&d) => {
            out.push(format!("policy.default_state {d:?} is not one of the states ({})", names.join(", ")))
        }
        _ => {}
    }
    for (i, state) in states.iter().enumerate() {
        let Some(name) = state["name"].as_str() else {
            out.push(format!("policy.states[{i}].name is required"));
            continue;
        };
        if names.iter().filter(|n| **n == name).count() > 1 && names.iter().position(|n| *n == name) == Some(i) {
            out.push(format!("policy.states: the state name {name:?} is used more than once"));
        }
        for (j, action) in state["actions"].as_array().into_iter().flatten().enumerate() {
            let Some(a) = action.as_object() else {
                out.push(format!("policy.states[{i}].actions[{j}] is an object"));
                continue;
            };
            let kinds: Vec<&String> =
                a.keys().filter(|k| !matches!(k.as_str(), "retry" | "timeout" | "custom")).collect();
            match kinds.as_slice() {
                // A plugin's action: {"custom": {"<type>": {...}}}.
                [] if a.get("custom").and_then(Json::as_object).is_some_and(|c| c.len() == 1) => {}
                [k] if ISM_ACTIONS.contains(&k.as_str()) => {}
                [k] => out.push(format!("policy.states[{i}].actions[{j}]: {k:?} is not an ISM action")),
                _ => out.push(format!("policy.states[{i}].actions[{j}] names exactly one action")),
            }
        }
        for (j, t) in state["transitions"].as_array().into_iter().flatten().enumerate() {
            match t["state_name"].as_str() {
                None => out.push(format!("policy.states[{i}].transitions[{j}].state_name is required")),
                Some(to) if !names.contains(&to) => out.push(format!(
                    "policy.states[{i}].transitions[{j}]: the state {to:?} does not exist in this policy"
                )),
                _ => {}
            }
        }
    }
    let templates: Vec<&Json> = match p.get("ism_template") {
        Some(Json::Array(t)) => t.iter().collect(),
        Some(t) => vec![t],
        None => Vec::new(),
    };
    for (i, t) in templates.iter().enumerate() {
        let patterns = match &t["index_patterns"] {
            Json::Array(p) => p.len(),
            Json::String(_) => 1,
            _ => 0,
        };
        if patterns == 0 {
            out.push(format!("policy.ism_template[{i}].index_patterns is required"));
        }
    }
    out
}

fn check_patterns(doc: &Json, out: &mut Vec<String>) {
    match doc.get("index_patterns") {
        Some(Json::Array(p)) if !p.is_empty() && p.iter().all(Json::is_string) => {}
        Some(Json::String(_)) => {}
        _ => out.push("index_patterns is a non-empty list of patterns".into()),
    }
}

fn check_template_block(t: Option<&Json>, out: &mut Vec<String>) {
    let Some(t) = t else { return };
    let Some(t) = t.as_object() else {
        out.push("template is an object".into());
        return;
    };
    for key in t.keys() {
        // Elasticsearch's templates also carry a data stream lifecycle.
        if !matches!(key.as_str(), "settings" | "mappings" | "aliases" | "lifecycle" | "data_stream_options") {
            out.push(format!("template.{key}: a template holds settings, mappings and aliases"));
        }
    }
    for key in ["settings", "mappings", "aliases"] {
        if t.get(key).is_some_and(|v| !v.is_object()) {
            out.push(format!("template.{key} is an object"));
        }
    }
}

pub fn check_index_template(doc: &Json) -> Vec<String> {
    let mut out = Vec::new();
    check_patterns(doc, &mut out);
    if doc.get("priority").is_some_and(|p| p.as_u64().is_none()) {
        out.push("priority is a whole number of 0 or more".into());
    }
    if doc.get("composed_of").is_some_and(|c| !c.as_array().is_some_and(|a| a.iter().all(Json::is_string))) {
        out.push("composed_of is a list of component template names".into());
    }
    check_template_block(doc.get("template"), &mut out);
    out
}

pub fn check_component_template(doc: &Json) -> Vec<String> {
    let mut out = Vec::new();
    match doc.get("template") {
        None => out.push("a component template body has a template".into()),
        t => check_template_block(t, &mut out),
    }
    out
}

pub fn check_legacy_template(doc: &Json) -> Vec<String> {
    let mut out = Vec::new();
    check_patterns(doc, &mut out);
    if doc.get("order").is_some_and(|o| o.as_i64().is_none()) {
        out.push("order is a whole number".into());
    }
    out
}

pub fn check_sm_policy(doc: &Json) -> Vec<String> {
    let mut out = Vec::new();
    if doc.get("policy").is_some() {
        out.push("a snapshot management body is the policy itself (creation, deletion, snapshot_config), not {\"policy\": ...}".into());
        return out;
    }
    // Since index-management #1452 a policy may only create or only delete.
    if doc.get("creation").is_none() && doc.get("deletion").is_none() {
        out.push("a snapshot management policy has creation, deletion or both".into());
    }
    if let Some(c) = doc.get("creation") {
        match c["schedule"]["cron"]["expression"].as_str() {
            Some(cron) if cron.split_whitespace().count() == 5 => {}
            Some(cron) => out.push(format!("creation.schedule.cron.expression {cron:?} is a 5-field cron expression")),
            None => out.push("creation.schedule.cron.expression is required".into()),
        }
    }
    if doc["snapshot_config"]["repository"].as_str().is_none() {
        out.push("snapshot_config.repository is required".into());
    }
    if let Some(d) = doc.get("deletion") {
        if d["schedule"].is_object() && d["schedule"]["cron"]["expression"].as_str().is_none() {
            out.push("deletion.schedule.cron.expression is required when deletion has a schedule".into());
        }
        let c = &d["condition"];
        if let (Some(min), Some(max)) = (c["min_count"].as_u64(), c["max_count"].as_u64()) {
            if min > max {
                out.push(format!("deletion.condition.min_count ({min}) is more than max_count ({max})"));
            }
        }
        if c.is_object() && c.get("max_count").is_none() && c.get("max_age").is_none() {
            out.push("deletion.condition has max_count or max_age".into());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ism_policies_are_checked_as_the_plugin_checks_them() {
        let good = json!({"policy": {"description": "d", "default_state": "hot", "states": [
            {"name": "hot", "actions": [{"rollover": {"min_index_age": "1d"}, "retry": {"count": 3}}], "transitions": [{"state_name": "delete", "conditions": {"min_index_age": "7d"}}]},
            {"name": "delete", "actions": [{"delete": {}}]}
        ], "ism_template": {"index_patterns": ["logs-*"], "priority": 1}}});
        assert_eq!(check_ism_policy(&good), Vec::<String>::new());
        let bad = json!({"policy": {"default_state": "warm", "states": [
            {"name": "hot", "actions": [{"rolover": {}}, {"delete": {}, "close": {}}], "transitions": [{"state_name": "gone"}]}
        ], "ism_template": [{"priority": 1}]}});
        let problems = check_ism_policy(&bad);
        assert_eq!(problems.len(), 5, "{problems:#?}");
        assert!(problems[0].contains("\"warm\" is not one of the states"), "{problems:#?}");
        assert!(problems[1].contains("\"rolover\" is not an ISM action"), "{problems:#?}");
        assert!(problems[3].contains("\"gone\" does not exist"), "{problems:#?}");
    }

    #[test]
    fn templates_and_sm_policies_are_checked() {
        assert!(check_index_template(
            &json!({"index_patterns": ["logs-*"], "priority": 10, "template": {"settings": {}}})
        )
        .is_empty());
        assert_eq!(check_index_template(&json!({"priority": -1, "template": {"setting": {}}})).len(), 3);
        assert_eq!(check_component_template(&json!({"version": 1})).len(), 1);
        assert!(check_sm_policy(&json!({"creation": {"schedule": {"cron": {"expression": "0 8 * * *", "timezone": "UTC"}}}, "snapshot_config": {"repository": "s3"}, "deletion": {"condition": {"max_count": 30, "min_count": 7}}})).is_empty());
        assert_eq!(check_sm_policy(&json!({"creation": {"schedule": {"cron": {"expression": "daily"}}}, "deletion": {"condition": {"max_count": 3, "min_count": 7}}})).len(), 3);
    }
}
