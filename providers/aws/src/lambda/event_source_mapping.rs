//! `aws_lambda_event_source_mapping` (id = the mapping's UUID, imported by
//! it). The source (`event_source_arn`, `starting_position`, `queues`,
//! `topics`) replaces; the function, batching, filters, scaling and the
//! enabled state change in place. A batch size left out is the source's
//! default (10 for SQS, 100 for streams), as the provider's diff
//! suppression has it. Create and update wait until the mapping is
//! Enabled or Disabled, delete until it is gone. `destination_config`
//! (`on_failure.destination_arn`, an SQS queue or SNS topic) is where a
//! stream source sends the records of a batch that failed every retry; it
//! changes in place.

use super::{at, changed, first, is_gone, poll};
use crate::client::{aws_error, Aws};
use crate::tags;
use crate::util::{attr, attrs, bool_attr, i32_attr, map_of, nonempty, object, set_of, single, str_attr};
use crate::util::{string_list, strings_of, with_attr};
use aws_sdk_lambda::types::{
    DestinationConfig, EventSourcePosition, Filter, FilterCriteria, FunctionResponseType, OnFailure, ScalingConfig,
};
use std::collections::BTreeMap;
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, Nesting, ProviderDiagnostic};

const WHAT: &str = "Lambda Event Source Mapping";

fn filter_criteria_block() -> Block {
    let filter =
        Block { attributes: attrs(vec![("pattern", Attribute::optional(Type::String))]), blocks: BTreeMap::new() };
    Block {
        attributes: BTreeMap::new(),
        blocks: BTreeMap::from([(
            "filter".to_string(),
            strata_provider::NestedBlock { max_items: 5, ..set_of(filter) },
        )]),
    }
}

fn scaling_block() -> Block {
    Block {
        attributes: attrs(vec![("maximum_concurrency", Attribute::optional(Type::Number))]),
        blocks: BTreeMap::new(),
    }
}

fn on_failure_block() -> Block {
    Block { attributes: attrs(vec![("destination_arn", Attribute::required(Type::String))]), blocks: BTreeMap::new() }
}

fn destination_block() -> Block {
    Block {
        attributes: BTreeMap::new(),
        blocks: BTreeMap::from([("on_failure".to_string(), single(on_failure_block()))]),
    }
}

pub fn schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("batch_size", Attribute::optional(Type::Number)),
            ("bisect_batch_on_function_error", Attribute::optional(Type::Bool)),
            ("enabled", Attribute::optional(Type::Bool)),
            ("event_source_arn", Attribute::optional(Type::String).force_new()),
            ("function_arn", Attribute::computed(Type::String)),
            ("function_name", Attribute::required(Type::String)),
            ("function_response_types", Attribute::optional(Type::set(Type::String))),
            ("id", Attribute::computed(Type::String)),
            ("kms_key_arn", Attribute::optional(Type::String)),
            ("last_modified", Attribute::computed(Type::String)),
            ("last_processing_result", Attribute::computed(Type::String)),
            ("maximum_batching_window_in_seconds", Attribute::optional(Type::Number)),
            ("maximum_record_age_in_seconds", Attribute::optional_computed(Type::Number)),
            ("maximum_retry_attempts", Attribute::optional_computed(Type::Number)),
            ("parallelization_factor", Attribute::optional_computed(Type::Number)),
            ("queues", Attribute::optional(Type::list(Type::String)).force_new()),
            ("starting_position", Attribute::optional(Type::String).force_new()),
            ("starting_position_timestamp", Attribute::optional(Type::String).force_new()),
            ("state", Attribute::computed(Type::String)),
            ("state_transition_reason", Attribute::computed(Type::String)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("topics", Attribute::optional(Type::set(Type::String)).force_new()),
            ("tumbling_window_in_seconds", Attribute::optional(Type::Number)),
            ("uuid", Attribute::computed(Type::String)),
        ]),
        blocks: BTreeMap::from([
            ("destination_config".to_string(), single(destination_block())),
            ("filter_criteria".to_string(), single(filter_criteria_block())),
            ("scaling_config".to_string(), single(scaling_block())),
        ]),
    }
}

pub fn defaults() -> Vec<(&'static str, Value)> {
    vec![("enabled", Value::bool(true))]
}

/// The service of a source ARN: `sqs`, `dynamodb`, `kinesis`, `kafka`, …
fn service_of(arn: &str) -> &str {
    arn.split(':').nth(2).unwrap_or_default()
}

/// The batch size AWS gives a mapping from this source when none is set.
fn default_batch_size(arn: &str) -> Option<i64> {
    match service_of(arn) {
        "sqs" => Some(10),
        "dynamodb" | "kinesis" | "kafka" | "mq" => Some(100),
        _ => None,
    }
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if let Some(p) = str_attr(config, "starting_position") {
        if !EventSourcePosition::values().contains(&p.as_str()) {
            diags.push(at(
                "starting_position",
                "Invalid starting_position",
                format!(
                    "expected starting_position to be one of [\"AT_TIMESTAMP\" \"LATEST\" \"TRIM_HORIZON\"], got {p}"
                ),
            ));
        }
    }
    for t in strings_of(&attr(config, "function_response_types")) {
        if t != "ReportBatchItemFailures" {
            diags.push(at(
                "function_response_types",
                "Invalid function_response_types",
                format!("expected function_response_types to be one of [\"ReportBatchItemFailures\"], got {t}"),
            ));
        }
    }
    let range = |diags: &mut Vec<ProviderDiagnostic>, v: &Value, name: &str, path: &str, min: i64, max: i64| {
        if let Some(n) = crate::util::int_attr(v, name) {
            if !(min..=max).contains(&n) {
                diags.push(at(
                    path,
                    &format!("Invalid {path}"),
                    format!("expected {path} to be in the range ({min} - {max}), got {n}"),
                ));
            }
        }
    };
    range(&mut diags, config, "maximum_batching_window_in_seconds", "maximum_batching_window_in_seconds", 0, 300);
    range(&mut diags, config, "parallelization_factor", "parallelization_factor", 1, 10);
    range(&mut diags, config, "maximum_retry_attempts", "maximum_retry_attempts", -1, 10_000);
    range(&mut diags, config, "tumbling_window_in_seconds", "tumbling_window_in_seconds", 0, 900);
    if let Some(s) = first(config, "scaling_config") {
        range(&mut diags, &s, "maximum_concurrency", "scaling_config.0.maximum_concurrency", 2, 1000);
    }
    if let Some(arn) = str_attr(config, "event_source_arn") {
        let stream = matches!(service_of(&arn), "dynamodb" | "kinesis");
        if stream && attr(config, "starting_position").is_null() && attr(config, "starting_position").is_known() {
            diags.push(at(
                "starting_position",
                "Missing required argument",
                "starting_position is required for a DynamoDB or Kinesis stream source",
            ));
        }
        if service_of(&arn) == "sqs" && !attr(config, "starting_position").is_null() {
            diags.push(at(
                "starting_position",
                "Invalid starting_position",
                "starting_position is not supported for an SQS source",
            ));
        }
    }
    diags
}

pub fn plan(planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
    let mut p = planned.clone();
    let source = str_attr(&p, "event_source_arn").unwrap_or_default();
    if attr(config, "batch_size").is_null() {
        let default = if prior.is_null() || changed(prior, &p, "event_source_arn") {
            default_batch_size(&source).map_or(Value::unknown(Type::Number), Value::int)
        } else {
            attr(prior, "batch_size")
        };
        p = with_attr(&p, "batch_size", default);
    }
    // The window AWS reports as 0 when unset.
    if attr(config, "maximum_batching_window_in_seconds").is_null() {
        let kept = if prior.is_null() { Value::int(0) } else { attr(prior, "maximum_batching_window_in_seconds") };
        p = with_attr(&p, "maximum_batching_window_in_seconds", kept);
    }
    let filter =
        crate::util::complete_items(&attr(&p, "filter_criteria"), &filter_criteria_block(), Nesting::List, "", &[]);
    p = with_attr(&p, "filter_criteria", filter);
    // A name and an ARN naming the same function are no change (the
    // provider's diff suppression; an import records the ARN).
    if !prior.is_null()
        && same_function(
            &str_attr(prior, "function_name").unwrap_or_default(),
            &str_attr(&p, "function_name").unwrap_or_default(),
        )
    {
        p = with_attr(&p, "function_name", attr(prior, "function_name"));
    }
    if !prior.is_null() {
        let moved = ["enabled", "function_name"].iter().any(|n| changed(prior, &p, n));
        if moved {
            for n in ["state", "last_modified", "function_arn", "state_transition_reason"] {
                p = with_attr(&p, n, Value::unknown(Type::String));
            }
        } else if changed(prior, &p, "batch_size")
            || changed(prior, &p, "destination_config")
            || changed(prior, &p, "filter_criteria")
            || changed(prior, &p, "scaling_config")
        {
            p = with_attr(&p, "last_modified", Value::unknown(Type::String));
        }
    }
    (p, Vec::new())
}

/// Whether two `function_name`s (a name, or an ARN without a qualifier)
/// name the same function.
fn same_function(a: &str, b: &str) -> bool {
    let name = |s: &str| s.rsplit_once(":function:").map_or(s, |(_, n)| n).to_string();
    !a.is_empty() && !b.is_empty() && name(a) == name(b)
}

fn filter_criteria_of(v: &Value) -> Option<FilterCriteria> {
    let b = first(v, "filter_criteria")?;
    let filters: Vec<Filter> = crate::util::items(&attr(&b, "filter").unmark_deep().0)
        .iter()
        .map(|f| Filter::builder().set_pattern(nonempty(f, "pattern")).build())
        .collect();
    Some(FilterCriteria::builder().set_filters(Some(filters)).build())
}

/// The on-failure destination as written, if any.
fn on_failure_arn(v: &Value) -> Option<String> {
    first(v, "destination_config").and_then(|d| first(&d, "on_failure")).and_then(|f| nonempty(&f, "destination_arn"))
}

/// The destination to send: one removed is sent as an empty one, which is
/// how the API clears it.
fn destination_of(v: &Value) -> DestinationConfig {
    DestinationConfig::builder().on_failure(OnFailure::builder().set_destination(on_failure_arn(v)).build()).build()
}

fn scaling_of(v: &Value) -> Option<ScalingConfig> {
    let b = first(v, "scaling_config")?;
    Some(ScalingConfig::builder().set_maximum_concurrency(i32_attr(&b, "maximum_concurrency")).build())
}

fn response_types_of(v: &Value) -> Vec<FunctionResponseType> {
    strings_of(&attr(v, "function_response_types")).iter().map(|s| FunctionResponseType::from(s.as_str())).collect()
}

fn is_retryable(e: &crate::client::AwsError) -> bool {
    (e.code == "InvalidParameterValueException"
        && (e.message.contains("cannot be assumed by Lambda")
            || e.message.contains("execution role does not have permissions")
            || e.message.contains("ensure the role can perform")))
        || e.code == "ResourceInUseException"
        || e.code == "TooManyRequestsException"
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let function = str_attr(planned, "function_name").unwrap_or_default();
    let source = nonempty(planned, "event_source_arn");
    let what = format!("creating {WHAT} ({})", source.clone().unwrap_or_default());
    let timestamp = nonempty(planned, "starting_position_timestamp").and_then(|t| {
        aws_sdk_lambda::primitives::DateTime::from_str(&t, aws_sdk_lambda::primitives::DateTimeFormat::DateTime).ok()
    });
    let all_tags = map_of(&attr(planned, "tags_all"));
    aws.log_call("lambda:CreateEventSourceMapping");
    let out = aws
        .retry(Duration::from_secs(300), is_retryable, || {
            aws.block(
                aws.lambda
                    .create_event_source_mapping()
                    .function_name(&function)
                    .set_event_source_arn(source.clone())
                    .set_enabled(bool_attr(planned, "enabled"))
                    .set_batch_size(i32_attr(planned, "batch_size"))
                    .set_maximum_batching_window_in_seconds(
                        i32_attr(planned, "maximum_batching_window_in_seconds").filter(|n| *n > 0),
                    )
                    .set_starting_position(
                        nonempty(planned, "starting_position").map(|s| EventSourcePosition::from(s.as_str())),
                    )
                    .set_starting_position_timestamp(timestamp)
                    .set_filter_criteria(filter_criteria_of(planned))
                    .set_function_response_types(Some(response_types_of(planned)).filter(|t| !t.is_empty()))
                    .set_scaling_config(scaling_of(planned))
                    .set_destination_config(on_failure_arn(planned).map(|_| destination_of(planned)))
                    .set_bisect_batch_on_function_error(bool_attr(planned, "bisect_batch_on_function_error"))
                    .set_maximum_record_age_in_seconds(i32_attr(planned, "maximum_record_age_in_seconds"))
                    .set_maximum_retry_attempts(i32_attr(planned, "maximum_retry_attempts"))
                    .set_parallelization_factor(i32_attr(planned, "parallelization_factor"))
                    .set_tumbling_window_in_seconds(i32_attr(planned, "tumbling_window_in_seconds"))
                    .set_queues(Some(strings_of(&attr(planned, "queues"))).filter(|q| !q.is_empty()))
                    .set_topics(Some(strings_of(&attr(planned, "topics"))).filter(|q| !q.is_empty()))
                    .set_kms_key_arn(nonempty(planned, "kms_key_arn"))
                    .set_tags(
                        Some(all_tags.clone().into_iter().collect())
                            .filter(|t: &std::collections::HashMap<_, _>| !t.is_empty()),
                    )
                    .send(),
            )
            .map_err(aws_error)
        })
        .map_err(|e| e.into_diag(&what))?;
    let uuid = out.uuid().unwrap_or_default().to_string();
    let stub = with_attr(planned, "id", Value::string(uuid.as_str()));
    wait_settled(aws, &uuid)?;
    read_after_write(aws, &stub)
}

/// Polls until the mapping is Enabled or Disabled.
fn wait_settled(aws: &Aws, uuid: &str) -> Result<(), ProviderDiagnostic> {
    let what = format!("{WHAT} ({uuid}) to settle");
    poll(aws, Duration::from_secs(600), &what, || {
        aws.log_call("lambda:GetEventSourceMapping");
        let out = aws
            .block(aws.lambda.get_event_source_mapping().uuid(uuid).send())
            .map_err(|e| aws_error(e).into_diag(&format!("waiting for {what}")))?;
        Ok(matches!(out.state(), Some("Enabled" | "Disabled") | None).then_some(()))
    })
}

fn read_after_write(aws: &Aws, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(current);
    read(aws, current)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{WHAT} not found after change"), format!("{WHAT} ({id}) was not found."))
    })
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let uuid = crate::id_of(prior);
    let what = format!("updating {WHAT} ({uuid})");
    let differs = |n: &str| changed(prior, planned, n);
    let mut req = aws.lambda.update_event_source_mapping().uuid(&uuid);
    if differs("function_name") {
        req = req.function_name(str_attr(planned, "function_name").unwrap_or_default());
    }
    if differs("enabled") {
        req = req.set_enabled(bool_attr(planned, "enabled"));
    }
    if differs("batch_size") {
        req = req.set_batch_size(i32_attr(planned, "batch_size"));
    }
    if differs("maximum_batching_window_in_seconds") {
        req = req
            .maximum_batching_window_in_seconds(i32_attr(planned, "maximum_batching_window_in_seconds").unwrap_or(0));
    }
    if differs("filter_criteria") {
        req = req.filter_criteria(
            filter_criteria_of(planned)
                .unwrap_or_else(|| FilterCriteria::builder().set_filters(Some(Vec::new())).build()),
        );
    }
    if differs("function_response_types") {
        req = req.set_function_response_types(Some(response_types_of(planned)));
    }
    if differs("scaling_config") {
        req = req.scaling_config(scaling_of(planned).unwrap_or_else(|| ScalingConfig::builder().build()));
    }
    if differs("destination_config") {
        req = req.destination_config(destination_of(planned));
    }
    if differs("bisect_batch_on_function_error") {
        req = req.set_bisect_batch_on_function_error(bool_attr(planned, "bisect_batch_on_function_error"));
    }
    for (name, set) in [
        ("maximum_record_age_in_seconds", 0),
        ("maximum_retry_attempts", 1),
        ("parallelization_factor", 2),
        ("tumbling_window_in_seconds", 3),
    ] {
        if differs(name) {
            let n = i32_attr(planned, name);
            req = match set {
                0 => req.set_maximum_record_age_in_seconds(n),
                1 => req.set_maximum_retry_attempts(n),
                2 => req.set_parallelization_factor(n),
                _ => req.set_tumbling_window_in_seconds(n),
            };
        }
    }
    let in_place = ["function_name", "enabled", "batch_size", "maximum_batching_window_in_seconds", "filter_criteria"]
        .iter()
        .chain(&["function_response_types", "scaling_config", "bisect_batch_on_function_error", "destination_config"])
        .chain(&[
            "maximum_record_age_in_seconds",
            "maximum_retry_attempts",
            "parallelization_factor",
            "tumbling_window_in_seconds",
        ])
        .any(|n| differs(n));
    if in_place {
        aws.log_call("lambda:UpdateEventSourceMapping");
        aws.retry(Duration::from_secs(300), is_retryable, || {
            aws.block(req.clone().send()).map(|_| ()).map_err(aws_error)
        })
        .map_err(|e| e.into_diag(&what))?;
        wait_settled(aws, &uuid)?;
    }
    let arn = str_attr(prior, "arn").unwrap_or_default();
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("lambda:UntagResource");
        aws.block(aws.lambda.untag_resource().resource(&arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    if !set.is_empty() {
        aws.log_call("lambda:TagResource");
        aws.block(aws.lambda.tag_resource().resource(&arn).set_tags(Some(set.into_iter().collect())).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_after_write(aws, planned)
}

/// The mapping's tags; an endpoint that cannot list them (moto, for
/// mappings) gives what is known.
fn remote_tags(aws: &Aws, arn: &str, current: &Value) -> Vec<(String, String)> {
    if arn.is_empty() {
        return Vec::new();
    }
    aws.log_call("lambda:ListTags");
    let few = aws_sdk_lambda::config::Builder::default()
        .retry_config(aws_sdk_lambda::config::retry::RetryConfig::standard().with_max_attempts(2));
    match aws.block(aws.lambda.list_tags().resource(arn).customize().config_override(few).send()) {
        Ok(out) => out.tags().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
        Err(_) => map_of(&attr(current, "tags_all")).into_iter().collect(),
    }
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let uuid = crate::id_of(current);
    let what = format!("reading {WHAT} ({uuid})");
    aws.log_call("lambda:GetEventSourceMapping");
    let out = match aws.block(aws.lambda.get_event_source_mapping().uuid(&uuid).send()).map_err(aws_error) {
        Ok(out) => out,
        Err(e) if is_gone(&e) => return Ok(None),
        Err(e) => return Err(e.into_diag(&what)),
    };
    let arn = out.event_source_mapping_arn().unwrap_or_default().to_string();
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote_tags(aws, &arn, current));
    let int = |n: Option<i32>| Value::int(i64::from(n.unwrap_or(0)));
    let filters: Vec<Value> = out
        .filter_criteria()
        .map(|f| {
            f.filters()
                .iter()
                .map(|x| {
                    let b = &filter_criteria_block().blocks["filter"].block;
                    object(b, [("pattern", Value::string(x.pattern().unwrap_or_default()))])
                })
                .collect()
        })
        .unwrap_or_default();
    let filter_block = &filter_criteria_block().blocks["filter"].block;
    let filter_criteria = if filters.is_empty() {
        Vec::new()
    } else {
        vec![object(&filter_criteria_block(), [("filter", Value::set(filter_block.implied_type(), filters))])]
    };
    let scaling: Vec<Value> = out
        .scaling_config()
        .and_then(|s| s.maximum_concurrency())
        .map(|n| object(&scaling_block(), [("maximum_concurrency", Value::int(i64::from(n)))]))
        .into_iter()
        .collect();
    let destination: Vec<Value> = out
        .destination_config()
        .and_then(|d| d.on_failure())
        .and_then(|f| f.destination())
        .filter(|d| !d.is_empty())
        .map(|d| {
            let on_failure = object(&on_failure_block(), [("destination_arn", Value::string(d))]);
            object(
                &destination_block(),
                [("on_failure", Value::list(on_failure_block().implied_type(), vec![on_failure]))],
            )
        })
        .into_iter()
        .collect();
    let state = out.state().unwrap_or_default();
    let enabled = matches!(state, "Enabled" | "Enabling" | "Updating");
    // The function as written (name or ARN) stays while it names the same function.
    let function_arn = out.function_arn().unwrap_or_default().to_string();
    let function_name = match str_attr(current, "function_name") {
        Some(f)
            if function_arn == f
                || function_arn.ends_with(&format!(":function:{f}"))
                || function_arn.contains(&format!(":function:{f}:")) =>
        {
            Value::string(f)
        }
        _ => Value::string(function_arn.as_str()),
    };
    let text = |v: Option<&str>| Value::string(v.unwrap_or_default());
    let position = out.starting_position().map(|p| p.as_str().to_string());
    let keep_null = |name: &str, v: Option<String>| match v {
        Some(s) => Value::string(s),
        None if attr(current, name).is_null() => Value::null(Type::String),
        None => Value::string(""),
    };
    let last_modified = out
        .last_modified()
        .and_then(|t| t.fmt(aws_sdk_lambda::primitives::DateTimeFormat::DateTime).ok())
        .unwrap_or_default();
    let timestamp = out
        .starting_position_timestamp()
        .and_then(|t| t.fmt(aws_sdk_lambda::primitives::DateTimeFormat::DateTime).ok());
    let strings_set =
        |items: &[String]| Value::set(Type::String, items.iter().map(|s| Value::string(s.as_str())).collect());
    let response_types: Vec<String> = out.function_response_types().iter().map(|t| t.as_str().to_string()).collect();
    Ok(Some(object(
        &schema(),
        [
            ("arn", Value::string(arn.as_str())),
            ("batch_size", Value::int(i64::from(out.batch_size().unwrap_or(0)))),
            ("bisect_batch_on_function_error", Value::bool(out.bisect_batch_on_function_error().unwrap_or(false))),
            ("enabled", Value::bool(enabled)),
            ("event_source_arn", text(out.event_source_arn())),
            ("function_arn", Value::string(function_arn.as_str())),
            ("function_name", function_name),
            ("function_response_types", strings_set(&response_types)),
            ("id", Value::string(out.uuid().unwrap_or(&uuid))),
            ("kms_key_arn", text(out.kms_key_arn())),
            ("last_modified", Value::string(last_modified)),
            ("last_processing_result", text(out.last_processing_result())),
            ("maximum_batching_window_in_seconds", int(out.maximum_batching_window_in_seconds())),
            ("maximum_record_age_in_seconds", int(out.maximum_record_age_in_seconds())),
            ("maximum_retry_attempts", int(out.maximum_retry_attempts())),
            ("parallelization_factor", int(out.parallelization_factor())),
            ("queues", string_list(out.queues().iter().cloned())),
            ("starting_position", keep_null("starting_position", position)),
            ("starting_position_timestamp", keep_null("starting_position_timestamp", timestamp)),
            ("state", Value::string(state)),
            ("state_transition_reason", text(out.state_transition_reason())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("topics", strings_set(out.topics())),
            ("tumbling_window_in_seconds", int(out.tumbling_window_in_seconds())),
            ("uuid", Value::string(out.uuid().unwrap_or(&uuid))),
            ("destination_config", Value::list(destination_block().implied_type(), destination)),
            ("filter_criteria", Value::list(filter_criteria_block().implied_type(), filter_criteria)),
            ("scaling_config", Value::list(scaling_block().implied_type(), scaling)),
        ],
    )))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let uuid = crate::id_of(prior);
    let what = format!("deleting {WHAT} ({uuid})");
    aws.log_call("lambda:DeleteEventSourceMapping");
    let result = aws.retry(
        Duration::from_secs(300),
        |e| e.code == "ResourceInUseException",
        || aws.block(aws.lambda.delete_event_source_mapping().uuid(&uuid).send()).map(|_| ()).map_err(aws_error),
    );
    match result {
        Err(e) if is_gone(&e) => return Ok(()),
        Err(e) => return Err(e.into_diag(&what)),
        Ok(()) => {}
    }
    poll(aws, Duration::from_secs(300), &format!("{WHAT} ({uuid}) delete"), || {
        aws.log_call("lambda:GetEventSourceMapping");
        match aws.block(aws.lambda.get_event_source_mapping().uuid(&uuid).send()).map_err(aws_error) {
            Err(e) if is_gone(&e) => Ok(Some(())),
            Err(e) => Err(e.into_diag(&what)),
            Ok(_) => Ok(None),
        }
    })
}

/// The mapping an interrupted create made: AWS allows one mapping per
/// function and source, so it is the one from the planned source to the
/// planned function.
pub fn find(aws: &Aws, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for a Lambda Event Source Mapping an interrupted create made";
    let (Some(function), Some(source)) = (nonempty(planned, "function_name"), nonempty(planned, "event_source_arn"))
    else {
        return Ok(None);
    };
    aws.log_call("lambda:ListEventSourceMappings");
    let out = aws
        .block(aws.lambda.list_event_source_mappings().function_name(&function).event_source_arn(&source).send())
        .map_err(|e| aws_error(e).into_diag(what))?;
    let Some(uuid) = out.event_source_mappings().iter().find_map(|m| m.uuid()) else { return Ok(None) };
    read(aws, &with_attr(planned, "id", Value::string(uuid)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(values: Vec<(&str, Value)>) -> Value {
        object(&schema(), values)
    }

    #[test]
    fn a_name_and_an_arn_of_the_same_function_are_no_change() {
        assert!(same_function("arn:aws:lambda:r:1:function:f", "f"));
        assert!(same_function("f", "f"));
        assert!(!same_function("arn:aws:lambda:r:1:function:f", "g"));
        let prior = mapping(vec![
            ("function_name", Value::string("arn:aws:lambda:r:1:function:f")),
            ("event_source_arn", Value::string("arn:aws:sqs:r:1:q")),
            ("batch_size", Value::int(10)),
        ]);
        let config = with_attr(&prior, "function_name", Value::string("f"));
        let (p, _) = plan(&config, &config, &prior);
        assert_eq!(str_attr(&p, "function_name").as_deref(), Some("arn:aws:lambda:r:1:function:f"));
    }

    #[test]
    fn an_on_failure_destination_is_sent_and_a_removed_one_cleared() {
        let queue = "arn:aws:sqs:r:1:dlq";
        let on_failure = object(&on_failure_block(), [("destination_arn", Value::string(queue))]);
        let destination = object(
            &destination_block(),
            [("on_failure", Value::list(on_failure_block().implied_type(), vec![on_failure]))],
        );
        let with =
            mapping(vec![("destination_config", Value::list(destination_block().implied_type(), vec![destination]))]);
        assert_eq!(on_failure_arn(&with).as_deref(), Some(queue));
        assert_eq!(destination_of(&with).on_failure().and_then(|f| f.destination()), Some(queue));
        let without = mapping(vec![]);
        assert_eq!(on_failure_arn(&without), None);
        let cleared = destination_of(&without);
        assert!(cleared.on_failure().is_some_and(|f| f.destination().is_none()));
        // A change of destination is in place, and shows in last_modified.
        let prior = with_attr(&with, "id", Value::string("u"));
        let (p, replace) = plan(&without, &without, &prior);
        assert!(replace.is_empty());
        assert!(attr(&p, "last_modified").is_unknown());
    }

    #[test]
    fn a_batch_size_left_out_is_the_sources_default() {
        let null = Value::null(schema().implied_type());
        for (arn, size) in
            [("arn:aws:sqs:ap-northeast-1:1:q", 10), ("arn:aws:dynamodb:ap-northeast-1:1:table/t/stream/x", 100)]
        {
            let c = mapping(vec![("event_source_arn", Value::string(arn)), ("function_name", Value::string("f"))]);
            let (p, _) = plan(&c, &c, &null);
            assert!(attr(&p, "batch_size").raw_equal(&Value::int(size)), "{arn}");
        }
        let stream = mapping(vec![("event_source_arn", Value::string("arn:aws:kinesis:r:1:stream/s"))]);
        let diags = validate(&stream);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].detail.contains("starting_position is required"));
        let bad = mapping(vec![
            ("event_source_arn", Value::string("arn:aws:sqs:r:1:q")),
            ("function_response_types", Value::set(Type::String, vec![Value::string("Everything")])),
        ]);
        assert!(validate(&bad)[0].detail.contains("got Everything"));
    }
}
