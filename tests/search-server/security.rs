//! The security plugin's roles API (<https://opensearch.org/docs/latest/security/access-control/api/#roles>),
//! under `_plugins/_security/api` and `_opendistro/_security/api`: its
//! `{"status","message"}` answers, its configuration checks (unknown keys,
//! wrong types), and its immutable roles: static ones (`all_access`,
//! `kibana_user`, `readall`) and reserved ones (`security_rest_api_access`)
//! are refused with 403 as opensearch-project/security's EndpointValidator
//! refuses them (static is checked before reserved). Roles are stored, not
//! evaluated: nothing here applies field- or document-level security.
//! Role mappings (`rolesmapping`, the same page): `backend_roles`, `hosts`,
//! `users`, `and_backend_roles` (lists of strings) and `description`; a
//! mapping needs its role to exist (404 otherwise) and a reserved one is
//! refused with 403.

use crate::http::{Reply, Request};
use crate::Server;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

pub struct Roles {
    roles: BTreeMap<String, Json>,
    /// Role name → its mapping (`rolesmapping`); the security_rest_api_access
    /// mapping is reserved, as in the plugin's demo configuration.
    mappings: BTreeMap<String, Json>,
}

impl Default for Roles {
    fn default() -> Self {
        let builtin = |reserved: bool, is_static: bool, description: &str, cluster: Json, index: Json| {
            json!({
                "reserved": reserved,
                "hidden": false,
                "description": description,
                "cluster_permissions": cluster,
                "index_permissions": index,
                "tenant_permissions": [],
                "static": is_static
            })
        };
        let all = json!([{"index_patterns": ["*"], "fls": [], "masked_fields": [], "allowed_actions": ["*"]}]);
        let read = json!([{"index_patterns": ["*"], "fls": [], "masked_fields": [], "allowed_actions": ["read", "indices:admin/mappings/get", "indices_monitor"]}]);
        let roles = BTreeMap::from([
            (
                "all_access".to_string(),
                builtin(true, true, "Allow full access to all indices and all cluster APIs", json!(["*"]), all),
            ),
            (
                "kibana_user".to_string(),
                builtin(
                    true,
                    true,
                    "Provide the minimum permissions for a Dashboards user",
                    json!(["cluster_composite_ops"]),
                    json!([]),
                ),
            ),
            (
                "readall".to_string(),
                builtin(
                    true,
                    true,
                    "Provide the minimum permissions for to readall indices",
                    json!(["cluster_composite_ops_ro"]),
                    read,
                ),
            ),
            ("security_rest_api_access".to_string(), builtin(true, false, "", json!([]), json!([]))),
        ]);
        let mappings = BTreeMap::from([(
            "security_rest_api_access".to_string(),
            json!({"reserved": true, "hidden": false, "backend_roles": [], "hosts": [], "users": [], "and_backend_roles": []}),
        )]);
        Roles { roles, mappings }
    }
}

fn message(status: u16, text: &str) -> Reply {
    let word = match status {
        200 => "OK",
        201 => "CREATED",
        400 => "BAD_REQUEST",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        _ => "error",
    };
    Reply::json(status, &json!({"status": word, "message": text}))
}

pub fn route(server: &Server, req: &Request, seg: &[&str]) -> Option<Reply> {
    if let ["_plugins" | "_opendistro", "_security", "api", "rolesmapping", rest @ ..] = seg {
        return Some(mapping_route(server, req, rest));
    }
    let ["_plugins" | "_opendistro", "_security", "api", "roles", rest @ ..] = seg else { return None };
    let m = req.method.as_str();
    Some(match (m, rest) {
        ("GET", []) => {
            let st = server.state.lock().unwrap();
            let all: Map<String, Json> = st
                .roles
                .roles
                .iter()
                .filter(|(_, r)| r["hidden"] != true)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Reply::json(200, &Json::Object(all))
        }
        ("GET", [name]) => {
            let st = server.state.lock().unwrap();
            match st.roles.roles.get(*name) {
                Some(r) => Reply::json(200, &json!({ *name: r })),
                None => message(404, &format!("role '{name}' not found.")),
            }
        }
        ("PUT", [name]) => put(server, req, name),
        ("DELETE", [name]) => {
            let mut st = server.state.lock().unwrap();
            if let Some(r) = immutable(st.roles.roles.get(*name), name) {
                return Some(r);
            }
            match st.roles.roles.remove(*name) {
                Some(_) => message(200, &format!("'{name}' deleted.")),
                None => message(404, &format!("role '{name}' not found.")),
            }
        }
        _ => crate::common::no_handler(m, &req.target),
    })
}

fn immutable(role: Option<&Json>, name: &str) -> Option<Reply> {
    let role = role?;
    if role["static"] == true {
        return Some(message(403, &format!("Resource '{name}' is static.")));
    }
    if role["reserved"] == true {
        return Some(message(403, &format!("Resource '{name}' is reserved.")));
    }
    None
}

fn invalid(kind: &str, detail: Json) -> Reply {
    let mut body = json!({"status": "error", "reason": "Invalid configuration"});
    body[kind] = detail;
    Reply::json(400, &body)
}

/// The role as the plugin stores it, or the plugin's refusal.
fn parse(body: &Json) -> Result<Json, Reply> {
    let Some(o) = body.as_object() else {
        return Err(Reply::json(
            400,
            &json!({"status": "error", "reason": "Invalid configuration", "invalid_keys": {"keys": "body is not an object"}}),
        ));
    };
    let allowed = ["description", "cluster_permissions", "index_permissions", "tenant_permissions"];
    let unknown: Vec<&str> = o.keys().map(String::as_str).filter(|k| !allowed.contains(k)).collect();
    if !unknown.is_empty() {
        return Err(invalid("invalid_keys", json!({"keys": unknown.join(",")})));
    }
    let mut wrong = Map::new();
    let strings = |v: &Json| v.as_array().is_some_and(|a| a.iter().all(Json::is_string));
    if o.get("description").is_some_and(|d| !d.is_string()) {
        wrong.insert("description".into(), json!("String expected"));
    }
    if o.get("cluster_permissions").is_some_and(|c| !strings(c)) {
        wrong.insert("cluster_permissions".into(), json!("Array expected"));
    }
    for key in ["index_permissions", "tenant_permissions"] {
        if o.get(key).is_some_and(|c| !c.as_array().is_some_and(|a| a.iter().all(Json::is_object))) {
            wrong.insert(key.into(), json!("Array expected"));
        }
    }
    if !wrong.is_empty() {
        return Err(invalid("wrong_datatypes", Json::Object(wrong)));
    }
    let mut index = Vec::new();
    for p in o.get("index_permissions").and_then(Json::as_array).into_iter().flatten() {
        let mut e = Map::new();
        e.insert("index_patterns".into(), p.get("index_patterns").cloned().unwrap_or(json!([])));
        if let Some(dls) = p.get("dls").filter(|d| d.as_str().is_some_and(|s| !s.is_empty())) {
            e.insert("dls".into(), dls.clone());
        }
        e.insert("fls".into(), p.get("fls").cloned().unwrap_or(json!([])));
        e.insert("masked_fields".into(), p.get("masked_fields").cloned().unwrap_or(json!([])));
        e.insert("allowed_actions".into(), p.get("allowed_actions").cloned().unwrap_or(json!([])));
        index.push(Json::Object(e));
    }
    let tenants: Vec<Json> = o
        .get("tenant_permissions")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .map(|t| {
            json!({"tenant_patterns": t.get("tenant_patterns").cloned().unwrap_or(json!([])), "allowed_actions": t.get("allowed_actions").cloned().unwrap_or(json!([]))})
        })
        .collect();
    let mut role = Map::new();
    role.insert("reserved".into(), json!(false));
    role.insert("hidden".into(), json!(false));
    if let Some(d) = o.get("description") {
        role.insert("description".into(), d.clone());
    }
    role.insert("cluster_permissions".into(), o.get("cluster_permissions").cloned().unwrap_or(json!([])));
    role.insert("index_permissions".into(), Json::Array(index));
    role.insert("tenant_permissions".into(), Json::Array(tenants));
    role.insert("static".into(), json!(false));
    Ok(Json::Object(role))
}

fn put(server: &Server, req: &Request, name: &str) -> Reply {
    let body = match req.json() {
        Ok(Some(b)) => b,
        Ok(None) => {
            return Reply::json(400, &json!({"status": "error", "reason": "Request body required for this action."}))
        }
        Err(_) => return Reply::json(400, &json!({"status": "error", "reason": "Unable to parse content"})),
    };
    let mut st = server.state.lock().unwrap();
    if let Some(r) = immutable(st.roles.roles.get(name), name) {
        return r;
    }
    let role = match parse(&body) {
        Ok(r) => r,
        Err(r) => return r,
    };
    match st.roles.roles.insert(name.to_string(), role) {
        Some(_) => message(200, &format!("'{name}' updated.")),
        None => message(201, &format!("'{name}' created.")),
    }
}

/// The rolesmapping API: GET all or one, PUT (create 201, replace 200),
/// DELETE.
fn mapping_route(server: &Server, req: &Request, rest: &[&str]) -> Reply {
    let m = req.method.as_str();
    let mut st = server.state.lock().unwrap();
    match (m, rest) {
        ("GET", []) => {
            let all: Map<String, Json> = st.roles.mappings.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            Reply::json(200, &Json::Object(all))
        }
        ("GET", [name]) => match st.roles.mappings.get(*name) {
            Some(v) => Reply::json(200, &json!({ *name: v })),
            None => message(404, &format!("'{name}' not found.")),
        },
        ("PUT", [name]) => {
            let body = match req.json() {
                Ok(Some(b)) => b,
                Ok(None) => {
                    return Reply::json(
                        400,
                        &json!({"status": "error", "reason": "Request body required for this action."}),
                    )
                }
                Err(_) => return Reply::json(400, &json!({"status": "error", "reason": "Unable to parse content"})),
            };
            if st.roles.mappings.get(*name).is_some_and(|v| v["reserved"] == true) {
                return message(403, &format!("Resource '{name}' is reserved."));
            }
            if !st.roles.roles.contains_key(*name) {
                return message(404, &format!("The role '{name}' does not exist."));
            }
            let Some(fields) = body.as_object() else {
                return invalid("wrong_datatypes", json!({"body": "Object expected"}));
            };
            let mut mapping = json!({"reserved": false, "hidden": false, "backend_roles": [], "hosts": [], "users": [], "and_backend_roles": []});
            for (k, v) in fields {
                match k.as_str() {
                    "backend_roles" | "hosts" | "users" | "and_backend_roles"
                        if v.as_array().is_some_and(|a| a.iter().all(Json::is_string)) =>
                    {
                        mapping[k] = v.clone();
                    }
                    "description" if v.is_string() => mapping[k] = v.clone(),
                    "description" => return invalid("wrong_datatypes", json!({"description": "String expected"})),
                    "backend_roles" | "hosts" | "users" | "and_backend_roles" => {
                        return invalid("wrong_datatypes", json!({ k.as_str(): "Array expected" }))
                    }
                    _ => return invalid("invalid_keys", json!({"keys": k})),
                }
            }
            match st.roles.mappings.insert(name.to_string(), mapping) {
                Some(_) => message(200, &format!("'{name}' updated.")),
                None => message(201, &format!("'{name}' created.")),
            }
        }
        ("DELETE", [name]) => {
            if st.roles.mappings.get(*name).is_some_and(|v| v["reserved"] == true) {
                return message(403, &format!("Resource '{name}' is reserved."));
            }
            match st.roles.mappings.remove(*name) {
                Some(_) => message(200, &format!("'{name}' deleted.")),
                None => message(404, &format!("'{name}' not found.")),
            }
        }
        _ => crate::common::no_handler(m, &req.target),
    }
}
