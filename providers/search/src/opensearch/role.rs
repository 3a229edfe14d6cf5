//! `opensearch_role`: a role of the security plugin
//! (`_plugins/_security/api/roles/{name}`), with
//! opensearch-project/opensearch's schema: cluster permissions, index
//! permissions with document-level security (a query), field-level
//! security (fields allowed, or with `~` denied) and masked fields (hashed
//! in results), and tenant permissions. What the plugin adds (`reserved`,
//! `hidden`, `static`) is not state; empty lists and absent ones are the
//! same. Reserved and static roles (the plugin's own) cannot be managed.

use crate::connection::{refused, Settings};
use crate::document::at;
use crate::document::segment;
use crate::resource::{Failure, ResourceType};
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet};
use strata_lang::{Type, Value};
use strata_provider::values::{attr, str_attr, strings_of};
use strata_provider::*;

pub const TYPE: &str = "opensearch_role";

pub struct Role;

impl ResourceType for Role {
    fn type_name(&self) -> &'static str {
        TYPE
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
        Ok(apply(s, prior, planned)?)
    }
    fn import(&self, s: &Settings, id: &str) -> Result<Value, ProviderDiagnostic> {
        import(s, id)
    }
    fn find_created(&self, s: &Settings, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        find_created(s, planned)
    }
}

pub(super) fn set_of_strings() -> Attribute {
    Attribute::optional(Type::set(Type::String))
}

fn index_permission_block() -> Block {
    let attrs = [
        ("index_patterns", set_of_strings()),
        ("allowed_actions", set_of_strings()),
        (
            "document_level_security",
            Attribute::optional(Type::String).describe("A query (JSON) the role's documents match"),
        ),
        ("field_level_security", set_of_strings().describe("Fields allowed, or with a leading ~ denied")),
        ("masked_fields", set_of_strings().describe("Fields whose values are hashed")),
    ];
    Block { attributes: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(), blocks: BTreeMap::new() }
}

fn tenant_permission_block() -> Block {
    let attrs = [("tenant_patterns", set_of_strings()), ("allowed_actions", set_of_strings())];
    Block { attributes: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(), blocks: BTreeMap::new() }
}

fn block() -> Block {
    let attrs = [
        ("id", Attribute::computed(Type::String)),
        ("role_name", Attribute::required(Type::String).force_new()),
        ("description", Attribute::optional(Type::String)),
        ("cluster_permissions", set_of_strings()),
    ];
    let nested = |block| NestedBlock { nesting: Nesting::Set, block, min_items: 0, max_items: 0 };
    Block {
        attributes: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(),
        blocks: BTreeMap::from([
            ("index_permissions".to_string(), nested(index_permission_block())),
            ("tenant_permissions".to_string(), nested(tenant_permission_block())),
        ]),
    }
}

fn schema() -> ResourceSchema {
    ResourceSchema { block: block(), read_only_wording: ReadOnlyWording::Sdk, ..Default::default() }
}

fn validate(config: &Value) -> Diagnostics {
    let mut out = Vec::new();
    let perms = attr(config, "index_permissions");
    for (i, p) in perms.unmark_deep().0.as_seq().unwrap_or_default().iter().enumerate() {
        let here = |name: &str| {
            vec![PathStep::Attr("index_permissions".into()), PathStep::Index(i as u64), PathStep::Attr(name.into())]
        };
        let fls = attr(p, "field_level_security");
        if fls.is_wholly_known() {
            let fields = strings_of(&fls);
            let denied = fields.iter().filter(|f| f.starts_with('~')).count();
            if denied > 0 && denied < fields.len() {
                out.push(
                    ProviderDiagnostic::error(
                        "Invalid field-level security",
                        "field_level_security lists either the fields allowed or, each with a leading ~, the fields denied; not both.",
                    )
                    .at(here("field_level_security")),
                );
            }
        }
        let dls = attr(p, "document_level_security");
        if let Some(q) = dls.as_str().filter(|q| dls.is_known() && !q.is_empty()) {
            if let Err(e) = serde_json::from_str::<Json>(q) {
                out.push(
                    ProviderDiagnostic::error("Invalid document-level security", format!("The query is not JSON: {e}"))
                        .at(here("document_level_security")),
                );
            }
        }
    }
    out
}

fn path(s: &Settings, name: &str) -> Result<String, ProviderDiagnostic> {
    Ok(format!("/{}/_security/api/roles/{}", s.server()?.plugins_prefix(), segment(name)))
}

pub(super) fn strings(v: &Json) -> BTreeSet<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()).unwrap_or_default()
}

fn set_value(items: &BTreeSet<String>) -> Value {
    if items.is_empty() {
        Value::null(Type::set(Type::String))
    } else {
        Value::set(Type::String, items.iter().map(|s| Value::string(s.as_str())).collect())
    }
}

/// A configured set and a read one, the same when they hold the same
/// strings (an empty set and none are the same).
pub(super) fn keep(held: &Value, read: &BTreeSet<String>) -> Value {
    if held.is_wholly_known() && strings_of(held).into_iter().collect::<BTreeSet<_>>() == *read {
        held.clone()
    } else {
        set_value(read)
    }
}

/// The role the server answered, as state; `held` keeps its own form of
/// what means the same.
fn state_of(name: &str, role: &Json, held: &Value) -> Value {
    let b = block();
    let held_index: Vec<Value> = attr(held, "index_permissions").unmark_deep().0.as_seq().unwrap_or_default().to_vec();
    let index = role["index_permissions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let read = |k: &str| strings(&p[k]);
            let patterns = read("index_patterns");
            let like = held_index
                .iter()
                .find(|h| strings_of(&attr(h, "index_patterns")).into_iter().collect::<BTreeSet<_>>() == patterns)
                .cloned()
                .unwrap_or_else(Value::dynamic_null);
            let dls = p["dls"].as_str().filter(|d| !d.is_empty());
            let held_dls = str_attr(&like, "document_level_security");
            let dls = match (dls, held_dls) {
                (Some(d), Some(h)) if serde_json::from_str::<Json>(d).ok() == serde_json::from_str::<Json>(&h).ok() => {
                    Value::string(h)
                }
                (Some(d), _) => Value::string(d),
                (None, _) => Value::null(Type::String),
            };
            strata_provider::values::object(
                &b.blocks["index_permissions"].block,
                [
                    ("index_patterns", keep(&attr(&like, "index_patterns"), &patterns)),
                    ("allowed_actions", keep(&attr(&like, "allowed_actions"), &read("allowed_actions"))),
                    ("document_level_security", dls),
                    ("field_level_security", keep(&attr(&like, "field_level_security"), &read("fls"))),
                    ("masked_fields", keep(&attr(&like, "masked_fields"), &read("masked_fields"))),
                ],
            )
        })
        .collect();
    let tenants = role["tenant_permissions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            strata_provider::values::object(
                &b.blocks["tenant_permissions"].block,
                [
                    ("tenant_patterns", set_value(&strings(&p["tenant_patterns"]))),
                    ("allowed_actions", set_value(&strings(&p["allowed_actions"]))),
                ],
            )
        })
        .collect();
    let description = match role["description"].as_str() {
        Some("") | None if attr(held, "description").as_str() == Some("") => Value::string(""),
        Some("") | None => Value::null(Type::String),
        Some(d) => Value::string(d),
    };
    strata_provider::values::object(
        &b,
        [
            ("id", Value::string(name)),
            ("role_name", Value::string(name)),
            ("description", description),
            ("cluster_permissions", keep(&attr(held, "cluster_permissions"), &strings(&role["cluster_permissions"]))),
            ("index_permissions", Value::set(b.blocks["index_permissions"].block.implied_type(), index)),
            ("tenant_permissions", Value::set(b.blocks["tenant_permissions"].block.implied_type(), tenants)),
        ],
    )
}

fn fetch(s: &Settings, name: &str) -> Result<Option<Json>, ProviderDiagnostic> {
    fetch_entry(s, &path(s, name)?, "role", name)
}

/// The security API's entry `name` at `path` (its answers are
/// `{"<name>": {...}}`), or `None` where there is none; `what` names it in
/// errors.
pub(super) fn fetch_entry(
    s: &Settings,
    path: &str,
    what: &str,
    name: &str,
) -> Result<Option<Json>, ProviderDiagnostic> {
    let resp = s.call("GET", path, None)?;
    if resp.status == 404 {
        return Ok(None);
    }
    if !resp.ok() {
        return Err(refused(&format!("Reading {what} {name:?}"), &resp));
    }
    let v = resp.json().map_err(|e| ProviderDiagnostic::error(format!("Reading {what} {name:?} failed"), e))?;
    Ok(v.get(name).cloned())
}

fn read(s: &Settings, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = str_attr(current, "id").unwrap_or_default();
    Ok(fetch(s, &name)?.map(|r| state_of(&name, &r, current)))
}

fn import(s: &Settings, id: &str) -> Result<Value, ProviderDiagnostic> {
    match fetch(s, id)? {
        Some(r) if r["reserved"] == true || r["static"] == true => Err(ProviderDiagnostic::error(
            "Cannot import a reserved role",
            format!("The role {id:?} is the security plugin's own (reserved or static); it cannot be changed through the API."),
        )),
        Some(r) => Ok(state_of(id, &r, &Value::dynamic_null())),
        None => Err(ProviderDiagnostic::error(
            "Cannot import non-existent remote object",
            format!("The role {id:?} does not exist."),
        )),
    }
}

fn plan(proposed: &Value, config: &Value, resp: &mut PlanResponse) {
    resp.diagnostics = validate(config);
    resp.planned = strata_provider::values::with_attr(proposed, "id", attr(config, "role_name"));
}

fn body_of(planned: &Value) -> Json {
    let list = |v: &Value| strings_of(v);
    let index: Vec<Json> = attr(planned, "index_permissions")
        .unmark_deep()
        .0
        .as_seq()
        .unwrap_or_default()
        .iter()
        .map(|p| {
            let mut o = json!({
                "index_patterns": list(&attr(p, "index_patterns")),
                "allowed_actions": list(&attr(p, "allowed_actions")),
                "fls": list(&attr(p, "field_level_security")),
                "masked_fields": list(&attr(p, "masked_fields")),
            });
            if let Some(d) = str_attr(p, "document_level_security") {
                o["dls"] = Json::String(d);
            }
            o
        })
        .collect();
    let tenants: Vec<Json> = attr(planned, "tenant_permissions")
        .unmark_deep()
        .0
        .as_seq()
        .unwrap_or_default()
        .iter()
        .map(|p| json!({"tenant_patterns": list(&attr(p, "tenant_patterns")), "allowed_actions": list(&attr(p, "allowed_actions"))}))
        .collect();
    let mut body = json!({
        "cluster_permissions": list(&attr(planned, "cluster_permissions")),
        "index_permissions": index,
        "tenant_permissions": tenants,
    });
    if let Some(d) = str_attr(planned, "description") {
        body["description"] = Json::String(d);
    }
    body
}

fn apply(s: &Settings, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    if planned.is_null() {
        let name = str_attr(prior, "id").unwrap_or_default();
        let resp = s.call("DELETE", &path(s, &name)?, None)?;
        if !resp.ok() && resp.status != 404 {
            return Err(refused(&format!("Deleting role {name:?}"), &resp));
        }
        return Ok(Value::dynamic_null());
    }
    let name = str_attr(planned, "role_name").unwrap_or_default();
    if prior.is_null() {
        if let Some(r) = fetch(s, &name)? {
            if r["reserved"] == true || r["static"] == true {
                return Err(ProviderDiagnostic::error(
                    "Cannot manage a reserved role",
                    format!("The role {name:?} is the security plugin's own; choose another name."),
                )
                .at(at("role_name")));
            }
            return Err(crate::document::already_exists("role", &name, TYPE));
        }
    }
    let resp = s.call("PUT", &path(s, &name)?, Some(&body_of(planned)))?;
    if !resp.ok() {
        return Err(refused(&format!("Writing role {name:?}"), &resp));
    }
    match fetch(s, &name)? {
        Some(r) => Ok(state_of(&name, &r, planned)),
        None => Err(ProviderDiagnostic::error(
            "The role is not there after writing it",
            format!("{name:?} was accepted but a read right after found nothing."),
        )),
    }
}

/// After a crash during a create: the named role holding the planned
/// permissions is the one the create made.
fn find_created(s: &Settings, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let Some(name) = str_attr(planned, "role_name") else { return Ok(None) };
    let Some(r) = fetch(s, &name)? else { return Ok(None) };
    let found = state_of(&name, &r, planned);
    Ok(if found.raw_equal(&strata_provider::values::with_attr(planned, "id", Value::string(name.as_str()))) {
        Some(found)
    } else {
        None
    })
}
