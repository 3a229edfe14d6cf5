//! What `validate` knows of providers: their schemas, so that resource
//! bodies are checked as Terraform's validate walk checks them (unknown
//! arguments, blocks, types, required arguments), without configuring or
//! calling any provider.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use strata_config::{Module, Resource, ResourceMode};
use strata_diag::Diagnostic;
use strata_provider::{ProviderSchema, Registry, ResourceSchema};

/// The schemas of the providers linked into the binary, read once each.
pub struct ProviderSchemas<'a> {
    registry: &'a Registry,
    root: &'a Module,
    by_source: Mutex<HashMap<String, Option<Arc<ProviderSchema>>>>,
}

impl<'a> ProviderSchemas<'a> {
    pub fn new(registry: &'a Registry, root: &'a Module) -> Self {
        ProviderSchemas { registry, root, by_source: Mutex::new(HashMap::new()) }
    }

    /// The schema of resource `r` of `module`; `Ok(None)` when its provider
    /// is not linked in (the plan reports that), an error when the provider
    /// has no such resource type.
    pub(crate) fn resource_schema(&self, module: &Module, r: &Resource) -> Result<Option<ResourceSchema>, Diagnostic> {
        let key = crate::resources::provider_key(r);
        let local = key.split('.').next().unwrap_or(&key);
        let source = crate::resources::provider_source(module, self.root, local);
        let schema = {
            let mut cache = self.by_source.lock().expect("no poisoned locks");
            let entry = cache.entry(source.clone());
            entry.or_insert_with(|| self.registry.get(&source).map(|f| f.new_instance().schema())).clone()
        };
        let Some(schema) = schema else { return Ok(None) };
        let data = r.mode == ResourceMode::Data;
        let types = if data { &schema.data_sources } else { &schema.resources };
        match types.get(&r.type_name) {
            Some(found) => Ok(Some(found.clone())),
            None => Err(crate::resources::unsupported_type(&source, r, types)),
        }
    }
}
