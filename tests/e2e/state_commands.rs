//! The state commands end to end (`state list/show/mv/rm/pull/push/
//! replace-provider`, `taint`, `untaint`) on a configuration with a child
//! module, count and for_each: each command, then what `strata plan` makes
//! of the result. Where `terraform` is installed, Terraform must read the
//! state Strata wrote and agree.

use crate::support::{run, run_with, terraform, terraform_available, Output, TempDir};
use serde_json::Value as Json;
use std::path::Path;

const MAIN: &str = r#"
resource "terraform_data" "a" {
  input = "a"
}

resource "terraform_data" "c" {
  count = 2
  input = "same"
}

resource "terraform_data" "e" {
  for_each = toset(["x", "y"])
  input    = "same"
}

module "m" {
  source = "./m"
}

module "n" {
  source = "./n"
  count  = 2
}

output "c0" {
  value = terraform_data.c[0].output
}
"#;

const MODULE: &str = r#"
resource "terraform_data" "inner" {
  input = "inner"
}
"#;

fn setup(name: &str) -> TempDir {
    let d = TempDir::with_files(name, &[("main.tf", MAIN), ("m/main.tf", MODULE), ("n/main.tf", MODULE)]);
    let apply = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    d
}

fn state(dir: &Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap()).unwrap()
}

/// The object id at an address, from the state file.
fn id(dir: &Path, module: Option<&str>, name: &str, key: Json) -> Option<String> {
    let st = state(dir);
    st["resources"].as_array().unwrap().iter().find_map(|r| {
        let same = r["name"] == name && r.get("module").and_then(Json::as_str) == module;
        let inst = r["instances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| same && i.get("index_key").cloned().unwrap_or(Json::Null) == key)?;
        Some(inst["attributes"]["id"].as_str().unwrap().to_string())
    })
}

fn ok(o: Output) -> Output {
    assert_eq!(o.code, 0, "{}", o.transcript());
    o
}

/// The command failed with `message` (compared with lines unwrapped).
fn fails(o: Output, message: &str) -> Output {
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(o.code, 1, "{}", o.transcript());
    assert!(words(&o.stderr).contains(&words(message)), "wanted {message:?} in:\n{}", o.transcript());
    o
}

fn status(dir: &Path, name: &str, key: Json) -> Json {
    let st = state(dir);
    let r = st["resources"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap().clone();
    let i = r["instances"].as_array().unwrap().iter().find(|i| i["index_key"] == key).unwrap().clone();
    i.get("status").cloned().unwrap_or(Json::Null)
}

/// `plan -detailed-exitcode` found no changes.
fn plans_no_changes(dir: &Path) {
    let plan = run(dir, &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{from:?} not in {file}");
    std::fs::write(&p, text.replace(from, to)).unwrap();
}

const ALL: &str = "terraform_data.a
terraform_data.c[0]
terraform_data.c[1]
terraform_data.e[\"x\"]
terraform_data.e[\"y\"]
module.m.terraform_data.inner
module.n[0].terraform_data.inner
module.n[1].terraform_data.inner
";

#[test]
fn list_show_and_pull() {
    let d = setup("state-list");
    assert_eq!(ok(run(d.path(), &["state", "list"])).stdout, ALL);
    assert_eq!(
        ok(run(d.path(), &["state", "list", "module.n", "terraform_data.e"])).stdout,
        "module.n[0].terraform_data.inner\nmodule.n[1].terraform_data.inner\nterraform_data.e[\"x\"]\nterraform_data.e[\"y\"]\n"
    );
    let a = id(d.path(), None, "a", Json::Null).unwrap();
    assert_eq!(ok(run(d.path(), &["state", "list", &format!("-id={a}")])).stdout, "terraform_data.a\n");
    fails(
        run(d.path(), &["state", "list", "terraform_data.zz"]),
        "The current state contains no resource terraform_data.zz.",
    );
    fails(run(d.path(), &["state", "list", "module.zz"]), "Unknown module");
    fails(run(d.path(), &["state", "list", "foo"]), "Resource specification must include a resource type and name.");

    let show = ok(run(d.path(), &["state", "show", "terraform_data.e[\"x\"]"]));
    let want = "# terraform_data.e[\"x\"]:\nresource \"terraform_data\" \"e\" {\n    id     = \"ID\"\n    input  = \"same\"\n    output = \"same\"\n}\n";
    let ex = id(d.path(), None, "e", "x".into()).unwrap();
    assert_eq!(show.stdout, want.replace("ID", &ex));
    fails(run(d.path(), &["state", "show", "terraform_data.c"]), "No instance found for the given address!");
    fails(run(d.path(), &["state", "show", "module.m"]), "Error parsing instance address: module.m");

    let pulled = ok(run(d.path(), &["state", "pull"]));
    assert_eq!(pulled.stdout, std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap());

    let empty = TempDir::new("state-none");
    fails(run(empty.path(), &["state", "list"]), "No state file was found!");
    assert_eq!(ok(run(empty.path(), &["state", "pull"])).stdout, "");
}

#[test]
fn moves_then_matching_config_plans_no_changes() {
    let d = setup("state-mv");
    let serial = state(d.path())["serial"].as_u64().unwrap();
    let a = id(d.path(), None, "a", Json::Null).unwrap();

    let dry = ok(run(d.path(), &["state", "mv", "-dry-run", "terraform_data.a", "terraform_data.a2"]));
    assert_eq!(dry.stdout, "Would move \"terraform_data.a\" to \"terraform_data.a2\"\n");
    assert_eq!(state(d.path())["serial"].as_u64().unwrap(), serial, "a dry run writes nothing");

    // A rename: state first, then the configuration.
    let mv = ok(run(d.path(), &["state", "mv", "terraform_data.a", "terraform_data.a2"]));
    assert_eq!(mv.stdout, "Move \"terraform_data.a\" to \"terraform_data.a2\"\nSuccessfully moved 1 object(s).\n");
    assert_eq!(state(d.path())["serial"].as_u64().unwrap(), serial + 1);
    assert!(d.path().join("terraform.tfstate.backup").exists());
    let timestamped = std::fs::read_dir(d.path())
        .unwrap()
        .filter(|e| {
            let n = e.as_ref().unwrap().file_name().to_string_lossy().to_string();
            n.starts_with("terraform.tfstate.") && n.ends_with(".backup") && n != "terraform.tfstate.backup"
        })
        .count();
    assert_eq!(timestamped, 1, "state commands keep a timestamped backup too, as Terraform");
    let plan = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 2, "the configuration still says `a`: {}", plan.transcript());
    edit(d.path(), "main.tf", "\"terraform_data\" \"a\"", "\"terraform_data\" \"a2\"");
    plans_no_changes(d.path());
    assert_eq!(id(d.path(), None, "a2", Json::Null).unwrap(), a, "the object keeps its id");

    // Across count and for_each keys.
    let c1 = id(d.path(), None, "c", 1.into()).unwrap();
    let mv = ok(run(d.path(), &["state", "mv", "terraform_data.c[1]", "terraform_data.e[\"z\"]"]));
    assert_eq!(
        mv.stdout,
        "Move \"terraform_data.c[1]\" to \"terraform_data.e[\\\"z\\\"]\"\nSuccessfully moved 1 object(s).\n"
    );
    edit(d.path(), "main.tf", "count = 2\n  input = \"same\"", "count = 1\n  input = \"same\"");
    edit(d.path(), "main.tf", "[\"x\", \"y\"]", "[\"x\", \"y\", \"z\"]");
    plans_no_changes(d.path());
    assert_eq!(id(d.path(), None, "e", "z".into()).unwrap(), c1);

    // Into a module.
    ok(run(d.path(), &["state", "mv", "terraform_data.a2", "module.m.terraform_data.a2"]));
    edit(d.path(), "main.tf", "resource \"terraform_data\" \"a2\" {\n  input = \"a\"\n}\n", "");
    std::fs::write(
        d.path().join("m/main.tf"),
        format!("{MODULE}\nresource \"terraform_data\" \"a2\" {{\n  input = \"a\"\n}}\n"),
    )
    .unwrap();
    plans_no_changes(d.path());
    assert_eq!(id(d.path(), Some("module.m"), "a2", Json::Null).unwrap(), a);

    // Whole module instances, and a module call from count to for_each.
    let mv = ok(run(d.path(), &["state", "mv", "module.m", "module.mm"]));
    assert_eq!(mv.stdout, "Move \"module.m\" to \"module.mm\"\nSuccessfully moved 1 object(s).\n");
    edit(d.path(), "main.tf", "module \"m\" {", "module \"mm\" {");
    plans_no_changes(d.path());
    ok(run(d.path(), &["state", "mv", "module.n[0]", "module.n[\"a\"]"]));
    ok(run(d.path(), &["state", "mv", "module.n[1]", "module.n[\"b\"]"]));
    edit(d.path(), "main.tf", "count  = 2", "for_each = toset([\"a\", \"b\"])");
    plans_no_changes(d.path());

    // A whole resource with all its instances.
    ok(run(d.path(), &["state", "mv", "terraform_data.e", "terraform_data.f"]));
    edit(d.path(), "main.tf", "\"terraform_data\" \"e\"", "\"terraform_data\" \"f\"");
    plans_no_changes(d.path());
    assert_eq!(id(d.path(), None, "f", "z".into()).unwrap(), c1);
}

#[test]
fn refused_moves_say_why_and_change_nothing() {
    let d = setup("state-mv-errors");
    let before = std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap();
    let mv = |src: &str, dst: &str| run(d.path(), &["state", "mv", src, dst]);
    fails(
        mv("terraform_data.zz", "terraform_data.b"),
        "Cannot move terraform_data.zz: does not match anything in the current state.",
    );
    fails(
        mv("terraform_data.c", "terraform_data.e"),
        "Cannot move to terraform_data.e: there is already a resource at that address in the current state.",
    );
    fails(mv("terraform_data.c[0]", "terraform_data.a"), "there is already a resource instance at that address");
    fails(
        mv("terraform_data.a", "null_resource.a"),
        "Cannot move terraform_data.a to null_resource.a: resource types don't match.",
    );
    fails(
        mv("terraform_data.a", "data.terraform_data.a"),
        "a managed resource can be moved only to another managed resource address.",
    );
    fails(
        mv("terraform_data.c", "terraform_data.f[0]"),
        "the source is a whole resource (not a resource instance) so the target must also be a whole resource.",
    );
    fails(
        mv("module.m", "terraform_data.x"),
        "Cannot move module.m to terraform_data.x: the target must also be a module.",
    );
    fails(mv("module.n[0]", "module.m"), "there is already a module at that address");
    fails(mv("terraform_data.a[0]", "terraform_data.b"), "The current state does not contain terraform_data.a[0].");
    fails(
        mv("terraform_data.a", "terraform_data.b[1.5]"),
        "Invalid resource instance key: value must be a whole number",
    );
    assert_eq!(std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap(), before);
    assert!(!d.path().join("terraform.tfstate.backup").exists(), "nothing was written");
}

#[test]
fn removed_instances_are_planned_for_creation() {
    let d = setup("state-rm");
    let dry = ok(run(d.path(), &["state", "rm", "-dry-run", "module.n"]));
    assert_eq!(
        dry.stdout,
        "Would remove module.n[0].terraform_data.inner\nWould remove module.n[1].terraform_data.inner\n"
    );
    plans_no_changes(d.path());

    let rm = ok(run(d.path(), &["state", "rm", "terraform_data.c[1]", "module.m"]));
    assert_eq!(
        rm.stdout,
        "Removed terraform_data.c[1]\nRemoved module.m.terraform_data.inner\nSuccessfully removed 2 resource instance(s).\n"
    );
    let plan = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert!(plan.stdout.contains("# terraform_data.c[1] will be created"), "{}", plan.stdout);
    assert!(plan.stdout.contains("# module.m.terraform_data.inner will be created"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 2 to add, 0 to change, 0 to destroy."), "{}", plan.stdout);

    fails(run(d.path(), &["state", "rm", "terraform_data.zz"]), "No matching objects found.");
    let rm = ok(run(d.path(), &["state", "rm", "terraform_data.e"]));
    assert_eq!(rm.stdout, "Removed terraform_data.e[\"x\"]\nRemoved terraform_data.e[\"y\"]\nSuccessfully removed 2 resource instance(s).\n");
    assert!(!ok(run(d.path(), &["state", "list"])).stdout.contains("terraform_data.e"));
}

#[test]
fn taint_plans_a_replacement_and_untaint_takes_it_back() {
    let d = setup("state-taint");
    let taint = ok(run(d.path(), &["taint", "terraform_data.c[0]"]));
    assert_eq!(taint.stdout, "Resource instance terraform_data.c[0] has been marked as tainted.\n");
    assert_eq!(status(d.path(), "c", 0.into()), "tainted");
    let plan = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert!(plan.stdout.contains("# terraform_data.c[0] is tainted, so must be replaced"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 1 to add, 0 to change, 1 to destroy."), "{}", plan.stdout);

    let untaint = ok(run(d.path(), &["untaint", "terraform_data.c[0]"]));
    assert_eq!(untaint.stdout, "Resource instance terraform_data.c[0] has been successfully untainted.\n");
    plans_no_changes(d.path());
    fails(
        run(d.path(), &["untaint", "terraform_data.c[0]"]),
        "is not currently tainted, and so it cannot be untainted.",
    );
    fails(
        run(d.path(), &["taint", "terraform_data.c"]),
        "There is no resource instance in the state with the address terraform_data.c.",
    );
    fails(run(d.path(), &["taint", "module.m"]), "A resource instance address is required here.");
    let missing = ok(run(d.path(), &["taint", "-allow-missing", "terraform_data.zz"]));
    let words = missing.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("not an error because -allow-missing was set"), "{}", missing.transcript());

    // An apply replaces a tainted object in a module instance.
    let old = id(d.path(), Some("module.n[1]"), "inner", Json::Null).unwrap();
    ok(run(d.path(), &["taint", "module.n[1].terraform_data.inner"]));
    ok(run(d.path(), &["apply", "-auto-approve", "-no-color"]));
    let new = id(d.path(), Some("module.n[1]"), "inner", Json::Null).unwrap();
    assert_ne!(old, new);
    plans_no_changes(d.path());

    let help = ok(run(d.path(), &["taint", "-help"]));
    assert!(help.stdout.contains("-replace"), "the help recommends -replace: {}", help.stdout);
}

#[test]
fn push_guards_lineage_and_serial_unless_forced() {
    let d = setup("state-push");
    let pulled = ok(run(d.path(), &["state", "pull"])).stdout;
    d.write("old.tfstate", &pulled);
    let old: Json = serde_json::from_str(&pulled).unwrap();
    let old_serial = old["serial"].as_u64().unwrap();
    ok(run(d.path(), &["state", "rm", "terraform_data.a"]));
    let now = state(d.path())["serial"].as_u64().unwrap();

    fails(
        run(d.path(), &["state", "push", "old.tfstate"]),
        &format!("cannot import state with serial {old_serial} over newer state with serial {now}"),
    );
    let mut other = old.clone();
    other["lineage"] = "11111111-2222-3333-4444-555555555555".into();
    other["serial"] = (now + 5).into();
    d.write("other.tfstate", &serde_json::to_string_pretty(&other).unwrap());
    fails(
        run(d.path(), &["state", "push", "other.tfstate"]),
        "cannot import state with lineage \"11111111-2222-3333-4444-555555555555\" over unrelated state",
    );
    fails(run(d.path(), &["state", "push", "missing.tfstate"]), "Failed to read the state to push");

    let forced = ok(run(d.path(), &["state", "push", "-force", "old.tfstate"]));
    assert_eq!(forced.stdout, "");
    assert_eq!(state(d.path())["serial"].as_u64().unwrap(), old_serial + 1, "the pushed serial, plus one");
    assert_eq!(state(d.path())["lineage"], old["lineage"]);
    assert!(ok(run(d.path(), &["state", "list"])).stdout.contains("terraform_data.a\n"));
    plans_no_changes(d.path());

    // A newer serial of the same lineage goes in without -force, from stdin too.
    let mut newer: Json = state(d.path());
    newer["serial"] = (old_serial + 10).into();
    newer["resources"].as_array_mut().unwrap().retain(|r| r["name"] != "a");
    ok(run_with(d.path(), &["state", "push", "-"], &[], Some(&serde_json::to_string(&newer).unwrap())));
    assert_eq!(state(d.path())["serial"].as_u64().unwrap(), old_serial + 11);
    assert!(!ok(run(d.path(), &["state", "list"])).stdout.contains("terraform_data.a\n"));
}

#[test]
fn replace_provider_asks_first() {
    let d = setup("state-replace-provider");
    let builtin = "terraform.io/builtin/terraform";
    let other = "example.com/acme/terraform";
    let before = std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap();
    let no = ok(run_with(d.path(), &["state", "replace-provider", builtin, other], &[], Some("no\n")));
    assert!(no.stdout.contains("Changing 6 resources:\n\n  terraform_data.a\n  terraform_data.c\n"), "{}", no.stdout);
    assert!(no.stdout.ends_with("Enter a value: Cancelled replacing providers.\n"), "{}", no.stdout);
    assert_eq!(std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap(), before);
    fails(run(d.path(), &["state", "replace-provider", builtin, other]), "Error asking for approval");

    let yes = ok(run_with(d.path(), &["state", "replace-provider", builtin, other], &[], Some("yes\n")));
    assert!(
        yes.stdout.contains(
            "  ~ Updating provider:\n    - terraform.io/builtin/terraform\n    + example.com/acme/terraform\n"
        ),
        "{}",
        yes.stdout
    );
    assert!(yes.stdout.ends_with("\nSuccessfully replaced provider for 6 resources.\n"), "{}", yes.stdout);
    assert_eq!(state(d.path())["resources"][0]["provider"], "provider[\"example.com/acme/terraform\"]");

    let none = ok(run(d.path(), &["state", "replace-provider", "-auto-approve", "hashicorp/aws", "hashicorp/google"]));
    assert_eq!(none.stdout, "No matching resources found.\n");
    fails(run(d.path(), &["state", "replace-provider", "a/b/c/d", "x"]), "Invalid \"from\" provider \"a/b/c/d\"");
    ok(run(d.path(), &["state", "replace-provider", "-auto-approve", other, builtin]));
    plans_no_changes(d.path());
}

#[test]
fn writers_wait_for_the_lock_and_respect_other_state_files() {
    let d = setup("state-lock");
    let before = std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(d.path().join(".terraform.tfstate.lock"))
        .unwrap();
    lock.lock().unwrap();
    fails(run(d.path(), &["state", "rm", "-lock-timeout=200ms", "terraform_data.a"]), "Error acquiring the state lock");
    fails(run(d.path(), &["taint", "terraform_data.a"]), "Error acquiring the state lock");
    lock.unlock().unwrap();
    assert_eq!(std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap(), before);
    fails(run(d.path(), &["state", "rm", "-lock-timeout=soon", "terraform_data.a"]), "Invalid -lock-timeout");

    // -state-out moves objects into another state file.
    let mv = ok(run(d.path(), &["state", "mv", "-state-out=split.tfstate", "terraform_data.e", "terraform_data.e"]));
    assert_eq!(mv.stdout, "Move \"terraform_data.e\" to \"terraform_data.e\"\nSuccessfully moved 1 object(s).\n");
    assert_eq!(
        ok(run(d.path(), &["state", "list", "-state=split.tfstate"])).stdout,
        "terraform_data.e[\"x\"]\nterraform_data.e[\"y\"]\n"
    );
    assert!(!ok(run(d.path(), &["state", "list"])).stdout.contains("terraform_data.e"));

    // -state and -backup name the files a command works on.
    std::fs::copy(d.path().join("terraform.tfstate"), d.path().join("copy.tfstate")).unwrap();
    ok(run(d.path(), &["state", "rm", "-state=copy.tfstate", "-backup=copy.before", "terraform_data.a"]));
    assert!(d.path().join("copy.before").exists());
    assert!(!ok(run(d.path(), &["state", "list", "-state=copy.tfstate"])).stdout.contains("terraform_data.a\n"));
    assert!(ok(run(d.path(), &["state", "list"])).stdout.contains("terraform_data.a\n"));
}

fn tf_ok(dir: &Path, args: &[&str]) -> String {
    let out = terraform(dir, args);
    assert!(out.status.success(), "terraform {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Terraform applies; Strata edits the state; Terraform reads it back and
/// agrees with the edit (and with Strata's listing and rendering).
#[test]
fn terraform_reads_the_state_strata_edits() {
    if !terraform_available() {
        return;
    }
    let d =
        TempDir::with_files("state-differential", &[("main.tf", MAIN), ("m/main.tf", MODULE), ("n/main.tf", MODULE)]);
    tf_ok(d.path(), &["init", "-input=false", "-no-color"]);
    tf_ok(d.path(), &["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(ok(run(d.path(), &["state", "list"])).stdout, tf_ok(d.path(), &["state", "list"]));
    let show = ok(run(d.path(), &["state", "show", "terraform_data.c[1]"])).stdout;
    assert_eq!(show, tf_ok(d.path(), &["state", "show", "-no-color", "terraform_data.c[1]"]));

    ok(run(d.path(), &["state", "mv", "terraform_data.a", "terraform_data.a2"]));
    edit(d.path(), "main.tf", "\"terraform_data\" \"a\"", "\"terraform_data\" \"a2\"");
    ok(run(d.path(), &["state", "mv", "module.n[0]", "module.n[\"a\"]"]));
    ok(run(d.path(), &["state", "mv", "module.n[1]", "module.n[\"b\"]"]));
    edit(d.path(), "main.tf", "count  = 2", "for_each = toset([\"a\", \"b\"])");
    ok(run(d.path(), &["state", "mv", "terraform_data.c[1]", "terraform_data.e[\"z\"]"]));
    edit(d.path(), "main.tf", "count = 2\n  input = \"same\"", "count = 1\n  input = \"same\"");
    edit(d.path(), "main.tf", "[\"x\", \"y\"]", "[\"x\", \"y\", \"z\"]");
    let plan = terraform(d.path(), &["plan", "-no-color", "-detailed-exitcode", "-input=false"]);
    let text = String::from_utf8_lossy(&plan.stdout);
    assert_eq!(plan.status.code(), Some(0), "terraform plans changes after strata state mv:\n{text}");
    assert_eq!(ok(run(d.path(), &["state", "list"])).stdout, tf_ok(d.path(), &["state", "list"]));

    ok(run(d.path(), &["state", "rm", "module.m"]));
    ok(run(d.path(), &["taint", "terraform_data.e[\"x\"]"]));
    let plan = terraform(d.path(), &["plan", "-no-color", "-detailed-exitcode", "-input=false"]);
    let text = String::from_utf8_lossy(&plan.stdout);
    assert_eq!(plan.status.code(), Some(2), "{text}");
    assert!(text.contains("# module.m.terraform_data.inner will be created"), "{text}");
    assert!(text.contains("# terraform_data.e[\"x\"] is tainted, so must be replaced"), "{text}");
    assert!(text.contains("Plan: 2 to add, 0 to change, 1 to destroy."), "{text}");
}
