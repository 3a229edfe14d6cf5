//! `import` blocks and `strata import`: objects adopted into state.

use super::*;

impl ResourceEngine<'_> {
    /// Import targets no resource block consumed: an error, or (with
    /// `-generate-config-out`) generated configuration.
    pub(super) fn unconfigured_imports(&self, diags: &mut Diagnostics) {
        let used = self.imports_used.lock().expect("no poisoned locks").clone();
        let visited = self.visited.lock().expect("no poisoned locks").clone();
        let mut pending: Vec<(ResourceInstanceAddr, (String, Span))> = self
            .imports
            .lock()
            .expect("no poisoned locks")
            .iter()
            .filter(|(a, _)| !used.contains(*a) && !visited.contains(*a) && self.prior.instance(a).is_none())
            .map(|(a, v)| (a.clone(), v.clone()))
            .collect();
        pending.sort_by(|a, b| a.0.cmp(&b.0));
        for (addr, (id, span)) in pending {
            if !self.generate_config || !addr.resource.module.is_root() {
                diags.push(Diagnostic::error("Configuration for import target does not exist").with_detail(format!("The configuration for the given import target {addr} does not exist. If you wish to automatically generate config for this resource, use the -generate-config-out option within strata plan. Otherwise, make sure the target resource exists within your configuration. For example:\n\n  strata plan -generate-config-out=generated.tf")).with_span(span));
                continue;
            }
            let local = addr.resource.type_name.split('_').next().unwrap_or_default().to_string();
            let source = self.source_of(self.root, &local);
            let provider_addr = config_address(&ModuleInstance::root(), &source, None);
            let Some(provider) = self.provider_instance(&provider_addr, &source, Some(&span), diags) else { continue };
            let Some(schema) = provider.schema().resources.get(&addr.resource.type_name).cloned() else {
                diags.push(
                    Diagnostic::error("Invalid resource type")
                        .with_detail(format!(
                            "The provider {source} does not support resource type {:?}.",
                            addr.resource.type_name
                        ))
                        .with_span(span),
                );
                continue;
            };
            let Some((object, private)) = self.import_object(&addr, &*provider, &schema, &id, &span, diags) else {
                continue;
            };
            let read = provider.read_resource(strata_provider::ReadResourceRequest {
                type_name: &addr.resource.type_name,
                current: &object,
                private: &private,
            });
            if report(read.diagnostics, Some(&span), diags) {
                continue;
            }
            let object = read.new_state.unwrap_or(object);
            let text = crate::imports::generated_config(&addr, &id, &object, &schema.block);
            self.generated.lock().expect("no poisoned locks").push((addr, text));
        }
    }

    /// Imports the object `id` for `addr`: (its value, provider private data).
    pub(super) fn import_object(
        &self,
        addr: &ResourceInstanceAddr,
        provider: &dyn Provider,
        schema: &ResourceSchema,
        id: &str,
        span: &Span,
        diags: &mut Diagnostics,
    ) -> Option<(Value, Vec<u8>)> {
        let resp = provider.import_resource(strata_provider::ImportRequest { type_name: &addr.resource.type_name, id });
        if report(resp.diagnostics, Some(span), diags) {
            return None;
        }
        match resp.imported.into_iter().find(|o| o.type_name == addr.resource.type_name) {
            Some(o) => Some((mark_schema_sensitive(o.state, &schema.block), o.private)),
            None => {
                diags.push(
                    Diagnostic::error("Import returned no object")
                        .with_detail(format!(
                            "Importing {id:?} into {addr} gave no object of type {}.",
                            addr.resource.type_name
                        ))
                        .with_span(span.clone()),
                );
                None
            }
        }
    }
}
