//! `aws_nat_gateway`: public (with an Elastic IP allocation) or private.
//! Create waits until the gateway is `available` and delete until it is
//! `deleted`, both within the resource's timeouts (`Aws::within`). A
//! gateway in state `deleted` counts as gone: AWS lists deleted gateways
//! for a while. Secondary addresses are added and removed in place; tags
//! update in place; every other argument forces replacement.

use crate::client::{aws_error, Aws, AwsError};
use crate::timeouts::go_duration_text;
use crate::util::{attr, is_set, map_of, nonempty, object, str_attr, string_list, strings_of, with_attr};
use crate::vpc::{filter, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{ConnectivityType, NatGateway, ResourceType};
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

pub fn schema() -> Block {
    let c = || Attribute::computed(Type::String);
    let strings = || Attribute::optional(Type::set(Type::String));
    Block {
        attributes: BTreeMap::from([
            ("allocation_id".to_string(), Attribute::optional(Type::String).force_new()),
            ("association_id".to_string(), c()),
            ("connectivity_type".to_string(), Attribute::optional(Type::String).force_new()),
            ("id".to_string(), c()),
            ("network_interface_id".to_string(), c()),
            ("private_ip".to_string(), Attribute::optional_computed(Type::String).force_new()),
            ("public_ip".to_string(), c()),
            ("secondary_allocation_ids".to_string(), strings()),
            ("secondary_private_ip_address_count".to_string(), Attribute::optional_computed(Type::Number).force_new()),
            ("secondary_private_ip_addresses".to_string(), Attribute::optional_computed(Type::set(Type::String))),
            ("subnet_id".to_string(), Attribute::required(Type::String).force_new()),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::new(),
    }
}

const WHAT: &str = "EC2 NAT Gateway";

/// The provider's plan-time checks: a private gateway has no Elastic IPs.
pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    if str_attr(config, "connectivity_type").as_deref() != Some("private") {
        return Vec::new();
    }
    let mut diags = Vec::new();
    if is_set(&attr(config, "allocation_id")) {
        diags.push(ProviderDiagnostic::error(
            "allocation_id is not supported with connectivity_type = \"private\"",
            "A private NAT gateway has no Elastic IP: remove allocation_id or make the gateway public.",
        ));
    }
    if !strings_of(&attr(config, "secondary_allocation_ids")).is_empty() {
        diags.push(ProviderDiagnostic::error(
            "secondary_allocation_ids is not supported with connectivity_type = \"private\"",
            "A private NAT gateway has no Elastic IPs: remove secondary_allocation_ids or make the gateway public.",
        ));
    }
    diags
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let set_or_none = |name: &str| Some(strings_of(&attr(planned, name))).filter(|v| !v.is_empty());
    let count = attr(planned, "secondary_private_ip_address_count").unmark_deep().0;
    let req = aws
        .ec2
        .create_nat_gateway()
        .client_token(crate::sg::unique_name("terraform-"))
        .subnet_id(str_attr(planned, "subnet_id").unwrap_or_default())
        .set_allocation_id(nonempty(planned, "allocation_id"))
        .set_connectivity_type(nonempty(planned, "connectivity_type").map(|c| ConnectivityType::from(c.as_str())))
        .set_private_ip_address(nonempty(planned, "private_ip"))
        .set_secondary_allocation_ids(set_or_none("secondary_allocation_ids"))
        .set_secondary_private_ip_addresses(set_or_none("secondary_private_ip_addresses"))
        .set_secondary_private_ip_address_count(
            count.as_number().and_then(|n| n.to_i64()).and_then(|n| i32::try_from(n).ok()).filter(|n| *n > 0),
        )
        .set_tag_specifications(
            tag_spec(ResourceType::Natgateway, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
        );
    aws.log_call("ec2:CreateNatGateway");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag(&format!("creating {WHAT}")))?;
    let id = out.nat_gateway().and_then(|g| g.nat_gateway_id()).unwrap_or_default().to_string();
    let created =
        wait_for(aws, &id, "available", &["pending"], crate::timeouts::timeout("aws_nat_gateway", planned, "create"))
            .map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({id}) create")))?;
    match created {
        Some(g) => Ok(state_of(aws, &g, &with_attr(planned, "id", Value::string(id.as_str())))),
        None => Err(ProviderDiagnostic::error(
            format!("waiting for {WHAT} ({id}) create"),
            format!("The NAT gateway {id} disappeared while it was being created."),
        )),
    }
}

/// Polls until the gateway is in `target` state (`None`: it is gone),
/// while it is in one of `pending`, within the operation's time.
fn wait_for(
    aws: &Aws,
    id: &str,
    target: &str,
    pending: &[&str],
    default: Duration,
) -> Result<Option<NatGateway>, AwsError> {
    let timeout = aws.time_left().unwrap_or(default);
    let mut last_state = String::new();
    let result = aws.retry(
        timeout,
        |e| e.code == "StillPending",
        || {
            let found = describe(aws, id)?;
            let state = found.as_ref().and_then(|g| g.state()).map(|s| s.as_str().to_string());
            match (found, state) {
                (None, _) if target == "deleted" => Ok(None),
                (None, _) => Err(AwsError { code: "NatGatewayNotFound".into(), message: format!("{id} not found") }),
                (Some(_), Some(s)) if s == "deleted" && target == "deleted" => Ok(None),
                (Some(g), Some(s)) if s == target => Ok(Some(g)),
                (Some(_), Some(s)) if pending.contains(&s.as_str()) => {
                    last_state = s.clone();
                    Err(AwsError { code: "StillPending".into(), message: s })
                }
                (Some(g), s) => Err(AwsError {
                    code: "UnexpectedState".into(),
                    message: format!(
                        "unexpected state '{}', wanted target '{target}'. last error: {}",
                        s.unwrap_or_default(),
                        g.failure_message().unwrap_or("none")
                    ),
                }),
            }
        },
    );
    result.map_err(|e| match e.code.as_str() {
        "StillPending" => AwsError {
            code: "timeout".into(),
            message: format!(
                "timeout while waiting for state to become '{target}' (last state: '{last_state}', timeout: {})",
                go_duration_text(timeout)
            ),
        },
        _ => e,
    })
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    let changed = |name: &str| {
        let (old, new) = (strings_of(&attr(prior, name)), strings_of(&attr(planned, name)));
        let added: Vec<String> = new.iter().filter(|x| !old.contains(x)).cloned().collect();
        let removed: Vec<String> = old.iter().filter(|x| !new.contains(x)).cloned().collect();
        (added, removed)
    };
    if str_attr(planned, "connectivity_type").as_deref() == Some("private") {
        if attr(planned, "secondary_private_ip_addresses").is_known() {
            let (added, removed) = changed("secondary_private_ip_addresses");
            if !added.is_empty() {
                aws.log_call("ec2:AssignPrivateNatGatewayAddress");
                aws.block(
                    aws.ec2
                        .assign_private_nat_gateway_address()
                        .nat_gateway_id(&id)
                        .set_private_ip_addresses(Some(added))
                        .send(),
                )
                .map_err(|e| aws_error(e).into_diag(&format!("updating {WHAT} ({id})")))?;
            }
            if !removed.is_empty() {
                aws.log_call("ec2:UnassignPrivateNatGatewayAddress");
                aws.block(
                    aws.ec2
                        .unassign_private_nat_gateway_address()
                        .nat_gateway_id(&id)
                        .set_private_ip_addresses(Some(removed))
                        .send(),
                )
                .map_err(|e| aws_error(e).into_diag(&format!("updating {WHAT} ({id})")))?;
            }
        }
    } else {
        let (added, removed) = changed("secondary_allocation_ids");
        if !added.is_empty() {
            aws.log_call("ec2:AssociateNatGatewayAddress");
            aws.block(
                aws.ec2.associate_nat_gateway_address().nat_gateway_id(&id).set_allocation_ids(Some(added)).send(),
            )
            .map_err(|e| aws_error(e).into_diag(&format!("updating {WHAT} ({id})")))?;
        }
        if !removed.is_empty() {
            let gateway = describe(aws, &id).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))?;
            let associations: Vec<String> = gateway
                .iter()
                .flat_map(|g| g.nat_gateway_addresses())
                .filter(|a| a.allocation_id().is_some_and(|x| removed.iter().any(|r| r == x)))
                .filter_map(|a| a.association_id().map(String::from))
                .collect();
            aws.log_call("ec2:DisassociateNatGatewayAddress");
            aws.block(
                aws.ec2
                    .disassociate_nat_gateway_address()
                    .nat_gateway_id(&id)
                    .set_association_ids(Some(associations))
                    .send(),
            )
            .map_err(|e| aws_error(e).into_diag(&format!("updating {WHAT} ({id})")))?;
        }
    }
    update_tags(aws, &id, prior, planned)?;
    match describe(aws, &id).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))? {
        Some(g) => Ok(state_of(aws, &g, planned)),
        None => Err(ProviderDiagnostic::error(
            format!("{WHAT} not found after change"),
            format!("The NAT gateway {id} was not found right after it was changed."),
        )),
    }
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    aws.log_call("ec2:DeleteNatGateway");
    match aws.block(aws.ec2.delete_nat_gateway().nat_gateway_id(&id).send()).map_err(aws_error) {
        Ok(_) => {}
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e.into_diag(&format!("deleting {WHAT} ({id})"))),
    }
    wait_for(aws, &id, "deleted", &["deleting"], crate::timeouts::timeout("aws_nat_gateway", prior, "delete"))
        .map(|_| ())
        .map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({id}) delete")))
}

/// The gateway; `None` when it does not exist (AWS: `NatGatewayNotFound`;
/// moto: an empty list).
fn describe(aws: &Aws, id: &str) -> Result<Option<NatGateway>, AwsError> {
    aws.log_call("ec2:DescribeNatGateways");
    match aws.block(aws.ec2.describe_nat_gateways().filter(filter("nat-gateway-id", id)).send()).map_err(aws_error) {
        Ok(out) => Ok(out.nat_gateways().first().cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The gateway as it is now; `None` when it is gone or `deleted`.
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let found = describe(aws, &id).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))?;
    Ok(found.filter(|g| g.state().is_none_or(|s| s.as_str() != "deleted")).map(|g| state_of(aws, &g, current)))
}

fn state_of(aws: &Aws, g: &NatGateway, prior: &Value) -> Value {
    let s = |x: Option<&str>| Value::string(x.unwrap_or_default());
    let addresses = g.nat_gateway_addresses();
    let primary = addresses.iter().find(|a| a.is_primary() == Some(true) || addresses.len() == 1);
    let secondary: Vec<_> = addresses.iter().filter(|a| a.is_primary() != Some(true) && addresses.len() > 1).collect();
    let secondary_allocations: Vec<String> =
        secondary.iter().filter_map(|a| a.allocation_id()).filter(|x| !x.is_empty()).map(String::from).collect();
    let secondary_ips: Vec<String> =
        secondary.iter().filter_map(|a| a.private_ip()).filter(|x| !x.is_empty()).map(String::from).collect();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(g.tags()));
    // `allocation_id` is not computed: a private gateway keeps what the configuration had.
    let allocation = match primary.and_then(|a| a.allocation_id()).filter(|x| !x.is_empty()) {
        Some(x) => Value::string(x),
        None => attr(prior, "allocation_id"),
    };
    let as_set =
        |items: Vec<String>| Value::set(Type::String, string_list(items).as_seq().unwrap_or_default().to_vec());
    let secondary_count = secondary_ips.len() as i64;
    let configured_allocations = attr(prior, "secondary_allocation_ids");
    let secondary_allocations = if secondary_allocations.is_empty() && configured_allocations.is_null() {
        Value::null(Type::set(Type::String))
    } else {
        as_set(secondary_allocations)
    };
    object(
        &schema(),
        [
            ("allocation_id", allocation),
            ("association_id", s(primary.and_then(|a| a.association_id()))),
            (
                "connectivity_type",
                Value::string(g.connectivity_type().map(|c| c.as_str().to_string()).unwrap_or_else(|| "public".into())),
            ),
            ("id", s(g.nat_gateway_id())),
            ("network_interface_id", s(primary.and_then(|a| a.network_interface_id()))),
            ("private_ip", s(primary.and_then(|a| a.private_ip()))),
            ("public_ip", s(primary.and_then(|a| a.public_ip()))),
            ("secondary_allocation_ids", secondary_allocations),
            ("secondary_private_ip_address_count", Value::int(secondary_count)),
            ("secondary_private_ip_addresses", as_set(secondary_ips)),
            ("subnet_id", s(g.subnet_id())),
            ("tags", tags),
            ("tags_all", tags_all),
        ],
    )
}
