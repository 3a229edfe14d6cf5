//! Snapshot repositories (`_snapshot`), the same API in both products:
//! register (`PUT`/`POST _snapshot/{name}`), read one, some (`a,b*`) or
//! all (`_snapshot`, `_snapshot/_all`), delete, verify. Settings come back
//! as strings, as the servers store them. The repository types' own
//! checks: `fs` needs `location`, `s3` needs `bucket`; a failure is the
//! `repository_exception` "failed to create repository" with the type's
//! reason as its cause (status 500, as RepositoriesService answers). No
//! storage is touched: verification always succeeds, no snapshot is made.

use crate::common::{self, error, error_caused};
use crate::http::{Reply, Request};
use crate::Server;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct Repositories {
    repos: BTreeMap<String, Json>,
}

impl Repositories {
    pub fn exists(&self, name: &str) -> bool {
        self.repos.contains_key(name)
    }
}

pub fn route(server: &Server, req: &Request, seg: &[&str]) -> Option<Reply> {
    let ["_snapshot", rest @ ..] = seg else { return None };
    let m = req.method.as_str();
    Some(match (m, rest) {
        ("GET", []) => get(server, "_all"),
        ("GET", [names]) => get(server, names),
        ("PUT" | "POST", [name]) => put(server, req, name),
        ("DELETE", [names]) => delete(server, names),
        ("POST", [name, "_verify"]) => verify(server, name),
        // Snapshots themselves are not served.
        _ => common::no_handler(m, &req.target),
    })
}

fn missing(name: &str) -> Reply {
    error(404, "repository_missing_exception", &format!("[{name}] missing"))
}

fn put(server: &Server, req: &Request, name: &str) -> Reply {
    let body = match req.json() {
        Ok(Some(b)) => b,
        Ok(None) => return common::body_required(),
        Err(e) => return common::bad_json(&e),
    };
    let Some(kind) = body["type"].as_str().filter(|t| !t.is_empty()) else {
        return error(400, "action_request_validation_exception", "Validation Failed: 1: type is missing;");
    };
    let settings = common::string_settings(&body["settings"]);
    let failed = |cause: String| {
        error_caused(
            500,
            "repository_exception",
            &format!("[{name}] failed to create repository"),
            "repository_exception",
            &format!("[{name}] {cause}"),
        )
    };
    match kind {
        "fs" if !settings.contains_key("location") => return failed("missing location".into()),
        "s3" if settings.get("bucket").and_then(Json::as_str).is_none_or(str::is_empty) => {
            return failed("No bucket defined for s3 repository".into())
        }
        "fs" | "s3" => {}
        other => {
            return error(500, "repository_exception", &format!("[{name}] repository type [{other}] does not exist"));
        }
    }
    let mut st = server.state.lock().unwrap();
    st.repositories.repos.insert(name.to_string(), json!({"type": kind, "settings": settings}));
    Reply::json(200, &json!({"acknowledged": true}))
}

fn get(server: &Server, names: &str) -> Reply {
    let st = server.state.lock().unwrap();
    let (found, missing_names) = common::select(names, st.repositories.repos.keys());
    if let Some(m) = missing_names.first() {
        return missing(m);
    }
    let out: Map<String, Json> = found.into_iter().map(|n| (n.clone(), st.repositories.repos[&n].clone())).collect();
    Reply::json(200, &Json::Object(out))
}

fn delete(server: &Server, names: &str) -> Reply {
    let mut st = server.state.lock().unwrap();
    let (found, missing_names) = common::select(names, st.repositories.repos.keys());
    if let Some(m) = missing_names.first() {
        return missing(m);
    }
    if found.is_empty() {
        return missing(names);
    }
    for n in found {
        st.repositories.repos.remove(&n);
    }
    Reply::json(200, &json!({"acknowledged": true}))
}

fn verify(server: &Server, name: &str) -> Reply {
    let st = server.state.lock().unwrap();
    if !st.repositories.exists(name) {
        return missing(name);
    }
    Reply::json(200, &json!({"nodes": {"c2VhcmNoLXRlc3Qtbm9kZQ": {"name": "search-test-server"}}}))
}
