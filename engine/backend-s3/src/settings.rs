//! The `backend "s3"` block's settings, with Terraform's names, defaults and
//! checks, and the AWS clients they describe.

use serde_json::{Map, Value as Json};

/// An invalid backend setting: which one and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    pub setting: String,
    pub message: String,
}

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.setting, self.message)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct S3Settings {
    pub bucket: String,
    pub key: String,
    pub region: String,
    pub workspace_key_prefix: String,
    pub dynamodb_table: Option<String>,
    pub use_lockfile: bool,
    pub encrypt: bool,
    pub kms_key_id: Option<String>,
    pub endpoint_s3: Option<String>,
    pub endpoint_dynamodb: Option<String>,
    pub endpoint_sts: Option<String>,
    pub use_path_style: bool,
    pub skip_credentials_validation: bool,
    pub skip_requesting_account_id: bool,
    pub skip_metadata_api_check: bool,
    pub profile: Option<String>,
    pub shared_config_files: Vec<String>,
    pub shared_credentials_files: Vec<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub assume_role: Option<AssumeRole>,
    pub max_retries: u32,
}

/// Server-side encryption of what the backend writes.
#[derive(Debug, Clone)]
pub(crate) enum Encryption {
    None,
    Aes256,
    Kms(String),
}

impl Encryption {
    pub(crate) fn apply(
        &self,
        req: aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder,
    ) -> aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder {
        use aws_sdk_s3::types::ServerSideEncryption;
        match self {
            Encryption::None => req,
            Encryption::Aes256 => req.server_side_encryption(ServerSideEncryption::Aes256),
            Encryption::Kms(key) => req.server_side_encryption(ServerSideEncryption::AwsKms).ssekms_key_id(key),
        }
    }
}

/// Settings Terraform knows; anything else is refused with a suggestion.
const KNOWN: &[&str] = &[
    "bucket",
    "key",
    "region",
    "workspace_key_prefix",
    "dynamodb_table",
    "use_lockfile",
    "encrypt",
    "kms_key_id",
    "endpoints",
    "use_path_style",
    "skip_credentials_validation",
    "skip_requesting_account_id",
    "skip_metadata_api_check",
    "skip_region_validation",
    "profile",
    "shared_config_files",
    "shared_credentials_files",
    "access_key",
    "secret_key",
    "assume_role",
    "max_retries",
    "acl",
];

/// Terraform's other s3 backend arguments: accepted when unset (Terraform
/// records them as null), refused when set, since Strata does not act on them.
const UNSUPPORTED: &[&str] = &[
    "allowed_account_ids",
    "forbidden_account_ids",
    "custom_ca_bundle",
    "ec2_metadata_service_endpoint",
    "ec2_metadata_service_endpoint_mode",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "insecure",
    "retry_mode",
    "sse_customer_key",
    "sts_region",
    "token",
    "assume_role_with_web_identity",
    "iam_endpoint",
    "sts_endpoint",
    "dynamodb_endpoint",
    "endpoint",
    "force_path_style",
    "skip_s3_checksum",
    "use_dualstack_endpoint",
    "use_fips_endpoint",
    "use_legacy_workflow",
    "shared_credentials_file",
];

impl S3Settings {
    /// Reads the settings from the block's evaluated attributes (merged with
    /// `-backend-config` values by the caller).
    pub fn from_json(config: &Map<String, Json>) -> Result<S3Settings, SettingsError> {
        let err = |setting: &str, message: &str| SettingsError { setting: setting.into(), message: message.into() };
        for (k, v) in config {
            if KNOWN.contains(&k.as_str()) || (UNSUPPORTED.contains(&k.as_str()) && is_unset(v)) {
                continue;
            }
            if UNSUPPORTED.contains(&k.as_str()) {
                return Err(err(k, "Strata does not support this s3 backend argument yet; remove it."));
            }
            return Err(err(k, "An argument by this name is not expected in the s3 backend configuration."));
        }
        let string = |name: &str| -> Result<Option<String>, SettingsError> {
            match config.get(name) {
                None | Some(Json::Null) => Ok(None),
                Some(Json::String(s)) => Ok(Some(s.clone())),
                Some(Json::Bool(b)) => Ok(Some(b.to_string())),
                Some(Json::Number(n)) => Ok(Some(n.to_string())),
                Some(_) => Err(err(name, "must be a string")),
            }
        };
        let boolean = |name: &str| -> Result<bool, SettingsError> {
            match config.get(name) {
                None | Some(Json::Null) => Ok(false),
                Some(Json::Bool(b)) => Ok(*b),
                Some(Json::String(s)) if s == "true" => Ok(true),
                Some(Json::String(s)) if s == "false" => Ok(false),
                Some(_) => Err(err(name, "must be true or false")),
            }
        };
        let list = |name: &str| -> Result<Vec<String>, SettingsError> {
            match config.get(name) {
                None | Some(Json::Null) => Ok(Vec::new()),
                Some(Json::Array(items)) => items
                    .iter()
                    .map(|i| i.as_str().map(String::from).ok_or_else(|| err(name, "must be a list of strings")))
                    .collect(),
                Some(_) => Err(err(name, "must be a list of strings")),
            }
        };
        let required = |name: &str| -> Result<String, SettingsError> {
            string(name)?.filter(|s| !s.is_empty()).ok_or_else(|| {
                err(name, "The attribute is required. Set it in the backend block or with -backend-config.")
            })
        };
        let bucket = required("bucket")?;
        let key = required("key")?;
        if key.starts_with('/') || key.ends_with('/') || key.contains("//") {
            return Err(err("key", "The value must not start or end with \"/\" and must not contain \"//\"."));
        }
        let region = string("region")?
            .or_else(|| std::env::var("AWS_REGION").ok())
            .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| err("region", "The attribute is required (or set AWS_REGION)."))?;
        let workspace_key_prefix = string("workspace_key_prefix")?.unwrap_or_else(|| "env:".to_string());
        if workspace_key_prefix.starts_with('/') || workspace_key_prefix.ends_with('/') {
            return Err(err("workspace_key_prefix", "The value must not start or end with \"/\"."));
        }
        let endpoints = match config.get("endpoints") {
            None | Some(Json::Null) => Map::new(),
            Some(Json::Object(m)) => m.clone(),
            Some(Json::Array(a)) if a.len() == 1 && a[0].is_object() => a[0].as_object().cloned().unwrap_or_default(),
            Some(_) => return Err(err("endpoints", "must be an object such as { s3 = \"...\" }")),
        };
        let endpoint = |name: &str| endpoints.get(name).and_then(|v| v.as_str()).map(String::from);
        let assume_role = match config.get("assume_role") {
            None | Some(Json::Null) => None,
            Some(v) => {
                let m = match v {
                    Json::Object(m) => m.clone(),
                    Json::Array(a) if a.len() == 1 => a[0].as_object().cloned().unwrap_or_default(),
                    _ => return Err(err("assume_role", "must be a block with role_arn")),
                };
                let text = |n: &str| m.get(n).and_then(|v| v.as_str()).map(String::from);
                Some(AssumeRole {
                    role_arn: text("role_arn").ok_or_else(|| err("assume_role", "role_arn is required"))?,
                    session_name: text("session_name"),
                    external_id: text("external_id"),
                })
            }
        };
        let max_retries = match config.get("max_retries") {
            None | Some(Json::Null) => 5,
            Some(v) => v
                .as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                .ok_or_else(|| err("max_retries", "must be a whole number"))? as u32,
        };
        Ok(S3Settings {
            bucket,
            key,
            region,
            workspace_key_prefix,
            dynamodb_table: string("dynamodb_table")?.filter(|s| !s.is_empty()),
            use_lockfile: boolean("use_lockfile")?,
            encrypt: boolean("encrypt")?,
            kms_key_id: string("kms_key_id")?.filter(|s| !s.is_empty()),
            endpoint_s3: endpoint("s3"),
            endpoint_dynamodb: endpoint("dynamodb"),
            endpoint_sts: endpoint("sts"),
            use_path_style: boolean("use_path_style")?,
            skip_credentials_validation: boolean("skip_credentials_validation")?,
            skip_requesting_account_id: boolean("skip_requesting_account_id")?,
            skip_metadata_api_check: boolean("skip_metadata_api_check")?,
            profile: string("profile")?,
            shared_config_files: list("shared_config_files")?,
            shared_credentials_files: list("shared_credentials_files")?,
            access_key: string("access_key")?,
            secret_key: string("secret_key")?,
            assume_role,
            max_retries,
        })
    }

    /// Whether `other` keeps its states in the same place (a change of
    /// credentials or lock settings moves nothing).
    pub fn same_location(&self, other: &S3Settings) -> bool {
        self.bucket == other.bucket
            && self.key == other.key
            && self.workspace_key_prefix == other.workspace_key_prefix
            && self.endpoint_s3 == other.endpoint_s3
            && self.region == other.region
    }

    /// The object key of `workspace`'s state.
    pub fn workspace_key(&self, workspace: &str) -> String {
        if workspace == "default" {
            self.key.clone()
        } else {
            format!("{}/{workspace}/{}", self.workspace_key_prefix, self.key)
        }
    }

    pub(crate) fn encryption(&self) -> Encryption {
        match (&self.kms_key_id, self.encrypt) {
            (Some(k), _) => Encryption::Kms(k.clone()),
            (None, true) => Encryption::Aes256,
            (None, false) => Encryption::None,
        }
    }

    /// The S3 and DynamoDB clients: the SDK's default credential chain
    /// (environment, profiles, SSO, web identity, instance metadata), or
    /// the static keys, profile and files given, then `assume_role`.
    // The profile-file types' replacements live in aws-runtime, which this
    // crate does not depend on directly.
    #[allow(deprecated)]
    pub(crate) async fn clients(&self) -> (aws_sdk_s3::Client, aws_sdk_dynamodb::Client) {
        use aws_config::{BehaviorVersion, Region};
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(self.max_retries + 1));
        if let Some(p) = &self.profile {
            loader = loader.profile_name(p);
        }
        if !self.shared_config_files.is_empty() || !self.shared_credentials_files.is_empty() {
            use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};
            let mut files = ProfileFiles::builder();
            for f in &self.shared_config_files {
                files = files.with_file(ProfileFileKind::Config, expand_home(f));
            }
            for f in &self.shared_credentials_files {
                files = files.with_file(ProfileFileKind::Credentials, expand_home(f));
            }
            loader = loader.profile_files(files.build());
        }
        if let (Some(a), Some(s)) = (&self.access_key, &self.secret_key) {
            loader = loader.credentials_provider(aws_sdk_s3::config::Credentials::new(
                a.clone(),
                s.clone(),
                None,
                None,
                "backend-config",
            ));
        }
        if let Some(sts) = &self.endpoint_sts {
            loader = loader.endpoint_url(sts);
        }
        let mut sdk = loader.load().await;
        if let Some(role) = &self.assume_role {
            let mut provider = aws_config::sts::AssumeRoleProvider::builder(&role.role_arn)
                .session_name(role.session_name.clone().unwrap_or_else(|| "strata".into()))
                .configure(&sdk);
            if let Some(id) = &role.external_id {
                provider = provider.external_id(id);
            }
            let provider = provider.build().await;
            sdk = sdk
                .into_builder()
                .credentials_provider(aws_sdk_s3::config::SharedCredentialsProvider::new(provider))
                .build();
        }
        let mut s3 = aws_sdk_s3::config::Builder::from(&sdk).force_path_style(self.use_path_style);
        if let Some(e) = &self.endpoint_s3 {
            s3 = s3.endpoint_url(e);
        }
        let mut ddb = aws_sdk_dynamodb::config::Builder::from(&sdk);
        if let Some(e) = &self.endpoint_dynamodb {
            ddb = ddb.endpoint_url(e);
        }
        (aws_sdk_s3::Client::from_conf(s3.build()), aws_sdk_dynamodb::Client::from_conf(ddb.build()))
    }
}

fn is_unset(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::String(s) => s.is_empty(),
        Json::Bool(b) => !b,
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
        Json::Number(_) => false,
    }
}

fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(json: &str) -> Result<S3Settings, SettingsError> {
        S3Settings::from_json(serde_json::from_str::<Json>(json).unwrap().as_object().unwrap())
    }

    #[test]
    fn terraform_defaults_and_checks() {
        let s = settings(r#"{"bucket":"b","key":"path/state.tfstate","region":"eu-west-1"}"#).unwrap();
        assert_eq!(s.workspace_key_prefix, "env:");
        assert_eq!(s.workspace_key("default"), "path/state.tfstate");
        assert_eq!(s.workspace_key("staging"), "env:/staging/path/state.tfstate");
        assert_eq!(s.max_retries, 5);
        assert_eq!(settings(r#"{"key":"k","region":"r"}"#).unwrap_err().setting, "bucket");
        assert_eq!(settings(r#"{"bucket":"b","key":"/k","region":"r"}"#).unwrap_err().setting, "key");
        assert_eq!(settings(r#"{"bucket":"b","key":"k","region":"r","bogus":1}"#).unwrap_err().setting, "bogus");
        let s = settings(
            r#"{"bucket":"b","key":"k","region":"r","endpoints":{"s3":"http://127.0.0.1:1","dynamodb":"http://127.0.0.1:2"},"use_lockfile":true,"dynamodb_table":"locks","assume_role":{"role_arn":"arn:aws:iam::1:role/x"}}"#,
        )
        .unwrap();
        assert_eq!(s.endpoint_s3.as_deref(), Some("http://127.0.0.1:1"));
        assert!(s.use_lockfile && s.dynamodb_table.is_some());
        assert_eq!(s.assume_role.unwrap().role_arn, "arn:aws:iam::1:role/x");
    }
}
