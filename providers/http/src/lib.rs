//! One blocking HTTP client per configured provider, shared by Strata's own
//! providers (Prometheus, Alertmanager, OpenSearch, Elasticsearch): the
//! server's base URL, its credentials (basic auth, a bearer token, an API
//! key, or a request signer such as AWS SigV4 — never in a message), TLS
//! settings (a CA bundle, a client certificate, or no verification), and
//! bounded timeouts. TLS through rustls with the aws-lc-rs provider the AWS
//! SDK already builds, Mozilla's roots unless a CA bundle is given. This
//! crate knows nothing of providers or values.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

/// Bodies larger than this are refused (an API answer is small).
const MAX_BODY: u64 = 64 * 1024 * 1024;

/// A request about to be sent, as a signer sees it.
pub struct SignRequest<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

/// Adds the headers that authenticate one request (AWS SigV4 signs the
/// method, URL, headers and body together).
pub trait Signer: Send + Sync {
    fn sign(&self, request: &SignRequest) -> Result<Vec<(String, String)>, String>;
}

#[derive(Clone, Default)]
pub enum Auth {
    #[default]
    None,
    Basic {
        username: String,
        password: String,
    },
    Bearer(String),
    /// Elasticsearch's `Authorization: ApiKey <key>` (the key as the
    /// server encoded it).
    ApiKey(String),
    Signed(Arc<dyn Signer>),
}

/// How the server's certificate is checked, and the client's own.
#[derive(Clone, Default)]
pub struct Tls {
    /// Accept any certificate (self-signed test clusters).
    pub insecure: bool,
    /// PEM certificates to trust instead of Mozilla's roots.
    pub ca_pem: Option<Vec<u8>>,
    /// A PEM client certificate chain and its PEM private key.
    pub client_pem: Option<(Vec<u8>, Vec<u8>)>,
}

#[derive(Clone)]
pub struct Options {
    pub auth: Auth,
    pub headers: Vec<(String, String)>,
    /// Each call's limit, connecting included.
    pub timeout: Duration,
    pub tls: Tls,
    /// An HTTP(S) or SOCKS proxy URL (`http://user:pass@host:port`).
    pub proxy: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            auth: Auth::None,
            headers: Vec::new(),
            timeout: Duration::from_secs(60),
            tls: Tls::default(),
            proxy: None,
        }
    }
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
    /// A client for `base`; fails only on unreadable TLS material.
    pub fn new(base: &str, options: Options) -> Result<Http, String> {
        let mut tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .disable_verification(options.tls.insecure);
        if let Some(pem) = &options.tls.ca_pem {
            let certs = certificates(pem).map_err(|e| format!("the CA certificate file: {e}"))?;
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        if let Some((cert_pem, key_pem)) = &options.tls.client_pem {
            let chain = certificates(cert_pem).map_err(|e| format!("the client certificate file: {e}"))?;
            let key =
                ureq::tls::PrivateKey::from_pem(key_pem).map_err(|e| format!("the client key file: {e}"))?.to_owned();
            check_client_identity(cert_pem, key_pem)?;
            tls = tls.client_cert(Some(ureq::tls::ClientCert::new_with_certs(&chain, key)));
        }
        let proxy = match &options.proxy {
            Some(url) => Some(ureq::Proxy::new(url).map_err(|e| format!("the proxy URL: {e}"))?),
            None => None,
        };
        let agent = ureq::Agent::config_builder()
            .proxy(proxy)
            .tls_config(tls.build())
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10).min(options.timeout)))
            .timeout_global(Some(options.timeout))
            .user_agent(format!("Strata/{}", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Ok(Http { agent, base: base.trim_end_matches('/').to_string(), auth: options.auth, headers: options.headers })
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

    pub fn put(&self, path: &str, body: Option<(&str, &[u8])>) -> Result<Response, String> {
        self.send("PUT", path, body)
    }

    /// Sends `method` to the base URL + `path` (which starts with `/` and
    /// carries any query string), with a body of a content type.
    pub fn send(&self, method: &str, path: &str, body: Option<(&str, &[u8])>) -> Result<Response, String> {
        let url = format!("{}{path}", self.base);
        let mut headers = self.headers.clone();
        if let Some((content_type, _)) = body {
            headers.push(("Content-Type".into(), content_type.into()));
        }
        match &self.auth {
            Auth::None => {}
            Auth::Basic { username, password } => {
                headers.push(("Authorization".into(), format!("Basic {}", base64(&format!("{username}:{password}")))))
            }
            Auth::Bearer(t) => headers.push(("Authorization".into(), format!("Bearer {t}"))),
            Auth::ApiKey(k) => headers.push(("Authorization".into(), format!("ApiKey {k}"))),
            Auth::Signed(signer) => {
                let bytes = body.map(|(_, b)| b).unwrap_or_default();
                let signed = signer
                    .sign(&SignRequest { method, url: &url, headers: &headers, body: bytes })
                    .map_err(|e| format!("{method} {url}: signing the request: {e}"))?;
                headers.extend(signed);
            }
        }
        let mut req = ureq::http::Request::builder().method(method).uri(&url);
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let result = match body {
            Some((_, bytes)) => {
                let req = req.body(bytes.to_vec()).map_err(|e| e.to_string())?;
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

/// What rustls will refuse later, when the first connection is made (ureq
/// then panics): a certificate it cannot use (an X.509 v1 one, as
/// `openssl x509 -req` makes without extensions) or a key that is not the
/// certificate's.
fn check_client_identity(cert_pem: &[u8], key_pem: &[u8]) -> Result<(), String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("the client certificate file: {e}"))?;
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| format!("the client key file: {e}"))?;
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_client_auth_cert(chain, key)
        .map(|_| ())
        .map_err(|e| format!("the client certificate and key cannot be used: {e}"))
}

fn certificates(pem: &[u8]) -> Result<Vec<ureq::tls::Certificate<'static>>, String> {
    let mut out = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        if let ureq::tls::PemItem::Certificate(c) = item.map_err(|e| e.to_string())? {
            out.push(c);
        }
    }
    if out.is_empty() {
        return Err("no PEM certificate in it".into());
    }
    Ok(out)
}

/// Standard base64 with padding.
pub fn base64(s: &str) -> String {
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

    #[test]
    fn unreadable_tls_material_is_an_error() {
        let options = super::Options {
            tls: super::Tls { ca_pem: Some(b"not a certificate".to_vec()), ..Default::default() },
            ..Default::default()
        };
        let err = super::Http::new("https://127.0.0.1:9200", options).err().unwrap();
        assert!(err.contains("CA certificate"), "{err}");
    }
}
