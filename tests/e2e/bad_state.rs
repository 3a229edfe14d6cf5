//! Damaged, foreign and future state files: every command that reads state
//! gives a clear error, leaves the file byte for byte as it was, and never
//! panics.

use crate::support::{run, TempDir};

const CONFIG: &str = "resource \"terraform_data\" \"a\" {\n  input = 1\n}\n";

#[test]
fn bad_state_files_are_clear_errors_and_stay_untouched() {
    let cases: [(&str, &[u8], &str); 5] = [
        ("truncated", b"{\"version\": 4, \"serial\": 3, \"lin", "Failed to load state"),
        ("not json", b"this is not a state file", "Failed to load state"),
        ("invalid utf-8", b"{\"version\": 4, \"lineage\": \"\xff\xfe\"}", "Failed to load state"),
        ("future version", br#"{"version": 5, "serial": 1, "lineage": "x", "terraform_version": "9.0.0"}"#, "newer"),
        (
            "wrong shape",
            br#"{"version": 4, "serial": "three", "lineage": "x", "resources": {}}"#,
            "Failed to load state",
        ),
    ];
    let commands: [&[&str]; 10] = [
        &["plan", "-no-color"],
        &["apply", "-auto-approve", "-no-color"],
        &["destroy", "-auto-approve", "-no-color"],
        &["state", "list"],
        &["state", "mv", "terraform_data.a", "terraform_data.b"],
        &["state", "rm", "terraform_data.a"],
        &["show", "-no-color"],
        &["show", "-json"],
        &["output", "-no-color"],
        &["import", "-no-color", "terraform_data.a", "x"],
    ];
    for (name, bytes, error) in cases {
        let d = TempDir::with_files("bad-state", &[("main.tf", CONFIG)]);
        std::fs::write(d.path().join("terraform.tfstate"), bytes).unwrap();
        for args in commands {
            let out = run(d.path(), args);
            assert_ne!(out.code, 0, "{name}: {args:?} must fail:\n{}", out.transcript());
            assert!(out.stderr.contains(error), "{name}: {args:?}: expected {error:?} in\n{}", out.stderr);
            assert!(!out.stderr.contains("panicked"), "{name}: {args:?}:\n{}", out.stderr);
            assert_eq!(
                std::fs::read(d.path().join("terraform.tfstate")).unwrap(),
                bytes,
                "{name}: {args:?} changed the file"
            );
        }
    }
}

#[test]
fn a_journal_of_another_state_is_refused_and_kept() {
    let d = TempDir::with_files("foreign-journal", &[("main.tf", CONFIG)]);
    assert_eq!(run(d.path(), &["apply", "-auto-approve", "-no-color"]).code, 0);
    let journal = "{\"lineage\":\"someone-else\",\"serial\":7}\n";
    std::fs::write(d.path().join("terraform.tfstate.journal"), journal).unwrap();
    let before = std::fs::read(d.path().join("terraform.tfstate")).unwrap();
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("someone-else"), "{}", out.stderr);
    assert_eq!(std::fs::read(d.path().join("terraform.tfstate")).unwrap(), before);
    assert_eq!(std::fs::read_to_string(d.path().join("terraform.tfstate.journal")).unwrap(), journal);
}
