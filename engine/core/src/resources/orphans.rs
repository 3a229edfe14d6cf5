//! After the walk: objects the configuration no longer has (or all, when
//! destroying) and deposed objects are deleted, dependents first, or forgotten.

use super::*;
use std::sync::atomic::{AtomicBool, Ordering};

impl<'a> ResourceEngine<'a> {
    /// After the walk: objects in state that the configuration no longer has
    /// (or everything, when destroying) are planned for deletion — or, when
    /// applying, the plan's deletions are carried out — dependents first.
    pub fn finish(&self, diags: &mut Diagnostics) {
        if let Some(pending) = &self.recovering {
            self.resolve_intents(pending, diags);
            return;
        }
        if self.refresh_only {
            // Planning: deposed objects are read too (one deleted outside
            // leaves the state), but nothing is destroyed.
            if self.plan.is_none() {
                for (addr, provider_addr, inst) in &self.prior.deposed {
                    self.plan_orphan(addr, provider_addr, inst, diags);
                }
            }
            return;
        }
        if self.import_only {
            return;
        }
        let mut orphans: Vec<(ResourceInstanceAddr, String, InstanceState, Leftover)> = match &self.plan {
            None => {
                self.unconfigured_imports(diags);
                let visited = self.visited.lock().expect("no poisoned locks");
                let mut found: Vec<_> = self
                    .prior
                    .all()
                    .filter(|(a, _, _)| !visited.contains(a))
                    .map(|(a, p, i)| (a, p.to_string(), i.clone(), Leftover::Prior))
                    .collect();
                // Those an earlier run left deposed are planned for
                // destruction like orphans, as Terraform plans them.
                found.extend(
                    self.prior
                        .deposed
                        .iter()
                        .map(|(a, p, i)| (a.clone(), p.to_string(), (*i).clone(), Leftover::Prior)),
                );
                found
            }
            Some(plan) => plan
                .all()
                .filter(|c| matches!(c.action, Action::Delete | Action::Forget))
                .filter_map(|c| {
                    let (provider, inst) = self.prior.object(&c.addr, c.deposed.as_deref())?;
                    Some((c.addr.clone(), provider.to_string(), inst.clone(), Leftover::Planned(c)))
                })
                .collect(),
        };
        // Objects deposed by this walk's create_before_destroy replacements
        // go now that their dependents are updated; after a failure they
        // stay in state, as Terraform leaves them.
        let deposed = std::mem::take(&mut *self.deposed.lock().expect("no poisoned locks"));
        if !self.failed_before(diags) {
            orphans.extend(deposed.into_iter().map(|(a, p, i)| (a, p, i, Leftover::DeposedNow)));
        }
        orphans.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.deposed.cmp(&b.2.deposed)));
        // Dependents are deleted before what they depend on. Dependencies
        // name configuration resources (as Terraform's do, without module
        // instance keys), so objects are ordered by theirs.
        let config_name = |a: &ResourceInstanceAddr| strip_module_keys(&a.resource.to_string());
        let mut graph = DependencyGraph::new();
        let file = strata_diag::SourceFile::new("<state>", "");
        for (a, _, i, _) in &orphans {
            let name = config_name(a);
            graph.add_node(&name);
            for d in i.dependencies.iter().flatten() {
                graph.add_edge(&name, &strip_module_keys(d), Span::file_start(&file));
            }
        }
        let (order, _) = graph.order();
        let rank: HashMap<String, usize> = order.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
        orphans.sort_by_key(|(a, _, _, _)| std::cmp::Reverse(rank.get(&config_name(a)).copied().unwrap_or(0)));
        // One task per resource (its instances are independent of each
        // other); a resource waits for the resources that depend on it.
        let mut groups: Vec<Vec<(ResourceInstanceAddr, String, InstanceState, Leftover)>> = Vec::new();
        for o in orphans {
            match groups.last_mut() {
                Some(g) if config_name(&g[0].0) == config_name(&o.0) => g.push(o),
                _ => groups.push(vec![o]),
            }
        }
        let group_of: HashMap<String, usize> =
            groups.iter().enumerate().map(|(i, g)| (config_name(&g[0].0), i)).collect();
        let mut needs: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
        for (h, g) in groups.iter().enumerate() {
            let deps: HashSet<String> = g
                .iter()
                .flat_map(|(_, _, i, _)| i.dependencies.iter().flatten())
                .map(|d| strip_module_keys(d))
                .collect();
            for d in deps {
                if let Some(&target) = group_of.get(d.as_str()) {
                    if h < target {
                        needs[target].push(h);
                    }
                }
            }
        }
        let outcomes: Vec<Mutex<Diagnostics>> = groups.iter().map(|_| Mutex::new(Diagnostics::new())).collect();
        // A resource whose dependent failed to go stays (with what it
        // depends on in turn): the dependent still uses it, as Terraform
        // skips the dependencies of a failed destroy.
        let failed: Vec<AtomicBool> = groups.iter().map(|_| AtomicBool::new(false)).collect();
        crate::parallel::run_dag(&needs, self.parallelism.min(groups.len()), |g| {
            if needs[g].iter().any(|&h| failed[h].load(Ordering::SeqCst)) {
                failed[g].store(true, Ordering::SeqCst);
                return;
            }
            let group = &groups[g];
            let per_instance: Vec<Mutex<Diagnostics>> = group.iter().map(|_| Mutex::new(Diagnostics::new())).collect();
            let independent = vec![Vec::new(); group.len()];
            crate::parallel::run_dag(&independent, self.parallelism.min(group.len()), |i| {
                let (addr, provider_addr, inst, kind) = &group[i];
                let mut local = Diagnostics::new();
                match kind {
                    Leftover::Prior => self.plan_orphan(addr, provider_addr, inst, &mut local),
                    Leftover::Planned(change) => self.apply_orphan(change, provider_addr, inst, &mut local),
                    Leftover::DeposedNow => self.destroy_deposed(addr, provider_addr, inst, &mut local),
                }
                *per_instance[i].lock().expect("no poisoned locks") = local;
            });
            let mut all = Diagnostics::new();
            for d in per_instance {
                all.extend(d.into_inner().expect("no poisoned locks"));
            }
            if all.has_errors() {
                failed[g].store(true, Ordering::SeqCst);
            }
            *outcomes[g].lock().expect("no poisoned locks") = all;
        });
        for d in outcomes {
            diags.extend(d.into_inner().expect("no poisoned locks"));
        }
        if self.plan.is_none() {
            self.create_before_destroy_cycles(diags);
        }
        self.reread_changed_by_dependents(diags);
    }

    /// A create_before_destroy replacement of an object that depends on
    /// one destroyed first (an orphan stored without the flag, or a plain
    /// replacement) cannot be ordered: its creation waits for that
    /// destruction, which waits for its deposed object to go, which waits
    /// for its creation. Terraform reports the cycle when planning.
    pub(super) fn create_before_destroy_cycles(&self, diags: &mut Diagnostics) {
        let changes = self.changes.lock().expect("no poisoned locks").clone();
        let destroyed_first: Vec<&PlannedChange> = changes
            .iter()
            .filter(|c| match c.action {
                Action::Replace => true,
                // A deposed object goes last, whatever its flag.
                Action::Delete if c.deposed.is_some() => false,
                Action::Delete => {
                    self.prior.instance(&c.addr).is_some_and(|(_, i)| i.create_before_destroy != Some(true))
                }
                _ => false,
            })
            .collect();
        if destroyed_first.is_empty() {
            return;
        }
        let config_name = |a: &ResourceInstanceAddr| strip_module_keys(&a.resource.to_string());
        for c in changes.iter().filter(|c| c.action == Action::CreateThenDelete) {
            let stored = self.prior.instance(&c.addr).and_then(|(_, i)| i.dependencies.as_ref());
            let configured = self
                .references
                .get()
                .map_or_else(Vec::new, |(graph, _)| graph.resource_dependencies(&config_name(&c.addr)));
            let dependencies: HashSet<String> =
                stored.into_iter().flatten().map(|d| strip_module_keys(d)).chain(configured).collect();
            if let Some(d) = destroyed_first.iter().find(|d| dependencies.contains(&config_name(&d.addr))) {
                // A replaced dependency's creation waits for the deposed
                // object too (it is among what that object depended on).
                let mut members = vec![c.addr.to_string(), format!("{} (destroy deposed {})", c.addr, deposed_key())];
                members.push(format!("{} (destroy)", d.addr));
                if d.action == Action::Replace {
                    members.push(d.addr.to_string());
                }
                diags.push(Diagnostic::error(format!("Cycle: {}", members.join(", "))));
            }
        }
    }

    /// Destroys an object this walk deposed (its replacement exists).
    pub(super) fn destroy_deposed(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        inst: &InstanceState,
        diags: &mut Diagnostics,
    ) {
        if self.stopping(diags) {
            return;
        }
        let Some((provider, schema)) = self.provider_for_state(addr, provider_addr, diags) else { return };
        let before = decode_state(inst, &schema);
        let _permit = self.operations.acquire();
        let _ = self.delete(addr, provider_addr, &*provider, &before, inst, diags);
    }

    /// Plans the deletion (or forgetting) of one object the configuration
    /// no longer has, read first as Terraform reads it.
    pub(super) fn plan_orphan(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        inst: &InstanceState,
        diags: &mut Diagnostics,
    ) {
        if !self.orphan_targeted(addr) {
            return;
        }
        if addr.resource.mode == ResourceMode::Data {
            // A data source only leaves the state (the plan's prior state).
            self.note_refreshed(addr, provider_addr, None, None, None);
            return;
        }
        let reason = if matches!(self.operation, Operation::Destroy { .. }) || inst.deposed.is_some() {
            None
        } else {
            Some(self.orphan_reason(addr))
        };
        if inst.deposed.is_none() {
            if let Some(span) = self.protected.lock().expect("no poisoned locks").get(&addr.resource) {
                diags.push(prevent_destroy_error(addr, span));
                return;
            }
        }
        let Some((provider, schema)) = self.provider_for_state(addr, provider_addr, diags) else { return };
        let mut before = decode_state(inst, &schema);
        // As Terraform: what is to be destroyed is read first; an object
        // already deleted outside only leaves the state.
        if self.refresh && inst.status.as_deref() != Some("tainted") {
            self.progress(Progress::Refreshing {
                addr: addr.clone(),
                deposed: inst.deposed.clone(),
                object: object_id(&before),
            });
            let private = inst.private.as_deref().map(decode_private).unwrap_or_default();
            let resp = provider.read_resource(strata_provider::ReadResourceRequest {
                type_name: &addr.resource.type_name,
                current: &before,
                private: &private,
            });
            if report(resp.diagnostics, None, diags) {
                return;
            }
            self.progress(Progress::Refreshed { addr: addr.clone(), object: object_id(&before) });
            let Some(found) = resp.new_state else {
                if inst.deposed.is_none() {
                    self.drift.lock().expect("no poisoned locks").push(Drift {
                        addr: addr.clone(),
                        provider: provider_addr.to_string(),
                        before: before.clone(),
                        after: Value::null(schema.implied_type()),
                    });
                }
                self.note_refreshed(addr, provider_addr, inst.deposed.as_deref(), None, None);
                return;
            };
            let now = apply_sensitive_paths(mark_schema_sensitive(found, &schema.block), &sensitive_paths(&before));
            if !now.unmark_deep().0.raw_equal(&before.unmark_deep().0) {
                // The plan's prior state (and a refresh-only apply) keeps
                // the object as it is now.
                let dependencies = inst.dependencies.clone().unwrap_or_default();
                let tainted = inst.status.as_deref() == Some("tainted");
                let refreshed = InstanceState {
                    deposed: inst.deposed.clone(),
                    create_before_destroy: inst.create_before_destroy,
                    ..instance_state(&addr.key, &now, &schema, &resp.private, dependencies, tainted)
                };
                self.note_refreshed(addr, provider_addr, inst.deposed.as_deref(), Some(refreshed), None);
            }
            before = now;
        }
        if self.refresh_only {
            return;
        }
        let forget = !matches!(self.operation, Operation::Destroy { .. })
            && self.removals.iter().any(|r| !r.destroy && r.covers(addr));
        self.changes.lock().expect("no poisoned locks").push(PlannedChange {
            addr: addr.clone(),
            provider: provider_addr.to_string(),
            action: if forget { Action::Forget } else { Action::Delete },
            before,
            after: Value::null(schema.implied_type()),
            replace_paths: Vec::new(),
            reason,
            moved_from: if forget { None } else { self.moves.get(addr).cloned() },
            importing: None,
            deposed: inst.deposed.clone(),
            private: Vec::new(),
        });
    }

    /// Carries out a planned deletion (or forgetting) of an object the
    /// configuration no longer has, or a deposed one.
    pub(super) fn apply_orphan(
        &self,
        change: &PlannedChange,
        provider_addr: &str,
        inst: &InstanceState,
        diags: &mut Diagnostics,
    ) {
        let addr = &change.addr;
        if change.action == Action::Forget {
            match &change.deposed {
                Some(key) => self.record_deposed(addr, provider_addr, key, None, None, diags),
                None => self.record(addr, provider_addr, None, None, diags),
            }
            return;
        }
        if self.stopping(diags) {
            return;
        }
        let Some((provider, _)) = self.provider_for_state(addr, provider_addr, diags) else { return };
        let _permit = self.operations.acquire();
        let _ = self.delete(addr, provider_addr, &*provider, &change.before, inst, diags);
    }
}

/// What is to happen to an object left over after the walk.
enum Leftover<'p> {
    /// Planning: the configuration no longer has it (or it is deposed).
    Prior,
    /// Applying: the plan's change for it.
    Planned(&'p PlannedChange),
    /// Applying: this walk deposed it (its replacement exists).
    DeposedNow,
}

impl ResourceEngine<'_> {
    /// Whether `-target` (if given) reaches an object the walk did not:
    /// named by a target, directly or by its module; when destroying, also
    /// every object that depends on one of those (by its state
    /// `dependencies`), as Terraform destroys dependents first.
    fn orphan_targeted(&self, addr: &ResourceInstanceAddr) -> bool {
        let Some((targets, _)) = &self.targets else { return true };
        let reached = self.targeted_objects.get_or_init(|| {
            let named = |a: &ResourceInstanceAddr| {
                let (instance, resource) = (a.to_string(), a.resource.to_string());
                targets.iter().any(|t| *t == instance || *t == resource || within_module(&resource, t))
            };
            let all: Vec<(ResourceInstanceAddr, Vec<String>)> = self
                .prior
                .all()
                .map(|(a, _, i)| (a.clone(), i.dependencies.iter().flatten().map(|d| strip_module_keys(d)).collect()))
                .collect();
            let mut reached: HashSet<ResourceInstanceAddr> =
                all.iter().filter(|(a, _)| named(a)).map(|(a, _)| a.clone()).collect();
            if matches!(self.operation, Operation::Destroy { .. }) {
                let mut resources: HashSet<String> =
                    reached.iter().map(|a| strip_module_keys(&a.resource.to_string())).collect();
                // Dependencies are stored transitively, but a state written
                // by an older tool may not be: spread until nothing changes.
                loop {
                    let before = reached.len();
                    for (a, deps) in &all {
                        if !reached.contains(a) && deps.iter().any(|d| resources.contains(d)) {
                            reached.insert(a.clone());
                            resources.insert(strip_module_keys(&a.resource.to_string()));
                        }
                    }
                    if reached.len() == before {
                        break;
                    }
                }
            }
            reached
        });
        reached.contains(addr)
    }

    /// Why an object the configuration no longer expands is deleted, by
    /// Terraform's rules: its block is gone (with its module or alone); its
    /// key is of the wrong kind for how the block repeats now; its index or
    /// key is out of range; or its module instance is gone.
    pub(super) fn orphan_reason(&self, addr: &ResourceInstanceAddr) -> &'static str {
        let configured = self.configured.get().and_then(|c| {
            let calls = addr.resource.module.0.iter().map(|(name, _)| name.clone()).collect();
            c.get(&(calls, addr.resource.mode, addr.resource.type_name.clone(), addr.resource.name.clone()))
        });
        let Some(repetition) = configured else { return "delete_because_no_resource_config" };
        match (&addr.key, repetition) {
            (InstanceKey::Int(_), Repetition::Count) => "delete_because_count_index",
            (InstanceKey::Str(_), Repetition::ForEach) => "delete_because_each_key",
            (InstanceKey::None, Repetition::Single) => "delete_because_no_module",
            _ => "delete_because_wrong_repetition",
        }
    }
}

pub(super) fn prevent_destroy_error(addr: &ResourceInstanceAddr, span: &Span) -> Diagnostic {
    Diagnostic::error("Instance cannot be destroyed")
        .with_detail(format!(
            "Resource {addr} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target flag."
        ))
        .with_span(span.clone())
}
