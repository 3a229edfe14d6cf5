//! AWS SigV4 for managed domains (Amazon OpenSearch Service, and `aoss`
//! for Serverless): the SDK's own signer over credentials from the SDK's
//! default chain (environment, profile, SSO, process, instance role), or
//! the keys the provider block gives, optionally through an assumed role.
//! Credentials are resolved once and again shortly before they expire.

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};
use strata_provider_http::{SignRequest, Signer};

pub struct AwsSettings {
    pub region: String,
    /// `es` for managed domains, `aoss` for OpenSearch Serverless.
    pub service: String,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub session_token: Option<String>,
    pub profile: Option<String>,
    pub assume_role_arn: Option<String>,
    pub assume_role_external_id: Option<String>,
    pub assume_role_session_name: Option<String>,
}

pub struct AwsSigner {
    settings: AwsSettings,
    runtime: tokio::runtime::Runtime,
    provider: Mutex<Option<aws_credential_types::provider::SharedCredentialsProvider>>,
    cached: Mutex<Option<Credentials>>,
}

impl AwsSigner {
    pub fn new(settings: AwsSettings) -> Result<AwsSigner, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("starting the credentials runtime: {e}"))?;
        Ok(AwsSigner { settings, runtime, provider: Mutex::new(None), cached: Mutex::new(None) })
    }

    fn credentials_provider(&self) -> aws_credential_types::provider::SharedCredentialsProvider {
        let mut slot = self.provider.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = slot.as_ref() {
            return p.clone();
        }
        let s = &self.settings;
        let provider = self.runtime.block_on(async {
            let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new(s.region.clone()));
            if let Some(p) = &s.profile {
                loader = loader.profile_name(p);
            }
            if let (Some(a), Some(k)) = (&s.access_key, &s.secret_key) {
                loader = loader.credentials_provider(Credentials::new(a, k, s.session_token.clone(), None, "strata"));
            }
            let conf = loader.load().await;
            let base = conf.credentials_provider();
            match (&s.assume_role_arn, base) {
                (Some(arn), _) => aws_credential_types::provider::SharedCredentialsProvider::new(
                    {
                        let mut b = aws_config::sts::AssumeRoleProvider::builder(arn)
                            .session_name(s.assume_role_session_name.as_deref().unwrap_or("strata"));
                        if let Some(id) = &s.assume_role_external_id {
                            b = b.external_id(id);
                        }
                        b
                    }
                    .configure(&conf)
                    .build()
                    .await,
                ),
                (None, Some(p)) => p,
                (None, None) => aws_credential_types::provider::SharedCredentialsProvider::new(
                    aws_config::default_provider::credentials::default_provider().await,
                ),
            }
        });
        *slot = Some(provider.clone());
        provider
    }

    fn credentials(&self) -> Result<Credentials, String> {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cached.as_ref() {
            let fresh = c.expiry().is_none_or(|t| t > SystemTime::now() + Duration::from_secs(300));
            if fresh {
                return Ok(c.clone());
            }
        }
        let provider = self.credentials_provider();
        let creds = self
            .runtime
            .block_on(provider.provide_credentials())
            .map_err(|e| format!("no AWS credentials to sign with: {}", error_chain(&e)))?;
        *cached = Some(creds.clone());
        Ok(creds)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

impl Signer for AwsSigner {
    fn sign(&self, request: &SignRequest) -> Result<Vec<(String, String)>, String> {
        use aws_sigv4::http_request::{sign, SignableBody, SignableRequest};
        let identity = self.credentials()?.into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.settings.region)
            .name(&self.settings.service)
            .time(SystemTime::now())
            .settings(signing_settings(&self.settings.service))
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let signable = SignableRequest::new(
            request.method,
            request.url,
            request.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(request.body),
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _signature) = sign(signable, &params).map_err(|e| e.to_string())?.into_parts();
        let (headers, _query) = instructions.into_parts();
        Ok(headers.into_iter().map(|h| (h.name().to_string(), h.value().to_string())).collect())
    }
}

/// OpenSearch Serverless requires the payload's hash as
/// `x-amz-content-sha256`; managed domains take it too.
fn signing_settings(service: &str) -> aws_sigv4::http_request::SigningSettings {
    let mut settings = aws_sigv4::http_request::SigningSettings::default();
    if service == "aoss" {
        settings.payload_checksum_kind = aws_sigv4::http_request::PayloadChecksumKind::XAmzSha256;
    }
    settings
}

/// The region of a managed domain's endpoint
/// (`search-logs-abc.eu-west-1.es.amazonaws.com`), when the URL is one.
pub fn region_of_endpoint(url: &str) -> Option<(String, &'static str)> {
    let host = url.split("://").nth(1).unwrap_or(url).split(['/', ':']).next()?;
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    if n >= 4 && labels[n - 2] == "amazonaws" && labels[n - 1] == "com" {
        match labels[n - 3] {
            "es" => return Some((labels[n - 4].to_string(), "es")),
            "aoss" => return Some((labels[n - 4].to_string(), "aoss")),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managed_endpoints_name_their_region_and_service() {
        assert_eq!(
            region_of_endpoint("https://search-logs-abc123.eu-west-1.es.amazonaws.com"),
            Some(("eu-west-1".into(), "es"))
        );
        assert_eq!(
            region_of_endpoint("https://abc.us-east-1.aoss.amazonaws.com:443/"),
            Some(("us-east-1".into(), "aoss"))
        );
        assert_eq!(region_of_endpoint("http://127.0.0.1:9200"), None);
    }

    #[test]
    fn a_signed_request_carries_the_sigv4_headers() {
        let signer = AwsSigner::new(AwsSettings {
            region: "eu-west-1".into(),
            service: "es".into(),
            access_key: Some("AKIDEXAMPLE".into()),
            secret_key: Some("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into()),
            session_token: None,
            profile: None,
            assume_role_arn: None,
            assume_role_external_id: None,
            assume_role_session_name: None,
        })
        .unwrap();
        let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        let signed = signer
            .sign(&SignRequest {
                method: "PUT",
                url: "https://search-x.eu-west-1.es.amazonaws.com/_plugins/_ism/policies/logs",
                headers: &headers,
                body: b"{}",
            })
            .unwrap();
        let auth = signed.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization")).unwrap();
        assert!(auth.1.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{}", auth.1);
        assert!(auth.1.contains("/eu-west-1/es/aws4_request"), "{}", auth.1);
        assert!(signed.iter().any(|(k, _)| k.eq_ignore_ascii_case("x-amz-date")));
        assert!(!auth.1.contains("wJalrXUtnFEMI"), "the secret key is never sent");
    }
}
