//! The graph walk runs independent resources and module instances at the
//! same time, never more provider operations than `-parallelism`, and never
//! starts a resource before what it depends on has finished (or, when
//! destroying, before what depends on it is gone). Debug builds only (the
//! test provider logs every call's start and end).

use crate::support::{max_concurrency, run_with, TempDir};

const ROOT: &str = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
resource "testing_resource" "x" {
  name     = "x"
  delay_ms = 500
}
resource "testing_resource" "y" {
  name     = "y"
  delay_ms = 500
}
module "m" {
  source = "./m"
  count  = 2
  n      = count.index
}
resource "testing_resource" "after" {
  name     = "after"
  value    = testing_resource.x.id
  delay_ms = 500
}
"#;

const CHILD: &str = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
variable "n" {}
resource "testing_resource" "z" {
  name     = "z${var.n}"
  delay_ms = 500
}
"#;

fn position(log: &str, line: &str) -> usize {
    log.lines().position(|l| l == line).unwrap_or_else(|| panic!("{line:?} not in the call log:\n{log}"))
}

fn apply(dir: &TempDir, args: &[&str]) -> String {
    let log = dir.path().join("calls.log");
    let _ = std::fs::remove_file(&log);
    let env = [("STRATA_TESTING_LOG", log.to_str().unwrap())];
    let out = run_with(dir.path(), args, &env, None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    std::fs::read_to_string(&log).unwrap()
}

#[test]
fn independent_resources_and_module_instances_apply_at_the_same_time() {
    let d = TempDir::with_files("concurrent", &[("main.tf", ROOT), ("m/main.tf", CHILD)]);
    let calls = apply(&d, &["apply", "-auto-approve", "-no-color"]);
    // x, y and both module instances' z are independent: all four at once
    // (a loaded machine may start one late).
    assert!(max_concurrency(&calls) >= 3, "{calls}");
    assert!(position(&calls, "create x done") < position(&calls, "create after start"), "{calls}");

    // Destroying: `after` goes before what it depends on; the rest at once.
    let calls = apply(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(position(&calls, "delete after done") < position(&calls, "delete x start"), "{calls}");
    assert!(max_concurrency(&calls) >= 2, "{calls}");
}

#[test]
fn parallelism_bounds_operations_across_resources() {
    let d = TempDir::with_files("bounded", &[("main.tf", ROOT), ("m/main.tf", CHILD)]);
    let calls = apply(&d, &["apply", "-auto-approve", "-no-color", "-parallelism=2"]);
    assert!((1..=2).contains(&max_concurrency(&calls)), "never more than -parallelism: {calls}");
    let calls = apply(&d, &["destroy", "-auto-approve", "-no-color", "-parallelism=1"]);
    assert_eq!(max_concurrency(&calls), 1, "{calls}");
}

/// `testing_resource.slow: WHAT after Ns<suffix>`, whatever N a busy
/// machine took.
fn completed(stdout: &str, what: &str, suffix: &str) -> bool {
    stdout.lines().any(|l| {
        l.strip_prefix(&format!("testing_resource.slow: {what} after "))
            .and_then(|rest| rest.strip_suffix(suffix))
            .and_then(|n| n.strip_suffix('s'))
            .is_some_and(|n| n.parse::<u64>().is_ok())
    })
}

/// `testing_resource.slow: Still ... [Ns elapsed]` with a whole number N.
fn still(stdout: &str, head: &str, tail: &str) -> bool {
    stdout.lines().any(|l| {
        l.strip_prefix(&format!("testing_resource.slow: {head}"))
            .and_then(|rest| rest.strip_suffix(tail))
            .is_some_and(|n| n.parse::<u64>().is_ok())
    })
}

#[test]
fn long_operations_report_progress_as_terraform_does() {
    let config = |value: &str| {
        format!(
            r#"
terraform {{
  required_providers {{
    testing = {{ source = "strata/testing" }}
  }}
}}
resource "testing_resource" "slow" {{
  name     = "slow"
  value    = "{value}"
  delay_ms = 1300
}}
"#
        )
    };
    let d = TempDir::with_files("progress", &[("main.tf", &config("1"))]);
    // Terraform reports every 10 s; the test shortens the interval.
    let env = [("STRATA_PROGRESS_INTERVAL_MS", "500")];
    let out = run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &env, None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stdout.contains("testing_resource.slow: Creating...\n"), "{}", out.stdout);
    assert!(still(&out.stdout, "Still creating... [", "s elapsed]"), "{}", out.stdout);
    assert!(completed(&out.stdout, "Creation complete", " [id=id-slow]"), "{}", out.stdout);

    d.write("main.tf", &config("2"));
    let out = run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &env, None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stdout.contains("testing_resource.slow: Modifying... [id=id-slow]\n"), "{}", out.stdout);
    assert!(still(&out.stdout, "Still modifying... [id=id-slow, ", "s elapsed]"), "{}", out.stdout);
    assert!(completed(&out.stdout, "Modifications complete", " [id=id-slow]"), "{}", out.stdout);

    let out = run_with(d.path(), &["destroy", "-auto-approve", "-no-color"], &env, None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stdout.contains("testing_resource.slow: Destroying... [id=id-slow]\n"), "{}", out.stdout);
    assert!(completed(&out.stdout, "Destruction complete", ""), "{}", out.stdout);
}
