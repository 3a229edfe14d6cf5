//! `strata drift -unmanaged` against a real `moto_server`: objects made
//! outside any state are reported (id and Name tag) in all three
//! renderings and make the exit code 2, while what AWS makes itself (the
//! default VPC, default security groups, main route tables) is not; and the
//! `aws_subnets` data source. The test works in a region no other test
//! uses, so their objects cannot show up in its listings.

use crate::aws_support::{aws_in, provider_block, state, state_id, strata, strata_ok};
use crate::support::TempDir;

const REGION: &str = "eu-west-3";

fn config(tag: &str) -> String {
    format!(
        r#"{provider}
resource "aws_vpc" "main" {{
  cidr_block = "10.60.0.0/16"
  tags = {{ Name = "managed-{tag}" }}
}}
resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.60.1.0/24"
  tags = {{ Name = "managed-a", Tier = "app" }}
}}
resource "aws_security_group" "web" {{
  name   = "web-{tag}"
  vpc_id = aws_vpc.main.id
}}
resource "aws_route_table" "private" {{
  vpc_id = aws_vpc.main.id
}}
data "aws_subnets" "in_vpc" {{
  filter {{
    name   = "vpc-id"
    values = [aws_vpc.main.id]
  }}
}}
data "aws_subnets" "app" {{
  filter {{
    name   = "vpc-id"
    values = [aws_vpc.main.id]
  }}
  tags = {{ Tier = "app" }}
  depends_on = [aws_subnet.a]
}}
data "aws_subnets" "none" {{
  tags = {{ Tier = "no-such-tier-{tag}" }}
}}
output "in_vpc" {{
  value = data.aws_subnets.in_vpc.ids
}}
output "app" {{
  value = data.aws_subnets.app.ids
}}
output "none" {{
  value = data.aws_subnets.none.ids
}}
output "region" {{
  value = data.aws_subnets.none.id
}}
"#,
        provider = provider_block(None, REGION, "")
    )
}

#[test]
fn drift_unmanaged_reports_objects_outside_any_state_and_aws_subnets_lists_ids() {
    let tag = format!("drift-{}", std::process::id());
    let d = TempDir::with_files("aws-drift", &[("main.tf", &config(&tag))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let st = state(&d);
    let (vpc, subnet) = (state_id(&d, "aws_vpc", "main"), state_id(&d, "aws_subnet", "a"));

    // aws_subnets: the subnets matching the filters and tags; none is no error.
    let subnet_ids = |name: &str| st["outputs"][name]["value"].clone();
    // `app` waits for the subnet; `in_vpc` may have been read before it existed.
    assert_eq!(subnet_ids("app"), serde_json::json!([subnet.clone()]));
    assert_eq!(subnet_ids("none"), serde_json::json!([]));
    assert_eq!(subnet_ids("region"), serde_json::json!(REGION));
    let refreshed = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(refreshed.stdout.contains("Resources: 0 added, 0 changed, 0 destroyed."), "{}", refreshed.stdout);
    assert_eq!(state(&d)["outputs"]["in_vpc"]["value"], serde_json::json!([subnet.clone()]));

    // In sync: the VPC's default group and main route table are AWS's, not unmanaged.
    let clean = strata(&d, &["drift", "-unmanaged", "-json"]);
    assert_eq!(clean.code, 0, "{}", clean.transcript());
    let report: serde_json::Value = serde_json::from_str(&clean.stdout).unwrap();
    assert_eq!(report["drift"], false);
    assert_eq!(report["unmanaged"], serde_json::json!([]));
    assert_eq!(report["summary"]["unmanaged"], 0);

    // A subnet in the managed VPC and a whole VPC, made by hand.
    let made = aws_in(REGION, &format!(
        "s = ec2.create_subnet(VpcId='{vpc}', CidrBlock='10.60.9.0/24')['Subnet']['SubnetId']\n\
         v = ec2.create_vpc(CidrBlock='10.61.0.0/16', TagSpecifications=[{{'ResourceType':'vpc','Tags':[{{'Key':'Name','Value':'by-hand-{tag}'}}]}}])['Vpc']['VpcId']\n\
         print(s, v)"
    ));
    let (extra_subnet, extra_vpc) = made.trim().split_once(' ').unwrap();

    let out = strata(&d, &["drift", "-unmanaged", "-json"]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["drift"], true);
    assert_eq!(report["summary"], serde_json::json!({"checked": 4, "changed": 0, "deleted": 0, "unmanaged": 2}));
    let provider = "provider[\"registry.terraform.io/hashicorp/aws\"]";
    assert_eq!(
        report["unmanaged"],
        serde_json::json!([
            {"type": "aws_subnet", "id": extra_subnet, "name": null, "provider": provider},
            {"type": "aws_vpc", "id": extra_vpc, "name": format!("by-hand-{tag}"), "provider": provider},
        ]),
        "{}",
        out.stdout
    );

    let human = strata(&d, &["drift", "-unmanaged", "-no-color"]);
    assert_eq!(human.code, 2, "{}", human.transcript());
    assert!(human.stdout.contains(", 2 unmanaged."), "{}", human.stdout);
    assert!(
        human.stdout.contains(&format!("# aws_subnet {extra_subnet} exists outside any state")),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains(&format!("# aws_vpc {extra_vpc} (Name: by-hand-{tag}) exists outside any state")),
        "{}",
        human.stdout
    );
    let markdown = strata(&d, &["drift", "-unmanaged", "-markdown"]);
    assert_eq!(markdown.code, 2, "{}", markdown.transcript());
    assert!(
        markdown.stdout.contains(&format!("| `aws_vpc {extra_vpc} (Name: by-hand-{tag})` | unmanaged | | | |")),
        "{}",
        markdown.stdout
    );

    // Without -unmanaged the same state is in sync.
    let plain = strata(&d, &["drift", "-json"]);
    assert_eq!(plain.code, 0, "{}", plain.transcript());
    let report: serde_json::Value = serde_json::from_str(&plain.stdout).unwrap();
    assert!(report.get("unmanaged").is_none(), "{}", plain.stdout);
    assert_eq!(report["summary"], serde_json::json!({"checked": 4, "changed": 0, "deleted": 0}));

    aws_in(REGION, &format!("ec2.delete_subnet(SubnetId='{extra_subnet}')\nec2.delete_vpc(VpcId='{extra_vpc}')"));
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}
