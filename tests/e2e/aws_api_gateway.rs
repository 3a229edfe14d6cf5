//! API Gateway REST (v1) against moto, as a webhook platform uses it: a
//! REST API with `/webhooks/{id}`, a POST method that needs an API key,
//! an AWS_PROXY integration to a Lambda (a fixed invoke ARN: nothing is
//! invoked), a deployment redeployed by its `triggers`, a stage, an API
//! key, a usage plan with quota and throttle, and the key in the plan.
//!
//! moto 5.2.5 lacks UpdateMethod, UpdateIntegration, UpdateResource and
//! UpdateDeployment, and TagResource for anything but stages; it stores a
//! patched quota limit or offset as a string (which no SDK can read back).
//! So the changes in place exercised here are those moto serves: the
//! stage's deployment, variables and tags, the API key's description,
//! and the usage plan's quota period and throttle.

use crate::aws_support::*;
use crate::moto::aws;
use crate::support::*;

const REGION: &str = "eu-south-1";

/// The partner's key: API key values are unique in a region.
fn key_value(name: &str) -> String {
    format!("whk-{name}-0123456789abcdefghij")
}
const LAMBDA_URI: &str = "arn:aws:apigateway:eu-south-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-south-1:123456789012:function:webhooks/invocations";

fn config(name: &str, release: &str, period: &str) -> String {
    format!(
        r#"{provider}
resource "aws_api_gateway_rest_api" "hooks" {{
  name        = "{name}"
  description = "webhook intake"
  endpoint_configuration {{
    types = ["REGIONAL"]
  }}
  tags = {{
    Team = "hooks"
  }}
}}

resource "aws_api_gateway_resource" "webhooks" {{
  rest_api_id = aws_api_gateway_rest_api.hooks.id
  parent_id   = aws_api_gateway_rest_api.hooks.root_resource_id
  path_part   = "webhooks"
}}

resource "aws_api_gateway_resource" "hook" {{
  rest_api_id = aws_api_gateway_rest_api.hooks.id
  parent_id   = aws_api_gateway_resource.webhooks.id
  path_part   = "{{id}}"
}}

resource "aws_api_gateway_method" "post" {{
  rest_api_id      = aws_api_gateway_rest_api.hooks.id
  resource_id      = aws_api_gateway_resource.hook.id
  http_method      = "POST"
  authorization    = "NONE"
  api_key_required = true
  request_parameters = {{
    "method.request.path.id" = true
  }}
}}

resource "aws_api_gateway_integration" "lambda" {{
  rest_api_id             = aws_api_gateway_rest_api.hooks.id
  resource_id             = aws_api_gateway_resource.hook.id
  http_method             = aws_api_gateway_method.post.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = "{LAMBDA_URI}"
}}

resource "aws_api_gateway_deployment" "live" {{
  rest_api_id = aws_api_gateway_rest_api.hooks.id
  description = "webhooks"
  triggers = {{
    release = "{release}"
    wiring  = aws_api_gateway_integration.lambda.id
  }}
  lifecycle {{
    create_before_destroy = true
  }}
}}

resource "aws_api_gateway_stage" "prod" {{
  rest_api_id   = aws_api_gateway_rest_api.hooks.id
  deployment_id = aws_api_gateway_deployment.live.id
  stage_name    = "prod"
  variables = {{
    release = "{release}"
  }}
  tags = {{
    Stage = "prod"
  }}
}}

variable "key_value" {{
  type    = string
  default = "{key}"
}}

resource "aws_api_gateway_api_key" "partner" {{
  name  = "{name}-partner"
  value = var.key_value
}}

resource "aws_api_gateway_usage_plan" "partners" {{
  name = "{name}-partners"
  api_stages {{
    api_id = aws_api_gateway_rest_api.hooks.id
    stage  = aws_api_gateway_stage.prod.stage_name
  }}
  quota_settings {{
    limit  = 10000
    period = "{period}"
  }}
  throttle_settings {{
    burst_limit = 20
    rate_limit  = 10
  }}
}}

resource "aws_api_gateway_usage_plan_key" "partner" {{
  key_id        = aws_api_gateway_api_key.partner.id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.partners.id
}}

output "invoke_url" {{
  value = aws_api_gateway_stage.prod.invoke_url
}}
"#,
        provider = provider_block(None, REGION, ""),
        key = key_value(name)
    )
}

/// boto3 with `apigw` an API Gateway client in the test's region.
fn apigw(script: &str) -> String {
    aws(&format!(
        "apigw = boto3.client('apigateway', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"
    ))
}

#[test]
fn webhook_api_applies_replans_clean_updates_in_place_and_sees_drift() {
    let name = format!("hooks{}", std::process::id());
    let key_value = key_value(&name);
    let d = TempDir::with_files("aws-apigw-hooks", &[("main.tf", &config(&name, "v1", "DAY"))]);
    let applied = strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(applied.stdout.contains("Apply complete! Resources: 10 added"), "{}", applied.stdout);
    assert!(!applied.transcript().contains(&key_value), "the key's value is sensitive:\n{}", applied.transcript());
    let api = state_id(&d, "aws_api_gateway_rest_api", "hooks");
    let hook = state_id(&d, "aws_api_gateway_resource", "hook");
    assert_eq!(state_attr(&d, "aws_api_gateway_resource", "hook", "path"), "/webhooks/{id}");
    assert_eq!(state_attr(&d, "aws_api_gateway_method", "post", "id"), format!("agm-{api}-{hook}-POST"));
    assert_eq!(state_attr(&d, "aws_api_gateway_stage", "prod", "id"), format!("ags-{api}-prod"));
    assert_eq!(
        state_attr(&d, "aws_api_gateway_stage", "prod", "invoke_url"),
        format!("https://{api}.execute-api.{REGION}.amazonaws.com/prod")
    );
    assert_eq!(
        state_attr(&d, "aws_api_gateway_rest_api", "hooks", "arn"),
        format!("arn:aws:apigateway:{REGION}::/restapis/{api}")
    );
    assert_eq!(state_json(&d, "aws_api_gateway_integration", "lambda")["timeout_milliseconds"], 29000);
    assert_eq!(state_attr(&d, "aws_api_gateway_usage_plan_key", "partner", "value"), key_value);
    let remote = apigw(&format!(
        "m = apigw.get_method(restApiId='{api}', resourceId='{hook}', httpMethod='POST')\n\
         print(m['apiKeyRequired'], m['methodIntegration']['type'])"
    ));
    assert_eq!(remote.trim(), "True AWS_PROXY");
    let clean = no_changes(&d);
    assert!(!clean.contains(&key_value), "{clean}");

    // A new release: the deployment is replaced (new one first), the stage
    // moves to it in place.
    let first_deployment = state_id(&d, "aws_api_gateway_deployment", "live");
    d.write("main.tf", &config(&name, "v2", "DAY"));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_api_gateway_deployment.live must be replaced"), "{plan}");
    assert!(plan.contains("aws_api_gateway_stage.prod will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 1 to add, 1 to change, 1 to destroy."), "{plan}");
    assert!(!plan.contains(&key_value), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let second_deployment = state_id(&d, "aws_api_gateway_deployment", "live");
    assert_ne!(first_deployment, second_deployment);
    let stage = apigw(&format!(
        "s = apigw.get_stage(restApiId='{api}', stageName='prod')\nprint(s['deploymentId'], s['variables']['release'])\n\
         print(len(apigw.get_deployments(restApiId='{api}')['items']))"
    ));
    assert_eq!(stage.trim(), format!("{second_deployment} v2\n1"), "the old deployment is deleted");
    no_changes(&d);

    // The quota's period changes in place.
    d.write("main.tf", &config(&name, "v2", "WEEK"));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_api_gateway_usage_plan.partners will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let plan_id = state_id(&d, "aws_api_gateway_usage_plan", "partners");
    let quota = apigw(&format!("print(apigw.get_usage_plan(usagePlanId='{plan_id}')['quota']['period'])"));
    assert_eq!(quota.trim(), "WEEK");
    no_changes(&d);

    // The stage's tags and the key's description change in place.
    let retagged = config(&name, "v2", "WEEK")
        .replace("Stage = \"prod\"", "Stage = \"live\"")
        .replace("  value = var.key_value\n", "  value       = var.key_value\n  description = \"partner B\"\n");
    d.write("main.tf", &retagged);
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_api_gateway_stage.prod will be updated in-place"), "{plan}");
    assert!(plan.contains("aws_api_gateway_api_key.partner will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{plan}");
    assert!(!plan.contains(&key_value), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let key_id = state_id(&d, "aws_api_gateway_api_key", "partner");
    let remote = apigw(&format!(
        "print(apigw.get_stage(restApiId='{api}', stageName='prod')['tags']['Stage'], apigw.get_api_key(apiKey='{key_id}')['description'])"
    ));
    assert_eq!(remote.trim(), "live partner B");
    no_changes(&d);

    // Drift: the throttle changed by hand, the `{id}` resource deleted.
    apigw(&format!(
        "apigw.update_usage_plan(usagePlanId='{plan_id}', patchOperations=[{{'op': 'replace', 'path': '/throttle/burstLimit', 'value': '99'}}])\n\
         apigw.delete_resource(restApiId='{api}', resourceId='{hook}')"
    ));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "drift is reported:\n{}", drift.transcript());
    assert!(drift.stdout.contains("burst_limit"), "{}", drift.stdout);
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_api_gateway_usage_plan.partners will be updated in-place"), "{plan}");
    assert!(plan.contains("99"), "the drifted burst limit is shown:\n{plan}");
    assert!(plan.contains("aws_api_gateway_resource.hook will be created"), "{plan}");
    assert!(plan.contains("aws_api_gateway_method.post will be created"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Rotating the key's value replaces the key and its place in the
    // plan; neither value is ever shown.
    let rotated = format!("{key_value}-rotated");
    let var = format!("key_value={rotated}");
    let plan = strata(&d, &["plan", "-detailed-exitcode", "-no-color", "-var", &var]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert!(plan.stdout.contains("aws_api_gateway_api_key.partner must be replaced"), "{}", plan.stdout);
    assert!(plan.stdout.contains("aws_api_gateway_usage_plan_key.partner must be replaced"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 2 to add, 0 to change, 2 to destroy."), "{}", plan.stdout);
    let rotation = strata_ok(&d, &["apply", "-auto-approve", "-no-color", "-var", &var]);
    for secret in [&key_value, &rotated] {
        assert!(!plan.transcript().contains(secret.as_str()), "{}", plan.transcript());
        assert!(!rotation.transcript().contains(secret.as_str()), "{}", rotation.transcript());
    }
    assert_eq!(state_attr(&d, "aws_api_gateway_usage_plan_key", "partner", "value"), rotated);
    let replan = strata(&d, &["plan", "-detailed-exitcode", "-no-color", "-var", &var]);
    assert_eq!(replan.code, 0, "{}", replan.transcript());

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color", "-var", &var]);
    let left = apigw(&format!(
        "print(len([a for a in apigw.get_rest_apis()['items'] if a['name'] == '{name}']),\n\
         len([k for k in apigw.get_api_keys()['items'] if k['name'] == '{name}-partner']),\n\
         len([p for p in apigw.get_usage_plans()['items'] if p['name'] == '{name}-partners']))"
    ));
    assert_eq!(left.trim(), "0 0 0");
}

/// Every type imports by the ID format Terraform's docs give, and the
/// imported objects plan no changes (a deployment's `triggers` cannot be
/// read back, so an imported deployment is replaced, as in Terraform).
#[test]
fn imports_take_terraforms_id_formats() {
    let name = format!("hooksimp{}", std::process::id());
    let key_value = key_value(&name);
    let d = TempDir::with_files("aws-apigw-import", &[("main.tf", &config(&name, "v1", "DAY"))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let id = |t: &str, n: &str| state_id(&d, t, n);
    let api = id("aws_api_gateway_rest_api", "hooks");
    let (webhooks, hook) = (id("aws_api_gateway_resource", "webhooks"), id("aws_api_gateway_resource", "hook"));
    let key = id("aws_api_gateway_api_key", "partner");
    let plan = id("aws_api_gateway_usage_plan", "partners");
    let deployment = id("aws_api_gateway_deployment", "live");
    let imports = [
        ("aws_api_gateway_rest_api.hooks", api.clone()),
        ("aws_api_gateway_resource.webhooks", format!("{api}/{webhooks}")),
        ("aws_api_gateway_resource.hook", format!("{api}/{hook}")),
        ("aws_api_gateway_method.post", format!("{api}/{hook}/POST")),
        ("aws_api_gateway_integration.lambda", format!("{api}/{hook}/POST")),
        ("aws_api_gateway_stage.prod", format!("{api}/prod")),
        ("aws_api_gateway_api_key.partner", key.clone()),
        ("aws_api_gateway_usage_plan.partners", plan.clone()),
        ("aws_api_gateway_usage_plan_key.partner", format!("{plan}/{key}")),
    ];
    let addresses: Vec<&str> = imports.iter().map(|(a, _)| *a).collect();
    strata_ok(&d, &[&["state", "rm"][..], &addresses].concat());
    let out = strata(&d, &["drift", "-unmanaged", "-json"]);
    let report: serde_json::Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.transcript()));
    let unmanaged = report["unmanaged"].to_string();
    for forgotten in [&api, &key, &plan] {
        assert!(unmanaged.contains(forgotten.as_str()), "{forgotten} in {unmanaged}");
    }
    for (address, import_id) in &imports {
        let out = strata_ok(&d, &["import", "-no-color", address, import_id]);
        assert!(!out.transcript().contains(&key_value), "{}", out.transcript());
    }
    assert_eq!(state_attr(&d, "aws_api_gateway_method", "post", "id"), format!("agm-{api}-{hook}-POST"));
    assert_eq!(state_attr(&d, "aws_api_gateway_integration", "lambda", "id"), format!("agi-{api}-{hook}-POST"));
    assert_eq!(state_attr(&d, "aws_api_gateway_usage_plan_key", "partner", "value"), key_value);
    no_changes(&d);

    strata_ok(&d, &["state", "rm", "aws_api_gateway_deployment.live"]);
    strata_ok(&d, &["import", "-no-color", "aws_api_gateway_deployment.live", &format!("{api}/{deployment}")]);
    assert_eq!(state_attr(&d, "aws_api_gateway_deployment", "live", "rest_api_id"), api);
    let replan = planned_changes(&d);
    assert!(replan.contains("aws_api_gateway_deployment.live must be replaced"), "{replan}");

    let bad = strata(&d, &["import", "-no-color", "aws_api_gateway_stage.prod", "just-a-stage"]);
    assert_ne!(bad.code, 0, "{}", bad.transcript());
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}

/// A crash between sending CreateRestApi and journalling its result: the
/// API exists with the create token, the journal holds only the intent.
/// The next plan adopts it instead of creating a second API.
#[test]
fn an_interrupted_rest_api_create_is_adopted_from_the_journal() {
    let name = format!("hookskill{}", std::process::id());
    let tf = format!(
        "{}\nresource \"aws_api_gateway_rest_api\" \"hooks\" {{\n  name = \"{name}\"\n}}\n",
        provider_block(None, REGION, "")
    );
    let d = TempDir::with_files("aws-apigw-kill", &[("main.tf", &provider_block(None, REGION, ""))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let api =
        apigw(&format!("print(apigw.create_rest_api(name='{name}', tags={{'strata:create-token': 't-api'}})['id'])"));
    let api = api.trim();
    let st = state(&d);
    let lines = [
        serde_json::json!({"lineage": st["lineage"], "serial": st["serial"]}),
        serde_json::json!({
            "mode": "managed", "type": "aws_api_gateway_rest_api", "name": "hooks",
            "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
            "instance": {"schema_version": 0, "attributes": {"name": name, "region": REGION}, "sensitive_attributes": []},
            "intent": "t-api", "intent_at": 0
        }),
    ];
    let journal: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(d.path().join("terraform.tfstate.journal"), journal).unwrap();
    std::fs::write(d.path().join("main.tf"), &tf).unwrap();

    let plan = strata(&d, &["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert_eq!(plan.stderr.matches("Adopted an object").count(), 1, "{}", plan.transcript());
    assert!(!plan.stdout.contains("will be created"), "{}", plan.stdout);
    assert_eq!(state_id(&d, "aws_api_gateway_rest_api", "hooks"), api);
    assert!(!state(&d).to_string().contains("strata:create-token"));
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let left = apigw(&format!("print(len([a for a in apigw.get_rest_apis()['items'] if a['id'] == '{api}']))"));
    assert_eq!(left.trim(), "0");
}

/// The provider's checks run at validate, naming the attribute; a bad
/// key value is reported by its length, never shown.
#[test]
fn bad_arguments_are_reported_at_validate() {
    let tf = format!(
        r#"{provider}
resource "aws_api_gateway_integration" "bad" {{
  rest_api_id          = "a"
  resource_id          = "b"
  http_method          = "POST"
  type                 = "LAMBDA"
  timeout_milliseconds = 10
}}

resource "aws_api_gateway_usage_plan" "bad" {{
  name = "p"
  quota_settings {{
    limit  = 10
    offset = 3
    period = "DAY"
  }}
}}

resource "aws_api_gateway_api_key" "bad" {{
  name  = "k"
  value = "tiny-secret"
}}
"#,
        provider = provider_block(None, REGION, "")
    );
    let d = TempDir::with_files("aws-apigw-bad", &[("main.tf", &tf)]);
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    for want in [
        "expected type to be one of",
        "timeout_milliseconds to be in the range (50 - 300000), got 10",
        "offset must be between 0 and 0 when period is DAY",
        "expected length of value to be in the range (20 - 128)",
    ] {
        assert!(out.stderr.contains(want), "{want:?} in:\n{}", out.stderr);
    }
    assert!(!out.transcript().contains("tiny-secret"), "{}", out.transcript());
}

/// An API described by an OpenAPI `body`: put with PutRestApi, its paths
/// made by API Gateway, a changed document put again in place. (Mode
/// `merge`: moto's `overwrite` drops the root resource the API still
/// names; HTTP_PROXY: moto's import cannot make a MOCK integration.)
#[test]
fn an_openapi_body_defines_the_api_and_changes_in_place() {
    let name = format!("hooksoas{}", std::process::id());
    let tf = |paths: &[&str]| {
        let paths: Vec<String> = paths
            .iter()
            .map(|p| {
                let call = format!(
                    "{{ type = \"HTTP_PROXY\", httpMethod = \"GET\", uri = \"https://hooks.example.com{p}\" }}"
                );
                format!("\"{p}\" = {{ get = {{ \"x-amazon-apigateway-integration\" = {call} }} }}")
            })
            .collect();
        format!(
            r#"{provider}
resource "aws_api_gateway_rest_api" "spec" {{
  name              = "{name}"
  put_rest_api_mode = "merge"
  body = jsonencode({{
    openapi = "3.0.1"
    info    = {{ title = "{name}", version = "1" }}
    paths   = {{ {paths} }}
  }})
}}
"#,
            provider = provider_block(None, REGION, ""),
            paths = paths.join(", ")
        )
    };
    let d = TempDir::with_files("aws-apigw-oas", &[("main.tf", &tf(&["/ping"]))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let api = state_id(&d, "aws_api_gateway_rest_api", "spec");
    let paths = |api: &str| {
        apigw(&format!("print(sorted(r['path'] for r in apigw.get_resources(restApiId='{api}')['items']))"))
    };
    assert_eq!(paths(&api).trim(), "['/', '/ping']");
    no_changes(&d);

    d.write("main.tf", &tf(&["/ping", "/status"]));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_api_gateway_rest_api.spec will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(state_id(&d, "aws_api_gateway_rest_api", "spec"), api);
    assert!(paths(&api).contains("'/status'"), "{}", paths(&api));
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}
