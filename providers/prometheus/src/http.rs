//! One blocking HTTP client per configured provider: the server's base URL,
//! its credentials (basic auth or a bearer token, never in a message), and
//! bounded timeouts. TLS through rustls with the aws-lc-rs provider the
//! AWS SDK already builds, Mozilla's roots.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

/// Bodies larger than this are refused (an API answer is small).
const MAX_BODY: u64 = 64 * 1024 * 1024;

#[derive(Clone, Default)]
pub enum Auth {
    #[default]
    None,
    Basic {
        username: String,
        password: String,
    },
    Bearer(String),
}

#[derive(Clone)]
pub struct Http {
    agent: ureq::Agent,
    base: String,
    auth: Auth,
    headers: Vec<(String, String)>,
}

pub struct Response {
    pub status: u16,
    pub body: String,
}

impl Response {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
    pub fn json(&self) -> Result<serde_json::Value, String> {
        serde_json::from_str(&self.body).map_err(|e| format!("the answer is not JSON ({e}): {}", excerpt(&self.body)))
    }
}

/// The start of a body, for messages.
pub fn excerpt(body: &str) -> String {
    let t = body.trim();
    match t.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.to_string(),
    }
}

impl Http {
    pub fn new(base: &str, auth: Auth, headers: Vec<(String, String)>, timeout: Duration, insecure: bool) -> Http {
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .disable_verification(insecure)
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(timeout))
            .user_agent(format!("Strata/{}", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Http { agent, base: base.trim_end_matches('/').to_string(), auth, headers }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn get(&self, path: &str) -> Result<Response, String> {
        self.send("GET", path, None)
    }

    pub fn delete(&self, path: &str) -> Result<Response, String> {
        self.send("DELETE", path, None)
    }

    /// POST with a body of `content_type`, or an empty one.
    pub fn post(&self, path: &str, body: Option<(&str, &[u8])>) -> Result<Response, String> {
        self.send("POST", path, body)
    }

    fn send(&self, method: &str, path: &str, body: Option<(&str, &[u8])>) -> Result<Response, String> {
        let url = format!("{}{path}", self.base);
        let mut req = ureq::http::Request::builder().method(method).uri(&url);
        match &self.auth {
            Auth::None => {}
            Auth::Basic { username, password } => {
                req = req.header("Authorization", format!("Basic {}", base64(&format!("{username}:{password}"))));
            }
            Auth::Bearer(t) => req = req.header("Authorization", format!("Bearer {t}")),
        }
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let result = match body {
            Some((content_type, bytes)) => {
                let req = req.header("Content-Type", content_type).body(bytes.to_vec()).map_err(|e| e.to_string())?;
                self.agent.run(req)
            }
            None => {
                let req = req.body(()).map_err(|e| e.to_string())?;
                self.agent.run(req)
            }
        };
        let mut resp = result.map_err(|e| format!("{method} {url}: {e}"))?;
        let status = resp.status().as_u16();
        let mut bytes = Vec::new();
        resp.body_mut()
            .as_reader()
            .take(MAX_BODY + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{method} {url}: reading the answer: {e}"))?;
        if bytes.len() as u64 > MAX_BODY {
            return Err(format!("{method} {url}: the answer is larger than {MAX_BODY} bytes"));
        }
        Ok(Response { status, body: String::from_utf8_lossy(&bytes).into_owned() })
    }
}

fn base64(s: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn basic_auth_is_base64() {
        assert_eq!(super::base64("Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(super::base64("ab"), "YWI=");
    }
}
