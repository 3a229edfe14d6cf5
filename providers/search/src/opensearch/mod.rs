//! The `opensearch` provider (source `opensearch-project/opensearch`, whose
//! resource schemas it keeps, so existing configurations run unchanged):
//! ISM policies (`opensearch_ism_policy`, with `update_managed_indices` to
//! move the indices an older version manages, `ism`), composable, component
//! and legacy index templates and snapshot management policies (JSON
//! bodies, `documents`), snapshot repositories (`crate::repository`) and
//! security roles with field- and document-level security (`role`) and
//! what maps users, backend roles and hosts to them (`roles_mapping`).

pub mod documents;
mod ism;
mod role;
mod roles_mapping;

use crate::connection::{Flavour, Settings};
use crate::document::at;
use crate::provider::{Factory, Types};
use crate::repository::Repository;
use crate::resource::{Failure, ResourceType};
use documents::ISM_POLICY;
use strata_lang::{Type, Value};
use strata_provider::values::{attr, bool_attr, str_attr, with_attr};
use strata_provider::*;

pub const FACTORY: Factory = Factory {
    flavour: Flavour::OpenSearch,
    // The opensearch-project/opensearch release whose schemas these are.
    version: "2.3.1",
    types: TYPES,
};

const TYPES: Types = &[
    &IsmPolicy,
    &documents::COMPOSABLE_TEMPLATE,
    &documents::COMPONENT_TEMPLATE,
    &documents::INDEX_TEMPLATE,
    &documents::LEGACY_TEMPLATE,
    &documents::SM_POLICY,
    &Repository { type_name: "opensearch_snapshot_repository" },
    &role::Role,
    &roles_mapping::RolesMapping,
];

/// The ISM policy's own arguments, beside its body.
const UPDATE_MANAGED: &str = "update_managed_indices";
const MANAGED_STATE: &str = "managed_indices_state";

/// `opensearch_ism_policy`: the policy document, plus moving the indices
/// its older versions manage when asked (`ism`).
struct IsmPolicy;

/// The ISM policy's own arguments carried from `from` into `state`.
fn with_extras(state: Value, from: &Value) -> Value {
    if state.is_null() {
        return state;
    }
    [(UPDATE_MANAGED, Type::Bool), (MANAGED_STATE, Type::String)].into_iter().fold(state, |s, (k, t)| {
        let v = attr(from, k);
        with_attr(&s, k, if v.is_null() { Value::null(t) } else { v })
    })
}

impl ResourceType for IsmPolicy {
    fn type_name(&self) -> &'static str {
        ISM_POLICY.type_name
    }

    fn schema(&self) -> ResourceSchema {
        let mut schema = ISM_POLICY.schema();
        schema.block.attributes.insert(
            UPDATE_MANAGED.into(),
            Attribute::optional(Type::Bool)
                .describe("When the policy changes, move the indices its older versions manage (ISM change_policy)"),
        );
        schema.block.attributes.insert(
            MANAGED_STATE.into(),
            Attribute::optional(Type::String)
                .describe("The state moved indices go to (default: they stay where they are)"),
        );
        schema
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut out = ISM_POLICY.validate(config);
        out.extend(validate_state_name(config));
        out
    }

    fn plan(&self, prior: &Value, proposed: &Value, config: &Value, resp: &mut PlanResponse) {
        ISM_POLICY.plan(prior, proposed, config, resp);
        resp.diagnostics.extend(validate_state_name(config));
    }

    /// An update that will move managed indices names them, so the
    /// reviewer sees what the apply touches beyond the policy.
    fn plan_notes(&self, s: &Settings, prior: &Value, planned: &Value) -> Diagnostics {
        let body_changed = !prior.is_null() && !attr(prior, "body").raw_equal(&attr(planned, "body"));
        if !body_changed || bool_attr(planned, UPDATE_MANAGED) != Some(true) {
            return Vec::new();
        }
        let id = str_attr(planned, "policy_id").unwrap_or_default();
        match ism::managed_indices(s, &id) {
            Ok(indices) if indices.is_empty() => Vec::new(),
            Ok(indices) => {
                let shown: Vec<&str> = indices.iter().take(5).map(String::as_str).collect();
                let more = if indices.len() > 5 { format!(" and {} more", indices.len() - 5) } else { String::new() };
                let into =
                    str_attr(planned, MANAGED_STATE).map(|st| format!(", into the state {st:?}")).unwrap_or_default();
                vec![ProviderDiagnostic::warning(
                    "Managed indices will move to the new policy version",
                    format!(
                        "{} {} managed by {id:?} ({}{more}) will be moved to the updated policy with change_policy{into}, each once its current state's actions finish.",
                        indices.len(),
                        if indices.len() == 1 { "index" } else { "indices" },
                        shown.join(", ")
                    ),
                )]
            }
            Err(_) => Vec::new(),
        }
    }

    fn read(&self, s: &Settings, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        Ok(ISM_POLICY.read(s, current)?.map(|v| with_extras(v, current)))
    }

    fn apply(&self, s: &Settings, prior: &Value, planned: &Value) -> Result<Value, Failure> {
        let state = with_extras(ISM_POLICY.apply(s, prior, planned)?, planned);
        let body_changed =
            !prior.is_null() && !planned.is_null() && !attr(prior, "body").raw_equal(&attr(planned, "body"));
        if body_changed && bool_attr(planned, UPDATE_MANAGED) == Some(true) {
            let id = str_attr(planned, "policy_id").unwrap_or_default();
            // The policy is written whatever happens to its indices.
            ism::move_managed_indices(s, &id, str_attr(planned, MANAGED_STATE).as_deref())
                .map_err(|diagnostic| Failure { diagnostic, written: Some(state.clone()) })?;
        }
        Ok(state)
    }

    fn import(&self, s: &Settings, id: &str) -> Result<Value, ProviderDiagnostic> {
        Ok(with_extras(ISM_POLICY.import(s, id)?, &Value::dynamic_null()))
    }

    fn find_created(&self, s: &Settings, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        Ok(ISM_POLICY.find_created(s, planned)?.map(|v| with_extras(v, planned)))
    }
}

/// `managed_indices_state` must be one of the policy's states.
fn validate_state_name(config: &Value) -> Diagnostics {
    let (Some(state), Some(body)) = (str_attr(config, MANAGED_STATE), str_attr(config, "body")) else {
        return Vec::new();
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&body) else { return Vec::new() };
    let names: Vec<&str> =
        doc["policy"]["states"].as_array().into_iter().flatten().filter_map(|s| s["name"].as_str()).collect();
    if names.contains(&state.as_str()) {
        return Vec::new();
    }
    vec![ProviderDiagnostic::error(
        "Invalid managed_indices_state",
        format!("{state:?} is not one of the policy's states ({}).", names.join(", ")),
    )
    .at(at(MANAGED_STATE))]
}
