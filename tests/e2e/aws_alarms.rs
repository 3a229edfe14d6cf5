//! CloudWatch metric alarms against moto: the rollback trigger a blue/green
//! deploy watches — target 5XX responses above 1 % of requests, a
//! `metric_query` expression over two ALB metrics — and a classic
//! single-metric alarm; the threshold changed in place; drift (the
//! threshold changed by hand, an alarm deleted); import by name; the
//! provider's checks at validate; destroy.
//!
//! moto does not store a query's `account_id` and leaves
//! `TreatMissingData` out when it was not sent; the provider reads a
//! missing value as `missing`, as here.

use crate::aws_support::*;
use crate::moto::aws;
use crate::support::*;

const REGION: &str = "eu-west-3";

fn config(name: &str, threshold: &str, classic: bool) -> String {
    let classic = if classic {
        format!(
            r#"
resource "aws_cloudwatch_metric_alarm" "cpu" {{
  alarm_name          = "{name}-cpu"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 2
  metric_name         = "CPUUtilization"
  namespace           = "AWS/ECS"
  period              = 60
  statistic           = "Average"
  threshold           = 80
  dimensions          = {{ ClusterName = "c", ServiceName = "web" }}
  tags                = {{ Team = "web" }}
}}
"#
        )
    } else {
        String::new()
    };
    format!(
        r#"{provider}
resource "aws_cloudwatch_metric_alarm" "errors" {{
  alarm_name          = "{name}-5xx-rate"
  alarm_description   = "Target 5XX responses above {threshold} % of requests: roll back"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = {threshold}
  treat_missing_data  = "notBreaching"

  metric_query {{
    id          = "rate"
    expression  = "100 * errors / requests"
    label       = "5XX rate (%)"
    return_data = true
  }}

  metric_query {{
    id = "errors"
    metric {{
      metric_name = "HTTPCode_Target_5XX_Count"
      namespace   = "AWS/ApplicationELB"
      period      = 60
      stat        = "Sum"
      dimensions  = {{ LoadBalancer = "app/web/0123456789abcdef" }}
    }}
  }}

  metric_query {{
    id = "requests"
    metric {{
      metric_name = "RequestCount"
      namespace   = "AWS/ApplicationELB"
      period      = 60
      stat        = "Sum"
      dimensions  = {{ LoadBalancer = "app/web/0123456789abcdef" }}
    }}
  }}
}}
{classic}"#,
        provider = provider_block(None, REGION, "  default_tags {\n    tags = { Owner = \"strata\" }\n  }\n")
    )
}

fn cloudwatch(script: &str) -> String {
    aws(&format!(
        "cw = boto3.client('cloudwatch', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"
    ))
    .trim()
    .to_string()
}

/// Whether the plan changes a threshold `old -> new`.
fn changes_threshold(plan: &str, change: &str) -> bool {
    plan.lines().any(|l| l.trim_start().starts_with("~ threshold ") && l.trim_end().ends_with(&format!("= {change}")))
}

/// The alarm's threshold as moto holds it, or `gone`.
fn remote_threshold(alarm: &str) -> String {
    cloudwatch(&format!(
        "a = cw.describe_alarms(AlarmNames=['{alarm}'])['MetricAlarms']\nprint(a[0]['Threshold'] if a else 'gone')"
    ))
}

#[test]
fn the_rollback_alarm_applies_updates_in_place_drifts_imports_and_destroys() {
    let name = format!("alarm-{}", std::process::id());
    let errors = format!("{name}-5xx-rate");
    let d = TempDir::with_files("aws-alarms", &[("main.tf", &config(&name, "1", true))]);
    strata_ok(&d, &["validate", "-no-color"]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_threshold(&errors), "1.0");
    assert_eq!(state_id(&d, "aws_cloudwatch_metric_alarm", "errors"), errors);
    assert!(state_attr(&d, "aws_cloudwatch_metric_alarm", "errors", "arn").ends_with(&format!(":alarm:{errors}")));
    let tags = state_json(&d, "aws_cloudwatch_metric_alarm", "cpu")["tags_all"].clone();
    assert_eq!(tags, serde_json::json!({"Owner": "strata", "Team": "web"}));
    no_changes(&d);

    // A new threshold is an in-place update, not a new alarm.
    std::fs::write(d.path().join("main.tf"), config(&name, "2", true)).unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("will be updated in-place") && !plan.contains("must be replaced"), "{plan}");
    assert!(changes_threshold(&plan, "1 -> 2"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_threshold(&errors), "2.0");
    no_changes(&d);

    // Drift: the threshold changed by hand, and the classic alarm deleted.
    cloudwatch(&format!(
        "a = cw.describe_alarms(AlarmNames=['{errors}'])['MetricAlarms'][0]\n\
         cw.put_metric_alarm(AlarmName=a['AlarmName'], ComparisonOperator=a['ComparisonOperator'], EvaluationPeriods=a['EvaluationPeriods'], DatapointsToAlarm=a['DatapointsToAlarm'], Threshold=5.0, TreatMissingData='notBreaching', Metrics=a['Metrics'], AlarmDescription=a['AlarmDescription'])\n\
         cw.delete_alarms(AlarmNames=['{name}-cpu'])"
    ));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "drift is reported:\n{}", drift.transcript());
    assert!(drift.stdout.contains("threshold"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(changes_threshold(&plan, "5 -> 2"), "{plan}");
    assert!(plan.contains("aws_cloudwatch_metric_alarm.cpu will be created"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_threshold(&errors), "2.0");
    no_changes(&d);

    // Import by name, after forgetting the alarm.
    strata_ok(&d, &["state", "rm", "aws_cloudwatch_metric_alarm.errors"]);
    let missing = strata(&d, &["import", "-no-color", "aws_cloudwatch_metric_alarm.errors", "no-such-alarm"]);
    assert!(missing.stderr.contains("Cannot import non-existent remote object"), "{}", missing.transcript());
    strata_ok(&d, &["import", "-no-color", "aws_cloudwatch_metric_alarm.errors", &errors]);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(remote_threshold(&errors), "gone");
    assert_eq!(remote_threshold(&format!("{name}-cpu")), "gone");
}

#[test]
fn conflicting_alarm_arguments_are_refused_at_validate() {
    let config = format!(
        r#"{provider}
resource "aws_cloudwatch_metric_alarm" "bad" {{
  alarm_name          = "bad"
  comparison_operator = "MoreThan"
  evaluation_periods  = 1
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 60
  statistic           = "Average"
  threshold           = 1
  metric_query {{
    id         = "e"
    expression = "1"
  }}
}}
"#,
        provider = provider_block(None, REGION, "")
    );
    let d = TempDir::with_files("aws-alarms-bad", &[("main.tf", &config)]);
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("comparison_operator"), "{}", out.stderr);
    assert!(out.stderr.contains("metric_query"), "the classic metric and metric_query conflict:\n{}", out.stderr);
}
