//! Adopting existing objects: `import` blocks (with `for_each`), planned as
//! imports and applied into state; `plan -generate-config-out` for targets
//! without configuration; and the `strata import ADDR ID` command.

use crate::support::{run, terraform, terraform_available, TempDir};

const CONFIG: &str = r#"
import {
  to = terraform_data.x
  id = "abc-123"
}
resource "terraform_data" "x" {
}
locals {
  keys = toset(["a", "b"])
}
import {
  for_each = local.keys
  to       = terraform_data.y[each.key]
  id       = "id-${each.key}"
}
resource "terraform_data" "y" {
  for_each = local.keys
  input    = "v"
}
"#;

const UNCONFIGURED: &str = r#"
import {
  to = terraform_data.z
  id = "zz"
}
"#;

#[test]
fn import_blocks_are_planned_applied_and_then_quiet() {
    let d = TempDir::with_files("import-blocks", &[("main.tf", CONFIG)]);
    let plan = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    for text in [
        "  # terraform_data.x will be imported\n    resource \"terraform_data\" \"x\" {\n        id = \"abc-123\"\n    }\n",
        "  # terraform_data.y[\"a\"] will be updated in-place\n  # (imported from \"id-a\")\n  ~ resource \"terraform_data\" \"y\" {\n        id     = \"id-a\"\n      + input  = \"v\"\n",
        "Plan: 3 to import, 0 to add, 2 to change, 0 to destroy.",
    ] {
        assert!(plan.stdout.contains(text), "missing {text:?} in\n{}", plan.stdout);
    }
    let apply = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert!(
        apply.stdout.contains("Apply complete! Resources: 3 imported, 0 added, 2 changed, 0 destroyed."),
        "{}",
        apply.stdout
    );
    let list = run(d.path(), &["state", "list"]).stdout;
    assert_eq!(list, "terraform_data.x\nterraform_data.y[\"a\"]\nterraform_data.y[\"b\"]\n");
    let again = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(again.code, 0, "imported objects stay; the blocks do nothing more:\n{}", again.transcript());
}

#[test]
fn targets_without_configuration_need_generated_config() {
    let d = TempDir::with_files("import-generate", &[("main.tf", UNCONFIGURED)]);
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(plan.code, 1);
    assert!(plan.stderr.contains("Configuration for import target does not exist"), "{}", plan.stderr);

    let plan = run(d.path(), &["plan", "-no-color", "-generate-config-out=generated.tf"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains("  # terraform_data.z will be imported\n"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy."), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("Strata has generated configuration and written it to generated.tf."),
        "{}",
        plan.stdout
    );
    let generated = std::fs::read_to_string(d.path().join("generated.tf")).unwrap();
    assert_eq!(
        generated,
        "# __generated__ by Strata\n# Please review these resources and move them into your main configuration files.\n\n# __generated__ by Strata from \"zz\"\nresource \"terraform_data\" \"z\" {\n  input            = null\n  triggers_replace = null\n}\n"
    );
    // A second run refuses to overwrite the file.
    let again = run(d.path(), &["plan", "-no-color", "-generate-config-out=generated.tf"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("Target generated file already exists"), "{}", again.stderr);
    let apply = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert_eq!(run(d.path(), &["state", "list"]).stdout, "terraform_data.z\n");
}

#[test]
fn the_import_command_adopts_one_object() {
    let config =
        "resource \"terraform_data\" \"x\" {\n}\nresource \"random_integer\" \"n\" {\n  min = 1\n  max = 10\n}\n";
    let d = TempDir::with_files("import-command", &[("main.tf", config)]);
    let out = run(d.path(), &["import", "-no-color", "terraform_data.x", "abc"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stdout.starts_with("terraform_data.x: Importing from ID \"abc\"...\n"), "{}", out.stdout);
    assert!(out.stdout.contains("Import successful!"), "{}", out.stdout);
    let out = run(d.path(), &["import", "-no-color", "random_integer.n", "7,1,10"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let plan = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "both imported objects match their configuration:\n{}", plan.transcript());
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap()).unwrap();
    let n = state["resources"].as_array().unwrap().iter().find(|r| r["name"] == "n").expect("random_integer.n");
    assert_eq!(n["instances"][0]["attributes"]["result"], 7);

    let again = run(d.path(), &["import", "-no-color", "terraform_data.x", "abc"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("Resource already managed by Strata"), "{}", again.stderr);
    let missing = run(d.path(), &["import", "-no-color", "terraform_data.q", "abc"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("resource address \"terraform_data.q\" does not exist in the configuration."),
        "{}",
        missing.stderr
    );
    let bad = run(d.path(), &["import", "-no-color", "random_integer.n[", "1"]);
    assert_eq!(bad.code, 1);
    assert!(!bad.stderr.contains("panicked"), "{}", bad.stderr);
}

#[test]
fn terraform_plans_the_same_imports() {
    if !terraform_available() {
        return;
    }
    let d = TempDir::with_files("import-tf", &[("main.tf", CONFIG)]);
    assert!(terraform(d.path(), &["init", "-no-color"]).status.success());
    let theirs = String::from_utf8_lossy(&terraform(d.path(), &["plan", "-no-color"]).stdout).to_string();
    let ours = run(d.path(), &["plan", "-no-color"]).stdout;
    let section = |text: &str| -> String {
        let start = text.find("  # terraform_data.x").expect("a plan");
        let end = text.find("Plan: ").expect("a summary");
        text[start..end].to_string()
    };
    assert_eq!(section(&ours), section(&theirs));
    assert!(theirs.contains("Plan: 3 to import, 0 to add, 2 to change, 0 to destroy."));
}
