//! Failures during apply, with the test provider (debug builds only): every
//! success is in state, nothing that depends on a failure starts,
//! independent work finishes, half-created objects are tainted, and a
//! re-apply converges.

use crate::support::{max_concurrency, run_with, TempDir};
use serde_json::Value as Json;

const CONFIG: &str = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
variable "fail" {
  default = true
}
variable "partial" {
  default = false
}
resource "testing_resource" "a" {
  name  = "a"
  value = "1"
}
resource "testing_resource" "b" {
  name        = "b"
  value       = testing_resource.a.result
  fail_create = var.fail
}
resource "testing_resource" "c" {
  name  = "c"
  value = testing_resource.b.result
}
resource "testing_resource" "d" {
  name     = "d"
  value    = "independent"
  delay_ms = 50
}
resource "testing_resource" "e" {
  name           = "e"
  partial_create = var.partial
}
output "c" {
  value = testing_resource.c.result
}
"#;

fn names_in_state(dir: &std::path::Path) -> Vec<(String, Option<String>)> {
    let st: Json = serde_json::from_str(&std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap()).unwrap();
    let mut out: Vec<(String, Option<String>)> = st["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["instances"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| (r["name"].as_str().unwrap().to_string(), i["status"].as_str().map(String::from)))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_failure_keeps_every_success_and_stops_only_its_dependents() {
    let d = TempDir::with_files("failure", &[("main.tf", CONFIG)]);
    let log = d.path().join("calls.log");
    let env = [("STRATA_TESTING_LOG", log.to_str().unwrap())];
    let out = run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &env, None);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("Error: Creation failed"), "{}", out.stderr);
    assert_eq!(
        names_in_state(d.path()),
        vec![("a".into(), None), ("d".into(), None), ("e".into(), None)],
        "successes are in state, the failure and its dependent are not"
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(!calls.contains("create c"), "c depends on the failure and must not start:\n{calls}");
    assert!(calls.contains("create d done"), "independent work finishes:\n{calls}");
    assert!(!d.path().join("terraform.tfstate.journal").exists());

    let fixed = run_with(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "fail=false"], &env, None);
    assert_eq!(fixed.code, 0, "{}", fixed.transcript());
    assert!(fixed.stdout.contains("Resources: 2 added, 0 changed, 0 destroyed."), "{}", fixed.stdout);
    assert_eq!(names_in_state(d.path()).len(), 5);
    let again = run_with(d.path(), &["plan", "-no-color", "-detailed-exitcode", "-var", "fail=false"], &env, None);
    assert_eq!(again.code, 0, "a re-apply converges:\n{}", again.transcript());
}

#[test]
fn a_half_created_object_is_tainted_and_replaced_next_time() {
    let d = TempDir::with_files("tainted", &[("main.tf", CONFIG)]);
    let out = run_with(
        d.path(),
        &["apply", "-auto-approve", "-no-color", "-var", "fail=false", "-var", "partial=true"],
        &[],
        None,
    );
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(names_in_state(d.path()).contains(&("e".into(), Some("tainted".into()))), "{:?}", names_in_state(d.path()));
    let plan = run_with(d.path(), &["plan", "-no-color", "-var", "fail=false"], &[], None);
    assert!(plan.stdout.contains("# testing_resource.e is tainted, so must be replaced"), "{}", plan.stdout);
    let fixed = run_with(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "fail=false"], &[], None);
    assert_eq!(fixed.code, 0, "{}", fixed.transcript());
    assert!(names_in_state(d.path()).contains(&("e".into(), None)));
}

#[test]
fn instances_of_a_resource_apply_in_parallel_up_to_the_limit() {
    let config = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
resource "testing_resource" "many" {
  count    = 6
  name     = "m${count.index}"
  delay_ms = 200
}
"#;
    let d = TempDir::with_files("parallel", &[("main.tf", config)]);
    let log = d.path().join("calls.log");
    let env = [("STRATA_TESTING_LOG", log.to_str().unwrap())];
    let out = run_with(d.path(), &["apply", "-auto-approve", "-no-color", "-parallelism=3"], &env, None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(max_concurrency(&calls), 3, "{calls}");
    let st: Json = serde_json::from_str(&std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap()).unwrap();
    let keys: Vec<i64> =
        st["resources"][0]["instances"].as_array().unwrap().iter().map(|i| i["index_key"].as_i64().unwrap()).collect();
    assert_eq!(keys, [0, 1, 2, 3, 4, 5], "state lists instances in key order whatever order they finished in");
    let d2 = TempDir::with_files("serial", &[("main.tf", config)]);
    let log2 = d2.path().join("calls.log");
    let out = run_with(
        d2.path(),
        &["apply", "-auto-approve", "-parallelism=1"],
        &[("STRATA_TESTING_LOG", log2.to_str().unwrap())],
        None,
    );
    assert_eq!(out.code, 0);
    assert_eq!(max_concurrency(&std::fs::read_to_string(&log2).unwrap()), 1);
}

#[test]
fn a_failed_update_keeps_the_object_untainted() {
    let config = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
variable "value" {
  default = "1"
}
resource "testing_resource" "u" {
  name        = "u"
  value       = var.value
  fail_update = var.value != "1"
}
"#;
    let d = TempDir::with_files("update-fails", &[("main.tf", config)]);
    assert_eq!(run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &[], None).code, 0);
    let failed = run_with(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "value=2"], &[], None);
    assert_eq!(failed.code, 1, "{}", failed.transcript());
    assert!(failed.stderr.contains("Update failed"), "{}", failed.transcript());
    // As Terraform: the object is still the one it was, not tainted, so the
    // next plan updates it in place rather than replacing it.
    assert_eq!(names_in_state(d.path()), vec![("u".to_string(), None)]);
    let plan = run_with(d.path(), &["plan", "-no-color", "-var", "value=2"], &[], None);
    assert!(plan.stdout.contains("# testing_resource.u will be updated in-place"), "{}", plan.stdout);
}

/// A destroy whose dependent fails to go keeps what that dependent uses
/// (and what those use in turn), as Terraform does; independent objects
/// still go, and a destroy after the fix finishes the job.
#[test]
fn a_failed_delete_keeps_what_it_depends_on() {
    let config = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
variable "fail" {
  default = true
}
resource "testing_resource" "base" {
  name = "base"
}
resource "testing_resource" "middle" {
  name  = "middle"
  value = testing_resource.base.result
}
resource "testing_resource" "top" {
  name        = "top"
  value       = testing_resource.middle.result
  fail_delete = var.fail
}
resource "testing_resource" "alone" {
  name = "alone"
}
"#;
    let d = TempDir::with_files("failed-delete", &[("main.tf", config)]);
    let ok = run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &[], None);
    assert_eq!(ok.code, 0, "{}", ok.transcript());
    let destroy = run_with(d.path(), &["destroy", "-auto-approve", "-no-color"], &[], None);
    assert_eq!(destroy.code, 1, "{}", destroy.transcript());
    assert!(destroy.stderr.contains("Deletion failed"), "{}", destroy.stderr);
    assert_eq!(
        names_in_state(d.path()).into_iter().map(|(n, _)| n).collect::<Vec<_>>(),
        ["base", "middle", "top"],
        "the failed object and everything it uses stay; the independent one is gone"
    );
    let apply = run_with(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "fail=false"], &[], None);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let destroy = run_with(d.path(), &["destroy", "-auto-approve", "-no-color", "-var", "fail=false"], &[], None);
    assert_eq!(destroy.code, 0, "{}", destroy.transcript());
    assert!(names_in_state(d.path()).is_empty());
}
