//! The built-in `random` (hashicorp/random) and `local` (hashicorp/local)
//! providers end to end: create, no-op re-plans, replacement on keepers
//! and argument changes, secrets kept out of every output, files written
//! with their permissions, removed on destroy, re-created when deleted
//! outside Strata, and the `local_file` data source.

use crate::support::{run, run_with, TempDir};
use serde_json::Value as Json;

use crate::support::state;

/// The attributes of the single instance of `type_name.name` in state.
fn attrs(st: &Json, type_name: &str, name: &str) -> Json {
    st["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == type_name && r["name"] == name && r["mode"] == "managed")
        .unwrap_or_else(|| panic!("{type_name}.{name} in state: {st}"))["instances"][0]["attributes"]
        .clone()
}

fn apply(dir: &std::path::Path, vars: &[&str]) -> crate::support::Output {
    let mut args = vec!["apply", "-auto-approve", "-no-color"];
    for v in vars {
        args.push("-var");
        args.push(v);
    }
    let out = run(dir, &args);
    assert_eq!(out.code, 0, "{}", out.transcript());
    out
}

const RANDOM: &str = r#"
variable "k" {
  default = "one"
}
variable "len" {
  default = 10
}
resource "random_id" "i" {
  byte_length = 8
  prefix      = "p-"
  keepers     = { k = var.k }
}
resource "random_string" "s" {
  length  = var.len
  special = false
}
resource "random_integer" "n" {
  min = 10
  max = 20
}
resource "random_pet" "pet" {
  length = 3
}
resource "random_uuid" "u" {}
output "id_hex" {
  value = random_id.i.hex
}
output "pet" {
  value = random_pet.pet.id
}
"#;

#[test]
fn random_create_noop_and_replace() {
    let d = TempDir::with_files("random-life", &[("main.tf", RANDOM)]);
    let create = apply(d.path(), &[]);
    assert!(create.stdout.contains("Apply complete! Resources: 5 added, 0 changed, 0 destroyed."), "{}", create.stdout);
    let st = state(d.path());
    assert_eq!(st["resources"][0]["provider"], "provider[\"registry.terraform.io/hashicorp/random\"]");

    let id = attrs(&st, "random_id", "i");
    let raw = id["id"].as_str().unwrap();
    assert_eq!(raw.len(), 11, "8 bytes in unpadded base64url: {raw}");
    assert_eq!(id["b64_url"], format!("p-{raw}"));
    assert!(id["hex"].as_str().unwrap().starts_with("p-") && id["hex"].as_str().unwrap().len() == 18, "{id}");
    assert!(id["dec"].as_str().unwrap()[2..].chars().all(|c| c.is_ascii_digit()));
    assert_eq!(id["keepers"], serde_json::json!({"k": "one"}));
    assert_eq!(st["outputs"]["id_hex"]["value"], id["hex"]);

    let s = attrs(&st, "random_string", "s");
    let result = s["result"].as_str().unwrap().to_string();
    assert_eq!(result.len(), 10);
    assert!(result.chars().all(|c| c.is_ascii_alphanumeric()), "{result}");
    assert_eq!(s["id"], s["result"]);
    assert_eq!(s["numeric"], true);
    assert_eq!(s["min_upper"], 0);

    let n = attrs(&st, "random_integer", "n");
    assert!((10..=20).contains(&n["result"].as_i64().unwrap()), "{n}");
    assert_eq!(n["id"], n["result"].as_i64().unwrap().to_string());

    let pet = attrs(&st, "random_pet", "pet");
    assert_eq!(pet["id"].as_str().unwrap().split('-').count(), 3, "{pet}");
    assert_eq!(pet["separator"], "-");

    let u = attrs(&st, "random_uuid", "u");
    assert_eq!(u["result"].as_str().unwrap().len(), 36);
    assert_eq!(u["id"], u["result"]);

    // Nothing changes on a re-plan.
    let noop = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(noop.code, 0, "{}", noop.transcript());
    assert!(noop.stdout.contains("No changes."), "{}", noop.stdout);

    // A keepers change replaces the id, and only the id.
    let plan = run(d.path(), &["plan", "-no-color", "-var", "k=two"]);
    assert!(plan.stdout.contains("# random_id.i must be replaced"), "{}", plan.stdout);
    assert!(plan.stdout.contains("# forces replacement"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 1 to add, 0 to change, 1 to destroy."), "{}", plan.stdout);
    let replaced = apply(d.path(), &["k=two"]);
    assert!(replaced.stdout.contains("Resources: 1 added, 0 changed, 1 destroyed."), "{}", replaced.stdout);
    let st2 = state(d.path());
    assert_ne!(attrs(&st2, "random_id", "i")["id"], id["id"]);
    assert_eq!(attrs(&st2, "random_string", "s")["result"], result.as_str());
    assert_eq!(attrs(&st2, "random_uuid", "u"), u);

    // A length change replaces the string.
    let longer = apply(d.path(), &["k=two", "len=16"]);
    assert!(longer.stdout.contains("random_string.s: Destroying..."), "{}", longer.stdout);
    assert!(longer.stdout.contains("Resources: 1 added, 0 changed, 1 destroyed."), "{}", longer.stdout);
    let s3 = attrs(&state(d.path()), "random_string", "s");
    assert_eq!(s3["result"].as_str().unwrap().len(), 16);
    assert_eq!(s3["length"], 16);

    let noop = run(d.path(), &["plan", "-no-color", "-detailed-exitcode", "-var", "k=two", "-var", "len=16"]);
    assert_eq!(noop.code, 0, "{}", noop.transcript());
}

#[test]
fn random_password_is_never_printed() {
    let config = r#"
variable "n" {
  default = 24
}
resource "random_password" "p" {
  length           = var.n
  override_special = "_%@"
}
resource "terraform_data" "uses" {
  input = random_password.p.result
}
output "pw" {
  value     = random_password.p.result
  sensitive = true
}
output "hash" {
  value     = random_password.p.bcrypt_hash
  sensitive = true
}
"#;
    let d = TempDir::with_files("random-password", &[("main.tf", config)]);
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        plan.stdout.lines().any(|l| l.trim().starts_with("+ result ") && l.ends_with("= (sensitive value)")),
        "{}",
        plan.stdout
    );
    let create = apply(d.path(), &[]);
    let st = state(d.path());
    let p = attrs(&st, "random_password", "p");
    let pw = p["result"].as_str().unwrap().to_string();
    let hash = p["bcrypt_hash"].as_str().unwrap().to_string();
    assert_eq!(pw.len(), 24);
    assert!(pw.chars().all(|c| c.is_ascii_alphanumeric() || "_%@".contains(c)), "{pw}");
    assert!(hash.starts_with("$2a$10$"), "{hash}");
    assert_eq!(p["id"], "none");
    let inst =
        &st["resources"].as_array().unwrap().iter().find(|r| r["type"] == "random_password").unwrap()["instances"][0];
    assert_eq!(inst["schema_version"], 3);
    let sens = inst["sensitive_attributes"].to_string();
    assert!(sens.contains("result") && sens.contains("bcrypt_hash"), "{sens}");

    let mut outputs = vec![plan, create];
    outputs.push(run(d.path(), &["plan", "-no-color"]));
    outputs.push(run(d.path(), &["output", "-no-color"]));
    // (`output pw`, naming the output, prints it, as Terraform does, so it is not checked here.)
    outputs.push(run(d.path(), &["plan", "-no-color", "-var", "n=30"]));
    outputs.push(run(d.path(), &["apply", "-auto-approve", "-no-color", "-var", "n=30"]));
    outputs.push(run_with(d.path(), &["console"], &[], Some("random_password.p.result\n")));
    outputs.push(run(d.path(), &["destroy", "-auto-approve", "-no-color", "-var", "n=30"]));
    for o in &outputs {
        let t = o.transcript();
        assert!(!t.contains(&pw), "the password leaked:\n{t}");
        assert!(!t.contains(&hash), "the hash leaked:\n{t}");
    }
}

#[test]
fn local_file_written_with_permissions_and_removed_on_destroy() {
    let config = r#"
resource "random_pet" "p" {}
resource "local_file" "f" {
  filename             = "out/nested/hello.txt"
  content              = "hello ${random_pet.p.id}\n"
  file_permission      = "0640"
  directory_permission = "0750"
}
resource "local_sensitive_file" "s" {
  filename = "${path.module}/secret.txt"
  content  = "top secret"
}
"#;
    let d = TempDir::with_files("local-file", &[("main.tf", config)]);
    let out = apply(d.path(), &[]);
    assert!(!out.transcript().contains("top secret"), "{}", out.transcript());
    let st = state(d.path());
    let pet = attrs(&st, "random_pet", "p")["id"].as_str().unwrap().to_string();
    let f = attrs(&st, "local_file", "f");
    let file = d.path().join("out/nested/hello.txt");
    let text = std::fs::read_to_string(&file).expect("file written relative to the working directory");
    assert_eq!(text, format!("hello {pet}\n"));
    assert_eq!(f["file_permission"], "0640");
    assert_eq!(f["content_md5"].as_str().unwrap().len(), 32);
    assert_eq!(f["content_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(f["content_sha512"].as_str().unwrap().len(), 128);
    assert_eq!(f["id"], f["content_sha1"]);
    assert_eq!(
        st["resources"].as_array().unwrap().iter().find(|r| r["type"] == "local_file").unwrap()["provider"],
        "provider[\"registry.terraform.io/hashicorp/local\"]"
    );
    let s = attrs(&st, "local_sensitive_file", "s");
    assert_eq!(s["file_permission"], "0700");
    assert_eq!(std::fs::read_to_string(d.path().join("secret.txt")).unwrap(), "top secret");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // The umask may only take bits away.
        assert_eq!(mode(&file) & !0o640, 0, "{:o}", mode(&file));
        assert_eq!(mode(&file) & 0o600, 0o600, "{:o}", mode(&file));
        assert_eq!(mode(&d.path().join("out/nested")) & !0o750, 0);
        assert_eq!(mode(&d.path().join("secret.txt")), 0o700);
    }

    let noop = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(noop.code, 0, "{}", noop.transcript());

    // Changing an argument replaces the file.
    let changed = config.replace("0640", "0600");
    d.write("main.tf", &changed);
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert!(plan.stdout.contains("# local_file.f must be replaced"), "{}", plan.stdout);
    apply(d.path(), &[]);
    assert!(file.exists());

    let destroy = run(d.path(), &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(destroy.code, 0, "{}", destroy.transcript());
    assert!(!file.exists(), "destroy removes the file");
    assert!(!d.path().join("secret.txt").exists());
}

#[test]
fn local_file_deleted_outside_is_created_again() {
    let config = "resource \"local_file\" \"f\" {\n  filename = \"a.txt\"\n  content  = \"A\"\n}\n";
    let d = TempDir::with_files("local-gone", &[("main.tf", config)]);
    apply(d.path(), &[]);
    let file = d.path().join("a.txt");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "A");

    std::fs::remove_file(&file).unwrap();
    let plan = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert!(plan.stdout.contains("# local_file.f will be created"), "{}", plan.stdout);
    apply(d.path(), &[]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "A");

    // Changed outside: also gone, so written again.
    std::fs::write(&file, "B").unwrap();
    apply(d.path(), &[]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "A");
}

#[test]
fn local_file_data_source_reads_a_file() {
    let config = r#"
data "local_file" "in" {
  filename = "input.txt"
}
resource "terraform_data" "copy" {
  input = data.local_file.in.content
}
output "content" {
  value = data.local_file.in.content
}
output "b64" {
  value = data.local_file.in.content_base64
}
output "sha1" {
  value = data.local_file.in.id
}
"#;
    let d = TempDir::with_files("local-data", &[("main.tf", config), ("input.txt", "hello")]);
    apply(d.path(), &[]);
    let st = state(d.path());
    assert_eq!(st["outputs"]["content"]["value"], "hello");
    assert_eq!(st["outputs"]["b64"]["value"], "aGVsbG8=");
    assert_eq!(st["outputs"]["sha1"]["value"], "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
    assert_eq!(attrs(&st, "terraform_data", "copy")["output"]["value"], "hello");
}

#[test]
fn bad_random_and_local_arguments_are_diagnosed() {
    let config = r#"
resource "random_string" "s" {
  length    = 2
  min_upper = 3
}
resource "local_file" "f" {
  filename = "x.txt"
}
"#;
    let d = TempDir::with_files("bad-builtin", &[("main.tf", config)]);
    let out = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("Invalid Attribute Value"), "{}", out.stderr);
    assert!(out.stderr.contains("Invalid Attribute Combination"), "{}", out.stderr);
}

/// `required_providers` version constraints are checked against the
/// providers built in, with Terraform's message, before anything is planned.
#[test]
fn provider_version_constraints_are_checked() {
    let config = |random: &str, aws: &str| {
        format!(
            "terraform {{\n  required_providers {{\n    random = {{\n      source  = \"hashicorp/random\"\n      version = \"{random}\"\n    }}\n    aws = {{\n      source  = \"hashicorp/aws\"\n      version = \"{aws}\"\n    }}\n  }}\n}}\nresource \"random_id\" \"r\" {{\n  byte_length = 4\n}}\n"
        )
    };
    let ok = TempDir::with_files("provider-versions-ok", &[("main.tf", &config("~> 3.6", ">= 6.0, < 7.0"))]);
    let out = run(ok.path(), &["validate", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());

    let unmet = TempDir::with_files("provider-versions-unmet", &[("main.tf", &config(">= 4.0", "~> 6.0"))]);
    for cmd in [&["validate", "-no-color"][..], &["plan", "-no-color"][..]] {
        let out = run(unmet.path(), cmd);
        assert_eq!(out.code, 1, "{}", out.transcript());
        assert!(out.stderr.contains("Failed to query available provider packages"), "{}", out.stderr);
        assert!(out.stderr.contains("match the given constraints >= 4.0"), "{}", out.stderr);
        assert!(out.stderr.contains("main.tf:3"), "points at the requirement: {}", out.stderr);
        assert!(!out.stderr.contains("hashicorp/aws:"), "aws ~> 6.0 is met: {}", out.stderr);
    }
    assert!(!unmet.path().join("terraform.tfstate").exists());
}
