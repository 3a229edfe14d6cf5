//! Preconditions, postconditions and `replace_triggered_by`.

use super::*;

impl ResourceEngine<'_> {
    /// Evaluates every precondition (or postcondition, with `self`) rule of
    /// one instance with its bindings and records each result; whether any
    /// of them failed with an error (with `-refresh-only` they only warn).
    pub(super) fn check_conditions(
        &self,
        ev: &Evaluator,
        bindings: &[(&str, Value)],
        (config_addr, iaddr): (&str, &ResourceInstanceAddr),
        (kind, rules): (RuleKind, &[strata_config::CheckRule]),
        self_value: Option<&Value>,
        diags: &mut Diagnostics,
    ) -> bool {
        let mut all: Vec<(&str, Value)> = bindings.to_vec();
        if let Some(v) = self_value {
            all.push(("self", v.clone()));
        }
        let object_addr = iaddr.to_string();
        let severity = self.checks.condition_severity();
        let mut local = Diagnostics::new();
        for (index, rule) in rules.iter().enumerate() {
            let outcome = crate::module_eval::bind_all(ev, &all, || {
                crate::checks::evaluate_rule(ev, rule, kind, severity, &mut local)
            });
            self.checks.report(config_addr, &object_addr, (kind, index), &outcome);
        }
        let failed = local.has_errors();
        diags.extend(local);
        failed
    }

    /// Whether any reference in `replace_triggered_by` names a resource
    /// (of the same module instance) planned to change.
    pub(super) fn triggered(&self, path: &ModuleInstance, module: &Module, refs: &[strata_config::Expr]) -> bool {
        if refs.is_empty() {
            return false;
        }
        let changes = self.changes.lock().expect("no poisoned locks");
        refs.iter().flat_map(|e| strata_lang::refs::references(&e.expr, &e.file, &[])).any(|reference| {
            let Some(name) = reference.attrs.first() else { return false };
            if !module.resources.iter().any(|r| r.type_name == reference.root && &r.name == name) {
                return false;
            }
            changes.iter().any(|c| {
                c.addr.resource.module == *path
                    && c.addr.resource.type_name == reference.root
                    && &c.addr.resource.name == name
                    && matches!(c.action, Action::Update | Action::Replace | Action::CreateThenDelete)
            })
        })
    }
}
