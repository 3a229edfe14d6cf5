//! Differential test: Strata's verdict on each configuration of the corpus
//! must be `amtool check-config`'s (Alertmanager 0.25). Without amtool
//! installed the corpus still runs against its recorded verdicts.

use std::process::Command;

/// (name, expected verdict, document).
const CORPUS: &[(&str, bool, &str)] = &[
    ("minimal", true, "route:\n  receiver: a\nreceivers:\n- name: a\n"),
    (
        "full",
        true,
        "global:\n  resolve_timeout: 1h\n  slack_api_url: https://hooks.slack.com/services/T/B/X\n  smtp_smarthost: mail:25\n  smtp_from: am@example.com\nroute:\n  receiver: team\n  group_by: [alertname, cluster]\n  group_wait: 30s\n  group_interval: 5m\n  repeat_interval: 4h\n  routes:\n  - receiver: pager\n    matchers:\n    - severity=\"page\"\n    - 'team=~\"a|b\", env!=\"dev\"'\n    continue: true\n    mute_time_intervals: [offhours]\n    routes:\n    - receiver: mail\n      matchers: ['{service!~\"db.*\"}']\n      routes:\n      - receiver: hook\n        active_time_intervals: [offhours]\nreceivers:\n- name: team\n  slack_configs:\n  - channel: '#alerts'\n    send_resolved: true\n- name: pager\n  pagerduty_configs:\n  - routing_key: abc\n- name: mail\n  email_configs:\n  - to: ops@example.com\n    headers:\n      Subject: hi\n- name: hook\n  webhook_configs:\n  - url: http://127.0.0.1:9/hook\n    max_alerts: 3\ninhibit_rules:\n- source_matchers: [severity=\"page\"]\n  target_matchers: [severity=\"warn\"]\n  equal: [alertname]\ntime_intervals:\n- name: offhours\n  time_intervals:\n  - times:\n    - start_time: \"18:00\"\n      end_time: \"24:00\"\n    weekdays: ['monday:friday', saturday]\n    days_of_month: ['1:5', '-1']\n    months: ['january:march', '12']\n    years: ['2024:2030']\n    location: Europe/Paris\n",
    ),
    ("group_by_all", true, "route:\n  receiver: a\n  group_by: ['...']\nreceivers:\n- name: a\n"),
    ("pagerduty_service_key", true, "route:\n  receiver: a\nreceivers:\n- name: a\n  pagerduty_configs:\n  - service_key: k\n"),
    ("deprecated_match", true, "route:\n  receiver: a\n  routes:\n  - receiver: a\n    match: {severity: page}\n    match_re: {team: 'a|b'}\nreceivers:\n- name: a\n"),
    ("mute_time_intervals_old_key", true, "route:\n  receiver: a\n  routes:\n  - receiver: a\n    mute_time_intervals: [w]\nreceivers:\n- name: a\nmute_time_intervals:\n- name: w\n  time_intervals:\n  - weekdays: [saturday, sunday]\n"),
    ("unknown_top_key", false, "route:\n  receiver: a\nreceivers:\n- name: a\nreceiverz: []\n"),
    ("unknown_route_key", false, "route:\n  receiver: a\n  group_bye: [x]\nreceivers:\n- name: a\n"),
    ("unknown_receiver", false, "route:\n  receiver: nope\nreceivers:\n- name: a\n"),
    ("unknown_child_receiver", false, "route:\n  receiver: a\n  routes:\n  - receiver: b\nreceivers:\n- name: a\n"),
    ("no_route", false, "receivers:\n- name: a\n"),
    ("root_without_receiver", false, "route:\n  group_by: [x]\nreceivers:\n- name: a\n"),
    ("root_matchers", false, "route:\n  receiver: a\n  matchers: ['x=\"y\"']\nreceivers:\n- name: a\n"),
    ("root_mute", false, "route:\n  receiver: a\n  mute_time_intervals: [w]\nreceivers:\n- name: a\ntime_intervals:\n- name: w\n"),
    ("duplicate_receiver", false, "route:\n  receiver: a\nreceivers:\n- name: a\n- name: a\n"),
    ("receiver_without_name", false, "route:\n  receiver: a\nreceivers:\n- name: a\n- webhook_configs:\n  - url: http://x/\n"),
    ("bad_duration", false, "route:\n  receiver: a\n  group_wait: 30\nreceivers:\n- name: a\n"),
    ("bad_resolve_timeout", false, "global:\n  resolve_timeout: 5 minutes\nroute:\n  receiver: a\nreceivers:\n- name: a\n"),
    ("zero_repeat", false, "route:\n  receiver: a\n  repeat_interval: 0s\nreceivers:\n- name: a\n"),
    ("wildcard_and_labels", false, "route:\n  receiver: a\n  group_by: ['...', alertname]\nreceivers:\n- name: a\n"),
    ("duplicate_group_by", false, "route:\n  receiver: a\n  group_by: [x, x]\nreceivers:\n- name: a\n"),
    ("bad_group_by_label", false, "route:\n  receiver: a\n  group_by: ['a.b']\nreceivers:\n- name: a\n"),
    ("bad_matcher", false, "route:\n  receiver: a\n  routes:\n  - receiver: a\n    matchers: ['severity']\nreceivers:\n- name: a\n"),
    ("bad_matcher_regex", false, "route:\n  receiver: a\n  routes:\n  - receiver: a\n    matchers: ['x=~\"(\"']\nreceivers:\n- name: a\n"),
    ("unterminated_quote", false, "route:\n  receiver: a\n  routes:\n  - receiver: a\n    matchers: ['x=\"a']\nreceivers:\n- name: a\n"),
    ("bad_match_re", false, "route:\n  receiver: a\n  routes:\n  - receiver: a\n    match_re: {x: '['}\nreceivers:\n- name: a\n"),
    ("undefined_time_interval", false, "route:\n  receiver: a\n  routes:\n  - receiver: a\n    mute_time_intervals: [nope]\nreceivers:\n- name: a\n"),
    ("undefined_active_interval", false, "route:\n  receiver: a\n  routes:\n  - receiver: a\n    active_time_intervals: [nope]\nreceivers:\n- name: a\n"),
    ("duplicate_time_interval", false, "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: w\n- name: w\n"),
    ("bad_time", false, "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: w\n  time_intervals:\n  - times:\n    - start_time: '9:00'\n      end_time: '17:00'\n"),
    ("reversed_time", false, "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: w\n  time_intervals:\n  - times:\n    - start_time: '17:00'\n      end_time: '09:00'\n"),
    ("bad_weekday", false, "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: w\n  time_intervals:\n  - weekdays: [funday]\n"),
    ("bad_month", false, "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: w\n  time_intervals:\n  - months: [foo]\n"),
    // 0.25 takes any number as a month.
    ("month_13", true, "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: w\n  time_intervals:\n  - months: ['13']\n"),
    ("reversed_months", false, "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: w\n  time_intervals:\n  - months: ['march:january']\n"),
    ("bad_day_of_month", false, "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: w\n  time_intervals:\n  - days_of_month: ['32']\n"),
    ("negative_days_of_month", true, "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: w\n  time_intervals:\n  - days_of_month: ['-7:-1']\n"),
    ("bad_location", false, "route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: w\n  time_intervals:\n  - location: Mars/Olympus\n"),
    ("webhook_without_url", false, "route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - send_resolved: false\n"),
    ("webhook_bad_scheme", false, "route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: ftp://example.com/x\n"),
    ("webhook_no_scheme", false, "route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: example.com/x\n"),
    ("slack_without_api_url", false, "route:\n  receiver: a\nreceivers:\n- name: a\n  slack_configs:\n  - channel: '#x'\n"),
    ("slack_api_url_here", true, "route:\n  receiver: a\nreceivers:\n- name: a\n  slack_configs:\n  - api_url: https://hooks.slack.com/x\n"),
    ("pagerduty_without_key", false, "route:\n  receiver: a\nreceivers:\n- name: a\n  pagerduty_configs:\n  - severity: critical\n"),
    ("email_without_to", false, "route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs:\n  - from: a@example.com\n    smarthost: mail:25\n"),
    ("email_without_smarthost", false, "route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs:\n  - to: a@example.com\n    from: a@example.com\n"),
    ("email_without_from", false, "route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs:\n  - to: a@example.com\n    smarthost: mail:25\n"),
    ("email_from_global", true, "global:\n  smtp_from: am@example.com\n  smtp_smarthost: mail:25\nroute:\n  receiver: a\nreceivers:\n- name: a\n  email_configs:\n  - to: a@example.com\n"),
    ("smarthost_without_port", false, "global:\n  smtp_smarthost: mail\nroute:\n  receiver: a\nreceivers:\n- name: a\n"),
    ("inhibit_bad_equal", false, "route:\n  receiver: a\nreceivers:\n- name: a\ninhibit_rules:\n- equal: ['a-b']\n"),
    ("inhibit_bad_matcher", false, "route:\n  receiver: a\nreceivers:\n- name: a\ninhibit_rules:\n- source_matchers: ['=x']\n"),
    ("wrong_type", false, "route:\n  receiver: a\n  group_by: x\nreceivers:\n- name: a\n"),
    ("yaml_syntax", false, "route:\n  receiver: [a\nreceivers:\n- name: a\n"),
    ("empty_document", false, ""),
    ("scalar_document", false, "5\n"),
    ("list_document", false, "[]\n"),
    ("scalar_route", false, "route: 5\nreceivers: x\n"),
    // amtool crashes on null entries (nil pointers): not a success either.
    ("null_receiver", false, "route:\n  receiver: a\nreceivers:\n- name: a\n- null\n"),
    ("null_route", false, "route:\n  receiver: a\n  routes:\n  - null\nreceivers:\n- name: a\n"),
    ("null_webhook", false, "route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs: [null]\n"),
    ("duplicate_email_header", false, "route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs: [{to: a, from: b, smarthost: 'c:25', headers: {subject: x, Subject: y}}]\n"),
    ("bad_bool", false, "route:\n  receiver: a\n  continue: maybe\nreceivers:\n- name: a\n"),
    ("duplicate_key", false, "route:\n  receiver: a\n  receiver: a\nreceivers:\n- name: a\n"),
];

fn amtool_verdict(dir: &std::path::Path, name: &str, yaml: &str) -> Option<(bool, String)> {
    let file = dir.join(format!("{name}.yml"));
    std::fs::write(&file, yaml).ok()?;
    let out = Command::new("amtool").arg("check-config").arg(&file).output().ok()?;
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    ))
}

#[test]
fn strata_agrees_with_amtool_on_the_corpus() {
    let dir = std::env::temp_dir().join(format!("strata-amtool-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let have_amtool = Command::new("amtool").arg("--version").output().is_ok_and(|o| o.status.success());
    let mut disagreements = Vec::new();
    for (name, expected, yaml) in CORPUS {
        let problems = strata_promrules::alertmanager::check_config(yaml);
        let strata_ok = problems.is_empty();
        if strata_ok != *expected {
            disagreements.push(format!("{name}: recorded verdict {expected}, Strata {strata_ok}: {problems:?}"));
        }
        if have_amtool {
            if let Some((amtool_ok, output)) = amtool_verdict(&dir, name, yaml) {
                if amtool_ok != strata_ok {
                    disagreements.push(format!(
                        "{name}: amtool {amtool_ok}, Strata {strata_ok}: {problems:?}\namtool: {output}"
                    ));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n\n"));
}
