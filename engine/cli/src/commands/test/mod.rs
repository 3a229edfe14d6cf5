//! `strata test`: runs the `run` blocks of `*.tftest.hcl` files against
//! the configuration (or a module a run names), each file with its own
//! states in a temporary directory — never the working directory's state
//! or backend — and destroys what the file created when it ends, in
//! reverse run order. Plans and applies go through the same functions as
//! `plan` and `apply` (`plan::plan_walk`, `apply::execute_plan`).

mod checks;
mod file;
mod globals;
mod mock;
mod report;

use super::apply::execute_plan;
use super::plan::{plan_walk, PlanRequest, ProviderSet};
use super::Prepared;
use crate::args::LockArgs;
use crate::output::Ui;
use crate::workdir::WorkDir;
use checks::{assert_all, checks_as_errors, Expected, Walked};
use file::{Run, RunCommand, TestFile};
use report::Report;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use strata_config::{Expr, LoadOptions, Module, ModuleTree, TERRAFORM_COMPAT_VERSION};
use strata_core::{collect_root_variables, EvalMode, EvalSettings, RawVariable, ValueSource, VarArg};
use strata_diag::{Diagnostic, Diagnostics, Severity, Span};
use strata_lang::{CallContext, Evaluator, Fields, Functions, Scope, Value};
use strata_provider::Registry;
use strata_state::{LocalState, StateLock};

/// `strata test`'s own flags.
pub struct TestArgs {
    pub filter: Vec<String>,
    pub test_directory: String,
    pub verbose: bool,
}

/// How a run (and a file) ended, as Terraform's `moduletest.Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Skip,
    Pass,
    /// An assertion failed: later runs still run.
    Fail,
    /// Something else went wrong: later runs of the file are skipped.
    Error,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Skip => "skip",
            Status::Pass => "pass",
            Status::Fail | Status::Error => "fail",
        }
    }
}

pub fn run(workdir: &WorkDir, args: &TestArgs, var_args: &[VarArg], ui: Ui) -> u8 {
    let report = Report { ui };
    // `./tests/` is `tests`, as file names show it.
    let test_directory = args.test_directory.trim_end_matches('/').trim_start_matches("./").to_string();
    let test_directory = if test_directory.is_empty() { ".".to_string() } else { test_directory };
    let (tree, diags) = workdir.load();
    let Some(tree) = tree.filter(|_| !diags.has_errors()) else {
        report.setup_diagnostics(&diags);
        return 1;
    };
    let (files, mut diags) = match discover(&workdir.dir, &test_directory) {
        Ok(f) => (f, diags),
        Err(d) => {
            report.setup_diagnostics(&d.into());
            return 1;
        }
    };
    let files: Vec<(String, PathBuf)> =
        files.into_iter().filter(|(name, _)| args.filter.is_empty() || args.filter.contains(name)).collect();
    let mut tests = Vec::new();
    for (name, path) in &files {
        if name.ends_with(".json") {
            // Skipping it would report success for tests that never ran.
            diags.push(Diagnostic::error("JSON test files are not supported yet").with_detail(format!(
                "{name} is written in Terraform's JSON syntax, which Strata cannot read yet. Write it as a .tftest.hcl file, or leave it out with -filter."
            )));
            continue;
        }
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(
                    Diagnostic::error("Failed to read test file")
                        .with_detail(format!("The file {name} could not be read: {e}.")),
                );
                continue;
            }
        };
        let (test, d) = file::load(name, text);
        diags.extend(d);
        tests.extend(test);
    }
    // Every module a run names must be there before anything runs.
    for run in tests.iter().flat_map(|t| &t.runs) {
        if let (Some(source), Some(span)) = (&run.module, &run.module_span) {
            if !workdir.dir.join(source).is_dir() {
                diags.push(
                    Diagnostic::error("Module not found")
                        .with_detail(format!("The module directory {source} does not exist or cannot be read."))
                        .with_span(span.clone()),
                );
            }
        }
    }
    // Each file's providers, its mocks in place of the real ones.
    let mut registries = Vec::new();
    for test in &tests {
        match registry_for(&tree, test) {
            Ok(r) => registries.push(r),
            Err(d) => diags.extend(d),
        }
    }
    if diags.has_errors() {
        report.setup_diagnostics(&diags);
        return 1;
    }
    if !diags.is_empty() {
        report.setup_diagnostics(&diags);
    }
    let temp = match TempDir::new() {
        Ok(t) => t,
        Err(e) => {
            report.setup_diagnostics(
                &Diagnostic::error("Failed to create a directory for test states").with_detail(e).into(),
            );
            return 1;
        }
    };
    let (globals, global_diags) =
        globals::global_values(&workdir.dir, &workdir.dir.join(&test_directory), var_args, &|name| {
            tree.module.variable(name).is_some()
        });
    if global_diags.has_errors() {
        report.setup_diagnostics(&global_diags);
        return 1;
    }
    // Ctrl-C stops the runs, not the teardown (a second one exits at once).
    super::apply::install_interrupt_handler(ui);
    report.abstract_(
        &tests.iter().map(|t| (t.name.clone(), t.runs.iter().map(|r| r.name.clone()).collect())).collect::<Vec<_>>(),
    );
    let suite = Suite {
        workdir,
        tree: &tree,
        var_args,
        report,
        verbose: args.verbose && !ui.json,
        test_directory: &test_directory,
        globals,
        interrupted: std::cell::Cell::new(false),
        temp: &temp,
    };
    let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
    let mut overall = Status::Pass;
    for (i, test) in tests.iter().enumerate() {
        if super::apply::interrupted() || suite.interrupted.get() {
            // Interrupted: the files after are not started.
            *counts.entry(Status::Skip).or_default() += test.runs.len();
            overall = Status::Error;
            continue;
        }
        let statuses = suite.file(test, i, &registries[i]);
        for s in statuses.runs {
            *counts.entry(s).or_default() += 1;
        }
        overall = overall.max(statuses.file);
    }
    let count = |s| counts.get(&s).copied().unwrap_or(0);
    report.summary(overall, [count(Status::Pass), count(Status::Fail), count(Status::Error), count(Status::Skip)]);
    u8::from(overall >= Status::Fail)
}

/// The test files of `dir` and of its test directory, by name as shown
/// (`main.tftest.hcl`, `tests/a.tftest.hcl`), in name order.
fn discover(dir: &Path, test_directory: &str) -> Result<Vec<(String, PathBuf)>, Diagnostic> {
    let mut out = Vec::new();
    let mut dirs = vec![("", dir.to_path_buf())];
    if test_directory != "." {
        dirs.push((test_directory, dir.join(test_directory)));
    }
    for (prefix, d) in dirs {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(_) if !prefix.is_empty() => continue,
            Err(e) => {
                return Err(Diagnostic::error("Failed to read test files")
                    .with_detail(format!("The directory {} could not be read: {e}.", d.display())))
            }
        };
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().to_string();
            if (name.ends_with(".tftest.hcl") || name.ends_with(".tftest.json"))
                && !name.starts_with('.')
                && e.path().is_file()
            {
                let shown = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
                out.push((shown, e.path()));
            }
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    Ok(out)
}

/// What every file of a test run shares.
struct Suite<'a> {
    workdir: &'a WorkDir,
    /// The configuration under test.
    tree: &'a ModuleTree,
    var_args: &'a [VarArg],
    report: Report,
    verbose: bool,
    test_directory: &'a str,
    /// Every value of the variables files and the command line (`var.*` in test files).
    globals: BTreeMap<String, Value>,
    /// A Ctrl-C stopped a file: the files after it do not start.
    interrupted: std::cell::Cell<bool>,
    temp: &'a TempDir,
}

/// How a file's runs ended.
struct FileStatuses {
    runs: Vec<Status>,
    file: Status,
}

/// One state of a file: the configuration's, or a `module {}` run's.
struct TestState {
    dir: PathBuf,
    store: LocalState,
    lock: StateLock,
    /// What the last run against it used (teardown destroys with it).
    prepared: Prepared,
    last_run: usize,
}

/// A run's variables: for the module under test, and for the test file.
struct RunVariables {
    raw: BTreeMap<String, RawVariable>,
    warnings: Diagnostics,
    /// Globals, the file's and the run's values, declared or not.
    test_vars: BTreeMap<String, Value>,
}

/// Results of the runs so far: `run.NAME` is an object of its outputs.
type RunOutputs = BTreeMap<String, Value>;

/// What `-verbose` shows under a run's line.
enum Shown {
    Plan(Box<strata_core::Plan>),
    State { path: PathBuf },
}

impl Suite<'_> {
    fn file(&self, test: &TestFile, index: usize, registry: &Registry) -> FileStatuses {
        let (report, ui) = (self.report, self.report.ui);
        report.file_started(&test.name);
        let mut states: BTreeMap<String, TestState> = BTreeMap::new();
        let mut outputs = RunOutputs::new();
        let mut statuses = Vec::new();
        let mut file_status = Status::Pass;
        for (i, run) in test.runs.iter().enumerate() {
            if file_status == Status::Error || super::apply::interrupted() {
                report.run_done(&test.name, &run.name, Status::Skip);
                statuses.push(Status::Skip);
                continue;
            }
            report.run_started(&test.name, &run.name);
            let (status, diags, verbose) = self.run(test, run, (i, index), registry, &mut states, &mut outputs);
            report.run_done(&test.name, &run.name, status);
            match verbose {
                Some(Shown::Plan(plan)) => {
                    println!();
                    super::plan::render(&plan, plan.options.refresh_only, ui);
                    println!();
                }
                Some(Shown::State { path }) => {
                    println!();
                    let _ = super::state::show(self.workdir, Some(&path), ui);
                    println!();
                }
                None => {}
            }
            report.diagnostics(&test.name, Some(&run.name), &diags);
            statuses.push(status);
            file_status = file_status.max(status);
        }
        if super::apply::interrupted() {
            file_status = Status::Error;
            super::apply::resume_after_interrupt();
            self.interrupted.set(true);
        }
        report.tearing_down(&test.name);
        let mut order: Vec<(&String, &TestState)> = states.iter().collect();
        order.sort_by_key(|(_, s)| std::cmp::Reverse(s.last_run));
        for (_, state) in order {
            if !self.teardown(test, state, registry) {
                file_status = file_status.max(Status::Error);
            }
        }
        report.file_done(&test.name, file_status);
        FileStatuses { runs: statuses, file: file_status }
    }

    /// Runs one `run` block; `verbose`: the plan or state to show.
    fn run(
        &self,
        test: &TestFile,
        run: &Run,
        (run_index, file_index): (usize, usize),
        registry: &Registry,
        states: &mut BTreeMap<String, TestState>,
        outputs: &mut RunOutputs,
    ) -> (Status, Diagnostics, Option<Shown>) {
        let mut diags = Diagnostics::new();
        let error = |diags: Diagnostics| (Status::Error, diags, None);
        // The module under test, with the file's provider blocks.
        let key = match (&run.state_key, &run.module) {
            (Some(k), _) => format!("key:{k}"),
            (None, m) => format!("module:{}", m.as_deref().unwrap_or_default()),
        };
        let mut tree = match &run.module {
            None => self.tree.clone(),
            Some(source) => {
                let display = strata_config::join_display("", source);
                let (tree, d) = strata_config::load_module_tree(
                    &self.workdir.dir.join(source),
                    &LoadOptions { display_prefix: display, ..LoadOptions::default() },
                );
                diags.extend(d);
                match tree.filter(|_| !diags.has_errors()) {
                    Some(t) => t,
                    None => return error(diags),
                }
            }
        };
        match &run.providers {
            None => {
                for p in &test.providers {
                    tree.module.providers.retain(|q| !(q.name == p.name && q.alias == p.alias));
                    tree.module.providers.push(p.clone());
                }
            }
            Some(mappings) => {
                // The mapped configurations, under the module's names.
                for m in mappings {
                    let Some(p) = test.providers.iter().find(|p| (&p.name, &p.alias) == (&m.from.0, &m.from.1)) else {
                        let alias = m.from.1.as_ref().map(|a| format!(".{a}")).unwrap_or_default();
                        diags.push(
                            Diagnostic::error("Reference to undeclared provider")
                                .with_detail(format!(
                                    "There is no provider \"{}{alias}\" block in this test file.",
                                    m.from.0
                                ))
                                .with_span(m.span.clone()),
                        );
                        continue;
                    };
                    let mut p = p.clone();
                    p.name = m.to.0.clone();
                    p.alias = m.to.1.clone();
                    tree.module.providers.retain(|q| !(q.name == p.name && q.alias == p.alias));
                    tree.module.providers.push(p);
                }
                if diags.has_errors() {
                    return error(diags);
                }
            }
        }
        let test_vars;
        let raw_vars = match self.variables(test, run, &tree.module, run.module.is_none(), outputs) {
            Ok(RunVariables { raw, warnings, test_vars: vars }) => {
                diags.extend(warnings);
                test_vars = vars;
                raw
            }
            Err(d) => {
                diags.extend(d);
                return error(diags);
            }
        };
        let settings = EvalSettings {
            mode: EvalMode::Apply,
            workspace: self.workdir.workspace(),
            cwd: self.workdir.dir.clone(),
            plan_timestamp: Some(strata_state::now_rfc3339()),
        };
        let prepared =
            Prepared { tree, raw_vars, settings, functions: Functions::builtin(), diags: Diagnostics::new() };
        // This file's state for the module (made on first use).
        if !states.contains_key(&key) {
            match self.new_state(file_index, states.len()) {
                Ok((dir, store, lock)) => {
                    let blank = Prepared {
                        tree: prepared.tree.clone(),
                        raw_vars: prepared.raw_vars.clone(),
                        settings: prepared.settings.clone(),
                        functions: Functions::builtin(),
                        diags: Diagnostics::new(),
                    };
                    states.insert(key.clone(), TestState { dir, store, lock, prepared: blank, last_run: run_index });
                }
                Err(d) => {
                    diags.push(d);
                    return error(diags);
                }
            }
        }
        let state = states.get_mut(&key).expect("made above");
        let stored = match state.store.read() {
            Ok(s) => s,
            Err(e) => {
                diags.push(e.to_diagnostic());
                return error(diags);
            }
        };
        let lock_args = LockArgs {
            refresh_only: run.options.refresh_only,
            refresh: run.options.refresh,
            target: run.options.target.clone(),
            replace: run.options.replace.clone(),
            ..LockArgs::default()
        };
        let providers = match overrides_for(&prepared.tree, registry, test.overrides.iter().chain(&run.overrides)) {
            Ok((p, warnings)) => {
                diags.extend(warnings);
                p
            }
            Err(d) => {
                diags.extend(d);
                return error(diags);
            }
        };
        let validated = super::validate::validate_tree(self.workdir, &prepared.tree);
        let req = PlanRequest {
            destroy: false,
            lock: &lock_args,
            generate_config: false,
            validated,
            quiet: true,
            providers: Some(&providers),
        };
        let planned = match plan_walk(self.workdir, &prepared, stored, &req, self.report.ui) {
            Ok(p) => p,
            Err(d) => {
                diags.extend(d);
                return error(rewrite_required_variables(diags, run));
            }
        };
        let module = &prepared.tree.module;
        let mut plan_diags = planned.diags;
        let plan = planned.plan;
        let expected = Expected::new(module, &run.expect_failures);
        let failed_in_plan = expected.failed(&plan.checks);
        let mut verbose = None;
        let walked = match run.command {
            RunCommand::Plan => {
                expected.remove_failures(&failed_in_plan, &mut plan_diags);
                diags.extend(checks_as_errors(&prepared.tree, plan_diags));
                diags.extend(expected.missing(&failed_in_plan));
                diags = rewrite_required_variables(diags, run);
                if diags.has_errors() {
                    return (Status::Error, diags, None);
                }
                if self.verbose {
                    verbose = Some(Shown::Plan(Box::new(plan.clone())));
                }
                let mut result = planned.result;
                result.outputs = plan.outputs.clone();
                result.variables = plan.variable_values.clone();
                state.last_run = run_index;
                Walked { module, result, settings: prepared.settings.clone() }
            }
            RunCommand::Apply => {
                // Check blocks are evaluated again when applying.
                let plan_diags = diagnostics(
                    plan_diags
                        .into_vec()
                        .into_iter()
                        .filter(|d| !strata_core::checks::is_check_block_diagnostic(&prepared.tree, d)),
                );
                // (A failed check block stops nothing: it is checked again.)
                let failed_in_plan: BTreeSet<String> =
                    failed_in_plan.into_iter().filter(|a| !a.starts_with("check.")).collect();
                if !failed_in_plan.is_empty() {
                    let which = failed_in_plan.iter().cloned().collect::<Vec<_>>().join(", ");
                    diags.push(Diagnostic::warning("Expected failure while planning").with_detail(format!(
                        "A custom condition within {which} failed during the planning stage and prevented the requested apply operation. While this was an expected failure, the apply operation could not be executed and so the overall test case will be marked as a failure and the original diagnostic included in the test report."
                    )));
                    diags.extend(plan_diags);
                    return (Status::Error, rewrite_required_variables(diags, run), None);
                }
                if plan_diags.has_errors() || plan.errored {
                    diags.extend(plan_diags);
                    return (Status::Error, rewrite_required_variables(diags, run), None);
                }
                diags.extend(plan_diags);
                let applied =
                    execute_plan(&prepared, &plan, &state.store, &state.lock, 10, Some(&providers), self.report.ui);
                state.last_run = run_index;
                state.prepared = Prepared {
                    tree: prepared.tree.clone(),
                    raw_vars: prepared.raw_vars.clone(),
                    settings: prepared.settings.clone(),
                    functions: Functions::builtin(),
                    diags: Diagnostics::new(),
                };
                let mut apply_diags = applied.diags;
                let failed_in_apply = expected.failed(&applied.checks);
                expected.remove_failures(&failed_in_apply, &mut apply_diags);
                diags.extend(checks_as_errors(&prepared.tree, apply_diags));
                diags.extend(expected.missing(&failed_in_apply));
                if applied.state_failed {
                    diags.push(Diagnostic::error("Failed to write the test state").with_detail(format!(
                        "The state of this run could not be written under {}.",
                        state.dir.display()
                    )));
                }
                if diags.has_errors() {
                    return (Status::Error, diags, None);
                }
                if self.verbose {
                    verbose = Some(Shown::State { path: state.dir.join("terraform.tfstate") });
                }
                Walked { module, result: applied.result, settings: prepared.settings.clone() }
            }
        };
        let run_outputs: Fields = walked.result.outputs.iter().map(|(k, o)| (k.clone(), output_value(o))).collect();
        let status = assert_all(run, &walked, (outputs, &test_vars), &prepared.functions, &mut diags);
        outputs.insert(run.name.clone(), Value::object(run_outputs));
        (status, diags, verbose)
    }

    /// The run's variables: the configuration's sources (tfvars, `-var`,
    /// `-var-file`, environment), then the file's `variables`, then the
    /// run's, each overriding the one before, as Terraform orders them.
    fn variables(
        &self,
        test: &TestFile,
        run: &Run,
        module: &Module,
        is_config: bool,
        outputs: &RunOutputs,
    ) -> Result<RunVariables, Diagnostics> {
        let declared = |name: &str| module.variable(name).is_some();
        // The command line's values of variables the module under test
        // declares (the others are only test-file globals).
        let var_args: Vec<VarArg> = self
            .var_args
            .iter()
            .filter(|a| match a {
                VarArg::Var(text) => declared(text.split('=').next().unwrap_or("").trim()),
                VarArg::File(_) => true,
            })
            .cloned()
            .collect();
        let (mut raw, diags) =
            collect_root_variables(module, &self.workdir.dir, &var_args, &WorkDir::environment(), None);
        // Values the module does not declare are globals here, not mistakes.
        let undeclared = |d: &Diagnostic| {
            d.summary.starts_with("Value for undeclared variable") || d.summary == "Values for undeclared variables"
        };
        let diags = diagnostics(
            diags.into_vec().into_iter().filter(|d| !undeclared(d) && (is_config || d.severity == Severity::Error)),
        );
        if diags.has_errors() {
            return Err(diags);
        }
        // The test directory's terraform.tfvars and *.auto.tfvars win over
        // the command line (as in Terraform).
        let test_dir = self.workdir.dir.join(self.test_directory);
        let files: Vec<VarArg> = globals::tfvars_files(&test_dir).into_iter().map(VarArg::File).collect();
        if !files.is_empty() {
            let (from_files, diags) = collect_root_variables(module, &self.workdir.dir, &files, &BTreeMap::new(), None);
            if diags.has_errors() {
                return Err(diags);
            }
            let test_dir_shown = format!("{}/", self.test_directory.trim_end_matches('/'));
            for (name, v) in from_files {
                if v.source.span().is_some_and(|s| s.file.name.starts_with(&test_dir_shown)) {
                    raw.insert(name, v);
                }
            }
        }
        // A module other than the configuration gets the globals it declares.
        for (name, value) in &self.globals {
            if declared(name) && !raw.contains_key(name) && !is_config {
                let source = ValueSource::CommandLine(format!("{name}=..."));
                raw.insert(name.clone(), RawVariable { value: value.clone(), source });
            }
        }
        let mut diags = Diagnostics::new();
        // `var.NAME` in a test file: the file's variables, else the command line's.
        let mut globals = self.globals.clone();
        globals.extend(raw.iter().map(|(k, v)| (k.clone(), v.value.clone())));
        let functions = Functions::builtin();
        let ctx = CallContext { base_dir: self.workdir.dir.clone(), plan_timestamp: None };
        let eval = |expr: &Expr, globals: &BTreeMap<String, Value>| -> Result<Value, Diagnostic> {
            let scope = TestScope { vars: globals, runs: outputs };
            let v = Evaluator::new(&scope, &functions, &ctx, &expr.file).eval(&expr.expr)?;
            if v.is_wholly_known() {
                return Ok(v);
            }
            // A value a plan run only knows after apply.
            let unknown = strata_lang::refs::references(&expr.expr, &expr.file, &[]).into_iter().find(|r| {
                r.root == "run"
                    && r.attrs.len() >= 2
                    && outputs
                        .get(&r.attrs[0])
                        .and_then(|o| o.as_entries()?.get(&r.attrs[1]).cloned())
                        .is_some_and(|v| !v.is_wholly_known())
            });
            Err(match unknown {
                Some(r) => Diagnostic::error("Reference to unknown value")
                    .with_detail(format!(
                        "The value for run.{}.{} is unknown. Run block {:?} is executing a \"plan\" operation, and the specified output value is only known after apply.",
                        r.attrs[0], r.attrs[1], r.attrs[0]
                    ))
                    .with_span(r.span),
                None => Diagnostic::error("Reference to unknown value")
                    .with_detail("The value of this variable is not known until after apply.")
                    .with_span(expr.span()),
            })
        };
        let mut file_values = BTreeMap::new();
        for (name, expr) in &test.variables {
            match eval(expr, &globals) {
                Ok(v) => {
                    file_values.insert(name.clone(), (v, expr.span()));
                }
                Err(d) => diags.push(d),
            }
        }
        for (name, (v, _)) in &file_values {
            globals.insert(name.clone(), v.clone());
        }
        let mut run_values = BTreeMap::new();
        for (name, expr) in &run.variables {
            match eval(expr, &globals) {
                Ok(v) => {
                    run_values.insert(name.clone(), (v, expr.span()));
                }
                Err(d) => diags.push(d),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        // (A value the run's assertions use is not a mistake.)
        let asserted: BTreeSet<String> = run
            .asserts
            .iter()
            .flat_map(|a| [&a.condition, &a.error_message])
            .flat_map(|e| strata_lang::refs::references(&e.expr, &e.file, &[]))
            .filter(|r| r.root == "var")
            .filter_map(|r| r.attrs.first().cloned())
            .collect();
        for (name, expr) in &run.variables {
            if !declared(name) && !asserted.contains(name) {
                diags.push(
                    Diagnostic::warning("Value for undeclared variable")
                        .with_detail(format!(
                            "The module under test does not declare a variable named {name:?}, but it is declared in run block {:?}.",
                            run.name
                        ))
                        .with_span(expr.span()),
                );
            }
        }
        // What `var.NAME` is in the run's assertions, declared or not.
        let mut test_vars = globals;
        test_vars.extend(run_values.iter().map(|(k, (v, _))| (k.clone(), v.clone())));
        for (name, (value, span)) in file_values.into_iter().chain(run_values) {
            if declared(&name) {
                raw.insert(name, RawVariable { value, source: ValueSource::File(span) });
            }
        }
        Ok(RunVariables { raw, warnings: diags, test_vars })
    }

    /// A new, empty state of file `file_index`, locked for the file's runs.
    fn new_state(&self, file_index: usize, n: usize) -> Result<(PathBuf, LocalState, StateLock), Diagnostic> {
        let dir = self.temp.path.join(format!("file{file_index}-state{n}"));
        std::fs::create_dir_all(&dir).map_err(|e| {
            Diagnostic::error("Failed to create a test state").with_detail(format!("{}: {e}.", dir.display()))
        })?;
        let store = LocalState::new(dir.join("terraform.tfstate"));
        let lock = store
            .lock("OperationTypeApply", std::time::Duration::ZERO, TERRAFORM_COMPAT_VERSION)
            .map_err(|e| e.to_diagnostic())?;
        Ok((dir, store, lock))
    }

    /// Destroys what the file's runs created in one state.
    /// Destroys what the file's runs created in one state; prints, as
    /// Terraform does, what could not be destroyed. True when all went.
    fn teardown(&self, test: &TestFile, state: &TestState, registry: &Registry) -> bool {
        let ui = self.report.ui;
        let stored = match state.store.read() {
            Ok(Some(s)) => s,
            Ok(None) => return true,
            Err(e) => {
                ui.print_diagnostics(&e.to_diagnostic().into());
                return false;
            }
        };
        if stored.resources.iter().all(|r| r.instances.is_empty()) {
            return true;
        }
        if let Some(run) = test.runs.get(state.last_run) {
            self.report.run_tearing_down(&test.name, &run.name);
        }
        // Whatever a run overrode is destroyed through its override.
        let every = test.overrides.iter().chain(test.runs.iter().flat_map(|r| &r.overrides));
        let providers = match overrides_for(&state.prepared.tree, registry, every) {
            Ok((p, _)) => p,
            Err(d) => {
                ui.print_diagnostics(&d);
                return false;
            }
        };
        let lock_args = LockArgs::default();
        let req = PlanRequest {
            destroy: true,
            lock: &lock_args,
            generate_config: false,
            validated: Diagnostics::new(),
            quiet: true,
            providers: Some(&providers),
        };
        let diags = match plan_walk(self.workdir, &state.prepared, Some(stored), &req, ui) {
            Err(d) => d,
            Ok(planned) if planned.diags.has_errors() => planned.diags,
            Ok(planned) => {
                let mut diags = planned.diags;
                diags.extend(
                    execute_plan(&state.prepared, &planned.plan, &state.store, &state.lock, 10, Some(&providers), ui)
                        .diags,
                );
                diags
            }
        };
        let left: Vec<(String, Option<String>)> = match state.store.read() {
            Ok(Some(s)) => s
                .resources
                .iter()
                .filter(|r| r.mode == "managed")
                .filter_map(|r| Some((strata_state::ops::resource_addr(r)?, r)))
                .flat_map(|(addr, r)| {
                    r.instances.iter().map(move |i| {
                        (addr.instance(strata_state::ops::instance_key(i)).to_string(), i.deposed.clone())
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        let run = test.runs.get(state.last_run).map_or("", |r| r.name.as_str());
        if diags.has_errors() || !left.is_empty() {
            let kept = state.dir.join("terraform.tfstate").display().to_string();
            self.report.cleanup_failed(&test.name, run, &diags, &left, &kept);
            self.temp.keep();
        } else {
            self.report.diagnostics(&test.name, Some(run).filter(|r| !r.is_empty()), &diags);
        }
        !diags.has_errors() && left.is_empty()
    }
}

/// The linked providers, with the file's `mock_provider` blocks in place
/// of the providers they name.
fn registry_for(tree: &ModuleTree, test: &TestFile) -> Result<Registry, Diagnostics> {
    let mut registry = crate::providers::registry();
    let mut diags = Diagnostics::new();
    for m in &test.mocks {
        let source = tree
            .module
            .terraform
            .iter()
            .find_map(|t| t.required_providers.get(&m.name).map(|p| p.source.clone()))
            .unwrap_or_else(|| {
                if m.name == "terraform" {
                    "terraform.io/builtin/terraform".to_string()
                } else {
                    format!("hashicorp/{}", m.name)
                }
            });
        let Some(real) = registry.get(&source).cloned() else {
            diags.push(
                Diagnostic::error("Unknown provider")
                    .with_detail(format!("Strata has no provider {source} to mock."))
                    .with_span(m.span.clone()),
            );
            continue;
        };
        let mut defaults = mock::MockDefaults::default();
        for (kinds, out) in [(&m.resources, &mut defaults.resources), (&m.data, &mut defaults.data)] {
            for (type_name, expr) in kinds {
                let values = match expr {
                    None => BTreeMap::new(),
                    Some(e) => match constant_object(e) {
                        Ok(v) => v,
                        Err(d) => {
                            diags.push(d);
                            continue;
                        }
                    },
                };
                out.insert(type_name.clone(), values);
            }
        }
        registry.add(std::sync::Arc::new(mock::MockFactory { real, defaults: std::sync::Arc::new(defaults) }));
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(registry)
    }
}

/// The file's providers, with the resources `overrides` name served by
/// mocks holding their values (later overrides win).
fn overrides_for<'o>(
    tree: &ModuleTree,
    registry: &Registry,
    overrides: impl Iterator<Item = &'o file::Override>,
) -> Result<(ProviderSet, Diagnostics), Diagnostics> {
    let mut set = ProviderSet { registry: registry.clone(), overrides: Default::default() };
    let mut diags = Diagnostics::new();
    for o in overrides {
        let steps: Vec<&str> = o.target.split('.').collect();
        let (mut module, mut at) = (tree, 0);
        while steps.get(at) == Some(&"module") && at + 2 < steps.len() {
            match module.children.get(steps[at + 1]) {
                Some(child) => module = child,
                None => {
                    module = tree;
                    at = steps.len();
                    break;
                }
            }
            at += 2;
        }
        let (type_name, name) = match &steps[at.min(steps.len())..] {
            ["data", t, n] | [t, n] => (*t, *n),
            _ => ("", ""),
        };
        let mode = if o.data { strata_config::ResourceMode::Data } else { strata_config::ResourceMode::Managed };
        let Some(r) =
            module.module.resources.iter().find(|r| r.mode == mode && r.type_name == type_name && r.name == name)
        else {
            diags.push(
                Diagnostic::warning("Invalid override target")
                    .with_detail(format!("The override target {} does not exist within the configuration under test. This could indicate a typo in the target address or an unnecessary override.", o.target))
                    .with_span(o.span.clone()),
            );
            continue;
        };
        // Its provider's source, as the engine finds it (local name: the
        // `provider` argument or the type's prefix).
        let local = match &r.provider {
            Some(e) => e.span().text().trim().split('.').next().unwrap_or_default().to_string(),
            None => type_name.split('_').next().unwrap_or(type_name).to_string(),
        };
        let required =
            |m: &Module| m.terraform.iter().find_map(|t| t.required_providers.get(&local).map(|p| p.source.clone()));
        let source = if local == "terraform" {
            "terraform.io/builtin/terraform".to_string()
        } else {
            required(&module.module).or_else(|| required(&tree.module)).unwrap_or_else(|| format!("hashicorp/{local}"))
        };
        let Some(real) = registry.get(&source).cloned() else { continue };
        let values = match &o.values {
            None => BTreeMap::new(),
            Some(e) => match constant_object(e) {
                Ok(v) => v,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            },
        };
        let mut defaults = mock::MockDefaults::default();
        if o.data {
            defaults.data.insert(type_name.to_string(), values);
        } else {
            defaults.resources.insert(type_name.to_string(), values);
        }
        let factory = mock::MockFactory { real, defaults: std::sync::Arc::new(defaults) };
        set.overrides.insert(o.target.clone(), strata_provider::ProviderFactory::new_instance(&factory));
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok((set, diags))
    }
}

/// A `defaults` object, which may refer to nothing.
fn constant_object(e: &Expr) -> Result<BTreeMap<String, Value>, Diagnostic> {
    let ctx = CallContext { base_dir: PathBuf::from("."), plan_timestamp: None };
    let v = Evaluator::new(&strata_lang::EmptyScope, &Functions::builtin(), &ctx, &e.file).eval(&e.expr)?;
    match v.as_entries() {
        Some(m) if !v.is_null() => Ok(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        _ => Err(Diagnostic::error("Invalid defaults")
            .with_detail("The defaults of a mock_resource or mock_data block, and the values of an override, must be an object of attribute values.")
            .with_span(e.span())),
    }
}

fn diagnostics(items: impl IntoIterator<Item = Diagnostic>) -> Diagnostics {
    let mut out = Diagnostics::new();
    out.extend(items);
    out
}

fn output_value(o: &strata_core::OutputValue) -> Value {
    if o.sensitive {
        o.value.clone().mark_sensitive()
    } else {
        o.value.clone()
    }
}

/// Terraform's wording for a required variable a run leaves unset.
fn rewrite_required_variables(diags: Diagnostics, run: &Run) -> Diagnostics {
    diagnostics(diags
        .into_vec()
        .into_iter()
        .map(|mut d| {
            if d.summary == "No value for required variable" {
                let name = d.detail.split('"').nth(1).unwrap_or_default().to_string();
                d.detail = format!(
                    "The module under test for run block {:?} has a required variable {name:?} with no set value. Use a -var or -var-file command line argument or add this variable into a \"variables\" block within the test file or run block.",
                    run.name
                );
            }
            d
        }))
}

/// Resolves `var` and `run` in a test file's variable values.
struct TestScope<'a> {
    vars: &'a BTreeMap<String, Value>,
    runs: &'a RunOutputs,
}

impl Scope for TestScope<'_> {
    fn resolve(&self, root: &str, attrs: &[&str], span: &Span) -> Result<(Value, usize), Diagnostic> {
        let name = attrs.first().copied();
        match (root, name) {
            ("var", Some(n)) => match self.vars.get(n) {
                Some(v) => Ok((v.clone(), 1)),
                None => Err(Diagnostic::error("Reference to unavailable variable")
                    .with_detail(format!("The input variable {n:?} does not exist within this test file."))
                    .with_span(span.clone())),
            },
            ("run", Some(n)) => match self.runs.get(n) {
                Some(v) => Ok((v.clone(), 1)),
                None => Err(Diagnostic::error("Reference to unavailable run block")
                    .with_detail(format!(
                        "The run block {n:?} does not exist within this test file, or has not run yet."
                    ))
                    .with_span(span.clone())),
            },
            ("var" | "run", None) => Err(Diagnostic::error("Invalid reference")
                .with_detail(format!(
                    "The {root:?} object cannot be accessed directly. Instead, access one of its attributes."
                ))
                .with_span(span.clone())),
            _ => Err(Diagnostic::error("Invalid reference")
                .with_detail(format!("Test file variables may refer only to var and run values, not to {root:?}."))
                .with_span(span.clone())),
        }
    }
}

/// The directory that holds a test run's states, removed at the end
/// unless something could not be destroyed.
struct TempDir {
    path: PathBuf,
    keep: std::sync::atomic::AtomicBool,
}

impl TempDir {
    fn new() -> Result<TempDir, String> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!("strata-test-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}.", path.display()))?;
        Ok(TempDir { path, keep: std::sync::atomic::AtomicBool::new(false) })
    }

    fn keep(&self) {
        self.keep.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep.load(std::sync::atomic::Ordering::SeqCst) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
