//! SQS, as hashicorp/aws 6.x models it: `aws_sqs_queue` (id = the queue's
//! URL, imported by it; a name from `name_prefix` gets the `.fifo` suffix
//! a FIFO queue needs; every attribute but the name and `fifo_queue`
//! changes in place through SetQueueAttributes) and `aws_sqs_queue_policy`
//! (id = the queue URL; deleting it clears the queue's policy).
//!
//! Policies are compared by IAM policy equivalence and the redrive
//! policies as JSON documents, the stored text kept when what is read
//! means the same (SQS returns `maxReceiveCount` as a number whatever was
//! sent). Unset attributes read back as the plugin SDK's zero values, as
//! the provider's attribute map sets them.

use crate::client::{aws_error, Aws, AwsError};
use crate::family::Family;
use crate::iam_policy;
use crate::tags;
use crate::util::{attr, attrs, bool_attr, int_attr, is_set, map_of, nonempty, object, str_attr, with_attr};
use aws_sdk_sqs::types::QueueAttributeName;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, AttributePath, Block, ListedObject, PathStep, ProviderDiagnostic};

pub const QUEUE: &str = "aws_sqs_queue";
pub const QUEUE_POLICY: &str = "aws_sqs_queue_policy";

const TYPES: [&str; 2] = [QUEUE, QUEUE_POLICY];

const WHAT: &str = "SQS Queue";
const FIFO_SUFFIX: &str = ".fifo";

/// Numeric arguments: (argument, SQS attribute, lowest, highest).
const NUMBERS: [(&str, &str, i64, i64); 6] = [
    ("delay_seconds", "DelaySeconds", 0, 900),
    ("kms_data_key_reuse_period_seconds", "KmsDataKeyReusePeriodSeconds", 60, 86_400),
    ("max_message_size", "MaximumMessageSize", 1_024, 1_048_576),
    ("message_retention_seconds", "MessageRetentionPeriod", 60, 1_209_600),
    ("receive_wait_time_seconds", "ReceiveMessageWaitTimeSeconds", 0, 20),
    ("visibility_timeout_seconds", "VisibilityTimeout", 0, 43_200),
];

/// Text arguments and their SQS attributes (documents below).
const TEXTS: [(&str, &str); 3] = [
    ("deduplication_scope", "DeduplicationScope"),
    ("fifo_throughput_limit", "FifoThroughputLimit"),
    ("kms_master_key_id", "KmsMasterKeyId"),
];

const BOOLS: [(&str, &str); 3] = [
    ("content_based_deduplication", "ContentBasedDeduplication"),
    ("fifo_queue", "FifoQueue"),
    ("sqs_managed_sse_enabled", "SqsManagedSseEnabled"),
];

/// JSON documents: the access policy (IAM equivalence) and the redrive
/// policies (JSON equality).
const DOCUMENTS: [(&str, &str); 3] =
    [("policy", "Policy"), ("redrive_allow_policy", "RedriveAllowPolicy"), ("redrive_policy", "RedrivePolicy")];

const ALLOWED_TEXT: [(&str, &[&str]); 2] = [
    ("deduplication_scope", &["messageGroup", "queue"]),
    ("fifo_throughput_limit", &["perQueue", "perMessageGroupId"]),
];

/// The family (`family::FAMILIES`).
pub struct Sqs;

fn queue_schema() -> Block {
    let int = || Attribute::optional(Type::Number);
    Block {
        attributes: attrs(vec![
            ("arn", Attribute::computed(Type::String)),
            ("content_based_deduplication", Attribute::optional(Type::Bool)),
            ("deduplication_scope", Attribute::optional_computed(Type::String)),
            ("delay_seconds", int()),
            ("fifo_queue", Attribute::optional(Type::Bool).force_new()),
            ("fifo_throughput_limit", Attribute::optional_computed(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("kms_data_key_reuse_period_seconds", Attribute::optional_computed(Type::Number)),
            ("kms_master_key_id", Attribute::optional(Type::String)),
            ("max_message_size", int()),
            ("message_retention_seconds", int()),
            ("name", Attribute::optional_computed(Type::String).force_new()),
            ("name_prefix", Attribute::optional_computed(Type::String).force_new()),
            ("policy", Attribute::optional_computed(Type::String)),
            ("receive_wait_time_seconds", int()),
            ("redrive_allow_policy", Attribute::optional_computed(Type::String)),
            ("redrive_policy", Attribute::optional_computed(Type::String)),
            ("sqs_managed_sse_enabled", Attribute::optional_computed(Type::Bool)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("url", Attribute::computed(Type::String)),
            ("visibility_timeout_seconds", int()),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn policy_schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("id", Attribute::computed(Type::String)),
            ("policy", Attribute::required(Type::String)),
            ("queue_url", Attribute::required(Type::String).force_new()),
        ]),
        blocks: BTreeMap::new(),
    }
}

impl Family for Sqs {
    fn types(&self) -> &'static [&'static str] {
        &TYPES
    }

    fn schema(&self, type_name: &str) -> Block {
        match type_name {
            QUEUE => queue_schema(),
            _ => policy_schema(),
        }
    }

    /// The provider's `Default:`s.
    fn defaults(&self, type_name: &str) -> Vec<(&'static str, Value)> {
        if type_name != QUEUE {
            return Vec::new();
        }
        vec![
            ("content_based_deduplication", Value::bool(false)),
            ("delay_seconds", Value::int(0)),
            ("fifo_queue", Value::bool(false)),
            ("max_message_size", Value::int(262_144)),
            ("message_retention_seconds", Value::int(345_600)),
            ("receive_wait_time_seconds", Value::int(0)),
            ("visibility_timeout_seconds", Value::int(30)),
        ]
    }

    fn validate(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        if config.is_null() {
            return Vec::new();
        }
        match type_name {
            QUEUE => validate_queue(config),
            _ => validate_policy_document(config, "policy").into_iter().collect(),
        }
    }

    fn plan(&self, type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
        let mut p = plan_document(planned, config, prior, "policy", iam_policy::equivalent);
        if type_name == QUEUE {
            for name in ["redrive_allow_policy", "redrive_policy"] {
                p = plan_document(&p, config, prior, name, crate::util::json_equivalent);
            }
        }
        (p, Vec::new())
    }

    fn apply(&self, aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        match (type_name, prior.is_null()) {
            (QUEUE, true) => create_queue(aws, planned),
            (QUEUE, false) => update_queue(aws, prior, planned),
            _ => put_policy(aws, planned),
        }
    }

    fn read(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        match type_name {
            QUEUE => read_queue(aws, current),
            _ => read_policy(aws, current),
        }
    }

    fn delete(&self, aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        match type_name {
            QUEUE => delete_queue(aws, prior),
            _ => delete_policy(aws, prior),
        }
    }

    /// A queue by its name (or prefix) and the create token tag; a queue
    /// policy, untagged, by its queue holding a policy.
    fn find(
        &self,
        aws: &Aws,
        type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = &crate::util::known_or_null(planned);
        match type_name {
            QUEUE => find_queue(aws, token, planned),
            _ => {
                let Some(url) = nonempty(planned, "queue_url") else { return Ok(None) };
                read_policy(aws, &with_attr(planned, "id", Value::string(url.as_str())))
            }
        }
    }

    fn list(&self, aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
        (type_name == QUEUE).then(|| list_queues(aws))
    }
}

fn at(name: &str, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(vec![PathStep::Attr(name.into())])
}

/// The provider's checks: ranges, allowed values, JSON documents, the
/// conflicting arguments, and its plan-time name and FIFO rules.
fn validate_queue(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    for (name, _, low, high) in NUMBERS {
        let v = attr(config, name);
        if !is_set(&v) {
            continue;
        }
        match int_attr(config, name) {
            Some(n) if (low..=high).contains(&n) => {}
            n => {
                let got = n.map_or_else(|| "a fraction".to_string(), |n| n.to_string());
                diags.push(at(
                    name,
                    &format!("Invalid {name}"),
                    format!("expected {name} to be in the range ({low} - {high}), got {got}"),
                ));
            }
        }
    }
    for (name, allowed) in ALLOWED_TEXT {
        if let Some(v) = str_attr(config, name).filter(|v| !allowed.contains(&v.as_str())) {
            let list = allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ");
            diags.push(at(name, &format!("Invalid {name}"), format!("expected {name} to be one of [{list}], got {v}")));
        }
    }
    diags.extend(validate_policy_document(config, "policy"));
    for name in ["redrive_allow_policy", "redrive_policy"] {
        if let Some(reason) = str_attr(config, name).and_then(|d| json_invalid_reason(&d)) {
            diags.push(at(name, &format!("Invalid {name}"), format!("{name:?} contains an invalid JSON: {reason}")));
        }
    }
    for (a, b) in [("name", "name_prefix"), ("kms_master_key_id", "sqs_managed_sse_enabled")] {
        if is_set(&attr(config, a)) && is_set(&attr(config, b)) {
            diags.push(at(a, "Conflicting configuration arguments", format!("{a:?}: conflicts with {b}")));
        }
    }
    let fifo = bool_attr(config, "fifo_queue").unwrap_or(false);
    let fifo_known = attr(config, "fifo_queue").is_known();
    if fifo_known && !fifo && bool_attr(config, "content_based_deduplication") == Some(true) {
        diags.push(at(
            "content_based_deduplication",
            "Invalid content_based_deduplication",
            "content-based deduplication can only be set for FIFO queue".into(),
        ));
    }
    let name = attr(config, "name");
    if fifo_known && name.is_known() {
        if let Some(n) = str_attr(config, "name").filter(|n| !valid_name(n, fifo)) {
            diags.push(at("name", "Invalid queue name", invalid_name_detail(&n, fifo)));
        }
    }
    if let Some(prefix) = str_attr(config, "name_prefix") {
        // A generated suffix is 26 characters (and `.fifo`).
        let max = if fifo { 75 - 26 } else { 80 - 26 };
        if prefix.len() > max || !prefix.chars().all(name_char) {
            diags.push(at("name_prefix", "Invalid queue name", invalid_name_detail(&format!("{prefix}…"), fifo)));
        }
    }
    diags
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// SQS's rule: up to 80 of `[0-9A-Za-z_-]`; a FIFO queue's name is up to
/// 75 of them followed by `.fifo`.
fn valid_name(name: &str, fifo: bool) -> bool {
    let (stem, max) = match (fifo, name.strip_suffix(FIFO_SUFFIX)) {
        (true, Some(stem)) => (stem, 75),
        (true, None) => return false,
        (false, _) => (name, 80),
    };
    !stem.is_empty() && stem.len() <= max && stem.chars().all(name_char)
}

fn invalid_name_detail(name: &str, fifo: bool) -> String {
    if fifo {
        format!("invalid queue name: {name} (a FIFO queue's name is 1 to 75 alphanumeric characters, hyphens or underscores followed by \".fifo\")")
    } else {
        format!("invalid queue name: {name} (1 to 80 alphanumeric characters, hyphens or underscores; \".fifo\" only with fifo_queue = true)")
    }
}

pub(crate) fn validate_policy_document(config: &Value, name: &str) -> Option<ProviderDiagnostic> {
    let reason = str_attr(config, name).and_then(|d| iam_policy::invalid_reason(&d))?;
    let text = format!("{name:?} contains an invalid JSON policy: {reason}");
    Some(at(name, &text, text.clone()))
}

/// Why `doc` is not JSON (the provider's `StringIsJSON`); "" is allowed.
pub(crate) fn json_invalid_reason(doc: &str) -> Option<String> {
    if doc.is_empty() {
        return None;
    }
    serde_json::from_str::<serde_json::Value>(doc).err().map(|e| e.to_string())
}

/// A JSON document argument as planned: the stored text when the
/// configuration means the same, else the configuration normalized (the
/// provider's StateFunc).
pub(crate) fn plan_document(
    planned: &Value,
    config: &Value,
    prior: &Value,
    name: &str,
    equivalent: fn(&str, &str) -> bool,
) -> Value {
    let written = attr(config, name);
    let Some(text) = written.is_known().then(|| str_attr(config, name)).flatten() else { return planned.clone() };
    let before = attr(prior, name);
    if let Some(b) = before.is_known().then(|| str_attr(prior, name)).flatten() {
        if equivalent(&b, &text) || (b.is_empty() && text.trim() == "{}") {
            return with_attr(planned, name, before);
        }
    }
    with_attr(planned, name, Value::string(iam_policy::normalize(&text)).mark(written.marks()))
}

/// The queue's name: `name`, or one made from `name_prefix` (with the
/// `.fifo` suffix for a FIFO queue), as the provider's name generator does.
fn queue_name(planned: &Value) -> String {
    if let Some(n) = nonempty(planned, "name") {
        return n;
    }
    let generated = crate::iam::name_for(planned);
    if bool_attr(planned, "fifo_queue") == Some(true) {
        format!("{generated}{FIFO_SUFFIX}")
    } else {
        generated
    }
}

/// The last path segment of a queue URL.
fn name_from_url(url: &str) -> &str {
    url.trim_end_matches('/').rsplit('/').next().unwrap_or(url)
}

fn is_gone(e: &AwsError) -> bool {
    e.code.contains("NonExistentQueue") || e.code == "QueueDoesNotExist"
}

/// The attributes a create sends: every argument with a value, zero values
/// left to SQS's defaults (the provider's `GetOk`), a configured `false`
/// for SSE sent (SQS turns it on by default).
fn create_attributes(planned: &Value) -> HashMap<QueueAttributeName, String> {
    let mut out = HashMap::new();
    for (name, api, _, _) in NUMBERS {
        if let Some(n) = int_attr(planned, name).filter(|n| *n != 0) {
            out.insert(QueueAttributeName::from(api), n.to_string());
        }
    }
    for (name, api) in TEXTS.into_iter().chain(DOCUMENTS) {
        if let Some(v) = nonempty(planned, name) {
            out.insert(QueueAttributeName::from(api), v);
        }
    }
    for (name, api) in BOOLS {
        match bool_attr(planned, name) {
            Some(true) => {
                out.insert(QueueAttributeName::from(api), "true".into());
            }
            Some(false) if name == "sqs_managed_sse_enabled" => {
                out.insert(QueueAttributeName::from(api), "false".into());
            }
            _ => {}
        }
    }
    out
}

fn create_queue(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = queue_name(planned);
    let what = format!("creating {WHAT} ({name})");
    let all_tags = map_of(&attr(planned, "tags_all"));
    let attributes = create_attributes(planned);
    aws.log_call("sqs:CreateQueue");
    // A queue of the same name deleted less than a minute ago blocks the name.
    let url = aws
        .retry(
            Duration::from_secs(70),
            |e| e.code.contains("QueueDeletedRecently"),
            || {
                aws.block(
                    aws.sqs
                        .create_queue()
                        .queue_name(&name)
                        .set_attributes(Some(attributes.clone()))
                        .set_tags((!all_tags.is_empty()).then(|| all_tags.clone().into_iter().collect()))
                        .send(),
                )
                .map_err(aws_error)
            },
        )
        .map_err(|e| e.into_diag(&what))?
        .queue_url()
        .unwrap_or_default()
        .to_string();
    let stub = with_attr(planned, "id", Value::string(url.as_str()));
    aws.until_visible(&format!("{WHAT} ({name})"), || fetch_queue(aws, &url))
        .map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({name}) create")))?;
    read_after_write(aws, &stub)
}

fn read_after_write(aws: &Aws, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(current);
    read_queue(aws, current)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{WHAT} not found after change"), format!("{WHAT} ({id}) was not found."))
    })
}

/// The queue's attributes and tags; `None` when it does not exist.
#[allow(clippy::type_complexity)]
fn fetch_queue(
    aws: &Aws,
    url: &str,
) -> Result<Option<(HashMap<QueueAttributeName, String>, HashMap<String, String>)>, AwsError> {
    aws.log_call("sqs:GetQueueAttributes");
    let attributes = match aws
        .block(aws.sqs.get_queue_attributes().queue_url(url).attribute_names(QueueAttributeName::All).send())
    {
        Ok(out) => out.attributes().cloned().unwrap_or_default(),
        Err(e) => {
            let e = aws_error(e);
            return if is_gone(&e) { Ok(None) } else { Err(e) };
        }
    };
    aws.log_call("sqs:ListQueueTags");
    let tags = match aws.block(aws.sqs.list_queue_tags().queue_url(url).send()) {
        Ok(out) => out.tags().cloned().unwrap_or_default(),
        Err(e) => {
            let e = aws_error(e);
            return if is_gone(&e) { Ok(None) } else { Err(e) };
        }
    };
    Ok(Some((attributes, tags)))
}

/// A document as read back: the known text when equivalent, else what SQS
/// holds, normalized; "" when it holds none.
pub(crate) fn document_to_store(remote: Option<&String>, current: &Value, name: &str, policy: bool) -> Value {
    let known = str_attr(current, name);
    let Some(remote) = remote.filter(|r| !r.is_empty()) else { return Value::string("") };
    let text = if policy {
        iam_policy::to_store(known.as_deref(), remote)
    } else {
        match known {
            Some(k) if crate::util::json_equivalent(&k, remote) => k,
            _ => iam_policy::normalize(remote),
        }
    };
    Value::string(text.as_str())
}

fn read_queue(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let url = crate::id_of(current);
    let what = format!("reading {WHAT} ({url})");
    let Some((attributes, remote_tags)) = fetch_queue(aws, &url).map_err(|e| e.into_diag(&what))? else {
        return Ok(None);
    };
    let get = |api: &str| attributes.get(&QueueAttributeName::from(api));
    let name = name_from_url(&url).to_string();
    let fifo = get("FifoQueue").is_some_and(|v| v == "true");
    let stem = if fifo { name.strip_suffix(FIFO_SUFFIX).unwrap_or(&name) } else { &name };
    let prefix = match crate::logs::name_prefix_from_name(stem) {
        Some(p) => Value::string(p),
        None if is_set(&attr(current, "name_prefix")) => Value::string(""),
        None => Value::null(Type::String),
    };
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote_tags);
    let mut values: Vec<(&str, Value)> = vec![
        ("arn", Value::string(get("QueueArn").map(String::as_str).unwrap_or_default())),
        ("id", Value::string(url.as_str())),
        ("name", Value::string(name.as_str())),
        ("name_prefix", prefix),
        ("tags", tags),
        ("tags_all", tags_all),
        ("url", Value::string(url.as_str())),
    ];
    for (name, api, _, _) in NUMBERS {
        let n = get(api).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
        values.push((name, Value::int(n)));
    }
    for (name, api) in TEXTS {
        values.push((name, Value::string(get(api).map(String::as_str).unwrap_or_default())));
    }
    for (name, api) in BOOLS {
        values.push((name, Value::bool(get(api).is_some_and(|v| v == "true"))));
    }
    for (name, api) in DOCUMENTS {
        values.push((name, document_to_store(get(api), current, name, name == "policy")));
    }
    Ok(Some(object(&queue_schema(), values)))
}

fn update_queue(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let url = crate::id_of(prior);
    let what = format!("updating {WHAT} ({url})");
    let changed = |a: &str| !attr(prior, a).raw_equal(&attr(planned, a));
    let mut attributes = HashMap::new();
    for (name, api, _, _) in NUMBERS {
        if changed(name) {
            if let Some(n) = int_attr(planned, name) {
                attributes.insert(QueueAttributeName::from(api), n.to_string());
            }
        }
    }
    for (name, api) in TEXTS.into_iter().chain(DOCUMENTS) {
        if changed(name) && attr(planned, name).is_known() {
            attributes.insert(QueueAttributeName::from(api), str_attr(planned, name).unwrap_or_default());
        }
    }
    for (name, api) in BOOLS {
        if let Some(b) = bool_attr(planned, name).filter(|_| changed(name)) {
            attributes.insert(QueueAttributeName::from(api), b.to_string());
        }
    }
    if !attributes.is_empty() {
        // moto's SetQueueAttributes drops a policy the call does not carry;
        // sending the queue's own policy again costs AWS nothing.
        let policy = QueueAttributeName::from("Policy");
        if let Some(p) = nonempty(planned, "policy").filter(|_| attr(planned, "policy").is_known()) {
            attributes.entry(policy).or_insert(p);
        }
        aws.log_call("sqs:SetQueueAttributes");
        aws.block(aws.sqs.set_queue_attributes().queue_url(&url).set_attributes(Some(attributes)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("sqs:UntagQueue");
        aws.block(aws.sqs.untag_queue().queue_url(&url).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    if !set.is_empty() {
        aws.log_call("sqs:TagQueue");
        aws.block(aws.sqs.tag_queue().queue_url(&url).set_tags(Some(set.into_iter().collect())).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_after_write(aws, &with_attr(planned, "id", Value::string(url.as_str())))
}

fn delete_queue(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let url = crate::id_of(prior);
    let what = format!("deleting {WHAT} ({url})");
    aws.log_call("sqs:DeleteQueue");
    match aws.block(aws.sqs.delete_queue().queue_url(&url).send()).map_err(aws_error) {
        Err(e) if !is_gone(&e) => return Err(e.into_diag(&what)),
        _ => {}
    }
    // Deletion takes up to a minute on AWS: wait until the queue is gone.
    aws.retry(
        Duration::from_secs(180),
        |e| e.code == "StillThere",
        || match fetch_queue(aws, &url)? {
            Some(_) => Err(AwsError { code: "StillThere".into(), message: format!("{WHAT} ({url}) still exists") }),
            None => Ok(()),
        },
    )
    .map_err(|e| e.into_diag(&format!("waiting for {WHAT} ({url}) delete")))
}

/// Every queue URL whose name starts with `prefix`.
fn queue_urls(aws: &Aws, prefix: Option<&str>) -> Result<Vec<String>, AwsError> {
    let mut urls = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("sqs:ListQueues");
        let out = aws
            .block(
                aws.sqs
                    .list_queues()
                    .set_queue_name_prefix(prefix.map(String::from))
                    .max_results(1000)
                    .set_next_token(token.clone())
                    .send(),
            )
            .map_err(aws_error)?;
        urls.extend(out.queue_urls().iter().cloned());
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(urls)
}

fn find_queue(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for an SQS Queue an interrupted create made";
    let exact = nonempty(planned, "name");
    let prefix = exact.clone().or_else(|| nonempty(planned, "name_prefix")).unwrap_or_else(|| "terraform-".into());
    for url in queue_urls(aws, Some(&prefix)).map_err(|e| e.into_diag(what))? {
        if exact.as_deref().is_some_and(|n| n != name_from_url(&url)) {
            continue;
        }
        let Some((_, tags)) = fetch_queue(aws, &url).map_err(|e| e.into_diag(what))? else { continue };
        if tags.get(tags::CREATE_TOKEN_TAG).is_some_and(|t| t == token) {
            return read_queue(aws, &with_attr(planned, "id", Value::string(url.as_str())));
        }
    }
    Ok(None)
}

fn list_queues(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let what = "listing SQS Queues";
    let mut objects = Vec::new();
    for url in queue_urls(aws, None).map_err(|e| e.into_diag(what))? {
        if let Some((_, tags)) = fetch_queue(aws, &url).map_err(|e| e.into_diag(what))? {
            objects.push(ListedObject { id: url, tags: tags.into_iter().collect() });
        }
    }
    Ok(objects)
}

// ---- aws_sqs_queue_policy ----

const POLICY_WHAT: &str = "SQS Queue Policy";

fn put_policy(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let url = str_attr(planned, "queue_url").unwrap_or_default();
    let what = format!("setting {POLICY_WHAT} ({url})");
    let policy = str_attr(planned, "policy").unwrap_or_default();
    aws.log_call("sqs:SetQueueAttributes");
    aws.block(aws.sqs.set_queue_attributes().queue_url(&url).attributes(QueueAttributeName::Policy, policy).send())
        .map_err(|e| aws_error(e).into_diag(&what))?;
    let stub = with_attr(planned, "id", Value::string(url.as_str()));
    read_policy(aws, &stub)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{POLICY_WHAT} not found after change"), format!("{what}: not found"))
    })
}

/// The queue's policy; `None` when the queue is gone or holds none.
fn read_policy(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let url = crate::id_of(current);
    let what = format!("reading {POLICY_WHAT} ({url})");
    aws.log_call("sqs:GetQueueAttributes");
    let out = match aws
        .block(aws.sqs.get_queue_attributes().queue_url(&url).attribute_names(QueueAttributeName::Policy).send())
        .map_err(aws_error)
    {
        Ok(out) => out,
        Err(e) if is_gone(&e) => return Ok(None),
        Err(e) => return Err(e.into_diag(&what)),
    };
    let Some(remote) = out.attributes().and_then(|a| a.get(&QueueAttributeName::Policy)).filter(|p| !p.is_empty())
    else {
        return Ok(None);
    };
    let policy = iam_policy::to_store(str_attr(current, "policy").as_deref(), remote);
    Ok(Some(object(
        &policy_schema(),
        [
            ("id", Value::string(url.as_str())),
            ("policy", Value::string(policy.as_str())),
            ("queue_url", Value::string(url.as_str())),
        ],
    )))
}

fn delete_policy(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let url = crate::id_of(prior);
    aws.log_call("sqs:SetQueueAttributes");
    match aws
        .block(aws.sqs.set_queue_attributes().queue_url(&url).attributes(QueueAttributeName::Policy, "").send())
        .map_err(aws_error)
    {
        Err(e) if !is_gone(&e) => Err(e.into_diag(&format!("deleting {POLICY_WHAT} ({url})"))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(values: Vec<(&str, Value)>) -> Value {
        object(&queue_schema(), values)
    }

    #[test]
    fn names_follow_sqs_rules_for_standard_and_fifo_queues() {
        for (name, fifo, ok) in [
            ("orders", false, true),
            ("orders.fifo", true, true),
            ("orders.fifo", false, false),
            ("orders", true, false),
            ("or ders", false, false),
            ("", false, false),
            (&"a".repeat(80), false, true),
            (&"a".repeat(81), false, false),
            (&format!("{}.fifo", "a".repeat(76)), true, false),
        ] {
            assert_eq!(valid_name(name, fifo), ok, "{name} fifo={fifo}");
        }
        let fifo = queue(vec![("name_prefix", Value::string("jobs-")), ("fifo_queue", Value::bool(true))]);
        let made = queue_name(&fifo);
        assert!(made.starts_with("jobs-") && made.ends_with(".fifo") && valid_name(&made, true), "{made}");
        assert_eq!(name_from_url("http://localhost:5000/123456789012/jobs.fifo"), "jobs.fifo");
    }

    #[test]
    fn validation_names_the_argument() {
        let bad = queue(vec![
            ("delay_seconds", Value::int(901)),
            ("deduplication_scope", Value::string("everything")),
            ("redrive_policy", Value::string("{not json")),
            ("name", Value::string("jobs.fifo")),
            ("content_based_deduplication", Value::bool(true)),
            ("kms_master_key_id", Value::string("alias/aws/sqs")),
            ("sqs_managed_sse_enabled", Value::bool(true)),
        ]);
        let diags = validate_queue(&bad);
        let details: Vec<&str> = diags.iter().map(|d| d.detail.as_str()).collect();
        assert_eq!(diags.len(), 6, "{details:#?}");
        assert!(details[0].contains("expected delay_seconds to be in the range (0 - 900), got 901"));
        assert!(details.iter().any(|d| d.contains("\"redrive_policy\" contains an invalid JSON")));
        assert!(details.iter().any(|d| d.contains("conflicts with sqs_managed_sse_enabled")));
        assert!(details.iter().any(|d| d.contains("content-based deduplication can only be set for FIFO queue")));
        assert!(details.iter().any(|d| d.starts_with("invalid queue name: jobs.fifo")));
        assert!(validate_queue(&queue(vec![("name", Value::string("jobs"))])).is_empty());
    }

    #[test]
    fn documents_that_mean_the_same_keep_the_stored_text() {
        let dlq = "arn:aws:sqs:ap-southeast-1:123456789012:dlq";
        let stored = format!(r#"{{"deadLetterTargetArn":"{dlq}","maxReceiveCount":"5"}}"#);
        let prior = queue(vec![("redrive_policy", Value::string(stored.as_str()))]);
        let same = queue(vec![(
            "redrive_policy",
            Value::string(format!(r#"{{ "maxReceiveCount": 5, "deadLetterTargetArn": "{dlq}" }}"#).as_str()),
        )]);
        let (planned, _) = Sqs.plan(QUEUE, &same, &same, &prior);
        assert_eq!(str_attr(&planned, "redrive_policy").unwrap(), stored);
        let other = queue(vec![(
            "redrive_policy",
            Value::string(format!(r#"{{ "maxReceiveCount": 6, "deadLetterTargetArn": "{dlq}" }}"#).as_str()),
        )]);
        let (planned, _) = Sqs.plan(QUEUE, &other, &other, &prior);
        assert_eq!(
            str_attr(&planned, "redrive_policy").unwrap(),
            format!(r#"{{"deadLetterTargetArn":"{dlq}","maxReceiveCount":6}}"#),
            "normalized as the provider stores it"
        );
        let remote = format!(r#"{{"deadLetterTargetArn": "{dlq}", "maxReceiveCount": 5}}"#);
        let read = document_to_store(Some(&remote), &prior, "redrive_policy", false);
        assert_eq!(read.as_str().unwrap(), stored);
        assert_eq!(document_to_store(None, &prior, "redrive_policy", false).as_str().unwrap(), "");
    }

    #[test]
    fn a_create_sends_what_is_set_and_leaves_zero_values_to_sqs() {
        let planned = queue(vec![
            ("delay_seconds", Value::int(0)),
            ("visibility_timeout_seconds", Value::int(60)),
            ("fifo_queue", Value::bool(false)),
            ("sqs_managed_sse_enabled", Value::bool(false)),
            ("policy", Value::string("")),
        ]);
        let sent = create_attributes(&planned);
        assert_eq!(sent.len(), 2, "{sent:?}");
        assert_eq!(sent[&QueueAttributeName::VisibilityTimeout], "60");
        assert_eq!(sent[&QueueAttributeName::SqsManagedSseEnabled], "false");
    }
}
