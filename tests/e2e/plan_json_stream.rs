//! `plan -json`: Terraform's machine-readable UI stream, line for line the
//! same messages as `terraform plan -json` on the same state (timestamps
//! aside), refresh events included, and never a secret.

use crate::support::{run, terraform, terraform_available, TempDir};

const CONFIG: &str = r#"
variable "pw" {
  sensitive = true
  default   = "hunter2-stream"
}
resource "terraform_data" "a" {
  input = "x"
}
resource "terraform_data" "b" {
  count = 2
  input = count.index
}
resource "terraform_data" "s" {
  input = var.pw
}
output "o" {
  value = terraform_data.a.output
}
output "s" {
  value     = var.pw
  sensitive = true
}
"#;

/// The lines worth comparing: everything but the version and timestamps.
fn messages(stream: &str) -> Vec<serde_json::Value> {
    stream
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .filter(|v| v["type"] != "version")
        .map(|mut v| {
            v.as_object_mut().unwrap().remove("@timestamp");
            v
        })
        .collect()
}

#[test]
fn plan_json_streams_terraforms_messages() {
    let d = TempDir::with_files("plan-json-stream", &[("main.tf", CONFIG)]);
    let fresh = run(d.path(), &["plan", "-json", "-detailed-exitcode"]);
    assert_eq!(fresh.code, 2, "{}", fresh.transcript());
    let first: serde_json::Value = serde_json::from_str(fresh.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["type"], "version");
    let kinds: Vec<String> = messages(&fresh.stdout).iter().map(|m| m["type"].as_str().unwrap().to_string()).collect();
    assert_eq!(
        kinds,
        ["planned_change", "planned_change", "planned_change", "planned_change", "change_summary", "outputs"]
    );
    assert!(!fresh.transcript().contains("hunter2"), "{}", fresh.transcript());
    let broken = TempDir::with_files(
        "plan-json-broken",
        &[("main.tf", "resource \"terraform_data\" \"a\" {\n  input = nope\n}\n")],
    );
    let err = run(broken.path(), &["plan", "-json"]);
    assert_eq!(err.code, 1);
    let last: serde_json::Value = serde_json::from_str(err.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["type"], "diagnostic");
    assert_eq!(last["@level"], "error");

    if !terraform_available() {
        return;
    }
    // On one state (Terraform's), after a change: the same stream.
    assert!(terraform(d.path(), &["init", "-no-color"]).status.success());
    assert!(terraform(d.path(), &["apply", "-auto-approve", "-no-color"]).status.success());
    d.write("main.tf", &CONFIG.replace("\"x\"", "\"y\"").replace("count = 2", "count = 1"));
    let theirs = String::from_utf8_lossy(&terraform(d.path(), &["plan", "-json"]).stdout).to_string();
    let ours = run(d.path(), &["plan", "-json"]);
    // Terraform emits planned changes as its walk reaches them (no fixed
    // order); Strata sorts them. Compare the messages as sets.
    let sorted = |text: &str| {
        let mut v: Vec<String> = messages(text).iter().map(|m| m.to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(sorted(&ours.stdout), sorted(&theirs), "ours:\n{}\ntheirs:\n{theirs}", ours.stdout);
}
