//! Live progress of refreshes and applies, as Terraform prints it.

use crate::output::Ui;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use strata_core::{Action, Progress};

/// Live progress of an apply, as Terraform's: one line when an operation
/// starts and ends, and `Still creating... [10s elapsed]` every interval
/// while it runs.
pub struct ProgressView {
    ui: Ui,
    interval: Duration,
    running: Mutex<HashMap<String, Running>>,
}

/// An operation in flight, for its `Still ...` lines.
struct Running {
    /// `Still creating...`
    still: &'static str,
    /// `id=..., ` (empty when the object has no id yet).
    id: String,
    started: Instant,
    last_printed: Instant,
}

impl ProgressView {
    pub fn new(ui: Ui) -> ProgressView {
        // Tests shorten the interval; users get Terraform's 10 seconds.
        let interval = std::env::var("STRATA_PROGRESS_INTERVAL_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(Duration::from_secs(10), Duration::from_millis);
        ProgressView { ui, interval, running: Mutex::new(HashMap::new()) }
    }

    pub fn print(&self, p: &Progress) {
        let label = |addr: &dyn std::fmt::Display, deposed: &Option<String>| match deposed {
            Some(k) => format!("{addr} (deposed object {k})"),
            None => addr.to_string(),
        };
        let line = match p {
            Progress::Started { addr, action, deposed, object } => {
                let (doing, still) = match action {
                    Action::Create | Action::Replace | Action::CreateThenDelete => ("Creating...", "Still creating..."),
                    Action::Update => ("Modifying...", "Still modifying..."),
                    Action::Delete => ("Destroying...", "Still destroying..."),
                    Action::Read => ("Reading...", "Still reading..."),
                    Action::NoOp | Action::Forget => return,
                };
                let now = Instant::now();
                let id = object.as_ref().map(|(k, v)| format!("{k}={}, ", truncate_id(v))).unwrap_or_default();
                self.running
                    .lock()
                    .expect("no poisoned locks")
                    .insert(addr.to_string(), Running { still, id, started: now, last_printed: now });
                match object {
                    Some((k, v)) => format!("{}: {doing} [{k}={v}]", label(addr, deposed)),
                    None => format!("{}: {doing}", label(addr, deposed)),
                }
            }
            // Terraform names a deposed object when its destruction starts,
            // not when it completes.
            Progress::Finished { addr, action, deposed: _, seconds, object } => {
                self.running.lock().expect("no poisoned locks").remove(&addr.to_string());
                let what = match action {
                    Action::Create | Action::Replace | Action::CreateThenDelete => "Creation complete",
                    Action::Update => "Modifications complete",
                    Action::Delete => "Destruction complete",
                    Action::Read => "Read complete",
                    Action::NoOp | Action::Forget => return,
                };
                let after = go_duration(*seconds);
                match object {
                    Some((k, v)) => format!("{addr}: {what} after {after} [{k}={v}]"),
                    None => format!("{addr}: {what} after {after}"),
                }
            }
            Progress::Refreshing { addr, deposed, object } => {
                if self.ui.json {
                    crate::json_view::refresh(addr, object.as_ref(), false);
                    return;
                }
                match object {
                    Some((k, v)) => format!("{}: Refreshing state... [{k}={v}]", label(addr, deposed)),
                    None => format!("{}: Refreshing state...", label(addr, deposed)),
                }
            }
            Progress::Refreshed { addr, object } => {
                if self.ui.json {
                    crate::json_view::refresh(addr, object.as_ref(), true);
                }
                return;
            }
            Progress::Failed { addr, .. } => {
                // The error itself is printed with the other diagnostics.
                self.running.lock().expect("no poisoned locks").remove(&addr.to_string());
                return;
            }
        };
        println!("{}", self.ui.bold(&line));
    }

    /// Prints `Still ...` lines until `done` says the apply is over.
    pub fn tick_until(&self, done: &std::sync::mpsc::Receiver<()>) {
        let poll = (self.interval / 10).clamp(Duration::from_millis(10), Duration::from_secs(1));
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = done.recv_timeout(poll) {
            let now = Instant::now();
            let mut running = self.running.lock().expect("no poisoned locks");
            let mut due: Vec<(&String, &mut Running)> =
                running.iter_mut().filter(|(_, r)| now.duration_since(r.last_printed) >= self.interval).collect();
            due.sort_by(|a, b| a.0.cmp(b.0));
            for (addr, r) in due {
                r.last_printed = now;
                let elapsed = go_duration(now.duration_since(r.started).as_secs_f64().round() as u64);
                let (still, id) = (r.still, &r.id);
                println!("{}", self.ui.bold(&format!("{addr}: {still} [{id}{elapsed} elapsed]")));
            }
        }
    }
}

/// Terraform shortens long ids in `Still ...` lines to 80 characters.
fn truncate_id(id: &str) -> String {
    const MAX: usize = 80;
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= MAX {
        return id.to_string();
    }
    let half = (MAX - 3) / 2;
    let head: String = chars[..half].iter().collect();
    let tail: String = chars[chars.len() - (MAX - 3 - half)..].iter().collect();
    format!("{head}...{tail}")
}

/// Whole seconds as Go prints a `time.Duration`: `0s`, `9s`, `1m5s`, `2h0m1s`.
fn go_duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}
