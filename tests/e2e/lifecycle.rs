//! `lifecycle`: create_before_destroy, prevent_destroy, ignore_changes,
//! replace_triggered_by, preconditions and postconditions.

use crate::support::{run, run_with, terraform, terraform_available, TempDir};
use serde_json::Value as Json;

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

/// Every instance's `create_before_destroy` flag in a state file, by
/// `module resource[key]`.
fn cbd_flags(dir: &std::path::Path) -> Vec<(String, bool)> {
    let st: Json = serde_json::from_str(&std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap()).unwrap();
    let mut flags = Vec::new();
    for r in st["resources"].as_array().unwrap() {
        for i in r["instances"].as_array().unwrap() {
            let module = r["module"].as_str().map(|m| format!("{m}.")).unwrap_or_default();
            let key = if i["index_key"].is_null() { String::new() } else { format!("[{}]", i["index_key"]) };
            let name = format!("{module}{}.{}{key}", r["type"].as_str().unwrap(), r["name"].as_str().unwrap());
            assert_ne!(i["create_before_destroy"], false, "Terraform never writes the flag false: {name}");
            flags.push((name, i["create_before_destroy"] == true));
        }
    }
    flags.sort();
    flags
}

#[test]
fn create_before_destroy_spreads_to_what_it_depends_on() {
    let config = format!(
        r#"{TESTING}variable "n" {{
  default = "one"
}}
resource "testing_resource" "a" {{
  count = 1
  name  = "a-${{var.n}}"
}}
module "m" {{
  source = "./m"
  ids    = testing_resource.a[*].id
}}
resource "testing_resource" "b" {{
  name  = "b"
  value = module.m.id
  lifecycle {{
    create_before_destroy = true
  }}
}}
resource "testing_resource" "c" {{
  name = "c-${{var.n}}"
}}
"#
    );
    let child = r#"variable "ids" {}
resource "testing_resource" "mid" {
  for_each = toset(["x"])
  name     = "mid-${join(",", var.ids)}"
}
resource "testing_resource" "side" {
  name = "side-${join(",", var.ids)}"
}
output "id" {
  value = testing_resource.mid["x"].id
}
output "unused" {
  value = testing_resource.side.id
}
"#;
    let d = TempDir::with_files("cbd-spreads", &[("main.tf", &config), ("m/main.tf", child)]);
    let log = d.path().join("calls.log");
    let env = [("STRATA_TESTING_LOG", log.to_str().unwrap())];
    let first = run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &env, None);
    assert_eq!(first.code, 0, "{}", first.transcript());
    // The flag is stored on b and on everything b depends on, through the
    // module's variable and output, as Terraform stores it.
    let forced = |flags: Vec<(String, bool)>| -> Vec<String> {
        flags.into_iter().filter(|(_, on)| *on).map(|(name, _)| name).collect()
    };
    let expected = ["module.m.testing_resource.mid[\"x\"]", "testing_resource.a[0]", "testing_resource.b"];
    assert_eq!(forced(cbd_flags(d.path())), expected);
    std::fs::write(&log, "").unwrap();
    let out = run_with(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "n=two"], &env, None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    for (header, symbol) in [
        ("# testing_resource.a[0] must be replaced", "+/- resource \"testing_resource\" \"a\""),
        ("# module.m.testing_resource.mid[\"x\"] must be replaced", "+/- resource \"testing_resource\" \"mid\""),
        ("# module.m.testing_resource.side must be replaced", "-/+ resource \"testing_resource\" \"side\""),
        ("# testing_resource.c must be replaced", "-/+ resource \"testing_resource\" \"c\""),
        ("# testing_resource.b will be updated in-place", "  ~ resource \"testing_resource\" \"b\""),
    ] {
        assert!(out.stdout.contains(&format!("{header}\n{symbol}")), "{header}:\n{}", out.stdout);
    }
    let calls = std::fs::read_to_string(&log).unwrap();
    let at = |line: &str| calls.find(line).unwrap_or_else(|| panic!("{line:?} in\n{calls}"));
    // New objects first, then their dependent, then the deposed objects,
    // dependents' before their dependencies'.
    assert!(at("create a-two done") < at("create mid-id-a-two done"), "{calls}");
    assert!(at("create mid-id-a-two done") < at("update b done"), "{calls}");
    assert!(at("update b done") < at("delete mid-id-a-one done"), "{calls}");
    assert!(at("delete mid-id-a-one done") < at("delete a-one done"), "{calls}");
    // A replacement nothing forces keeps Terraform's default order.
    assert!(at("delete c-one done") < at("create c-two done"), "{calls}");
    assert!(out.stdout.contains("testing_resource.a[0] (deposed object "), "{}", out.stdout);
    let st = std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap();
    assert!(!st.contains("\"deposed\""), "no deposed object is left:\n{st}");
    assert_eq!(forced(cbd_flags(d.path())), expected);
}

#[test]
fn create_before_destroy_from_state_orders_orphans_and_reports_cycles() {
    let both = r#"
resource "terraform_data" "a" {
}
resource "terraform_data" "b" {
  input = terraform_data.a.id
  lifecycle {
    create_before_destroy = true
  }
}
"#;
    let d = TempDir::with_files("cbd-orphans", &[("main.tf", both)]);
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    assert_eq!(cbd_flags(d.path()), [("terraform_data.a".to_string(), true), ("terraform_data.b".to_string(), true)]);
    // a leaves the configuration: stored with the flag, it goes after b is
    // updated, as Terraform orders it.
    d.write(
        "main.tf",
        "resource \"terraform_data\" \"b\" {\n  input = \"x\"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n",
    );
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let updated = out.stdout.find("terraform_data.b: Modifications complete").expect("b updated");
    let destroyed = out.stdout.find("terraform_data.a: Destroying...").expect("a destroyed");
    assert!(updated < destroyed, "{}", out.stdout);

    // Without the flag a goes first; b, replaced create-before-destroy and
    // still depending on a in state, cannot be ordered: Terraform's cycle.
    let plain = "resource \"terraform_data\" \"a\" {\n}\nresource \"terraform_data\" \"b\" {\n  input = terraform_data.a.id\n}\n";
    let c = TempDir::with_files("cbd-cycle", &[("main.tf", plain)]);
    assert_eq!(run(c.path(), &["apply", "-auto-approve"]).code, 0);
    c.write(
        "main.tf",
        "resource \"terraform_data\" \"b\" {\n  triggers_replace = \"2\"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n",
    );
    for command in [&["plan", "-no-color"][..], &["apply", "-auto-approve", "-no-color"]] {
        let out = run(c.path(), command);
        assert_eq!(out.code, 1, "{}", out.transcript());
        // The message as one line, whatever the terminal wrapping.
        let stderr = out.stderr.replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            stderr.contains("Error: Cycle: terraform_data.b, terraform_data.b (destroy deposed ")
                && stderr.contains("), terraform_data.a (destroy)"),
            "{}",
            out.stderr
        );
    }
    assert_eq!(run(c.path(), &["state", "list"]).stdout, "terraform_data.a\nterraform_data.b\n");
}

#[test]
fn a_failed_create_before_destroy_keeps_the_old_object_current() {
    let config = |fail: bool| {
        format!(
            "{TESTING}resource \"testing_resource\" \"r\" {{\n  name        = \"{}\"\n  fail_create = {fail}\n  lifecycle {{\n    create_before_destroy = true\n  }}\n}}\n",
            if fail { "two" } else { "one" }
        )
    };
    let d = TempDir::with_files("cbd-fail", &[("main.tf", &config(false))]);
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    d.write("main.tf", &config(true));
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    let st = std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap();
    assert!(!st.contains("\"deposed\""), "the deposed object is current again:\n{st}");
    assert!(st.contains("\"name\": \"one\""), "{st}");
}

/// `address → actions` of a saved plan, from `show -json`.
fn planned_actions(show_json: &str) -> Vec<(String, Json)> {
    let plan: Json = serde_json::from_str(show_json).unwrap();
    let mut actions: Vec<(String, Json)> = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["address"].as_str().unwrap().to_string(), c["change"]["actions"].clone()))
        .collect();
    actions.sort_by(|a, b| a.0.cmp(&b.0));
    actions
}

#[test]
fn create_before_destroy_agrees_with_terraform() {
    if !terraform_available() {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: terraform not found on PATH; differential create_before_destroy test skipped");
        }
        return;
    }
    let root = r#"variable "t" {
  default = "1"
}
resource "terraform_data" "base" {
  count            = 2
  triggers_replace = var.t
}
locals {
  ids = terraform_data.base[*].id
}
module "m" {
  source = "./m"
  ids    = local.ids
}
resource "terraform_data" "top" {
  input = module.m.out
  lifecycle {
    create_before_destroy = true
  }
}
resource "terraform_data" "other" {
  triggers_replace = var.t
}
"#;
    let child = r#"variable "ids" {}
resource "terraform_data" "mid" {
  for_each         = toset(["x", "y"])
  triggers_replace = var.ids
}
resource "terraform_data" "side" {
  triggers_replace = var.ids
}
output "out" {
  value = [for k, v in terraform_data.mid : v.id]
}
output "unused" {
  value = terraform_data.side.id
}
"#;
    let files = [("main.tf", root), ("m/main.tf", child)];
    let ours = TempDir::with_files("cbd-diff", &files);
    let theirs = TempDir::with_files("cbd-diff-tf", &files);
    let tf = |args: &[&str]| {
        let out = terraform(theirs.path(), args);
        assert!(out.status.success(), "terraform {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let strata = |args: &[&str]| {
        let out = run(ours.path(), args);
        assert_eq!(out.code, 0, "strata {args:?}: {}", out.transcript());
        out.stdout
    };
    tf(&["init", "-input=false", "-no-color"]);
    tf(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    strata(&["apply", "-auto-approve", "-no-color"]);
    assert_eq!(cbd_flags(ours.path()), cbd_flags(theirs.path()), "flags after the first apply");
    tf(&["plan", "-input=false", "-no-color", "-var", "t=2", "-out=p.plan"]);
    strata(&["plan", "-no-color", "-var", "t=2", "-out=p.plan"]);
    assert_eq!(
        planned_actions(&strata(&["show", "-json", "p.plan"])),
        planned_actions(&tf(&["show", "-json", "p.plan"])),
        "planned actions"
    );
    let theirs_applied = tf(&["apply", "-input=false", "-no-color", "p.plan"]);
    let ours_applied = strata(&["apply", "-no-color", "p.plan"]);
    assert_eq!(cbd_flags(ours.path()), cbd_flags(theirs.path()), "flags after the replacement");
    // The same order in both: replacements, their dependent, then the
    // deposed objects (the module's before the ones it depends on).
    for output in [&theirs_applied, &ours_applied] {
        let at = |line: &str| output.find(line).unwrap_or_else(|| panic!("{line:?} in\n{output}"));
        let deposed = |addr: &str| at(&format!("{addr} (deposed object "));
        assert!(at("terraform_data.base[0]: Creation complete") < at("terraform_data.top: Modifying..."), "{output}");
        assert!(
            at("module.m.terraform_data.mid[\"x\"]: Creation complete") < at("terraform_data.top: Modifying..."),
            "{output}"
        );
        assert!(at("terraform_data.top: Modifications complete") < deposed("module.m.terraform_data.mid[\"x\"]"));
        assert!(deposed("module.m.terraform_data.mid[\"y\"]") < deposed("terraform_data.base[0]"), "{output}");
        assert!(deposed("module.m.terraform_data.mid[\"x\"]") < deposed("terraform_data.base[1]"), "{output}");
        assert!(at("terraform_data.other: Destroying...") < at("terraform_data.other: Creating..."), "{output}");
    }
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
