//! `strata plan`, and the plan half of `apply` and `destroy`: the validate
//! walk, `moved` blocks, the plan walk — which yields a [`Plan`] — and
//! its human or machine-readable rendering. `-out` saves the plan.

use super::Prepared;
use crate::args::LockArgs;
use crate::output::Ui;
use crate::plan_view;
use crate::progress_view::ProgressView;
use crate::workdir::WorkDir;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use strata_config::TERRAFORM_COMPAT_VERSION;
use strata_core::plan::{output_changes, output_value, ConfigSnapshot, OutputChange, PlanOptions, StateVersion};
use strata_core::plan_file::SavedPlan;
use strata_core::{Action, Operation, Plan, Progress, ResourceEngine};
use strata_diag::{Diagnostic, Diagnostics};
use strata_state::StateFile;

/// What `plan`, `apply` and `destroy` ask of a plan.
pub struct PlanRequest<'a> {
    pub destroy: bool,
    pub lock: &'a LockArgs,
    /// `-generate-config-out`: configuration for import targets without one.
    pub generate_config: bool,
    /// What the validate walk (`validate::validate_tree`) reported.
    pub validated: Diagnostics,
    /// No live progress (`strata test` shows runs, not operations).
    pub quiet: bool,
    /// The providers to plan with (`strata test`'s mocks and overrides);
    /// the linked ones when `None`.
    pub providers: Option<&'a ProviderSet>,
}

/// Providers other than the linked ones: a registry (mocks in it) and the
/// resources served by providers of their own (by address without keys).
pub struct ProviderSet {
    pub registry: strata_provider::Registry,
    pub overrides: std::collections::HashMap<String, std::sync::Arc<dyn strata_provider::Provider>>,
}

/// A plan walk's outcome.
pub struct Planned {
    pub plan: Plan,
    /// Everything the walk reported, warnings included, in the order
    /// Terraform prints them after the plan.
    pub diags: Diagnostics,
    /// Configuration generated for import targets (`-generate-config-out`).
    pub generated: Vec<String>,
    /// What the walk evaluated (its outputs and variables moved into the plan).
    pub result: strata_core::ModuleResult,
}

/// Makes the plan: the validate walk's errors (in `req`) stop here, as
/// Terraform stops; then `moved` blocks and the plan walk. `Err`: an exit
/// code, the problem already printed.
pub fn make_plan(
    workdir: &WorkDir,
    prepared: &Prepared,
    stored: Option<StateFile>,
    req: &PlanRequest,
    ui: Ui,
) -> Result<Planned, u8> {
    plan_walk(workdir, prepared, stored, req, ui).map_err(|diags| {
        ui.print_diagnostics(&diags);
        1
    })
}

/// [`make_plan`], printing nothing but progress: `Err` holds the
/// diagnostics that stopped it before the plan walk.
pub fn plan_walk(
    workdir: &WorkDir,
    prepared: &Prepared,
    stored: Option<StateFile>,
    req: &PlanRequest,
    ui: Ui,
) -> Result<Planned, Diagnostics> {
    if req.validated.has_errors() {
        let mut diags = prepared.diags.clone();
        diags.extend(req.validated.clone());
        return Err(diags);
    }
    let lock = req.lock;
    let base = stored.as_ref().map(|s| StateVersion { lineage: s.lineage.clone(), serial: s.serial });
    // `moved` blocks rename objects in the prior state before planning.
    // (Checked even without a state: a bad block is an error either way.)
    // (The prior state moves in and out: a copy would double a large state.)
    let mut move_diags = Diagnostics::new();
    let had_prior = stored.is_some();
    let mut moved_state = stored.unwrap_or_else(|| StateFile::new(TERRAFORM_COMPAT_VERSION));
    let moves = strata_core::moves::apply_moves(&prepared.tree, &mut moved_state, &mut move_diags);
    let prior = had_prior.then_some(moved_state);
    let removals = strata_core::moves::removals(&prepared.tree, &mut move_diags);
    if move_diags.has_errors() {
        return Err(move_diags);
    }
    let linked;
    let (registry, overrides) = match req.providers {
        Some(p) => (&p.registry, p.overrides.clone()),
        None => {
            linked = crate::providers::registry();
            (&linked, Default::default())
        }
    };
    let plan_op = if req.destroy { Operation::Destroy { apply: false } } else { Operation::Plan };
    let targets = lock.target.clone();
    let needed = target_closure(&prepared.tree, &targets);
    let refresh = lock.refresh.unwrap_or(true);
    let refresh_view = ProgressView::new(ui);
    let plan_progress = |p: Progress| {
        if !req.quiet {
            refresh_view.print(&p);
        }
    };
    let engine = ResourceEngine::new(plan_op, registry, &prepared.tree.module, prior.as_ref())
        .with_progress(&plan_progress)
        .with_targets(targets.clone(), needed.clone())
        .with_refresh_only(lock.refresh_only)
        .with_refresh(refresh)
        .with_parallelism(lock.parallelism.unwrap_or(10))
        .with_replace(lock.replace.clone())
        .with_moves(moves.clone())
        .with_removals(removals)
        .with_generate_config(req.generate_config)
        .with_provider_overrides(overrides);
    let (mut result, mut diags) = super::apply::walk(prepared, &engine);
    diags.extend(move_diags);
    let generated = if diags.has_errors() { Vec::new() } else { engine.generated_config() };
    for a in engine.unmatched_replace() {
        diags.push(Diagnostic::warning("Replacement address matches nothing").with_detail(format!(
            "-replace={a} names no resource instance in the configuration or state, so nothing is replaced because of it. Check the address (instances look like aws_instance.web[0] or module.app.aws_instance.web[\"a\"])."
        )));
    }
    let changes = engine.take_changes();
    let drift = engine.drift();
    let checks = engine.check_results_json();
    diags.extend(prepared.diags.clone());
    if !targets.is_empty() {
        diags.push(Diagnostic::warning("Resource targeting is in effect").with_detail(
            "You are creating a plan with -target, which may not apply all of the changes your configuration calls for. Use it for exceptional situations only, such as recovering from errors or mistakes.",
        ));
    }
    let errored = diags.has_errors();
    let forgotten: Vec<String> =
        changes.iter().filter(|c| c.action == Action::Forget).map(|c| format!(" - {}", c.addr)).collect();
    if !forgotten.is_empty() {
        diags.push(Diagnostic::warning("Some objects will no longer be managed by Strata").with_detail(format!(
            "If you apply this plan, Strata will discard its tracking information for the following objects, but it will not delete them:\n{}\n\nAfter applying this plan, Strata will no longer manage these objects. You will need to import them into Strata to manage them again.",
            forgotten.join("\n")
        )));
    }
    let mut outputs = if req.destroy { BTreeMap::new() } else { std::mem::take(&mut result.outputs) };
    let mut output_changes = output_changes(prior.as_ref(), &outputs);
    if !targets.is_empty() {
        // Only outputs that depend solely on targeted objects are planned;
        // the others keep their stored values (and a targeted destroy
        // leaves every output alone).
        let included = strata_core::graph::outputs_of_targeted_plan(&prepared.tree, &needed);
        outputs.retain(|name, _| included.contains(name));
        output_changes.retain(|c| outputs.contains_key(&c.name));
    }
    let relevant_attributes = super::config_json::relevant_attributes(
        &prepared.tree,
        &changes,
        &output_changes.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
    );
    // The plan's prior state: the stored one (after moves) as refreshing
    // found it. The engine borrows the stored state, so it goes first.
    let refreshed = engine.refreshed();
    drop(engine);
    // (Without a state yet, data sources read while planning start one.)
    let refreshed = match prior {
        Some(p) => Some(refreshed.fold_into(p)),
        None if !refreshed.is_empty() => Some(refreshed.fold_into(StateFile::new(TERRAFORM_COMPAT_VERSION))),
        None => None,
    };
    let plan = Plan {
        options: PlanOptions {
            destroy: req.destroy,
            refresh,
            refresh_only: lock.refresh_only,
            replace: lock.replace.clone(),
            targets,
            workspace: workdir.workspace(),
            timestamp: prepared.settings.plan_timestamp.clone().unwrap_or_else(strata_state::now_rfc3339),
        },
        base,
        prior_state: refreshed,
        moved: !moves.is_empty(),
        changes,
        drift,
        outputs,
        output_changes,
        variables: prepared.raw_vars.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect(),
        variable_values: std::mem::take(&mut result.variables),
        checks,
        errored,
        config: ConfigSnapshot::of(
            &prepared.tree,
            strata_config::ModuleManifest::read(&workdir.dir).ok().flatten().as_ref(),
        ),
        configuration: Some(super::config_json::configuration(&prepared.tree, registry)),
        relevant_attributes,
    };
    Ok(Planned { plan, diags, generated, result })
}

/// The configuration items `-target` addresses need (their dependency
/// closure in the configuration graph); empty without targets.
pub fn target_closure(tree: &strata_config::ModuleTree, targets: &[String]) -> HashSet<String> {
    if targets.is_empty() {
        return HashSet::new();
    }
    let graph = strata_core::graph::config_graph(tree);
    let start: Vec<String> = targets.iter().map(|t| strata_core::resources::strip_module_keys(t)).collect();
    strata_core::graph::dependency_closure(&graph, &start)
}

/// Prints the plan as Terraform does (drift, changes, outputs, summary), or
/// as its machine-readable stream with `-json`.
pub fn render(plan: &Plan, refresh_only: bool, ui: Ui) {
    let has_changes = plan.has_changes();
    if ui.json {
        json_plan(plan);
        return;
    }
    print!("{}", plan_view::render_drift(&plan.drift, &plan.relevant_attributes, refresh_only, has_changes, ui));
    let resource_text = plan_view::render_plan(&plan.changes, plan.errored, ui);
    print!("{resource_text}");
    print_output_changes(&plan.output_changes, resource_text.is_empty());
    if !has_changes && plan.errored {
        println!("\n{}\n", ui.bold("Planning failed. Strata encountered an error while generating this plan."));
    } else if !has_changes && refresh_only {
        println!("\n{}\n", ui.bold("No changes. Your infrastructure still matches the configuration."));
        println!("Strata has checked that the real remote objects still match the result of\nyour most recent changes, and found no differences.");
    } else if !has_changes {
        println!("\n{}\n", ui.bold("No changes. Your infrastructure matches the configuration."));
        println!("Strata has compared your real infrastructure against your configuration and found no differences, so no changes are needed.");
    }
}

/// `plan -out=FILE`.
pub fn save(path: &Path, plan: &Plan, ui: Ui) -> Result<(), u8> {
    let saved = SavedPlan::from_plan(plan);
    std::fs::write(path, serde_json::to_string(&saved).expect("plan serializes")).map_err(|e| {
        ui.print_diagnostics(
            &Diagnostic::error("Failed to write plan file").with_detail(format!("{}: {e}.", path.display())).into(),
        );
        1
    })
}

/// `-generate-config-out`: writes the generated configuration to a new file.
pub fn write_generated(path: &Path, generated: &[String], ui: Ui) -> Result<(), u8> {
    let text = format!(
        "# __generated__ by Strata\n# Please review these resources and move them into your main configuration files.\n\n{}",
        generated.join("\n")
    );
    std::fs::write(path, text).map_err(|e| {
        ui.print_diagnostics(
            &Diagnostic::error("Failed to write generated configuration")
                .with_detail(format!("{}: {e}.", path.display()))
                .into(),
        );
        1
    })
}

/// Where `-generate-config-out` writes: refused when the file exists.
pub fn generated_path(workdir: &WorkDir, out: Option<&PathBuf>, ui: Ui) -> Result<Option<PathBuf>, u8> {
    let Some(p) = out.map(|p| workdir.dir.join(p)) else { return Ok(None) };
    if p.exists() {
        ui.print_diagnostics(&Diagnostic::error("Target generated file already exists").with_detail("Strata can only write generated config into a new file. Either choose a different target location or move all existing configuration out of the target file, delete it and try again.").into());
        return Err(1);
    }
    Ok(Some(p))
}

/// The plan as Terraform's machine-readable UI lines.
fn json_plan(plan: &Plan) {
    for d in &plan.drift {
        crate::json_view::drift(&d.addr, d.after.is_null());
    }
    for c in plan.changes.iter().filter(|c| c.shown()) {
        crate::json_view::planned_change(c);
    }
    let n = plan_view::counts(&plan.changes);
    crate::json_view::change_summary(n.import, n.add, n.change, n.destroy);
    let empty = BTreeMap::new();
    let before = plan.prior_state.as_ref().map_or(&empty, |p| &p.outputs);
    let mut names: Vec<&String> = before.keys().chain(plan.outputs.keys()).collect();
    names.sort();
    names.dedup();
    let entries: Vec<(String, bool, &str)> = names
        .into_iter()
        .map(|name| {
            let changed = plan.output_changes.iter().find(|c| &c.name == name);
            let action = match changed {
                None => "noop",
                Some(c) if c.before.is_none() => "create",
                Some(c) if c.after.is_none() => "delete",
                Some(_) => "update",
            };
            let sensitive =
                plan.outputs.get(name).map_or_else(|| before.get(name).is_some_and(|b| b.sensitive), |o| o.sensitive);
            (name.clone(), sensitive, action)
        })
        .collect();
    crate::json_view::outputs(&entries);
}

pub fn print_output_changes(changes: &[OutputChange], outputs_only: bool) {
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
                    indent_rest(&plan_view::show(&output_value(b)), 4),
                    indent_rest(&plan_view::show(v), 4)
                )
            }
            (Some(b), None) => println!("  - {name} = {} -> null", indent_rest(&plan_view::show(&output_value(b)), 4)),
            (None, None) => {}
        }
    }
    if outputs_only {
        println!("\nYou can apply this plan to save these new output values to the Terraform");
        println!("state, without changing any real infrastructure.");
    }
}

fn indent_rest(s: &str, n: usize) -> String {
    s.replace('\n', &format!("\n{}", " ".repeat(n)))
}
