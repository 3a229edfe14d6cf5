//! `strata plan`, `strata apply` and `strata destroy`: a plan walk (shown,
//! and confirmed for apply), then an apply walk that journals every
//! completed operation before anything depending on it starts.

use super::{prepare, Prepared};
use crate::args::{LockArgs, VarArgs};
use crate::output::Ui;
use crate::plan_view;
use crate::workdir::WorkDir;
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use strata_config::TERRAFORM_COMPAT_VERSION;
use strata_core::plan_file::{
    action_name, encode, SavedChange, SavedOutputChange, SavedPlan, PLAN_FORMAT, PLAN_VERSION,
};
use strata_core::{
    evaluate_root_with, Action, ApplySink, EvalMode, ModuleResult, Operation, Progress, ResourceEngine, VarArg,
};
use strata_diag::{Diagnostic, Diagnostics};
use strata_lang::render::console;
use strata_lang::Value;
use strata_state::{Journal, JournalEntry, LocalState, OutputState, StateBuilder, StateFile, StateLock};

pub enum Mode {
    Plan {
        detailed_exitcode: bool,
        destroy: bool,
        out: Option<std::path::PathBuf>,
        generate_config_out: Option<std::path::PathBuf>,
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

/// A planned change to one root output.
struct OutputChange {
    name: String,
    before: Option<OutputState>,
    after: Option<(Value, bool)>,
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
    let prepared = match &mode {
        Mode::ApplySaved { plan } => prepare_saved(workdir, plan, ui),
        _ => prepare(workdir, EvalMode::Apply, vars, var_args, true, ui),
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
    let must_lock = lock.lock.unwrap_or(true) || matches!(mode, Mode::Apply { .. });
    let held = if must_lock {
        match lock_and_recover(&store, operation, timeout, ui) {
            Some(l) => Some(l),
            None => return 1,
        }
    } else {
        None
    };
    let prior = match store.read() {
        Ok(s) => s,
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    if let Mode::ApplySaved { plan } = &mode {
        let (lineage, serial) = (prior.as_ref().map(|p| p.lineage.clone()), prior.as_ref().map(|p| p.serial));
        if plan.lineage.is_some() && plan.lineage != lineage {
            ui.print_diagnostics(
                &Diagnostic::error("Saved plan does not match the given state")
                    .with_detail(
                        "The given plan file can not be applied because it was created from a different state lineage.",
                    )
                    .into(),
            );
            return 1;
        }
        if plan.serial != serial {
            ui.print_diagnostics(&Diagnostic::error("Saved plan is stale").with_detail("The given plan file can no longer be applied because the state was changed by another operation after the plan was created.").into());
            return 1;
        }
        if plan.errored {
            ui.print_diagnostics(
                &Diagnostic::error("Cannot apply incomplete plan")
                    .with_detail("Strata encountered an error when generating this plan, so it cannot be applied.")
                    .into(),
            );
            return 1;
        }
    }
    // Terraform's plan starts with a validate walk (root variables unknown,
    // bodies against provider schemas) and stops on its errors; a saved
    // plan's configuration was validated when it was made.
    if !matches!(mode, Mode::ApplySaved { .. }) {
        let checked = super::validate::validate_tree(workdir, &prepared.tree);
        if checked.has_errors() {
            let mut diags = prepared.diags.clone();
            diags.extend(checked);
            ui.print_diagnostics(&diags);
            return 1;
        }
    }
    // `moved` blocks rename objects in the prior state before planning.
    let mut move_diags = Diagnostics::new();
    // (Checked even without a state: a bad block is an error either way.)
    // (The prior state moves in and out: a copy would double a large state.)
    let had_prior = prior.is_some();
    let mut moved_state = prior.unwrap_or_else(|| StateFile::new(TERRAFORM_COMPAT_VERSION));
    let moves = strata_core::moves::apply_moves(&prepared.tree, &mut moved_state, &mut move_diags);
    let prior = had_prior.then_some(moved_state);
    let removals = strata_core::moves::removals(&prepared.tree, &mut move_diags);
    if move_diags.has_errors() {
        ui.print_diagnostics(&move_diags);
        return 1;
    }
    let destroy = match &mode {
        Mode::Plan { destroy, .. } | Mode::Apply { destroy, .. } => *destroy,
        Mode::ApplySaved { plan } => plan.destroy,
    };
    let (refresh, replace) = match &mode {
        Mode::ApplySaved { plan } => (plan.refresh, plan.replace.clone()),
        _ => (lock.refresh.unwrap_or(true), lock.replace.clone()),
    };
    let registry = crate::providers::registry();

    // The plan.
    let plan_op = if destroy { Operation::Destroy { apply: false } } else { Operation::Plan };
    let targets = lock.target.clone();
    let needed = if targets.is_empty() {
        std::collections::HashSet::new()
    } else {
        let graph = strata_core::graph::config_graph(&prepared.tree);
        let start: Vec<String> = targets.iter().map(|t| strata_core::resources::strip_module_keys(t)).collect();
        strata_core::graph::dependency_closure(&graph, &start)
    };
    let generate = match &mode {
        Mode::Plan { generate_config_out: Some(p), .. } => Some(workdir.dir.join(p)),
        _ => None,
    };
    if generate.as_ref().is_some_and(|p| p.exists()) {
        ui.print_diagnostics(&Diagnostic::error("Target generated file already exists").with_detail("Strata can only write generated config into a new file. Either choose a different target location or move all existing configuration out of the target file, delete it and try again.").into());
        return 1;
    }
    let refresh_view = ProgressView::new(ui);
    let plan_progress = |p: Progress| refresh_view.print(&p);
    let engine = ResourceEngine::new(plan_op, &registry, &prepared.tree.module, prior.as_ref())
        .with_progress(&plan_progress)
        .with_targets(targets.clone(), needed.clone())
        .with_refresh_only(lock.refresh_only)
        .with_refresh(refresh)
        .with_parallelism(lock.parallelism.unwrap_or(10))
        .with_replace(replace.clone())
        .with_moves(moves.clone())
        .with_removals(removals.clone())
        .with_generate_config(generate.is_some());
    let (result, mut diags) = walk(&prepared, &engine);
    diags.extend(move_diags);
    if let (Some(path), false) = (&generate, diags.has_errors()) {
        let generated = engine.generated_config();
        if !generated.is_empty() {
            let text = format!(
                "# __generated__ by Strata\n# Please review these resources and move them into your main configuration files.\n\n{}",
                generated.join("\n")
            );
            if let Err(e) = std::fs::write(path, text) {
                ui.print_diagnostics(
                    &Diagnostic::error("Failed to write generated configuration")
                        .with_detail(format!("{}: {e}.", path.display()))
                        .into(),
                );
                return 1;
            }
            // Plan again with the new file part of the configuration.
            drop(engine);
            drop(held);
            let Mode::Plan { detailed_exitcode, destroy, out, .. } = mode else { unreachable!("only plan generates") };
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
    }
    for a in engine.unmatched_replace() {
        diags.push(Diagnostic::warning("Replacement address matches nothing").with_detail(format!(
            "-replace={a} names no resource instance in the configuration or state, so nothing is replaced because of it. Check the address (instances look like aws_instance.web[0] or module.app.aws_instance.web[\"a\"])."
        )));
    }
    let changes = engine.changes();
    diags.extend(prepared.diags.clone());
    if !targets.is_empty() {
        diags.push(Diagnostic::warning("Resource targeting is in effect").with_detail(
            "You are creating a plan with -target, which may not apply all of the changes your configuration calls for. Use it for exceptional situations only, such as recovering from errors or mistakes.",
        ));
    }
    // Planning failed part-way: Terraform still shows what it did plan
    // (apply only when there is any), then the errors.
    let errored = diags.has_errors();
    let forgotten: Vec<String> =
        changes.iter().filter(|c| c.action == Action::Forget).map(|c| format!(" - {}", c.addr)).collect();
    if !forgotten.is_empty() {
        diags.push(Diagnostic::warning("Some objects will no longer be managed by Strata").with_detail(format!(
            "If you apply this plan, Strata will discard its tracking information for the following objects, but it will not delete them:\n{}\n\nAfter applying this plan, Strata will no longer manage these objects. You will need to import them into Strata to manage them again.",
            forgotten.join("\n")
        )));
    }
    let outputs = if destroy { BTreeMap::new() } else { result.outputs.clone() };
    let output_changes = output_changes(prior.as_ref(), &outputs);
    let drift = engine.drift();
    let has_changes =
        changes.iter().any(plan_view::shows) || !output_changes.is_empty() || (lock.refresh_only && !drift.is_empty());
    let relevant_attributes = super::config_json::relevant_attributes(
        &prepared.tree,
        &changes,
        &output_changes.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
    );
    let show_plan = !errored || matches!(mode, Mode::Plan { .. }) || !changes.is_empty() || !outputs.is_empty();
    if show_plan && ui.json {
        json_plan(&changes, &drift, prior.as_ref(), &outputs, &output_changes);
    } else if show_plan {
        print!("{}", plan_view::render_drift(&drift, &relevant_attributes, lock.refresh_only, has_changes, ui));
        let resource_text = plan_view::render_plan(&changes, errored, ui);
        print!("{resource_text}");
        print_output_changes(&output_changes, resource_text.is_empty(), ui);
        if !has_changes && errored {
            println!("\n{}\n", ui.bold("Planning failed. Strata encountered an error while generating this plan."));
        } else if !has_changes && lock.refresh_only {
            println!("\n{}\n", ui.bold("No changes. Your infrastructure still matches the configuration."));
            println!("Strata has checked that the real remote objects still match the result of\nyour most recent changes, and found no differences.");
        } else if !has_changes {
            println!("\n{}\n", ui.bold("No changes. Your infrastructure matches the configuration."));
            println!("Strata has compared your real infrastructure against your configuration and found no differences, so no changes are needed.");
        }
    }
    // Warnings follow the plan, as Terraform prints them. Check block
    // assertions are evaluated again when applying: without a prompt, only
    // those results are shown.
    let asks = matches!(mode, Mode::Plan { .. } | Mode::Apply { auto_approve: false, .. });
    if !asks {
        let all = std::mem::take(&mut diags).into_vec();
        diags.extend(all.into_iter().filter(|d| !strata_core::checks::is_check_block_diagnostic(&prepared.tree, d)));
    }
    ui.print_diagnostics(&diags);
    // A failed plan still goes to `-out` (marked errored, so that `apply`
    // refuses it), for review, as Terraform saves it.
    if errored && !matches!(mode, Mode::Plan { out: Some(_), .. }) {
        return 1;
    }
    let auto_approve = match &mode {
        Mode::Plan { detailed_exitcode, out, .. } => {
            if let Some(path) = out {
                let saved = SavedPlan {
                    format: PLAN_FORMAT.into(),
                    version: PLAN_VERSION,
                    strata_version: env!("CARGO_PKG_VERSION").into(),
                    timestamp: strata_state::now_rfc3339(),
                    lineage: prior.as_ref().map(|p| p.lineage.clone()),
                    serial: prior.as_ref().map(|p| p.serial),
                    workspace: workdir.workspace(),
                    destroy,
                    refresh,
                    replace: replace.clone(),
                    config_digest: config_digest(&prepared.tree),
                    variables: prepared.raw_vars.iter().map(|(k, v)| (k.clone(), encode(&v.value))).collect(),
                    changes: changes.iter().map(SavedChange::from_change).collect(),
                    output_changes: output_changes
                        .iter()
                        .map(|c| SavedOutputChange {
                            name: c.name.clone(),
                            before: c.before.as_ref().map_or(serde_json::Value::Null, |b| encode(&state_value(b))),
                            after: c.after.as_ref().map_or(serde_json::Value::Null, |(v, _)| encode(v)),
                            sensitive: c.before.as_ref().is_some_and(|b| b.sensitive)
                                || c.after.as_ref().is_some_and(|(_, s)| *s),
                        })
                        .collect(),
                    errored,
                    refresh_only: lock.refresh_only,
                    targets: targets.clone(),
                    variable_values: result.variables.iter().map(|(k, v)| (k.clone(), encode(v))).collect(),
                    prior_state: prior.as_ref().and_then(|p| serde_json::from_str(&p.to_json()).ok()),
                    drift: strata_core::plan_file::saved_drift(&drift, prior.as_ref()),
                    outputs: outputs
                        .iter()
                        .map(|(name, o)| strata_core::plan_file::SavedOutput {
                            name: name.clone(),
                            value: encode(&o.value),
                            sensitive: o.sensitive,
                        })
                        .collect(),
                    configuration: Some(super::config_json::configuration(&prepared.tree, &registry)),
                    relevant_attributes: relevant_attributes.clone(),
                    checks: Some(engine.check_results_json()).filter(|c| !c.is_null()),
                };
                if let Err(e) = std::fs::write(path, serde_json::to_string(&saved).expect("plan serializes")) {
                    ui.print_diagnostics(
                        &Diagnostic::error("Failed to write plan file")
                            .with_detail(format!("{}: {e}.", path.display()))
                            .into(),
                    );
                    return 1;
                }
                if errored {
                    return 1;
                }
                if !ui.json {
                    println!("\nSaved the plan to: {}\n\nTo perform exactly these actions, run the following command to apply:\n    strata apply {:?}", path.display(), path.display().to_string());
                }
            }
            return if *detailed_exitcode && has_changes { 2 } else { 0 };
        }
        Mode::Apply { auto_approve, .. } => *auto_approve,
        Mode::ApplySaved { plan } => {
            let now: Vec<(String, String)> = changes
                .iter()
                .filter(|c| c.action != Action::NoOp)
                .map(|c| (c.addr.to_string(), action_name(c.action).to_string()))
                .collect();
            let then: Vec<(String, String)> = plan
                .changes
                .iter()
                .filter(|c| c.action != "no-op")
                .filter_map(|c| c.to_change())
                .map(|c| (c.addr.to_string(), action_name(c.action).to_string()))
                .collect();
            if now != then {
                ui.print_diagnostics(&Diagnostic::error("Saved plan no longer matches").with_detail("Planning again with the saved plan's variables gives different actions than the saved plan (something changed outside Strata since). Run plan again.").into());
                return 1;
            }
            true
        }
    };
    if has_changes && !auto_approve && !confirm(vars, destroy, ui) {
        return 1;
    }
    let lock_guard = held.expect("apply always locks");
    // The plan walk's values are not needed from here: free them before the
    // apply walk builds its own (a large plan would otherwise be held twice).
    drop((engine, changes, result, drift, outputs, output_changes, relevant_attributes));

    // The apply: every completed operation is journalled, then folded into state.
    let mut base = prior.clone().unwrap_or_else(|| StateFile::new(TERRAFORM_COMPAT_VERSION));
    if !moves.is_empty() {
        // Moves are stored before anything else happens, so the journal
        // builds on the new addresses whatever becomes of this run.
        match store.write(&lock_guard, base) {
            Ok(written) => base = written,
            Err(e) => {
                ui.print_diagnostics(&e.to_diagnostic().into());
                return 1;
            }
        }
    }
    let journal = match store.journal(&lock_guard, &base) {
        Ok(j) => j,
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    let shared = Arc::new(Mutex::new((journal, StateBuilder::new(base))));
    let view = ProgressView::new(ui);
    let progress = |p: Progress| view.print(&p);
    let apply_op = if destroy { Operation::Destroy { apply: true } } else { Operation::Apply };
    let stop = install_interrupt_handler(ui);
    let engine = ResourceEngine::new(apply_op, &registry, &prepared.tree.module, prior.as_ref())
        .with_targets(targets.clone(), needed.clone())
        .with_refresh_only(lock.refresh_only)
        .with_refresh(refresh)
        .with_parallelism(lock.parallelism.unwrap_or(10))
        .with_replace(replace.clone())
        .with_moves(moves)
        .with_removals(removals)
        .with_stop(stop)
        .with_sink(Box::new(JournalSink(shared.clone())), &progress);
    let (result, diags) = std::thread::scope(|s| {
        let (done, ticks) = std::sync::mpsc::channel();
        let view = &view;
        s.spawn(move || view.tick_until(&ticks));
        let outcome = walk(&prepared, &engine);
        let _ = done.send(());
        outcome
    });
    // Only the counts are shown: the changes' values go with the engine.
    let n = plan_view::counts(&engine.changes());
    let check_results = engine.check_results_json();
    drop(engine);
    let (journal, built) =
        Arc::try_unwrap(shared).ok().expect("the engine is gone").into_inner().expect("no poisoned locks");
    let mut next = built.finish();
    next.terraform_version = TERRAFORM_COMPAT_VERSION.to_string();
    // Every apply replaces the results of the last one.
    next.check_results = check_results;
    if !diags.has_errors() {
        next.outputs = if destroy { BTreeMap::new() } else { state_outputs(&result) };
    }
    let status = finish_state(&store, &lock_guard, journal, next, ui);
    ui.print_diagnostics(&diags);
    if diags.has_errors() || status != 0 {
        return 1;
    }
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
        print_outputs(&result.outputs, ui);
    }
    0
}

/// Takes the state lock and folds in the journal of an interrupted run.
pub(super) fn lock_and_recover(
    store: &LocalState,
    operation: &str,
    timeout: std::time::Duration,
    ui: Ui,
) -> Option<StateLock> {
    let lock = match store.lock(operation, timeout, TERRAFORM_COMPAT_VERSION) {
        Ok(l) => l,
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return None;
        }
    };
    match store.recover(&lock, TERRAFORM_COMPAT_VERSION) {
        Ok(0) => {}
        Ok(n) => ui.print_diagnostics(
            &Diagnostic::warning("Recovered an interrupted apply")
                .with_detail(format!(
                    "A previous run stopped before it finished. The {n} operation(s) it completed were recorded in {} and are now in the state.",
                    store.journal_describe()
                ))
                .into(),
        ),
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return None;
        }
    }
    Some(lock)
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

/// Live progress of an apply, as Terraform's: one line when an operation
/// starts and ends, and `Still creating... [10s elapsed]` every interval
/// while it runs.
struct ProgressView {
    ui: Ui,
    interval: Duration,
    running: Mutex<HashMap<String, Running>>,
}

/// An operation in flight, for its `Still ...` lines.
struct Running {
    /// `Still creating...`
    still: &'static str,
    /// `id=..., ` (empty when the object has no id yet).
    id: String,
    started: Instant,
    last_printed: Instant,
}

impl ProgressView {
    fn new(ui: Ui) -> ProgressView {
        // Tests shorten the interval; users get Terraform's 10 seconds.
        let interval = std::env::var("STRATA_PROGRESS_INTERVAL_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(Duration::from_secs(10), Duration::from_millis);
        ProgressView { ui, interval, running: Mutex::new(HashMap::new()) }
    }

    fn print(&self, p: &Progress) {
        let label = |addr: &dyn std::fmt::Display, deposed: &Option<String>| match deposed {
            Some(k) => format!("{addr} (deposed object {k})"),
            None => addr.to_string(),
        };
        let line = match p {
            Progress::Started { addr, action, deposed, object } => {
                let (doing, still) = match action {
                    Action::Create | Action::Replace | Action::CreateThenDelete => ("Creating...", "Still creating..."),
                    Action::Update => ("Modifying...", "Still modifying..."),
                    Action::Delete => ("Destroying...", "Still destroying..."),
                    Action::Read => ("Reading...", "Still reading..."),
                    Action::NoOp | Action::Forget => return,
                };
                let now = Instant::now();
                let id = object.as_ref().map(|(k, v)| format!("{k}={}, ", truncate_id(v))).unwrap_or_default();
                self.running
                    .lock()
                    .expect("no poisoned locks")
                    .insert(addr.to_string(), Running { still, id, started: now, last_printed: now });
                match object {
                    Some((k, v)) => format!("{}: {doing} [{k}={v}]", label(addr, deposed)),
                    None => format!("{}: {doing}", label(addr, deposed)),
                }
            }
            // Terraform names a deposed object when its destruction starts,
            // not when it completes.
            Progress::Finished { addr, action, deposed: _, seconds, object } => {
                self.running.lock().expect("no poisoned locks").remove(&addr.to_string());
                let what = match action {
                    Action::Create | Action::Replace | Action::CreateThenDelete => "Creation complete",
                    Action::Update => "Modifications complete",
                    Action::Delete => "Destruction complete",
                    Action::Read => "Read complete",
                    Action::NoOp | Action::Forget => return,
                };
                let after = go_duration(*seconds);
                match object {
                    Some((k, v)) => format!("{addr}: {what} after {after} [{k}={v}]"),
                    None => format!("{addr}: {what} after {after}"),
                }
            }
            Progress::Refreshing { addr, deposed, object } => {
                if self.ui.json {
                    crate::json_view::refresh(addr, object.as_ref(), false);
                    return;
                }
                match object {
                    Some((k, v)) => format!("{}: Refreshing state... [{k}={v}]", label(addr, deposed)),
                    None => format!("{}: Refreshing state...", label(addr, deposed)),
                }
            }
            Progress::Refreshed { addr, object } => {
                if self.ui.json {
                    crate::json_view::refresh(addr, object.as_ref(), true);
                }
                return;
            }
            Progress::Failed { addr, .. } => {
                // The error itself is printed with the other diagnostics.
                self.running.lock().expect("no poisoned locks").remove(&addr.to_string());
                return;
            }
        };
        println!("{}", self.ui.bold(&line));
    }

    /// Prints `Still ...` lines until `done` says the apply is over.
    fn tick_until(&self, done: &std::sync::mpsc::Receiver<()>) {
        let poll = (self.interval / 10).clamp(Duration::from_millis(10), Duration::from_secs(1));
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = done.recv_timeout(poll) {
            let now = Instant::now();
            let mut running = self.running.lock().expect("no poisoned locks");
            let mut due: Vec<(&String, &mut Running)> =
                running.iter_mut().filter(|(_, r)| now.duration_since(r.last_printed) >= self.interval).collect();
            due.sort_by(|a, b| a.0.cmp(b.0));
            for (addr, r) in due {
                r.last_printed = now;
                let elapsed = go_duration(now.duration_since(r.started).as_secs_f64().round() as u64);
                let (still, id) = (r.still, &r.id);
                println!("{}", self.ui.bold(&format!("{addr}: {still} [{id}{elapsed} elapsed]")));
            }
        }
    }
}

/// Terraform shortens long ids in `Still ...` lines to 80 characters.
fn truncate_id(id: &str) -> String {
    const MAX: usize = 80;
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= MAX {
        return id.to_string();
    }
    let half = (MAX - 3) / 2;
    let head: String = chars[..half].iter().collect();
    let tail: String = chars[chars.len() - (MAX - 3 - half)..].iter().collect();
    format!("{head}...{tail}")
}

/// Whole seconds as Go prints a `time.Duration`: `0s`, `9s`, `1m5s`, `2h0m1s`.
fn go_duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
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

fn output_state(v: &Value, sensitive: bool) -> OutputState {
    let (plain, _) = v.unmark_deep();
    OutputState {
        value: strata_lang::json::to_json(&plain),
        ty: plain.ty().to_json(),
        sensitive,
        extra: Default::default(),
    }
}

fn output_changes(
    prior: Option<&StateFile>,
    outputs: &BTreeMap<String, strata_core::OutputValue>,
) -> Vec<OutputChange> {
    let empty = BTreeMap::new();
    let before = prior.map_or(&empty, |p| &p.outputs);
    let mut names: Vec<&String> = before.keys().chain(outputs.keys()).collect();
    names.sort();
    names.dedup();
    let mut changes = Vec::new();
    for name in names {
        let b = before.get(name);
        let a = outputs.get(name).filter(|o| !o.value.is_null());
        let same = match (b, a) {
            (Some(b), Some(a)) => {
                a.value.is_wholly_known() && {
                    let s = output_state(&a.value, a.sensitive);
                    s.value == b.value && s.ty == b.ty && s.sensitive == b.sensitive
                }
            }
            (None, None) => true,
            _ => false,
        };
        if !same {
            changes.push(OutputChange {
                name: name.clone(),
                before: b.cloned(),
                after: a.map(|o| (o.value.clone(), o.sensitive)),
            });
        }
    }
    changes
}

fn state_value(o: &OutputState) -> Value {
    let ty = strata_lang::Type::from_json(&o.ty).unwrap_or(strata_lang::Type::Dynamic);
    let v = strata_lang::json::from_json_typed(&o.value, &ty).unwrap_or_else(|_| Value::dynamic_null());
    if o.sensitive {
        v.mark_sensitive()
    } else {
        v
    }
}

/// The plan as Terraform's machine-readable UI lines.
fn json_plan(
    changes: &[strata_core::PlannedChange],
    drift: &[strata_core::Drift],
    prior: Option<&StateFile>,
    outputs: &BTreeMap<String, strata_core::OutputValue>,
    output_changes: &[OutputChange],
) {
    for d in drift {
        crate::json_view::drift(&d.addr, d.after.is_null());
    }
    for c in changes.iter().filter(|c| plan_view::shows(c)) {
        crate::json_view::planned_change(c);
    }
    let n = plan_view::counts(changes);
    crate::json_view::change_summary(n.import, n.add, n.change, n.destroy);
    let empty = BTreeMap::new();
    let before = prior.map_or(&empty, |p| &p.outputs);
    let mut names: Vec<&String> = before.keys().chain(outputs.keys()).collect();
    names.sort();
    names.dedup();
    let entries: Vec<(String, bool, &str)> = names
        .into_iter()
        .map(|name| {
            let changed = output_changes.iter().find(|c| &c.name == name);
            let action = match changed {
                None => "noop",
                Some(c) if c.before.is_none() => "create",
                Some(c) if c.after.is_none() => "delete",
                Some(_) => "update",
            };
            let sensitive =
                outputs.get(name).map_or_else(|| before.get(name).is_some_and(|b| b.sensitive), |o| o.sensitive);
            (name.clone(), sensitive, action)
        })
        .collect();
    crate::json_view::outputs(&entries);
}

fn print_output_changes(changes: &[OutputChange], outputs_only: bool, ui: Ui) {
    if changes.is_empty() {
        return;
    }
    println!("\nChanges to Outputs:");
    let width = changes.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in changes {
        let name = format!("{:width$}", c.name);
        match (&c.before, &c.after) {
            (None, Some((v, _))) => println!("  + {name} = {}", indent_rest(&plan_view::show(v), 4)),
            (Some(b), Some((v, _))) => {
                println!(
                    "  ~ {name} = {} -> {}",
                    indent_rest(&plan_view::show(&state_value(b)), 4),
                    indent_rest(&plan_view::show(v), 4)
                )
            }
            (Some(b), None) => println!("  - {name} = {} -> null", indent_rest(&plan_view::show(&state_value(b)), 4)),
            (None, None) => {}
        }
    }
    if outputs_only {
        println!("\nYou can apply this plan to save these new output values to the Terraform");
        println!("state, without changing any real infrastructure.");
    }
    let _ = ui;
}

fn indent_rest(s: &str, n: usize) -> String {
    s.replace('\n', &format!("\n{}", " ".repeat(n)))
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

/// First Ctrl-C: start no new operation, finish running ones, save state.
/// Second: exit at once — every completed operation is already journalled,
/// and the next run folds the journal into the state.
fn install_interrupt_handler(ui: Ui) -> &'static std::sync::atomic::AtomicBool {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    static STOP: AtomicBool = AtomicBool::new(false);
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

/// The configuration and variables of a saved plan; the configuration on
/// disk must be the one the plan was made from.
fn prepare_saved(workdir: &WorkDir, plan: &SavedPlan, ui: Ui) -> Option<super::Prepared> {
    let (tree, diags) = workdir.load();
    let Some(tree) = tree.filter(|_| !diags.has_errors()) else {
        ui.print_diagnostics(&diags);
        return None;
    };
    if config_digest(&tree) != plan.config_digest {
        ui.print_diagnostics(&Diagnostic::error("Saved plan does not match the configuration").with_detail("The configuration files changed since this plan was made; apply only what was reviewed. Run plan again.").into());
        return None;
    }
    let mut raw_vars = BTreeMap::new();
    for (k, v) in &plan.variables {
        let Some(value) = strata_core::plan_file::decode(v) else {
            ui.print_diagnostics(
                &Diagnostic::error("Invalid plan file")
                    .with_detail(format!("The saved value of variable {k:?} is unreadable."))
                    .into(),
            );
            return None;
        };
        raw_vars.insert(
            k.clone(),
            strata_core::RawVariable { value, source: strata_core::ValueSource::CommandLine("the saved plan".into()) },
        );
    }
    let settings = strata_core::EvalSettings {
        mode: EvalMode::Apply,
        workspace: plan.workspace.clone(),
        cwd: workdir.dir.clone(),
        plan_timestamp: Some(plan.timestamp.clone()),
    };
    Some(super::Prepared { tree, raw_vars, settings, functions: strata_lang::Functions::builtin(), diags })
}

/// sha256 over every configuration file of the tree (name and text).
pub fn config_digest(tree: &strata_config::ModuleTree) -> String {
    use sha2::{Digest, Sha256};
    let mut files: Vec<(String, &str)> = Vec::new();
    let mut stack = vec![(String::new(), tree)];
    while let Some((prefix, t)) = stack.pop() {
        for f in &t.module.files {
            files.push((format!("{prefix}{}", f.name), &f.text));
        }
        for (name, child) in &t.children {
            stack.push((format!("{prefix}module.{name}/"), child));
        }
    }
    files.sort();
    let mut h = Sha256::new();
    for (name, text) in files {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
