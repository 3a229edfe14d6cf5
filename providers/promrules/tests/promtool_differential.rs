//! Differential test: Strata's verdict on each rule file of the corpus must
//! be `promtool check rules`'s (Prometheus 2.42). Without promtool
//! installed the corpus still runs against its recorded verdicts.

use std::process::Command;
use strata_promrules::rules::{check_file_for, Version};

fn rule(body: &str) -> String {
    format!("groups:\n- name: g\n  rules:\n{body}")
}

/// (name, expected verdict for 2.42, rule file).
fn corpus() -> Vec<(&'static str, bool, String)> {
    vec![
        ("recording", true, rule("  - record: job:up:sum\n    expr: sum by (job) (up)\n")),
        (
            "alerting",
            true,
            rule("  - alert: Down\n    expr: up == 0\n    for: 5m\n    keep_firing_for: 1m\n    labels:\n      severity: page\n    annotations:\n      summary: '{{ $labels.instance }} is down ({{ $value | humanize }})'\n"),
        ),
        ("interval_and_limit", true, "groups:\n- name: g\n  interval: 1m\n  limit: 10\n  rules:\n  - record: a\n    expr: up\n".into()),
        ("empty_file", true, String::new()),
        ("no_groups", true, "groups: []\n".into()),
        ("subquery", true, rule("  - record: a\n    expr: max_over_time(rate(x[5m])[1h:1m])\n")),
        ("offset_and_at", true, rule("  - record: a\n    expr: rate(x[5m] offset 1w)\n")),
        ("histogram_quantile", true, rule("  - record: a\n    expr: histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))\n")),
        ("if_template", true, rule("  - alert: A\n    expr: up == 0\n    annotations:\n      s: '{{ if gt $value 1.0 }}many{{ else }}one{{ end }}'\n")),
        ("unclosed_paren", false, rule("  - record: a\n    expr: rate(x[5m]\n")),
        ("unknown_function", false, rule("  - record: a\n    expr: ratez(x[5m])\n")),
        ("range_on_aggregation", false, rule("  - record: a\n    expr: delta(sum(x)[30m])\n")),
        ("wrong_arg_type", false, rule("  - record: a\n    expr: rate(x)\n")),
        ("both_record_and_alert", false, rule("  - record: a\n    alert: B\n    expr: up\n")),
        ("neither", false, rule("  - expr: up\n")),
        ("no_expr", false, rule("  - record: a\n")),
        ("bad_record_name", false, rule("  - record: job-up\n    expr: up\n")),
        ("for_on_recording", false, rule("  - record: a\n    expr: up\n    for: 5m\n")),
        ("annotations_on_recording", false, rule("  - record: a\n    expr: up\n    annotations:\n      s: x\n")),
        ("bad_label_name", false, rule("  - record: a\n    expr: up\n    labels:\n      bad-name: x\n")),
        ("name_label", false, rule("  - alert: A\n    expr: up\n    labels:\n      __name__: x\n")),
        ("bad_annotation_name", false, rule("  - alert: A\n    expr: up\n    annotations:\n      bad-name: x\n")),
        ("bad_duration", false, rule("  - alert: A\n    expr: up\n    for: 5 minutes\n")),
        ("bad_interval", false, "groups:\n- name: g\n  interval: often\n  rules:\n  - record: a\n    expr: up\n".into()),
        ("unclosed_template", false, rule("  - alert: A\n    expr: up\n    annotations:\n      s: '{{ $value'\n")),
        ("unknown_template_function", false, rule("  - alert: A\n    expr: up\n    annotations:\n      s: '{{ $value | humanise }}'\n")),
        ("unended_if", false, rule("  - alert: A\n    expr: up\n    annotations:\n      s: '{{ if $value }}x'\n")),
        ("unknown_rule_field", false, rule("  - record: a\n    expr: up\n    lables: {}\n")),
        ("unknown_group_field", false, "groups:\n- name: g\n  evaluation: 1m\n  rules:\n  - record: a\n    expr: up\n".into()),
        ("query_offset_in_2_42", false, "groups:\n- name: g\n  query_offset: 1m\n  rules:\n  - record: a\n    expr: up\n".into()),
        ("group_labels_in_2_42", false, "groups:\n- name: g\n  labels:\n    team: a\n  rules:\n  - record: a\n    expr: up\n".into()),
        ("repeated_group", false, "groups:\n- name: g\n  rules:\n  - record: a\n    expr: up\n- name: g\n  rules:\n  - record: b\n    expr: up\n".into()),
        ("empty_group_name", false, "groups:\n- name: ''\n  rules:\n  - record: a\n    expr: up\n".into()),
        ("rules_not_a_list", false, "groups:\n- name: g\n  rules: {record: a}\n".into()),
        ("yaml_syntax", false, "groups:\n- name: g\n  rules: [\n".into()),
    ]
}

fn promtool_verdict(dir: &std::path::Path, name: &str, text: &str) -> Option<(bool, String)> {
    let file = dir.join(format!("{name}.yml"));
    std::fs::write(&file, text).ok()?;
    let out = Command::new("promtool").arg("check").arg("rules").arg(&file).output().ok()?;
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    ))
}

#[test]
fn strata_agrees_with_promtool_on_the_corpus() {
    let dir = std::env::temp_dir().join(format!("strata-promtool-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let have_promtool = Command::new("promtool").arg("--version").output().is_ok_and(|o| o.status.success());
    let mut disagreements = Vec::new();
    for (name, expected, text) in corpus() {
        let problems = check_file_for(&text, Some(Version(2, 42)));
        let strata_ok = problems.is_empty();
        if strata_ok != expected {
            disagreements.push(format!("{name}: recorded verdict {expected}, Strata {strata_ok}: {problems:?}"));
        }
        if have_promtool {
            if let Some((promtool_ok, output)) = promtool_verdict(&dir, name, &text) {
                if promtool_ok != strata_ok {
                    disagreements.push(format!(
                        "{name}: promtool {promtool_ok}, Strata {strata_ok}: {problems:?}\npromtool: {output}"
                    ));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n\n"));
}
