//! `strata taint ADDR` and `strata untaint ADDR`: mark a resource
//! instance's object for replacement at the next apply, or clear the mark.
//! (`apply -replace=ADDR` is the better tool: it shows the replacement in a
//! plan before the shared state changes.)

use super::state::state_store;
use crate::args::TaintArgs;
use crate::output::Ui;
use crate::workdir::WorkDir;
use strata_addrs::ResourceInstanceAddr;
use strata_config::TERRAFORM_COMPAT_VERSION;
use strata_diag::Diagnostic;
use strata_state::{ops, StateFile};

pub fn run(workdir: &WorkDir, args: &TaintArgs, taint: bool, ui: Ui) -> u8 {
    let addr = match ResourceInstanceAddr::parse(&args.address) {
        Ok(a) => a,
        Err(e) => {
            ui.print_diagnostics(
                &Diagnostic::error(e.summary.clone())
                    .with_detail(format!("{} (in the address {})", e.detail, super::state::go_quote(&args.address)))
                    .into(),
            );
            return 1;
        }
    };
    let operation = if taint { "taint" } else { "untaint" };
    let store = state_store(workdir, args.write.state.as_deref());
    let out = args.state_out.as_deref().map(|p| state_store(workdir, Some(p)));
    let Some(lock) = store.lock_for_write(operation, &args.write, ui) else { return 1 };
    let out_lock = match &out {
        Some(o) if !o.same_place(&store) => match o.lock_for_write(operation, &args.write, ui) {
            Some(l) => Some(l),
            None => return 1,
        },
        _ => None,
    };
    let st = match store.read() {
        Ok(s) => s.unwrap_or_else(|| StateFile::new(TERRAFORM_COMPAT_VERSION)),
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    if args.allow_missing && !ops::instances(&st).contains(&addr) {
        ui.print_diagnostics(
            &Diagnostic::warning("No such resource instance")
                .with_detail(format!(
                    "Resource instance {addr} was not found, but this is not an error because -allow-missing was set."
                ))
                .into(),
        );
        return 0;
    }
    let mut next = st;
    if let Err(e) = ops::set_tainted(&mut next, &addr, taint) {
        ui.print_diagnostics(&Diagnostic::error(e.summary).with_detail(e.detail).into());
        return 1;
    }
    let (target, target_lock) = match (&out, &out_lock) {
        (Some(o), Some(l)) => (o, l),
        _ => (&store, &lock),
    };
    if let Err(e) = target.write(target_lock, next, args.write.backup.as_deref()) {
        ui.print_diagnostics(
            &Diagnostic::error("Error writing state file").with_detail(e.to_diagnostic().detail).into(),
        );
        return 1;
    }
    if taint {
        println!("Resource instance {addr} has been marked as tainted.");
    } else {
        println!("Resource instance {addr} has been successfully untainted.");
    }
    0
}
