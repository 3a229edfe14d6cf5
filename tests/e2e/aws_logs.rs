//! CloudWatch Logs against moto: log groups named, by prefix, kept on
//! destroy (`skip_destroy`), with a KMS key and with an explicit class;
//! retention changed in place and removed (0); default tags; drift
//! (retention and tags changed by hand, a group deleted); import by name;
//! `drift -unmanaged` listing a group made by hand; data
//! `aws_cloudwatch_log_group`; and a VPC flow log to CloudWatch Logs with
//! its IAM role and policy written as terraform-aws-modules/vpc writes
//! them, planning clean after apply.
//!
//! moto drops `logGroupClass` (DescribeLogGroups never reports one; AWS
//! always does): the class given at create is kept, as nothing says it
//! changed. moto has no AssociateKmsKey/DisassociateKmsKey, so a
//! `kms_key_id` changed in place is not exercised; the key given at create
//! is read back. Each test uses its own region: `drift -unmanaged` lists
//! every group of the region.

use crate::aws_support::*;
use crate::support::*;

const REGION: &str = "eu-north-1";
const KEY: &str = "arn:aws:kms:eu-north-1:123456789012:key/11111111-2222-3333-4444-555555555555";

fn config(name: &str, retention: u32, team: &str) -> String {
    format!(
        r#"{provider}
resource "aws_cloudwatch_log_group" "named" {{
  name              = "/strata/{name}/app"
  retention_in_days = {retention}
  tags              = {{ Team = "{team}" }}
}}

resource "aws_cloudwatch_log_group" "prefixed" {{
  name_prefix     = "/strata/{name}/p-"
  log_group_class = "STANDARD"
}}

resource "aws_cloudwatch_log_group" "kept" {{
  name         = "/strata/{name}/kept"
  skip_destroy = true
  kms_key_id   = "{KEY}"
}}

data "aws_cloudwatch_log_group" "named" {{
  name = aws_cloudwatch_log_group.named.name
}}

output "data_arn" {{
  value = data.aws_cloudwatch_log_group.named.arn
}}

output "data_retention" {{
  value = data.aws_cloudwatch_log_group.named.retention_in_days
}}
"#,
        provider = provider_block(None, REGION, "  default_tags {\n    tags = { Owner = \"strata\" }\n  }\n")
    )
}

/// A group as moto holds it: `retention tags` (retention `-` when none).
fn remote(name: &str) -> String {
    logs_in(
        REGION,
        &format!(
            "g = [g for g in logs.describe_log_groups(logGroupNamePrefix='{name}')['logGroups'] if g['logGroupName'] == '{name}']\n\
             if not g:\n    print('gone')\nelse:\n    t = logs.list_tags_for_resource(resourceArn=g[0]['arn'][:-2])['tags']\n    print(g[0].get('retentionInDays', '-'), sorted(x for x in t.items() if not x[0].startswith('strata:')))"
        ),
    )
    .trim()
    .to_string()
}

#[test]
fn cloudwatch_log_groups_update_drift_import_and_destroy() {
    let name = format!("logs-{}", std::process::id());
    let app = format!("/strata/{name}/app");
    let kept = format!("/strata/{name}/kept");
    let d = TempDir::with_files("aws-logs", &[("main.tf", &config(&name, 7, "a"))]);
    let plan = planned_changes(&d);
    assert!(plan.contains("+ retention_in_days = 7"), "{plan}");
    assert!(plan.contains("+ log_group_class   = (known after apply)"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_id(&d, "aws_cloudwatch_log_group", "named"), app);
    let arn = state_attr(&d, "aws_cloudwatch_log_group", "named", "arn");
    assert_eq!(arn, format!("arn:aws:logs:{REGION}:123456789012:log-group:{app}"), "the `:*` is trimmed");
    let st = state(&d);
    assert_eq!(st["outputs"]["data_arn"]["value"], serde_json::json!(arn));
    assert_eq!(st["outputs"]["data_retention"]["value"], serde_json::json!(7));
    let named = state_json(&d, "aws_cloudwatch_log_group", "named");
    assert_eq!(named["tags_all"], serde_json::json!({"Owner": "strata", "Team": "a"}));
    assert_eq!(named["tags"], serde_json::json!({"Team": "a"}));
    assert_eq!(named["region"], REGION);
    let prefixed = state_json(&d, "aws_cloudwatch_log_group", "prefixed");
    let pname = prefixed["name"].as_str().unwrap().to_string();
    assert!(pname.starts_with(&format!("/strata/{name}/p-")), "{pname}");
    assert_eq!(prefixed["name_prefix"], format!("/strata/{name}/p-"));
    assert_eq!(prefixed["retention_in_days"], 0);
    // moto reports no class: the one given is kept, so nothing is replaced.
    assert_eq!(prefixed["log_group_class"], "STANDARD");
    assert_eq!(state_attr(&d, "aws_cloudwatch_log_group", "kept", "kms_key_id"), KEY);
    assert_eq!(remote(&app), "7 [('Owner', 'strata'), ('Team', 'a')]");
    no_changes(&d);
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 0, "{}", drift.transcript());

    // Retention and tags change in place; 0 removes the retention policy.
    d.write("main.tf", &config(&name, 30, "b"));
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_cloudwatch_log_group.named will be updated in-place"), "{plan}");
    assert!(plan.contains("~ retention_in_days = 7 -> 30"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote(&app), "30 [('Owner', 'strata'), ('Team', 'b')]");
    no_changes(&d);
    d.write("main.tf", &config(&name, 0, "b"));
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote(&app), "- [('Owner', 'strata'), ('Team', 'b')]");
    no_changes(&d);

    // A period CloudWatch Logs does not offer is refused before any call.
    d.write("main.tf", &config(&name, 2, "b"));
    let bad = strata(&d, &["plan", "-no-color"]);
    assert_eq!(bad.code, 1, "{}", bad.transcript());
    assert!(bad.stderr.contains("expected retention_in_days to be one of [0 1 3 5 7 14"), "{}", bad.stderr);
    assert!(bad.stderr.contains("got 2"), "{}", bad.stderr);
    d.write("main.tf", &config(&name, 0, "b"));

    // By hand: a retention policy and a tag. Both drift and are put back.
    logs_in(
        REGION,
        &format!(
            "logs.put_retention_policy(logGroupName='{app}', retentionInDays=14)\nlogs.tag_resource(resourceArn='{arn}', tags={{'Extra': 'x'}})"
        ),
    );
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("aws_cloudwatch_log_group.named"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(plan.contains("~ retention_in_days = 14 -> 0"), "{plan}");
    assert!(plan.contains("- \"Extra\" = \"x\""), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote(&app), "- [('Owner', 'strata'), ('Team', 'b')]");
    no_changes(&d);

    // A group made by hand is unmanaged; one deleted by hand is made again.
    let stray = format!("/strata/{name}/stray");
    logs_in(REGION, &format!("logs.create_log_group(logGroupName='{stray}', tags={{'Name': 'by-hand'}})"));
    let out = strata(&d, &["drift", "-unmanaged", "-json"]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let provider = "provider[\"registry.terraform.io/hashicorp/aws\"]";
    assert_eq!(
        report["unmanaged"],
        serde_json::json!([{"type": "aws_cloudwatch_log_group", "id": stray, "name": "by-hand", "provider": provider}]),
        "{}",
        out.stdout
    );
    logs_in(
        REGION,
        &format!("logs.delete_log_group(logGroupName='{stray}')\nlogs.delete_log_group(logGroupName='{pname}')"),
    );
    let plan = planned_changes(&d);
    assert!(plan.contains("# aws_cloudwatch_log_group.prefixed will be created"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Import by name (and not by what names nothing).
    strata_ok(&d, &["state", "rm", "aws_cloudwatch_log_group.named", "aws_cloudwatch_log_group.kept"]);
    let missing = strata(&d, &["import", "-no-color", "aws_cloudwatch_log_group.named", "/strata/no-such-group"]);
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("Cannot import non-existent remote object"), "{}", missing.transcript());
    strata_ok(&d, &["import", "-no-color", "aws_cloudwatch_log_group.named", &app]);
    strata_ok(&d, &["import", "-no-color", "aws_cloudwatch_log_group.kept", &kept]);
    assert_eq!(state_attr(&d, "aws_cloudwatch_log_group", "named", "arn"), arn);
    // skip_destroy is the configuration's alone: the import's default false is planned to true.
    let plan = planned_changes(&d);
    assert!(plan.contains("~ skip_destroy      = false -> true"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Destroy: the kept group stays in AWS, the others go.
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(remote(&app), "gone");
    assert_eq!(remote(&kept), "- [('Owner', 'strata')]");
    logs_in(REGION, &format!("logs.delete_log_group(logGroupName='{kept}')"));
}

/// The flow-log wiring of terraform-aws-modules/vpc (`vpc-flow-logs.tf`
/// with the module's defaults): the log group named from the VPC id, the
/// role trusted by `vpc-flow-logs.amazonaws.com` named by prefix, its
/// policy on the group's ARN (built from data sources, `:*` appended),
/// the attachment and the flow log. Applied, it plans no change and the
/// drift check is clean; destroyed, nothing is left.
#[test]
fn a_vpc_flow_log_to_cloudwatch_logs_with_its_role_plans_clean() {
    const FLOW_REGION: &str = "ca-central-1";
    let tag = format!("flow-{}", std::process::id());
    let config = format!(
        r#"{provider}
variable "region" {{
  type    = string
  default = null
}}

resource "aws_vpc" "this" {{
  cidr_block = "10.90.0.0/16"
  tags       = {{ Test = "{tag}" }}
}}

data "aws_region" "current" {{
  count  = 1
  region = var.region
}}

data "aws_caller_identity" "current" {{
  count = 1
}}

data "aws_partition" "current" {{
  count = 1
}}

locals {{
  vpc_id = aws_vpc.this.id

  flow_log_destination_arn                  = try(aws_cloudwatch_log_group.flow_log[0].arn, null)
  flow_log_iam_role_arn                     = try(aws_iam_role.vpc_flow_log_cloudwatch[0].arn, null)
  flow_log_cloudwatch_log_group_name_suffix = local.vpc_id
  flow_log_group_arns = [
    for log_group in aws_cloudwatch_log_group.flow_log :
    "arn:${{data.aws_partition.current[0].partition}}:logs:${{data.aws_region.current[0].region}}:${{data.aws_caller_identity.current[0].account_id}}:log-group:${{log_group.name}}:*"
  ]
}}

resource "aws_flow_log" "this" {{
  count = 1

  region = var.region

  log_destination_type       = "cloud-watch-logs"
  log_destination            = local.flow_log_destination_arn
  log_format                 = null
  iam_role_arn               = local.flow_log_iam_role_arn
  deliver_cross_account_role = null
  traffic_type               = "ALL"
  vpc_id                     = local.vpc_id
  max_aggregation_interval   = 600

  dynamic "destination_options" {{
    for_each = []

    content {{
      file_format                = "plain-text"
      hive_compatible_partitions = false
      per_hour_partition         = false
    }}
  }}

  tags = merge({{ Test = "{tag}" }}, {{}})
}}

resource "aws_cloudwatch_log_group" "flow_log" {{
  count = 1

  region = var.region

  name              = "/aws/vpc-flow-log/${{local.flow_log_cloudwatch_log_group_name_suffix}}"
  retention_in_days = null
  kms_key_id        = null
  skip_destroy      = false
  log_group_class   = null

  tags = merge({{ Test = "{tag}" }}, {{}})
}}

resource "aws_iam_role" "vpc_flow_log_cloudwatch" {{
  count = 1

  name        = null
  name_prefix = "vpc-flow-log-role-"
  path        = null

  assume_role_policy   = data.aws_iam_policy_document.flow_log_cloudwatch_assume_role[0].json
  permissions_boundary = null

  tags = merge({{ Test = "{tag}" }}, {{}})
}}

data "aws_iam_policy_document" "flow_log_cloudwatch_assume_role" {{
  count = 1

  statement {{
    sid = "AWSVPCFlowLogsAssumeRole"

    principals {{
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }}

    effect = "Allow"

    actions = ["sts:AssumeRole"]

    dynamic "condition" {{
      for_each = []
      content {{
        test     = condition.value.test
        variable = condition.value.variable
        values   = condition.value.values
      }}
    }}
  }}
}}

resource "aws_iam_role_policy_attachment" "vpc_flow_log_cloudwatch" {{
  count = 1

  role       = aws_iam_role.vpc_flow_log_cloudwatch[0].name
  policy_arn = aws_iam_policy.vpc_flow_log_cloudwatch[0].arn
}}

resource "aws_iam_policy" "vpc_flow_log_cloudwatch" {{
  count = 1

  name        = null
  name_prefix = "vpc-flow-log-to-cloudwatch-"
  policy      = data.aws_iam_policy_document.vpc_flow_log_cloudwatch[0].json
  tags        = merge({{ Test = "{tag}" }}, {{}})
}}

data "aws_iam_policy_document" "vpc_flow_log_cloudwatch" {{
  count = 1

  statement {{
    sid = "AWSVPCFlowLogsPushToCloudWatch"

    effect = "Allow"

    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogGroups",
      "logs:DescribeLogStreams",
    ]

    resources = local.flow_log_group_arns
  }}
}}
"#,
        provider = provider_block(None, FLOW_REGION, "")
    );
    let d = TempDir::with_files("aws-flow-log", &[("main.tf", &config)]);
    let plan = planned_changes(&d);
    assert!(plan.contains("Plan: 6 to add, 0 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let vpc = state_id(&d, "aws_vpc", "this");
    let group = format!("/aws/vpc-flow-log/{vpc}");
    let group_arn = format!("arn:aws:logs:{FLOW_REGION}:123456789012:log-group:{group}");
    assert_eq!(state_attr(&d, "aws_cloudwatch_log_group", "flow_log", "arn"), group_arn);
    assert_eq!(state_attr(&d, "aws_flow_log", "this", "log_destination"), group_arn);
    let role_arn = state_attr(&d, "aws_iam_role", "vpc_flow_log_cloudwatch", "arn");
    assert_eq!(state_attr(&d, "aws_flow_log", "this", "iam_role_arn"), role_arn);
    let policy = state_attr(&d, "aws_iam_policy", "vpc_flow_log_cloudwatch", "policy");
    assert!(policy.contains(&format!("{group_arn}:*")), "{policy}");
    // The role reads back the attachment its dependent made.
    let role = state_json(&d, "aws_iam_role", "vpc_flow_log_cloudwatch");
    let policy_arn = state_attr(&d, "aws_iam_policy", "vpc_flow_log_cloudwatch", "arn");
    assert_eq!(role["managed_policy_arns"], serde_json::json!([policy_arn]));
    assert_eq!(role["inline_policy"], serde_json::json!([]));
    let described = aws_in(
        FLOW_REGION,
        &format!(
            "f = ec2.describe_flow_logs(Filters=[{{'Name':'resource-id','Values':['{vpc}']}}])['FlowLogs'][0]\nprint(f['LogDestinationType'], f['LogDestination'], f['DeliverLogsPermissionArn'])"
        ),
    );
    assert_eq!(described.trim(), format!("cloud-watch-logs {group_arn} {role_arn}"));
    no_changes(&d);
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 0, "{}", drift.transcript());
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let left = logs_in(
        FLOW_REGION,
        &format!("print(len(logs.describe_log_groups(logGroupNamePrefix='{group}')['logGroups']))"),
    );
    assert_eq!(left.trim(), "0");
    assert_eq!(count_tagged_in(FLOW_REGION, "vpcs", &tag), 0);
}
