//! `strata test`: `*.tftest.hcl` files run against temporary states, with
//! Terraform's output, statuses and exit codes (compared with `terraform
//! test` where it is installed).

use crate::support::{run, run_with, terraform, terraform_available, TempDir, TESTING_PROVIDER};

const CONFIG: &str = r#"
variable "name" {
  type    = string
  default = "x"
  validation {
    condition     = length(var.name) < 10
    error_message = "Name too long."
  }
}

resource "terraform_data" "r" {
  input = var.name
  lifecycle {
    precondition {
      condition     = var.name != "bad"
      error_message = "Bad name."
    }
  }
}

check "c" {
  assert {
    condition     = var.name != "chk"
    error_message = "check failed"
  }
}

output "out" {
  value = terraform_data.r.output
}
"#;

const SETUP: &str = r#"
variable "prefix" {
  default = "s"
}

resource "terraform_data" "s" {
  input = "${var.prefix}-setup"
}

output "value" {
  value = terraform_data.s.output
}
"#;

/// The lines `strata test` prints about files and runs (and the summary).
fn progress(stdout: &str) -> String {
    stdout
        .lines()
        .filter(|l| {
            l.contains(".tftest.hcl... ")
                || l.starts_with("  run \"")
                || l.starts_with("Success!")
                || l.starts_with("Failure!")
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn passing_and_failing_assertions() {
    let d = TempDir::with_files(
        "tftest-assert",
        &[
            ("main.tf", CONFIG),
            (
                "tests/a.tftest.hcl",
                r#"
run "pass" {
  assert {
    condition     = output.out == "x"
    error_message = "output is ${output.out}"
  }
}

run "fail" {
  variables {
    name = "other"
  }
  assert {
    condition     = terraform_data.r.output == "x"
    error_message = "terraform_data.r.output is ${terraform_data.r.output}"
  }
  assert {
    condition     = var.name == "other"
    error_message = "never shown"
  }
}

run "still_runs" {
  assert {
    condition     = output.out == "x"
    error_message = "back to x"
  }
}
"#,
            ),
        ],
    );
    let out = run(d.path(), &["test"]);
    insta::assert_snapshot!("passing_and_failing_assertions", out.transcript());
    assert!(!d.path().join("terraform.tfstate").exists(), "the working directory's state is never written");
}

#[test]
fn expect_failures_of_validations_preconditions_and_checks() {
    let d = TempDir::with_files(
        "tftest-expect",
        &[
            ("main.tf", CONFIG),
            (
                "tests/expect.tftest.hcl",
                r#"
run "validation_in_plan" {
  command         = plan
  variables { name = "waytoolongname" }
  expect_failures = [var.name]
}

run "check_block" {
  variables { name = "chk" }
  expect_failures = [check.c]
}

run "precondition_stops_apply" {
  variables { name = "bad" }
  expect_failures = [terraform_data.r]
}

run "skipped" {}
"#,
            ),
            (
                "tests/missing.tftest.hcl",
                r#"
run "nothing_fails" {
  command         = plan
  expect_failures = [var.name]
}

run "skipped_after_error" {}
"#,
            ),
            (
                "tests/unexpected.tftest.hcl",
                r#"
run "check_fails_the_run" {
  variables { name = "chk" }
}
"#,
            ),
        ],
    );
    let out = run(d.path(), &["test"]);
    insta::assert_snapshot!("expect_failures", out.transcript());
}

#[test]
fn run_outputs_and_setup_modules() {
    let d = TempDir::with_files(
        "tftest-runs",
        &[
            ("main.tf", CONFIG),
            ("setup/main.tf", SETUP),
            (
                "main.tftest.hcl",
                r#"
run "setup" {
  module {
    source = "./setup"
  }
  variables {
    prefix = "p"
  }
}

run "uses_setup" {
  variables {
    name = run.setup.value
  }
  assert {
    condition     = output.out == "p-setup"
    error_message = "output is ${output.out}"
  }
  assert {
    condition     = run.setup.value == terraform_data.r.input
    error_message = "run.setup.value is visible in assertions"
  }
}

run "bad_reference" {
  assert {
    condition     = run.nope.value == "x"
    error_message = "x"
  }
}
"#,
            ),
        ],
    );
    let out = run(d.path(), &["test"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert_eq!(
        progress(&out.stdout),
        "main.tftest.hcl... in progress\n  run \"setup\"... pass\n  run \"uses_setup\"... pass\n  run \"bad_reference\"... fail\nmain.tftest.hcl... tearing down\nmain.tftest.hcl... fail\nFailure! 2 passed, 1 failed.\n",
        "{}",
        out.transcript()
    );
    assert!(out.stderr.contains("Reference to undeclared run block"), "{}", out.stderr);
    assert!(out.stderr.contains("main.tftest.hcl:27:21"), "{}", out.stderr);
}

#[test]
fn plan_runs_see_planned_values_and_unknowns() {
    let d = TempDir::with_files(
        "tftest-plan",
        &[
            ("main.tf", CONFIG),
            (
                "tests/plan.tftest.hcl",
                r#"
run "known_in_plan" {
  command = plan
  assert {
    condition     = terraform_data.r.input == "x"
    error_message = "input is planned"
  }
}

run "unknown_in_plan" {
  command = plan
  assert {
    condition     = terraform_data.r.id == "abc"
    error_message = "unknown id"
  }
}

run "skipped" {}
"#,
            ),
        ],
    );
    let out = run(d.path(), &["test"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert_eq!(
        progress(&out.stdout),
        "tests/plan.tftest.hcl... in progress\n  run \"known_in_plan\"... pass\n  run \"unknown_in_plan\"... fail\n  run \"skipped\"... skip\ntests/plan.tftest.hcl... tearing down\ntests/plan.tftest.hcl... fail\nFailure! 1 passed, 1 failed, 1 skipped.\n"
    );
    assert!(out.stderr.contains("Unknown condition value"), "{}", out.stderr);
    assert!(out.stderr.contains("command = plan"), "{}", out.stderr);

    // A plan run's unknown output cannot feed a later run's variables.
    d.write(
        "tests/plan.tftest.hcl",
        "run \"plan\" {\n  command = plan\n}\n\nrun \"uses_it\" {\n  variables {\n    name = run.plan.out\n  }\n}\n",
    );
    let out = run(d.path(), &["test"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stdout.contains("  run \"uses_it\"... fail"), "{}", out.stdout);
    assert!(out.stderr.contains("Reference to unknown value"), "{}", out.stderr);
    assert!(out.stderr.contains("The value for run.plan.out is unknown."), "{}", out.stderr);
}

#[test]
fn teardown_destroys_everything_in_reverse_run_order() {
    let main = format!(
        "{TESTING_PROVIDER}\nresource \"testing_resource\" \"main\" {{\n  name = \"main\"\n}}\n\noutput \"id\" {{\n  value = testing_resource.main.id\n}}\n"
    );
    let setup = format!("{TESTING_PROVIDER}\nresource \"testing_resource\" \"setup\" {{\n  name = \"setup\"\n}}\n");
    let d = TempDir::with_files(
        "tftest-teardown",
        &[
            ("main.tf", &main),
            ("setup/main.tf", &setup),
            (
                "tests/a.tftest.hcl",
                r#"
run "setup" {
  module {
    source = "./setup"
  }
}

run "main" {
  assert {
    condition     = output.id == "id-main"
    error_message = "id"
  }
}
"#,
            ),
            (
                "tests/b.tftest.hcl",
                r#"
run "again" {
  assert {
    condition     = testing_resource.main.name == "main"
    error_message = "a fresh state per file"
  }
}
"#,
            ),
        ],
    );
    let log = d.path().join("calls.log");
    let out = run_with(d.path(), &["test"], &[("STRATA_TESTING_LOG", log.to_str().unwrap())], None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stdout.ends_with("Success! 3 passed, 0 failed.\n"), "{}", out.stdout);
    let log = std::fs::read_to_string(&log).unwrap();
    let ops: Vec<&str> = log.lines().filter(|l| l.ends_with(" done")).collect();
    assert_eq!(
        ops,
        [
            "create setup done",
            "create main done",
            "delete main done",
            "delete setup done",
            "create main done",
            "delete main done"
        ],
        "{log}"
    );
    let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(
        left.iter().all(|n| !n.to_string_lossy().contains("tfstate")),
        "no state in the working directory: {left:?}"
    );
}

#[test]
fn a_failed_destroy_is_reported_and_its_state_kept() {
    let main = format!(
        "{TESTING_PROVIDER}\nresource \"testing_resource\" \"stuck\" {{\n  name        = \"stuck\"\n  fail_delete = true\n}}\n"
    );
    let d = TempDir::with_files("tftest-stuck", &[("main.tf", &main), ("t.tftest.hcl", "run \"create\" {}\n")]);
    let out = run(d.path(), &["test"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert_eq!(
        progress(&out.stdout),
        "t.tftest.hcl... in progress\n  run \"create\"... pass\nt.tftest.hcl... tearing down\nt.tftest.hcl... fail\nFailure! 1 passed, 0 failed.\n"
    );
    assert!(out.stderr.contains("Deletion failed"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("Strata encountered an error destroying resources created while executing t.tftest.hcl/create."),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Strata left the following resources in state after executing t.tftest.hcl/create, and they need to be cleaned up manually:\n  - testing_resource.stuck\n"), "{}", out.stderr);
    // The state is kept where the message says, for cleaning up by hand.
    let kept = out.stderr.split("Their state is kept in ").nth(1).and_then(|s| s.split(".tfstate").next());
    let kept = format!("{}.tfstate", kept.expect("the state's path").split_whitespace().collect::<String>());
    assert!(std::path::Path::new(&kept).is_file(), "{kept}");
    let _ = std::fs::remove_dir_all(std::path::Path::new(&kept).parent().unwrap().parent().unwrap());
}

#[test]
fn variables_precedence() {
    let config = "variable \"name\" {\n  type = string\n}\n\nresource \"terraform_data\" \"r\" {\n  input = var.name\n}\n\noutput \"out\" {\n  value = terraform_data.r.output\n}\n";
    let shows = |expected: &str| {
        format!(
            "run \"check\" {{\n  assert {{\n    condition     = output.out == \"{expected}\"\n    error_message = \"output is ${{output.out}}\"\n  }}\n}}\n"
        )
    };
    let d = TempDir::with_files("tftest-vars", &[("main.tf", config), ("terraform.tfvars", "name = \"tfvars\"\n")]);
    d.write("tests/t.tftest.hcl", &shows("tfvars"));
    assert_eq!(run(d.path(), &["test"]).code, 0, "terraform.tfvars is read");
    d.write("tests/t.tftest.hcl", &shows("cli"));
    let out = run(d.path(), &["test", "-var", "name=cli"]);
    assert_eq!(out.code, 0, "-var wins over terraform.tfvars: {}", out.transcript());
    d.write("tests/t.tftest.hcl", &format!("variables {{\n  name = \"file\"\n}}\n\n{}", shows("file")));
    let out = run(d.path(), &["test", "-var", "name=cli"]);
    assert_eq!(out.code, 0, "the file's variables win over -var: {}", out.transcript());
    d.write(
        "tests/t.tftest.hcl",
        "variables {\n  name = \"file\"\n}\n\nrun \"check\" {\n  variables {\n    name = \"run-${var.name}\"\n  }\n  assert {\n    condition     = output.out == \"run-file\"\n    error_message = \"output is ${output.out}\"\n  }\n}\n",
    );
    let out = run(d.path(), &["test", "-var", "name=cli"]);
    assert_eq!(out.code, 0, "the run's variables win, and see var.*: {}", out.transcript());
    // The test directory's tfvars win over -var (Terraform's order too),
    // its *.auto.tfvars over its terraform.tfvars.
    d.write("tests/terraform.tfvars", "name = \"testdir\"\n");
    d.write("tests/t.tftest.hcl", &shows("testdir"));
    let out = run(d.path(), &["test", "-var", "name=cli"]);
    assert_eq!(out.code, 0, "tests/terraform.tfvars: {}", out.transcript());
    d.write("tests/x.auto.tfvars", "name = \"auto\"\n");
    d.write("tests/t.tftest.hcl", &shows("auto"));
    let out = run(d.path(), &["test"]);
    assert_eq!(out.code, 0, "tests/x.auto.tfvars: {}", out.transcript());
    std::fs::remove_file(d.path().join("tests/terraform.tfvars")).unwrap();
    std::fs::remove_file(d.path().join("tests/x.auto.tfvars")).unwrap();
    // Values the configuration does not declare are the test files'
    // globals (an undeclared -var is an expression, as in Terraform).
    d.write(
        "tests/t.tftest.hcl",
        "run \"check\" {\n  variables {\n    name = \"${var.extra}-${var.from_file}\"\n  }\n  assert {\n    condition     = output.out == \"e-f\"\n    error_message = \"output is ${output.out}\"\n  }\n}\n",
    );
    d.write("more.tfvars", "from_file = \"f\"\n");
    let out = run(d.path(), &["test", "-var", "extra=\"e\"", "-var-file=more.tfvars"]);
    assert_eq!(out.code, 0, "globals: {}", out.transcript());
    assert!(!out.stderr.contains("undeclared"), "no warning for globals: {}", out.stderr);
    // Assertions see the test file's variables too, declared or not (and
    // a run's undeclared value its assertions use is no mistake).
    d.write(
        "tests/t.tftest.hcl",
        "variables {\n  name     = \"v\"\n  expected = \"v\"\n}\n\nrun \"check\" {\n  variables {\n    other = \"o\"\n  }\n  assert {\n    condition     = output.out == var.expected && var.other == \"o\" && var.extra == \"e\"\n    error_message = \"output is ${output.out}\"\n  }\n  assert {\n    condition     = var.nope == 1\n    error_message = \"x\"\n  }\n}\n",
    );
    let out = run(d.path(), &["test", "-var", "extra=\"e\""]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(!out.stderr.contains("Value for undeclared variable"), "{}", out.stderr);
    assert!(!out.stderr.contains("Test assertion failed"), "the first assertion holds: {}", out.stderr);
    assert!(out.stderr.contains("Reference to undeclared input variable"), "{}", out.stderr);
    // Nothing sets it: Terraform's message for tests.
    std::fs::remove_file(d.path().join("terraform.tfvars")).unwrap();
    d.write("tests/t.tftest.hcl", &shows("x"));
    let out = run(d.path(), &["test"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("The module under test for run block \"check\" has a required variable"),
        "{}",
        out.stderr
    );
}

#[test]
fn filter_test_directory_and_verbose() {
    let d = TempDir::with_files(
        "tftest-filter",
        &[
            ("main.tf", CONFIG),
            ("a.tftest.hcl", "run \"a\" {}\n"),
            ("tests/b.tftest.hcl", "run \"b\" {\n  command = plan\n}\n"),
            ("other/c.tftest.hcl", "run \"c\" {}\n"),
        ],
    );
    let out = run(d.path(), &["test"]);
    assert_eq!(
        progress(&out.stdout),
        "a.tftest.hcl... in progress\n  run \"a\"... pass\na.tftest.hcl... tearing down\na.tftest.hcl... pass\ntests/b.tftest.hcl... in progress\n  run \"b\"... pass\ntests/b.tftest.hcl... tearing down\ntests/b.tftest.hcl... pass\nSuccess! 2 passed, 0 failed.\n"
    );
    let out = run(d.path(), &["test", "-filter=tests/b.tftest.hcl", "-verbose"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(!out.stdout.contains("run \"a\""), "{}", out.stdout);
    assert!(out.stdout.contains("# terraform_data.r will be created"), "the plan of a plan run: {}", out.stdout);
    let out = run(d.path(), &["test", "-test-directory=other", "-verbose"]);
    assert!(out.stdout.contains("other/c.tftest.hcl... pass"), "{}", out.stdout);
    assert!(
        out.stdout.contains("# terraform_data.r:\nresource \"terraform_data\" \"r\" {"),
        "the state of an apply run: {}",
        out.stdout
    );
    let out = run(d.path(), &["test", "-filter=nope.tftest.hcl"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "\nSuccess! 0 passed, 0 failed.\n"));
}

#[test]
fn the_real_state_is_left_alone() {
    let d = TempDir::with_files(
        "tftest-real",
        &[("main.tf", CONFIG), ("t.tftest.hcl", "run \"a\" {\n  variables {\n    name = \"y\"\n  }\n}\n")],
    );
    assert_eq!(run(d.path(), &["apply", "-auto-approve"]).code, 0);
    let before = std::fs::read(d.path().join("terraform.tfstate")).unwrap();
    let out = run(d.path(), &["test"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(std::fs::read(d.path().join("terraform.tfstate")).unwrap(), before);
    assert!(!d.path().join("terraform.tfstate.backup").exists());
}

#[test]
fn bad_test_files_are_diagnosed() {
    let d = TempDir::with_files(
        "tftest-bad",
        &[
            ("main.tf", CONFIG),
            (
                "bad.tftest.hcl",
                r#"foo {}
run {
}
run "x" {
  bogus   = 1
  command = destroy
  expect_failures = [var.name, "text"]
  assert {
    condition = true
  }
  plan_options {
    mode = sideways
  }
  module {
    source = "git::https://example.com/m.git"
  }
}
run "x" {}
override_module {}
"#,
            ),
            ("broken.tftest.hcl", "run \"a\" {\n  assert {\n    condition = \n"),
            ("missing.tftest.hcl", "run \"setup\" {\n  module {\n    source = \"./not-there\"\n  }\n}\n"),
        ],
    );
    let out = run(d.path(), &["test"]);
    insta::assert_snapshot!("bad_test_files", out.transcript());
}

/// The run and file statuses, the summary and the exit code, as `terraform
/// test` reports them, for the same files (terraform_data only: offline).
#[test]
fn statuses_match_terraform() {
    if !terraform_available() {
        return; // nothing to compare with
    }
    let d = TempDir::with_files(
        "tftest-differential",
        &[
            ("main.tf", CONFIG),
            ("setup/main.tf", SETUP),
            (
                "tests/a.tftest.hcl",
                r#"
variables {
  name = "file"
}

run "setup" {
  module {
    source = "./setup"
  }
}

run "assert_fails" {
  variables {
    name = run.setup.value
  }
  assert {
    condition     = output.out == "nope"
    error_message = "wrong"
  }
}

run "validation" {
  command         = plan
  variables { name = "waytoolongname" }
  expect_failures = [var.name]
}

run "check" {
  variables { name = "chk" }
  expect_failures = [check.c]
}

run "precondition_in_apply" {
  variables { name = "bad" }
  expect_failures = [terraform_data.r]
}

run "skipped" {}
"#,
            ),
            (
                "tests/b.tftest.hcl",
                r#"
run "unknown" {
  command = plan
  assert {
    condition     = terraform_data.r.id == "abc"
    error_message = "unknown"
  }
}

run "skipped" {}
"#,
            ),
            (
                "tests/c.tftest.hcl",
                r#"
run "ok" {
  plan_options {
    refresh = false
  }
  assert {
    condition     = output.out == var.name
    error_message = "out"
  }
}
"#,
            ),
            (
                "tests/d.tftest.hcl",
                "run \"missing\" {\n  command         = plan\n  expect_failures = [var.name]\n}\n\nrun \"skipped\" {}\n",
            ),
            (
                "tests/e.tftest.hcl",
                "run \"plan_first\" {\n  command = plan\n}\n\nrun \"unknown_var\" {\n  variables {\n    name = run.plan_first.out\n  }\n}\n",
            ),
            (
                "tests/f.tftest.hcl",
                "run \"bad_message\" {\n  assert {\n    condition     = output.out != null\n    error_message = \"${var.nope}\"\n  }\n}\n\nrun \"skipped\" {}\n",
            ),
            (
                "tests/g.tftest.hcl",
                "run \"global\" {\n  variables {\n    name = var.extra\n  }\n  assert {\n    condition     = output.out == \"e\"\n    error_message = \"out\"\n  }\n}\n",
            ),
        ],
    );
    let init = terraform(d.path(), &["init", "-input=false"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    for args in [&["test", "-var", "extra=\"e\""][..], &["test", "-filter=tests/c.tftest.hcl", "-var", "name=cli"]] {
        let theirs = terraform(d.path(), &[args, &["-no-color"]].concat());
        let ours = run(d.path(), args);
        let their_stdout = String::from_utf8_lossy(&theirs.stdout);
        assert_eq!(
            (progress(&ours.stdout), ours.code),
            (progress(&their_stdout), theirs.status.code().unwrap_or(-1)),
            "strata:\n{}\nterraform:\n{their_stdout}{}",
            ours.transcript(),
            String::from_utf8_lossy(&theirs.stderr)
        );
    }
    // The machine-readable stream: the same events in the same order
    // (diagnostics left out: their wording is Strata's).
    let events = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|l| !matches!(l["type"].as_str(), Some("version" | "diagnostic")))
            .map(|l| {
                let kind = l["type"].as_str().unwrap_or_default().to_string();
                format!("{kind} {} {}", l["@message"], l.get(&kind).cloned().unwrap_or_default())
            })
            .collect()
    };
    let theirs = terraform(d.path(), &["test", "-json", "-var", "extra=\"e\""]);
    let ours = run(d.path(), &["test", "-json", "-var", "extra=\"e\""]);
    assert_eq!(events(&ours.stdout), events(&String::from_utf8_lossy(&theirs.stdout)));
}

#[test]
fn test_file_provider_blocks_replace_the_configurations() {
    let main = format!(
        "{TESTING_PROVIDER}\nprovider \"testing\" {{\n  prefix = \"config-\"\n}}\n\nresource \"testing_resource\" \"r\" {{\n  name = \"r\"\n}}\n"
    );
    let d = TempDir::with_files(
        "tftest-provider",
        &[
            ("main.tf", &main),
            (
                "t.tftest.hcl",
                r#"
provider "testing" {
  prefix = "test-"
}

run "uses_the_test_provider" {
  assert {
    condition     = testing_resource.r.id == "id-test-r"
    error_message = "id is ${testing_resource.r.id}"
  }
}
"#,
            ),
        ],
    );
    let out = run(d.path(), &["test"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
}

#[test]
fn json_test_files_stop_the_command_and_undeclared_variables_warn() {
    let d = TempDir::with_files(
        "tftest-json",
        &[
            ("main.tf", CONFIG),
            ("a.tftest.hcl", "run \"a\" {\n  variables {\n    undeclared = 1\n  }\n}\n"),
            ("tests/j.tftest.json", "{\"run\": {\"j\": {}}}\n"),
        ],
    );
    let out = run(d.path(), &["test"]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{}", out.transcript());
    assert!(out.stderr.contains("JSON test files are not supported yet"), "{}", out.stderr);
    assert!(out.stderr.contains("tests/j.tftest.json"), "{}", out.stderr);
    let out = run(d.path(), &["test", "-filter=a.tftest.hcl"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stderr.contains("Warning: Value for undeclared variable"), "{}", out.stderr);
    assert!(out.stderr.contains("does not declare a variable named \"undeclared\""), "{}", out.stderr);
}

#[test]
fn json_output_is_terraform_s_test_stream() {
    let d = TempDir::with_files(
        "tftest-json-out",
        &[
            ("main.tf", CONFIG),
            (
                "tests/a.tftest.hcl",
                "run \"ok\" {}\n\nrun \"bad\" {\n  assert {\n    condition     = output.out == \"y\"\n    error_message = \"not y\"\n  }\n}\n",
            ),
        ],
    );
    let out = run(d.path(), &["test", "-json"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    let lines: Vec<serde_json::Value> =
        out.stdout.lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
    let summary: Vec<String> = lines
        .iter()
        .map(|l| {
            let kind = l["type"].as_str().unwrap().to_string();
            let detail = match kind.as_str() {
                "test_run" => format!(" {} {}", l["test_run"]["run"], l["test_run"]["progress"]),
                "test_file" => format!(" {}", l["test_file"]["progress"]),
                "diagnostic" => format!(" {} {}", l["@testrun"], l["diagnostic"]["summary"]),
                "test_summary" => format!(" {}", l["test_summary"]),
                _ => String::new(),
            };
            format!("{kind}{detail}")
        })
        .collect();
    assert_eq!(
        summary,
        [
            "version",
            "test_abstract",
            "test_file \"starting\"",
            "test_run \"ok\" \"starting\"",
            "test_run \"ok\" \"complete\"",
            "test_run \"bad\" \"starting\"",
            "test_run \"bad\" \"complete\"",
            "diagnostic \"bad\" \"Test assertion failed\"",
            "test_file \"teardown\"",
            "test_run \"bad\" \"teardown\"",
            "test_file \"complete\"",
            "test_summary {\"status\":\"fail\",\"passed\":1,\"failed\":1,\"errored\":0,\"skipped\":0}",
        ]
    );
    assert_eq!(lines[1]["test_abstract"], serde_json::json!({ "tests/a.tftest.hcl": ["ok", "bad"] }));
    assert_eq!(lines[6]["test_run"]["status"], "fail");
    assert_eq!(lines[7]["@testfile"], "tests/a.tftest.hcl");
}

#[test]
fn state_keys_and_provider_mappings() {
    let main = format!(
        "{TESTING_PROVIDER}\nresource \"testing_resource\" \"r\" {{\n  name = \"r\"\n}}\n\noutput \"id\" {{\n  value = testing_resource.r.id\n}}\n"
    );
    let d = TempDir::with_files(
        "tftest-keys",
        &[
            ("main.tf", &main),
            (
                "t.tftest.hcl",
                r#"
provider "testing" {
  alias  = "other"
  prefix = "other-"
}

run "one" {
  state_key = "one"
}

run "two" {
  state_key = "two"
  providers = {
    testing = testing.other
  }
  assert {
    condition     = output.id == "id-other-r"
    error_message = "id is ${output.id}: the mapped configuration"
  }
}

run "one_again" {
  state_key = "one"
  assert {
    condition     = output.id == run.one.id
    error_message = "the same state as run one"
  }
}
"#,
            ),
        ],
    );
    let log = d.path().join("calls.log");
    let out = run_with(d.path(), &["test"], &[("STRATA_TESTING_LOG", log.to_str().unwrap())], None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let log = std::fs::read_to_string(&log).unwrap();
    let ops: Vec<&str> = log.lines().filter(|l| l.ends_with(" done")).collect();
    // Two states: two creates, two deletes (the last state used first).
    assert_eq!(ops, ["create r done", "create r done", "delete r done", "delete r done"], "{log}");

    d.write(
        "t.tftest.hcl",
        "run \"bad\" {\n  providers = {\n    testing = testing.nope\n  }\n}\n\nrun \"par\" {\n  parallel = true\n}\n",
    );
    let out = run(d.path(), &["test"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("An argument named \"parallel\" is not expected here."), "{}", out.stderr);
    d.write("t.tftest.hcl", "run \"bad\" {\n  providers = {\n    testing = testing.nope\n  }\n}\n");
    let out = run(d.path(), &["test"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("Reference to undeclared provider"), "{}", out.stderr);
}

#[test]
fn mock_providers_call_nothing_and_fill_computed_values() {
    let main = format!(
        "{TESTING_PROVIDER}\nresource \"testing_resource\" \"r\" {{\n  name = \"r\"\n}}\n\ndata \"testing_echo\" \"e\" {{\n  name = \"e\"\n}}\n"
    );
    let d = TempDir::with_files(
        "tftest-mock",
        &[
            ("main.tf", &main),
            (
                "t.tftest.hcl",
                r#"
mock_provider "testing" {
  mock_resource "testing_resource" {
    defaults = {
      result = "mocked"
    }
  }
}

run "plan" {
  command = plan
  assert {
    condition     = testing_resource.r.name == "r"
    error_message = "configuration values are planned"
  }
}

run "apply" {
  assert {
    condition     = testing_resource.r.result == "mocked"
    error_message = "result is ${testing_resource.r.result}"
  }
  assert {
    condition     = length(testing_resource.r.id) == 8
    error_message = "a generated id: ${testing_resource.r.id}"
  }
  assert {
    condition     = length(data.testing_echo.e.result) == 8 && data.testing_echo.e.name == "e"
    error_message = "data sources are mocked too"
  }
}
"#,
            ),
        ],
    );
    let log = d.path().join("calls.log");
    let out = run_with(d.path(), &["test"], &[("STRATA_TESTING_LOG", log.to_str().unwrap())], None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(!log.exists(), "the provider is never called: {:?}", std::fs::read_to_string(&log));

    d.write("t.tftest.hcl", "mock_provider \"testing\" {\n  mock_resource \"testing_resource\" {\n    defaults = \"no\"\n  }\n}\n\nrun \"a\" {}\n");
    let out = run(d.path(), &["test"]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{}", out.transcript());
    assert!(out.stderr.contains("Invalid defaults"), "{}", out.stderr);
}

#[test]
fn ctrl_c_stops_the_runs_and_still_tears_down() {
    let main = format!(
        "{TESTING_PROVIDER}\nresource \"testing_resource\" \"slow\" {{\n  name     = \"slow\"\n  delay_ms = 1500\n}}\n"
    );
    let d = TempDir::with_files(
        "tftest-interrupt",
        &[
            ("main.tf", &main),
            ("a.tftest.hcl", "run \"first\" {}\n\nrun \"second\" {}\n"),
            ("b.tftest.hcl", "run \"never\" {}\n"),
        ],
    );
    let log = d.path().join("calls.log");
    let child = std::process::Command::new(crate::support::strata_bin())
        .args(["test", "-no-color"])
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .env("STRATA_TESTING_LOG", &log)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("strata runs");
    let start = std::time::Instant::now();
    while !std::fs::read_to_string(&log).unwrap_or_default().contains("create slow start") {
        assert!(start.elapsed() < std::time::Duration::from_secs(20), "the create never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::process::Command::new("sh").args(["-c", &format!("kill -INT {}", child.id())]).status().expect("sh runs");
    let out = child.wait_with_output().expect("strata finishes");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("  run \"second\"... skip"), "{stdout}");
    assert!(!stdout.contains("b.tftest.hcl"), "later files do not start: {stdout}");
    assert!(stdout.contains("a.tftest.hcl... tearing down"), "{stdout}");
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains("create slow done") && log.contains("delete slow done"),
        "what was created is destroyed: {log}"
    );
}

#[test]
fn overridden_resources_and_data_sources_are_never_sent_to_the_provider() {
    let main = format!(
        "{TESTING_PROVIDER}\nresource \"testing_resource\" \"r\" {{\n  name = \"r\"\n}}\n\nresource \"testing_resource\" \"s\" {{\n  name  = \"s\"\n  value = testing_resource.r.result\n}}\n\ndata \"testing_echo\" \"e\" {{\n  name = \"e\"\n}}\n"
    );
    let d = TempDir::with_files(
        "tftest-override",
        &[
            ("main.tf", &main),
            (
                "t.tftest.hcl",
                r#"
override_resource {
  target = testing_resource.r
  values = {
    result = "over"
  }
}

run "overrides" {
  override_data {
    target = data.testing_echo.e
    values = {
      result = "echo-over"
    }
  }
  assert {
    condition     = testing_resource.s.value == "over"
    error_message = "s sees the overridden value: ${testing_resource.s.value}"
  }
  assert {
    condition     = data.testing_echo.e.result == "echo-over"
    error_message = "data: ${data.testing_echo.e.result}"
  }
}

run "typo" {
  override_resource {
    target = testing_resource.nope
  }
}
"#,
            ),
        ],
    );
    let log = d.path().join("calls.log");
    let out = run_with(d.path(), &["test"], &[("STRATA_TESTING_LOG", log.to_str().unwrap())], None);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stderr.contains("Warning: Invalid override target"), "{}", out.stderr);
    let log = std::fs::read_to_string(&log).unwrap();
    let ops: Vec<&str> = log.lines().filter(|l| l.ends_with(" done") || l.starts_with("data ")).collect();
    assert_eq!(
        ops,
        ["create s done", "data e", "delete s done"],
        "only s (and, in the run that does not override it, e) reach the provider: {log}"
    );

    d.write("t.tftest.hcl", "override_resource {\n  target = testing_resource.r[0]\n}\n\noverride_data {\n  target = testing_resource.r\n}\n\nrun \"a\" {}\n");
    let out = run(d.path(), &["test"]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{}", out.transcript());
    assert_eq!(out.stderr.matches("Invalid override target").count(), 2, "{}", out.stderr);
}
