//! What a run checks: its assertions (against the plan's planned values or
//! the state after apply, `run.*` and `output.*` included) and its
//! `expect_failures` (matched against the walk's check results, their
//! diagnostics then dropped).

use super::file::{Run, RunCommand};
use super::{diagnostics, output_value, RunOutputs, Status};
use std::collections::{BTreeMap, BTreeSet};
use strata_config::{CheckRule, Expr, Module, ModuleTree, ResourceMode};
use strata_core::{EvalSettings, ModuleResult};
use strata_diag::{Diagnostic, Diagnostics, Severity, Span};
use strata_lang::{Functions, Value};

/// What a run's final walk (plan or apply) produced, for assertions.
pub struct Walked<'a> {
    pub module: &'a Module,
    pub result: ModuleResult,
    pub settings: EvalSettings,
}

/// In a test, a failed `check` block assertion fails the run.
pub fn checks_as_errors(tree: &ModuleTree, diags: Diagnostics) -> Diagnostics {
    diagnostics(diags.into_vec().into_iter().map(|d| {
        if d.severity == Severity::Warning
            && d.summary.starts_with(strata_core::checks::RuleKind::CheckAssertion.description())
            && strata_core::checks::is_check_block_diagnostic(tree, &d)
        {
            Diagnostic { severity: Severity::Error, ..d }
        } else {
            d
        }
    }))
}

/// A run's `expect_failures`, resolved against the module under test.
pub struct Expected<'a> {
    /// (address as written, its span, the conditions that check it).
    objects: Vec<(String, Span, Vec<&'a CheckRule>)>,
    diags: Diagnostics,
}

impl<'a> Expected<'a> {
    pub fn new(module: &'a Module, list: &[(String, Span)]) -> Expected<'a> {
        let mut objects = Vec::new();
        let mut diags = Diagnostics::new();
        for (addr, span) in list {
            let parts: Vec<&str> = addr.split('.').collect();
            let rules: Option<Vec<&CheckRule>> = match parts.as_slice() {
                ["var", name] => module.variable(name).map(|v| v.validations.iter().collect()),
                ["output", name] => module.output(name).map(|o| o.preconditions.iter().collect()),
                ["check", name] => module.checks.iter().find(|c| c.name == *name).map(|c| c.asserts.iter().collect()),
                ["resource", t, n] | [t, n] if *t != "data" => module
                    .resources
                    .iter()
                    .find(|r| r.mode == ResourceMode::Managed && r.type_name == *t && r.name == *n)
                    .map(|r| r.lifecycle.preconditions.iter().chain(&r.lifecycle.postconditions).collect()),
                ["data", t, n] => module
                    .resources
                    .iter()
                    .find(|r| r.mode == ResourceMode::Data && r.type_name == *t && r.name == *n)
                    .map(|r| r.lifecycle.preconditions.iter().chain(&r.lifecycle.postconditions).collect()),
                _ => None,
            };
            match rules {
                Some(rules) => {
                    let addr = addr.strip_prefix("resource.").unwrap_or(addr).to_string();
                    objects.push((addr, span.clone(), rules));
                }
                None => diags.push(
                    Diagnostic::error("Invalid reference")
                        .with_detail(format!(
                            "{addr} is not a checkable object of the module under test: expect_failures names input variables, outputs, check blocks and resources."
                        ))
                        .with_span(span.clone()),
                ),
            }
        }
        Expected { objects, diags }
    }

    /// The expected objects that failed, by the walk's check results.
    pub fn failed(&self, checks: &serde_json::Value) -> BTreeSet<String> {
        checks
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["status"] == "fail")
            .filter_map(|c| c["config_addr"].as_str().map(str::to_string))
            .filter(|addr| self.objects.iter().any(|(a, _, _)| a == addr))
            .collect()
    }

    /// Removes the diagnostics of the `failed` expected objects.
    pub fn remove_failures(&self, failed: &BTreeSet<String>, diags: &mut Diagnostics) {
        let rules: Vec<&CheckRule> = self
            .objects
            .iter()
            .filter(|(a, _, _)| failed.contains(a))
            .flat_map(|(_, _, r)| r.iter().copied())
            .collect();
        let all = std::mem::take(diags).into_vec();
        diags.extend(all.into_iter().filter(|d| !rules.iter().any(|r| rule_diagnostic(r, d))));
    }

    /// "Missing expected failure" for each expected object that did not fail.
    pub fn missing(&self, failed: &BTreeSet<String>) -> Diagnostics {
        let mut out = self.diags.clone();
        for (addr, span, _) in &self.objects {
            if !failed.contains(addr) {
                out.push(
                    Diagnostic::error("Missing expected failure")
                        .with_detail(format!(
                            "The checkable object, {addr}, was expected to report an error but did not."
                        ))
                        .with_span(span.clone()),
                );
            }
        }
        out
    }
}

/// Whether `d` reports the failure of `rule`.
fn rule_diagnostic(rule: &CheckRule, d: &Diagnostic) -> bool {
    let at = rule.condition.span();
    let same = |s: &Span| s.file.name == at.file.name && s.start == at.start && s.end == at.end;
    d.span.as_ref().is_some_and(same)
        || (d.summary == "Invalid value for variable" && d.detail.contains(&format!("validation rule at {at}")))
}

/// Evaluates the run's assertions against what the run's walk left.
pub fn assert_all(
    run: &Run,
    walked: &Walked,
    (outputs, test_vars): (&RunOutputs, &BTreeMap<String, Value>),
    functions: &Functions,
    diags: &mut Diagnostics,
) -> Status {
    let mut status = Status::Pass;
    let run_object = Value::object(outputs.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    let output_object =
        Value::object(walked.result.outputs.iter().map(|(k, o)| (k.clone(), output_value(o))).collect());
    // `var.NAME`: the module's value where it declares NAME, else the test file's.
    let mut vars = test_vars.clone();
    vars.extend(walked.result.variables.iter().map(|(k, v)| (k.clone(), v.clone())));
    let var_object = Value::object(vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    let extra = BTreeMap::from([
        ("run".to_string(), run_object),
        ("output".to_string(), output_object),
        ("var".to_string(), var_object),
    ]);
    let eval = |e: &Expr| -> Result<Value, Diagnostic> {
        check_references(e, walked.module, (outputs, &vars), &walked.result)?;
        strata_core::evaluate_in_root_with(
            walked.module,
            &walked.result,
            &walked.settings,
            functions,
            &e.expr,
            &e.file,
            &extra,
        )
    };
    for rule in &run.asserts {
        // The message first, as Terraform's evalCheckRule: its errors count
        // even when the condition holds.
        let message = match eval(&rule.error_message) {
            Ok(m) => m,
            Err(d) => {
                diags.push(d);
                status = Status::Error;
                continue;
            }
        };
        let condition = match eval(&rule.condition) {
            Ok(v) => v,
            Err(d) => {
                diags.push(d);
                status = Status::Error;
                continue;
            }
        };
        let (condition, _) = condition.unmark_deep();
        if !condition.is_wholly_known() {
            diags.push(Diagnostic::error("Unknown condition value").with_detail(if run.command == RunCommand::Plan {
                "Condition expression could not be evaluated at this time. This means you have executed a `run` block with `command = plan` and one of the values your condition depended on is not known until after the plan has been applied. Either remove this value from your condition, or execute an `apply` command from this `run` block."
            } else {
                "Condition expression could not be evaluated at this time."
            }).with_span(rule.condition.span()));
            status = Status::Error;
            continue;
        }
        let truth = match strata_lang::convert::convert(&condition, &strata_lang::Type::Bool) {
            Ok(v) if !v.is_null() => v.as_bool(),
            _ => None,
        };
        match truth {
            Some(true) => {}
            Some(false) => {
                let message = if message.is_sensitive() {
                    "The error message includes a sensitive value, so it is not shown.".to_string()
                } else {
                    strata_lang::convert::convert(&message, &strata_lang::Type::String)
                        .ok()
                        .and_then(|s| s.as_str().map(str::to_string))
                        .unwrap_or_else(|| "(error message is not a string)".into())
                };
                diags.push(
                    Diagnostic::error("Test assertion failed").with_detail(message).with_span(rule.condition.span()),
                );
                status = status.max(Status::Fail);
            }
            None => {
                let detail = if condition.is_null() {
                    "Condition expression must return either true or false, not null."
                } else {
                    "Invalid condition value: a bool is required."
                };
                diags.push(
                    Diagnostic::error("Invalid condition result").with_detail(detail).with_span(rule.condition.span()),
                );
                status = Status::Error;
            }
        }
    }
    status
}

/// `run.NAME` must name an earlier run, `output.NAME` an output of the
/// module under test: with Terraform's messages, before evaluation.
fn check_references(
    e: &Expr,
    module: &Module,
    (outputs, vars): (&RunOutputs, &BTreeMap<String, Value>),
    result: &ModuleResult,
) -> Result<(), Diagnostic> {
    for r in strata_lang::refs::references(&e.expr, &e.file, &[]) {
        let Some(name) = r.attrs.first() else { continue };
        match r.root.as_str() {
            "var" if !vars.contains_key(name) => {
                return Err(Diagnostic::error("Reference to undeclared input variable")
                    .with_detail(format!(
                        "An input variable with the name {name:?} has not been declared, nor set by the test file or the command line."
                    ))
                    .with_span(r.span));
            }
            "run" if !outputs.contains_key(name) => {
                return Err(Diagnostic::error("Reference to undeclared run block")
                    .with_detail(format!(
                        "There is no run {name:?} declared in this test suite (or it has not run yet)."
                    ))
                    .with_span(r.span));
            }
            "output" if module.output(name).is_none() && !result.outputs.contains_key(name) => {
                let mut detail = format!("An output value with the name {name:?} has not been declared.");
                if let Some(s) = strata_diag::did_you_mean(name, module.outputs.iter().map(|o| o.name.as_str())) {
                    detail.push_str(&format!(" Did you mean output.{s}?"));
                }
                return Err(Diagnostic::error("Reference to undeclared output value")
                    .with_detail(detail)
                    .with_span(r.span));
            }
            _ => {}
        }
    }
    Ok(())
}
