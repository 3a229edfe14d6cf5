//! A state file as Terraform 1.11 with hashicorp/aws 5.x writes it (every
//! attribute the provider stores, its schema versions, `private` data and
//! `sensitive_attributes`) for a VPC, subnet, security group, internet
//! gateway, route table and association that really exist in moto: Strata
//! loads it, finds nothing changed outside (its reads give what the real
//! provider stored), plans no changes with the matching configuration, and
//! applies a tag change, writing a state Terraform would read back the same.

use crate::aws_support::provider_block;
use crate::moto::{aws, ENV};
use crate::support::{run_with, Output, TempDir};
use serde_json::{json, Value as Json};

/// `private` as the plugin SDK writes it: base64 of its JSON metadata
/// (timeouts under the SDK's fixed key, and the schema version when not 0).
const PRIVATE_SCHEMA_V1: &str = "eyJzY2hlbWFfdmVyc2lvbiI6IjEifQ==";
const PRIVATE_SUBNET: &str = "eyJlMmJmYjczMC1lY2FhLTExZTYtOGY4OC0zNDM2M2JjN2M0YzAiOnsiY3JlYXRlIjo2MDAwMDAwMDAwMDAsImRlbGV0ZSI6MTIwMDAwMDAwMDAwMH0sInNjaGVtYV92ZXJzaW9uIjoiMSJ9";
const PRIVATE_SECURITY_GROUP: &str = "eyJlMmJmYjczMC1lY2FhLTExZTYtOGY4OC0zNDM2M2JjN2M0YzAiOnsiY3JlYXRlIjo2MDAwMDAwMDAwMDAsImRlbGV0ZSI6OTAwMDAwMDAwMDAwfSwic2NoZW1hX3ZlcnNpb24iOiIxIn0=";
/// Route tables and their associations share their timeouts.
const PRIVATE_ROUTE_TABLE: &str = "eyJlMmJmYjczMC1lY2FhLTExZTYtOGY4OC0zNDM2M2JjN2M0YzAiOnsiY3JlYXRlIjozMDAwMDAwMDAwMDAsImRlbGV0ZSI6MzAwMDAwMDAwMDAwLCJ1cGRhdGUiOjEyMDAwMDAwMDAwMH19";
const PRIVATE_INTERNET_GATEWAY: &str = "eyJlMmJmYjczMC1lY2FhLTExZTYtOGY4OC0zNDM2M2JjN2M0YzAiOnsiY3JlYXRlIjoxMjAwMDAwMDAwMDAwLCJkZWxldGUiOjEyMDAwMDAwMDAwMDAsInVwZGF0ZSI6MTIwMDAwMDAwMDAwMH19";

const ACCOUNT: &str = "123456789012";

fn strata(dir: &TempDir, args: &[&str]) -> Output {
    run_with(dir.path(), args, &ENV, None)
}

fn strata_ok(dir: &TempDir, args: &[&str]) -> Output {
    let out = strata(dir, args);
    assert_eq!(out.code, 0, "strata {args:?}:\n{}", out.transcript());
    out
}

/// The objects Terraform would have created, made with boto3: a VPC with
/// DNS hostnames, a subnet, a security group with one ingress and the
/// allow-all egress rule, an internet gateway, and a route table with a
/// default route to it, associated with the subnet. Returns what the real
/// provider reads back for them.
fn create_objects(tag: &str) -> Json {
    let out = aws(&format!(
        r#"
tags = lambda name: [{{"ResourceType": name, "Tags": [{{"Key": "Name", "Value": "{tag}"}}, {{"Key": "Test", "Value": "{tag}"}}]}}]
vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16", TagSpecifications=tags("vpc"))["Vpc"]
vpc_id = vpc["VpcId"]
ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={{"Value": True}})
subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.42.1.0/24", AvailabilityZone="us-east-1a", TagSpecifications=tags("subnet"))["Subnet"]
sg_id = ec2.create_security_group(GroupName="{tag}-web", Description="web tier", VpcId=vpc_id, TagSpecifications=tags("security-group"))["GroupId"]
ec2.authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[{{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{{"CidrIp": "10.0.0.0/8", "Description": "https"}}]}}])
igw = ec2.create_internet_gateway(TagSpecifications=tags("internet-gateway"))["InternetGateway"]
igw_id = igw["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
rt_id = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=tags("route-table"))["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=rt_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
rta_id = ec2.associate_route_table(RouteTableId=rt_id, SubnetId=subnet["SubnetId"])["AssociationId"]
main_rt = ec2.describe_route_tables(Filters=[{{"Name": "vpc-id", "Values": [vpc_id]}}, {{"Name": "association.main", "Values": ["true"]}}])["RouteTables"][0]["RouteTableId"]
default_sg = ec2.describe_security_groups(Filters=[{{"Name": "vpc-id", "Values": [vpc_id]}}, {{"Name": "group-name", "Values": ["default"]}}])["SecurityGroups"][0]["GroupId"]
acl = ec2.describe_network_acls(Filters=[{{"Name": "vpc-id", "Values": [vpc_id]}}, {{"Name": "default", "Values": ["true"]}}])["NetworkAcls"][0]["NetworkAclId"]
print(json.dumps({{
  "vpc": vpc_id, "dhcp": vpc["DhcpOptionsId"], "main_rt": main_rt, "default_sg": default_sg, "acl": acl,
  "subnet": subnet["SubnetId"], "az_id": subnet["AvailabilityZoneId"],
  "hostname_type": subnet["PrivateDnsNameOptionsOnLaunch"]["HostnameType"],
  "sg": sg_id, "igw": igw_id, "igw_owner": igw.get("OwnerId", ""), "rt": rt_id, "rta": rta_id,
}}))
"#
    ));
    serde_json::from_str(out.trim()).expect("boto3 printed the ids")
}

fn tags(tag: &str) -> Json {
    json!({"Name": tag, "Test": tag})
}

fn rule(protocol: &str, port: u16, cidr: &str, description: &str) -> Json {
    json!({
        "cidr_blocks": [cidr],
        "description": description,
        "from_port": port,
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "protocol": protocol,
        "security_groups": [],
        "self": false,
        "to_port": port,
    })
}

fn instance(schema_version: u64, attributes: Json, private: &str, dependencies: &[&str]) -> Json {
    json!([{
        "schema_version": schema_version,
        "attributes": attributes,
        "sensitive_attributes": [],
        "private": private,
        "dependencies": dependencies,
    }])
}

fn resource(type_name: &str, name: &str, instances: Json) -> Json {
    json!({
        "mode": "managed",
        "type": type_name,
        "name": name,
        "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
        "instances": instances,
    })
}

/// The state file Terraform 1.11.4 with hashicorp/aws 5.x writes after
/// applying `config` to the objects `ids` names.
fn terraform_state(tag: &str, ids: &Json) -> Json {
    let id = |k: &str| ids[k].as_str().expect("an id").to_string();
    let arn = |kind: &str, k: &str| format!("arn:aws:ec2:us-east-1:{ACCOUNT}:{kind}/{}", id(k));
    let vpc = json!({
        "arn": arn("vpc", "vpc"),
        "assign_generated_ipv6_cidr_block": false,
        "cidr_block": "10.42.0.0/16",
        "default_network_acl_id": id("acl"),
        "default_route_table_id": id("main_rt"),
        "default_security_group_id": id("default_sg"),
        "dhcp_options_id": id("dhcp"),
        "enable_dns_hostnames": true,
        "enable_dns_support": true,
        "enable_network_address_usage_metrics": false,
        "id": id("vpc"),
        "instance_tenancy": "default",
        "ipv4_ipam_pool_id": null,
        "ipv4_netmask_length": null,
        "ipv6_association_id": "",
        "ipv6_cidr_block": "",
        "ipv6_cidr_block_network_border_group": "",
        "ipv6_ipam_pool_id": "",
        "ipv6_netmask_length": 0,
        "main_route_table_id": id("main_rt"),
        "owner_id": ACCOUNT,
        "tags": tags(tag),
        "tags_all": tags(tag),
    });
    let subnet = json!({
        "arn": arn("subnet", "subnet"),
        "assign_ipv6_address_on_creation": false,
        "availability_zone": "us-east-1a",
        "availability_zone_id": id("az_id"),
        "cidr_block": "10.42.1.0/24",
        "customer_owned_ipv4_pool": "",
        "enable_dns64": false,
        "enable_lni_at_device_index": 0,
        "enable_resource_name_dns_a_record_on_launch": false,
        "enable_resource_name_dns_aaaa_record_on_launch": false,
        "id": id("subnet"),
        "ipv6_cidr_block": "",
        "ipv6_cidr_block_association_id": "",
        "ipv6_native": false,
        "map_customer_owned_ip_on_launch": false,
        "map_public_ip_on_launch": false,
        "outpost_arn": "",
        "owner_id": ACCOUNT,
        "private_dns_hostname_type_on_launch": id("hostname_type"),
        "tags": tags(tag),
        "tags_all": tags(tag),
        "timeouts": null,
        "vpc_id": id("vpc"),
    });
    let security_group = json!({
        "arn": arn("security-group", "sg"),
        "description": "web tier",
        "egress": [rule("-1", 0, "0.0.0.0/0", "")],
        "id": id("sg"),
        "ingress": [rule("tcp", 443, "10.0.0.0/8", "https")],
        "name": format!("{tag}-web"),
        "name_prefix": "",
        "owner_id": ACCOUNT,
        "revoke_rules_on_delete": false,
        "tags": tags(tag),
        "tags_all": tags(tag),
        "timeouts": null,
        "vpc_id": id("vpc"),
    });
    // Unset strings of a set element are stored as "", as the SDK does.
    let default_route = json!({
        "carrier_gateway_id": "",
        "cidr_block": "0.0.0.0/0",
        "core_network_arn": "",
        "destination_prefix_list_id": "",
        "egress_only_gateway_id": "",
        "gateway_id": id("igw"),
        "ipv6_cidr_block": "",
        "local_gateway_id": "",
        "nat_gateway_id": "",
        "network_interface_id": "",
        "transit_gateway_id": "",
        "vpc_endpoint_id": "",
        "vpc_peering_connection_id": "",
    });
    let internet_gateway = json!({
        "arn": format!("arn:aws:ec2:us-east-1:{}:internet-gateway/{}", id("igw_owner"), id("igw")),
        "id": id("igw"),
        "owner_id": id("igw_owner"),
        "tags": tags(tag),
        "tags_all": tags(tag),
        "timeouts": null,
        "vpc_id": id("vpc"),
    });
    let association = json!({
        "gateway_id": "",
        "id": id("rta"),
        "route_table_id": id("rt"),
        "subnet_id": id("subnet"),
        "timeouts": null,
    });
    let route_table = json!({
        "arn": arn("route-table", "rt"),
        "id": id("rt"),
        "owner_id": ACCOUNT,
        "propagating_vgws": [],
        "route": [default_route],
        "tags": tags(tag),
        "tags_all": tags(tag),
        "timeouts": null,
        "vpc_id": id("vpc"),
    });
    json!({
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 5,
        "lineage": "3f6b2a4e-9d1c-4c55-8a0e-6f1d2b7c9e10",
        "outputs": {},
        "resources": [
            resource(
                "aws_internet_gateway",
                "gw",
                instance(0, internet_gateway, PRIVATE_INTERNET_GATEWAY, &["aws_vpc.main"]),
            ),
            resource(
                "aws_route_table",
                "public",
                instance(0, route_table, PRIVATE_ROUTE_TABLE, &["aws_internet_gateway.gw", "aws_vpc.main"]),
            ),
            resource(
                "aws_route_table_association",
                "a",
                instance(
                    0,
                    association,
                    PRIVATE_ROUTE_TABLE,
                    &["aws_internet_gateway.gw", "aws_route_table.public", "aws_subnet.a", "aws_vpc.main"],
                ),
            ),
            resource(
                "aws_security_group",
                "web",
                instance(1, security_group, PRIVATE_SECURITY_GROUP, &["aws_vpc.main"]),
            ),
            resource("aws_subnet", "a", instance(1, subnet, PRIVATE_SUBNET, &["aws_vpc.main"])),
            resource("aws_vpc", "main", instance(1, vpc, PRIVATE_SCHEMA_V1, &[])),
        ],
        "check_results": null,
    })
}

/// The configuration Terraform applied, with `vpc_name` as the VPC's Name tag.
fn config(tag: &str, vpc_name: &str) -> String {
    let provider = provider_block(None, "us-east-1", "");
    format!(
        r#"{provider}
resource "aws_vpc" "main" {{
  cidr_block           = "10.42.0.0/16"
  enable_dns_hostnames = true
  tags = {{
    Name = "{vpc_name}"
    Test = "{tag}"
  }}
}}

resource "aws_subnet" "a" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.42.1.0/24"
  availability_zone = "us-east-1a"
  tags = {{
    Name = "{tag}"
    Test = "{tag}"
  }}
}}

resource "aws_security_group" "web" {{
  name        = "{tag}-web"
  description = "web tier"
  vpc_id      = aws_vpc.main.id

  ingress {{
    description = "https"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}

  tags = {{
    Name = "{tag}"
    Test = "{tag}"
  }}
}}

resource "aws_internet_gateway" "gw" {{
  vpc_id = aws_vpc.main.id
  tags = {{
    Name = "{tag}"
    Test = "{tag}"
  }}
}}

resource "aws_route_table" "public" {{
  vpc_id = aws_vpc.main.id

  route {{
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }}

  tags = {{
    Name = "{tag}"
    Test = "{tag}"
  }}
}}

resource "aws_route_table_association" "a" {{
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.public.id
}}
"#
    )
}

fn vpc_name_tag(vpc_id: &str) -> String {
    aws(&format!(
        "vpc = ec2.describe_vpcs(VpcIds=['{vpc_id}'])['Vpcs'][0]\nprint([t['Value'] for t in vpc['Tags'] if t['Key'] == 'Name'][0])"
    ))
    .trim()
    .to_string()
}

#[test]
fn terraform_written_state_plans_no_changes_and_applies_a_tag_change() {
    let tag = format!("tfstate-{}", std::process::id());
    let ids = create_objects(&tag);
    let d = TempDir::with_files("aws-tfstate", &[("main.tf", &config(&tag, &tag))]);
    let state = terraform_state(&tag, &ids);
    d.write("terraform.tfstate", &serde_json::to_string_pretty(&state).unwrap());

    // Reads give back exactly what the real provider stored: no drift.
    let refresh = strata_ok(&d, &["plan", "-refresh-only", "-no-color"]);
    assert!(!refresh.stdout.contains("changed outside"), "drift in a Terraform-written state:\n{}", refresh.stdout);
    let plan = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "expected no changes:\n{}", plan.transcript());
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);

    // A tag change is an in-place update of the VPC alone.
    d.write("main.tf", &config(&tag, "renamed"));
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("Apply complete! Resources: 0 added, 1 changed, 0 destroyed."), "{}", apply.stdout);
    let vpc_id = ids["vpc"].as_str().expect("vpc id");
    assert_eq!(vpc_name_tag(vpc_id), "renamed");

    // The state written keeps Terraform's schema versions and private
    // data, and loads again with nothing to do.
    let written: Json =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap()).unwrap();
    assert_eq!(written["lineage"], state["lineage"]);
    for (type_name, version, private) in [
        ("aws_internet_gateway", 0, PRIVATE_INTERNET_GATEWAY),
        ("aws_route_table", 0, PRIVATE_ROUTE_TABLE),
        ("aws_route_table_association", 0, PRIVATE_ROUTE_TABLE),
        ("aws_security_group", 1, PRIVATE_SECURITY_GROUP),
        ("aws_subnet", 1, PRIVATE_SUBNET),
        ("aws_vpc", 1, PRIVATE_SCHEMA_V1),
    ] {
        let r = written["resources"].as_array().unwrap().iter().find(|r| r["type"] == type_name).unwrap();
        assert_eq!(r["instances"][0]["schema_version"], version, "{type_name}");
        assert_eq!(r["instances"][0]["private"], private, "{type_name}");
    }
    // Every attribute as Terraform wrote it, but the VPC's new Name tag,
    // and (in the updated VPC) 6.x's `region`: null, as the 5.x state did
    // not have it (null means the provider's region: no change planned).
    let mut expected = state.clone();
    for r in expected["resources"].as_array_mut().unwrap().iter_mut().filter(|r| r["type"] == "aws_vpc") {
        let attributes = &mut r["instances"][0]["attributes"];
        attributes["tags"]["Name"] = json!("renamed");
        attributes["tags_all"]["Name"] = json!("renamed");
        attributes["region"] = serde_json::Value::Null;
    }
    for r in expected["resources"].as_array().unwrap() {
        let found = written["resources"].as_array().unwrap().iter().find(|w| w["type"] == r["type"]).unwrap();
        let (want, got) = (&r["instances"][0]["attributes"], &found["instances"][0]["attributes"]);
        assert_eq!(got, want, "attributes of {}", r["type"]);
    }
    let again = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(again.code, 0, "expected no changes after the apply:\n{}", again.transcript());
}

#[test]
fn arguments_of_the_5x_schemas_are_applied_and_read_back() {
    let tag = format!("tfargs-{}", std::process::id());
    let provider = provider_block(None, "us-east-1", "");
    let tf = format!(
        r#"{provider}
resource "aws_vpc" "main" {{
  cidr_block                           = "10.43.0.0/16"
  enable_network_address_usage_metrics = true
  tags = {{
    Test = "{tag}"
  }}
}}

resource "aws_subnet" "a" {{
  vpc_id                                      = aws_vpc.main.id
  cidr_block                                  = "10.43.1.0/24"
  enable_resource_name_dns_a_record_on_launch = true
}}
"#
    );
    let d = TempDir::with_files("aws-tfargs", &[("main.tf", &tf)]);
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("Apply complete! Resources: 2 added, 0 changed, 0 destroyed."), "{}", apply.stdout);
    let seen = aws(&format!(
        r#"vpc = ec2.describe_vpcs(Filters=[{{"Name": "tag:Test", "Values": ["{tag}"]}}])["Vpcs"][0]["VpcId"]
metrics = ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableNetworkAddressUsageMetrics")["EnableNetworkAddressUsageMetrics"]["Value"]
subnet = ec2.describe_subnets(Filters=[{{"Name": "vpc-id", "Values": [vpc]}}])["Subnets"][0]
print(metrics, subnet["PrivateDnsNameOptionsOnLaunch"]["EnableResourceNameDnsARecord"])"#
    ));
    assert_eq!(seen.trim(), "True True");
    let plan = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "expected no changes:\n{}", plan.transcript());
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}

/// hashicorp/aws 6 removed `aws_eip`'s `vpc`: the attribute a 5.x state
/// still holds is dropped on load, the address plans clean, and the object
/// written by its next change has no `vpc`.
#[test]
fn a_5x_eip_with_vpc_loads_without_it() {
    let tag = format!("tfeip-{}", std::process::id());
    let provider = provider_block(None, "us-east-1", "");
    let tf = format!(
        "{provider}\nresource \"aws_eip\" \"nat\" {{\n  domain = \"vpc\"\n  tags = {{\n    Test = \"{tag}\"\n  }}\n}}\n"
    );
    let d = TempDir::with_files("aws-tfstate-eip", &[("main.tf", &tf)]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let path = d.path().join("terraform.tfstate");
    let mut state: Json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let attributes = &mut state["resources"][0]["instances"][0]["attributes"];
    assert!(attributes.get("vpc").is_none(), "6.x state has no vpc: {attributes:#}");
    attributes["vpc"] = json!(true);
    attributes.as_object_mut().unwrap().remove("region");
    state["serial"] = json!(state["serial"].as_u64().unwrap() + 1);
    std::fs::write(&path, serde_json::to_string_pretty(&state).unwrap()).unwrap();

    let plan = strata(&d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "a 5.x address plans clean:\n{}", plan.transcript());
    // A tag change rewrites the object, in the 6.x schema.
    d.write("main.tf", &tf.replace("Test = ", "Changed = \"yes\"\n    Test = "));
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", apply.stdout);
    let written: Json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let attributes = &written["resources"][0]["instances"][0]["attributes"];
    assert!(attributes.get("vpc").is_none(), "the rewritten state drops vpc: {attributes:#}");
    assert_eq!(attributes["domain"], "vpc");
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}
