//! `opensearch_roles_mapping`: who holds a security plugin role
//! (`_plugins/_security/api/rolesmapping/{role}`), with
//! opensearch-project/opensearch's schema: backend roles (such as the IAM
//! role ARNs a managed domain sees), users, hosts, and backend roles that
//! must all be present (`and_backend_roles`). The mapping is named by its
//! role, which must exist; what the plugin adds (`reserved`, `hidden`) is
//! not state, and the plugin's reserved mappings cannot be managed.

use super::role::{fetch_entry, keep, set_of_strings, strings};
use crate::connection::{refused, Settings};
use crate::document::{at, segment};
use crate::resource::{Failure, ResourceType};
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::values::{attr, str_attr, strings_of, with_attr};
use strata_provider::*;

pub const TYPE: &str = "opensearch_roles_mapping";

/// The mapped lists, as the schema and the API name them.
const LISTS: [&str; 4] = ["backend_roles", "users", "hosts", "and_backend_roles"];

pub struct RolesMapping;

impl ResourceType for RolesMapping {
    fn type_name(&self) -> &'static str {
        TYPE
    }
    fn schema(&self) -> ResourceSchema {
        ResourceSchema { block: block(), read_only_wording: ReadOnlyWording::Sdk, ..Default::default() }
    }
    fn validate(&self, _config: &Value) -> Diagnostics {
        Vec::new()
    }
    fn plan(&self, _prior: &Value, proposed: &Value, config: &Value, resp: &mut PlanResponse) {
        resp.planned = with_attr(proposed, "id", attr(config, "role_name"));
    }
    fn read(&self, s: &Settings, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        let name = str_attr(current, "id").unwrap_or_default();
        Ok(fetch(s, &name)?.map(|m| state_of(&name, &m, current)))
    }
    fn apply(&self, s: &Settings, prior: &Value, planned: &Value) -> Result<Value, Failure> {
        Ok(apply(s, prior, planned)?)
    }
    fn import(&self, s: &Settings, id: &str) -> Result<Value, ProviderDiagnostic> {
        match fetch(s, id)? {
            Some(m) if m["reserved"] == true => Err(reserved(id)),
            Some(m) => Ok(state_of(id, &m, &Value::dynamic_null())),
            None => Err(ProviderDiagnostic::error(
                "Cannot import non-existent remote object",
                format!("The role {id:?} has no mapping."),
            )),
        }
    }
    fn find_created(&self, s: &Settings, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        let Some(name) = str_attr(planned, "role_name") else { return Ok(None) };
        let Some(m) = fetch(s, &name)? else { return Ok(None) };
        let found = state_of(&name, &m, planned);
        Ok(found.raw_equal(&with_attr(planned, "id", Value::string(name.as_str()))).then_some(found))
    }
}

fn block() -> Block {
    let mut attrs = vec![
        ("id", Attribute::computed(Type::String)),
        ("role_name", Attribute::required(Type::String).force_new().describe("The role mapped (it must exist)")),
        ("description", Attribute::optional(Type::String)),
    ];
    attrs.extend(LISTS.map(|k| (k, set_of_strings())));
    Block { attributes: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(), blocks: BTreeMap::new() }
}

fn reserved(name: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(
        "Cannot manage a reserved role mapping",
        format!(
            "The mapping of {name:?} is the security plugin's own (reserved); it cannot be changed through the API."
        ),
    )
}

fn path(s: &Settings, name: &str) -> Result<String, ProviderDiagnostic> {
    Ok(format!("/{}/_security/api/rolesmapping/{}", s.server()?.plugins_prefix(), segment(name)))
}

fn fetch(s: &Settings, name: &str) -> Result<Option<Json>, ProviderDiagnostic> {
    fetch_entry(s, &path(s, name)?, "the mapping of role", name)
}

/// The mapping the server answered, as state; `held` keeps its own form
/// of the same sets (none and an empty one are the same).
fn state_of(name: &str, mapping: &Json, held: &Value) -> Value {
    let description = match mapping["description"].as_str() {
        Some("") | None if attr(held, "description").as_str() == Some("") => Value::string(""),
        Some("") | None => Value::null(Type::String),
        Some(d) => Value::string(d),
    };
    let mut fields =
        vec![("id", Value::string(name)), ("role_name", Value::string(name)), ("description", description)];
    fields.extend(LISTS.map(|k| (k, keep(&attr(held, k), &strings(&mapping[k])))));
    strata_provider::values::object(&block(), fields)
}

fn body_of(planned: &Value) -> Json {
    let mut body = json!({});
    for k in LISTS {
        body[k] = json!(strings_of(&attr(planned, k)));
    }
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
            return Err(refused(&format!("Deleting the mapping of role {name:?}"), &resp));
        }
        return Ok(Value::dynamic_null());
    }
    let name = str_attr(planned, "role_name").unwrap_or_default();
    if prior.is_null() {
        if let Some(m) = fetch(s, &name)? {
            if m["reserved"] == true {
                return Err(reserved(&name).at(at("role_name")));
            }
            return Err(crate::document::already_exists("role mapping", &name, TYPE));
        }
    }
    let resp = s.call("PUT", &path(s, &name)?, Some(&body_of(planned)))?;
    if !resp.ok() {
        let mut d = refused(&format!("Mapping role {name:?}"), &resp);
        if resp.status == 404 {
            d = d.at(at("role_name"));
        }
        return Err(d);
    }
    match fetch(s, &name)? {
        Some(m) => Ok(state_of(&name, &m, planned)),
        None => Err(ProviderDiagnostic::error(
            "The role mapping is not there after writing it",
            format!("The mapping of {name:?} was accepted but a read right after found nothing."),
        )),
    }
}
