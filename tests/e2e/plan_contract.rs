//! The plan is the contract: apply — of a saved plan or after `yes` —
//! does exactly what the plan showed. Data sources read while planning are
//! not read again, nothing is refreshed again, a configuration edited
//! after `plan -out` changes nothing, and a provider that plans a
//! different known value at apply is refused before anything happens.

use crate::support::{run, run_with, state, TempDir};

const TESTING: &str = crate::support::TESTING_PROVIDER;

#[test]
fn a_data_source_read_while_planning_is_not_read_again_when_applying() {
    let config = r#"
data "local_file" "src" {
  filename = "${path.module}/src.txt"
}
resource "local_file" "out" {
  filename = "${path.module}/out.txt"
  content  = data.local_file.src.content
}
"#;
    let d = TempDir::with_files("contract-data", &[("main.tf", config), ("src.txt", "A")]);
    let plan = run(d.path(), &["plan", "-no-color", "-out=tfplan"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains("+ content              = \"A\""), "{}", plan.stdout);
    // The world moves on between review and apply.
    d.write("src.txt", "B");
    let applied = run(d.path(), &["apply", "-no-color", "tfplan"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert!(!applied.stdout.contains("data.local_file.src: Reading"), "read again:\n{}", applied.stdout);
    assert_eq!(std::fs::read_to_string(d.path().join("out.txt")).unwrap(), "A", "what was reviewed is applied");
    let st = state(d.path());
    let data = st["resources"].as_array().unwrap().iter().find(|r| r["mode"] == "data").expect("data source in state");
    assert_eq!(data["instances"][0]["attributes"]["content"], "A", "the plan's read is what the state keeps");
    // The next plan sees the new content.
    let next = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(next.code, 2, "{}", next.transcript());
    assert!(next.stdout.contains("~ content              = \"A\" -> \"B\""), "{}", next.stdout);
}

#[test]
fn a_saved_plan_applies_its_own_configuration_whatever_the_files_say_now() {
    let config = r#"
variable "v" { default = "one" }
resource "terraform_data" "a" { input = var.v }
output "a" { value = terraform_data.a.output }
"#;
    let d = TempDir::with_files("contract-edit", &[("main.tf", config)]);
    assert_eq!(run(d.path(), &["plan", "-out=tfplan"]).code, 0);
    // Edited after review: neither the new value nor the new resource is
    // what the reviewer approved.
    d.write(
        "main.tf",
        r#"
variable "v" { default = "two" }
resource "terraform_data" "a" { input = var.v }
resource "terraform_data" "b" { input = "new" }
output "a" { value = terraform_data.a.output }
"#,
    );
    let applied = run(d.path(), &["apply", "-no-color", "tfplan"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert!(applied.stdout.contains("Resources: 1 added, 0 changed, 0 destroyed."), "{}", applied.stdout);
    let st = state(d.path());
    assert_eq!(st["outputs"]["a"]["value"], "one");
    assert_eq!(st["resources"].as_array().unwrap().len(), 1, "{st}");
    // The edit is an ordinary change for the next plan.
    let next = run(d.path(), &["plan", "-no-color"]);
    assert!(next.stdout.contains("Plan: 1 to add, 1 to change, 0 to destroy."), "{}", next.stdout);
}

#[test]
fn a_different_known_value_at_apply_is_refused_and_stops_dependents() {
    let config = format!(
        r#"{TESTING}
resource "testing_resource" "a" {{
  name = "a"
}}
resource "testing_resource" "b" {{
  name  = "b"
  value = testing_resource.a.id
}}
resource "testing_resource" "independent" {{
  name = "independent"
}}
"#
    );
    let d = TempDir::with_files("contract-inconsistent", &[("main.tf", &config)]);
    let world = TempDir::new("contract-inconsistent-world");
    let env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap())];
    world.write("a.note", "reviewed");
    let plan = run_with(d.path(), &["plan", "-no-color", "-out=tfplan"], &env, None);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains("+ note   = \"reviewed\""), "{}", plan.stdout);
    // The provider would now plan something else for a known attribute.
    world.write("a.note", "changed");
    let applied = run_with(d.path(), &["apply", "-no-color", "tfplan"], &env, None);
    assert_eq!(applied.code, 1, "{}", applied.transcript());
    assert!(applied.stderr.contains("Provider produced inconsistent final plan"), "{}", applied.stderr);
    let flat = applied.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "produced an invalid new value for .note: was cty.StringVal(\"reviewed\"), but now cty.StringVal(\"changed\")"
        ),
        "{}",
        applied.stderr
    );
    assert!(applied.stderr.contains("testing_resource.a"), "{}", applied.stderr);
    let st = state(d.path());
    let names: Vec<&str> = st["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["independent"], "a is not created and b does not start; others go on");
}

#[test]
fn unknowns_filled_in_at_apply_are_accepted() {
    let config = format!(
        r#"{TESTING}
resource "testing_resource" "a" {{
  name  = "a"
  value = "x"
}}
resource "testing_resource" "b" {{
  name  = "b"
  value = testing_resource.a.result
}}
output "b" {{ value = testing_resource.b.result }}
"#
    );
    let d = TempDir::with_files("contract-unknowns", &[("main.tf", &config)]);
    let plan = run(d.path(), &["plan", "-no-color", "-out=tfplan"]);
    assert!(plan.stdout.contains("+ value  = (known after apply)"), "{}", plan.stdout);
    let applied = run(d.path(), &["apply", "-no-color", "tfplan"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert_eq!(state(d.path())["outputs"]["b"]["value"], "x!!");
}

#[test]
fn apply_after_yes_executes_the_plan_it_showed() {
    let config = format!(
        r#"{TESTING}
resource "testing_resource" "a" {{
  name = "a"
}}
"#
    );
    let d = TempDir::with_files("contract-yes", &[("main.tf", &config)]);
    let world = TempDir::new("contract-yes-world");
    let log = world.path().join("calls.log");
    let env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap()), ("STRATA_TESTING_LOG", log.to_str().unwrap())];
    assert_eq!(run_with(d.path(), &["apply", "-auto-approve"], &env, None).code, 0);
    std::fs::write(&log, "").unwrap();
    world.write("a.value", "by hand");
    let applied = run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &env, None);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(calls.lines().filter(|l| l.starts_with("read a")).count(), 1, "refreshed once, when planning:\n{calls}");
    assert!(calls.contains("update a start"), "{calls}");
}

/// Terraform applies a saved plan's own configuration too: both tools end
/// with the same state and outputs after the same edit-after-plan.
#[test]
fn a_saved_plan_after_an_edit_ends_as_in_terraform() {
    use crate::support::{terraform, terraform_available};
    if !terraform_available() {
        return;
    }
    let before = "variable \"v\" { default = \"one\" }\nresource \"terraform_data\" \"a\" { input = var.v }\noutput \"a\" { value = terraform_data.a.output }\n";
    let after = before.replace("\"one\"", "\"two\"");
    let mut outputs = Vec::new();
    for tool in ["strata", "terraform"] {
        let d = TempDir::with_files("contract-differential", &[("main.tf", before)]);
        let step = |args: &[&str]| {
            if tool == "strata" {
                let o = run(d.path(), args);
                assert_eq!(o.code, 0, "strata {args:?}: {}", o.transcript());
            } else {
                let o = terraform(d.path(), args);
                assert!(o.status.success(), "terraform {args:?}: {}", String::from_utf8_lossy(&o.stderr));
            }
        };
        step(&["plan", "-out=tfplan"]);
        d.write("main.tf", &after);
        step(&["apply", "tfplan"]);
        outputs.push(state(d.path())["outputs"]["a"]["value"].clone());
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], "one");
}
