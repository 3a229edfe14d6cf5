//! One blocking HTTP client for the registry and archive downloads: TLS
//! through rustls with the aws-lc-rs provider (already in the build for the
//! AWS SDK), bounded timeouts, Terraform's version header.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

/// Archives larger than this are refused rather than filling the disk.
const MAX_BODY: u64 = 512 * 1024 * 1024;

pub struct Http {
    agent: ureq::Agent,
}

pub struct Response {
    pub status: u16,
    /// `X-Terraform-Get`, where a download endpoint answers with one.
    pub terraform_get: Option<String>,
    pub body: Vec<u8>,
}

impl Http {
    pub fn new() -> Http {
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(300)))
            .max_redirects(10)
            .user_agent(format!(
                "Strata/{} (+Terraform/{})",
                env!("CARGO_PKG_VERSION"),
                strata_config::TERRAFORM_COMPAT_VERSION
            ))
            .build()
            .new_agent();
        Http { agent }
    }

    /// GET `url`; `token` is sent as a bearer token (never logged).
    pub fn get(&self, url: &str, token: Option<&str>) -> Result<Response, String> {
        let mut req = self.agent.get(url).header("X-Terraform-Version", strata_config::TERRAFORM_COMPAT_VERSION);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let mut resp = req.call().map_err(|e| format!("Get {url:?}: {e}"))?;
        let status = resp.status().as_u16();
        let terraform_get = resp.headers().get("X-Terraform-Get").and_then(|v| v.to_str().ok()).map(str::to_string);
        let mut body = Vec::new();
        resp.body_mut()
            .as_reader()
            .take(MAX_BODY + 1)
            .read_to_end(&mut body)
            .map_err(|e| format!("Get {url:?}: reading the response: {e}"))?;
        if body.len() as u64 > MAX_BODY {
            return Err(format!("Get {url:?}: the response is larger than {MAX_BODY} bytes"));
        }
        Ok(Response { status, terraform_get, body })
    }
}

impl Default for Http {
    fn default() -> Self {
        Http::new()
    }
}

/// `reference` resolved against `base` as a browser would (absolute URL,
/// `//host/path`, `/path`, or a relative path).
pub fn resolve_url(base: &str, reference: &str) -> String {
    if reference.contains("://") || reference.contains("::") {
        return reference.to_string();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let scheme = &base[..scheme_end];
    let after = &base[scheme_end..];
    let host_end = after.find('/').unwrap_or(after.len());
    let origin = &base[..scheme_end + host_end];
    if let Some(rest) = reference.strip_prefix("//") {
        return format!("{scheme}{rest}");
    }
    if reference.starts_with('/') {
        return format!("{origin}{reference}");
    }
    let path = after[host_end..].split(['?', '#']).next().unwrap_or("");
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "/",
    };
    format!("{origin}{dir}{reference}")
}

#[cfg(test)]
mod tests {
    use super::resolve_url;

    #[test]
    fn resolves_like_a_browser() {
        let base = "http://127.0.0.1:9/v1/modules/a/b/c/1.0.0/download";
        assert_eq!(resolve_url(base, "/archives/m.tar.gz"), "http://127.0.0.1:9/archives/m.tar.gz");
        assert_eq!(resolve_url(base, "m.tar.gz"), "http://127.0.0.1:9/v1/modules/a/b/c/1.0.0/m.tar.gz");
        assert_eq!(resolve_url(base, "git::https://h/r.git?ref=v1"), "git::https://h/r.git?ref=v1");
        assert_eq!(
            resolve_url("https://h.example/.well-known/terraform.json", "/v1/modules/"),
            "https://h.example/v1/modules/"
        );
    }
}
