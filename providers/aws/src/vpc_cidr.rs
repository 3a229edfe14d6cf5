//! `aws_vpc_ipv4_cidr_block_association`: a secondary IPv4 CIDR block of a
//! VPC (every argument forces a new association; id the association's
//! `vpc-cidr-assoc-…`, also the import ID). Waits for `associated` and,
//! on delete, for `disassociated`, bounded by `timeouts`.

use crate::client::{aws_error, Aws, AwsError, EVENTUAL_CONSISTENCY};
use crate::id_of;
use crate::util::{attr, nonempty, object, positive_i32_attr};
use crate::vpc::filter;
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

const WHAT: &str = "EC2 VPC IPv4 CIDR Block Association";

pub fn schema() -> Block {
    Block {
        attributes: BTreeMap::from([
            ("cidr_block".to_string(), Attribute::optional_computed(Type::String).force_new()),
            ("id".to_string(), Attribute::computed(Type::String)),
            ("ipv4_ipam_pool_id".to_string(), Attribute::optional(Type::String).force_new()),
            ("ipv4_netmask_length".to_string(), Attribute::optional(Type::Number).force_new()),
            ("vpc_id".to_string(), Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

/// (vpc id, cidr, state) of an association.
fn describe(aws: &Aws, id: &str) -> Result<Option<(String, String, String)>, AwsError> {
    aws.log_call("ec2:DescribeVpcs");
    let out = aws
        .block(aws.ec2.describe_vpcs().filters(filter("cidr-block-association.association-id", id)).send())
        .map_err(aws_error)?;
    for vpc in out.vpcs() {
        for a in vpc.cidr_block_association_set() {
            if a.association_id() == Some(id) {
                let state =
                    a.cidr_block_state().and_then(|s| s.state()).map(|s| s.as_str().to_string()).unwrap_or_default();
                return Ok(Some((
                    vpc.vpc_id().unwrap_or_default().to_string(),
                    a.cidr_block().unwrap_or_default().to_string(),
                    state,
                )));
            }
        }
    }
    Ok(None)
}

fn state_of(id: &str, vpc: &str, cidr: &str, prior: &Value) -> Value {
    object(
        &schema(),
        [
            ("cidr_block", Value::string(cidr)),
            ("id", Value::string(id)),
            ("ipv4_ipam_pool_id", attr(prior, "ipv4_ipam_pool_id")),
            ("ipv4_netmask_length", attr(prior, "ipv4_netmask_length")),
            ("vpc_id", Value::string(vpc)),
        ],
    )
}

/// Polls until the association's state is `want` (or it is gone, when
/// `want` is `disassociated`), within the operation's timeout.
fn wait_for(aws: &Aws, id: &str, want: &str) -> Result<Option<(String, String, String)>, ProviderDiagnostic> {
    aws.retry(
        aws.time_left().unwrap_or(Duration::from_secs(600)),
        |e| e.code == "Pending",
        || match describe(aws, id)? {
            None if want == "disassociated" => Ok(None),
            Some(found) if found.2 == want => Ok(Some(found)),
            Some((_, _, failed)) if failed == "failed" || failed == "failing" => {
                Err(AwsError { code: "AssociationFailed".into(), message: format!("{id} is {failed}") })
            }
            _ => Err(AwsError { code: "Pending".into(), message: format!("{id} is not {want} yet") }),
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({id}) to be {want}")))
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let vpc = nonempty(planned, "vpc_id").unwrap_or_default();
    let mut req = aws.ec2.associate_vpc_cidr_block().vpc_id(&vpc);
    if let Some(c) = nonempty(planned, "cidr_block") {
        req = req.cidr_block(c);
    }
    if let Some(p) = nonempty(planned, "ipv4_ipam_pool_id") {
        req = req.ipv4_ipam_pool_id(p);
    }
    if let Some(n) = positive_i32_attr(planned, "ipv4_netmask_length") {
        req = req.ipv4_netmask_length(n);
    }
    aws.log_call("ec2:AssociateVpcCidrBlock");
    let out = aws
        .retry(
            EVENTUAL_CONSISTENCY,
            |e| e.code == "InvalidVpcID.NotFound",
            || aws.block(req.clone().send()).map_err(aws_error),
        )
        .map_err(|e| e.into_diag(&format!("creating {WHAT} ({vpc})")))?;
    let id = out.cidr_block_association().and_then(|a| a.association_id()).unwrap_or_default().to_string();
    let (vpc, cidr, _) = wait_for(aws, &id, "associated")?.unwrap_or_default();
    Ok(state_of(&id, &vpc, &cidr, planned))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    aws.log_call("ec2:DisassociateVpcCidrBlock");
    match aws.block(aws.ec2.disassociate_vpc_cidr_block().association_id(&id).send()).map_err(aws_error) {
        Ok(_) => {}
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e.into_diag(&format!("deleting {WHAT} ({id})"))),
    }
    wait_for(aws, &id, "disassociated").map(|_| ())
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let found = describe(aws, &id).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))?;
    Ok(found
        .filter(|(_, _, state)| state == "associated" || state == "associating")
        .map(|(vpc, cidr, _)| state_of(&id, &vpc, &cidr, current)))
}

/// The association an interrupted create made: the VPC's association of
/// the planned block (`stub`'s `id` is not known yet).
pub fn find(aws: &Aws, stub: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (Some(vpc), Some(cidr)) = (nonempty(stub, "vpc_id"), nonempty(stub, "cidr_block")) else { return Ok(None) };
    aws.log_call("ec2:DescribeVpcs");
    let out = aws
        .block(aws.ec2.describe_vpcs().vpc_ids(&vpc).send())
        .map_err(|e| aws_error(e).into_diag(&format!("looking for the {WHAT} of {vpc}")))?;
    let id = out.vpcs().iter().flat_map(|v| v.cidr_block_association_set()).find_map(|a| {
        let live = a
            .cidr_block_state()
            .and_then(|s| s.state())
            .is_some_and(|s| s.as_str() == "associated" || s.as_str() == "associating");
        (a.cidr_block() == Some(cidr.as_str()) && live).then(|| a.association_id().unwrap_or_default().to_string())
    });
    Ok(id.map(|id| crate::util::with_attr(stub, "id", Value::string(id))))
}
