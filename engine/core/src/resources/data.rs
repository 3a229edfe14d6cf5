//! Data source instances: read while planning when their configuration is
//! known, otherwise (or when what they depend on changes) during apply.

use super::*;

impl ResourceEngine<'_> {
    /// Reads a data source now when its configuration is known; otherwise
    /// plans the read for apply time (`<= read`).
    pub(super) fn data_instance(&self, ctx: &InstanceCtx, config: &Value, diags: &mut Diagnostics) -> Value {
        let InstanceCtx { addr, provider_addr, provider, schema, span, each, dependencies, .. } = *ctx;
        let prior = self
            .prior
            .instance(addr)
            .map_or_else(|| Value::null(schema.implied_type()), |(_, i)| decode_state(i, schema));
        // As Terraform: a data source whose configuration is not known yet,
        // or which depends on a resource with changes pending, is read
        // during apply, so that it sees the world after those changes.
        let pending = !self.applying() && {
            let changed = self.changed_resources.lock().expect("no poisoned locks");
            dependencies.iter().any(|d| changed.contains(d))
        };
        if !config.is_wholly_known() || pending {
            let planned = proposed_new(&schema.block, &Value::null(schema.implied_type()), config);
            let reason = if config.is_wholly_known() {
                "read_because_dependency_pending"
            } else {
                "read_because_config_unknown"
            };
            self.changes.lock().expect("no poisoned locks").push(PlannedChange {
                addr: addr.clone(),
                provider: provider_addr.to_string(),
                action: Action::Read,
                before: prior,
                after: planned.clone(),
                replace_paths: Vec::new(),
                reason: Some(reason),
                moved_from: None,
                importing: None,
                deposed: None,
                private: Vec::new(),
            });
            return planned;
        }
        let t = Instant::now();
        if self.applying() {
            self.progress(Progress::Started { addr: addr.clone(), action: Action::Read, deposed: None, object: None });
        }
        let resp =
            provider.read_data_source(strata_provider::ReadDataRequest { type_name: &addr.resource.type_name, config });
        // A check block's data source is read now for the plan's checks,
        // and planned to be read again when applying (as Terraform does).
        let nested_read = |after: Value| {
            let nested = !self.applying()
                && !self.refresh_only
                && self.check_data.lock().expect("no poisoned locks").contains(&addr.resource);
            if nested {
                self.changes.lock().expect("no poisoned locks").push(PlannedChange {
                    addr: addr.clone(),
                    provider: provider_addr.to_string(),
                    action: Action::Read,
                    before: prior.clone(),
                    after,
                    replace_paths: Vec::new(),
                    reason: Some("read_because_check_nested"),
                    moved_from: None,
                    importing: None,
                    deposed: None,
                    private: Vec::new(),
                });
            }
        };
        if report(resp.diagnostics, Some(span), diags) {
            nested_read(proposed_new(&schema.block, &Value::null(schema.implied_type()), config));
            return Value::dynamic_unknown();
        }
        if self.applying() {
            self.progress(Progress::Finished {
                addr: addr.clone(),
                action: Action::Read,
                deposed: None,
                seconds: t.elapsed().as_secs(),
                object: object_id(&resp.state),
            });
        }
        let value = carry_sensitive(&mark_schema_sensitive(resp.state, &schema.block), config);
        nested_read(value.clone());
        if !value.unmark_deep().0.raw_equal(&prior.unmark_deep().0) {
            // Planning: the result goes to the plan's prior state, which
            // apply starts from (it is not read again).
            // (Terraform records no dependencies for data sources.)
            let inst = instance_state(&addr.key, &value, schema, &[], Vec::new(), false);
            if self.applying() {
                self.record(addr, provider_addr, Some(inst), each, diags);
            } else {
                self.note_refreshed(addr, provider_addr, None, Some(inst), each);
            }
        }
        value
    }
}
