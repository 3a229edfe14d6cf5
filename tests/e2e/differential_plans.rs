//! Differential plans against Terraform (skipped where `terraform` is not
//! installed): the same configuration and variables, applied step by step
//! with both tools, must plan the same action for every instance — and
//! Strata planning on Terraform's state must agree too.

use crate::support::{run, terraform, terraform_available, TempDir};
use std::collections::BTreeSet;

/// (address, action) from the `# ADDR will be ...` headers both tools print.
fn actions(plan: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for line in plan.lines() {
        let Some(rest) = line.strip_prefix("  # ") else { continue };
        for what in [
            "will be created",
            "will be updated in-place",
            "must be replaced",
            "is tainted, so must be replaced",
            "will be destroyed",
            "will be read during apply",
        ] {
            if let Some(addr) = rest.strip_suffix(&format!(" {what}")) {
                out.insert((addr.to_string(), what.to_string()));
            }
        }
    }
    out
}

/// The resource blocks of a plan: from the first `  # ` header to the
/// `Plan:` summary (both tools word the rest differently).
fn resource_blocks(plan: &str) -> String {
    let Some(start) = plan.find("\n  # ") else { return String::new() };
    let end = plan.find("\nPlan: ").unwrap_or(plan.len());
    plan[start..end.max(start)].to_string()
}

fn var_args(vars: &[(&str, &str)]) -> Vec<String> {
    vars.iter().flat_map(|(k, v)| ["-var".to_string(), format!("{k}={v}")]).collect()
}

struct Case {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    steps: &'static [&'static [(&'static str, &'static str)]],
}

const CASES: &[Case] = &[
    Case {
        // Nested objects, maps, tuples: rendered element by element.
        name: "nested_values",
        files: &[(
            "main.tf",
            r#"
variable "team" { default = "a" }
variable "extra" { default = false }
resource "terraform_data" "nested" {
  input = {
    name = "x"
    tags = merge({ Team = var.team, Env = "dev" }, var.extra ? { New = "y" } : {})
    list = var.extra ? ["p", "z", "r", "s"] : ["p", "q", "r"]
    n    = var.extra ? 2 : 1
  }
  triggers_replace = var.extra ? { on = true } : null
}
"#,
        )],
        steps: &[&[], &[("team", "b")], &[("extra", "true")], &[("team", "c"), ("extra", "false")]],
    },
    Case {
        name: "count_and_updates",
        files: &[(
            "main.tf",
            r#"
variable "n" { default = 2 }
variable "v" { default = "a" }
variable "t" { default = "x" }
resource "terraform_data" "base" {
  input = var.v
}
resource "terraform_data" "item" {
  count            = var.n
  input            = "${terraform_data.base.output}-${count.index}"
  triggers_replace = var.t
}
"#,
        )],
        steps: &[&[], &[("v", "b")], &[("n", "4"), ("v", "b")], &[("n", "1"), ("v", "b"), ("t", "y")], &[("n", "0"), ("v", "c")]],
    },
    Case {
        name: "for_each_modules_lifecycle",
        files: &[
            (
                "main.tf",
                r#"
variable "keys" {
  type    = list(string)
  default = ["a", "b"]
}
variable "gen" { default = "1" }
resource "terraform_data" "svc" {
  for_each         = toset(var.keys)
  input            = { name = each.key, gen = var.gen }
  triggers_replace = each.key == "b" ? var.gen : "fixed"
  lifecycle {
    create_before_destroy = true
  }
}
module "child" {
  source = "./child"
  names  = [for k, s in terraform_data.svc : k]
}
"#,
            ),
            ("child/main.tf", "variable \"names\" {\n  type = list(string)\n}\nresource \"terraform_data\" \"c\" {\n  for_each = toset(var.names)\n  input    = each.value\n}\n"),
        ],
        steps: &[&[], &[("gen", "2")], &[("keys", "[\"a\",\"c\"]"), ("gen", "2")], &[("keys", "[]"), ("gen", "3")]],
    },
    Case {
        // JSON strings (task definitions, policies) open up structurally:
        // objects by key, arrays by position or by common subsequence,
        // spacing-only changes noted, scalars kept plain.
        name: "json_strings",
        files: &[(
            "main.tf",
            r#"
variable "s" {
  type    = number
  default = 0
}
locals {
  docs = {
    containers = [
      [{ name = "web", image = "nginx:1.25", cpu = 256, essential = true, environment = [{ name = "A", value = "1" }] }, { name = "envoy", image = "envoy:1" }],
      [{ name = "web", image = "nginx:1.26", cpu = 256, essential = true, environment = [{ name = "A", value = "1" }] }, { name = "envoy", image = "envoy:1" }],
      [{ name = "web", image = "nginx:1.26", cpu = 512, essential = true, environment = [{ name = "A", value = "1" }, { name = "B", value = "2" }] }],
      [{ name = "web", image = "nginx:1.26", cpu = 512, essential = true, environment = [{ name = "A", value = "1" }, { name = "B", value = "2" }] }],
    ]
    policy = [
      { Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:Get", "s3:Put"], Resource = "*" }] },
      { Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:Get", "s3:List"], Resource = "*", Sid = "x" }] },
      { Version = "2012-10-17", Statement = [], "a-b" = null, n = 1.5, t = true },
      [1, { n = "a" }, 2],
    ]
    arrays = [[1, 2, 3, 4, 5, 6, 7], [1, 2, 9, 4, 5, 6, 7, 8], [2, 4], [{ n = "a" }, { n = "b" }]]
    objects = [{}, { a = 1, b = null, c = "x" }, { a = 2, b = null }, { "with space" = 1, ok = [] }]
  }
}
resource "terraform_data" "doc" {
  for_each = local.docs
  input    = jsonencode(each.value[var.s])
}
resource "terraform_data" "spacing" {
  input = var.s == 1 ? "{\"a\": 1, \"b\": [1, 2]}" : jsonencode({ a = 1, b = [1, 2] })
}
resource "terraform_data" "scalar" {
  input = var.s == 1 ? "\"y\"" : "\"x\""
}
resource "terraform_data" "created" {
  count = var.s == 2 ? 1 : 0
  input = jsonencode({ name = "a", list = [1, { b = 2 }], e = {} })
}
"#,
        )],
        steps: &[&[], &[("s", "1")], &[("s", "2")], &[("s", "3")]],
    },
];

#[test]
fn plans_agree_with_terraform() {
    if !terraform_available() {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: terraform not found on PATH; differential plan tests skipped");
        }
        return;
    }
    let mut compared = 0;
    for case in CASES {
        let ours = TempDir::with_files(&format!("plans-{}", case.name), case.files);
        let theirs = TempDir::with_files(&format!("plans-tf-{}", case.name), case.files);
        let init = terraform(theirs.path(), &["init", "-input=false", "-no-color"]);
        assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
        for (i, vars) in case.steps.iter().enumerate() {
            let args = var_args(vars);
            let mut tf_plan = vec!["plan", "-no-color", "-input=false"];
            tf_plan.extend(args.iter().map(String::as_str));
            let tf = terraform(theirs.path(), &tf_plan);
            assert!(tf.status.success(), "{}", String::from_utf8_lossy(&tf.stderr));
            let tf_actions = actions(&String::from_utf8_lossy(&tf.stdout));
            compared += tf_actions.len();
            let mut st_plan = vec!["plan", "-no-color"];
            st_plan.extend(args.iter().map(String::as_str));
            let ours_plan = run(ours.path(), &st_plan);
            assert_eq!(ours_plan.code, 0, "{}", ours_plan.transcript());
            assert_eq!(actions(&ours_plan.stdout), tf_actions, "{} step {i}: plans differ", case.name);
            // Strata planning on Terraform's state agrees as well, down to
            // the rendering of every resource block.
            let on_tf_state = run(theirs.path(), &st_plan);
            assert_eq!(
                actions(&on_tf_state.stdout),
                tf_actions,
                "{} step {i}: plan on terraform's state differs",
                case.name
            );
            assert_eq!(
                resource_blocks(&on_tf_state.stdout),
                resource_blocks(&String::from_utf8_lossy(&tf.stdout)),
                "{} step {i}: the plans render differently",
                case.name
            );
            let mut tf_apply = vec!["apply", "-auto-approve", "-no-color", "-input=false"];
            tf_apply.extend(args.iter().map(String::as_str));
            let applied = terraform(theirs.path(), &tf_apply);
            assert!(applied.status.success(), "{}", String::from_utf8_lossy(&applied.stderr));
            let mut st_apply = vec!["apply", "-auto-approve", "-no-color"];
            st_apply.extend(args.iter().map(String::as_str));
            let ours_applied = run(ours.path(), &st_apply);
            assert_eq!(ours_applied.code, 0, "{}", ours_applied.transcript());
        }
    }
    assert!(compared >= 20, "the cases must exercise real changes (compared {compared})");
}
