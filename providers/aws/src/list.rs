//! Listing every object of a type in the configured account and region,
//! for `strata drift -unmanaged`: VPCs, subnets, internet gateways,
//! security groups, route tables, network ACLs, Elastic IPs, NAT
//! gateways, VPC endpoints, the RDS, ElastiCache and Redshift subnet
//! groups, and CloudWatch Logs log groups. Objects AWS makes by itself are left out, as Terraform
//! models them with `aws_default_*` types: default VPCs, their
//! default subnets and internet gateway, every VPC's `default` security
//! group, main route table and default network ACL.

use crate::client::{aws_error, Aws, AwsError};
use crate::vpc::{filter, tag_pairs};
use aws_sdk_ec2::types::{NatGateway, NatGatewayState, Tag};
use std::collections::BTreeSet;
use strata_provider::{ListedObject, ProviderDiagnostic};

/// The listable types; `None` for any other.
pub fn list(aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
    let listed = match type_name {
        "aws_vpc" => vpcs(aws).map_err(|e| e.into_diag("listing EC2 VPCs")),
        "aws_subnet" => subnets(aws).map_err(|e| e.into_diag("listing EC2 Subnets")),
        "aws_internet_gateway" => internet_gateways(aws).map_err(|e| e.into_diag("listing EC2 Internet Gateways")),
        "aws_security_group" => security_groups(aws).map_err(|e| e.into_diag("listing Security Groups")),
        "aws_route_table" => route_tables(aws).map_err(|e| e.into_diag("listing Route Tables")),
        "aws_network_acl" => network_acls(aws).map_err(|e| e.into_diag("listing EC2 Network ACLs")),
        "aws_eip" => addresses(aws).map_err(|e| e.into_diag("listing EC2 EIPs")),
        "aws_nat_gateway" => nat_gateways(aws).map_err(|e| e.into_diag("listing EC2 NAT Gateways")),
        "aws_egress_only_internet_gateway" => {
            egress_only_gateways(aws).map_err(|e| e.into_diag("listing EC2 Egress-only Internet Gateways"))
        }
        "aws_vpc_dhcp_options" => dhcp_options(aws).map_err(|e| e.into_diag("listing EC2 DHCP Options Sets")),
        "aws_customer_gateway" => customer_gateways(aws).map_err(|e| e.into_diag("listing EC2 Customer Gateways")),
        "aws_vpn_gateway" => vpn_gateways(aws).map_err(|e| e.into_diag("listing EC2 VPN Gateways")),
        "aws_flow_log" => flow_logs(aws).map_err(|e| e.into_diag("listing Flow Logs")),
        "aws_vpc_endpoint" => vpc_endpoints(aws).map_err(|e| e.into_diag("listing EC2 VPC Endpoints")),
        "aws_db_subnet_group" => crate::subnet_group::list(aws, crate::subnet_group::Kind::Db)
            .map_err(|e| e.into_diag("listing RDS DB Subnet Groups")),
        "aws_elasticache_subnet_group" => crate::subnet_group::list(aws, crate::subnet_group::Kind::ElastiCache)
            .map_err(|e| e.into_diag("listing ElastiCache Subnet Groups")),
        "aws_redshift_subnet_group" => crate::subnet_group::list(aws, crate::subnet_group::Kind::Redshift)
            .map_err(|e| e.into_diag("listing Redshift Subnet Groups")),
        "aws_cloudwatch_log_group" => crate::logs::list(aws),
        "aws_cloudwatch_metric_alarm" => crate::metric_alarm::list(aws),
        t if crate::elbv2::TYPES.contains(&t) => return crate::elbv2::list(aws, t),
        t if crate::family::of(t).is_some() => crate::family::of(t).expect("a family type").list(aws, t)?,
        _ => return None,
    };
    Some(listed.map(|mut objects| {
        objects.sort_by(|a, b| a.id.cmp(&b.id));
        objects
    }))
}

/// Every page of a Describe call: `page` sends one request with the token
/// and returns its items and the next token. Bounded: 1,000 pages.
fn all_pages<T>(
    aws: &Aws,
    call: &str,
    mut page: impl FnMut(Option<String>) -> Result<(Vec<T>, Option<String>), AwsError>,
) -> Result<Vec<T>, AwsError> {
    let mut out = Vec::new();
    let mut token = None;
    for _ in 0..1000 {
        aws.log_call(call);
        let (items, next) = page(token)?;
        out.extend(items);
        match next.filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    Ok(out)
}

fn listed(id: Option<&str>, tags: &[Tag]) -> Option<ListedObject> {
    Some(ListedObject { id: id?.to_string(), tags: tag_pairs(tags).into_iter().collect() })
}

fn default_vpc_ids(aws: &Aws) -> Result<BTreeSet<String>, AwsError> {
    let vpcs = all_pages(aws, "ec2:DescribeVpcs", |token| {
        let req = aws.ec2.describe_vpcs().filters(filter("is-default", "true")).set_next_token(token);
        let out = aws.block(req.send()).map_err(aws_error)?;
        Ok((out.vpcs().to_vec(), out.next_token().map(String::from)))
    })?;
    Ok(vpcs.iter().filter_map(|v| v.vpc_id().map(String::from)).collect())
}

fn vpcs(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    let vpcs = all_pages(aws, "ec2:DescribeVpcs", |token| {
        let out = aws.block(aws.ec2.describe_vpcs().set_next_token(token).send()).map_err(aws_error)?;
        Ok((out.vpcs().to_vec(), out.next_token().map(String::from)))
    })?;
    Ok(vpcs.iter().filter(|v| v.is_default() != Some(true)).filter_map(|v| listed(v.vpc_id(), v.tags())).collect())
}

fn subnets(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    let subnets = all_pages(aws, "ec2:DescribeSubnets", |token| {
        let out = aws.block(aws.ec2.describe_subnets().set_next_token(token).send()).map_err(aws_error)?;
        Ok((out.subnets().to_vec(), out.next_token().map(String::from)))
    })?;
    Ok(subnets
        .iter()
        .filter(|s| s.default_for_az() != Some(true))
        .filter_map(|s| listed(s.subnet_id(), s.tags()))
        .collect())
}

fn internet_gateways(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    let defaults = default_vpc_ids(aws)?;
    let gateways = all_pages(aws, "ec2:DescribeInternetGateways", |token| {
        let out = aws.block(aws.ec2.describe_internet_gateways().set_next_token(token).send()).map_err(aws_error)?;
        Ok((out.internet_gateways().to_vec(), out.next_token().map(String::from)))
    })?;
    Ok(gateways
        .iter()
        .filter(|g| !g.attachments().iter().any(|a| a.vpc_id().is_some_and(|v| defaults.contains(v))))
        .filter_map(|g| listed(g.internet_gateway_id(), g.tags()))
        .collect())
}

fn egress_only_gateways(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    let gateways = all_pages(aws, "ec2:DescribeEgressOnlyInternetGateways", |token| {
        let out = aws
            .block(aws.ec2.describe_egress_only_internet_gateways().set_next_token(token).send())
            .map_err(aws_error)?;
        Ok((out.egress_only_internet_gateways().to_vec(), out.next_token().map(String::from)))
    })?;
    Ok(gateways.iter().filter_map(|g| listed(g.egress_only_internet_gateway_id(), g.tags())).collect())
}

fn dhcp_options(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    let sets = all_pages(aws, "ec2:DescribeDhcpOptions", |token| {
        let out = aws.block(aws.ec2.describe_dhcp_options().set_next_token(token).send()).map_err(aws_error)?;
        Ok((out.dhcp_options().to_vec(), out.next_token().map(String::from)))
    })?;
    // The sets default VPCs use are AWS's.
    let in_default: Vec<String> = {
        aws.log_call("ec2:DescribeVpcs");
        let out = aws
            .block(aws.ec2.describe_vpcs().filters(crate::vpc::filter("is-default", "true")).send())
            .map_err(aws_error)?;
        out.vpcs().iter().filter_map(|v| v.dhcp_options_id().map(String::from)).collect()
    };
    Ok(sets
        .iter()
        .filter(|d| !d.dhcp_options_id().is_some_and(|id| in_default.iter().any(|x| x == id)))
        .filter_map(|d| listed(d.dhcp_options_id(), d.tags()))
        .collect())
}

/// Customer and VPN gateways have no pagination; deleted ones linger.
fn customer_gateways(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    aws.log_call("ec2:DescribeCustomerGateways");
    let out = aws.block(aws.ec2.describe_customer_gateways().send()).map_err(aws_error)?;
    Ok(out
        .customer_gateways()
        .iter()
        .filter(|g| !matches!(g.state(), Some("deleted" | "deleting")))
        .filter_map(|g| listed(g.customer_gateway_id(), g.tags()))
        .collect())
}

fn vpn_gateways(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    aws.log_call("ec2:DescribeVpnGateways");
    let out = aws.block(aws.ec2.describe_vpn_gateways().send()).map_err(aws_error)?;
    Ok(out
        .vpn_gateways()
        .iter()
        .filter(|g| !matches!(g.state().map(|s| s.as_str()), Some("deleted" | "deleting")))
        .filter_map(|g| listed(g.vpn_gateway_id(), g.tags()))
        .collect())
}

fn flow_logs(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    let logs = all_pages(aws, "ec2:DescribeFlowLogs", |token| {
        let out = aws.block(aws.ec2.describe_flow_logs().set_next_token(token).send()).map_err(aws_error)?;
        Ok((out.flow_logs().to_vec(), out.next_token().map(String::from)))
    })?;
    Ok(logs.iter().filter_map(|f| listed(f.flow_log_id(), f.tags())).collect())
}

fn vpc_endpoints(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    let endpoints = all_pages(aws, "ec2:DescribeVpcEndpoints", |token| {
        let out = aws.block(aws.ec2.describe_vpc_endpoints().set_next_token(token).send()).map_err(aws_error)?;
        Ok((out.vpc_endpoints().to_vec(), out.next_token().map(String::from)))
    })?;
    // Deleted endpoints stay visible for a while; they are gone, not unmanaged.
    let gone = |e: &&aws_sdk_ec2::types::VpcEndpoint| {
        e.state().is_some_and(|s| matches!(s.as_str().to_ascii_lowercase().as_str(), "deleted" | "deleting"))
    };
    Ok(endpoints.iter().filter(|e| !gone(e)).filter_map(|e| listed(e.vpc_endpoint_id(), e.tags())).collect())
}

fn security_groups(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    let groups = all_pages(aws, "ec2:DescribeSecurityGroups", |token| {
        let out = aws.block(aws.ec2.describe_security_groups().set_next_token(token).send()).map_err(aws_error)?;
        Ok((out.security_groups().to_vec(), out.next_token().map(String::from)))
    })?;
    // Every VPC's `default` group is AWS's (Terraform's aws_default_security_group).
    Ok(groups
        .iter()
        .filter(|g| g.group_name() != Some("default"))
        .filter_map(|g| listed(g.group_id(), g.tags()))
        .collect())
}

fn route_tables(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    let tables = all_pages(aws, "ec2:DescribeRouteTables", |token| {
        let out = aws.block(aws.ec2.describe_route_tables().set_next_token(token).send()).map_err(aws_error)?;
        Ok((out.route_tables().to_vec(), out.next_token().map(String::from)))
    })?;
    // A VPC's main table is AWS's (Terraform's aws_default_route_table).
    Ok(tables
        .iter()
        .filter(|t| !t.associations().iter().any(|a| a.main() == Some(true)))
        .filter_map(|t| listed(t.route_table_id(), t.tags()))
        .collect())
}

fn network_acls(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    let acls = all_pages(aws, "ec2:DescribeNetworkAcls", |token| {
        let out = aws.block(aws.ec2.describe_network_acls().set_next_token(token).send()).map_err(aws_error)?;
        Ok((out.network_acls().to_vec(), out.next_token().map(String::from)))
    })?;
    // A VPC's default ACL is AWS's (Terraform's aws_default_network_acl).
    Ok(acls
        .iter()
        .filter(|a| a.is_default() != Some(true))
        .filter_map(|a| listed(a.network_acl_id(), a.tags()))
        .collect())
}

fn addresses(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    // DescribeAddresses has no pages: one call answers for the region.
    aws.log_call("ec2:DescribeAddresses");
    let out = aws.block(aws.ec2.describe_addresses().send()).map_err(aws_error)?;
    Ok(out.addresses().iter().filter_map(|a| listed(a.allocation_id(), a.tags())).collect())
}

fn nat_gateways(aws: &Aws) -> Result<Vec<ListedObject>, AwsError> {
    let gateways = all_pages(aws, "ec2:DescribeNatGateways", |token| {
        let out = aws.block(aws.ec2.describe_nat_gateways().set_next_token(token).send()).map_err(aws_error)?;
        Ok((out.nat_gateways().to_vec(), out.next_token().map(String::from)))
    })?;
    // Deleted gateways stay visible for a while; they are gone, not unmanaged.
    let gone = |g: &&NatGateway| matches!(g.state(), Some(NatGatewayState::Deleted | NatGatewayState::Deleting));
    Ok(gateways.iter().filter(|g| !gone(g)).filter_map(|g| listed(g.nat_gateway_id(), g.tags())).collect())
}
