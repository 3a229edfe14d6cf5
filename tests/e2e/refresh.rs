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
    assert!(drift.stdout.contains("Note: Objects have changed outside of Strata"), "{}", drift.stdout);
    assert!(drift.stdout.contains("# testing_resource.a has changed"), "{}", drift.stdout);
    assert!(drift.stdout.contains("~ value  = \"edited\" -> \"configured\""), "{}", drift.stdout);
    let no_refresh = run_with(d.path(), &["plan", "-no-color", "-detailed-exitcode", "-refresh=false"], &env, None);
    assert_eq!(no_refresh.code, 0, "without refresh the drift is not seen:\n{}", no_refresh.transcript());

    // Someone deletes it.
    std::fs::remove_file(world.path().join("a.value")).unwrap();
    std::fs::write(world.path().join("a.gone"), "").unwrap();
    let gone = run_with(d.path(), &["plan", "-no-color"], &env, None);
    assert!(gone.stdout.contains("# testing_resource.a has been deleted"), "{}", gone.stdout);
    assert!(gone.stdout.contains("# testing_resource.a will be created"), "{}", gone.stdout);
}
