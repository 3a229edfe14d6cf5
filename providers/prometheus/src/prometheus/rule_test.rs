//! `prometheus_rule_test`: `promtool test rules` unit tests declared next
//! to the rules they test. The rule files are the groups' `content` (known
//! when planning), so the tests run on every plan (and at validate when
//! nothing is unknown): a failing test, such as a burn-rate alert that
//! does not fire on the samples given, stops the plan before anything is
//! applied. The object lives only in the state.

use super::Settings;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use strata_lang::{Type, Value};
use strata_promrules::yaml::{emit, Out};
use strata_provider::values::{attr, map_of, str_attr, strings_of};
use strata_provider::*;

pub const TYPE: &str = "prometheus_rule_test";

fn attrs(list: Vec<(&str, Attribute)>) -> BTreeMap<String, Attribute> {
    list.into_iter().map(|(k, a)| (k.to_string(), a)).collect()
}

fn list_of(block: Block) -> NestedBlock {
    NestedBlock { nesting: Nesting::List, block, min_items: 0, max_items: 0 }
}

fn block() -> Block {
    let series = Block {
        attributes: attrs(vec![
            ("series", Attribute::required(Type::String).describe("A series selector, e.g. up{job=\"api\"}")),
            ("values", Attribute::required(Type::String).describe("Expanding notation, e.g. 0+10x60")),
        ]),
        blocks: BTreeMap::new(),
    };
    let exp_alert = Block {
        attributes: attrs(vec![
            ("exp_labels", Attribute::optional(Type::map(Type::String))),
            ("exp_annotations", Attribute::optional(Type::map(Type::String))),
        ]),
        blocks: BTreeMap::new(),
    };
    let alert_test = Block {
        attributes: attrs(vec![
            ("eval_time", Attribute::required(Type::String)),
            ("alertname", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::from([("exp_alerts".to_string(), list_of(exp_alert))]),
    };
    let sample = Block {
        attributes: attrs(vec![
            ("labels", Attribute::optional(Type::String)),
            ("value", Attribute::required(Type::Number)),
        ]),
        blocks: BTreeMap::new(),
    };
    let expr_test = Block {
        attributes: attrs(vec![
            ("expr", Attribute::required(Type::String)),
            ("eval_time", Attribute::required(Type::String)),
        ]),
        blocks: BTreeMap::from([("exp_samples".to_string(), list_of(sample))]),
    };
    let test = Block {
        attributes: attrs(vec![
            ("name", Attribute::optional(Type::String)),
            ("interval", Attribute::optional(Type::String)),
            ("external_labels", Attribute::optional(Type::map(Type::String))),
            ("external_url", Attribute::optional(Type::String)),
        ]),
        blocks: BTreeMap::from([
            ("input_series".to_string(), list_of(series)),
            ("alert_rule_test".to_string(), list_of(alert_test)),
            ("promql_expr_test".to_string(), list_of(expr_test)),
        ]),
    };
    Block {
        attributes: attrs(vec![
            ("id", Attribute::computed(Type::String)),
            (
                "rule_files",
                Attribute::required(Type::list(Type::String))
                    .describe("The rule files under test, as text: e.g. [prometheus_rule_group.slo.content]"),
            ),
            ("evaluation_interval", Attribute::optional(Type::String)),
            ("group_eval_order", Attribute::optional(Type::list(Type::String))),
            ("tests_passed", Attribute::computed(Type::Number).describe("How many tests passed at the last plan")),
        ]),
        blocks: BTreeMap::from([(
            "test".to_string(),
            NestedBlock { nesting: Nesting::List, block: test, min_items: 1, max_items: 0 },
        )]),
    }
}

/// The planned object, its id made now if it is new.
pub fn apply(planned: &Value) -> Value {
    if planned.is_null() || attr(planned, "id").is_known() {
        return planned.clone();
    }
    let mut fields = planned.as_entries().cloned().unwrap_or_default();
    fields.insert("id".into(), Value::string(random_id()));
    Value::object(fields).mark(planned.marks())
}

pub fn schema() -> ResourceSchema {
    ResourceSchema { block: block(), local_only: true, ..Default::default() }
}

fn seq(v: &Value, name: &str) -> Vec<Value> {
    attr(v, name).unmark_deep().0.as_seq().map(<[Value]>::to_vec).unwrap_or_default()
}

fn string_map_out(v: &Value) -> Out {
    Out::Map(map_of(v).into_iter().map(|(k, v)| (k, Out::Str(v))).collect())
}

/// promtool's test file for `config`, naming the rule files `rules_N.yml`.
fn test_file(config: &Value, rule_files: usize) -> String {
    let mut top = vec![(
        "rule_files".to_string(),
        Out::Seq((0..rule_files).map(|i| Out::Str(format!("rules_{i}.yml"))).collect()),
    )];
    if let Some(i) = str_attr(config, "evaluation_interval") {
        top.push(("evaluation_interval".into(), Out::Str(i)));
    }
    let order = strings_of(&attr(config, "group_eval_order"));
    if !order.is_empty() {
        top.push(("group_eval_order".into(), Out::Seq(order.into_iter().map(Out::Str).collect())));
    }
    let tests = seq(config, "test")
        .iter()
        .map(|t| {
            let mut f = Vec::new();
            for key in ["name", "interval", "external_url"] {
                if let Some(v) = str_attr(t, key) {
                    f.push((key.to_string(), Out::Str(v)));
                }
            }
            if !attr(t, "external_labels").is_null() {
                f.push(("external_labels".into(), string_map_out(&attr(t, "external_labels"))));
            }
            let series = seq(t, "input_series")
                .iter()
                .map(|s| {
                    Out::Map(vec![
                        ("series".into(), Out::Str(str_attr(s, "series").unwrap_or_default())),
                        ("values".into(), Out::Str(str_attr(s, "values").unwrap_or_default())),
                    ])
                })
                .collect();
            f.push(("input_series".into(), Out::Seq(series)));
            let alerts = seq(t, "alert_rule_test")
                .iter()
                .map(|a| {
                    let exp = seq(a, "exp_alerts")
                        .iter()
                        .map(|e| {
                            Out::Map(vec![
                                ("exp_labels".into(), string_map_out(&attr(e, "exp_labels"))),
                                ("exp_annotations".into(), string_map_out(&attr(e, "exp_annotations"))),
                            ])
                        })
                        .collect();
                    Out::Map(vec![
                        ("eval_time".into(), Out::Str(str_attr(a, "eval_time").unwrap_or_default())),
                        ("alertname".into(), Out::Str(str_attr(a, "alertname").unwrap_or_default())),
                        ("exp_alerts".into(), Out::Seq(exp)),
                    ])
                })
                .collect();
            f.push(("alert_rule_test".into(), Out::Seq(alerts)));
            let exprs = seq(t, "promql_expr_test")
                .iter()
                .map(|x| {
                    let samples = seq(x, "exp_samples")
                        .iter()
                        .map(|s| {
                            let value = attr(s, "value").unmark_deep().0.as_number().map_or(0.0, |n| n.to_f64());
                            Out::Map(vec![
                                ("labels".into(), Out::Str(str_attr(s, "labels").unwrap_or_default())),
                                ("value".into(), Out::Float(value)),
                            ])
                        })
                        .collect();
                    Out::Map(vec![
                        ("expr".into(), Out::Str(str_attr(x, "expr").unwrap_or_default())),
                        ("eval_time".into(), Out::Str(str_attr(x, "eval_time").unwrap_or_default())),
                        ("exp_samples".into(), Out::Seq(samples)),
                    ])
                })
                .collect();
            f.push(("promql_expr_test".into(), Out::Seq(exprs)));
            Out::Map(f)
        })
        .collect();
    top.push(("tests".into(), Out::Seq(tests)));
    emit(&Out::Map(top))
}

/// Runs the tests when every value they need is known.
pub fn validate(config: &Value) -> Diagnostics {
    if config.is_null() || !config.is_wholly_known() {
        return Vec::new();
    }
    match run(config, "promtool") {
        Ok(_) => Vec::new(),
        Err(d) => vec![d],
    }
}

pub fn plan(settings: &Settings, proposed: &Value, config: &Value, resp: &mut PlanResponse) {
    let mut fields = proposed.as_entries().cloned().unwrap_or_default();
    // A new test's id is made when it is applied (plan and apply must agree).
    if attr(proposed, "id").is_null() {
        fields.insert("id".into(), Value::unknown(Type::String));
    }
    let passed = if config.is_wholly_known() {
        match run(config, &settings.promtool) {
            Ok(n) => Value::int(n as i64),
            Err(d) => {
                resp.diagnostics.push(d);
                return;
            }
        }
    } else {
        Value::unknown(Type::Number)
    };
    fields.insert("tests_passed".into(), passed);
    resp.planned = Value::object(fields).mark(proposed.marks());
}

fn random_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{:x}{:x}", nanos, NEXT.fetch_add(1, Ordering::Relaxed))
}

/// `promtool test rules` over the configured files in a scratch directory:
/// the number of tests on success, promtool's report as the error.
fn run(config: &Value, promtool: &str) -> Result<usize, ProviderDiagnostic> {
    let files = strings_of(&attr(config, "rule_files"));
    let tests = seq(config, "test").len();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "strata-rule-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let io = |what: &str, e: std::io::Error| {
        ProviderDiagnostic::error("Rule tests could not run", format!("{what} {}: {e}", dir.display()))
    };
    std::fs::create_dir_all(&dir).map_err(|e| io("creating", e))?;
    let result = (|| {
        for (i, text) in files.iter().enumerate() {
            std::fs::write(dir.join(format!("rules_{i}.yml")), text).map_err(|e| io("writing into", e))?;
        }
        std::fs::write(dir.join("tests.yml"), test_file(config, files.len())).map_err(|e| io("writing into", e))?;
        let out = std::process::Command::new(promtool).args(["test", "rules", "tests.yml"]).current_dir(&dir).output();
        let out = match out {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ProviderDiagnostic::error(
                    "promtool not found",
                    format!(
                        "prometheus_rule_test runs `{promtool} test rules`, which is not installed. Install Prometheus's promtool (Debian: apt-get install prometheus) or set promtool_path in the provider block."
                    ),
                ))
            }
            Err(e) => return Err(ProviderDiagnostic::error("Rule tests could not run", format!("{promtool}: {e}"))),
        };
        if out.status.success() {
            return Ok(tests);
        }
        let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        Err(ProviderDiagnostic::error(
            "Prometheus rule tests failed",
            format!("promtool test rules:\n{}", report.trim_end()),
        )
        .at(vec![PathStep::Attr("test".into())]))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
