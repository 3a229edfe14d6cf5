//! Secrets held by the new AWS types appear in no rendering. A database
//! password, a Secrets Manager secret string, a Lambda environment
//! variable fed by a sensitive variable, an API key's value and an OpenSearch
//! domain's master password are planted;
//! then every command a user or a CI job runs prints none of them: plan and
//! apply output, `show`, the plan's `show -json` (which marks them
//! sensitive instead),
//! `show -markdown` for PR comments, `drift` after the secret was rotated
//! behind Strata's back (the new text is secret too) and the destroy. Only the state holds them, as Terraform's does (the state's
//! own `show -json` too, with each marked).

use crate::aws_support::*;
use crate::moto::aws;
use crate::support::*;

const REGION: &str = "ca-central-1";
const DB_PASSWORD: &str = "planted-db-password-4f1c";
const HOOK_TOKEN: &str = "planted-hook-token-93ab";
const API_KEY: &str = "plantedApiKeyValue0000000000000000001";
const ROTATED: &str = "planted-rotated-secret-77de";
const DOMAIN_PASSWORD: &str = "Planted-Domain-Pw-5e2a!";

fn config(extra: &str) -> String {
    format!(
        r#"{provider}
variable "db_password" {{
  type      = string
  sensitive = true
}}

variable "hook_token" {{
  type      = string
  sensitive = true
}}

variable "api_key" {{
  type      = string
  sensitive = true
}}

variable "domain_password" {{
  type      = string
  sensitive = true
}}

resource "aws_db_instance" "db" {{
  identifier          = "leak-db"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = var.db_password
  skip_final_snapshot = true
}}

resource "aws_secretsmanager_secret" "hook" {{
  name                    = "leak-hook"
  recovery_window_in_days = 0
}}

resource "aws_secretsmanager_secret_version" "hook" {{
  secret_id     = aws_secretsmanager_secret.hook.id
  secret_string = jsonencode({{ token = var.hook_token }})
}}

resource "aws_iam_role" "fn" {{
  name = "leak-secrets-fn"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "lambda.amazonaws.com" }} }}]
  }})
}}

data "archive_file" "code" {{
  type                    = "zip"
  source_content          = "exports.handler = async () => ({{ statusCode: 200 }});"
  source_content_filename = "index.js"
  output_path             = "${{path.module}}/fn.zip"
}}

resource "aws_lambda_function" "hook" {{
  function_name    = "leak-hook"
  role             = aws_iam_role.fn.arn
  runtime          = "nodejs20.x"
  handler          = "index.handler"
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
  environment {{
    variables = {{
      HOOK_TOKEN = var.hook_token
      STAGE      = "test"
    }}
  }}
}}

resource "aws_api_gateway_api_key" "partner" {{
  name  = "leak-partner"
  value = var.api_key
}}

resource "aws_opensearch_domain" "search" {{
  domain_name = "leak-search"
  encrypt_at_rest {{
    enabled = true
  }}
  node_to_node_encryption {{
    enabled = true
  }}
  domain_endpoint_options {{
    enforce_https = true
  }}
  advanced_security_options {{
    enabled                        = true
    internal_user_database_enabled = true
    master_user_options {{
      master_user_name     = "admin"
      master_user_password = var.domain_password
    }}
  }}
}}
{extra}"#,
        provider = provider_block(
            None,
            REGION,
            &format!("  endpoints {{\n    opensearch = \"{}\"\n  }}\n", crate::moto::moto().endpoint)
        )
    )
}

const VARS: &str = "db_password = \"planted-db-password-4f1c\"\nhook_token = \"planted-hook-token-93ab\"\napi_key = \"plantedApiKeyValue0000000000000000001\"\ndomain_password = \"Planted-Domain-Pw-5e2a!\"\n";

/// Every command run, with what it printed.
struct Session<'a> {
    dir: &'a TempDir,
    outputs: Vec<(String, Output)>,
}

impl Session<'_> {
    fn run(&mut self, args: &[&str]) -> &Output {
        self.outputs.push((args.join(" "), strata(self.dir.path(), args)));
        &self.outputs.last().expect("just pushed").1
    }
}

fn assert_no_secret(outputs: &[(String, Output)]) {
    for (what, o) in outputs {
        for secret in [DB_PASSWORD, HOOK_TOKEN, API_KEY, ROTATED, DOMAIN_PASSWORD] {
            assert!(
                !o.stdout.contains(secret) && !o.stderr.contains(secret),
                "{secret} leaked in `strata {what}`:\n{}",
                o.transcript()
            );
        }
    }
}

#[test]
fn secrets_of_the_new_types_appear_nowhere() {
    let d = TempDir::with_files("aws-secrets", &[("main.tf", &config("")), ("terraform.tfvars", VARS)]);
    let mut s = Session { dir: &d, outputs: Vec::new() };
    let plan = s.run(&["plan", "-no-color", "-out=tfplan"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stdout.contains("(sensitive value)"), "{}", plan.stdout);
    let json = s.run(&["show", "-json", "tfplan"]);
    assert_eq!(json.code, 0, "{}", json.transcript());
    let j: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let change =
        |addr: &str| j["resource_changes"].as_array().unwrap().iter().find(|c| c["address"] == addr).cloned().unwrap();
    // show -json keeps the values out and says where they were.
    assert_eq!(change("aws_db_instance.db")["change"]["after_sensitive"]["password"], true);
    assert_eq!(change("aws_secretsmanager_secret_version.hook")["change"]["after_sensitive"]["secret_string"], true);
    assert_eq!(change("aws_api_gateway_api_key.partner")["change"]["after_sensitive"]["value"], true);
    assert_eq!(
        change("aws_opensearch_domain.search")["change"]["after_sensitive"]["advanced_security_options"][0]
            ["master_user_options"][0]["master_user_password"],
        true
    );
    assert_eq!(
        change("aws_lambda_function.hook")["change"]["after_sensitive"]["environment"][0]["variables"]["HOOK_TOKEN"],
        true
    );
    s.run(&["show", "-markdown", "tfplan"]);
    let apply = s.run(&["apply", "-no-color", "tfplan"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let state = std::fs::read_to_string(d.path().join("terraform.tfstate")).unwrap();
    assert!(
        state.contains(DB_PASSWORD)
            && state.contains(HOOK_TOKEN)
            && state.contains(API_KEY)
            && state.contains(DOMAIN_PASSWORD),
        "the state holds them"
    );
    s.run(&["show", "-no-color"]);
    // The state as JSON holds the values, marked, as Terraform's
    // `show -json` does (it is the state, not a rendering of it).
    let state_json = strata(d.path(), &["show", "-json"]);
    let j: serde_json::Value = serde_json::from_str(&state_json.stdout).unwrap();
    let resources = j["values"]["root_module"]["resources"].as_array().unwrap();
    let marks = |addr: &str| resources.iter().find(|r| r["address"] == addr).unwrap()["sensitive_values"].clone();
    assert_eq!(marks("aws_db_instance.db")["password"], true);
    assert_eq!(marks("aws_secretsmanager_secret_version.hook")["secret_string"], true);
    assert_eq!(marks("aws_api_gateway_api_key.partner")["value"], true);
    assert_eq!(
        marks("aws_opensearch_domain.search")["advanced_security_options"][0]["master_user_options"][0]
            ["master_user_password"],
        true
    );
    assert_eq!(marks("aws_lambda_function.hook")["environment"][0]["variables"]["HOOK_TOKEN"], true);
    s.run(&["state", "show", "aws_db_instance.db"]);
    s.run(&["state", "show", "aws_opensearch_domain.search"]);
    s.run(&["output"]);

    // Rotated behind Strata's back: the drift report shows a change, not the text.
    aws(&format!(
        "sm = boto3.client('secretsmanager', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n\
         sm.put_secret_value(SecretId='leak-hook', SecretString='{ROTATED}', VersionStages=['AWSCURRENT'])"
    ));
    let drift = s.run(&["drift", "-no-color"]);
    assert_ne!(drift.code, 0, "the rotation is drift:\n{}", drift.transcript());
    s.run(&["drift", "-json"]);
    s.run(&["plan", "-no-color", "-refresh-only"]);
    s.run(&["plan", "-no-color", "-out=tfplan"]);
    s.run(&["show", "-markdown", "tfplan"]);

    let destroy = s.run(&["destroy", "-no-color", "-auto-approve"]);
    assert_eq!(destroy.code, 0, "{}", destroy.transcript());
    assert_no_secret(&s.outputs);
}
