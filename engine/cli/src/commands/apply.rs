//! `strata plan` and `strata apply` — for now, configurations whose changes
//! are output values only; resources arrive with the planning engine.

use super::load_and_evaluate;
use crate::args::{LockArgs, VarArgs};
use crate::output::Ui;
use crate::workdir::{parse_duration, WorkDir};
use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use strata_config::{ModuleTree, TERRAFORM_COMPAT_VERSION};
use strata_core::{EvalMode, VarArg};
use strata_diag::{Diagnostic, Diagnostics};
use strata_lang::render::console;
use strata_lang::Value;
use strata_state::{LocalState, OutputState, StateFile};

pub enum Mode {
    Plan { detailed_exitcode: bool },
    Apply { auto_approve: bool },
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
    let Some(ev) = load_and_evaluate(workdir, EvalMode::Apply, vars, var_args, true, ui) else { return 1 };
    if let Some(d) = unsupported_resources(&ev.tree) {
        ui.print_diagnostics(&d.into());
        return 1;
    }
    let store = LocalState::new(workdir.state_path(state));
    let timeout = match lock.lock_timeout.as_deref().map(parse_duration) {
        None => std::time::Duration::ZERO,
        Some(Some(d)) => d,
        Some(None) => {
            ui.print_diagnostics(
                &Diagnostic::error("Invalid -lock-timeout").with_detail("Use a duration like 30s, 5m or 1h.").into(),
            );
            return 1;
        }
    };
    let operation = if matches!(mode, Mode::Plan { .. }) { "OperationTypePlan" } else { "OperationTypeApply" };
    let held = if lock.lock.unwrap_or(true) {
        match store.lock(operation, timeout, TERRAFORM_COMPAT_VERSION) {
            Ok(l) => Some(l),
            Err(e) => {
                ui.print_diagnostics(&e.to_diagnostic().into());
                return 1;
            }
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
    let changes = output_changes(prior.as_ref(), &ev.result.outputs);
    print_plan(&changes, ui);
    match mode {
        Mode::Plan { detailed_exitcode } => {
            if detailed_exitcode && !changes.is_empty() {
                2
            } else {
                0
            }
        }
        Mode::Apply { auto_approve } => {
            if !changes.is_empty() && !auto_approve && !confirm(vars, ui) {
                return 1;
            }
            let mut next = prior.clone().unwrap_or_else(|| StateFile::new(TERRAFORM_COMPAT_VERSION));
            next.terraform_version = TERRAFORM_COMPAT_VERSION.to_string();
            next.outputs = ev
                .result
                .outputs
                .iter()
                .filter(|(_, o)| !o.value.is_null())
                .map(|(k, o)| (k.clone(), output_state(&o.value, o.sensitive)))
                .collect();
            let lock_guard = match held {
                Some(l) => l,
                None => match store.lock(operation, timeout, TERRAFORM_COMPAT_VERSION) {
                    Ok(l) => l,
                    Err(e) => {
                        ui.print_diagnostics(&e.to_diagnostic().into());
                        return 1;
                    }
                },
            };
            if let Err(e) = store.write(&lock_guard, next) {
                ui.print_diagnostics(&e.to_diagnostic().into());
                return 1;
            }
            drop(lock_guard);
            println!("\n{}\n", ui.green(&ui.bold("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.")));
            print_outputs(&ev.result.outputs, ui);
            0
        }
    }
}

fn unsupported_resources(tree: &ModuleTree) -> Option<Diagnostic> {
    let mut stack = vec![tree];
    while let Some(t) = stack.pop() {
        if let Some(r) = t.module.resources.first() {
            return Some(
                Diagnostic::error("Resources are not supported yet")
                    .with_detail(format!(
                        "This version of Strata evaluates variables, locals, modules and outputs, but cannot plan resources yet; {} is a resource. Use `strata validate` to check this configuration.",
                        r.address()
                    ))
                    .with_span(r.span.clone()),
            );
        }
        stack.extend(t.children.values());
    }
    None
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
                let s = output_state(&a.value, a.sensitive);
                s.value == b.value && s.ty == b.ty && s.sensitive == b.sensitive
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

fn print_plan(changes: &[OutputChange], ui: Ui) {
    if changes.is_empty() {
        println!("\n{}\n", ui.bold("No changes. Your infrastructure matches the configuration."));
        println!("Strata has compared your real infrastructure against your configuration and found no differences, so no changes are needed.");
        return;
    }
    println!("\nChanges to Outputs:");
    let width = changes.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in changes {
        let name = format!("{:width$}", c.name);
        match (&c.before, &c.after) {
            (None, Some((v, _))) => println!("  + {name} = {}", indent_rest(&console(v), 4)),
            (Some(b), Some((v, _))) => println!(
                "  ~ {name} = {} -> {}",
                indent_rest(&console(&state_value(b)), 4),
                indent_rest(&console(v), 4)
            ),
            (Some(b), None) => println!("  - {name} = {} -> null", indent_rest(&console(&state_value(b)), 4)),
            (None, None) => {}
        }
    }
    println!("\nYou can apply this plan to save these new output values to the Terraform");
    println!("state, without changing any real infrastructure.");
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

fn confirm(vars: &VarArgs, ui: Ui) -> bool {
    let interactive = vars.input.unwrap_or(true) && std::io::stdin().is_terminal();
    if !interactive {
        let d: Diagnostics = Diagnostic::error("No confirmation given")
            .with_detail("Strata asks for confirmation before applying. Run with -auto-approve to apply without asking, or run it in a terminal.")
            .into();
        ui.print_diagnostics(&d);
        return false;
    }
    print!(
        "\n{}\n  Strata will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  {}",
        ui.bold("Do you want to perform these actions?"),
        ui.bold("Enter a value: ")
    );
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    if line.trim() == "yes" {
        return true;
    }
    ui.print_diagnostics(&Diagnostic::error("Apply cancelled").with_detail("Only 'yes' approves.").into());
    false
}
