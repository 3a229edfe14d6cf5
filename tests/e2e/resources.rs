//! Resources end to end with the built-in `terraform_data` provider:
//! create → no-op → update → replace → destroy, count and for_each growth
//! and shrink, modules, sensitivity, and recovery of an interrupted apply.

use crate::support::{run, TempDir};
use serde_json::Value as Json;

use crate::support::state;

fn ids(st: &Json) -> Vec<(String, Json, String)> {
    let mut out = Vec::new();
    for r in st["resources"].as_array().unwrap() {
        for i in r["instances"].as_array().unwrap() {
            out.push((
                r["name"].as_str().unwrap().to_string(),
                i["index_key"].clone(),
                i["attributes"]["id"].as_str().unwrap().to_string(),
            ));
        }
    }
    out.sort_by_key(|a| (a.0.clone(), a.1.to_string()));
    out
}

const CONFIG: &str = r#"
variable "v" {
  default = "one"
}
variable "n" {
  default = 2
}
resource "terraform_data" "a" {
  input = var.v
}
resource "terraform_data" "b" {
  count            = var.n
  input            = "${terraform_data.a.output}-${count.index}"
  triggers_replace = var.v == "three" ? "x" : "y"
}
output "b" {
  value = terraform_data.b[*].output
}
"#;

#[test]
fn lifecycle_create_noop_update_replace_destroy() {
    let d = TempDir::with_files("lifecycle", &[("main.tf", CONFIG)]);
    let plan = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert!(plan.stdout.contains("# terraform_data.b[1] will be created"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 3 to add, 0 to change, 0 to destroy."));
    assert!(!d.path().join("terraform.tfstate").exists(), "plan writes no state");

    let create = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(create.code, 0, "{}", create.transcript());
    assert!(create.stdout.contains("terraform_data.a: Creation complete after 0s [id="), "{}", create.stdout);
    assert!(create.stdout.contains("Apply complete! Resources: 3 added, 0 changed, 0 destroyed."));
    let st = state(d.path());
    assert_eq!(st["outputs"]["b"]["value"], serde_json::json!(["one-0", "one-1"]));
    assert_eq!(st["resources"][1]["each"], "list");
    assert_eq!(st["resources"][1]["instances"][0]["dependencies"], serde_json::json!(["terraform_data.a"]));
    assert_eq!(
        st["resources"][0]["instances"][0]["attributes"]["input"],
        serde_json::json!({"value": "one", "type": "string"})
    );
    assert!(!d.path().join("terraform.tfstate.journal").exists(), "the journal is folded in and removed");
    let first = ids(&st);

    let noop = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(noop.code, 0, "{}", noop.transcript());
    assert!(noop.stdout.contains("No changes."));

    let update = run(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "v=two"]);
    assert_eq!(update.code, 0, "{}", update.transcript());
    assert!(update.stdout.contains("~ input  = \"one\" -> \"two\""), "{}", update.stdout);
    assert!(update.stdout.contains("Resources: 0 added, 3 changed, 0 destroyed."));
    assert_eq!(ids(&state(d.path())), first, "in-place updates keep ids");

    let replace = run(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "v=three"]);
    assert_eq!(replace.code, 0, "{}", replace.transcript());
    assert!(replace.stdout.contains("# terraform_data.b[0] must be replaced"), "{}", replace.stdout);
    // As Terraform, no "# forces replacement" note on an attribute of dynamic type.
    assert!(replace.stdout.contains("~ triggers_replace = \"y\" -> \"x\"\n"), "{}", replace.stdout);
    assert!(replace.stdout.contains("Resources: 2 added, 1 changed, 2 destroyed."));
    let after = ids(&state(d.path()));
    assert_eq!(after[0], first[0], "a is updated, not replaced");
    assert_ne!(after[1].2, first[1].2, "b[0] got a new id");

    let shrink = run(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "v=three", "-var", "n=1"]);
    assert_eq!(shrink.code, 0, "{}", shrink.transcript());
    assert!(shrink.stdout.contains("# terraform_data.b[1] will be destroyed"), "{}", shrink.stdout);
    assert!(shrink.stdout.contains("# (because index [1] is out of range for count)"), "{}", shrink.stdout);
    assert_eq!(ids(&state(d.path())).len(), 2);

    let destroy = run(d.path(), &["destroy", "-auto-approve", "-no-color", "-var", "v=three", "-var", "n=1"]);
    assert_eq!(destroy.code, 0, "{}", destroy.transcript());
    assert!(destroy.stdout.contains("Destroy complete! Resources: 2 destroyed."), "{}", destroy.stdout);
    let b0 = destroy.stdout.find("terraform_data.b[0]: Destroying...").unwrap();
    let a = destroy.stdout.find("terraform_data.a: Destroying...").unwrap();
    assert!(b0 < a, "dependents are destroyed first:\n{}", destroy.stdout);
    let st = state(d.path());
    assert_eq!(st["resources"], serde_json::json!([]));
    assert_eq!(st["outputs"], serde_json::json!({}));
}

#[test]
fn for_each_keys_modules_and_removed_resources() {
    let d = TempDir::with_files(
        "foreach",
        &[
            (
                "main.tf",
                r#"
variable "keys" {
  type    = list(string)
  default = ["x", "y"]
}
resource "terraform_data" "m" {
  for_each = toset(var.keys)
  input    = "item-${each.key}"
}
module "child" {
  source = "./child"
  name   = terraform_data.m["x"].output
}
output "child" {
  value = module.child.out
}
"#,
            ),
            ("child/main.tf", "variable \"name\" {}\nresource \"terraform_data\" \"c\" {\n  input = \"child of ${var.name}\"\n}\noutput \"out\" {\n  value = terraform_data.c.output\n}\n"),
        ],
    );
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let st = state(d.path());
    assert_eq!(st["outputs"]["child"]["value"], "child of item-x");
    let child = st["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["module"] == "module.child")
        .expect("child resource in state");
    assert_eq!(child["provider"], "provider[\"terraform.io/builtin/terraform\"]");
    let m = st["resources"].as_array().unwrap().iter().find(|r| r["name"] == "m").unwrap();
    assert_eq!(m["each"], "map");
    assert_eq!(m["instances"][1]["index_key"], "y");

    let shrink = run(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "keys=[\"x\"]"]);
    assert_eq!(shrink.code, 0, "{}", shrink.transcript());
    assert!(shrink.stdout.contains("# terraform_data.m[\"y\"] will be destroyed"), "{}", shrink.stdout);
    assert!(shrink.stdout.contains("# (because key [\"y\"] is not in for_each map)"), "{}", shrink.stdout);

    // Removing the resource block deletes what it managed.
    std::fs::write(d.path().join("main.tf"), "output \"none\" {\n  value = 1\n}\n").unwrap();
    let removed = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(removed.code, 0, "{}", removed.transcript());
    assert!(removed.stdout.contains("# (because terraform_data.m is not in configuration)"), "{}", removed.stdout);
    assert!(removed.stdout.contains("module.child.terraform_data.c will be destroyed"), "{}", removed.stdout);
    // As Terraform: a module gone with its call is a resource not in configuration.
    assert!(removed.stdout.contains("# (because terraform_data.c is not in configuration)"), "{}", removed.stdout);
    assert_eq!(state(d.path())["resources"], serde_json::json!([]));
}

#[test]
fn secrets_stay_out_of_plans_and_are_marked_in_state() {
    let d = TempDir::with_files(
        "secret",
        &[(
            "main.tf",
            "variable \"pw\" {\n  sensitive = true\n  default   = \"hunter2\"\n}\nresource \"terraform_data\" \"s\" {\n  input = { user = \"admin\", password = var.pw }\n}\n",
        )],
    );
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(!out.transcript().contains("hunter2"), "{}", out.transcript());
    let st = state(d.path());
    let paths = &st["resources"][0]["instances"][0]["sensitive_attributes"];
    assert!(paths.to_string().contains("password"), "{paths}");
    let plan = run(d.path(), &["plan", "-no-color", "-var", "pw=other"]);
    assert!(!plan.transcript().contains("hunter2") && !plan.transcript().contains("other"), "{}", plan.transcript());
    let show = run(d.path(), &["show", "-no-color"]);
    assert_eq!(show.code, 0, "{}", show.transcript());
    assert!(
        show.stdout.contains("# terraform_data.s:") && show.stdout.contains("user     = \"admin\""),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains("password = (sensitive value)") && !show.stdout.contains("hunter2"),
        "{}",
        show.stdout
    );
}

#[test]
fn an_interrupted_apply_is_recovered_from_the_journal() {
    let d = TempDir::with_files("journal", &[("main.tf", "resource \"terraform_data\" \"a\" {\n  input = 1\n}\n")]);
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    let st = state(d.path());
    // A run that died after completing one operation left this journal.
    let header = serde_json::json!({"lineage": st["lineage"], "serial": st["serial"]});
    let entry = serde_json::json!({
        "mode": "managed", "type": "terraform_data", "name": "orphan",
        "provider": "provider[\"terraform.io/builtin/terraform\"]",
        "instance": {"schema_version": 0, "attributes": {"id": "abc", "input": null, "output": null, "triggers_replace": null}, "sensitive_attributes": []}
    });
    std::fs::write(d.path().join("terraform.tfstate.journal"), format!("{header}\n{entry}\n{{\"torn")).unwrap();
    let out = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stderr.contains("Recovered an interrupted apply"), "{}", out.stderr);
    assert!(
        out.stdout.contains("# terraform_data.orphan will be destroyed"),
        "the recovered object is known:\n{}",
        out.stdout
    );
    assert!(!d.path().join("terraform.tfstate.journal").exists());
    assert_eq!(state(d.path())["serial"], st["serial"].as_u64().unwrap() + 1);
}

#[test]
fn unknown_count_and_bad_resources_are_diagnosed() {
    let d = TempDir::with_files(
        "bad",
        &[(
            "main.tf",
            "resource \"terraform_data\" \"a\" {}\nresource \"terraform_data\" \"b\" {\n  count = length(terraform_data.a.id)\n}\nresource \"terraform_data\" \"c\" {\n  inputt = 1\n}\nresource \"nosuch_thing\" \"d\" {}\n",
        )],
    );
    // The validate walk runs first and stops the plan: only its error.
    let out = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("Did you mean \"input\"?"), "{}", out.stderr);
    assert_eq!(out.stderr.matches("Error: ").count(), 1, "{}", out.stderr);
    d.write("main.tf", &std::fs::read_to_string(d.path().join("main.tf")).unwrap().replace("inputt", "input"));
    let out = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("Invalid count argument"), "{}", out.stderr);
    assert!(out.stderr.contains("Provider not available"), "{}", out.stderr);
}

#[test]
fn state_list_and_graph() {
    let d = TempDir::with_files(
        "statelist",
        &[(
            "main.tf",
            "resource \"terraform_data\" \"a\" {}\nresource \"terraform_data\" \"b\" {\n  count = 12\n  input = terraform_data.a.id\n}\noutput \"o\" {\n  value = terraform_data.b[0].id\n}\n",
        )],
    );
    let none = run(d.path(), &["state", "list"]);
    assert_eq!(none.code, 1, "no state file is an error, as in Terraform");
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    let all = run(d.path(), &["state", "list"]);
    let lines: Vec<&str> = all.stdout.lines().collect();
    assert_eq!(lines.len(), 13);
    assert_eq!(lines[0], "terraform_data.a");
    assert_eq!(lines[2], "terraform_data.b[1]");
    assert_eq!(lines[3], "terraform_data.b[2]", "numeric order");
    assert_eq!(run(d.path(), &["state", "list", "terraform_data.a"]).stdout, "terraform_data.a\n");
    let st = state(d.path());
    let id = st["resources"][0]["instances"][0]["attributes"]["id"].as_str().unwrap().to_string();
    assert_eq!(run(d.path(), &["state", "list", &format!("-id={id}")]).stdout, "terraform_data.a\n");
    let dot = run(d.path(), &["graph"]);
    assert!(dot.stdout.starts_with("digraph {"), "{}", dot.stdout);
    assert!(dot.stdout.contains("\"terraform_data.b\" -> \"terraform_data.a\""), "{}", dot.stdout);
    assert_eq!(
        dot.stdout.matches("terraform_data.b\" ->").count(),
        1,
        "one edge per resource, not per instance:\n{}",
        dot.stdout
    );
}

#[test]
fn saved_plans_apply_exactly_and_refuse_when_stale() {
    let d = TempDir::with_files("saved", &[("main.tf", CONFIG)]);
    let plan = run(d.path(), &["plan", "-no-color", "-out=tf.plan", "-var", "v=saved"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains("strata apply \"tf.plan\""), "{}", plan.stdout);
    let show = run(d.path(), &["show", "-no-color", "tf.plan"]);
    assert!(
        show.stdout.contains("# terraform_data.a will be created") && show.stdout.contains("+ input  = \"saved\""),
        "{}",
        show.stdout
    );
    let applied = run(d.path(), &["apply", "-no-color", "tf.plan"]);
    assert_eq!(applied.code, 0, "a saved plan applies without asking:\n{}", applied.transcript());
    assert_eq!(
        state(d.path())["outputs"]["b"]["value"],
        serde_json::json!(["saved-0", "saved-1"]),
        "the plan's variables are used"
    );
    let again = run(d.path(), &["apply", "-no-color", "tf.plan"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("Saved plan is stale"), "{}", again.stderr);

    std::fs::write(d.path().join("bogus.plan"), "{\"format\": \"x\"}").unwrap();
    assert_eq!(run(d.path(), &["apply", "bogus.plan"]).code, 1);
}

#[test]
fn json_strings_open_up_and_multi_line_strings_are_shown_as_line_diffs() {
    let config = r##"
variable "actions" {
  type    = list(string)
  default = ["s3:GetObject"]
}
variable "script" {
  default = "#!/bin/sh\necho one\necho two\n"
}
resource "terraform_data" "policy" {
  input = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }] })
}
resource "terraform_data" "script" {
  input = var.script
}
"##;
    let d = TempDir::with_files("jsondiff", &[("main.tf", config)]);
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    let plan = run(
        d.path(),
        &[
            "plan",
            "-no-color",
            "-var",
            "actions=[\"s3:GetObject\", \"s3:PutObject\"]",
            "-var",
            "script=#!/bin/sh\necho one\necho 2\n",
        ],
    );
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains("~ input  = jsonencode("), "{}", plan.stdout);
    assert!(
        plan.stdout.lines().any(|l| l.trim_start().starts_with("+ ") && l.trim_end().ends_with("\"s3:PutObject\",")),
        "the added action is an added line:\n{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("~ Action   = ["), "the changed attribute opens up:\n{}", plan.stdout);
    assert!(plan.stdout.contains("# (2 unchanged attributes hidden)"), "{}", plan.stdout);
    assert!(plan.stdout.contains("- echo two") && plan.stdout.contains("+ echo 2"), "{}", plan.stdout);
    assert!(plan.stdout.contains("    echo one"), "unchanged lines are kept as context:\n{}", plan.stdout);
}
