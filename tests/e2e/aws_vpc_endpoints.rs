//! `aws_vpc_endpoint` and data `aws_vpc_endpoint_service`, the classic
//! `aws_security_group_rule`, and `aws_vpc_block_public_access_options`/
//! `_exclusion` against moto: create, read back, plan clean, update in
//! place, replace, drift (objects deleted by hand), import, destroy; and
//! the endpoints written as terraform-aws-modules/vpc's
//! `modules/vpc-endpoints` and `examples/complete` write them.
//!
//! What moto (5.x) lacks, and real AWS adds: moto ignores an endpoint's
//! `DnsOptions`, `IpAddressType` and `SubnetConfigurations` (its network
//! interfaces get random addresses and it reports no DNS options), every
//! endpoint is `available` at once (real AWS is `pending` for a while,
//! which the provider waits out), and moto has no VPC Block Public Access
//! API at all: those types are tested up to the plan, and their apply is
//! shown to reach the API.

use crate::aws_support::*;
use crate::moto::aws;
use crate::support::*;

/// A VPC with two subnets, two route tables and a security group, in `region`.
fn network(tag: &str, cidr16: u8) -> String {
    format!(
        r#"
resource "aws_vpc" "v" {{
  cidr_block           = "10.{cidr16}.0.0/16"
  enable_dns_hostnames = true
  tags                 = {{ Test = "{tag}" }}
}}

resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.{cidr16}.1.0/24"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_subnet" "b" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.{cidr16}.2.0/24"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_route_table" "one" {{
  vpc_id = aws_vpc.v.id
  tags   = {{ Test = "{tag}" }}
}}

resource "aws_route_table" "two" {{
  vpc_id = aws_vpc.v.id
  tags   = {{ Test = "{tag}" }}
}}

resource "aws_security_group" "endpoints" {{
  name   = "endpoints-{tag}"
  vpc_id = aws_vpc.v.id
  tags   = {{ Test = "{tag}" }}
}}
"#
    )
}

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"dynamodb:*","Resource":"*"}]}"#;
/// What `ALLOW_ALL` means, written another way.
const ALLOW_ALL_AGAIN: &str = "{\n  \"Statement\": [\n    {\"Resource\": [\"*\"], \"Action\": [\"dynamodb:*\"], \"Principal\": {\"AWS\": \"*\"}, \"Effect\": \"Allow\"}\n  ],\n  \"Version\": \"2012-10-17\"\n}";
const DENY_DELETES: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"dynamodb:DeleteTable","Resource":"*"}]}"#;

fn endpoints_config(tag: &str, tables: &str, policy: &str, env: &str, interface_service: &str) -> String {
    format!(
        r#"{provider}{network}
data "aws_vpc_endpoint_service" "dynamodb" {{
  service      = "dynamodb"
  service_type = "Gateway"
}}

resource "aws_vpc_endpoint" "gateway" {{
  vpc_id          = aws_vpc.v.id
  service_name    = data.aws_vpc_endpoint_service.dynamodb.service_name
  route_table_ids = [{tables}]
  policy          = jsonencode(jsondecode({policy:?}))
  tags            = {{ Test = "{tag}", Env = "{env}" }}
}}

resource "aws_vpc_endpoint" "interface" {{
  vpc_id              = aws_vpc.v.id
  service_name        = "com.amazonaws.us-east-1.{interface_service}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.a.id, aws_subnet.b.id]
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
  tags                = {{ Test = "{tag}" }}
}}
"#,
        provider = provider_block(None, "us-east-1", "  default_tags {\n    tags = { Team = \"net\" }\n  }\n"),
        network = network(tag, 90),
    )
}

fn remote_endpoint(id: &str, field: &str) -> String {
    aws_in(
        "us-east-1",
        &format!("e = ec2.describe_vpc_endpoints(VpcEndpointIds=['{id}'])['VpcEndpoints'][0]\nv = e.get('{field}')\nprint(' '.join(sorted(v)) if isinstance(v, list) else v)"),
    )
    .trim()
    .to_string()
}

fn live_endpoints(tag: &str) -> usize {
    let out = aws_in(
        "us-east-1",
        &format!("r = ec2.describe_vpc_endpoints(Filters=[{{'Name':'tag:Test','Values':['{tag}']}}])['VpcEndpoints']\nprint(len([e for e in r if e['State'].lower() != 'deleted']))"),
    );
    out.trim().parse().expect("a count")
}

#[test]
fn gateway_and_interface_endpoints_lifecycle() {
    let tag = format!("vpce-{}", std::process::id());
    let one = "aws_route_table.one.id";
    let both = "aws_route_table.one.id, aws_route_table.two.id";
    let d = TempDir::with_files("aws-vpce", &[("main.tf", &endpoints_config(&tag, both, ALLOW_ALL, "dev", "ecs"))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let gw = state_json(&d, "aws_vpc_endpoint", "gateway");
    let id = gw["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("vpce-"), "{gw:#}");
    assert_eq!(gw["vpc_endpoint_type"], "Gateway", "the type's default");
    assert_eq!(gw["service_name"], "com.amazonaws.us-east-1.dynamodb");
    assert_eq!(gw["state"], "available");
    assert!(gw["arn"].as_str().unwrap().ends_with(&format!(":vpc-endpoint/{id}")), "{gw:#}");
    assert_eq!(gw["route_table_ids"].as_array().map(Vec::len), Some(2));
    assert!(gw["prefix_list_id"].as_str().unwrap().starts_with("pl-"), "the service's managed prefix list: {gw:#}");
    assert_eq!(gw["tags_all"], serde_json::json!({"Env": "dev", "Team": "net", "Test": tag}), "default_tags");
    assert_eq!(gw["tags"], serde_json::json!({"Env": "dev", "Test": tag}));
    // The policy is stored normalized, and means what was written.
    let stored: serde_json::Value = serde_json::from_str(gw["policy"].as_str().unwrap()).unwrap();
    assert_eq!(stored, serde_json::from_str::<serde_json::Value>(ALLOW_ALL).unwrap());
    let table = state_id(&d, "aws_route_table", "one");
    assert!(
        remote_routes(&table).iter().any(|r| r.contains(&id)),
        "the gateway endpoint routes the table to the service: {:?}",
        remote_routes(&table)
    );
    let ep = state_json(&d, "aws_vpc_endpoint", "interface");
    let iface = ep["id"].as_str().unwrap().to_string();
    assert_eq!(ep["network_interface_ids"].as_array().map(Vec::len), Some(2), "one per subnet: {ep:#}");
    assert_eq!(ep["subnet_configuration"].as_array().map(Vec::len), Some(2), "read from the interfaces: {ep:#}");
    assert!(ep["dns_entry"].as_array().is_some_and(|e| !e.is_empty()), "{ep:#}");
    assert_eq!(ep["private_dns_enabled"], true);
    let all = state(&d);
    let svc = &all["resources"].as_array().unwrap().iter().find(|r| r["type"] == "aws_vpc_endpoint_service").unwrap()
        ["instances"][0]["attributes"];
    assert_eq!(svc["service_type"], "Gateway");
    assert_eq!(svc["id"], crc32("com.amazonaws.us-east-1.dynamodb").as_str());
    // The route table does not claim the endpoint's route.
    no_changes(&d);

    // The same policy written another way: nothing to do.
    d.write("main.tf", &endpoints_config(&tag, both, ALLOW_ALL_AGAIN, "dev", "ecs"));
    no_changes(&d);

    // A route table less, another policy and tags change in place. (moto
    // neither adds nor removes the routes of tables added or removed
    // later, and then fails deleting the endpoint: so the test removes one.)
    d.write("main.tf", &endpoints_config(&tag, one, DENY_DELETES, "prod", "ecs"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_vpc_endpoint.gateway will be updated in-place"), "{plan}");
    assert!(!plan.contains("# aws_vpc_endpoint.interface"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_id(&d, "aws_vpc_endpoint", "gateway"), id);
    assert_eq!(remote_endpoint(&id, "RouteTableIds"), state_id(&d, "aws_route_table", "one"));
    assert!(remote_endpoint(&id, "PolicyDocument").contains("dynamodb:DeleteTable"));
    no_changes(&d);

    // Another service replaces the interface endpoint.
    d.write("main.tf", &endpoints_config(&tag, one, DENY_DELETES, "prod", "ecr.api"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_vpc_endpoint.interface must be replaced"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let iface2 = state_id(&d, "aws_vpc_endpoint", "interface");
    assert_ne!(iface2, iface);
    assert_eq!(live_endpoints(&tag), 2, "the old interface endpoint is gone");
    no_changes(&d);

    // Drift: the gateway endpoint deleted by hand is created again.
    aws_in("us-east-1", &format!("ec2.delete_vpc_endpoints(VpcEndpointIds=['{id}'])"));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("aws_vpc_endpoint.gateway"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_vpc_endpoint.gateway will be created"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Import by id (and `ID@REGION`).
    let id = state_id(&d, "aws_vpc_endpoint", "gateway");
    strata_ok(&d, &["state", "rm", "aws_vpc_endpoint.gateway", "aws_vpc_endpoint.interface"]);
    strata_ok(&d, &["import", "-no-color", "aws_vpc_endpoint.gateway", &id]);
    strata_ok(&d, &["import", "-no-color", "aws_vpc_endpoint.interface", &format!("{iface2}@us-east-1")]);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(live_endpoints(&tag), 0);
    assert_eq!(count_tagged("vpcs", &tag), 0);
}

#[test]
fn an_unmanaged_endpoint_is_listed_and_a_missing_service_is_an_error() {
    let tag = format!("vpce-unmanaged-{}", std::process::id());
    let region = "ap-south-1";
    let d = TempDir::with_files(
        "aws-vpce-unmanaged",
        &[(
            "main.tf",
            &format!(
                "{}resource \"aws_vpc\" \"v\" {{\n  cidr_block = \"10.91.0.0/16\"\n  tags = {{ Test = \"{tag}\" }}\n}}\n\nresource \"aws_vpc_endpoint\" \"s3\" {{\n  vpc_id       = aws_vpc.v.id\n  service_name = \"com.amazonaws.{region}.s3\"\n}}\n",
                provider_block(None, region, "")
            ),
        )],
    );
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let vpc = state_id(&d, "aws_vpc", "v");
    let made = aws_in(
        region,
        &format!("print(ec2.create_vpc_endpoint(VpcId='{vpc}', ServiceName='com.amazonaws.{region}.s3', VpcEndpointType='Gateway')['VpcEndpoint']['VpcEndpointId'])"),
    );
    let made = made.trim();
    let out = strata(&d, &["drift", "-unmanaged", "-json"]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let listed: Vec<&serde_json::Value> =
        report["unmanaged"].as_array().unwrap().iter().filter(|o| o["type"] == "aws_vpc_endpoint").collect();
    assert_eq!(listed.len(), 1, "only the one made by hand: {}", out.stdout);
    assert_eq!(listed[0]["id"], made);
    assert_ne!(state_id(&d, "aws_vpc_endpoint", "s3"), made);

    // A service that does not exist: the provider's words.
    d.write(
        "main.tf",
        &format!(
            "{}data \"aws_vpc_endpoint_service\" \"none\" {{\n  service_name = \"com.amazonaws.{region}.no-such-service\"\n}}\n",
            provider_block(None, region, "")
        ),
    );
    let plan = strata(&d, &["plan", "-no-color"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(plan.stderr.contains("reading EC2 VPC Endpoint Services"), "{}", plan.stderr);
    aws_in(region, &format!("ec2.delete_vpc_endpoints(VpcEndpointIds=['{made}'])"));
    d.write("main.tf", &provider_block(None, region, ""));
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
}

fn rules_config(tag: &str, description: &str, port: u16) -> String {
    format!(
        r#"{}
resource "aws_vpc" "v" {{
  cidr_block = "10.92.0.0/16"
  tags       = {{ Test = "{tag}" }}
}}

resource "aws_security_group" "app" {{
  name   = "app-{tag}"
  vpc_id = aws_vpc.v.id
  tags   = {{ Test = "{tag}" }}
}}

resource "aws_security_group" "lb" {{
  name   = "lb-{tag}"
  vpc_id = aws_vpc.v.id
  tags   = {{ Test = "{tag}" }}
}}

resource "aws_security_group_rule" "https" {{
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  protocol          = "6"
  from_port         = {port}
  to_port           = {port}
  cidr_blocks       = ["10.92.0.0/16", "10.0.0.0/8"]
  description       = "{description}"
}}

resource "aws_security_group_rule" "from_lb" {{
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  protocol                 = "tcp"
  from_port                = 8080
  to_port                  = 8080
  source_security_group_id = aws_security_group.lb.id
}}

resource "aws_security_group_rule" "all_out" {{
  type              = "egress"
  security_group_id = aws_security_group.app.id
  protocol          = "all"
  from_port         = 0
  to_port           = 65535
  self              = true
}}
"#,
        provider_block(None, "us-east-1", "")
    )
}

/// Terraform's `hashcode.String` (CRC-32), computed by Python's zlib.
fn crc32(text: &str) -> String {
    aws(&format!("import zlib\nprint(zlib.crc32({text:?}.encode()))")).trim().to_string()
}

#[test]
fn classic_security_group_rules_lifecycle() {
    let tag = format!("sgrule-{}", std::process::id());
    let d = TempDir::with_files("aws-sgrule", &[("main.tf", &rules_config(&tag, "HTTPS", 443))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let app = state_id(&d, "aws_security_group", "app");
    let lb = state_id(&d, "aws_security_group", "lb");
    let https = state_json(&d, "aws_security_group_rule", "https");
    // The provider's id: the hash of group, ports, protocol, type and sorted CIDRs.
    let expected = format!("sgrule-{}", crc32(&format!("{app}-443-443-tcp-ingress-10.0.0.0/8-10.92.0.0/16-")));
    assert_eq!(https["id"], expected.as_str(), "{https:#}");
    assert_eq!(https["protocol"], "tcp", "stored in normal form");
    assert_eq!(https["self"], false);
    let from_lb = state_id(&d, "aws_security_group_rule", "from_lb");
    assert_eq!(from_lb, format!("sgrule-{}", crc32(&format!("{app}-8080-8080-tcp-ingress-{lb}--"))));
    assert_eq!(
        state_id(&d, "aws_security_group_rule", "all_out"),
        format!("sgrule-{}", crc32(&format!("{app}--1-egress-{app}--")))
    );
    let rules = remote_rules(&app);
    for want in [
        "in tcp 443-443 10.0.0.0/8",
        "in tcp 443-443 10.92.0.0/16",
        &format!("in tcp 8080-8080 {lb}") as &str,
        "out -1 0-0 self",
    ] {
        assert!(rules.iter().any(|r| r == want), "{want} in {rules:?}");
    }
    assert!(!rules.iter().any(|r| r.contains("0.0.0.0/0")), "the group's default egress is gone: {rules:?}");
    // The group reads the rules into its own `ingress`/`egress` and leaves them be.
    no_changes(&d);

    // The description changes in place; a port replaces the rule.
    d.write("main.tf", &rules_config(&tag, "HTTPS from the VPC", 443));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_security_group_rule.https will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_attr(&d, "aws_security_group_rule", "https", "description"), "HTTPS from the VPC");
    no_changes(&d);
    d.write("main.tf", &rules_config(&tag, "HTTPS from the VPC", 8443));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_security_group_rule.https must be replaced"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let rules = remote_rules(&app);
    assert!(rules.iter().any(|r| r == "in tcp 8443-8443 10.0.0.0/8"), "{rules:?}");
    assert!(!rules.iter().any(|r| r.contains("443-443")), "{rules:?}");
    no_changes(&d);

    // Drift: one CIDR of the rule revoked by hand makes the rule gone.
    aws_in(
        "us-east-1",
        &format!("ec2.revoke_security_group_ingress(GroupId='{app}', IpPermissions=[{{'IpProtocol':'tcp','FromPort':8443,'ToPort':8443,'IpRanges':[{{'CidrIp':'10.0.0.0/8'}}]}}])"),
    );
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("aws_security_group_rule.https"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_security_group_rule.https will be created"), "{plan}");
    // Authorizing it again while one CIDR is still there would be refused
    // as a duplicate, by AWS as by Terraform: revoke the rest first.
    aws_in(
        "us-east-1",
        &format!("ec2.revoke_security_group_ingress(GroupId='{app}', IpPermissions=[{{'IpProtocol':'tcp','FromPort':8443,'ToPort':8443,'IpRanges':[{{'CidrIp':'10.92.0.0/16'}}]}}])"),
    );
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(remote_rules(&app).iter().any(|r| r == "in tcp 8443-8443 10.0.0.0/8"));
    no_changes(&d);

    // Import in the provider's format; the id comes back as the hash.
    let id = state_id(&d, "aws_security_group_rule", "from_lb");
    strata_ok(&d, &["state", "rm", "aws_security_group_rule.from_lb", "aws_security_group_rule.all_out"]);
    strata_ok(
        &d,
        &["import", "-no-color", "aws_security_group_rule.from_lb", &format!("{app}_ingress_tcp_8080_8080_{lb}")],
    );
    strata_ok(
        &d,
        &["import", "-no-color", "aws_security_group_rule.all_out", &format!("{app}_egress_all_0_65535_self")],
    );
    assert_eq!(state_id(&d, "aws_security_group_rule", "from_lb"), id);
    no_changes(&d);
    let bad = strata(&d, &["import", "-no-color", "aws_security_group_rule.from_lb", "sg-1_ingress_tcp"]);
    assert_ne!(bad.code, 0);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(count_tagged("security_groups", &tag), 0);
}

#[test]
fn classic_rules_are_validated_as_the_provider_does() {
    let d = TempDir::with_files(
        "aws-sgrule-validate",
        &[(
            "main.tf",
            &format!(
                "{}resource \"aws_security_group_rule\" \"r\" {{\n  type              = \"inbound\"\n  security_group_id = \"sg-1\"\n  protocol          = \"tcp\"\n  from_port         = 1\n  to_port           = 2\n  cidr_blocks       = [\"10.0.0.0/8\"]\n  self              = true\n}}\n",
                provider_block(None, "us-east-1", "")
            ),
        )],
    );
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("expected type to be one of [\"ingress\" \"egress\"], got inbound"), "{}", out.stderr);
    assert!(out.stderr.contains("\"cidr_blocks\": conflicts with self"), "{}", out.stderr);
}

/// The endpoints as `modules/vpc-endpoints` writes them, called as
/// `examples/complete` calls it (gateway DynamoDB, interface S3 and ECS,
/// one endpoint switched off), with its security group and classic rule.
fn module_style(tag: &str, ecs_subnet_configurations: &str) -> String {
    format!(
        r#"{provider}
locals {{
  region = "eu-west-1"
  tags   = {{ Example = "{tag}" }}

  security_group_rules = {{
    ingress_https = {{
      description = "HTTPS from VPC"
      cidr_blocks = [aws_vpc.v.cidr_block]
    }}
  }}

  input = {{
    s3 = {{
      service             = "s3"
      private_dns_enabled = true
      tags                = {{ Name = "s3-vpc-endpoint" }}
    }},
    dynamodb = {{
      service         = "dynamodb"
      service_type    = "Gateway"
      route_table_ids = [aws_route_table.private.id]
      policy          = data.aws_iam_policy_document.dynamodb_endpoint_policy.json
      tags            = {{ Name = "dynamodb-vpc-endpoint" }}
    }},
    ecs = {{
      service               = "ecs"
      private_dns_enabled   = true
      subnet_ids            = [aws_subnet.a.id, aws_subnet.b.id]
      subnet_configurations = {ecs_subnet_configurations}
    }},
    ecs_telemetry = {{
      create              = false
      service             = "ecs-telemetry"
      private_dns_enabled = true
    }},
  }}

  endpoints          = {{ for k, v in local.input : k => v if try(v.create, true) }}
  security_group_ids = concat(var.security_group_ids, [aws_security_group.this[0].id])
}}

variable "region" {{
  type    = string
  default = null
}}

variable "security_group_ids" {{
  type    = list(string)
  default = []
}}

variable "subnet_ids" {{
  type    = list(string)
  default = []
}}

variable "timeouts" {{
  type    = map(string)
  default = {{}}
}}

resource "aws_vpc" "v" {{
  cidr_block           = "10.93.0.0/16"
  enable_dns_hostnames = true
  tags                 = local.tags
}}

resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.93.1.0/24"
  tags       = local.tags
}}

resource "aws_subnet" "b" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.93.2.0/24"
  tags       = local.tags
}}

resource "aws_route_table" "private" {{
  vpc_id = aws_vpc.v.id
  tags   = local.tags
}}

data "aws_iam_policy_document" "dynamodb_endpoint_policy" {{
  statement {{
    effect    = "Deny"
    actions   = ["dynamodb:*"]
    resources = ["*"]

    principals {{
      type        = "*"
      identifiers = ["*"]
    }}

    condition {{
      test     = "StringNotEquals"
      variable = "aws:sourceVpc"

      values = [aws_vpc.v.id]
    }}
  }}
}}

data "aws_vpc_endpoint_service" "this" {{
  for_each = {{ for k, v in local.endpoints : k => v if var.region == null }}

  service         = try(each.value.service, null)
  service_name    = try(each.value.service_name, null)
  service_regions = try([each.value.service_region], null)

  filter {{
    name   = "service-type"
    values = [try(each.value.service_type, "Interface")]
  }}
}}

resource "aws_vpc_endpoint" "this" {{
  for_each = local.endpoints

  region = var.region

  vpc_id            = aws_vpc.v.id
  service_name      = try(each.value.service_endpoint, data.aws_vpc_endpoint_service.this[each.key].service_name)
  service_region    = try(each.value.service_region, null)
  vpc_endpoint_type = try(each.value.service_type, "Interface")
  auto_accept       = try(each.value.auto_accept, null)

  security_group_ids  = try(each.value.service_type, "Interface") == "Interface" ? length(distinct(concat(local.security_group_ids, lookup(each.value, "security_group_ids", [])))) > 0 ? distinct(concat(local.security_group_ids, lookup(each.value, "security_group_ids", []))) : null : null
  subnet_ids          = try(each.value.service_type, "Interface") == "Interface" ? distinct(concat(var.subnet_ids, lookup(each.value, "subnet_ids", []))) : null
  route_table_ids     = try(each.value.service_type, "Interface") == "Gateway" ? lookup(each.value, "route_table_ids", null) : null
  policy              = try(each.value.policy, null)
  private_dns_enabled = try(each.value.service_type, "Interface") == "Interface" ? try(each.value.private_dns_enabled, null) : null
  ip_address_type     = try(each.value.ip_address_type, null)

  dynamic "dns_options" {{
    for_each = try([each.value.dns_options], [])

    content {{
      dns_record_ip_type                             = try(dns_options.value.dns_options.dns_record_ip_type, null)
      private_dns_only_for_inbound_resolver_endpoint = try(dns_options.value.private_dns_only_for_inbound_resolver_endpoint, null)
    }}
  }}

  dynamic "subnet_configuration" {{
    for_each = try(each.value.subnet_configurations, [])

    content {{
      ipv4      = try(subnet_configuration.value.ipv4, null)
      ipv6      = try(subnet_configuration.value.ipv6, null)
      subnet_id = try(subnet_configuration.value.subnet_id, null)
    }}
  }}

  tags = merge(
    local.tags,
    {{ "Name" = replace(each.key, ".", "-") }},
    try(each.value.tags, {{}}),
  )

  timeouts {{
    create = try(var.timeouts.create, "10m")
    update = try(var.timeouts.update, "10m")
    delete = try(var.timeouts.delete, "10m")
  }}
}}

resource "aws_security_group" "this" {{
  count = 1

  region = var.region

  name        = null
  name_prefix = "{tag}-vpc-endpoints-"
  description = "VPC endpoint security group"
  vpc_id      = aws_vpc.v.id

  tags = merge(local.tags, {{ "Name" = try(coalesce(null, "{tag}-vpc-endpoints-"), "") }})

  lifecycle {{
    create_before_destroy = true
  }}
}}

resource "aws_security_group_rule" "this" {{
  for_each = {{ for k, v in local.security_group_rules : k => v }}

  region = var.region

  security_group_id = aws_security_group.this[0].id
  protocol          = try(each.value.protocol, "tcp")
  from_port         = try(each.value.from_port, 443)
  to_port           = try(each.value.to_port, 443)
  type              = try(each.value.type, "ingress")

  description              = try(each.value.description, null)
  cidr_blocks              = lookup(each.value, "cidr_blocks", null)
  ipv6_cidr_blocks         = lookup(each.value, "ipv6_cidr_blocks", null)
  prefix_list_ids          = lookup(each.value, "prefix_list_ids", null)
  self                     = try(each.value.self, null)
  source_security_group_id = lookup(each.value, "source_security_group_id", null)
}}

output "endpoints" {{
  value = {{ for k, v in aws_vpc_endpoint.this : k => v.id }}
}}
"#,
        provider = provider_block(None, "eu-west-1", ""),
    )
}

#[test]
fn endpoints_written_as_the_vpc_modules_examples_write_them() {
    let tag = format!("ex-vpce-{}", std::process::id());
    let d = TempDir::with_files("aws-vpce-module", &[("main.tf", &module_style(&tag, "[]"))]);
    strata_ok(&d, &["validate", "-no-color"]);
    let plan = planned_changes(&d);
    for key in ["s3", "dynamodb", "ecs"] {
        assert!(plan.contains(&format!("# aws_vpc_endpoint.this[\"{key}\"] will be created")), "{key}: {plan}");
    }
    assert!(!plan.contains("ecs_telemetry"), "create = false: {plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let state = state(&d);
    let endpoint = |key: &str| {
        state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == "aws_vpc_endpoint")
            .and_then(|r| r["instances"].as_array().unwrap().iter().find(|i| i["index_key"] == key))
            .map(|i| i["attributes"].clone())
            .unwrap_or_else(|| panic!("no endpoint {key}"))
    };
    let (s3, dynamodb, ecs) = (endpoint("s3"), endpoint("dynamodb"), endpoint("ecs"));
    assert_eq!(s3["service_name"], "com.amazonaws.eu-west-1.s3");
    assert_eq!(s3["vpc_endpoint_type"], "Interface", "the service-type filter picked S3's Interface service");
    assert_eq!(s3["subnet_ids"], serde_json::json!([]));
    assert_eq!(s3["tags"]["Name"], "s3-vpc-endpoint");
    assert_eq!(dynamodb["vpc_endpoint_type"], "Gateway");
    assert_eq!(dynamodb["private_dns_enabled"], false);
    assert!(dynamodb["policy"].as_str().unwrap().contains("aws:sourceVpc"), "{dynamodb:#}");
    assert_eq!(ecs["subnet_ids"].as_array().map(Vec::len), Some(2));
    assert_eq!(ecs["timeouts"], serde_json::json!({"create": "10m", "update": "10m", "delete": "10m"}));
    let group = state_id(&d, "aws_security_group", "this");
    assert_eq!(ecs["security_group_ids"], serde_json::json!([group]));
    // The group, read again after its rule was made, has it in `ingress`.
    let sg = state_json(&d, "aws_security_group", "this");
    assert_eq!(sg["ingress"][0]["cidr_blocks"], serde_json::json!(["10.93.0.0/16"]), "{sg:#}");
    assert_eq!(sg["ingress"][0]["from_port"], 443);
    no_changes(&d);

    // `subnet_configurations` as examples/complete writes them, naming the
    // addresses the interfaces have (moto picks them; real AWS takes the
    // configured ones): plans clean too.
    let configs: Vec<String> = ecs["subnet_configuration"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let subnet = c["subnet_id"].as_str().unwrap();
            let which = if subnet == state_id(&d, "aws_subnet", "a") { "a" } else { "b" };
            format!("{{ ipv4 = {:?}, subnet_id = aws_subnet.{which}.id }}", c["ipv4"].as_str().unwrap())
        })
        .collect();
    assert_eq!(configs.len(), 2);
    d.write("main.tf", &module_style(&tag, &format!("[{}]", configs.join(", "))));
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let left = aws_in(
        "eu-west-1",
        &format!("r = ec2.describe_vpc_endpoints(Filters=[{{'Name':'tag:Example','Values':['{tag}']}}])['VpcEndpoints']\nprint(len([e for e in r if e['State'].lower() != 'deleted']))"),
    );
    assert_eq!(left.trim(), "0");
    assert_eq!(count_tagged_in("eu-west-1", "vpcs", &tag), 0);
}

fn block_public_access(mode: &str, exclusion_target: &str) -> String {
    format!(
        r#"{}
resource "aws_vpc" "v" {{
  cidr_block = "10.94.0.0/16"
}}

resource "aws_vpc_block_public_access_options" "this" {{
  region                      = null
  internet_gateway_block_mode = "{mode}"
}}

resource "aws_vpc_block_public_access_exclusion" "this" {{
  region                          = null
  {exclusion_target}
  internet_gateway_exclusion_mode = "allow-bidirectional"
  tags                            = {{ Name = "exclude-vpc" }}
}}
"#,
        // moto answers the unknown action with a server error, which the
        // SDK would retry for minutes: once is enough here.
        provider_block(None, "ca-central-1", "  max_retries = 0\n")
    )
}

#[test]
fn block_public_access_validates_and_plans_as_the_module_writes_it() {
    // Exactly one of `vpc_id` and `subnet_id`; the modes' values.
    let d = TempDir::with_files(
        "aws-bpa",
        &[("main.tf", &block_public_access("block-everything", "vpc_id = \"vpc-1\"\n  subnet_id = \"subnet-1\""))],
    );
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(
        out.stderr.contains("2 attributes specified when one (and only one) of [subnet_id,vpc_id] is required"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("internet_gateway_block_mode value must be one of"), "{}", out.stderr);

    d.write("main.tf", &block_public_access("block-bidirectional", "vpc_id = aws_vpc.v.id"));
    strata_ok(&d, &["validate", "-no-color"]);
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_vpc_block_public_access_options.this will be created"), "{plan}");
    assert!(plan.contains("# aws_vpc_block_public_access_exclusion.this will be created"), "{plan}");
    assert!(plan.contains("internet_gateway_block_mode = \"block-bidirectional\""), "{plan}");
    assert!(plan.contains("aws_account_id              = (known after apply)"), "{plan}");
    assert!(plan.contains("resource_arn                    = (known after apply)"), "{plan}");
    assert!(plan.contains("tags_all                        = {"), "{plan}");

    // moto has no VPC Block Public Access API: the apply reaches it and
    // fails there. Real AWS sets the mode, waits for `update-complete`,
    // and the exclusion for `create-complete`.
    let apply =
        strata(&d, &["apply", "-auto-approve", "-no-color", "-target", "aws_vpc_block_public_access_options.this"]);
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(apply.stderr.contains("creating VPC Block Public Access Options"), "{}", apply.stderr);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}
