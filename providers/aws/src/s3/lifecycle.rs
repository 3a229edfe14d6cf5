//! `aws_s3_bucket_lifecycle_configuration` (id = the bucket, or
//! `bucket,expected_bucket_owner`), built on the plugin framework in
//! hashicorp/aws 6.x (schema version 1). Its "legacy value" arguments
//! are planned and read as the zero values the older SDK resource stored
//! (`rule.prefix` "", `expiration.days` 0, `expired_object_delete_marker`
//! false, `and.object_size_*` 0, `and.prefix` ""), the others as null, so
//! state written by Terraform re-plans clean. A rule needs `filter` or
//! (deprecated) `prefix`: without either the provider warns and S3 gets
//! an empty prefix (every object).

use super::*;
use crate::util::{i32_attr, int_attr, is_set, map_of, nonempty, object, set_of, single, string_map, with_attr};
use aws_sdk_s3::primitives::{DateTime, DateTimeFormat};
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus, LifecycleExpiration, LifecycleRule,
    LifecycleRuleAndOperator, LifecycleRuleFilter, NoncurrentVersionExpiration, NoncurrentVersionTransition, Tag,
    Transition, TransitionStorageClass,
};
use std::collections::BTreeMap;

const WHAT: &str = "S3 Bucket Lifecycle Configuration";
const DEFAULT_MINIMUM_SIZE: &str = "all_storage_classes_128K";
const STORAGE_CLASSES: [&str; 6] =
    ["GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR"];

fn plain(list: Vec<(&str, Attribute)>) -> Block {
    Block { attributes: attrs(list), blocks: BTreeMap::new() }
}

fn with_blocks(list: Vec<(&str, Attribute)>, blocks: Vec<(&str, strata_provider::NestedBlock)>) -> Block {
    Block { attributes: attrs(list), blocks: blocks.into_iter().map(|(k, b)| (k.to_string(), b)).collect() }
}

fn abort_block() -> Block {
    plain(vec![("days_after_initiation", Attribute::optional(Type::Number))])
}

fn expiration_block() -> Block {
    plain(vec![
        ("date", Attribute::optional(Type::String)),
        ("days", Attribute::optional_computed(Type::Number)),
        ("expired_object_delete_marker", Attribute::optional_computed(Type::Bool)),
    ])
}

fn and_block() -> Block {
    plain(vec![
        ("object_size_greater_than", Attribute::optional_computed(Type::Number)),
        ("object_size_less_than", Attribute::optional_computed(Type::Number)),
        ("prefix", Attribute::optional_computed(Type::String)),
        ("tags", Attribute::optional(Type::map(Type::String))),
    ])
}

fn tag_block() -> Block {
    plain(vec![("key", Attribute::required(Type::String)), ("value", Attribute::required(Type::String))])
}

fn filter_block() -> Block {
    with_blocks(
        vec![
            ("object_size_greater_than", Attribute::optional_computed(Type::Number)),
            ("object_size_less_than", Attribute::optional_computed(Type::Number)),
            ("prefix", Attribute::optional_computed(Type::String)),
        ],
        vec![("and", single(and_block())), ("tag", single(tag_block()))],
    )
}

fn noncurrent_expiration_block() -> Block {
    plain(vec![
        ("newer_noncurrent_versions", Attribute::optional_computed(Type::Number)),
        ("noncurrent_days", Attribute::required(Type::Number)),
    ])
}

fn noncurrent_transition_block() -> Block {
    plain(vec![
        ("newer_noncurrent_versions", Attribute::optional_computed(Type::Number)),
        ("noncurrent_days", Attribute::required(Type::Number)),
        ("storage_class", Attribute::required(Type::String)),
    ])
}

fn transition_block() -> Block {
    plain(vec![
        ("date", Attribute::optional(Type::String)),
        ("days", Attribute::optional_computed(Type::Number)),
        ("storage_class", Attribute::required(Type::String)),
    ])
}

fn rule_block() -> Block {
    with_blocks(
        vec![
            ("id", Attribute::required(Type::String)),
            ("prefix", Attribute::optional_computed(Type::String)),
            ("status", Attribute::required(Type::String)),
        ],
        vec![
            ("abort_incomplete_multipart_upload", single(abort_block())),
            ("expiration", single(expiration_block())),
            ("filter", single(filter_block())),
            ("noncurrent_version_expiration", single(noncurrent_expiration_block())),
            ("noncurrent_version_transition", set_of(noncurrent_transition_block())),
            ("transition", set_of(transition_block())),
        ],
    )
}

pub fn schema() -> Block {
    let mut attributes = bucket_attributes(false);
    attributes.insert("expected_bucket_owner".into(), Attribute::optional_computed(Type::String).force_new());
    attributes.insert("transition_default_minimum_object_size".into(), Attribute::optional_computed(Type::String));
    let rule = strata_provider::NestedBlock {
        nesting: strata_provider::Nesting::List,
        block: rule_block(),
        min_items: 1,
        max_items: 0,
    };
    Block { attributes, blocks: BTreeMap::from([("rule".to_string(), rule)]) }
}

fn rule_path(i: usize, rest: &[&str]) -> AttributePath {
    let mut p = vec![PathStep::Attr("rule".into()), PathStep::Index(i as u64)];
    p.extend(rest.iter().map(|s| PathStep::Attr((*s).into())));
    p
}

fn error_at(path: AttributePath, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(path)
}

fn is_rfc3339(s: &str) -> bool {
    DateTime::from_str(s, DateTimeFormat::DateTime).is_ok()
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if let Some(s) = str_attr(config, "transition_default_minimum_object_size") {
        if s != "varies_by_storage_class" && s != DEFAULT_MINIMUM_SIZE {
            diags.push(invalid(
                "transition_default_minimum_object_size",
                format!("value must be one of: [\"varies_by_storage_class\" \"{DEFAULT_MINIMUM_SIZE}\"], got: \"{s}\""),
            ));
        }
    }
    let rules = items(config, "rule");
    if rules.is_empty() && attr(config, "rule").is_known() {
        diags.push(invalid("rule", "Attribute rule list must contain at least 1 elements, got: 0".into()));
    }
    for (i, rule) in rules.iter().enumerate() {
        if let Some(id) = str_attr(rule, "id") {
            if id.is_empty() || id.len() > 255 {
                diags.push(error_at(
                    rule_path(i, &["id"]),
                    "Invalid Attribute Value Length",
                    format!("Attribute rule[{i}].id string length must be between 1 and 255, got: {}", id.len()),
                ));
            }
        }
        if let Some(s) = str_attr(rule, "status") {
            if s != "Enabled" && s != "Disabled" {
                diags.push(error_at(
                    rule_path(i, &["status"]),
                    "Invalid Attribute Value Match",
                    format!(
                        "Attribute rule[{i}].status value must be one of: [\"Enabled\" \"Disabled\"], got: \"{s}\""
                    ),
                ));
            }
        }
        let filter = attr(rule, "filter");
        let has_filter = filter.is_known() && !items(rule, "filter").is_empty();
        let has_prefix = is_set(&attr(rule, "prefix"));
        if filter.is_known() && attr(rule, "prefix").is_known() {
            if has_filter && has_prefix {
                diags.push(error_at(rule_path(i, &[]), "Invalid Attribute Combination", format!("2 attributes specified when one (and only one) of [rule[{i}].filter,rule[{i}].prefix] is required")));
            } else if !has_filter && !has_prefix {
                diags.push(
                    ProviderDiagnostic::warning(
                        "Invalid Attribute Combination",
                        format!("No attribute specified when one (and only one) of [rule[{i}].filter,rule[{i}].prefix] is required\n\nThis will be an error in a future version of the provider"),
                    )
                    .at(rule_path(i, &[])),
                );
            }
        }
        if let Some(f) = first(rule, "filter") {
            let set: Vec<&str> = ["object_size_greater_than", "object_size_less_than", "prefix"]
                .into_iter()
                .filter(|n| is_set(&attr(&f, n)))
                .chain(["and", "tag"].into_iter().filter(|n| !items(&f, n).is_empty()))
                .collect();
            if set.len() > 1 {
                diags.push(
                    ProviderDiagnostic::warning(
                        "Invalid Attribute Combination",
                        format!("{} attributes specified when at most one of [{}] is allowed (use an \"and\" block to combine them)", set.len(), set.join(",")),
                    )
                    .at(rule_path(i, &["filter"])),
                );
            }
        }
        if let Some(e) = first(rule, "expiration") {
            if let Some(d) = str_attr(&e, "date") {
                if !is_rfc3339(&d) {
                    diags.push(error_at(rule_path(i, &["expiration", "date"]), "Invalid RFC3339 String Value", format!("A string value was provided that is not valid RFC3339 string format: {d:?} (for example 2025-01-01T00:00:00Z)")));
                }
            }
            if int_attr(&e, "days").is_some_and(|d| d < 0) {
                diags.push(error_at(
                    rule_path(i, &["expiration", "days"]),
                    "Invalid Attribute Value",
                    "Attribute expiration.days value must be at least 0".into(),
                ));
            }
        }
        for t in items(rule, "transition") {
            let (date, days) = (is_set(&attr(&t, "date")), is_set(&attr(&t, "days")));
            if date && days {
                diags.push(error_at(
                    rule_path(i, &["transition"]),
                    "Invalid Attribute Combination",
                    "2 attributes specified when one (and only one) of [date,days] is required".into(),
                ));
            }
            if let Some(d) = str_attr(&t, "date") {
                if !is_rfc3339(&d) {
                    diags.push(error_at(
                        rule_path(i, &["transition"]),
                        "Invalid RFC3339 String Value",
                        format!("A string value was provided that is not valid RFC3339 string format: {d:?}"),
                    ));
                }
            }
            if int_attr(&t, "days").is_some_and(|d| d < 0) {
                diags.push(error_at(
                    rule_path(i, &["transition"]),
                    "Invalid Attribute Value",
                    "Attribute transition.days value must be at least 0".into(),
                ));
            }
            diags.extend(check_storage_class(&t, i, "transition"));
        }
        for t in items(rule, "noncurrent_version_transition") {
            diags.extend(check_storage_class(&t, i, "noncurrent_version_transition"));
        }
        if let Some(n) = first(rule, "noncurrent_version_expiration") {
            if int_attr(&n, "noncurrent_days").is_some_and(|d| d < 1) {
                diags.push(error_at(
                    rule_path(i, &["noncurrent_version_expiration", "noncurrent_days"]),
                    "Invalid Attribute Value",
                    "Attribute noncurrent_version_expiration.noncurrent_days value must be at least 1".into(),
                ));
            }
        }
    }
    diags
}

fn check_storage_class(t: &Value, i: usize, block: &str) -> Option<ProviderDiagnostic> {
    let s = str_attr(t, "storage_class")?;
    (!STORAGE_CLASSES.contains(&s.as_str())).then(|| {
        let list: Vec<String> = STORAGE_CLASSES.iter().map(|c| format!("{c:?}")).collect();
        error_at(
            rule_path(i, &[block]),
            "Invalid Attribute Value Match",
            format!(
                "Attribute rule[{i}].{block}.storage_class value must be one of: [{}], got: \"{s}\"",
                list.join(" ")
            ),
        )
    })
}

/// Fills in what the provider's plan modifiers plan for arguments left
/// out (see the module's doc), and the minimum object size's default.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut out = planned.clone();
    if attr(config, "transition_default_minimum_object_size").is_null() {
        out = with_attr(&out, "transition_default_minimum_object_size", Value::string(DEFAULT_MINIMUM_SIZE));
    }
    if attr(config, "expected_bucket_owner").is_null() {
        let kept = if prior.is_null() { Value::null(Type::String) } else { attr(prior, "expected_bucket_owner") };
        out = with_attr(&out, "expected_bucket_owner", kept);
    }
    let rules = attr(planned, "rule");
    if !rules.is_wholly_known() {
        return out;
    }
    let rules: Vec<Value> = items(planned, "rule").iter().map(plan_rule).collect();
    with_attr(&out, "rule", list_of(&rule_block(), rules))
}

fn or_zero(v: &Value, name: &str, zero: Value) -> Value {
    if attr(v, name).is_null() {
        with_attr(v, name, zero)
    } else {
        v.clone()
    }
}

fn map_block(v: &Value, name: &str, block: &Block, f: impl Fn(&Value) -> Value) -> Value {
    let items = items(v, name).iter().map(&f).collect();
    let nested = &rule_block();
    let nesting = nested.blocks.get(name).map(|b| b.nesting).unwrap_or(strata_provider::Nesting::List);
    let value =
        if nesting == strata_provider::Nesting::Set { set_of_values(block, items) } else { list_of(block, items) };
    with_attr(v, name, value)
}

fn plan_rule(rule: &Value) -> Value {
    let mut r = or_zero(rule, "prefix", Value::string(""));
    r = map_block(&r, "expiration", &expiration_block(), |e| {
        let e = or_zero(e, "days", Value::int(0));
        or_zero(&e, "expired_object_delete_marker", Value::bool(false))
    });
    r = with_attr(&r, "filter", {
        let filters: Vec<Value> = items(rule, "filter")
            .iter()
            .map(|f| {
                let has_and_or_tag = !items(f, "and").is_empty() || !items(f, "tag").is_empty();
                let nothing = !has_and_or_tag
                    && ["object_size_greater_than", "object_size_less_than", "prefix"]
                        .iter()
                        .all(|n| attr(f, n).is_null());
                let mut f = f.clone();
                if has_and_or_tag {
                    f = with_attr(&f, "prefix", Value::null(Type::String));
                } else if nothing {
                    f = with_attr(&f, "prefix", Value::string(""));
                }
                let ands: Vec<Value> = items(&f, "and")
                    .iter()
                    .map(|a| {
                        let a = or_zero(a, "object_size_greater_than", Value::int(0));
                        let a = or_zero(&a, "object_size_less_than", Value::int(0));
                        or_zero(&a, "prefix", Value::string(""))
                    })
                    .collect();
                with_attr(&f, "and", list_of(&and_block(), ands))
            })
            .collect();
        list_of(&filter_block(), filters)
    });
    map_block(&r, "transition", &transition_block(), |t| {
        if attr(t, "days").is_null() && attr(t, "date").is_null() {
            with_attr(t, "days", Value::int(0))
        } else {
            t.clone()
        }
    })
}

fn date_of(s: &str) -> Option<DateTime> {
    DateTime::from_str(s, DateTimeFormat::DateTime).ok()
}

fn s3_tag(k: &str, v: &str) -> Option<Tag> {
    Tag::builder().key(k).value(v).build().ok()
}

// The rule-level prefix is deprecated in S3's API, yet still what a rule
// without a filter sends and reports.
#[allow(deprecated)]
fn to_rule(r: &Value) -> Result<LifecycleRule, String> {
    let expiration = first(r, "expiration").map(|e| {
        let date = nonempty(&e, "date").and_then(|d| date_of(&d));
        let days = i32_attr(&e, "days").filter(|d| *d != 0);
        let marker = crate::util::bool_attr(&e, "expired_object_delete_marker");
        let marker = if date.is_none() && days.is_none() { Some(marker.unwrap_or(false)) } else { None };
        LifecycleExpiration::builder().set_date(date).set_days(days).set_expired_object_delete_marker(marker).build()
    });
    let filter = first(r, "filter").map(|f| {
        let and = first(&f, "and").map(|a| {
            let tags: Vec<Tag> = map_of(&attr(&a, "tags")).iter().filter_map(|(k, v)| s3_tag(k, v)).collect();
            LifecycleRuleAndOperator::builder()
                .set_object_size_greater_than(int_attr(&a, "object_size_greater_than").filter(|n| *n != 0))
                .set_object_size_less_than(int_attr(&a, "object_size_less_than").filter(|n| *n != 0))
                .set_prefix(str_attr(&a, "prefix").filter(|p| !p.is_empty()))
                .set_tags((!tags.is_empty()).then_some(tags))
                .build()
        });
        let tag = first(&f, "tag")
            .and_then(|t| s3_tag(&str_attr(&t, "key").unwrap_or_default(), &str_attr(&t, "value").unwrap_or_default()));
        LifecycleRuleFilter::builder()
            .set_and(and)
            .set_tag(tag)
            .set_object_size_greater_than(int_attr(&f, "object_size_greater_than"))
            .set_object_size_less_than(int_attr(&f, "object_size_less_than"))
            .set_prefix(str_attr(&f, "prefix"))
            .build()
    });
    // Neither filter nor prefix: every object (an empty prefix).
    let prefix = match (&filter, str_attr(r, "prefix")) {
        (Some(_), p) => p.filter(|p| !p.is_empty()),
        (None, p) => Some(p.unwrap_or_default()),
    };
    let transitions: Vec<Transition> = items(r, "transition")
        .iter()
        .map(|t| {
            let date = nonempty(t, "date").and_then(|d| date_of(&d));
            let days = i32_attr(t, "days").or(if date.is_none() { Some(0) } else { None });
            Transition::builder()
                .set_date(date)
                .set_days(days)
                .storage_class(TransitionStorageClass::from(str_attr(t, "storage_class").unwrap_or_default().as_str()))
                .build()
        })
        .collect();
    let noncurrent_transitions: Vec<NoncurrentVersionTransition> = items(r, "noncurrent_version_transition")
        .iter()
        .map(|t| {
            NoncurrentVersionTransition::builder()
                .set_noncurrent_days(i32_attr(t, "noncurrent_days"))
                .set_newer_noncurrent_versions(i32_attr(t, "newer_noncurrent_versions"))
                .storage_class(TransitionStorageClass::from(str_attr(t, "storage_class").unwrap_or_default().as_str()))
                .build()
        })
        .collect();
    LifecycleRule::builder()
        .set_id(str_attr(r, "id"))
        .status(ExpirationStatus::from(str_attr(r, "status").unwrap_or_default().as_str()))
        .set_prefix(prefix)
        .set_filter(filter)
        .set_expiration(expiration)
        .set_transitions((!transitions.is_empty()).then_some(transitions))
        .set_noncurrent_version_transitions((!noncurrent_transitions.is_empty()).then_some(noncurrent_transitions))
        .set_noncurrent_version_expiration(first(r, "noncurrent_version_expiration").map(|n| {
            NoncurrentVersionExpiration::builder()
                .set_noncurrent_days(i32_attr(&n, "noncurrent_days"))
                .set_newer_noncurrent_versions(i32_attr(&n, "newer_noncurrent_versions"))
                .build()
        }))
        .set_abort_incomplete_multipart_upload(first(r, "abort_incomplete_multipart_upload").map(|a| {
            AbortIncompleteMultipartUpload::builder()
                .set_days_after_initiation(i32_attr(&a, "days_after_initiation"))
                .build()
        }))
        .build()
        .map_err(|e| e.to_string())
}

pub fn put(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let bucket = str_attr(planned, "bucket").unwrap_or_default();
    let owner = nonempty(planned, "expected_bucket_owner");
    let what = format!("putting {WHAT} ({bucket})");
    let rules = items(planned, "rule")
        .iter()
        .map(to_rule)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ProviderDiagnostic::error(format!("{what}: rule"), e))?;
    let config = BucketLifecycleConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .map_err(|e| ProviderDiagnostic::error(format!("{what}: rule"), e.to_string()))?;
    let minimum = nonempty(planned, "transition_default_minimum_object_size");
    aws.log_call("s3:PutBucketLifecycleConfiguration");
    while_propagating(aws, || {
        aws.block(
            aws.s3
                .put_bucket_lifecycle_configuration()
                .bucket(&bucket)
                .set_expected_bucket_owner(owner.clone())
                .lifecycle_configuration(config.clone())
                .set_transition_default_minimum_object_size(minimum.as_deref().map(Into::into))
                .send(),
        )
        .map(|_| ())
        .map_err(aws_error)
    })
    .map_err(|e| e.into_diag(&what))?;
    let stub = with_attr(planned, "id", Value::string(split_id(planned).as_str()));
    // S3 shows a new configuration after a moment: wait until its rule ids and statuses are the planned ones.
    let want: Vec<(String, String)> = items(planned, "rule")
        .iter()
        .map(|r| (str_attr(r, "id").unwrap_or_default(), str_attr(r, "status").unwrap_or_default()))
        .collect();
    aws.until_visible(&format!("{WHAT} ({bucket})"), || {
        let found = read_remote(aws, &stub)?;
        Ok(found.filter(|v| {
            let got: Vec<(String, String)> = items(v, "rule")
                .iter()
                .map(|r| (str_attr(r, "id").unwrap_or_default(), str_attr(r, "status").unwrap_or_default()))
                .collect();
            got == want
        }))
    })
    .map_err(|e| e.into_diag(&what))
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let (bucket, _) = parse_id(current);
    read_remote(aws, current).map_err(|e| e.into_diag(&format!("reading {WHAT} ({bucket})")))
}

fn rfc3339(d: &DateTime) -> String {
    d.fmt(DateTimeFormat::DateTime).unwrap_or_default()
}

fn opt_int<T: Into<i64>>(v: Option<T>) -> Value {
    v.map(|n| Value::int(n.into())).unwrap_or_else(|| Value::null(Type::Number))
}

/// A configured date kept in its own words where S3 reports the same instant.
fn date_value(known: Option<String>, remote: Option<&DateTime>) -> Value {
    match remote {
        None => Value::null(Type::String),
        Some(d) => match known {
            Some(k) if date_of(&k).as_ref() == Some(d) => Value::string(k.as_str()),
            _ => Value::string(rfc3339(d).as_str()),
        },
    }
}

#[allow(deprecated)]
fn rule_value(r: &LifecycleRule, known: Option<&Value>) -> Value {
    let known_first = |name: &str| known.and_then(|k| first(k, name));
    let expiration: Vec<Value> = r
        .expiration()
        .map(|e| {
            object(
                &expiration_block(),
                [
                    ("date", date_value(known_first("expiration").and_then(|k| str_attr(&k, "date")), e.date())),
                    ("days", Value::int(e.days().unwrap_or(0) as i64)),
                    ("expired_object_delete_marker", Value::bool(e.expired_object_delete_marker().unwrap_or(false))),
                ],
            )
        })
        .into_iter()
        .collect();
    let filter: Vec<Value> = r
        .filter()
        .filter(|f| {
            f.and().is_some()
                || f.object_size_greater_than().is_some()
                || f.object_size_less_than().is_some()
                || f.prefix().is_some()
                || f.tag().is_some()
        })
        .map(|f| {
            let and: Vec<Value> = f
                .and()
                .map(|a| {
                    let tags: BTreeMap<String, String> =
                        a.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect();
                    object(
                        &and_block(),
                        [
                            ("object_size_greater_than", Value::int(a.object_size_greater_than().unwrap_or(0))),
                            ("object_size_less_than", Value::int(a.object_size_less_than().unwrap_or(0))),
                            ("prefix", Value::string(a.prefix().unwrap_or_default())),
                            (
                                "tags",
                                if tags.is_empty() { Value::null(Type::map(Type::String)) } else { string_map(&tags) },
                            ),
                        ],
                    )
                })
                .into_iter()
                .collect();
            let tag: Vec<Value> = f
                .tag()
                .map(|t| object(&tag_block(), [("key", Value::string(t.key())), ("value", Value::string(t.value()))]))
                .into_iter()
                .collect();
            object(
                &filter_block(),
                [
                    ("object_size_greater_than", opt_int(f.object_size_greater_than())),
                    ("object_size_less_than", opt_int(f.object_size_less_than())),
                    ("prefix", opt_text(f.prefix())),
                    ("and", list_of(&and_block(), and)),
                    ("tag", list_of(&tag_block(), tag)),
                ],
            )
        })
        .into_iter()
        .collect();
    let known_dates: Vec<String> =
        known.map(|k| items(k, "transition")).unwrap_or_default().iter().filter_map(|t| str_attr(t, "date")).collect();
    let transitions: Vec<Value> = r
        .transitions()
        .iter()
        .map(|t| {
            let known = t.date().and_then(|d| known_dates.iter().find(|k| date_of(k).as_ref() == Some(d)).cloned());
            object(
                &transition_block(),
                [
                    ("date", date_value(known, t.date())),
                    ("days", opt_int(t.days())),
                    ("storage_class", Value::string(t.storage_class().map(|s| s.as_str()).unwrap_or_default())),
                ],
            )
        })
        .collect();
    let noncurrent_transitions: Vec<Value> = r
        .noncurrent_version_transitions()
        .iter()
        .map(|t| {
            object(
                &noncurrent_transition_block(),
                [
                    ("newer_noncurrent_versions", opt_int(t.newer_noncurrent_versions())),
                    ("noncurrent_days", opt_int(t.noncurrent_days())),
                    ("storage_class", Value::string(t.storage_class().map(|s| s.as_str()).unwrap_or_default())),
                ],
            )
        })
        .collect();
    let noncurrent_expiration: Vec<Value> = r
        .noncurrent_version_expiration()
        .map(|n| {
            object(
                &noncurrent_expiration_block(),
                [
                    ("newer_noncurrent_versions", opt_int(n.newer_noncurrent_versions())),
                    ("noncurrent_days", opt_int(n.noncurrent_days())),
                ],
            )
        })
        .into_iter()
        .collect();
    let abort: Vec<Value> = r
        .abort_incomplete_multipart_upload()
        .map(|a| object(&abort_block(), [("days_after_initiation", opt_int(a.days_after_initiation()))]))
        .into_iter()
        .collect();
    object(
        &rule_block(),
        [
            ("id", Value::string(r.id().unwrap_or_default())),
            ("prefix", Value::string(r.prefix().unwrap_or_default())),
            ("status", Value::string(r.status().as_str())),
            ("abort_incomplete_multipart_upload", list_of(&abort_block(), abort)),
            ("expiration", list_of(&expiration_block(), expiration)),
            ("filter", list_of(&filter_block(), filter)),
            ("noncurrent_version_expiration", list_of(&noncurrent_expiration_block(), noncurrent_expiration)),
            ("noncurrent_version_transition", set_of_values(&noncurrent_transition_block(), noncurrent_transitions)),
            ("transition", set_of_values(&transition_block(), transitions)),
        ],
    )
}

fn read_remote(aws: &Aws, current: &Value) -> Result<Option<Value>, AwsError> {
    let (bucket, owner) = parse_id(current);
    aws.log_call("s3:GetBucketLifecycleConfiguration");
    let Some(out) = absent(
        aws.block(
            aws.s3.get_bucket_lifecycle_configuration().bucket(&bucket).set_expected_bucket_owner(owner.clone()).send(),
        )
        .map_err(aws_error),
    )?
    else {
        return Ok(None);
    };
    let known_rules = items(current, "rule");
    let rules: Vec<Value> = out
        .rules()
        .iter()
        .map(|r| {
            let known = known_rules.iter().find(|k| str_attr(k, "id").as_deref() == r.id());
            rule_value(r, known)
        })
        .collect();
    // S3 reports the minimum size only where it knows it; otherwise the state's (or the default) stays.
    let minimum = out
        .transition_default_minimum_object_size()
        .map(|m| m.as_str().to_string())
        .or_else(|| nonempty(current, "transition_default_minimum_object_size"))
        .unwrap_or_else(|| DEFAULT_MINIMUM_SIZE.to_string());
    let id = match &owner {
        Some(o) => format!("{bucket},{o}"),
        None => bucket.clone(),
    };
    Ok(Some(object(
        &schema(),
        [
            ("bucket", Value::string(bucket.as_str())),
            ("expected_bucket_owner", opt_text(owner.as_deref())),
            ("id", Value::string(id.as_str())),
            ("transition_default_minimum_object_size", Value::string(minimum.as_str())),
            ("rule", list_of(&rule_block(), rules)),
        ],
    )))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let (bucket, owner) = parse_id(prior);
    let what = format!("deleting {WHAT} ({bucket})");
    aws.log_call("s3:DeleteBucketLifecycle");
    match aws
        .block(aws.s3.delete_bucket_lifecycle().bucket(&bucket).set_expected_bucket_owner(owner).send())
        .map_err(aws_error)
    {
        Err(e) if !is_gone(&e) => Err(e.into_diag(&what)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(values: Vec<(&str, Value)>) -> Value {
        object(&rule_block(), values)
    }

    #[test]
    fn left_out_legacy_arguments_are_planned_as_zero_values() {
        let t = object(&transition_block(), [("storage_class", Value::string("GLACIER"))]);
        let dated = object(
            &transition_block(),
            [("date", Value::string("2030-01-01T00:00:00Z")), ("storage_class", Value::string("DEEP_ARCHIVE"))],
        );
        let e = object(&expiration_block(), [("days", Value::int(2555))]);
        let f = object(&filter_block(), []);
        let r = rule(vec![
            ("id", Value::string("retain")),
            ("status", Value::string("Enabled")),
            ("transition", set_of_values(&transition_block(), vec![t, dated])),
            ("expiration", list_of(&expiration_block(), vec![e])),
            ("filter", list_of(&filter_block(), vec![f])),
        ]);
        let planned = plan_rule(&r);
        assert_eq!(str_attr(&planned, "prefix").as_deref(), Some(""));
        let e = first(&planned, "expiration").expect("expiration");
        assert_eq!(int_attr(&e, "days"), Some(2555));
        assert_eq!(crate::util::bool_attr(&e, "expired_object_delete_marker"), Some(false));
        assert_eq!(first(&planned, "filter").and_then(|f| str_attr(&f, "prefix")).as_deref(), Some(""));
        let days: Vec<Option<i64>> = items(&planned, "transition").iter().map(|t| int_attr(t, "days")).collect();
        assert!(days.contains(&Some(0)) && days.contains(&None), "{days:?}");
    }

    #[test]
    fn rules_without_filter_or_prefix_warn_and_bad_classes_fail() {
        let block = schema();
        let r = rule(vec![("id", Value::string("a")), ("status", Value::string("On"))]);
        let config = object(&block, [("bucket", Value::string("b")), ("rule", list_of(&rule_block(), vec![r]))]);
        let diags = validate(&config);
        assert!(
            diags.iter().any(|d| d.detail.contains("one (and only one) of [rule[0].filter,rule[0].prefix]")),
            "{diags:?}"
        );
        assert!(
            diags.iter().any(|d| d.detail.contains("value must be one of: [\"Enabled\" \"Disabled\"]")),
            "{diags:?}"
        );
    }
}
