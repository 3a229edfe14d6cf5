//! `aws_subnet`. Refresh reads are batched: one DescribeSubnets per VPC
//! answers the reads of all its subnets (see `cache`).

use crate::client::{aws_error, Aws, AwsError, EVENTUAL_CONSISTENCY};
use crate::util::{attr, bool_attr, map_of, nonempty, object, positive_i32_attr, str_attr};
use crate::vpc::{delete_with_retry, filter, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::operation::modify_subnet_attribute::builders::ModifySubnetAttributeFluentBuilder;
use aws_sdk_ec2::types::{AttributeBooleanValue, HostnameType, ResourceType, Subnet};
use std::collections::{BTreeMap, HashMap};
use strata_lang::{Number, Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

pub fn schema() -> Block {
    let c = || Attribute::computed(Type::String);
    Block {
        attributes: BTreeMap::from([
            ("arn".to_string(), c()),
            ("assign_ipv6_address_on_creation".to_string(), Attribute::optional(Type::Bool)),
            ("availability_zone".to_string(), Attribute::optional_computed(Type::String).force_new()),
            ("availability_zone_id".to_string(), Attribute::optional_computed(Type::String).force_new()),
            ("cidr_block".to_string(), Attribute::optional(Type::String).force_new()),
            ("customer_owned_ipv4_pool".to_string(), Attribute::optional(Type::String)),
            ("enable_dns64".to_string(), Attribute::optional(Type::Bool)),
            ("enable_lni_at_device_index".to_string(), Attribute::optional(Type::Number)),
            ("enable_resource_name_dns_a_record_on_launch".to_string(), Attribute::optional(Type::Bool)),
            ("enable_resource_name_dns_aaaa_record_on_launch".to_string(), Attribute::optional(Type::Bool)),
            ("id".to_string(), c()),
            ("ipv6_cidr_block".to_string(), Attribute::optional(Type::String)),
            ("ipv6_cidr_block_association_id".to_string(), c()),
            ("ipv6_native".to_string(), Attribute::optional(Type::Bool).force_new()),
            ("map_customer_owned_ip_on_launch".to_string(), Attribute::optional(Type::Bool)),
            ("map_public_ip_on_launch".to_string(), Attribute::optional(Type::Bool)),
            ("outpost_arn".to_string(), Attribute::optional(Type::String).force_new()),
            ("owner_id".to_string(), c()),
            ("private_dns_hostname_type_on_launch".to_string(), Attribute::optional_computed(Type::String)),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
            ("vpc_id".to_string(), Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let mut req = aws.ec2.create_subnet().set_vpc_id(str_attr(planned, "vpc_id"));
    req = req.set_cidr_block(nonempty(planned, "cidr_block"));
    req = req.set_availability_zone(nonempty(planned, "availability_zone"));
    req = req.set_availability_zone_id(nonempty(planned, "availability_zone_id"));
    req = req.set_ipv6_cidr_block(nonempty(planned, "ipv6_cidr_block"));
    req = req.set_ipv6_native(bool_attr(planned, "ipv6_native").filter(|native| *native));
    req = req.set_outpost_arn(nonempty(planned, "outpost_arn"));
    req = req
        .set_tag_specifications(tag_spec(ResourceType::Subnet, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]));
    aws.log_call("ec2:CreateSubnet");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag("creating EC2 Subnet"))?;
    let id = out.subnet().and_then(|s| s.subnet_id()).unwrap_or_default().to_string();
    let stub = crate::util::with_attr(planned, "id", Value::string(id.as_str()));
    aws.retry(
        EVENTUAL_CONSISTENCY,
        |e| e.code == "NotFound",
        || match describe_one(aws, &id) {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(AwsError { code: "NotFound".into(), message: format!("subnet {id} not yet visible") }),
            Err(e) => Err(e),
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for EC2 Subnet ({id}) create")))?;
    set_attributes(aws, &id, None, planned)?;
    read_after_write(aws, &stub)
}

/// The boolean subnet attributes, each changed by its own
/// ModifySubnetAttribute call (AWS takes one attribute per call).
const BOOL_ATTRIBUTES: [&str; 5] = [
    "map_public_ip_on_launch",
    "assign_ipv6_address_on_creation",
    "enable_dns64",
    "enable_resource_name_dns_a_record_on_launch",
    "enable_resource_name_dns_aaaa_record_on_launch",
];

fn set_attributes(aws: &Aws, id: &str, prior: Option<&Value>, planned: &Value) -> Result<(), ProviderDiagnostic> {
    let modify = |name: &str, req: ModifySubnetAttributeFluentBuilder| {
        aws.log_call("ec2:ModifySubnetAttribute");
        aws.block(req.send())
            .map(|_| ())
            .map_err(|e| aws_error(e).into_diag(&format!("modifying EC2 Subnet ({id}) {name}")))
    };
    for name in BOOL_ATTRIBUTES {
        let Some(want) = bool_attr(planned, name) else { continue };
        if want == prior.and_then(|p| bool_attr(p, name)).unwrap_or(false) {
            continue;
        }
        let v = AttributeBooleanValue::builder().value(want).build();
        let req = aws.ec2.modify_subnet_attribute().subnet_id(id);
        let req = match name {
            "map_public_ip_on_launch" => req.map_public_ip_on_launch(v),
            "assign_ipv6_address_on_creation" => req.assign_ipv6_address_on_creation(v),
            "enable_dns64" => req.enable_dns64(v),
            "enable_resource_name_dns_a_record_on_launch" => req.enable_resource_name_dns_a_record_on_launch(v),
            _ => req.enable_resource_name_dns_aaaa_record_on_launch(v),
        };
        modify(name, req)?;
    }
    let name = "enable_lni_at_device_index";
    if let Some(want) = positive_i32_attr(planned, name) {
        if Some(want) != prior.and_then(|p| positive_i32_attr(p, name)) {
            modify(name, aws.ec2.modify_subnet_attribute().subnet_id(id).enable_lni_at_device_index(want))?;
        }
    }
    // Computed when unset: changed only when configured and different.
    let name = "private_dns_hostname_type_on_launch";
    if let Some(want) = nonempty(planned, name) {
        if Some(&want) != prior.and_then(|p| nonempty(p, name)).as_ref() {
            let req = aws.ec2.modify_subnet_attribute().subnet_id(id);
            modify(name, req.private_dns_hostname_type_on_launch(HostnameType::from(want.as_str())))?;
        }
    }
    Ok(())
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    set_attributes(aws, &id, Some(prior), planned)?;
    update_tags(aws, &id, prior, planned)?;
    read_after_write(aws, planned)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    delete_with_retry(aws, &format!("EC2 Subnet ({id})"), || {
        aws.log_call("ec2:DeleteSubnet");
        aws.block(aws.ec2.delete_subnet().subnet_id(&id).send()).map(|_| ()).map_err(aws_error)
    })
}

fn read_after_write(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(planned);
    let subnet = describe_one(aws, &id).map_err(|e| e.into_diag(&format!("reading EC2 Subnet ({id})")))?;
    match subnet {
        Some(s) => Ok(state_of(aws, &s, planned)),
        None => Err(ProviderDiagnostic::error(
            "EC2 Subnet not found after change",
            format!("The subnet {id} was not found right after it was created or changed."),
        )),
    }
}

fn describe_one(aws: &Aws, id: &str) -> Result<Option<Subnet>, AwsError> {
    Ok(describe(aws, "subnet-id", id)?.remove(id))
}

/// Every subnet matching one filter, by id (all pages).
fn describe(aws: &Aws, name: &str, value: &str) -> Result<HashMap<String, Subnet>, AwsError> {
    let mut out = HashMap::new();
    let mut token: Option<String> = None;
    // Bounded: 1,000 pages.
    for _ in 0..1000 {
        aws.log_call("ec2:DescribeSubnets");
        let page = aws
            .block(aws.ec2.describe_subnets().filters(filter(name, value)).set_next_token(token.clone()).send())
            .map_err(aws_error)?;
        for s in page.subnets() {
            if let Some(id) = s.subnet_id() {
                out.insert(id.to_string(), s.clone());
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

/// The subnet as it is now; `None` when it no longer exists. Subnets whose
/// VPC is known are read through one DescribeSubnets per VPC.
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let what = format!("reading EC2 Subnet ({id})");
    let found = match nonempty(current, "vpc_id") {
        Some(vpc) => aws
            .cache
            .get_or_fill(&format!("subnets/{vpc}"), &id, || describe(aws, "vpc-id", &vpc))
            .map_err(|e| e.into_diag(&what))?,
        None => describe_one(aws, &id).map_err(|e| e.into_diag(&what))?,
    };
    Ok(found.map(|s| state_of(aws, &s, current)))
}

fn state_of(aws: &Aws, subnet: &Subnet, prior: &Value) -> Value {
    let s = |x: &str| Value::string(x);
    let id = subnet.subnet_id().unwrap_or_default();
    let owner = subnet.owner_id().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(subnet.tags()));
    let ipv6 = subnet
        .ipv6_cidr_block_association_set()
        .iter()
        .find(|a| a.ipv6_cidr_block_state().and_then(|s| s.state()).is_some_and(|s| s.as_str() == "associated"));
    let dns_options = subnet.private_dns_name_options_on_launch();
    let b = |v: Option<bool>| Value::bool(v.unwrap_or(false));
    object(
        &schema(),
        [
            ("arn", s(subnet.subnet_arn().map(String::from).unwrap_or_else(|| aws.arn("subnet", owner, id)).as_str())),
            ("assign_ipv6_address_on_creation", Value::bool(subnet.assign_ipv6_address_on_creation().unwrap_or(false))),
            ("availability_zone", s(subnet.availability_zone().unwrap_or_default())),
            ("availability_zone_id", s(subnet.availability_zone_id().unwrap_or_default())),
            ("cidr_block", s(subnet.cidr_block().unwrap_or_default())),
            ("customer_owned_ipv4_pool", s(subnet.customer_owned_ipv4_pool().unwrap_or_default())),
            ("enable_dns64", b(subnet.enable_dns64())),
            (
                "enable_lni_at_device_index",
                Value::number(Number::from(subnet.enable_lni_at_device_index().unwrap_or(0) as i64)),
            ),
            (
                "enable_resource_name_dns_a_record_on_launch",
                b(dns_options.and_then(|o| o.enable_resource_name_dns_a_record())),
            ),
            (
                "enable_resource_name_dns_aaaa_record_on_launch",
                b(dns_options.and_then(|o| o.enable_resource_name_dns_aaaa_record())),
            ),
            ("id", s(id)),
            ("ipv6_cidr_block", s(ipv6.and_then(|a| a.ipv6_cidr_block()).unwrap_or_default())),
            ("ipv6_cidr_block_association_id", s(ipv6.and_then(|a| a.association_id()).unwrap_or_default())),
            ("ipv6_native", b(subnet.ipv6_native())),
            ("map_customer_owned_ip_on_launch", b(subnet.map_customer_owned_ip_on_launch())),
            ("map_public_ip_on_launch", b(subnet.map_public_ip_on_launch())),
            ("outpost_arn", s(subnet.outpost_arn().unwrap_or_default())),
            ("owner_id", s(owner)),
            (
                "private_dns_hostname_type_on_launch",
                s(dns_options.and_then(|o| o.hostname_type()).map(|t| t.as_str()).unwrap_or_default()),
            ),
            ("tags", tags),
            ("tags_all", tags_all),
            ("vpc_id", s(subnet.vpc_id().unwrap_or_default())),
        ],
    )
}
