//! `strata apply` and `strata destroy`: a plan (shown, and confirmed), or
//! a saved one, executed. Apply starts from the plan — its refreshed prior
//! state, the data sources it read — and nothing is refreshed or planned
//! anew: each change's final plan must keep what was planned. Every
//! completed operation is journalled before anything depending on it starts.

use super::plan::{make_plan, PlanRequest};
use super::{prepare, Prepared};
use crate::args::{LockArgs, VarArgs};
use crate::output::Ui;
use crate::plan_view;
use crate::progress_view::ProgressView;
use crate::workdir::WorkDir;
use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use strata_config::TERRAFORM_COMPAT_VERSION;
use strata_core::plan::output_state;
use strata_core::plan_file::{SavedPlan, PLAN_MIN_APPLY_VERSION};
use strata_core::{
    evaluate_root_with, ApplySink, EvalMode, ModuleResult, Operation, Plan, Progress, ResourceEngine, VarArg,
};
use strata_diag::{Diagnostic, Diagnostics};
use strata_lang::render::console;
use strata_state::{Journal, JournalEntry, LocalState, OutputState, StateBuilder, StateFile, StateLock};

pub enum Mode {
    Plan {
        detailed_exitcode: bool,
        destroy: bool,
        out: Option<PathBuf>,
        generate_config_out: Option<PathBuf>,
    },
    Apply {
        auto_approve: bool,
        destroy: bool,
    },
    /// `apply PLANFILE`: exactly that plan, without asking.
    ApplySaved {
        plan: Box<SavedPlan>,
    },
}

pub fn run(
    workdir: &WorkDir,
    mode: Mode,
    vars: &VarArgs,
    var_args: &[VarArg],
    lock: &LockArgs,
    state: Option<&Path>,
    ui: Ui,
) -> u8 {
    let saved = match &mode {
        Mode::ApplySaved { plan } => match saved_plan(plan, ui) {
            Some(p) => Some(p),
            None => return 1,
        },
        _ => None,
    };
    let prepared = match &saved {
        Some(plan) => prepare_saved(workdir, plan, ui),
        None => prepare(workdir, EvalMode::Apply, vars, var_args, true, ui),
    };
    let Some(prepared) = prepared else { return 1 };
    let store = match workdir.state_store(state) {
        Ok(s) => s,
        Err(d) => {
            ui.print_diagnostics(&d.into());
            return 1;
        }
    };
    let Some(timeout) = super::lock_timeout(lock.lock_timeout.as_deref(), ui) else { return 1 };
    let operation = if matches!(mode, Mode::Plan { .. }) { "OperationTypePlan" } else { "OperationTypeApply" };
    // Writing commands always lock; -lock=false only skips it for plan.
    let must_lock = lock.lock.unwrap_or(true) || !matches!(mode, Mode::Plan { .. });
    let held = if must_lock {
        match lock_and_resolve(&prepared, &store, operation, timeout, ui) {
            Ok(held) => Some(held),
            Err(code) => return code,
        }
    } else {
        None
    };
    // Planning starts with the validate walk, which needs no state: it runs
    // while the state is read (a large state takes as long to parse).
    let (stored, validated) = std::thread::scope(|s| {
        // (On a stack as deep as the main work's: the walk recurses.)
        let validating = saved.is_none().then(|| {
            std::thread::Builder::new()
                .stack_size(crate::STACK_SIZE)
                .spawn_scoped(s, || super::validate::validate_tree(workdir, &prepared.tree))
                .expect("a thread starts")
        });
        let stored = store.read();
        (stored, validating.map(|v| v.join().expect("the validate walk does not panic")))
    });
    let stored = match stored {
        Ok(s) => s,
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    let plan = match saved {
        Some(plan) => {
            if let Err(d) = check_not_stale(&plan, stored.as_ref()) {
                ui.print_diagnostics(&d.into());
                return 1;
            }
            drop(stored);
            plan
        }
        None => {
            let (destroy, generate_out) = match &mode {
                Mode::Plan { destroy, generate_config_out, .. } => (*destroy, generate_config_out.as_ref()),
                Mode::Apply { destroy, .. } => (*destroy, None),
                Mode::ApplySaved { .. } => unreachable!("saved plans are not made here"),
            };
            let generate = match super::plan::generated_path(workdir, generate_out, ui) {
                Ok(g) => g,
                Err(code) => return code,
            };
            let validated = validated.unwrap_or_default();
            let req = PlanRequest {
                destroy,
                lock,
                generate_config: generate.is_some(),
                validated,
                quiet: false,
                providers: None,
            };
            let planned = match make_plan(workdir, &prepared, stored, &req, ui) {
                Ok(p) => p,
                Err(code) => return code,
            };
            if let (Some(path), false, false) = (&generate, planned.diags.has_errors(), planned.generated.is_empty()) {
                if let Err(code) = super::plan::write_generated(path, &planned.generated, ui) {
                    return code;
                }
                // Plan again with the new file part of the configuration.
                drop(held);
                let Mode::Plan { detailed_exitcode, destroy, out, .. } = mode else {
                    unreachable!("only plan generates")
                };
                let code = run(
                    workdir,
                    Mode::Plan { detailed_exitcode, destroy, out, generate_config_out: None },
                    vars,
                    var_args,
                    lock,
                    state,
                    ui,
                );
                println!("\nStrata has generated configuration and written it to {}. Please review the\nconfiguration and edit it as necessary before adding it to version control.", path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().to_string()));
                return code;
            }
            let mut diags = planned.diags;
            let plan = planned.plan;
            // Planning failed part-way: Terraform still shows what it did
            // plan (apply only when there is any), then the errors.
            let show_plan = !plan.errored
                || matches!(mode, Mode::Plan { .. })
                || !plan.changes.is_empty()
                || !plan.outputs.is_empty();
            if show_plan {
                super::plan::render(&plan, lock.refresh_only, ui);
            }
            // Warnings follow the plan, as Terraform prints them. Check
            // block assertions are evaluated again when applying: without
            // a prompt, only those results are shown.
            let asks = matches!(mode, Mode::Plan { .. } | Mode::Apply { auto_approve: false, .. });
            if !asks {
                let all = std::mem::take(&mut diags).into_vec();
                diags.extend(
                    all.into_iter().filter(|d| !strata_core::checks::is_check_block_diagnostic(&prepared.tree, d)),
                );
            }
            ui.print_diagnostics(&diags);
            match &mode {
                Mode::Plan { detailed_exitcode, out, .. } => {
                    // A failed plan still goes to `-out` (marked errored, so
                    // that `apply` refuses it), for review, as Terraform saves it.
                    if let Some(path) = out {
                        if let Err(code) = super::plan::save(path, &plan, ui) {
                            return code;
                        }
                        if !plan.errored && !ui.json {
                            println!("\nSaved the plan to: {}\n\nTo perform exactly these actions, run the following command to apply:\n    strata apply {:?}", path.display(), path.display().to_string());
                        }
                    }
                    let code = if plan.errored {
                        1
                    } else if *detailed_exitcode && plan.has_changes() {
                        2
                    } else {
                        0
                    };
                    // The process ends here: freeing a large plan object by
                    // object would only cost time.
                    std::mem::forget(plan);
                    return code;
                }
                Mode::Apply { auto_approve, destroy } => {
                    if plan.errored {
                        return 1;
                    }
                    if plan.has_changes() && !auto_approve && !confirm(vars, *destroy, ui) {
                        return 1;
                    }
                }
                Mode::ApplySaved { .. } => {}
            }
            plan
        }
    };
    let lock_guard = held.expect("apply always locks");
    let code = apply_plan(&prepared, &plan, &store, &lock_guard, lock, ui);
    // (As after a plan: the process ends.)
    std::mem::forget(plan);
    code
}

/// Executes `plan`: its prior state is what the apply starts from (stored
/// first when `moved` blocks renamed objects, so that the journal builds
/// on the new addresses whatever becomes of this run).
fn apply_plan(
    prepared: &Prepared,
    plan: &Plan,
    store: &LocalState,
    lock_guard: &StateLock,
    lock: &LockArgs,
    ui: Ui,
) -> u8 {
    let destroy = plan.options.destroy;
    let applied = execute_plan(prepared, plan, store, lock_guard, lock.parallelism.unwrap_or(10), None, ui);
    ui.print_diagnostics(&applied.diags);
    if applied.diags.has_errors() || applied.state_failed {
        return 1;
    }
    let n = plan_view::counts(&plan.changes);
    let verb = if destroy { "Destroy" } else { "Apply" };
    if destroy {
        println!("\n{}\n", ui.green(&ui.bold(&format!("{verb} complete! Resources: {} destroyed.", n.destroy))));
    } else {
        println!(
            "\n{}\n",
            ui.green(&ui.bold(&format!(
                "{verb} complete! Resources: {}{} added, {} changed, {} destroyed.",
                if n.import > 0 { format!("{} imported, ", n.import) } else { String::new() },
                n.add,
                n.change,
                n.destroy
            )))
        );
        print_outputs(&applied.result.outputs, ui);
    }
    0
}

/// What executing a plan left.
pub(super) struct Applied {
    pub result: ModuleResult,
    /// The walk's diagnostics (not printed).
    pub diags: Diagnostics,
    /// The state could not be written (that was printed, with how to recover).
    pub state_failed: bool,
    /// The apply walk's condition results (the state's `check_results`).
    pub checks: serde_json::Value,
}

/// Executes `plan` and folds the result into the state. With
/// `test_providers` (`strata test`'s mocks and overrides): those instead of
/// the linked providers, and no live progress.
pub(super) fn execute_plan(
    prepared: &Prepared,
    plan: &Plan,
    store: &LocalState,
    lock_guard: &StateLock,
    parallelism: usize,
    test_providers: Option<&super::plan::ProviderSet>,
    ui: Ui,
) -> Applied {
    let linked;
    let (quiet, registry, overrides) = match test_providers {
        Some(p) => (true, &p.registry, p.overrides.clone()),
        None => {
            linked = crate::providers::registry();
            (false, &linked, Default::default())
        }
    };
    let destroy = plan.options.destroy;
    let mut base = plan.prior_state.clone().unwrap_or_else(|| StateFile::new(TERRAFORM_COMPAT_VERSION));
    let failed = |e: strata_state::StateError| Applied {
        result: ModuleResult::default(),
        diags: e.to_diagnostic().into(),
        state_failed: false,
        checks: serde_json::Value::Null,
    };
    if plan.moved {
        match store.write(lock_guard, base) {
            Ok(written) => base = written,
            Err(e) => return failed(e),
        }
    }
    let journal = match store.journal(lock_guard, &base) {
        Ok(j) => j,
        Err(e) => return failed(e),
    };
    let shared = Arc::new(Mutex::new((journal, StateBuilder::new(base))));
    let view = ProgressView::new(ui);
    let progress = |p: Progress| {
        if !quiet {
            view.print(&p);
        }
    };
    let apply_op = if destroy { Operation::Destroy { apply: true } } else { Operation::Apply };
    let stop = install_interrupt_handler(ui);
    let needed = super::plan::target_closure(&prepared.tree, &plan.options.targets);
    let engine = ResourceEngine::new(apply_op, registry, &prepared.tree.module, plan.prior_state.as_ref())
        .with_plan(plan)
        .with_targets(plan.options.targets.clone(), needed)
        .with_refresh_only(plan.options.refresh_only)
        .with_parallelism(parallelism)
        .with_stop(stop)
        .with_provider_overrides(overrides)
        .with_sink(Box::new(JournalSink(shared.clone())), &progress);
    let (result, diags) = std::thread::scope(|s| {
        let (done, ticks) = std::sync::mpsc::channel();
        let view = &view;
        if !quiet {
            s.spawn(move || view.tick_until(&ticks));
        }
        let outcome = walk(prepared, &engine);
        let _ = done.send(());
        outcome
    });
    let check_results = engine.check_results_json();
    drop(engine);
    let (journal, built) =
        Arc::try_unwrap(shared).ok().expect("the engine is gone").into_inner().expect("no poisoned locks");
    let mut next = built.finish();
    next.terraform_version = TERRAFORM_COMPAT_VERSION.to_string();
    // Every apply replaces the results of the last one.
    next.check_results = check_results.clone();
    if !diags.has_errors() {
        next.outputs = stored_outputs(plan, &result);
    }
    let status = finish_state(store, lock_guard, journal, next, ui);
    Applied { result, diags, state_failed: status != 0, checks: check_results }
}

/// A saved plan as a plan, if this Strata can apply it.
fn saved_plan(saved: &SavedPlan, ui: Ui) -> Option<Plan> {
    if saved.errored {
        ui.print_diagnostics(
            &Diagnostic::error("Cannot apply incomplete plan")
                .with_detail("Strata encountered an error when generating this plan, so it cannot be applied.")
                .into(),
        );
        return None;
    }
    if saved.version < PLAN_MIN_APPLY_VERSION {
        ui.print_diagnostics(&Diagnostic::error("Saved plan is too old to apply").with_detail(format!("This plan was saved by Strata {} in plan format version {}, which does not carry its configuration. Run plan again.", saved.strata_version, saved.version)).into());
        return None;
    }
    super::plan_of(saved, ui)
}

/// A saved plan applies only to the state it was made against.
fn check_not_stale(plan: &Plan, stored: Option<&StateFile>) -> Result<(), Diagnostic> {
    let now = stored.map(|s| (s.lineage.as_str(), s.serial));
    let then = plan.base.as_ref().map(|b| (b.lineage.as_str(), b.serial));
    if let (Some(then), Some(now)) = (then, now) {
        if then.0 != now.0 {
            return Err(Diagnostic::error("Saved plan does not match the given state").with_detail(
                "The given plan file can not be applied because it was created from a different state lineage.",
            ));
        }
    }
    if then.map(|t| t.1) != now.map(|n| n.1) {
        return Err(Diagnostic::error("Saved plan is stale").with_detail("The given plan file can no longer be applied because the state was changed by another operation after the plan was created."));
    }
    Ok(())
}

/// The configuration and variables of a saved plan: its own snapshot of
/// the files, whatever is on disk now.
fn prepare_saved(workdir: &WorkDir, plan: &Plan, ui: Ui) -> Option<Prepared> {
    let (tree, diags) = plan.config.load(&workdir.dir);
    let Some(tree) = tree.filter(|_| !diags.has_errors()) else {
        ui.print_diagnostics(&diags);
        return None;
    };
    let raw_vars = plan
        .variables
        .iter()
        .map(|(k, value)| {
            let source = strata_core::ValueSource::CommandLine("the saved plan".into());
            (k.clone(), strata_core::RawVariable { value: value.clone(), source })
        })
        .collect();
    let settings = strata_core::EvalSettings {
        mode: EvalMode::Apply,
        workspace: plan.options.workspace.clone(),
        cwd: workdir.dir.clone(),
        plan_timestamp: Some(plan.options.timestamp.clone()),
    };
    Some(Prepared { tree, raw_vars, settings, functions: strata_lang::Functions::builtin(), diags })
}

/// Takes the state lock and folds in the journal of an interrupted run.
/// Creates it left unresolved stay in the journal for the next plan or
/// apply, which asks their providers; this command only says so.
pub(super) fn lock_and_recover(
    store: &LocalState,
    operation: &str,
    timeout: std::time::Duration,
    ui: Ui,
) -> Option<StateLock> {
    let (lock, pending) = lock_and_recover_with_pending(store, operation, timeout, ui)?;
    if !pending.is_empty() {
        ui.print_diagnostics(
            &Diagnostic::warning("Interrupted creates not resolved yet")
                .with_detail(format!(
                    "A previous run stopped while creating {} object(s); the next `strata plan`, `apply` or `import` asks their providers whether they exist and adopts those that do.",
                    pending.len()
                ))
                .into(),
        );
    }
    Some(lock)
}

/// Takes the state lock, folds in the journal of an interrupted run, and
/// resolves the creates it left unresolved through their providers (the
/// commands that have a configuration: plan, apply, destroy, import).
pub(super) fn lock_and_resolve(
    prepared: &Prepared,
    store: &LocalState,
    operation: &str,
    timeout: std::time::Duration,
    ui: Ui,
) -> Result<StateLock, u8> {
    let (held, pending) = lock_and_recover_with_pending(store, operation, timeout, ui).ok_or(1u8)?;
    if !pending.is_empty() {
        recover_creates(prepared, store, &held, pending, ui)?;
    }
    Ok(held)
}

/// [`lock_and_recover`], returning the unresolved creates.
fn lock_and_recover_with_pending(
    store: &LocalState,
    operation: &str,
    timeout: std::time::Duration,
    ui: Ui,
) -> Option<(StateLock, Vec<JournalEntry>)> {
    let lock = match store.lock(operation, timeout, TERRAFORM_COMPAT_VERSION) {
        Ok(l) => l,
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return None;
        }
    };
    match store.recover(&lock, TERRAFORM_COMPAT_VERSION) {
        Ok(r) => {
            if r.operations > 0 {
                ui.print_diagnostics(
                    &Diagnostic::warning("Recovered an interrupted apply")
                        .with_detail(format!(
                            "A previous run stopped before it finished. The {} operation(s) it completed were recorded in {} and are now in the state.",
                            r.operations,
                            store.journal_describe()
                        ))
                        .into(),
                );
            }
            Some((lock, r.pending))
        }
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            None
        }
    }
}

/// The creates an interrupted run left unresolved: each provider is asked
/// whether the object exists, found ones are adopted into state. `Err`
/// (printed) when any stays unresolved: planning now could create an
/// object a second time.
fn recover_creates(
    prepared: &Prepared,
    store: &LocalState,
    lock_guard: &StateLock,
    pending: Vec<JournalEntry>,
    ui: Ui,
) -> Result<(), u8> {
    let fail = |e: strata_state::StateError| {
        ui.print_diagnostics(&e.to_diagnostic().into());
        1
    };
    let stored = store.read().map_err(fail)?;
    let base = stored.clone().unwrap_or_else(|| StateFile::new(TERRAFORM_COMPAT_VERSION));
    let journal = store.journal_carrying(lock_guard, &base, &pending).map_err(fail)?;
    let shared = Arc::new(Mutex::new((journal, StateBuilder::new(base))));
    let registry = crate::providers::registry();
    let quiet = |_: Progress| {};
    let engine = ResourceEngine::new(Operation::Apply, &registry, &prepared.tree.module, stored.as_ref())
        .with_recovery(pending)
        .with_sink(Box::new(JournalSink(shared.clone())), &quiet);
    let (_, walk_diags) =
        evaluate_root_with(&prepared.tree, &prepared.raw_vars, &prepared.settings, &prepared.functions, Some(&engine));
    let mut diags = Diagnostics::new();
    engine.finish(&mut diags);
    drop(engine);
    let (mut journal, _) =
        Arc::try_unwrap(shared).ok().expect("the engine is gone").into_inner().expect("no poisoned locks");
    journal.sync().map_err(fail)?;
    drop(journal);
    // Folds what was found in; what was not stays in the journal.
    store.recover(lock_guard, TERRAFORM_COMPAT_VERSION).map_err(fail)?;
    if diags.has_errors() {
        let mut all = walk_diags;
        all.extend(diags);
        ui.print_diagnostics(&all);
        return Err(1);
    }
    ui.print_diagnostics(&diags);
    Ok(())
}

pub(super) fn walk(p: &Prepared, engine: &ResourceEngine) -> (ModuleResult, Diagnostics) {
    let (result, mut diags) = evaluate_root_with(&p.tree, &p.raw_vars, &p.settings, &p.functions, Some(engine));
    engine.finish(&mut diags);
    (result, diags)
}

/// Journals each operation and keeps the state being built.
pub(super) struct JournalSink(pub(super) Arc<Mutex<(Journal, StateBuilder)>>);

impl ApplySink for JournalSink {
    fn record(&mut self, entry: JournalEntry) -> Result<(), Diagnostic> {
        let mut guard = self.0.lock().expect("no poisoned locks");
        let (journal, state) = &mut *guard;
        // The state being built gets it even if the journal cannot be
        // written (backend gone): errored.tfstate still holds the object.
        let recorded = journal.record(&entry);
        state.apply(entry);
        recorded.map_err(|e| e.to_diagnostic())
    }

    fn sync(&mut self) -> Result<(), Diagnostic> {
        self.0.lock().expect("no poisoned locks").0.sync().map_err(|e| e.to_diagnostic())
    }
}

/// Folds the apply into the state file; on failure keeps the journal and an
/// `errored.tfstate`, and says how to recover.
pub(super) fn finish_state(store: &LocalState, lock: &StateLock, journal: Journal, mut next: StateFile, ui: Ui) -> u8 {
    match store.write_in_place(lock, &mut next) {
        Ok(_) => {
            if let Err(e) = journal.finish() {
                ui.print_diagnostics(&e.to_diagnostic().into());
            }
            0
        }
        Err(e) => {
            let _ = std::fs::write("errored.tfstate", next.to_json());
            ui.print_diagnostics(
                &e.to_diagnostic()
                    .with_detail(format!(
                        "{}\n\nEvery completed operation is kept in {} and in errored.tfstate; the next run recovers the journal, or push the state with `strata state push errored.tfstate`.",
                        e.to_diagnostic().detail,
                        store.journal_describe()
                    ))
                    .into(),
            );
            1
        }
    }
}

/// The root outputs the state keeps after applying `plan`: none after a
/// destroy; after a `-target` plan, the targeted ones as applied and the
/// others as they were (a targeted destroy leaves them all).
fn stored_outputs(plan: &Plan, result: &ModuleResult) -> BTreeMap<String, OutputState> {
    let targets = &plan.options.targets;
    let before = || plan.prior_state.as_ref().map(|p| p.outputs.clone()).unwrap_or_default();
    match (plan.options.destroy, targets.is_empty()) {
        (true, true) => BTreeMap::new(),
        (true, false) => before(),
        (false, true) => state_outputs(result),
        (false, false) => {
            // A targeted plan holds exactly the outputs it includes.
            let included = |name: &String| plan.outputs.contains_key(name);
            let mut outputs = before();
            outputs.retain(|name, _| !included(name));
            outputs.extend(state_outputs(result).into_iter().filter(|(name, _)| included(name)));
            outputs
        }
    }
}

fn state_outputs(result: &ModuleResult) -> BTreeMap<String, OutputState> {
    result
        .outputs
        .iter()
        .filter(|(_, o)| !o.value.is_null() && o.value.is_wholly_known())
        .map(|(k, o)| (k.clone(), output_state(&o.value, o.sensitive)))
        .collect()
}

fn print_outputs(outputs: &BTreeMap<String, strata_core::OutputValue>, ui: Ui) {
    let shown: Vec<_> = outputs.iter().filter(|(_, o)| !o.value.is_null()).collect();
    if shown.is_empty() {
        return;
    }
    println!("{}\n", ui.green(&ui.bold("Outputs:")));
    for (name, o) in shown {
        if o.sensitive {
            println!("{name} = <sensitive>");
        } else {
            println!("{name} = {}", console(&o.value));
        }
    }
}

fn confirm(vars: &VarArgs, destroy: bool, ui: Ui) -> bool {
    let interactive = vars.input.unwrap_or(true) && std::io::stdin().is_terminal();
    if !interactive {
        let d: Diagnostics = Diagnostic::error("No confirmation given")
            .with_detail("Strata asks for confirmation before applying. Run with -auto-approve to apply without asking, or run it in a terminal.")
            .into();
        ui.print_diagnostics(&d);
        return false;
    }
    let question =
        if destroy { "Do you really want to destroy all resources?" } else { "Do you want to perform these actions?" };
    let what = if destroy {
        "Strata will destroy all your managed infrastructure, as shown above.\n  There is no undo. Only 'yes' will be accepted to confirm."
    } else {
        "Strata will perform the actions described above.\n  Only 'yes' will be accepted to approve."
    };
    print!("\n{}\n  {what}\n\n  {}", ui.bold(question), ui.bold("Enter a value: "));
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    if line.trim() == "yes" {
        return true;
    }
    ui.print_diagnostics(
        &Diagnostic::error(if destroy { "Destroy cancelled" } else { "Apply cancelled" })
            .with_detail("Only 'yes' approves.")
            .into(),
    );
    false
}

static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// First Ctrl-C: start no new operation, finish running ones, save state.
/// Second: exit at once — every completed operation is already journalled,
/// and the next run folds the journal into the state.
pub(super) fn install_interrupt_handler(ui: Ui) -> &'static std::sync::atomic::AtomicBool {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let _ = ctrlc::set_handler(move || {
        if COUNT.fetch_add(1, Ordering::SeqCst) == 0 {
            STOP.store(true, Ordering::SeqCst);
            eprintln!("{}", ui.bold("\nInterrupt received. Finishing running operations and saving state; interrupt again to exit at once."));
        } else {
            eprintln!("{}", ui.bold("\nTwo interrupts received. Exiting now; completed operations are in the journal and will be recovered by the next run."));
            std::process::exit(130);
        }
    });
    &STOP
}

/// Whether the first Ctrl-C came.
pub(super) fn interrupted() -> bool {
    STOP.load(std::sync::atomic::Ordering::SeqCst)
}

/// Lets operations start again after the first Ctrl-C (`strata test`
/// destroys what it created); a second Ctrl-C still exits at once.
pub(super) fn resume_after_interrupt() {
    STOP.store(false, std::sync::atomic::Ordering::SeqCst);
}
