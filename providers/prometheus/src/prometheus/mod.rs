//! The `prometheus` provider (source `strata/prometheus`).

use std::collections::BTreeMap;
use std::sync::Arc;
use strata_lang::Value;
use strata_provider::*;

pub struct Factory;

impl ProviderFactory for Factory {
    fn source(&self) -> &str {
        "strata/prometheus"
    }
    fn version(&self) -> &str {
        "0.1.0"
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(PrometheusProvider)
    }
}

struct PrometheusProvider;

impl Provider for PrometheusProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        Arc::new(ProviderSchema {
            provider: Block::default(),
            resources: BTreeMap::new(),
            data_sources: BTreeMap::new(),
        })
    }
    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        ReadResourceResponse { new_state: Some(req.current.clone()), private: Vec::new(), diagnostics: Vec::new() }
    }
    fn plan_resource(&self, req: PlanRequest) -> PlanResponse {
        PlanResponse {
            planned: req.proposed.clone(),
            requires_replace: Vec::new(),
            private: Vec::new(),
            diagnostics: Vec::new(),
        }
    }
    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse {
        ApplyResponse { new_state: req.planned.clone(), private: Vec::new(), diagnostics: Vec::new() }
    }
    fn read_data_source(&self, _req: ReadDataRequest) -> ReadDataResponse {
        ReadDataResponse { state: Value::dynamic_null(), diagnostics: Vec::new() }
    }
}
