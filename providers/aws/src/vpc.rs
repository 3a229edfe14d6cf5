//! `aws_vpc`: CreateVpc, the DNS attributes (one ModifyVpcAttribute each),
//! tenancy, tags; the main route table, default security group and default
//! network ACL are read back as Terraform reports them.

use crate::client::{aws_error, Aws, AwsError, DEPENDENCY_TIMEOUT, EVENTUAL_CONSISTENCY};
use crate::util::{attr, bool_attr, map_of, nonempty, object, positive_i32_attr, str_attr};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, ResourceType, Tag, TagSpecification, Tenancy, VpcAttributeName,
};
use std::collections::BTreeMap;
use strata_lang::{Number, Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

pub fn schema() -> Block {
    let c = || Attribute::computed(Type::String);
    Block {
        attributes: BTreeMap::from([
            ("arn".to_string(), c()),
            ("assign_generated_ipv6_cidr_block".to_string(), Attribute::optional(Type::Bool)),
            ("cidr_block".to_string(), Attribute::optional_computed(Type::String).force_new()),
            ("default_network_acl_id".to_string(), c()),
            ("default_route_table_id".to_string(), c()),
            ("default_security_group_id".to_string(), c()),
            ("dhcp_options_id".to_string(), c()),
            ("enable_dns_hostnames".to_string(), Attribute::optional_computed(Type::Bool)),
            ("enable_dns_support".to_string(), Attribute::optional(Type::Bool)),
            ("enable_network_address_usage_metrics".to_string(), Attribute::optional_computed(Type::Bool)),
            ("id".to_string(), c()),
            ("instance_tenancy".to_string(), Attribute::optional(Type::String)),
            ("ipv4_ipam_pool_id".to_string(), Attribute::optional(Type::String).force_new()),
            ("ipv4_netmask_length".to_string(), Attribute::optional(Type::Number).force_new()),
            ("ipv6_association_id".to_string(), c()),
            ("ipv6_cidr_block".to_string(), Attribute::optional_computed(Type::String)),
            ("ipv6_cidr_block_network_border_group".to_string(), Attribute::optional_computed(Type::String)),
            ("ipv6_ipam_pool_id".to_string(), Attribute::optional(Type::String)),
            ("ipv6_netmask_length".to_string(), Attribute::optional(Type::Number)),
            ("main_route_table_id".to_string(), c()),
            ("owner_id".to_string(), c()),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

pub fn sdk_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()
}

pub fn tag_spec(kind: ResourceType, tags: &BTreeMap<String, String>) -> Option<TagSpecification> {
    (!tags.is_empty()).then(|| TagSpecification::builder().resource_type(kind).set_tags(Some(sdk_tags(tags))).build())
}

pub fn tag_pairs(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter().filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string()))).collect()
}

/// Brings the tags of `id` from `prior`'s `tags_all` to `planned`'s.
pub fn update_tags(aws: &Aws, id: &str, prior: &Value, planned: &Value) -> Result<(), ProviderDiagnostic> {
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("ec2:DeleteTags");
        let keys: Vec<Tag> = remove.iter().map(|k| Tag::builder().key(k).build()).collect();
        aws.block(aws.ec2.delete_tags().resources(id).set_tags(Some(keys)).send())
            .map_err(|e| aws_error(e).into_diag(&format!("updating tags of {id}")))?;
    }
    if !set.is_empty() {
        aws.log_call("ec2:CreateTags");
        aws.block(aws.ec2.create_tags().resources(id).set_tags(Some(sdk_tags(&set))).send())
            .map_err(|e| aws_error(e).into_diag(&format!("updating tags of {id}")))?;
    }
    Ok(())
}

/// Deletes with retries while dependencies clear; gone already is done.
pub fn delete_with_retry(
    aws: &Aws,
    what: &str,
    mut call: impl FnMut() -> Result<(), AwsError>,
) -> Result<(), ProviderDiagnostic> {
    let r = aws.retry(
        DEPENDENCY_TIMEOUT,
        |e| e.code == "DependencyViolation" || e.code == "InvalidParameterValue",
        &mut call,
    );
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e.into_diag(&format!("deleting {what}"))),
    }
}

fn ec2_bool(b: bool) -> AttributeBooleanValue {
    AttributeBooleanValue::builder().value(b).build()
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let mut req = aws.ec2.create_vpc();
    if let Some(c) = str_attr(planned, "cidr_block") {
        req = req.cidr_block(c);
    }
    if let Some(t) = str_attr(planned, "instance_tenancy") {
        req = req.instance_tenancy(Tenancy::from(t.as_str()));
    }
    if bool_attr(planned, "assign_generated_ipv6_cidr_block") == Some(true) {
        req = req.amazon_provided_ipv6_cidr_block(true);
    }
    req = req
        .set_ipv4_ipam_pool_id(nonempty(planned, "ipv4_ipam_pool_id"))
        .set_ipv4_netmask_length(positive_i32_attr(planned, "ipv4_netmask_length"))
        .set_ipv6_cidr_block(nonempty(planned, "ipv6_cidr_block"))
        .set_ipv6_cidr_block_network_border_group(nonempty(planned, "ipv6_cidr_block_network_border_group"))
        .set_ipv6_ipam_pool_id(nonempty(planned, "ipv6_ipam_pool_id"))
        .set_ipv6_netmask_length(positive_i32_attr(planned, "ipv6_netmask_length"));
    req = req.set_tag_specifications(tag_spec(ResourceType::Vpc, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]));
    aws.log_call("ec2:CreateVpc");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag("creating EC2 VPC"))?;
    let id = out.vpc().and_then(|v| v.vpc_id()).unwrap_or_default().to_string();
    let stub = crate::util::with_attr(planned, "id", Value::string(id.as_str()));
    // Visible to describe calls only after a moment on AWS.
    aws.retry(
        EVENTUAL_CONSISTENCY,
        |e| e.code == "NotFound",
        || match describe(aws, &id) {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(AwsError { code: "NotFound".into(), message: format!("VPC {id} not yet visible") }),
            Err(e) => Err(e),
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for EC2 VPC ({id}) create")))?;
    set_dns(aws, &id, None, planned)?;
    read_after_write(aws, &stub)
}

pub fn set_dns(aws: &Aws, id: &str, prior: Option<&Value>, planned: &Value) -> Result<(), ProviderDiagnostic> {
    // AWS's own defaults for a new VPC: DNS support on, hostnames and
    // address usage metrics off.
    for (name, default) in
        [("enable_dns_support", true), ("enable_dns_hostnames", false), ("enable_network_address_usage_metrics", false)]
    {
        let Some(want) = bool_attr(planned, name) else { continue };
        let have = prior.and_then(|p| bool_attr(p, name)).unwrap_or(default);
        if want == have {
            continue;
        }
        aws.log_call("ec2:ModifyVpcAttribute");
        let req = aws.ec2.modify_vpc_attribute().vpc_id(id);
        let req = match name {
            "enable_dns_support" => req.enable_dns_support(ec2_bool(want)),
            "enable_dns_hostnames" => req.enable_dns_hostnames(ec2_bool(want)),
            _ => req.enable_network_address_usage_metrics(ec2_bool(want)),
        };
        aws.block(req.send()).map_err(|e| aws_error(e).into_diag(&format!("modifying EC2 VPC ({id}) {name}")))?;
    }
    Ok(())
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    set_dns(aws, &id, Some(prior), planned)?;
    if let Some(t) = str_attr(planned, "instance_tenancy") {
        if str_attr(prior, "instance_tenancy").as_deref() != Some(t.as_str()) {
            aws.log_call("ec2:ModifyVpcTenancy");
            aws.block(
                aws.ec2
                    .modify_vpc_tenancy()
                    .vpc_id(&id)
                    .instance_tenancy(aws_sdk_ec2::types::VpcTenancy::from(t.as_str()))
                    .send(),
            )
            .map_err(|e| aws_error(e).into_diag(&format!("modifying EC2 VPC ({id}) tenancy")))?;
        }
    }
    update_tags(aws, &id, prior, planned)?;
    read_after_write(aws, planned)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    delete_with_retry(aws, &format!("EC2 VPC ({id})"), || {
        aws.log_call("ec2:DeleteVpc");
        aws.block(aws.ec2.delete_vpc().vpc_id(&id).send()).map(|_| ()).map_err(aws_error)
    })
}

/// The state after a change: read back, keeping the planned arguments
/// where AWS reports nothing for them.
pub fn read_after_write(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(planned);
    match read(aws, planned)? {
        Some(v) => Ok(v),
        None => Err(ProviderDiagnostic::error(
            "EC2 VPC not found after change",
            format!("The VPC {id} was not found right after it was created or changed."),
        )),
    }
}

fn describe(aws: &Aws, id: &str) -> Result<Option<aws_sdk_ec2::types::Vpc>, AwsError> {
    aws.log_call("ec2:DescribeVpcs");
    let out = aws.block(aws.ec2.describe_vpcs().filters(filter("vpc-id", id)).send()).map_err(aws_error)?;
    Ok(out.vpcs().first().cloned())
}

fn dns_attribute(aws: &Aws, id: &str, name: VpcAttributeName) -> Result<bool, AwsError> {
    aws.log_call("ec2:DescribeVpcAttribute");
    let out =
        aws.block(aws.ec2.describe_vpc_attribute().vpc_id(id).attribute(name.clone()).send()).map_err(aws_error)?;
    let v = match name {
        VpcAttributeName::EnableDnsSupport => out.enable_dns_support(),
        VpcAttributeName::EnableDnsHostnames => out.enable_dns_hostnames(),
        _ => out.enable_network_address_usage_metrics(),
    };
    Ok(v.and_then(|v| v.value()).unwrap_or(false))
}

/// The VPC's main route table, default security group and default network ACL.
pub fn defaults_of(aws: &Aws, id: &str) -> Result<(String, String, String), AwsError> {
    aws.log_call("ec2:DescribeRouteTables");
    let rt = aws
        .block(
            aws.ec2
                .describe_route_tables()
                .filters(filter("vpc-id", id))
                .filters(filter("association.main", "true"))
                .send(),
        )
        .map_err(aws_error)?;
    let main = rt.route_tables().first().and_then(|r| r.route_table_id()).unwrap_or_default().to_string();
    aws.log_call("ec2:DescribeSecurityGroups");
    let sg = aws
        .block(
            aws.ec2
                .describe_security_groups()
                .filters(filter("vpc-id", id))
                .filters(filter("group-name", "default"))
                .send(),
        )
        .map_err(aws_error)?;
    let sg = sg.security_groups().first().and_then(|g| g.group_id()).unwrap_or_default().to_string();
    aws.log_call("ec2:DescribeNetworkAcls");
    let acl = aws
        .block(aws.ec2.describe_network_acls().filters(filter("vpc-id", id)).filters(filter("default", "true")).send())
        .map_err(aws_error)?;
    let acl = acl.network_acls().first().and_then(|a| a.network_acl_id()).unwrap_or_default().to_string();
    Ok((main, sg, acl))
}

/// The VPC as it is now; `None` when it no longer exists.
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let what = format!("reading EC2 VPC ({id})");
    let Some(vpc) = describe(aws, &id).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    let support = dns_attribute(aws, &id, VpcAttributeName::EnableDnsSupport).map_err(|e| e.into_diag(&what))?;
    let hostnames = dns_attribute(aws, &id, VpcAttributeName::EnableDnsHostnames).map_err(|e| e.into_diag(&what))?;
    let metrics =
        dns_attribute(aws, &id, VpcAttributeName::EnableNetworkAddressUsageMetrics).map_err(|e| e.into_diag(&what))?;
    let (main, sg, acl) = defaults_of(aws, &id).map_err(|e| e.into_diag(&what))?;
    let attributes = VpcAttributes { support, hostnames, metrics };
    Ok(Some(state_of(aws, &vpc, current, attributes, &main, &sg, &acl)))
}

/// The VPC attributes each read with its own DescribeVpcAttribute call.
struct VpcAttributes {
    support: bool,
    hostnames: bool,
    metrics: bool,
}

#[allow(clippy::too_many_arguments)]
fn state_of(
    aws: &Aws,
    vpc: &aws_sdk_ec2::types::Vpc,
    prior: &Value,
    attributes: VpcAttributes,
    main: &str,
    sg: &str,
    acl: &str,
) -> Value {
    let s = |x: &str| Value::string(x);
    let id = vpc.vpc_id().unwrap_or_default();
    let owner = vpc.owner_id().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(vpc.tags()));
    let ipv6 = vpc
        .ipv6_cidr_block_association_set()
        .iter()
        .find(|a| a.ipv6_cidr_block_state().and_then(|s| s.state()).is_some_and(|s| s.as_str() == "associated"));
    // As the provider records them: the pool only when it is not
    // Amazon's, and then the netmask of the block it gave.
    let pool = ipv6.and_then(|a| a.ipv6_pool()).filter(|p| !p.is_empty() && *p != "Amazon");
    let ipv6_pool_id = match pool {
        Some("IPAM Managed") => attr(prior, "ipv6_ipam_pool_id"),
        Some(p) => s(p),
        None => s(""),
    };
    let netmask = pool
        .and(ipv6.and_then(|a| a.ipv6_cidr_block()))
        .and_then(|block| block.split_once('/'))
        .and_then(|(_, n)| n.parse::<i64>().ok())
        .unwrap_or(0);
    let ipv6_netmask_length = Value::number(Number::from(netmask));
    let tenancy = vpc.instance_tenancy().map(|t| t.as_str().to_string()).unwrap_or_else(|| "default".into());
    object(
        &schema(),
        [
            ("arn", s(&aws.arn("vpc", owner, id))),
            (
                "assign_generated_ipv6_cidr_block",
                Value::bool(ipv6.is_some() || bool_attr(prior, "assign_generated_ipv6_cidr_block") == Some(true)),
            ),
            ("cidr_block", s(vpc.cidr_block().unwrap_or_default())),
            ("default_network_acl_id", s(acl)),
            ("default_route_table_id", s(main)),
            ("default_security_group_id", s(sg)),
            ("dhcp_options_id", s(vpc.dhcp_options_id().unwrap_or_default())),
            ("enable_dns_hostnames", Value::bool(attributes.hostnames)),
            ("enable_dns_support", Value::bool(attributes.support)),
            ("enable_network_address_usage_metrics", Value::bool(attributes.metrics)),
            ("id", s(id)),
            ("instance_tenancy", s(&tenancy)),
            // AWS does not report the IPAM pool a VPC's IPv4 range came from.
            ("ipv4_ipam_pool_id", attr(prior, "ipv4_ipam_pool_id")),
            ("ipv4_netmask_length", attr(prior, "ipv4_netmask_length")),
            ("ipv6_association_id", s(ipv6.and_then(|a| a.association_id()).unwrap_or_default())),
            ("ipv6_cidr_block", s(ipv6.and_then(|a| a.ipv6_cidr_block()).unwrap_or_default())),
            (
                "ipv6_cidr_block_network_border_group",
                s(ipv6.and_then(|a| a.network_border_group()).unwrap_or_default()),
            ),
            ("ipv6_ipam_pool_id", ipv6_pool_id),
            ("ipv6_netmask_length", ipv6_netmask_length),
            ("main_route_table_id", s(main)),
            ("owner_id", s(owner)),
            ("tags", tags),
            ("tags_all", tags_all),
        ],
    )
}
