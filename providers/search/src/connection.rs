//! The provider block both flavours share (the names of
//! opensearch-project/opensearch's: `url`, `username`/`password`, the
//! `aws_*` signing settings, `insecure`, `cacert_file`,
//! `client_cert_path`/`client_key_path`; plus Elasticsearch's `api_key`
//! and `bearer_token`), turned into one HTTP client, and the server it
//! reaches: which product and release answer at `/`, checked once before
//! the first change, so that an `elasticsearch` provider pointed at an
//! OpenSearch cluster (or the reverse) stops with a clear message.

use crate::document::at;
use crate::sigv4::{region_of_endpoint, AwsSettings, AwsSigner};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use strata_lang::{Type, Value};
use strata_provider::values::{attr, bool_attr, map_of, str_attr};
use strata_provider::*;
use strata_provider_http::{excerpt, Auth, Http, Options, Response, Tls};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    OpenSearch,
    Elasticsearch,
}

impl Flavour {
    pub fn product(self) -> &'static str {
        match self {
            Flavour::OpenSearch => "OpenSearch",
            Flavour::Elasticsearch => "Elasticsearch",
        }
    }
    fn env_prefix(self) -> &'static str {
        match self {
            Flavour::OpenSearch => "OPENSEARCH",
            Flavour::Elasticsearch => "ELASTICSEARCH",
        }
    }
    pub fn source(self) -> &'static str {
        match self {
            Flavour::OpenSearch => "opensearch-project/opensearch",
            Flavour::Elasticsearch => "strata/elasticsearch",
        }
    }
}

/// What answered at `/`.
#[derive(Debug, Clone)]
pub struct Server {
    /// `opensearch`, or `elasticsearch` when no distribution is named.
    pub distribution: String,
    pub version: String,
}

impl Server {
    /// OpenSearch's plugins answer under `_plugins`; Open Distro (an
    /// Elasticsearch 7.x with the plugins, Amazon's `Elasticsearch_7.x`
    /// domains) under `_opendistro`.
    pub fn plugins_prefix(&self) -> &'static str {
        if self.distribution == "opensearch" {
            "_plugins"
        } else {
            "_opendistro"
        }
    }
}

pub struct Settings {
    pub flavour: Flavour,
    http: Option<Http>,
    /// The client for the version check, when `version_ping_timeout` is set.
    ping: Option<Http>,
    /// The provider's `opensearch_version` / `elasticsearch_version`: the
    /// server is not asked.
    version_setting: Option<String>,
    server: OnceLock<Result<Server, String>>,
}

pub fn provider_block(flavour: Flavour) -> Block {
    let version_attr = match flavour {
        Flavour::OpenSearch => "opensearch_version",
        Flavour::Elasticsearch => "elasticsearch_version",
    };
    let p = flavour.env_prefix();
    let attrs = [
        ("url", Attribute::optional(Type::String).describe(&format!("The cluster's URL ({p}_URL)"))),
        ("username", Attribute::optional(Type::String).describe(&format!("Basic auth user ({p}_USERNAME)"))),
        ("password", Attribute::optional(Type::String).sensitive().describe(&format!("({p}_PASSWORD)"))),
        ("api_key", Attribute::optional(Type::String).sensitive().describe("An API key (Authorization: ApiKey)")),
        ("bearer_token", Attribute::optional(Type::String).sensitive()),
        ("token", Attribute::optional(Type::String).sensitive().describe(&format!("A token sent as `Authorization: <token_name> <token>` ({p}_TOKEN)"))),
        ("token_name", Attribute::optional(Type::String).describe("The token's scheme: Bearer (default) or ApiKey")),
        ("proxy", Attribute::optional(Type::String).describe("An HTTP(S) or SOCKS proxy for every request")),
        ("sniff", Attribute::optional(Type::Bool).describe("Accepted for compatibility; Strata talks to `url` only, never to nodes it discovers")),
        ("version_ping_timeout", Attribute::optional(Type::Number).describe("Seconds to wait for the version check (default: timeout)")),
        ("headers", Attribute::optional(Type::map(Type::String)).describe("Headers sent with every request")),
        ("insecure", Attribute::optional(Type::Bool).describe("Accept any server certificate")),
        ("cacert_file", Attribute::optional(Type::String).describe("PEM certificates to trust")),
        ("client_cert_path", Attribute::optional(Type::String)),
        ("client_key_path", Attribute::optional(Type::String)),
        ("sign_aws_requests", Attribute::optional(Type::Bool).describe("Sign with AWS SigV4 (default: for *.es.amazonaws.com / *.aoss.amazonaws.com URLs and when aws_region is set)")),
        ("aws_region", Attribute::optional(Type::String)),
        ("aws_access_key", Attribute::optional(Type::String)),
        ("aws_secret_key", Attribute::optional(Type::String).sensitive()),
        ("aws_token", Attribute::optional(Type::String).sensitive()),
        ("aws_profile", Attribute::optional(Type::String)),
        ("aws_assume_role_arn", Attribute::optional(Type::String)),
        ("aws_assume_role_external_id", Attribute::optional(Type::String)),
        ("aws_assume_role_session_name", Attribute::optional(Type::String)),
        ("aws_signature_service", Attribute::optional(Type::String).describe("\"es\" (default) or \"aoss\"")),
        (version_attr, Attribute::optional(Type::String).describe("The server's release; it is not asked")),
        ("healthcheck", Attribute::optional(Type::Bool).describe("Accepted for compatibility; Strata asks the server once before the first change")),
        ("timeout", Attribute::optional(Type::Number).describe("Each request's limit in seconds (default 60)")),
    ];
    Block { attributes: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(), blocks: BTreeMap::new() }
}

fn setting(config: &Value, name: &str, env: Option<String>) -> Option<String> {
    str_attr(config, name)
        .filter(|s| !s.is_empty())
        .or_else(|| env.and_then(|e| std::env::var(e).ok()).filter(|s| !s.is_empty()))
}

/// The file an attribute (or else the environment variable `env`) names.
fn read_file(config: &Value, name: &str, env: &str) -> Result<Option<Vec<u8>>, ProviderDiagnostic> {
    match setting(config, name, Some(env.to_string())) {
        Some(path) => std::fs::read(&path)
            .map(Some)
            .map_err(|e| ProviderDiagnostic::error("Cannot read file", format!("{name} {path:?}: {e}")).at(at(name))),
        None => Ok(None),
    }
}

impl Settings {
    /// Settings before `configure` (validate): nothing can be reached.
    pub fn unconfigured(flavour: Flavour) -> Settings {
        Settings { flavour, http: None, ping: None, version_setting: None, server: OnceLock::new() }
    }

    pub fn from_config(flavour: Flavour, config: &Value) -> Result<Settings, ProviderDiagnostic> {
        let p = flavour.env_prefix();
        let url = setting(config, "url", Some(format!("{p}_URL")));
        let timeout = match attr(config, "timeout").unmark_deep().0.as_number().and_then(|n| n.to_i64()) {
            Some(s) if s < 1 => {
                return Err(
                    ProviderDiagnostic::error("Invalid timeout", "timeout must be at least 1 second").at(at("timeout"))
                )
            }
            Some(s) => Duration::from_secs(s as u64),
            None => Duration::from_secs(60),
        };
        let tls = Tls {
            insecure: bool_attr(config, "insecure").unwrap_or(false),
            ca_pem: read_file(config, "cacert_file", "OS_CACERT_FILE")?,
            client_pem: match (
                read_file(config, "client_cert_path", "OS_CLIENT_CERTIFICATE_PATH")?,
                read_file(config, "client_key_path", "OS_CLIENT_KEY_PATH")?,
            ) {
                (Some(c), Some(k)) => Some((c, k)),
                (None, None) => None,
                _ => {
                    return Err(ProviderDiagnostic::error(
                        "Incomplete client certificate",
                        "client_cert_path and client_key_path are given together.",
                    )
                    .at(at(if str_attr(config, "client_cert_path").is_some() {
                        "client_key_path"
                    } else {
                        "client_cert_path"
                    })))
                }
            },
        };
        let endpoint_region = url.as_deref().and_then(region_of_endpoint);
        let region = str_attr(config, "aws_region").or_else(|| endpoint_region.as_ref().map(|(r, _)| r.clone()));
        let sign = bool_attr(config, "sign_aws_requests").unwrap_or(region.is_some());
        let mut serverless = false;
        let auth = if sign {
            let Some(region) = region.or_else(|| std::env::var("AWS_REGION").ok()) else {
                return Err(ProviderDiagnostic::error(
                    "AWS region not set",
                    "Signing requests with SigV4 needs aws_region (or an *.es.amazonaws.com URL, or AWS_REGION).",
                )
                .at(at("aws_region")));
            };
            let service = str_attr(config, "aws_signature_service")
                .or_else(|| endpoint_region.map(|(_, s)| s.to_string()))
                .unwrap_or_else(|| "es".into());
            serverless = service == "aoss";
            if service != "es" && service != "aoss" {
                return Err(ProviderDiagnostic::error(
                    "Invalid aws_signature_service",
                    format!("{service:?}: expected \"es\" (managed domains) or \"aoss\" (Serverless)."),
                )
                .at(at("aws_signature_service")));
            }
            let signer = AwsSigner::new(AwsSettings {
                region,
                service,
                access_key: str_attr(config, "aws_access_key"),
                secret_key: str_attr(config, "aws_secret_key"),
                session_token: str_attr(config, "aws_token"),
                profile: str_attr(config, "aws_profile"),
                assume_role_arn: str_attr(config, "aws_assume_role_arn"),
                assume_role_external_id: str_attr(config, "aws_assume_role_external_id"),
                assume_role_session_name: str_attr(config, "aws_assume_role_session_name"),
            })
            .map_err(|e| ProviderDiagnostic::error("Cannot sign requests", e))?;
            Auth::Signed(Arc::new(signer))
        } else if let Some(key) = setting(config, "api_key", Some(format!("{p}_API_KEY"))) {
            Auth::ApiKey(key)
        } else if let Some(token) = setting(config, "bearer_token", Some(format!("{p}_BEARER_TOKEN"))) {
            Auth::Bearer(token)
        } else if let Some(username) = setting(config, "username", Some(format!("{p}_USERNAME"))) {
            Auth::Basic {
                username,
                password: setting(config, "password", Some(format!("{p}_PASSWORD"))).unwrap_or_default(),
            }
        } else {
            Auth::None
        };
        let mut headers: Vec<(String, String)> = map_of(&attr(config, "headers")).into_iter().collect();
        if let Some(token) = setting(config, "token", Some(format!("{p}_TOKEN"))) {
            if !matches!(auth, Auth::None) {
                return Err(ProviderDiagnostic::error(
                    "Two kinds of credentials",
                    "token is sent as the Authorization header, which the other credentials set too: give one of them.",
                )
                .at(at("token")));
            }
            let scheme = str_attr(config, "token_name").unwrap_or_else(|| "Bearer".into());
            headers.push(("Authorization".into(), format!("{scheme} {token}")));
        }
        let proxy = setting(config, "proxy", None);
        let ping_timeout =
            match attr(config, "version_ping_timeout").unmark_deep().0.as_number().and_then(|n| n.to_i64()) {
                Some(s) if s < 1 => {
                    return Err(ProviderDiagnostic::error(
                        "Invalid version_ping_timeout",
                        "it must be at least 1 second",
                    )
                    .at(at("version_ping_timeout")))
                }
                Some(s) => Some(Duration::from_secs(s as u64)),
                None => None,
            };
        let options = Options { auth, headers, timeout, tls, proxy };
        let client = |options: Options| {
            url.as_deref()
                .map(|url| Http::new(url, options).map_err(|e| ProviderDiagnostic::error("Invalid TLS settings", e)))
                .transpose()
        };
        let ping = match ping_timeout {
            Some(t) => client(Options { timeout: t, ..options.clone() })?,
            None => None,
        };
        let http = client(options)?;
        let version_attr = match flavour {
            Flavour::OpenSearch => "opensearch_version",
            Flavour::Elasticsearch => "elasticsearch_version",
        };
        // Serverless collections have no `GET /` to ask (as
        // opensearch-project/opensearch assumes, they speak OpenSearch 2).
        let version_setting = str_attr(config, version_attr).or_else(|| serverless.then(|| "2.0.0".to_string()));
        Ok(Settings { flavour, http, ping, version_setting, server: OnceLock::new() })
    }

    fn http(&self) -> Result<&Http, ProviderDiagnostic> {
        self.http.as_ref().ok_or_else(|| {
            ProviderDiagnostic::error(
                format!("{} URL not set", self.flavour.product()),
                format!("The provider needs `url` (or {}_URL).", self.flavour.env_prefix()),
            )
        })
    }

    /// The server, asked once; an answer from the other product is an error.
    pub fn server(&self) -> Result<Server, ProviderDiagnostic> {
        let found = self.server.get_or_init(|| {
            let http = self.http().map_err(|d| d.detail)?;
            let server = match &self.version_setting {
                Some(v) => Server {
                    distribution: match self.flavour {
                        Flavour::OpenSearch => "opensearch".into(),
                        Flavour::Elasticsearch => "elasticsearch".into(),
                    },
                    version: v.clone(),
                },
                None => {
                    let resp = self.ping.as_ref().unwrap_or(http).get("/")?;
                    if !resp.ok() {
                        return Err(format!("{}/ answered {}: {}", http.base(), resp.status, error_reason(&resp)));
                    }
                    let info = resp.json()?;
                    // OpenSearch in compatibility mode
                    // (`compatibility.override_main_response_version`) names
                    // no distribution and reports 7.10.2; its tagline stays.
                    let tagline = info["tagline"].as_str().unwrap_or_default();
                    let distribution = match info["version"]["distribution"].as_str() {
                        Some(d) => d,
                        None if tagline.contains("OpenSearch") => "opensearch",
                        None => "elasticsearch",
                    };
                    Server {
                        distribution: distribution.to_string(),
                        version: info["version"]["number"].as_str().unwrap_or_default().to_string(),
                    }
                }
            };
            let major = server.version.split('.').next().and_then(|m| m.parse::<u32>().ok()).unwrap_or(0);
            match (self.flavour, server.distribution.as_str()) {
                (Flavour::OpenSearch, "opensearch") => Ok(server),
                // Open Distro: Elasticsearch 7.x with the OpenSearch plugins.
                (Flavour::OpenSearch, _) if major == 7 => Ok(server),
                (Flavour::OpenSearch, d) => Err(format!(
                    "{} is {d} {}, not OpenSearch: use the elasticsearch provider (source \"strata/elasticsearch\").",
                    http.base(),
                    server.version
                )),
                (Flavour::Elasticsearch, "opensearch") => Err(format!(
                    "{} is OpenSearch {}, which has no ILM or SLM: use the opensearch provider (source \"opensearch-project/opensearch\").",
                    http.base(),
                    server.version
                )),
                (Flavour::Elasticsearch, _) => Ok(server),
            }
        });
        found
            .clone()
            .map_err(|e| ProviderDiagnostic::error(format!("Cannot use this {} cluster", self.flavour.product()), e))
    }

    /// One call: the server checked first, then `method path` with an
    /// optional JSON body. Transport errors are diagnostics.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Response, ProviderDiagnostic> {
        self.server()?;
        let http = self.http()?;
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
        http.send(method, path, bytes.as_deref().map(|b| ("application/json", b)))
            .map_err(|e| ProviderDiagnostic::error(format!("{} request failed", self.flavour.product()), e))
    }
}

/// The `reason` of an Elasticsearch/OpenSearch error answer (the root
/// cause's type and reason), else the start of the body.
pub fn error_reason(resp: &Response) -> String {
    let Ok(v) = resp.json() else { return excerpt(&resp.body) };
    let e = &v["error"];
    match (e["type"].as_str(), e["reason"].as_str()) {
        (Some(t), Some(r)) => {
            let cause = e["caused_by"]["reason"].as_str().map(|c| format!(" ({c})")).unwrap_or_default();
            format!("{t}: {r}{cause}")
        }
        _ => match e.as_str() {
            Some(s) => s.to_string(),
            None => excerpt(&resp.body),
        },
    }
}

/// A failed answer as a diagnostic naming what was being done.
pub fn refused(what: &str, resp: &Response) -> ProviderDiagnostic {
    ProviderDiagnostic::error(
        format!("{what} failed"),
        format!("The server answered {}: {}", resp.status, error_reason(resp)),
    )
}
