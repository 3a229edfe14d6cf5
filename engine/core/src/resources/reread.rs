//! Objects that their dependents change: applying a NAT gateway associates
//! its Elastic IP, a rule resource adds to its group's rules. When a
//! resource type's schema says so (`reread_after_dependents_apply`), its
//! objects that had a dependent applied are read again at the end of the
//! apply, so that the state holds what the remote side now has and a drift
//! check right after the apply is clean.

use super::{
    apply_sensitive_paths, decode_private, instance_state, mark_schema_sensitive, report, sensitive_paths,
    ResourceEngine,
};
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use strata_addrs::ResourceInstanceAddr;
use strata_diag::{Diagnostic, Diagnostics};
use strata_lang::Value;
use strata_provider::ResourceSchema;
use strata_state::InstanceState;

/// What the apply walk notes for the re-read at its end.
#[derive(Default)]
pub(super) struct RereadAfterDependents {
    /// Set once an object of a flagged type is noted: until then the walk
    /// pays nothing for this (no lock per instance).
    any_noted: AtomicBool,
    /// Objects of flagged types, as this apply left them.
    objects: Mutex<BTreeMap<ResourceInstanceAddr, NotedObject>>,
    /// Resources (as state `dependencies` name them) that had a dependent
    /// applied or deleted.
    changed_by_dependents: Mutex<HashSet<String>>,
}

struct NotedObject {
    provider_addr: String,
    each: Option<String>,
    value: Value,
    state: InstanceState,
}

impl RereadAfterDependents {
    /// A resource depending on `dependencies` was just applied (or deleted).
    pub(super) fn dependent_applied(&self, dependencies: &[String]) {
        if dependencies.is_empty() || !self.any_noted.load(Ordering::SeqCst) {
            return;
        }
        self.changed_by_dependents.lock().expect("no poisoned locks").extend(dependencies.iter().cloned());
    }
}

impl ResourceEngine<'_> {
    /// Keeps an object its dependents may change, as just recorded, when
    /// its type's schema asks for that.
    pub(super) fn note_rereadable(
        &self,
        schema: &ResourceSchema,
        (addr, provider_addr, each): (&ResourceInstanceAddr, &str, Option<&str>),
        value: &Value,
        state: &InstanceState,
    ) {
        if !schema.reread_after_dependents_apply {
            return;
        }
        let noted = NotedObject {
            provider_addr: provider_addr.to_string(),
            each: each.map(String::from),
            value: value.clone(),
            state: state.clone(),
        };
        self.reread.objects.lock().expect("no poisoned locks").insert(addr.clone(), noted);
        self.reread.any_noted.store(true, Ordering::SeqCst);
    }

    /// After the apply (every dependent has finished): reads again each
    /// noted object that had a dependent applied, and journals it when it
    /// changed. A failed read only warns: the apply itself succeeded.
    pub(super) fn reread_changed_by_dependents(&self, diags: &mut Diagnostics) {
        let changed = std::mem::take(&mut *self.reread.changed_by_dependents.lock().expect("no poisoned locks"));
        if changed.is_empty() {
            return;
        }
        let objects = std::mem::take(&mut *self.reread.objects.lock().expect("no poisoned locks"));
        let objects: Vec<(ResourceInstanceAddr, NotedObject)> = objects
            .into_iter()
            .filter(|(addr, _)| changed.contains(&super::strip_module_keys(&addr.resource.to_string())))
            .collect();
        let outcomes: Vec<Mutex<Diagnostics>> = objects.iter().map(|_| Mutex::new(Diagnostics::new())).collect();
        let independent = vec![Vec::new(); objects.len()];
        crate::parallel::run_dag(&independent, self.parallelism.min(objects.len()), |i| {
            let mut local = Diagnostics::new();
            let (addr, noted) = &objects[i];
            self.reread_one(addr, noted, &mut local);
            *outcomes[i].lock().expect("no poisoned locks") = local;
        });
        for d in outcomes {
            diags.extend(d.into_inner().expect("no poisoned locks"));
        }
    }

    fn reread_one(&self, addr: &ResourceInstanceAddr, noted: &NotedObject, diags: &mut Diagnostics) {
        if self.stopping(diags) {
            return;
        }
        let Some((provider, schema)) = self.provider_for_state(addr, &noted.provider_addr, diags) else { return };
        let _permit = self.operations.acquire();
        let private = noted.state.private.as_deref().map(decode_private).unwrap_or_default();
        let resp = provider.read_resource(strata_provider::ReadResourceRequest {
            type_name: &addr.resource.type_name,
            current: &noted.value,
            private: &private,
        });
        if resp.diagnostics.iter().any(|d| d.error) {
            let reasons: Vec<String> =
                resp.diagnostics.iter().filter(|d| d.error).map(|d| format!("{}: {}", d.summary, d.detail)).collect();
            diags.push(Diagnostic::warning("Object not read again after apply").with_detail(format!(
                "Resources that depend on {addr} were applied and may have changed it, but reading it again failed, so its state keeps the earlier value until the next refresh.\n\n{}",
                reasons.join("\n")
            )));
            return;
        }
        report(resp.diagnostics, None, diags);
        // Gone: the next refresh says so, as drift.
        let Some(read) = resp.new_state else { return };
        let read = apply_sensitive_paths(mark_schema_sensitive(read, &schema.block), &sensitive_paths(&noted.value));
        if read.unmark_deep().0.raw_equal(&noted.value.unmark_deep().0) {
            return;
        }
        // Only the object changes; dependencies and lifecycle marks stay.
        let fresh = instance_state(&addr.key, &read, &schema, &resp.private, Vec::new(), false);
        let state = InstanceState {
            attributes: fresh.attributes,
            sensitive_attributes: fresh.sensitive_attributes,
            private: fresh.private,
            ..noted.state.clone()
        };
        self.record(addr, &noted.provider_addr, Some(state), noted.each.as_deref(), diags);
    }
}
