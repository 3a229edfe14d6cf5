//! Index State Management (<https://opensearch.org/docs/latest/im-plugin/ism/api/>),
//! under `_plugins/_ism` and `_opendistro/_ism`: policies with their
//! versions, and the indices each manages. A managed index keeps the
//! policy version it started with until `change_policy` moves it. Indices
//! live upstream: after each write passed upstream, the indices it created
//! get the policy their settings name or whose `ism_template` matches.
//!
//! Not modelled: time. A managed index sits in its policy's default state
//! (or the state `change_policy` names) forever; `change_policy` takes
//! effect at once, where ISM applies it when the current state finishes.

use crate::common::{self, error, Versions};
use crate::http::{Reply, Request};
use crate::Server;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

/// The schema version ISM stamps on what it stores (OpenSearch 2.17).
const SCHEMA_VERSION: u64 = 21;
const CONFIG_INDEX: &str = ".opendistro-ism-config";

#[derive(Default)]
pub struct Ism {
    policies: BTreeMap<String, (Json, Versions)>,
    managed: BTreeMap<String, Managed>,
    /// The uuids of the upstream indices seen so far (`None` until the first write).
    known: Option<std::collections::BTreeSet<String>>,
}

struct Managed {
    uuid: String,
    policy_id: String,
    policy_seq_no: u64,
    policy_primary_term: u64,
    state: String,
    enabled_at: u64,
}

pub fn route(server: &Server, req: &Request, seg: &[&str]) -> Option<Reply> {
    let ["_plugins" | "_opendistro", "_ism", rest @ ..] = seg else { return None };
    let m = req.method.as_str();
    Some(match (m, rest) {
        ("PUT", ["policies", id]) => put_policy(server, req, id),
        ("GET", ["policies", id]) => get_policy(server, id),
        ("DELETE", ["policies", id]) => delete_policy(server, id),
        ("GET", ["policies"]) => list_policies(server),
        ("POST", ["add", index]) => add(server, req, index),
        ("POST", ["remove", index]) => remove(server, index),
        ("POST", ["change_policy", index]) => change_policy(server, req, index),
        ("GET", ["explain", index]) => explain(server, Some(index)),
        ("GET", ["explain"]) => explain(server, None),
        _ => common::no_handler(m, &req.target),
    })
}

/// The actions ISM knows (<https://opensearch.org/docs/latest/im-plugin/ism/policies/#actions>),
/// with the tier actions of Amazon OpenSearch Service, whose managed domains
/// the logging module targets
/// (<https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ism.html>).
const ACTIONS: &[&str] = &[
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
    "warm_migration",
    "cold_migration",
    "cold_delete",
];

/// The policy as ISM stores and returns it, or its refusal.
fn parse_policy(id: &str, body: Option<Json>) -> Result<Json, Reply> {
    let invalid = |r: &str| error(400, "illegal_argument_exception", r);
    let Some(body) = body else { return Err(common::body_required()) };
    let Some(p) = body.get("policy").and_then(Json::as_object) else {
        return Err(error(
            400,
            "x_content_parse_exception",
            "[1:2] Failed to parse policy: expected the field [policy]",
        ));
    };
    // Policy.parse: unknown fields are refused, description and default_state required.
    for key in p.keys() {
        let known = [
            "schema_version",
            "last_updated_time",
            "policy_id",
            "description",
            "error_notification",
            "default_state",
            "states",
            "ism_template",
            "user",
        ];
        if !known.contains(&key.as_str()) {
            return Err(invalid(&format!("Invalid field: [{key}] found in Policy.")));
        }
    }
    if p.get("description").and_then(Json::as_str).is_none() {
        return Err(invalid("description is null"));
    }
    if p.get("default_state").and_then(Json::as_str).is_none() {
        return Err(invalid("default_state is null"));
    }
    let states = p.get("states").and_then(Json::as_array).cloned().unwrap_or_default();
    let mut names = Vec::new();
    for (i, s) in states.iter().enumerate() {
        let Some(name) = s["name"].as_str() else {
            return Err(invalid(&format!("Failed to parse state [{i}]: name is required")));
        };
        names.push(name.to_string());
        for action in s["actions"].as_array().into_iter().flatten() {
            for key in action.as_object().into_iter().flatten().map(|(k, _)| k) {
                if !ACTIONS.contains(&key.as_str()) && !matches!(key.as_str(), "retry" | "timeout" | "custom") {
                    return Err(invalid(&format!("Invalid field: [{key}] found in Actions.")));
                }
            }
        }
    }
    for s in &states {
        for t in s["transitions"].as_array().into_iter().flatten() {
            let to = t["state_name"].as_str().unwrap_or_default();
            if !names.iter().any(|n| n == to) {
                return Err(invalid(&format!(
                    "Policy contains a transition in state={} pointing to a nonexistent state={to}",
                    s["name"].as_str().unwrap_or_default()
                )));
            }
        }
    }
    let mut distinct = names.clone();
    distinct.sort();
    distinct.dedup();
    if distinct.len() != names.len() {
        return Err(invalid("Policy cannot have duplicate state names"));
    }
    if states.is_empty() {
        return Err(invalid("Policy must contain at least one State"));
    }
    let default_state = p.get("default_state").and_then(Json::as_str).unwrap_or_default();
    if !names.iter().any(|n| n == default_state) {
        return Err(invalid("Policy must have a valid default state"));
    }
    let now = common::now_millis();
    let templates = match p.get("ism_template") {
        None | Some(Json::Null) => Json::Null,
        Some(t) => {
            let list = match t {
                Json::Array(a) => a.clone(),
                other => vec![other.clone()],
            };
            let mut out = Vec::new();
            for t in list {
                let patterns = match &t["index_patterns"] {
                    Json::Array(a) if !a.is_empty() => Json::Array(a.clone()),
                    Json::String(s) => json!([s]),
                    _ => return Err(invalid("ism_template index_patterns is required")),
                };
                out.push(json!({
                    "index_patterns": patterns,
                    "priority": t.get("priority").cloned().unwrap_or(json!(0)),
                    "last_updated_time": now,
                }));
            }
            Json::Array(out)
        }
    };
    let mut stored = Map::new();
    stored.insert("policy_id".into(), json!(id));
    stored.insert("description".into(), p.get("description").cloned().unwrap_or(json!("")));
    stored.insert("last_updated_time".into(), json!(now));
    stored.insert("schema_version".into(), json!(SCHEMA_VERSION));
    stored.insert("error_notification".into(), p.get("error_notification").cloned().unwrap_or(Json::Null));
    stored.insert("default_state".into(), json!(default_state));
    stored.insert("states".into(), Json::Array(states.into_iter().map(stored_state).collect()));
    stored.insert("ism_template".into(), templates);
    Ok(Json::Object(stored))
}

/// A state as ISM writes it back: transitions always present, and each
/// action with the defaults its parser fills in (ActionRetry, RolloverAction
/// `copy_alias`, AllocationAction's `require`/`include`/`exclude`/`wait_for`,
/// ShrinkAction `switch_aliases`, a notification template's `lang`).
fn stored_state(mut state: Json) -> Json {
    if state.get("transitions").is_none() {
        state["transitions"] = json!([]);
    }
    if let Some(Json::Array(actions)) = state.get_mut("actions") {
        for action in actions.iter_mut() {
            let Some(a) = action.as_object_mut() else { continue };
            let retry = a.entry("retry").or_insert_with(|| json!({}));
            if let Some(r) = retry.as_object_mut() {
                r.entry("count").or_insert(json!(3));
                r.entry("backoff").or_insert(json!("exponential"));
                r.entry("delay").or_insert(json!("1m"));
            }
            let defaults: [(&str, Vec<(&str, Json)>); 3] = [
                ("rollover", vec![("copy_alias", json!(false))]),
                (
                    "allocation",
                    vec![
                        ("require", json!({})),
                        ("include", json!({})),
                        ("exclude", json!({})),
                        ("wait_for", json!(false)),
                    ],
                ),
                ("shrink", vec![("switch_aliases", json!(false))]),
            ];
            for (name, fields) in defaults {
                if let Some(Json::Object(body)) = a.get_mut(name) {
                    for (k, v) in fields {
                        body.entry(k).or_insert(v);
                    }
                }
            }
            if let Some(Json::Object(t)) = a.get_mut("notification").and_then(|n| n.get_mut("message_template")) {
                t.entry("lang").or_insert(json!("mustache"));
            }
        }
    }
    state
}

fn put_policy(server: &Server, req: &Request, id: &str) -> Reply {
    let expected = match common::version_params(req) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let body = match req.json() {
        Ok(b) => b,
        Err(e) => return common::bad_json(&e),
    };
    let policy = match parse_policy(id, body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let mut st = server.state.lock().unwrap();
    let current = st.ism.policies.get(id).map(|(_, v)| *v);
    let status = match (expected, current) {
        // Without versions the write is a create: an existing policy is a conflict.
        (None, Some(c)) => return common::already_exists(id, c),
        (None, None) => 201,
        (Some((s, p)), c) => match common::check_versions(id, c, s, p) {
            Ok(()) => 200,
            Err(r) => return r,
        },
    };
    let seq_no = st.next_seq();
    let v = Versions { seq_no, primary_term: 1, version: current.map_or(1, |c| c.version + 1) };
    st.ism.policies.insert(id.to_string(), (policy.clone(), v));
    Reply::json(
        status,
        &json!({"_id": id, "_version": v.version, "_primary_term": v.primary_term, "_seq_no": v.seq_no, "policy": {"policy": policy}}),
    )
}

fn not_found() -> Reply {
    error(404, "status_exception", "Policy not found")
}

fn get_policy(server: &Server, id: &str) -> Reply {
    let st = server.state.lock().unwrap();
    match st.ism.policies.get(id) {
        Some((p, v)) => Reply::json(
            200,
            &json!({"_id": id, "_version": v.version, "_seq_no": v.seq_no, "_primary_term": v.primary_term, "policy": p}),
        ),
        None => not_found(),
    }
}

fn list_policies(server: &Server) -> Reply {
    let st = server.state.lock().unwrap();
    let list: Vec<Json> = st
        .ism
        .policies
        .iter()
        .map(|(id, (p, v))| json!({"_id": id, "_version": v.version, "_seq_no": v.seq_no, "_primary_term": v.primary_term, "policy": p}))
        .collect();
    Reply::json(200, &json!({"policies": list, "total_policies": list.len()}))
}

fn delete_policy(server: &Server, id: &str) -> Reply {
    let mut st = server.state.lock().unwrap();
    let seq_no = st.next_seq();
    match st.ism.policies.remove(id) {
        Some((_, v)) => Reply::json(
            200,
            &json!({"_index": CONFIG_INDEX, "_id": id, "_version": v.version + 1, "result": "deleted", "forced_refresh": true, "_shards": common::shards(), "_seq_no": seq_no, "_primary_term": 1}),
        ),
        None => Reply::json(
            404,
            &json!({"_index": CONFIG_INDEX, "_id": id, "_version": 1, "result": "not_found", "forced_refresh": true, "_shards": common::shards(), "_seq_no": seq_no, "_primary_term": 1}),
        ),
    }
}

/// The indices `expr` names (upstream), or the index-not-found refusal
/// for a concrete name that does not exist.
fn resolve(server: &Server, expr: &str) -> Result<Vec<(String, String)>, Reply> {
    let all = server.indices()?;
    let (found, missing) = common::select(expr, all.keys());
    if let Some(m) = missing.first() {
        let mut body = common::error_body(404, "index_not_found_exception", &format!("no such index [{m}]"), None);
        let detail = json!({"index": m, "resource.id": m, "resource.type": "index_or_alias", "index_uuid": "_na_"});
        for (k, v) in detail.as_object().into_iter().flatten() {
            body["error"][k] = v.clone();
            body["error"]["root_cause"][0][k] = v.clone();
        }
        return Err(Reply::json(404, &body));
    }
    Ok(found.into_iter().filter(|n| !n.starts_with('.')).map(|n| (all[&n].clone(), n)).map(|(u, n)| (n, u)).collect())
}

fn status(updated: usize, failed: Vec<Json>) -> Reply {
    Reply::json(200, &json!({"updated_indices": updated, "failures": !failed.is_empty(), "failed_indices": failed}))
}

fn failed(index: &str, uuid: &str, reason: &str) -> Json {
    json!({"index_name": index, "index_uuid": uuid, "reason": reason})
}

fn manage(st: &mut crate::State, index: &str, uuid: &str, policy_id: &str) -> bool {
    let Some((p, v)) = st.ism.policies.get(policy_id) else { return false };
    let managed = Managed {
        uuid: uuid.to_string(),
        policy_id: policy_id.to_string(),
        policy_seq_no: v.seq_no,
        policy_primary_term: v.primary_term,
        state: p["default_state"].as_str().unwrap_or_default().to_string(),
        enabled_at: common::now_millis(),
    };
    st.ism.managed.insert(index.to_string(), managed);
    true
}

fn policy_id_of(req: &Request) -> Result<String, Reply> {
    let body = match req.json() {
        Ok(Some(b)) => b,
        Ok(None) => return Err(common::body_required()),
        Err(e) => return Err(common::bad_json(&e)),
    };
    match body["policy_id"].as_str() {
        Some(id) if !id.is_empty() => Ok(id.to_string()),
        _ => Err(error(400, "illegal_argument_exception", "Missing policy_id")),
    }
}

fn add(server: &Server, req: &Request, expr: &str) -> Reply {
    let policy_id = match policy_id_of(req) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let indices = match resolve(server, expr) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if indices.is_empty() {
        return status(0, Vec::new());
    }
    let mut st = server.state.lock().unwrap();
    if !st.ism.policies.contains_key(&policy_id) {
        return error(404, "status_exception", &format!("Could not find policy={policy_id}"));
    }
    let mut fails = Vec::new();
    let mut updated = 0;
    for (index, uuid) in &indices {
        if st.ism.managed.contains_key(index) {
            fails.push(failed(
                index,
                uuid,
                "This index already has a policy, use the update policy API to update index policies",
            ));
        } else if manage(&mut st, index, uuid, &policy_id) {
            updated += 1;
        }
    }
    status(updated, fails)
}

fn remove(server: &Server, expr: &str) -> Reply {
    let indices = match resolve(server, expr) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let mut st = server.state.lock().unwrap();
    let mut fails = Vec::new();
    let mut updated = 0;
    for (index, uuid) in &indices {
        if st.ism.managed.remove(index).is_some() {
            updated += 1;
        } else {
            fails.push(failed(index, uuid, "This index does not have a policy to remove"));
        }
    }
    status(updated, fails)
}

fn change_policy(server: &Server, req: &Request, expr: &str) -> Reply {
    let policy_id = match policy_id_of(req) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let body = req.json().ok().flatten().unwrap_or(Json::Null);
    let to_state = body["state"].as_str().map(String::from);
    let include: Vec<String> = body["include"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["state"].as_str().map(String::from))
        .collect();
    let indices = match resolve(server, expr) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let mut st = server.state.lock().unwrap();
    let Some((policy, v)) = st.ism.policies.get(&policy_id).map(|(p, v)| (p.clone(), *v)) else {
        return error(404, "status_exception", &format!("Could not find policy={policy_id}"));
    };
    if let Some(s) = &to_state {
        let known = policy["states"].as_array().into_iter().flatten().any(|x| x["name"] == s.as_str());
        if !known {
            return error(400, "status_exception", &format!("Failed to find state={s} in policy={policy_id}"));
        }
    }
    let mut fails = Vec::new();
    let mut updated = 0;
    for (index, uuid) in &indices {
        let Some(m) = st.ism.managed.get_mut(index) else {
            fails.push(failed(index, uuid, "This index is not being managed"));
            continue;
        };
        if !include.is_empty() && !include.contains(&m.state) {
            continue;
        }
        m.policy_id = policy_id.clone();
        m.policy_seq_no = v.seq_no;
        m.policy_primary_term = v.primary_term;
        if let Some(s) = &to_state {
            m.state = s.clone();
        } else if !policy["states"].as_array().into_iter().flatten().any(|x| x["name"] == m.state.as_str()) {
            m.state = policy["default_state"].as_str().unwrap_or_default().to_string();
        }
        updated += 1;
    }
    status(updated, fails)
}

fn explain(server: &Server, expr: Option<&str>) -> Reply {
    let all = match server.indices() {
        Ok(a) => a,
        Err(r) => return r,
    };
    let wanted: Vec<(String, String)> = match expr {
        Some(e) => match resolve(server, e) {
            Ok(i) => i,
            Err(r) => return r,
        },
        None => Vec::new(),
    };
    let mut st = server.state.lock().unwrap();
    // Indices deleted upstream are no longer managed.
    st.ism.managed.retain(|name, m| all.get(name).is_some_and(|u| *u == m.uuid));
    let mut out = Map::new();
    let mut total = 0;
    let names: Vec<(String, String)> = match expr {
        Some(_) => wanted,
        None => st.ism.managed.iter().map(|(n, m)| (n.clone(), m.uuid.clone())).collect(),
    };
    for (index, uuid) in names {
        let entry = match st.ism.managed.get(&index) {
            Some(m) => {
                total += 1;
                json!({
                    "index.plugins.index_state_management.policy_id": m.policy_id,
                    "index.opendistro.index_state_management.policy_id": m.policy_id,
                    "index": index,
                    "index_uuid": uuid,
                    "policy_id": m.policy_id,
                    "policy_seq_no": m.policy_seq_no,
                    "policy_primary_term": m.policy_primary_term,
                    "state": {"name": m.state, "start_time": m.enabled_at},
                    "retry_info": {"failed": false, "consumed_retries": 0},
                    "info": {"message": format!("Successfully initialized policy: {}", m.policy_id)},
                    "enabled": true
                })
            }
            None => json!({
                "index.plugins.index_state_management.policy_id": null,
                "index.opendistro.index_state_management.policy_id": null,
                "enabled": null
            }),
        };
        out.insert(index, entry);
    }
    out.insert("total_managed_indices".into(), json!(total));
    Reply::json(200, &Json::Object(out))
}

/// The policy a new index names in its settings (ISM's "add policy at
/// index creation"), flat or nested.
fn policy_setting(body: &Json) -> Option<String> {
    let flat = common::string_settings(&body["settings"]);
    [
        "index.plugins.index_state_management.policy_id",
        "plugins.index_state_management.policy_id",
        "index.opendistro.index_state_management.policy_id",
        "opendistro.index_state_management.policy_id",
    ]
    .iter()
    .find_map(|k| flat.get(*k).and_then(Json::as_str).map(String::from))
}

/// The policy whose `ism_template` matches `index`: the highest priority wins.
fn template_policy(ism: &Ism, index: &str) -> Option<String> {
    if index.starts_with('.') {
        return None;
    }
    let mut best: Option<(i64, String)> = None;
    for (id, (p, _)) in &ism.policies {
        for t in p["ism_template"].as_array().into_iter().flatten() {
            let hit = t["index_patterns"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Json::as_str)
                .any(|pat| common::glob(pat, index));
            let prio = t["priority"].as_i64().unwrap_or(0);
            if hit && best.as_ref().is_none_or(|(b, _)| prio > *b) {
                best = Some((prio, id.clone()));
            }
        }
    }
    best.map(|(_, id)| id)
}

/// Before a write goes upstream: the indices already there are noted
/// once, so that only indices created from now on get a policy.
pub fn before_forward(server: &Server, req: &Request) {
    if !matches!(req.method.as_str(), "PUT" | "POST") || server.state.lock().unwrap().ism.known.is_some() {
        return;
    }
    if let Ok(all) = server.indices() {
        server.state.lock().unwrap().ism.known.get_or_insert_with(|| all.into_values().collect());
    }
}

/// After a request went upstream: every index it created (`PUT /{index}`,
/// or a document written to a new index) gets the policy its settings name
/// (ISM's "add policy at index creation") or the one whose `ism_template`
/// matches it; a deleted index stops being managed.
pub fn after_forward(server: &Server, req: &Request, seg: &[&str], reply: &Reply) {
    if !(200..300).contains(&reply.status) {
        return;
    }
    match req.method.as_str() {
        "PUT" | "POST" => {
            let Ok(all) = server.indices() else { return };
            let named = match seg {
                [index] if req.method == "PUT" => {
                    req.json().ok().flatten().and_then(|b| policy_setting(&b)).map(|p| (index.to_string(), p))
                }
                _ => None,
            };
            let mut st = server.state.lock().unwrap();
            let mut known = st.ism.known.take().unwrap_or_default();
            for (index, uuid) in all {
                if !known.insert(uuid.clone()) {
                    continue;
                }
                let chosen = match &named {
                    Some((n, p)) if *n == index => Some(p.clone()),
                    _ => template_policy(&st.ism, &index),
                };
                if let Some(id) = chosen {
                    manage(&mut st, &index, &uuid, &id);
                }
            }
            st.ism.known = Some(known);
        }
        "DELETE" => {
            let [index] = seg else { return };
            let mut st = server.state.lock().unwrap();
            let names: Vec<String> = st.ism.managed.keys().cloned().collect();
            let (gone, _) = common::select(index, names.iter());
            for g in gone {
                st.ism.managed.remove(&g);
            }
        }
        _ => {}
    }
}
