//! Planning one managed instance: refresh, proposed new value, the
//! provider's plan, and the action (create, update, replace, no-op).

use super::*;

impl ResourceEngine<'_> {
    /// Plans one instance: refreshes it, asks the provider for the planned
    /// object and records the change. Returns the value references to the
    /// instance see (unknowns for what only apply will know).
    pub(super) fn plan_instance(&self, ctx: &InstanceCtx, config: &Value, diags: &mut Diagnostics) -> Value {
        let InstanceCtx { addr, provider_addr, provider, schema, span, each, dependencies, opts, .. } = *ctx;
        let prior_inst = self.prior.instance(addr).map(|(_, i)| i);
        let tainted = prior_inst.as_ref().is_some_and(|i| i.status.as_deref() == Some("tainted"));
        // An `import` block for an instance not yet in state: the object
        // is imported first and planned as if it had been there.
        let import = match &prior_inst {
            None => self.imports.lock().expect("no poisoned locks").get(addr).cloned(),
            Some(_) => None,
        };
        let importing = import.as_ref().map(|(id, _)| id.clone());
        let (stored, mut prior_private) = match &import {
            Some((id, import_span)) => {
                self.imports_used.lock().expect("no poisoned locks").insert(addr.clone());
                match self.import_object(addr, provider, schema, id, import_span, diags) {
                    Some(found) => found,
                    None => return Value::dynamic_unknown(),
                }
            }
            None => (
                prior_inst.as_ref().map_or_else(|| Value::null(schema.implied_type()), |i| decode_state(i, schema)),
                prior_inst.as_ref().and_then(|i| i.private.as_deref()).map(decode_private).unwrap_or_default(),
            ),
        };
        // Refresh: what the object looks like now, outside our state.
        let mut prior = stored.clone();
        if (self.refresh || importing.is_some()) && !stored.is_null() && !tainted {
            // (Not shown by `strata import`, which plans only what it imports.)
            let shown = !self.applying() && importing.is_none();
            if shown {
                self.progress(Progress::Refreshing { addr: addr.clone(), deposed: None, object: object_id(&stored) });
            }
            let resp = provider.read_resource(strata_provider::ReadResourceRequest {
                type_name: &addr.resource.type_name,
                current: &stored,
                private: &prior_private,
            });
            if report(resp.diagnostics, Some(span), diags) {
                return Value::dynamic_unknown();
            }
            prior = match resp.new_state {
                None => Value::null(schema.implied_type()),
                Some(v) => apply_sensitive_paths(mark_schema_sensitive(v, &schema.block), &sensitive_paths(&stored)),
            };
            prior_private = resp.private;
            if shown {
                self.progress(Progress::Refreshed { addr: addr.clone(), object: object_id(&stored) });
            }
            if let (Some(id), true) = (&importing, prior.is_null()) {
                diags.push(Diagnostic::error("Cannot import non-existent remote object").with_detail(format!("While attempting to import an existing object to {addr}, the provider detected that no object exists with the given id {id:?}. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"strata apply\" to create a new remote object for this resource.")).with_span(span.clone()));
                return Value::dynamic_unknown();
            }
            let recorded = with_volatile_of(&stored, &prior, schema);
            if importing.is_none() && !prior.unmark_deep().0.raw_equal(&recorded.unmark_deep().0) {
                self.drift.lock().expect("no poisoned locks").push(Drift {
                    addr: addr.clone(),
                    provider: provider_addr.to_string(),
                    before: recorded,
                    after: prior.clone(),
                });
            }
        }
        if self.import_only {
            if importing.is_some() && self.applying() {
                let inst = instance_state(&addr.key, &prior, schema, &prior_private, dependencies.to_vec(), false);
                self.record(addr, provider_addr, Some(inst), each, diags);
            }
            return if prior.is_null() { Value::unknown(schema.implied_type()) } else { prior };
        }
        // The object as state stores it, with its create_before_destroy
        // flag (Terraform writes it only when true).
        let flag_changed = prior_inst.is_some_and(|p| p.create_before_destroy.filter(|f| *f) != ctx.cbd_flag());
        // The plan's prior state holds the object as refreshing found it,
        // with its current dependencies and flag: what apply starts from.
        let refreshed = !prior.unmark_deep().0.raw_equal(&stored.unmark_deep().0);
        let dependencies_changed = prior_inst.as_ref().is_some_and(|p| {
            let now = (!dependencies.is_empty()).then(|| dependencies.to_vec());
            p.dependencies != now
        });
        if importing.is_none() && !stored.is_null() && (refreshed || flag_changed || dependencies_changed) {
            let inst = (!prior.is_null()).then(|| ctx.stored(&prior, &prior_private, tainted));
            self.note_refreshed(addr, provider_addr, None, inst, each);
        }
        if self.refresh_only {
            return if prior.is_null() { Value::unknown(schema.implied_type()) } else { prior };
        }
        // A replacement is a new object: it takes the configuration as
        // written, ignore_changes or not (as does a tainted object's).
        let as_written = config;
        let config =
            &if tainted { config.clone() } else { ignore_changes(config, &prior, &opts.lifecycle.ignore_changes) };
        let plan = |prior: &Value| ctx.provider_plan(prior, config, &prior_private);
        if !ctx.validate(config, diags) {
            return Value::dynamic_unknown();
        }
        let resp = if tainted { plan(&Value::null(schema.implied_type())) } else { plan(&prior) };
        if ctx.report(resp.diagnostics, diags) {
            return Value::dynamic_unknown();
        }
        let mut replace_paths = resp.requires_replace.clone();
        for (name, a) in &schema.block.attributes {
            let p = vec![PathStep::Attr(name.clone())];
            if a.force_new && !prior.is_null() && differs_at(&prior, &resp.planned, &p) && !replace_paths.contains(&p) {
                replace_paths.push(p);
            }
        }
        replace_paths.retain(|p| prior.is_null() || differs_at(&prior, &resp.planned, p));
        let (action, reason) = if prior.is_null() {
            (Action::Create, None)
        } else if tainted {
            (Action::Replace, Some("replace_because_tainted"))
        } else if !replace_paths.is_empty() {
            (Action::Replace, Some("replace_because_cannot_update"))
        } else if self.replace.contains(&addr.to_string()) {
            self.replace_found.lock().expect("no poisoned locks").insert(addr.to_string());
            (Action::Replace, Some("replace_by_request"))
        } else if opts.triggered {
            (Action::Replace, Some("replace_by_triggers"))
        } else if resp.planned.unmark_deep().0.raw_equal(&prior.unmark_deep().0) && resp.planned.is_wholly_known() {
            (Action::NoOp, None)
        } else {
            (Action::Update, None)
        };
        let action =
            if action == Action::Replace && opts.create_before_destroy { Action::CreateThenDelete } else { action };
        if matches!(action, Action::Replace | Action::CreateThenDelete) && opts.lifecycle.prevent_destroy {
            diags.push(prevent_destroy_error(addr, span));
            return Value::dynamic_unknown();
        }
        let mut planned = mark_schema_sensitive(resp.planned.clone(), &schema.block);
        if action == Action::NoOp
            && planned.marks_deep() == prior.marks_deep()
            && sensitive_paths(&planned) == sensitive_paths(&prior)
        {
            // The same object, marks included: share the prior value rather
            // than keep a second copy of every unchanged object.
            planned = prior.clone();
        }
        let mut planned_private = resp.private.clone();
        if matches!(action, Action::Replace | Action::CreateThenDelete) && !tainted {
            // The new object is planned as a create.
            let create = ctx.provider_plan(&Value::null(schema.implied_type()), as_written, &prior_private);
            if ctx.report(create.diagnostics, diags) {
                return Value::dynamic_unknown();
            }
            planned = mark_schema_sensitive(create.planned, &schema.block);
            planned_private = create.private;
        }
        self.changes.lock().expect("no poisoned locks").push(PlannedChange {
            addr: addr.clone(),
            provider: provider_addr.to_string(),
            action,
            before: prior.clone(),
            after: planned.clone(),
            replace_paths,
            reason,
            moved_from: self.moves.get(addr).cloned(),
            importing: importing.clone(),
            deposed: None,
            private: planned_private,
        });
        if action != Action::NoOp {
            self.changed_resources
                .lock()
                .expect("no poisoned locks")
                .insert(strip_module_keys(&addr.resource.to_string()));
        }
        planned
    }
}

/// The stored object with its volatile attributes as the refreshed one has
/// them: what drift compares and reports, so that a value the service
/// moves by itself is refreshed without being reported as changed outside
/// Strata.
fn with_volatile_of(stored: &Value, refreshed: &Value, schema: &strata_provider::ResourceSchema) -> Value {
    let volatile = || schema.block.attributes.iter().filter(|(_, a)| a.volatile).map(|(k, _)| k);
    if volatile().next().is_none() || stored.is_null() || refreshed.is_null() {
        return stored.clone();
    }
    let (Some(fields), Some(now)) = (stored.as_entries(), refreshed.as_entries()) else { return stored.clone() };
    let mut fields = fields.clone();
    for k in volatile() {
        if let (Some(slot), Some(v)) = (fields.get_mut(k), now.get(k)) {
            *slot = v.clone();
        }
    }
    Value::object(fields).mark(stored.marks())
}

#[cfg(test)]
mod volatile_tests {
    use super::with_volatile_of;
    use strata_lang::{Type, Value};
    use strata_provider::{Attribute, ResourceSchema};

    #[test]
    fn a_volatile_attribute_is_refreshed_but_is_not_drift() {
        let mut schema = ResourceSchema::default();
        schema.block.attributes.insert("restorable".into(), Attribute::computed(Type::String).volatile());
        schema.block.attributes.insert("retention".into(), Attribute::optional(Type::Number));
        let object = |restorable: &str, retention: i64| {
            Value::object(
                [
                    ("restorable".to_string(), Value::string(restorable)),
                    ("retention".to_string(), Value::int(retention)),
                ]
                .into(),
            )
        };
        let (stored, moved) = (object("10:00", 7), object("10:05", 7));
        assert!(with_volatile_of(&stored, &moved, &schema).raw_equal(&moved), "only the restore point moved: no drift");
        let changed = object("10:05", 1);
        let recorded = with_volatile_of(&stored, &changed, &schema);
        assert!(recorded.raw_equal(&object("10:05", 7)), "the report shows the retention only");
        let gone = Value::null(schema.implied_type());
        assert!(with_volatile_of(&stored, &gone, &schema).raw_equal(&stored), "a deleted object is drift");
    }
}
