//! The aws provider's security group rule resources, Elastic IPs and NAT
//! gateways against a real `moto_server`: create, no-op plans, updates in
//! place, replacement when an argument forces it, drift after changes made
//! behind Strata's back, import by id, destroy that leaves nothing; and
//! `timeouts {}` blocks (stored as Terraform stores them, bad durations
//! rejected, a short timeout ending a retry early).

use crate::aws_support::{no_changes, planned_changes, provider_block, state_attr, state_json, strata, strata_ok};
use crate::moto::aws;
use crate::support::TempDir;
use std::time::{Duration, Instant};

/// `ip_protocol from-to source description` of one rule, as AWS has it
/// (`gone` when there is no such rule).
fn remote_rule(id: &str) -> String {
    aws(&format!(
        r#"try:
    r = ec2.describe_security_group_rules(SecurityGroupRuleIds=['{id}'])['SecurityGroupRules']
except Exception as e:
    r = []
if not r:
    print('gone')
else:
    r = r[0]
    src = r.get('CidrIpv4') or r.get('CidrIpv6') or r.get('PrefixListId') or r.get('ReferencedGroupInfo', {{}}).get('GroupId')
    tags = ','.join(sorted('%s=%s' % (t['Key'], t['Value']) for t in r.get('Tags', []) if not t['Key'].startswith('strata:')))
    print(r['IpProtocol'], '%s-%s' % (r.get('FromPort'), r.get('ToPort')), src, r.get('Description', '-'), tags or '-')
"#
    ))
    .trim()
    .to_string()
}

fn rules_config(tag: &str, ingress: &str) -> String {
    format!(
        r#"{provider}
resource "aws_vpc" "net" {{
  cidr_block = "10.50.0.0/16"
  tags = {{ Test = "{tag}" }}
}}
resource "aws_security_group" "web" {{
  name   = "web-{tag}"
  vpc_id = aws_vpc.net.id
}}
resource "aws_security_group" "lb" {{
  name   = "lb-{tag}"
  vpc_id = aws_vpc.net.id
}}
resource "aws_vpc_security_group_ingress_rule" "https" {{
  security_group_id = aws_security_group.web.id
{ingress}
}}
resource "aws_vpc_security_group_ingress_rule" "from_lb" {{
  security_group_id            = aws_security_group.web.id
  referenced_security_group_id = aws_security_group.lb.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
}}
resource "aws_vpc_security_group_egress_rule" "all" {{
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}}
"#,
        provider = provider_block(None, "us-east-1", "")
    )
}

const HTTPS: &str = r#"  cidr_ipv4   = "10.0.0.0/8"
  ip_protocol = "tcp"
  from_port   = 443
  to_port     = 443
  description = "https"
  tags = { Name = "https" }"#;

const HTTPS_CHANGED: &str = r#"  cidr_ipv4   = "10.0.0.0/8"
  ip_protocol = "tcp"
  from_port   = 8443
  to_port     = 8443
  description = "https on 8443"
  tags = { Name = "https", Port = "8443" }"#;

const HTTPS_IPV6: &str = r#"  cidr_ipv6   = "::/0"
  ip_protocol = "tcp"
  from_port   = 8443
  to_port     = 8443
  description = "https on 8443"
  tags = { Name = "https", Port = "8443" }"#;

#[test]
fn security_group_rule_resources_update_replace_drift_import_destroy() {
    let tag = format!("rules-{}", std::process::id());
    let d = TempDir::with_files("aws-sg-rules", &[("main.tf", &rules_config(&tag, HTTPS))]);
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("Resources: 6 added, 0 changed, 0 destroyed."), "{}", apply.stdout);
    let web = state_attr(&d, "aws_security_group", "web", "id");
    let lb = state_attr(&d, "aws_security_group", "lb", "id");
    let https = state_attr(&d, "aws_vpc_security_group_ingress_rule", "https", "id");
    let from_lb = state_attr(&d, "aws_vpc_security_group_ingress_rule", "from_lb", "id");
    let egress = state_attr(&d, "aws_vpc_security_group_egress_rule", "all", "id");
    assert!(https.starts_with("sgr-"), "{https}");
    let https_state = state_json(&d, "aws_vpc_security_group_ingress_rule", "https");
    assert_eq!(https_state["security_group_rule_id"], https.as_str());
    assert!(https_state["arn"].as_str().unwrap().ends_with(&format!(":security-group-rule/{https}")));
    assert_eq!(https_state["tags_all"]["Name"], "https");
    // `-1` has no ports: they stay unset rather than AWS's -1.
    assert!(state_json(&d, "aws_vpc_security_group_egress_rule", "all")["from_port"].is_null());
    assert_eq!(remote_rule(&https), "tcp 443-443 10.0.0.0/8 https Name=https");
    assert_eq!(remote_rule(&from_lb), format!("tcp 8080-8080 {lb} - -"));
    assert_eq!(remote_rule(&egress), "-1 -1--1 0.0.0.0/0 - -");
    // The group without inline rules leaves the rule resources alone.
    no_changes(&d);

    // Ports, description and tags change in place: the rule keeps its id.
    d.write("main.tf", &rules_config(&tag, HTTPS_CHANGED));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_vpc_security_group_ingress_rule.https will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_attr(&d, "aws_vpc_security_group_ingress_rule", "https", "id"), https, "updated, not replaced");
    assert_eq!(remote_rule(&https), "tcp 8443-8443 10.0.0.0/8 https on 8443 Name=https,Port=8443");
    no_changes(&d);

    // Another kind of source cannot be modified: the rule is replaced.
    d.write("main.tf", &rules_config(&tag, HTTPS_IPV6));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_vpc_security_group_ingress_rule.https must be replaced"), "{plan}");
    assert!(plan.contains("# forces replacement"), "{plan}");
    assert!(plan.contains("Plan: 1 to add, 0 to change, 1 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let replaced = state_attr(&d, "aws_vpc_security_group_ingress_rule", "https", "id");
    assert_ne!(replaced, https);
    assert_eq!(remote_rule(&https), "gone");
    assert_eq!(remote_rule(&replaced), "tcp 8443-8443 ::/0 https on 8443 Name=https,Port=8443");
    no_changes(&d);

    // A rule revoked behind Strata's back is drift; apply puts it back.
    aws(&format!("ec2.revoke_security_group_ingress(GroupId='{web}', SecurityGroupRuleIds=['{from_lb}'])"));
    let drift = planned_changes(&d);
    assert!(drift.contains("# aws_vpc_security_group_ingress_rule.from_lb will be created"), "{drift}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let from_lb = state_attr(&d, "aws_vpc_security_group_ingress_rule", "from_lb", "id");
    assert_eq!(remote_rule(&from_lb), format!("tcp 8080-8080 {lb} - -"));
    no_changes(&d);

    // A rule changed behind Strata's back is drift too.
    aws(&format!(
        "ec2.modify_security_group_rules(GroupId='{web}', SecurityGroupRules=[{{'SecurityGroupRuleId':'{from_lb}','SecurityGroupRule':{{'IpProtocol':'tcp','FromPort':9090,'ToPort':9090,'ReferencedGroupId':'{lb}'}}}}])"
    ));
    let drift = planned_changes(&d);
    assert!(drift.contains("# aws_vpc_security_group_ingress_rule.from_lb will be updated in-place"), "{drift}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_rule(&from_lb), format!("tcp 8080-8080 {lb} - -"));

    // Import by rule id; an egress id is not an ingress rule.
    strata_ok(&d, &["state", "rm", "aws_vpc_security_group_ingress_rule.from_lb"]);
    let wrong = strata(&d, &["import", "-no-color", "aws_vpc_security_group_ingress_rule.from_lb", &egress]);
    assert_eq!(wrong.code, 1, "{}", wrong.transcript());
    assert!(wrong.stderr.contains("Cannot import non-existent remote object"), "{}", wrong.stderr);
    strata_ok(&d, &["import", "-no-color", "aws_vpc_security_group_ingress_rule.from_lb", &from_lb]);
    assert_eq!(state_attr(&d, "aws_vpc_security_group_ingress_rule", "from_lb", "security_group_id"), web);
    no_changes(&d);

    let destroy = strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(destroy.stdout.contains("Resources: 6 destroyed."), "{}", destroy.stdout);
    for rule in [&replaced, &from_lb, &egress] {
        assert_eq!(remote_rule(rule), "gone");
    }
    let left = aws(&format!(
        "print(len(ec2.describe_security_groups(Filters=[{{'Name':'group-id','Values':['{web}','{lb}']}}])['SecurityGroups']))"
    ));
    assert_eq!(left.trim(), "0", "security groups left behind");
}

/// A VPC with two public subnets, two Elastic IPs and a NAT gateway using
/// `nat_eip` in `nat_subnet`.
fn nat_config(tag: &str, nat_eip: &str, nat_subnet: &str, eip_tags: &str) -> String {
    format!(
        r#"{provider}
resource "aws_vpc" "net" {{
  cidr_block = "10.51.0.0/16"
  tags = {{ Test = "{tag}" }}
}}
resource "aws_internet_gateway" "gw" {{
  vpc_id = aws_vpc.net.id
}}
resource "aws_subnet" "public_a" {{
  vpc_id                  = aws_vpc.net.id
  cidr_block              = "10.51.1.0/24"
  map_public_ip_on_launch = true
}}
resource "aws_subnet" "public_b" {{
  vpc_id                  = aws_vpc.net.id
  cidr_block              = "10.51.2.0/24"
  map_public_ip_on_launch = true
}}
resource "aws_route_table" "public" {{
  vpc_id = aws_vpc.net.id
  route {{
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }}
}}
resource "aws_route_table_association" "a" {{
  subnet_id      = aws_subnet.public_a.id
  route_table_id = aws_route_table.public.id
}}
resource "aws_eip" "nat" {{
  domain = "vpc"
  tags   = {eip_tags}
}}
resource "aws_eip" "spare" {{
  domain = "vpc"
}}
resource "aws_nat_gateway" "nat" {{
  allocation_id = aws_eip.{nat_eip}.id
  subnet_id     = aws_subnet.{nat_subnet}.id
  tags          = {eip_tags}
  depends_on    = [aws_internet_gateway.gw]
}}
"#,
        provider = provider_block(None, "us-east-1", "")
    )
}

/// `state allocation-id subnet-id Name-tag` of a NAT gateway (`gone` when unknown).
fn remote_nat(id: &str) -> String {
    aws(&format!(
        r#"g = ec2.describe_nat_gateways(Filters=[{{'Name':'nat-gateway-id','Values':['{id}']}}])['NatGateways']
if not g:
    print('gone')
else:
    g = g[0]
    name = [t['Value'] for t in g.get('Tags', []) if t['Key'] == 'Name']
    print(g['State'], g['NatGatewayAddresses'][0].get('AllocationId'), g['SubnetId'], name[0] if name else '-')
"#
    ))
    .trim()
    .to_string()
}

fn remote_eip_tags(allocation: &str) -> String {
    aws(&format!(
        r#"a = ec2.describe_addresses(Filters=[{{'Name':'allocation-id','Values':['{allocation}']}}])['Addresses']
print(','.join(sorted('%s=%s' % (t['Key'], t['Value']) for t in a[0].get('Tags', []) if not t['Key'].startswith('strata:'))) if a else 'gone')
"#
    ))
    .trim()
    .to_string()
}

#[test]
fn nat_gateway_with_an_elastic_ip_in_a_public_subnet() {
    let tag = format!("nat-{}", std::process::id());
    let d =
        TempDir::with_files("aws-nat", &[("main.tf", &nat_config(&tag, "nat", "public_a", r#"{ Name = "nat-ip" }"#))]);
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("Resources: 9 added, 0 changed, 0 destroyed."), "{}", apply.stdout);
    let allocation = state_attr(&d, "aws_eip", "nat", "id");
    let nat = state_attr(&d, "aws_nat_gateway", "nat", "id");
    let subnet_a = state_attr(&d, "aws_subnet", "public_a", "id");
    assert!(allocation.starts_with("eipalloc-"), "{allocation}");
    assert_eq!(state_attr(&d, "aws_eip", "nat", "allocation_id"), allocation);
    assert_eq!(state_attr(&d, "aws_eip", "nat", "domain"), "vpc");
    let public_ip = state_attr(&d, "aws_eip", "nat", "public_ip");
    assert!(!public_ip.is_empty());
    assert_eq!(
        state_attr(&d, "aws_eip", "nat", "public_dns"),
        format!("ec2-{}.compute-1.amazonaws.com", public_ip.replace('.', "-"))
    );
    assert_eq!(state_attr(&d, "aws_nat_gateway", "nat", "public_ip"), public_ip);
    assert_eq!(state_attr(&d, "aws_nat_gateway", "nat", "connectivity_type"), "public");
    assert!(state_attr(&d, "aws_nat_gateway", "nat", "network_interface_id").starts_with("eni-"));
    assert_eq!(remote_nat(&nat), format!("available {allocation} {subnet_a} nat-ip"));
    assert_eq!(remote_eip_tags(&allocation), "Name=nat-ip");
    // The EIP was read again after the gateway associated it.
    no_changes(&d);
    assert_eq!(
        state_attr(&d, "aws_eip", "nat", "network_interface"),
        state_attr(&d, "aws_nat_gateway", "nat", "network_interface_id")
    );

    // Tags of both change in place.
    d.write("main.tf", &nat_config(&tag, "nat", "public_a", r#"{ Name = "nat-ip", Role = "egress" }"#));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_eip.nat will be updated in-place"), "{plan}");
    assert!(plan.contains("# aws_nat_gateway.nat will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_attr(&d, "aws_eip", "nat", "id"), allocation);
    assert_eq!(remote_eip_tags(&allocation), "Name=nat-ip,Role=egress");
    assert_eq!(state_attr(&d, "aws_nat_gateway", "nat", "id"), nat);
    assert_eq!(state_json(&d, "aws_nat_gateway", "nat")["tags_all"]["Role"], "egress");
    no_changes(&d);

    // Another subnet and address replace the gateway. (moto keeps a deleted
    // gateway's address associated, so the new one takes the spare address.)
    d.write("main.tf", &nat_config(&tag, "spare", "public_b", r#"{ Name = "nat-ip", Role = "egress" }"#));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_nat_gateway.nat must be replaced"), "{plan}");
    assert!(plan.contains("# forces replacement"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let replaced = state_attr(&d, "aws_nat_gateway", "nat", "id");
    let subnet_b = state_attr(&d, "aws_subnet", "public_b", "id");
    let spare = state_attr(&d, "aws_eip", "spare", "id");
    assert_ne!(replaced, nat);
    assert!(remote_nat(&nat).starts_with("deleted ") || remote_nat(&nat) == "gone", "{}", remote_nat(&nat));
    assert_eq!(remote_nat(&replaced), format!("available {spare} {subnet_b} nat-ip"));
    no_changes(&d);

    // Changes behind Strata's back: an EIP tag, then the gateway itself.
    aws(&format!("ec2.create_tags(Resources=['{allocation}'], Tags=[{{'Key':'Role','Value':'other'}}])"));
    let drift = planned_changes(&d);
    assert!(drift.contains("# aws_eip.nat will be updated in-place"), "{drift}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_eip_tags(&allocation), "Name=nat-ip,Role=egress");
    // (AWS frees a deleted gateway's address; moto needs telling.)
    aws(&format!(
        "ec2.delete_nat_gateway(NatGatewayId='{replaced}')\na = ec2.describe_addresses(AllocationIds=['{spare}'])['Addresses'][0]\nec2.disassociate_address(AssociationId=a['AssociationId'])"
    ));
    let drift = planned_changes(&d);
    assert!(drift.contains("# aws_nat_gateway.nat will be created"), "{drift}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let recreated = state_attr(&d, "aws_nat_gateway", "nat", "id");
    assert!(remote_nat(&recreated).starts_with("available "), "{}", remote_nat(&recreated));
    no_changes(&d);

    // Import by id: the allocation id, and the gateway id.
    strata_ok(&d, &["state", "rm", "aws_eip.nat", "aws_nat_gateway.nat"]);
    strata_ok(&d, &["import", "-no-color", "aws_eip.nat", &allocation]);
    strata_ok(&d, &["import", "-no-color", "aws_nat_gateway.nat", &recreated]);
    assert_eq!(state_attr(&d, "aws_nat_gateway", "nat", "allocation_id"), spare);
    assert!(state_json(&d, "aws_nat_gateway", "nat")["timeouts"].is_null());
    no_changes(&d);

    // An address released behind Strata's back is allocated again.
    aws(&format!(
        "a = ec2.describe_addresses(AllocationIds=['{allocation}'])['Addresses'][0]\nif a.get('AssociationId'):\n    ec2.disassociate_address(AssociationId=a['AssociationId'])\nec2.release_address(AllocationId='{allocation}')"
    ));
    let drift = planned_changes(&d);
    assert!(drift.contains("# aws_eip.nat will be created"), "{drift}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let reallocated = state_attr(&d, "aws_eip", "nat", "id");
    assert_ne!(reallocated, allocation);
    assert_eq!(remote_eip_tags(&reallocated), "Name=nat-ip,Role=egress");
    no_changes(&d);

    let destroy = strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(destroy.stdout.contains("Resources: 9 destroyed."), "{}", destroy.stdout);
    for address in [&allocation, &reallocated, &spare] {
        assert_eq!(remote_eip_tags(address), "gone", "{address}");
    }
    for gateway in [&nat, &replaced, &recreated] {
        let left = remote_nat(gateway);
        assert!(left == "gone" || left.starts_with("deleted "), "{gateway}: {left}");
    }
}

#[test]
fn timeouts_blocks_are_stored_checked_and_bound_the_operation() {
    let tag = format!("timeouts-{}", std::process::id());
    let config = |subnet_timeouts: &str| {
        format!(
            r#"{provider}
resource "aws_vpc" "net" {{
  cidr_block = "10.52.0.0/16"
  tags = {{ Test = "{tag}" }}
}}
resource "aws_subnet" "timed" {{
  vpc_id     = aws_vpc.net.id
  cidr_block = "10.52.1.0/24"
{subnet_timeouts}
}}
resource "aws_subnet" "untimed" {{
  vpc_id     = aws_vpc.net.id
  cidr_block = "10.52.2.0/24"
}}
"#,
            provider = provider_block(None, "us-east-1", "")
        )
    };

    // A bad duration is an error before anything is created.
    let d =
        TempDir::with_files("aws-timeouts", &[("main.tf", &config("  timeouts {\n    create = \"10 minutes\"\n  }"))]);
    let bad = strata(&d, &["plan", "-no-color"]);
    assert_eq!(bad.code, 1, "{}", bad.transcript());
    assert!(bad.stderr.contains(r#"time: unknown unit " minutes" in duration "10 minutes""#), "{}", bad.stderr);
    let text = std::fs::read_to_string(d.path().join("main.tf")).unwrap();
    let line = text.lines().position(|l| l.contains("\"10 minutes\"")).unwrap() + 1;
    assert!(bad.stderr.contains(&format!("main.tf:{line}:14")), "at the value written: {}", bad.stderr);
    // Operations the type has no timeout for are not arguments.
    d.write("main.tf", &config("  timeouts {\n    update = \"5m\"\n  }"));
    let unsupported = strata(&d, &["plan", "-no-color"]);
    assert_eq!(unsupported.code, 1, "{}", unsupported.transcript());
    assert!(unsupported.stderr.contains("Unsupported argument"), "{}", unsupported.stderr);

    // Stored as configured (null without a block); no perpetual diff.
    d.write("main.tf", &config("  timeouts {\n    create = \"5m\"\n    delete = \"1h30m\"\n  }"));
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let timed = state_json(&d, "aws_subnet", "timed");
    assert_eq!(timed["timeouts"], serde_json::json!({"create": "5m", "delete": "1h30m"}));
    assert!(state_json(&d, "aws_subnet", "untimed")["timeouts"].is_null());
    no_changes(&d);
    // Changing a timeout only changes the state.
    d.write("main.tf", &config("  timeouts {\n    create = \"5m\"\n  }"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_subnet.timed will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_json(&d, "aws_subnet", "timed")["timeouts"], serde_json::json!({"create": "5m", "delete": null}));
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);

    // A short create timeout ends the wait for a VPC that never appears
    // (without it the attach would be retried for two minutes).
    let missing_vpc = format!(
        r#"{provider}
resource "aws_internet_gateway" "gw" {{
  vpc_id = "vpc-0123456789abcdef0"
  tags   = {{ Test = "{tag}" }}
  timeouts {{
    create = "2s"
  }}
}}
"#,
        provider = provider_block(None, "us-east-1", "")
    );
    let d = TempDir::with_files("aws-timeouts-short", &[("main.tf", &missing_vpc)]);
    let started = Instant::now();
    let failed = strata(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(failed.code, 1, "{}", failed.transcript());
    assert!(failed.stderr.contains("InvalidVpcID.NotFound"), "{}", failed.stderr);
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
    aws(&format!(
        "for g in ec2.describe_internet_gateways(Filters=[{{'Name':'tag:Test','Values':['{tag}']}}])['InternetGateways']:\n    ec2.delete_internet_gateway(InternetGatewayId=g['InternetGatewayId'])"
    ));
}
