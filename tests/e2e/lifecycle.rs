//! `lifecycle`: create_before_destroy, prevent_destroy, ignore_changes,
//! replace_triggered_by, preconditions and postconditions.

use crate::support::{run, run_with, TempDir};

const TESTING: &str = "terraform {\n  required_providers {\n    testing = { source = \"strata/testing\" }\n  }\n}\n";

#[test]
fn create_before_destroy_creates_the_replacement_first() {
    let config = format!(
        "{TESTING}variable \"n\" {{\n  default = \"one\"\n}}\nresource \"testing_resource\" \"r\" {{\n  name = var.n\n  lifecycle {{\n    create_before_destroy = true\n  }}\n}}\n"
    );
    let d = TempDir::with_files("cbd", &[("main.tf", &config)]);
    let log = d.path().join("calls.log");
    let env = [("STRATA_TESTING_LOG", log.to_str().unwrap())];
    assert_eq!(run_with(d.path(), &["apply", "-auto-approve"], &env, None).code, 0);
    std::fs::write(&log, "").unwrap();
    let out = run_with(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "n=two"], &env, None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stdout.contains("+/- create replacement and then destroy"), "{}", out.stdout);
    assert!(out.stdout.contains("+/- resource \"testing_resource\" \"r\""), "{}", out.stdout);
    let calls = std::fs::read_to_string(&log).unwrap();
    let create = calls.find("create two done").expect("created");
    let delete = calls.find("delete one done").expect("deleted");
    assert!(create < delete, "the new object exists before the old one goes:\n{calls}");
    let st = std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap();
    assert!(!st.contains("deposed"), "no deposed object is left:\n{st}");
    assert!(st.contains("\"name\": \"two\""));
}

#[test]
fn prevent_destroy_stops_replacement_and_destroy_but_not_removal() {
    let config = "variable \"t\" {\n  default = \"a\"\n}\nresource \"terraform_data\" \"db\" {\n  triggers_replace = var.t\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n";
    let d = TempDir::with_files("prevent", &[("main.tf", config)]);
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    let replace = run(d.path(), &["plan", "-no-color", "-var", "t=b"]);
    assert_eq!(replace.code, 1);
    assert!(replace.stderr.contains("Instance cannot be destroyed"), "{}", replace.stderr);
    let destroy = run(d.path(), &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(destroy.code, 1, "{}", destroy.transcript());
    assert!(destroy.stderr.contains("Instance cannot be destroyed"), "{}", destroy.stderr);
    // Deleting the block deletes the object, as Terraform does.
    std::fs::write(d.path().join("main.tf"), "").unwrap();
    let removed = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(removed.code, 0, "{}", removed.transcript());
    assert!(removed.stdout.contains("Resources: 0 added, 0 changed, 1 destroyed."), "{}", removed.stdout);
}

#[test]
fn ignore_changes_and_replace_triggered_by() {
    let config = r#"
variable "tag" {
  default = "v1"
}
variable "rel" {
  default = "1"
}
resource "terraform_data" "app" {
  input = { tag = var.tag }
  lifecycle {
    ignore_changes = [input]
  }
}
resource "terraform_data" "release" {
  input = var.rel
}
resource "terraform_data" "cache" {
  input = "cache"
  lifecycle {
    replace_triggered_by = [terraform_data.release]
  }
}
"#;
    let d = TempDir::with_files("ignore", &[("main.tf", config)]);
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    let ignored = run(d.path(), &["plan", "-no-color", "-detailed-exitcode", "-var", "tag=v2"]);
    assert_eq!(ignored.code, 0, "an ignored attribute does not plan a change:\n{}", ignored.transcript());
    let triggered = run(d.path(), &["plan", "-no-color", "-var", "rel=2"]);
    assert!(triggered.stdout.contains("# terraform_data.cache must be replaced"), "{}", triggered.stdout);
    assert!(triggered.stdout.contains("Plan: 1 to add, 1 to change, 1 to destroy."), "{}", triggered.stdout);
}

#[test]
fn preconditions_and_postconditions() {
    let config = r#"
variable "size" {
  default = 3
}
resource "terraform_data" "vol" {
  input = var.size
  lifecycle {
    precondition {
      condition     = var.size > 0
      error_message = "size must be positive."
    }
    postcondition {
      condition     = self.output < 10
      error_message = "the volume came out too big."
    }
  }
}
"#;
    let d = TempDir::with_files("conditions", &[("main.tf", config)]);
    let pre = run(d.path(), &["plan", "-no-color", "-var", "size=0"]);
    assert_eq!(pre.code, 1);
    assert!(
        pre.stderr.contains("Resource precondition failed") && pre.stderr.contains("size must be positive."),
        "{}",
        pre.stderr
    );
    let post = run(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "size=12"]);
    assert_eq!(post.code, 1, "{}", post.transcript());
    assert!(
        post.stderr.contains("Resource postcondition failed") && post.stderr.contains("too big"),
        "{}",
        post.stderr
    );
    assert_eq!(run(d.path(), &["apply", "-auto-approve", "-var", "size=5"]).code, 0);
}

#[test]
fn replace_on_request_and_a_warning_for_a_typo() {
    let d = TempDir::with_files(
        "replace",
        &[("main.tf", "resource \"terraform_data\" \"a\" {\n  count = 2\n  input = count.index\n}\n")],
    );
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    let plan = run(d.path(), &["plan", "-no-color", "-replace=terraform_data.a[1]"]);
    assert!(plan.stdout.contains("# terraform_data.a[1] will be replaced, as requested"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 1 to add, 0 to change, 1 to destroy."), "{}", plan.stdout);
    let typo = run(d.path(), &["plan", "-no-color", "-replace=terraform_data.b"]);
    assert_eq!(typo.code, 0);
    assert!(typo.stderr.contains("Replacement address matches nothing"), "{}", typo.stderr);
    let applied = run(d.path(), &["apply", "-auto-approve", "-no-color", "-replace=terraform_data.a[0]"]);
    assert!(applied.stdout.contains("Resources: 1 added, 0 changed, 1 destroyed."), "{}", applied.stdout);
}

#[test]
fn provider_configurations_aliases_and_passing_them_to_modules() {
    let config = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
variable "region" {
  default = "east"
}
provider "testing" {
  prefix = "${var.region}-"
}
provider "testing" {
  alias  = "west"
  prefix = "west-"
}
resource "testing_resource" "here" {
  name = "here"
}
resource "testing_resource" "there" {
  provider = testing.west
  name     = "there"
}
module "standby" {
  source    = "./child"
  providers = { testing = testing.west }
}
module "inherits" {
  source = "./child"
}
"#;
    let child = "resource \"testing_resource\" \"c\" {\n  name = \"c\"\n}\n";
    let d = TempDir::with_files("providers", &[("main.tf", config), ("child/main.tf", child)]);
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let st: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap()).unwrap();
    let find = |module: Option<&str>, name: &str| {
        st["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name && r["module"].as_str() == module)
            .cloned()
            .unwrap_or_else(|| panic!("{module:?} {name} in state"))
    };
    let here = find(None, "here");
    assert_eq!(here["instances"][0]["attributes"]["id"], "id-east-here");
    assert_eq!(here["provider"], "provider[\"registry.terraform.io/strata/testing\"]");
    let there = find(None, "there");
    assert_eq!(there["instances"][0]["attributes"]["id"], "id-west-there");
    assert_eq!(there["provider"], "provider[\"registry.terraform.io/strata/testing\"].west");
    let standby = find(Some("module.standby"), "c");
    assert_eq!(standby["instances"][0]["attributes"]["id"], "id-west-c", "providers = {{ testing = testing.west }}");
    assert_eq!(standby["provider"], "provider[\"registry.terraform.io/strata/testing\"].west");
    let inherits = find(Some("module.inherits"), "c");
    assert_eq!(inherits["instances"][0]["attributes"]["id"], "id-east-c", "the default configuration is inherited");
}

#[test]
fn target_plans_only_the_target_and_what_it_needs() {
    let config = r#"
resource "terraform_data" "a" {
  input = "a"
}
locals {
  from_a = terraform_data.a.output
}
resource "terraform_data" "b" {
  input = local.from_a
}
resource "terraform_data" "c" {
  count = 3
  input = count.index
}
"#;
    let d = TempDir::with_files("target", &[("main.tf", config)]);
    let plan = run(d.path(), &["plan", "-no-color", "-target=terraform_data.b"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        plan.stdout.contains("# terraform_data.a will be created")
            && plan.stdout.contains("# terraform_data.b will be created"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("terraform_data.c"), "{}", plan.stdout);
    assert!(plan.stderr.contains("Resource targeting is in effect"), "{}", plan.stderr);
    let one = run(d.path(), &["apply", "-auto-approve", "-no-color", "-target=terraform_data.c[1]"]);
    assert_eq!(one.code, 0, "{}", one.transcript());
    assert!(one.stdout.contains("Resources: 1 added, 0 changed, 0 destroyed."), "{}", one.stdout);
    assert_eq!(run(d.path(), &["state", "list"]).stdout, "terraform_data.c[1]\n");
    let rest = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert!(rest.stdout.contains("Resources: 4 added, 0 changed, 0 destroyed."), "{}", rest.stdout);
}

#[test]
fn check_blocks_warn_but_never_fail() {
    let config = r#"
variable "replicas" {
  default = 1
}
resource "terraform_data" "app" {
  input = var.replicas
}
check "capacity" {
  assert {
    condition     = var.replicas >= 2
    error_message = "Run at least two replicas in production."
  }
}
"#;
    let d = TempDir::with_files("check", &[("main.tf", config)]);
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(
        out.stderr.contains("Warning: Check block assertion failed") && out.stderr.contains("at least two replicas"),
        "{}",
        out.stderr
    );
    let fine = run(d.path(), &["plan", "-no-color", "-var", "replicas=3"]);
    assert!(!fine.stderr.contains("Check block assertion failed"), "{}", fine.stderr);
}
