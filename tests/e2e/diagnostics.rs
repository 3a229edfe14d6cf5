//! The corpus of bad inputs under tests/bad-inputs: every case must give
//! clear diagnostics (snapshotted), never a panic or a hang. Generated
//! inputs (invalid UTF-8, deep nesting, a 20 MB file) are checked too.

use crate::support::{repo_root, run, TempDir};

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
