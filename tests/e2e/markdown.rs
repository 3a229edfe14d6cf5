//! `strata show -markdown PLANFILE...`: the pull-request comment. Snapshots
//! over plans with every action, unknowns, secrets, nested modules, drift
//! and a huge diff; the 65,536-character budget on a 5,000-resource plan;
//! and a planted secret searched for in every rendering.

use crate::plan_json::mask_uuids;
use crate::support::{run, run_with, Output, TempDir};

const BEFORE: &str = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
variable "secret" {
  type      = string
  default   = "planted-secret-token"
  sensitive = true
}
resource "terraform_data" "keep" { input = "same" }
resource "terraform_data" "upd" { input = "v1" }
resource "terraform_data" "rep" {
  input            = "x"
  triggers_replace = "a"
}
resource "terraform_data" "del" { input = "gone" }
resource "terraform_data" "old" { input = "moving" }
resource "terraform_data" "forgotten" { input = 1 }
resource "terraform_data" "secret" {
  triggers_replace = { pw = var.secret, n = 1 }
}
resource "terraform_data" "policy" {
  input = jsonencode({ Statement = [for i in range(300) : { Sid = "s${i}", Action = "s3:GetObject" }] })
}
resource "random_password" "db" {
  length  = 20
  keepers = { rotate = "1" }
}
resource "testing_resource" "drifting" {
  name  = "drifting"
  value = "configured"
}
module "app" {
  source = "./app"
  name   = "one"
}
output "password" {
  value     = random_password.db.result
  sensitive = true
}
output "upd" { value = terraform_data.upd.output }
"#;

const AFTER: &str = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
variable "secret" {
  type      = string
  default   = "planted-secret-token"
  sensitive = true
}
resource "terraform_data" "keep" { input = "same" }
resource "terraform_data" "upd" { input = "v2" }
resource "terraform_data" "rep" {
  input            = "x"
  triggers_replace = "b"
}
resource "terraform_data" "new" {
  count = 2
  input = { index = count.index, after = terraform_data.upd.output }
}
moved {
  from = terraform_data.old
  to   = terraform_data.renamed
}
resource "terraform_data" "renamed" { input = "moving" }
import {
  to = terraform_data.imported
  id = "abc"
}
resource "terraform_data" "imported" {}
removed {
  from = terraform_data.forgotten
  lifecycle { destroy = false }
}
resource "terraform_data" "secret" {
  triggers_replace = { pw = var.secret, n = 2 }
}
resource "terraform_data" "policy" {
  input = jsonencode({ Statement = [for i in range(300) : { Sid = "s${i}", Action = i == 150 ? "s3:*" : "s3:GetObject" }] })
}
resource "random_password" "db" {
  length  = 20
  keepers = { rotate = "2" }
}
resource "testing_resource" "drifting" {
  name  = "drifting"
  value = "configured"
}
data "testing_echo" "later" {
  name  = "later"
  value = terraform_data.rep.id
}
module "app" {
  source = "./app"
  name   = terraform_data.upd.output
}
output "password" {
  value     = random_password.db.result
  sensitive = true
}
output "upd" { value = terraform_data.upd.output }
output "added" { value = ["a", "b"] }
"#;

const APP: &str = r#"
variable "name" {}
module "db" {
  source = "./db"
  name   = var.name
}
"#;

const DB: &str = r#"
variable "name" {}
resource "terraform_data" "db" {
  input = "db-${var.name}"
}
"#;

struct Fixture {
    dir: TempDir,
    world: TempDir,
}

impl Fixture {
    fn run(&self, args: &[&str]) -> Output {
        let env = [("STRATA_TESTING_WORLD", self.world.path().to_str().unwrap())];
        let out = run_with(self.dir.path(), args, &env, None);
        assert!(out.code == 0 || out.code == 2, "{}", out.transcript());
        out
    }
}

/// Applies BEFORE, edits an object outside Strata, and saves a plan of AFTER.
fn every_action() -> (Fixture, Vec<Output>) {
    let dir = TempDir::with_files("markdown", &[("main.tf", BEFORE), ("app/main.tf", APP), ("app/db/main.tf", DB)]);
    let f = Fixture { dir, world: TempDir::new("markdown-world") };
    let mut outputs = vec![f.run(&["apply", "-auto-approve", "-no-color"])];
    std::fs::write(f.world.path().join("drifting.value"), "edited").unwrap();
    f.dir.write("main.tf", AFTER);
    outputs.push(f.run(&["plan", "-no-color", "-out=tfplan"]));
    (f, outputs)
}

#[test]
fn comment_for_every_action() {
    let (f, _) = every_action();
    let md = f.run(&["show", "-markdown", "tfplan"]);
    assert_eq!(md.stderr, "");
    assert!(md.stdout.len() <= 65_536);
    insta::assert_snapshot!("every_action", mask_uuids(&md.stdout));
    // A small budget keeps the summary and the destructive list.
    let small = f.run(&["show", "-markdown", "-max-chars=4000", "tfplan"]);
    assert!(small.stdout.len() <= 4000, "{}", small.stdout.len());
    insta::assert_snapshot!("every_action_in_4000_chars", mask_uuids(&small.stdout));
}

#[test]
fn several_plans_in_one_comment() {
    let dev = TempDir::with_files("markdown-dev", &[("main.tf", r#"resource "terraform_data" "a" { input = 1 }"#)]);
    assert_eq!(run(dev.path(), &["apply", "-auto-approve"]).code, 0);
    assert_eq!(run(dev.path(), &["plan", "-out=tfplan"]).code, 0);
    let prod = TempDir::with_files("markdown-prod", &[("main.tf", r#"resource "terraform_data" "a" { input = 1 }"#)]);
    assert_eq!(run(prod.path(), &["apply", "-auto-approve"]).code, 0);
    prod.write("main.tf", r#"resource "terraform_data" "b" { input = 2 }"#);
    assert_eq!(run(prod.path(), &["plan", "-out=tfplan"]).code, 0);
    let root = TempDir::new("markdown-envs");
    for (name, d) in [("dev", &dev), ("prod", &prod)] {
        std::fs::create_dir_all(root.path().join(name)).unwrap();
        std::fs::copy(d.path().join("tfplan"), root.path().join(name).join("tfplan")).unwrap();
    }
    let out = run(root.path(), &["show", "-markdown", "dev/tfplan", "prod/tfplan"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let dev_line = out.stdout.lines().find(|l| l.contains("`dev`")).unwrap();
    assert_eq!(dev_line, "**Strata plan: `dev`** — No changes. Your infrastructure matches the configuration.");
    insta::assert_snapshot!("two_plans", mask_uuids(&out.stdout));
    let refused = run(root.path(), &["show", "dev/tfplan", "prod/tfplan"]);
    assert_eq!(refused.code, 1, "{}", refused.transcript());
}

/// 5,000 changed resources fit in GitHub's limit, the summary and every
/// destroy included, with a note saying what was left out.
#[test]
fn five_thousand_resources_fit_in_a_comment() {
    let before = r#"
resource "terraform_data" "updated" {
  count = 2000
  input = { index = count.index, version = 1 }
}
resource "terraform_data" "destroyed" {
  count = 1000
  input = count.index
}
"#;
    let after = r#"
resource "terraform_data" "updated" {
  count = 2000
  input = { index = count.index, version = 2 }
}
resource "terraform_data" "created" {
  count = 2000
  input = { index = count.index, name = "resource-${count.index}" }
}
"#;
    let d = TempDir::with_files("markdown-5000", &[("main.tf", before)]);
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    d.write("main.tf", after);
    let plan = run(d.path(), &["plan", "-out=tfplan"]);
    assert!(plan.stdout.contains("Plan: 2000 to add, 2000 to change, 1000 to destroy."), "{}", plan.stdout);
    let out = run(d.path(), &["show", "-markdown", "tfplan"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let md = out.stdout;
    assert!(md.chars().count() <= 65_536, "{} characters", md.chars().count());
    assert!(md.contains("**Plan: 2000 to add, 2000 to change, 1000 to destroy.**"));
    assert!(md.contains("> **This plan destroys objects: 1000 to destroy.**"));
    // Every destroy is named (a thousand fit one by one).
    for i in 0..1000 {
        assert!(md.contains(&format!("> - `terraform_data.destroyed[{i}]` — destroy\n")), "destroyed[{i}] missing");
    }
    assert!(md.contains("> Left out to fit in one comment:"), "{}", &md[..2000]);
    assert!(md.contains("the diff of 2000 updates"), "updates go before creates");
    assert!(md.contains("| `+` create | 2000 | `terraform_data.created` ×2000 |"));
    // Budgets below GitHub's are kept too.
    let out = run(d.path(), &["show", "-markdown", "-max-chars=30000", "tfplan"]);
    assert!(out.stdout.len() <= 30_000, "{}", out.stdout.len());
    assert!(out.stdout.contains("terraform_data.destroyed"));
}

/// A secret planted in a sensitive variable, a random_password and a
/// sensitive output appears in no rendering: plan and apply output, `show`,
/// `show -json`, `show -markdown`, warnings and errors.
#[test]
fn secrets_appear_nowhere() {
    let (f, mut outputs) = every_action();
    let state = std::fs::read_to_string(f.dir.path().join("terraform.tfstate")).unwrap();
    let j: serde_json::Value = serde_json::from_str(&state).unwrap();
    let password = j["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "random_password")
        .map(|r| r["instances"][0]["attributes"]["result"].as_str().unwrap().to_string())
        .unwrap();
    assert!(state.contains("planted-secret-token") && state.contains(&password), "the state holds them");
    outputs.push(f.run(&["show", "tfplan"]));
    outputs.push(f.run(&["show", "-json", "tfplan"]));
    outputs.push(f.run(&["show", "-markdown", "tfplan"]));
    outputs.push(f.run(&["show", "-markdown", "-max-chars=3000", "tfplan"]));
    outputs.push(f.run(&["show", "-no-color"]));
    outputs.push(f.run(&["output"]));
    outputs.push(f.run(&["apply", "-no-color", "tfplan"]));
    outputs.push(f.run(&["plan", "-no-color", "-destroy", "-out=destroy.plan"]));
    outputs.push(f.run(&["show", "-json", "destroy.plan"]));
    outputs.push(f.run(&["show", "-markdown", "destroy.plan"]));
    for o in &outputs {
        for secret in ["planted-secret-token", password.as_str()] {
            assert!(!o.stdout.contains(secret) && !o.stderr.contains(secret), "{secret} leaked:\n{}", o.transcript());
        }
    }
}
