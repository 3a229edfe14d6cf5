//! Differential cases under tests/differential/outputs/<case>: each holds a
//! configuration and `expected.json`, the `output -json` that Terraform
//! 1.11.4 printed for it. Strata must print the same. Where `terraform` is
//! installed, the expectation is re-derived from it too, so it cannot drift.

use crate::support::{repo_root, run, terraform, terraform_available, TempDir};
use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else if entry.file_name() != "expected.json" {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn terraform_outputs(dir: &Path) -> serde_json::Value {
    let tf = |args: &[&str]| terraform(dir, args);
    let init = tf(&["init", "-input=false", "-no-color"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let apply = tf(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert!(apply.status.success(), "{}", String::from_utf8_lossy(&apply.stderr));
    serde_json::from_slice(&tf(&["output", "-json"]).stdout).unwrap()
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> =
        std::fs::read_dir(repo_root().join("tests/differential/outputs")).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    cases
}

#[test]
fn outputs_match_terraform() {
    let with_terraform = terraform_available();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(case.join("expected.json")).unwrap()).unwrap();
        let ours = TempDir::new(&format!("diff-{name}"));
        copy_tree(&case, ours.path());
        let out = run(ours.path(), &["apply", "-auto-approve", "-no-color"]);
        assert_eq!(out.code, 0, "{name}: {}", out.transcript());
        let strata: serde_json::Value = serde_json::from_str(&run(ours.path(), &["output", "-json"]).stdout).unwrap();
        assert_eq!(strata, expected, "{name}: strata differs from Terraform's recorded output");
        if with_terraform {
            let theirs = TempDir::new(&format!("diff-tf-{name}"));
            copy_tree(&case, theirs.path());
            assert_eq!(terraform_outputs(theirs.path()), expected, "{name}: expected.json is stale");
            // Each reads the other's state file.
            let tf_reads_ours: serde_json::Value =
                serde_json::from_slice(&terraform(ours.path(), &["output", "-json"]).stdout).unwrap();
            assert_eq!(tf_reads_ours, expected, "{name}: terraform reads strata's state differently");
            let ours_reads_tf: serde_json::Value =
                serde_json::from_str(&run(theirs.path(), &["output", "-json"]).stdout).unwrap();
            assert_eq!(ours_reads_tf, expected, "{name}: strata reads terraform's state differently");
            // And a plan of the other's state finds nothing to do.
            let plan = run(theirs.path(), &["plan", "-detailed-exitcode", "-no-color"]);
            assert_eq!(plan.code, 0, "{name}: strata plans changes on terraform's state:\n{}", plan.transcript());
        }
    }
}

/// tests/console/cases.json: expressions and what `terraform console`
/// printed for each. Strata's console must print the same, byte for byte.
#[test]
fn console_prints_as_terraform() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join("tests/console/cases.json")).unwrap()).unwrap();
    let dir = TempDir::new("console-diff");
    let with_terraform = terraform_available();
    for case in &cases {
        let expr = case["expr"].as_str().unwrap();
        let want = case["output"].as_str().unwrap();
        let out = crate::support::run_with(dir.path(), &["console"], &[], Some(&format!("{expr}\n")));
        assert_eq!(out.stdout, want, "console output for {expr}");
        if with_terraform {
            let tf = Command::new("terraform")
                .arg("console")
                .current_dir(dir.path())
                .env("CHECKPOINT_DISABLE", "1")
                .env("TF_CLI_CONFIG_FILE", "/dev/null")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .and_then(|mut c| {
                    use std::io::Write;
                    c.stdin.take().unwrap().write_all(format!("{expr}\n").as_bytes())?;
                    c.wait_with_output()
                })
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&tf.stdout), want, "cases.json is stale for {expr}");
        }
    }
}

/// Strata takes over a state Terraform wrote and plans nothing.
#[test]
fn terraform_state_fixture_plans_no_changes() {
    let fixtures = repo_root().join("state-fixtures");
    let d = TempDir::new("fixture");
    copy_tree(&fixtures.join("config"), d.path());
    std::fs::copy(fixtures.join("terraform-1.11.4-modules-count-for_each.tfstate"), d.path().join("terraform.tfstate"))
        .unwrap();
    let plan = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let list = run(d.path(), &["state", "list"]);
    assert_eq!(list.stdout.lines().count(), 7, "{}", list.stdout);
    assert!(list.stdout.contains("module.child.terraform_data.c[\"x\"]"), "{}", list.stdout);
}
