//! `strata workspace`: the local backend's layout (`terraform.tfstate` for
//! `default`, `terraform.tfstate.d/<name>/terraform.tfstate` for the others,
//! the selection in `.terraform/environment`, `TF_WORKSPACE` over it) and
//! Terraform's messages. Where `terraform` is installed, every step also runs
//! on Terraform in a twin directory and the two must print the same (with
//! Strata for Terraform) and leave the same workspaces behind.

use crate::support::{run_with, terraform_available, Output, TempDir};
use std::path::Path;
use std::process::Command;

const CONFIG: &str = r#"
resource "terraform_data" "x" {
  input = terraform.workspace
}
output "ws" {
  value = terraform.workspace
}
"#;

fn terraform_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("terraform");
    cmd.args(args)
        .current_dir(dir)
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("TF_IN_AUTOMATION", "1")
        .env_remove("TF_WORKSPACE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("terraform runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Terraform's words with Strata's name in them.
fn as_strata(s: &str) -> String {
    s.replace("\"terraform plan\" Terraform", "\"strata plan\" Strata").replace("by Terraform since", "by Strata since")
}

/// Runs a step on Strata and, when given a twin directory, on Terraform;
/// `exact`: the two must print the same, else only exit codes must agree
/// (diagnostics are drawn differently).
struct Twins {
    ours: TempDir,
    theirs: Option<TempDir>,
}

impl Twins {
    fn new(name: &str) -> Twins {
        let ours = TempDir::with_files(name, &[("main.tf", CONFIG)]);
        let theirs = terraform_available().then(|| TempDir::with_files(&format!("{name}-tf"), &[("main.tf", CONFIG)]));
        Twins { ours, theirs }
    }

    fn step(&self, args: &[&str], env: &[(&str, &str)], exact: bool) -> Output {
        let mut with_no_color = args.to_vec();
        with_no_color.push("-no-color");
        let ours = run_with(self.ours.path(), &with_no_color, env, None);
        if let Some(theirs) = &self.theirs {
            let tf = terraform_with(theirs.path(), &with_no_color, env);
            assert_eq!(
                ours.code,
                tf.code,
                "exit code of {args:?}:\n{}\n--- terraform:\n{}",
                ours.transcript(),
                tf.transcript()
            );
            if exact {
                assert_eq!(ours.stdout, as_strata(&tf.stdout), "stdout of {args:?}");
                assert_eq!(ours.stderr, as_strata(&tf.stderr), "stderr of {args:?}");
            }
        }
        ours
    }

    /// The workspace directories and the selection are the same in both.
    fn same_layout(&self) {
        let Some(theirs) = &self.theirs else { return };
        let layout = |d: &Path| {
            let mut dirs: Vec<String> = std::fs::read_dir(d.join("terraform.tfstate.d"))
                .map(|rd| rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
                .unwrap_or_default();
            dirs.sort();
            let states: Vec<bool> =
                dirs.iter().map(|w| d.join("terraform.tfstate.d").join(w).join("terraform.tfstate").exists()).collect();
            let env = std::fs::read_to_string(d.join(".terraform/environment")).ok();
            (dirs, states, env, d.join("terraform.tfstate").exists())
        };
        assert_eq!(layout(self.ours.path()), layout(theirs.path()));
    }
}

const CREATED_STAGING: &str = "Created and switched to workspace \"staging\"!\n\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run \"strata plan\" Strata will not see any existing state\nfor this configuration.\n";

#[test]
fn workspace_lifecycle_prints_and_lays_out_as_terraform() {
    let t = Twins::new("ws-life");
    let d = t.ours.path();

    let out = t.step(&["workspace", "list"], &[], true);
    assert_eq!((out.code, out.stdout.as_str()), (0, "* default\n\n"));
    let out = t.step(&["workspace", "show"], &[], true);
    assert_eq!(out.stdout, "default\n");

    let out = t.step(&["workspace", "new", "staging"], &[], true);
    assert_eq!((out.code, out.stdout.as_str()), (0, CREATED_STAGING));
    assert_eq!(std::fs::read_to_string(d.join(".terraform/environment")).unwrap(), "staging");
    assert!(d.join("terraform.tfstate.d/staging").is_dir());
    t.same_layout();

    let out = t.step(&["workspace", "new", "staging"], &[], true);
    assert_eq!((out.code, out.stderr.as_str()), (1, "Workspace \"staging\" already exists\n"));
    let out = t.step(&["workspace", "list"], &[], true);
    assert_eq!(out.stdout, "  default\n* staging\n\n");
    let out = t.step(&["workspace", "show"], &[], true);
    assert_eq!(out.stdout, "staging\n");

    // Objects made in staging go to its own state.
    let out = t.step(&["apply", "-auto-approve"], &[], false);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stdout.contains("ws = \"staging\""), "{}", out.stdout);
    assert!(d.join("terraform.tfstate.d/staging/terraform.tfstate").is_file());
    assert!(!d.join("terraform.tfstate").exists());
    t.same_layout();

    let out = t.step(&["workspace", "delete", "staging"], &[], true);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "Workspace \"staging\" is your active workspace.\n\nYou cannot delete the currently active workspace. Please switch\nto another workspace and try again.\n"
    );

    let out = t.step(&["workspace", "select", "default"], &[], true);
    assert_eq!((out.code, out.stdout.as_str()), (0, "Switched to workspace \"default\".\n"));
    // Selecting the current workspace says nothing.
    let out = t.step(&["workspace", "select", "default"], &[], true);
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "", ""));

    let out = t.step(&["workspace", "select", "nope"], &[], true);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "\nWorkspace \"nope\" doesn't exist.\n\nYou can create this workspace with the \"new\" subcommand \nor include the \"-or-create\" flag with the \"select\" subcommand.\n"
    );
    let out = t.step(&["workspace", "select", "-or-create", "nope"], &[], true);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("Created and switched to workspace \"nope\"!\n"), "{}", out.stdout);
    let out = t.step(&["workspace", "select", "-or-create=true", "default"], &[], true);
    assert_eq!(out.stdout, "Switched to workspace \"default\".\n");

    let out = t.step(&["workspace", "new", "bad/name"], &[], true);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "\nThe workspace name \"bad/name\" is not allowed. The name must contain only URL safe\ncharacters, and no path separators.\n\n"
    );
    for name in ["a b", "é", "a;b", "a?b"] {
        assert_eq!(t.step(&["workspace", "new", name], &[], true).code, 1, "{name}");
    }
    assert_eq!(t.step(&["workspace", "new", "ok_name-1.2~$&+:=@"], &[], true).code, 0);
    assert_eq!(t.step(&["workspace", "select", "default"], &[], true).code, 0);

    let out = t.step(&["workspace", "delete", "missing"], &[], true);
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with("Workspace \"missing\" doesn't exist.\n"), "{}", out.stderr);

    // A workspace that tracks objects is kept unless forced.
    let out = t.step(&["workspace", "delete", "staging"], &[], false);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("Workspace is not empty"), "{}", out.stderr);
    assert!(out.stderr.contains("  - terraform_data.x"), "{}", out.stderr);
    assert!(out.stderr.contains("-force"), "{}", out.stderr);
    assert!(d.join("terraform.tfstate.d/staging/terraform.tfstate").is_file());

    let out = t.step(&["workspace", "delete", "-force", "staging"], &[], true);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "Deleted workspace \"staging\"!\nWARNING: \"staging\" was non-empty.\nThe resources managed by the deleted workspace may still exist,\nbut are no longer manageable by Strata since the state has\nbeen deleted.\n\n"
    );
    assert!(!d.join("terraform.tfstate.d/staging").exists());
    let out = t.step(&["workspace", "delete", "nope"], &[], true);
    assert_eq!((out.code, out.stdout.as_str()), (0, "Deleted workspace \"nope\"!\n"));
    t.same_layout();

    let out = t.step(&["workspace", "list"], &[], true);
    assert_eq!(out.stdout, "* default\n  ok_name-1.2~$&+:=@\n\n");
    let out = t.step(&["workspace", "delete", "default"], &[], true);
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with("Workspace \"default\" is your active workspace."), "{}", out.stderr);
    t.step(&["workspace", "select", "ok_name-1.2~$&+:=@"], &[], true);
    let out = t.step(&["workspace", "delete", "default"], &[], true);
    assert_eq!((out.code, out.stderr.as_str()), (1, "cannot delete default state\n"));
    t.same_layout();
}

#[test]
fn tf_workspace_overrides_the_selection() {
    let t = Twins::new("ws-env");
    assert_eq!(t.step(&["workspace", "new", "a"], &[], true).code, 0);
    assert_eq!(t.step(&["workspace", "select", "default"], &[], true).code, 0);
    let a = [("TF_WORKSPACE", "a")];

    let out = t.step(&["workspace", "show"], &a, true);
    assert_eq!(out.stdout, "a\n");
    let out = t.step(&["workspace", "list"], &a, true);
    assert_eq!(
        out.stdout,
        "  default\n* a\n\n\n\nThe active workspace is being overridden using the TF_WORKSPACE environment\nvariable.\n\n"
    );
    let out = t.step(&["workspace", "select", "default"], &a, true);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("The selected workspace is currently overridden using the TF_WORKSPACE"),
        "{}",
        out.stderr
    );
    let out = t.step(&["workspace", "new", "b"], &a, true);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("You cannot create a new workspace when using this setting."), "{}", out.stderr);
    // Creating the workspace TF_WORKSPACE names is allowed.
    assert_eq!(t.step(&["workspace", "new", "b"], &[("TF_WORKSPACE", "b")], true).code, 0);
    let out = t.step(&["workspace", "delete", "b"], &[("TF_WORKSPACE", "b")], true);
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with("Workspace \"b\" is your active workspace."), "{}", out.stderr);

    // Plans and applies use the overriding workspace's state.
    let out = t.step(&["apply", "-auto-approve"], &[("TF_WORKSPACE", "prod")], false);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stdout.contains("ws = \"prod\""), "{}", out.stdout);
    assert!(t.ours.path().join("terraform.tfstate.d/prod/terraform.tfstate").is_file());
    t.same_layout();

    let bad = [("TF_WORKSPACE", "a/b")];
    let out = t.step(&["workspace", "show"], &bad, true);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "Error selecting workspace: Invalid workspace name set using TF_WORKSPACE\n")
    );
    let out = t.step(&["plan"], &bad, false);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("Invalid workspace name set using TF_WORKSPACE"), "{}", out.stderr);
    assert_eq!(t.step(&["workspace", "list"], &bad, false).code, 1);
}

/// `terraform.workspace` is the selected workspace's name in every expression.
#[test]
fn a_plan_in_staging_sees_its_name() {
    let d = TempDir::with_files("ws-plan", &[("main.tf", CONFIG)]);
    let run = |args: &[&str]| run_with(d.path(), args, &[], None);
    assert_eq!(run(&["workspace", "new", "staging"]).code, 0);
    let plan = run(&["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains("+ input  = \"staging\""), "{}", plan.stdout);
    assert!(plan.stdout.contains("+ ws = \"staging\""), "{}", plan.stdout);
    assert_eq!(run(&["apply", "-auto-approve", "-no-color"]).code, 0);
    assert_eq!(run(&["output", "-raw", "ws"]).stdout, "staging");
    // The default workspace has a state of its own, still empty.
    assert_eq!(run(&["workspace", "select", "default"]).code, 0);
    let plan = run(&["plan", "-no-color"]);
    assert!(plan.stdout.contains("+ input  = \"default\""), "{}", plan.stdout);
    assert_eq!(run(&["output", "-raw", "ws"]).code, 1);
    let staging = run_with(d.path(), &["output", "-raw", "ws"], &[("TF_WORKSPACE", "staging")], None);
    assert_eq!(staging.stdout, "staging");
}

#[test]
fn new_with_state_copies_it_under_a_new_lineage() {
    let d = TempDir::with_files("ws-copy", &[("main.tf", CONFIG)]);
    let run = |args: &[&str]| run_with(d.path(), args, &[], None);
    assert_eq!(run(&["apply", "-auto-approve"]).code, 0);
    let out = run(&["workspace", "new", "-state=terraform.tfstate", "copy"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let read = |p: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(d.path().join(p)).unwrap()).unwrap()
    };
    let (orig, copy) = (read("terraform.tfstate"), read("terraform.tfstate.d/copy/terraform.tfstate"));
    assert_eq!(orig["resources"], copy["resources"]);
    assert_ne!(orig["lineage"], copy["lineage"]);
    let list = run(&["state", "list"]);
    assert_eq!(list.stdout, "terraform_data.x\n");

    // A missing file is refused before anything is made.
    let out = run(&["workspace", "new", "-state=missing.tfstate", "other"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("missing.tfstate"), "{}", out.stderr);
    assert!(!d.path().join("terraform.tfstate.d/other").exists());
    assert_eq!(run(&["workspace", "show"]).stdout, "copy\n");
}

#[test]
fn names_that_leave_the_workspace_directory_are_refused() {
    let d = TempDir::with_files("ws-bad", &[("main.tf", CONFIG)]);
    for name in ["", ".", ".."] {
        let out = run_with(d.path(), &["workspace", "new", name], &[], None);
        assert_eq!(out.code, 1, "{name:?}: {}", out.transcript());
    }
    d.write(".terraform/environment", "../outside");
    let plan = run_with(d.path(), &["plan", "-no-color"], &[], None);
    assert_eq!(plan.code, 1);
    assert!(plan.stderr.contains("Invalid workspace name \"../outside\""), "{}", plan.stderr);
    let out = run_with(d.path(), &["workspace", "select", "default"], &[], None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(run_with(d.path(), &["plan", "-no-color"], &[], None).code, 0);
}
