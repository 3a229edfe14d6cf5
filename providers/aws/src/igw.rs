//! `aws_internet_gateway`: create, attach to `vpc_id` (detach and attach
//! when it changes), tags; delete detaches first.

use crate::client::{aws_error, Aws, AwsError, EVENTUAL_CONSISTENCY};
use crate::util::{attr, map_of, nonempty, object};
use crate::vpc::{delete_with_retry, filter, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{InternetGateway, ResourceType};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

pub fn schema() -> Block {
    let c = || Attribute::computed(Type::String);
    Block {
        attributes: BTreeMap::from([
            ("arn".to_string(), c()),
            ("id".to_string(), c()),
            ("owner_id".to_string(), c()),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
            ("vpc_id".to_string(), Attribute::optional_computed(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn attach(aws: &Aws, id: &str, vpc: &str) -> Result<(), ProviderDiagnostic> {
    aws.log_call("ec2:AttachInternetGateway");
    // A just-created VPC may not be visible yet.
    aws.retry(
        EVENTUAL_CONSISTENCY,
        |e| e.code == "InvalidVpcID.NotFound",
        || {
            aws.block(aws.ec2.attach_internet_gateway().internet_gateway_id(id).vpc_id(vpc).send())
                .map(|_| ())
                .map_err(aws_error)
        },
    )
    .map_err(|e| e.into_diag(&format!("attaching EC2 Internet Gateway ({id}) to VPC ({vpc})")))
}

fn detach(aws: &Aws, id: &str, vpc: &str) -> Result<(), ProviderDiagnostic> {
    // Detaching waits while the VPC still has mapped public addresses.
    let r = aws.retry(
        crate::client::DEPENDENCY_TIMEOUT,
        |e| e.code == "DependencyViolation",
        || {
            aws.log_call("ec2:DetachInternetGateway");
            aws.block(aws.ec2.detach_internet_gateway().internet_gateway_id(id).vpc_id(vpc).send())
                .map(|_| ())
                .map_err(aws_error)
        },
    );
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.is_not_found() || e.code == "Gateway.NotAttached" => Ok(()),
        Err(e) => Err(e.into_diag(&format!("detaching EC2 Internet Gateway ({id}) from VPC ({vpc})"))),
    }
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let req = aws.ec2.create_internet_gateway().set_tag_specifications(
        tag_spec(ResourceType::InternetGateway, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
    );
    aws.log_call("ec2:CreateInternetGateway");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag("creating EC2 Internet Gateway"))?;
    let id = out.internet_gateway().and_then(|g| g.internet_gateway_id()).unwrap_or_default().to_string();
    if let Some(vpc) = nonempty(planned, "vpc_id") {
        attach(aws, &id, &vpc)?;
    }
    read_after_write(aws, &crate::util::with_attr(planned, "id", Value::string(id.as_str())))
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
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
    read_after_write(aws, planned)
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    if let Some(vpc) = nonempty(prior, "vpc_id") {
        detach(aws, &id, &vpc)?;
    }
    delete_with_retry(aws, &format!("EC2 Internet Gateway ({id})"), || {
        aws.log_call("ec2:DeleteInternetGateway");
        aws.block(aws.ec2.delete_internet_gateway().internet_gateway_id(&id).send()).map(|_| ()).map_err(aws_error)
    })
}

fn describe(aws: &Aws, id: &str) -> Result<Option<InternetGateway>, AwsError> {
    aws.log_call("ec2:DescribeInternetGateways");
    let out = aws
        .block(aws.ec2.describe_internet_gateways().filters(filter("internet-gateway-id", id)).send())
        .map_err(aws_error)?;
    Ok(out.internet_gateways().first().cloned())
}

fn read_after_write(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(planned);
    let found = aws
        .until_visible(&id, || describe(aws, &id))
        .map_err(|e| e.into_diag(&format!("reading EC2 Internet Gateway ({id})")))?;
    Ok(state_of(aws, &found, planned))
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let found = describe(aws, &id).map_err(|e| e.into_diag(&format!("reading EC2 Internet Gateway ({id})")))?;
    Ok(found.map(|g| state_of(aws, &g, current)))
}

fn state_of(aws: &Aws, g: &InternetGateway, prior: &Value) -> Value {
    let s = |x: &str| Value::string(x);
    let id = g.internet_gateway_id().unwrap_or_default();
    let owner = g.owner_id().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(g.tags()));
    // Detached: "", as the provider stores it.
    let vpc = s(g.attachments().iter().find_map(|a| a.vpc_id()).unwrap_or_default());
    object(
        &schema(),
        [
            ("arn", s(&aws.arn("internet-gateway", owner, id))),
            ("id", s(id)),
            ("owner_id", s(owner)),
            ("tags", tags),
            ("tags_all", tags_all),
            ("vpc_id", vpc),
        ],
    )
}
