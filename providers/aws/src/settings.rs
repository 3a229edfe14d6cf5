//! The `provider "aws"` block: Terraform's argument names, read into plain
//! settings.

use crate::util::{attr, bool_attr, map_of, nonempty, strings_of};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, NestedBlock, Nesting, ProviderDiagnostic};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub shared_config_files: Vec<String>,
    pub shared_credentials_files: Vec<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub token: Option<String>,
    pub assume_role: Option<AssumeRole>,
    /// Service name (`ec2`, `sts`, …) → endpoint URL.
    pub endpoints: BTreeMap<String, String>,
    pub default_tags: BTreeMap<String, String>,
    pub skip_credentials_validation: bool,
    pub skip_requesting_account_id: bool,
    pub skip_metadata_api_check: bool,
    pub max_retries: u32,
    /// S3 requests as `endpoint/bucket/key` rather than `bucket.endpoint/key`.
    pub s3_use_path_style: bool,
}

/// Services whose endpoint may be set in `endpoints {}` (those this and the
/// coming parts of the provider call).
const ENDPOINT_SERVICES: &[&str] = &[
    "acm",
    "amp",
    "apigateway",
    "applicationautoscaling",
    "appautoscaling",
    "autoscaling",
    "cloudwatch",
    "cloudwatchlog",
    "cloudwatchlogs",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "efs",
    "eks",
    "elasticache",
    "elb",
    "elasticloadbalancingv2",
    "elbv2",
    "elasticsearch",
    "elasticsearchservice",
    "es",
    "iam",
    "kms",
    "lambda",
    "logs",
    "opensearch",
    "opensearchservice",
    "prometheus",
    "prometheusservice",
    "rds",
    "redshift",
    "route53",
    "s3",
    "secretsmanager",
    "sns",
    "sqs",
    "ssm",
    "sts",
];

pub fn schema() -> Block {
    let s = || Attribute::optional(Type::String);
    let b = || Attribute::optional(Type::Bool);
    let files = || Attribute::optional(Type::list(Type::String));
    let attrs = BTreeMap::from([
        ("region".to_string(), s().describe("The region where AWS operations will take place.")),
        ("profile".to_string(), s()),
        ("shared_config_files".to_string(), files()),
        ("shared_credentials_files".to_string(), files()),
        ("access_key".to_string(), s()),
        ("secret_key".to_string(), s().sensitive()),
        ("token".to_string(), s().sensitive()),
        ("skip_credentials_validation".to_string(), b()),
        ("skip_requesting_account_id".to_string(), b()),
        ("skip_region_validation".to_string(), b()),
        // A string in hashicorp/aws (`"true"`/`"false"`); `true` converts.
        ("skip_metadata_api_check".to_string(), s()),
        ("max_retries".to_string(), Attribute::optional(Type::Number)),
        ("s3_use_path_style".to_string(), b()),
    ]);
    let assume_role = Block {
        attributes: BTreeMap::from([
            ("role_arn".to_string(), s()),
            ("session_name".to_string(), s()),
            ("external_id".to_string(), s()),
            ("duration".to_string(), s()),
        ]),
        blocks: BTreeMap::new(),
    };
    let endpoints =
        Block { attributes: ENDPOINT_SERVICES.iter().map(|n| (n.to_string(), s())).collect(), blocks: BTreeMap::new() };
    let default_tags = Block {
        attributes: BTreeMap::from([("tags".to_string(), Attribute::optional(Type::map(Type::String)))]),
        blocks: BTreeMap::new(),
    };
    let nested = |nesting, block, max_items| NestedBlock { nesting, block, min_items: 0, max_items };
    Block {
        attributes: attrs,
        blocks: BTreeMap::from([
            ("assume_role".to_string(), nested(Nesting::List, assume_role, 1)),
            ("endpoints".to_string(), nested(Nesting::Set, endpoints, 0)),
            ("default_tags".to_string(), nested(Nesting::List, default_tags, 1)),
        ]),
    }
}

fn first(v: &Value) -> Option<Value> {
    v.as_seq().and_then(|s| s.first().cloned())
}

impl Settings {
    /// Reads the configuration (null when there is no `provider "aws"` block).
    pub fn from_value(config: &Value) -> Result<Settings, ProviderDiagnostic> {
        let config = config.unmark_deep().0;
        if !config.is_wholly_known() {
            return Err(ProviderDiagnostic::error(
                "Invalid provider configuration",
                "The aws provider's configuration depends on values that are not known until apply.",
            ));
        }
        let mut s = Settings {
            region: nonempty(&config, "region"),
            profile: nonempty(&config, "profile"),
            shared_config_files: strings_of(&attr(&config, "shared_config_files")),
            shared_credentials_files: strings_of(&attr(&config, "shared_credentials_files")),
            access_key: nonempty(&config, "access_key"),
            secret_key: nonempty(&config, "secret_key"),
            token: nonempty(&config, "token"),
            skip_credentials_validation: bool_attr(&config, "skip_credentials_validation").unwrap_or(false),
            skip_requesting_account_id: bool_attr(&config, "skip_requesting_account_id").unwrap_or(false),
            skip_metadata_api_check: nonempty(&config, "skip_metadata_api_check").is_some_and(|s| s == "true"),
            s3_use_path_style: bool_attr(&config, "s3_use_path_style").unwrap_or(false),
            // As the provider: AWS_MAX_ATTEMPTS (attempts, so one more
            // than the retries) when `max_retries` is not set, else 25.
            max_retries: std::env::var("AWS_MAX_ATTEMPTS")
                .ok()
                .and_then(|a| a.trim().parse::<u32>().ok())
                .filter(|a| (1..=1001).contains(a))
                .map_or(25, |a| a - 1),
            ..Settings::default()
        };
        let retries = attr(&config, "max_retries");
        if let Some(n) = retries.as_number() {
            s.max_retries = n.to_i64().filter(|n| (0..=1000).contains(n)).ok_or_else(|| {
                ProviderDiagnostic::error("Invalid max_retries", "max_retries must be a whole number from 0 to 1000.")
            })? as u32;
        }
        if let Some(role) = first(&attr(&config, "assume_role")) {
            if let Some(role_arn) = nonempty(&role, "role_arn") {
                s.assume_role = Some(AssumeRole {
                    role_arn,
                    session_name: nonempty(&role, "session_name"),
                    external_id: nonempty(&role, "external_id"),
                });
            }
        }
        for block in attr(&config, "endpoints").as_seq().unwrap_or_default() {
            for (service, url) in block.as_entries().into_iter().flatten() {
                if let Some(url) = url.as_str().filter(|u| !u.is_empty()) {
                    s.endpoints.insert(service.clone(), url.to_string());
                }
            }
        }
        if let Some(d) = first(&attr(&config, "default_tags")) {
            s.default_tags = map_of(&attr(&d, "tags"));
        }
        if s.access_key.is_some() != s.secret_key.is_some() {
            return Err(ProviderDiagnostic::error(
                "Invalid provider configuration",
                "access_key and secret_key must be set together.",
            ));
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_terraform_names() {
        let s = |x: &str| Value::string(x);
        let endpoints = Value::set(
            schema().blocks["endpoints"].block.implied_type(),
            vec![crate::util::object(
                &schema().blocks["endpoints"].block,
                [("ec2", s("http://x")), ("sts", s("http://y"))],
            )],
        );
        let tags = crate::util::object(
            &schema().blocks["default_tags"].block,
            [("tags", Value::map(Type::String, BTreeMap::from([("Env".to_string(), s("dev"))]).into()))],
        );
        let config = crate::util::object(
            &schema(),
            [
                ("region", s("eu-west-1")),
                ("max_retries", Value::int(3)),
                ("skip_metadata_api_check", s("true")),
                ("endpoints", endpoints),
                ("default_tags", Value::list(tags.ty(), vec![tags])),
            ],
        );
        let st = Settings::from_value(&config).unwrap();
        assert_eq!(st.region.as_deref(), Some("eu-west-1"));
        assert_eq!(st.max_retries, 3);
        assert!(st.skip_metadata_api_check);
        assert_eq!(st.endpoints["ec2"], "http://x");
        assert_eq!(st.endpoints["sts"], "http://y");
        assert_eq!(st.default_tags["Env"], "dev");
        let null = Settings::from_value(&Value::null(schema().implied_type())).unwrap();
        assert_eq!(null.max_retries, 25);
        assert!(null.endpoints.is_empty());
    }
}
