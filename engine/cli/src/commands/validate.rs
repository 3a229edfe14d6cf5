//! `strata validate [-json]`

use crate::output::Ui;
use crate::workdir::WorkDir;
use strata_config::ModuleTree;
use strata_core::validate::ProviderSchemas;
use strata_core::{validate_root, EvalMode, EvalSettings};
use strata_diag::Diagnostics;
use strata_lang::Functions;

pub fn run(workdir: &WorkDir, json: bool, ui: Ui) -> u8 {
    let diags = validate(workdir).sorted();
    if json {
        let v = serde_json::json!({
            "format_version": "1.0",
            "valid": !diags.has_errors(),
            "error_count": diags.error_count(),
            "warning_count": diags.warning_count(),
            "diagnostics": diags.iter().map(|d| d.to_json()).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v).expect("json"));
    } else {
        ui.print_diagnostics(&diags);
        if !diags.has_errors() {
            println!("{}", ui.green(&ui.bold("Success! The configuration is valid.")));
        }
    }
    u8::from(diags.has_errors())
}

/// Loads and evaluates with unknown root variables: everything that can be
/// checked without input values or state, resource bodies against their
/// providers' schemas included.
pub fn validate(workdir: &WorkDir) -> Diagnostics {
    let (tree, mut diags) = workdir.load();
    let Some(tree) = tree else { return diags };
    if diags.has_errors() {
        return diags;
    }
    diags.extend(validate_tree(workdir, &tree));
    diags
}

/// The validate walk over a loaded tree; plan, apply and destroy run it
/// first and stop on its errors, as Terraform's local backend does.
pub fn validate_tree(workdir: &WorkDir, tree: &ModuleTree) -> Diagnostics {
    let settings = EvalSettings {
        mode: EvalMode::Validate,
        workspace: workdir.workspace(),
        cwd: workdir.dir.clone(),
        plan_timestamp: None,
    };
    let registry = crate::providers::registry();
    let schemas = ProviderSchemas::new(&registry, &tree.module);
    validate_root(tree, &settings, &Functions::builtin(), &schemas)
}
