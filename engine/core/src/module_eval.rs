//! Evaluating a module tree: variables, then locals, module calls and
//! outputs in dependency order, each module in its own scope.

use crate::checks::{CheckResults, CheckStatus, RuleKind, RuleOutcome};
use crate::graph::DependencyGraph;
use crate::variables::{RawVariable, ValueSource};
use std::collections::HashSet;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Mutex, RwLock};
use strata_addrs::{InstanceKey, ModuleInstance};
use strata_config::{CheckRule, Expr, Module, ModuleCall, ModuleTree, Resource, ResourceMode, Variable};
use strata_diag::{Diagnostic, Diagnostics, Span};
use strata_lang::convert::convert;
use strata_lang::functions::{CallContext, Functions};
use strata_lang::refs::references;
use strata_lang::typeexpr::apply_defaults;
use strata_lang::{Evaluator, Kind, Marks, Scope, Type, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalMode {
    /// `validate`: root variables are unknown; only the configuration itself is checked.
    Validate,
    /// Real values for plan, apply and console.
    Apply,
}

#[derive(Debug, Clone)]
pub struct EvalSettings {
    pub mode: EvalMode,
    pub workspace: String,
    /// Absolute working directory (`path.cwd`).
    pub cwd: PathBuf,
    pub plan_timestamp: Option<String>,
}

#[derive(Debug, Clone)]
pub struct OutputValue {
    pub value: Value,
    pub sensitive: bool,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ModuleResult {
    pub variables: BTreeMap<String, Value>,
    pub locals: BTreeMap<String, Value>,
    pub outputs: BTreeMap<String, OutputValue>,
    /// Child module results, by call name (first instance for expanded calls).
    pub children: BTreeMap<String, ModuleResult>,
    /// What `module.NAME` evaluates to, by call name.
    pub module_values: BTreeMap<String, Value>,
    /// Outputs not evaluated because of an error (theirs or upstream).
    pub failed_outputs: BTreeSet<String>,
    /// What references to the root module's resources saw, by graph node
    /// (`resource.TYPE.NAME`, `data.TYPE.NAME`): planned values after a
    /// plan walk, new values after an apply walk (a test's assertions).
    /// Empty for child modules.
    pub resources: BTreeMap<String, Value>,
}

/// Evaluates the whole tree; every error is collected. Resources evaluate
/// to unknown values (validate, console).
pub fn evaluate_root(
    tree: &ModuleTree,
    raw_vars: &BTreeMap<String, RawVariable>,
    settings: &EvalSettings,
    functions: &Functions,
) -> (ModuleResult, Diagnostics) {
    evaluate_root_with(tree, raw_vars, settings, functions, None)
}

/// `validate`: evaluates the whole tree (root variables unknown) and checks
/// every resource body against its provider's schema.
pub fn validate_root(
    tree: &ModuleTree,
    settings: &EvalSettings,
    functions: &Functions,
    schemas: &crate::validate::ProviderSchemas,
) -> Diagnostics {
    let walk = Walk { settings, functions, resources: None, schemas: Some(schemas) };
    let mut diags = crate::validate::check_provider_versions(tree, schemas.registry());
    diags.extend(walk_root(tree, &BTreeMap::new(), &walk).1);
    diags
}

/// Plans (and applies) resources through `resources` as the walk reaches them.
pub trait ResourceHandler: Sync {
    /// Handles every instance of resource `r` of module instance `path`,
    /// and returns the value that references to the resource see.
    #[allow(clippy::too_many_arguments)]
    fn resource(
        &self,
        path: &ModuleInstance,
        module: &Module,
        r: &Resource,
        scope: &dyn Scope,
        ctx: &CallContext,
        functions: &Functions,
        diags: &mut Diagnostics,
    ) -> Value;

    /// A `provider` block of module instance `path`, reached in dependency order.
    #[allow(clippy::too_many_arguments)]
    fn provider_block(
        &self,
        _path: &ModuleInstance,
        _module: &Module,
        _block: &strata_config::ProviderConfig,
        _scope: &dyn Scope,
        _ctx: &CallContext,
        _functions: &Functions,
        _diags: &mut Diagnostics,
    ) {
    }

    /// The walk is about to start over `tree` (for what needs the whole
    /// configuration up front, like create_before_destroy propagation).
    fn walk_started(&self, _tree: &ModuleTree) {}

    /// How many resources (and their provider operations) may be walked at once.
    fn parallelism(&self) -> usize {
        1
    }

    /// Some node of the walk failed: what depends on it will see unknowns.
    fn note_errors(&self) {}

    /// Resource `r` of module instance `path` was not evaluated because
    /// something it needs failed: its objects must stay as they are.
    fn skip_resource(&self, _path: &ModuleInstance, _r: &Resource) {}

    /// Module call `name` of module instance `path` was not evaluated
    /// because something it needs failed: everything under it stays.
    fn skip_module_call(&self, _path: &ModuleInstance, _name: &str) {}

    /// An `import` block of the root module, reached before its target.
    fn import_block(
        &self,
        _block: &strata_config::RawBlock,
        _scope: &dyn Scope,
        _ctx: &CallContext,
        _functions: &Functions,
        _diags: &mut Diagnostics,
    ) {
    }

    /// Where the walk's condition results go (none: validate, console).
    fn check_results(&self) -> Option<&CheckResults> {
        None
    }

    /// A module instance is about to be evaluated (providers pass down here).
    fn enter_module(
        &self,
        _parent: &ModuleInstance,
        _call: &ModuleCall,
        _child: &ModuleInstance,
        _child_module: &Module,
    ) {
    }
}

/// What one walk over the tree shares.
struct Walk<'a> {
    settings: &'a EvalSettings,
    functions: &'a Functions,
    resources: Option<&'a dyn ResourceHandler>,
    /// Without `resources`: schemas to check resource bodies against.
    schemas: Option<&'a crate::validate::ProviderSchemas<'a>>,
}

/// Evaluates the whole tree, handing resources to `resources` in dependency order.
pub fn evaluate_root_with(
    tree: &ModuleTree,
    raw_vars: &BTreeMap<String, RawVariable>,
    settings: &EvalSettings,
    functions: &Functions,
    resources: Option<&dyn ResourceHandler>,
) -> (ModuleResult, Diagnostics) {
    walk_root(tree, raw_vars, &Walk { settings, functions, resources, schemas: None })
}

fn walk_root(tree: &ModuleTree, raw_vars: &BTreeMap<String, RawVariable>, walk: &Walk) -> (ModuleResult, Diagnostics) {
    let (settings, functions, resources) = (walk.settings, walk.functions, walk.resources);
    let mut diags = Diagnostics::new();
    let results = resources.and_then(|h| h.check_results());
    if let Some(results) = results {
        results.declare(tree);
    }
    if let Some(handler) = resources {
        handler.walk_started(tree);
    }
    let root = ModuleInstance::root();
    let (vars, failed_vars) =
        finalize_variables(&tree.module, raw_vars, settings, functions, (&root, results), &mut diags);
    let result = evaluate_module(tree, vars, &failed_vars, walk, &ModuleInstance::root(), &mut diags);
    (result, diags)
}

/// Converts, defaults, marks and validates each declared variable of
/// module instance `path`, recording validation results in `results`;
/// also returns the variables that failed (what uses them is skipped).
fn finalize_variables(
    module: &Module,
    raw: &BTreeMap<String, RawVariable>,
    settings: &EvalSettings,
    functions: &Functions,
    (path, results): (&ModuleInstance, Option<&CheckResults>),
    diags: &mut Diagnostics,
) -> (BTreeMap<String, Value>, HashSet<String>) {
    let is_root = path.is_root();
    let mut out = BTreeMap::new();
    let mut failed = HashSet::new();
    for decl in &module.variables {
        let ty = decl.type_constraint.as_ref().map_or(Type::Dynamic, |t| t.ty.clone());
        let value = match finalize_one(decl, raw.get(&decl.name), settings, is_root) {
            Ok(v) => v,
            Err(d) => {
                failed.insert(decl.name.clone());
                diags.push(d);
                Value::unknown(strata_lang::convert::strip_optional(&ty))
            }
        };
        let value = if decl.sensitive { value.mark_sensitive() } else { value };
        out.insert(decl.name.clone(), value);
    }
    // Validation rules see every variable (Terraform 1.9+ allows cross-references).
    for decl in &module.variables {
        let source = raw.get(&decl.name).map(|r| r.source.clone()).unwrap_or(ValueSource::Default);
        let config_addr = format!("{}var.{}", crate::checks::config_prefix(path), decl.name);
        let object_addr = format!("{}var.{}", crate::checks::object_prefix(path), decl.name);
        for (index, rule) in decl.validations.iter().enumerate() {
            let scope = ValidationScope { vars: &out, module };
            let (outcome, failure) =
                check_rule(rule, &scope, settings, functions, module, "Invalid value for variable");
            if let Some(results) = results {
                results.report(&config_addr, &object_addr, (RuleKind::InputValidation, index), &outcome);
            }
            if let Some(d) = failure {
                failed.insert(decl.name.clone());
                let mut d = d;
                let blame = source.span().unwrap_or_else(|| decl.span.clone());
                if d.summary == "Invalid value for variable" {
                    d.detail = format!(
                        "{}\n\nThis was checked by the validation rule at {}.",
                        d.detail,
                        rule.condition.span()
                    );
                    d.span = Some(blame.resolved());
                }
                diags.push(d);
            }
        }
    }
    // Terraform validates a child module once for all its instances: past
    // their validation rules, its variables are unknown, whatever the call passes.
    if settings.mode == EvalMode::Validate && !is_root {
        for decl in &module.variables {
            let ty = decl.type_constraint.as_ref().map_or(Type::Dynamic, |t| t.ty.clone());
            let unknown = Value::unknown(strata_lang::convert::strip_optional(&ty));
            out.insert(decl.name.clone(), if decl.sensitive { unknown.mark_sensitive() } else { unknown });
        }
    }
    (out, failed)
}

fn finalize_one(
    decl: &Variable,
    raw: Option<&RawVariable>,
    settings: &EvalSettings,
    is_root: bool,
) -> Result<Value, Diagnostic> {
    let ty = decl.type_constraint.as_ref().map_or(Type::Dynamic, |t| t.ty.clone());
    let eval_default = || -> Result<Option<Value>, Diagnostic> {
        let Some(d) = &decl.default else { return Ok(None) };
        let no_functions = Functions::default();
        let ctx = CallContext::default();
        let v = Evaluator::new(&strata_lang::EmptyScope, &no_functions, &ctx, &d.file).eval(&d.expr)?;
        Ok(Some(v))
    };
    let (value, source) = match raw {
        Some(r) => (r.value.clone(), r.source.clone()),
        None if settings.mode == EvalMode::Validate && is_root => {
            return Ok(Value::unknown(strata_lang::convert::strip_optional(&ty)));
        }
        None => match eval_default()? {
            Some(v) => (v, ValueSource::Default),
            None if is_root => {
                return Err(Diagnostic::error("No value for required variable")
                    .with_detail(format!(
                        "The root module input variable {:?} is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.",
                        decl.name
                    ))
                    .with_span(decl.span.clone()))
            }
            None => return Ok(Value::dynamic_null()), // reported by the module call
        },
    };
    let value = if value.is_null() && !decl.nullable {
        match eval_default()? {
            Some(d) if !matches!(source, ValueSource::Default) => d,
            _ => {
                return Err(Diagnostic::error("Required variable not set")
                    .with_detail(format!("Unsuitable value for var.{} set from outside of the configuration: required variable may not be set to null.", decl.name))
                    .with_span_opt(source.span())
                    .with_span(decl.span.clone()))
            }
        }
    } else {
        value
    };
    let value = match &decl.type_constraint {
        Some(tc) => apply_defaults(&value, &tc.ty, &tc.defaults),
        None => value,
    };
    convert(&value, &ty).map_err(|e| {
        let d = Diagnostic::error("Invalid value for input variable");
        let d = d.with_detail(format!(
            "The given value is not suitable for var.{} declared at {}: {e}.",
            decl.name, decl.span
        ));
        d.with_span(source.span().unwrap_or_else(|| match &decl.default {
            Some(def) if matches!(source, ValueSource::Default) => def.span(),
            _ => decl.span.clone(),
        }))
    })
}

struct ValidationScope<'a> {
    vars: &'a BTreeMap<String, Value>,
    module: &'a Module,
}

impl Scope for ValidationScope<'_> {
    fn resolve(&self, root: &str, attrs: &[&str], span: &Span) -> Result<(Value, usize), Diagnostic> {
        match (root, attrs.first()) {
            ("var", Some(name)) => match self.vars.get(*name) {
                Some(v) => Ok((v.clone(), 1)),
                None => Err(undeclared_variable(self.module, name, span)),
            },
            _ => Err(Diagnostic::error("Invalid reference in variable validation")
                .with_detail("The condition for variable validation may refer only to input variables.")
                .with_span(span.clone())),
        }
    }
}

fn undeclared_variable(module: &Module, name: &str, span: &Span) -> Diagnostic {
    let mut detail = format!("An input variable with the name {name:?} has not been declared.");
    if let Some(s) = strata_diag::did_you_mean(name, module.variables.iter().map(|v| v.name.as_str())) {
        detail.push_str(&format!(" Did you mean var.{s}?"));
    } else {
        detail.push_str(&format!(" This variable can be declared with a variable {name:?} {{}} block."));
    }
    Diagnostic::error("Reference to undeclared input variable").with_detail(detail).with_span(span.clone())
}

/// Evaluates a variable validation rule: its result, and the diagnostic
/// when it did not pass.
fn check_rule(
    rule: &CheckRule,
    scope: &dyn Scope,
    settings: &EvalSettings,
    functions: &Functions,
    module: &Module,
    summary: &str,
) -> (RuleOutcome, Option<Diagnostic>) {
    let outcome = |status, message: &str| RuleOutcome { status, message: message.to_string() };
    let error = |d| (outcome(CheckStatus::Error, ""), Some(d));
    let ctx = call_context(module, settings);
    let ev = Evaluator::new(scope, functions, &ctx, &rule.condition.file);
    let c = match ev.eval(&rule.condition.expr) {
        Ok(c) => c,
        Err(d) => return error(d),
    };
    let (c, _) = c.unmark_deep();
    if c.is_unknown() {
        return (outcome(CheckStatus::Unknown, ""), None);
    }
    if c.is_null() {
        return error(
            Diagnostic::error("Invalid condition result")
                .with_detail("The condition expression must not produce a null value.")
                .with_span(rule.condition.span()),
        );
    }
    let c = match convert(&c, &Type::Bool) {
        Ok(c) => c,
        Err(e) => {
            return error(
                Diagnostic::error("Invalid condition result")
                    .with_detail(format!("The condition must be a bool: {e}."))
                    .with_span(rule.condition.span()),
            )
        }
    };
    if c.as_bool() == Some(true) {
        return (outcome(CheckStatus::Pass, ""), None);
    }
    let ev = Evaluator::new(scope, functions, &ctx, &rule.error_message.file);
    let message = match ev.eval(&rule.error_message.expr) {
        Ok(m) if m.is_sensitive() => "The error message includes a sensitive value, so it is not shown.".to_string(),
        Ok(m) => convert(&m, &Type::String)
            .ok()
            .and_then(|s| s.as_str().map(|s| s.trim().to_string()))
            .unwrap_or_else(|| "(error message is not a string)".into()),
        Err(d) => format!("(the error message could not be evaluated: {})", d.summary),
    };
    let d = Diagnostic::error(summary).with_detail(message.clone()).with_span(rule.condition.span());
    (outcome(CheckStatus::Fail, &message), Some(d))
}

fn call_context(module: &Module, settings: &EvalSettings) -> CallContext {
    CallContext { base_dir: module.dir.clone(), plan_timestamp: settings.plan_timestamp.clone() }
}

/// Resolves references inside one module instance.
struct ModuleScope<'a> {
    module: &'a Module,
    vars: &'a BTreeMap<String, Value>,
    /// "local.x", "module.y" → value, filled in dependency order.
    values: RwLock<HashMap<String, Value>>,
    settings: &'a EvalSettings,
    /// Graph node names of this module's resources.
    resource_nodes: &'a HashSet<String>,
    failures: &'a RwLock<Failures>,
}

impl Scope for ModuleScope<'_> {
    fn resolve(&self, root: &str, attrs: &[&str], span: &Span) -> Result<(Value, usize), Diagnostic> {
        let need_attr = |what: &str| {
            Diagnostic::error("Invalid reference")
                .with_detail(format!(
                    "The {what:?} object cannot be accessed directly. Instead, access one of its attributes."
                ))
                .with_span(span.clone())
        };
        match root {
            "var" => {
                let name = attrs.first().ok_or_else(|| need_attr("var"))?;
                match self.vars.get(*name) {
                    Some(v) => Ok((v.clone(), 1)),
                    None => Err(undeclared_variable(self.module, name, span)),
                }
            }
            "local" => {
                let name = attrs.first().ok_or_else(|| need_attr("local"))?;
                let key = format!("local.{name}");
                if let Some(v) = self.values.read().expect("no poisoned locks").get(&key) {
                    return Ok((v.clone(), 1));
                }
                if self.module.local(name).is_none() {
                    let mut detail = format!("A local value with the name {name:?} has not been declared.");
                    if let Some(s) = strata_diag::did_you_mean(name, self.module.locals.iter().map(|l| l.name.as_str())) {
                        detail.push_str(&format!(" Did you mean local.{s}?"));
                    }
                    return Err(Diagnostic::error("Reference to undeclared local value").with_detail(detail).with_span(span.clone()));
                }
                // A local that failed already reported its error; stay quiet here.
                Ok((self.values.read().expect("no poisoned locks").get(&format!("local.{name}")).cloned().unwrap_or_else(Value::dynamic_unknown), 1))
            }
            "module" => {
                let name = attrs.first().ok_or_else(|| need_attr("module"))?;
                if let Some(v) = self.values.read().expect("no poisoned locks").get(&format!("module.{name}")) {
                    return Ok((v.clone(), 1));
                }
                if self.module.module_call(name).is_none() {
                    let mut detail = format!("No module call named {name:?} is declared in {}.", module_label(self.module));
                    if let Some(s) = strata_diag::did_you_mean(name, self.module.module_calls.iter().map(|l| l.name.as_str())) {
                        detail.push_str(&format!(" Did you mean module.{s}?"));
                    }
                    return Err(Diagnostic::error("Reference to undeclared module").with_detail(detail).with_span(span.clone()));
                }
                Ok((self.values.read().expect("no poisoned locks").get(&format!("module.{name}")).cloned().unwrap_or_else(Value::dynamic_unknown), 1))
            }
            "path" => {
                let attr = attrs.first().ok_or_else(|| need_attr("path"))?;
                let v = match *attr {
                    "module" => if self.module.display_dir.is_empty() { ".".to_string() } else { self.module.display_dir.clone() },
                    "root" => ".".to_string(),
                    "cwd" => self.settings.cwd.display().to_string(),
                    other => {
                        return Err(Diagnostic::error("Invalid \"path\" attribute")
                            .with_detail(format!("The \"path\" object does not have an attribute named {other:?}. The supported attributes are path.cwd, path.module, and path.root."))
                            .with_span(span.clone()))
                    }
                };
                Ok((Value::string(v), 1))
            }
            "terraform" => match attrs.first() {
                Some(&"workspace") => Ok((Value::string(self.settings.workspace.as_str()), 1)),
                Some(other) => Err(Diagnostic::error("Invalid \"terraform\" attribute")
                    .with_detail(format!("The \"terraform\" object does not have an attribute named {other:?}. The only supported attribute is terraform.workspace, the name of the currently-selected workspace."))
                    .with_span(span.clone())),
                None => Err(need_attr("terraform")),
            },
            "count" => Err(Diagnostic::error("Reference to \"count\" in non-counted context")
                .with_detail("The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.")
                .with_span(span.clone())),
            "each" => Err(Diagnostic::error("Reference to \"each\" in context without for_each")
                .with_detail("The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.")
                .with_span(span.clone())),
            "self" => Err(Diagnostic::error("Invalid \"self\" reference")
                .with_detail("The \"self\" object is not available in this context. It can be used only in provisioner and connection blocks, and in preconditions and postconditions of resources.")
                .with_span(span.clone())),
            "data" => {
                let (Some(t), Some(n)) = (attrs.first(), attrs.get(1)) else {
                    return Err(Diagnostic::error("Invalid reference")
                        .with_detail("The \"data\" object must be followed by two attribute names: the data source type and the resource name.")
                        .with_span(span.clone()));
                };
                self.resource_ref(ResourceMode::Data, t, n, span).map(|v| (v, 2))
            }
            t => {
                let Some(n) = attrs.first() else {
                    return Err(Diagnostic::error("Invalid reference")
                        .with_detail("A reference to a resource type must be followed by at least one attribute access, specifying the resource name.")
                        .with_span(span.clone()));
                };
                self.resource_ref(ResourceMode::Managed, t, n, span).map(|v| (v, 1))
            }
        }
    }
}

impl ModuleScope<'_> {
    /// Whether `expr` refers to something that failed (then it is not evaluated).
    fn refers_to_failure(&self, expr: &Expr, bound: &[&str]) -> bool {
        let failures = self.failures.read().expect("no poisoned locks");
        references(&expr.expr, &expr.file, bound)
            .iter()
            .filter_map(|r| need_of(self.module, self.resource_nodes, r))
            .any(|need| failures.blocks(&need))
    }

    /// Whether the body of `r` refers to something that failed.
    fn body_refers_to_failure(&self, r: &Resource) -> bool {
        let failures = self.failures.read().expect("no poisoned locks");
        strata_lang::refs::body_references(&r.body.body, &r.body.file)
            .iter()
            .filter_map(|reference| need_of(self.module, self.resource_nodes, reference))
            .any(|need| failures.blocks(&need))
    }

    fn resource_ref(&self, mode: ResourceMode, type_name: &str, name: &str, span: &Span) -> Result<Value, Diagnostic> {
        let node = resource_node(mode, type_name, name);
        if let Some(v) = self.values.read().expect("no poisoned locks").get(&node) {
            return Ok(v.clone());
        }
        let is_it = |r: &Resource| r.mode == mode && r.type_name == type_name && r.name == name;
        // A check block's scoped data source is declared too.
        let declared = self.module.resources.iter().any(is_it)
            || self.module.checks.iter().filter_map(|c| c.data.as_ref()).any(is_it);
        if declared {
            // Not planned in this walk (validate, console): known after apply.
            return Ok(Value::dynamic_unknown());
        }
        let what = if mode == ResourceMode::Data { "data resource" } else { "managed resource" };
        let prefix = if mode == ResourceMode::Data { "data." } else { "" };
        let mut detail =
            format!("A {what} \"{type_name}\" \"{name}\" has not been declared in {}.", module_label(self.module));
        let candidates: Vec<String> = self
            .module
            .resources
            .iter()
            .filter(|r| r.mode == mode)
            .map(|r| format!("{}.{}", r.type_name, r.name))
            .collect();
        if let Some(s) =
            strata_diag::did_you_mean(&format!("{type_name}.{name}"), candidates.iter().map(String::as_str))
        {
            detail.push_str(&format!(" Did you mean {prefix}{s}?"));
        }
        Err(Diagnostic::error("Reference to undeclared resource").with_detail(detail).with_span(span.clone()))
    }
}

fn module_label(m: &Module) -> String {
    if m.display_dir.is_empty() {
        "the root module".into()
    } else {
        format!("the module at {}", m.display_dir)
    }
}

fn resource_node(mode: ResourceMode, type_name: &str, name: &str) -> String {
    match mode {
        ResourceMode::Managed => format!("resource.{type_name}.{name}"),
        ResourceMode::Data => format!("data.{type_name}.{name}"),
    }
}

/// Graph node name for each evaluable item of a module; references to
/// resources are one edge per resource, whatever its instance count.
fn node_of(module: &Module, resources: &HashSet<String>, root: &str, attrs: &[String]) -> Option<String> {
    match (root, attrs.first(), attrs.get(1)) {
        ("local", Some(n), _) => Some(format!("local.{n}")),
        ("module", Some(n), _) => Some(format!("module.{n}")),
        ("var", Some(n), _) => Some(format!("var.{n}")).filter(|_| module.variable(n).is_some()),
        ("var" | "path" | "terraform" | "count" | "each" | "self", _, _) => None,
        ("data", Some(t), Some(n)) => Some(resource_node(ResourceMode::Data, t, n)).filter(|k| resources.contains(k)),
        (t, Some(n), _) => Some(resource_node(ResourceMode::Managed, t, n)).filter(|k| resources.contains(k)),
        _ => None,
    }
}

/// What a node needs from another node: for a module call, one of its
/// outputs (`None`: all of them, as `depends_on` or an indexed reference).
struct Need {
    node: String,
    output: Option<String>,
}

/// What failed (or was skipped) so far in one module instance: Terraform
/// does not evaluate what depends on a failed node, and reports nothing more.
#[derive(Default)]
struct Failures {
    nodes: HashSet<String>,
    /// Outputs of each module call that failed in some instance.
    module_outputs: HashMap<String, BTreeSet<String>>,
}

impl Failures {
    fn blocks(&self, need: &Need) -> bool {
        if self.nodes.contains(&need.node) {
            return true;
        }
        let Some(outputs) = need.node.strip_prefix("module.").and_then(|call| self.module_outputs.get(call)) else {
            return false;
        };
        match &need.output {
            Some(o) => outputs.contains(o),
            None => !outputs.is_empty(),
        }
    }
}

/// The node `reference` needs, if it names one of this module's nodes.
fn need_of(module: &Module, resources: &HashSet<String>, reference: &strata_lang::refs::Reference) -> Option<Need> {
    let node = node_of(module, resources, &reference.root, &reference.attrs)?;
    let output = if reference.root == "module" { reference.attrs.get(1).cloned() } else { None };
    Some(Need { node, output })
}

fn evaluate_module(
    tree: &ModuleTree,
    vars: BTreeMap<String, Value>,
    failed_vars: &HashSet<String>,
    walk: &Walk,
    path: &ModuleInstance,
    diags: &mut Diagnostics,
) -> ModuleResult {
    let (settings, functions) = (walk.settings, walk.functions);
    let module = &tree.module;
    let mut graph = DependencyGraph::new();
    let resource_nodes: HashSet<String> =
        module.resources.iter().map(|r| resource_node(r.mode, &r.type_name, &r.name)).collect();
    // Every reference of every node: a graph edge, and what the node needs
    // to have succeeded to be evaluated at all.
    let mut needs_of: HashMap<String, Vec<Need>> = HashMap::new();
    let mut link = |graph: &mut DependencyGraph, node: &str, reference: strata_lang::refs::Reference| {
        if let Some(need) = need_of(module, &resource_nodes, &reference) {
            graph.add_edge(node, &need.node, reference.span);
            needs_of.entry(node.to_string()).or_default().push(need);
        }
    };
    // Needs that are not references: added once `link` is done.
    let mut extra_needs: Vec<(String, Need)> = Vec::new();
    for v in &module.variables {
        graph.add_node(&format!("var.{}", v.name));
    }
    let provider_nodes: Vec<String> = module
        .providers
        .iter()
        .map(|p| match &p.alias {
            Some(a) => format!("provider.{}.{a}", p.name),
            None => format!("provider.{}", p.name),
        })
        .collect();
    for (p, node) in module.providers.iter().zip(&provider_nodes) {
        graph.add_node(node);
        for reference in strata_lang::refs::body_references(&p.config.body, &p.config.file) {
            link(&mut graph, node, reference);
        }
    }
    for r in &module.resources {
        let node = resource_node(r.mode, &r.type_name, &r.name);
        graph.add_node(&node);
        // Resources (and module calls) come after this module's provider
        // configurations, which they may use.
        for p in &provider_nodes {
            graph.add_edge(&node, p, r.span.clone());
        }
        // Only its own provider's failure stops a resource.
        let own_provider = format!("provider.{}", crate::resources::provider_key(r));
        if provider_nodes.contains(&own_provider) {
            extra_needs.push((node.clone(), Need { node: own_provider, output: None }));
        }
        let own = r.count.iter().chain(r.for_each.iter()).chain(r.depends_on.iter());
        let refs = own
            .flat_map(|e| references(&e.expr, &e.file, &[]))
            .chain(strata_lang::refs::body_references(&r.body.body, &r.body.file));
        for reference in refs {
            if need_of(module, &resource_nodes, &reference).is_some_and(|n| n.node == node) {
                // Not a cycle of the graph, as Terraform sees it: `validate`
                // passes, planning reports the block.
                if settings.mode != EvalMode::Validate {
                    diags.push(
                        Diagnostic::error("Self-referential block")
                            .with_detail(format!(
                                "Configuration for {} may not refer to itself.",
                                path_prefixed(path, &r.address())
                            ))
                            .with_span(reference.span),
                    );
                }
                continue;
            }
            link(&mut graph, &node, reference);
        }
    }
    for l in &module.locals {
        let node = format!("local.{}", l.name);
        graph.add_node(&node);
        for reference in references(&l.expr.expr, &l.expr.file, &[]) {
            link(&mut graph, &node, reference);
        }
    }
    for c in &module.module_calls {
        let node = format!("module.{}", c.name);
        graph.add_node(&node);
        for p in &provider_nodes {
            graph.add_edge(&node, p, c.span.clone());
        }
        // Inputs only order the call: a failed input fails the child's
        // variable, not the whole call (see `evaluate_call`).
        for (_, e) in &c.inputs {
            for r in references(&e.expr, &e.file, &["count", "each"]) {
                if let Some(target) = node_of(module, &resource_nodes, &r.root, &r.attrs) {
                    graph.add_edge(&node, &target, r.span);
                }
            }
        }
        for e in c.count.iter().chain(c.for_each.iter()).chain(c.depends_on.iter()) {
            for reference in references(&e.expr, &e.file, &[]) {
                link(&mut graph, &node, reference);
            }
        }
    }
    for o in &module.outputs {
        let node = format!("output.{}", o.name);
        graph.add_node(&node);
        let conditions = o.preconditions.iter().flat_map(|p| [&p.condition, &p.error_message]);
        for e in std::iter::once(&o.value).chain(&o.depends_on).chain(conditions) {
            for reference in references(&e.expr, &e.file, &[]) {
                link(&mut graph, &node, reference);
            }
        }
    }
    // `import` blocks (root module only): evaluated before their target.
    let mut imports: HashMap<String, &strata_config::RawBlock> = HashMap::new();
    if path.is_root() && walk.resources.is_some() {
        for (i, block) in module.imports.iter().enumerate() {
            let node = format!("import.{i}");
            graph.add_node(&node);
            for name in ["id", "for_each"] {
                if let Some(attr) = block.body.body.get_attribute(name) {
                    for reference in references(&attr.value, &block.body.file, &["each"]) {
                        link(&mut graph, &node, reference);
                    }
                }
            }
            if let Some(to) = block.body.body.get_attribute("to") {
                for r in references(&to.value, &block.body.file, &["each"]).into_iter().take(1) {
                    if let Some(target) = node_of(module, &resource_nodes, &r.root, &r.attrs) {
                        graph.add_edge(&target, &node, r.span);
                        // A resource is planned together with its imports: it fails with them.
                        extra_needs.push((target, Need { node: node.clone(), output: None }));
                    }
                }
            }
            imports.insert(node, block);
        }
    }
    for (node, need) in extra_needs {
        needs_of.entry(node).or_default().push(need);
    }
    let (order, cycle_diags) = graph.order();
    diags.extend(cycle_diags);

    let failures = RwLock::new(Failures {
        nodes: failed_vars.iter().map(|v| format!("var.{v}")).collect(),
        module_outputs: HashMap::new(),
    });
    let scope = ModuleScope {
        module,
        vars: &vars,
        values: RwLock::new(HashMap::new()),
        settings,
        resource_nodes: &resource_nodes,
        failures: &failures,
    };
    let ctx = call_context(module, settings);
    let result = Mutex::new(ModuleResult { variables: vars.clone(), ..Default::default() });
    // Index by name once: lookups per node must not scan (linear overall).
    let locals: HashMap<&str, &strata_config::Local> = module.locals.iter().map(|l| (l.name.as_str(), l)).collect();
    let calls: HashMap<&str, &ModuleCall> = module.module_calls.iter().map(|c| (c.name.as_str(), c)).collect();
    let outputs: HashMap<&str, &strata_config::Output> = module.outputs.iter().map(|o| (o.name.as_str(), o)).collect();
    let resources: HashMap<String, &Resource> =
        module.resources.iter().map(|r| (resource_node(r.mode, &r.type_name, &r.name), r)).collect();
    // Evaluates one node; true when it failed (for a module call: the call
    // itself, not something inside the child module).
    let evaluate_node = |node: &String, diags: &mut Diagnostics| -> bool {
        let (kind, name) = node.split_once('.').expect("node names are kind.name");
        match kind {
            "local" => {
                let Some(l) = locals.get(name) else { return false };
                let ev = Evaluator::new(&scope, functions, &ctx, &l.expr.file);
                match ev.eval(&l.expr.expr) {
                    Ok(v) => {
                        result.lock().expect("no poisoned locks").locals.insert(name.to_string(), v.clone());
                        scope.values.write().expect("no poisoned locks").insert(node.clone(), v);
                    }
                    Err(d) => diags.push(d),
                }
            }
            "module" => {
                let Some(call) = calls.get(name) else { return false };
                let Some(child) = tree.children.get(name) else { return false };
                let outcome = evaluate_call(call, child, &scope, &ctx, walk, path, diags);
                let value = outcome.value;
                result.lock().expect("no poisoned locks").module_values.insert(name.to_string(), value.clone());
                scope.values.write().expect("no poisoned locks").insert(node.clone(), value);
                if let Some(r) = outcome.first {
                    result.lock().expect("no poisoned locks").children.insert(name.to_string(), r);
                }
                match outcome.failed_outputs {
                    Some(outputs) => {
                        failures.write().expect("no poisoned locks").module_outputs.insert(name.to_string(), outputs);
                        return false;
                    }
                    None => return true,
                }
            }
            "output" => {
                let Some(o) = outputs.get(name) else { return false };
                for e in &o.depends_on {
                    let ev = Evaluator::new(&scope, functions, &ctx, &e.file);
                    if let Err(d) = ev.eval(&e.expr) {
                        diags.push(d);
                    }
                }
                let results = walk.resources.and_then(|h| h.check_results());
                let config_addr = format!("{}output.{name}", crate::checks::config_prefix(path));
                let object_addr = format!("{}output.{name}", crate::checks::object_prefix(path));
                if let (Some(results), false) = (results, o.preconditions.is_empty()) {
                    results.object(&config_addr, &object_addr);
                }
                let severity = results.map_or(strata_diag::Severity::Error, CheckResults::condition_severity);
                let mut failed = false;
                for (index, p) in o.preconditions.iter().enumerate() {
                    let ev = Evaluator::new(&scope, functions, &ctx, &p.condition.file);
                    let mut local = Diagnostics::new();
                    let outcome =
                        crate::checks::evaluate_rule(&ev, p, RuleKind::OutputPrecondition, severity, &mut local);
                    if let Some(results) = results {
                        results.report(&config_addr, &object_addr, (RuleKind::OutputPrecondition, index), &outcome);
                    }
                    failed |= local.has_errors();
                    diags.extend(local);
                }
                let ev = Evaluator::new(&scope, functions, &ctx, &o.value.file);
                match ev.eval(&o.value.expr) {
                    Ok(v) => {
                        if !o.sensitive && v.marks_deep().contains(Marks::SENSITIVE) {
                            diags.push(
                                Diagnostic::error("Output refers to sensitive values")
                                    .with_detail("To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, Strata requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true")
                                    .with_span(o.span.clone()),
                            );
                            failed = true;
                        }
                        if !failed {
                            let v = if o.sensitive { v.mark_sensitive() } else { v };
                            result.lock().expect("no poisoned locks").outputs.insert(
                                name.to_string(),
                                OutputValue { value: v, sensitive: o.sensitive, description: o.description.clone() },
                            );
                        }
                    }
                    Err(d) => diags.push(d),
                }
            }
            "provider" => {
                let Some(p) = module.providers.iter().find(|p| match &p.alias {
                    Some(a) => format!("{}.{a}", p.name) == name,
                    None => p.name == name,
                }) else {
                    return false;
                };
                if let Some(handler) = walk.resources {
                    handler.provider_block(path, module, p, &scope, &ctx, functions, diags);
                } else if let Some(schemas) = walk.schemas {
                    check_provider_block(p, schemas.provider_block_schema(module, &p.name), &scope, &ctx, walk, diags);
                }
            }
            "import" => {
                let (Some(block), Some(handler)) = (imports.get(node.as_str()), walk.resources) else { return false };
                handler.import_block(block, &scope, &ctx, functions, diags);
            }
            "resource" | "data" => {
                let Some(r) = resources.get(node.as_str()) else { return false };
                let value = match walk.resources {
                    Some(handler) => handler.resource(path, module, r, &scope, &ctx, functions, diags),
                    None => check_resource_body(r, &scope, &ctx, walk, diags),
                };
                scope.values.write().expect("no poisoned locks").insert(node.clone(), value);
            }
            _ => {}
        }
        diags.has_errors()
    };
    // A node whose needs failed is not evaluated, and fails in turn.
    let skip_node = |node: &String| {
        let (kind, name) = node.split_once('.').expect("node names are kind.name");
        let Some(handler) = walk.resources else { return };
        match kind {
            "module" => handler.skip_module_call(path, name),
            "resource" | "data" => {
                if let Some(r) = resources.get(node.as_str()) {
                    handler.skip_resource(path, r);
                }
            }
            _ => {}
        }
    };
    // What each node needs, as positions in `order` (nodes on a cycle never run).
    let position: HashMap<&str, usize> = order.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
    let needs: Vec<Vec<usize>> =
        order.iter().map(|n| graph.dependencies_of(n).filter_map(|d| position.get(d).copied()).collect()).collect();
    // Resources and module calls that do not depend on each other are walked
    // at the same time when they reach providers; a plain evaluation (or a
    // module with at most one of them) stays on this thread.
    let heavy = order
        .iter()
        .filter(|n| ["var.", "local.", "output.", "provider.", "import."].iter().all(|p| !n.starts_with(p)))
        .count();
    let workers = match walk.resources {
        Some(handler) if heavy > 1 => handler.parallelism().min(heavy),
        _ => 1,
    };
    let node_diags: Vec<Mutex<Diagnostics>> = order.iter().map(|_| Mutex::new(Diagnostics::new())).collect();
    crate::parallel::run_dag(&needs, workers, |i| {
        let node = &order[i];
        if node.starts_with("var.") {
            return; // its failure, if any, is already recorded
        }
        let needs = needs_of.get(node).map_or(&[][..], Vec::as_slice);
        if needs.iter().any(|need| failures.read().expect("no poisoned locks").blocks(need)) {
            skip_node(node);
            failures.write().expect("no poisoned locks").nodes.insert(node.clone());
            return;
        }
        let mut local = Diagnostics::new();
        let failed = evaluate_node(node, &mut local);
        if local.has_errors() {
            if let Some(handler) = walk.resources {
                handler.note_errors();
            }
        }
        if failed {
            failures.write().expect("no poisoned locks").nodes.insert(node.clone());
        }
        *node_diags[i].lock().expect("no poisoned locks") = local;
    });
    for d in node_diags {
        diags.extend(d.into_inner().expect("no poisoned locks"));
    }
    let mut result = result.into_inner().expect("no poisoned locks");
    // (The root's only: that is what a test's assertions see. Values are
    // shared, so this costs a map entry per resource block.)
    if path.is_root() {
        result.resources = scope
            .values
            .read()
            .expect("no poisoned locks")
            .iter()
            .filter(|(k, _)| k.starts_with("resource.") || k.starts_with("data."))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
    }
    result.failed_outputs = {
        let failed_nodes = &failures.read().expect("no poisoned locks").nodes;
        module
            .outputs
            .iter()
            .map(|o| &o.name)
            .filter(|o| failed_nodes.contains(&format!("output.{o}")))
            .cloned()
            .collect()
    };
    // `check` blocks, once everything they may reference is done.
    for check in &module.checks {
        evaluate_check_block(check, &scope, &ctx, walk, path, diags);
    }
    result
}

/// Reads a check block's scoped data source, then evaluates its assertions
/// (unless the read failed). Nothing here is an error: failures are warnings.
fn evaluate_check_block(
    check: &strata_config::Check,
    scope: &ModuleScope,
    ctx: &CallContext,
    walk: &Walk,
    path: &ModuleInstance,
    diags: &mut Diagnostics,
) {
    let functions = walk.functions;
    // Its data source and assertions wait for what they refer to: when that
    // failed, the check is not evaluated (its result stays unknown).
    let conditions = check.asserts.iter().flat_map(|a| [&a.condition, &a.error_message]);
    if check.data.as_ref().is_some_and(|d| scope.body_refers_to_failure(d))
        || conditions.into_iter().any(|e| scope.refers_to_failure(e, &[]))
    {
        return;
    }
    let (Some(handler), Some(results)) = (walk.resources, walk.resources.and_then(|h| h.check_results())) else {
        // validate, console: only mistakes in the expressions are reported.
        if let Some(data) = &check.data {
            let _ = check_resource_body(data, scope, ctx, walk, diags);
        }
        for assert in &check.asserts {
            let ev = Evaluator::new(scope, functions, ctx, &assert.condition.file);
            let mut local = Diagnostics::new();
            crate::checks::evaluate_rule(
                &ev,
                assert,
                RuleKind::CheckAssertion,
                strata_diag::Severity::Warning,
                &mut local,
            );
            diags.extend(local.into_vec().into_iter().filter(Diagnostic::is_error));
        }
        return;
    };
    if results.destroying() {
        return;
    }
    let config_addr = format!("{}check.{}", crate::checks::config_prefix(path), check.name);
    let object_addr = format!("{}check.{}", crate::checks::object_prefix(path), check.name);
    results.object(&config_addr, &object_addr);
    if let Some(data) = &check.data {
        let mut local = Diagnostics::new();
        let value = handler.resource(path, scope.module, data, scope, ctx, functions, &mut local);
        let outcome = crate::checks::scoped_data_outcome(&mut local);
        results.report(&config_addr, &object_addr, (RuleKind::CheckDataResource, 0), &outcome);
        diags.extend(local);
        let node = resource_node(ResourceMode::Data, &data.type_name, &data.name);
        scope.values.write().expect("no poisoned locks").insert(node, value);
    }
    if matches!(results.object_status(&config_addr, &object_addr), CheckStatus::Fail | CheckStatus::Error) {
        return;
    }
    for (index, assert) in check.asserts.iter().enumerate() {
        let ev = Evaluator::new(scope, functions, ctx, &assert.condition.file);
        let outcome =
            crate::checks::evaluate_rule(&ev, assert, RuleKind::CheckAssertion, strata_diag::Severity::Warning, diags);
        results.report(&config_addr, &object_addr, (RuleKind::CheckAssertion, index), &outcome);
    }
}

/// Meta-arguments of resource blocks, handled by the engine, not the provider.
pub(crate) const RESOURCE_META: &[&str] =
    &["count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"];

/// `RESOURCE_META` as Terraform's resource block schema has them: the
/// first four are arguments, the others blocks (`lifecycle = 1` is an
/// argument the provider's schema does not expect).
const RESOURCE_META_SPLIT: strata_lang::body::Skipped<'static> = strata_lang::body::Skipped {
    attributes: &["count", "for_each", "provider", "depends_on"],
    blocks: &["lifecycle", "provisioner", "connection"],
};

/// Evaluates a resource's body (dynamic blocks expanded, `count.index` and
/// `each` unknown), so that bad references and expressions inside
/// resources are reported before any planning; with `validate`'s schemas,
/// the body is also checked against its provider's schema. The value the
/// resource then stands for: unknown, of its schema's type when it has
/// one instance (so a reference to an attribute it lacks is an error, as
/// in Terraform's validate).
fn check_resource_body(
    r: &strata_config::Resource,
    scope: &ModuleScope,
    ctx: &CallContext,
    walk: &Walk,
    diags: &mut Diagnostics,
) -> Value {
    let schema = match walk.schemas.map(|s| s.resource_schema(scope.module, r)) {
        Some(Err(d)) => {
            diags.push(d);
            return Value::dynamic_unknown();
        }
        Some(Ok(schema)) => schema,
        None => None,
    };
    let value = match &schema {
        Some((schema, _)) if r.count.is_none() && r.for_each.is_none() => Value::unknown(schema.implied_type()),
        _ => Value::dynamic_unknown(),
    };
    let ev = Evaluator::new(scope, walk.functions, ctx, &r.body.file);
    // Terraform's validate walk type-checks count and for_each (unknown allowed).
    if let Some(count) = &r.count {
        if let Err(d) = ev.eval(&count.expr).and_then(|v| count_value(&v, count)) {
            diags.push(d);
        }
    }
    if let Some(for_each) = &r.for_each {
        if let Err(d) = ev.eval(&for_each.expr).and_then(|v| for_each_value(&v, for_each)) {
            diags.push(d);
        }
    }
    let mut bindings: Vec<(&str, Value)> = Vec::new();
    if r.count.is_some() {
        bindings.push(("count", obj1("index", Value::unknown(Type::Number))));
    }
    if r.for_each.is_some() {
        bindings.push((
            "each",
            Value::object(
                BTreeMap::from([
                    ("key".to_string(), Value::unknown(Type::String)),
                    ("value".to_string(), Value::dynamic_unknown()),
                ])
                .into(),
            ),
        ));
    }
    let evaluate = || strata_lang::body::evaluate_body_except(&ev, &r.body.body, &RESOURCE_META_SPLIT);
    match bind_all(&ev, &bindings, evaluate) {
        Ok(body) => {
            if let Some((schema, read_only)) = schema {
                let errors_before = diags.error_count();
                let config = crate::decode::decode_config_worded(&body, &schema.block, &r.span, read_only, diags);
                let decoded = diags.error_count() == errors_before;
                if let (true, Some(schemas)) = (decoded, walk.schemas) {
                    let checked = schemas.validate_resource(scope.module, r, &config);
                    crate::resources::report_in(checked, Some(&r.span), Some((&r.body, &schema.block)), diags);
                }
            }
        }
        Err(ds) => diags.extend(ds),
    }
    value
}

/// `validate`: evaluates a `provider` block's body against its schema (if
/// the provider is linked in), as Terraform's validate walk does.
fn check_provider_block(
    block: &strata_config::ProviderConfig,
    schema: Option<strata_provider::Block>,
    scope: &ModuleScope,
    ctx: &CallContext,
    walk: &Walk,
    diags: &mut Diagnostics,
) {
    let ev = Evaluator::new(scope, walk.functions, ctx, &block.config.file);
    match strata_lang::body::evaluate_body(&ev, &block.config.body, &["alias", "version"]) {
        Ok(body) => {
            if let Some(schema) = schema {
                crate::decode::decode_config(&body, &schema, &block.span, diags);
            }
        }
        Err(ds) => diags.extend(ds),
    }
}

/// What evaluating one module call gave.
struct CallOutcome {
    /// What `module.NAME` refers to.
    value: Value,
    /// The first instance's result.
    first: Option<ModuleResult>,
    /// The child's outputs that failed in some instance; `None` when the
    /// call itself failed (its count or for_each).
    failed_outputs: Option<BTreeSet<String>>,
}

/// Evaluates one module call: its instances (count/for_each), their inputs
/// and the child module.
fn evaluate_call(
    call: &ModuleCall,
    child: &ModuleTree,
    scope: &ModuleScope,
    ctx: &CallContext,
    walk: &Walk,
    path: &ModuleInstance,
    diags: &mut Diagnostics,
) -> CallOutcome {
    let call_failed = CallOutcome { value: Value::dynamic_unknown(), first: None, failed_outputs: None };
    let (settings, functions) = (walk.settings, walk.functions);
    // Instances: (key for the result, bindings)
    enum Keys {
        Single,
        Count(Vec<Value>),
        ForEach(Vec<(String, Value)>),
        Unknown,
    }
    let keys = if let Some(count) = &call.count {
        let cev = Evaluator::new(scope, functions, ctx, &count.file);
        match cev.eval(&count.expr).and_then(|v| count_value(&v, count)) {
            Ok(Some(n)) => Keys::Count((0..n).map(Value::int).collect()),
            Ok(None) => Keys::Unknown,
            Err(d) => {
                diags.push(d);
                return call_failed;
            }
        }
    } else if let Some(fe) = &call.for_each {
        let fev = Evaluator::new(scope, functions, ctx, &fe.file);
        match fev.eval(&fe.expr).and_then(|v| for_each_value(&v, fe)) {
            Ok(Some(pairs)) => Keys::ForEach(pairs),
            Ok(None) => Keys::Unknown,
            Err(d) => {
                diags.push(d);
                return call_failed;
            }
        }
    } else {
        Keys::Single
    };
    let instance = |key: InstanceKey, bindings: Vec<(&str, Value)>, diags: &mut Diagnostics| -> (Value, ModuleResult) {
        let mut raw = BTreeMap::new();
        // An input that refers to a failure is not evaluated; what uses
        // that variable in the child is skipped (Terraform: one node each).
        let mut failed_inputs = HashSet::new();
        for (name, e) in &call.inputs {
            if child.module.variable(name).is_none() {
                continue;
            }
            if scope.refers_to_failure(e, &["count", "each"]) {
                failed_inputs.insert(name.clone());
                let source = ValueSource::ModuleArgument(e.span());
                raw.insert(name.clone(), RawVariable { value: Value::dynamic_unknown(), source });
                continue;
            }
            let iev = Evaluator::new(scope, functions, ctx, &e.file);
            let eval = || iev.eval(&e.expr);
            let r = bind_all(&iev, &bindings, eval);
            match r {
                Ok(v) => {
                    raw.insert(name.clone(), RawVariable { value: v, source: ValueSource::ModuleArgument(e.span()) });
                }
                Err(d) => {
                    diags.push(d);
                    failed_inputs.insert(name.clone());
                    raw.insert(
                        name.clone(),
                        RawVariable { value: Value::dynamic_unknown(), source: ValueSource::ModuleArgument(e.span()) },
                    );
                }
            }
        }
        let child_path = path.child(&call.name, key);
        let results = walk.resources.and_then(|h| h.check_results());
        let (vars, mut failed_vars) =
            finalize_variables(&child.module, &raw, settings, functions, (&child_path, results), diags);
        failed_vars.extend(failed_inputs);
        if let Some(handler) = walk.resources {
            handler.enter_module(path, call, &child_path, &child.module);
        }
        let r = evaluate_module(child, vars, &failed_vars, walk, &child_path, diags);
        let obj: strata_lang::Fields = child
            .module
            .outputs
            .iter()
            .map(|o| {
                (o.name.clone(), r.outputs.get(&o.name).map_or_else(Value::dynamic_unknown, |ov| ov.value.clone()))
            })
            .collect();
        (Value::object(obj), r)
    };
    // Arguments are checked once per call, not per instance.
    for (name, e) in &call.inputs {
        if child.module.variable(name).is_none() {
            let mut detail = format!(
                "An argument named {name:?} is not expected here: the module at {} declares no variable of that name.",
                call.source
            );
            if let Some(s) = strata_diag::did_you_mean(name, child.module.variables.iter().map(|v| v.name.as_str())) {
                detail.push_str(&format!(" Did you mean {s:?}?"));
            }
            diags.push(Diagnostic::error("Unsupported argument").with_detail(detail).with_span(e.span()));
        }
    }
    for v in &child.module.variables {
        if v.default.is_none() && !call.inputs.iter().any(|(n, _)| n == &v.name) {
            diags.push(
                Diagnostic::error("Missing required argument")
                    .with_detail(format!("The argument {:?} is required, but no definition was found.", v.name))
                    .with_span(call.span.clone()),
            );
        }
    }
    let each_of = |k: &str, val: Value| {
        Value::object(strata_lang::Fields::from([("key".to_string(), Value::string(k)), ("value".to_string(), val)]))
    };
    let specs: Vec<(InstanceKey, Vec<(&str, Value)>)> = match &keys {
        Keys::Single => vec![(InstanceKey::None, vec![])],
        Keys::Count(idx) => idx
            .iter()
            .enumerate()
            .map(|(n, i)| (InstanceKey::Int(n as i64), vec![("count", obj1("index", i.clone()))]))
            .collect(),
        Keys::ForEach(pairs) => pairs
            .iter()
            .map(|(k, val)| (InstanceKey::Str(k.clone()), vec![("each", each_of(k, val.clone()))]))
            .collect(),
        Keys::Unknown => {
            // Still check the child once, with unknown instance keys.
            let each = Value::object(
                BTreeMap::from([
                    ("key".to_string(), Value::unknown(Type::String)),
                    ("value".to_string(), Value::dynamic_unknown()),
                ])
                .into(),
            );
            vec![(InstanceKey::None, vec![("count", obj1("index", Value::unknown(Type::Number))), ("each", each)])]
        }
    };
    if specs.is_empty() {
        if let Some(results) = walk.resources.and_then(|h| h.check_results()) {
            results.no_module_instances(&format!("{}module.{}.", crate::checks::config_prefix(path), call.name));
        }
    }
    // Module instances are independent of each other: walked at the same
    // time when they reach providers, like sibling resources.
    let workers = match walk.resources {
        Some(handler) if specs.len() > 1 => handler.parallelism().min(specs.len()),
        _ => 1,
    };
    let outcomes: Vec<Mutex<Option<(Value, ModuleResult, Diagnostics)>>> =
        specs.iter().map(|_| Mutex::new(None)).collect();
    crate::parallel::run_dag(&vec![Vec::new(); specs.len()], workers, |i| {
        let (key, bindings) = &specs[i];
        let mut local = Diagnostics::new();
        let (v, r) = instance(key.clone(), bindings.clone(), &mut local);
        *outcomes[i].lock().expect("no poisoned locks") = Some((v, r, local));
    });
    let mut first = None;
    let mut values = Vec::with_capacity(specs.len());
    let mut failed_outputs = BTreeSet::new();
    for outcome in outcomes {
        let (v, r, local) = outcome.into_inner().expect("no poisoned locks").expect("every instance ran");
        diags.extend(local);
        values.push(v);
        failed_outputs.extend(r.failed_outputs.iter().cloned());
        first.get_or_insert(r);
    }
    let value = match keys {
        Keys::Single => values.pop().unwrap_or_else(Value::dynamic_unknown),
        Keys::Count(_) => Value::tuple(values),
        Keys::ForEach(pairs) => Value::object(pairs.into_iter().map(|(k, _)| k).zip(values).collect()),
        Keys::Unknown => Value::dynamic_unknown(),
    };
    CallOutcome { value, first, failed_outputs: Some(failed_outputs) }
}

fn obj1(k: &str, v: Value) -> Value {
    Value::object(strata_lang::Fields::from([(k.to_string(), v)]))
}

pub(crate) fn bind_all<T>(ev: &Evaluator, bindings: &[(&str, Value)], f: impl FnOnce() -> T) -> T {
    match bindings.split_first() {
        None => f(),
        Some(((name, v), rest)) => ev.with_binding(name, v.clone(), |ev| bind_all(ev, rest, f)),
    }
}

/// A `count` value: `Ok(None)` when unknown (validate only). As in
/// Terraform, a sensitive count is allowed (the number of instances
/// discloses it anyway).
pub fn count_value(v: &Value, expr: &Expr) -> Result<Option<i64>, Diagnostic> {
    let invalid = |detail: &str| {
        Err(Diagnostic::error("Invalid count argument").with_detail(detail.to_string()).with_span(expr.span()))
    };
    let n = match convert(v, &Type::Number) {
        Ok(n) => n.unmark_deep().0,
        Err(e) => {
            return Err(Diagnostic::error("Incorrect value type")
                .with_detail(format!("Invalid expression value: {e}."))
                .with_span(expr.span()))
        }
    };
    if n.is_null() {
        return invalid("The given \"count\" argument value is null. An integer is required.");
    }
    if n.is_unknown() {
        return Ok(None);
    }
    let n = n.as_number().expect("number");
    match n.to_i64() {
        Some(i) if i >= 0 => Ok(Some(i)),
        Some(_) => invalid("The given \"count\" argument value is unsuitable: must be greater than or equal to zero."),
        None if !n.is_integer() => {
            invalid("The given \"count\" argument value is unsuitable: the value must be a whole number.")
        }
        None => invalid("The given \"count\" argument value is too large."),
    }
}

/// `for_each` instance keys and values: `Ok(None)` when unknown (validate only).
pub fn for_each_value(v: &Value, expr: &Expr) -> Result<Option<Vec<(String, Value)>>, Diagnostic> {
    let invalid_as =
        |summary: &str, detail: String| Err(Diagnostic::error(summary).with_detail(detail).with_span(expr.span()));
    let invalid = |detail: String| invalid_as("Invalid for_each argument", detail);
    let invalid_set = |detail: String| invalid_as("Invalid for_each set argument", detail);
    if v.is_sensitive() {
        return invalid("Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.".into());
    }
    if v.is_null() {
        return invalid("The given \"for_each\" argument value is unsuitable: the given \"for_each\" argument value is null. A map, or set of strings is allowed.".into());
    }
    if v.is_unknown() {
        return Ok(None);
    }
    match v.kind() {
        Kind::Map(_, items) | Kind::Object(items) => Ok(Some(items.iter().map(|(k, x)| (k.clone(), x.clone())).collect())),
        Kind::Set(t, items) => {
            // A set with unknown elements is unknown as a whole: its element
            // type may be too (`toset([var.untyped])`), as Terraform allows.
            if items.iter().any(Value::is_unknown) {
                return Ok(None);
            }
            if *t != Type::String && !(items.iter().all(|i| i.is_null() || i.ty() == Type::String)) {
                return invalid_set(format!(
                    "The given \"for_each\" argument value is unsuitable: \"for_each\" supports maps and sets of strings, but you have provided a set containing type {}.",
                    t.friendly_name()
                ));
            }
            let mut out = Vec::new();
            for i in items.iter() {
                match i.as_str() {
                    Some(s) => out.push((s.to_string(), i.clone())),
                    None => return invalid_set("The given \"for_each\" argument value is unsuitable: \"for_each\" sets must not contain null values.".into()),
                }
            }
            Ok(Some(out))
        }
        _ => invalid(format!(
            "The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {}.",
            v.ty().friendly_name()
        )),
    }
}

/// Evaluates an expression in the root module's scope after evaluation
/// (the console): variables, locals and module outputs as computed.
pub fn evaluate_in_root(
    module: &Module,
    result: &ModuleResult,
    settings: &EvalSettings,
    functions: &Functions,
    expr: &hcl_edit::expr::Expression,
    file: &std::sync::Arc<strata_diag::SourceFile>,
) -> Result<Value, Diagnostic> {
    evaluate_in_root_with(module, result, settings, functions, expr, file, &BTreeMap::new())
}

/// [`evaluate_in_root`] with the module's resources as the walk left them
/// and root names of the caller's (`extra`: a test's `run` and `output`
/// objects), which win over the module's own.
pub fn evaluate_in_root_with(
    module: &Module,
    result: &ModuleResult,
    settings: &EvalSettings,
    functions: &Functions,
    expr: &hcl_edit::expr::Expression,
    file: &std::sync::Arc<strata_diag::SourceFile>,
    extra: &BTreeMap<String, Value>,
) -> Result<Value, Diagnostic> {
    let mut values = HashMap::new();
    for (k, v) in &result.resources {
        values.insert(k.clone(), v.clone());
    }
    for (k, v) in &result.locals {
        values.insert(format!("local.{k}"), v.clone());
    }
    for (k, v) in &result.module_values {
        values.insert(format!("module.{k}"), v.clone());
    }
    let (resource_nodes, failures) = (HashSet::new(), RwLock::new(Failures::default()));
    let scope = ModuleScope {
        module,
        vars: &result.variables,
        values: RwLock::new(values),
        settings,
        resource_nodes: &resource_nodes,
        failures: &failures,
    };
    let ctx = call_context(module, settings);
    let scope = ExtraScope { extra, inner: &scope };
    Evaluator::new(&scope, functions, &ctx, file).eval(expr)
}

/// Names a caller adds at the root of a scope.
struct ExtraScope<'a> {
    extra: &'a BTreeMap<String, Value>,
    inner: &'a dyn Scope,
}

impl Scope for ExtraScope<'_> {
    fn resolve(&self, root: &str, attrs: &[&str], span: &Span) -> Result<(Value, usize), Diagnostic> {
        match self.extra.get(root) {
            Some(v) => Ok((v.clone(), 0)),
            None => self.inner.resolve(root, attrs, span),
        }
    }
}

/// A module-local address (`aws_vpc.main`) as seen from the root.
fn path_prefixed(path: &ModuleInstance, local: &str) -> String {
    if path.is_root() {
        local.to_string()
    } else {
        format!("{path}.{local}")
    }
}
