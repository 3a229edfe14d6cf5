//! JSON documents as the server returns them, so that what a user wrote
//! and what the cluster echoes compare equal when they mean the same (the
//! top complaint against every Elasticsearch/OpenSearch provider is
//! "inconsistent result after apply" and plans that never settle).
//!
//! The rules, each from a reported case (elastic/terraform-provider-
//! elasticstack and opensearch-project/terraform-provider-opensearch
//! issues, ../shared/reference/observability.md §3):
//! - index settings are flattened, every key gets the `index.` prefix, and
//!   every value is a string (`{"index":{"number_of_shards":"1"}}` is
//!   `{"number_of_shards": 1}`; #3124, #3614);
//! - mappings lose the implicit `"type": "object"` beside `properties`
//!   (#3154), and string booleans in mappings are booleans;
//! - `null` is the same as absent (`error_notification: null`);
//! - fields the server adds are dropped, per document kind (ISM's
//!   `policy_id`, `last_updated_time`, `schema_version`; ILM's
//!   `modified_date`; SM's job `schedule`; a template's empty `composed_of`), and defaults the
//!   server fills in are dropped when they hold the default (an ISM
//!   action's `retry`, a legacy template's `order: 0`).
//!
//! Pure functions over `serde_json` values: no HTTP, no provider values.

use serde_json::{Map, Value as Json};

/// The kinds of document whose server-side additions differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{"policy": {...}}` of `_plugins/_ism/policies`.
    IsmPolicy,
    /// A composable template (`_index_template`).
    IndexTemplate,
    /// `_component_template`.
    ComponentTemplate,
    /// A legacy template (`_template`).
    LegacyTemplate,
    /// `_plugins/_sm/policies`.
    SmPolicy,
    /// `{"policy": {"phases": ...}}` of `_ilm/policy`.
    IlmPolicy,
    /// `_slm/policy`.
    SlmPolicy,
}

/// `doc` normalized in place for `kind`.
pub fn normalize(kind: Kind, doc: &mut Json) {
    drop_nulls(doc);
    match kind {
        Kind::IsmPolicy => ism_policy(doc),
        Kind::IndexTemplate => {
            listify(doc, "index_patterns");
            drop_if(doc, "composed_of", &Json::Array(Vec::new()));
            template_dates(doc);
            if let Some(ds) = doc.get_mut("data_stream") {
                // OpenSearch's and Elasticsearch's defaults for `data_stream: {}`.
                drop_if(ds, "timestamp_field", &serde_json::json!({"name": "@timestamp"}));
                drop_if(ds, "hidden", &Json::Bool(false));
                drop_if(ds, "allow_custom_routing", &Json::Bool(false));
            }
            if let Some(c) = doc.get_mut("context") {
                drop_if(c, "version", &Json::String("_latest".into()));
            }
            if let Some(t) = doc.get_mut("template") {
                template_body(t);
            }
        }
        Kind::ComponentTemplate => {
            template_dates(doc);
            if let Some(t) = doc.get_mut("template") {
                template_body(t);
            }
        }
        Kind::LegacyTemplate => {
            listify(doc, "index_patterns");
            drop_if(doc, "order", &Json::from(0));
            template_body(doc);
            for key in ["settings", "mappings", "aliases"] {
                drop_if(doc, key, &Json::Object(Map::new()));
            }
        }
        Kind::SmPolicy => {
            // `schedule` is the job scheduler's own interval, not the user's.
            for key in ["schema_version", "last_updated_time", "enabled_time", "name", "schedule"] {
                remove(doc, key);
            }
            drop_if(doc, "enabled", &Json::Bool(true));
            // Left out, deletion runs on the creation schedule and keeps at
            // least one snapshot (SMPolicy.parse fills both in).
            if let Some(c) = doc.get_mut("notification").and_then(|n| n.get_mut("conditions")) {
                drop_if(c, "creation", &Json::Bool(true));
                for key in ["deletion", "failure", "time_limit_exceeded"] {
                    drop_if(c, key, &Json::Bool(false));
                }
            }
            let creation_schedule = doc["creation"]["schedule"].clone();
            if let Some(deletion) = doc.get_mut("deletion") {
                drop_if(deletion, "schedule", &creation_schedule);
                if let Some(condition) = deletion.get_mut("condition") {
                    drop_if(condition, "min_count", &Json::from(1));
                }
            }
        }
        Kind::IlmPolicy => ilm_policy(doc),
        Kind::SlmPolicy => slm_policy(doc),
    }
}

/// Whether two documents of `kind` mean the same.
pub fn equivalent(kind: Kind, a: &Json, b: &Json) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    normalize(kind, &mut a);
    normalize(kind, &mut b);
    a == b
}

/// Compact JSON with object keys sorted, as Terraform's `jsonencode`
/// writes it, so a document read back diffs cleanly against a configured one.
pub fn canonical_text(doc: &Json) -> String {
    serde_json::to_string(&sorted(doc)).unwrap_or_default()
}

fn sorted(doc: &Json) -> Json {
    match doc {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Json::Object(keys.into_iter().map(|k| (k.clone(), sorted(&m[k]))).collect())
        }
        Json::Array(items) => Json::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

fn drop_nulls(doc: &mut Json) {
    match doc {
        Json::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        Json::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

fn remove(doc: &mut Json, key: &str) {
    if let Some(m) = doc.as_object_mut() {
        m.remove(key);
    }
}

fn drop_if(doc: &mut Json, key: &str, default: &Json) {
    if let Some(m) = doc.as_object_mut() {
        if m.get(key) == Some(default) {
            m.remove(key);
        }
    }
}

/// A single string where the server keeps a list.
fn listify(doc: &mut Json, key: &str) {
    if let Some(v) = doc.get_mut(key) {
        if !v.is_array() {
            *v = Json::Array(vec![v.take()]);
        }
    }
}

/// Elasticsearch 9's bookkeeping on templates (created and modified dates).
fn template_dates(doc: &mut Json) {
    for key in ["created_date", "created_date_millis", "modified_date", "modified_date_millis"] {
        remove(doc, key);
    }
}

/// The `settings`, `mappings` and `aliases` of a template body: empty
/// mappings are not returned, and an alias's `routing` comes back as
/// `index_routing` and `search_routing`.
fn template_body(t: &mut Json) {
    if let Some(s) = t.get_mut("settings") {
        *s = index_settings(s);
    }
    if let Some(m) = t.get_mut("mappings") {
        mappings(m);
    }
    drop_if(t, "mappings", &Json::Object(Map::new()));
    if let Some(Json::Object(aliases)) = t.get_mut("aliases") {
        for alias in aliases.values_mut() {
            let Some(a) = alias.as_object_mut() else { continue };
            if let Some(routing) = a.remove("routing") {
                a.entry("index_routing").or_insert_with(|| routing.clone());
                a.entry("search_routing").or_insert(routing);
            }
        }
    }
}

/// Index settings flat, `index.`-prefixed, values as strings.
pub fn index_settings(settings: &Json) -> Json {
    let mut flat = Map::new();
    flatten("", settings, &mut flat);
    let mut out: Vec<(String, Json)> =
        flat.into_iter().map(|(k, v)| (if k.starts_with("index.") { k } else { format!("index.{k}") }, v)).collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Json::Object(out.into_iter().collect())
}

fn flatten(prefix: &str, v: &Json, out: &mut Map<String, Json>) {
    match v {
        Json::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        Json::Array(items) => {
            out.insert(prefix.to_string(), Json::Array(items.iter().map(stringify).collect()));
        }
        Json::Null => {}
        scalar => {
            out.insert(prefix.to_string(), stringify(scalar));
        }
    }
}

fn stringify(v: &Json) -> Json {
    match v {
        Json::String(_) => v.clone(),
        Json::Number(n) => Json::String(n.to_string()),
        Json::Bool(b) => Json::String(b.to_string()),
        other => Json::String(other.to_string()),
    }
}

/// Mappings without what the server implies.
fn mappings(m: &mut Json) {
    match m {
        Json::Object(map) => {
            if map.contains_key("properties") && map.get("type") == Some(&Json::String("object".into())) {
                map.remove("type");
            }
            for (k, v) in map.iter_mut() {
                if let Json::String(s) = v {
                    if matches!(k.as_str(), "enabled" | "dynamic" | "index" | "store" | "doc_values" | "norms")
                        && (s == "true" || s == "false")
                    {
                        *v = Json::Bool(s == "true");
                        continue;
                    }
                }
                mappings(v);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(mappings),
        _ => {}
    }
}

/// What the ISM plugin adds to a stored policy.
fn ism_policy(doc: &mut Json) {
    let Some(p) = doc.get_mut("policy") else { return };
    for key in ["policy_id", "last_updated_time", "schema_version", "seq_no", "primary_term"] {
        remove(p, key);
    }
    listify(p, "ism_template");
    if let Some(Json::Array(templates)) = p.get_mut("ism_template") {
        for t in templates.iter_mut() {
            remove(t, "last_updated_time");
            listify(t, "index_patterns");
            drop_if(t, "priority", &Json::from(0));
        }
    }
    if let Some(Json::Array(states)) = p.get_mut("states") {
        for s in states.iter_mut() {
            let Some(m) = s.as_object_mut() else { continue };
            m.entry("actions").or_insert_with(|| Json::Array(Vec::new()));
            m.entry("transitions").or_insert_with(|| Json::Array(Vec::new()));
            if let Some(Json::Array(actions)) = m.get_mut("actions") {
                actions.iter_mut().for_each(ism_action);
            }
        }
    }
    if let Some(n) = p.get_mut("error_notification") {
        message_template(n);
    }
}

/// What the ISM plugin writes back into an action: the rest of a partial
/// `retry` (then the whole default one dropped), each action's own
/// defaults, a notification template's `lang`.
fn ism_action(a: &mut Json) {
    if let Some(Json::Object(retry)) = a.get_mut("retry") {
        retry.entry("backoff").or_insert_with(|| Json::String("exponential".into()));
        retry.entry("delay").or_insert_with(|| Json::String("1m".into()));
    }
    drop_if(a, "retry", &default_retry());
    let empty = || Json::Object(Map::new());
    let defaults: [(&str, &[(&str, Json)]); 3] = [
        ("rollover", &[("copy_alias", Json::Bool(false))]),
        (
            "allocation",
            &[("require", empty()), ("include", empty()), ("exclude", empty()), ("wait_for", Json::Bool(false))],
        ),
        ("shrink", &[("switch_aliases", Json::Bool(false))]),
    ];
    for (action, fields) in defaults {
        if let Some(body) = a.get_mut(action) {
            for (key, default) in fields {
                drop_if(body, key, default);
            }
        }
    }
    if let Some(n) = a.get_mut("notification") {
        message_template(n);
    }
}

/// A mustache template's `lang`, which the plugin writes when left out.
fn message_template(n: &mut Json) {
    if let Some(t) = n.get_mut("message_template") {
        drop_if(t, "lang", &Json::String("mustache".into()));
    }
}

/// The retry the ISM plugin gives every action that has none.
fn default_retry() -> Json {
    serde_json::json!({"count": 3, "backoff": "exponential", "delay": "1m"})
}

/// What Elasticsearch adds to a stored lifecycle policy: each phase's
/// `min_age` of `0ms`, the defaults its actions write back, and the
/// policy's own bookkeeping.
fn ilm_policy(doc: &mut Json) {
    let Some(p) = doc.get_mut("policy") else { return };
    for key in ["modified_date", "version", "in_use_by"] {
        remove(p, key);
    }
    let Some(Json::Object(phases)) = p.get_mut("phases") else { return };
    for phase in phases.values_mut() {
        drop_if(phase, "min_age", &Json::String("0ms".into()));
        let Some(Json::Object(actions)) = phase.get_mut("actions") else { continue };
        for (name, action) in actions.iter_mut() {
            let defaults: &[(&str, Json)] = match name.as_str() {
                "delete" => &[("delete_searchable_snapshot", Json::Bool(true))],
                "searchable_snapshot" => &[("force_merge_index", Json::Bool(true))],
                "migrate" => &[("enabled", Json::Bool(true))],
                "shrink" => &[("allow_write_after_shrink", Json::Bool(false))],
                "downsample" => &[("wait_timeout", Json::String("1d".into()))],
                "allocate" => &[
                    ("include", Json::Object(Map::new())),
                    ("exclude", Json::Object(Map::new())),
                    ("require", Json::Object(Map::new())),
                ],
                _ => &[],
            };
            for (key, default) in defaults {
                drop_if(action, key, default);
            }
        }
    }
}

/// What Elasticsearch adds to a stored snapshot lifecycle policy.
fn slm_policy(doc: &mut Json) {
    drop_if(doc, "config", &Json::Object(Map::new()));
    drop_if(doc, "retention", &Json::Object(Map::new()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn same(kind: Kind, a: Json, b: Json) {
        assert!(equivalent(kind, &a, &b), "should be equivalent:\n{a}\n{b}");
        assert!(equivalent(kind, &b, &a), "symmetric:\n{b}\n{a}");
    }

    fn differ(kind: Kind, a: Json, b: Json) {
        assert!(!equivalent(kind, &a, &b), "should differ:\n{a}\n{b}");
    }

    #[test]
    fn settings_compare_flattened_prefixed_and_as_strings() {
        // elasticstack #3124 / #3614: the server echoes nested string values.
        same(
            Kind::IndexTemplate,
            json!({"index_patterns": ["logs-*"], "template": {"settings": {"number_of_shards": 1, "refresh_interval": "5s", "routing.allocation.total_shards_per_node": 2}}}),
            json!({"index_patterns": ["logs-*"], "template": {"settings": {"index": {"number_of_shards": "1", "refresh_interval": "5s", "routing": {"allocation": {"total_shards_per_node": "2"}}}}}}),
        );
        same(
            Kind::IndexTemplate,
            json!({"index_patterns": "logs-*", "template": {"settings": {"index.codec": "best_compression", "blocks.read_only": true}}}),
            json!({"index_patterns": ["logs-*"], "composed_of": [], "template": {"settings": {"index": {"codec": "best_compression", "blocks": {"read_only": "true"}}}}}),
        );
        differ(
            Kind::IndexTemplate,
            json!({"index_patterns": ["logs-*"], "template": {"settings": {"number_of_shards": 1}}}),
            json!({"index_patterns": ["logs-*"], "template": {"settings": {"index": {"number_of_shards": "2"}}}}),
        );
    }

    #[test]
    fn mappings_lose_the_implicit_object_type_and_string_booleans() {
        // elasticstack #3154.
        same(
            Kind::ComponentTemplate,
            json!({"template": {"mappings": {"properties": {"user": {"properties": {"name": {"type": "keyword"}}}, "msg": {"type": "text", "index": false}}}}}),
            json!({"template": {"mappings": {"properties": {"user": {"type": "object", "properties": {"name": {"type": "keyword"}}}, "msg": {"type": "text", "index": "false"}}}}}),
        );
        differ(
            Kind::ComponentTemplate,
            json!({"template": {"mappings": {"properties": {"msg": {"type": "text"}}}}}),
            json!({"template": {"mappings": {"properties": {"msg": {"type": "keyword"}}}}}),
        );
    }

    #[test]
    fn an_ism_policy_drops_what_the_plugin_adds() {
        let configured = json!({"policy": {
            "description": "hot warm delete",
            "default_state": "hot",
            "ism_template": {"index_patterns": ["logs-*"], "priority": 100},
            "states": [
                {"name": "hot", "actions": [{"rollover": {"min_index_age": "1d"}}], "transitions": [{"state_name": "delete", "conditions": {"min_index_age": "7d"}}]},
                {"name": "delete", "actions": [{"delete": {}}]}
            ]
        }});
        let returned = json!({"policy": {
            "policy_id": "logs", "description": "hot warm delete", "last_updated_time": 1733500000000u64,
            "schema_version": 21, "error_notification": null, "default_state": "hot",
            "states": [
                {"name": "hot", "actions": [{"retry": {"count": 3, "backoff": "exponential", "delay": "1m"}, "rollover": {"min_index_age": "1d"}}], "transitions": [{"state_name": "delete", "conditions": {"min_index_age": "7d"}}]},
                {"name": "delete", "actions": [{"retry": {"count": 3, "backoff": "exponential", "delay": "1m"}, "delete": {}}], "transitions": []}
            ],
            "ism_template": [{"index_patterns": ["logs-*"], "priority": 100, "last_updated_time": 1733500000000u64}]
        }});
        same(Kind::IsmPolicy, configured.clone(), returned.clone());
        let mut changed = returned;
        changed["policy"]["states"][0]["transitions"][0]["conditions"]["min_index_age"] = json!("30d");
        differ(Kind::IsmPolicy, configured.clone(), changed);
        let mut retried = configured.clone();
        retried["policy"]["states"][1]["actions"][0]["retry"] =
            json!({"count": 5, "backoff": "constant", "delay": "1m"});
        differ(Kind::IsmPolicy, configured, retried);
    }

    #[test]
    fn ism_actions_lose_the_defaults_the_plugin_writes_back() {
        let configured = json!({"policy": {"default_state": "hot", "states": [{"name": "hot", "actions": [
            {"rollover": {"min_index_age": "1d"}, "retry": {"count": 5}},
            {"allocation": {"require": {"temp": "warm"}}},
            {"notification": {"destination": {"slack": {"url": "https://hooks.example.com"}}, "message_template": {"source": "{{ctx.index}} rolled over"}}}
        ]}]}});
        let returned = json!({"policy": {"default_state": "hot", "states": [{"name": "hot", "actions": [
            {"rollover": {"min_index_age": "1d", "copy_alias": false}, "retry": {"count": 5, "backoff": "exponential", "delay": "1m"}},
            {"allocation": {"require": {"temp": "warm"}, "include": {}, "exclude": {}, "wait_for": false}, "retry": {"count": 3, "backoff": "exponential", "delay": "1m"}},
            {"notification": {"destination": {"slack": {"url": "https://hooks.example.com"}}, "message_template": {"source": "{{ctx.index}} rolled over", "lang": "mustache"}}, "retry": {"count": 3, "backoff": "exponential", "delay": "1m"}}
        ], "transitions": []}]}});
        same(Kind::IsmPolicy, configured.clone(), returned.clone());
        let mut copied = returned;
        copied["policy"]["states"][0]["actions"][0]["rollover"]["copy_alias"] = json!(true);
        differ(Kind::IsmPolicy, configured, copied);
    }

    #[test]
    fn templates_lose_data_stream_defaults_dates_empty_mappings_and_split_routing() {
        same(
            Kind::IndexTemplate,
            json!({"index_patterns": ["logs-*"], "data_stream": {}, "template": {"mappings": {}, "aliases": {"logs": {"routing": "1"}}}}),
            json!({"index_patterns": ["logs-*"], "data_stream": {"timestamp_field": {"name": "@timestamp"}, "hidden": false, "allow_custom_routing": false},
                "created_date_millis": 1, "modified_date_millis": 2, "template": {"aliases": {"logs": {"index_routing": "1", "search_routing": "1"}}}}),
        );
        differ(
            Kind::IndexTemplate,
            json!({"index_patterns": ["logs-*"], "data_stream": {"hidden": true}}),
            json!({"index_patterns": ["logs-*"], "data_stream": {"hidden": false}}),
        );
    }

    #[test]
    fn a_legacy_template_drops_empty_defaults() {
        same(
            Kind::LegacyTemplate,
            json!({"index_patterns": ["audit-*"], "settings": {"number_of_replicas": 1}}),
            json!({"order": 0, "index_patterns": ["audit-*"], "settings": {"index": {"number_of_replicas": "1"}}, "mappings": {}, "aliases": {}}),
        );
        differ(
            Kind::LegacyTemplate,
            json!({"index_patterns": ["audit-*"], "order": 2}),
            json!({"order": 0, "index_patterns": ["audit-*"]}),
        );
    }

    #[test]
    fn an_ilm_policy_drops_default_min_age_and_bookkeeping() {
        same(
            Kind::IlmPolicy,
            json!({"policy": {"phases": {"hot": {"actions": {"rollover": {"max_age": "7d"}}}, "delete": {"min_age": "2555d", "actions": {"delete": {}}}}}}),
            json!({"policy": {"modified_date": "2026-12-07T00:00:00.000Z", "phases": {"hot": {"min_age": "0ms", "actions": {"rollover": {"max_age": "7d"}}}, "delete": {"min_age": "2555d", "actions": {"delete": {"delete_searchable_snapshot": true}}}}}}),
        );
        same(
            Kind::IlmPolicy,
            json!({"policy": {"phases": {"warm": {"min_age": "7d", "actions": {"allocate": {"number_of_replicas": 1}, "migrate": {}}}, "cold": {"min_age": "30d", "actions": {"searchable_snapshot": {"snapshot_repository": "worm"}}}}}}),
            json!({"policy": {"phases": {"warm": {"min_age": "7d", "actions": {"allocate": {"number_of_replicas": 1, "include": {}, "exclude": {}, "require": {}}, "migrate": {"enabled": true}}}, "cold": {"min_age": "30d", "actions": {"searchable_snapshot": {"snapshot_repository": "worm", "force_merge_index": true}}}}}}),
        );
        differ(
            Kind::IlmPolicy,
            json!({"policy": {"phases": {"delete": {"min_age": "2555d", "actions": {"delete": {"delete_searchable_snapshot": false}}}}}}),
            json!({"policy": {"phases": {"delete": {"min_age": "2555d", "actions": {"delete": {"delete_searchable_snapshot": true}}}}}}),
        );
    }

    #[test]
    fn an_sm_policy_drops_what_the_plugin_fills_in() {
        let schedule = json!({"cron": {"expression": "0 2 * * *", "timezone": "UTC"}});
        same(
            Kind::SmPolicy,
            json!({"creation": {"schedule": schedule}, "deletion": {"condition": {"max_age": "30d"}}, "snapshot_config": {"repository": "r"}}),
            json!({"name": "nightly", "schema_version": 21, "enabled": true, "last_updated_time": 1, "enabled_time": 1,
                "schedule": {"interval": {"start_time": 1, "period": 1, "unit": "Minutes"}},
                "creation": {"schedule": schedule}, "deletion": {"schedule": schedule, "condition": {"max_age": "30d", "min_count": 1}},
                "snapshot_config": {"repository": "r"}}),
        );
        differ(
            Kind::SmPolicy,
            json!({"creation": {"schedule": schedule}, "deletion": {"condition": {"max_age": "30d", "min_count": 7}}}),
            json!({"creation": {"schedule": schedule}, "deletion": {"condition": {"max_age": "30d", "min_count": 1}}}),
        );
    }

    #[test]
    fn canonical_text_is_jsonencode_shaped() {
        assert_eq!(
            canonical_text(&json!({"b": 1, "a": {"d": [2, {"z": 1, "y": 0}], "c": "x"}})),
            r#"{"a":{"c":"x","d":[2,{"y":0,"z":1}]},"b":1}"#
        );
    }
}
