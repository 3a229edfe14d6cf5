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

    /// Whether `replace_triggered_by` asks for a replacement of this
    /// instance, by Terraform's rules: a reference to a resource or an
    /// instance (keys from `count.index`/`each.key` evaluated with the
    /// instance's `bindings`) triggers when one of its objects is planned
    /// to update or be replaced; a reference that goes on to an attribute
    /// triggers only when that attribute's planned value differs from its
    /// prior one (or becomes unknown).
    pub(super) fn triggered(
        &self,
        ev: &Evaluator,
        bindings: &[(&str, Value)],
        path: &ModuleInstance,
        refs: &[strata_config::Expr],
    ) -> bool {
        if refs.is_empty() {
            return false;
        }
        crate::module_eval::bind_all(ev, bindings, || {
            let changes = self.changes.lock().expect("no poisoned locks");
            refs.iter().any(|e| {
                let Some(trigger) = Trigger::parse(ev, &e.expr) else { return false };
                let mut of_resource = changes.iter().filter(|c| {
                    c.deposed.is_none()
                        && c.addr.resource.module == *path
                        && c.addr.resource.type_name == trigger.type_name
                        && c.addr.resource.name == trigger.name
                        && trigger.key.as_ref().is_none_or(|k| &c.addr.key == k)
                });
                let changing = |c: &&PlannedChange| {
                    matches!(c.action, Action::Update | Action::Replace | Action::CreateThenDelete)
                };
                if trigger.path.is_empty() {
                    return of_resource.any(|c| changing(&c));
                }
                let Some(change) = of_resource.next().filter(changing) else { return false };
                let span = ev.span_of(&e.expr);
                let at = |v: &Value| {
                    trigger.path.iter().try_fold(v.clone(), |v, step| match step {
                        Step::Attr(name) => ev.get_attr(&v, name, &span).ok(),
                        Step::Index(key) => ev.index(&v, key, &span).ok(),
                    })
                };
                match (at(&change.before), at(&change.after)) {
                    (Some(before), Some(after)) => !before.raw_equal(&after),
                    (before, after) => before.is_some() != after.is_some(),
                }
            })
        })
    }
}

/// One `replace_triggered_by` reference, taken apart.
struct Trigger {
    type_name: String,
    name: String,
    /// The instance named, when the reference has an index.
    key: Option<InstanceKey>,
    /// What follows the instance: the attribute whose change triggers.
    path: Vec<Step>,
}

enum Step {
    Attr(String),
    Index(Value),
}

impl Trigger {
    /// `type.name[key].attr…`, with index expressions evaluated; `None`
    /// for anything else (config validation reports those).
    fn parse(ev: &Evaluator, expr: &hcl_edit::expr::Expression) -> Option<Trigger> {
        use hcl_edit::expr::{Expression, TraversalOperator};
        let Expression::Traversal(t) = expr else { return None };
        let Expression::Variable(root) = &t.expr else { return None };
        let mut ops = t.operators.iter().map(|o| o.value());
        let Some(TraversalOperator::GetAttr(name)) = ops.next() else { return None };
        let index_value = |op: &TraversalOperator| -> Option<Value> {
            match op {
                TraversalOperator::Index(e) => ev.eval(e).ok().map(|v| v.unmark_deep().0),
                TraversalOperator::LegacyIndex(n) => Some(Value::int(i64::try_from(*n.value()).ok()?)),
                _ => None,
            }
        };
        let mut rest: Vec<&TraversalOperator> = ops.collect();
        let mut key = None;
        if let Some(first) = rest.first().copied() {
            if let Some(v) = index_value(first) {
                key = Some(match v.as_str() {
                    Some(s) => InstanceKey::Str(s.to_string()),
                    None => InstanceKey::Int(v.as_number()?.to_i64()?),
                });
                rest.remove(0);
            }
        }
        let path = rest
            .into_iter()
            .map(|op| match op {
                TraversalOperator::GetAttr(n) => Some(Step::Attr(n.to_string())),
                other => index_value(other).map(Step::Index),
            })
            .collect::<Option<Vec<Step>>>()?;
        Some(Trigger { type_name: root.to_string(), name: name.to_string(), key, path })
    }
}
