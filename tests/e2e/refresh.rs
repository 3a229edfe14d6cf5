//! Refresh, drift and data sources, with the test provider.

use crate::support::{run_with, TempDir};

const CONFIG: &str = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
resource "testing_resource" "a" {
  name  = "a"
  value = "configured"
}
data "testing_echo" "known" {
  name  = "known"
  value = "k"
}
data "testing_echo" "later" {
  name  = "later"
  value = testing_resource.a.result
}
output "known" {
  value = data.testing_echo.known.result
}
output "later" {
  value = data.testing_echo.later.result
}
"#;

#[test]
fn drift_is_shown_and_corrected_and_deleted_objects_recreated() {
    let d = TempDir::with_files("drift", &[("main.tf", CONFIG)]);
    let world = TempDir::new("world");
    let env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap())];

    let plan = run_with(d.path(), &["plan", "-no-color"], &env, None);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains("# data.testing_echo.later will be read during apply"), "{}", plan.stdout);
    assert!(plan.stdout.contains("# (config refers to values not yet known)"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("data.testing_echo.known will"), "known data is read at plan time:\n{}", plan.stdout);
    assert!(plan.stdout.contains("+ known = \"k!\""), "{}", plan.stdout);

    let apply = run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &env, None);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert!(apply.stdout.contains("data.testing_echo.later: Read complete"), "{}", apply.stdout);
    assert!(apply.stdout.contains("later = \"configured!!\""), "{}", apply.stdout);
    let st = std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap();
    assert!(st.contains("\"mode\": \"data\""), "data sources are kept in state");

    // Someone edits the object by hand.
    std::fs::write(world.path().join("a.value"), "edited").unwrap();
    let drift = run_with(d.path(), &["plan", "-no-color", "-detailed-exitcode"], &env, None);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    // Only drift that a planned change depends on is shown (Terraform's
    // relevant attributes): nothing reads `a.value`, so the edit shows only
    // as the update that undoes it.
    assert!(!drift.stdout.contains("Objects have changed outside"), "{}", drift.stdout);
    assert!(drift.stdout.contains("~ value  = \"edited\" -> \"configured\""), "{}", drift.stdout);
    let refresh_only = run_with(d.path(), &["plan", "-no-color", "-refresh-only"], &env, None);
    assert!(refresh_only.stdout.contains("# testing_resource.a has changed"), "{}", refresh_only.stdout);
    assert!(refresh_only.stdout.contains("~ value  = \"configured\" -> \"edited\""), "{}", refresh_only.stdout);
    let no_refresh = run_with(d.path(), &["plan", "-no-color", "-detailed-exitcode", "-refresh=false"], &env, None);
    assert_eq!(no_refresh.code, 0, "without refresh the drift is not seen:\n{}", no_refresh.transcript());

    // Someone deletes it.
    std::fs::remove_file(world.path().join("a.value")).unwrap();
    std::fs::write(world.path().join("a.gone"), "").unwrap();
    let gone = run_with(d.path(), &["plan", "-no-color"], &env, None);
    assert!(gone.stdout.contains("# testing_resource.a has been deleted"), "{}", gone.stdout);
    assert!(gone.stdout.contains("# testing_resource.a will be created"), "{}", gone.stdout);
}

#[test]
fn refresh_only_records_drift_without_changing_anything() {
    let d = TempDir::with_files("refresh-only", &[("main.tf", CONFIG)]);
    let world = TempDir::new("world2");
    let log = d.path().join("calls.log");
    let env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap()), ("STRATA_TESTING_LOG", log.to_str().unwrap())];
    assert_eq!(run_with(d.path(), &["apply", "-auto-approve"], &env, None).code, 0);
    let none = run_with(d.path(), &["plan", "-no-color", "-refresh-only", "-detailed-exitcode"], &env, None);
    assert_eq!(none.code, 0, "{}", none.transcript());

    std::fs::write(world.path().join("a.value"), "edited").unwrap();
    let plan = run_with(d.path(), &["plan", "-no-color", "-refresh-only", "-detailed-exitcode"], &env, None);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert!(plan.stdout.contains("This is a refresh-only plan"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("will be updated"), "a refresh-only plan changes nothing:\n{}", plan.stdout);
    std::fs::write(&log, "").unwrap();
    let applied = run_with(d.path(), &["apply", "-auto-approve", "-no-color", "-refresh-only"], &env, None);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(!calls.contains("update") && !calls.contains("create"), "nothing is changed:\n{calls}");
    let st = std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap();
    assert!(st.contains("\"value\": \"edited\""), "the state records what is really there");
    // A normal plan now wants to put the configured value back.
    let back = run_with(d.path(), &["plan", "-no-color"], &env, None);
    assert!(back.stdout.contains("~ value  = \"edited\" -> \"configured\""), "{}", back.stdout);
}

#[test]
fn data_sources_wait_for_pending_changes_of_what_they_depend_on() {
    let config = |v: &str| {
        format!(
            r#"
terraform {{
  required_providers {{
    testing = {{ source = "strata/testing" }}
  }}
}}
resource "testing_resource" "a" {{
  name  = "a"
  value = "{v}"
}}
data "testing_echo" "after_a" {{
  name       = "after"
  value      = testing_resource.a.id
  depends_on = [testing_resource.a]
}}
"#
        )
    };
    let d = TempDir::with_files("data-pending", &[("main.tf", &config("one"))]);
    assert_eq!(run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &[], None).code, 0);
    let quiet = run_with(d.path(), &["plan", "-no-color", "-detailed-exitcode"], &[], None);
    assert_eq!(quiet.code, 0, "nothing pending: read at plan time, no change:\n{}", quiet.transcript());
    d.write("main.tf", &config("two"));
    let plan = run_with(d.path(), &["plan", "-no-color"], &[], None);
    assert!(
        plan.stdout.contains(
            "# data.testing_echo.after_a will be read during apply\n  # (depends on a resource or a module with changes pending)"
        ),
        "{}",
        plan.stdout
    );
}

#[test]
fn an_orphan_already_deleted_outside_only_leaves_the_state() {
    let with_b = "terraform {\n  required_providers {\n    testing = { source = \"strata/testing\" }\n  }\n}\nresource \"testing_resource\" \"a\" {\n  name = \"a\"\n}\nresource \"testing_resource\" \"b\" {\n  name = \"b\"\n}\n";
    let d = TempDir::with_files("orphan-gone", &[("main.tf", with_b)]);
    let world = TempDir::new("orphan-world");
    let log = d.path().join("calls.log");
    let env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap()), ("STRATA_TESTING_LOG", log.to_str().unwrap())];
    assert_eq!(run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &env, None).code, 0);
    d.write("main.tf", &with_b.replace("resource \"testing_resource\" \"b\" {\n  name = \"b\"\n}\n", ""));
    std::fs::write(world.path().join("b.gone"), "").unwrap();
    let plan = run_with(d.path(), &["plan", "-no-color", "-detailed-exitcode"], &env, None);
    assert!(plan.stdout.contains("testing_resource.b: Refreshing state..."), "{}", plan.stdout);
    // As Terraform does, a plan that changes nothing does not show drift.
    assert!(!plan.stdout.contains("has been deleted"), "{}", plan.stdout);
    assert!(plan.stdout.contains("No changes."), "nothing left to destroy:\n{}", plan.stdout);
    std::fs::write(&log, "").unwrap();
    let apply = run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &env, None);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert!(!std::fs::read_to_string(&log).unwrap().contains("delete b"), "no delete call for a gone object");
    assert_eq!(run_with(d.path(), &["state", "list"], &env, None).stdout, "testing_resource.a\n");
}
