//! `aws_cloudwatch_log_subscription_filter` against moto: a log group
//! subscribed to a Lambda function (with the permission CloudWatch Logs
//! needs), the provider's `cwlsf-<hash>` id, the pattern changed in place,
//! a new name replacing the filter, drift, import as `<group>|<name>`, and
//! destroy removing it. moto checks that the function exists, but stores
//! no distribution (it always answers `ByLogStream`), so a distribution
//! change is not exercised here.

use crate::aws_support::*;
use crate::moto::aws;
use crate::support::*;

const REGION: &str = "eu-south-1";

fn config(name: &str, filter: &str, pattern: &str) -> String {
    format!(
        r#"{provider}
resource "aws_cloudwatch_log_group" "app" {{
  name = "/strata/{name}/app"
}}

resource "aws_iam_role" "fn" {{
  name = "{name}-fn"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "lambda.amazonaws.com" }} }}]
  }})
}}

data "archive_file" "code" {{
  type                    = "zip"
  source_content          = "def handler(event, context):\n    return 1\n"
  source_content_filename = "index.py"
  output_path             = "${{path.module}}/build/code.zip"
}}

resource "aws_lambda_function" "ship" {{
  function_name    = "{name}-ship"
  role             = aws_iam_role.fn.arn
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
  handler          = "index.handler"
  runtime          = "python3.12"
}}

resource "aws_lambda_permission" "logs" {{
  statement_id  = "logs"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.ship.function_name
  principal     = "logs.amazonaws.com"
  source_arn    = "${{aws_cloudwatch_log_group.app.arn}}:*"
}}

resource "aws_cloudwatch_log_subscription_filter" "ship" {{
  name            = "{filter}"
  log_group_name  = aws_cloudwatch_log_group.app.name
  filter_pattern  = "{pattern}"
  destination_arn = aws_lambda_function.ship.arn
  depends_on      = [aws_lambda_permission.logs]
}}
"#,
        provider = provider_block(None, REGION, "")
    )
}

/// The group's filters as moto holds them: `name pattern distribution` each.
fn remote(name: &str) -> String {
    logs_in(
        REGION,
        &format!(
            "for f in logs.describe_subscription_filters(logGroupName='/strata/{name}/app')['subscriptionFilters']:\n    \
                 print(f['filterName'], repr(f['filterPattern']), f['distribution'], f['destinationArn'].rsplit(':', 1)[1])\n"
        ),
    )
}

#[test]
fn a_subscription_filter_feeds_a_function_changes_in_place_is_replaced_by_a_new_name_drifts_imports_and_destroys() {
    let name = format!("lsf-{}", std::process::id());
    let d = TempDir::with_files("aws-log-subscription", &[("main.tf", &config(&name, "ship", "ERROR"))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);
    assert_eq!(remote(&name), format!("ship 'ERROR' ByLogStream {name}-ship\n"));
    let crc = aws(&format!("import zlib\nprint(zlib.crc32(b'/strata/{name}/app-'))\n"));
    assert_eq!(state_id(&d, "aws_cloudwatch_log_subscription_filter", "ship"), format!("cwlsf-{}", crc.trim()));
    assert_eq!(state_attr(&d, "aws_cloudwatch_log_subscription_filter", "ship", "distribution"), "ByLogStream");

    // A new pattern: the same filter, put again.
    d.write("main.tf", &config(&name, "ship", "?ERROR ?WARN"));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_cloudwatch_log_subscription_filter.ship will be updated in-place"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote(&name), format!("ship '?ERROR ?WARN' ByLogStream {name}-ship\n"));
    no_changes(&d);

    // A new name is a new filter: the old one goes.
    d.write("main.tf", &config(&name, "ship-v2", "?ERROR ?WARN"));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_cloudwatch_log_subscription_filter.ship must be replaced"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote(&name), format!("ship-v2 '?ERROR ?WARN' ByLogStream {name}-ship\n"));

    // Changed by hand: drift reports it, apply puts it back.
    logs_in(
        REGION,
        &format!(
            "f = logs.describe_subscription_filters(logGroupName='/strata/{name}/app')['subscriptionFilters'][0]\n\
             logs.put_subscription_filter(logGroupName='/strata/{name}/app', filterName='ship-v2', filterPattern='', destinationArn=f['destinationArn'])\n"
        ),
    );
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    assert!(drift.stdout.contains("filter_pattern: \"?ERROR ?WARN\" -> \"\""), "{}", drift.stdout);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote(&name), format!("ship-v2 '?ERROR ?WARN' ByLogStream {name}-ship\n"));

    // Imported by its group and name; a bad ID says what it takes.
    strata_ok(&d, &["state", "rm", "aws_cloudwatch_log_subscription_filter.ship"]);
    let bad = strata(&d, &["import", "-no-color", "aws_cloudwatch_log_subscription_filter.ship", "ship-v2"]);
    assert_eq!(bad.code, 1, "{}", bad.transcript());
    assert!(bad.stderr.contains("expected log-group-name|filter-name"), "{}", bad.stderr);
    let id = format!("/strata/{name}/app|ship-v2");
    strata_ok(&d, &["import", "-no-color", "aws_cloudwatch_log_subscription_filter.ship", &id]);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let left = logs_in(
        REGION,
        &format!("print([g['logGroupName'] for g in logs.describe_log_groups(logGroupNamePrefix='/strata/{name}/')['logGroups']])\n"),
    );
    assert_eq!(left.trim(), "[]");
}
