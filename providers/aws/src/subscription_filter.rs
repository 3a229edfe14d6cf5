//! `aws_cloudwatch_log_subscription_filter`, as hashicorp/aws 6.x models
//! it: a log group's real-time feed to a destination (Kinesis, Firehose, a
//! Lambda function or a cross-account logs destination). The group, the
//! name and the destination replace it; the pattern, the distribution, the
//! role, `emit_system_fields` and `apply_on_transformed_logs` change in
//! place (PutSubscriptionFilter again). Its id is the provider's
//! `cwlsf-<hashcode("<group>-")>`, the same for a group's (at most two)
//! filters; it is imported as `<group>|<name>`. Creating it is retried
//! while the destination cannot take the test message yet (a Lambda
//! permission or a role still propagating), as the provider does.

use crate::client::{aws_error, Aws, AwsError};
use crate::family::Family;
use crate::util::{attr, attrs, bool_attr, nonempty, object, str_attr, strings_of};
use aws_sdk_cloudwatchlogs::types::{Distribution, SubscriptionFilter};
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, PathStep, ProviderDiagnostic};

pub const TYPE: &str = "aws_cloudwatch_log_subscription_filter";

const WHAT: &str = "CloudWatch Logs Subscription Filter";

const DISTRIBUTIONS: [&str; 2] = ["Random", "ByLogStream"];

const SYSTEM_FIELDS: [&str; 2] = ["@aws.account", "@aws.region"];

/// How long the provider retries a destination not ready for the test message.
const PROPAGATION: Duration = Duration::from_secs(300);

/// The family (`family::FAMILIES`).
pub struct Subscriptions;

fn schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("apply_on_transformed_logs", Attribute::optional_computed(Type::Bool)),
            ("destination_arn", Attribute::required(Type::String).force_new()),
            ("distribution", Attribute::optional(Type::String)),
            ("emit_system_fields", Attribute::optional(Type::set(Type::String))),
            ("filter_pattern", Attribute::required(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("log_group_name", Attribute::required(Type::String).force_new()),
            ("name", Attribute::required(Type::String).force_new()),
            ("role_arn", Attribute::optional_computed(Type::String)),
        ]),
        blocks: Default::default(),
    }
}

/// The provider's id: one per log group.
pub fn resource_id(group: &str) -> String {
    format!("cwlsf-{}", crate::util::hashcode(&format!("{group}-")))
}

fn at(name: &str, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(vec![PathStep::Attr(name.into())])
}

fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    for name in ["destination_arn", "role_arn"] {
        let Some(value) = str_attr(config, name) else { continue };
        if let Some(problem) = crate::amp::arn_problem(&value) {
            diags.push(at(name, "Invalid ARN", format!("{name:?} ({value}) is an invalid ARN: {problem}")));
        }
    }
    if let Some(d) = str_attr(config, "distribution").filter(|d| !DISTRIBUTIONS.contains(&d.as_str())) {
        diags.push(at(
            "distribution",
            "Invalid value",
            format!("expected distribution to be one of [\"Random\" \"ByLogStream\"], got {d}"),
        ));
    }
    if let Some(p) = str_attr(config, "filter_pattern").filter(|p| p.chars().count() > 1024) {
        diags.push(at(
            "filter_pattern",
            "Invalid value",
            format!("expected length of filter_pattern to be in the range (0 - 1024), got {}", p.chars().count()),
        ));
    }
    if let Some(n) = str_attr(config, "name").filter(|n| n.is_empty() || n.chars().count() > 512) {
        diags.push(at(
            "name",
            "Invalid value",
            format!("expected length of name to be in the range (1 - 512), got {}", n.chars().count()),
        ));
    }
    let fields = attr(config, "emit_system_fields");
    if fields.is_known() && !fields.is_null() {
        for f in strings_of(&fields).iter().filter(|f| !SYSTEM_FIELDS.contains(&f.as_str())) {
            diags.push(at(
                "emit_system_fields",
                "Invalid value",
                format!("expected emit_system_fields to be one of [\"@aws.account\" \"@aws.region\"], got {f}"),
            ));
        }
    }
    diags
}

/// The group and filter a state (or an import's `<group>|<name>`) names.
fn key(current: &Value) -> Result<(String, String), ProviderDiagnostic> {
    if let (Some(group), Some(name)) = (nonempty(current, "log_group_name"), nonempty(current, "name")) {
        return Ok((group, name));
    }
    let id = crate::id_of(current);
    match id.split('|').collect::<Vec<_>>()[..] {
        [group, name] if !group.is_empty() && !name.is_empty() => Ok((group.to_string(), name.to_string())),
        _ => Err(ProviderDiagnostic::error(
            "Invalid import ID",
            format!("unexpected format for ID ({id}), expected log-group-name|filter-name"),
        )),
    }
}

fn put(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let (group, name) = key(planned)?;
    let what = format!("putting {WHAT} ({name})");
    let fields = strings_of(&attr(planned, "emit_system_fields"));
    let request = || {
        aws.logs
            .put_subscription_filter()
            .log_group_name(&group)
            .filter_name(&name)
            .filter_pattern(str_attr(planned, "filter_pattern").unwrap_or_default())
            .destination_arn(str_attr(planned, "destination_arn").unwrap_or_default())
            .set_role_arn(nonempty(planned, "role_arn"))
            .set_distribution(nonempty(planned, "distribution").map(|d| Distribution::from(d.as_str())))
            .set_apply_on_transformed_logs(bool_attr(planned, "apply_on_transformed_logs").filter(|b| *b))
            .set_emit_system_fields((!fields.is_empty()).then(|| fields.clone()))
    };
    aws.log_call("logs:PutSubscriptionFilter");
    aws.retry(PROPAGATION, not_ready, || aws.block(request().send()).map(|_| ()).map_err(aws_error))
        .map_err(|e| e.into_diag(&what))?;
    read(aws, planned)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{WHAT} not found after change"), format!("{WHAT} ({name}) was not found."))
    })
}

/// The provider's retryable answers: the destination or its permission
/// is not ready yet.
fn not_ready(e: &AwsError) -> bool {
    (e.code == "InvalidParameterException"
        && (e.message.contains("Could not deliver test message to specified")
            || e.message.contains("Could not execute the lambda function")))
        || (e.code == "OperationAbortedException" && e.message.contains("Please try again"))
        || (e.code == "ValidationException"
            && e.message.contains("Make sure you have given CloudWatch Logs permission to assume the provided role"))
}

fn find_filter(aws: &Aws, group: &str, name: &str) -> Result<Option<SubscriptionFilter>, AwsError> {
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("logs:DescribeSubscriptionFilters");
        let out = aws.block(
            aws.logs
                .describe_subscription_filters()
                .log_group_name(group)
                .filter_name_prefix(name)
                .set_next_token(token.clone())
                .send(),
        );
        let out = match out.map_err(aws_error) {
            Err(e) if e.code == "ResourceNotFoundException" => return Ok(None),
            other => other?,
        };
        if let Some(f) = out.subscription_filters().iter().find(|f| f.filter_name() == Some(name)) {
            return Ok(Some(f.clone()));
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(None)
}

fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (group, name) = key(current)?;
    let Some(f) = find_filter(aws, &group, &name).map_err(|e| e.into_diag(&format!("reading {WHAT} ({name})")))? else {
        return Ok(None);
    };
    let fields = f.emit_system_fields();
    let fields = if fields.is_empty() {
        Value::null(Type::set(Type::String))
    } else {
        Value::set(Type::String, fields.iter().map(|s| Value::string(s.as_str())).collect())
    };
    let group = f.log_group_name().unwrap_or(&group).to_string();
    Ok(Some(object(
        &schema(),
        [
            ("apply_on_transformed_logs", Value::bool(f.apply_on_transformed_logs())),
            ("destination_arn", Value::string(f.destination_arn().unwrap_or_default())),
            ("distribution", Value::string(f.distribution().map(|d| d.as_str()).unwrap_or_default())),
            ("emit_system_fields", fields),
            ("filter_pattern", Value::string(f.filter_pattern().unwrap_or_default())),
            ("id", Value::string(resource_id(&group))),
            ("log_group_name", Value::string(group.as_str())),
            ("name", Value::string(f.filter_name().unwrap_or(&name))),
            ("role_arn", Value::string(f.role_arn().unwrap_or_default())),
        ],
    )))
}

impl Family for Subscriptions {
    fn types(&self) -> &'static [&'static str] {
        &[TYPE]
    }

    fn schema(&self, _type_name: &str) -> Block {
        schema()
    }

    fn defaults(&self, _type_name: &str) -> Vec<(&'static str, Value)> {
        vec![("distribution", Value::string("ByLogStream"))]
    }

    fn validate(&self, _type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        if config.is_null() {
            return Vec::new();
        }
        validate(config)
    }

    fn apply(&self, aws: &Aws, _type_name: &str, _prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        put(aws, planned)
    }

    fn read(&self, aws: &Aws, _type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        read(aws, current)
    }

    fn delete(&self, aws: &Aws, _type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        let (group, name) = key(prior)?;
        aws.log_call("logs:DeleteSubscriptionFilter");
        match aws.block(aws.logs.delete_subscription_filter().log_group_name(&group).filter_name(&name).send()) {
            Err(e) => match aws_error(e) {
                e if e.code == "ResourceNotFoundException" => Ok(()),
                e => Err(e.into_diag(&format!("deleting {WHAT} ({name})"))),
            },
            Ok(_) => Ok(()),
        }
    }

    /// Untagged, but named by its group and name: a second put of the
    /// same filter is an update, so an interrupted create is found by them.
    fn find(
        &self,
        aws: &Aws,
        _type_name: &str,
        _token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = crate::util::known_or_null(planned);
        if nonempty(&planned, "log_group_name").is_none() || nonempty(&planned, "name").is_none() {
            return Ok(None);
        }
        read(aws, &planned)
    }

    fn cannot_find_created(&self, _type_name: &str, planned: &Value) -> bool {
        let planned = crate::util::known_or_null(planned);
        nonempty(&planned, "log_group_name").is_none() || nonempty(&planned, "name").is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(values: Vec<(&str, Value)>) -> Value {
        object(&schema(), values)
    }

    fn messages(diags: &[ProviderDiagnostic]) -> Vec<String> {
        diags.iter().map(|d| d.detail.clone()).collect()
    }

    #[test]
    fn the_id_is_the_providers_hash_of_the_group() {
        // hashcode.String("/app/web-") as the plugin SDK computes it: CRC-32 (IEEE).
        assert_eq!(resource_id("/app/web"), format!("cwlsf-{}", crate::util::hashcode("/app/web-")));
        assert_eq!(crate::util::hashcode("123456789"), 0xCBF4_3926);
        assert_ne!(resource_id("/app/web"), resource_id("/app/api"));
    }

    #[test]
    fn validate_refuses_bad_arns_distributions_fields_and_lengths() {
        let good = config(vec![
            ("destination_arn", Value::string("arn:aws:lambda:us-east-1:123456789012:function:ship")),
            ("filter_pattern", Value::string("")),
            ("log_group_name", Value::string("/app/web")),
            ("name", Value::string("ship")),
        ]);
        assert!(validate(&good).is_empty());
        let bad = config(vec![
            ("destination_arn", Value::string("function:ship")),
            ("role_arn", Value::string("arn:aws:iam")),
            ("distribution", Value::string("RoundRobin")),
            (
                "emit_system_fields",
                Value::set(Type::String, vec![Value::string("@aws.account"), Value::string("@aws.zone")]),
            ),
            ("filter_pattern", Value::string("x".repeat(1025))),
            ("log_group_name", Value::string("/app/web")),
            ("name", Value::string("")),
        ]);
        assert_eq!(
            messages(&validate(&bad)),
            vec![
                "\"destination_arn\" (function:ship) is an invalid ARN: arn: invalid prefix",
                "\"role_arn\" (arn:aws:iam) is an invalid ARN: arn: not enough sections",
                "expected distribution to be one of [\"Random\" \"ByLogStream\"], got RoundRobin",
                "expected length of filter_pattern to be in the range (0 - 1024), got 1025",
                "expected length of name to be in the range (1 - 512), got 0",
                "expected emit_system_fields to be one of [\"@aws.account\" \"@aws.region\"], got @aws.zone",
            ]
        );
    }

    #[test]
    fn an_import_id_names_the_group_and_the_filter() {
        let stub = config(vec![("id", Value::string("/app/web|ship"))]);
        assert_eq!(key(&stub).unwrap(), ("/app/web".to_string(), "ship".to_string()));
        for bad in ["/app/web", "|ship", "/app/web|", "a|b|c"] {
            let err = key(&config(vec![("id", Value::string(bad))])).unwrap_err();
            assert!(err.detail.contains("expected log-group-name|filter-name"), "{bad}: {}", err.detail);
        }
    }
}
