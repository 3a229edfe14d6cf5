//! `.terraform.lock.hcl`: `init` records the built-in provider versions in
//! Terraform's layout, keeps a lock Terraform wrote (checksums and all)
//! when it selects the same versions, and plan refuses a lock file that
//! selects others or lacks a required provider.

use crate::support::*;

const CONFIG: &str = r#"terraform {
  required_providers {
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

resource "random_id" "a" {
  byte_length = 4
}

module "child" {
  source = "./child"
}
"#;

const CHILD: &str = r#"terraform {
  required_providers {
    local = {
      source  = "hashicorp/local"
      version = ">= 2.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.0"
    }
  }
}

resource "terraform_data" "x" {}
"#;

const EXPECTED: &str = r#"# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/local" {
  version     = "2.5.3"
  constraints = ">= 2.0.0"
}

provider "registry.terraform.io/hashicorp/random" {
  version     = "3.7.2"
  constraints = ">= 3.0.0, ~> 3.6"
}
"#;

fn lock(dir: &TempDir) -> String {
    std::fs::read_to_string(dir.path().join(".terraform.lock.hcl")).expect("lock file written")
}

#[test]
fn init_writes_and_plan_checks_the_lock_file() {
    let dir = TempDir::with_files("lock", &[("main.tf", CONFIG), ("child/main.tf", CHILD)]);
    let init = run(dir.path(), &["init"]);
    assert_eq!(init.code, 0, "{}", init.transcript());
    assert!(init.stdout.contains("- Using hashicorp/random v3.7.2, built into Strata"), "{}", init.stdout);
    assert!(init.stdout.contains("Strata has created a lock file"), "{}", init.stdout);
    assert_eq!(lock(&dir), EXPECTED);
    assert_eq!(run(dir.path(), &["plan"]).code, 0);

    // A lock without one of the required providers: plan asks for init.
    let without_local = EXPECTED.replace(
        "\nprovider \"registry.terraform.io/hashicorp/local\" {\n  version     = \"2.5.3\"\n  constraints = \">= 2.0.0\"\n}\n",
        "",
    );
    assert_ne!(without_local, EXPECTED);
    dir.write(".terraform.lock.hcl", &without_local);
    let plan = run(dir.path(), &["plan"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    let flat = plan.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Inconsistent dependency lock file"), "{flat}");
    assert!(
        flat.contains(
            "provider registry.terraform.io/hashicorp/local: required by this configuration but no version is selected"
        ),
        "{flat}"
    );
    let init = run(dir.path(), &["init"]);
    assert_eq!(init.code, 0, "{}", init.transcript());
    assert!(
        init.stdout.contains("Strata has made some changes to the provider dependency selections"),
        "{}",
        init.stdout
    );
    assert_eq!(lock(&dir), EXPECTED);
    assert_eq!(run(dir.path(), &["plan"]).code, 0);
}

/// A lock file Terraform wrote for the versions Strata has: kept byte for
/// byte (its checksums cannot be recomputed without the packages).
#[test]
fn a_terraform_lock_at_the_same_versions_does_not_churn() {
    let terraforms = EXPECTED
        .replace(
            "  constraints = \">= 2.0.0\"\n",
            "  constraints = \">= 2.0.0\"\n  hashes = [\n    \"h1:local=\",\n    \"zh:0001\",\n  ]\n",
        )
        .replace(
            "  constraints = \">= 3.0.0, ~> 3.6\"\n",
            "  constraints = \">= 3.0.0, ~> 3.6\"\n  hashes = [\n    \"h1:random=\",\n  ]\n",
        );
    let dir = TempDir::with_files(
        "lock-tf",
        &[("main.tf", CONFIG), ("child/main.tf", CHILD), (".terraform.lock.hcl", &terraforms)],
    );
    let init = run(dir.path(), &["init"]);
    assert_eq!(init.code, 0, "{}", init.transcript());
    assert!(
        init.stdout.contains("- Reusing previous version of hashicorp/random from the dependency lock file"),
        "{}",
        init.stdout
    );
    assert!(!init.stdout.contains("made some changes"), "{}", init.stdout);
    assert_eq!(lock(&dir), terraforms);

    // A changed constraint updates the entry and keeps its checksums.
    dir.write("main.tf", &CONFIG.replace("~> 3.6", "~> 3.7"));
    assert_eq!(run(dir.path(), &["init"]).code, 0);
    assert!(
        lock(&dir).contains("  constraints = \">= 3.0.0, ~> 3.7\"\n  hashes = [\n    \"h1:random=\",\n  ]"),
        "{}",
        lock(&dir)
    );
}

#[test]
fn a_lock_selecting_other_versions_needs_upgrade() {
    let other = EXPECTED.replace("3.7.2", "3.6.0");
    let dir = TempDir::with_files(
        "lock-other",
        &[("main.tf", CONFIG), ("child/main.tf", CHILD), (".terraform.lock.hcl", &other)],
    );
    let plan = run(dir.path(), &["plan"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    let flat = plan.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("locked version selection 3.6.0 is not the version Strata has built in (3.7.2)"), "{flat}");
    assert!(flat.contains("strata init -upgrade"), "{flat}");

    let init = run(dir.path(), &["init"]);
    assert_eq!(init.code, 1, "{}", init.transcript());
    assert!(init.stderr.contains(".terraform.lock.hcl:9:1"), "located at the lock entry: {}", init.stderr);
    assert_eq!(lock(&dir), other, "a failed init leaves the lock file alone");

    let up = run(dir.path(), &["init", "-upgrade"]);
    assert_eq!(up.code, 0, "{}", up.transcript());
    assert_eq!(lock(&dir), EXPECTED);
}

#[test]
fn builtin_providers_only_write_no_lock_file() {
    let dir = TempDir::with_files("lock-none", &[("main.tf", "resource \"terraform_data\" \"x\" {}\n")]);
    assert_eq!(run(dir.path(), &["init"]).code, 0);
    assert!(!dir.path().join(".terraform.lock.hcl").exists());
}

#[test]
fn a_broken_lock_file_is_located() {
    let dir = TempDir::with_files(
        "lock-bad",
        &[
            ("main.tf", CONFIG),
            ("child/main.tf", CHILD),
            (".terraform.lock.hcl", "provider \"registry.terraform.io/hashicorp/random\" {\n  version = 3\n}\n"),
        ],
    );
    let plan = run(dir.path(), &["plan"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(
        plan.stderr.contains("must be a string") && plan.stderr.contains(".terraform.lock.hcl:2:13"),
        "{}",
        plan.stderr
    );
}
