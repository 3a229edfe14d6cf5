//! The `prometheus` provider against a real Prometheus (Debian's package)
//! on loopback: rule groups written, reloaded, verified, drifted, imported
//! and destroyed; bad rules refused before anything is written; rule tests
//! run by promtool; an alert proven to fire on scraped samples.

use crate::prom_support::*;
use crate::support::*;
use std::time::Duration;

#[test]
fn the_test_servers_start_on_loopback_and_reload() {
    if !installed("prometheus") || !installed("prometheus-alertmanager") {
        return;
    }
    let d = TempDir::with_files("prom-servers", &[]);
    let prom = prometheus(d.path(), &d.path().join("rules"), "1s", None, None);
    assert_eq!(http_post(&format!("{}/-/reload", prom.url), "text/plain", "").map(|r| r.0), Some(200));
    std::fs::write(d.path().join("am.yml"), "route:\n  receiver: none\nreceivers:\n  - name: none\n").unwrap();
    let am = alertmanager(d.path(), &d.path().join("am.yml"));
    let status = eventually(Duration::from_secs(5), || http_get(&format!("{}/api/v2/status", am.url)));
    assert!(status.is_some_and(|(code, body)| code == 200 && body.contains("receiver: none")));
}

fn rules_config(url: &str, rules_dir: &std::path::Path, extra_provider: &str, body: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    prometheus = {{ source = "strata/prometheus" }}
  }}
}}

provider "prometheus" {{
  url       = "{url}"
  rules_dir = "{dir}"
{extra_provider}}}
{body}"#,
        dir = rules_dir.display()
    )
}

const SLO: &str = r#"
resource "prometheus_rule_group" "slo" {
  name     = "api-slo"
  interval = "30s"

  rule {
    record = "job:http_errors:ratio_rate5m"
    expr   = "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m])) / sum by (job) (rate(http_requests_total[5m]))"
  }

  rule {
    alert = "ApiErrorBudgetBurn"
    expr  = "job:http_errors:ratio_rate5m > (14.4 * 0.001)"
    for   = "FOR"
    labels = {
      severity = "page"
    }
    annotations = {
      summary     = "{{ $labels.job }} burns its error budget at {{ $value | humanizePercentage }}"
      runbook_url = "https://runbooks.example.com/api-slo"
    }
  }
}
"#;

fn served_rules(url: &str) -> serde_json::Value {
    let (status, body) = http_get(&format!("{url}/api/v1/rules")).expect("prometheus answers");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn served_group<'a>(rules: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    rules["data"]["groups"].as_array().unwrap().iter().find(|g| g["name"] == name)
}

fn run_ok(d: &TempDir, args: &[&str]) -> Output {
    let out = run(d.path(), args);
    assert_eq!(out.code, 0, "strata {args:?}:\n{}", out.transcript());
    out
}

#[test]
fn a_rule_group_is_written_reloaded_served_drifts_imports_and_is_removed() {
    if !installed("prometheus") {
        return;
    }
    let d = TempDir::with_files("prom-rules", &[]);
    let rules_dir = d.path().join("rules");
    let prom = prometheus(d.path(), &rules_dir, "1s", None, None);
    let config = |for_: &str| rules_config(&prom.url, &rules_dir, "", &SLO.replace("FOR", for_));
    d.write("main.tf", &config("2m"));
    let apply = run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(apply.stdout.contains("prometheus_rule_group.slo: Creation complete"), "{}", apply.stdout);
    let file = rules_dir.join("api-slo.yml");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with("groups:\n- name: api-slo\n  interval: 30s\n  rules:\n"), "{written}");
    let served = served_rules(&prom.url);
    let group = served_group(&served, "api-slo").expect("served");
    assert_eq!(group["interval"], 30);
    assert_eq!(group["rules"][1]["name"], "ApiErrorBudgetBurn");
    assert_eq!(group["rules"][1]["duration"], 120);
    assert_eq!(group["rules"][1]["annotations"]["runbook_url"], "https://runbooks.example.com/api-slo");
    let plan = run(d.path(), &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());

    // In place: the new duration is served.
    d.write("main.tf", &config("5m"));
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert!(plan.stdout.contains("# prometheus_rule_group.slo will be updated in-place"), "{}", plan.stdout);
    assert!(plan.stdout.contains("\"2m\" -> \"5m\""), "{}", plan.stdout);
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(served_group(&served_rules(&prom.url), "api-slo").unwrap()["rules"][1]["duration"], 300);

    // A file edited by hand is drift; the same meaning written otherwise is not.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("for: 5m", "for: 300s")).unwrap();
    let plan = run(d.path(), &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "300s is 5m:\n{}", plan.transcript());
    std::fs::write(&file, text.replace("severity: page", "severity: ticket")).unwrap();
    let drift = run(d.path(), &["drift", "-json"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("prometheus_rule_group.slo"), "{}", drift.stdout);
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert!(plan.stdout.contains("\"ticket\" -> \"page\""), "{}", plan.stdout);
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(std::fs::read_to_string(&file).unwrap().contains("severity: page"));

    // Deleted by hand: planned again.
    std::fs::remove_file(&file).unwrap();
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert!(plan.stdout.contains("# prometheus_rule_group.slo will be created"), "{}", plan.stdout);
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(file.exists());

    // Import by the file's name.
    run_ok(&d, &["state", "rm", "prometheus_rule_group.slo"]);
    run_ok(&d, &["import", "-no-color", "prometheus_rule_group.slo", "api-slo.yml"]);
    let plan = run(d.path(), &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());

    run_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(!file.exists());
    assert!(served_group(&served_rules(&prom.url), "api-slo").is_none());
}

#[test]
fn bad_rules_are_refused_before_anything_is_written_and_a_refused_reload_is_rolled_back() {
    if !installed("prometheus") {
        return;
    }
    let d = TempDir::with_files("prom-bad-rules", &[]);
    let rules_dir = d.path().join("rules");
    let prom = prometheus(d.path(), &rules_dir, "1s", None, None);
    // An unclosed parenthesis: refused at validate, at the rule's line.
    let bad = SLO.replace("FOR", "2m").replace("> (14.4 * 0.001)", "> (14.4 * 0.001");
    let config = rules_config(&prom.url, &rules_dir, "", &bad);
    let line = config.lines().position(|l| l.contains("> (14.4 * 0.001\"")).unwrap() + 1;
    d.write("main.tf", &config);
    let out = run(d.path(), &["validate", "-no-color"]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("could not parse expression: unclosed left parenthesis"), "{}", out.stderr);
    assert!(out.stderr.contains(&format!("main.tf:{line}:")), "the expr's line {line}:\n{}", out.stderr);
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_ne!(out.code, 0);
    assert!(!rules_dir.join("api-slo.yml").exists());

    // A recording rule with a `for`, an invalid metric name, a bad template.
    let bad = SLO
        .replace("FOR", "2m")
        .replace("record = \"job:http_errors:ratio_rate5m\"", "record = \"job-errors\"\n    for = \"1m\"")
        .replace("{{ $value | humanizePercentage }}", "{{ $value | humanise }}");
    d.write("main.tf", &rules_config(&prom.url, &rules_dir, "", &bad));
    let out = run(d.path(), &["validate", "-no-color"]);
    for message in [
        "invalid recording rule name: job-errors",
        "invalid field 'for' in recording rule",
        "function \"humanise\" not defined",
    ] {
        assert!(out.stderr.contains(message), "{message}:\n{}", out.stderr);
    }

    // Group labels arrived in Prometheus 3.0: refused for the 2.42 server.
    let labelled =
        SLO.replace("FOR", "2m").replace("interval = \"30s\"", "interval = \"30s\"\n  labels   = { team = \"api\" }");
    d.write("main.tf", &rules_config(&prom.url, &rules_dir, "", &labelled));
    let out = run(d.path(), &["plan", "-no-color"]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("field labels is not known to Prometheus 2.42"), "{}", out.stderr);

    // Told the server is 3.0, Strata writes it; Prometheus 2.42 refuses the
    // reload, and the previous file comes back.
    d.write("main.tf", &rules_config(&prom.url, &rules_dir, "", &SLO.replace("FOR", "2m")));
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let before = std::fs::read_to_string(rules_dir.join("api-slo.yml")).unwrap();
    d.write("main.tf", &rules_config(&prom.url, &rules_dir, "  prometheus_version = \"3.0\"\n", &labelled));
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_ne!(out.code, 0, "{}", out.transcript());
    assert!(out.stderr.contains("refused the new rules"), "{}", out.stderr);
    assert!(out.stderr.contains("The previous content"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(rules_dir.join("api-slo.yml")).unwrap(), before);
    let (_, status) = http_get(&format!("{}/api/v1/status/runtimeinfo", prom.url)).unwrap();
    assert!(status.contains("\"reloadConfigSuccess\":true"), "reloaded with the previous rules: {status}");
    assert!(served_group(&served_rules(&prom.url), "api-slo").is_some());
}

fn modules_config(url: &str, rules_dir: &std::path::Path, body: &str) -> String {
    rules_config(url, rules_dir, "", body)
}

#[test]
fn the_rule_modules_apply_their_tests_run_at_plan_and_a_failing_test_stops_the_plan() {
    if !installed("prometheus") || !installed("promtool") {
        return;
    }
    let d = TempDir::with_files("prom-modules", &[]);
    for m in ["prometheus-slo", "prometheus-red", "prometheus-ingestion", "prometheus-consumer-lag"] {
        copy_module(d.path(), m);
    }
    let rules_dir = d.path().join("rules");
    let prom = prometheus(d.path(), &rules_dir, "1s", None, None);
    let body = r#"
module "checkout_slo" {
  source      = "./modules/prometheus-slo"
  service     = "checkout"
  objective   = 0.999
  selector    = "job=\"checkout\""
  runbook_url = "https://runbooks.example.com/checkout-slo"
  self_test   = true
}

module "red" {
  source   = "./modules/prometheus-red"
  services = { checkout = "job=\"checkout\"", search = "job=\"search\"" }
}

module "telemetry" {
  source      = "./modules/prometheus-ingestion"
  pipeline    = "iot-telemetry"
  rate_expr   = "sum(rate(messages_ingested_total{job=\"ingest\"}[5m]))"
  runbook_url = "https://runbooks.example.com/ingestion"
}

module "lag" {
  source      = "./modules/prometheus-consumer-lag"
  runbook_url = "https://runbooks.example.com/lag"
}
"#;
    d.write("main.tf", &modules_config(&prom.url, &rules_dir, body));
    let apply = run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(
        apply.stdout.contains("module.checkout_slo.prometheus_rule_test.slo[0]: Creation complete"),
        "{}",
        apply.stdout
    );
    let served = served_rules(&prom.url);
    for group in ["slo-checkout", "red", "ingestion-iot-telemetry", "consumer-lag"] {
        assert!(served_group(&served, group).is_some(), "{group} is served: {served}");
    }
    let slo = served_group(&served, "slo-checkout").unwrap();
    let names: Vec<&str> = slo["rules"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "slo:sli_error:ratio_rate1h",
            "slo:sli_error:ratio_rate30m",
            "slo:sli_error:ratio_rate5m",
            "slo:sli_error:ratio_rate6h",
            "ErrorBudgetFastBurn",
            "ErrorBudgetSlowBurn"
        ]
    );
    assert_eq!(served_group(&served, "red").unwrap()["rules"].as_array().unwrap().len(), 10);
    let plan = run(d.path(), &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());

    // A rule change that breaks the proof: the 1h window made 6h means a
    // total outage no longer pages within 10 minutes. The plan stops with
    // promtool's report, and the served rules stay as they were.
    let slo_main = d.path().join("modules/prometheus-slo/main.tf");
    let text = std::fs::read_to_string(&slo_main).unwrap();
    std::fs::write(
        &slo_main,
        text.replace("${local.ratio}1h{service", "${local.ratio}6h{service")
            .replace("for    = \"2m\"", "for    = \"15m\""),
    )
    .unwrap();
    let plan = run(d.path(), &["plan", "-no-color"]);
    assert_ne!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stderr.contains("Prometheus rule tests failed"), "{}", plan.stderr);
    assert!(plan.stderr.contains("ErrorBudgetFastBurn"), "{}", plan.stderr);
    let out = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_ne!(out.code, 0);
    let slo = served_group(&served_rules(&prom.url), "slo-checkout").unwrap().clone();
    assert_eq!(slo["rules"][4]["duration"], 120, "unchanged: {slo}");
    std::fs::write(&slo_main, text).unwrap();

    run_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(std::fs::read_dir(&rules_dir).unwrap().count(), 0, "every rule file is removed");
}

#[test]
fn an_alert_fires_on_scraped_samples() {
    if !installed("prometheus") {
        return;
    }
    let d = TempDir::with_files("prom-fires", &[]);
    copy_module(d.path(), "prometheus-consumer-lag");
    let target = metrics_target(
        "# TYPE kafka_consumergroup_lag gauge\nkafka_consumergroup_lag{consumergroup=\"ingest\",topic=\"events\",partition=\"0\"} 4000\nkafka_consumergroup_lag{consumergroup=\"ingest\",topic=\"events\",partition=\"1\"} 3000\n",
    );
    let rules_dir = d.path().join("rules");
    let prom = prometheus(d.path(), &rules_dir, "1s", Some(&target.addr), None);
    let body = r#"
module "lag" {
  source      = "./modules/prometheus-consumer-lag"
  for         = "2s"
  runbook_url = "https://runbooks.example.com/lag"
}
"#;
    d.write("main.tf", &modules_config(&prom.url, &rules_dir, body));
    run_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let alerts = || {
        let (_, body) = http_get(&format!("{}/api/v1/alerts", prom.url))?;
        let json: serde_json::Value = serde_json::from_str(&body).ok()?;
        Some(json["data"]["alerts"].as_array()?.clone())
    };
    let firing = |alerts: &[serde_json::Value]| {
        alerts.iter().any(|a| a["labels"]["alertname"] == "ConsumerLagHigh" && a["state"] == "firing")
    };
    // 7,000 behind: under the 10,000 threshold, nothing fires.
    std::thread::sleep(Duration::from_secs(4));
    assert!(!firing(&alerts().unwrap_or_default()), "{:?}", alerts());
    // One partition falls behind: 23,000 in all, for longer than 2 s.
    let raised = target.metrics.lock().unwrap().replace("} 3000", "} 19000");
    *target.metrics.lock().unwrap() = raised;
    let fired = eventually(Duration::from_secs(30), || alerts().filter(|a| firing(a)));
    let fired = fired.expect("ConsumerLagHigh fires within 30 s");
    let alert = fired.iter().find(|a| a["labels"]["alertname"] == "ConsumerLagHigh").unwrap();
    assert_eq!(alert["labels"]["consumergroup"], "ingest");
    assert_eq!(alert["labels"]["severity"], "page");
    assert_eq!(alert["annotations"]["summary"], "ingest lags 23k messages behind on events");
    assert_eq!(alert["annotations"]["runbook_url"], "https://runbooks.example.com/lag");
}

#[test]
fn an_undeclared_prometheus_provider_is_named_with_its_source() {
    let d = TempDir::with_files(
        "prom-undeclared",
        &[("main.tf", "resource \"prometheus_rule_group\" \"g\" {\n  name = \"g\"\n  rule {\n    record = \"a\"\n    expr   = \"up\"\n  }\n}\n")],
    );
    let out = run(d.path(), &["plan", "-no-color"]);
    assert_ne!(out.code, 0);
    let flat = out.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("declare it in required_providers (prometheus = { source = \"strata/prometheus\" })"),
        "{}",
        out.stderr
    );
}

/// Rule tests whose inputs are all known run at `strata validate`; inside
/// `strata test`, a `command = plan` run proves them with no server.
#[test]
fn rule_tests_run_at_validate_and_in_strata_test() {
    if !installed("promtool") {
        return;
    }
    let rules = "groups:\n- name: lag\n  rules:\n  - alert: ConsumerLagHigh\n    expr: sum by (topic) (kafka_consumergroup_lag) > 10000\n    for: 5m\n";
    let config = |eval_time: &str| {
        format!(
            r#"terraform {{
  required_providers {{
    prometheus = {{ source = "strata/prometheus" }}
  }}
}}

resource "prometheus_rule_test" "lag" {{
  rule_files = [{rules:?}]
  test {{
    interval = "1m"
    input_series {{
      series = "kafka_consumergroup_lag{{topic=\"events\",partition=\"0\"}}"
      values = "20000x20"
    }}
    alert_rule_test {{
      eval_time = "{eval_time}"
      alertname = "ConsumerLagHigh"
      exp_alerts {{
        exp_labels = {{ topic = "events", severity = "page" }}
      }}
    }}
  }}
}}
"#
        )
    };
    // The rule sets no severity label: the expectation is wrong.
    let d = TempDir::with_files("prom-rule-tests", &[("main.tf", &config("10m"))]);
    let out = run(d.path(), &["validate", "-no-color"]);
    assert_ne!(out.code, 0, "{}", out.transcript());
    assert!(out.stderr.contains("Prometheus rule tests failed"), "{}", out.stderr);
    assert!(out.stderr.contains("severity=\"page\""), "promtool's exp/got report:\n{}", out.stderr);
    d.write("main.tf", &config("10m").replace(", severity = \"page\"", ""));
    run_ok(&d, &["validate", "-no-color"]);

    // In strata test: still pending at 4m (for: 5m), so the run fails.
    d.write("main.tf", &config("4m").replace(", severity = \"page\"", ""));
    d.write("tests/lag.tftest.hcl", "run \"proves_the_alert\" {\n  command = plan\n}\n");
    let out = run(d.path(), &["test", "-no-color"]);
    assert_ne!(out.code, 0, "{}", out.transcript());
    assert!(out.transcript().contains("Prometheus rule tests failed"), "{}", out.transcript());
    d.write("main.tf", &config("10m").replace(", severity = \"page\"", ""));
    let out = run_ok(&d, &["test", "-no-color"]);
    assert!(out.stdout.contains("1 passed, 0 failed"), "{}", out.stdout);
}
