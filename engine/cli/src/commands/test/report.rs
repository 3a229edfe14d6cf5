//! What `strata test` prints: Terraform's human view (`TestHuman`), or with
//! `-json` its machine-readable lines (`TestJSON`: `test_abstract`,
//! `test_file`, `test_run`, `test_cleanup`, `test_summary`, diagnostics
//! tagged with `@testfile` and `@testrun`).

use super::Status;
use crate::json_view::event;
use crate::output::Ui;
use serde_json::{json, Value as Json};
use strata_diag::{Diagnostics, Severity};

#[derive(Clone, Copy)]
pub struct Report {
    pub ui: Ui,
}

impl Status {
    fn json(self) -> &'static str {
        match self {
            Status::Skip => "skip",
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
        }
    }
}

impl Report {
    fn word(&self, status: Status) -> String {
        if status == Status::Pass {
            self.ui.green(status.word())
        } else {
            status.word().to_string()
        }
    }

    /// Before anything runs: the files and their runs (JSON only).
    pub fn abstract_(&self, files: &[(String, Vec<String>)]) {
        if !self.ui.json {
            return;
        }
        let runs: usize = files.iter().map(|(_, r)| r.len()).sum();
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let message =
            format!("Found {} and {}", plural(files.len(), "file", "files"), plural(runs, "run block", "run blocks"));
        let map: serde_json::Map<String, Json> = files.iter().map(|(f, r)| (f.clone(), json!(r))).collect();
        event("info", &message, "test_abstract", vec![("test_abstract", Json::Object(map))]);
    }

    pub fn file_started(&self, file: &str) {
        if self.ui.json {
            event(
                "info",
                &format!("{file}... in progress"),
                "test_file",
                vec![("@testfile", json!(file)), ("test_file", json!({ "path": file, "progress": "starting" }))],
            );
        } else {
            println!("{file}... in progress");
        }
    }

    pub fn run_started(&self, file: &str, run: &str) {
        if self.ui.json {
            event(
                "info",
                &format!("  {run:?}... in progress"),
                "test_run",
                vec![
                    ("@testfile", json!(file)),
                    ("@testrun", json!(run)),
                    ("test_run", json!({ "path": file, "run": run, "progress": "starting", "elapsed": 0 })),
                ],
            );
        }
    }

    pub fn run_done(&self, file: &str, run: &str, status: Status) {
        if self.ui.json {
            event(
                "info",
                &format!("  {run:?}... {}", status.word()),
                "test_run",
                vec![
                    ("@testfile", json!(file)),
                    ("@testrun", json!(run)),
                    ("test_run", json!({ "path": file, "run": run, "progress": "complete", "status": status.json() })),
                ],
            );
        } else {
            println!("  run {run:?}... {}", self.word(status));
        }
    }

    pub fn diagnostics(&self, file: &str, run: Option<&str>, diags: &Diagnostics) {
        if !self.ui.json {
            self.ui.print_diagnostics(diags);
            return;
        }
        for d in diags.clone().sorted().iter() {
            let (level, word) = match d.severity {
                Severity::Error => ("error", "Error"),
                Severity::Warning => ("warn", "Warning"),
            };
            let mut fields = vec![("@testfile", json!(file))];
            if let Some(run) = run {
                fields.push(("@testrun", json!(run)));
            }
            fields.push(("diagnostic", d.to_json()));
            event(level, &format!("{word}: {}", d.summary), "diagnostic", fields);
        }
    }

    pub fn tearing_down(&self, file: &str) {
        if self.ui.json {
            event(
                "info",
                &format!("{file}... tearing down"),
                "test_file",
                vec![("@testfile", json!(file)), ("test_file", json!({ "path": file, "progress": "teardown" }))],
            );
        } else {
            println!("{file}... tearing down");
        }
    }

    /// One state's teardown starts (JSON only), named by its last run.
    pub fn run_tearing_down(&self, file: &str, run: &str) {
        if self.ui.json {
            event(
                "info",
                &format!("  {run:?}... tearing down"),
                "test_run",
                vec![
                    ("@testfile", json!(file)),
                    ("@testrun", json!(run)),
                    ("test_run", json!({ "path": file, "run": run, "progress": "teardown", "elapsed": 0 })),
                ],
            );
        }
    }

    /// A teardown that failed: its problems, and the objects left.
    pub fn cleanup_failed(
        &self,
        file: &str,
        run: &str,
        diags: &Diagnostics,
        left: &[(String, Option<String>)],
        kept: &str,
    ) {
        let identifier = if run.is_empty() { file.to_string() } else { format!("{file}/{run}") };
        let run = Some(run).filter(|r| !r.is_empty());
        if self.ui.json {
            self.diagnostics(file, run, diags);
            if !left.is_empty() {
                let failed: Vec<Json> = left
                    .iter()
                    .map(|(a, deposed)| match deposed {
                        Some(k) => json!({ "instance": a, "deposed_key": k }),
                        None => json!({ "instance": a }),
                    })
                    .collect();
                let mut fields = vec![("@testfile", json!(file))];
                if let Some(run) = run {
                    fields.push(("@testrun", json!(run)));
                }
                fields.push(("test_cleanup", json!({ "failed_resources": failed, "state_path": kept })));
                event(
                    "error",
                    &format!("Strata left some resources in state after executing {identifier}, they need to be cleaned up manually."),
                    "test_cleanup",
                    fields,
                );
            }
            return;
        }
        if diags.has_errors() {
            eprintln!("Strata encountered an error destroying resources created while executing {identifier}.");
        }
        self.ui.print_diagnostics(diags);
        if !left.is_empty() {
            eprintln!("\nStrata left the following resources in state after executing {identifier}, and they need to be cleaned up manually:");
            for (a, deposed) in left {
                match deposed {
                    Some(k) => eprintln!("  - {a} ({k})"),
                    None => eprintln!("  - {a}"),
                }
            }
            eprintln!("Their state is kept in {kept}.");
        }
    }

    pub fn file_done(&self, file: &str, status: Status) {
        if self.ui.json {
            event(
                "info",
                &format!("{file}... {}", status.word()),
                "test_file",
                vec![
                    ("@testfile", json!(file)),
                    ("test_file", json!({ "path": file, "progress": "complete", "status": status.json() })),
                ],
            );
        } else {
            println!("{file}... {}", self.word(status));
        }
    }

    /// Problems before any file runs (no file to tag them with).
    pub fn setup_diagnostics(&self, diags: &Diagnostics) {
        self.ui.print_diagnostics(diags);
    }

    /// `Success! 2 passed, 0 failed.`: `counts` are passed, failed,
    /// errored, skipped.
    pub fn summary(&self, status: Status, counts: [usize; 4]) {
        let [passed, failed, errored, skipped] = counts;
        let skipped_text = if skipped > 0 { format!(", {skipped} skipped") } else { String::new() };
        let numbers = format!("{passed} passed, {} failed{skipped_text}.", failed + errored);
        let failure = status >= Status::Fail;
        let head = if failure { "Failure!" } else { "Success!" };
        if self.ui.json {
            event(
                "info",
                &format!("{head} {numbers}"),
                "test_summary",
                vec![(
                    "test_summary",
                    json!({ "status": status.json(), "passed": passed, "failed": failed, "errored": errored, "skipped": skipped }),
                )],
            );
        } else if failure {
            println!("\n{} {numbers}", self.ui.bold(head));
        } else {
            println!("\n{} {numbers}", self.ui.green(&self.ui.bold(head)));
        }
    }
}
