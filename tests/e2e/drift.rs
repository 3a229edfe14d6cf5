//! `strata drift` for scheduled jobs: exit codes 0 (in sync), 2 (drift) and
//! 1 (error), a report per object and attribute in three forms, nothing
//! written, secrets hidden. Uses the test provider's "world" directory to
//! change and delete objects behind Strata's back.

use crate::support::{run_with, TempDir};

const CONFIG: &str = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
variable "secret" {
  sensitive = true
  default   = "hunter2-drift"
}
resource "testing_resource" "a" {
  name  = "a"
  value = "configured"
}
resource "testing_resource" "b" {
  name  = "b"
  value = var.secret
}
resource "testing_resource" "c" {
  name = "c"
}
"#;

#[test]
fn drift_reports_changes_and_deletions_with_exit_codes() {
    let d = TempDir::with_files("drift-cmd", &[("main.tf", CONFIG)]);
    let world = TempDir::new("drift-world");
    let env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap())];
    assert_eq!(run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &env, None).code, 0);
    let clean = run_with(d.path(), &["drift", "-no-color"], &env, None);
    assert_eq!(clean.code, 0, "{}", clean.transcript());
    assert!(clean.stdout.contains("No drift: the 3 object(s) in the state match"), "{}", clean.stdout);
    let state_before = std::fs::read(d.path().join("terraform.tfstate")).unwrap();

    std::fs::write(world.path().join("a.value"), "edited").unwrap();
    std::fs::write(world.path().join("b.value"), "hunter2-changed").unwrap();
    std::fs::write(world.path().join("c.gone"), "").unwrap();
    let human = run_with(d.path(), &["drift", "-no-color"], &env, None);
    assert_eq!(human.code, 2, "{}", human.transcript());
    for text in [
        "Drift detected: 2 changed, 1 deleted outside Strata (of 3 object(s) in the state).",
        "  # testing_resource.a has changed\n      ~ value: \"configured\" -> \"edited\"\n",
        "  # testing_resource.b has changed\n      ~ value: (sensitive value) -> (sensitive value)\n",
        "  # testing_resource.c has been deleted\n",
    ] {
        assert!(human.stdout.contains(text), "missing {text:?} in\n{}", human.stdout);
    }

    let json = run_with(d.path(), &["drift", "-json"], &env, None);
    assert_eq!(json.code, 2);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["drift"], true);
    assert_eq!(report["summary"], serde_json::json!({"checked": 3, "changed": 2, "deleted": 1}));
    assert_eq!(report["resources"][0]["address"], "testing_resource.a");
    assert_eq!(
        report["resources"][0]["attributes"][0],
        serde_json::json!({"path": "value", "recorded": "configured", "actual": "edited", "sensitive": false})
    );
    assert_eq!(report["resources"][1]["attributes"][0]["sensitive"], true);
    assert_eq!(report["resources"][2]["change"], "deleted");

    let md = run_with(d.path(), &["drift", "-markdown"], &env, None);
    assert_eq!(md.code, 2);
    assert!(
        md.stdout.contains("| `testing_resource.a` | changed | `value` | `\"configured\"` | `\"edited\"` |"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("| `testing_resource.c` | deleted |"), "{}", md.stdout);

    for out in [&human, &json, &md] {
        assert!(!out.transcript().contains("hunter2"), "a secret leaked:\n{}", out.transcript());
    }
    assert_eq!(std::fs::read(d.path().join("terraform.tfstate")).unwrap(), state_before, "drift writes nothing");

    std::fs::write(d.path().join("main.tf"), "resource {").unwrap();
    let broken = run_with(d.path(), &["drift", "-no-color"], &env, None);
    assert_eq!(broken.code, 1, "{}", broken.transcript());
}
