//! `aws_egress_only_internet_gateway`: IPv6 egress for a VPC (`vpc_id`
//! forces a new gateway), tags.

use crate::client::{aws_error, Aws, AwsError, EVENTUAL_CONSISTENCY};
use crate::util::{attr, map_of, nonempty, object};
use crate::vpc::{delete_with_retry, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{EgressOnlyInternetGateway, ResourceType};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

const WHAT: &str = "EC2 Egress-only Internet Gateway";

pub fn schema() -> Block {
    Block {
        attributes: BTreeMap::from([
            ("arn".to_string(), Attribute::computed(Type::String)),
            ("id".to_string(), Attribute::computed(Type::String)),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
            ("vpc_id".to_string(), Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let vpc = nonempty(planned, "vpc_id").unwrap_or_default();
    let req = aws.ec2.create_egress_only_internet_gateway().vpc_id(&vpc).set_tag_specifications(
        tag_spec(ResourceType::EgressOnlyInternetGateway, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
    );
    aws.log_call("ec2:CreateEgressOnlyInternetGateway");
    let out = aws
        .retry(
            EVENTUAL_CONSISTENCY,
            |e| e.code == "InvalidVpcID.NotFound",
            || aws.block(req.clone().send()).map_err(aws_error),
        )
        .map_err(|e| e.into_diag(&format!("creating {WHAT}")))?;
    let id = out.egress_only_internet_gateway().and_then(|g| g.egress_only_internet_gateway_id()).unwrap_or_default();
    read_after_write(aws, &crate::util::with_attr(planned, "id", Value::string(id)))
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    update_tags(aws, &id_of(prior), prior, planned)?;
    read_after_write(aws, planned)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    delete_with_retry(aws, &format!("{WHAT} ({id})"), || {
        aws.log_call("ec2:DeleteEgressOnlyInternetGateway");
        aws.block(aws.ec2.delete_egress_only_internet_gateway().egress_only_internet_gateway_id(&id).send())
            .map(|_| ())
            .map_err(aws_error)
    })
}

fn describe(aws: &Aws, id: &str) -> Result<Option<EgressOnlyInternetGateway>, AwsError> {
    aws.log_call("ec2:DescribeEgressOnlyInternetGateways");
    let out = aws
        .block(aws.ec2.describe_egress_only_internet_gateways().egress_only_internet_gateway_ids(id).send())
        .map_err(aws_error);
    match out {
        Ok(out) => Ok(out
            .egress_only_internet_gateways()
            .iter()
            .find(|g| g.egress_only_internet_gateway_id() == Some(id))
            .cloned()),
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
    // A detached gateway is on its way out: gone, as the provider sees it.
    let attached = |g: &EgressOnlyInternetGateway| g.attachments().iter().any(|a| a.vpc_id().is_some());
    Ok(found.filter(attached).map(|g| state_of(aws, &g, current)))
}

fn state_of(aws: &Aws, g: &EgressOnlyInternetGateway, prior: &Value) -> Value {
    let s = |x: &str| Value::string(x);
    let id = g.egress_only_internet_gateway_id().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(g.tags()));
    let vpc = g.attachments().iter().find_map(|a| a.vpc_id()).unwrap_or_default();
    let account = aws.account_id.clone().unwrap_or_default();
    object(
        &schema(),
        [
            ("arn", s(&aws.arn("egress-only-internet-gateway", &account, id))),
            ("id", s(id)),
            ("tags", tags),
            ("tags_all", tags_all),
            ("vpc_id", s(vpc)),
        ],
    )
}
