//! `aws_default_security_group`, `aws_default_route_table` and
//! `aws_default_vpc` against moto: "create" adopts the object AWS made
//! (stripping the group's rules and the table's routes it found), rules
//! and routes changed in place, a rule and a route added by hand shown as
//! drift and removed, tags, "destroy" leaving the object in AWS and out of
//! the state (with the provider's warning), import (the group by its id,
//! the table by its VPC's id, the VPC by its id), and a default VPC made
//! when the region has none.
//!
//! moto has no VGW route propagation (Enable/DisableVgwRoutePropagation),
//! so `propagating_vgws` is only seen empty here; on AWS adopting a table
//! also disables every propagation it finds and enables the configured
//! ones.

use crate::aws_support::*;
use crate::moto::aws;
use crate::support::*;

fn network(tag: &str, defaults: &str) -> String {
    format!(
        r#"{provider}
resource "aws_vpc" "v" {{
  cidr_block = "10.70.0.0/16"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_internet_gateway" "gw" {{
  vpc_id = aws_vpc.v.id
  tags   = {{ Test = "{tag}" }}
}}
{defaults}"#,
        provider = provider_block(None, "us-east-1", "")
    )
}

fn defaults(tag: &str, rules: &str, routes: &str) -> String {
    format!(
        r#"
resource "aws_default_security_group" "d" {{
  vpc_id = aws_vpc.v.id
{rules}
  tags = {{ Test = "{tag}", Name = "default-{tag}" }}
}}

resource "aws_default_route_table" "r" {{
  default_route_table_id = aws_vpc.v.default_route_table_id
{routes}
  tags = {{ Test = "{tag}", Name = "main-{tag}" }}
}}

output "table_id" {{
  value = aws_default_route_table.r.id
}}
"#
    )
}

fn ssh_from(port: u16) -> String {
    format!(
        r#"  ingress {{
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }}
  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}"#
    )
}

const ROUTE_TO_GATEWAY: &str = r#"  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }"#;

#[test]
fn default_security_group_and_route_table_are_adopted_and_managed() {
    let tag = format!("defaults-{}", std::process::id());
    let d = TempDir::with_files("aws-defaults", &[("main.tf", &network(&tag, ""))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let vpc = state_id(&d, "aws_vpc", "v");
    let gw = state_id(&d, "aws_internet_gateway", "gw");
    let group = state_attr(&d, "aws_vpc", "v", "default_security_group_id");
    let table = state_attr(&d, "aws_vpc", "v", "default_route_table_id");
    // What AWS gives a new VPC's default group, plus a rule and a route by hand.
    aws(&format!(
        "ec2.authorize_security_group_ingress(GroupId='{group}', IpPermissions=[{{'IpProtocol':'tcp','FromPort':8080,'ToPort':8080,'IpRanges':[{{'CidrIp':'1.2.3.4/32'}}]}}])\nec2.create_route(RouteTableId='{table}', DestinationCidrBlock='10.99.0.0/16', GatewayId='{gw}')"
    ));
    assert!(remote_rules(&group).contains(&"out -1 0-0 0.0.0.0/0".to_string()), "{:?}", remote_rules(&group));
    assert_eq!(remote_routes(&table), vec![format!("10.99.0.0/16 {gw}")]);

    // Adopting without rules or routes strips them all.
    d.write("main.tf", &network(&tag, &defaults(&tag, "", "")));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_default_security_group.d will be created"), "{plan}");
    assert!(plan.contains("# aws_default_route_table.r will be created"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_id(&d, "aws_default_security_group", "d"), group, "the VPC's own group, not a new one");
    assert_eq!(state_id(&d, "aws_default_route_table", "r"), table);
    assert_eq!(strata_ok(&d, &["output", "-raw", "table_id"]).stdout, table);
    assert_eq!(state_attr(&d, "aws_default_security_group", "d", "name"), "default");
    assert_eq!(state_attr(&d, "aws_default_route_table", "r", "vpc_id"), vpc);
    assert!(remote_rules(&group).is_empty(), "{:?}", remote_rules(&group));
    assert!(remote_routes(&table).is_empty(), "{:?}", remote_routes(&table));
    let tags = aws(&format!(
        "g = ec2.describe_security_groups(GroupIds=['{group}'])['SecurityGroups'][0]\nprint(sorted((t['Key'], t['Value']) for t in g.get('Tags', [])))"
    ));
    assert_eq!(
        tags.trim(),
        format!("[('Name', 'default-{tag}'), ('Test', '{tag}')]"),
        "no create token on an adopted group"
    );
    no_changes(&d);

    // Rules and a route configured, then changed: in place.
    d.write("main.tf", &network(&tag, &defaults(&tag, &ssh_from(22), ROUTE_TO_GATEWAY)));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_default_security_group.d will be updated in-place"), "{plan}");
    assert!(plan.contains("# aws_default_route_table.r will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_rules(&group), vec!["in tcp 22-22 10.0.0.0/8", "out -1 0-0 0.0.0.0/0"]);
    assert_eq!(remote_routes(&table), vec![format!("0.0.0.0/0 {gw}")]);
    no_changes(&d);
    d.write("main.tf", &network(&tag, &defaults(&tag, &ssh_from(443), ROUTE_TO_GATEWAY)));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_default_security_group.d will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_rules(&group), vec!["in tcp 443-443 10.0.0.0/8", "out -1 0-0 0.0.0.0/0"]);
    no_changes(&d);

    // A rule and a route added by hand are drift, and removed.
    aws(&format!(
        "ec2.authorize_security_group_ingress(GroupId='{group}', IpPermissions=[{{'IpProtocol':'tcp','FromPort':80,'ToPort':80,'IpRanges':[{{'CidrIp':'0.0.0.0/0'}}]}}])\nec2.create_route(RouteTableId='{table}', DestinationCidrBlock='10.98.0.0/16', GatewayId='{gw}')"
    ));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_default_security_group.d will be updated in-place"), "{plan}");
    assert!(plan.contains("# aws_default_route_table.r will be updated in-place"), "{plan}");
    assert!(plan.contains("0.0.0.0/0") && plan.contains("10.98.0.0/16"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_rules(&group), vec!["in tcp 443-443 10.0.0.0/8", "out -1 0-0 0.0.0.0/0"]);
    assert_eq!(remote_routes(&table), vec![format!("0.0.0.0/0 {gw}")]);
    no_changes(&d);

    // Tags change in place.
    d.write("main.tf", &network(&tag, &defaults(&tag, &ssh_from(443), ROUTE_TO_GATEWAY).replace("main-", "primary-")));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_default_route_table.r will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Out of the configuration: out of the state, left in AWS as they are.
    d.write("main.tf", &network(&tag, ""));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_default_security_group.d will be destroyed"), "{plan}");
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(
        apply.stderr.contains("Cannot destroy Default Route Table")
            || apply.stdout.contains("Cannot destroy Default Route Table"),
        "{}",
        apply.transcript()
    );
    let state = state(&d).to_string();
    assert!(!state.contains("aws_default_security_group") && !state.contains("aws_default_route_table"), "{state}");
    assert_eq!(remote_rules(&group), vec!["in tcp 443-443 10.0.0.0/8", "out -1 0-0 0.0.0.0/0"]);
    assert_eq!(remote_routes(&table), vec![format!("0.0.0.0/0 {gw}")]);

    // Import: the group by its id, the table by its VPC's id.
    d.write("main.tf", &network(&tag, &defaults(&tag, &ssh_from(443), ROUTE_TO_GATEWAY).replace("main-", "primary-")));
    strata_ok(&d, &["import", "-no-color", "aws_default_security_group.d", &group]);
    strata_ok(&d, &["import", "-no-color", "aws_default_route_table.r", &vpc]);
    assert_eq!(state_id(&d, "aws_default_route_table", "r"), table);
    assert_eq!(state_attr(&d, "aws_default_route_table", "r", "default_route_table_id"), table);
    // Imports write no outputs; the resources themselves plan no changes.
    let plan = planned_changes(&d);
    assert!(!plan.contains("# aws_"), "{plan}");

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(count_tagged("vpcs", &tag), 0);
}

fn default_vpc(region: &str, tag: &str, extra: &str) -> String {
    format!(
        r#"{provider}
resource "aws_default_vpc" "d" {{
  tags = {{ Test = "{tag}" }}
{extra}
}}
"#,
        provider = provider_block(None, region, "")
    )
}

fn default_vpc_id(region: &str) -> String {
    aws_in(region, "v = ec2.describe_vpcs(Filters=[{'Name':'is-default','Values':['true']}])['Vpcs']\nprint(v[0]['VpcId'] if v else '')")
        .trim()
        .to_string()
}

#[test]
fn the_regions_default_vpc_is_adopted_tagged_forgotten_and_imported() {
    // A region of its own: other tests use us-east-1's default VPC.
    let region = "eu-west-3";
    let tag = format!("defvpc-{}", std::process::id());
    let id = default_vpc_id(region);
    assert!(id.starts_with("vpc-"), "moto gives every region a default VPC: {id}");
    let d = TempDir::with_files("aws-default-vpc", &[("main.tf", &default_vpc(region, &tag, ""))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_id(&d, "aws_default_vpc", "d"), id);
    let s = state_json(&d, "aws_default_vpc", "d");
    assert_eq!(s["existing_default_vpc"], true, "{s}");
    assert_eq!(s["enable_dns_hostnames"], true, "{s}");
    assert_eq!(s["cidr_block"], "172.31.0.0/16", "{s}");
    assert_eq!(count_tagged_in(region, "vpcs", &tag), 1);
    no_changes(&d);

    // Tags change in place; DNS hostnames turned off.
    d.write("main.tf", &default_vpc(region, &format!("{tag}-2"), "  enable_dns_hostnames = false"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_default_vpc.d will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(count_tagged_in(region, "vpcs", &format!("{tag}-2")), 1);
    assert_eq!(state_json(&d, "aws_default_vpc", "d")["enable_dns_hostnames"], false);
    no_changes(&d);

    // Destroy forgets it; the VPC stays.
    let out = strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(out.transcript().contains("EC2 Default VPC not deleted"), "{}", out.transcript());
    assert_eq!(default_vpc_id(region), id);
    assert!(!state(&d).to_string().contains("aws_default_vpc"));

    // Import by its id.
    strata_ok(&d, &["import", "-no-color", "aws_default_vpc.d", &id]);
    assert_eq!(state_json(&d, "aws_default_vpc", "d")["force_destroy"], false);
    no_changes(&d);
    strata_ok(&d, &["state", "rm", "aws_default_vpc.d"]);
    aws_in(region, &format!("ec2.modify_vpc_attribute(VpcId='{id}', EnableDnsHostnames={{'Value': True}})\nec2.delete_tags(Resources=['{id}'], Tags=[{{'Key':'Test'}}])"));
}

#[test]
fn a_default_vpc_is_made_when_the_region_has_none_and_deleted_with_force_destroy() {
    let region = "ap-south-1";
    let tag = format!("newdefvpc-{}", std::process::id());
    let old = default_vpc_id(region);
    // Delete the region's default VPC (its default subnets first, as on AWS).
    aws_in(
        region,
        &format!("for s in ec2.describe_subnets(Filters=[{{'Name':'vpc-id','Values':['{old}']}}])['Subnets']:\n    ec2.delete_subnet(SubnetId=s['SubnetId'])\nec2.delete_vpc(VpcId='{old}')"),
    );
    assert_eq!(default_vpc_id(region), "");
    let d = TempDir::with_files(
        "aws-new-default-vpc",
        &[("main.tf", &default_vpc(region, &tag, "  force_destroy = true"))],
    );
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let id = state_id(&d, "aws_default_vpc", "d");
    assert_eq!(default_vpc_id(region), id);
    assert_ne!(id, old);
    assert_eq!(state_json(&d, "aws_default_vpc", "d")["existing_default_vpc"], false);
    assert_eq!(count_tagged_in(region, "vpcs", &tag), 1);
    no_changes(&d);

    // force_destroy deletes it (AWS, like moto, refuses while its default
    // subnets are there).
    aws_in(
        region,
        &format!("for s in ec2.describe_subnets(Filters=[{{'Name':'vpc-id','Values':['{id}']}}])['Subnets']:\n    ec2.delete_subnet(SubnetId=s['SubnetId'])"),
    );
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(default_vpc_id(region), "");
    aws_in(region, "ec2.create_default_vpc()");
}

fn nacl_config(tag: &str, acl: &str) -> String {
    format!(
        r#"{provider}
resource "aws_vpc" "n" {{
  cidr_block = "10.71.0.0/16"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_subnet" "s" {{
  vpc_id     = aws_vpc.n.id
  cidr_block = "10.71.1.0/24"
  tags       = {{ Test = "{tag}" }}
}}
{acl}"#,
        provider = provider_block(None, "us-east-1", "")
    )
}

fn default_acl(tag: &str, ingress_port: Option<u16>) -> String {
    // As terraform-aws-modules/vpc writes its default rules: allow all.
    let ingress = match ingress_port {
        None => r#"  ingress {
    protocol   = -1
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }"#
        .to_string(),
        Some(p) => format!(
            r#"  ingress {{
    protocol   = "tcp"
    rule_no    = 110
    action     = "allow"
    cidr_block = "10.0.0.0/8"
    from_port  = {p}
    to_port    = {p}
  }}"#
        ),
    };
    format!(
        r#"
resource "aws_default_network_acl" "a" {{
  default_network_acl_id = aws_vpc.n.default_network_acl_id
  subnet_ids             = [aws_subnet.s.id]
{ingress}
  egress {{
    protocol   = -1
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }}
  tags = {{ Test = "{tag}" }}
}}
"#
    )
}

/// A network ACL's entries as sorted `direction rule protocol action cidr
/// from-to` lines.
fn remote_entries(acl: &str) -> Vec<String> {
    let out = aws(&format!(
        "a = ec2.describe_network_acls(NetworkAclIds=['{acl}'])['NetworkAcls'][0]\nfor e in a['Entries']:\n    p = e.get('PortRange', {{}})\n    print('out' if e['Egress'] else 'in', e['RuleNumber'], e['Protocol'], e['RuleAction'], e.get('CidrBlock'), '%s-%s' % (p.get('From', 0), p.get('To', 0)))"
    ));
    let mut lines: Vec<String> = out.lines().map(String::from).collect();
    lines.sort();
    lines
}

#[test]
fn default_network_acl_is_adopted_managed_forgotten_and_imported() {
    let tag = format!("defacl-{}", std::process::id());
    let d = TempDir::with_files("aws-default-acl", &[("main.tf", &nacl_config(&tag, ""))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let acl = state_attr(&d, "aws_vpc", "n", "default_network_acl_id");
    // An entry added by hand before adoption goes with AWS's own allow-alls.
    aws(&format!(
        "ec2.create_network_acl_entry(NetworkAclId='{acl}', RuleNumber=300, Protocol='6', RuleAction='deny', Egress=False, CidrBlock='1.2.3.4/32', PortRange={{'From':22,'To':22}})"
    ));

    d.write("main.tf", &nacl_config(&tag, &default_acl(&tag, Some(443))));
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_id(&d, "aws_default_network_acl", "a"), acl);
    let catch_all = ["in 32767 -1 deny 0.0.0.0/0 0-0", "out 32767 -1 deny 0.0.0.0/0 0-0"];
    let want = |ingress: &str| {
        let mut v: Vec<String> = catch_all.iter().map(|s| s.to_string()).collect();
        v.push(ingress.to_string());
        v.push("out 100 -1 allow 0.0.0.0/0 0-0".to_string());
        v.sort();
        v
    };
    assert_eq!(remote_entries(&acl), want("in 110 6 allow 10.0.0.0/8 443-443"));
    assert_eq!(state_json(&d, "aws_default_network_acl", "a")["ingress"][0]["protocol"], "6");
    no_changes(&d);

    // Entries changed in place (the module's allow-all, protocol -1).
    d.write("main.tf", &nacl_config(&tag, &default_acl(&tag, None)));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_default_network_acl.a will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_entries(&acl), want("in 100 -1 allow 0.0.0.0/0 0-0"));
    no_changes(&d);

    // An entry added by hand is drift, and removed.
    aws(&format!(
        "ec2.create_network_acl_entry(NetworkAclId='{acl}', RuleNumber=200, Protocol='6', RuleAction='deny', Egress=True, CidrBlock='1.2.3.4/32', PortRange={{'From':25,'To':25}})"
    ));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_default_network_acl.a will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_entries(&acl), want("in 100 -1 allow 0.0.0.0/0 0-0"));
    no_changes(&d);

    // Out of the configuration: forgotten with the provider's warning, left as it is.
    d.write("main.tf", &nacl_config(&tag, ""));
    let out = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(out.transcript().contains(&format!("EC2 Default Network ACL ({acl}) not deleted")), "{}", out.transcript());
    assert!(!state(&d).to_string().contains("aws_default_network_acl"));
    assert_eq!(remote_entries(&acl), want("in 100 -1 allow 0.0.0.0/0 0-0"));

    // Import by its id.
    d.write("main.tf", &nacl_config(&tag, &default_acl(&tag, None)));
    strata_ok(&d, &["import", "-no-color", "aws_default_network_acl.a", &acl]);
    assert_eq!(state_attr(&d, "aws_default_network_acl", "a", "default_network_acl_id"), acl);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(count_tagged("vpcs", &tag), 0);
}

/// The three default resources as terraform-aws-modules/vpc writes them
/// (its defaults: no rules or routes, the ACL's allow-alls, dynamic
/// blocks, `timeouts`, `subnet_ids` left to `ignore_changes`).
#[test]
fn defaults_as_the_public_vpc_module_writes_them_plan_clean() {
    let tag = format!("defmod-{}", std::process::id());
    let config = format!(
        r#"{provider}
locals {{
  default_security_group_ingress = []
  default_route_table_routes     = []
  default_network_acl_ingress = [
    {{ rule_no = 100, action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" }},
  ]
}}

resource "aws_vpc" "this" {{
  cidr_block = "10.72.0.0/16"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_subnet" "private" {{
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.72.1.0/24"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_default_security_group" "this" {{
  vpc_id = aws_vpc.this.id
  dynamic "ingress" {{
    for_each = local.default_security_group_ingress
    content {{
      self        = lookup(ingress.value, "self", null)
      cidr_blocks = compact(split(",", lookup(ingress.value, "cidr_blocks", "")))
      from_port   = lookup(ingress.value, "from_port", 0)
      to_port     = lookup(ingress.value, "to_port", 0)
      protocol    = lookup(ingress.value, "protocol", "-1")
    }}
  }}
  tags = {{ Name = "{tag}-default", Test = "{tag}" }}
}}

resource "aws_default_route_table" "default" {{
  default_route_table_id = aws_vpc.this.default_route_table_id
  propagating_vgws       = []
  dynamic "route" {{
    for_each = local.default_route_table_routes
    content {{
      cidr_block = route.value.cidr_block
      gateway_id = lookup(route.value, "gateway_id", null)
    }}
  }}
  timeouts {{
    create = "5m"
    update = "5m"
  }}
  tags = {{ Name = "{tag}-default", Test = "{tag}" }}
}}

resource "aws_default_network_acl" "this" {{
  default_network_acl_id = aws_vpc.this.default_network_acl_id
  subnet_ids             = null
  dynamic "ingress" {{
    for_each = local.default_network_acl_ingress
    content {{
      action     = ingress.value.action
      cidr_block = lookup(ingress.value, "cidr_block", null)
      from_port  = ingress.value.from_port
      protocol   = ingress.value.protocol
      rule_no    = ingress.value.rule_no
      to_port    = ingress.value.to_port
    }}
  }}
  tags = {{ Name = "{tag}-default", Test = "{tag}" }}
  lifecycle {{
    ignore_changes = [subnet_ids]
  }}
}}
"#,
        provider = provider_block(None, "us-east-1", "")
    );
    let d = TempDir::with_files("aws-defaults-module", &[("main.tf", &config)]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let group = state_id(&d, "aws_default_security_group", "this");
    assert!(remote_rules(&group).is_empty(), "{:?}", remote_rules(&group));
    let acl = state_id(&d, "aws_default_network_acl", "this");
    assert_eq!(
        remote_entries(&acl),
        vec!["in 100 -1 allow 0.0.0.0/0 0-0", "in 32767 -1 deny 0.0.0.0/0 0-0", "out 32767 -1 deny 0.0.0.0/0 0-0"]
    );
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(count_tagged("vpcs", &tag), 0);
}

#[test]
fn adopting_what_does_not_exist_is_an_error_naming_it() {
    let config = format!(
        r#"{provider}
resource "aws_default_route_table" "r" {{
  default_route_table_id = "rtb-00000000000000000"
}}

resource "aws_default_security_group" "g" {{
  vpc_id = "vpc-00000000000000000"
}}

resource "aws_default_network_acl" "a" {{
  default_network_acl_id = "acl-00000000000000000"
}}
"#,
        provider = provider_block(None, "us-east-1", "")
    );
    let d = TempDir::with_files("aws-defaults-missing", &[("main.tf", &config)]);
    let out = strata(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    let text = out.transcript();
    assert!(text.contains("reading EC2 Default Route Table (rtb-00000000000000000): couldn't find resource"), "{text}");
    assert!(text.contains("reading Default Security Group: empty result"), "{text}");
    assert!(text.contains("reading EC2 Network ACL (acl-00000000000000000): couldn't find resource"), "{text}");
    assert!(!text.contains("panicked"), "{text}");
    let st = state(&d).to_string();
    assert!(!st.contains("aws_default_"), "{st}");
}
