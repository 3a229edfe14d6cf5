//! Snapshot repositories (`_snapshot/{name}`), the same API in both
//! products: a name, a `type` (`s3`, `fs`, `url`, …) and its `settings`,
//! which the server returns as strings (so the map of strings the
//! configuration holds compares as it is). Registering one verifies that
//! every node can reach it, unless `verify = false`. The settings each
//! type requires are checked before anything is sent, as the repository
//! plugins check them.

use crate::connection::{refused, Settings};
use crate::document::at;
use crate::document::segment;
use crate::resource::{Failure, ResourceType};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::values::{attr, bool_attr, map_of, str_attr, string_map};
use strata_provider::*;

/// `opensearch_snapshot_repository` / `elasticsearch_snapshot_repository`.
pub struct Repository {
    pub type_name: &'static str,
}

impl ResourceType for Repository {
    fn type_name(&self) -> &'static str {
        self.type_name
    }
    fn schema(&self) -> ResourceSchema {
        schema()
    }
    fn validate(&self, config: &Value) -> Diagnostics {
        validate(config)
    }
    fn plan(&self, _prior: &Value, proposed: &Value, config: &Value, resp: &mut PlanResponse) {
        plan(proposed, config, resp)
    }
    fn read(&self, s: &Settings, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        read(s, current)
    }
    fn apply(&self, s: &Settings, prior: &Value, planned: &Value) -> Result<Value, Failure> {
        Ok(apply(s, self.type_name, prior, planned)?)
    }
    fn import(&self, s: &Settings, id: &str) -> Result<Value, ProviderDiagnostic> {
        import(s, id)
    }
    fn find_created(&self, s: &Settings, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        find_created(s, planned)
    }
}

fn schema() -> ResourceSchema {
    let attrs = [
        ("id", Attribute::computed(Type::String)),
        ("name", Attribute::required(Type::String).force_new()),
        ("type", Attribute::required(Type::String).describe("s3, fs, url, azure, gcs, hdfs, or a plugin's")),
        ("settings", Attribute::optional(Type::map(Type::String))),
        ("verify", Attribute::optional(Type::Bool).describe("Check that every node can reach it (default true)")),
    ];
    ResourceSchema {
        block: Block {
            attributes: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(),
            blocks: BTreeMap::new(),
        },
        read_only_wording: ReadOnlyWording::Sdk,
        ..Default::default()
    }
}

fn validate(config: &Value) -> Diagnostics {
    let mut out = Vec::new();
    let settings = attr(config, "settings");
    if !settings.is_wholly_known() {
        return out;
    }
    let given = map_of(&settings);
    let required: &[&str] = match str_attr(config, "type").as_deref() {
        Some("s3") => &["bucket"],
        Some("fs") => &["location"],
        Some("url") => &["url"],
        Some("azure") => &[],
        Some("gcs") => &["bucket"],
        Some("hdfs") => &["uri", "path"],
        Some("source") => &["delegate_type"],
        _ => &[],
    };
    for key in required {
        if !given.contains_key(*key) {
            out.push(
                ProviderDiagnostic::error(
                    "Missing repository setting",
                    format!("A {} repository needs settings.{key}.", str_attr(config, "type").unwrap_or_default()),
                )
                .at(at("settings")),
            );
        }
    }
    out
}

/// The state for what the server holds; `held` (the stored or planned
/// object) keeps its own form of the same settings (`{}` or null).
fn state(name: &str, kind: &str, settings: &BTreeMap<String, String>, verify: Value, held: &Value) -> Value {
    let mut fields = strata_lang::Fields::new();
    fields.insert("id".into(), Value::string(name));
    fields.insert("name".into(), Value::string(name));
    fields.insert("type".into(), Value::string(kind));
    fields.insert(
        "settings".into(),
        match attr(held, "settings") {
            h if map_of(&h) == *settings && h.is_wholly_known() => h,
            _ if settings.is_empty() => Value::null(Type::map(Type::String)),
            _ => string_map(settings),
        },
    );
    fields.insert("verify".into(), verify);
    Value::object(fields)
}

/// A registered repository: its type and settings.
type Registered = (String, BTreeMap<String, String>);

fn fetch(s: &Settings, name: &str) -> Result<Option<Registered>, ProviderDiagnostic> {
    let resp = s.call("GET", &format!("/_snapshot/{}", segment(name)), None)?;
    if resp.status == 404 {
        return Ok(None);
    }
    if !resp.ok() {
        return Err(refused(&format!("Reading snapshot repository {name:?}"), &resp));
    }
    let v = resp.json().map_err(|e| ProviderDiagnostic::error("Reading a snapshot repository failed", e))?;
    let Some(repo) = v.get(name) else { return Ok(None) };
    let settings = repo["settings"]
        .as_object()
        .map(|m| {
            m.iter().map(|(k, v)| (k.clone(), v.as_str().map(String::from).unwrap_or_else(|| v.to_string()))).collect()
        })
        .unwrap_or_default();
    Ok(Some((repo["type"].as_str().unwrap_or_default().to_string(), settings)))
}

fn read(s: &Settings, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = str_attr(current, "id").unwrap_or_default();
    Ok(fetch(s, &name)?.map(|(kind, settings)| state(&name, &kind, &settings, attr(current, "verify"), current)))
}

fn import(s: &Settings, id: &str) -> Result<Value, ProviderDiagnostic> {
    match fetch(s, id)? {
        Some((kind, settings)) => Ok(state(id, &kind, &settings, Value::null(Type::Bool), &Value::dynamic_null())),
        None => Err(ProviderDiagnostic::error(
            "Cannot import non-existent remote object",
            format!("The snapshot repository {id:?} does not exist."),
        )),
    }
}

fn plan(proposed: &Value, config: &Value, resp: &mut PlanResponse) {
    resp.diagnostics = validate(config);
    resp.planned = strata_provider::values::with_attr(proposed, "id", attr(config, "name"));
}

fn apply(s: &Settings, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    if planned.is_null() {
        let name = str_attr(prior, "id").unwrap_or_default();
        let resp = s.call("DELETE", &format!("/_snapshot/{}", segment(&name)), None)?;
        if !resp.ok() && resp.status != 404 {
            return Err(refused(&format!("Deleting snapshot repository {name:?}"), &resp));
        }
        return Ok(Value::dynamic_null());
    }
    let name = str_attr(planned, "name").unwrap_or_default();
    if prior.is_null() && fetch(s, &name)?.is_some() {
        return Err(crate::document::already_exists("snapshot repository", &name, type_name));
    }
    let kind = str_attr(planned, "type").unwrap_or_default();
    let settings = map_of(&attr(planned, "settings"));
    let verify = bool_attr(planned, "verify").unwrap_or(true);
    let body = serde_json::json!({ "type": kind, "settings": settings });
    let resp = s.call("PUT", &format!("/_snapshot/{}?verify={verify}", segment(&name)), Some(&body))?;
    if !resp.ok() {
        return Err(refused(&format!("Registering snapshot repository {name:?}"), &resp));
    }
    match fetch(s, &name)? {
        Some((kind, settings)) => Ok(state(&name, &kind, &settings, attr(planned, "verify"), planned)),
        None => Err(ProviderDiagnostic::error(
            "The snapshot repository is not there after registering it",
            format!("{name:?} was accepted but a read right after found nothing."),
        )),
    }
}

/// After a crash during a create: a repository of that name and type with
/// the planned settings is the one the create made.
fn find_created(s: &Settings, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let Some(name) = str_attr(planned, "name") else { return Ok(None) };
    Ok(match fetch(s, &name)? {
        Some((kind, settings))
            if Some(&kind) == str_attr(planned, "type").as_ref() && settings == map_of(&attr(planned, "settings")) =>
        {
            Some(state(&name, &kind, &settings, attr(planned, "verify"), planned))
        }
        _ => None,
    })
}
