//! Terraform's JSON syntax with a real provider schema: nested blocks are
//! told from attributes by the schema (`ingress` written as an array of
//! objects, `dynamic`, `timeouts`, `lifecycle`, the provider's `endpoints`
//! and `default_tags`), so a `.tf.json` configuration plans exactly as the
//! same configuration in HCL. Offline: the plan only creates, and the
//! provider's endpoints lead nowhere.

use crate::support::{run_with, TempDir};
use serde_json::Value as Json;

const ENV: [(&str, &str); 3] =
    [("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"), ("AWS_EC2_METADATA_DISABLED", "true")];

const HCL: &str = r#"
provider "aws" {
  region = "us-east-1"
  endpoints {
    ec2 = "http://127.0.0.1:9"
    sts = "http://127.0.0.1:9"
  }
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  default_tags {
    tags = { Env = "dev" }
  }
}
variable "ports" {
  type    = list(number)
  default = [80, 443]
}
resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = "vpc-123"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  ingress {
    from_port = 443
    to_port   = 443
    protocol  = "tcp"
    self      = true
  }
  dynamic "egress" {
    for_each = var.ports
    iterator = port
    content {
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  tags = { Name = "web" }
  timeouts {
    create = "5m"
  }
  lifecycle {
    create_before_destroy = true
  }
}
"#;

const JSON: &str = r#"{
  "//": "The same configuration as HCL above.",
  "provider": {
    "aws": {
      "region": "us-east-1",
      "endpoints": {"ec2": "http://127.0.0.1:9", "sts": "http://127.0.0.1:9"},
      "skip_credentials_validation": true,
      "skip_requesting_account_id": true,
      "skip_metadata_api_check": true,
      "default_tags": {"tags": {"Env": "dev"}}
    }
  },
  "variable": {
    "ports": {"type": "list(number)", "default": [80, 443]}
  },
  "resource": {
    "aws_security_group": {
      "web": {
        "name": "web",
        "vpc_id": "vpc-123",
        "ingress": [
          {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/8"]},
          {"from_port": 443, "to_port": 443, "protocol": "tcp", "self": true}
        ],
        "dynamic": {
          "egress": {
            "for_each": "${var.ports}",
            "iterator": "port",
            "content": {"from_port": "${port.value}", "to_port": "${port.value}", "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
          }
        },
        "tags": {"Name": "web"},
        "timeouts": {"create": "5m"},
        "lifecycle": {"create_before_destroy": true}
      }
    }
  }
}
"#;

/// The planned values of every resource change, by address.
fn planned(files: &[(&str, &str)]) -> Json {
    let d = TempDir::with_files("json-config", files);
    let plan = run_with(d.path(), &["plan", "-out=p.bin", "-no-color"], &ENV, None);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let show = run_with(d.path(), &["show", "-json", "p.bin"], &ENV, None);
    assert_eq!(show.code, 0, "{}", show.transcript());
    let v: Json = serde_json::from_str(&show.stdout).unwrap();
    let changes = v["resource_changes"].as_array().unwrap();
    Json::Array(
        changes.iter().map(|c| serde_json::json!({"address": c["address"], "after": c["change"]["after"]})).collect(),
    )
}

#[test]
fn json_nested_blocks_plan_as_hcl_blocks_do() {
    let hcl = planned(&[("main.tf", HCL)]);
    let json = planned(&[("main.tf.json", JSON)]);
    assert_eq!(json, hcl);
    let after = &json[0]["after"];
    assert_eq!(after["ingress"].as_array().map(Vec::len), Some(2), "{after}");
    assert_eq!(after["egress"].as_array().map(Vec::len), Some(2), "{after}");
    assert_eq!(after["timeouts"]["create"], "5m", "{after}");
    assert_eq!(after["tags_all"]["Env"], "dev", "{after}");
}

#[test]
fn json_nested_block_errors_point_at_the_json() {
    let bad = JSON
        .replace(r#""protocol": "tcp", "self": true"#, r#""protocl": "tcp", "self": true"#)
        .replace(r#""timeouts": {"create": "5m"}"#, r#""timeouts": {"create": "5m", "delete": 5, "creat": "1m"}"#);
    let d = TempDir::with_files("json-config-errors", &[("main.tf.json", &bad)]);
    let out = run_with(d.path(), &["validate", "-json"], &ENV, None);
    assert_eq!(out.code, 1, "{}", out.transcript());
    let v: Json = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} line {}",
                d["summary"].as_str().unwrap(),
                d["detail"].as_str().unwrap(),
                d["range"]["start"]["line"]
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "Extraneous JSON object property No argument or block type is named \"protocl\". Did you mean \"protocol\"? line 23",
            "Extraneous JSON object property No argument or block type is named \"creat\". Did you mean \"create\"? line 33",
        ],
        "{}",
        out.stdout
    );
}

/// `show -json`'s configuration shows a JSON expression as Terraform does:
/// its JSON value (templates as written) beside its references.
#[test]
fn json_expressions_in_the_configuration_are_their_json() {
    let d = TempDir::with_files(
        "json-config-expressions",
        &[(
            "main.tf.json",
            r#"{"variable": {"n": {"default": 2}}, "resource": {"terraform_data": {"r": {"count": "${var.n}", "input": ["a-${var.n}", 1.50]}}}}"#,
        )],
    );
    let plan = run_with(d.path(), &["plan", "-out=p.bin", "-no-color"], &[], None);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let show = run_with(d.path(), &["show", "-json", "p.bin"], &[], None);
    let v: Json = serde_json::from_str(&show.stdout).unwrap();
    let r = &v["configuration"]["root_module"]["resources"][0];
    assert_eq!(r["count_expression"], serde_json::json!({"constant_value": "${var.n}", "references": ["var.n"]}));
    assert_eq!(
        r["expressions"]["input"],
        serde_json::json!({"constant_value": ["a-${var.n}", 1.5], "references": ["var.n"]})
    );
}

/// Deep JSON is an error with a location, never a crash: past the JSON
/// reader's limit, and past HCL's nesting limit.
#[test]
fn deep_json_is_an_error_not_a_crash() {
    for depth in [100, 100_000] {
        let deep = format!("{{\"locals\": {{\"a\": {}1{}}}}}", "[".repeat(depth), "]".repeat(depth));
        let d = TempDir::with_files("json-deep", &[("main.tf.json", &deep)]);
        let out = run_with(d.path(), &["validate", "-no-color"], &[], None);
        assert_eq!(out.code, 1, "{}", out.transcript());
        assert!(out.stderr.contains("main.tf.json:1:"), "{}", out.stderr);
        assert!(out.stderr.contains("deep"), "{}", out.stderr);
    }
}
