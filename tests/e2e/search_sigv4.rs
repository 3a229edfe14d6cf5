//! AWS SigV4 signing of the search providers' requests, checked the way a
//! managed domain checks it: a proxy in front of the search test server
//! recomputes every request's signature with botocore (from the moto venv)
//! for the keys it knows, and refuses with 403 what does not match, as
//! Amazon OpenSearch Service does. Credentials from the provider block and
//! from the environment; the secret key never shown.

use crate::moto::moto;
use crate::search_support::*;
use crate::support::*;
use std::process::Command;

const VERIFIER: &str = r#"
import hmac, http.server, json, sys, threading, urllib.error, urllib.request
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

upstream, key_id, secret, region, service = sys.argv[1:6]

def verify(method, path, headers, body):
    auth = headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "the request is not signed"
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    scope = parts["Credential"].split("/")
    if scope[0] != key_id or scope[2] != region or scope[3] != service or scope[4] != "aws4_request":
        return "unexpected credential scope " + parts["Credential"]
    signed = parts["SignedHeaders"].split(";")
    if "host" not in signed or "x-amz-date" not in signed:
        return "host and x-amz-date must be signed"
    request = AWSRequest(method=method, url="http://" + headers["Host"] + path, data=body,
                         headers={h: headers[h] for h in signed})
    request.context["timestamp"] = headers["X-Amz-Date"]
    signer = SigV4Auth(Credentials(key_id, secret, headers.get("X-Amz-Security-Token")), service, region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, parts["Signature"]):
        return "The request signature we calculated does not match the signature you provided."
    return None

class Handler(http.server.BaseHTTPRequestHandler):
    def forward(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        problem = verify(self.command, self.path, self.headers, body)
        if problem:
            data = json.dumps({"message": problem}).encode()
            status = 403
        else:
            req = urllib.request.Request(upstream + self.path, data=body or None, method=self.command)
            req.add_header("Content-Type", self.headers.get("Content-Type", "application/json"))
            try:
                r = urllib.request.urlopen(req, timeout=30)
                status, data = r.status, r.read()
            except urllib.error.HTTPError as e:
                status, data = e.code, e.read()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward
    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(json.dumps({"url": "http://127.0.0.1:%d" % server.server_address[1]}), flush=True)
threading.Thread(target=lambda: (sys.stdin.read(), server.shutdown()), daemon=True).start()
server.serve_forever()
"#;

const KEY_ID: &str = "AKIDSTRATATEST";
const SECRET: &str = "sEcReT/K7MDENG+bPxRfiCYSTRATAKEY";

fn role_config(url: &str, auth: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    opensearch = {{ source = "opensearch-project/opensearch" }}
  }}
}}

provider "opensearch" {{
  url               = "{url}"
  sign_aws_requests = true
  aws_region        = "eu-west-1"
{auth}}}

resource "opensearch_role" "shipper" {{
  role_name           = "sigv4-shipper"
  cluster_permissions = ["indices:data/write/bulk"]
}}
"#
    )
}

#[test]
fn requests_to_a_managed_domain_are_signed_as_aws_checks_them() {
    let backend = search_test_server(Flavour::OpenSearch, None);
    let d = TempDir::with_files("search-sigv4", &[]);
    d.write("verifier.py", VERIFIER);
    let mut cmd = Command::new("timeout");
    cmd.arg("900").arg(&moto().python).arg(d.path().join("verifier.py"));
    cmd.args([backend.url.as_str(), KEY_ID, SECRET, "eu-west-1", "es"]);
    let domain = start(cmd, "sigv4-verifier");

    // Keys in the provider block.
    let keys = format!("  aws_access_key    = \"{KEY_ID}\"\n  aws_secret_key    = \"{SECRET}\"\n");
    d.write("main.tf", &role_config(&domain.url, &keys));
    let apply = run(d.path(), &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert!(!apply.transcript().contains(SECRET), "{}", apply.transcript());
    assert_eq!(
        request("GET", &format!("{}/_plugins/_security/api/roles/sigv4-shipper", backend.url), None).status,
        200
    );

    // A wrong secret is refused by the domain, and the refusal shown.
    d.write("main.tf", &role_config(&domain.url, &keys.replace(SECRET, "not-the-secret")));
    let refused = run(d.path(), &["plan", "-no-color"]);
    assert_eq!(refused.code, 1, "{}", refused.transcript());
    assert!(refused.stderr.contains("403"), "{}", refused.stderr);
    assert!(refused.stderr.contains("The request signature we calculated"), "{}", refused.stderr);
    assert!(!refused.transcript().contains("not-the-secret"), "{}", refused.transcript());

    // Keys from the environment, through the SDK's default chain.
    d.write("main.tf", &role_config(&domain.url, ""));
    let env = [("AWS_ACCESS_KEY_ID", KEY_ID), ("AWS_SECRET_ACCESS_KEY", SECRET), ("AWS_EC2_METADATA_DISABLED", "true")];
    let plan = run_with(d.path(), &["plan", "-detailed-exitcode", "-no-color"], &env, None);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let destroy = run_with(d.path(), &["destroy", "-auto-approve", "-no-color"], &env, None);
    assert_eq!(destroy.code, 0, "{}", destroy.transcript());
    assert_eq!(
        request("GET", &format!("{}/_plugins/_security/api/roles/sigv4-shipper", backend.url), None).status,
        404
    );
}
