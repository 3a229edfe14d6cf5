//! The search servers the OpenSearch and Elasticsearch tests talk to, on
//! 127.0.0.1: osmem-server (PyPI `osmem-server`, a real OpenSearch-compatible
//! server: templates, indices, settings; `$STRATA_OSMEM_SERVER` names its
//! binary, scripts/test.sh installs it) and this repository's
//! `search-test-server` (ISM, SM, roles, snapshot repositories, ILM, SLM,
//! forwarding everything else to osmem). Both stop when dropped, and by
//! themselves when the test process dies (their stdin closes). Without
//! osmem the tests that need it say so and skip, unless
//! `STRATA_REQUIRE_OSMEM=1` (CI sets it).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    OpenSearch,
    Elasticsearch,
}

pub struct Server {
    pub url: String,
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Closing stdin ends the server; the kill makes sure.
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn log_file(name: &str) -> Stdio {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    match std::env::var_os("STRATA_TEST_LOG_DIR") {
        Some(dir) => std::fs::File::create(PathBuf::from(dir).join(format!("{name}-{}-{n}.log", std::process::id())))
            .map(Stdio::from)
            .unwrap_or_else(|_| Stdio::null()),
        None => Stdio::null(),
    }
}

/// Starts `cmd`, which prints `{"url": ...}` on its first stdout line when
/// it is ready (30 s at most).
pub fn start(mut cmd: Command, what: &str) -> Server {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(log_file(what))
        .spawn()
        .unwrap_or_else(|e| panic!("{what} starts: {e}"));
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(l) => l,
        Err(_) => {
            let _ = child.kill();
            panic!("{what} printed no URL within 30 s")
        }
    };
    let url = serde_json::from_str::<serde_json::Value>(&line)
        .ok()
        .and_then(|v| v["url"].as_str().map(String::from))
        .unwrap_or_else(|| {
            let _ = child.kill();
            panic!("{what} did not start (its first line: {line:?}); see its log in STRATA_TEST_LOG_DIR")
        });
    let stdin = child.stdin.take();
    Server { url, child, stdin }
}

/// osmem-server on a free loopback port, or `None` (with a note) when
/// `STRATA_OSMEM_SERVER` is not set; CI (`STRATA_REQUIRE_OSMEM=1`) fails instead.
pub fn osmem() -> Option<Server> {
    let binary = std::env::var_os("STRATA_OSMEM_SERVER").map(PathBuf::from).filter(|p| p.is_file());
    let Some(binary) = binary else {
        assert!(
            std::env::var("STRATA_REQUIRE_OSMEM").as_deref() != Ok("1"),
            "STRATA_OSMEM_SERVER does not name the osmem-server binary (scripts/test.sh installs PyPI osmem-server==0.1.6)"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: STRATA_OSMEM_SERVER is not set (scripts/test.sh installs osmem-server); test skipped");
        }
        return None;
    };
    let mut cmd = Command::new("timeout");
    cmd.arg("1800").arg(binary).args(["-addr", "127.0.0.1:0", "-no-ja"]);
    Some(start(cmd, "osmem"))
}

pub fn search_test_server(flavour: Flavour, upstream: Option<&str>) -> Server {
    search_test_server_with(flavour, upstream, None)
}

/// The test server; with `credentials` it requires them (HTTP basic auth).
pub fn search_test_server_with(flavour: Flavour, upstream: Option<&str>, credentials: Option<(&str, &str)>) -> Server {
    let mut cmd = Command::new("timeout");
    cmd.arg("1800").arg(env!("CARGO_BIN_EXE_search-test-server")).args(["--listen", "127.0.0.1:0"]);
    cmd.args([
        "--flavour",
        match flavour {
            Flavour::OpenSearch => "opensearch",
            Flavour::Elasticsearch => "elasticsearch",
        },
    ]);
    if let Some(up) = upstream {
        cmd.args(["--upstream", up]);
    }
    if let Some((u, p)) = credentials {
        cmd.args(["--username", u, "--password", p]);
    }
    start(cmd, "search-test-server")
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.0 request on loopback with an optional JSON body.
pub fn request(method: &str, url: &str, body: Option<&str>) -> Response {
    request_as(method, url, body, None)
}

/// The same with HTTP basic auth.
pub fn request_as(method: &str, url: &str, body: Option<&str>, credentials: Option<(&str, &str)>) -> Response {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut s = std::net::TcpStream::connect(host).unwrap_or_else(|e| panic!("{host}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.0\r\nHost: {host}\r\n");
    if let Some((u, p)) = credentials {
        req.push_str(&format!("Authorization: Basic {}\r\n", base64(&format!("{u}:{p}"))));
    }
    let body = body.unwrap_or("");
    req.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()));
    s.write_all(req.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let out = String::from_utf8_lossy(&out).to_string();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((out.as_str(), ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    Response { status, headers, body: body.to_string() }
}

fn base64(s: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_of_credentials() {
    assert_eq!(base64("elastic:changeme"), "ZWxhc3RpYzpjaGFuZ2VtZQ==");
    assert_eq!(base64("ab"), "YWI=");
}
