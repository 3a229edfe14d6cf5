//! The Elasticsearch types whose object is one JSON `body`, where they
//! live, how a GET answer holds them, and the checks Elasticsearch makes
//! when they are put (from its reference: ILM
//! <https://www.elastic.co/guide/en/elasticsearch/reference/current/ilm-put-lifecycle.html>
//! and its phase actions, SLM
//! <https://www.elastic.co/guide/en/elasticsearch/reference/current/slm-api-put-policy.html>,
//! index and component templates).

use crate::document::{segment, DocumentType};
use crate::normalize::Kind;
use crate::opensearch::documents as opensearch;
use serde_json::Value as Json;

/// `{"policy": {"phases": {...}, "_meta": {...}}}` at `_ilm/policy/{name}`.
pub const LIFECYCLE_POLICY: DocumentType = DocumentType {
    type_name: "elasticsearch_index_lifecycle",
    name_attr: "name",
    kind: Kind::IlmPolicy,
    path: |_, name| Ok(format!("/_ilm/policy/{}", segment(name))),
    create_method: "PUT",
    versioned: false,
    id_suffix: "",
    // `{name: {"version", "modified_date", "policy", "in_use_by"}}`
    extract: |answer, name| answer.get(name)?.get("policy").map(|p| serde_json::json!({ "policy": p })),
    check: check_lifecycle_policy,
};

/// Templates are the same API in both products.
pub const INDEX_TEMPLATE: DocumentType =
    DocumentType { type_name: "elasticsearch_index_template", ..opensearch::COMPOSABLE_TEMPLATE };

pub const COMPONENT_TEMPLATE: DocumentType =
    DocumentType { type_name: "elasticsearch_component_template", ..opensearch::COMPONENT_TEMPLATE };

/// `{"schedule", "name", "repository", "config", "retention"}` at
/// `_slm/policy/{id}`.
pub const SNAPSHOT_LIFECYCLE: DocumentType = DocumentType {
    type_name: "elasticsearch_snapshot_lifecycle",
    name_attr: "name",
    kind: Kind::SlmPolicy,
    path: |_, name| Ok(format!("/_slm/policy/{}", segment(name))),
    create_method: "PUT",
    versioned: false,
    id_suffix: "",
    // `{id: {"version", "modified_date_millis", "policy", "next_execution_millis", "stats"}}`
    extract: |answer, name| answer.get(name)?.get("policy").cloned(),
    check: check_snapshot_lifecycle,
};

/// The phases in the order ILM runs them, with the actions each allows.
const PHASES: &[(&str, &[&str])] = &[
    (
        "hot",
        &[
            "set_priority",
            "unfollow",
            "rollover",
            "readonly",
            "downsample",
            "shrink",
            "forcemerge",
            "searchable_snapshot",
        ],
    ),
    ("warm", &["set_priority", "unfollow", "readonly", "downsample", "allocate", "migrate", "shrink", "forcemerge"]),
    (
        "cold",
        &["set_priority", "unfollow", "readonly", "downsample", "searchable_snapshot", "allocate", "migrate", "freeze"],
    ),
    ("frozen", &["unfollow", "searchable_snapshot"]),
    ("delete", &["wait_for_snapshot", "delete"]),
];

/// A time value (`30d`, `12h`, `0ms`, `0`, `-1`) in milliseconds, read as
/// Elasticsearch's `TimeValue.parseTimeValue` reads it (trimmed, any case;
/// a JSON number is its text).
fn millis(value: &Json) -> Option<f64> {
    let text = match value {
        Json::String(s) => s.trim().to_lowercase(),
        Json::Number(n) => n.to_string(),
        _ => return None,
    };
    if text == "0" || text == "-1" {
        return text.parse().ok();
    }
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (n, unit) = text.split_at(split);
    let n: f64 = n.parse().ok()?;
    let scale = match unit.trim() {
        "nanos" => 1e-6,
        "micros" => 1e-3,
        "ms" => 1.0,
        "s" => 1e3,
        "m" => 6e4,
        "h" => 3.6e6,
        "d" => 8.64e7,
        _ => return None,
    };
    Some(n * scale)
}

/// What Elasticsearch refuses when a lifecycle policy is put.
pub fn check_lifecycle_policy(doc: &Json) -> Vec<String> {
    let mut out = Vec::new();
    let Some(policy) = doc.get("policy").and_then(Json::as_object) else {
        return vec!["a lifecycle policy body is {\"policy\": {\"phases\": {...}}}".into()];
    };
    for key in policy.keys() {
        if !matches!(key.as_str(), "phases" | "_meta") {
            out.push(format!("policy.{key}: a lifecycle policy holds phases and _meta"));
        }
    }
    let Some(phases) = policy.get("phases").and_then(Json::as_object) else {
        out.push("policy.phases is required".into());
        return out;
    };
    let mut timings: Vec<(&str, f64, String)> = Vec::new();
    for (name, phase) in phases {
        let Some((_, allowed)) = PHASES.iter().find(|(p, _)| p == name) else {
            out.push(format!("policy.phases.{name}: a phase is hot, warm, cold, frozen or delete"));
            continue;
        };
        if let Some(age) = phase.get("min_age") {
            match millis(age) {
                // A min_age of 0 is "not configured": not in the order check.
                Some(ms) if ms <= 0.0 => {}
                Some(ms) => timings.push((name, ms, age.to_string())),
                None => out.push(format!("policy.phases.{name}.min_age {age}: a time such as 30d or 12h")),
            }
        }
        let actions = phase.get("actions").and_then(Json::as_object);
        for action in actions.into_iter().flat_map(|a| a.keys()) {
            if !allowed.contains(&action.as_str()) {
                out.push(format!(
                    "policy.phases.{name}.actions.{action}: the {name} phase allows {}",
                    allowed.join(", ")
                ));
            }
        }
        let has = |a: &str| actions.is_some_and(|m| m.contains_key(a));
        if name == "hot" {
            for needs_rollover in ["shrink", "forcemerge", "searchable_snapshot", "downsample"] {
                if has(needs_rollover) && !has("rollover") {
                    out.push(format!(
                        "policy.phases.hot.actions.{needs_rollover}: in the hot phase it needs a rollover action"
                    ));
                }
            }
            if let Some(r) = actions.and_then(|m| m.get("rollover")) {
                let conditions = r.as_object().map(|m| m.keys().filter(|k| k.starts_with("max_")).count());
                if conditions.unwrap_or(0) == 0 {
                    out.push("policy.phases.hot.actions.rollover needs a max_* condition (max_age, max_docs, max_size, max_primary_shard_size, max_primary_shard_docs)".into());
                }
            }
        }
        if name == "frozen" && !has("searchable_snapshot") {
            out.push("policy.phases.frozen needs a searchable_snapshot action".into());
        }
    }
    // Phases run in order; a later phase may not start before an earlier one.
    timings.sort_by_key(|(name, _, _)| PHASES.iter().position(|(p, _)| p == name));
    for pair in timings.windows(2) {
        let ((early, a, a_text), (late, b, b_text)) = (&pair[0], &pair[1]);
        if b < a {
            out.push(format!(
                "policy.phases.{late}.min_age ({}) is before the {early} phase's min_age ({}); phases run in order hot, warm, cold, frozen, delete",
                b_text.trim_matches('"'),
                a_text.trim_matches('"')
            ));
        }
    }
    out
}

/// What Elasticsearch refuses when a snapshot lifecycle policy is put.
pub fn check_snapshot_lifecycle(doc: &Json) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["schedule", "name", "repository"] {
        if !doc[key].is_string() {
            out.push(format!("{key} is required"));
        }
    }
    if let Some(s) = doc["schedule"].as_str() {
        // A Quartz cron: seconds minutes hours day-of-month month day-of-week [year].
        let fields = s.split_whitespace().count();
        if !(6..=7).contains(&fields) && millis(&doc["schedule"]).is_none() {
            out.push(format!(
                "schedule {s:?} is a cron expression with 6 or 7 fields (\"0 30 1 * * ?\") or an interval (\"1h\")"
            ));
        }
    }
    // Date math ({now/d{yyyy.MM.dd|Europe/Paris}}) is checked once resolved.
    if let Some(name) = doc["name"].as_str() {
        let mut depth = 0usize;
        let literal: String = name
            .chars()
            .filter(|c| {
                match c {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    _ => return depth == 0,
                }
                false
            })
            .collect();
        if literal != literal.to_lowercase() {
            out.push(format!("name {name:?}: snapshot names are lowercase"));
        }
    }
    let r = &doc["retention"];
    if let (Some(min), Some(max)) = (r["min_count"].as_u64(), r["max_count"].as_u64()) {
        if min > max {
            out.push(format!("retention.min_count ({min}) is more than retention.max_count ({max})"));
        }
    }
    if let Some(e) = r.get("expire_after") {
        if millis(e).is_none() {
            out.push(format!("retention.expire_after {e}: a time such as 30d"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lifecycle_policies_are_checked_as_elasticsearch_checks_them() {
        let seven_years = json!({"policy": {"phases": {
            "hot": {"actions": {"rollover": {"max_age": "1d", "max_primary_shard_size": "50gb"}, "forcemerge": {"max_num_segments": 1}}},
            "warm": {"min_age": "7d", "actions": {"allocate": {"number_of_replicas": 1}, "readonly": {}}},
            "cold": {"min_age": "30d", "actions": {"searchable_snapshot": {"snapshot_repository": "worm"}}},
            "delete": {"min_age": "2555d", "actions": {"wait_for_snapshot": {"policy": "nightly"}, "delete": {}}}
        }}});
        assert_eq!(check_lifecycle_policy(&seven_years), Vec::<String>::new());
        // As TimeValue reads them: any case, trimmed, numbers; 0 is "not set".
        let loose = json!({"policy": {"phases": {"warm": {"min_age": " 7D", "actions": {}}, "cold": {"min_age": 0}, "delete": {"min_age": "2555D ", "actions": {"delete": {}}}}}});
        assert_eq!(check_lifecycle_policy(&loose), Vec::<String>::new());
        let bad = json!({"policy": {"phases": {
            "hot": {"actions": {"shrink": {"number_of_shards": 1}, "allocate": {}}},
            "warm": {"min_age": "30d", "actions": {}},
            "cold": {"min_age": "7d"},
            "frozen": {"min_age": "soon"},
            "archive": {}
        }}});
        let problems = check_lifecycle_policy(&bad);
        assert_eq!(problems.len(), 6, "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("archive")), "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("hot.actions.allocate")), "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("shrink: in the hot phase it needs a rollover")), "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("cold.min_age (7d) is before the warm")), "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("frozen.min_age")), "{problems:#?}");
    }

    #[test]
    fn snapshot_lifecycle_policies_are_checked() {
        let nightly = json!({"schedule": "0 30 1 * * ?", "name": "<nightly-{now/d}>", "repository": "worm",
            "config": {"indices": ["audit-*"]}, "retention": {"expire_after": "2555d", "min_count": 7, "max_count": 3000}});
        assert_eq!(check_snapshot_lifecycle(&nightly), Vec::<String>::new());
        let paris = json!({"schedule": "0 30 1 * * ?", "name": "<audit-{now/d{yyyy.MM.dd|Europe/Paris}}>", "repository": "worm"});
        assert_eq!(check_snapshot_lifecycle(&paris), Vec::<String>::new());
        let bad = json!({"schedule": "daily", "name": "Nightly", "retention": {"expire_after": "soon", "min_count": 9, "max_count": 3}});
        assert_eq!(check_snapshot_lifecycle(&bad).len(), 5, "{:#?}", check_snapshot_lifecycle(&bad));
    }
}
