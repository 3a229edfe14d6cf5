//! What `validate` knows of providers: their schemas, so that resource
//! bodies are checked as Terraform's validate walk checks them (unknown
//! arguments, blocks, types, required arguments), without configuring or
//! calling any provider.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use strata_config::{Module, Resource, ResourceMode};
use strata_diag::Diagnostic;
use strata_lang::Value;
use strata_provider::{
    Block, Provider, ProviderDiagnostic, ProviderSchema, ReadOnlyWording, Registry, ResourceSchema,
    ValidateResourceRequest,
};

/// An unconfigured instance of a linked-in provider and its schema.
type Linked = (Arc<dyn Provider>, Arc<ProviderSchema>);

/// The schemas of the providers linked into the binary, read once each,
/// and an unconfigured instance of each for its own checks of resource
/// configurations (Terraform's ValidateResourceConfig).
pub struct ProviderSchemas<'a> {
    registry: &'a Registry,
    root: &'a Module,
    by_source: Mutex<HashMap<String, Option<Linked>>>,
}

impl<'a> ProviderSchemas<'a> {
    pub fn registry(&self) -> &'a Registry {
        self.registry
    }

    pub fn new(registry: &'a Registry, root: &'a Module) -> Self {
        ProviderSchemas { registry, root, by_source: Mutex::new(HashMap::new()) }
    }

    /// The schema of resource `r` of `module`, with how its provider words a
    /// value set for a read-only attribute; `Ok(None)` when its provider
    /// is not linked in (the plan reports that), an error when the provider
    /// has no such resource type.
    pub(crate) fn resource_schema(
        &self,
        module: &Module,
        r: &Resource,
    ) -> Result<Option<(ResourceSchema, ReadOnlyWording)>, Diagnostic> {
        let key = crate::resources::provider_key(r);
        let local = key.split('.').next().unwrap_or(&key);
        let source = crate::resources::provider_source(module, self.root, local);
        let Some(schema) = self.schema_of(&source) else { return Ok(None) };
        let data = r.mode == ResourceMode::Data;
        let types = if data { &schema.data_sources } else { &schema.resources };
        match types.get(&r.type_name) {
            Some(found) => Ok(Some((found.clone(), found.read_only_wording))),
            None => Err(crate::resources::unsupported_type(&source, r, types)),
        }
    }

    /// The schema of the `provider "local"` blocks of `module`, every
    /// argument optional: Terraform's validate walk leaves required ones to
    /// the plan (they may come from the environment).
    pub(crate) fn provider_block_schema(&self, module: &Module, local: &str) -> Option<Block> {
        let source = crate::resources::provider_source(module, self.root, local);
        let mut block = self.schema_of(&source)?.provider.clone();
        none_required(&mut block);
        Some(block)
    }

    /// The provider's own checks of resource `r`'s decoded configuration
    /// (unknown values allowed), as the plan makes them: an unknown value is
    /// left to the plan. Nothing when its provider is not linked in.
    pub(crate) fn validate_resource(&self, module: &Module, r: &Resource, config: &Value) -> Vec<ProviderDiagnostic> {
        let key = crate::resources::provider_key(r);
        let local = key.split('.').next().unwrap_or(&key);
        let source = crate::resources::provider_source(module, self.root, local);
        match self.linked(&source) {
            // Data sources have no validation hook in Strata's provider API.
            Some((provider, _)) if r.mode == ResourceMode::Managed => {
                provider.validate_resource(ValidateResourceRequest { type_name: &r.type_name, config })
            }
            _ => Vec::new(),
        }
    }

    fn schema_of(&self, source: &str) -> Option<Arc<ProviderSchema>> {
        self.linked(source).map(|(_, schema)| schema)
    }

    fn linked(&self, source: &str) -> Option<Linked> {
        let mut cache = self.by_source.lock().expect("no poisoned locks");
        let entry = cache.entry(source.to_string());
        entry
            .or_insert_with(|| {
                self.registry.get(source).map(|f| {
                    let provider = f.new_instance();
                    let schema = provider.schema();
                    (provider, schema)
                })
            })
            .clone()
    }
}

/// `required_providers` version constraints, gathered across the module
/// tree per provider, checked against the versions of the providers linked
/// in (those not linked are reported when planning needs them).
pub fn check_provider_versions(tree: &strata_config::ModuleTree, registry: &Registry) -> strata_diag::Diagnostics {
    fn gather<'t>(
        tree: &'t strata_config::ModuleTree,
        out: &mut std::collections::BTreeMap<&'t str, Vec<&'t strata_config::RequiredProvider>>,
    ) {
        for t in &tree.module.terraform {
            for rp in t.required_providers.values() {
                if rp.version.is_some() {
                    out.entry(rp.source.as_str()).or_default().push(rp);
                }
            }
        }
        for child in tree.children.values() {
            gather(child, out);
        }
    }
    let mut by_source = std::collections::BTreeMap::new();
    gather(tree, &mut by_source);
    let mut diags = strata_diag::Diagnostics::new();
    for (source, requirements) in by_source {
        let Some(factory) = registry.get(source) else { continue };
        let linked = factory.version();
        let constraints: Vec<&str> = requirements.iter().filter_map(|r| r.version.as_deref()).collect();
        let unmet = requirements.iter().find(|r| {
            r.version
                .as_deref()
                .is_some_and(|v| strata_config::VersionConstraint::parse(v).is_ok_and(|c| !c.allows(linked)))
        });
        if let Some(first) = unmet {
            diags.push(
                Diagnostic::error("Failed to query available provider packages")
                    .with_detail(format!(
                        "Could not retrieve the list of available versions for provider {source}: no available releases match the given constraints {}\n\nStrata has {source} {linked} built in.",
                        constraints.join(", ")
                    ))
                    .with_span(first.span.clone()),
            );
        }
    }
    diags
}

/// Terraform's `configschema.Block.NoneRequired`.
fn none_required(block: &mut Block) {
    for a in block.attributes.values_mut() {
        a.required = false;
        a.optional = true;
    }
    for nested in block.blocks.values_mut() {
        (nested.min_items, nested.max_items) = (0, 0);
        none_required(&mut nested.block);
    }
}
