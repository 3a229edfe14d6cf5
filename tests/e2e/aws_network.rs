//! The aws provider's security groups and routing against a real
//! `moto_server`: inline rules (several CIDRs, `all` protocol, group
//! references) with no perpetual diff, rule updates in place, a rule added
//! by hand shown as drift and removed, import by id; route tables with
//! inline routes to an internet gateway, `aws_route`, associations moved
//! between tables, a deleted route restored, import of an association.

use crate::aws_support::{
    count_tagged, no_changes, planned_changes, provider_block, remote_routes, remote_rules, state_attr, strata_ok,
};
use crate::moto::aws;
use crate::support::TempDir;

fn sg_config(tag: &str, web_rules: &str) -> String {
    format!(
        r#"{provider}
resource "aws_vpc" "net" {{
  cidr_block = "10.40.0.0/16"
  tags = {{ Test = "{tag}" }}
}}
resource "aws_security_group" "web" {{
  name        = "web-{tag}"
  description = "web servers"
  vpc_id      = aws_vpc.net.id
{web_rules}
  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
  tags = {{ Test = "{tag}" }}
}}
resource "aws_security_group" "db" {{
  name_prefix = "db-"
  vpc_id      = aws_vpc.net.id
  ingress {{
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.web.id]
  }}
  tags = {{ Test = "{tag}" }}
}}
"#,
        provider = provider_block(None, "us-east-1", "")
    )
}

const FIRST_RULES: &str = r#"  ingress {
    description = "https"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "192.168.0.0/16"]
  }
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "all"
    cidr_blocks = ["10.40.0.0/16"]
  }
"#;

const SECOND_RULES: &str = r#"  ingress {
    description = "https"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "6"
    cidr_blocks = ["10.40.0.0/16"]
  }
"#;

#[test]
fn security_group_rules_update_drift_import_destroy() {
    let tag = format!("sg-{}", std::process::id());
    let d = TempDir::with_files("aws-sg", &[("main.tf", &sg_config(&tag, FIRST_RULES))]);
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("Apply complete! Resources: 3 added, 0 changed, 0 destroyed."), "{}", apply.stdout);
    let web = state_attr(&d, "aws_security_group", "web", "id");
    let db = state_attr(&d, "aws_security_group", "db", "id");
    assert!(state_attr(&d, "aws_security_group", "db", "name").starts_with("db-"));
    assert_eq!(state_attr(&d, "aws_security_group", "db", "name_prefix"), "db-");
    assert_eq!(state_attr(&d, "aws_security_group", "db", "description"), "Managed by Terraform");
    assert!(state_attr(&d, "aws_security_group", "web", "arn").contains(":security-group/sg-"));
    assert_eq!(
        remote_rules(&web),
        [
            "in -1 0-0 10.40.0.0/16",
            "in tcp 443-443 10.0.0.0/8",
            "in tcp 443-443 192.168.0.0/16",
            "out -1 0-0 0.0.0.0/0",
        ]
    );
    // The default allow-all egress rule is gone from the group without egress blocks.
    assert_eq!(remote_rules(&db), [format!("in tcp 5432-5432 {web}")]);
    no_changes(&d);

    // Rules change in place: a CIDR added, a rule replaced.
    d.write("main.tf", &sg_config(&tag, SECOND_RULES));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_security_group.web will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_attr(&d, "aws_security_group", "web", "id"), web, "updated, not replaced");
    assert_eq!(
        remote_rules(&web),
        [
            "in tcp 22-22 10.40.0.0/16",
            "in tcp 443-443 10.0.0.0/8",
            "in tcp 443-443 172.16.0.0/12",
            "in tcp 443-443 192.168.0.0/16",
            "out -1 0-0 0.0.0.0/0",
        ]
    );
    no_changes(&d);

    // A rule added by hand is drift, and apply removes it.
    aws(&format!(
        "ec2.authorize_security_group_ingress(GroupId='{web}', IpPermissions=[{{'IpProtocol':'tcp','FromPort':8080,'ToPort':8080,'IpRanges':[{{'CidrIp':'0.0.0.0/0'}}]}}])"
    ));
    let drift = planned_changes(&d);
    assert!(drift.contains("# aws_security_group.web will be updated in-place"), "{drift}");
    assert!(drift.contains("8080"), "{drift}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(!remote_rules(&web).iter().any(|r| r.contains("8080")), "{:?}", remote_rules(&web));
    no_changes(&d);

    // A group made outside is imported by id and matches its configuration.
    let vpc = state_attr(&d, "aws_vpc", "net", "id");
    let outside = aws(&format!(
        "g = ec2.create_security_group(GroupName='outside-{tag}', Description='made by hand', VpcId='{vpc}')['GroupId']\nec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[{{'IpProtocol':'tcp','FromPort':80,'ToPort':80,'IpRanges':[{{'CidrIp':'0.0.0.0/0'}},{{'CidrIp':'10.0.0.0/8'}}]}}])\nprint(g)"
    ));
    let outside = outside.trim();
    let imported = format!(
        r#"{}
resource "aws_security_group" "outside" {{
  name        = "outside-{tag}"
  description = "made by hand"
  vpc_id      = aws_vpc.net.id
  ingress {{
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0", "10.0.0.0/8"]
  }}
  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
"#,
        sg_config(&tag, SECOND_RULES)
    );
    d.write("main.tf", &imported);
    strata_ok(&d, &["import", "-no-color", "aws_security_group.outside", outside]);
    assert_eq!(state_attr(&d, "aws_security_group", "outside", "name"), format!("outside-{tag}"));
    no_changes(&d);

    let destroy = strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(destroy.stdout.contains("Resources: 4 destroyed."), "{}", destroy.stdout);
    let left = aws(&format!(
        "print(len(ec2.describe_security_groups(Filters=[{{'Name':'group-id','Values':['{web}','{db}','{outside}']}}])['SecurityGroups']))"
    ));
    assert_eq!(left.trim(), "0", "security groups left behind");
}

fn rt_config(tag: &str, associated: &str, extra_route: &str) -> String {
    format!(
        r#"{provider}
resource "aws_vpc" "net" {{
  cidr_block = "10.41.0.0/16"
  tags = {{ Test = "{tag}" }}
}}
resource "aws_internet_gateway" "gw" {{
  vpc_id = aws_vpc.net.id
  tags = {{ Test = "{tag}" }}
}}
resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.net.id
  cidr_block = "10.41.1.0/24"
  tags = {{ Test = "{tag}" }}
}}
resource "aws_route_table" "public" {{
  vpc_id = aws_vpc.net.id
  route {{
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }}
{extra_route}
  tags = {{ Test = "{tag}" }}
}}
resource "aws_route_table" "private" {{
  vpc_id = aws_vpc.net.id
  tags = {{ Test = "{tag}" }}
}}
resource "aws_route" "private_out" {{
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.gw.id
}}
resource "aws_route_table_association" "a" {{
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.{associated}.id
}}
"#,
        provider = provider_block(None, "us-east-1", "")
    )
}

const EXTRA_ROUTE: &str = r#"  route {
    cidr_block = "10.50.0.0/16"
    gateway_id = aws_internet_gateway.gw.id
  }
"#;

fn associated_subnets(table: &str) -> Vec<String> {
    let out = aws(&format!(
        "t = ec2.describe_route_tables(RouteTableIds=['{table}'])['RouteTables'][0]\nfor a in t.get('Associations', []):\n    print(a.get('SubnetId'))"
    ));
    out.lines().filter(|l| *l != "None").map(String::from).collect()
}

#[test]
fn route_tables_routes_and_associations() {
    let tag = format!("rt-{}", std::process::id());
    let d = TempDir::with_files("aws-rt", &[("main.tf", &rt_config(&tag, "public", ""))]);
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("Apply complete! Resources: 7 added, 0 changed, 0 destroyed."), "{}", apply.stdout);
    let public = state_attr(&d, "aws_route_table", "public", "id");
    let private = state_attr(&d, "aws_route_table", "private", "id");
    let subnet = state_attr(&d, "aws_subnet", "a", "id");
    let gw = state_attr(&d, "aws_internet_gateway", "gw", "id");
    let (default_route, extra_route) = (format!("0.0.0.0/0 {gw}"), format!("10.50.0.0/16 {gw}"));
    assert_eq!(remote_routes(&public), [default_route.as_str()]);
    assert_eq!(remote_routes(&private), [default_route.as_str()]);
    assert_eq!(associated_subnets(&public), std::slice::from_ref(&subnet));
    assert!(state_attr(&d, "aws_route", "private_out", "id").starts_with(&format!("r-{private}")));
    no_changes(&d);

    // An inline route is added and the association moves, both in place.
    d.write("main.tf", &rt_config(&tag, "private", EXTRA_ROUTE));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_route_table.public will be updated in-place"), "{plan}");
    assert!(plan.contains("# aws_route_table_association.a will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_routes(&public), [default_route.as_str(), extra_route.as_str()]);
    assert_eq!(associated_subnets(&private), std::slice::from_ref(&subnet));
    assert!(associated_subnets(&public).is_empty());
    no_changes(&d);

    // A route deleted by hand is drift, and apply restores it.
    aws(&format!("ec2.delete_route(RouteTableId='{public}', DestinationCidrBlock='10.50.0.0/16')"));
    aws(&format!("ec2.delete_route(RouteTableId='{private}', DestinationCidrBlock='0.0.0.0/0')"));
    let drift = planned_changes(&d);
    assert!(drift.contains("# aws_route_table.public will be updated in-place"), "{drift}");
    assert!(drift.contains("# aws_route.private_out will be created"), "{drift}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_routes(&public), [default_route.as_str(), extra_route.as_str()]);
    assert_eq!(remote_routes(&private), [default_route.as_str()]);
    no_changes(&d);

    // The association and the route are imported by Terraform's import ids.
    strata_ok(&d, &["state", "rm", "aws_route_table_association.a", "aws_route.private_out"]);
    strata_ok(&d, &["import", "-no-color", "aws_route_table_association.a", &format!("{subnet}/{private}")]);
    strata_ok(&d, &["import", "-no-color", "aws_route.private_out", &format!("{private}_0.0.0.0/0")]);
    no_changes(&d);

    let destroy = strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(destroy.stdout.contains("Resources: 7 destroyed."), "{}", destroy.stdout);
    assert_eq!(count_tagged("route_tables", &tag), 0, "route tables left behind");
}
