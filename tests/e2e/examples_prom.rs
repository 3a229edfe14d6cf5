//! The Prometheus examples (`slo-alerts` and its Amazon Managed Prometheus
//! variant `slo-alerts/amp`, `black-friday`, `iot-pipeline`) through the
//! examples' lifecycle, and their stories: the shared Prometheus serves the
//! groups promtool accepts and Alertmanager runs the routes amtool accepts;
//! peak season's tighter alerts replace normal season's in place.

use crate::examples::{examples, Example, Needs, Running};

/// Python: the groups Prometheus serves whose name starts with the
/// example's, as `name file rule-count` lines.
const SERVED_GROUPS: &str = "\
import json
status, body = http('GET', prometheus_url + '/api/v1/rules')
assert status == 200, body
for g in json.loads(body)['data']['groups']:
    if g['name'].startswith(name + '-'):
        print(g['name'], g['file'].rsplit('/', 1)[-1], len(g['rules']))
";

/// Python: what is left of the example in the shared rules directory and
/// in what Prometheus serves (nothing, after destroy).
const NO_RULES_LEFT: &str = "\
import os, json
print(' '.join(f for f in os.listdir(rules_dir) if f.startswith(name + '-')))
status, body = http('GET', prometheus_url + '/api/v1/rules')
print(' '.join(g['name'] for g in json.loads(body)['data']['groups'] if g['name'].startswith(name + '-')))
";

examples! {
    slo_alerts_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "slo-alerts",
        name: "slox",
        region: "us-east-1",
        var_file: Some("envs/prod.tfvars"),
        other_var_files: &["envs/staging.tfvars"],
        needs: &[Needs::Prometheus, Needs::Alertmanager],
        drift: "\
p = rules_dir + '/' + name + '-slo-checkout.yml'
t = open(p).read()
open(p, 'w').write(t.replace('for: 2m', 'for: 10m'))
c = open(alertmanager_config).read()
open(alertmanager_config, 'w').write(c.replace('repeat_interval: 1h', 'repeat_interval: 3h'))
",
        drifted: &[
            "module.slo[\"checkout\"].prometheus_rule_group.slo[0] has changed",
            "rule[4].for: \"2m\" -> \"10m\"",
            "module.oncall.alertmanager_config.main has changed",
            "route[0].route[0].repeat_interval: \"1h\" -> \"3h\"",
        ],
        leftovers: Some(NO_RULES_LEFT),
    };
    black_friday_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "black-friday",
        name: "bfx",
        region: "us-east-1",
        var_file: Some("envs/normal.tfvars"),
        other_var_files: &["envs/peak.tfvars"],
        needs: &[Needs::Prometheus],
        drift: "\
p = rules_dir + '/' + name + '-checkout-alerts.yml'
t = open(p).read()
open(p, 'w').write(t.replace('> 0.02\"', '> 0.2\"', 1))
",
        drifted: &[
            "prometheus_rule_group.error_budget has changed",
            "rule[0].expr:",
            "{service=\\\"cart\\\"} > 0.2\"",
        ],
        leftovers: Some(NO_RULES_LEFT),
    };
    iot_pipeline_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "iot-pipeline",
        name: "iotx",
        region: "us-east-1",
        var_file: Some("envs/prod.tfvars"),
        other_var_files: &["envs/staging.tfvars"],
        needs: &[Needs::Prometheus, Needs::Alertmanager],
        drift: "\
import os
os.remove(rules_dir + '/' + name + '-consumer-lag.yml')
http('POST', prometheus_url + '/-/reload')
",
        drifted: &["module.consumer_lag.prometheus_rule_group.lag[0] has been deleted"],
        leftovers: Some(NO_RULES_LEFT),
    };
}

fn lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().map(str::to_string).collect();
    v.sort();
    v
}

/// Runs `tool args` (promtool, amtool); its exit code and output.
fn tool(tool: &str, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool}: {e}"));
    (
        out.status.code().unwrap_or(-1),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    )
}

/// The rule files the example wrote in the shared directory.
fn rule_files(run: &Running) -> Vec<String> {
    let listed = run.python(
        "import os\nprint('\\n'.join(sorted(rules_dir + '/' + f for f in os.listdir(rules_dir) if f.startswith(name + '-'))))",
    );
    listed.lines().map(str::to_string).collect()
}

#[test]
fn slo_alerts_rules_load_in_prometheus_and_routes_in_alertmanager() {
    static ROW: Example = Example {
        dir: "slo-alerts",
        name: "slos",
        region: "us-east-1",
        var_file: Some("envs/prod.tfvars"),
        other_var_files: &[],
        needs: &[Needs::Prometheus, Needs::Alertmanager],
        drift: "",
        drifted: &[],
        leftovers: None,
    };
    let Some(run) = ROW.start() else { return };
    run.apply();
    assert_eq!(
        lines(&run.python(SERVED_GROUPS)),
        [
            "slos-slo-checkout slos-slo-checkout.yml 6",
            "slos-slo-payments slos-slo-payments.yml 6",
            "slos-slo-search slos-slo-search.yml 6"
        ]
    );
    let files = rule_files(&run);
    assert_eq!(files.len(), 3, "{files:?}");
    let mut args = vec!["check", "rules"];
    args.extend(files.iter().map(String::as_str));
    let (code, out) = tool("promtool", &args);
    assert_eq!(code, 0, "promtool accepts what Strata wrote:\n{out}");
    assert!(out.contains("SUCCESS: 6 rules found"), "{out}");

    let config = run.python("print(alertmanager_config)");
    let (code, out) = tool("amtool", &["check-config", config.trim()]);
    assert_eq!(code, 0, "amtool accepts what Strata wrote:\n{out}");
    let running = run.python(
        "import json\nstatus, body = http('GET', alertmanager_url + '/api/v2/status')\n\
         print(json.loads(body)['config']['original'])",
    );
    for text in [
        "receiver: slos-fallback",
        "- name: slos-payments-pager",
        "- name: slos-discovery-tickets",
        "- team=\"payments\"",
        "- severity=\"page\"",
    ] {
        assert!(running.contains(text), "Alertmanager runs the routes ({text}):\n{running}");
    }

    // Alerts as the rules would send them: each reaches its team's pager or
    // ticket queue, the page holds back the same service's ticket, and an
    // alert of no known severity goes to the fallback.
    let routed = run.python(
        "\
import json, time
alerts = [
    {'alertname': 'ErrorBudgetFastBurn', 'service': 'checkout', 'severity': 'page', 'team': 'payments'},
    {'alertname': 'ErrorBudgetSlowBurn', 'service': 'checkout', 'severity': 'ticket', 'team': 'payments'},
    {'alertname': 'ErrorBudgetSlowBurn', 'service': 'search', 'severity': 'ticket', 'team': 'discovery'},
    {'alertname': 'DiskFull', 'service': 'db', 'severity': 'info'},
]
status, body = http('POST', alertmanager_url + '/api/v2/alerts', json.dumps([{'labels': l} for l in alerts]))
assert status == 200, body
for _ in range(50):
    status, body = http('GET', alertmanager_url + '/api/v2/alerts')
    got = json.loads(body)
    if len(got) == 4 and any(a['status']['inhibitedBy'] for a in got):
        break
    time.sleep(0.2)
for a in got:
    print(a['labels']['alertname'], a['labels']['service'], ','.join(r['name'] for r in a['receivers']), a['status']['state'])
",
    );
    assert_eq!(
        lines(&routed),
        [
            "DiskFull db slos-fallback active",
            "ErrorBudgetFastBurn checkout slos-payments-pager active",
            "ErrorBudgetSlowBurn checkout slos-payments-tickets suppressed",
            "ErrorBudgetSlowBurn search slos-discovery-tickets active",
        ]
    );
    run.destroy();
    assert_eq!(run.python(NO_RULES_LEFT).trim(), "");
}

#[test]
fn black_friday_peak_tightens_the_alerts_in_place() {
    static ROW: Example = Example {
        dir: "black-friday",
        name: "bfs",
        region: "us-east-1",
        var_file: Some("envs/normal.tfvars"),
        other_var_files: &[],
        needs: &[Needs::Prometheus],
        drift: "",
        drifted: &[],
        leftovers: None,
    };
    /// Per group: its interval and its rules' distinct `for` (seconds).
    const SERVED: &str = "\
import json
status, body = http('GET', prometheus_url + '/api/v1/rules')
for g in json.loads(body)['data']['groups']:
    if g['name'].startswith(name + '-'):
        print(g['name'], g['interval'], sorted({r.get('duration', 0) for r in g['rules']}), len(g['rules']))
";
    let Some(mut run) = ROW.start() else { return };
    run.apply();
    assert_eq!(lines(&run.python(SERVED)), ["bfs-checkout-alerts 30 [600] 7", "bfs-red 30 [0] 15"]);

    run.use_var_file("envs/peak.tfvars");
    let plan = run.strata_ok(&["plan"]);
    assert!(plan.stdout.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{}", plan.stdout);
    assert!(plan.stdout.contains("~ for         = \"10m\" -> \"2m\""), "{}", plan.stdout);
    run.apply();
    run.plan_clean();
    assert_eq!(lines(&run.python(SERVED)), ["bfs-checkout-alerts 15 [120] 7", "bfs-red 15 [0] 15"]);
    run.destroy();
    assert_eq!(run.python(NO_RULES_LEFT).trim(), "");
}

/// The AMP variant against moto, which has no Alertmanager definition API:
/// `envs/local.tfvars` is `envs/prod.tfvars` without the definition, and
/// `envs/prod.tfvars` (with it) is planned, which checks the definition as
/// amtool does. promtool runs the modules' self tests at every plan.
#[test]
fn slo_alerts_on_amp_applies_plans_clean_catches_drift_and_destroys() {
    static ROW: Example = Example {
        dir: "slo-alerts/amp",
        name: "sloamp",
        region: "us-east-1",
        var_file: Some("envs/local.tfvars"),
        other_var_files: &["envs/prod.tfvars"],
        needs: &[],
        drift: "\
amp = client('amp')
ws = [w['workspaceId'] for w in amp.list_workspaces(alias=name)['workspaces']][0]
ns = name + '-slo-checkout'
data = amp.describe_rule_groups_namespace(workspaceId=ws, name=ns)['ruleGroupsNamespace']['data'].decode()
assert '\"for\": \"2m\"' in data, data
amp.put_rule_groups_namespace(workspaceId=ws, name=ns, data=data.replace('\"for\": \"2m\"', '\"for\": \"30m\"').encode())
",
        drifted: &["aws_prometheus_rule_group_namespace.slo[\"checkout\"] has changed", "\"for\": \"30m\""],
        leftovers: Some(
            "\
print(' '.join(w['workspaceId'] for w in client('amp').list_workspaces(alias=name)['workspaces'] if w['status']['statusCode'] != 'DELETING'))
print(' '.join(t['TopicArn'] for t in client('sns').list_topics()['Topics'] if t['TopicArn'].split(':')[-1].startswith(name + '-')))
",
        ),
    };
    if !crate::prom_support::installed("promtool") {
        return;
    }
    ROW.lifecycle();
}

/// What the AMP variant plans for the workspace's Alertmanager is what
/// amtool accepts, and its namespaces hold what promtool accepts.
#[test]
fn slo_alerts_on_amp_renders_what_promtool_and_amtool_accept() {
    static ROW: Example = Example {
        dir: "slo-alerts/amp",
        name: "sloampr",
        region: "us-east-1",
        var_file: Some("envs/local.tfvars"),
        other_var_files: &[],
        needs: &[],
        drift: "",
        drifted: &[],
        leftovers: None,
    };
    if !crate::prom_support::installed("promtool") || !crate::prom_support::installed("amtool") {
        return;
    }
    let Some(mut run) = ROW.start() else { return };
    run.apply();
    let files = run.python(
        "\
import os
amp = client('amp')
ws = [w['workspaceId'] for w in amp.list_workspaces(alias=name)['workspaces']][0]
for ns in amp.list_rule_groups_namespaces(workspaceId=ws)['ruleGroupsNamespaces']:
    path = os.path.join(os.getcwd(), ns['name'] + '.yml')
    open(path, 'wb').write(amp.describe_rule_groups_namespace(workspaceId=ws, name=ns['name'])['ruleGroupsNamespace']['data'])
    print(path)
",
    );
    let files: Vec<&str> = files.lines().collect();
    assert_eq!(files.len(), 3, "{files:?}");
    let mut args = vec!["check", "rules"];
    args.extend(&files);
    let (code, out) = tool("promtool", &args);
    assert_eq!(code, 0, "promtool accepts the namespaces:\n{out}");

    // With the definition (as on AWS), planned over the applied state: the
    // topics' ARNs are known, so the plan shows the whole definition.
    run.use_var_file("envs/prod.tfvars");
    let plan = run.strata_ok(&["plan"]);
    assert!(plan.stdout.contains("Plan: 1 to add, 0 to change, 0 to destroy."), "{}", plan.stdout);
    let definition: String = plan
        .stdout
        .lines()
        .skip_while(|l| !l.contains("alertmanager_config: |"))
        .skip(1)
        .take_while(|l| l.trim() != "EOT")
        .map(|l| format!("{}\n", l.strip_prefix("  ").unwrap_or(l)))
        .collect();
    assert!(definition.contains("sns_configs"), "{}", plan.stdout);
    let file = run.path().join("alertmanager.yml");
    std::fs::write(&file, &definition).unwrap();
    let (code, out) = tool("amtool", &["check-config", file.to_str().unwrap()]);
    assert_eq!(code, 0, "amtool accepts the definition:\n{out}\n{definition}");
    run.use_var_file("envs/local.tfvars");
    run.destroy();
}

/// iot-pipeline's AMP variant against moto (no Alertmanager definition
/// API there: `envs/local.tfvars`, with `envs/prod.tfvars` planned); a
/// group deleted from the workspace behind Strata's back is drift.
#[test]
fn iot_pipeline_on_amp_applies_plans_clean_catches_drift_and_destroys() {
    static ROW: Example = Example {
        dir: "iot-pipeline/amp",
        name: "iotamp",
        region: "us-east-1",
        var_file: Some("envs/local.tfvars"),
        other_var_files: &["envs/prod.tfvars"],
        needs: &[],
        drift: "\
amp = client('amp')
ws = [w['workspaceId'] for w in amp.list_workspaces(alias=name)['workspaces']][0]
amp.delete_rule_groups_namespace(workspaceId=ws, name=name + '-consumer-lag')
",
        drifted: &["aws_prometheus_rule_group_namespace.rules[\"iotamp-consumer-lag\"] has been deleted"],
        leftovers: Some(
            "\
print(' '.join(w['workspaceId'] for w in client('amp').list_workspaces(alias=name)['workspaces'] if w['status']['statusCode'] != 'DELETING'))
print(' '.join(t['TopicArn'] for t in client('sns').list_topics()['Topics'] if t['TopicArn'].split(':')[-1].startswith(name + '-')))
",
        ),
    };
    ROW.lifecycle();
}
