//! Failed conditions and other errors: as in Terraform, a node that fails
//! stops what depends on it, which is neither evaluated nor reported on,
//! while independent nodes carry on.

use crate::support::{run, run_with, TempDir};

fn error_summaries(stderr: &str) -> Vec<&str> {
    stderr.lines().filter_map(|l| l.trim().strip_prefix("Error: ")).collect()
}

const FAILED_POSTCONDITION: &str = r#"
resource "terraform_data" "a" {
  input = ["x", "y"]
  lifecycle {
    postcondition {
      condition     = length(self.output) > 5
      error_message = "Too short."
    }
  }
}
resource "terraform_data" "b" {
  for_each = toset(slice(terraform_data.a.output, 0, 3))
  input    = each.key
}
locals {
  first_three = slice(terraform_data.a.output, 0, 3)
}
output "o" {
  value = local.first_three
}
resource "terraform_data" "independent" {
  input = "fine"
}
"#;

#[test]
fn a_failed_postcondition_stops_its_dependents() {
    let d = TempDir::with_files("postcondition", &[("main.tf", FAILED_POSTCONDITION)]);
    let out = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    // Terraform reports the postcondition only, not the slice errors of
    // what depends on terraform_data.a.
    assert_eq!(error_summaries(&out.stderr), ["Resource postcondition failed"], "{}", out.stderr);
    assert!(out.stderr.contains("main.tf:6:23"), "{}", out.stderr);
}

const MODULE_FAILURES: &str = r#"
variable "n" {
  type = number
  validation {
    condition     = var.n > 0
    error_message = "n must be positive."
  }
}
variable "m" {}
output "good" {
  value = "ok"
}
output "bad" {
  value = slice([var.m], 0, 3)
}
output "uses_n" {
  value = var.n
}
"#;

#[test]
fn errors_in_locals_variables_and_module_outputs_stop_only_their_dependents() {
    let root = r#"
locals {
  broken = slice([1, 2], 0, 5)
  after  = slice(local.broken, 0, 9)
}
module "c" {
  source = "./child"
  n      = -1
  m      = "abc"
}
output "good" {
  value = slice([module.c.good], 0, 2)
}
output "bad" {
  value = slice([module.c.bad], 0, 7)
}
output "uses_n" {
  value = slice([module.c.uses_n], 0, 7)
}
resource "terraform_data" "x" {
  count = length(local.after)
}
check "c" {
  assert {
    condition     = length(local.after) > 100
    error_message = "no"
  }
}
"#;
    let d = TempDir::with_files("cascade", &[("main.tf", root), ("child/main.tf", MODULE_FAILURES)]);
    // As Terraform 1.11 reports them, for both commands: local.broken,
    // var.n's validation, child output "bad", and root output "good" (the
    // only root output whose module output succeeded).
    for command in ["plan", "validate"] {
        let out = run(d.path(), &[command, "-no-color"]);
        assert_eq!(out.code, 1, "{}", out.transcript());
        assert_eq!(
            error_summaries(&out.stderr),
            [
                "Invalid function argument",
                "Invalid function argument",
                "Invalid value for variable",
                "Invalid function argument"
            ],
            "{command}: {}",
            out.stderr
        );
        for place in ["child/main.tf:14:29", "main.tf:3:29", "main.tf:8:12", "main.tf:12:37"] {
            assert!(out.stderr.contains(place), "{command}: {place} missing:\n{}", out.stderr);
        }
    }
}

const APPLY_FAILURE: &str = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
variable "value" {
  default = "1"
}
resource "testing_resource" "a" {
  name        = "a"
  value       = var.value
  fail_update = var.value != "1"
}
resource "testing_resource" "x" {
  count = length(testing_resource.a.name) > 0 ? 2 : 0
  name  = "x${count.index}"
  value = testing_resource.a.result
}
"#;

#[test]
fn what_depends_on_a_failed_apply_stays_in_state() {
    let d = TempDir::with_files("apply-failure", &[("main.tf", APPLY_FAILURE)]);
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let out = run_with(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "value=2"], &[], None);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert_eq!(error_summaries(&out.stderr), ["Update failed"], "{}", out.stderr);
    // The instances of x were not reached: they are kept, not deleted.
    assert!(!out.stdout.contains("Destroying"), "{}", out.stdout);
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap()).unwrap();
    let x = state["resources"].as_array().unwrap().iter().find(|r| r["name"] == "x").expect("x is in state");
    assert_eq!(x["instances"].as_array().unwrap().len(), 2, "{state:#}");
}

#[test]
fn a_failed_provider_configuration_stops_only_the_resources_that_use_it() {
    let config = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
provider "testing" {
  prefix = slice([1], 0, 4)
}
resource "testing_resource" "a" {
  name = "a"
}
resource "terraform_data" "b" {
  input = slice([1], 0, 5)
}
"#;
    let d = TempDir::with_files("provider-failure", &[("main.tf", config)]);
    let log = d.path().join("calls.log");
    let out = run_with(d.path(), &["plan", "-no-color"], &[("STRATA_TESTING_LOG", log.to_str().unwrap())], None);
    assert_eq!(out.code, 1, "{}", out.transcript());
    // The provider's error and terraform_data.b's own; nothing from
    // testing_resource.a, which is not planned with a broken provider.
    assert_eq!(
        error_summaries(&out.stderr),
        ["Invalid function argument", "Invalid function argument"],
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("main.tf:8:") && out.stderr.contains("main.tf:14:"), "{}", out.stderr);
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!calls.contains("configure"), "the broken provider must not be configured:\n{calls}");
}
