//! `aws_s3_bucket_notification` (id = the bucket): the bucket's whole
//! notification configuration, so a delete puts an empty one. A
//! destination without an `id` gets `tf-s3-<kind>-<unique>` as the
//! provider names them; left out later, the id S3 holds stays.

use super::*;
use crate::util::{bool_attr, nonempty, object, strings_of, with_attr};
use aws_sdk_s3::types::{
    Event, EventBridgeConfiguration, FilterRule, FilterRuleName, LambdaFunctionConfiguration,
    NotificationConfiguration, NotificationConfigurationFilter, QueueConfiguration, S3KeyFilter, TopicConfiguration,
};
use std::collections::BTreeMap;
use strata_provider::{NestedBlock, Nesting};

const WHAT: &str = "S3 Bucket Notification";

/// (block, its ARN argument, the id prefix the provider generates).
const KINDS: [(&str, &str, &str); 3] = [
    ("lambda_function", "lambda_function_arn", "tf-s3-lambda-"),
    ("queue", "queue_arn", "tf-s3-queue-"),
    ("topic", "topic_arn", "tf-s3-topic-"),
];

fn destination_block(arn: &str) -> Block {
    let arn_attr = if arn == "lambda_function_arn" {
        Attribute::optional(Type::String)
    } else {
        Attribute::required(Type::String)
    };
    Block {
        attributes: attrs(vec![
            (arn, arn_attr),
            ("events", Attribute::required(Type::set(Type::String))),
            ("filter_prefix", Attribute::optional(Type::String)),
            ("filter_suffix", Attribute::optional(Type::String)),
            ("id", Attribute::optional_computed(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("bucket", Attribute::required(Type::String).force_new()),
            ("eventbridge", Attribute::optional(Type::Bool)),
            ("id", Attribute::computed(Type::String)),
        ]),
        blocks: KINDS
            .iter()
            .map(|(name, arn, _)| {
                (
                    name.to_string(),
                    NestedBlock { nesting: Nesting::List, block: destination_block(arn), min_items: 0, max_items: 0 },
                )
            })
            .collect(),
    }
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    for (name, _, _) in KINDS {
        for d in items(config, name) {
            for e in strings_of(&attr(&d, "events")) {
                if !e.starts_with("s3:") {
                    diags.push(invalid(name, format!("{name}.events: {e:?} is not an S3 event type (s3:ObjectCreated:*, s3:ObjectRemoved:Delete, …)")));
                }
            }
        }
    }
    diags
}

/// A destination's `id` left out: the one at its place before, unknown
/// for a new one. Done whenever the list of destinations is known, even
/// if a destination's ARN is not yet (a function made in the same apply):
/// an id left null there would turn unknown when the ARN is learned.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut out = planned.clone();
    for (name, arn, _) in KINDS {
        let before = items(prior, name);
        let written = items(config, name);
        if !attr(planned, name).is_known() {
            continue;
        }
        let planned_items: Vec<Value> = items(planned, name)
            .into_iter()
            .enumerate()
            .map(|(i, d)| {
                if written.get(i).is_some_and(|w| attr(w, "id").is_null()) {
                    let kept = before.get(i).map(|b| attr(b, "id")).filter(|v| !v.is_null());
                    with_attr(&d, "id", kept.unwrap_or_else(|| Value::unknown(Type::String)))
                } else {
                    d
                }
            })
            .collect();
        out = with_attr(&out, name, list_of(&destination_block(arn), planned_items));
    }
    out
}

fn filter_of(d: &Value) -> Option<NotificationConfigurationFilter> {
    let rules: Vec<FilterRule> = [("filter_prefix", FilterRuleName::Prefix), ("filter_suffix", FilterRuleName::Suffix)]
        .into_iter()
        .filter_map(|(n, kind)| nonempty(d, n).map(|v| FilterRule::builder().name(kind).value(v).build()))
        .collect();
    (!rules.is_empty()).then(|| {
        NotificationConfigurationFilter::builder()
            .key(S3KeyFilter::builder().set_filter_rules(Some(rules)).build())
            .build()
    })
}

fn events_of(d: &Value) -> Vec<Event> {
    strings_of(&attr(d, "events")).iter().map(|e| Event::from(e.as_str())).collect()
}

fn id_of(d: &Value, prefix: &str) -> String {
    nonempty(d, "id").unwrap_or_else(|| super::bucket::unique_name(prefix))
}

pub fn put(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let bucket = str_attr(planned, "bucket").unwrap_or_default();
    let what = format!("putting {WHAT} ({bucket})");
    let fail = |e: String| ProviderDiagnostic::error(format!("{what}: invalid destination"), format!("{what}: {e}"));
    let mut config = NotificationConfiguration::builder();
    for d in items(planned, "queue") {
        config = config.queue_configurations(
            QueueConfiguration::builder()
                .id(id_of(&d, "tf-s3-queue-"))
                .queue_arn(str_attr(&d, "queue_arn").unwrap_or_default())
                .set_events(Some(events_of(&d)))
                .set_filter(filter_of(&d))
                .build()
                .map_err(|e| fail(e.to_string()))?,
        );
    }
    for d in items(planned, "topic") {
        config = config.topic_configurations(
            TopicConfiguration::builder()
                .id(id_of(&d, "tf-s3-topic-"))
                .topic_arn(str_attr(&d, "topic_arn").unwrap_or_default())
                .set_events(Some(events_of(&d)))
                .set_filter(filter_of(&d))
                .build()
                .map_err(|e| fail(e.to_string()))?,
        );
    }
    for d in items(planned, "lambda_function") {
        config = config.lambda_function_configurations(
            LambdaFunctionConfiguration::builder()
                .id(id_of(&d, "tf-s3-lambda-"))
                .lambda_function_arn(str_attr(&d, "lambda_function_arn").unwrap_or_default())
                .set_events(Some(events_of(&d)))
                .set_filter(filter_of(&d))
                .build()
                .map_err(|e| fail(e.to_string()))?,
        );
    }
    if bool_attr(planned, "eventbridge").unwrap_or(false) {
        config = config.event_bridge_configuration(EventBridgeConfiguration::builder().build());
    }
    let config = config.build();
    aws.log_call("s3:PutBucketNotificationConfiguration");
    // A queue or topic policy just written may not yet let S3 in.
    aws.retry(
        std::time::Duration::from_secs(120),
        |e| e.code == "NoSuchBucket" || (e.code == "InvalidArgument" && e.message.contains("Unable to validate")),
        || {
            aws.block(
                aws.s3
                    .put_bucket_notification_configuration()
                    .bucket(&bucket)
                    .notification_configuration(config.clone())
                    .send(),
            )
            .map(|_| ())
            .map_err(aws_error)
        },
    )
    .map_err(|e| e.into_diag(&what))?;
    read(aws, &with_attr(planned, "id", Value::string(bucket.as_str())))?.ok_or_else(|| vanished(&what, &bucket))
}

fn destination_value(
    arn_name: &str,
    arn: &str,
    id: Option<&str>,
    events: &[Event],
    filter: Option<&NotificationConfigurationFilter>,
) -> Value {
    let rule = |kind: FilterRuleName| {
        filter
            .and_then(|f| f.key())
            .map(|k| k.filter_rules())
            .unwrap_or_default()
            .iter()
            .find(|r| r.name().is_some_and(|n| n.as_str().eq_ignore_ascii_case(kind.as_str())))
            .and_then(|r| r.value())
            .map_or(Value::null(Type::String), Value::string)
    };
    object(
        &destination_block(arn_name),
        [
            (arn_name, Value::string(arn)),
            ("events", string_set(events.iter().map(|e| e.as_str().to_string()))),
            // A rule S3 does not hold is null, as a filter left out is
            // written (the provider's "" there is no diff under SDKv2).
            ("filter_prefix", rule(FilterRuleName::Prefix)),
            ("filter_suffix", rule(FilterRuleName::Suffix)),
            ("id", Value::string(id.unwrap_or_default())),
        ],
    )
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (bucket, _) = parse_id(current);
    let what = format!("reading {WHAT} ({bucket})");
    aws.log_call("s3:GetBucketNotificationConfiguration");
    let out = match aws.block(aws.s3.get_bucket_notification_configuration().bucket(&bucket).send()) {
        Ok(out) => out,
        // moto's answer for an empty configuration (see `unparsed_body`).
        Err(e) if unparsed_body(&e).is_some() => aws_sdk_s3::operation::get_bucket_notification_configuration::GetBucketNotificationConfigurationOutput::builder().build(),
        Err(e) => {
            let e = aws_error(e);
            return if is_gone(&e) { Ok(None) } else { Err(e.into_diag(&what)) };
        }
    };
    let queues = out
        .queue_configurations()
        .iter()
        .map(|q| destination_value("queue_arn", q.queue_arn(), q.id(), q.events(), q.filter()))
        .collect();
    let topics = out
        .topic_configurations()
        .iter()
        .map(|t| destination_value("topic_arn", t.topic_arn(), t.id(), t.events(), t.filter()))
        .collect();
    let lambdas = out
        .lambda_function_configurations()
        .iter()
        .map(|l| destination_value("lambda_function_arn", l.lambda_function_arn(), l.id(), l.events(), l.filter()))
        .collect();
    Ok(Some(object(
        &schema(),
        [
            ("bucket", Value::string(bucket.as_str())),
            ("eventbridge", Value::bool(out.event_bridge_configuration().is_some())),
            ("id", Value::string(bucket.as_str())),
            ("queue", list_of(&destination_block("queue_arn"), queues)),
            ("topic", list_of(&destination_block("topic_arn"), topics)),
            ("lambda_function", list_of(&destination_block("lambda_function_arn"), lambdas)),
        ],
    )))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (bucket, _) = parse_id(prior);
    let what = format!("deleting {WHAT} ({bucket})");
    aws.log_call("s3:PutBucketNotificationConfiguration");
    let empty = NotificationConfiguration::builder().build();
    match aws
        .block(aws.s3.put_bucket_notification_configuration().bucket(&bucket).notification_configuration(empty).send())
        .map_err(aws_error)
    {
        Err(e) if !is_gone(&e) => Err(e.into_diag(&what)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification(arn: Value) -> Value {
        let schema = schema();
        let block = destination_block("lambda_function_arn");
        let destination = object(
            &block,
            [
                ("lambda_function_arn", arn),
                ("events", Value::set(Type::String, vec![Value::string("s3:ObjectCreated:*")])),
            ],
        );
        object(&schema, [("bucket", Value::string("b")), ("lambda_function", list_of(&block, vec![destination]))])
    }

    #[test]
    fn a_new_destination_id_is_unknown_even_while_its_arn_is() {
        let null = Value::null(schema().implied_type());
        for arn in [Value::unknown(Type::String), Value::string("arn:aws:lambda:r:1:function:f")] {
            let config = notification(arn.clone());
            let planned = plan(&config, &config, &null);
            let destination = items(&planned, "lambda_function").remove(0);
            assert!(attr(&destination, "id").is_unknown(), "{arn:?}: {destination:?}");
        }
    }

    #[test]
    fn a_filter_rule_s3_does_not_hold_reads_as_null() {
        let prefix = FilterRule::builder().name(FilterRuleName::Prefix).value("incoming/").build();
        let filter =
            NotificationConfigurationFilter::builder().key(S3KeyFilter::builder().filter_rules(prefix).build()).build();
        let read = destination_value("lambda_function_arn", "arn", Some("i"), &[], Some(&filter));
        assert_eq!(str_attr(&read, "filter_prefix").as_deref(), Some("incoming/"));
        assert!(attr(&read, "filter_suffix").is_null());
        let unfiltered = destination_value("lambda_function_arn", "arn", Some("i"), &[], None);
        assert!(attr(&unfiltered, "filter_prefix").is_null() && attr(&unfiltered, "filter_suffix").is_null());
    }

    #[test]
    fn a_destination_id_left_out_keeps_the_one_before() {
        let config = notification(Value::unknown(Type::String));
        let prior = notification(Value::string("arn:aws:lambda:r:1:function:f"));
        let block = destination_block("lambda_function_arn");
        let kept = with_attr(&items(&prior, "lambda_function")[0], "id", Value::string("tf-s3-lambda-1"));
        let prior = with_attr(&prior, "lambda_function", list_of(&block, vec![kept]));
        let planned = plan(&config, &config, &prior);
        let destination = items(&planned, "lambda_function").remove(0);
        assert_eq!(str_attr(&destination, "id").as_deref(), Some("tf-s3-lambda-1"));
    }
}
