//! Snapshot management (<https://opensearch.org/docs/latest/tuning-your-cluster/availability-and-recovery/snapshots/sm-api/>):
//! `POST` creates (201; a conflict when the policy exists), `PUT` with
//! `if_seq_no`/`if_primary_term` updates, and the stored policy carries
//! what SM adds (`schema_version`, `schedule`, `enabled_time`,
//! `last_updated_time`). The policy's document id is `<name>-sm-policy`.
//! SM does not check that the repository exists when a policy is written
//! (index-management's TransportIndexSMPolicyAction indexes it as given),
//! so neither does this server; the checks and their messages are
//! SMPolicy.parse's (unknown fields are skipped, `deletion.condition`
//! gets `min_count` 1). No snapshot is ever taken.

use crate::common::{self, error, Versions};
use crate::http::{Reply, Request};
use crate::Server;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

const SCHEMA_VERSION: u64 = 21;

#[derive(Default)]
pub struct Sm {
    policies: BTreeMap<String, (Json, Versions)>,
}

fn doc_id(name: &str) -> String {
    format!("{name}-sm-policy")
}

pub fn route(server: &Server, req: &Request, seg: &[&str]) -> Option<Reply> {
    let ["_plugins", "_sm", "policies", rest @ ..] = seg else { return None };
    let m = req.method.as_str();
    Some(match (m, rest) {
        ("POST", [name]) => write(server, req, name, true),
        ("PUT", [name]) => write(server, req, name, false),
        ("GET", [name]) => get(server, name),
        ("DELETE", [name]) => delete(server, name),
        ("GET", []) => list(server),
        ("GET", [names, "_explain"]) => explain(server, names),
        ("POST", [name, "_start"]) => enable(server, name, true),
        ("POST", [name, "_stop"]) => enable(server, name, false),
        _ => common::no_handler(m, &req.target),
    })
}

/// One field of a cron expression: `*`, `*/n`, numbers, ranges and lists
/// within `lo..=hi` (names for months and days as cron-utils takes them).
fn cron_field(f: &str, lo: u32, hi: u32) -> bool {
    let names = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", "SUN", "MON", "TUE", "WED",
        "THU", "FRI", "SAT",
    ];
    f.split(',').all(|part| {
        let (range, step) = part.split_once('/').unwrap_or((part, "1"));
        let step_ok = step.parse::<u32>().is_ok_and(|s| s > 0);
        let value_ok = |v: &str| {
            v.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n)) || names.contains(&v.to_ascii_uppercase().as_str())
        };
        let range_ok = range == "*"
            || match range.split_once('-') {
                Some((a, b)) => value_ok(a) && value_ok(b),
                None => value_ok(range),
            };
        step_ok && range_ok
    })
}

/// A Unix cron expression (5 fields), as SM's job scheduler parses it.
pub fn valid_unix_cron(expr: &str) -> bool {
    let f: Vec<&str> = expr.split_whitespace().collect();
    f.len() == 5
        && cron_field(f[0], 0, 59)
        && cron_field(f[1], 0, 23)
        && cron_field(f[2], 1, 31)
        && cron_field(f[3], 1, 12)
        && cron_field(f[4], 0, 7)
}

fn check_schedule(part: &str, v: &Json) -> Result<(), Reply> {
    let expr = v["cron"]["expression"].as_str().unwrap_or_default();
    if !valid_unix_cron(expr) {
        return Err(error(
            400,
            "illegal_argument_exception",
            &format!("Invalid cron expression [{expr}] in {part}.schedule"),
        ));
    }
    Ok(())
}

fn parse(name: &str, body: Option<Json>, prior: Option<&Json>) -> Result<Json, Reply> {
    let invalid = |r: &str| Err(error(400, "illegal_argument_exception", r));
    let Some(body) = body else { return Err(common::body_required()) };
    let Some(p) = body.as_object() else { return invalid("an SM policy is an object") };
    if name.chars().any(|c| c.is_ascii_uppercase() || c.is_whitespace() || "#*?\"<>|,/\\".contains(c))
        || name.starts_with('_')
    {
        return invalid(&format!("Policy name [{name}] must not contain uppercase letters, whitespace, or any of the characters # * ? \" < > | , / \\ and must not start with _"));
    }
    // SMPolicy.parse skips fields it does not know.
    let Some(creation) = p.get("creation") else { return invalid("Must provide the creation configuration.") };
    if creation.get("schedule").is_none() {
        return invalid("schedule field must not be null");
    }
    check_schedule("creation", &creation["schedule"])?;
    let Some(config) = p.get("snapshot_config").filter(|c| c.is_object()) else {
        return invalid("snapshot_config field must not be null");
    };
    if config["repository"].as_str().is_none_or(str::is_empty) {
        return invalid("Must provide the repository in snapshot config.");
    }
    let mut deletion = p.get("deletion").cloned();
    if let Some(d) = deletion.as_mut() {
        if d.get("schedule").is_some() {
            check_schedule("deletion", &d["schedule"])?;
        } else {
            // SM uses the creation schedule for deletion when none is given.
            d["schedule"] = creation["schedule"].clone();
        }
        let Some(c) = d.get("condition").and_then(Json::as_object) else {
            return invalid("condition must not be null.");
        };
        if c.get("max_count").is_none() && c.get("max_age").is_none() {
            return invalid("Please provide max_age or max_count.");
        }
        let min = c.get("min_count").and_then(Json::as_i64).unwrap_or(1);
        if min < 1 {
            return invalid("min_count should be bigger than 0.");
        }
        if let Some(max) = c.get("max_count").and_then(Json::as_i64) {
            if max - min <= 0 {
                return invalid("max_count should be bigger than min_count.");
            }
        }
        // Written back as SM writes it: max_age, min_count (default 1), max_count.
        let mut condition = Map::new();
        if let Some(a) = c.get("max_age") {
            condition.insert("max_age".into(), a.clone());
        }
        condition.insert("min_count".into(), json!(min));
        if let Some(m) = c.get("max_count") {
            condition.insert("max_count".into(), m.clone());
        }
        let mut out = Map::new();
        out.insert("schedule".into(), d["schedule"].clone());
        out.insert("condition".into(), Json::Object(condition));
        for k in ["time_limit", "snapshot_pattern"] {
            if let Some(v) = d.get(k) {
                out.insert(k.into(), v.clone());
            }
        }
        *d = Json::Object(out);
    }
    let now = common::now_millis();
    let enabled = p.get("enabled").and_then(Json::as_bool).unwrap_or(true);
    let mut s = Map::new();
    s.insert("name".into(), json!(name));
    if let Some(d) = p.get("description") {
        s.insert("description".into(), d.clone());
    }
    s.insert("schema_version".into(), json!(SCHEMA_VERSION));
    let mut created = Map::new();
    created.insert("schedule".into(), creation["schedule"].clone());
    if let Some(t) = creation.get("time_limit") {
        created.insert("time_limit".into(), t.clone());
    }
    s.insert("creation".into(), Json::Object(created));
    if let Some(d) = deletion {
        s.insert("deletion".into(), d);
    }
    s.insert("snapshot_config".into(), config.clone());
    let start = prior.and_then(|p| p["schedule"]["interval"]["start_time"].as_u64()).unwrap_or(now);
    s.insert("schedule".into(), json!({"interval": {"start_time": start, "period": 1, "unit": "Minutes"}}));
    s.insert("enabled".into(), json!(enabled));
    s.insert("last_updated_time".into(), json!(now));
    s.insert("enabled_time".into(), if enabled { json!(now) } else { Json::Null });
    if let Some(n) = p.get("notification") {
        s.insert("notification".into(), n.clone());
    }
    Ok(Json::Object(s))
}

fn answer(status: u16, name: &str, p: &Json, v: Versions) -> Reply {
    Reply::json(
        status,
        &json!({"_id": doc_id(name), "_version": v.version, "_seq_no": v.seq_no, "_primary_term": v.primary_term, "sm_policy": p}),
    )
    .with_header("Location", &format!("_plugins/_sm/policies/{name}"))
}

fn write(server: &Server, req: &Request, name: &str, create: bool) -> Reply {
    let expected = match common::version_params(req) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let body = match req.json() {
        Ok(b) => b,
        Err(e) => return common::bad_json(&e),
    };
    let mut st = server.state.lock().unwrap();
    let current = st.sm.policies.get(name).cloned();
    let policy = match parse(name, body, current.as_ref().map(|(p, _)| p)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let id = doc_id(name);
    match (create, expected, current.as_ref()) {
        (true, _, Some((_, v))) => return common::already_exists(&id, *v),
        (true, _, None) => {}
        (false, None, _) => {
            return error(
                400,
                "illegal_argument_exception",
                "Must provide the seq_no and primary_term parameters to update an SM policy.",
            )
        }
        (false, Some((s, p)), c) => {
            if let Err(r) = common::check_versions(&id, c.map(|(_, v)| *v), s, p) {
                return r;
            }
        }
    }
    let seq_no = st.next_seq();
    let v = Versions { seq_no, primary_term: 1, version: current.as_ref().map_or(1, |(_, c)| c.version + 1) };
    st.sm.policies.insert(name.to_string(), (policy.clone(), v));
    answer(if create { 201 } else { 200 }, name, &policy, v)
}

fn not_found() -> Reply {
    error(404, "status_exception", "Snapshot management policy not found")
}

fn get(server: &Server, name: &str) -> Reply {
    let st = server.state.lock().unwrap();
    match st.sm.policies.get(name) {
        Some((p, v)) => answer(200, name, p, *v),
        None => not_found(),
    }
}

fn list(server: &Server) -> Reply {
    let st = server.state.lock().unwrap();
    let list: Vec<Json> = st
        .sm
        .policies
        .iter()
        .map(|(n, (p, v))| json!({"_id": doc_id(n), "_seq_no": v.seq_no, "_primary_term": v.primary_term, "sm_policy": p}))
        .collect();
    Reply::json(200, &json!({"policies": list, "total_policies": list.len()}))
}

fn delete(server: &Server, name: &str) -> Reply {
    let mut st = server.state.lock().unwrap();
    let Some((_, v)) = st.sm.policies.remove(name) else { return not_found() };
    let seq_no = st.next_seq();
    Reply::json(
        200,
        &json!({"_index": ".opendistro-ism-config", "_id": doc_id(name), "_version": v.version + 1, "result": "deleted", "forced_refresh": true, "_shards": common::shards(), "_seq_no": seq_no, "_primary_term": 1}),
    )
}

fn explain(server: &Server, names: &str) -> Reply {
    let st = server.state.lock().unwrap();
    let all: Vec<String> = st.sm.policies.keys().cloned().collect();
    let (found, _) = common::select(names, all.iter());
    let policies: Vec<Json> = found
        .iter()
        .map(|n| {
            let (p, v) = &st.sm.policies[n];
            let trigger = p["schedule"]["interval"]["start_time"].as_u64().unwrap_or(0) + 60_000;
            json!({
                "name": n,
                "creation": {"current_state": "CREATION_START", "trigger": {"time": trigger}},
                "deletion": {"current_state": "DELETION_START", "trigger": {"time": trigger}},
                "policy_seq_no": v.seq_no,
                "policy_primary_term": v.primary_term,
                "enabled": p["enabled"]
            })
        })
        .collect();
    Reply::json(200, &json!({"policies": policies}))
}

fn enable(server: &Server, name: &str, on: bool) -> Reply {
    let mut st = server.state.lock().unwrap();
    let seq_no = st.next_seq();
    let Some((p, v)) = st.sm.policies.get_mut(name) else { return not_found() };
    if p["enabled"] != on {
        p["enabled"] = json!(on);
        p["enabled_time"] = if on { json!(common::now_millis()) } else { Json::Null };
        v.seq_no = seq_no;
        v.version += 1;
    }
    Reply::json(200, &json!({"acknowledged": true}))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cron_expressions() {
        assert!(super::valid_unix_cron("0 8 * * *"));
        assert!(super::valid_unix_cron("*/15 1-5 * JAN-MAR MON,FRI"));
        assert!(!super::valid_unix_cron("0 8 * *"));
        assert!(!super::valid_unix_cron("61 8 * * *"));
        assert!(!super::valid_unix_cron("daily"));
    }
}
