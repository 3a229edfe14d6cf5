//! `data "aws_iam_policy_document"` and `data "aws_partition"`, computed
//! by the provider without an AWS call, through the binary: the document
//! as hashicorp/aws renders it, usable as a policy string.

use crate::aws_support::*;
use crate::support::*;

#[test]
fn policy_documents_render_as_the_provider_renders_them() {
    let config = format!(
        r#"{}
variable "conditions" {{
  default = [{{ test = "StringEquals", variable = "aws:SourceAccount", values = ["123456789012"] }}]
}}

data "aws_partition" "current" {{}}

data "aws_iam_policy_document" "assume" {{
  statement {{
    sid     = "AWSVPCFlowLogsAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {{
      type        = "Service"
      identifiers = ["vpc-flow-logs.${{data.aws_partition.current.dns_suffix}}"]
    }}

    dynamic "condition" {{
      for_each = var.conditions
      content {{
        test     = condition.value.test
        variable = condition.value.variable
        values   = condition.value.values
      }}
    }}
  }}
}}

output "json" {{
  value = data.aws_iam_policy_document.assume.json
}}

output "partition" {{
  value = [data.aws_partition.current.partition, data.aws_partition.current.reverse_dns_prefix]
}}
"#,
        provider_block(None, "us-east-1", "")
    );
    let d = TempDir::with_files("aws-policy-doc", &[("main.tf", &config)]);
    let apply = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let out = strata_ok(&d, &["output", "-raw", "json"]);
    assert_eq!(
        out.stdout,
        r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AWSVPCFlowLogsAssumeRole",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "Service": "vpc-flow-logs.amazonaws.com"
      },
      "Condition": {
        "StringEquals": {
          "aws:SourceAccount": "123456789012"
        }
      }
    }
  ]
}"#,
        "{}",
        apply.stdout
    );
    assert!(apply.stdout.contains("\"aws\",\n  \"com.amazonaws\","), "{}", apply.stdout);
    no_changes(&d);
}
