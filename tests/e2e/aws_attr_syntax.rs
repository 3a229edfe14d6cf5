//! Attributes-as-blocks against a real `moto_server`: the security group's
//! `ingress`/`egress` and the route table's `route` written in attribute
//! syntax (`ingress = [{...}]`, every field given, as Terraform requires)
//! are created with no perpetual diff, and `ingress = []` / `route = []`
//! remove every rule or route; missing fields are Terraform's errors in
//! both syntaxes.

use crate::aws_support::{
    no_changes, planned_changes, provider_block, remote_routes, remote_rules, state_id, strata, strata_ok,
};
use crate::support::TempDir;

fn config(tag: &str, ingress: &str, route: &str) -> String {
    format!(
        r#"{provider}
resource "aws_vpc" "net" {{
  cidr_block = "10.70.0.0/16"
  tags = {{ Test = "{tag}" }}
}}
resource "aws_internet_gateway" "gw" {{
  vpc_id = aws_vpc.net.id
}}
resource "aws_security_group" "web" {{
  name    = "attr-{tag}"
  vpc_id  = aws_vpc.net.id
  ingress = {ingress}
  egress = [{{
    description      = "all out"
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = []
    prefix_list_ids  = []
    security_groups  = []
    self             = false
  }}]
}}
resource "aws_route_table" "public" {{
  vpc_id = aws_vpc.net.id
  route  = {route}
}}
"#,
        provider = provider_block(None, "us-east-1", "")
    )
}

const INGRESS: &str = r#"[
    {
      description      = "https"
      from_port        = 443
      to_port          = 443
      protocol         = "tcp"
      cidr_blocks      = ["10.0.0.0/8", "192.168.0.0/16"]
      ipv6_cidr_blocks = []
      prefix_list_ids  = []
      security_groups  = []
      self             = false
    },
    {
      description      = ""
      from_port        = 22
      to_port          = 22
      protocol         = "tcp"
      cidr_blocks      = ["10.70.0.0/16"]
      ipv6_cidr_blocks = []
      prefix_list_ids  = []
      security_groups  = []
      self             = true
    },
  ]"#;

const ROUTE: &str = r#"[{
    cidr_block                 = "0.0.0.0/0"
    gateway_id                 = aws_internet_gateway.gw.id
    ipv6_cidr_block            = ""
    destination_prefix_list_id = ""
    carrier_gateway_id         = ""
    core_network_arn           = ""
    egress_only_gateway_id     = ""
    local_gateway_id           = ""
    nat_gateway_id             = ""
    network_interface_id       = ""
    transit_gateway_id         = ""
    vpc_endpoint_id            = ""
    vpc_peering_connection_id  = ""
  }]"#;

/// Diagnostics text with the terminal's line wrapping undone.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn rules_and_routes_in_attribute_syntax_and_empty_lists_remove_them() {
    let tag = format!("attr-{}", std::process::id());
    let d = TempDir::with_files("aws-attr", &[("main.tf", &config(&tag, INGRESS, ROUTE))]);
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("+ ingress"), "{}", apply.stdout);
    let group = state_id(&d, "aws_security_group", "web");
    let table = state_id(&d, "aws_route_table", "public");
    let gw = state_id(&d, "aws_internet_gateway", "gw");
    assert_eq!(
        remote_rules(&group),
        [
            "in tcp 22-22 10.70.0.0/16",
            "in tcp 22-22 self",
            "in tcp 443-443 10.0.0.0/8",
            "in tcp 443-443 192.168.0.0/16",
            "out -1 0-0 0.0.0.0/0",
        ]
    );
    assert_eq!(remote_routes(&table), [format!("0.0.0.0/0 {gw}")]);
    no_changes(&d);

    // `= []` is explicit: every ingress rule and every route goes.
    d.write("main.tf", &config(&tag, "[]", "[]"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_security_group.web will be updated in-place"), "{plan}");
    assert!(plan.contains("# aws_route_table.public will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_rules(&group), ["out -1 0-0 0.0.0.0/0"]);
    assert!(remote_routes(&table).is_empty(), "{:?}", remote_routes(&table));
    no_changes(&d);

    // Attribute syntax needs every field; blocks may leave out optional ones
    // but the provider requires from_port, to_port and protocol.
    d.write("main.tf", &config(&tag, "[{ from_port = 80, to_port = 80, protocol = \"tcp\" }]", "[]"));
    let bad = strata(&d, &["plan", "-no-color"]);
    assert_eq!(bad.code, 1, "{}", bad.transcript());
    assert!(bad.stderr.contains("Incorrect attribute value type"), "{}", bad.stderr);
    assert!(
        one_line(&bad.stderr).contains("element 0: attributes \"cidr_blocks\", \"description\", \"ipv6_cidr_blocks\", \"prefix_list_ids\", \"security_groups\", and \"self\" are required."),
        "{}",
        bad.stderr
    );
    let blocks = config(&tag, "[]", "[]").replace(
        "  ingress = []\n",
        "  ingress {\n    from_port   = 80\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n",
    );
    d.write("main.tf", &blocks);
    let missing = strata(&d, &["plan", "-no-color"]);
    assert_eq!(missing.code, 1, "{}", missing.transcript());
    assert!(missing.stderr.contains("Missing required argument"), "{}", missing.stderr);
    assert!(
        one_line(&missing.stderr)
            .contains("The argument \"ingress.0.to_port\" is required, but no definition was found."),
        "{}",
        missing.stderr
    );

    d.write("main.tf", &config(&tag, "[]", "[]"));
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}
