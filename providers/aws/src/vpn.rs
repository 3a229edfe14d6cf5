//! Site-to-site VPN's VPC side: `aws_customer_gateway` (every argument
//! but tags forces a new gateway; deleted gateways linger as `deleted`),
//! `aws_vpn_gateway` (attached to `vpc_id`, moved in place when it
//! changes), `aws_vpn_gateway_attachment` (id `vpn-attachment-<hash>` as
//! the provider forms it) and `aws_vpn_gateway_route_propagation` (id
//! `<route table>_<gateway>`).

use crate::client::{aws_error, Aws, AwsError, EVENTUAL_CONSISTENCY};
use crate::util::{attr, map_of, nonempty, object, str_attr};
use crate::vpc::{delete_with_retry, filter, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{CustomerGateway, GatewayType, ResourceType, VpnGateway};
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

fn tags_attrs() -> [(String, Attribute); 2] {
    [
        ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
        ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
    ]
}

pub fn customer_gateway_schema() -> Block {
    let fo = || Attribute::optional(Type::String).force_new();
    let mut attributes = BTreeMap::from([
        ("arn".to_string(), Attribute::computed(Type::String)),
        ("bgp_asn".to_string(), fo()),
        ("bgp_asn_extended".to_string(), fo()),
        ("certificate_arn".to_string(), fo()),
        ("device_name".to_string(), fo()),
        ("id".to_string(), Attribute::computed(Type::String)),
        ("ip_address".to_string(), fo()),
        ("type".to_string(), Attribute::required(Type::String).force_new()),
    ]);
    attributes.extend(tags_attrs());
    Block { attributes, blocks: BTreeMap::new() }
}

pub fn create_customer_gateway(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let mut req = aws
        .ec2
        .create_customer_gateway()
        .r#type(GatewayType::from(str_attr(planned, "type").unwrap_or_default().as_str()))
        .set_tag_specifications(
            tag_spec(ResourceType::CustomerGateway, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
        );
    if let Some(asn) = nonempty(planned, "bgp_asn") {
        let n = asn.parse::<i32>().map_err(|_| {
            ProviderDiagnostic::error(
                "Invalid bgp_asn",
                format!("bgp_asn {asn:?} is not a 32-bit number; use bgp_asn_extended"),
            )
        })?;
        req = req.bgp_asn(n);
    }
    if let Some(asn) = nonempty(planned, "bgp_asn_extended") {
        let n = asn
            .parse::<i64>()
            .map_err(|_| ProviderDiagnostic::error("Invalid bgp_asn_extended", format!("{asn:?} is not a number")))?;
        req = req.bgp_asn_extended(n);
    }
    if let Some(c) = nonempty(planned, "certificate_arn") {
        req = req.certificate_arn(c);
    }
    if let Some(n) = nonempty(planned, "device_name") {
        req = req.device_name(n);
    }
    if let Some(ip) = nonempty(planned, "ip_address") {
        req = req.ip_address(ip);
    }
    aws.log_call("ec2:CreateCustomerGateway");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag("creating EC2 Customer Gateway"))?;
    let id = out.customer_gateway().and_then(|g| g.customer_gateway_id()).unwrap_or_default().to_string();
    let found = wait_available(aws, "EC2 Customer Gateway", &id, |aws, id| {
        describe_customer_gateway(aws, id).map(|g| g.map(|g| (g.state().unwrap_or_default().to_string(), g)))
    })?;
    Ok(customer_gateway_state(aws, &found, planned))
}

pub fn update_customer_gateway(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    update_tags(aws, &id_of(prior), prior, planned)?;
    read_customer_gateway(aws, planned)?.ok_or_else(|| {
        ProviderDiagnostic::error(
            "EC2 Customer Gateway not found",
            format!("{} disappeared while updating", id_of(planned)),
        )
    })
}

pub fn delete_customer_gateway(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    delete_with_retry(aws, &format!("EC2 Customer Gateway ({id})"), || {
        aws.log_call("ec2:DeleteCustomerGateway");
        aws.block(aws.ec2.delete_customer_gateway().customer_gateway_id(&id).send()).map(|_| ()).map_err(aws_error)
    })
}

fn describe_customer_gateway(aws: &Aws, id: &str) -> Result<Option<CustomerGateway>, AwsError> {
    aws.log_call("ec2:DescribeCustomerGateways");
    match aws.block(aws.ec2.describe_customer_gateways().customer_gateway_ids(id).send()).map_err(aws_error) {
        Ok(out) => Ok(out.customer_gateways().iter().find(|g| g.customer_gateway_id() == Some(id)).cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn read_customer_gateway(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let found = describe_customer_gateway(aws, &id)
        .map_err(|e| e.into_diag(&format!("reading EC2 Customer Gateway ({id})")))?;
    // Deleted gateways stay visible for a while as `deleted`.
    Ok(found
        .filter(|g| !matches!(g.state(), Some("deleted" | "deleting")))
        .map(|g| customer_gateway_state(aws, &g, current)))
}

fn customer_gateway_state(aws: &Aws, g: &CustomerGateway, prior: &Value) -> Value {
    let s = |x: Option<&str>| x.map_or_else(|| Value::string(""), Value::string);
    // A customer gateway cannot change: an argument the API leaves out
    // (moto reports neither DeviceName nor BgpAsnExtended) is what was
    // created, not drift. AWS reports both when set.
    let unreported_kept = |x: Option<&str>, name: &str| match (x.filter(|v| !v.is_empty()), attr(prior, name)) {
        (Some(v), _) => Value::string(v),
        (None, before) if before.is_known() && !before.is_null() => before,
        (None, _) => Value::string(""),
    };
    let id = g.customer_gateway_id().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(g.tags()));
    let account = aws.account_id.clone().unwrap_or_default();
    object(
        &customer_gateway_schema(),
        [
            ("arn", Value::string(aws.arn("customer-gateway", &account, id))),
            ("bgp_asn", s(g.bgp_asn())),
            ("bgp_asn_extended", unreported_kept(g.bgp_asn_extended(), "bgp_asn_extended")),
            ("certificate_arn", unreported_kept(g.certificate_arn(), "certificate_arn")),
            ("device_name", unreported_kept(g.device_name(), "device_name")),
            ("id", Value::string(id)),
            ("ip_address", s(g.ip_address())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("type", s(g.r#type())),
        ],
    )
}

/// Polls `describe` until the object's state is `available`, within the
/// operation's timeout.
fn wait_available<T>(
    aws: &Aws,
    what: &str,
    id: &str,
    describe: impl Fn(&Aws, &str) -> Result<Option<(String, T)>, AwsError>,
) -> Result<T, ProviderDiagnostic> {
    aws.retry(
        aws.time_left().unwrap_or(Duration::from_secs(600)).max(EVENTUAL_CONSISTENCY),
        |e| e.code == "Pending",
        || match describe(aws, id)? {
            Some((state, found)) if state == "available" => Ok(found),
            Some((state, _)) => Err(AwsError { code: "Pending".into(), message: format!("{id} is {state}") }),
            None => Err(AwsError { code: "Pending".into(), message: format!("{id} not yet visible") }),
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for {what} ({id}) to be available")))
}

pub fn vpn_gateway_schema() -> Block {
    let mut attributes = BTreeMap::from([
        ("amazon_side_asn".to_string(), Attribute::optional_computed(Type::String).force_new()),
        ("arn".to_string(), Attribute::computed(Type::String)),
        ("availability_zone".to_string(), Attribute::optional(Type::String).force_new()),
        ("id".to_string(), Attribute::computed(Type::String)),
        ("vpc_id".to_string(), Attribute::optional_computed(Type::String)),
    ]);
    attributes.extend(tags_attrs());
    Block { attributes, blocks: BTreeMap::new() }
}

fn describe_vpn_gateway(aws: &Aws, id: &str) -> Result<Option<VpnGateway>, AwsError> {
    aws.log_call("ec2:DescribeVpnGateways");
    match aws.block(aws.ec2.describe_vpn_gateways().vpn_gateway_ids(id).send()).map_err(aws_error) {
        Ok(out) => Ok(out.vpn_gateways().iter().find(|g| g.vpn_gateway_id() == Some(id)).cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The VPC a gateway is attached (or attaching) to.
fn attached_vpc(g: &VpnGateway) -> Option<String> {
    g.vpc_attachments()
        .iter()
        .find(|a| matches!(a.state().map(|s| s.as_str()), Some("attached" | "attaching")))
        .and_then(|a| a.vpc_id().map(str::to_string))
}

fn attach(aws: &Aws, gateway: &str, vpc: &str) -> Result<(), ProviderDiagnostic> {
    aws.log_call("ec2:AttachVpnGateway");
    aws.retry(
        EVENTUAL_CONSISTENCY,
        |e| e.code == "InvalidVpcID.NotFound" || e.code == "InvalidVpnGatewayID.NotFound",
        || {
            aws.block(aws.ec2.attach_vpn_gateway().vpn_gateway_id(gateway).vpc_id(vpc).send())
                .map(|_| ())
                .map_err(aws_error)
        },
    )
    .map_err(|e| e.into_diag(&format!("attaching EC2 VPN Gateway ({gateway}) to VPC ({vpc})")))
}

fn detach(aws: &Aws, gateway: &str, vpc: &str) -> Result<(), ProviderDiagnostic> {
    aws.log_call("ec2:DetachVpnGateway");
    match aws.block(aws.ec2.detach_vpn_gateway().vpn_gateway_id(gateway).vpc_id(vpc).send()).map_err(aws_error) {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() || e.code == "InvalidVpnGatewayAttachment.NotFound" => Ok(()),
        Err(e) => Err(e.into_diag(&format!("detaching EC2 VPN Gateway ({gateway}) from VPC ({vpc})"))),
    }
}

pub fn create_vpn_gateway(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let mut req = aws.ec2.create_vpn_gateway().r#type(GatewayType::Ipsec1).set_tag_specifications(
        tag_spec(ResourceType::VpnGateway, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
    );
    if let Some(asn) = nonempty(planned, "amazon_side_asn") {
        let n = asn
            .parse::<i64>()
            .map_err(|_| ProviderDiagnostic::error("Invalid amazon_side_asn", format!("{asn:?} is not a number")))?;
        req = req.amazon_side_asn(n);
    }
    if let Some(az) = nonempty(planned, "availability_zone") {
        req = req.availability_zone(az);
    }
    aws.log_call("ec2:CreateVpnGateway");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag("creating EC2 VPN Gateway"))?;
    let id = out.vpn_gateway().and_then(|g| g.vpn_gateway_id()).unwrap_or_default().to_string();
    wait_available(aws, "EC2 VPN Gateway", &id, |aws, id| {
        describe_vpn_gateway(aws, id)
            .map(|g| g.map(|g| (g.state().map(|s| s.as_str().to_string()).unwrap_or_default(), g)))
    })?;
    if let Some(vpc) = nonempty(planned, "vpc_id") {
        attach(aws, &id, &vpc)?;
    }
    let current = crate::util::with_attr(planned, "id", Value::string(id.as_str()));
    read_vpn_gateway(aws, &current)?.ok_or_else(|| {
        ProviderDiagnostic::error("EC2 VPN Gateway not found", format!("{id} disappeared after creation"))
    })
}

pub fn update_vpn_gateway(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    let (old, new) = (nonempty(prior, "vpc_id"), nonempty(planned, "vpc_id"));
    if old != new {
        if let Some(vpc) = &old {
            detach(aws, &id, vpc)?;
        }
        if let Some(vpc) = &new {
            attach(aws, &id, vpc)?;
        }
    }
    update_tags(aws, &id, prior, planned)?;
    read_vpn_gateway(aws, planned)?.ok_or_else(|| {
        ProviderDiagnostic::error("EC2 VPN Gateway not found", format!("{id} disappeared while updating"))
    })
}

pub fn delete_vpn_gateway(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    if let Some(g) =
        describe_vpn_gateway(aws, &id).map_err(|e| e.into_diag(&format!("reading EC2 VPN Gateway ({id})")))?
    {
        if let Some(vpc) = attached_vpc(&g) {
            detach(aws, &id, &vpc)?;
        }
    }
    delete_with_retry(aws, &format!("EC2 VPN Gateway ({id})"), || {
        aws.log_call("ec2:DeleteVpnGateway");
        aws.block(aws.ec2.delete_vpn_gateway().vpn_gateway_id(&id).send()).map(|_| ()).map_err(aws_error)
    })
}

pub fn read_vpn_gateway(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let found = describe_vpn_gateway(aws, &id).map_err(|e| e.into_diag(&format!("reading EC2 VPN Gateway ({id})")))?;
    let Some(g) = found.filter(|g| !matches!(g.state().map(|s| s.as_str()), Some("deleted" | "deleting"))) else {
        return Ok(None);
    };
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), tag_pairs(g.tags()));
    let account = aws.account_id.clone().unwrap_or_default();
    let s = |x: Option<&str>| x.map_or_else(|| Value::string(""), Value::string);
    Ok(Some(object(
        &vpn_gateway_schema(),
        [
            ("amazon_side_asn", Value::string(g.amazon_side_asn().map(|n| n.to_string()).unwrap_or_default())),
            ("arn", Value::string(aws.arn("vpn-gateway", &account, &id))),
            ("availability_zone", s(g.availability_zone())),
            ("id", Value::string(id.as_str())),
            ("tags", tags),
            ("tags_all", tags_all),
            // Detached: "", as the provider stores it.
            ("vpc_id", Value::string(attached_vpc(&g).unwrap_or_default())),
        ],
    )))
}

pub fn attachment_schema() -> Block {
    Block {
        attributes: BTreeMap::from([
            ("id".to_string(), Attribute::computed(Type::String)),
            ("vpc_id".to_string(), Attribute::required(Type::String).force_new()),
            ("vpn_gateway_id".to_string(), Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

/// `vpn-attachment-<hex hashcode of "vpc-gateway">`, the provider's id.
fn attachment_id(vpc: &str, gateway: &str) -> String {
    format!("vpn-attachment-{:x}", crate::util::hashcode(&format!("{vpc}-{gateway}")))
}

fn attachment(vpc: &str, gateway: &str) -> Value {
    object(
        &attachment_schema(),
        [
            ("id", Value::string(attachment_id(vpc, gateway))),
            ("vpc_id", Value::string(vpc)),
            ("vpn_gateway_id", Value::string(gateway)),
        ],
    )
}

pub fn create_attachment(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (vpc, gateway) =
        (str_attr(planned, "vpc_id").unwrap_or_default(), str_attr(planned, "vpn_gateway_id").unwrap_or_default());
    attach(aws, &gateway, &vpc)?;
    Ok(attachment(&vpc, &gateway))
}

pub fn delete_attachment(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (vpc, gateway) =
        (str_attr(prior, "vpc_id").unwrap_or_default(), str_attr(prior, "vpn_gateway_id").unwrap_or_default());
    detach(aws, &gateway, &vpc)
}

pub fn read_attachment(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (vpc, gateway) =
        (str_attr(current, "vpc_id").unwrap_or_default(), str_attr(current, "vpn_gateway_id").unwrap_or_default());
    let found = describe_vpn_gateway(aws, &gateway)
        .map_err(|e| e.into_diag(&format!("reading EC2 VPN Gateway ({gateway}) Attachment")))?;
    Ok(found.filter(|g| attached_vpc(g).as_deref() == Some(vpc.as_str())).map(|_| attachment(&vpc, &gateway)))
}

pub fn propagation_schema() -> Block {
    Block {
        attributes: BTreeMap::from([
            ("id".to_string(), Attribute::computed(Type::String)),
            ("route_table_id".to_string(), Attribute::required(Type::String).force_new()),
            ("vpn_gateway_id".to_string(), Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn propagation(table: &str, gateway: &str) -> Value {
    object(
        &propagation_schema(),
        [
            ("id", Value::string(format!("{table}_{gateway}"))),
            ("route_table_id", Value::string(table)),
            ("vpn_gateway_id", Value::string(gateway)),
        ],
    )
}

pub fn create_propagation(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (table, gateway) = (
        str_attr(planned, "route_table_id").unwrap_or_default(),
        str_attr(planned, "vpn_gateway_id").unwrap_or_default(),
    );
    aws.log_call("ec2:EnableVgwRoutePropagation");
    aws.retry(
        EVENTUAL_CONSISTENCY,
        |e| e.code == "Gateway.NotAttached" || e.is_not_found(),
        || {
            aws.block(aws.ec2.enable_vgw_route_propagation().gateway_id(&gateway).route_table_id(&table).send())
                .map(|_| ())
                .map_err(aws_error)
        },
    )
    .map_err(|e| e.into_diag(&format!("enabling VGW ({gateway}) route propagation for route table ({table})")))?;
    Ok(propagation(&table, &gateway))
}

pub fn delete_propagation(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (table, gateway) =
        (str_attr(prior, "route_table_id").unwrap_or_default(), str_attr(prior, "vpn_gateway_id").unwrap_or_default());
    aws.log_call("ec2:DisableVgwRoutePropagation");
    match aws
        .block(aws.ec2.disable_vgw_route_propagation().gateway_id(&gateway).route_table_id(&table).send())
        .map_err(aws_error)
    {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e.into_diag(&format!("disabling VGW ({gateway}) route propagation for route table ({table})"))),
    }
}

pub fn read_propagation(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (table, gateway) = (
        str_attr(current, "route_table_id").unwrap_or_default(),
        str_attr(current, "vpn_gateway_id").unwrap_or_default(),
    );
    aws.log_call("ec2:DescribeRouteTables");
    let out = match aws
        .block(aws.ec2.describe_route_tables().filters(filter("route-table-id", &table)).send())
        .map_err(aws_error)
    {
        Ok(out) => out,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e.into_diag(&format!("reading route table ({table}) propagation"))),
    };
    let propagating =
        out.route_tables().iter().flat_map(|t| t.propagating_vgws()).any(|p| p.gateway_id() == Some(gateway.as_str()));
    Ok(propagating.then(|| propagation(&table, &gateway)))
}
