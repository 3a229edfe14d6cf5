//! Applying a plan's change to one configured instance: the final plan
//! (configuration evaluated again, now with the real values of what it
//! depends on) must be compatible with what was planned; then the
//! provider applies it and the result is journalled.

use super::*;

impl ResourceEngine<'_> {
    /// Executes the planned change `change` of one configured instance.
    /// Returns the value references to the instance see.
    pub(super) fn apply_planned(
        &self,
        ctx: &InstanceCtx,
        change: &PlannedChange,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let InstanceCtx { addr, provider_addr, provider, schema, span, each, dependencies, opts, .. } = *ctx;
        let prior_inst = self.prior.instance(addr).map(|(_, i)| i);
        let tainted = prior_inst.as_ref().is_some_and(|i| i.status.as_deref() == Some("tainted"));
        let object = |value: &Value, private: &[u8], tainted: bool| ctx.stored(value, private, tainted);
        // The object the plan was made against: refreshed while planning
        // (or imported), and already in the prior state apply starts from.
        let prior = change.before.clone();
        let prior_private = match (&change.importing, &prior_inst) {
            (None, Some(inst)) => inst.private.as_deref().map(decode_private).unwrap_or_default(),
            _ => change.private.clone(),
        };
        match change.action {
            Action::NoOp => {
                let inst = object(&prior, &prior_private, false);
                self.note_rereadable(schema, (addr, provider_addr, each), &prior, &inst);
                if change.importing.is_some() {
                    self.record(addr, provider_addr, Some(inst), each, diags);
                }
                return change.after.clone();
            }
            Action::Create | Action::Update | Action::Replace | Action::CreateThenDelete => {}
            Action::Delete | Action::Read | Action::Forget => {
                diags.push(
                    Diagnostic::error("Invalid planned action")
                        .with_detail(format!(
                            "The plan has action {:?} for {addr}, which the configuration still has. This is a bug in Strata.",
                            crate::plan::file::action_name(change.action)
                        ))
                        .with_span(span.clone()),
                );
                return Value::dynamic_unknown();
            }
        }
        if self.stopping(diags) {
            return Value::dynamic_unknown();
        }
        let action = change.action;
        // The final plan: the same request as when planning, with the
        // values learned since.
        let config = &if action == Action::Update {
            ignore_changes(config, &prior, &opts.lifecycle.ignore_changes)
        } else {
            config.clone()
        };
        if !ctx.validate(config, diags) {
            return Value::dynamic_unknown();
        }
        // An update goes from the prior object; a create (or replacement) from nothing.
        let before = if action == Action::Update { prior.clone() } else { Value::null(schema.implied_type()) };
        let resp = ctx.provider_plan(&before, config, &prior_private);
        if report(resp.diagnostics, Some(span), diags) {
            return Value::dynamic_unknown();
        }
        let planned = mark_schema_sensitive(resp.planned, &schema.block);
        let problems = compat::incompatibilities(&change.after, &planned);
        if !problems.is_empty() {
            for problem in problems {
                diags.push(
                    Diagnostic::error("Provider produced inconsistent final plan")
                        .with_detail(format!(
                            "When expanding the plan for {addr} to include new values learned so far during apply, provider {:?} produced an invalid new value for {problem}.\n\nThe plan was not applied to this instance: what was reviewed is no longer what would happen. Run plan again to review the new values.",
                            provider_display(provider_addr)
                        ))
                        .with_span(span.clone()),
                );
            }
            return Value::dynamic_unknown();
        }
        let planned_private = resp.private;
        if action == Action::Replace {
            let inst = prior_inst.cloned().unwrap_or_else(|| {
                instance_state(&addr.key, &prior, schema, &prior_private, dependencies.to_vec(), false)
            });
            if self.delete(addr, provider_addr, provider, &prior, &inst, diags).is_err() {
                return Value::dynamic_unknown();
            }
        }
        // create_before_destroy: the old object is deposed (kept under a
        // key, no longer current) until its replacement exists and what
        // depends on it is updated; the journal says so before anything
        // happens. Its dependencies, stored and configured (through locals
        // and modules too, as Terraform records them), order its
        // destruction after the walk.
        let deposed = if action == Action::CreateThenDelete {
            let mut inst = object(&prior, &prior_private, tainted);
            let stored_deps = prior_inst.as_ref().and_then(|p| p.dependencies.clone()).unwrap_or_default();
            let configured = self.references.get().map_or_else(Vec::new, |(graph, _)| {
                graph.resource_dependencies(&strip_module_keys(&addr.resource.to_string()))
            });
            let merged: std::collections::BTreeSet<String> = stored_deps
                .into_iter()
                .chain(dependencies.iter().cloned())
                .chain(configured)
                .map(|d| strip_module_keys(&d))
                .collect();
            inst.dependencies = (!merged.is_empty()).then(|| merged.into_iter().collect());
            let key = crate::resources::deposed_key();
            inst.deposed = Some(key.clone());
            self.record_deposed(addr, provider_addr, &key, Some(inst.clone()), each, diags);
            self.record(addr, provider_addr, None, each, diags);
            Some((key, inst))
        } else {
            None
        };
        let verb = if action == Action::Update { Action::Update } else { Action::Create };
        // A create of an object outside the state: the intent is durable
        // before the call, so that a crash cannot leave the object unknown.
        let token = (verb == Action::Create && !schema.local_only).then(|| uuid::Uuid::new_v4().to_string());
        if let Some(token) = &token {
            let planned_object = object(&planned, &planned_private, false);
            if !self.journal_intent(addr, provider_addr, token, planned_object, each, diags) {
                return Value::dynamic_unknown();
            }
        }
        self.progress(Progress::Started {
            addr: addr.clone(),
            action: verb,
            deposed: None,
            object: if verb == Action::Update { object_id_or_name(&prior) } else { None },
        });
        let t = Instant::now();
        let applied = provider.apply_resource(strata_provider::ApplyRequest {
            type_name: &addr.resource.type_name,
            prior: &before,
            planned: &planned,
            config,
            planned_private: &planned_private,
            create_token: token.as_deref(),
        });
        self.reread.dependent_applied(dependencies);
        let failed = report(applied.diagnostics, Some(span), diags);
        let new_state = mark_schema_sensitive(applied.new_state.clone(), &schema.block);
        let new_state = if config.marks_deep().contains(strata_lang::Marks::SENSITIVE) {
            carry_sensitive(&new_state, config)
        } else {
            new_state
        };
        if failed {
            self.progress(Progress::Failed { addr: addr.clone(), action: verb });
            if !applied.new_state.is_null() {
                // Keep what the provider says exists. Half-created objects are
                // tainted so the next plan replaces them; a failed update
                // is not (as Terraform: the object is still the same one).
                let inst = object(&new_state, &applied.private, before.is_null());
                self.record(addr, provider_addr, Some(inst), each, diags);
            } else if let Some((key, old)) = deposed {
                // Nothing was created: the deposed object is current again,
                // as Terraform restores it.
                self.record(addr, provider_addr, Some(InstanceState { deposed: None, ..old }), each, diags);
                self.record_deposed(addr, provider_addr, &key, None, each, diags);
            } else if token.is_some() {
                // Nothing was created: the intent is settled.
                self.record(addr, provider_addr, None, each, diags);
            }
            return Value::dynamic_unknown();
        }
        if !new_state.is_wholly_known() {
            diags.push(
                Diagnostic::error("Provider returned invalid result object after apply")
                    .with_detail(format!(
                        "After applying {addr}, the provider left some values unknown. This is a bug in the provider."
                    ))
                    .with_span(span.clone()),
            );
        }
        let inst = object(&new_state, &applied.private, false);
        self.note_rereadable(schema, (addr, provider_addr, each), &new_state, &inst);
        self.record(addr, provider_addr, Some(inst), each, diags);
        self.progress(Progress::Finished {
            addr: addr.clone(),
            action: verb,
            deposed: None,
            seconds: t.elapsed().as_secs(),
            object: object_id(&new_state),
        });
        if let Some((_, old)) = deposed {
            self.deposed.lock().expect("no poisoned locks").push((addr.clone(), provider_addr.to_string(), old));
        }
        new_state
    }
}

impl ResourceEngine<'_> {
    pub(super) fn delete(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        provider: &dyn Provider,
        before: &Value,
        inst: &InstanceState,
        diags: &mut Diagnostics,
    ) -> Result<(), ()> {
        let deposed = inst.deposed.clone();
        self.progress(Progress::Started {
            addr: addr.clone(),
            action: Action::Delete,
            deposed: deposed.clone(),
            object: object_id_or_name(before),
        });
        let t = Instant::now();
        let null = Value::null(before.ty());
        let private = inst.private.as_deref().map(decode_private).unwrap_or_default();
        let resp = provider.apply_resource(strata_provider::ApplyRequest {
            type_name: &addr.resource.type_name,
            prior: before,
            planned: &null,
            config: &null,
            planned_private: &private,
            create_token: None,
        });
        self.reread.dependent_applied(inst.dependencies.as_deref().unwrap_or_default());
        if report(resp.diagnostics, None, diags) {
            self.progress(Progress::Failed { addr: addr.clone(), action: Action::Delete });
            return Err(());
        }
        match &deposed {
            Some(key) => self.record_deposed(addr, provider_addr, key, None, None, diags),
            None => self.record(addr, provider_addr, None, None, diags),
        }
        self.progress(Progress::Finished {
            addr: addr.clone(),
            action: Action::Delete,
            deposed,
            seconds: t.elapsed().as_secs(),
            object: None,
        });
        Ok(())
    }
}

/// A deposed object's key: 8 hex digits, as Terraform.
pub(crate) fn deposed_key() -> String {
    let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{:08x}", n ^ std::process::id().rotate_left(16))
}
