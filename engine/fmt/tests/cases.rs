//! Data-driven formatter tests: every `tests/cases/<name>.in.tf` is formatted
//! and compared with `<name>.out.tf`, which was produced by `terraform fmt -`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn cases() -> Vec<(String, PathBuf, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut out = Vec::new();
    for entry in fs::read_dir(&dir).expect("read tests/cases") {
        let path = entry.expect("dir entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if let Some(stem) = name.strip_suffix(".in.tf") {
            let expected = dir.join(format!("{stem}.out.tf"));
            out.push((stem.to_string(), path, expected));
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no test cases found in {}", dir.display());
    out
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn show_diff(name: &str, expected: &str, got: &str) -> String {
    let mut msg = format!("case {name}: output differs\n");
    for (i, (e, g)) in expected.split('\n').zip(got.split('\n')).enumerate() {
        if e != g {
            msg.push_str(&format!("first difference at line {}:\n  expected: {e:?}\n  got:      {g:?}\n", i + 1));
            break;
        }
    }
    msg.push_str(&format!("--- expected ---\n{expected}\n--- got ---\n{got}\n"));
    msg
}

#[test]
fn formats_cases_like_terraform() {
    let mut failures = Vec::new();
    for (name, input, expected) in cases() {
        let src = read(&input);
        let want = read(&expected);
        match strata_fmt::format_source(&src) {
            Ok(got) if got == want => {}
            Ok(got) => failures.push(show_diff(&name, &want, &got)),
            Err(e) => failures.push(format!("case {name}: unexpected error {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn formatting_is_idempotent() {
    let mut failures = Vec::new();
    for (name, _input, expected) in cases() {
        // terraform fmt itself is not idempotent for these (e.g. spaces
        // after the last newline are kept, then become a blank line).
        if name.starts_with("nonidempotent_") {
            continue;
        }
        let want = read(&expected);
        match strata_fmt::format_source(&want) {
            Ok(again) if again == want => {}
            Ok(again) => failures.push(show_diff(&format!("{name} (idempotence)"), &want, &again)),
            Err(e) => failures.push(format!("case {name}: formatting the output failed: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn terraform_fmt(src: &str) -> Option<Result<String, String>> {
    let mut child = Command::new("terraform")
        .args(["fmt", "-no-color", "-"])
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take()?;
        stdin.write_all(src.as_bytes()).ok()?;
    }
    let out = child.wait_with_output().ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Some(Ok(stdout))
    } else {
        Some(Err(String::from_utf8_lossy(&out.stderr).into_owned()))
    }
}

fn terraform_available() -> bool {
    Command::new("terraform")
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Differential test against the real `terraform fmt`, when installed.
#[test]
#[allow(clippy::print_stderr)]
fn matches_terraform_when_available() {
    if !terraform_available() {
        eprintln!("note: `terraform` is not on PATH; skipping the differential test against terraform fmt");
        return;
    }
    let mut failures = Vec::new();
    for (name, input, _expected) in cases() {
        let src = read(&input);
        let ours = strata_fmt::format_source(&src);
        match (terraform_fmt(&src), ours) {
            (None, _) => failures.push(format!("case {name}: could not run terraform")),
            (Some(Ok(tf)), Ok(got)) if tf == got => {}
            (Some(Ok(tf)), Ok(got)) => failures.push(show_diff(&format!("{name} (vs terraform)"), &tf, &got)),
            (Some(Ok(_)), Err(e)) => failures.push(format!("case {name}: terraform formats it but we fail: {e}")),
            (Some(Err(tf)), Ok(_)) => {
                failures.push(format!("case {name}: terraform rejects it but we format it:\n{tf}"))
            }
            (Some(Err(_)), Err(_)) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
