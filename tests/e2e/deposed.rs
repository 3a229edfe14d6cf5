//! Deposed objects: what a partially-failed create_before_destroy
//! replacement leaves in state is destroyed by the next plan and apply, as
//! Terraform does — refreshed first, shown, counted, in plan JSON and in
//! the PR comment.

use crate::support::{run, run_with, terraform, terraform_available, TempDir};
use serde_json::Value as Json;

const TESTING: &str = "terraform {\n  required_providers {\n    testing = { source = \"strata/testing\" }\n  }\n}\n";

/// `a` is replaced create-before-destroy; `b`, which depends on it, fails
/// to update when `fail` is set.
fn failing_dependent() -> String {
    format!(
        r#"{TESTING}variable "n" {{
  default = "one"
}}
variable "fail" {{
  default = false
}}
resource "testing_resource" "a" {{
  name = var.n
  lifecycle {{
    create_before_destroy = true
  }}
}}
resource "testing_resource" "b" {{
  name        = "b"
  value       = testing_resource.a.id
  fail_update = var.fail
}}
"#
    )
}

/// The deposed keys of a state file, by resource address.
fn deposed_keys(dir: &std::path::Path) -> Vec<(String, String)> {
    let st: Json = serde_json::from_str(&std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap()).unwrap();
    let mut keys = Vec::new();
    for r in st["resources"].as_array().unwrap() {
        for i in r["instances"].as_array().unwrap() {
            if let Some(k) = i["deposed"].as_str() {
                keys.push((format!("{}.{}", r["type"].as_str().unwrap(), r["name"].as_str().unwrap()), k.to_string()));
            }
        }
    }
    keys
}

/// Applies `failing_dependent` so that the old `a` ("one") is left deposed;
/// returns its key.
fn leave_a_deposed_object(d: &TempDir) -> String {
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "n=two", "-var", "fail=true"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    let keys = deposed_keys(d.path());
    assert_eq!(keys.len(), 1, "the old object stays deposed: {keys:?}");
    keys[0].1.clone()
}

#[test]
fn a_deposed_object_left_by_a_failed_replacement_is_destroyed_next_time() {
    let d = TempDir::with_files("deposed-next", &[("main.tf", &failing_dependent())]);
    let key = leave_a_deposed_object(&d);
    let log = d.path().join("calls.log");
    let env = [("STRATA_TESTING_LOG", log.to_str().unwrap())];
    let vars = ["-var", "n=two"];

    let plan = run_with(d.path(), &[&["plan", "-no-color", "-out=p.bin"][..], &vars].concat(), &env, None);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let header = format!(
        "  # testing_resource.a (deposed object {key}) will be destroyed\n  # (left over from a partially-failed replacement of this instance)\n  - resource \"testing_resource\" \"a\" {{\n"
    );
    assert!(plan.stdout.contains(&header), "{}", plan.stdout);
    assert!(
        plan.stdout.contains(&format!("testing_resource.a (deposed object {key}): Refreshing state... [id=id-one]")),
        "{}",
        plan.stdout
    );
    assert!(std::fs::read_to_string(&log).unwrap().contains("read one"), "the deposed object is read first");

    // Saved plan: JSON, the PR comment.
    let shown = run(d.path(), &["show", "-json", "p.bin"]);
    let doc: Json = serde_json::from_str(&shown.stdout).expect("plan JSON");
    let deposed: Vec<&Json> =
        doc["resource_changes"].as_array().unwrap().iter().filter(|c| c["deposed"].is_string()).collect();
    assert_eq!(deposed.len(), 1, "{}", shown.stdout);
    assert_eq!(deposed[0]["address"], "testing_resource.a");
    assert_eq!(deposed[0]["deposed"], key.as_str());
    assert_eq!(deposed[0]["change"]["actions"], serde_json::json!(["delete"]));
    assert_eq!(deposed[0]["change"]["before"]["name"], "one");
    assert!(deposed[0].get("action_reason").is_none(), "Terraform gives no reason: {}", deposed[0]);
    let comment = run(d.path(), &["show", "-markdown", "p.bin"]);
    assert!(
        comment.stdout.contains(&format!("> - `testing_resource.a (deposed object {key})` — destroy")),
        "{}",
        comment.stdout
    );

    std::fs::write(&log, "").unwrap();
    let out = run_with(d.path(), &["apply", "-no-color", "p.bin"], &env, None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    // Terraform names the deposed object when destroying starts, not when
    // it completes.
    assert!(
        out.stdout.contains(&format!(
            "testing_resource.a (deposed object {key}): Destroying... [id=id-one]\ntesting_resource.a: Destruction complete after"
        )),
        "{}",
        out.stdout
    );
    assert!(std::fs::read_to_string(&log).unwrap().contains("delete one done"));
    assert!(deposed_keys(d.path()).is_empty());
    let again = run(d.path(), &[&["plan", "-no-color", "-detailed-exitcode"][..], &vars].concat());
    assert_eq!(again.code, 0, "{}", again.transcript());
}

#[test]
fn a_deposed_object_is_planned_as_terraform_plans_it() {
    let d = TempDir::with_files("deposed-ways", &[("main.tf", &failing_dependent())]);
    let key = leave_a_deposed_object(&d);
    let header = format!("# testing_resource.a (deposed object {key}) will be destroyed");
    let plan = |args: &[&str]| {
        let out = run(d.path(), &[&["plan", "-no-color", "-var", "n=two"][..], args].concat());
        assert_eq!(out.code, 0, "{}", out.transcript());
        out.stdout
    };
    // -target: the instance's deposed objects come with it.
    assert!(plan(&["-target=testing_resource.a"]).contains(&header));
    assert!(!plan(&["-target=testing_resource.b"]).contains("deposed object"));
    // A refresh-only plan reads it and destroys nothing.
    let refresh_only = plan(&["-refresh-only"]);
    assert!(refresh_only.contains(&format!("(deposed object {key}): Refreshing state...")), "{refresh_only}");
    assert!(!refresh_only.contains(&header), "{refresh_only}");
    // Destroying destroys it too.
    let destroy = plan(&["-destroy"]);
    assert!(destroy.contains(&header) && destroy.contains("Plan: 0 to add, 0 to change, 3 to destroy."), "{destroy}");
    // plan -json: a delete of the instance, without the key (as Terraform).
    let json = plan(&["-json"]);
    let planned: Vec<Json> = json
        .lines()
        .filter_map(|l| serde_json::from_str::<Json>(l).ok())
        .filter(|m| m["type"] == "planned_change" && m["change"]["resource"]["addr"] == "testing_resource.a")
        .collect();
    assert_eq!(planned.len(), 1, "{json}");
    assert_eq!(planned[0]["@message"], "testing_resource.a: Plan to delete");
}

#[test]
fn a_deposed_object_deleted_outside_just_leaves_the_state() {
    let d = TempDir::with_files("deposed-gone", &[("main.tf", &failing_dependent())]);
    let key = leave_a_deposed_object(&d);
    let world = TempDir::new("deposed-gone-world");
    std::fs::write(world.path().join("one.gone"), "").unwrap();
    let log = d.path().join("calls.log");
    let env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap()), ("STRATA_TESTING_LOG", log.to_str().unwrap())];
    let plan = run_with(d.path(), &["plan", "-no-color", "-var", "n=two"], &env, None);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains(&format!("(deposed object {key}): Refreshing state...")), "{}", plan.stdout);
    assert!(!plan.stdout.contains("will be destroyed"), "{}", plan.stdout);
    // A refresh-only apply is enough to forget it.
    let out = run_with(d.path(), &["apply", "-refresh-only", "-auto-approve", "-var", "n=two"], &env, None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(deposed_keys(d.path()).is_empty());
    assert!(!std::fs::read_to_string(&log).unwrap().contains("delete one"), "nothing was deleted");
}

#[test]
fn a_refresh_only_apply_writes_what_a_deposed_object_looks_like_now() {
    let d = TempDir::with_files("deposed-refreshed", &[("main.tf", &failing_dependent())]);
    let key = leave_a_deposed_object(&d);
    let world = TempDir::new("deposed-refreshed-world");
    std::fs::write(world.path().join("one.value"), "set by hand").unwrap();
    let env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap())];
    let out = run_with(d.path(), &["apply", "-refresh-only", "-auto-approve", "-var", "n=two"], &env, None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let st: Json = serde_json::from_str(&std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap()).unwrap();
    let a = st["resources"].as_array().unwrap().iter().find(|r| r["name"] == "a").unwrap();
    let deposed: Vec<&Json> =
        a["instances"].as_array().unwrap().iter().filter(|i| i["deposed"] == key.as_str()).collect();
    assert_eq!(deposed.len(), 1, "the object stays deposed under its key: {a}");
    assert_eq!(deposed[0]["attributes"]["value"], "set by hand", "{a}");
    assert_eq!(deposed[0]["attributes"]["name"], "one", "{a}");
}

/// A state whose `terraform_data.a` has a current and a deposed object, as
/// Terraform writes it.
const TERRAFORM_DATA_STATE: &str = r#"{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 3,
  "lineage": "2f1b9f8e-6d4a-4c1e-9d3b-5a7e0c2d1f00",
  "outputs": {},
  "resources": [
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "a",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": {"id": "new-id", "input": {"value": "new", "type": "string"}, "output": {"value": "new", "type": "string"}, "triggers_replace": null},
          "sensitive_attributes": [],
          "create_before_destroy": true
        },
        {
          "deposed": "0badc0de",
          "schema_version": 0,
          "attributes": {"id": "old-id", "input": {"value": "old", "type": "string"}, "output": {"value": "old", "type": "string"}, "triggers_replace": null},
          "sensitive_attributes": [],
          "create_before_destroy": true
        }
      ]
    }
  ]
}
"#;

const TERRAFORM_DATA_CONFIG: &str =
    "resource \"terraform_data\" \"a\" {\n  input = \"new\"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n";

/// From the first `  # ` header to the end of the `Plan:` summary line.
fn resource_blocks(plan: &str) -> String {
    let Some(start) = plan.find("\n  # ") else { return String::new() };
    let summary = plan.find("\nPlan: ").unwrap_or(plan.len());
    let end = plan[summary..].find('.').map_or(plan.len(), |n| summary + n + 1);
    plan[start..end.max(start)].to_string()
}

/// `resource_changes` of a saved plan's JSON.
fn resource_changes(show_json: &[u8]) -> Json {
    let doc: Json = serde_json::from_slice(show_json).expect("plan JSON");
    doc["resource_changes"].clone()
}

/// `a`'s deposed object, with `b` replaced create-before-destroy while it
/// depends on `a` (no cycle: a deposed object goes last).
const DEPENDENT_CONFIG: &str = "resource \"terraform_data\" \"a\" {\n  input = \"new\"\n}\nresource \"terraform_data\" \"b\" {\n  input            = terraform_data.a.id\n  triggers_replace = \"2\"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n";

/// `TERRAFORM_DATA_STATE` with `b`, whose replacement waits for `a`.
fn dependent_state() -> String {
    let mut st: Json = serde_json::from_str(TERRAFORM_DATA_STATE).unwrap();
    let b = serde_json::json!({
        "mode": "managed", "type": "terraform_data", "name": "b",
        "provider": "provider[\"terraform.io/builtin/terraform\"]",
        "instances": [{
            "schema_version": 0,
            "attributes": {"id": "b-id", "input": {"value": "new-id", "type": "string"}, "output": {"value": "new-id", "type": "string"}, "triggers_replace": {"value": "1", "type": "string"}},
            "sensitive_attributes": [], "dependencies": ["terraform_data.a"], "create_before_destroy": true
        }]
    });
    st["resources"].as_array_mut().unwrap().push(b);
    for i in st["resources"][0]["instances"].as_array_mut().unwrap() {
        i.as_object_mut().unwrap().remove("create_before_destroy");
    }
    serde_json::to_string_pretty(&st).unwrap()
}

#[test]
fn deposed_objects_are_planned_and_applied_as_terraform_does() {
    if !terraform_available() {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: terraform not found on PATH; deposed differential test skipped");
        }
        return;
    }
    agrees_with_terraform("alone", TERRAFORM_DATA_CONFIG, TERRAFORM_DATA_STATE);
    agrees_with_terraform("dependent", DEPENDENT_CONFIG, &dependent_state());
}

/// Plans and applies `config` on `state` with both tools: the plan's
/// resource blocks, its JSON, the `plan -json` changes and the apply's
/// destroy lines must be the same.
fn agrees_with_terraform(case: &str, config: &str, state: &str) {
    let files = [("main.tf", config), ("terraform.tfstate", state)];
    let theirs = TempDir::with_files(&format!("deposed-tf-{case}"), &files);
    let ours = TempDir::with_files(&format!("deposed-ours-{case}"), &files);
    let init = terraform(theirs.path(), &["init", "-input=false", "-no-color"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));

    let tf_plan = terraform(theirs.path(), &["plan", "-no-color", "-input=false", "-out=p.bin"]);
    assert!(tf_plan.status.success(), "{case}: {}", String::from_utf8_lossy(&tf_plan.stderr));
    let our_plan = run(ours.path(), &["plan", "-no-color", "-out=p.bin"]);
    assert_eq!(our_plan.code, 0, "{case}: {}", our_plan.transcript());
    let tf_text = String::from_utf8_lossy(&tf_plan.stdout).into_owned();
    assert!(tf_text.contains("(deposed object 0badc0de) will be destroyed"), "{tf_text}");
    assert_eq!(resource_blocks(&our_plan.stdout), resource_blocks(&tf_text), "{case}");
    let refreshing = "terraform_data.a (deposed object 0badc0de): Refreshing state... [id=old-id]\n";
    assert!(tf_text.contains(refreshing) && our_plan.stdout.contains(refreshing), "{}", our_plan.stdout);

    let tf_json = terraform(theirs.path(), &["show", "-json", "p.bin"]);
    let our_json = run(ours.path(), &["show", "-json", "p.bin"]);
    assert_eq!(resource_changes(our_json.stdout.as_bytes()), resource_changes(&tf_json.stdout), "{case}");

    // The planned_change messages of `plan -json`.
    let planned = |stdout: &str| -> Vec<Json> {
        stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<Json>(l).ok())
            .filter(|m| m["type"] == "planned_change" || m["type"] == "change_summary")
            .map(|m| serde_json::json!([m["@message"], m["change"], m["changes"]]))
            .collect::<Vec<Json>>()
    };
    // (Both tools walk in parallel: independent changes come in any order.)
    let planned = |stdout: &str| -> Vec<Json> {
        let mut all = planned(stdout);
        all.sort_by_key(|m| m.to_string());
        all
    };
    let tf_stream = terraform(theirs.path(), &["plan", "-json", "-input=false"]);
    let our_stream = run(ours.path(), &["plan", "-json"]);
    assert_eq!(planned(&our_stream.stdout), planned(&String::from_utf8_lossy(&tf_stream.stdout)), "{case}");

    // Destroy lines (sorted: independent objects go in any order) and the
    // summary.
    let progress = |stdout: &str| -> Vec<String> {
        let mut lines: Vec<String> = stdout
            .lines()
            .filter(|l| l.contains("Destroying...") || l.contains("Destruction complete") || l.starts_with("Apply"))
            .map(|l| without_new_keys(l.split(" after ").next().unwrap_or(l)))
            .collect();
        lines.sort();
        lines
    };
    let tf_apply = terraform(theirs.path(), &["apply", "-no-color", "-input=false", "p.bin"]);
    assert!(tf_apply.status.success(), "{case}: {}", String::from_utf8_lossy(&tf_apply.stderr));
    let our_apply = run(ours.path(), &["apply", "-no-color", "p.bin"]);
    assert_eq!(our_apply.code, 0, "{case}: {}", our_apply.transcript());
    assert_eq!(progress(&our_apply.stdout), progress(&String::from_utf8_lossy(&tf_apply.stdout)), "{case}");
    assert!(deposed_keys(ours.path()).is_empty() && deposed_keys(theirs.path()).is_empty());
}

/// `line` with the keys of objects deposed during the run (random) made
/// the same; the stored one (`0badc0de`) is kept.
fn without_new_keys(line: &str) -> String {
    const MARK: &str = "(deposed object ";
    match line.find(MARK) {
        Some(at) if !line[at..].starts_with("(deposed object 0badc0de)") => {
            let key_end = line[at..].find(')').map_or(line.len(), |n| at + n);
            format!("{}{MARK}KEY{}", &line[..at], &line[key_end..])
        }
        _ => line.to_string(),
    }
}
