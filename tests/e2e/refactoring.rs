//! `moved` and `removed` blocks: renames, count ↔ for_each keys, into and
//! out of modules, implied count moves, forgetting without destroying —
//! planned as Terraform plans them, with no destroy and no create.

use crate::support::{run, terraform, terraform_available, TempDir};

const BEFORE: &str = r#"
resource "terraform_data" "a" {
  input = "x"
}
resource "terraform_data" "c" {
  count = 2
  input = count.index
}
resource "terraform_data" "gone" {
  input = "g"
}
resource "terraform_data" "single" {
  input = "s"
}
resource "terraform_data" "outside" {
  input = "o"
}
module "m" {
  source = "./m"
}
"#;

const AFTER: &str = r#"
resource "terraform_data" "b" {
  input = "x"
}
moved {
  from = terraform_data.a
  to   = terraform_data.b
}
resource "terraform_data" "c" {
  for_each = toset(["p", "q"])
  input    = each.key == "p" ? 0 : 1
}
moved {
  from = terraform_data.c[0]
  to   = terraform_data.c["p"]
}
moved {
  from = terraform_data.c[1]
  to   = terraform_data.c["q"]
}
removed {
  from = terraform_data.gone
  lifecycle {
    destroy = false
  }
}
resource "terraform_data" "single" {
  count = 1
  input = "s"
}
module "n" {
  source = "./m"
}
moved {
  from = module.m
  to   = module.n
}
moved {
  from = terraform_data.outside
  to   = module.n.terraform_data.inside
}
"#;

const CHILD: &str = r#"
resource "terraform_data" "r" {
  input = "m"
}
resource "terraform_data" "inside" {
  input = "o"
}
"#;

const CHILD_BEFORE: &str = r#"
resource "terraform_data" "r" {
  input = "m"
}
"#;

fn list(dir: &TempDir) -> Vec<String> {
    run(dir.path(), &["state", "list"]).stdout.lines().map(String::from).collect()
}

#[test]
fn moved_and_removed_blocks_refactor_without_destroying() {
    let d = TempDir::with_files("refactor", &[("main.tf", BEFORE), ("m/main.tf", CHILD_BEFORE)]);
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let ids_before = std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap();

    d.write("main.tf", AFTER);
    d.write("m/main.tf", CHILD);
    let plan = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 2, "moves are changes to apply:\n{}", plan.transcript());
    for line in [
        "  # terraform_data.a has moved to terraform_data.b\n    resource \"terraform_data\" \"b\" {\n        id     = \"",
        "  # terraform_data.c[0] has moved to terraform_data.c[\"p\"]\n",
        "  # terraform_data.c[1] has moved to terraform_data.c[\"q\"]\n",
        "  # terraform_data.single has moved to terraform_data.single[0]\n",
        "  # module.m.terraform_data.r has moved to module.n.terraform_data.r\n",
        "  # terraform_data.outside has moved to module.n.terraform_data.inside\n",
        " # terraform_data.gone will no longer be managed by Strata, but will not be destroyed\n # (destroy = false is set in the configuration)\n . resource \"terraform_data\" \"gone\" {\n",
        "Plan: 0 to add, 0 to change, 0 to destroy.",
    ] {
        assert!(plan.stdout.contains(line), "missing {line:?} in:\n{}", plan.stdout);
    }
    assert!(plan.stderr.contains("Some objects will no longer be managed by Strata"), "{}", plan.stderr);

    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(out.stdout.contains("Resources: 0 added, 0 changed, 0 destroyed."), "{}", out.stdout);
    assert_eq!(
        list(&d),
        [
            "terraform_data.b",
            "terraform_data.c[\"p\"]",
            "terraform_data.c[\"q\"]",
            "terraform_data.single[0]",
            "module.n.terraform_data.inside",
            "module.n.terraform_data.r",
        ]
    );
    // The same objects, under new addresses.
    let state = std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap();
    let ids = |text: &str| {
        let st: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut ids: Vec<String> = st["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["name"] != "gone")
            .flat_map(|r| r["instances"].as_array().unwrap().iter().map(|i| i["attributes"]["id"].to_string()))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&state), ids(&ids_before));
    // The moved blocks stay in the configuration and change nothing more.
    let again = run(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}", again.transcript());
}

#[test]
fn invalid_refactoring_blocks_are_clear_errors() {
    let cases = [
        (
            "resource \"terraform_data\" \"a\" {}\nresource \"terraform_data\" \"b\" {}\nmoved {\n  from = terraform_data.a\n  to   = terraform_data.b\n}\n",
            "Moved object still exists",
        ),
        ("resource \"terraform_data\" \"b\" {}\nmoved {\n  from = random_pet.a\n  to   = terraform_data.b\n}\n", "Resource type mismatch"),
        ("resource \"terraform_data\" \"b\" {}\nremoved {\n  from = terraform_data.b\n}\n", "Removed resource still exists"),
        ("removed {\n  from = terraform_data.b[0]\n}\n", "Resource instance keys not allowed"),
        ("moved {\n  from = terraform_data.a\n  to   = module.x\n}\n", "Invalid \"moved\" addresses"),
    ];
    for (config, error) in cases {
        let d = TempDir::with_files("bad-refactor", &[("main.tf", config)]);
        let out = run(d.path(), &["plan", "-no-color"]);
        assert_eq!(out.code, 1, "{config}\n{}", out.transcript());
        assert!(out.stderr.contains(error), "{config}: expected {error:?} in\n{}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
}

#[test]
fn a_thousand_instance_for_each_moves_into_a_module_with_zero_destroys() {
    let before = r#"
resource "terraform_data" "items" {
  for_each = { for i in range(1000) : "item-${i}" => i }
  input    = each.value
}
"#;
    let after = r#"
module "store" {
  source = "./store"
}
moved {
  from = terraform_data.items
  to   = module.store.terraform_data.stored
}
"#;
    let child = r#"
resource "terraform_data" "stored" {
  for_each = { for i in range(1000) : "item-${i}" => i }
  input    = each.value
}
"#;
    let d = TempDir::with_files("thousand", &[("main.tf", before)]);
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    d.write("main.tf", after);
    d.write("store/main.tf", child);
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert_eq!(plan.stdout.matches(" has moved to module.store.terraform_data.stored[").count(), 1000);
    assert!(plan.stdout.contains("Plan: 0 to add, 0 to change, 0 to destroy."), "{}", plan.stdout);
}

#[test]
fn terraform_agrees_on_moves_in_both_directions() {
    if !terraform_available() {
        return;
    }
    // Terraform applies, Strata refactors, Terraform sees nothing left to do.
    let d = TempDir::with_files("moves-tf", &[("main.tf", BEFORE), ("m/main.tf", CHILD_BEFORE)]);
    assert!(terraform(d.path(), &["init", "-no-color"]).status.success());
    let tf = terraform(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert!(tf.status.success(), "{}", String::from_utf8_lossy(&tf.stderr));
    d.write("main.tf", AFTER);
    d.write("m/main.tf", CHILD);
    let ours = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(ours.code, 0, "{}", ours.transcript());
    let tf = terraform(d.path(), &["init", "-no-color"]);
    assert!(tf.status.success(), "{}", String::from_utf8_lossy(&tf.stderr));
    let tf = terraform(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(
        tf.status.code(),
        Some(0),
        "Terraform must find no changes after Strata's moves:\n{}{}",
        String::from_utf8_lossy(&tf.stdout),
        String::from_utf8_lossy(&tf.stderr)
    );

    // Terraform plans the moves on a state Strata wrote; Strata plans the
    // same moves on a state Terraform wrote.
    let theirs = TempDir::with_files("moves-tf2", &[("main.tf", BEFORE), ("m/main.tf", CHILD_BEFORE)]);
    assert!(terraform(theirs.path(), &["init", "-no-color"]).status.success());
    assert!(terraform(theirs.path(), &["apply", "-auto-approve", "-no-color"]).status.success());
    theirs.write("main.tf", AFTER);
    theirs.write("m/main.tf", CHILD);
    assert!(terraform(theirs.path(), &["init", "-no-color"]).status.success());
    let tf_plan = String::from_utf8_lossy(&terraform(theirs.path(), &["plan", "-no-color"]).stdout).to_string();
    let our_plan = run(theirs.path(), &["plan", "-no-color"]).stdout;
    let moved = |text: &str| -> Vec<String> {
        let mut v: Vec<String> = text.lines().filter(|l| l.contains(" has moved to ")).map(String::from).collect();
        v.sort();
        v
    };
    assert_eq!(moved(&our_plan), moved(&tf_plan), "ours:\n{our_plan}\ntheirs:\n{tf_plan}");
    assert_eq!(moved(&our_plan).len(), 6);
}
