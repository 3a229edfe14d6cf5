//! `check` blocks and check results: assertions warn (never fail), and the
//! status of every checkable object — resources with conditions, outputs
//! with preconditions, check blocks, validated variables — goes into the
//! saved plan (`show -json PLAN` → `checks`) and the state
//! (`check_results`), compared with Terraform where it is installed.

use crate::support::{run, terraform, terraform_available, TempDir};
use serde_json::Value as Json;

/// Resources with preconditions and postconditions (one failing only at
/// apply), an output precondition, a validated variable, check blocks that
/// pass, fail, and are unknown until apply, and a module with a check.
const CONFIG: &str = r#"
variable "v" {
  default = "x"
  validation {
    condition     = length(var.v) > 0
    error_message = "empty v"
  }
}

resource "terraform_data" "a" {
  input = "hello"
  lifecycle {
    postcondition {
      condition     = self.output == "hello"
      error_message = "a bad"
    }
  }
}

resource "terraform_data" "b" {
  count = 2
  input = "x${count.index}"
  lifecycle {
    precondition {
      condition     = count.index < 5
      error_message = "too many"
    }
  }
}

resource "terraform_data" "none" {
  count = 0
  lifecycle {
    precondition {
      condition     = count.index < 5
      error_message = "never"
    }
  }
}

output "o" {
  value = terraform_data.a.output
  precondition {
    condition     = length(terraform_data.a.input) > 0
    error_message = "empty"
  }
}

check "health" {
  assert {
    condition     = terraform_data.a.output == "nope"
    error_message = "a is not nope"
  }
  assert {
    condition     = var.v == "y"
    error_message = "v is ${var.v}"
  }
}

check "known" {
  assert {
    condition     = terraform_data.a.input == "hello"
    error_message = "x"
  }
}

module "child" {
  source = "./child"
  count  = 1
  name   = "c${count.index}"
}
"#;

const CHILD: &str = r#"
variable "name" {
  validation {
    condition     = startswith(var.name, "c")
    error_message = "names start with c"
  }
}

resource "terraform_data" "k" {
  for_each = toset([var.name])
  input    = each.key
  lifecycle {
    postcondition {
      condition     = self.input == each.key
      error_message = "input is not the key"
    }
  }
}

output "name" {
  value = var.name
  precondition {
    condition     = var.name != "c9"
    error_message = "not c9"
  }
}

check "child_check" {
  assert {
    condition     = var.name == "zzz"
    error_message = "name is ${var.name}"
  }
}
"#;

fn config_dir(name: &str) -> TempDir {
    TempDir::with_files(name, &[("main.tf", CONFIG), ("child/main.tf", CHILD)])
}

fn json_of(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Terraform's order of checks and their instances may vary from run to
/// run: sort every array by its entries' text.
fn order_insensitive(v: &Json) -> Json {
    match v {
        Json::Array(items) => {
            let mut items: Vec<Json> = items.iter().map(order_insensitive).collect();
            items.sort_by_key(|i| i.to_string());
            Json::Array(items)
        }
        Json::Object(map) => Json::Object(map.iter().map(|(k, x)| (k.clone(), order_insensitive(x))).collect()),
        other => other.clone(),
    }
}

fn pretty(v: &Json) -> String {
    serde_json::to_string_pretty(v).expect("JSON prints")
}

/// `strata show -json FILE`'s `checks`.
fn show_checks(dir: &TempDir, file: &str) -> Json {
    let shown = run(dir.path(), &["show", "-json", file]);
    assert_eq!(shown.code, 0, "{}", shown.transcript());
    json_of(&shown.stdout)["checks"].clone()
}

fn state_check_results(dir: &TempDir) -> Json {
    let text = std::fs::read_to_string(dir.path().join("terraform.tfstate")).expect("state written");
    json_of(&text)["check_results"].clone()
}

#[test]
fn plan_records_check_results_and_assertions_only_warn() {
    let d = config_dir("checks-plan");
    assert_eq!(run(d.path(), &["init"]).code, 0);
    let plan = run(d.path(), &["plan", "-no-color", "-out=p.plan"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    // Unknown until apply: a warning of its own; a false one: its message.
    assert!(plan.stderr.contains("Warning: Check block assertion known after apply"), "{}", plan.stderr);
    assert!(plan.stderr.contains("Warning: Check block assertion failed"), "{}", plan.stderr);
    assert!(plan.stderr.contains("v is x") && plan.stderr.contains("name is c0"), "{}", plan.stderr);
    assert_eq!(plan.stderr.matches("Check block assertion failed").count(), 2, "{}", plan.stderr);
    insta::assert_snapshot!("plan_checks", pretty(&show_checks(&d, "p.plan")));
}

#[test]
fn apply_stores_check_results_in_the_state_and_show_json_renders_them() {
    let d = config_dir("checks-apply");
    assert_eq!(run(d.path(), &["init"]).code, 0);
    let applied = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    // Without a prompt only the apply walk's assertion results are shown.
    assert_eq!(applied.stderr.matches("Check block assertion failed").count(), 3, "{}", applied.stderr);
    assert!(!applied.stderr.contains("known after apply"), "{}", applied.stderr);
    insta::assert_snapshot!("state_check_results", pretty(&state_check_results(&d)));
    let state_checks = show_checks(&d, "terraform.tfstate");
    assert_eq!(state_checks[0]["address"]["to_display"], "check.health");
    assert_eq!(state_checks[0]["instances"][0]["problems"][0]["message"], "a is not nope");
    // A plan on this state has its own results, not the state's.
    let plan = run(d.path(), &["plan", "-out=p.plan", "-var", "v=y"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let checks = show_checks(&d, "p.plan");
    let health = checks.as_array().unwrap().iter().find(|c| c["address"]["to_display"] == "check.health").unwrap();
    assert_eq!(health["instances"][0]["problems"], serde_json::json!([{ "message": "a is not nope" }]));
}

#[test]
fn destroy_leaves_every_check_unknown() {
    let d = config_dir("checks-destroy");
    assert_eq!(run(d.path(), &["init"]).code, 0);
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    let plan = run(d.path(), &["plan", "-destroy", "-no-color", "-out=d.plan"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(!plan.stderr.contains("Check block"), "destroy plans run no checks: {}", plan.stderr);
    let checks = show_checks(&d, "d.plan");
    for c in checks.as_array().unwrap() {
        assert_eq!(c["status"], "unknown", "{c}");
        // Only root outputs name their objects in a destroy plan.
        let root_output = c["address"]["kind"] == "output_value" && c["address"].get("module").is_none();
        assert_eq!(c.get("instances").is_some(), root_output, "{c}");
    }
    assert_eq!(run(d.path(), &["destroy", "-auto-approve"]).code, 0);
    let results = state_check_results(&d);
    assert!(results.as_array().unwrap().iter().all(|r| r["status"] == "unknown"), "{results}");
}

#[test]
fn refresh_only_plans_turn_failed_conditions_into_warnings() {
    let config = r#"
variable "want" {
  default = "a"
}
resource "terraform_data" "x" {
  input = "a"
  lifecycle {
    postcondition {
      condition     = self.input == var.want
      error_message = "input is not ${var.want}"
    }
  }
}
"#;
    let d = TempDir::with_files("checks-refresh-only", &[("main.tf", config)]);
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    let normal = run(d.path(), &["plan", "-no-color", "-var", "want=b"]);
    assert_eq!(normal.code, 1, "{}", normal.transcript());
    assert!(normal.stderr.contains("Error: Resource postcondition failed"), "{}", normal.stderr);
    let refresh = run(d.path(), &["plan", "-refresh-only", "-no-color", "-var", "want=b", "-out=r.plan"]);
    assert_eq!(refresh.code, 0, "{}", refresh.transcript());
    assert!(refresh.stderr.contains("Warning: Resource postcondition failed"), "{}", refresh.stderr);
    assert!(refresh.stderr.contains("input is not b"), "{}", refresh.stderr);
    let checks = show_checks(&d, "r.plan");
    assert_eq!(checks[0]["status"], "fail", "{checks}");
}

#[test]
fn scoped_data_sources_fail_checks_with_a_warning_and_sensitive_messages_stay_hidden() {
    let config = r#"
variable "secret" {
  default   = "hunter2"
  sensitive = true
}
check "missing_file" {
  data "local_file" "cfg" {
    filename = "${path.module}/missing.txt"
  }
  assert {
    condition     = data.local_file.cfg.content == "ok"
    error_message = "never evaluated"
  }
}
check "present_file" {
  data "local_file" "here" {
    filename = "${path.module}/here.txt"
  }
  assert {
    condition     = data.local_file.here.content == "nope"
    error_message = "content is ${data.local_file.here.content}"
  }
}
check "secret" {
  assert {
    condition     = var.secret == "x"
    error_message = "secret is ${var.secret}"
  }
}
"#;
    let d = TempDir::with_files("checks-scoped-data", &[("main.tf", config), ("here.txt", "hello")]);
    assert_eq!(run(d.path(), &["init"]).code, 0);
    let plan = run(d.path(), &["plan", "-no-color", "-out=p.plan"]);
    assert_eq!(plan.code, 0, "a failed read in a check block is no error: {}", plan.transcript());
    assert!(plan.stderr.contains("Warning: Read local file data source error"), "{}", plan.stderr);
    assert!(!plan.stderr.contains("never evaluated"), "{}", plan.stderr);
    assert!(plan.stderr.contains("content is hello"), "{}", plan.stderr);
    assert!(plan.stderr.contains("Warning: Error message refers to sensitive values"), "{}", plan.stderr);
    // Read now for the plan's checks, and again when applying.
    assert!(
        plan.stdout.contains(
            "# data.local_file.here will be read during apply\n  # (config will be reloaded to verify a check block)"
        ),
        "{}",
        plan.stdout
    );
    let shown = json_of(&run(d.path(), &["show", "-json", "p.plan"]).stdout);
    let reasons: Vec<&str> =
        shown["resource_changes"].as_array().unwrap().iter().filter_map(|c| c["action_reason"].as_str()).collect();
    assert_eq!(reasons, ["read_because_check_nested", "read_because_check_nested"], "{shown}");
    let checks = show_checks(&d, "p.plan");
    assert!(!checks.to_string().contains("hunter2"), "{checks}");
    assert!(!plan.transcript().contains("hunter2"), "{}", plan.transcript());
    insta::assert_snapshot!("scoped_data_checks", pretty(&checks));
    // Applying the saved plan shows each check warning once: the apply's.
    let applied = run(d.path(), &["apply", "-no-color", "p.plan"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert_eq!(applied.stderr.matches("Warning: Read local file data source error").count(), 1, "{}", applied.stderr);
    assert_eq!(
        applied.stderr.matches("Warning: Error message refers to sensitive values").count(),
        1,
        "{}",
        applied.stderr
    );
    let results = state_check_results(&d);
    assert!(results.to_string().contains("content is hello"), "{results}");
}

#[test]
fn plan_json_streams_check_warnings_as_diagnostics() {
    let d = config_dir("checks-plan-json");
    assert_eq!(run(d.path(), &["init"]).code, 0);
    let plan = run(d.path(), &["plan", "-json"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let warnings: Vec<Json> = plan
        .stdout
        .lines()
        .map(json_of)
        .filter(|m| m["type"] == "diagnostic" && m["diagnostic"]["severity"] == "warning")
        .collect();
    let summaries: Vec<&str> = warnings.iter().filter_map(|w| w["diagnostic"]["summary"].as_str()).collect();
    assert!(summaries.contains(&"Check block assertion failed"), "{summaries:?}");
    assert!(summaries.contains(&"Check block assertion known after apply"), "{summaries:?}");
}

/// Terraform's `show -json` output's `checks`, order-insensitive.
fn terraform_checks(dir: &TempDir, file: &str) -> Json {
    let shown = terraform(dir.path(), &["show", "-json", file]);
    assert!(shown.status.success(), "{}", String::from_utf8_lossy(&shown.stderr));
    order_insensitive(&json_of(&String::from_utf8_lossy(&shown.stdout))["checks"])
}

#[test]
fn check_results_agree_with_terraform() {
    if !terraform_available() {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: terraform not found on PATH; differential check tests skipped");
        }
        return;
    }
    let ours = config_dir("checks-diff");
    let theirs = config_dir("checks-diff-tf");
    let init = terraform(theirs.path(), &["init", "-input=false", "-no-color"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    assert_eq!(run(ours.path(), &["init"]).code, 0);
    // Plan: the plan's own results.
    let tf = terraform(theirs.path(), &["plan", "-input=false", "-no-color", "-out=p.plan"]);
    assert!(tf.status.success(), "{}", String::from_utf8_lossy(&tf.stderr));
    let plan = run(ours.path(), &["plan", "-out=p.plan"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert_eq!(
        pretty(&order_insensitive(&show_checks(&ours, "p.plan"))),
        pretty(&terraform_checks(&theirs, "p.plan")),
        "plan checks differ"
    );
    // Apply: the state's results and their JSON rendering.
    let tf = terraform(theirs.path(), &["apply", "-input=false", "-no-color", "p.plan"]);
    assert!(tf.status.success(), "{}", String::from_utf8_lossy(&tf.stderr));
    let applied = run(ours.path(), &["apply", "p.plan"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert_eq!(
        pretty(&order_insensitive(&state_check_results(&ours))),
        pretty(&order_insensitive(&state_check_results(&theirs))),
        "state check_results differ"
    );
    assert_eq!(
        pretty(&order_insensitive(&show_checks(&ours, "terraform.tfstate"))),
        pretty(&terraform_checks(&theirs, "terraform.tfstate")),
        "show -json checks differ"
    );
    // A destroy plan: nothing evaluated.
    let tf = terraform(theirs.path(), &["plan", "-destroy", "-input=false", "-no-color", "-out=d.plan"]);
    assert!(tf.status.success(), "{}", String::from_utf8_lossy(&tf.stderr));
    let plan = run(ours.path(), &["plan", "-destroy", "-out=d.plan"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert_eq!(
        pretty(&order_insensitive(&show_checks(&ours, "d.plan"))),
        pretty(&terraform_checks(&theirs, "d.plan")),
        "destroy plan checks differ"
    );
}

#[test]
fn check_blocks_are_validated_as_terraform_does() {
    let config = r#"
resource "terraform_data" "a" {
  count = 1
  lifecycle {
    precondition {
      condition     = count.index == 0
      error_message = "refers to count: fine"
    }
  }
}
check "constant" {
  assert {
    condition     = 1 == 2
    error_message = "checks nothing"
  }
}
check "empty" {
  data "local_file" "f" {
    count    = 2
    filename = "x"
  }
}
"#;
    let d = TempDir::with_files("checks-validate", &[("main.tf", config)]);
    let out = run(d.path(), &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    for expected in [
        "Error: Invalid assert expression",
        "must refer to at least one object from elsewhere",
        "Error: Zero assert blocks",
        "Error: Invalid \"count\" attribute",
        "not supported within nested data blocks",
    ] {
        assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
    }
    assert!(!out.stderr.contains("Invalid precondition expression"), "{}", out.stderr);
}

/// Module calls expanded to no instances (`count = 0`, an empty
/// `for_each`): every checkable object in them, nested modules included,
/// has no objects, so it passes, as in Terraform.
#[test]
fn checks_of_modules_with_no_instances_pass() {
    let root = r#"
module "zero" {
  source = "./child"
  count  = 0
  name   = "c${count.index}"
}
module "none" {
  source   = "./child"
  for_each = toset([])
  name     = each.key
}
"#;
    let grandchild = r#"
variable "name" {}
check "grand_check" {
  assert {
    condition     = var.name == "zzz"
    error_message = "name is ${var.name}"
  }
}
"#;
    let child = format!("{CHILD}\nmodule \"grand\" {{\n  source = \"./grand\"\n  name   = var.name\n}}\n");
    let files = [("main.tf", root), ("child/main.tf", child.as_str()), ("child/grand/main.tf", grandchild)];
    let d = TempDir::with_files("checks-zero", &files);
    assert_eq!(run(d.path(), &["init"]).code, 0);
    let plan = run(d.path(), &["plan", "-out=p.plan"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let checks = show_checks(&d, "p.plan");
    let checks = checks.as_array().expect("checks listed");
    assert_eq!(checks.len(), 10, "{}", pretty(&Json::Array(checks.clone())));
    for check in checks {
        assert_eq!(check["status"], "pass", "{}", pretty(check));
        assert!(check.get("instances").is_none(), "{}", pretty(check));
    }
    let applied = run(d.path(), &["apply", "p.plan"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let results = state_check_results(&d);
    for result in results.as_array().expect("check results stored") {
        assert_eq!(result["status"], "pass", "{}", pretty(result));
        assert_eq!(result["objects"], Json::Null, "{}", pretty(result));
    }
    if !terraform_available() {
        return;
    }
    let theirs = TempDir::with_files("checks-zero-tf", &files);
    let init = terraform(theirs.path(), &["init", "-input=false", "-no-color"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let tf = terraform(theirs.path(), &["plan", "-input=false", "-no-color", "-out=p.plan"]);
    assert!(tf.status.success(), "{}", String::from_utf8_lossy(&tf.stderr));
    let ours = run(d.path(), &["plan", "-out=q.plan"]);
    assert_eq!(ours.code, 0, "{}", ours.transcript());
    assert_eq!(
        pretty(&order_insensitive(&show_checks(&d, "q.plan"))),
        pretty(&terraform_checks(&theirs, "p.plan")),
        "plan checks differ"
    );
    let tf = terraform(theirs.path(), &["apply", "-input=false", "-no-color", "p.plan"]);
    assert!(tf.status.success(), "{}", String::from_utf8_lossy(&tf.stderr));
    assert_eq!(
        pretty(&order_insensitive(&state_check_results(&d))),
        pretty(&order_insensitive(&state_check_results(&theirs))),
        "state check_results differ"
    );
}
