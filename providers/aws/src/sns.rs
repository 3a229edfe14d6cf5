//! SNS, as hashicorp/aws 6.x models it: `aws_sns_topic` (id = ARN,
//! imported by it; `.fifo` names and prefixes; every attribute but the
//! name and `fifo_topic` changes in place, one SetTopicAttributes call per
//! attribute as the API takes them) and `aws_sns_topic_subscription` (id
//! = ARN, imported by it; topic, protocol and endpoint replace it, the
//! subscription's attributes change in place).
//!
//! The topic policy is compared by IAM policy equivalence, the delivery,
//! filter, redrive and replay policies as JSON; the stored text is kept
//! when what SNS returns means the same. Unset attributes read back as the
//! plugin SDK's zero values, as the provider's attribute maps set them.

use crate::client::{aws_error, Aws, AwsError};
use crate::family::Family;
use crate::iam_policy;
use crate::sqs::{document_to_store, json_invalid_reason, plan_document, validate_policy_document};
use crate::tags;
use crate::util::{attr, attrs, bool_attr, int_attr, is_set, map_of, nonempty, object, str_attr, with_attr};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, ListedObject, PathStep, ProviderDiagnostic};

pub const TOPIC: &str = "aws_sns_topic";
pub const SUBSCRIPTION: &str = "aws_sns_topic_subscription";

const TYPES: [&str; 2] = [TOPIC, SUBSCRIPTION];

const TOPIC_WHAT: &str = "SNS Topic";
const SUBSCRIPTION_WHAT: &str = "SNS Topic Subscription";
const FIFO_SUFFIX: &str = ".fifo";

/// The delivery-status feedback arguments: each target's roles and sample rate.
const FEEDBACK_TARGETS: [(&str, &str); 5] =
    [("application", "Application"), ("firehose", "Firehose"), ("http", "HTTP"), ("lambda", "Lambda"), ("sqs", "SQS")];

/// The topic's text arguments and their attributes.
const TOPIC_TEXTS: [(&str, &str); 4] = [
    ("display_name", "DisplayName"),
    ("fifo_throughput_scope", "FifoThroughputScope"),
    ("kms_master_key_id", "KmsMasterKeyId"),
    ("tracing_config", "TracingConfig"),
];

/// The topic's JSON documents (the policy by IAM equivalence).
const TOPIC_DOCUMENTS: [(&str, &str); 3] =
    [("archive_policy", "ArchivePolicy"), ("delivery_policy", "DeliveryPolicy"), ("policy", "Policy")];

const SUBSCRIPTION_DOCUMENTS: [(&str, &str); 4] = [
    ("delivery_policy", "DeliveryPolicy"),
    ("filter_policy", "FilterPolicy"),
    ("redrive_policy", "RedrivePolicy"),
    ("replay_policy", "ReplayPolicy"),
];

const PROTOCOLS: [&str; 9] =
    ["application", "email", "email-json", "firehose", "http", "https", "lambda", "sms", "sqs"];

/// The family (`family::FAMILIES`).
pub struct Sns;

/// `(argument, attribute)` for every feedback role and sample rate.
fn feedback_arguments() -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for (arg, api) in FEEDBACK_TARGETS {
        out.push((format!("{arg}_failure_feedback_role_arn"), format!("{api}FailureFeedbackRoleArn"), false));
        out.push((format!("{arg}_success_feedback_role_arn"), format!("{api}SuccessFeedbackRoleArn"), false));
        out.push((format!("{arg}_success_feedback_sample_rate"), format!("{api}SuccessFeedbackSampleRate"), true));
    }
    out
}

fn topic_schema() -> Block {
    let mut list = vec![
        ("archive_policy", Attribute::optional(Type::String)),
        ("arn", Attribute::computed(Type::String)),
        ("beginning_archive_time", Attribute::computed(Type::String)),
        ("content_based_deduplication", Attribute::optional(Type::Bool)),
        ("delivery_policy", Attribute::optional(Type::String)),
        ("display_name", Attribute::optional(Type::String)),
        ("fifo_throughput_scope", Attribute::optional_computed(Type::String)),
        ("fifo_topic", Attribute::optional(Type::Bool).force_new()),
        ("id", Attribute::computed(Type::String)),
        ("kms_master_key_id", Attribute::optional(Type::String)),
        ("name", Attribute::optional_computed(Type::String).force_new()),
        ("name_prefix", Attribute::optional_computed(Type::String).force_new()),
        ("owner", Attribute::computed(Type::String)),
        ("policy", Attribute::optional_computed(Type::String)),
        ("signature_version", Attribute::optional_computed(Type::Number)),
        ("tags", Attribute::optional(Type::map(Type::String))),
        ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
        ("tracing_config", Attribute::optional_computed(Type::String)),
    ];
    let feedback = feedback_arguments();
    let mut block = Block { attributes: attrs(std::mem::take(&mut list)), blocks: BTreeMap::new() };
    for (name, _, rate) in feedback {
        block.attributes.insert(name, Attribute::optional(if rate { Type::Number } else { Type::String }));
    }
    block
}

fn subscription_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("confirmation_timeout_in_minutes", Attribute::optional(Type::Number)),
            ("confirmation_was_authenticated", Attribute::computed(Type::Bool)),
            ("delivery_policy", Attribute::optional(Type::String)),
            ("endpoint", Attribute::required(Type::String).force_new()),
            ("endpoint_auto_confirms", Attribute::optional(Type::Bool)),
            ("filter_policy", Attribute::optional(Type::String)),
            ("filter_policy_scope", Attribute::optional_computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("owner_id", Attribute::computed(Type::String)),
            ("pending_confirmation", Attribute::computed(Type::Bool)),
            ("protocol", Attribute::required(Type::String).force_new()),
            ("raw_message_delivery", Attribute::optional(Type::Bool)),
            ("redrive_policy", Attribute::optional(Type::String)),
            ("replay_policy", Attribute::optional(Type::String)),
            ("subscription_role_arn", Attribute::optional(Type::String)),
            ("topic_arn", Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

impl Family for Sns {
    fn types(&self) -> &'static [&'static str] {
        &TYPES
    }

    fn schema(&self, type_name: &str) -> Block {
        match type_name {
            TOPIC => topic_schema(),
            _ => subscription_schema(),
        }
    }

    fn defaults(&self, type_name: &str) -> Vec<(&'static str, Value)> {
        match type_name {
            TOPIC => vec![("content_based_deduplication", Value::bool(false)), ("fifo_topic", Value::bool(false))],
            _ => vec![
                ("confirmation_timeout_in_minutes", Value::int(1)),
                ("endpoint_auto_confirms", Value::bool(false)),
                ("raw_message_delivery", Value::bool(false)),
            ],
        }
    }

    fn validate(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        if config.is_null() {
            return Vec::new();
        }
        match type_name {
            TOPIC => validate_topic(config),
            _ => validate_subscription(config),
        }
    }

    fn plan(&self, type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
        let mut p = planned.clone();
        let documents: &[(&str, &str)] = if type_name == TOPIC { &TOPIC_DOCUMENTS } else { &SUBSCRIPTION_DOCUMENTS };
        for (name, _) in documents {
            let equivalent = if *name == "policy" { iam_policy::equivalent } else { crate::util::json_equivalent };
            p = plan_document(&p, config, prior, name, equivalent);
        }
        (p, Vec::new())
    }

    fn apply(&self, aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        match (type_name, prior.is_null()) {
            (TOPIC, true) => create_topic(aws, planned),
            (TOPIC, false) => update_topic(aws, prior, planned),
            (_, true) => subscribe(aws, planned),
            (_, false) => update_subscription(aws, prior, planned),
        }
    }

    fn read(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        match type_name {
            TOPIC => read_topic(aws, current),
            _ => read_subscription(aws, current),
        }
    }

    fn delete(&self, aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        let arn = crate::id_of(prior);
        let (what, result) = match type_name {
            TOPIC => {
                aws.log_call("sns:DeleteTopic");
                (TOPIC_WHAT, aws.block(aws.sns.delete_topic().topic_arn(&arn).send()).map(|_| ()).map_err(aws_error))
            }
            _ => {
                aws.log_call("sns:Unsubscribe");
                (
                    SUBSCRIPTION_WHAT,
                    aws.block(aws.sns.unsubscribe().subscription_arn(&arn).send()).map(|_| ()).map_err(aws_error),
                )
            }
        };
        match result {
            Err(e) if !e.is_not_found() => Err(e.into_diag(&format!("deleting {what} ({arn})"))),
            _ => Ok(()),
        }
    }

    /// A topic by its name (or prefix) and the create token tag; a
    /// subscription, untagged, by its topic, protocol and endpoint.
    fn find(
        &self,
        aws: &Aws,
        type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = &crate::util::known_or_null(planned);
        match type_name {
            TOPIC => find_topic(aws, token, planned),
            _ => find_subscription(aws, planned),
        }
    }

    fn list(&self, aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
        (type_name == TOPIC).then(|| list_topics(aws))
    }
}

fn at(name: &str, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(vec![PathStep::Attr(name.into())])
}

/// SNS's rule: up to 256 of `[0-9A-Za-z_-]`; a FIFO topic's name is up to
/// 251 of them followed by `.fifo`.
fn valid_topic_name(name: &str, fifo: bool) -> bool {
    let (stem, max) = match (fifo, name.strip_suffix(FIFO_SUFFIX)) {
        (true, Some(stem)) => (stem, 251),
        (true, None) => return false,
        (false, _) => (name, 256),
    };
    !stem.is_empty() && stem.len() <= max && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn validate_topic(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    diags.extend(validate_policy_document(config, "policy"));
    for name in ["archive_policy", "delivery_policy"] {
        if let Some(reason) = str_attr(config, name).and_then(|d| json_invalid_reason(&d)) {
            diags.push(at(name, &format!("Invalid {name}"), format!("{name:?} contains an invalid JSON: {reason}")));
        }
    }
    for (name, _, rate) in feedback_arguments() {
        if !rate || !is_set(&attr(config, &name)) {
            continue;
        }
        if !int_attr(config, &name).is_some_and(|n| (0..=100).contains(&n)) {
            diags.push(at(
                &name,
                &format!("Invalid {name}"),
                format!(
                    "expected {name} to be in the range (0 - 100), got {}",
                    int_attr(config, &name).map_or_else(|| "a fraction".to_string(), |n| n.to_string())
                ),
            ));
        }
    }
    if let Some(n) = int_attr(config, "signature_version").filter(|n| ![1, 2].contains(n)) {
        diags.push(at(
            "signature_version",
            "Invalid signature_version",
            format!("expected signature_version to be one of [1 2], got {n}"),
        ));
    }
    for (name, allowed) in
        [("tracing_config", &["PassThrough", "Active"][..]), ("fifo_throughput_scope", &["Topic", "MessageGroup"][..])]
    {
        if let Some(v) = str_attr(config, name).filter(|v| !allowed.contains(&v.as_str())) {
            let list = allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ");
            diags.push(at(name, &format!("Invalid {name}"), format!("expected {name} to be one of [{list}], got {v}")));
        }
    }
    if is_set(&attr(config, "name")) && is_set(&attr(config, "name_prefix")) {
        diags.push(at("name", "Conflicting configuration arguments", "\"name\": conflicts with name_prefix".into()));
    }
    let fifo = bool_attr(config, "fifo_topic").unwrap_or(false);
    let fifo_known = attr(config, "fifo_topic").is_known();
    if fifo_known && !fifo && bool_attr(config, "content_based_deduplication") == Some(true) {
        diags.push(at(
            "content_based_deduplication",
            "Invalid content_based_deduplication",
            "content-based deduplication can only be set for FIFO topics".into(),
        ));
    }
    if let Some(n) = str_attr(config, "name").filter(|n| fifo_known && !valid_topic_name(n, fifo)) {
        let rule = if fifo {
            "a FIFO topic's name is 1 to 251 alphanumeric characters, hyphens or underscores followed by \".fifo\""
        } else {
            "1 to 256 alphanumeric characters, hyphens or underscores; \".fifo\" only with fifo_topic = true"
        };
        diags.push(at("name", "Invalid topic name", format!("invalid topic name: {n} ({rule})")));
    }
    diags
}

fn validate_subscription(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    let protocol = str_attr(config, "protocol");
    if let Some(p) = protocol.as_deref().filter(|p| !PROTOCOLS.contains(p)) {
        let list = PROTOCOLS.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ");
        diags.push(at("protocol", "Invalid protocol", format!("expected protocol to be one of [{list}], got {p}")));
    }
    if protocol.as_deref() == Some("firehose")
        && nonempty(config, "subscription_role_arn").is_none()
        && attr(config, "subscription_role_arn").is_known()
    {
        diags.push(at(
            "subscription_role_arn",
            "Missing subscription_role_arn",
            "protocol firehose must contain subscription_role_arn".into(),
        ));
    }
    if let Some(v) =
        str_attr(config, "filter_policy_scope").filter(|v| !["MessageAttributes", "MessageBody"].contains(&v.as_str()))
    {
        diags.push(at(
            "filter_policy_scope",
            "Invalid filter_policy_scope",
            format!("expected filter_policy_scope to be one of [\"MessageAttributes\" \"MessageBody\"], got {v}"),
        ));
    }
    for (name, _) in SUBSCRIPTION_DOCUMENTS {
        if let Some(reason) = str_attr(config, name).and_then(|d| json_invalid_reason(&d)) {
            diags.push(at(name, &format!("Invalid {name}"), format!("{name:?} contains an invalid JSON: {reason}")));
        }
    }
    diags
}

// ---- aws_sns_topic ----

/// The topic's name: `name`, or one made from `name_prefix` (with the
/// `.fifo` suffix for a FIFO topic).
fn topic_name(planned: &Value) -> String {
    if let Some(n) = nonempty(planned, "name") {
        return n;
    }
    let generated = crate::iam::name_for(planned);
    if bool_attr(planned, "fifo_topic") == Some(true) {
        format!("{generated}{FIFO_SUFFIX}")
    } else {
        generated
    }
}

/// The last `:` segment of an ARN (a topic's name).
fn last_segment(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// The attributes a topic's update sends (all changed ones; a create,
/// every one with a value, zero values left to SNS).
fn topic_attributes(prior: &Value, planned: &Value) -> Vec<(String, String)> {
    let creating = prior.is_null();
    let changed = |a: &str| creating || !attr(prior, a).raw_equal(&attr(planned, a));
    let mut out = Vec::new();
    let mut text = |name: &str, api: &str, value: Option<String>| {
        if changed(name) && attr(planned, name).is_known() {
            match value {
                Some(v) if !v.is_empty() => out.push((api.to_string(), v)),
                _ if !creating => out.push((api.to_string(), String::new())),
                _ => {}
            }
        }
    };
    for (name, api) in TOPIC_TEXTS.into_iter().chain(TOPIC_DOCUMENTS) {
        text(name, api, str_attr(planned, name));
    }
    for (name, api, rate) in feedback_arguments() {
        let value = if rate {
            int_attr(planned, &name).filter(|n| *n != 0 || !creating).map(|n| n.to_string())
        } else {
            str_attr(planned, &name)
        };
        text(&name, &api, value);
    }
    let version = int_attr(planned, "signature_version").filter(|n| *n != 0).map(|n| n.to_string());
    text("signature_version", "SignatureVersion", version);
    if bool_attr(planned, "fifo_topic") == Some(true) && changed("content_based_deduplication") {
        let v = bool_attr(planned, "content_based_deduplication").unwrap_or(false);
        if v || !creating {
            out.push(("ContentBasedDeduplication".into(), v.to_string()));
        }
    }
    out
}

fn set_topic_attributes(aws: &Aws, arn: &str, attributes: Vec<(String, String)>) -> Result<(), AwsError> {
    for (name, value) in attributes {
        aws.log_call("sns:SetTopicAttributes");
        // A just-made topic's policy may name principals IAM has not yet
        // made visible.
        aws.retry(
            Duration::from_secs(120),
            |e| e.code == "InvalidParameter" && e.message.contains("Policy") && e.message.contains("principal"),
            || {
                aws.block(
                    aws.sns.set_topic_attributes().topic_arn(arn).attribute_name(&name).attribute_value(&value).send(),
                )
                .map(|_| ())
                .map_err(aws_error)
            },
        )?;
    }
    Ok(())
}

fn sns_tags(m: &BTreeMap<String, String>) -> Option<Vec<aws_sdk_sns::types::Tag>> {
    let tags: Vec<_> =
        m.iter().filter_map(|(k, v)| aws_sdk_sns::types::Tag::builder().key(k).value(v).build().ok()).collect();
    (!tags.is_empty()).then_some(tags)
}

fn create_topic(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = topic_name(planned);
    let what = format!("creating {TOPIC_WHAT} ({name})");
    // The FIFO attribute can only be given to CreateTopic; the others are set after it.
    let mut create_attributes = HashMap::new();
    if bool_attr(planned, "fifo_topic") == Some(true) {
        create_attributes.insert("FifoTopic".to_string(), "true".to_string());
    }
    aws.log_call("sns:CreateTopic");
    let out = aws
        .block(
            aws.sns
                .create_topic()
                .name(&name)
                .set_attributes((!create_attributes.is_empty()).then_some(create_attributes))
                .set_tags(sns_tags(&map_of(&attr(planned, "tags_all"))))
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let arn = out.topic_arn().unwrap_or_default().to_string();
    let stub = with_attr(planned, "id", Value::string(arn.as_str()));
    let null = Value::null(topic_schema().implied_type());
    if let Err(e) = set_topic_attributes(aws, &arn, topic_attributes(&null, planned)) {
        return Err(e.into_diag(&format!("setting {TOPIC_WHAT} ({arn}) attributes")));
    }
    read_topic_after_write(aws, &stub)
}

fn read_topic_after_write(aws: &Aws, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(current);
    aws.until_visible(&format!("{TOPIC_WHAT} ({id})"), || {
        read_topic(aws, current).map_err(|d| AwsError { code: "ReadFailed".into(), message: d.detail })
    })
    .map_err(|e| e.into_diag(&format!("reading {TOPIC_WHAT} ({id})")))
}

fn topic_tags(aws: &Aws, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    aws.log_call("sns:ListTagsForResource");
    let out = aws.block(aws.sns.list_tags_for_resource().resource_arn(arn).send()).map_err(aws_error)?;
    Ok(out.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect())
}

fn is_true(v: Option<&String>) -> bool {
    v.is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

fn read_topic(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let arn = crate::id_of(current);
    let what = format!("reading {TOPIC_WHAT} ({arn})");
    aws.log_call("sns:GetTopicAttributes");
    let attributes = match aws.block(aws.sns.get_topic_attributes().topic_arn(&arn).send()).map_err(aws_error) {
        Ok(out) => out.attributes().cloned().unwrap_or_default(),
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e.into_diag(&what)),
    };
    let get = |api: &str| attributes.get(api);
    let name = last_segment(&arn).to_string();
    let fifo = is_true(get("FifoTopic"));
    let stem = if fifo { name.strip_suffix(FIFO_SUFFIX).unwrap_or(&name) } else { &name };
    let prefix = match crate::logs::name_prefix_from_name(stem) {
        Some(p) => Value::string(p),
        None if is_set(&attr(current, "name_prefix")) => Value::string(""),
        None => Value::null(Type::String),
    };
    let remote_tags = topic_tags(aws, &arn).map_err(|e| e.into_diag(&what))?;
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote_tags);
    let text = |api: &str| Value::string(get(api).map(String::as_str).unwrap_or_default());
    let number = |api: &str| Value::int(get(api).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let mut values: Vec<(String, Value)> = vec![
        ("arn".into(), Value::string(arn.as_str())),
        ("beginning_archive_time".into(), text("BeginningArchiveTime")),
        ("content_based_deduplication".into(), Value::bool(is_true(get("ContentBasedDeduplication")))),
        ("fifo_topic".into(), Value::bool(fifo)),
        ("id".into(), Value::string(arn.as_str())),
        ("name".into(), Value::string(name.as_str())),
        ("name_prefix".into(), prefix),
        ("owner".into(), text("Owner")),
        ("signature_version".into(), number("SignatureVersion")),
        ("tags".into(), tags),
        ("tags_all".into(), tags_all),
    ];
    for (name, api) in TOPIC_TEXTS {
        values.push((name.into(), text(api)));
    }
    for (name, api) in TOPIC_DOCUMENTS {
        values.push((name.into(), document_to_store(get(api), current, name, name == "policy")));
    }
    for (name, api, rate) in feedback_arguments() {
        values.push((name, if rate { number(&api) } else { text(&api) }));
    }
    Ok(Some(object(&topic_schema(), values.iter().map(|(k, v)| (k.as_str(), v.clone())))))
}

fn update_topic(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let arn = crate::id_of(prior);
    let what = format!("updating {TOPIC_WHAT} ({arn})");
    set_topic_attributes(aws, &arn, topic_attributes(prior, planned)).map_err(|e| e.into_diag(&what))?;
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("sns:UntagResource");
        aws.block(aws.sns.untag_resource().resource_arn(&arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    if let Some(set) = sns_tags(&set) {
        aws.log_call("sns:TagResource");
        aws.block(aws.sns.tag_resource().resource_arn(&arn).set_tags(Some(set)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_topic_after_write(aws, &with_attr(planned, "id", Value::string(arn.as_str())))
}

fn topic_arns(aws: &Aws) -> Result<Vec<String>, AwsError> {
    let mut arns = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("sns:ListTopics");
        let out = aws.block(aws.sns.list_topics().set_next_token(token.clone()).send()).map_err(aws_error)?;
        arns.extend(out.topics().iter().filter_map(|t| t.topic_arn().map(String::from)));
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(arns)
}

fn find_topic(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for an SNS Topic an interrupted create made";
    let exact = nonempty(planned, "name");
    let prefix = nonempty(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
    let named = topic_arns(aws).map_err(|e| e.into_diag(what))?.into_iter().filter(|arn| {
        let name = last_segment(arn);
        match &exact {
            Some(n) => n == name,
            None => name.starts_with(&prefix),
        }
    });
    match tags::first_carrying_token(named, token, |arn| topic_tags(aws, arn)).map_err(|e| e.into_diag(what))? {
        Some(arn) => read_topic(aws, &with_attr(planned, "id", Value::string(arn))),
        None => Ok(None),
    }
}

fn list_topics(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let what = "listing SNS Topics";
    let mut objects = Vec::new();
    for arn in topic_arns(aws).map_err(|e| e.into_diag(what))? {
        let tags = topic_tags(aws, &arn).map_err(|e| e.into_diag(what))?;
        objects.push(ListedObject { id: arn, tags: tags.into_iter().collect() });
    }
    Ok(objects)
}

// ---- aws_sns_topic_subscription ----

/// The attributes a subscription sends: on subscribe every one with a
/// value, on update the changed ones ("" to clear).
fn subscription_attributes(prior: &Value, planned: &Value) -> Vec<(String, String)> {
    let creating = prior.is_null();
    let changed = |a: &str| creating || !attr(prior, a).raw_equal(&attr(planned, a));
    let mut out = Vec::new();
    // The scope goes first: SNS checks a filter policy against it.
    let texts = [("filter_policy_scope", "FilterPolicyScope"), ("subscription_role_arn", "SubscriptionRoleArn")];
    for (name, api) in texts.into_iter().chain(SUBSCRIPTION_DOCUMENTS) {
        if !changed(name) || !attr(planned, name).is_known() {
            continue;
        }
        match nonempty(planned, name) {
            Some(v) => out.push((api.to_string(), v)),
            None if !creating && name != "filter_policy_scope" => out.push((api.to_string(), String::new())),
            None => {}
        }
    }
    let raw = bool_attr(planned, "raw_message_delivery").unwrap_or(false);
    if changed("raw_message_delivery") && (raw || !creating) {
        out.push(("RawMessageDelivery".into(), raw.to_string()));
    }
    out
}

fn subscribe(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let topic = str_attr(planned, "topic_arn").unwrap_or_default();
    let protocol = str_attr(planned, "protocol").unwrap_or_default();
    let endpoint = str_attr(planned, "endpoint").unwrap_or_default();
    let what = format!("creating {SUBSCRIPTION_WHAT} ({topic} {protocol})");
    let null = Value::null(subscription_schema().implied_type());
    let attributes: HashMap<String, String> = subscription_attributes(&null, planned).into_iter().collect();
    aws.log_call("sns:Subscribe");
    let out = aws
        .block(
            aws.sns
                .subscribe()
                .topic_arn(&topic)
                .protocol(&protocol)
                .endpoint(&endpoint)
                .set_attributes((!attributes.is_empty()).then_some(attributes))
                .return_subscription_arn(true)
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let arn = out.subscription_arn().unwrap_or_default().to_string();
    let stub = with_attr(planned, "id", Value::string(arn.as_str()));
    // Email and unconfirmed HTTP(S) subscriptions wait for a person; the
    // others are confirmed by AWS at once, which the provider waits for.
    let waits = match protocol.as_str() {
        "email" | "email-json" => false,
        "http" | "https" => bool_attr(planned, "endpoint_auto_confirms") == Some(true),
        _ => true,
    };
    if waits {
        let minutes = int_attr(planned, "confirmation_timeout_in_minutes").unwrap_or(1).max(1) as u64;
        aws.retry(
            Duration::from_secs(minutes * 60),
            |e| e.code == "PendingConfirmation",
            || {
                aws.log_call("sns:GetSubscriptionAttributes");
                let out = aws.block(aws.sns.get_subscription_attributes().subscription_arn(&arn).send());
                let attributes = out.map_err(aws_error)?.attributes().cloned().unwrap_or_default();
                if is_true(attributes.get("PendingConfirmation")) {
                    return Err(AwsError {
                        code: "PendingConfirmation".into(),
                        message: format!("{arn} is not yet confirmed"),
                    });
                }
                Ok(())
            },
        )
        .map_err(|e| e.into_diag(&format!("waiting for {SUBSCRIPTION_WHAT} ({arn}) confirmation")))?;
    }
    read_subscription(aws, &stub)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{SUBSCRIPTION_WHAT} not found after change"), format!("{what}: not found"))
    })
}

fn read_subscription(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let arn = crate::id_of(current);
    let what = format!("reading {SUBSCRIPTION_WHAT} ({arn})");
    aws.log_call("sns:GetSubscriptionAttributes");
    let attributes =
        match aws.block(aws.sns.get_subscription_attributes().subscription_arn(&arn).send()).map_err(aws_error) {
            Ok(out) => out.attributes().cloned().unwrap_or_default(),
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e.into_diag(&what)),
        };
    let get = |api: &str| attributes.get(api);
    let text = |api: &str| Value::string(get(api).map(String::as_str).unwrap_or_default());
    // Kept from the configuration: SNS does not hold them.
    let kept = |name: &str, default: Value| {
        let v = attr(current, name);
        if v.is_known() && !v.is_null() {
            v
        } else {
            default
        }
    };
    let mut values: Vec<(&str, Value)> = vec![
        ("arn", Value::string(arn.as_str())),
        ("confirmation_timeout_in_minutes", kept("confirmation_timeout_in_minutes", Value::int(1))),
        ("confirmation_was_authenticated", Value::bool(is_true(get("ConfirmationWasAuthenticated")))),
        ("endpoint", text("Endpoint")),
        ("endpoint_auto_confirms", kept("endpoint_auto_confirms", Value::bool(false))),
        ("filter_policy_scope", text("FilterPolicyScope")),
        ("id", Value::string(arn.as_str())),
        ("owner_id", text("Owner")),
        ("pending_confirmation", Value::bool(is_true(get("PendingConfirmation")))),
        ("protocol", text("Protocol")),
        ("raw_message_delivery", Value::bool(is_true(get("RawMessageDelivery")))),
        ("subscription_role_arn", text("SubscriptionRoleArn")),
        ("topic_arn", text("TopicArn")),
    ];
    for (name, api) in SUBSCRIPTION_DOCUMENTS {
        values.push((name, document_to_store(get(api), current, name, false)));
    }
    Ok(Some(object(&subscription_schema(), values)))
}

fn update_subscription(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let arn = crate::id_of(prior);
    let what = format!("updating {SUBSCRIPTION_WHAT} ({arn})");
    for (name, value) in subscription_attributes(prior, planned) {
        aws.log_call("sns:SetSubscriptionAttributes");
        aws.block(
            aws.sns
                .set_subscription_attributes()
                .subscription_arn(&arn)
                .attribute_name(name)
                .attribute_value(value)
                .send(),
        )
        .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_subscription(aws, &with_attr(planned, "id", Value::string(arn.as_str())))?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{SUBSCRIPTION_WHAT} not found after change"), format!("{what}: not found"))
    })
}

/// The subscription of the planned topic, protocol and endpoint.
fn find_subscription(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for an SNS Topic Subscription an interrupted create made";
    let (Some(topic), Some(protocol), Some(endpoint)) =
        (nonempty(planned, "topic_arn"), nonempty(planned, "protocol"), nonempty(planned, "endpoint"))
    else {
        return Ok(None);
    };
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("sns:ListSubscriptionsByTopic");
        let out = match aws
            .block(aws.sns.list_subscriptions_by_topic().topic_arn(&topic).set_next_token(token.clone()).send())
            .map_err(aws_error)
        {
            Ok(out) => out,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e.into_diag(what)),
        };
        let found = out.subscriptions().iter().find(|s| {
            s.protocol() == Some(protocol.as_str())
                && s.endpoint() == Some(endpoint.as_str())
                && s.subscription_arn().is_some_and(|a| a.starts_with("arn:"))
        });
        if let Some(arn) = found.and_then(|s| s.subscription_arn()) {
            return read_subscription(aws, &with_attr(planned, "id", Value::string(arn)));
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_follow_sns_rules() {
        assert!(valid_topic_name("events", false));
        assert!(valid_topic_name("events.fifo", true));
        assert!(!valid_topic_name("events.fifo", false));
        assert!(!valid_topic_name("events", true));
        assert!(!valid_topic_name("ev ents", false));
        let fifo = object(&topic_schema(), [("name_prefix", Value::string("ev-")), ("fifo_topic", Value::bool(true))]);
        let name = topic_name(&fifo);
        assert!(name.starts_with("ev-") && valid_topic_name(&name, true), "{name}");
        assert_eq!(last_segment("arn:aws:sns:ap-southeast-1:123456789012:events"), "events");
    }

    #[test]
    fn updates_send_changed_attributes_and_clear_removed_ones() {
        let schema = topic_schema();
        let null = Value::null(schema.implied_type());
        let created = object(
            &schema,
            [
                ("display_name", Value::string("Events")),
                ("delivery_policy", Value::string("")),
                ("sqs_success_feedback_sample_rate", Value::int(0)),
            ],
        );
        assert_eq!(topic_attributes(&null, &created), vec![("DisplayName".to_string(), "Events".to_string())]);
        let renamed = with_attr(&created, "display_name", Value::string(""));
        assert_eq!(topic_attributes(&created, &renamed), vec![("DisplayName".to_string(), String::new())]);
        let sub = subscription_schema();
        let before = object(
            &sub,
            [("raw_message_delivery", Value::bool(false)), ("filter_policy", Value::string("{\"a\":[\"b\"]}"))],
        );
        let after = object(&sub, [("raw_message_delivery", Value::bool(true)), ("filter_policy", Value::string(""))]);
        assert_eq!(
            subscription_attributes(&before, &after),
            vec![("FilterPolicy".to_string(), String::new()), ("RawMessageDelivery".to_string(), "true".to_string())]
        );
    }

    #[test]
    fn validation_names_the_argument() {
        let topic = object(
            &topic_schema(),
            [
                ("name", Value::string("events")),
                ("fifo_topic", Value::bool(true)),
                ("sqs_success_feedback_sample_rate", Value::int(101)),
                ("delivery_policy", Value::string("{")),
            ],
        );
        let details: Vec<String> = validate_topic(&topic).into_iter().map(|d| d.detail).collect();
        assert_eq!(details.len(), 3, "{details:#?}");
        assert!(details.iter().any(|d| d.contains("invalid topic name: events")));
        assert!(details.iter().any(|d| d.contains("sqs_success_feedback_sample_rate to be in the range (0 - 100)")));
        let sub = object(
            &subscription_schema(),
            [("protocol", Value::string("firehose")), ("filter_policy_scope", Value::string("Body"))],
        );
        let details: Vec<String> = validate_subscription(&sub).into_iter().map(|d| d.detail).collect();
        assert_eq!(details.len(), 2, "{details:#?}");
        assert!(details[0].contains("protocol firehose must contain subscription_role_arn"));
    }
}
