//! No false drift right after an apply, against a real `moto_server`:
//! objects that their dependents change on AWS's side (a NAT gateway
//! associates its Elastic IP, a rule resource adds to its security group,
//! `aws_route` adds to its route table) are read again at the end of the
//! apply, so a scheduled `strata drift` right after it reports nothing.

use crate::aws_support::{provider_block, state_attr, state_json, strata, strata_ok};
use crate::support::TempDir;

/// A public subnet with a NAT gateway on an Elastic IP, a route table whose
/// default route is an `aws_route`, and a group without inline rules whose
/// rules are `aws_vpc_security_group_*_rule` resources (`rules`).
fn config(tag: &str, rules: &str) -> String {
    format!(
        r#"{provider}
resource "aws_vpc" "net" {{
  cidr_block = "10.52.0.0/16"
  tags = {{ Test = "{tag}" }}
}}
resource "aws_internet_gateway" "gw" {{
  vpc_id = aws_vpc.net.id
}}
resource "aws_subnet" "public" {{
  vpc_id     = aws_vpc.net.id
  cidr_block = "10.52.1.0/24"
}}
resource "aws_route_table" "public" {{
  vpc_id = aws_vpc.net.id
}}
resource "aws_route" "default" {{
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.gw.id
}}
resource "aws_eip" "nat" {{
  domain = "vpc"
}}
resource "aws_nat_gateway" "nat" {{
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
  depends_on    = [aws_internet_gateway.gw]
}}
resource "aws_security_group" "web" {{
  name   = "web-{tag}"
  vpc_id = aws_vpc.net.id
}}
{rules}
"#,
        provider = provider_block(None, "us-east-1", "")
    )
}

const HTTPS_RULE: &str = r#"resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "10.0.0.0/8"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}"#;

/// `strata drift -json` must exit 0 with nothing changed or deleted.
fn assert_no_drift(d: &TempDir) {
    let out = strata(d, &["drift", "-json"]);
    assert_eq!(out.code, 0, "expected no drift:\n{}", out.transcript());
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("drift JSON");
    assert_eq!(report["drift"], false, "{}", out.stdout);
    assert_eq!(report["summary"]["changed"], 0, "{}", out.stdout);
}

#[test]
fn drift_right_after_apply_is_clean_when_dependents_changed_objects() {
    let tag = format!("settle-{}", std::process::id());
    let d = TempDir::with_files("aws-settle", &[("main.tf", &config(&tag, HTTPS_RULE))]);
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("Resources: 9 added, 0 changed, 0 destroyed."), "{}", apply.stdout);
    assert_no_drift(&d);

    // The state has what the dependents did.
    assert!(state_attr(&d, "aws_eip", "nat", "association_id").starts_with("eipassoc-"));
    assert_eq!(
        state_attr(&d, "aws_eip", "nat", "network_interface"),
        state_attr(&d, "aws_nat_gateway", "nat", "network_interface_id")
    );
    let ingress = state_json(&d, "aws_security_group", "web")["ingress"].clone();
    assert_eq!(ingress.as_array().map(Vec::len), Some(1), "{ingress}");
    assert_eq!(ingress[0]["from_port"], 443, "{ingress}");
    let routes = state_json(&d, "aws_route_table", "public")["route"].clone();
    assert_eq!(routes.as_array().map(Vec::len), Some(1), "{routes}");
    assert_eq!(routes[0]["cidr_block"], "0.0.0.0/0", "{routes}");

    // Deleting a dependent changes the object too: read again as well.
    d.write("main.tf", &config(&tag, ""));
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("Resources: 0 added, 0 changed, 1 destroyed."), "{}", apply.stdout);
    assert_no_drift(&d);
    assert_eq!(state_json(&d, "aws_security_group", "web")["ingress"], serde_json::json!([]));

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}
