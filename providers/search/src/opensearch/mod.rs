//! The `opensearch` provider (source `opensearch-project/opensearch`, whose
//! resource schemas it keeps, so existing configurations run unchanged):
//! ISM policies (`opensearch_ism_policy`, with `update_managed_indices` to
//! move the indices an older version manages, `ism`), composable, component
//! and legacy index templates and snapshot management policies (JSON
//! bodies, `documents`), snapshot repositories (`crate::repository`) and
//! security roles with field- and document-level security (`role`).

pub mod documents;
mod ism;
mod role;

use crate::connection::{provider_block, Flavour, Settings};
use crate::document::{at, DocumentType};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use strata_lang::{Type, Value};
use strata_provider::values::{attr, bool_attr, str_attr, with_attr};
use strata_provider::*;

const REPOSITORY: &str = "opensearch_snapshot_repository";
/// The ISM policy's own arguments, beside its body.
const ISM_EXTRAS: [&str; 2] = ["update_managed_indices", "managed_indices_state"];

pub struct Factory;

impl ProviderFactory for Factory {
    fn source(&self) -> &str {
        Flavour::OpenSearch.source()
    }
    /// The opensearch-project/opensearch release whose schemas these are.
    fn version(&self) -> &str {
        "2.3.1"
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(OpenSearchProvider::default())
    }
}

#[derive(Default)]
struct OpenSearchProvider {
    settings: OnceLock<Settings>,
}

fn schema() -> Arc<ProviderSchema> {
    static SCHEMA: OnceLock<Arc<ProviderSchema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let mut resources: BTreeMap<String, ResourceSchema> =
                documents::ALL.iter().map(|d| (d.type_name.to_string(), d.schema())).collect();
            let ism = resources.get_mut(documents::ISM_POLICY.type_name).expect("the ISM policy is a document type");
            ism.block.attributes.insert(
                ISM_EXTRAS[0].into(),
                Attribute::optional(Type::Bool).describe(
                    "When the policy changes, move the indices its older versions manage (ISM change_policy)",
                ),
            );
            ism.block.attributes.insert(
                ISM_EXTRAS[1].into(),
                Attribute::optional(Type::String)
                    .describe("The state moved indices go to (default: they stay where they are)"),
            );
            resources.insert(REPOSITORY.into(), crate::repository::schema());
            resources.insert(role::TYPE.into(), role::schema());
            Arc::new(ProviderSchema {
                provider: provider_block(Flavour::OpenSearch),
                resources,
                data_sources: BTreeMap::new(),
            })
        })
        .clone()
}

fn document(type_name: &str) -> Option<&'static DocumentType> {
    documents::ALL.into_iter().find(|d| d.type_name == type_name)
}

fn unknown_type(type_name: &str) -> ProviderDiagnostic {
    ProviderDiagnostic::error(
        "Unknown resource type",
        format!("The provider {} has no resource type {type_name:?}.", Flavour::OpenSearch.source()),
    )
}

/// The ISM policy's own arguments carried from `from` into `state`.
fn with_extras(type_name: &str, state: Value, from: &Value) -> Value {
    if type_name != documents::ISM_POLICY.type_name || state.is_null() {
        return state;
    }
    ISM_EXTRAS.iter().fold(state, |s, k| {
        let v = attr(from, k);
        with_attr(
            &s,
            k,
            if v.is_null() { Value::null(if *k == ISM_EXTRAS[0] { Type::Bool } else { Type::String }) } else { v },
        )
    })
}

impl OpenSearchProvider {
    fn settings(&self) -> &Settings {
        self.settings.get_or_init(|| Settings::unconfigured(Flavour::OpenSearch))
    }

    fn apply(&self, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        let s = self.settings();
        if let Some(d) = document(type_name) {
            let state = with_extras(type_name, d.apply(s, prior, planned)?, planned);
            let moved_body =
                !prior.is_null() && !planned.is_null() && !attr(prior, "body").raw_equal(&attr(planned, "body"));
            if type_name == documents::ISM_POLICY.type_name
                && moved_body
                && bool_attr(planned, ISM_EXTRAS[0]) == Some(true)
            {
                let id = str_attr(planned, "policy_id").unwrap_or_default();
                ism::move_managed_indices(s, &id, str_attr(planned, ISM_EXTRAS[1]).as_deref())?;
            }
            return Ok(state);
        }
        match type_name {
            REPOSITORY => crate::repository::apply(s, type_name, prior, planned),
            role::TYPE => role::apply(s, prior, planned),
            other => Err(unknown_type(other)),
        }
    }
}

impl Provider for OpenSearchProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        schema()
    }

    fn validate_resource(&self, req: ValidateResourceRequest) -> Diagnostics {
        if let Some(d) = document(req.type_name) {
            let mut out = d.validate(req.config);
            if req.type_name == documents::ISM_POLICY.type_name {
                out.extend(validate_state_name(req.config));
            }
            return out;
        }
        match req.type_name {
            REPOSITORY => crate::repository::validate(req.config),
            role::TYPE => role::validate(req.config),
            other => vec![unknown_type(other)],
        }
    }

    fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        match Settings::from_config(Flavour::OpenSearch, req.config) {
            Ok(s) => {
                let _ = self.settings.set(s);
                Vec::new()
            }
            Err(d) => vec![d],
        }
    }

    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        let s = self.settings();
        let result = match (document(req.type_name), req.type_name) {
            (Some(d), _) => d.read(s, req.current).map(|o| o.map(|v| with_extras(req.type_name, v, req.current))),
            (None, REPOSITORY) => crate::repository::read(s, req.current),
            (None, role::TYPE) => role::read(s, req.current),
            (None, other) => Err(unknown_type(other)),
        };
        match result {
            Ok(new_state) => ReadResourceResponse { new_state, private: Vec::new(), diagnostics: Vec::new() },
            Err(d) => {
                ReadResourceResponse { new_state: Some(req.current.clone()), private: Vec::new(), diagnostics: vec![d] }
            }
        }
    }

    fn plan_resource(&self, req: PlanRequest) -> PlanResponse {
        let mut resp = PlanResponse {
            planned: req.proposed.clone(),
            requires_replace: Vec::new(),
            private: Vec::new(),
            diagnostics: Vec::new(),
        };
        if req.proposed.is_null() {
            return resp;
        }
        match (document(req.type_name), req.type_name) {
            (Some(d), _) => {
                d.plan(req.prior, req.proposed, req.config, &mut resp);
                if req.type_name == documents::ISM_POLICY.type_name {
                    resp.diagnostics.extend(validate_state_name(req.config));
                }
            }
            (None, REPOSITORY) => crate::repository::plan(req.proposed, req.config, &mut resp),
            (None, role::TYPE) => role::plan(req.proposed, req.config, &mut resp),
            (None, other) => resp.diagnostics.push(unknown_type(other)),
        }
        resp
    }

    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse {
        match self.apply(req.type_name, req.prior, req.planned) {
            Ok(new_state) => ApplyResponse { new_state, private: Vec::new(), diagnostics: Vec::new() },
            // An ISM policy written whose indices could not all be moved:
            // the policy is in state, the failure reported.
            Err(d)
                if req.type_name == documents::ISM_POLICY.type_name
                    && d.summary.starts_with("Some managed indices") =>
            {
                ApplyResponse { new_state: req.planned.clone(), private: Vec::new(), diagnostics: vec![d] }
            }
            Err(d) => ApplyResponse { new_state: req.prior.clone(), private: Vec::new(), diagnostics: vec![d] },
        }
    }

    fn import_resource(&self, req: ImportRequest) -> ImportResponse {
        let s = self.settings();
        let found = match (document(req.type_name), req.type_name) {
            (Some(d), _) => d.import(s, req.id).map(|v| with_extras(req.type_name, v, &Value::dynamic_null())),
            (None, REPOSITORY) => crate::repository::import(s, req.id),
            (None, role::TYPE) => role::import(s, req.id),
            (None, other) => Err(unknown_type(other)),
        };
        match found {
            Ok(state) => ImportResponse {
                imported: vec![ImportedObject { type_name: req.type_name.to_string(), state, private: Vec::new() }],
                diagnostics: Vec::new(),
            },
            Err(d) => ImportResponse { imported: Vec::new(), diagnostics: vec![d] },
        }
    }

    fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse {
        ReadDataResponse {
            state: Value::dynamic_null(),
            diagnostics: vec![ProviderDiagnostic::error(
                "Unknown data source",
                format!("The provider {} has no data source {:?}.", Flavour::OpenSearch.source(), req.type_name),
            )],
        }
    }

    fn find_created(&self, req: FindCreatedRequest) -> FindCreatedResponse {
        let s = self.settings();
        let found = match (document(req.type_name), req.type_name) {
            (Some(d), _) => {
                d.find_created(s, req.planned).map(|o| o.map(|v| with_extras(req.type_name, v, req.planned)))
            }
            (None, REPOSITORY) => crate::repository::find_created(s, req.planned),
            (None, role::TYPE) => role::find_created(s, req.planned),
            (None, other) => Err(unknown_type(other)),
        };
        match found {
            Ok(Some(state)) => FindCreatedResponse {
                found: FoundCreated::Object { state, private: Vec::new() },
                diagnostics: Vec::new(),
            },
            Ok(None) => FindCreatedResponse { found: FoundCreated::Nothing, diagnostics: Vec::new() },
            Err(d) => FindCreatedResponse { found: FoundCreated::CannotTell, diagnostics: vec![d] },
        }
    }
}

/// `managed_indices_state` must be one of the policy's states.
fn validate_state_name(config: &Value) -> Diagnostics {
    let (Some(state), Some(body)) = (str_attr(config, ISM_EXTRAS[1]), str_attr(config, "body")) else {
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
    .at(at(ISM_EXTRAS[1]))]
}
