//! The aws provider's VPC networking against a real `moto_server`: the
//! full lifecycle (create, no-op plan, tag update in place, replacement,
//! drift, import, destroy), `default_tags`, two aliased providers in two
//! regions, and the number of describe calls a refresh of many subnets makes.

use crate::aws_support::{
    count_tagged, count_tagged_in, no_changes, planned_changes, provider_block, state_attr, strata, strata_ok,
    strata_with,
};
use crate::moto::aws;
use crate::support::TempDir;

fn config(tag: &str, subnet_cidr: &str, name_tag: &str) -> String {
    format!(
        r#"{provider}
data "aws_availability_zones" "available" {{
  state = "available"
}}
data "aws_region" "current" {{}}
data "aws_caller_identity" "me" {{}}
resource "aws_vpc" "main" {{
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true
  tags = {{
    Name = "{name_tag}"
    Test = "{tag}"
  }}
}}
resource "aws_subnet" "a" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "{subnet_cidr}"
  availability_zone = data.aws_availability_zones.available.names[0]
  tags = {{
    Test = "{tag}"
  }}
}}
resource "aws_internet_gateway" "gw" {{
  vpc_id = aws_vpc.main.id
  tags = {{
    Test = "{tag}"
  }}
}}
data "aws_vpc" "found" {{
  id = aws_vpc.main.id
}}
output "vpc_arn" {{
  value = aws_vpc.main.arn
}}
output "tags_all" {{
  value = aws_vpc.main.tags_all
}}
output "region" {{
  value = data.aws_region.current.name
}}
output "account" {{
  value = data.aws_caller_identity.me.account_id
}}
output "found_cidr" {{
  value = data.aws_vpc.found.cidr_block
}}
"#,
        provider =
            provider_block(None, "us-east-1", "  default_tags {\n    tags = {\n      Env = \"e2e\"\n    }\n  }\n")
    )
}

#[test]
fn vpc_lifecycle_update_replace_drift_import_destroy() {
    let tag = format!("life-{}", std::process::id());
    let d = TempDir::with_files("aws-life", &[("main.tf", &config(&tag, "10.20.1.0/24", "one"))]);
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("Apply complete! Resources: 3 added, 0 changed, 0 destroyed."), "{}", apply.stdout);
    let outputs: serde_json::Value = serde_json::from_str(&strata_ok(&d, &["output", "-json"]).stdout).unwrap();
    assert!(outputs["vpc_arn"]["value"].as_str().unwrap().starts_with("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-"));
    assert_eq!(outputs["tags_all"]["value"], serde_json::json!({"Env": "e2e", "Name": "one", "Test": tag}));
    assert_eq!(outputs["region"]["value"], "us-east-1");
    assert_eq!(outputs["account"]["value"], "123456789012");
    assert_eq!(outputs["found_cidr"]["value"], "10.20.0.0/16");
    let vpc_id = state_attr(&d, "aws_vpc", "main", "id");
    assert!(!state_attr(&d, "aws_vpc", "main", "main_route_table_id").is_empty());
    assert!(!state_attr(&d, "aws_vpc", "main", "default_security_group_id").is_empty());
    // Default tags reached AWS; DNS hostnames were switched on.
    let remote = aws(&format!(
        "v = ec2.describe_vpcs(VpcIds=['{vpc_id}'])['Vpcs'][0]\nprint(sorted((t['Key'], t['Value']) for t in v['Tags']))\nprint(ec2.describe_vpc_attribute(VpcId='{vpc_id}', Attribute='enableDnsHostnames')['EnableDnsHostnames']['Value'])"
    ));
    assert!(remote.contains("('Env', 'e2e')") && remote.contains("True"), "{remote}");

    let noop = no_changes(&d);
    assert!(noop.contains("No changes."), "{noop}");

    // A tag changes in place.
    d.write("main.tf", &config(&tag, "10.20.1.0/24", "two"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_vpc.main will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_attr(&d, "aws_vpc", "main", "id"), vpc_id, "updated, not replaced");

    // A new CIDR replaces the subnet.
    let old_subnet = state_attr(&d, "aws_subnet", "a", "id");
    d.write("main.tf", &config(&tag, "10.20.2.0/24", "two"));
    let plan = strata(&d, &["plan", "-no-color"]);
    assert!(plan.stdout.contains("# aws_subnet.a must be replaced"), "{}", plan.stdout);
    assert!(plan.stdout.contains("# forces replacement"), "{}", plan.stdout);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let new_subnet = state_attr(&d, "aws_subnet", "a", "id");
    assert_ne!(new_subnet, old_subnet);
    assert_eq!(count_tagged("subnets", &tag), 1, "the old subnet is gone");

    // Drift: a tag edited and the subnet deleted behind Strata's back.
    aws(&format!(
        "ec2.create_tags(Resources=['{vpc_id}'], Tags=[{{'Key':'Name','Value':'edited'}}])\nec2.delete_subnet(SubnetId='{new_subnet}')"
    ));
    let drift = planned_changes(&d);
    assert!(drift.contains("# aws_vpc.main will be updated in-place"), "{drift}");
    assert!(drift.contains("\"edited\" -> \"two\""), "{drift}");
    assert!(drift.contains("# aws_subnet.a will be created"), "{drift}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Import a VPC made outside.
    let outside = aws(&format!(
        "v = ec2.create_vpc(CidrBlock='10.99.0.0/16', TagSpecifications=[{{'ResourceType':'vpc','Tags':[{{'Key':'Test','Value':'{tag}'}},{{'Key':'Env','Value':'e2e'}}]}}])['Vpc']\nprint(v['VpcId'])"
    ));
    let outside = outside.trim();
    let imported = format!(
        "{}\nresource \"aws_vpc\" \"imported\" {{\n  cidr_block = \"10.99.0.0/16\"\n  tags = {{\n    Test = \"{tag}\"\n  }}\n}}\n",
        config(&tag, "10.20.2.0/24", "two")
    );
    d.write("main.tf", &imported);
    strata_ok(&d, &["import", "-no-color", "aws_vpc.imported", outside]);
    assert_eq!(state_attr(&d, "aws_vpc", "imported", "cidr_block"), "10.99.0.0/16");
    no_changes(&d);

    let destroy = strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(destroy.stdout.contains("Resources: 4 destroyed."), "{}", destroy.stdout);
    for kind in ["vpcs", "subnets", "internet_gateways"] {
        assert_eq!(count_tagged(kind, &tag), 0, "{kind} left behind");
    }
}

#[test]
fn two_aliased_providers_in_two_regions() {
    let tag = format!("dr-{}", std::process::id());
    let config = format!(
        "{}{}resource \"aws_vpc\" \"primary\" {{\n  cidr_block = \"10.1.0.0/16\"\n  tags = {{ Test = \"{tag}\" }}\n}}\nresource \"aws_vpc\" \"standby\" {{\n  provider   = aws.west\n  cidr_block = \"10.2.0.0/16\"\n  tags = {{ Test = \"{tag}\" }}\n}}\noutput \"arns\" {{\n  value = [aws_vpc.primary.arn, aws_vpc.standby.arn]\n}}\n",
        provider_block(None, "us-east-1", ""),
        provider_block(Some("west"), "us-west-2", "")
    );
    let d = TempDir::with_files("aws-alias", &[("main.tf", &config)]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let west = state_attr(&d, "aws_vpc", "standby", "id");
    assert!(state_attr(&d, "aws_vpc", "standby", "arn").starts_with("arn:aws:ec2:us-west-2:"));
    let found = (count_tagged_in("us-west-2", "vpcs", &tag), count_tagged("vpcs", &tag));
    assert_eq!(found, (1, 1), "one VPC in each region ({west})");
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(count_tagged("vpcs", &tag), 0);
}

/// Refreshing many subnets takes one DescribeSubnets per VPC, not one per
/// subnet. Prints the measured calls and time.
#[test]
#[allow(clippy::print_stderr)]
fn refreshing_many_subnets_is_batched() {
    let n: usize = std::env::var("STRATA_TEST_SUBNETS").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    let tag = format!("many-{}", std::process::id());
    let config = format!(
        "{}resource \"aws_vpc\" \"big\" {{\n  cidr_block = \"10.30.0.0/16\"\n  tags = {{ Test = \"{tag}\" }}\n}}\nresource \"aws_subnet\" \"s\" {{\n  count      = {n}\n  vpc_id     = aws_vpc.big.id\n  cidr_block = cidrsubnet(aws_vpc.big.cidr_block, 9, count.index)\n}}\n",
        provider_block(None, "us-east-1", "")
    );
    let d = TempDir::with_files("aws-many", &[("main.tf", &config)]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let log = d.path().join("calls.log");
    let t = std::time::Instant::now();
    let plan = strata_with(
        &d,
        &["plan", "-detailed-exitcode", "-no-color"],
        &[("STRATA_AWS_CALL_LOG", log.to_str().unwrap())],
    );
    let elapsed = t.elapsed();
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let calls = std::fs::read_to_string(&log).unwrap();
    let describe_subnets = calls.lines().filter(|l| *l == "ec2:DescribeSubnets").count();
    let total = calls.lines().count();
    eprintln!("refresh of {n} subnets + 1 VPC: {describe_subnets} DescribeSubnets, {total} AWS calls, {elapsed:?}");
    assert!(describe_subnets <= 3, "{describe_subnets} DescribeSubnets calls for {n} subnets");
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(count_tagged("vpcs", &tag), 0);
}
