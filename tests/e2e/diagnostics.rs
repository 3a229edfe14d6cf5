//! The corpus of bad inputs under tests/bad-inputs: every case must give
//! clear diagnostics (snapshotted), never a panic or a hang. Generated
//! inputs (invalid UTF-8, deep nesting, a 20 MB file) are checked too.

use crate::support::{repo_root, run, terraform, terraform_available, TempDir};
use serde_json::Value as Json;

#[test]
fn bad_input_corpus_diagnostics() {
    let corpus = repo_root().join("tests").join("bad-inputs");
    let mut cases: Vec<_> =
        std::fs::read_dir(&corpus).expect("corpus").filter_map(|e| e.ok()).map(|e| e.path()).collect();
    cases.sort();
    assert!(cases.len() >= 15, "the corpus should stay broad");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let out = run(&case, &["validate", "-no-color"]);
        assert_eq!(out.code, 1, "{name} should fail validation:\n{}", out.transcript());
        assert!(out.stderr.contains("Error: "), "{name}: {}", out.stderr);
        insta::assert_snapshot!(format!("bad_input__{name}"), out.transcript());
        let json = run(&case, &["validate", "-json"]);
        let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("validate -json prints JSON");
        assert_eq!(v["valid"], false, "{name}");
        assert!(v["error_count"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn secrets_never_appear_in_diagnostics() {
    let case = repo_root().join("tests/bad-inputs/sensitive-output");
    let out = run(&case, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 1);
    assert!(!out.transcript().contains("hunter2"), "{}", out.transcript());
}

#[test]
fn invalid_utf8_is_located() {
    let d = TempDir::new("utf8");
    std::fs::write(d.path().join("main.tf"), b"output \"x\" {\n  value = \"caf\xe9\"\n}\n").unwrap();
    let out = run(d.path(), &["validate", "-no-color"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("Invalid character encoding") && out.stderr.contains("main.tf:2:"), "{}", out.stderr);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let d = TempDir::new("deep");
    let deep = format!("output \"x\" {{\n  value = {}1{}\n}}\n", "[".repeat(1000), "]".repeat(1000));
    d.write("main.tf", &deep);
    let out = run(d.path(), &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("Too deeply nested"), "{}", out.stderr);
    let parens = format!("output \"x\" {{\n  value = {}1{}\n}}\n", "(".repeat(1000), ")".repeat(1000));
    d.write("main.tf", &parens);
    let out = run(d.path(), &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
}

#[test]
fn a_20_mb_file_validates() {
    let d = TempDir::new("big");
    // Twenty 1 MiB strings plus a thousand small blocks: large, and quick
    // enough for a debug build.
    let mut s = String::with_capacity(21 << 20);
    for i in 0..20 {
        s.push_str(&format!("locals {{\n  blob_{i} = \"{}\"\n}}\n", "x".repeat(1 << 20)));
    }
    for i in 0..1000 {
        s.push_str(&format!("output \"o{i}\" {{\n  value = local.blob_{} == \"\" ? {i} : 0\n}}\n", i % 20));
    }
    d.write("main.tf", &s);
    let out = run(d.path(), &["validate", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
}

#[test]
fn plan_reports_resource_arguments_as_validate_does() {
    let case = repo_root().join("tests/bad-inputs/resource-arguments/main.tf");
    let d = TempDir::with_files("resource-arguments", &[("main.tf", &std::fs::read_to_string(case).unwrap())]);
    let validate = run(d.path(), &["validate", "-no-color"]);
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert_eq!(plan.stderr, validate.stderr);
    // Terraform's ranges: the argument's name, the `{` of a body missing one.
    assert!(plan.stderr.contains("[main.tf:4:3]") && plan.stderr.contains("[main.tf:13:36]"), "{}", plan.stderr);
}

/// One resource fails its precondition (a plan-time error); the others plan.
const PARTLY_PLANNABLE: &str = r#"variable "ready" {
  default = false
}

resource "terraform_data" "a" {
  input = "a"
}

resource "terraform_data" "b" {
  input = "b"
  lifecycle {
    precondition {
      condition     = var.ready
      error_message = "b is not ready."
    }
  }
}

resource "terraform_data" "c" {
  input = terraform_data.a.output
}

output "x" {
  value = terraform_data.a.input
}
"#;

/// `-json` UI lines without their timestamps and version message: the
/// message type and text, and the diagnostic's summary, detail and range.
fn ui_lines(stdout: &str) -> Vec<Json> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Json>(l).ok())
        .filter(|v| v["type"] != "version")
        .map(|v| {
            let d = &v["diagnostic"];
            serde_json::json!([v["type"], v["@message"], d["summary"], d["detail"], d["range"]])
        })
        .collect()
}

#[test]
fn a_plan_that_fails_part_way_shows_what_it_planned() {
    let d = TempDir::with_files("partial-plan", &[("main.tf", PARTLY_PLANNABLE)]);
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(
        plan.stdout.contains("Strata planned the following actions, but then encountered a problem:\n"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("# terraform_data.a will be created"), "{}", plan.stdout);
    assert!(plan.stdout.contains("# terraform_data.c will be created"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("terraform_data.b will"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 2 to add, 0 to change, 0 to destroy.\n\nChanges to Outputs:\n  + x = \"a\""));
    assert!(!plan.stdout.contains("-out option"), "{}", plan.stdout);
    assert!(plan.stderr.contains("Error: Resource precondition failed"), "{}", plan.stderr);
    // apply shows the same partial plan, asks nothing and changes nothing.
    let apply = run(d.path(), &["apply", "-no-color"]);
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(apply.stdout.contains("but then encountered a problem"), "{}", apply.stdout);
    assert!(!apply.stdout.contains("Enter a value") && !d.path().join("terraform.tfstate").exists());
    // Nothing planned: plan says planning failed, apply shows nothing.
    let ready = "variable \"ready\" {\n  default = false\n}\n";
    let only_b = &PARTLY_PLANNABLE[PARTLY_PLANNABLE.find("resource \"terraform_data\" \"b\"").unwrap()..];
    let only_b = &only_b[..only_b.find("resource \"terraform_data\" \"c\"").unwrap()];
    d.write("main.tf", &format!("{ready}{only_b}"));
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert_eq!(plan.stdout, "\nPlanning failed. Strata encountered an error while generating this plan.\n\n");
    let apply = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!((apply.code, apply.stdout.contains("Planning failed")), (1, false), "{}", apply.transcript());
}

#[test]
fn a_partial_plan_in_json_is_terraforms() {
    let d = TempDir::with_files("partial-plan-json", &[("main.tf", PARTLY_PLANNABLE)]);
    let plan = run(d.path(), &["plan", "-json"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    let lines = ui_lines(&plan.stdout);
    let types: Vec<&str> = lines.iter().map(|l| l[0].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["planned_change", "planned_change", "change_summary", "outputs", "diagnostic"],
        "{}",
        plan.stdout
    );
    if !terraform_available() {
        return;
    }
    let tf = terraform(d.path(), &["plan", "-json"]);
    assert_eq!(lines, ui_lines(&String::from_utf8_lossy(&tf.stdout)));
}

#[test]
fn plan_stops_at_validate_errors() {
    // A validate-level error (a read-only argument) next to a plan-time
    // one (the precondition): only the first is reported, nothing planned.
    let config = PARTLY_PLANNABLE.replace("input = \"a\"", "input  = \"a\"\n  output = 1");
    let d = TempDir::with_files("validate-first", &[("main.tf", &config)]);
    let validate = run(d.path(), &["validate", "-no-color"]);
    for args in [
        &["plan", "-no-color"][..],
        &["apply", "-auto-approve", "-no-color"],
        &["destroy", "-auto-approve", "-no-color"],
    ] {
        let out = run(d.path(), args);
        assert_eq!(out.code, 1, "{}", out.transcript());
        assert_eq!(out.stderr, validate.stderr, "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    }
    assert!(
        validate.stderr.contains("Error: \"output\" attribute is read-only")
            && !validate.stderr.contains("precondition")
    );
    if !terraform_available() {
        return;
    }
    let plan = run(d.path(), &["plan", "-json"]);
    let tf = terraform(d.path(), &["plan", "-json"]);
    assert_eq!(ui_lines(&plan.stdout), ui_lines(&String::from_utf8_lossy(&tf.stdout)));
}

#[test]
fn meta_arguments_and_read_only_attributes_as_terraform_reports_them() {
    if !terraform_available() {
        return;
    }
    // The terraform_data part of the corpus case (other providers need a download).
    let case = std::fs::read_to_string(repo_root().join("tests/bad-inputs/resource-meta-attributes/main.tf")).unwrap();
    let config = &case[..case.find("resource \"random_string\"").unwrap()];
    let d = TempDir::with_files("meta-attributes", &[("main.tf", config)]);
    let ours = validate_json_diagnostics(&run(d.path(), &["validate", "-json"]).stdout);
    let theirs =
        validate_json_diagnostics(&String::from_utf8_lossy(&terraform(d.path(), &["validate", "-json"]).stdout));
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 5, "{ours:#?}");
}

#[test]
fn for_each_sets_are_checked_as_terraform_does() {
    // Wrong element type and null elements are refused; a set with an
    // unknown element (here of an untyped variable) is unknown, not wrong.
    let config = r#"variable "untyped" {}

resource "terraform_data" "numbers" {
  for_each = toset([1])
}

resource "terraform_data" "nulls" {
  for_each = toset(["a", null])
}

resource "terraform_data" "unknown" {
  for_each = toset([var.untyped])
}
"#;
    let d = TempDir::with_files("for-each-sets", &[("main.tf", config)]);
    let validate = run(d.path(), &["validate", "-no-color"]);
    assert_eq!(validate.stderr.matches("Error: Invalid for_each set argument").count(), 2, "{}", validate.stderr);
    assert_eq!(validate.stderr.matches("Error: ").count(), 2, "{}", validate.stderr);
    if !terraform_available() {
        return;
    }
    let ours = run(d.path(), &["validate", "-json"]);
    let theirs = terraform(d.path(), &["validate", "-json"]);
    assert_eq!(
        validate_json_diagnostics(&ours.stdout),
        validate_json_diagnostics(&String::from_utf8_lossy(&theirs.stdout))
    );
}

/// `validate -json`'s diagnostics as sorted `summary | detail | range` lines,
/// to compare with Terraform's regardless of order.
fn validate_json_diagnostics(stdout: &str) -> Vec<String> {
    let v: Json = serde_json::from_str(stdout).expect("validate -json");
    let mut found: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} | {} | {}", d["summary"], d["detail"], d["range"]))
        .collect();
    found.sort();
    found
}
