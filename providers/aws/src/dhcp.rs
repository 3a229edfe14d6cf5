//! `aws_vpc_dhcp_options` (every argument forces a new options set; tags
//! update in place) and `aws_vpc_dhcp_options_association` (id
//! `dopt-…-vpc-…`; deleting it gives the VPC the `default` options back;
//! imported by the VPC's id).

use crate::client::{aws_error, Aws, AwsError, EVENTUAL_CONSISTENCY};
use crate::util::{attr, map_of, nonempty, object, str_attr, string_list, strings_of};
use crate::vpc::{delete_with_retry, filter, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{DhcpOptions, NewDhcpConfiguration, ResourceType};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

const WHAT: &str = "EC2 DHCP Options Set";

/// Argument → DHCP option key, and whether it holds a list.
const OPTIONS: [(&str, &str, bool); 6] = [
    ("domain_name", "domain-name", false),
    ("domain_name_servers", "domain-name-servers", true),
    ("ipv6_address_preferred_lease_time", "ipv6-address-preferred-lease-time", false),
    ("netbios_name_servers", "netbios-name-servers", true),
    ("netbios_node_type", "netbios-node-type", false),
    ("ntp_servers", "ntp-servers", true),
];

pub fn schema() -> Block {
    let mut attributes = BTreeMap::from([
        ("arn".to_string(), Attribute::computed(Type::String)),
        ("id".to_string(), Attribute::computed(Type::String)),
        ("owner_id".to_string(), Attribute::computed(Type::String)),
        ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
        ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
    ]);
    for (name, _, list) in OPTIONS {
        let ty = if list { Type::list(Type::String) } else { Type::String };
        let a = if name == "ipv6_address_preferred_lease_time" {
            Attribute::optional_computed(ty)
        } else {
            Attribute::optional(ty)
        };
        attributes.insert(name.to_string(), a.force_new());
    }
    Block { attributes, blocks: BTreeMap::new() }
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let mut configurations = Vec::new();
    for (name, key, list) in OPTIONS {
        let values =
            if list { strings_of(&attr(planned, name)) } else { nonempty(planned, name).into_iter().collect() };
        if !values.is_empty() {
            configurations.push(NewDhcpConfiguration::builder().key(key).set_values(Some(values)).build());
        }
    }
    let req = aws.ec2.create_dhcp_options().set_dhcp_configurations(Some(configurations)).set_tag_specifications(
        tag_spec(ResourceType::DhcpOptions, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
    );
    aws.log_call("ec2:CreateDhcpOptions");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag(&format!("creating {WHAT}")))?;
    let created = out.dhcp_options();
    let id = created.and_then(|d| d.dhcp_options_id()).unwrap_or_default();
    // moto drops the tag specifications of CreateDhcpOptions: tag after
    // creating when the answer shows none (real AWS tags at creation).
    if created.is_some_and(|d| d.tags().is_empty()) && !map_of(&attr(planned, "tags_all")).is_empty() {
        let untagged = crate::util::with_attr(planned, "tags_all", Value::null(Type::map(Type::String)));
        update_tags(aws, id, &untagged, planned)?;
    }
    read_after_write(aws, &crate::util::with_attr(planned, "id", Value::string(id)))
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    update_tags(aws, &id_of(prior), prior, planned)?;
    read_after_write(aws, planned)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    // Still associated with a VPC: give those the default options first,
    // as the provider does.
    let out = aws
        .block(aws.ec2.describe_vpcs().filters(filter("dhcp-options-id", &id)).send())
        .map_err(|e| aws_error(e).into_diag(&format!("deleting {WHAT} ({id})")))?;
    for vpc in out.vpcs().iter().filter_map(|v| v.vpc_id()) {
        associate(aws, "default", vpc)?;
    }
    delete_with_retry(aws, &format!("{WHAT} ({id})"), || {
        aws.log_call("ec2:DeleteDhcpOptions");
        aws.block(aws.ec2.delete_dhcp_options().dhcp_options_id(&id).send()).map(|_| ()).map_err(aws_error)
    })
}

fn describe(aws: &Aws, id: &str) -> Result<Option<DhcpOptions>, AwsError> {
    aws.log_call("ec2:DescribeDhcpOptions");
    match aws.block(aws.ec2.describe_dhcp_options().dhcp_options_ids(id).send()).map_err(aws_error) {
        Ok(out) => Ok(out.dhcp_options().iter().find(|d| d.dhcp_options_id() == Some(id)).cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

fn read_after_write(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(planned);
    let found =
        aws.until_visible(&id, || describe(aws, &id)).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))?;
    Ok(state_of(aws, &found, planned))
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let found = describe(aws, &id).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))?;
    Ok(found.map(|d| state_of(aws, &d, current)))
}

fn state_of(aws: &Aws, d: &DhcpOptions, prior: &Value) -> Value {
    // `prior` only gives the configured `tags` (to tell them from defaults).
    let s = |x: &str| Value::string(x);
    let id = d.dhcp_options_id().unwrap_or_default();
    let owner = d.owner_id().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(d.tags()));
    let mut values = vec![
        ("arn", s(&aws.arn("dhcp-options", owner, id))),
        ("id", s(id)),
        ("owner_id", s(owner)),
        ("tags", tags),
        ("tags_all", tags_all),
    ];
    for (name, key, list) in OPTIONS {
        let got: Vec<String> = d
            .dhcp_configurations()
            .iter()
            .filter(|c| c.key() == Some(key))
            .flat_map(|c| c.values().iter().filter_map(|v| v.value().map(str::to_string)))
            .collect();
        // Options AWS does not return: the legacy SDK stores "" (and no list).
        let v = match (list, got.is_empty()) {
            (true, true) => Value::null(Type::list(Type::String)),
            (false, true) => s(""),
            (true, false) => string_list(got),
            (false, false) => s(&got[0]),
        };
        values.push((name, v));
    }
    object(&schema(), values)
}

fn associate(aws: &Aws, options: &str, vpc: &str) -> Result<(), ProviderDiagnostic> {
    aws.log_call("ec2:AssociateDhcpOptions");
    aws.retry(
        EVENTUAL_CONSISTENCY,
        |e| e.code == "InvalidVpcID.NotFound" || e.code == "InvalidDhcpOptionID.NotFound",
        || {
            aws.block(aws.ec2.associate_dhcp_options().dhcp_options_id(options).vpc_id(vpc).send())
                .map(|_| ())
                .map_err(aws_error)
        },
    )
    .map_err(|e| e.into_diag(&format!("associating EC2 DHCP Options Set ({options}) with VPC ({vpc})")))
}

pub fn association_schema() -> Block {
    Block {
        attributes: BTreeMap::from([
            ("dhcp_options_id".to_string(), Attribute::required(Type::String)),
            ("id".to_string(), Attribute::computed(Type::String)),
            ("vpc_id".to_string(), Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn association(options: &str, vpc: &str) -> Value {
    object(
        &association_schema(),
        [
            ("dhcp_options_id", Value::string(options)),
            ("id", Value::string(format!("{options}-{vpc}"))),
            ("vpc_id", Value::string(vpc)),
        ],
    )
}

pub fn create_association(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (options, vpc) =
        (str_attr(planned, "dhcp_options_id").unwrap_or_default(), str_attr(planned, "vpc_id").unwrap_or_default());
    associate(aws, &options, &vpc)?;
    Ok(association(&options, &vpc))
}

pub fn delete_association(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let vpc = str_attr(prior, "vpc_id").unwrap_or_default();
    match associate(aws, "default", &vpc) {
        Err(_) if read_vpc_options(aws, &vpc).ok().flatten().is_none() => Ok(()),
        other => other,
    }
}

/// The options set a VPC uses; `None` when the VPC is gone.
fn read_vpc_options(aws: &Aws, vpc: &str) -> Result<Option<String>, AwsError> {
    aws.log_call("ec2:DescribeVpcs");
    match aws.block(aws.ec2.describe_vpcs().vpc_ids(vpc).send()).map_err(aws_error) {
        Ok(out) => Ok(out.vpcs().first().map(|v| v.dhcp_options_id().unwrap_or_default().to_string())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Read by the VPC: gone when the VPC is, or uses other options. An
/// imported stub names only the VPC (its id).
pub fn read_association(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let vpc = nonempty(current, "vpc_id").unwrap_or_else(|| id_of(current));
    let found = read_vpc_options(aws, &vpc)
        .map_err(|e| e.into_diag(&format!("reading EC2 VPC ({vpc}) DHCP Options Set Association")))?;
    let expected = nonempty(current, "dhcp_options_id");
    Ok(match (found, expected) {
        (None, _) => None,
        (Some(found), Some(expected)) if found != expected => None,
        (Some(found), _) => Some(association(&found, &vpc)),
    })
}

pub fn update_association(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    create_association(aws, planned)
}
