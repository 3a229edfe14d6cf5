//! Data sources that call AWS: `aws_region`, `aws_caller_identity`,
//! `aws_availability_zones`, `aws_vpc`, `aws_subnets`.

use crate::client::{aws_error, Aws};
use crate::util::attrs;
use crate::util::{attr, bool_attr, map_of, nonempty, object, str_attr, string_list, strings_of};
use crate::vpc::filter;
use aws_sdk_ec2::types::Filter;
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, NestedBlock, Nesting, ProviderDiagnostic};

pub fn filter_block() -> NestedBlock {
    NestedBlock {
        nesting: Nesting::Set,
        block: Block {
            attributes: BTreeMap::from([
                ("name".to_string(), Attribute::required(Type::String)),
                ("values".to_string(), Attribute::required(Type::set(Type::String))),
            ]),
            blocks: BTreeMap::new(),
        },
        min_items: 0,
        max_items: 0,
    }
}

pub fn region_schema() -> Block {
    let oc = || Attribute::optional_computed(Type::String);
    Block {
        attributes: attrs(vec![
            ("description", Attribute::computed(Type::String)),
            ("endpoint", oc()),
            ("id", oc()),
            ("name", oc()),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn caller_identity_schema() -> Block {
    let c = || Attribute::computed(Type::String);
    Block {
        attributes: attrs(vec![("account_id", c()), ("arn", c()), ("id", c()), ("user_id", c())]),
        blocks: BTreeMap::new(),
    }
}

pub fn availability_zones_schema() -> Block {
    let list = || Attribute::computed(Type::list(Type::String));
    let set = || Attribute::optional(Type::set(Type::String));
    Block {
        attributes: attrs(vec![
            ("all_availability_zones", Attribute::optional(Type::Bool)),
            ("exclude_names", set()),
            ("exclude_zone_ids", set()),
            ("group_names", Attribute::computed(Type::set(Type::String))),
            ("id", Attribute::computed(Type::String)),
            ("names", list()),
            ("state", Attribute::optional(Type::String)),
            ("zone_ids", list()),
        ]),
        blocks: BTreeMap::from([("filter".to_string(), filter_block()), ("timeouts".to_string(), read_timeouts())]),
    }
}

pub fn vpc_schema() -> Block {
    let c = || Attribute::computed(Type::String);
    let oc = || Attribute::optional_computed(Type::String);
    Block {
        attributes: attrs(vec![
            ("arn", c()),
            ("cidr_block", oc()),
            ("cidr_block_associations", Attribute::computed(Type::list(cidr_block_association_type()))),
            ("default", Attribute::optional_computed(Type::Bool)),
            ("dhcp_options_id", oc()),
            ("enable_dns_hostnames", Attribute::computed(Type::Bool)),
            ("enable_dns_support", Attribute::computed(Type::Bool)),
            ("enable_network_address_usage_metrics", Attribute::computed(Type::Bool)),
            ("id", oc()),
            ("instance_tenancy", c()),
            ("ipv6_association_id", c()),
            ("ipv6_cidr_block", c()),
            ("main_route_table_id", c()),
            ("owner_id", c()),
            ("state", oc()),
            ("tags", Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::from([("filter".to_string(), filter_block()), ("timeouts".to_string(), read_timeouts())]),
    }
}

/// One of `aws_vpc`'s IPv4 CIDR block associations.
fn cidr_block_association_type() -> Type {
    Type::object(BTreeMap::from([
        ("association_id".to_string(), Type::String),
        ("cidr_block".to_string(), Type::String),
        ("state".to_string(), Type::String),
    ]))
}

pub fn subnets_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("id", Attribute::optional_computed(Type::String)),
            ("ids", Attribute::computed(Type::list(Type::String))),
            ("tags", Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::from([("filter".to_string(), filter_block()), ("timeouts".to_string(), read_timeouts())]),
    }
}

/// `timeouts { read }`: accepted for compatibility; reads here are bounded by the client's retries.
pub fn read_timeouts() -> NestedBlock {
    NestedBlock {
        nesting: Nesting::Single,
        block: Block { attributes: attrs(vec![("read", Attribute::optional(Type::String))]), blocks: BTreeMap::new() },
        min_items: 0,
        max_items: 0,
    }
}

pub fn read(aws: &Aws, type_name: &str, config: &Value) -> Result<Value, ProviderDiagnostic> {
    let config = &config.unmark_deep().0;
    match type_name {
        "aws_region" => region(aws, config),
        "aws_caller_identity" => caller_identity(aws),
        "aws_iam_policy" => crate::iam_instance_profile::read_policy_data(aws, config),
        "aws_iam_policy_document" => crate::policy_document::read(config),
        "aws_partition" => Ok(crate::policy_document::partition(&aws.region)),
        "aws_availability_zones" => availability_zones(aws, config),
        "aws_vpc" => vpc(aws, config),
        "aws_subnets" => subnets(aws, config),
        "aws_vpc_endpoint_service" => crate::vpc_endpoint::read_service(aws, config),
        "aws_cloudwatch_log_group" => crate::logs::read_data(aws, config),
        t if crate::family::of_data(t).is_some() => {
            crate::family::of_data(t).expect("a family data source").read_data(aws, t, config)
        }
        other => Err(ProviderDiagnostic::error(
            "Unknown data source",
            format!("The aws provider has no data source {other:?}."),
        )),
    }
}

fn region(aws: &Aws, config: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = nonempty(config, "name").unwrap_or_else(|| aws.region.clone());
    let suffix = if name.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
    let s = |x: &str| Value::string(x);
    Ok(object(
        &region_schema(),
        [
            ("description", s(region_description(&name))),
            ("endpoint", s(&format!("ec2.{name}.{suffix}"))),
            ("id", s(&name)),
            ("name", s(&name)),
        ],
    ))
}

fn region_description(name: &str) -> &'static str {
    match name {
        "us-east-1" => "US East (N. Virginia)",
        "us-east-2" => "US East (Ohio)",
        "us-west-1" => "US West (N. California)",
        "us-west-2" => "US West (Oregon)",
        "eu-west-1" => "Europe (Ireland)",
        "eu-west-2" => "Europe (London)",
        "eu-central-1" => "Europe (Frankfurt)",
        "ap-southeast-1" => "Asia Pacific (Singapore)",
        "ap-southeast-2" => "Asia Pacific (Sydney)",
        "ap-northeast-1" => "Asia Pacific (Tokyo)",
        _ => "",
    }
}

fn caller_identity(aws: &Aws) -> Result<Value, ProviderDiagnostic> {
    aws.log_call("sts:GetCallerIdentity");
    let out = aws
        .block(aws.sts.get_caller_identity().send())
        .map_err(|e| aws_error(e).into_diag("reading STS Caller Identity"))?;
    let s = |x: Option<&str>| Value::string(x.unwrap_or_default());
    Ok(object(
        &caller_identity_schema(),
        [
            ("account_id", s(out.account())),
            ("arn", s(out.arn())),
            ("id", s(out.account())),
            ("user_id", s(out.user_id())),
        ],
    ))
}

pub fn filters_of(config: &Value) -> Vec<Filter> {
    attr(config, "filter")
        .as_seq()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            Filter::builder().set_name(str_attr(f, "name")).set_values(Some(strings_of(&attr(f, "values")))).build()
        })
        .collect()
}

fn availability_zones(aws: &Aws, config: &Value) -> Result<Value, ProviderDiagnostic> {
    let mut req = aws.ec2.describe_availability_zones().set_filters(Some(filters_of(config)));
    if bool_attr(config, "all_availability_zones") == Some(true) {
        req = req.all_availability_zones(true);
    }
    if let Some(state) = nonempty(config, "state") {
        req = req.filters(filter("state", &state));
    }
    aws.log_call("ec2:DescribeAvailabilityZones");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag("reading EC2 Availability Zones"))?;
    let (exclude_names, exclude_ids) =
        (strings_of(&attr(config, "exclude_names")), strings_of(&attr(config, "exclude_zone_ids")));
    let mut zones: Vec<(String, String, String)> = out
        .availability_zones()
        .iter()
        .map(|z| {
            (
                z.zone_name().unwrap_or_default().to_string(),
                z.zone_id().unwrap_or_default().to_string(),
                z.group_name().unwrap_or_default().to_string(),
            )
        })
        .filter(|(n, i, _)| !exclude_names.contains(n) && !exclude_ids.contains(i))
        .collect();
    zones.sort();
    let groups: Vec<Value> =
        zones.iter().map(|z| Value::string(z.2.as_str())).filter(|g| g.as_str() != Some("")).collect();
    let mut v = crate::util::object(
        &availability_zones_schema(),
        [
            ("id", Value::string(aws.region.as_str())),
            ("names", string_list(zones.iter().map(|z| z.0.clone()))),
            ("zone_ids", string_list(zones.iter().map(|z| z.1.clone()))),
            ("group_names", Value::set(Type::String, groups)),
        ],
    );
    // Configured arguments are echoed back as given.
    for name in ["all_availability_zones", "exclude_names", "exclude_zone_ids", "state", "filter", "timeouts"] {
        v = crate::util::with_attr(&v, name, attr(config, name));
    }
    Ok(v)
}

fn vpc(aws: &Aws, config: &Value) -> Result<Value, ProviderDiagnostic> {
    let mut req = aws.ec2.describe_vpcs().set_filters(Some(filters_of(config)));
    for (arg, name) in
        [("id", "vpc-id"), ("cidr_block", "cidr"), ("dhcp_options_id", "dhcp-options-id"), ("state", "state")]
    {
        if let Some(v) = nonempty(config, arg) {
            req = req.filters(filter(name, &v));
        }
    }
    // As the provider does: `default = false` does not filter (it cannot
    // tell false from unset).
    if bool_attr(config, "default") == Some(true) {
        req = req.filters(filter("is-default", "true"));
    }
    for (k, v) in map_of(&attr(config, "tags")) {
        req = req.filters(filter(&format!("tag:{k}"), &v));
    }
    aws.log_call("ec2:DescribeVpcs");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag("reading EC2 VPCs"))?;
    let vpc = match out.vpcs() {
        [one] => one.clone(),
        [] => return Err(ProviderDiagnostic::error("no matching EC2 VPC found", "no matching EC2 VPC found")),
        _ => {
            return Err(ProviderDiagnostic::error(
                "multiple EC2 VPCs matched; use additional constraints to reduce matches to a single EC2 VPC",
                "multiple EC2 VPCs matched; use additional constraints to reduce matches to a single EC2 VPC",
            ))
        }
    };
    let id = vpc.vpc_id().unwrap_or_default().to_string();
    let stub = crate::util::object(&crate::vpc::schema(), [("id", Value::string(id.as_str()))]);
    let Some(r) = crate::vpc::read(aws, &stub)? else {
        return Err(ProviderDiagnostic::error(
            "no matching EC2 VPC found",
            format!("VPC {id} disappeared while being read"),
        ));
    };
    let tags = string_map_from(vpc.tags());
    let mut v = object(
        &vpc_schema(),
        [
            ("default", Value::bool(vpc.is_default().unwrap_or(false))),
            ("state", Value::string(vpc.state().map(|s| s.as_str()).unwrap_or_default())),
            ("tags", tags),
            ("filter", attr(config, "filter")),
            ("timeouts", attr(config, "timeouts")),
            ("cidr_block_associations", cidr_block_associations(&vpc)),
        ],
    );
    for name in [
        "arn",
        "cidr_block",
        "dhcp_options_id",
        "enable_dns_hostnames",
        "enable_dns_support",
        "enable_network_address_usage_metrics",
        "id",
        "instance_tenancy",
        "ipv6_association_id",
        "ipv6_cidr_block",
        "main_route_table_id",
        "owner_id",
    ] {
        v = crate::util::with_attr(&v, name, attr(&r, name));
    }
    Ok(v)
}

fn cidr_block_associations(vpc: &aws_sdk_ec2::types::Vpc) -> Value {
    let items = vpc
        .cidr_block_association_set()
        .iter()
        .map(|a| {
            let s = |x: Option<&str>| Value::string(x.unwrap_or_default());
            Value::object(
                (BTreeMap::from([
                    ("association_id".to_string(), s(a.association_id())),
                    ("cidr_block".to_string(), s(a.cidr_block())),
                    ("state".to_string(), s(a.cidr_block_state().and_then(|c| c.state()).map(|st| st.as_str()))),
                ]))
                .into(),
            )
        })
        .collect();
    Value::list(cidr_block_association_type(), items)
}

/// The ids of every subnet matching the `filter` blocks and `tags`, in
/// the order AWS lists them; none matching is not an error.
fn subnets(aws: &Aws, config: &Value) -> Result<Value, ProviderDiagnostic> {
    let mut filters = filters_of(config);
    filters.extend(map_of(&attr(config, "tags")).iter().map(|(k, v)| filter(&format!("tag:{k}"), v)));
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    // Bounded: 1,000 pages.
    for _ in 0..1000 {
        aws.log_call("ec2:DescribeSubnets");
        let req = aws.ec2.describe_subnets().set_filters(Some(filters.clone())).set_next_token(token.clone());
        let page = aws.block(req.send()).map_err(|e| aws_error(e).into_diag("reading EC2 Subnets"))?;
        ids.extend(page.subnets().iter().filter_map(|s| s.subnet_id().map(String::from)));
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(object(
        &subnets_schema(),
        [
            ("id", Value::string(aws.region.as_str())),
            ("ids", string_list(ids)),
            ("tags", attr(config, "tags")),
            ("filter", attr(config, "filter")),
            ("timeouts", attr(config, "timeouts")),
        ],
    ))
}

fn string_map_from(tags: &[aws_sdk_ec2::types::Tag]) -> Value {
    crate::util::string_map(&crate::vpc::tag_pairs(tags).into_iter().filter(|(k, _)| !k.starts_with("aws:")).collect())
}
