//! `strata init`: sets up the backend the configuration names (local files,
//! or `backend "s3"` with `-backend-config` partial settings), and moves the
//! state between backends on `-migrate-state`, keeping its lineage.

use crate::backend::{self, Record};
use crate::output::Ui;
use crate::workdir::workspaces::{LocalWorkspaces, RemoteWorkspaces, WorkspaceStore};
use crate::workdir::WorkDir;
use serde_json::{Map, Value as Json};
use strata_diag::Diagnostic;

pub struct InitArgs {
    pub backend_config: Vec<String>,
    pub reconfigure: bool,
    pub migrate_state: bool,
    pub force_copy: bool,
    pub lock_timeout: std::time::Duration,
    /// Install the module calls (`None`: `-get=false`).
    pub modules: Option<ModuleInstall>,
}

pub struct ModuleInstall {
    pub upgrade: bool,
}

/// Records the built-in provider versions the configuration uses in
/// `.terraform.lock.hcl`, written only when its content changes.
fn lock_providers(
    workdir: &WorkDir,
    tree: &strata_config::ModuleTree,
    upgrade: bool,
    ui: Ui,
) -> Result<(), Diagnostic> {
    let reqs = strata_core::requirements::provider_requirements(tree, &tree.module);
    let required = strata_core::requirements::locked_requirements(&reqs);
    let old = strata_config::LockFile::read(&workdir.dir)?;
    if required.is_empty() && old.is_none() {
        return Ok(());
    }
    println!("{}", ui.bold("Initializing provider plugins..."));
    let registry = crate::providers::registry();
    let (lock, log) = match strata_core::requirements::update_lock_file(old.as_ref(), &required, &registry, upgrade) {
        Ok(x) => x,
        Err(diags) => {
            ui.print_diagnostics(&diags);
            return Err(Diagnostic::error("Failed to lock the providers")
                .with_detail("The dependency lock file selects provider versions Strata does not have (see above)."));
        }
    };
    for line in log {
        println!("{line}");
    }
    if old.as_ref() == Some(&lock) {
        return Ok(());
    }
    lock.write(&workdir.dir)
        .map_err(|e| Diagnostic::error("Failed to write the dependency lock file").with_detail(e))?;
    if old.is_none() {
        println!("\nStrata has created a lock file {} to record the provider\nselections it made above. Include this file in your version control repository\nso that Strata can guarantee to make the same selections by default when\nyou run \"strata init\" in the future.", ui.bold(strata_config::LOCK_FILE_NAME));
    } else {
        println!("\nStrata has made some changes to the provider dependency selections recorded\nin the {} file. Review those changes and commit them to your\nversion control system if they represent changes you intended to make.", ui.bold(strata_config::LOCK_FILE_NAME));
    }
    Ok(())
}

/// `strata get`: the module installation of `init`, alone.
pub fn get(workdir: &WorkDir, upgrade: bool, ui: Ui) -> u8 {
    match install_modules(workdir, &ModuleInstall { upgrade }, ui, false) {
        Ok(()) => 0,
        Err(d) => {
            ui.print_diagnostics(&d.into());
            1
        }
    }
}

/// Installs the modules the configuration calls (remote ones into
/// `.terraform/modules`), printing Terraform's progress lines.
fn install_modules(workdir: &WorkDir, how: &ModuleInstall, ui: Ui, heading: bool) -> Result<(), Diagnostic> {
    let (root, _) = strata_config::load_module(&workdir.dir, "");
    let Some(root) = root else { return Ok(()) };
    if root.module_calls.is_empty() {
        return Ok(());
    }
    if heading {
        println!("{}", ui.bold(if how.upgrade { "Upgrading modules..." } else { "Initializing modules..." }));
    }
    let diags = strata_getter::install_modules(
        &workdir.dir,
        &root,
        &strata_getter::InstallOptions { upgrade: how.upgrade },
        &mut |line| println!("{line}"),
    );
    if diags.has_errors() {
        ui.print_diagnostics(&diags);
        return Err(Diagnostic::error("Failed to install modules").with_detail(
            "Some modules could not be installed (see above); fix the problem, then run strata init again.",
        ));
    }
    if !diags.is_empty() {
        ui.print_diagnostics(&diags);
    }
    Ok(())
}

pub fn run(workdir: &WorkDir, args: &InitArgs, ui: Ui) -> u8 {
    match init(workdir, args, ui) {
        Ok(()) => {
            println!("\n{}\n", ui.green(&ui.bold("Strata has been successfully initialized!")));
            println!("You may now begin working with Strata. Try running \"strata plan\" to see\nany changes that are required for your infrastructure. All Strata commands\nshould now work.");
            0
        }
        Err(d) => {
            ui.print_diagnostics(&d.into());
            1
        }
    }
}

fn init(workdir: &WorkDir, args: &InitArgs, ui: Ui) -> Result<(), Diagnostic> {
    if let Some(how) = &args.modules {
        install_modules(workdir, how, ui, true)?;
    }
    let (tree, diags) = workdir.load();
    if diags.has_errors() {
        ui.print_diagnostics(&diags);
        return Err(
            Diagnostic::error("Invalid configuration").with_detail("Fix the errors above, then run strata init again.")
        );
    }
    let Some(tree) = tree else { return Err(Diagnostic::error("No configuration files")) };
    lock_providers(workdir, &tree, args.modules.as_ref().is_some_and(|m| m.upgrade), ui)?;
    let block = backend::configured_block(&tree.module)?;
    let new = match block {
        None => None,
        Some((kind, _, _)) if kind == "local" => None,
        Some((kind, _, span)) if kind != "s3" => {
            return Err(Diagnostic::error("Unsupported backend type")
                .with_detail(format!(
                "There is no backend type named {kind:?}. Strata keeps state in local files or in S3 (backend \"s3\")."
            ))
                .with_span(span))
        }
        Some((kind, block_config, _)) => {
            let mut config = block_config.clone();
            for entry in &args.backend_config {
                merge_backend_config(&mut config, entry, workdir)?;
            }
            strata_backend_s3::S3Settings::from_json(&config).map_err(|e| {
                Diagnostic::error("Invalid backend configuration")
                    .with_detail(format!("The backend \"s3\" setting {:?}: {}", e.setting, e.message))
            })?;
            Some(Record { kind, config, hash: backend::digest(&block_config) })
        }
    };
    if !args.backend_config.is_empty() && new.is_none() {
        return Err(Diagnostic::error("Invalid backend configuration argument")
            .with_detail("-backend-config was given, but the configuration has no backend block."));
    }
    let old = if args.reconfigure { None } else { backend::read_record(workdir)? };
    println!("{}", ui.bold("Initializing the backend..."));
    if old.is_some() && old == new {
        return Ok(());
    }
    // The same bucket and key under other settings (or Terraform's record of
    // this backend): nothing moves.
    if let (Some(o), Some(n)) = (&old, &new) {
        let parse = |r: &Record| strata_backend_s3::S3Settings::from_json(&r.config).ok();
        if let (Some(a), Some(b)) = (parse(o), parse(n)) {
            if a.same_location(&b) {
                backend::write_record(workdir, new.as_ref())?;
                return Ok(());
            }
        }
    }
    let source: Box<dyn WorkspaceStore> = match &old {
        Some(r) => Box::new(RemoteWorkspaces { backend: backend::connect(r)? }),
        None => Box::new(LocalWorkspaces::new(&workdir.dir)),
    };
    let destination: Box<dyn WorkspaceStore> = match &new {
        Some(r) => Box::new(RemoteWorkspaces { backend: backend::connect(r)? }),
        None => Box::new(LocalWorkspaces::new(&workdir.dir)),
    };
    // Local state found when a backend is first set up: it moves only when asked.
    let with_state = states_of(&*source)?;
    let moving = !with_state.is_empty() && (old != new) && !(args.reconfigure && old.is_none() && new.is_none());
    if moving && !args.migrate_state && !args.reconfigure {
        return Err(Diagnostic::error("Backend configuration changed").with_detail(format!(
            "The state of workspace(s) {} is in the {} backend. Run \"strata init -migrate-state\" to copy it to the new backend (lineage kept), or \"strata init -reconfigure\" to use the new backend without copying.",
            with_state.join(", "),
            old.as_ref().map_or("local", |r| r.kind.as_str())
        )));
    }
    if moving && args.migrate_state {
        for ws in &with_state {
            migrate(&*source, &*destination, ws, args)?;
            println!("Copied the state of workspace {ws:?} to the new backend.");
        }
        if old.is_none() {
            // The local copies are now stale: keep them aside, as Terraform
            // empties them, so that nobody edits the wrong state.
            for ws in &with_state {
                let path = LocalWorkspaces::new(&workdir.dir).state_path(ws);
                let aside = path.with_file_name("terraform.tfstate.migrated");
                std::fs::rename(&path, &aside).map_err(|e| {
                    Diagnostic::error("Failed to set the local state aside")
                        .with_detail(format!("{}: {e}.", path.display()))
                })?;
            }
        }
    }
    backend::write_record(workdir, new.as_ref())?;
    match &new {
        Some(r) => println!(
            "\nSuccessfully configured the backend {:?}! Strata will automatically\nuse this backend unless the backend configuration changes.",
            r.kind
        ),
        None if old.is_some() => println!("\nSuccessfully unset the backend. Strata will now operate locally."),
        None => {}
    }
    Ok(())
}

/// Workspaces that hold objects or outputs.
fn states_of(store: &dyn WorkspaceStore) -> Result<Vec<String>, Diagnostic> {
    let mut out = Vec::new();
    for ws in store.list().map_err(|e| e.to_diagnostic())? {
        if let Some(st) = store.read_state(&ws).map_err(|e| e.to_diagnostic())? {
            if !st.resources.is_empty() || !st.outputs.is_empty() {
                out.push(ws);
            }
        }
    }
    Ok(out)
}

/// Copies one workspace's state, lineage and serial kept; a destination
/// that already holds another state is left alone unless `-force-copy`.
fn migrate(from: &dyn WorkspaceStore, to: &dyn WorkspaceStore, ws: &str, args: &InitArgs) -> Result<(), Diagnostic> {
    let source = from.lock(ws, "OperationTypeMigrate", args.lock_timeout).map_err(|e| e.to_diagnostic())?;
    let Some(state) = source.read().map_err(|e| e.to_diagnostic())? else { return Ok(()) };
    to.create(ws).map_err(|e| e.to_diagnostic())?;
    let target = to.lock(ws, "OperationTypeMigrate", args.lock_timeout).map_err(|e| e.to_diagnostic())?;
    if let Some(existing) = target.read().map_err(|e| e.to_diagnostic())? {
        let empty = existing.resources.is_empty() && existing.outputs.is_empty();
        if !empty && existing.lineage != state.lineage && !args.force_copy {
            return Err(Diagnostic::error("The destination already holds a state").with_detail(format!(
                "Workspace {ws:?} in the new backend has its own state (lineage {:?}). Nothing was copied. Use -force-copy to replace it, or -reconfigure to keep it.",
                existing.lineage
            )));
        }
    }
    target.replace(state).map_err(|e| e.to_diagnostic())?;
    Ok(())
}

/// `-backend-config=KEY=VALUE` or `-backend-config=FILE` (HCL attributes).
fn merge_backend_config(config: &mut Map<String, Json>, entry: &str, workdir: &WorkDir) -> Result<(), Diagnostic> {
    let path = workdir.dir.join(entry);
    if let (Some((k, v)), false) = (entry.split_once('='), path.is_file()) {
        config.insert(k.trim().to_string(), Json::String(v.to_string()));
        return Ok(());
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error("Invalid backend configuration file").with_detail(format!("{}: {e}.", path.display()))
    })?;
    let file = strata_diag::SourceFile::new(entry, text.as_str());
    let body = strata_lang::syntax::parse_body(&file)?;
    config.extend(backend::evaluate_settings(&workdir.dir, &body, &file)?);
    Ok(())
}
