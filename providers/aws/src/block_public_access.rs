//! `aws_vpc_block_public_access_options` and
//! `aws_vpc_block_public_access_exclusion` (both built on the plugin
//! framework in hashicorp/aws 6.x: unset arguments are null, `timeouts`
//! take create/update/delete, 30 minutes each).
//!
//! The options are one per account and region: creating one sets the
//! internet gateway block mode, deleting it sets the mode back to `off`;
//! its id is the region. Each change waits for the options' state to leave
//! `update-in-progress`. An exclusion exempts one VPC or one subnet (exactly
//! one of `vpc_id`, `subnet_id`, each forcing a new exclusion) and changes
//! its mode in place; it waits for `create-complete`/`update-complete`, and
//! an exclusion in `delete-complete` is gone.

use crate::client::{aws_error, Aws, AwsError, EVENTUAL_CONSISTENCY};
use crate::util::{attr, map_of, nonempty, object, str_attr, with_attr};
use crate::vpc::{tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{
    InternetGatewayBlockMode, InternetGatewayExclusionMode, ResourceType, VpcBlockPublicAccessExclusion,
    VpcBlockPublicAccessOptions,
};
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, PathStep, ProviderDiagnostic};

const OPTIONS: &str = "VPC Block Public Access Options";
const EXCLUSION: &str = "VPC Block Public Access Exclusion";

const BLOCK_MODES: [&str; 3] = ["off", "block-bidirectional", "block-ingress"];
const EXCLUSION_MODES: [&str; 2] = ["allow-bidirectional", "allow-egress"];

pub fn options_schema() -> Block {
    let c = || Attribute::computed(Type::String);
    Block {
        attributes: BTreeMap::from([
            ("aws_account_id".to_string(), c()),
            ("aws_region".to_string(), c()),
            ("id".to_string(), c()),
            ("internet_gateway_block_mode".to_string(), Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn exclusion_schema() -> Block {
    let c = || Attribute::computed(Type::String);
    Block {
        attributes: BTreeMap::from([
            ("id".to_string(), c()),
            ("internet_gateway_exclusion_mode".to_string(), Attribute::required(Type::String)),
            ("resource_arn".to_string(), c()),
            ("subnet_id".to_string(), Attribute::optional(Type::String).force_new()),
            ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
            ("tags_all".to_string(), Attribute::computed(Type::map(Type::String))),
            ("vpc_id".to_string(), Attribute::optional(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn enum_check(config: &Value, name: &str, allowed: &[&str]) -> Option<ProviderDiagnostic> {
    let v = attr(config, name);
    if !v.is_known() || v.is_null() {
        return None;
    }
    let got = str_attr(config, name).unwrap_or_default();
    (!allowed.contains(&got.as_str())).then(|| {
        ProviderDiagnostic::error(
            "Invalid Attribute Value Match",
            format!("Attribute {name} value must be one of: [{}], got: {got:?}", {
                allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ")
            }),
        )
        .at(vec![PathStep::Attr(name.into())])
    })
}

pub fn validate_options(config: &Value) -> Vec<ProviderDiagnostic> {
    enum_check(config, "internet_gateway_block_mode", &BLOCK_MODES).into_iter().collect()
}

/// The mode's values, and exactly one of `subnet_id` and `vpc_id`.
pub fn validate_exclusion(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags: Vec<ProviderDiagnostic> =
        enum_check(config, "internet_gateway_exclusion_mode", &EXCLUSION_MODES).into_iter().collect();
    let targets = [attr(config, "subnet_id"), attr(config, "vpc_id")];
    if config.is_null() || targets.iter().any(|v| !v.is_known()) {
        return diags;
    }
    let set = targets.iter().filter(|v| !v.is_null()).count();
    if set != 1 {
        let detail = if set == 0 {
            "No attribute specified when one (and only one) of [subnet_id,vpc_id] is required".to_string()
        } else {
            "2 attributes specified when one (and only one) of [subnet_id,vpc_id] is required".to_string()
        };
        diags.push(ProviderDiagnostic::error("Invalid Attribute Combination", detail));
    }
    diags
}

/// Computed values the framework keeps from state (`UseStateForUnknown`).
pub fn plan_options(planned: &Value, prior: &Value) -> Value {
    let mut p = planned.clone();
    for name in ["aws_account_id", "aws_region", "id"] {
        let v = if prior.is_null() { Value::unknown(Type::String) } else { attr(prior, name) };
        p = with_attr(&p, name, v);
    }
    p
}

fn describe_options(aws: &Aws) -> Result<Option<VpcBlockPublicAccessOptions>, AwsError> {
    aws.log_call("ec2:DescribeVpcBlockPublicAccessOptions");
    let out = aws.block(aws.ec2.describe_vpc_block_public_access_options().send()).map_err(aws_error)?;
    Ok(out.vpc_block_public_access_options().cloned())
}

fn options_state(o: &VpcBlockPublicAccessOptions, prior: &Value) -> Value {
    let s = |x: Option<&str>| Value::string(x.unwrap_or_default());
    let region = o.aws_region().unwrap_or_default();
    let v = object(
        &options_schema(),
        [
            ("aws_account_id", s(o.aws_account_id())),
            ("aws_region", Value::string(region)),
            ("id", Value::string(region)),
            ("internet_gateway_block_mode", s(o.internet_gateway_block_mode().map(|m| m.as_str()))),
        ],
    );
    with_attr(&v, "timeouts", attr(prior, "timeouts"))
}

/// Waits while the options are `update-in-progress`.
fn wait_options(aws: &Aws, what: &str) -> Result<VpcBlockPublicAccessOptions, ProviderDiagnostic> {
    let limit = aws.time_left().unwrap_or(Duration::from_secs(30 * 60));
    aws.retry(
        limit,
        |e| e.code == "InProgress",
        || match describe_options(aws)? {
            Some(o) if o.state().is_some_and(|s| s.as_str() == "update-in-progress") => {
                Err(AwsError { code: "InProgress".into(), message: "update-in-progress".into() })
            }
            Some(o) => Ok(o),
            None => Err(AwsError { code: "NotFound".into(), message: "no options returned".into() }),
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for {OPTIONS} ({}) {what}", aws.region)))
}

fn modify_options(aws: &Aws, mode: &str, what: &str) -> Result<VpcBlockPublicAccessOptions, ProviderDiagnostic> {
    aws.log_call("ec2:ModifyVpcBlockPublicAccessOptions");
    aws.block(
        aws.ec2
            .modify_vpc_block_public_access_options()
            .internet_gateway_block_mode(InternetGatewayBlockMode::from(mode))
            .send(),
    )
    .map_err(|e| aws_error(e).into_diag(&format!("{what} {OPTIONS}")))?;
    wait_options(aws, what)
}

pub fn create_options(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let mode = str_attr(planned, "internet_gateway_block_mode").unwrap_or_default();
    let o = modify_options(aws, &mode, "creating")?;
    Ok(options_state(&o, planned))
}

pub fn update_options(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let mode = str_attr(planned, "internet_gateway_block_mode").unwrap_or_default();
    let o = modify_options(aws, &mode, "updating")?;
    Ok(options_state(&o, planned))
}

/// Deleting sets the mode back to `off`.
pub fn delete_options(aws: &Aws) -> Result<(), ProviderDiagnostic> {
    modify_options(aws, "off", "deleting").map(|_| ())
}

pub fn read_options(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let found = describe_options(aws).map_err(|e| e.into_diag(&format!("reading {OPTIONS} ({})", id_of(current))))?;
    Ok(found.map(|o| options_state(&o, current)))
}

fn describe_exclusion(aws: &Aws, id: &str) -> Result<Option<VpcBlockPublicAccessExclusion>, AwsError> {
    aws.log_call("ec2:DescribeVpcBlockPublicAccessExclusions");
    let out = aws.block(aws.ec2.describe_vpc_block_public_access_exclusions().exclusion_ids(id).send());
    match out.map_err(aws_error) {
        Ok(out) => Ok(out
            .vpc_block_public_access_exclusions()
            .iter()
            .find(|x| x.exclusion_id() == Some(id))
            .filter(|x| x.state().is_none_or(|s| s.as_str() != "delete-complete"))
            .cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Waits while the exclusion is in `in_progress`, until it is in `done`
/// (`None`: until it is gone).
fn wait_exclusion(aws: &Aws, id: &str, in_progress: &str, what: &str) -> Result<(), ProviderDiagnostic> {
    let limit = aws.time_left().unwrap_or(Duration::from_secs(30 * 60));
    aws.retry(
        limit,
        |e| e.code == "InProgress" || e.code == "NotFound",
        || match describe_exclusion(aws, id)? {
            Some(x) if x.state().is_some_and(|s| s.as_str() == in_progress) => {
                Err(AwsError { code: "InProgress".into(), message: in_progress.into() })
            }
            Some(x) if x.state().is_some_and(|s| s.as_str().ends_with("-failed")) => Err(AwsError {
                code: x.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
                message: x.reason().unwrap_or_default().to_string(),
            }),
            Some(_) if in_progress == "delete-in-progress" => {
                Err(AwsError { code: "InProgress".into(), message: in_progress.into() })
            }
            Some(_) => Ok(()),
            None if in_progress == "delete-in-progress" => Ok(()),
            None => Err(AwsError { code: "NotFound".into(), message: format!("{id} not yet visible") }),
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for {EXCLUSION} ({id}) {what}")))
}

pub fn create_exclusion(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let mode = str_attr(planned, "internet_gateway_exclusion_mode").unwrap_or_default();
    let req = aws
        .ec2
        .create_vpc_block_public_access_exclusion()
        .internet_gateway_exclusion_mode(InternetGatewayExclusionMode::from(mode.as_str()))
        .set_vpc_id(nonempty(planned, "vpc_id"))
        .set_subnet_id(nonempty(planned, "subnet_id"))
        .set_tag_specifications(
            tag_spec(ResourceType::VpcBlockPublicAccessExclusion, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
        );
    aws.log_call("ec2:CreateVpcBlockPublicAccessExclusion");
    let out = aws
        .retry(
            EVENTUAL_CONSISTENCY,
            |e| e.code == "InvalidVpcID.NotFound" || e.code == "InvalidSubnetID.NotFound",
            || aws.block(req.clone().send()).map_err(aws_error),
        )
        .map_err(|e| e.into_diag(&format!("creating {EXCLUSION}")))?;
    let id = out.vpc_block_public_access_exclusion().and_then(|x| x.exclusion_id()).unwrap_or_default().to_string();
    wait_exclusion(aws, &id, "create-in-progress", "create")?;
    read_exclusion(aws, &with_attr(planned, "id", Value::string(id.as_str())))?
        .ok_or_else(|| ProviderDiagnostic::error(format!("{EXCLUSION} not found after create"), id))
}

pub fn update_exclusion(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = id_of(prior);
    let mode = str_attr(planned, "internet_gateway_exclusion_mode").unwrap_or_default();
    if str_attr(prior, "internet_gateway_exclusion_mode").as_deref() != Some(mode.as_str()) {
        aws.log_call("ec2:ModifyVpcBlockPublicAccessExclusion");
        aws.block(
            aws.ec2
                .modify_vpc_block_public_access_exclusion()
                .exclusion_id(&id)
                .internet_gateway_exclusion_mode(InternetGatewayExclusionMode::from(mode.as_str()))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&format!("updating {EXCLUSION} ({id})")))?;
        wait_exclusion(aws, &id, "update-in-progress", "update")?;
    }
    update_tags(aws, &id, prior, planned)?;
    read_exclusion(aws, planned)?.ok_or_else(|| ProviderDiagnostic::error(format!("{EXCLUSION} not found"), id))
}

pub fn delete_exclusion(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    aws.log_call("ec2:DeleteVpcBlockPublicAccessExclusion");
    match aws.block(aws.ec2.delete_vpc_block_public_access_exclusion().exclusion_id(&id).send()).map_err(aws_error) {
        Ok(_) => {}
        Err(e) if e.code == "InvalidVpcBlockPublicAccessExclusionId.NotFound" => return Ok(()),
        Err(e) if e.code == "InvalidParameterValue" && e.message.contains("is in delete-complete state") => {
            return Ok(())
        }
        Err(e) => return Err(e.into_diag(&format!("deleting {EXCLUSION} ({id})"))),
    }
    wait_exclusion(aws, &id, "delete-in-progress", "delete")
}

pub fn read_exclusion(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let Some(x) = describe_exclusion(aws, &id).map_err(|e| e.into_diag(&format!("reading {EXCLUSION} ({id})")))? else {
        return Ok(None);
    };
    let arn = x.resource_arn().unwrap_or_default();
    // The VPC or subnet, from the excluded resource's ARN.
    let resource = arn.splitn(6, ':').nth(5).unwrap_or_default();
    let null = || Value::null(Type::String);
    let (vpc, subnet) = match resource.split_once('/') {
        Some(("vpc", v)) => (Value::string(v), null()),
        Some(("subnet", s)) => (null(), Value::string(s)),
        _ => {
            return Err(ProviderDiagnostic::error("parsing Resource_ARN", format!("unknown resource type: {resource}")))
        }
    };
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), tag_pairs(x.tags()));
    let v = object(
        &exclusion_schema(),
        [
            ("id", Value::string(id.as_str())),
            (
                "internet_gateway_exclusion_mode",
                Value::string(x.internet_gateway_exclusion_mode().map(|m| m.as_str()).unwrap_or_default()),
            ),
            ("resource_arn", Value::string(arn)),
            ("subnet_id", subnet),
            ("tags", tags),
            ("tags_all", tags_all),
            ("vpc_id", vpc),
        ],
    );
    Ok(Some(with_attr(&v, "timeouts", attr(current, "timeouts"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exclusion_names_exactly_one_vpc_or_subnet() {
        let e = |pairs: Vec<(&str, Value)>| object(&exclusion_schema(), pairs);
        let mode = ("internet_gateway_exclusion_mode", Value::string("allow-bidirectional"));
        assert!(validate_exclusion(&e(vec![mode.clone(), ("vpc_id", Value::string("vpc-1"))])).is_empty());
        let none = validate_exclusion(&e(vec![mode.clone()]));
        assert_eq!(none[0].summary, "Invalid Attribute Combination");
        assert!(none[0].detail.starts_with("No attribute specified"));
        let both = validate_exclusion(&e(vec![
            mode.clone(),
            ("vpc_id", Value::string("vpc-1")),
            ("subnet_id", Value::string("subnet-1")),
        ]));
        assert!(both[0].detail.starts_with("2 attributes specified"));
        let unknown = validate_exclusion(&e(vec![mode, ("vpc_id", Value::unknown(Type::String))]));
        assert!(unknown.is_empty());
        let bad = validate_exclusion(&e(vec![
            ("internet_gateway_exclusion_mode", Value::string("allow-all")),
            ("vpc_id", Value::string("vpc-1")),
        ]));
        assert_eq!(bad[0].summary, "Invalid Attribute Value Match");
    }

    #[test]
    fn block_modes_are_checked_and_computed_values_keep_their_state() {
        let o = |mode: &str| object(&options_schema(), [("internet_gateway_block_mode", Value::string(mode))]);
        assert!(validate_options(&o("block-ingress")).is_empty());
        assert!(validate_options(&o("block-all"))[0].detail.contains("\"block-bidirectional\""));
        let created = plan_options(&o("block-ingress"), &Value::null(options_schema().implied_type()));
        assert!(!attr(&created, "id").is_known());
        let prior =
            object(&options_schema(), [("id", Value::string("eu-west-1")), ("aws_region", Value::string("eu-west-1"))]);
        let updated = plan_options(&o("off"), &prior);
        assert_eq!(str_attr(&updated, "id").as_deref(), Some("eu-west-1"));
    }
}
