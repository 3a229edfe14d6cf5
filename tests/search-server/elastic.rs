//! The Elasticsearch flavour: index lifecycle management
//! (<https://www.elastic.co/guide/en/elasticsearch/reference/current/index-lifecycle-management-api.html>)
//! and snapshot lifecycle management
//! (<https://www.elastic.co/guide/en/elasticsearch/reference/current/snapshot-lifecycle-management-api.html>)
//! served here; everything else goes upstream. The upstream (osmem, an
//! OpenSearch) refuses `index.lifecycle.*` settings, so they are taken out
//! of template, index and settings writes before they go, kept here, and
//! put back into the answers that read them — and ILM's `in_use_by` is
//! worked out from them.

use crate::common::{self, error, iso_time, now_millis};
use crate::http::{Reply, Request};
use crate::Server;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct Elastic {
    ilm: BTreeMap<String, Stored>,
    slm: BTreeMap<String, Stored>,
    /// The `index.lifecycle.*` settings kept back, flat, by what holds them.
    kept: BTreeMap<(Holder, String), Map<String, Json>>,
    /// Composable templates' patterns, priority and components (to give a
    /// new index the lifecycle settings its template would).
    templates: BTreeMap<String, (Vec<String>, i64, Vec<String>)>,
}

struct Stored {
    version: u64,
    modified: u64,
    policy: Json,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Holder {
    Composable,
    Component,
    Legacy,
    Index,
}

pub fn route(server: &Server, req: &Request, seg: &[&str]) -> Option<Reply> {
    let m = req.method.as_str();
    Some(match (m, seg) {
        ("PUT", ["_ilm", "policy", name]) => put_ilm(server, req, name),
        ("GET", ["_ilm", "policy"]) => get_ilm(server, None),
        ("GET", ["_ilm", "policy", names]) => get_ilm(server, Some(names)),
        ("DELETE", ["_ilm", "policy", name]) => delete_ilm(server, name),
        ("PUT", ["_slm", "policy", id]) => put_slm(server, req, id),
        ("GET", ["_slm", "policy"]) => get_slm(server, None),
        ("GET", ["_slm", "policy", ids]) => get_slm(server, Some(ids)),
        ("DELETE", ["_slm", "policy", id]) => delete_slm(server, id),
        (_, ["_ilm" | "_slm", ..]) => common::no_handler(m, &req.target),
        _ => return None,
    })
}

// ---- ILM -------------------------------------------------------------

/// The actions each phase allows (TimeseriesLifecycleType).
fn phase_actions(phase: &str) -> Option<&'static [&'static str]> {
    Some(match phase {
        "hot" => &[
            "set_priority",
            "unfollow",
            "rollover",
            "readonly",
            "downsample",
            "shrink",
            "forcemerge",
            "searchable_snapshot",
        ],
        "warm" => {
            &["set_priority", "unfollow", "readonly", "downsample", "allocate", "migrate", "shrink", "forcemerge"]
        }
        "cold" => &[
            "set_priority",
            "unfollow",
            "readonly",
            "downsample",
            "searchable_snapshot",
            "allocate",
            "migrate",
            "freeze",
        ],
        "frozen" => &["unfollow", "searchable_snapshot"],
        "delete" => &["wait_for_snapshot", "delete"],
        _ => return None,
    })
}

/// The policy as ILM stores and returns it (`min_age` defaulted to `0ms`,
/// the delete action's `delete_searchable_snapshot` to true).
fn parse_ilm(body: Option<Json>) -> Result<Json, Reply> {
    let Some(body) = body else { return Err(common::body_required()) };
    let Some(p) = body.get("policy").and_then(Json::as_object) else {
        return Err(error(400, "x_content_parse_exception", "Required [policy]"));
    };
    for key in p.keys() {
        if !matches!(key.as_str(), "phases" | "_meta") {
            return Err(error(400, "x_content_parse_exception", &format!("[lifecycle_policy] unknown field [{key}]")));
        }
    }
    let mut phases = Map::new();
    for (name, phase) in p.get("phases").and_then(Json::as_object).into_iter().flatten() {
        let Some(allowed) = phase_actions(name) else {
            return Err(error(
                400,
                "illegal_argument_exception",
                &format!("Timeseries lifecycle does not support phase [{name}]"),
            ));
        };
        let mut actions = Map::new();
        for (action, config) in phase["actions"].as_object().into_iter().flatten() {
            if !allowed.contains(&action.as_str()) {
                return Err(error(
                    400,
                    "illegal_argument_exception",
                    &format!("invalid action [{action}] defined in phase [{name}]"),
                ));
            }
            let mut config = config.clone();
            if action == "delete" && config.get("delete_searchable_snapshot").is_none() {
                config["delete_searchable_snapshot"] = json!(true);
            }
            actions.insert(action.clone(), config);
        }
        let min_age = phase.get("min_age").cloned().unwrap_or(json!("0ms"));
        phases.insert(name.clone(), json!({"min_age": min_age, "actions": actions}));
    }
    let mut policy = json!({"phases": phases});
    if let Some(meta) = p.get("_meta") {
        policy["_meta"] = meta.clone();
    }
    Ok(policy)
}

fn put_ilm(server: &Server, req: &Request, name: &str) -> Reply {
    let body = match req.json() {
        Ok(b) => b,
        Err(e) => return common::bad_json(&e),
    };
    let policy = match parse_ilm(body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let mut st = server.state.lock().unwrap();
    let ilm = &mut st.elastic.ilm;
    match ilm.get_mut(name) {
        // Putting the same policy again changes nothing (no new version).
        Some(s) if s.policy == policy => {}
        Some(s) => {
            s.version += 1;
            s.modified = now_millis();
            s.policy = policy;
        }
        None => {
            ilm.insert(name.to_string(), Stored { version: 1, modified: now_millis(), policy });
        }
    }
    Reply::json(200, &json!({"acknowledged": true}))
}

/// The lifecycle a holder's kept settings name.
fn lifecycle_of(kept: &Map<String, Json>) -> Option<&str> {
    kept.get("index.lifecycle.name").and_then(Json::as_str)
}

fn in_use_by(e: &Elastic, name: &str) -> Json {
    let mut indices = Vec::new();
    let mut templates = Vec::new();
    for ((holder, n), kept) in &e.kept {
        if lifecycle_of(kept) != Some(name) {
            continue;
        }
        match holder {
            Holder::Index => indices.push(n.clone()),
            Holder::Composable => templates.push(n.clone()),
            _ => {}
        }
    }
    // A composable template uses the policy through a component too.
    for (t, (_, _, components)) in &e.templates {
        let own = e.kept.get(&(Holder::Composable, t.clone())).and_then(lifecycle_of);
        if own.is_none()
            && components
                .iter()
                .any(|c| e.kept.get(&(Holder::Component, c.clone())).and_then(lifecycle_of) == Some(name))
            && !templates.contains(t)
        {
            templates.push(t.clone());
        }
    }
    templates.sort();
    json!({"indices": indices, "data_streams": [], "composable_templates": templates})
}

fn get_ilm(server: &Server, names: Option<&str>) -> Reply {
    let st = server.state.lock().unwrap();
    let e = &st.elastic;
    let (found, missing) = common::select(names.unwrap_or("*"), e.ilm.keys());
    if !missing.is_empty() {
        return error(
            404,
            "resource_not_found_exception",
            &format!("Lifecycle policy not found: [{}]", missing.join(", ")),
        );
    }
    let out: Map<String, Json> = found
        .into_iter()
        .map(|n| {
            let s = &e.ilm[&n];
            let entry = json!({"version": s.version, "modified_date": iso_time(s.modified), "policy": s.policy, "in_use_by": in_use_by(e, &n)});
            (n, entry)
        })
        .collect();
    Reply::json(200, &Json::Object(out))
}

fn delete_ilm(server: &Server, name: &str) -> Reply {
    let mut st = server.state.lock().unwrap();
    if !st.elastic.ilm.contains_key(name) {
        return error(404, "resource_not_found_exception", &format!("Lifecycle policy not found: {name}"));
    }
    let users = in_use_by(&st.elastic, name);
    let indices: Vec<&str> = users["indices"].as_array().into_iter().flatten().filter_map(Json::as_str).collect();
    if !indices.is_empty() {
        return error(
            400,
            "illegal_argument_exception",
            &format!("Cannot delete policy [{name}]. It is in use by one or more indices: [{}]", indices.join(", ")),
        );
    }
    st.elastic.ilm.remove(name);
    Reply::json(200, &json!({"acknowledged": true}))
}

// ---- SLM -------------------------------------------------------------

/// A Quartz cron expression (seconds first, 6 or 7 fields), or an
/// interval such as `30m`.
fn valid_schedule(s: &str) -> bool {
    let fields: Vec<&str> = s.split_whitespace().collect();
    if fields.len() == 1 {
        let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let unit = &s[digits.len()..];
        return !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && matches!(unit, "d" | "h" | "m" | "s" | "ms");
    }
    (6..=7).contains(&fields.len())
        && fields.iter().all(|f| f.bytes().all(|b| b.is_ascii_alphanumeric() || b"*,-/?#".contains(&b)))
        && (fields[3] == "?") != (fields[5] == "?")
}

fn lower_name(kind: &str, v: &str) -> Option<String> {
    if v.is_empty() {
        return Some(format!("invalid {kind} [{v}]: cannot be empty"));
    }
    if v.chars().any(|c| c.is_ascii_uppercase()) {
        return Some(format!("invalid {kind} [{v}]: must be lowercase"));
    }
    if v.chars().any(|c| c.is_whitespace() || ",\"*\\/?<>|#".contains(c)) && kind != "snapshot name" {
        return Some(format!(
            "invalid {kind} [{v}]: must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?]"
        ));
    }
    None
}

fn put_slm(server: &Server, req: &Request, id: &str) -> Reply {
    let body = match req.json() {
        Ok(Some(b)) => b,
        Ok(None) => return common::body_required(),
        Err(e) => return common::bad_json(&e),
    };
    let missing: Vec<&str> = ["name", "schedule", "repository"]
        .into_iter()
        .filter(|k| body.get(*k).and_then(Json::as_str).is_none())
        .collect();
    if !missing.is_empty() {
        return error(
            400,
            "x_content_parse_exception",
            &format!("[1:2] [snapshot_lifecycle] Required [{}]", missing.join(", ")),
        );
    }
    let (name, schedule, repository) = (
        body["name"].as_str().unwrap_or(""),
        body["schedule"].as_str().unwrap_or(""),
        body["repository"].as_str().unwrap_or(""),
    );
    let mut problems = Vec::new();
    problems.extend(lower_name("policy id", id));
    if !valid_schedule(schedule) {
        problems.push(format!("invalid schedule [{schedule}]: must be a valid cron expression or time unit"));
    }
    if name.is_empty() {
        problems.push("invalid snapshot name []: cannot be empty".into());
    }
    if repository.is_empty() {
        problems.push("invalid repository name [ ]: cannot be empty".into());
    }
    let r = &body["retention"];
    if let (Some(min), Some(max)) = (r["min_count"].as_i64(), r["max_count"].as_i64()) {
        if min > max {
            problems.push(format!("minimum snapshot count {min} cannot be larger than maximum snapshot count {max}"));
        }
    }
    if !problems.is_empty() {
        let list: String = problems.iter().enumerate().map(|(i, p)| format!("{}: {p};", i + 1)).collect();
        return error(400, "action_request_validation_exception", &format!("Validation Failed: {list}"));
    }
    let mut st = server.state.lock().unwrap();
    if !st.repositories.exists(repository) {
        return error(400, "illegal_argument_exception", &format!("no such repository [{repository}]"));
    }
    let mut policy = Map::new();
    for k in ["name", "schedule", "repository", "config", "retention"] {
        if let Some(v) = body.get(k) {
            policy.insert(k.into(), v.clone());
        }
    }
    let policy = Json::Object(policy);
    let slm = &mut st.elastic.slm;
    let version = slm.get(id).map_or(1, |s| s.version + 1);
    slm.insert(id.to_string(), Stored { version, modified: now_millis(), policy });
    Reply::json(200, &json!({"acknowledged": true}))
}

fn get_slm(server: &Server, ids: Option<&str>) -> Reply {
    let st = server.state.lock().unwrap();
    let slm = &st.elastic.slm;
    let (found, missing) = common::select(ids.unwrap_or("*"), slm.keys());
    if !missing.is_empty() || (ids.is_some() && found.is_empty()) {
        let none = if slm.is_empty() { ", no policies are configured" } else { "" };
        return error(
            404,
            "resource_not_found_exception",
            &format!("snapshot lifecycle policy or policies [{}] not found{none}", missing.join(",")),
        );
    }
    let out: Map<String, Json> = found
        .into_iter()
        .map(|id| {
            let s = &slm[&id];
            let next = (now_millis() / 86_400_000 + 1) * 86_400_000;
            let entry = json!({
                "version": s.version,
                "modified_date": iso_time(s.modified),
                "modified_date_millis": s.modified,
                "policy": s.policy,
                "next_execution": iso_time(next),
                "next_execution_millis": next,
                "stats": {"policy": id, "snapshots_taken": 0, "snapshots_failed": 0, "snapshots_deleted": 0, "snapshot_deletion_failures": 0}
            });
            (id, entry)
        })
        .collect();
    Reply::json(200, &Json::Object(out))
}

fn delete_slm(server: &Server, id: &str) -> Reply {
    let mut st = server.state.lock().unwrap();
    match st.elastic.slm.remove(id) {
        Some(_) => Reply::json(200, &json!({"acknowledged": true})),
        None => error(404, "resource_not_found_exception", &format!("snapshot lifecycle policy not found: {id}")),
    }
}

// ---- index.lifecycle.* settings around the upstream ----------------------

fn normalized(key: &str) -> String {
    if key.starts_with("index.") || key == "index" {
        key.to_string()
    } else {
        format!("index.{key}")
    }
}

fn is_lifecycle(key: &str) -> bool {
    let k = normalized(key);
    k == "index.lifecycle" || k.starts_with("index.lifecycle.")
}

/// Takes the `index.lifecycle.*` settings out of `settings` (nested or
/// flat); returns them flat, as strings, `index.`-prefixed.
fn strip(settings: &mut Json) -> Map<String, Json> {
    fn walk(v: &mut Json, prefix: &str, out: &mut Map<String, Json>) {
        let Some(o) = v.as_object_mut() else { return };
        let keys: Vec<String> = o.keys().cloned().collect();
        for k in keys {
            let full = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            if is_lifecycle(&full) {
                if let Some(value) = o.remove(&k) {
                    for (fk, fv) in common::string_settings(&json!({ full.clone(): value })) {
                        out.insert(normalized(&fk), fv);
                    }
                }
            } else if o.get(&k).is_some_and(Json::is_object) {
                walk(o.get_mut(&k).expect("present"), &full, out);
            }
        }
    }
    let mut out = Map::new();
    walk(settings, "", &mut out);
    out
}

/// `strip` on the settings at `pointer`, when the body has them (the body
/// is otherwise passed on as it came).
fn strip_at(body: &mut Json, pointer: &str) -> Map<String, Json> {
    body.pointer_mut(pointer).map(strip).unwrap_or_default()
}

/// Puts kept settings back into a `settings` object, nested (or flat).
fn restore(settings: &mut Json, kept: &Map<String, Json>, flat: bool) {
    if !settings.is_object() {
        *settings = json!({});
    }
    for (k, v) in kept {
        if flat {
            settings[k.as_str()] = v.clone();
            continue;
        }
        let mut at = &mut *settings;
        let parts: Vec<&str> = k.split('.').collect();
        for p in &parts[..parts.len() - 1] {
            if !at[*p].is_object() {
                at[*p] = json!({});
            }
            at = &mut at[*p];
        }
        at[parts[parts.len() - 1]] = v.clone();
    }
}

/// Which holder a path writes or reads, and where its settings sit.
fn holder(seg: &[&str]) -> Option<(Holder, Option<String>)> {
    match seg {
        ["_index_template", rest @ ..] => Some((Holder::Composable, rest.first().map(|s| s.to_string()))),
        ["_component_template", rest @ ..] => Some((Holder::Component, rest.first().map(|s| s.to_string()))),
        ["_template", rest @ ..] => Some((Holder::Legacy, rest.first().map(|s| s.to_string()))),
        [index, ..] if !index.starts_with('_') => Some((Holder::Index, Some(index.to_string()))),
        _ => None,
    }
}

/// The settings a composable template (and its components) gives a new
/// index called `index`.
fn inherited(e: &Elastic, index: &str) -> Map<String, Json> {
    let best = e
        .templates
        .iter()
        .filter(|(_, (patterns, _, _))| patterns.iter().any(|p| common::glob(p, index)))
        .max_by_key(|(_, (_, prio, _))| *prio);
    let mut out = Map::new();
    if let Some((name, (_, _, components))) = best {
        for c in components {
            if let Some(k) = e.kept.get(&(Holder::Component, c.clone())) {
                out.extend(k.clone());
            }
        }
        if let Some(k) = e.kept.get(&(Holder::Composable, name.clone())) {
            out.extend(k.clone());
        }
    }
    out
}

pub fn forward(server: &Server, req: &Request, seg: &[&str]) -> Reply {
    let Some((holder, name)) = holder(seg) else { return server.forward(req) };
    let m = req.method.as_str();
    let writes = matches!(m, "PUT" | "POST");
    let settings_write = writes && matches!(seg, [_, "_settings"]);
    let create = writes && (seg.len() == 2 && holder != Holder::Index || seg.len() == 1 && holder == Holder::Index);
    if let Some(name) = name.clone().filter(|_| create || settings_write) {
        let mut body = match req.json() {
            Ok(Some(b)) => b,
            // An index created without a body still takes its template's settings.
            Ok(None) if holder == Holder::Index && create => json!({}),
            _ => return server.forward(req),
        };
        let kept = match (holder, settings_write) {
            (_, true) => {
                if body.get("settings").is_some() {
                    strip_at(&mut body, "/settings")
                } else {
                    strip(&mut body)
                }
            }
            (Holder::Composable | Holder::Component, _) => strip_at(&mut body, "/template/settings"),
            _ => strip_at(&mut body, "/settings"),
        };
        let reply = if kept.is_empty() {
            server.forward(req)
        } else if settings_write && common::string_settings(&body).is_empty() {
            Reply::json(200, &json!({"acknowledged": true}))
        } else {
            let mut changed = Request {
                method: req.method.clone(),
                target: req.target.clone(),
                segments: req.segments.clone(),
                query: req.query.clone(),
                headers: req.headers.clone(),
                body: serde_json::to_vec(&body).unwrap_or_default(),
                keep_alive: req.keep_alive,
            };
            changed.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-length"));
            server.forward(&changed)
        };
        if reply.status == 200 {
            let mut st = server.state.lock().unwrap();
            let e = &mut st.elastic;
            let key = (holder, name.clone());
            let mut all = if settings_write { e.kept.get(&key).cloned().unwrap_or_default() } else { Map::new() };
            if holder == Holder::Index && !settings_write {
                all = inherited(e, &name);
            }
            all.extend(kept);
            if holder == Holder::Composable {
                let strings = |v: &Json| -> Vec<String> {
                    match v {
                        Json::String(s) => vec![s.clone()],
                        v => v.as_array().into_iter().flatten().filter_map(Json::as_str).map(String::from).collect(),
                    }
                };
                e.templates.insert(
                    name.clone(),
                    (
                        strings(&body["index_patterns"]),
                        body["priority"].as_i64().unwrap_or(0),
                        strings(&body["composed_of"]),
                    ),
                );
            }
            if all.is_empty() {
                e.kept.remove(&key);
            } else {
                e.kept.insert(key, all);
            }
        }
        return reply;
    }
    let mut reply = server.forward(req);
    if reply.status != 200 {
        return reply;
    }
    let mut st = server.state.lock().unwrap();
    let e = &mut st.elastic;
    if m == "DELETE" {
        if let Some(n) = name.filter(|_| seg.len() == if holder == Holder::Index { 1 } else { 2 }) {
            let held: Vec<String> = e.kept.keys().filter(|(h, _)| *h == holder).map(|(_, n)| n.clone()).collect();
            for gone in common::select(&n, held.iter()).0 {
                e.kept.remove(&(holder, gone));
            }
            if holder == Holder::Composable {
                let names: Vec<String> = e.templates.keys().cloned().collect();
                for gone in common::select(&n, names.iter()).0 {
                    e.templates.remove(&gone);
                }
            }
        }
        return reply;
    }
    if m != "GET" {
        return reply;
    }
    let Some(mut v) = reply.body_json() else { return reply };
    let flat = req.param("flat_settings") == Some("true");
    let kept_of = |n: &str| e.kept.get(&(holder, n.to_string()));
    match holder {
        Holder::Composable | Holder::Component => {
            let (list, field) = if holder == Holder::Composable {
                ("index_templates", "index_template")
            } else {
                ("component_templates", "component_template")
            };
            for entry in v[list].as_array_mut().into_iter().flatten() {
                let n = entry["name"].as_str().unwrap_or_default().to_string();
                if let Some(k) = kept_of(&n) {
                    restore(&mut entry[field]["template"]["settings"], k, flat);
                }
            }
        }
        Holder::Legacy | Holder::Index => {
            let reads_settings = holder == Holder::Legacy || seg.len() == 1 || matches!(seg, [_, "_settings", ..]);
            if reads_settings {
                for (n, entry) in v.as_object_mut().into_iter().flatten() {
                    if let Some(k) = kept_of(n) {
                        restore(&mut entry["settings"], k, flat);
                    }
                }
            }
        }
    }
    reply.body = serde_json::to_vec(&v).unwrap_or_default();
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_settings_are_taken_out_and_put_back() {
        let mut s = json!({"index": {"number_of_shards": 1, "lifecycle": {"name": "logs"}}, "lifecycle.rollover_alias": "a", "index.lifecycle.origination_date": 5});
        let kept = strip(&mut s);
        assert_eq!(s, json!({"index": {"number_of_shards": 1}}));
        assert_eq!(
            Json::Object(kept.clone()),
            json!({"index.lifecycle.name": "logs", "index.lifecycle.rollover_alias": "a", "index.lifecycle.origination_date": "5"})
        );
        let mut back = json!({"index": {"number_of_shards": "1"}});
        restore(&mut back, &kept, false);
        assert_eq!(back["index"]["lifecycle"]["name"], "logs");
        assert_eq!(back["index"]["number_of_shards"], "1");
    }

    #[test]
    fn schedules() {
        assert!(valid_schedule("0 30 1 * * ?"));
        assert!(valid_schedule("30m"));
        assert!(!valid_schedule("0 8 * * *"));
        assert!(!valid_schedule("daily"));
    }
}
