//! Ctrl-C during apply: the first stops new work, finishes running work
//! and saves state; a second exits at once and the journal keeps every
//! completed operation for the next run.

use crate::support::{run_with, strata_bin, TempDir};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CONFIG: &str = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
resource "testing_resource" "a" {
  name     = "a"
  delay_ms = 100
}
resource "testing_resource" "b" {
  name     = "b"
  value    = testing_resource.a.id
  delay_ms = 800
}
resource "testing_resource" "c" {
  name  = "c"
  value = testing_resource.b.id
}
"#;

fn wait_for(log: &std::path::Path, line: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if std::fs::read_to_string(log).unwrap_or_default().contains(line) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{line:?} never appeared in {}", log.display());
}

fn interrupt(pid: u32) {
    // The shell's built-in kill exists everywhere a shell does.
    Command::new("sh").args(["-c", &format!("kill -INT {pid}")]).status().expect("sh runs");
}

fn state_names(dir: &std::path::Path) -> Vec<String> {
    let st: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap()).unwrap();
    st["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect()
}

fn start(dir: &std::path::Path, log: &std::path::Path) -> std::process::Child {
    Command::new(strata_bin())
        .args(["apply", "-auto-approve", "-no-color"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("STRATA_TESTING_LOG", log)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("strata runs")
}

#[test]
fn first_interrupt_finishes_running_work_and_saves_state() {
    let d = TempDir::with_files("interrupt", &[("main.tf", CONFIG)]);
    let log = d.path().join("calls.log");
    let child = start(d.path(), &log);
    wait_for(&log, "create b start");
    interrupt(child.id());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Operation interrupted"));
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(calls.contains("create b done"), "running work finishes:\n{calls}");
    assert!(!calls.contains("create c"), "no new work starts:\n{calls}");
    assert_eq!(state_names(d.path()), ["a", "b"]);
    let again = run_with(d.path(), &["apply", "-auto-approve", "-no-color"], &[], None);
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert!(again.stdout.contains("Resources: 1 added, 0 changed, 0 destroyed."), "{}", again.stdout);
}

#[test]
fn second_interrupt_exits_at_once_and_the_journal_keeps_what_completed() {
    let d = TempDir::with_files("interrupt2", &[("main.tf", CONFIG)]);
    let log = d.path().join("calls.log");
    let child = start(d.path(), &log);
    wait_for(&log, "create b start");
    interrupt(child.id());
    std::thread::sleep(Duration::from_millis(100));
    interrupt(child.id());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(d.path().join("terraform.tfstate.journal").exists(), "the journal outlives the process");
    let next = run_with(d.path(), &["plan", "-no-color"], &[], None);
    assert!(next.stderr.contains("Recovered an interrupted apply"), "{}", next.transcript());
    assert!(state_names(d.path()).contains(&"a".to_string()), "a completed before the interrupts");
}
