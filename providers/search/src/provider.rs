//! One provider implementation for both flavours: a flavour's provider is
//! its provider block (`crate::connection`) and its list of resource types.

use crate::connection::{provider_block, Flavour, Settings};
use crate::resource::ResourceType;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use strata_lang::Value;
use strata_provider::*;

pub type Types = &'static [&'static dyn ResourceType];

pub struct Factory {
    pub flavour: Flavour,
    /// The release whose resource schemas these are.
    pub version: &'static str,
    pub types: Types,
}

impl ProviderFactory for Factory {
    fn source(&self) -> &str {
        self.flavour.source()
    }
    fn version(&self) -> &str {
        self.version
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(SearchProvider {
            flavour: self.flavour,
            types: self.types,
            settings: OnceLock::new(),
            schema: OnceLock::new(),
        })
    }
}

struct SearchProvider {
    flavour: Flavour,
    types: Types,
    settings: OnceLock<Settings>,
    schema: OnceLock<Arc<ProviderSchema>>,
}

impl SearchProvider {
    fn settings(&self) -> &Settings {
        self.settings.get_or_init(|| Settings::unconfigured(self.flavour))
    }

    fn find(&self, type_name: &str) -> Result<&'static dyn ResourceType, ProviderDiagnostic> {
        self.types.iter().copied().find(|t| t.type_name() == type_name).ok_or_else(|| {
            ProviderDiagnostic::error(
                "Unknown resource type",
                format!("The provider {} has no resource type {type_name:?}.", self.flavour.source()),
            )
        })
    }
}

impl Provider for SearchProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        self.schema
            .get_or_init(|| {
                Arc::new(ProviderSchema {
                    provider: provider_block(self.flavour),
                    resources: self.types.iter().map(|t| (t.type_name().to_string(), t.schema())).collect(),
                    data_sources: BTreeMap::new(),
                })
            })
            .clone()
    }

    fn validate_resource(&self, req: ValidateResourceRequest) -> Diagnostics {
        match self.find(req.type_name) {
            Ok(t) => t.validate(req.config),
            Err(d) => vec![d],
        }
    }

    fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        match Settings::from_config(self.flavour, req.config) {
            Ok(s) => {
                let _ = self.settings.set(s);
                Vec::new()
            }
            Err(d) => vec![d],
        }
    }

    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        match self.find(req.type_name).and_then(|t| t.read(self.settings(), req.current)) {
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
        match self.find(req.type_name) {
            Ok(t) => {
                t.plan(req.prior, req.proposed, req.config, &mut resp);
                if !has_errors(&resp.diagnostics) {
                    let notes = t.plan_notes(self.settings(), req.prior, &resp.planned);
                    resp.diagnostics.extend(notes);
                }
            }
            Err(d) => resp.diagnostics.push(d),
        }
        resp
    }

    #[allow(clippy::result_large_err)]
    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse {
        let result =
            self.find(req.type_name).map_err(Into::into).and_then(|t| t.apply(self.settings(), req.prior, req.planned));
        match result {
            Ok(new_state) => ApplyResponse { new_state, private: Vec::new(), diagnostics: Vec::new() },
            Err(f) => ApplyResponse {
                new_state: f.written.unwrap_or_else(|| req.prior.clone()),
                private: Vec::new(),
                diagnostics: vec![f.diagnostic],
            },
        }
    }

    fn import_resource(&self, req: ImportRequest) -> ImportResponse {
        match self.find(req.type_name).and_then(|t| t.import(self.settings(), req.id)) {
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
                format!("The provider {} has no data source {:?}.", self.flavour.source(), req.type_name),
            )],
        }
    }

    fn find_created(&self, req: FindCreatedRequest) -> FindCreatedResponse {
        match self.find(req.type_name).and_then(|t| t.find_created(self.settings(), req.planned)) {
            Ok(Some(state)) => FindCreatedResponse {
                found: FoundCreated::Object { state, private: Vec::new() },
                diagnostics: Vec::new(),
            },
            Ok(None) => FindCreatedResponse { found: FoundCreated::Nothing, diagnostics: Vec::new() },
            Err(d) => FindCreatedResponse { found: FoundCreated::CannotTell, diagnostics: vec![d] },
        }
    }
}
