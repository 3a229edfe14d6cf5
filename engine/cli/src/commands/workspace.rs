//! `strata workspace new|select|list|show|delete`, worded as Terraform's
//! (with Strata for Terraform). The states live behind `WorkspaceStore`;
//! the selection is `.terraform/environment`, overridden by `TF_WORKSPACE`.

use crate::args::WorkspaceCommand;
use crate::output::Ui;
use crate::workdir::workspaces::{valid_workspace_name, SelectionError, WorkspaceStore, DEFAULT_WORKSPACE};
use crate::workdir::WorkDir;
use std::path::Path;
use std::time::Duration;
use strata_config::TERRAFORM_COMPAT_VERSION;
use strata_diag::Diagnostic;
use strata_state::{LocalState, StateFile};

pub fn run(workdir: &WorkDir, cmd: WorkspaceCommand, ui: Ui) -> u8 {
    let store = match workdir.workspace_store() {
        Ok(s) => s,
        Err(d) => {
            ui.print_diagnostics(&d.into());
            return 1;
        }
    };
    match cmd {
        // -lock=false is accepted for Terraform's sake, but the one write
        // (`-state`) locks anyway, as every writing command does.
        WorkspaceCommand::New { lock_timeout, state, name, .. } => {
            let Some(timeout) = super::lock_timeout(lock_timeout.as_deref(), ui) else { return 1 };
            new(workdir, &*store, &name, state.as_deref(), timeout, ui)
        }
        WorkspaceCommand::Select { or_create, name, .. } => {
            select(workdir, &*store, &name, or_create.unwrap_or(false), ui)
        }
        WorkspaceCommand::List { .. } => list(workdir, &*store, ui),
        WorkspaceCommand::Show { .. } => show(workdir),
        WorkspaceCommand::Delete { force, lock, lock_timeout, name, .. } => {
            let Some(timeout) = super::lock_timeout(lock_timeout.as_deref(), ui) else { return 1 };
            delete(workdir, &*store, &name, force, lock.unwrap_or(true), timeout, ui)
        }
    }
}

/// Go's `%q` for the names in messages, as Terraform prints them.
fn quoted(s: &str) -> String {
    strata_lang::render::go_quote(s)
}

fn created(name: &str, ui: Ui) -> String {
    format!(
        "{}{}",
        ui.bold(&ui.green(&format!("Created and switched to workspace {}!", quoted(name)))),
        ui.green(
            "\n\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run \"strata plan\" Strata will not see any existing state\nfor this configuration."
        )
    )
}

fn does_not_exist(name: &str) -> String {
    format!(
        "Workspace {} doesn't exist.\n\nYou can create this workspace with the \"new\" subcommand \nor include the \"-or-create\" flag with the \"select\" subcommand.",
        quoted(name)
    )
}

fn invalid_name(name: &str) -> String {
    format!(
        "\nThe workspace name {} is not allowed. The name must contain only URL safe\ncharacters, and no path separators.\n",
        quoted(name)
    )
}

const OVERRIDDEN_NOTE: &str =
    "\n\nThe active workspace is being overridden using the TF_WORKSPACE environment\nvariable.\n";

const OVERRIDDEN_SELECT: &str = "\nThe selected workspace is currently overridden using the TF_WORKSPACE\nenvironment variable.\n\nTo select a new workspace, either update this environment variable or unset\nit and then run this command again.\n";

const OVERRIDDEN_NEW: &str = "\nThe workspace is currently overridden using the TF_WORKSPACE environment\nvariable. You cannot create a new workspace when using this setting.\n\nTo create a new workspace, either unset this environment variable or update it\nto match the workspace name you are trying to create, and then run this command\nagain.\n";

fn yellow(ui: Ui, s: &str) -> String {
    if ui.color {
        format!("\x1b[33m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// The workspaces, or `None` having printed why they could not be listed.
fn listed(store: &dyn WorkspaceStore, ui: Ui) -> Option<Vec<String>> {
    match store.list() {
        Ok(l) => Some(l),
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            None
        }
    }
}

fn new(
    workdir: &WorkDir,
    store: &dyn WorkspaceStore,
    name: &str,
    state: Option<&Path>,
    timeout: Duration,
    ui: Ui,
) -> u8 {
    if !valid_workspace_name(name) {
        eprintln!("{}", invalid_name(name));
        return 1;
    }
    if workdir.workspace_override().is_some_and(|w| w != name) {
        eprintln!("{OVERRIDDEN_NEW}");
        return 1;
    }
    let Some(existing) = listed(store, ui) else { return 1 };
    if existing.iter().any(|w| w == name) {
        eprintln!("Workspace {} already exists", quoted(name));
        return 1;
    }
    // Read the state to copy before making anything, so a wrong -state
    // leaves no half-made workspace behind (Terraform creates it first).
    let copied = match state {
        Some(path) => match read_state_file(&workdir.dir.join(path)) {
            Ok(s) => Some(s),
            Err(d) => {
                ui.print_diagnostics(&d.into());
                return 1;
            }
        },
        None => None,
    };
    if let Err(e) = store.create(name) {
        ui.print_diagnostics(&e.to_diagnostic().into());
        return 1;
    }
    if let Err(e) = workdir.select_workspace(name) {
        eprintln!("Error selecting new workspace: {e}");
        return 1;
    }
    println!("{}", created(name, ui));
    let Some(mut copied) = copied else { return 0 };
    // The copy is a new state, as Terraform makes it: its own lineage.
    copied.lineage = StateFile::new(TERRAFORM_COMPAT_VERSION).lineage;
    copied.terraform_version = TERRAFORM_COMPAT_VERSION.to_string();
    let written = store.lock(name, "workspace-new", timeout).and_then(|held| held.write(copied).map(|_| ()));
    if let Err(e) = written {
        ui.print_diagnostics(&e.to_diagnostic().into());
        return 1;
    }
    0
}

fn read_state_file(path: &Path) -> Result<StateFile, Diagnostic> {
    if !path.is_file() {
        return Err(Diagnostic::error("Failed to read the state file")
            .with_detail(format!("{}: no such file.", path.display())));
    }
    match LocalState::new(path).read() {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(Diagnostic::error("Failed to read the state file")
            .with_detail(format!("{} is empty; there is no state to copy.", path.display()))),
        Err(e) => Err(e.to_diagnostic()),
    }
}

fn select(workdir: &WorkDir, store: &dyn WorkspaceStore, name: &str, or_create: bool, ui: Ui) -> u8 {
    if workdir.workspace_override().is_some() {
        eprintln!("{OVERRIDDEN_SELECT}");
        return 1;
    }
    if !valid_workspace_name(name) {
        eprintln!("{}", invalid_name(name));
        return 1;
    }
    let Some(existing) = listed(store, ui) else { return 1 };
    if name == workdir.workspace() {
        // Already there: Terraform says nothing.
        return 0;
    }
    let found = existing.iter().any(|w| w == name);
    if !found {
        if !or_create {
            eprintln!("\n{}", does_not_exist(name));
            return 1;
        }
        if let Err(e) = store.create(name) {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    }
    if let Err(e) = workdir.select_workspace(name) {
        eprintln!("{e}");
        return 1;
    }
    if found {
        println!("{}", ui.green(&format!("Switched to workspace {}.", quoted(name))));
    } else {
        println!("{}", created(name, ui));
    }
    0
}

fn list(workdir: &WorkDir, store: &dyn WorkspaceStore, ui: Ui) -> u8 {
    if let Err(e @ SelectionError::InvalidOverride) = workdir.checked_workspace() {
        ui.print_diagnostics(&e.to_diagnostic().into());
        return 1;
    }
    let Some(names) = listed(store, ui) else { return 1 };
    let current = workdir.workspace();
    let mut out = String::new();
    for n in &names {
        out.push_str(if *n == current { "* " } else { "  " });
        out.push_str(n);
        out.push('\n');
    }
    println!("{out}");
    if workdir.workspace_override().is_some() {
        println!("{OVERRIDDEN_NOTE}");
    }
    0
}

fn show(workdir: &WorkDir) -> u8 {
    match workdir.checked_workspace() {
        Err(e @ SelectionError::InvalidOverride) => {
            eprintln!("Error selecting workspace: {}", e.message());
            1
        }
        // Terraform shows whatever `.terraform/environment` says.
        _ => {
            println!("{}", workdir.workspace());
            0
        }
    }
}

fn delete(
    workdir: &WorkDir,
    store: &dyn WorkspaceStore,
    name: &str,
    force: bool,
    lock: bool,
    timeout: Duration,
    ui: Ui,
) -> u8 {
    let Some(existing) = listed(store, ui) else { return 1 };
    if !existing.iter().any(|w| w == name) {
        eprintln!("{}", does_not_exist(name));
        return 1;
    }
    let current = match workdir.checked_workspace() {
        Err(e @ SelectionError::InvalidOverride) => {
            eprintln!("Error selecting workspace: {}", e.message());
            return 1;
        }
        _ => workdir.workspace(),
    };
    if name == current {
        eprintln!(
            "Workspace {} is your active workspace.\n\nYou cannot delete the currently active workspace. Please switch\nto another workspace and try again.",
            quoted(name)
        );
        return 1;
    }
    // The state decides whether the workspace is empty; the lock is let go
    // before the files go (Windows cannot remove a locked file).
    let state = if lock {
        store.lock(name, "workspace-delete", timeout).and_then(|held| held.read())
    } else {
        store.read_state(name)
    };
    let state = match state {
        Ok(s) => s,
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    let managed = state.as_ref().map(managed_objects).unwrap_or_default();
    if !managed.is_empty() && !force {
        let list: String = managed.iter().map(|a| format!("\n  - {a}")).collect();
        ui.print_diagnostics(
            &Diagnostic::error("Workspace is not empty")
                .with_detail(format!(
                    "Workspace {} is currently tracking the following resource instances:{list}\n\nDeleting this workspace would cause Strata to lose track of any associated remote objects, which would then require you to delete them manually outside of Strata. You should destroy these objects with Strata before deleting the workspace.\n\nIf you want to delete this workspace anyway, and have Strata forget about these managed objects, use the -force option to disable this safety check.",
                    quoted(name)
                ))
                .into(),
        );
        return 1;
    }
    if name == DEFAULT_WORKSPACE {
        eprintln!("cannot delete default state");
        return 1;
    }
    if let Err(e) = store.delete(name) {
        ui.print_diagnostics(&e.to_diagnostic().into());
        return 1;
    }
    println!("{}", ui.green(&format!("Deleted workspace {}!", quoted(name))));
    if !managed.is_empty() {
        println!(
            "{}",
            yellow(
                ui,
                &format!(
                "WARNING: {} was non-empty.\nThe resources managed by the deleted workspace may still exist,\nbut are no longer manageable by Strata since the state has\nbeen deleted.\n",
                quoted(name)
            ))
        );
    }
    0
}

/// Managed resource instance objects in a state, as Terraform lists them
/// (data sources do not count: forgetting them loses nothing).
fn managed_objects(state: &StateFile) -> Vec<String> {
    let mut out = Vec::new();
    for r in state.resources.iter().filter(|r| r.mode == "managed") {
        for i in &r.instances {
            let addr = super::show_json::instance_addr(r, i);
            match &i.deposed {
                Some(key) => out.push(format!("{addr} (deposed object {key})")),
                None => out.push(addr.to_string()),
            }
        }
    }
    out
}
