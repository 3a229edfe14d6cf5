//! Amazon Managed Service for Prometheus against moto: a workspace with an
//! alias, a logging configuration and tags (alias and logging changed in
//! place, a KMS key replacing it, the alias changed by hand seen by plan
//! and drift, import by ID); a rule group namespace holding a burn-rate alert and the
//! recording rule it reads (rules changed in place and by hand, import by
//! ARN); rules and Alertmanager definitions checked at validate, since
//! the service accepts anything; an interrupted workspace create adopted.
//!
//! moto 5.2.5 drops a workspace's `kmsKeyArn` (the key it was made with is
//! kept, as AWS cannot change it) and has no Alert Manager Definition API
//! (every call answers a bare 404): a definition is tested up to the clear
//! error that says so.

use crate::aws_support::*;
use crate::moto::aws;
use crate::support::*;

const REGION: &str = "ap-south-2";
/// Only the interrupted create's test uses it.
const KILL_REGION: &str = "eu-central-2";

fn amp_in(region: &str, script: &str) -> String {
    aws(&format!("amp = boto3.client('amp', endpoint_url=ec2.meta.endpoint_url, region_name='{region}')\n{script}"))
        .trim()
        .to_string()
}

fn amp(script: &str) -> String {
    amp_in(REGION, script)
}

/// A workspace's alias and logging group as AWS holds them, or `gone`.
fn remote_workspace(id: &str) -> String {
    amp(&format!(
        "try:\n    w = amp.describe_workspace(workspaceId='{id}')['workspace']\n\
         except amp.exceptions.ResourceNotFoundException:\n    print('gone'); raise SystemExit\n\
         l = amp.describe_logging_configuration(workspaceId='{id}')['loggingConfiguration']\n\
         print(w['alias'], l.get('logGroupArn', '-'), w['tags'].get('Test'))"
    ))
}

fn workspace_config(name: &str, alias: &str, kms: Option<&str>) -> String {
    workspace_config_logging(name, alias, kms, true)
}

fn workspace_config_logging(name: &str, alias: &str, kms: Option<&str>, logging: bool) -> String {
    let kms = kms.map(|k| format!("  kms_key_arn = \"{k}\"\n")).unwrap_or_default();
    let logging = if logging {
        "  logging_configuration {\n    log_group_arn = \"${aws_cloudwatch_log_group.amp.arn}:*\"\n  }\n"
    } else {
        ""
    };
    format!(
        r#"{provider}
resource "aws_cloudwatch_log_group" "amp" {{
  name = "/aws/prometheus/{name}"
}}

resource "aws_prometheus_workspace" "main" {{
  alias = "{alias}"
{kms}{logging}  tags = {{ Test = "{name}" }}
}}
"#,
        provider = provider_block(None, REGION, "")
    )
}

#[test]
fn a_workspace_is_created_updated_replaced_imported_and_destroyed() {
    let name = format!("ampws{}", std::process::id());
    let d = TempDir::with_files("aws-amp-ws", &[("main.tf", &workspace_config(&name, &format!("{name}-a"), None))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let id = state_id(&d, "aws_prometheus_workspace", "main");
    let ws = state_json(&d, "aws_prometheus_workspace", "main");
    assert!(id.starts_with("ws-"), "{id}");
    assert!(ws["arn"].as_str().unwrap().ends_with(&format!(":workspace/{id}")), "{ws}");
    assert!(ws["prometheus_endpoint"].as_str().unwrap().contains(&id), "{ws}");
    let group = format!("/aws/prometheus/{name}");
    assert!(ws["logging_configuration"][0]["log_group_arn"].as_str().unwrap().ends_with(&format!("{group}:*")), "{ws}");
    assert_eq!(
        remote_workspace(&id),
        format!("{name}-a {} {name}", ws["logging_configuration"][0]["log_group_arn"].as_str().unwrap())
    );
    no_changes(&d);

    // A new alias is set in place.
    d.write("main.tf", &workspace_config(&name, &format!("{name}-b"), None));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_prometheus_workspace.main will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(remote_workspace(&id).starts_with(&format!("{name}-b ")));
    assert_eq!(state_id(&d, "aws_prometheus_workspace", "main"), id);
    no_changes(&d);

    // Drift: the alias changed by hand.
    amp(&format!("amp.update_workspace_alias(workspaceId='{id}', alias='by-hand')"));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "drift is reported:\n{}", drift.transcript());
    assert!(drift.stdout.contains("alias"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(plan.contains("will be updated in-place") && plan.contains("\"by-hand\" -> "), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(remote_workspace(&id).starts_with(&format!("{name}-b ")));
    no_changes(&d);

    // The logging configuration removed in place, and given again.
    d.write("main.tf", &workspace_config_logging(&name, &format!("{name}-b"), None, false));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_prometheus_workspace.main will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_workspace(&id), format!("{name}-b - {name}"));
    no_changes(&d);
    d.write("main.tf", &workspace_config(&name, &format!("{name}-b"), None));
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(remote_workspace(&id).contains(&format!("{group}:*")));
    no_changes(&d);

    // Import by workspace ID, after forgetting it.
    strata_ok(&d, &["state", "rm", "aws_prometheus_workspace.main"]);
    let missing = strata(&d, &["import", "-no-color", "aws_prometheus_workspace.main", "ws-00000000-0000"]);
    assert!(missing.stderr.contains("Cannot import non-existent remote object"), "{}", missing.transcript());
    strata_ok(&d, &["import", "-no-color", "aws_prometheus_workspace.main", &id]);
    no_changes(&d);

    // A KMS key can only be given at create: the workspace is replaced.
    let key = format!("arn:aws:kms:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    d.write("main.tf", &workspace_config(&name, &format!("{name}-b"), Some(&key)));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_prometheus_workspace.main must be replaced"), "{plan}");
    assert!(plan.contains("Plan: 1 to add, 0 to change, 1 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let replaced = state_id(&d, "aws_prometheus_workspace", "main");
    assert_ne!(replaced, id);
    assert_eq!(remote_workspace(&id), "gone");
    assert_eq!(state_attr(&d, "aws_prometheus_workspace", "main", "kms_key_arn"), key);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(remote_workspace(&replaced), "gone");
}

/// A multiwindow burn-rate alert over the recording rule it reads.
const RULES: &str = r#"groups:
  - name: slo
    rules:
      - record: job:http_errors:ratio_rate5m
        expr: sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m]))
      - alert: ErrorBudgetBurn
        expr: job:http_errors:ratio_rate5m > (14.4 * 0.001)
        for: 2m
        labels:
          severity: page
"#;

fn rules_config(name: &str, rules: &str) -> String {
    format!(
        r#"{provider}
resource "aws_prometheus_workspace" "main" {{
  alias = "{name}"
}}

resource "aws_prometheus_rule_group_namespace" "slo" {{
  name         = "slo"
  workspace_id = aws_prometheus_workspace.main.id
  data         = <<-EOT
{rules}EOT
  tags         = {{ Test = "{name}" }}
}}
"#,
        provider = provider_block(None, REGION, "")
    )
}

/// A namespace's rules as AWS holds them, or `gone`.
fn remote_rules_data(workspace: &str) -> String {
    amp(&format!(
        "try:\n    print(amp.describe_rule_groups_namespace(workspaceId='{workspace}', name='slo')['ruleGroupsNamespace']['data'].decode())\n\
         except amp.exceptions.ResourceNotFoundException:\n    print('gone')"
    ))
}

#[test]
fn a_rule_group_namespace_is_created_updated_imported_and_destroyed() {
    let name = format!("amprules{}", std::process::id());
    let d = TempDir::with_files("aws-amp-rules", &[("main.tf", &rules_config(&name, RULES))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let ws = state_id(&d, "aws_prometheus_workspace", "main");
    let arn = state_id(&d, "aws_prometheus_rule_group_namespace", "slo");
    assert!(arn.ends_with(&format!(":rulegroupsnamespace/{ws}/slo")), "{arn}");
    assert_eq!(state_attr(&d, "aws_prometheus_rule_group_namespace", "slo", "arn"), arn);
    assert_eq!(remote_rules_data(&ws), RULES.trim());
    no_changes(&d);

    // New rules are put in place.
    let slower = RULES.replace("for: 2m", "for: 5m");
    d.write("main.tf", &rules_config(&name, &slower));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_prometheus_rule_group_namespace.slo will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_rules_data(&ws), slower.trim());
    no_changes(&d);

    // Drift: the rules replaced by hand.
    amp(&format!("amp.put_rule_groups_namespace(workspaceId='{ws}', name='slo', data=b'groups: []\\n')"));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "drift is reported:\n{}", drift.transcript());
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_prometheus_rule_group_namespace.slo will be updated in-place"), "{plan}");
    assert!(plan.contains("groups: []"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_rules_data(&ws), slower.trim());
    no_changes(&d);

    // Import by ARN; anything else is refused with the format expected.
    strata_ok(&d, &["state", "rm", "aws_prometheus_rule_group_namespace.slo"]);
    let bad = strata(&d, &["import", "-no-color", "aws_prometheus_rule_group_namespace.slo", &format!("{ws}/slo")]);
    assert_ne!(bad.code, 0, "{}", bad.transcript());
    assert!(bad.stderr.contains("Invalid Prometheus Rule Group Namespace ID"), "{}", bad.stderr);
    strata_ok(&d, &["import", "-no-color", "aws_prometheus_rule_group_namespace.slo", &arn]);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(remote_workspace(&ws), "gone");
}

/// Rules and definitions are checked before anything is made: a bad
/// PromQL expression, a definition that is not AWS's shape and an
/// Alertmanager route naming a receiver that does not exist are refused
/// at validate, at their attribute and line.
#[test]
fn bad_rules_and_definitions_are_refused_at_validate() {
    let name = format!("ampbad{}", std::process::id());
    let bad_rules = RULES.replace("for: 2m", "for: 2m\n      - alert: Broken\n        expr: rate(x[5m]");
    let cases = [
        (
            rules_config(&name, &bad_rules),
            vec!["data, line 10, column 15: group \"slo\", rule 3: could not parse expression: unclosed left parenthesis"],
        ),
        (
            definition_config(
                &name,
                "alertmanager_config: |\n  route:\n    receiver: team\n  receivers:\n    - name: default\n",
            ),
            vec!["definition, line 3, column 15: alertmanager_config: undefined receiver \"team\" used in route"],
        ),
        (
            definition_config(&name, "template_files: {}\n"),
            vec!["definition, line 1, column 1: alertmanager_config is missing"],
        ),
    ];
    for (config, wanted) in cases {
        let d = TempDir::with_files("aws-amp-bad", &[("main.tf", &config)]);
        let out = strata(&d, &["validate", "-no-color"]);
        assert_eq!(out.code, 1, "{}", out.transcript());
        // The message as one line, however the terminal wrapped it.
        let said = out.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
        for want in wanted {
            assert!(said.contains(want), "{want:?} in:\n{}", out.stderr);
        }
        // Nor does an apply make anything.
        let out = strata(&d, &["apply", "-auto-approve", "-no-color"]);
        assert_eq!(out.code, 1, "{}", out.transcript());
    }
    assert_eq!(amp(&format!("print(len(amp.list_workspaces(alias='{name}')['workspaces']))")), "0");
}

fn definition_config(name: &str, definition: &str) -> String {
    format!(
        r#"{provider}
resource "aws_prometheus_workspace" "main" {{
  alias = "{name}"
}}

resource "aws_prometheus_alert_manager_definition" "main" {{
  workspace_id = aws_prometheus_workspace.main.id
  definition   = <<-EOT
{definition}EOT
}}
"#,
        provider = provider_block(None, REGION, "")
    )
}

/// moto has no Alert Manager Definition API: the apply fails saying so,
/// with nothing left in state for the definition.
#[test]
fn an_alert_manager_definition_fails_clearly_where_the_endpoint_lacks_the_api() {
    let name = format!("ampam{}", std::process::id());
    let definition = "alertmanager_config: |\n  route:\n    receiver: default\n  receivers:\n    - name: default\n";
    let d = TempDir::with_files("aws-amp-am", &[("main.tf", &definition_config(&name, definition))]);
    strata_ok(&d, &["validate", "-no-color"]);
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_prometheus_alert_manager_definition.main will be created"), "{plan}");
    let out = strata(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    let said = out.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains("creating Prometheus Alert Manager Definition")
            && said.contains("the endpoint answered CreateAlertManagerDefinition with a bare 404: it does not implement the Alert Manager Definition API"),
        "{}",
        out.stderr
    );
    assert!(!state(&d).to_string().contains("aws_prometheus_alert_manager_definition"), "{}", state(&d));
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}

/// A workspace create killed after AWS made it, replayed from the journal:
/// the next plan finds it by its token and adopts it.
#[test]
fn an_interrupted_workspace_create_is_found_by_its_token_and_adopted() {
    let name = format!("ampkill{}", std::process::id());
    let first = format!(
        "{provider}\nresource \"aws_cloudwatch_log_group\" \"amp\" {{\n  name = \"/aws/prometheus/{name}\"\n}}\n",
        provider = provider_block(None, KILL_REGION, "")
    );
    let workspace = format!(
        r#"
resource "aws_prometheus_workspace" "main" {{
  alias = "{name}"
  tags  = {{ Test = "{name}" }}
}}
"#
    );
    let d = TempDir::with_files("aws-amp-kill", &[("main.tf", &first)]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    // What the create made before the crash, carrying its token; and
    // another workspace of that alias, not ours, which must not be adopted.
    let id = amp_in(
        KILL_REGION,
        &format!(
            "amp.create_workspace(alias='{name}', tags={{'strata:create-token': 'other'}})\n\
             print(amp.create_workspace(alias='{name}', tags={{'Test': '{name}', 'strata:create-token': 't-ws'}})['workspaceId'])"
        ),
    );
    // The journal as the killed apply left it: the intent, nothing after.
    let st = state(&d);
    let header = serde_json::json!({"lineage": st["lineage"], "serial": st["serial"]});
    let intent = serde_json::json!({
        "mode": "managed", "type": "aws_prometheus_workspace", "name": "main",
        "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
        "instance": {"schema_version": 0, "attributes": {"alias": name, "region": KILL_REGION}, "sensitive_attributes": []},
        "intent": "t-ws", "intent_at": 0
    });
    std::fs::write(d.path().join("terraform.tfstate.journal"), format!("{header}\n{intent}\n")).unwrap();
    d.write("main.tf", &format!("{first}{workspace}"));

    let plan = strata(&d, &["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert_eq!(plan.stderr.matches("Adopted an object").count(), 1, "{}", plan.transcript());
    assert!(!plan.stdout.contains("will be created"), "{}", plan.stdout);
    assert_eq!(state_id(&d, "aws_prometheus_workspace", "main"), id);
    assert!(!state(&d).to_string().contains("strata:create-token"));
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let left = amp_in(KILL_REGION, &format!("print(len(amp.list_workspaces(alias='{name}')['workspaces']))"));
    assert_eq!(left, "1", "only the workspace that was not ours remains");
}
