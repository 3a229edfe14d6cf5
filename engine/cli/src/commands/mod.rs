//! One module per command; `run` dispatches and returns the exit code.

mod apply;
mod config_json;
mod console;
mod drift;
mod fmt;
mod import;
mod init;
mod markdown;
mod output;
mod plan;
mod plan_json;
mod show_json;
mod state;
mod taint;
mod test;
mod validate;
mod version;
mod workspace;

use crate::args::{normalize, var_args_in_order, Cli, Command, VarArgs};
use crate::output::Ui;
use crate::workdir::WorkDir;
use clap::Parser;
use std::io::{BufRead, IsTerminal, Write};
use strata_config::{ModuleTree, Variable};
use strata_core::{collect_root_variables, evaluate_root, EvalMode, EvalSettings, ModuleResult, VarArg};
use strata_diag::Diagnostic;
use strata_lang::Functions;

pub fn run(argv: Vec<String>) -> u8 {
    let argv = normalize(argv);
    let cli = match Cli::try_parse_from(std::iter::once("strata".to_string()).chain(argv.iter().cloned())) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    if cli.version {
        return version::run(false);
    }
    let Some(command) = cli.command else {
        use clap::CommandFactory;
        let _ = Cli::command().print_help();
        return 0;
    };
    let no_color = argv.iter().any(|a| a == "--no-color");
    let ui = Ui::new(no_color);
    let workdir = match WorkDir::new(cli.chdir.as_deref()) {
        Ok(w) => w,
        Err(e) => {
            ui.print_diagnostics(&Diagnostic::error("Invalid -chdir option").with_detail(e).into());
            return 1;
        }
    };
    let var_args = var_args_in_order(&argv);
    match command {
        Command::Version { json } => version::run(json),
        Command::Init {
            backend_config, reconfigure, migrate_state, force_copy, lock_timeout, upgrade, get, ..
        } => {
            let Some(lock_timeout) = self::lock_timeout(lock_timeout.as_deref(), ui) else { return 1 };
            let modules = get.unwrap_or(true).then_some(init::ModuleInstall { upgrade });
            init::run(
                &workdir,
                &init::InitArgs { backend_config, reconfigure, migrate_state, force_copy, lock_timeout, modules },
                ui,
            )
        }
        Command::Get { update, .. } => init::get(&workdir, update, ui),
        Command::ForceUnlock { force, lock_id, .. } => force_unlock(&workdir, &lock_id, force, ui),
        Command::Drift { json, markdown, unmanaged, vars, lock, state, .. } => drift::run(
            &workdir,
            &vars,
            &var_args,
            &lock,
            state.as_deref(),
            &drift::DriftArgs { json, markdown, unmanaged },
            ui,
        ),
        Command::Validate { json, .. } => validate::run(&workdir, json, ui),
        Command::Fmt(args) => fmt::run(&workdir, &args, ui),
        Command::Console { vars, .. } => console::run(&workdir, &vars, &var_args, ui),
        Command::Plan { vars, lock, detailed_exitcode, destroy, out, generate_config_out, state, json, .. } => {
            let ui = if json {
                crate::json_view::version();
                ui.with_json()
            } else {
                ui
            };
            apply::run(
                &workdir,
                apply::Mode::Plan { detailed_exitcode, destroy, out, generate_config_out },
                &vars,
                &var_args,
                &lock,
                state.as_deref(),
                ui,
            )
        }
        Command::Apply { plan_file: Some(path), vars, lock, state, .. } => match read_plan(&path, ui) {
            Some(plan) => apply::run(
                &workdir,
                apply::Mode::ApplySaved { plan: Box::new(plan) },
                &vars,
                &var_args,
                &lock,
                state.as_deref(),
                ui,
            ),
            None => 1,
        },
        Command::Show { markdown: true, plan_file, more_plan_files, max_chars, .. } => {
            markdown::run(&workdir, plan_file.iter().chain(&more_plan_files), max_chars, ui)
        }
        Command::Show { more_plan_files, .. } if !more_plan_files.is_empty() => {
            ui.print_diagnostics(
                &Diagnostic::error("Too many command line arguments")
                    .with_detail("Only `strata show -markdown` takes several plan files.")
                    .into(),
            );
            1
        }
        Command::Show { json: true, plan_file: Some(path), .. }
            if plan_json::is_plan_file(&workdir.dir.join(&path)) =>
        {
            plan_json::run(&workdir, &path, ui)
        }
        Command::Show { json: true, plan_file, state, .. } => {
            show_json::run(&workdir, plan_file.as_deref(), state.as_deref(), ui)
        }
        Command::Workspace(cmd) => workspace::run(&workdir, cmd, ui),
        Command::Show { plan_file: Some(plan_file), .. } => {
            match read_plan(&plan_file, ui).and_then(|saved| plan_of(&saved, ui)) {
                Some(plan) => show_plan(&plan, ui),
                None => 1,
            }
        }
        Command::Show { plan_file: None, state, .. } => state::show(&workdir, state.as_deref(), ui),
        Command::Apply { auto_approve, vars, lock, state, .. } => apply::run(
            &workdir,
            apply::Mode::Apply { auto_approve, destroy: false },
            &vars,
            &var_args,
            &lock,
            state.as_deref(),
            ui,
        ),
        Command::Destroy { auto_approve, vars, lock, state, .. } => apply::run(
            &workdir,
            apply::Mode::Apply { auto_approve, destroy: true },
            &vars,
            &var_args,
            &lock,
            state.as_deref(),
            ui,
        ),
        Command::Graph { .. } => graph(&workdir, ui),
        Command::Providers { .. } => providers(&workdir, ui),
        Command::State(cmd) => state::run(&workdir, cmd, ui),
        Command::Import { vars, lock, state, addr, id, .. } => {
            import::run(&workdir, &addr, &id, &vars, &var_args, &lock, state.as_deref(), ui)
        }
        Command::Taint(args) => taint::run(&workdir, &args, true, ui),
        Command::Untaint(args) => taint::run(&workdir, &args, false, ui),
        Command::Test { filter, test_directory, verbose, json, .. } => {
            let ui = if json {
                crate::json_view::version();
                ui.with_json()
            } else {
                ui
            };
            test::run(&workdir, &test::TestArgs { filter, test_directory, verbose }, &var_args, ui)
        }
        Command::Output { json, raw, state, name, .. } => {
            output::run(&workdir, json, raw, state.as_deref(), name.as_deref(), ui)
        }
    }
}

/// A loaded and evaluated configuration.
pub struct Evaluated {
    pub tree: ModuleTree,
    pub result: ModuleResult,
    pub settings: EvalSettings,
    pub functions: Functions,
}

/// A loaded configuration with its root variables gathered.
pub struct Prepared {
    pub tree: ModuleTree,
    pub raw_vars: std::collections::BTreeMap<String, strata_core::RawVariable>,
    pub settings: EvalSettings,
    pub functions: Functions,
    /// Warnings so far (printed with the walk's diagnostics).
    pub diags: strata_diag::Diagnostics,
}

/// Loads the configuration and gathers root variables (prompting on a
/// terminal). `require_files`: whether a directory without `*.tf` files is
/// an error (it is for plan and apply, not for the console). Returns `None`
/// (having printed diagnostics) on errors.
/// The dependency lock file, where there is one, selects the built-in
/// version of every provider the configuration requires.
fn check_lock_file(workdir: &WorkDir, tree: &strata_config::ModuleTree) -> Result<(), Diagnostic> {
    let Some(lock) = strata_config::LockFile::read(&workdir.dir)? else { return Ok(()) };
    let reqs = strata_core::requirements::provider_requirements(tree, &tree.module);
    let required = strata_core::requirements::locked_requirements(&reqs);
    match strata_core::requirements::check_lock_file(&lock, &required, &crate::providers::registry()) {
        Some(d) => Err(d),
        None => Ok(()),
    }
}

pub fn prepare(
    workdir: &WorkDir,
    mode: EvalMode,
    vars: &VarArgs,
    var_args: &[VarArg],
    require_files: bool,
    ui: Ui,
) -> Option<Prepared> {
    // The workspace names the state path: refuse a name that escapes it.
    if let Err(e) = workdir.checked_workspace() {
        ui.print_diagnostics(&e.to_diagnostic().into());
        return None;
    }
    let (tree, mut diags) = workdir.load();
    let Some(tree) = tree.filter(|_| !diags.has_errors()) else {
        ui.print_diagnostics(&diags);
        return None;
    };
    if require_files && tree.module.files.is_empty() {
        diags.push(Diagnostic::error("No configuration files").with_detail(format!(
            "The directory {} contains no Terraform configuration files (*.tf).",
            workdir.dir.display()
        )));
        ui.print_diagnostics(&diags);
        return None;
    }
    // Commands that reach the state need the backend `init` set up.
    if mode == EvalMode::Apply {
        if let Err(d) = crate::backend::check_initialized(workdir, &tree.module) {
            ui.print_diagnostics(&d.into());
            return None;
        }
        if let Err(d) = check_lock_file(workdir, &tree) {
            ui.print_diagnostics(&d.into());
            return None;
        }
    }
    let interactive = vars.input.unwrap_or(true)
        && std::env::var("TF_INPUT").map(|v| v != "0" && v != "false").unwrap_or(true)
        && std::io::stdin().is_terminal();
    let prompter = TerminalPrompter;
    let (raw, vdiags) = collect_root_variables(
        &tree.module,
        &workdir.dir,
        var_args,
        &WorkDir::environment(),
        if interactive && mode == EvalMode::Apply { Some(&prompter) } else { None },
    );
    diags.extend(vdiags);
    if diags.has_errors() {
        ui.print_diagnostics(&diags);
        return None;
    }
    let settings = EvalSettings {
        mode,
        workspace: workdir.workspace(),
        cwd: workdir.dir.clone(),
        plan_timestamp: Some(strata_state::now_rfc3339()),
    };
    Some(Prepared { tree, raw_vars: raw, settings, functions: Functions::builtin(), diags })
}

/// Loads the configuration, gathers variables and evaluates it without
/// resources (the console). Returns `None` (having printed diagnostics) on errors.
pub fn load_and_evaluate(
    workdir: &WorkDir,
    mode: EvalMode,
    vars: &VarArgs,
    var_args: &[VarArg],
    require_files: bool,
    ui: Ui,
) -> Option<Evaluated> {
    let p = prepare(workdir, mode, vars, var_args, require_files, ui)?;
    let mut diags = p.diags;
    let (result, edits) = evaluate_root(&p.tree, &p.raw_vars, &p.settings, &p.functions);
    diags.extend(edits);
    if diags.has_errors() {
        ui.print_diagnostics(&diags);
        return None;
    }
    if !diags.is_empty() {
        ui.print_diagnostics(&diags);
    }
    Some(Evaluated { tree: p.tree, result, settings: p.settings, functions: p.functions })
}

struct TerminalPrompter;

impl strata_core::variables::Prompter for TerminalPrompter {
    fn prompt(&self, var: &Variable) -> Option<String> {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "var.{}", var.name);
        if let Some(d) = &var.description {
            let _ = writeln!(out, "  {d}");
        }
        let _ = write!(out, "\n  Enter a value: ");
        let _ = out.flush();
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).ok()?;
        println!();
        Some(line.trim_end_matches(['\n', '\r']).to_string())
    }
}

/// `strata graph`
fn graph(workdir: &WorkDir, ui: Ui) -> u8 {
    let (tree, diags) = workdir.load();
    match tree.filter(|_| !diags.has_errors()) {
        Some(tree) => {
            print!("{}", strata_core::graph::config_dot(&tree));
            0
        }
        None => {
            ui.print_diagnostics(&diags);
            1
        }
    }
}

/// `strata providers`: the provider requirements of each module (as a tree,
/// in Terraform's layout), then the providers the state's objects use.
fn providers(workdir: &WorkDir, ui: Ui) -> u8 {
    let (tree, diags) = workdir.load();
    let Some(tree) = tree.filter(|_| !diags.has_errors()) else {
        ui.print_diagnostics(&diags);
        return 1;
    };
    fn branch(out: &mut String, reqs: &strata_core::requirements::ModuleRequirements, indent: &str) {
        let lines: Vec<(String, Option<&strata_core::requirements::ModuleRequirements>)> = reqs
            .providers
            .iter()
            .map(|(addr, c)| {
                (if c.is_empty() { format!("provider[{addr}]") } else { format!("provider[{addr}] {c}") }, None)
            })
            .chain(reqs.children.iter().map(|(name, child)| (format!("module.{name}"), Some(child))))
            .collect();
        for (i, (line, child)) in lines.iter().enumerate() {
            let last = i + 1 == lines.len();
            out.push_str(&format!("{indent}{} {line}\n", if last { "└──" } else { "├──" }));
            if let Some(child) = child {
                branch(out, child, &format!("{indent}{}", if last { "    " } else { "│   " }));
            }
        }
    }
    let reqs = strata_core::requirements::provider_requirements(&tree, &tree.module);
    let mut out = String::from("\nProviders required by configuration:\n.\n");
    branch(&mut out, &reqs, "");
    let in_state: std::collections::BTreeSet<String> = workdir
        .state_store(None)
        .ok()
        .and_then(|store| store.read().ok().flatten())
        .map(|st| {
            st.resources
                .iter()
                .filter_map(|r| r.provider.split_once("provider[\"").and_then(|(_, rest)| rest.split_once('"')))
                .map(|(addr, _)| addr.to_string())
                .collect()
        })
        .unwrap_or_default();
    if !in_state.is_empty() {
        out.push_str("\nProviders required by state:\n\n");
        for addr in in_state {
            out.push_str(&format!("    provider[{addr}]\n\n"));
        }
    }
    print!("{out}");
    0
}

/// `-lock-timeout=D` (zero when absent), or `None` having said why it is invalid.
fn lock_timeout(flag: Option<&str>, ui: Ui) -> Option<std::time::Duration> {
    match flag.map(crate::workdir::parse_duration) {
        None => Some(std::time::Duration::ZERO),
        Some(Some(d)) => Some(d),
        Some(None) => {
            ui.print_diagnostics(
                &Diagnostic::error("Invalid -lock-timeout").with_detail("Use a duration like 30s, 5m or 1h.").into(),
            );
            None
        }
    }
}

/// `strata force-unlock [-force] ID`: releases a lock whose holder died,
/// only when `ID` is the lock's ID.
fn force_unlock(workdir: &WorkDir, id: &str, force: bool, ui: Ui) -> u8 {
    let store = match workdir.state_store(None) {
        Ok(s) => s,
        Err(d) => {
            ui.print_diagnostics(&d.into());
            return 1;
        }
    };
    if !force {
        println!("Do you really want to force-unlock?\n  Strata will remove the lock on the remote state.\n  This will allow local Strata commands to modify this state, even though it\n  may still be in use. Only 'yes' will be accepted to confirm.\n");
        print!("  Enter a value: ");
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        if std::io::stdin().lock().read_line(&mut line).is_err() || line.trim() != "yes" {
            println!("\nforce-unlock cancelled.");
            return 1;
        }
    }
    match store.force_unlock(id) {
        Ok(()) => {
            println!("{}", ui.green(&ui.bold("Strata state has been successfully unlocked!")));
            println!("\nThe state has been unlocked, and Strata commands should now be able to\nobtain a new lock on the remote state.");
            0
        }
        Err(e) => {
            ui.print_diagnostics(&Diagnostic::error("Failed to unlock state").with_detail(e.to_string()).into());
            1
        }
    }
}

fn read_plan(path: &std::path::Path, ui: Ui) -> Option<strata_core::plan_file::SavedPlan> {
    use strata_core::plan_file::{SavedPlan, PLAN_FORMAT, PLAN_MIN_VERSION, PLAN_VERSION};
    let fail = |detail: String| {
        ui.print_diagnostics(&Diagnostic::error("Failed to load the plan file").with_detail(detail).into());
        None
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return fail(format!("{}: {e}.", path.display())),
    };
    let plan: SavedPlan = match serde_json::from_str(&text) {
        Ok(p) => p,
        Err(e) => return fail(format!("{} is not a Strata plan file ({e}).", path.display())),
    };
    if plan.format != PLAN_FORMAT || !(PLAN_MIN_VERSION..=PLAN_VERSION).contains(&plan.version) {
        return fail(format!(
            "{} is a plan of format {} version {}; this Strata reads {PLAN_FORMAT} version {PLAN_VERSION}.",
            path.display(),
            plan.format,
            plan.version
        ));
    }
    Some(plan)
}

/// The plan a saved plan file holds (printed when unreadable).
fn plan_of(saved: &strata_core::plan_file::SavedPlan, ui: Ui) -> Option<strata_core::Plan> {
    match saved.to_plan() {
        Ok(p) => Some(p),
        Err(e) => {
            ui.print_diagnostics(
                &Diagnostic::error("Invalid plan file")
                    .with_detail(format!("The plan file is unreadable: {e}."))
                    .into(),
            );
            None
        }
    }
}

/// `strata show PLANFILE`: the plan as `plan` showed it.
fn show_plan(plan: &strata_core::Plan, ui: Ui) -> u8 {
    let text = crate::plan_view::render_plan(&plan.changes, plan.errored, ui);
    print!("{text}");
    plan::print_output_changes(&plan.output_changes, text.is_empty());
    if text.is_empty() && plan.output_changes.is_empty() && plan.errored {
        println!("\nPlanning failed. Strata encountered an error while generating this plan.\n");
    } else if text.is_empty() && plan.output_changes.is_empty() {
        println!("No changes. Your infrastructure matches the configuration.");
    }
    0
}
