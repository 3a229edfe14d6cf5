//! `aws_flow_log`: VPC Flow Logs of a VPC, subnet, network interface or
//! transit gateway (attachment), to CloudWatch Logs, S3 or Firehose.
//! Every argument but tags forces a new flow log (as in hashicorp/aws
//! 6.x, which also dropped 5.x's `log_group_name`); imported by `fl-…`.

use crate::client::{aws_error, Aws, AwsError};
use crate::util::{attr, bool_attr, map_of, nonempty, object, positive_i32_attr, str_attr};
use crate::vpc::{filter, tag_pairs, tag_spec, update_tags};
use crate::{id_of, tags};
use aws_sdk_ec2::types::{
    DestinationFileFormat, DestinationOptionsRequest, FlowLog, FlowLogsResourceType, LogDestinationType, ResourceType,
    TrafficType,
};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, NestedBlock, Nesting, ProviderDiagnostic};

const WHAT: &str = "Flow Log";

/// The argument naming what is logged, its API resource type, and its IDs' prefix.
const TARGETS: [(&str, &str, &str); 5] = [
    ("eni_id", "NetworkInterface", "eni-"),
    ("subnet_id", "Subnet", "subnet-"),
    ("transit_gateway_attachment_id", "TransitGatewayAttachment", "tgw-attach-"),
    ("transit_gateway_id", "TransitGateway", "tgw-"),
    ("vpc_id", "VPC", "vpc-"),
];

fn destination_options() -> NestedBlock {
    let fo = |ty| Attribute::optional_computed(ty).force_new();
    NestedBlock {
        nesting: Nesting::List,
        block: Block {
            attributes: BTreeMap::from([
                ("file_format".to_string(), fo(Type::String)),
                ("hive_compatible_partitions".to_string(), fo(Type::Bool)),
                ("per_hour_partition".to_string(), fo(Type::Bool)),
            ]),
            blocks: BTreeMap::new(),
        },
        min_items: 0,
        max_items: 1,
    }
}

pub fn schema() -> Block {
    let f = |ty| Attribute::optional(ty).force_new();
    let fc = |ty| Attribute::optional_computed(ty).force_new();
    let mut attributes = BTreeMap::from([
        ("arn".to_string(), Attribute::computed(Type::String)),
        ("deliver_cross_account_role".to_string(), f(Type::String)),
        ("iam_role_arn".to_string(), f(Type::String)),
        ("id".to_string(), Attribute::computed(Type::String)),
        ("log_destination".to_string(), fc(Type::String)),
        ("log_destination_type".to_string(), f(Type::String)),
        ("log_format".to_string(), fc(Type::String)),
        ("max_aggregation_interval".to_string(), f(Type::Number)),
        ("tags".to_string(), Attribute::optional(Type::map(Type::String))),
        ("tags_all".to_string(), Attribute::optional_computed(Type::map(Type::String))),
        ("traffic_type".to_string(), f(Type::String)),
    ]);
    for (name, _, _) in TARGETS {
        attributes.insert(name.to_string(), f(Type::String));
    }
    Block { attributes, blocks: BTreeMap::from([("destination_options".to_string(), destination_options())]) }
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let given: Vec<&str> =
        TARGETS.iter().filter(|(name, _, _)| !attr(config, name).is_null()).map(|(name, _, _)| *name).collect();
    let unknown = TARGETS.iter().any(|(name, _, _)| !attr(config, name).is_known());
    if given.len() == 1 || unknown || config.is_null() {
        return Vec::new();
    }
    let names = TARGETS.iter().map(|(n, _, _)| format!("{n:?}")).collect::<Vec<_>>().join(",");
    vec![ProviderDiagnostic::error(
        "Invalid combination of arguments",
        format!("\"exactly one of `{names}` must be specified\" ({} given)", given.len()),
    )]
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let Some((name, kind, _)) = TARGETS.iter().find(|(n, _, _)| nonempty(planned, n).is_some()) else {
        return Err(ProviderDiagnostic::error(
            "Invalid flow log",
            "No VPC, subnet, network interface or transit gateway named.",
        ));
    };
    let target = nonempty(planned, name).unwrap_or_default();
    let mut req = aws
        .ec2
        .create_flow_logs()
        .resource_type(FlowLogsResourceType::from(*kind))
        .resource_ids(&target)
        .set_tag_specifications(
            tag_spec(ResourceType::VpcFlowLog, &map_of(&attr(planned, "tags_all"))).map(|t| vec![t]),
        );
    if let Some(t) = nonempty(planned, "traffic_type") {
        req = req.traffic_type(TrafficType::from(t.as_str()));
    }
    if let Some(t) = nonempty(planned, "log_destination_type") {
        req = req.log_destination_type(LogDestinationType::from(t.as_str()));
    }
    if let Some(d) = nonempty(planned, "log_destination") {
        req = req.log_destination(d);
    }
    if let Some(r) = nonempty(planned, "iam_role_arn") {
        req = req.deliver_logs_permission_arn(r);
    }
    if let Some(r) = nonempty(planned, "deliver_cross_account_role") {
        req = req.deliver_cross_account_role(r);
    }
    if let Some(f) = nonempty(planned, "log_format") {
        req = req.log_format(f);
    }
    if let Some(n) = positive_i32_attr(planned, "max_aggregation_interval") {
        req = req.max_aggregation_interval(n);
    }
    if let Some(o) = attr(planned, "destination_options").unmark_deep().0.as_seq().and_then(|s| s.first().cloned()) {
        let mut d = DestinationOptionsRequest::builder();
        if let Some(f) = nonempty(&o, "file_format") {
            d = d.file_format(DestinationFileFormat::from(f.as_str()));
        }
        if let Some(b) = bool_attr(&o, "hive_compatible_partitions") {
            d = d.hive_compatible_partitions(b);
        }
        if let Some(b) = bool_attr(&o, "per_hour_partition") {
            d = d.per_hour_partition(b);
        }
        req = req.destination_options(d.build());
    }
    aws.log_call("ec2:CreateFlowLogs");
    let out = aws.block(req.send()).map_err(|e| aws_error(e).into_diag(&format!("creating {WHAT}")))?;
    if let Some(failed) = out.unsuccessful().first() {
        let (code, message) = failed
            .error()
            .map(|e| (e.code().unwrap_or_default().to_string(), e.message().unwrap_or_default().to_string()))
            .unwrap_or_default();
        return Err(AwsError { code, message }.into_diag(&format!("creating {WHAT} ({target})")));
    }
    let id = out.flow_log_ids().first().cloned().unwrap_or_default();
    let current = crate::util::with_attr(planned, "id", Value::string(id.as_str()));
    let found =
        aws.until_visible(&id, || describe(aws, &id)).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))?;
    Ok(state_of(aws, &found, &current))
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    update_tags(aws, &id_of(prior), prior, planned)?;
    read(aws, planned)?
        .ok_or_else(|| ProviderDiagnostic::error("Flow Log not found", format!("{} disappeared", id_of(planned))))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let id = id_of(prior);
    aws.log_call("ec2:DeleteFlowLogs");
    let out = match aws.block(aws.ec2.delete_flow_logs().flow_log_ids(&id).send()).map_err(aws_error) {
        Ok(out) => out,
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e.into_diag(&format!("deleting {WHAT} ({id})"))),
    };
    match out.unsuccessful().first().and_then(|u| u.error()) {
        Some(e) if !e.code().unwrap_or_default().ends_with("NotFound") => Err(AwsError {
            code: e.code().unwrap_or_default().to_string(),
            message: e.message().unwrap_or_default().to_string(),
        }
        .into_diag(&format!("deleting {WHAT} ({id})"))),
        _ => Ok(()),
    }
}

fn describe(aws: &Aws, id: &str) -> Result<Option<FlowLog>, AwsError> {
    aws.log_call("ec2:DescribeFlowLogs");
    match aws.block(aws.ec2.describe_flow_logs().filter(filter("flow-log-id", id)).send()).map_err(aws_error) {
        Ok(out) => Ok(out.flow_logs().iter().find(|f| f.flow_log_id() == Some(id)).cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let id = id_of(current);
    let found = describe(aws, &id).map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))?;
    Ok(found.map(|f| state_of(aws, &f, current)))
}

fn state_of(aws: &Aws, f: &FlowLog, prior: &Value) -> Value {
    let s = |x: Option<&str>| x.map_or_else(|| Value::string(""), Value::string);
    let id = f.flow_log_id().unwrap_or_default();
    let resource = f.resource_id().unwrap_or_default();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(prior, "tags"), tag_pairs(f.tags()));
    let account = aws.account_id.clone().unwrap_or_default();
    let mut values = vec![
        ("arn", Value::string(aws.arn("vpc-flow-log", &account, id))),
        ("deliver_cross_account_role", s(f.deliver_cross_account_role())),
        ("iam_role_arn", s(f.deliver_logs_permission_arn())),
        ("id", Value::string(id)),
        ("log_destination", s(f.log_destination())),
        ("log_destination_type", s(f.log_destination_type().map(|t| t.as_str()))),
        ("log_format", s(f.log_format())),
        ("max_aggregation_interval", Value::int(f.max_aggregation_interval().unwrap_or(600) as i64)),
        ("tags", tags),
        ("tags_all", tags_all),
        ("traffic_type", s(f.traffic_type().map(|t| t.as_str()))),
    ];
    // The resource: the argument that named it (an import names none: by
    // the ID's prefix, longest first).
    let configured =
        TARGETS.iter().find(|(n, _, _)| str_attr(prior, n).as_deref() == Some(resource)).map(|(n, _, _)| *n);
    let by_prefix = || {
        let mut t: Vec<_> = TARGETS.iter().collect();
        t.sort_by_key(|(_, _, p)| std::cmp::Reverse(p.len()));
        t.into_iter().find(|(_, _, p)| resource.starts_with(p)).map(|(n, _, _)| *n)
    };
    let target = configured.or_else(by_prefix);
    for (name, _, _) in TARGETS {
        values.push((name, if Some(name) == target { Value::string(resource) } else { s(None) }));
    }
    let options = f.destination_options().map(|o| {
        object(
            &destination_options().block,
            [
                ("file_format", s(o.file_format().map(|f| f.as_str()))),
                ("hive_compatible_partitions", Value::bool(o.hive_compatible_partitions().unwrap_or(false))),
                ("per_hour_partition", Value::bool(o.per_hour_partition().unwrap_or(false))),
            ],
        )
    });
    let block = schema();
    let list_ty = block.blocks["destination_options"].block.implied_type();
    // Only where the configuration has the block: AWS answers defaults.
    let configured_options = attr(prior, "destination_options").unmark_deep().0.as_seq().is_some_and(|s| !s.is_empty());
    let options_value = match options {
        Some(o) if configured_options => Value::list(list_ty, vec![o]),
        _ => Value::list(list_ty, Vec::new()),
    };
    let mut v = object(&block, values);
    v = crate::util::with_attr(&v, "destination_options", options_value);
    v
}
