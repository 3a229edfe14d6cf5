//! `strata import ADDR ID`: one existing object into the state, through the
//! same engine path as `import` blocks, changing nothing else.

use super::apply::{finish_state, lock_and_resolve, walk, JournalSink};
use super::prepare;
use crate::args::{LockArgs, VarArgs};
use crate::output::Ui;
use crate::workdir::WorkDir;
use std::path::Path;
use std::sync::{Arc, Mutex};
use strata_addrs::ResourceInstanceAddr;
use strata_config::{ModuleTree, TERRAFORM_COMPAT_VERSION};
use strata_core::{EvalMode, Operation, Progress, ResourceEngine, VarArg};
use strata_diag::Diagnostic;
use strata_state::{StateBuilder, StateFile};

#[allow(clippy::too_many_arguments)]
pub fn run(
    workdir: &WorkDir,
    addr_text: &str,
    id: &str,
    vars: &VarArgs,
    var_args: &[VarArg],
    lock: &LockArgs,
    state: Option<&Path>,
    ui: Ui,
) -> u8 {
    let addr = match ResourceInstanceAddr::parse(addr_text) {
        Ok(a) => a,
        Err(e) => {
            ui.print_diagnostics(&Diagnostic::error(e.summary).with_detail(e.detail).into());
            return 1;
        }
    };
    let Some(prepared) = prepare(workdir, EvalMode::Apply, vars, var_args, true, ui) else { return 1 };
    if !declared(&prepared.tree, &addr) {
        let r = &addr.resource;
        ui.print_diagnostics(&Diagnostic::error(format!("resource address {:?} does not exist in the configuration.", addr.to_string())).with_detail(format!("Before importing this resource, please create its configuration in {}. For example:\n\nresource {:?} {:?} {{\n  # (resource arguments)\n}}", if r.module.is_root() { "the root module".to_string() } else { r.module.to_string() }, r.type_name, r.name)).into());
        return 1;
    }
    let store = match workdir.state_store(state) {
        Ok(s) => s,
        Err(d) => {
            ui.print_diagnostics(&d.into());
            return 1;
        }
    };
    let Some(timeout) = super::lock_timeout(lock.lock_timeout.as_deref(), ui) else { return 1 };
    let held = match lock_and_resolve(&prepared, &store, "OperationTypeImport", timeout, ui) {
        Ok(h) => h,
        Err(code) => return code,
    };
    let prior = match store.read() {
        Ok(s) => s,
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    let base = prior.clone().unwrap_or_else(|| StateFile::new(TERRAFORM_COMPAT_VERSION));
    if strata_state::ops::current(&base, &addr).is_some() {
        ui.print_diagnostics(&Diagnostic::error("Resource already managed by Strata").with_detail(format!("Strata is already managing a remote object for {addr}. To import to this address you must first remove the existing object from the state.")).into());
        return 1;
    }
    println!("{}", ui.bold(&format!("{addr}: Importing from ID {id:?}...")));
    let journal = match store.journal(&held, &base) {
        Ok(j) => j,
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    let shared = Arc::new(Mutex::new((journal, StateBuilder::new(base))));
    let registry = crate::providers::registry();
    let graph = strata_core::graph::config_graph(&prepared.tree);
    let needed =
        strata_core::graph::dependency_closure(&graph, &[strata_core::resources::strip_module_keys(&addr.to_string())]);
    let ignore = |_: Progress| {};
    let file = strata_diag::SourceFile::new("<command line>", addr_text);
    let engine = ResourceEngine::new(Operation::Apply, &registry, &prepared.tree.module, prior.as_ref())
        .with_targets(vec![addr.to_string()], needed)
        .with_parallelism(lock.parallelism.unwrap_or(10))
        .with_import(addr.clone(), id.to_string(), strata_diag::Span::new(&file, 0..addr_text.len()))
        .with_sink(Box::new(JournalSink(shared.clone())), &ignore);
    let (_, mut diags) = walk(&prepared, &engine);
    let imported = engine.imported(&addr);
    drop(engine);
    let (journal, built) =
        Arc::try_unwrap(shared).ok().expect("the engine is gone").into_inner().expect("no poisoned locks");
    if !imported && !diags.has_errors() {
        diags.push(Diagnostic::error("Import target not reached").with_detail(format!(
            "{addr} is not an instance the configuration declares (check its count or for_each keys)."
        )));
    }
    let mut next = built.finish();
    next.terraform_version = TERRAFORM_COMPAT_VERSION.to_string();
    let status = finish_state(&store, &held, journal, next, ui);
    ui.print_diagnostics(&diags);
    if diags.has_errors() || status != 0 {
        return 1;
    }
    println!("{}", ui.bold(&format!("{addr}: Import prepared!")));
    println!("  Prepared {} for import", addr.resource.type_name);
    println!("{}", ui.bold(&format!("{addr}: Refreshing state... [id={id}]")));
    println!("\n{}\n", ui.green(&ui.bold("Import successful!")));
    println!("The resources that were imported are shown above. These resources are now in\nyour Strata state and will henceforth be managed by Strata.\n");
    0
}

/// Whether the configuration declares the resource (module instance keys
/// are checked when the walk reaches it).
fn declared(tree: &ModuleTree, addr: &ResourceInstanceAddr) -> bool {
    let mut t = tree;
    for (call, _) in &addr.resource.module.0 {
        match t.children.get(call) {
            Some(child) => t = child,
            None => return false,
        }
    }
    t.module.resources.iter().any(|r| {
        r.mode == strata_config::ResourceMode::Managed
            && r.type_name == addr.resource.type_name
            && r.name == addr.resource.name
    })
}
