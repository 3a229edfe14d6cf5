//! kill -9 during apply leaves no orphan: every create's intent (with a
//! token the provider puts on the object) is journalled before the create
//! is sent, and the next plan or apply asks the provider about each create
//! whose outcome is missing — adopting what exists, dropping what does not,
//! and naming what it cannot tell.

use crate::support::{run_with, state, strata_bin, TempDir, TESTING_PROVIDER};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn config(count: usize, untraceable: bool) -> String {
    format!(
        r#"{TESTING_PROVIDER}
resource "testing_resource" "quick" {{
  name = "quick"
}}
resource "testing_resource" "slow" {{
  count       = {count}
  name        = "slow-${{count.index}}"
  delay_ms    = 30000
  untraceable = {untraceable}
}}
"#
    )
}

fn wait_for_count(log: &Path, needle: &str, n: usize) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if text.matches(needle).count() >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{n} × {needle:?} never appeared in {}", log.display());
}

/// Starts an apply and kills it (SIGKILL) once `n` slow creates are in flight.
fn apply_and_kill(dir: &Path, world: &Path, log: &Path, n: usize) {
    let mut child = Command::new(strata_bin())
        .args(["apply", "-auto-approve", "-no-color"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("STRATA_TESTING_WORLD", world)
        .env("STRATA_TESTING_LOG", log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("strata runs");
    wait_for_count(log, "create slow-", n);
    wait_for_count(log, "create quick done", 1);
    child.kill().expect("killed");
    let _ = child.wait();
}

fn state_names(dir: &Path) -> Vec<String> {
    let st = state(dir);
    let mut names: Vec<String> = st["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["instances"].as_array().unwrap().iter().map(|i| i["attributes"]["name"].as_str().unwrap().to_string())
        })
        .collect();
    names.sort();
    names
}

#[test]
fn creates_in_flight_at_kill_are_adopted_by_the_next_plan() {
    let d = TempDir::with_files("crash-adopt", &[("main.tf", &config(3, false))]);
    let world = TempDir::new("crash-adopt-world");
    let log = world.path().join("calls.log");
    apply_and_kill(d.path(), world.path(), &log, 3);
    let env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap()), ("STRATA_TESTING_LOG", log.to_str().unwrap())];
    let plan = run_with(d.path(), &["plan", "-no-color", "-detailed-exitcode"], &env, None);
    assert_eq!(plan.code, 0, "the objects exist and are in state now:\n{}", plan.transcript());
    assert_eq!(plan.stderr.matches("Adopted an object an interrupted apply created").count(), 3, "{}", plan.stderr);
    assert_eq!(state_names(d.path()), ["quick", "slow-0", "slow-1", "slow-2"]);
    assert!(!d.path().join("terraform.tfstate.journal").exists(), "every intent is resolved");
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(calls.matches("create slow-").count(), 3, "nothing is created twice:\n{calls}");
}

#[test]
fn creates_that_made_nothing_are_dropped_and_planned_again() {
    let d = TempDir::with_files("crash-nothing", &[("main.tf", &config(2, false))]);
    let world = TempDir::new("crash-nothing-world");
    let log = world.path().join("calls.log");
    apply_and_kill(d.path(), world.path(), &log, 2);
    // As if the create calls never reached the provider.
    for e in std::fs::read_dir(world.path()).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with("created-") {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap())];
    let plan = run_with(d.path(), &["plan", "-no-color"], &env, None);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(!plan.stderr.contains("Adopted"), "{}", plan.stderr);
    assert!(plan.stdout.contains("Plan: 2 to add, 0 to change, 0 to destroy."), "{}", plan.stdout);
    assert!(!d.path().join("terraform.tfstate.journal").exists());
}

#[test]
fn creates_the_provider_cannot_trace_are_named_with_what_to_import() {
    let d = TempDir::with_files("crash-untraceable", &[("main.tf", &config(1, true))]);
    let world = TempDir::new("crash-untraceable-world");
    let log = world.path().join("calls.log");
    apply_and_kill(d.path(), world.path(), &log, 1);
    let env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap())];
    let plan = run_with(d.path(), &["plan", "-no-color"], &env, None);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let flat = plan.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Objects an interrupted apply may have created"), "{}", plan.stderr);
    assert!(flat.contains("testing_resource.slow[0]") && flat.contains("strata import"), "{}", plan.stderr);
}

#[test]
fn import_resolves_interrupted_creates_first() {
    let d = TempDir::with_files("crash-import", &[("main.tf", &config(1, false))]);
    let world = TempDir::new("crash-import-world");
    let log = world.path().join("calls.log");
    apply_and_kill(d.path(), world.path(), &log, 1);
    let env = [("STRATA_TESTING_WORLD", world.path().to_str().unwrap())];
    // Importing the object the killed run was creating: it is adopted
    // first, so there is nothing left to import.
    let import = run_with(d.path(), &["import", "-no-color", "testing_resource.slow[0]", "id-slow-0"], &env, None);
    assert_eq!(import.code, 1, "{}", import.transcript());
    assert!(import.stderr.contains("Adopted an object an interrupted apply created"), "{}", import.stderr);
    assert!(import.stderr.contains("Resource already managed by Strata"), "{}", import.stderr);
    assert_eq!(state_names(d.path()), ["quick", "slow-0"]);
}
