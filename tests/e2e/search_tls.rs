//! The search providers' TLS settings against a real TLS server: Python's
//! `ssl` module terminating HTTPS (optionally requiring a client
//! certificate) in front of the search test server, with a CA, server and
//! client certificates made by `openssl` for the test. Without `openssl`
//! the test says so and is skipped.

use crate::search_support::*;
use crate::support::*;
use std::path::Path;
use std::process::Command;

const PROXY: &str = r#"
import http.server, json, ssl, sys, threading, urllib.error, urllib.request
upstream, cert, key, ca, require_client = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] == "1"

class Handler(http.server.BaseHTTPRequestHandler):
    def forward(self):
        n = int(self.headers.get("Content-Length") or 0)
        req = urllib.request.Request(upstream + self.path, data=self.rfile.read(n) if n else None, method=self.command)
        for k, v in self.headers.items():
            if k.lower() not in ("host", "content-length", "connection"):
                req.add_header(k, v)
        try:
            r = urllib.request.urlopen(req, timeout=30)
            status, data, headers = r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            status, data, headers = e.code, e.read(), e.headers
        self.send_response(status)
        self.send_header("Content-Type", headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward
    def log_message(self, *args):
        pass

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if require_client:
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(ca)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
print(json.dumps({"url": "https://127.0.0.1:%d" % server.server_address[1]}), flush=True)
threading.Thread(target=lambda: (sys.stdin.read(), server.shutdown()), daemon=True).start()
server.serve_forever()
"#;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, all
/// signed by the CA, in `dir`; and `client-v1.pem`, the same client as an
/// X.509 v1 certificate (no extensions), which rustls cannot use.
fn certificates(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Strata test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
    );
    std::fs::write(dir.join("server.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    std::fs::write(dir.join("client.ext"), "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n").unwrap();
    for name in ["server", "client"] {
        openssl(
            dir,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                &format!("/CN=strata-{name}"),
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.csr"),
            ],
        );
    }
    let sign = |csr: &str, out: &str, ext: Option<&str>| {
        let mut args = vec![
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            out,
        ];
        if let Some(ext) = ext {
            args.extend(["-extfile", ext]);
        }
        openssl(dir, &args);
    };
    sign("server.csr", "server.pem", Some("server.ext"));
    sign("client.csr", "client.pem", Some("client.ext"));
    sign("client.csr", "client-v1.pem", None);
}

fn tls_proxy(dir: &Path, upstream: &str, require_client: bool) -> Server {
    std::fs::write(dir.join("proxy.py"), PROXY).unwrap();
    let mut cmd = Command::new("timeout");
    cmd.arg("900").arg("python3").arg(dir.join("proxy.py")).arg(upstream);
    for f in ["server.pem", "server.key", "ca.pem"] {
        cmd.arg(dir.join(f));
    }
    cmd.arg(if require_client { "1" } else { "0" });
    start(cmd, "tls-proxy")
}

fn role_config(url: &str, tls: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    opensearch = {{ source = "opensearch-project/opensearch" }}
  }}
}}

provider "opensearch" {{
  url = "{url}"
{tls}}}

resource "opensearch_role" "reader" {{
  role_name           = "tls-reader"
  cluster_permissions = ["cluster_composite_ops_ro"]
}}
"#
    )
}

#[test]
fn a_private_ca_insecure_and_client_certificates_from_the_provider_block() {
    if Command::new("openssl").arg("version").output().is_err() {
        assert!(std::env::var("STRATA_REQUIRE_OSMEM").as_deref() != Ok("1"), "openssl is not installed");
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: openssl is not installed; test skipped");
        }
        return;
    }
    let d = TempDir::with_files("search-tls", &[]);
    certificates(d.path());
    let backend = search_test_server(Flavour::OpenSearch, None);
    let https = tls_proxy(d.path(), &backend.url, false);
    let ca = d.path().join("ca.pem");

    d.write("main.tf", &role_config(&https.url, ""));
    let untrusted = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(untrusted.code, 1, "{}", untrusted.transcript());
    assert!(untrusted.stderr.to_lowercase().contains("certificate"), "{}", untrusted.stderr);

    d.write("main.tf", &role_config(&https.url, &format!("  cacert_file = \"{}\"\n", ca.display())));
    let trusted = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(trusted.code, 0, "{}", trusted.transcript());
    assert_eq!(request("GET", &format!("{}/_plugins/_security/api/roles/tls-reader", backend.url), None).status, 200);

    d.write("main.tf", &role_config(&https.url, "  insecure = true\n"));
    let plan = run(d.path(), &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());

    // A server that requires a client certificate.
    let mutual = tls_proxy(d.path(), &backend.url, true);
    d.write("main.tf", &role_config(&mutual.url, &format!("  cacert_file = \"{}\"\n", ca.display())));
    let anonymous = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(anonymous.code, 1, "{}", anonymous.transcript());
    let client = format!(
        "  cacert_file      = \"{}\"\n  client_cert_path = \"{}\"\n  client_key_path  = \"{}\"\n",
        ca.display(),
        d.path().join("client.pem").display(),
        d.path().join("client.key").display()
    );
    // A certificate rustls cannot use is a clear error, not a crash.
    d.write("main.tf", &role_config(&mutual.url, &client.replace("client.pem", "client-v1.pem")));
    let v1 = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(v1.code, 1, "{}", v1.transcript());
    assert!(v1.stderr.contains("the client certificate and key cannot be used"), "{}", v1.stderr);
    d.write("main.tf", &role_config(&mutual.url, &client));
    let plan = run(d.path(), &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let destroyed = run(d.path(), &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(destroyed.code, 0, "{}", destroyed.transcript());
}
