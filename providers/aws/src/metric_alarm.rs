//! CloudWatch `aws_cloudwatch_metric_alarm` (id = the alarm name,
//! imported by it): a classic alarm on one metric, or one on a
//! `metric_query` set (metric math such as `100 * errors / requests`).
//! PutMetricAlarm creates and updates in place (it replaces the whole
//! alarm definition), tags go through the ARN-based tagging calls.
//!
//! Read back as the provider's plugin SDK stores it: unset strings as "",
//! unset numbers as 0, so configurations that leave them out plan no
//! change. A query's `account_id` that AWS does not report is kept as
//! known (AWS echoes it; an endpoint that drops it says nothing about it).

use crate::client::{aws_error, Aws, AwsError};
use crate::tags;
use crate::util::attrs;
use crate::util::{attr, bool_attr, is_set, map_of, nonempty, object, str_attr, string_map, strings_of, with_attr};
use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, Metric, MetricAlarm, MetricDataQuery, MetricStat, StandardUnit, Statistic, Tag,
};
use std::collections::BTreeMap;
use strata_lang::{Number, Type, Value};
use strata_provider::{Attribute, Block, ListedObject, NestedBlock, Nesting, PathStep, ProviderDiagnostic};

const WHAT: &str = "CloudWatch Metric Alarm";

const COMPARISON_OPERATORS: [&str; 7] = [
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
];

const STATISTICS: [&str; 5] = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

const MISSING_DATA: [&str; 4] = ["breaching", "notBreaching", "ignore", "missing"];

const LOW_SAMPLE_COUNT: [&str; 2] = ["evaluate", "ignore"];

const UNITS: [&str; 27] = [
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

/// The classic metric's arguments, which conflict with `metric_query`.
const CLASSIC: [&str; 6] = ["dimensions", "extended_statistic", "metric_name", "namespace", "period", "statistic"];

fn metric_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("dimensions", Attribute::optional(Type::map(Type::String))),
            ("metric_name", Attribute::required(Type::String)),
            ("namespace", Attribute::optional(Type::String)),
            ("period", Attribute::required(Type::Number)),
            ("stat", Attribute::required(Type::String)),
            ("unit", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

fn query_block() -> Block {
    Block {
        attributes: attrs(vec![
            ("account_id", Attribute::optional(Type::String)),
            ("expression", Attribute::optional(Type::String)),
            ("id", Attribute::required(Type::String)),
            ("label", Attribute::optional(Type::String)),
            ("period", Attribute::optional(Type::Number)),
            ("return_data", Attribute::optional(Type::Bool)),
        ]),
        blocks: BTreeMap::from([(
            "metric".to_string(),
            NestedBlock { nesting: Nesting::List, block: metric_block(), min_items: 0, max_items: 1 },
        )]),
    }
}

pub fn schema() -> Block {
    let set = || Attribute::optional(Type::set(Type::String));
    Block {
        attributes: attrs(vec![
            ("actions_enabled", Attribute::optional(Type::Bool)),
            ("alarm_actions", set()),
            ("alarm_description", Attribute::optional(Type::String)),
            ("alarm_name", Attribute::required(Type::String).force_new()),
            ("arn", Attribute::computed(Type::String)),
            ("comparison_operator", Attribute::required(Type::String)),
            ("datapoints_to_alarm", Attribute::optional(Type::Number)),
            ("dimensions", Attribute::optional(Type::map(Type::String))),
            ("evaluate_low_sample_count_percentiles", Attribute::optional_computed(Type::String)),
            ("evaluation_periods", Attribute::required(Type::Number)),
            ("extended_statistic", Attribute::optional(Type::String)),
            ("id", Attribute::computed(Type::String)),
            ("insufficient_data_actions", set()),
            ("metric_name", Attribute::optional(Type::String)),
            ("namespace", Attribute::optional(Type::String)),
            ("ok_actions", set()),
            ("period", Attribute::optional(Type::Number)),
            ("statistic", Attribute::optional(Type::String)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::optional_computed(Type::map(Type::String))),
            ("threshold", Attribute::optional(Type::Number)),
            ("threshold_metric_id", Attribute::optional(Type::String)),
            ("treat_missing_data", Attribute::optional(Type::String)),
            ("unit", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::from([(
            "metric_query".to_string(),
            NestedBlock { nesting: Nesting::Set, block: query_block(), min_items: 0, max_items: 0 },
        )]),
    }
}

pub fn defaults() -> Vec<(&'static str, Value)> {
    vec![("actions_enabled", Value::bool(true)), ("treat_missing_data", Value::string("missing"))]
}

fn at(path: Vec<PathStep>, summary: &str, detail: String) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail).at(path)
}

fn top(name: &str) -> Vec<PathStep> {
    vec![PathStep::Attr(name.into())]
}

fn int_of(v: &Value) -> Option<i64> {
    v.unmark_deep().0.as_number().and_then(|n| n.to_i64())
}

/// The plugin SDK's `StringInSlice` message.
fn one_of(name: &str, allowed: &[&str], got: &str) -> String {
    let list = allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ");
    format!("expected {name} to be one of [{list}], got {got}")
}

/// A period CloudWatch accepts: one of `short` or a multiple of 60.
fn check_period(diags: &mut Vec<ProviderDiagnostic>, path: Vec<PathStep>, name: &str, v: &Value, short: &[i64]) {
    if !is_set(v) {
        return;
    }
    let n = int_of(v).unwrap_or(-1);
    if short.contains(&n) || (n > 0 && n % 60 == 0) {
        return;
    }
    let list = short.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" ");
    diags.push(at(
        path,
        "Invalid period",
        format!("expected {name} to be one of [{list}], got {n}; expected {name} to be divisible by 60, got: {n}"),
    ));
}

/// CloudWatch's extended (percentile and trimmed) statistics, as the
/// provider's pattern accepts them: `p99`, `tm90`, `IQM`, `TM(10%:90%)`.
pub fn valid_extended_statistic(s: &str) -> bool {
    let number = |t: &str| {
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        let digits = |d: &str, max: usize| !d.is_empty() && d.len() <= max && d.chars().all(|c| c.is_ascii_digit());
        (digits(int, 2) && (frac.is_empty() && !t.ends_with('.') || digits(frac, 2))) || t == "100"
    };
    if s == "IQM" {
        return true;
    }
    for p in ["p", "tm", "wm", "tc", "ts"] {
        if let Some(rest) = s.strip_prefix(p) {
            if number(rest) {
                return true;
            }
        }
    }
    for p in ["TM", "WM", "PR", "TC", "TS"] {
        let Some(inner) = s.strip_prefix(p).and_then(|r| r.strip_prefix('(')).and_then(|r| r.strip_suffix(')')) else {
            continue;
        };
        let Some((lo, hi)) = inner.split_once(':') else { continue };
        let bound = |b: &str| {
            let b = b.strip_suffix('%').unwrap_or(b);
            b.is_empty() || {
                let (i, f) = b.split_once('.').unwrap_or((b, "0"));
                !i.is_empty()
                    && i.chars().all(|c| c.is_ascii_digit())
                    && !f.is_empty()
                    && f.chars().all(|c| c.is_ascii_digit())
            }
        };
        if bound(lo) && bound(hi) {
            return true;
        }
    }
    false
}

const INVALID_STATISTIC: &str =
    "invalid statistic, see: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html";

/// The provider's checks: allowed values, ranges, conflicting arguments,
/// and its plan-time rules (one of `statistic`/`extended_statistic` with
/// `metric_name`; no query with both `expression` and `metric`).
pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    let mut diags = Vec::new();
    if config.is_null() {
        return diags;
    }
    let enum_check = |diags: &mut Vec<ProviderDiagnostic>, name: &str, allowed: &[&str], ignore_case: bool| {
        if let Some(v) = str_attr(config, name) {
            let ok = allowed.iter().any(|a| if ignore_case { a.eq_ignore_ascii_case(&v) } else { *a == v });
            if !ok {
                diags.push(at(top(name), &format!("Invalid {name}"), one_of(name, allowed, &v)));
            }
        }
    };
    enum_check(&mut diags, "comparison_operator", &COMPARISON_OPERATORS, false);
    enum_check(&mut diags, "statistic", &STATISTICS, false);
    enum_check(&mut diags, "treat_missing_data", &MISSING_DATA, true);
    enum_check(&mut diags, "evaluate_low_sample_count_percentiles", &LOW_SAMPLE_COUNT, true);
    enum_check(&mut diags, "unit", &UNITS, false);
    for name in ["evaluation_periods", "datapoints_to_alarm"] {
        let v = attr(config, name);
        if is_set(&v) && int_of(&v).is_none_or(|n| n < 1) {
            let got = v.unmark_deep().0.as_number().map(|n| n.to_string()).unwrap_or_default();
            diags.push(at(
                top(name),
                &format!("Invalid {name}"),
                format!("expected {name} to be at least (1), got {got}"),
            ));
        }
    }
    check_period(&mut diags, top("period"), "period", &attr(config, "period"), &[10, 20, 30]);
    for (name, min, max) in [
        ("alarm_name", 1, 255),
        ("alarm_description", 0, 1024),
        ("metric_name", 1, 255),
        ("namespace", 1, 255),
        ("threshold_metric_id", 1, 255),
    ] {
        if let Some(v) = str_attr(config, name) {
            let n = v.chars().count();
            if n < min || n > max {
                diags.push(at(
                    top(name),
                    &format!("Invalid {name}"),
                    format!("expected length of {name} to be in the range ({min} - {max}), got {v}"),
                ));
            }
        }
    }
    if let Some(v) = str_attr(config, "extended_statistic") {
        if !valid_extended_statistic(&v) {
            diags.push(at(top("extended_statistic"), "Invalid extended_statistic", INVALID_STATISTIC.to_string()));
        }
    }
    for name in ["alarm_actions", "ok_actions", "insufficient_data_actions"] {
        let actions = strings_of(&attr(config, name));
        if name != "alarm_actions" && actions.len() > 5 {
            diags.push(at(
                top(name),
                "Too many list items",
                format!("Attribute {name} supports 5 item maximum, but config has {} declared.", actions.len()),
            ));
        }
        for a in actions {
            if !a.starts_with("arn:") || a.split(':').count() < 6 {
                diags.push(at(
                    top(name),
                    &format!("Invalid {name}"),
                    format!("\"{name}\" ({a}) is an invalid ARN: arn: invalid prefix"),
                ));
            }
        }
    }
    let given = |v: &Value, name: &str| !attr(v, name).is_null();
    let queries = attr(config, "metric_query");
    let has_queries = queries.unmark_deep().0.as_seq().is_some_and(|q| !q.is_empty()) || queries.is_unknown();
    let conflict = |diags: &mut Vec<ProviderDiagnostic>, a: &str, b: &str| {
        diags.push(at(top(a), "Conflicting configuration arguments", format!("\"{a}\": conflicts with {b}")));
    };
    if has_queries {
        for name in CLASSIC {
            if given(config, name) {
                conflict(&mut diags, name, "metric_query");
            }
        }
    }
    if given(config, "statistic") && given(config, "extended_statistic") {
        conflict(&mut diags, "statistic", "extended_statistic");
    }
    if given(config, "threshold") && given(config, "threshold_metric_id") {
        conflict(&mut diags, "threshold", "threshold_metric_id");
    }
    let known = |name: &str| attr(config, name).is_known();
    if is_set(&attr(config, "metric_name"))
        && known("statistic")
        && known("extended_statistic")
        && given(config, "statistic") == given(config, "extended_statistic")
    {
        diags.push(ProviderDiagnostic::error(
            "Invalid metric alarm",
            "One of `statistic` or `extended_statistic` must be set for a cloudwatch metric alarm",
        ));
    }
    for q in queries.unmark_deep().0.as_seq().map(|s| s.to_vec()).unwrap_or_default() {
        let path = || vec![PathStep::Attr("metric_query".into())];
        check_period(&mut diags, path(), "metric_query.period", &attr(&q, "period"), &[1, 5, 10, 20, 30]);
        let metrics = attr(&q, "metric").as_seq().map(|s| s.to_vec()).unwrap_or_default();
        if nonempty(&q, "expression").is_some() && !metrics.is_empty() {
            diags.push(ProviderDiagnostic::error(
                "Invalid metric alarm",
                "No metric_query may have both `expression` and a `metric` specified",
            ));
        }
        for m in metrics {
            check_period(&mut diags, path(), "metric_query.metric.period", &attr(&m, "period"), &[1, 5, 10, 20, 30]);
            if let Some(stat) = str_attr(&m, "stat") {
                if !STATISTICS.contains(&stat.as_str()) && !valid_extended_statistic(&stat) {
                    diags.push(at(path(), "Invalid metric_query.metric.stat", INVALID_STATISTIC.to_string()));
                }
            }
            if let Some(unit) = str_attr(&m, "unit") {
                if !UNITS.contains(&unit.as_str()) {
                    diags.push(at(path(), "Invalid metric_query.metric.unit", one_of("unit", &UNITS, &unit)));
                }
            }
        }
    }
    diags
}

/// A whole number with float64 precision, as the SDK's `TypeFloat` holds it.
fn float(v: f64) -> Value {
    Number::from_f64(v).map(Value::number).unwrap_or_else(|| Value::null(Type::Number))
}

/// `v` where it is known and not null, else `zero` (the SDK's zero values).
fn or_zero(v: Value, zero: Value) -> Value {
    if v.is_null() {
        zero
    } else {
        v
    }
}

/// A query as the plugin SDK stores it: unset strings "", unset period 0,
/// `return_data` false, and a metric's unset namespace, unit and
/// dimensions "" and {}.
fn normalize_query(q: &Value) -> Value {
    if !q.is_known() || q.is_null() {
        return q.clone();
    }
    let mut out = q.clone();
    for name in ["account_id", "expression", "label"] {
        out = with_attr(&out, name, or_zero(attr(q, name), Value::string("")));
    }
    out = with_attr(&out, "period", or_zero(attr(q, "period"), Value::int(0)));
    out = with_attr(&out, "return_data", or_zero(attr(q, "return_data"), Value::bool(false)));
    let metric_ty = metric_block().implied_type();
    let metrics = attr(q, "metric");
    if let Some(items) = metrics.as_seq() {
        let items = items
            .iter()
            .map(|m| {
                if !m.is_known() || m.is_null() {
                    return m.clone();
                }
                let mut m = m.clone();
                for name in ["namespace", "unit"] {
                    m = with_attr(&m, name, or_zero(attr(&m, name), Value::string("")));
                }
                with_attr(
                    &m,
                    "dimensions",
                    or_zero(attr(&m, "dimensions"), Value::map(Type::String, Default::default())),
                )
            })
            .collect();
        out = with_attr(&out, "metric", Value::list(metric_ty, items).mark(metrics.marks()));
    } else if metrics.is_null() {
        out = with_attr(&out, "metric", Value::list(metric_ty, Vec::new()));
    }
    out
}

/// The plan: the threshold at float64 precision, queries as the SDK
/// stores them, the low-sample-count setting AWS's when not given.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    let mut p = planned.clone();
    if let Some(n) = attr(&p, "threshold").unmark_deep().0.as_number() {
        p = with_attr(&p, "threshold", float(n.to_f64()));
    }
    let queries = attr(&p, "metric_query");
    if let Some(items) = queries.as_seq() {
        let items = items.iter().map(normalize_query).collect();
        p = with_attr(&p, "metric_query", Value::set(query_block().implied_type(), items).mark(queries.marks()));
    }
    if prior.is_null() && attr(config, "evaluate_low_sample_count_percentiles").is_null() {
        p = with_attr(&p, "evaluate_low_sample_count_percentiles", Value::unknown(Type::String));
    }
    p
}

fn dimensions(v: &Value) -> Option<Vec<Dimension>> {
    let m = map_of(v);
    (!m.is_empty()).then(|| m.into_iter().map(|(k, v)| Dimension::builder().name(k).value(v).build()).collect())
}

fn positive(v: &Value, name: &str) -> Option<i32> {
    crate::util::positive_i32_attr(v, name)
}

fn queries_of(planned: &Value) -> Option<Vec<MetricDataQuery>> {
    let queries = attr(planned, "metric_query").unmark_deep().0;
    let out: Vec<MetricDataQuery> = queries
        .as_seq()
        .unwrap_or_default()
        .iter()
        .filter_map(|q| {
            let id = nonempty(q, "id")?;
            let mut b = MetricDataQuery::builder()
                .id(id)
                .set_account_id(nonempty(q, "account_id"))
                .set_expression(nonempty(q, "expression"))
                .set_label(nonempty(q, "label"))
                .return_data(bool_attr(q, "return_data").unwrap_or(false))
                .set_period(positive(q, "period"));
            if let Some(m) = attr(q, "metric").as_seq().and_then(|s| s.first().cloned()) {
                let metric = Metric::builder()
                    .set_metric_name(str_attr(&m, "metric_name"))
                    .set_namespace(nonempty(&m, "namespace"))
                    .set_dimensions(dimensions(&attr(&m, "dimensions")))
                    .build();
                b = b.metric_stat(
                    MetricStat::builder()
                        .metric(metric)
                        .set_period(int_of(&attr(&m, "period")).and_then(|n| i32::try_from(n).ok()))
                        .set_stat(str_attr(&m, "stat"))
                        .set_unit(nonempty(&m, "unit").map(|u| StandardUnit::from(u.as_str())))
                        .build(),
                );
            }
            Some(b.build())
        })
        .collect();
    (!out.is_empty()).then_some(out)
}

/// PutMetricAlarm with the whole definition (AWS ignores tags when the
/// alarm exists, so they are sent only on create).
fn put(aws: &Aws, planned: &Value, tags: Option<BTreeMap<String, String>>) -> Result<(), AwsError> {
    let set = |name: &str| {
        let v = strings_of(&attr(planned, name));
        (!v.is_empty()).then_some(v)
    };
    let threshold_metric = nonempty(planned, "threshold_metric_id");
    let threshold = match &threshold_metric {
        Some(_) => None,
        None => Some(attr(planned, "threshold").unmark_deep().0.as_number().map(|n| n.to_f64()).unwrap_or(0.0)),
    };
    let tags = tags
        .filter(|t| !t.is_empty())
        .map(|t| t.into_iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect::<Vec<_>>());
    aws.log_call("cloudwatch:PutMetricAlarm");
    let req = aws
        .cloudwatch
        .put_metric_alarm()
        .alarm_name(str_attr(planned, "alarm_name").unwrap_or_default())
        .comparison_operator(ComparisonOperator::from(
            str_attr(planned, "comparison_operator").unwrap_or_default().as_str(),
        ))
        .evaluation_periods(
            int_of(&attr(planned, "evaluation_periods")).and_then(|n| i32::try_from(n).ok()).unwrap_or(0),
        )
        .treat_missing_data(str_attr(planned, "treat_missing_data").unwrap_or_else(|| "missing".into()))
        .actions_enabled(bool_attr(planned, "actions_enabled").unwrap_or(true))
        .set_alarm_actions(set("alarm_actions"))
        .set_alarm_description(nonempty(planned, "alarm_description"))
        .set_datapoints_to_alarm(positive(planned, "datapoints_to_alarm"))
        .set_dimensions(dimensions(&attr(planned, "dimensions")))
        .set_evaluate_low_sample_count_percentile(nonempty(planned, "evaluate_low_sample_count_percentiles"))
        .set_extended_statistic(nonempty(planned, "extended_statistic"))
        .set_insufficient_data_actions(set("insufficient_data_actions"))
        .set_metric_name(nonempty(planned, "metric_name"))
        .set_metrics(queries_of(planned))
        .set_namespace(nonempty(planned, "namespace"))
        .set_ok_actions(set("ok_actions"))
        .set_period(positive(planned, "period"))
        .set_statistic(nonempty(planned, "statistic").map(|s| Statistic::from(s.as_str())))
        .set_threshold_metric_id(threshold_metric)
        .set_threshold(threshold)
        .set_unit(nonempty(planned, "unit").map(|u| StandardUnit::from(u.as_str())))
        .set_tags(tags);
    aws.block(req.send()).map(|_| ()).map_err(aws_error)
}

/// The metric alarm named exactly `name`.
fn find_alarm(aws: &Aws, name: &str) -> Result<Option<MetricAlarm>, AwsError> {
    aws.log_call("cloudwatch:DescribeAlarms");
    let out = aws
        .block(
            aws.cloudwatch
                .describe_alarms()
                .alarm_names(name)
                .alarm_types(aws_sdk_cloudwatch::types::AlarmType::MetricAlarm)
                .send(),
        )
        .map_err(aws_error)?;
    Ok(out.metric_alarms().iter().find(|a| a.alarm_name() == Some(name)).cloned())
}

fn list_tags(aws: &Aws, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    aws.log_call("cloudwatch:ListTagsForResource");
    let out = aws.block(aws.cloudwatch.list_tags_for_resource().resource_arn(arn).send()).map_err(aws_error)?;
    Ok(out
        .tags()
        .iter()
        .map(|t| (t.key().unwrap_or_default().to_string(), t.value().unwrap_or_default().to_string()))
        .collect())
}

pub fn create(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = str_attr(planned, "alarm_name").unwrap_or_default();
    let what = format!("creating {WHAT} ({name})");
    // PutMetricAlarm overwrites silently: an alarm of that name already there is an error.
    if find_alarm(aws, &name).map_err(|e| e.into_diag(&what))?.is_some() {
        return Err(ProviderDiagnostic::error(
            format!("{what}: already exists"),
            format!("CloudWatch metric alarm {name:?} already exists"),
        ));
    }
    put(aws, planned, Some(map_of(&attr(planned, "tags_all")))).map_err(|e| e.into_diag(&what))?;
    let stub = with_attr(planned, "id", Value::string(name.as_str()));
    read_after_write(aws, &stub)
}

pub fn update(aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = crate::id_of(prior);
    let what = format!("updating {WHAT} ({name})");
    let mut config_changed = false;
    for name in schema().attributes.keys().chain(["metric_query".to_string()].iter()) {
        if !["tags", "tags_all", "arn", "id", "timeouts", "region"].contains(&name.as_str())
            && !attr(prior, name).raw_equal(&attr(planned, name))
        {
            config_changed = true;
        }
    }
    if config_changed {
        put(aws, planned, None).map_err(|e| e.into_diag(&what))?;
    }
    let arn = str_attr(prior, "arn").unwrap_or_default();
    let (set, remove) = tags::tag_changes(&map_of(&attr(prior, "tags_all")), &map_of(&attr(planned, "tags_all")));
    if !remove.is_empty() {
        aws.log_call("cloudwatch:UntagResource");
        aws.block(aws.cloudwatch.untag_resource().resource_arn(&arn).set_tag_keys(Some(remove)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    if !set.is_empty() {
        let tags = set.into_iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect();
        aws.log_call("cloudwatch:TagResource");
        aws.block(aws.cloudwatch.tag_resource().resource_arn(&arn).set_tags(Some(tags)).send())
            .map_err(|e| aws_error(e).into_diag(&what))?;
    }
    read_after_write(aws, planned)
}

fn read_after_write(aws: &Aws, current: &Value) -> Result<Value, ProviderDiagnostic> {
    let id = crate::id_of(current);
    let found = aws.until_visible(&format!("{WHAT} ({id})"), || {
        let Some(alarm) = find_alarm(aws, &id)? else { return Ok(None) };
        Ok(Some(alarm))
    });
    let alarm = found.map_err(|e| e.into_diag(&format!("reading {WHAT} ({id})")))?;
    to_state(aws, current, &alarm)
}

pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = crate::id_of(current);
    let what = format!("reading {WHAT} ({name})");
    let Some(alarm) = find_alarm(aws, &name).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    to_state(aws, current, &alarm).map(Some)
}

fn dims_value(dims: &[Dimension]) -> Value {
    let m: BTreeMap<String, String> = dims
        .iter()
        .map(|d| (d.name().unwrap_or_default().to_string(), d.value().unwrap_or_default().to_string()))
        .collect();
    string_map(&m)
}

fn string_set(items: &[String]) -> Value {
    Value::set(Type::String, items.iter().map(|s| Value::string(s.as_str())).collect())
}

fn text(v: Option<&str>) -> Value {
    Value::string(v.unwrap_or_default())
}

/// The queries as state holds them; an `account_id` AWS leaves out keeps
/// what `current` had for the same query id.
fn queries_value(queries: &[MetricDataQuery], current: &Value) -> Value {
    let known_accounts: BTreeMap<String, String> = attr(current, "metric_query")
        .unmark_deep()
        .0
        .as_seq()
        .unwrap_or_default()
        .iter()
        .filter_map(|q| Some((str_attr(q, "id")?, nonempty(q, "account_id")?)))
        .collect();
    let metric_ty = metric_block().implied_type();
    let items = queries
        .iter()
        .map(|q| {
            let id = q.id().unwrap_or_default();
            let account = q.account_id().map(String::from).or_else(|| known_accounts.get(id).cloned());
            let metrics: Vec<Value> = q
                .metric_stat()
                .map(|s| {
                    let m = s.metric();
                    object(
                        &metric_block(),
                        [
                            ("dimensions", dims_value(m.map(|m| m.dimensions()).unwrap_or_default())),
                            ("metric_name", text(m.and_then(|m| m.metric_name()))),
                            ("namespace", text(m.and_then(|m| m.namespace()))),
                            ("period", Value::int(s.period().unwrap_or(0) as i64)),
                            ("stat", text(s.stat())),
                            ("unit", text(s.unit().map(|u| u.as_str()))),
                        ],
                    )
                })
                .into_iter()
                .collect();
            object(
                &query_block(),
                [
                    ("account_id", Value::string(account.unwrap_or_default().as_str())),
                    ("expression", text(q.expression())),
                    ("id", Value::string(id)),
                    ("label", text(q.label())),
                    ("metric", Value::list(metric_ty.clone(), metrics)),
                    ("period", Value::int(q.period().unwrap_or(0) as i64)),
                    ("return_data", Value::bool(q.return_data().unwrap_or(false))),
                ],
            )
        })
        .collect();
    Value::set(query_block().implied_type(), items)
}

fn to_state(aws: &Aws, current: &Value, alarm: &MetricAlarm) -> Result<Value, ProviderDiagnostic> {
    let name = alarm.alarm_name().unwrap_or_default().to_string();
    let arn = alarm.alarm_arn().unwrap_or_default().to_string();
    let remote_tags = list_tags(aws, &arn).map_err(|e| e.into_diag(&format!("listing tags for {WHAT} ({arn})")))?;
    let (tags, tags_all) = tags::read_tags(&aws.default_tags, &attr(current, "tags"), remote_tags);
    let int = |v: Option<i32>| Value::int(v.unwrap_or(0) as i64);
    Ok(object(
        &schema(),
        [
            ("actions_enabled", Value::bool(alarm.actions_enabled().unwrap_or(true))),
            ("alarm_actions", string_set(alarm.alarm_actions())),
            ("alarm_description", text(alarm.alarm_description())),
            ("alarm_name", Value::string(name.as_str())),
            ("arn", Value::string(arn.as_str())),
            ("comparison_operator", text(alarm.comparison_operator().map(|c| c.as_str()))),
            ("datapoints_to_alarm", int(alarm.datapoints_to_alarm())),
            ("dimensions", dims_value(alarm.dimensions())),
            ("evaluate_low_sample_count_percentiles", text(alarm.evaluate_low_sample_count_percentile())),
            ("evaluation_periods", int(alarm.evaluation_periods())),
            ("extended_statistic", text(alarm.extended_statistic())),
            ("id", Value::string(name.as_str())),
            ("insufficient_data_actions", string_set(alarm.insufficient_data_actions())),
            ("metric_name", text(alarm.metric_name())),
            ("metric_query", queries_value(alarm.metrics(), current)),
            ("namespace", text(alarm.namespace())),
            ("ok_actions", string_set(alarm.ok_actions())),
            ("period", int(alarm.period())),
            ("statistic", text(alarm.statistic().map(|s| s.as_str()))),
            ("tags", tags),
            ("tags_all", tags_all),
            ("threshold", float(alarm.threshold().unwrap_or(0.0))),
            ("threshold_metric_id", text(alarm.threshold_metric_id())),
            ("treat_missing_data", Value::string(alarm.treat_missing_data().unwrap_or("missing"))),
            ("unit", text(alarm.unit().map(|u| u.as_str()))),
        ],
    ))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let name = crate::id_of(prior);
    aws.log_call("cloudwatch:DeleteAlarms");
    match aws.block(aws.cloudwatch.delete_alarms().alarm_names(&name).send()).map_err(aws_error) {
        Err(e) if e.code != "ResourceNotFound" && e.code != "ResourceNotFoundException" => {
            Err(e.into_diag(&format!("deleting {WHAT} ({name})")))
        }
        _ => Ok(()),
    }
}

/// The alarm an interrupted create made: the one of the planned name
/// that carries the create token.
pub fn find(aws: &Aws, token: &str, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let what = "looking for a CloudWatch Metric Alarm an interrupted create made";
    let Some(name) = nonempty(planned, "alarm_name") else { return Ok(None) };
    let Some(alarm) = find_alarm(aws, &name).map_err(|e| e.into_diag(what))? else { return Ok(None) };
    let tags = list_tags(aws, alarm.alarm_arn().unwrap_or_default()).map_err(|e| e.into_diag(what))?;
    if !tags::carry_token(&tags, token) {
        return Ok(None);
    }
    let stub = crate::util::known_or_null(&with_attr(planned, "id", Value::string(name.as_str())));
    to_state(aws, &stub, &alarm).map(Some)
}

/// Every metric alarm of the region, for `drift -unmanaged`.
pub fn list(aws: &Aws) -> Result<Vec<ListedObject>, ProviderDiagnostic> {
    let what = "listing CloudWatch Metric Alarms";
    let mut objects = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        aws.log_call("cloudwatch:DescribeAlarms");
        let out = aws
            .block(
                aws.cloudwatch
                    .describe_alarms()
                    .alarm_types(aws_sdk_cloudwatch::types::AlarmType::MetricAlarm)
                    .set_next_token(token.clone())
                    .send(),
            )
            .map_err(|e| aws_error(e).into_diag(what))?;
        for a in out.metric_alarms() {
            let Some(name) = a.alarm_name() else { continue };
            let tags = list_tags(aws, a.alarm_arn().unwrap_or_default()).map_err(|e| e.into_diag(what))?;
            objects.push(ListedObject { id: name.to_string(), tags: tags.into_iter().collect() });
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm(values: Vec<(&str, Value)>) -> Value {
        object(&schema(), values)
    }

    fn query(values: Vec<(&str, Value)>) -> Value {
        object(&query_block(), values)
    }

    #[test]
    fn extended_statistics_follow_the_providers_pattern() {
        for ok in ["p99", "p99.9", "p100", "tm90", "IQM", "TM(10%:90%)", "PR(:300)", "TC(0.005:0.030)"] {
            assert!(valid_extended_statistic(ok), "{ok}");
        }
        for bad in ["Average", "p", "p999", "q50", "TM10", ""] {
            assert!(!valid_extended_statistic(bad), "{bad}");
        }
    }

    #[test]
    fn validation_names_bad_values_and_conflicts() {
        let ok = alarm(vec![
            ("alarm_name", Value::string("a")),
            ("comparison_operator", Value::string("GreaterThanThreshold")),
            ("evaluation_periods", Value::int(2)),
            ("metric_name", Value::string("CPUUtilization")),
            ("namespace", Value::string("AWS/EC2")),
            ("period", Value::int(120)),
            ("statistic", Value::string("Average")),
            ("threshold", Value::int(80)),
        ]);
        assert!(validate(&ok).is_empty(), "{:?}", validate(&ok));
        let bad = with_attr(&ok, "comparison_operator", Value::string("Above"));
        let bad = with_attr(&bad, "period", Value::int(45));
        let bad = with_attr(&bad, "treat_missing_data", Value::string("zero"));
        let diags = validate(&bad);
        assert_eq!(diags.len(), 3, "{diags:?}");
        assert!(diags[0]
            .detail
            .starts_with("expected comparison_operator to be one of [\"GreaterThanOrEqualToThreshold\""));
        assert!(diags.iter().any(|d| d.detail.contains("expected period to be divisible by 60, got: 45")));
        let no_stat = with_attr(&ok, "statistic", Value::null(Type::String));
        assert!(validate(&no_stat)[0].detail.contains("One of `statistic` or `extended_statistic` must be set"));
        let q = query(vec![("id", Value::string("e1")), ("expression", Value::string("m1 * 2"))]);
        let mixed = with_attr(&ok, "metric_query", Value::set(query_block().implied_type(), vec![q]));
        let diags = validate(&mixed);
        assert!(diags.iter().any(|d| d.detail == "\"metric_name\": conflicts with metric_query"), "{diags:?}");
        assert!(diags.iter().any(|d| d.detail == "\"period\": conflicts with metric_query"), "{diags:?}");
        let both = with_attr(&ok, "threshold_metric_id", Value::string("ad1"));
        assert!(validate(&both).iter().any(|d| d.detail == "\"threshold\": conflicts with threshold_metric_id"));
    }

    #[test]
    fn planned_queries_hold_the_sdks_zero_values() {
        let q = query(vec![("id", Value::string("e1")), ("expression", Value::string("100 * a / b"))]);
        let config = alarm(vec![
            ("threshold", Value::number(Number::parse("1.1").unwrap())),
            ("metric_query", Value::set(query_block().implied_type(), vec![q])),
        ]);
        let planned = plan(&config, &config, &Value::null(schema().implied_type()));
        let q = attr(&planned, "metric_query").as_seq().unwrap()[0].clone();
        assert_eq!(str_attr(&q, "label").as_deref(), Some(""));
        assert_eq!(bool_attr(&q, "return_data"), Some(false));
        assert_eq!(attr(&q, "metric").as_seq().map(|s| s.len()), Some(0));
        assert!(attr(&planned, "threshold").raw_equal(&float(1.1)));
        assert!(attr(&planned, "evaluate_low_sample_count_percentiles").is_unknown());
    }
}
