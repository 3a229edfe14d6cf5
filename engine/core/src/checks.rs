//! Custom conditions and their results, as Terraform keeps them
//! (`internal/checks`): every checkable object — a resource instance with
//! preconditions or postconditions, an output with preconditions, a `check`
//! block, an input variable with validation rules — gets a status (pass,
//! fail, error or unknown) and its failure messages. A plan saves them and
//! an apply stores them in the state's `check_results`.
//!
//! Also here: evaluating one condition rule with Terraform's messages, and
//! the assertions of `check` blocks, whose failures are only warnings.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{json, Value as Json};
use strata_addrs::ModuleInstance;
use strata_config::{CheckRule, ModuleTree};
use strata_diag::{Diagnostic, Diagnostics, Severity};
use strata_lang::convert::convert;
use strata_lang::{Evaluator, Marks, Type};

/// What kind of configuration object a result belongs to (state v4 `object_kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckableKind {
    Resource,
    Output,
    Check,
    Variable,
}

impl CheckableKind {
    fn state_name(self) -> &'static str {
        match self {
            CheckableKind::Resource => "resource",
            CheckableKind::Output => "output",
            CheckableKind::Check => "check",
            CheckableKind::Variable => "var",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    Pass,
    Fail,
    Error,
    Unknown,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Error => "error",
            CheckStatus::Unknown => "unknown",
        }
    }

    /// Errors win over failures, failures over unknowns (Terraform's
    /// `summarizeCheckStatuses`).
    fn summarize(statuses: impl IntoIterator<Item = CheckStatus>) -> CheckStatus {
        let (mut errors, mut fails, mut unknowns) = (0, 0, 0);
        for s in statuses {
            match s {
                CheckStatus::Pass => {}
                CheckStatus::Fail => fails += 1,
                CheckStatus::Error => errors += 1,
                CheckStatus::Unknown => unknowns += 1,
            }
        }
        if errors > 0 {
            CheckStatus::Error
        } else if fails > 0 {
            CheckStatus::Fail
        } else if unknowns > 0 {
            CheckStatus::Unknown
        } else {
            CheckStatus::Pass
        }
    }
}

/// Which rule of an object a result is for (Terraform's `CheckRuleType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuleKind {
    ResourcePrecondition,
    ResourcePostcondition,
    OutputPrecondition,
    CheckDataResource,
    CheckAssertion,
    InputValidation,
}

impl RuleKind {
    /// The words diagnostics start with: "Resource precondition failed".
    pub fn description(self) -> &'static str {
        match self {
            RuleKind::ResourcePrecondition => "Resource precondition",
            RuleKind::ResourcePostcondition => "Resource postcondition",
            RuleKind::OutputPrecondition => "Module output value precondition",
            RuleKind::CheckDataResource => "Check block data resource",
            RuleKind::CheckAssertion => "Check block assertion",
            RuleKind::InputValidation => "Input variable validation",
        }
    }
}

/// One configuration object's results.
#[derive(Debug)]
struct ConfigResults {
    kind: CheckableKind,
    /// How many rules each of its objects has.
    rules: usize,
    /// Its objects; `None` until the walk says which there are.
    objects: Option<BTreeMap<String, ObjectResults>>,
}

#[derive(Debug, Default)]
struct ObjectResults {
    /// Result and failure message of each rule that was evaluated.
    rules: BTreeMap<(RuleKind, usize), (CheckStatus, String)>,
}

impl ObjectResults {
    fn status(&self, expected: usize) -> CheckStatus {
        let missing = expected.saturating_sub(self.rules.len());
        let statuses = self.rules.values().map(|(s, _)| *s);
        CheckStatus::summarize(statuses.chain(std::iter::repeat_n(CheckStatus::Unknown, missing)))
    }

    fn failure_messages(&self) -> Vec<String> {
        let mut messages: Vec<String> = self
            .rules
            .values()
            .filter(|(s, m)| *s == CheckStatus::Fail && !m.is_empty())
            .map(|(_, m)| m.clone())
            .collect();
        messages.sort();
        messages
    }
}

/// The results of one walk (plan or apply), filled in as conditions are
/// evaluated; safe to share between the walk's threads.
#[derive(Debug)]
pub struct CheckResults {
    /// A destroy walk evaluates nothing: configuration objects stay
    /// unknown, and only root outputs name their objects (as Terraform does).
    destroying: bool,
    /// `-refresh-only`: failed conditions are warnings.
    refresh_only: bool,
    configs: Mutex<BTreeMap<String, ConfigResults>>,
}

impl CheckResults {
    pub fn new(destroying: bool) -> CheckResults {
        CheckResults { destroying, refresh_only: false, configs: Mutex::new(BTreeMap::new()) }
    }

    /// A `-refresh-only` walk: conditions only warn.
    pub fn with_refresh_only(mut self, on: bool) -> CheckResults {
        self.refresh_only = on;
        self
    }

    pub fn destroying(&self) -> bool {
        self.destroying
    }

    /// How a failed precondition or postcondition is reported.
    pub fn condition_severity(&self) -> Severity {
        if self.refresh_only {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// Declares every checkable object of the configuration, so that those
    /// the walk never reaches are still reported (as unknown).
    pub fn declare(&self, tree: &ModuleTree) {
        self.declare_module(tree, "");
    }

    fn declare_module(&self, tree: &ModuleTree, prefix: &str) {
        let m = &tree.module;
        let mut configs = self.configs.lock().expect("no poisoned locks");
        let mut add = |addr: String, kind: CheckableKind, rules: usize| {
            if rules > 0 {
                configs.entry(addr).or_insert(ConfigResults { kind, rules, objects: None });
            }
        };
        for r in &m.resources {
            let rules = r.lifecycle.preconditions.len() + r.lifecycle.postconditions.len();
            add(format!("{prefix}{}", r.address()), CheckableKind::Resource, rules);
        }
        for o in &m.outputs {
            add(format!("{prefix}output.{}", o.name), CheckableKind::Output, o.preconditions.len());
        }
        for c in &m.checks {
            add(
                format!("{prefix}check.{}", c.name),
                CheckableKind::Check,
                c.asserts.len() + usize::from(c.data.is_some()),
            );
        }
        for v in &m.variables {
            add(format!("{prefix}var.{}", v.name), CheckableKind::Variable, v.validations.len());
        }
        drop(configs);
        for (name, child) in &tree.children {
            self.declare_module(child, &format!("{prefix}module.{name}."));
        }
    }

    /// Names an object of `config_addr` (a resource instance, an output of
    /// one module instance, ...); its rules are unknown until reported.
    pub fn object(&self, config_addr: &str, object_addr: &str) {
        let mut configs = self.configs.lock().expect("no poisoned locks");
        let Some(config) = configs.get_mut(config_addr) else { return };
        if self.destroying && !(config.kind == CheckableKind::Output && object_addr.starts_with("output.")) {
            return;
        }
        config.objects.get_or_insert_with(BTreeMap::new).entry(object_addr.to_string()).or_default();
    }

    /// `config_addr` has no objects at all (`count = 0`): it passes.
    pub fn no_objects(&self, config_addr: &str) {
        if self.destroying {
            return;
        }
        let mut configs = self.configs.lock().expect("no poisoned locks");
        if let Some(config) = configs.get_mut(config_addr) {
            config.objects.get_or_insert_with(BTreeMap::new);
        }
    }

    /// A module call expanded to no instances: every checkable object under
    /// `config_prefix` (`module.a.module.b.`) has no objects, so it passes,
    /// as in Terraform.
    pub fn no_module_instances(&self, config_prefix: &str) {
        if self.destroying {
            return;
        }
        let mut configs = self.configs.lock().expect("no poisoned locks");
        for (_, config) in configs.iter_mut().filter(|(addr, _)| addr.starts_with(config_prefix)) {
            config.objects.get_or_insert_with(BTreeMap::new);
        }
    }

    /// The result of rule `index` of kind `rule` for one object.
    pub fn report(&self, config_addr: &str, object_addr: &str, rule: (RuleKind, usize), outcome: &RuleOutcome) {
        if self.destroying {
            return;
        }
        let mut configs = self.configs.lock().expect("no poisoned locks");
        let Some(config) = configs.get_mut(config_addr) else { return };
        let object = config.objects.get_or_insert_with(BTreeMap::new).entry(object_addr.to_string()).or_default();
        object.rules.insert(rule, (outcome.status, outcome.message.clone()));
    }

    /// One object's status so far.
    pub fn object_status(&self, config_addr: &str, object_addr: &str) -> CheckStatus {
        let configs = self.configs.lock().expect("no poisoned locks");
        configs
            .get(config_addr)
            .and_then(|c| c.objects.as_ref()?.get(object_addr).map(|o| o.status(c.rules)))
            .unwrap_or(CheckStatus::Unknown)
    }

    /// The results as the state's `check_results` (state format v4):
    /// `null` when the configuration has nothing checkable.
    pub fn to_state_json(&self) -> Json {
        let configs = self.configs.lock().expect("no poisoned locks");
        if configs.is_empty() {
            return Json::Null;
        }
        let entries = configs.iter().map(|(config_addr, config)| {
            let (status, objects) = match &config.objects {
                None => (CheckStatus::Unknown, Json::Null),
                Some(objects) => {
                    let status = CheckStatus::summarize(objects.values().map(|o| o.status(config.rules)));
                    let list: Vec<Json> = objects
                        .iter()
                        .map(|(object_addr, o)| {
                            let mut entry =
                                json!({ "object_addr": object_addr, "status": o.status(config.rules).as_str() });
                            let messages = o.failure_messages();
                            if !messages.is_empty() {
                                entry["failure_messages"] = json!(messages);
                            }
                            entry
                        })
                        .collect();
                    (status, if list.is_empty() { Json::Null } else { Json::Array(list) })
                }
            };
            json!({
                "object_kind": config.kind.state_name(),
                "config_addr": config_addr,
                "status": status.as_str(),
                "objects": objects,
            })
        });
        Json::Array(entries.collect())
    }
}

/// `module.a.module.b.` for module instance `module.a[0].module.b["x"]`:
/// the prefix of configuration addresses, instance keys left out.
pub fn config_prefix(path: &ModuleInstance) -> String {
    path.0.iter().map(|(name, _)| format!("module.{name}.")).collect()
}

/// The prefix of object addresses in module instance `path`.
pub fn object_prefix(path: &ModuleInstance) -> String {
    if path.is_root() {
        String::new()
    } else {
        format!("{path}.")
    }
}

/// What evaluating one rule found.
#[derive(Debug, Clone)]
pub struct RuleOutcome {
    pub status: CheckStatus,
    /// The error message when the rule failed (empty when it could not be
    /// shown: unknown, or sensitive).
    pub message: String,
}

/// Evaluates one condition rule as Terraform's `evalCheckRule` does: the
/// error message first, then the condition; a false condition is a
/// diagnostic of `severity` ("Resource precondition failed", ...).
pub fn evaluate_rule(
    ev: &Evaluator,
    rule: &CheckRule,
    kind: RuleKind,
    severity: Severity,
    diags: &mut Diagnostics,
) -> RuleOutcome {
    let mut local = Diagnostics::new();
    let message = error_message(ev, rule, &mut local);
    let condition = ev.eval(&rule.condition.expr);
    let outcome = |status| RuleOutcome { status, message: String::new() };
    let condition = match condition {
        Ok(c) if !local.has_errors() => c,
        Ok(_) => {
            diags.extend(local);
            return outcome(CheckStatus::Error);
        }
        Err(d) => {
            local.push(d);
            diags.extend(local);
            return outcome(CheckStatus::Error);
        }
    };
    let (condition, _) = condition.unmark_deep();
    if condition.is_unknown() {
        if kind == RuleKind::CheckAssertion {
            local.push(
                Diagnostic::warning(format!("{} known after apply", kind.description()))
                    .with_detail("The condition could not be evaluated at this time, a result will be known when this plan is applied.")
                    .with_span(rule.condition.span()),
            );
        }
        diags.extend(local);
        return outcome(CheckStatus::Unknown);
    }
    let invalid = |detail: String| {
        Diagnostic::error("Invalid condition result").with_detail(detail).with_span(rule.condition.span())
    };
    if condition.is_null() {
        local.push(invalid("Condition expression must return either true or false, not null.".into()));
        diags.extend(local);
        return outcome(CheckStatus::Error);
    }
    let passed = match convert(&condition, &Type::Bool) {
        Ok(b) => b.as_bool() == Some(true),
        Err(e) => {
            local.push(invalid(format!("Invalid condition result value: {e}.")));
            diags.extend(local);
            return outcome(CheckStatus::Error);
        }
    };
    if passed {
        diags.extend(local);
        return outcome(CheckStatus::Pass);
    }
    let detail = if message.is_empty() {
        "This check failed, but has an invalid error message as described in the other accompanying messages."
            .to_string()
    } else {
        message.clone()
    };
    local.push(Diagnostic {
        severity,
        ..Diagnostic::error(format!("{} failed", kind.description()))
            .with_detail(detail)
            .with_span(rule.condition.span())
    });
    diags.extend(local);
    RuleOutcome { status: CheckStatus::Fail, message }
}

/// The rule's error message as Terraform's `EvalCheckErrorMessage` makes
/// it: empty when unknown or sensitive (a sensitive one is never shown).
fn error_message(ev: &Evaluator, rule: &CheckRule, diags: &mut Diagnostics) -> String {
    let value = match ev.eval(&rule.error_message.expr) {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            return String::new();
        }
    };
    let invalid = |detail: String| {
        Diagnostic::error("Invalid error message").with_detail(detail).with_span(rule.error_message.span())
    };
    let value = match convert(&value, &Type::String) {
        Ok(v) => v,
        Err(e) => {
            diags.push(invalid(format!("Unsuitable value for error message: {e}.")));
            return String::new();
        }
    };
    if value.is_unknown() {
        return String::new();
    }
    if value.is_null() {
        diags.push(invalid("Unsuitable value for error message: must not be null.".into()));
        return String::new();
    }
    let (plain, marks) = value.unmark_deep();
    if marks.contains(Marks::SENSITIVE) {
        diags.push(
            Diagnostic::warning("Error message refers to sensitive values")
                .with_detail("The error expression used to explain this condition refers to sensitive values, so Strata will not display the resulting message.\n\nYou can correct this by removing references to sensitive values, or by carefully using the nonsensitive() function if the expression will not reveal the sensitive data.")
                .with_span(rule.error_message.span()),
        );
        return String::new();
    }
    plain.as_str().unwrap_or_default().to_string()
}

/// Terraform's text for a failed read (`diags.Err().Error()`): one problem
/// as "summary: detail", several as a list.
pub fn diagnostics_text(diags: &Diagnostics) -> String {
    let one = |d: &Diagnostic| {
        if d.detail.is_empty() {
            d.summary.clone()
        } else {
            format!("{}: {}", d.summary, d.detail)
        }
    };
    match diags.len() {
        1 => diags.iter().map(one).collect(),
        n => {
            let mut text = format!("{n} problems:\n");
            for d in diags.iter() {
                text.push_str(&format!("\n- {}", one(d)));
            }
            text
        }
    }
}

/// Whether `d` came from a `check` block of `tree` (an assertion, its
/// error message, or the scoped data source): an apply without a prompt
/// shows those only from the apply walk, as Terraform does.
pub fn is_check_block_diagnostic(tree: &ModuleTree, d: &Diagnostic) -> bool {
    if d.summary.starts_with(RuleKind::CheckAssertion.description()) {
        return true;
    }
    let Some(span) = &d.span else { return false };
    let same = |s: &strata_diag::Span| s.file.name == span.file.name && s.start == span.start && s.end == span.end;
    let mut modules = vec![tree];
    while let Some(t) = modules.pop() {
        for check in &t.module.checks {
            let asserts = check.asserts.iter().flat_map(|a| [a.condition.span(), a.error_message.span()]);
            if check.data.iter().map(|r| r.span.clone()).chain(asserts).any(|s| same(&s)) {
                return true;
            }
        }
        modules.extend(t.children.values());
    }
    false
}

/// The result of reading a check block's scoped data source; its
/// diagnostics become warnings, so that a failed read never fails the run.
pub fn scoped_data_outcome(diags: &mut Diagnostics) -> RuleOutcome {
    let outcome = if diags.has_errors() {
        RuleOutcome { status: CheckStatus::Fail, message: diagnostics_text(diags) }
    } else {
        RuleOutcome { status: CheckStatus::Pass, message: String::new() }
    };
    let warnings =
        std::mem::take(diags).into_vec().into_iter().map(|d| Diagnostic { severity: Severity::Warning, ..d });
    diags.extend(warnings);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass() -> RuleOutcome {
        RuleOutcome { status: CheckStatus::Pass, message: String::new() }
    }

    fn fail(message: &str) -> RuleOutcome {
        RuleOutcome { status: CheckStatus::Fail, message: message.into() }
    }

    #[test]
    fn statuses_summarize_errors_before_failures_before_unknowns() {
        use CheckStatus::*;
        assert_eq!(CheckStatus::summarize([Pass, Unknown, Fail]), Fail);
        assert_eq!(CheckStatus::summarize([Fail, Error]), Error);
        assert_eq!(CheckStatus::summarize([Pass, Unknown]), Unknown);
        assert_eq!(CheckStatus::summarize([]), Pass);
    }

    #[test]
    fn state_json_has_terraforms_shape() {
        let results = CheckResults::new(false);
        {
            let mut configs = results.configs.lock().unwrap();
            for (addr, kind, rules) in [
                ("check.health", CheckableKind::Check, 2),
                ("terraform_data.b", CheckableKind::Resource, 1),
                ("output.o", CheckableKind::Output, 1),
                ("var.v", CheckableKind::Variable, 1),
            ] {
                configs.insert(addr.into(), ConfigResults { kind, rules, objects: None });
            }
        }
        results.report("check.health", "check.health", (RuleKind::CheckAssertion, 1), &fail("b failed"));
        results.report("check.health", "check.health", (RuleKind::CheckAssertion, 0), &fail("a failed"));
        results.no_objects("terraform_data.b");
        // Only one of two rules reported: the object is still unknown.
        results.object("output.o", "output.o");
        results.report("var.v", "module.m[0].var.v", (RuleKind::InputValidation, 0), &pass());
        assert_eq!(results.object_status("check.health", "check.health"), CheckStatus::Fail);
        let expected = json!([
            {"object_kind": "check", "config_addr": "check.health", "status": "fail",
             "objects": [{"object_addr": "check.health", "status": "fail", "failure_messages": ["a failed", "b failed"]}]},
            {"object_kind": "output", "config_addr": "output.o", "status": "unknown",
             "objects": [{"object_addr": "output.o", "status": "unknown"}]},
            {"object_kind": "resource", "config_addr": "terraform_data.b", "status": "pass", "objects": null},
            {"object_kind": "var", "config_addr": "var.v", "status": "pass",
             "objects": [{"object_addr": "module.m[0].var.v", "status": "pass"}]},
        ]);
        assert_eq!(results.to_state_json(), expected);
    }

    #[test]
    fn checks_under_a_module_with_no_instances_pass() {
        let results = CheckResults::new(false);
        {
            let mut configs = results.configs.lock().unwrap();
            for addr in ["module.a.check.c", "module.a.module.b.check.c", "module.ab.check.c"] {
                configs.insert(addr.into(), ConfigResults { kind: CheckableKind::Check, rules: 1, objects: None });
            }
        }
        results.no_module_instances("module.a.");
        let statuses: Vec<(String, String)> = results
            .to_state_json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["config_addr"].as_str().unwrap().into(), r["status"].as_str().unwrap().into()))
            .collect();
        let expected =
            [("module.a.check.c", "pass"), ("module.a.module.b.check.c", "pass"), ("module.ab.check.c", "unknown")];
        assert_eq!(statuses, expected.map(|(a, s)| (a.to_string(), s.to_string())));
    }

    #[test]
    fn a_destroy_walk_reports_only_output_objects_and_no_results() {
        let results = CheckResults::new(true);
        {
            let mut configs = results.configs.lock().unwrap();
            configs.insert("output.o".into(), ConfigResults { kind: CheckableKind::Output, rules: 1, objects: None });
            configs.insert("check.c".into(), ConfigResults { kind: CheckableKind::Check, rules: 1, objects: None });
        }
        results.object("output.o", "output.o");
        results.report("output.o", "output.o", (RuleKind::OutputPrecondition, 0), &pass());
        results.object("check.c", "check.c");
        let expected = json!([
            {"object_kind": "check", "config_addr": "check.c", "status": "unknown", "objects": null},
            {"object_kind": "output", "config_addr": "output.o", "status": "unknown",
             "objects": [{"object_addr": "output.o", "status": "unknown"}]},
        ]);
        assert_eq!(results.to_state_json(), expected);
    }

    #[test]
    fn several_problems_are_listed_like_terraforms_error_text() {
        let mut diags = Diagnostics::new();
        diags.push(Diagnostic::error("Read failed").with_detail("no such file"));
        assert_eq!(diagnostics_text(&diags), "Read failed: no such file");
        diags.push(Diagnostic::error("Other"));
        assert_eq!(diagnostics_text(&diags), "2 problems:\n\n- Read failed: no such file\n- Other");
    }
}
