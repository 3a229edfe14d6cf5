//! Differential tests against Terraform itself, when it is installed
//! (skipped elsewhere): the same configuration must give the same outputs.

use crate::support::{run, TempDir};
use std::process::Command;

fn terraform() -> Option<&'static str> {
    let ok = Command::new("terraform")
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if ok {
        Some("terraform")
    } else {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: terraform not found on PATH; differential tests skipped");
        }
        None
    }
}

fn terraform_outputs(dir: &std::path::Path) -> serde_json::Value {
    let rc = dir.join(".terraformrc");
    std::fs::write(&rc, "").unwrap();
    let tf = |args: &[&str]| {
        Command::new("terraform")
            .args(args)
            .current_dir(dir)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_CLI_CONFIG_FILE", &rc)
            .env("TF_IN_AUTOMATION", "1")
            .output()
            .expect("terraform runs")
    };
    let init = tf(&["init", "-input=false", "-no-color"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let apply = tf(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert!(apply.status.success(), "{}", String::from_utf8_lossy(&apply.stderr));
    serde_json::from_slice(&tf(&["output", "-json"]).stdout).unwrap()
}

const CONFIG: &str = r#"
variable "services" {
  type = map(object({
    cpu      = number
    replicas = optional(number, 1)
    tags     = optional(map(string), {})
  }))
  default = {
    api    = { cpu = 256, replicas = 2 }
    worker = { cpu = 512, tags = { tier = "batch" } }
  }
}
locals {
  names    = sort(keys(var.services))
  by_cpu   = { for k, s in var.services : tostring(s.cpu) => k... }
  total    = sum([for s in values(var.services) : s.cpu * s.replicas])
  ratio    = 1 / 3
  exact    = 0.1 + 0.2
  big      = 12345678901234567890 * 1000
  rendered = "%{for n in local.names}[${n}]%{endfor}"
  cond     = length(local.names) > 1 ? "many" : "one"
  nested   = [for s in var.services : [for t in keys(s.tags) : t]]
  splat    = [{ a = 1 }, { a = 2 }][*].a
}
module "child" {
  source = "./child"
  items  = local.names
}
output "names"    { value = local.names }
output "by_cpu"   { value = local.by_cpu }
output "total"    { value = local.total }
output "ratio"    { value = local.ratio }
output "exact"    { value = local.exact }
output "big"      { value = local.big }
output "rendered" { value = local.rendered }
output "cond"     { value = local.cond }
output "nested"   { value = local.nested }
output "splat"    { value = local.splat }
output "child"    { value = module.child.joined }
output "services" { value = var.services }
output "secret" {
  value     = "x"
  sensitive = true
}
"#;

#[test]
fn outputs_match_terraform() {
    if terraform().is_none() {
        return;
    }
    let files = [("main.tf", CONFIG), ("child/main.tf", "variable \"items\" {\n  type = list(string)\n}\noutput \"joined\" {\n  value = join(\",\", var.items)\n}\n")];
    let ours = TempDir::with_files("diff-strata", &files);
    let theirs = TempDir::with_files("diff-terraform", &files);
    let out = run(ours.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let strata: serde_json::Value = serde_json::from_str(&run(ours.path(), &["output", "-json"]).stdout).unwrap();
    let tf = terraform_outputs(theirs.path());
    assert_eq!(strata, tf, "strata and terraform disagree");
}
