//! The plan is the contract against real AWS APIs (moto): a tag changed
//! by hand between `plan -out` and `apply` is not picked up by the apply —
//! neither through a data source read while planning nor by refreshing the
//! object being updated — and the next plan shows it.

use crate::aws_support::{provider_block, state_id, strata, strata_ok};
use crate::moto::aws;
use crate::support::TempDir;

const TAG: &str = "plan-contract";

fn config(name: &str, with_subnet: bool) -> String {
    let subnet = if with_subnet {
        format!(
            r#"
data "aws_vpc" "main" {{
  id = aws_vpc.main.id
}}
resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.91.1.0/24"
  tags = {{
    Owner = data.aws_vpc.main.tags["Owner"]
    Test  = "{TAG}"
  }}
}}
"#
        )
    } else {
        String::new()
    };
    format!(
        r#"{provider}
resource "aws_vpc" "main" {{
  cidr_block = "10.91.0.0/16"
  tags = {{
    Name  = "{name}"
    Owner = "alice"
    Test  = "{TAG}"
  }}
}}
{subnet}"#,
        provider = provider_block(None, "us-east-1", "")
    )
}

fn remote_tag(kind: &str, id_key: &str, id: &str, key: &str) -> String {
    aws(&format!(
        "r = ec2.describe_{kind}(Filters=[{{'Name':'{id_key}','Values':['{id}']}}])\nx = [o for k, v in r.items() if k != 'ResponseMetadata' for o in v][0]\nprint({{t['Key']: t['Value'] for t in x.get('Tags', [])}}.get('{key}', ''))"
    ))
    .trim()
    .to_string()
}

#[test]
fn hand_changes_between_plan_and_apply_are_not_applied() {
    let d = TempDir::with_files("aws-contract", &[("main.tf", &config("before", false))]);
    strata_ok(d.path(), &["apply", "-auto-approve"]);
    let vpc = state_id(d.path(), "aws_vpc", "main");
    let retag =
        |owner: &str| aws(&format!("ec2.create_tags(Resources=['{vpc}'], Tags=[{{'Key':'Owner','Value':'{owner}'}}])"));

    // An object being updated is not refreshed again: the planned update
    // is made, and an unreviewed change is neither reverted nor kept quiet.
    d.write("main.tf", &config("after", false));
    let plan = strata_ok(d.path(), &["plan", "-no-color", "-out=tfplan"]);
    assert!(plan.stdout.contains("~ \"Name\"  = \"before\" -> \"after\""), "{}", plan.stdout);
    retag("carol");
    let applied = strata(d.path(), &["apply", "-no-color", "tfplan"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert!(applied.stdout.contains("Resources: 0 added, 1 changed, 0 destroyed."), "{}", applied.stdout);
    assert_eq!(remote_tag("vpcs", "vpc-id", &vpc, "Name"), "after");
    assert_eq!(remote_tag("vpcs", "vpc-id", &vpc, "Owner"), "carol");
    let next = strata(d.path(), &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(next.code, 2, "{}", next.transcript());
    assert!(next.stdout.contains("~ \"Owner\" = \"carol\" -> \"alice\""), "{}", next.stdout);
    retag("alice");

    // A data source read while planning is not read again.
    d.write("main.tf", &config("after", true));
    let plan = strata_ok(d.path(), &["plan", "-no-color", "-out=tfplan"]);
    assert!(plan.stdout.contains("+ \"Owner\" = \"alice\""), "{}", plan.stdout);
    retag("bob");
    let applied = strata(d.path(), &["apply", "-no-color", "tfplan"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert!(!applied.stdout.contains("Reading..."), "{}", applied.stdout);
    let subnet = state_id(d.path(), "aws_subnet", "a");
    assert_eq!(remote_tag("subnets", "subnet-id", &subnet, "Owner"), "alice", "the reviewed value, not the new one");
    strata_ok(d.path(), &["destroy", "-auto-approve"]);
}
