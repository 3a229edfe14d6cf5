//! `strata show -json`: the state in Terraform's JSON representation, byte
//! for byte as `terraform show -json` prints it. The golden outputs sit
//! beside the state fixtures (state-fixtures/*.show.json); where `terraform`
//! is installed they are re-derived, and Terraform also reads states that
//! Strata wrote and must print what Strata prints.

use crate::support::{repo_root, run, run_with, terraform_available, TempDir};
use std::path::{Path, PathBuf};

/// `terraform show -json` of a state file, in a directory holding only it
/// (the built-in provider needs no configuration or init).
fn terraform_show_json(state: &Path) -> String {
    let d = TempDir::new("show-json-tf");
    std::fs::copy(state, d.path().join("terraform.tfstate")).unwrap();
    let out = crate::support::terraform(d.path(), &["show", "-json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn strata_show_json(state: &Path) -> String {
    let d = TempDir::new("show-json");
    std::fs::copy(state, d.path().join("terraform.tfstate")).unwrap();
    let out = run(d.path(), &["show", "-json"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(out.stderr, "", "{}", out.transcript());
    out.stdout
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo_root().join("state-fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tfstate"))
        .collect();
    v.sort();
    v
}

#[test]
fn fixtures_show_as_terraform_shows_them() {
    let with_terraform = terraform_available();
    let mut seen = 0;
    for state in fixtures() {
        let golden = state.with_extension("show.json");
        let expected = std::fs::read_to_string(&golden)
            .unwrap_or_else(|e| panic!("{}: {e} (see state-fixtures/README.md)", golden.display()));
        assert_eq!(strata_show_json(&state), expected, "{} differs from {}", state.display(), golden.display());
        if with_terraform {
            assert_eq!(terraform_show_json(&state), expected, "{} is stale", golden.display());
        }
        seen += 1;
    }
    assert!(seen >= 2, "fixtures missing");
}

#[test]
fn no_state_or_an_empty_one_is_format_version_alone() {
    let d = TempDir::new("show-json-none");
    let out = run(d.path(), &["show", "-json"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "{\"format_version\":\"1.0\"}\n"), "{}", out.transcript());
    d.write(
        "empty.tfstate",
        r#"{"version":4,"terraform_version":"1.11.4","serial":5,"lineage":"x","outputs":{},"resources":[],"check_results":null}"#,
    );
    let out = run(d.path(), &["show", "-json", "-state=empty.tfstate"]);
    assert_eq!(out.stdout, "{\"format_version\":\"1.0\"}\n", "{}", out.transcript());
    // A state file given as the argument, as Terraform takes it.
    let out = run(d.path(), &["show", "-json", "empty.tfstate"]);
    assert_eq!(out.stdout, "{\"format_version\":\"1.0\"}\n", "{}", out.transcript());
    if terraform_available() {
        assert_eq!(terraform_show_json(&d.path().join("empty.tfstate")), "{\"format_version\":\"1.0\"}\n");
    }
}

const STRATA_CONFIG: &str = r#"
variable "secret" {
  default   = "s3cr3t"
  sensitive = true
}
resource "terraform_data" "esc" {
  input = { html = "<a&b>", sep = "\u2028", big = 1e21, small = 0.1, set = toset(["b", "a"]), empty = {}, none = [] }
}
resource "terraform_data" "secret" {
  for_each = toset(["a", "b"])
  input    = { key = each.key, secret = var.secret }
}
resource "terraform_data" "many" {
  count = 11
  input = count.index
}
module "child" {
  source = "./child"
  count  = 2
}
output "esc" {
  value = terraform_data.esc.output
}
output "secret" {
  value     = { a = [1, var.secret] }
  sensitive = true
}
"#;

const STRATA_CHILD: &str = r#"
module "leaf" {
  source = "./leaf"
}
"#;

const STRATA_LEAF: &str = r#"
resource "terraform_data" "leaf" {
  input            = sensitive("leaf")
  triggers_replace = [1, "two"]
}
"#;

/// Terraform reads a state Strata wrote and shows it as Strata does.
#[test]
fn terraform_shows_a_strata_state_the_same() {
    let d = TempDir::with_files(
        "show-json-ours",
        &[("main.tf", STRATA_CONFIG), ("child/main.tf", STRATA_CHILD), ("child/leaf/main.tf", STRATA_LEAF)],
    );
    let apply = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let out = run(d.path(), &["show", "-json"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let ours = out.stdout;
    // Go's encoding: HTML characters and line separators escaped, values in the clear.
    assert!(ours.contains(r#""html":"\u003ca\u0026b\u003e""#), "{ours}");
    assert!(ours.contains(r#""sep":"\u2028""#), "{ours}");
    assert!(ours.contains(r#""big":1000000000000000000000"#), "{ours}");
    assert!(ours.contains(r#""secret":{"sensitive":true,"value":{"a":[1,"s3cr3t"]}"#), "{ours}");
    // Strata keeps sensitivity through terraform_data (Terraform drops it
    // from `output`); what the state records, both show.
    assert!(ours.contains(r#""sensitive_values":{"input":{"secret":true},"output":{"secret":true}}"#), "{ours}");
    let j: serde_json::Value = serde_json::from_str(&ours).unwrap();
    let root = &j["values"]["root_module"];
    let addrs: Vec<&str> =
        root["resources"].as_array().unwrap().iter().map(|r| r["address"].as_str().unwrap()).collect();
    assert_eq!(addrs[1..12].last(), Some(&"terraform_data.many[10]"), "{addrs:?}");
    assert_eq!(root["child_modules"][1]["child_modules"][0]["address"], "module.child[1].module.leaf");
    if terraform_available() {
        assert_eq!(terraform_show_json(&d.path().join("terraform.tfstate")), ours);
    }
}

/// Attributes a provider's schema calls sensitive are flagged too, and data
/// sources come first in their module.
#[test]
fn schema_sensitive_attributes_and_data_sources() {
    let d = TempDir::with_files(
        "show-json-schema",
        &[
            ("hello.txt", "hello"),
            (
                "main.tf",
                r#"
resource "random_password" "p" {
  length = 12
}
data "local_file" "f" {
  filename = "${path.module}/hello.txt"
}
resource "terraform_data" "after" {
  input = data.local_file.f.content
}
"#,
            ),
        ],
    );
    let apply = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let out = run(d.path(), &["show", "-json"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let j: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let resources = j["values"]["root_module"]["resources"].as_array().unwrap();
    let addrs: Vec<&str> = resources.iter().map(|r| r["address"].as_str().unwrap()).collect();
    assert_eq!(addrs, ["data.local_file.f", "random_password.p", "terraform_data.after"]);
    assert_eq!(resources[0]["mode"], "data");
    assert_eq!(resources[0]["provider_name"], "registry.terraform.io/hashicorp/local");
    assert_eq!(resources[0]["values"]["content"], "hello");
    let p = &resources[1];
    assert_eq!(p["sensitive_values"]["result"], true, "{p}");
    assert_eq!(p["values"]["result"].as_str().unwrap().len(), 12, "the JSON holds values in the clear, as Terraform's");
    assert_eq!(resources[2]["depends_on"], serde_json::json!(["data.local_file.f"]));
}

#[test]
fn the_selected_workspace_is_shown() {
    let d = TempDir::with_files("show-json-ws", &[("main.tf", "output \"ws\" {\n  value = terraform.workspace\n}\n")]);
    assert_eq!(run(d.path(), &["workspace", "new", "staging"]).code, 0);
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    let shown = r#""outputs":{"ws":{"sensitive":false,"value":"staging","type":"string"}},"root_module":{}"#;
    assert!(run(d.path(), &["show", "-json"]).stdout.contains(shown));
    assert_eq!(run(d.path(), &["workspace", "select", "default"]).code, 0);
    assert_eq!(run(d.path(), &["show", "-json"]).stdout, "{\"format_version\":\"1.0\"}\n");
    let env = run_with(d.path(), &["show", "-json"], &[("TF_WORKSPACE", "staging")], None);
    assert!(env.stdout.contains(shown), "{}", env.transcript());
}

/// A saved plan shows as plan JSON (tests/e2e/plan_json.rs has the rest).
#[test]
fn saved_plans_show_as_plan_json() {
    let d = TempDir::with_files("show-json-plan", &[("main.tf", "resource \"terraform_data\" \"a\" {}\n")]);
    assert_eq!(run(d.path(), &["plan", "-out=tfplan"]).code, 0);
    let out = run(d.path(), &["show", "-json", "tfplan"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stdout.starts_with("{\"format_version\":\"1.2\","), "{}", out.stdout);
}

/// A variable's description may be a heredoc without interpolations, as
/// in Terraform (`<<-` dedented, blank lines kept): the texts are
/// Terraform 1.11.4's, from `terraform show -json` of the same plan.
#[test]
fn heredoc_descriptions_are_literal_text() {
    let d = TempDir::with_files(
        "heredoc-description",
        &[(
            "main.tf",
            "variable \"x\" {\n  description = <<-EOT\n    Some text,\n      indented more.\n\n    After a blank line.\n  EOT\n  default = \"a\"\n}\n\nvariable \"y\" {\n  description = <<EOT\n  kept as written\nEOT\n  default = \"b\"\n}\n\noutput \"o\" {\n  value = var.x\n}\n",
        )],
    );
    let plan = run(d.path(), &["plan", "-out=p.bin", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let out = run(d.path(), &["show", "-json", "p.bin"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let vars = &json["configuration"]["root_module"]["variables"];
    assert_eq!(vars["x"]["description"], "Some text,\n  indented more.\n\nAfter a blank line.\n");
    assert_eq!(vars["y"]["description"], "  kept as written\n");
}
