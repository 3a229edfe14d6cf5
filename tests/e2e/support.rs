//! Running the binary and making scratch directories.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn strata_bin() -> PathBuf {
    if let Ok(p) = std::env::var("STRATA_BIN") {
        return PathBuf::from(p);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("target"));
    let bin = target.join("debug").join("strata");
    assert!(bin.exists(), "{} not found: run `cargo build --bins` first (scripts/test.sh does)", bin.display());
    bin
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Both streams and the exit code, for snapshots.
    pub fn transcript(&self) -> String {
        format!("exit: {}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    run_with(dir, args, &[], None)
}

pub fn run_with(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(strata_bin());
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1").env_remove("TF_WORKSPACE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("strata runs");
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("strata finishes");
    let o = Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!o.stderr.contains("panicked at") && o.code != 11 && o.code != 101, "strata crashed:\n{}", o.transcript());
    o
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let p = std::env::temp_dir().join(format!("strata-e2e-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }

    pub fn with_files(name: &str, files: &[(&str, &str)]) -> TempDir {
        let d = TempDir::new(name);
        for (path, content) in files {
            d.write(path, content);
        }
        d
    }

    pub fn write(&self, path: &str, content: &str) {
        let p = self.0.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the `terraform` binary (the oracle of the differential tests) with
/// no CLI configuration and no update checks.
pub fn terraform(dir: &Path, args: &[&str]) -> std::process::Output {
    terraform_with(dir, args, &[("TF_IN_AUTOMATION", "1")])
}

/// `terraform ARGS` in `dir`, offline, with `env` added.
pub fn terraform_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new("terraform")
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .expect("terraform runs")
}

/// Whether `terraform` runs here: the tests that compare with it are
/// skipped where it does not.
pub fn terraform_available() -> bool {
    Command::new("terraform")
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Most operations running at once, from the test provider's call log.
pub fn max_concurrency(log: &str) -> usize {
    let (mut now, mut max) = (0usize, 0usize);
    for line in log.lines() {
        if line.ends_with(" start") {
            now += 1;
            max = max.max(now);
        } else if line.ends_with(" done") {
            now = now.saturating_sub(1);
        }
    }
    max
}

/// The local state file of `dir`, parsed.
pub fn state(dir: impl AsRef<Path>) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.as_ref().join("terraform.tfstate")).expect("a local state file");
    serde_json::from_str(&text).expect("state is JSON")
}

/// The `terraform` block that makes the debug build's testing provider
/// (`strata/testing`) available.
pub const TESTING_PROVIDER: &str = r#"
terraform {
  required_providers {
    testing = { source = "strata/testing" }
  }
}
"#;
