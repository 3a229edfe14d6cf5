//! `strata validate` on AWS configurations: the provider's own checks run
//! there as in Terraform's validate (no provider configured, no AWS call),
//! unknown values are left to the plan, and hashicorp/aws 6.x's schema is
//! what is checked (its version constraints, its removed arguments).

use crate::support::{run, TempDir};

fn validate(name: &str, main_tf: &str) -> crate::support::Output {
    let d = TempDir::with_files(name, &[("main.tf", main_tf)]);
    run(d.path(), &["validate", "-no-color"])
}

#[test]
fn the_providers_own_checks_run_at_validate_where_the_resource_is() {
    let o = validate(
        "validate-provider-checks",
        r#"provider "aws" {
  region = "us-east-1"
}

variable "subnet" {
  type = string
}

resource "aws_nat_gateway" "private" {
  connectivity_type = "private"
  subnet_id         = var.subnet
  allocation_id     = "eipalloc-0123456789abcdef0"
}
"#,
    );
    assert_eq!(o.code, 1, "{}", o.transcript());
    assert!(
        o.stderr.contains("allocation_id is not supported with connectivity_type = \"private\""),
        "{}",
        o.transcript()
    );
    assert!(o.stderr.contains("main.tf:9:1"), "located at the resource block: {}", o.transcript());
}

#[test]
fn values_unknown_at_validate_are_left_to_the_plan() {
    // As terraform-aws-modules/vpc writes it: exactly one of name and
    // name_prefix is non-null, chosen by a variable (unknown at validate).
    let o = validate(
        "validate-unknowns",
        r#"provider "aws" {
  region = "us-east-1"
}

variable "use_name_prefix" {
  type    = bool
  default = true
}

resource "aws_iam_role" "flow_log" {
  name        = var.use_name_prefix ? null : "flow-log"
  name_prefix = var.use_name_prefix ? "flow-log-" : null
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "vpc-flow-logs.amazonaws.com" } }]
  })
}
"#,
    );
    assert_eq!(o.code, 0, "{}", o.transcript());

    let both = validate(
        "validate-conflict",
        r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_iam_role" "r" {
  name               = "r"
  name_prefix        = "r-"
  assume_role_policy = "{}"
}
"#,
    );
    assert_eq!(both.code, 1, "{}", both.transcript());
    assert!(both.stderr.contains("\"name\": conflicts with name_prefix"), "{}", both.transcript());
}

#[test]
fn the_aws_6_schema_is_what_is_checked() {
    // hashicorp/aws 6 removed aws_eip's `vpc` (use `domain`), and modules
    // that need a recent 6.x say so in their constraints.
    let o = validate(
        "validate-aws6",
        r#"terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.28"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_eip" "nat" {
  vpc = true
}
"#,
    );
    assert_eq!(o.code, 1, "{}", o.transcript());
    assert!(o.stderr.contains("Unsupported argument"), "{}", o.transcript());
    assert!(o.stderr.contains("An argument named \"vpc\" is not expected here."), "{}", o.transcript());
    assert!(!o.stderr.contains("no available releases match"), "6.28 is satisfied: {}", o.transcript());
}
