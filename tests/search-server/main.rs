//! `search-test-server`: the OpenSearch and Elasticsearch APIs no offline
//! server provides — ISM, snapshot management, security roles, snapshot
//! repositories (OpenSearch); ILM, SLM, snapshot repositories
//! (Elasticsearch) — served from memory with the request checks, status
//! codes, error types and answer shapes their documentation gives. Every
//! other request goes unchanged to `--upstream` (osmem-server, a real
//! OpenSearch-compatible server for templates, indices and settings).
//!
//! ```text
//! search-test-server --listen 127.0.0.1:0 [--upstream URL] [--flavour opensearch|elasticsearch]
//!                    [--username U --password P] [--no-stdin-watch]
//! ```
//!
//! Prints `{"url":"http://127.0.0.1:PORT"}` once it listens, and exits when
//! stdin closes (so a test that dies cannot leave it running).
//!
//! It proves the shapes and the rules of the APIs, not their effects over
//! time: no ISM state ever transitions, no snapshot is ever taken, no role
//! is ever evaluated against a search.

mod common;
mod elastic;
mod http;
mod ism;
mod security;
mod sm;
mod snapshot;

use http::{Reply, Request};
use serde_json::json;
use std::io::BufReader;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flavour {
    OpenSearch,
    Elasticsearch,
}

pub struct Server {
    pub flavour: Flavour,
    /// `host:port` of the upstream server.
    pub upstream: Option<String>,
    credentials: Option<(String, String)>,
    pub state: Mutex<State>,
}

/// Everything the server holds, under one lock (requests are few and small).
#[derive(Default)]
pub struct State {
    /// The last `_seq_no` given out in the plugins' config index.
    pub config_seq: u64,
    pub ism: ism::Ism,
    pub sm: sm::Sm,
    pub roles: security::Roles,
    pub repositories: snapshot::Repositories,
    pub elastic: elastic::Elastic,
}

impl State {
    pub fn next_seq(&mut self) -> u64 {
        self.config_seq += 1;
        self.config_seq
    }
}

impl Server {
    /// Index name → uuid, as the upstream holds them (none without one).
    pub fn indices(&self) -> Result<std::collections::BTreeMap<String, String>, Reply> {
        let Some(up) = &self.upstream else { return Ok(Default::default()) };
        let (status, v) = http::upstream_get(up, "/_cat/indices?format=json&expand_wildcards=all")
            .map_err(|e| common::error(502, "upstream_exception", &e))?;
        if status != 200 {
            return Err(common::error(502, "upstream_exception", &format!("_cat/indices answered {status}")));
        }
        Ok(v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| Some((i["index"].as_str()?.to_string(), i["uuid"].as_str().unwrap_or("_na_").to_string())))
            .collect())
    }

    fn forward(&self, req: &Request) -> Reply {
        match &self.upstream {
            Some(up) => http::forward(up, req),
            None => {
                let path = req.target.split('?').next().unwrap_or("/");
                common::error(
                    404,
                    "resource_not_found_exception",
                    &format!("no upstream serves [{} {path}]", req.method),
                )
            }
        }
    }

    fn authorized(&self, req: &Request) -> Option<Reply> {
        let (user, password) = self.credentials.as_ref()?;
        let given = req.header("authorization").and_then(|a| {
            let (scheme, value) = a.split_once(' ')?;
            scheme.eq_ignore_ascii_case("basic").then(|| base64_decode(value.trim())).flatten()
        });
        let path = req.target.split('?').next().unwrap_or("/");
        let refused = match &given {
            Some(g) if *g == format!("{user}:{password}") => return None,
            Some(g) => {
                format!("unable to authenticate user [{}] for REST request [{path}]", g.split(':').next().unwrap_or(""))
            }
            None => format!("missing authentication credentials for REST request [{path}]"),
        };
        Some(match self.flavour {
            // The security plugin answers a bare 401 with a challenge.
            Flavour::OpenSearch => {
                Reply::text(401, "Unauthorized").with_header("WWW-Authenticate", "Basic realm=\"OpenSearch Security\"")
            }
            Flavour::Elasticsearch => {
                let challenge = "Basic realm=\"security\", charset=\"UTF-8\"";
                let mut body = common::error_body(401, "security_exception", &refused, None);
                body["error"]["header"] = json!({"WWW-Authenticate": [challenge]});
                body["error"]["root_cause"][0]["header"] = json!({"WWW-Authenticate": [challenge]});
                Reply::json(401, &body).with_header("WWW-Authenticate", challenge)
            }
        })
    }

    fn root(&self) -> Reply {
        Reply::json(
            200,
            &match self.flavour {
                Flavour::OpenSearch => json!({
                    "name": "search-test-server",
                    "cluster_name": "strata-test",
                    "cluster_uuid": "strata-test-cluster",
                    "version": {
                        "distribution": "opensearch",
                        "number": "2.17.1",
                        "build_type": "tar",
                        "build_hash": "search-test-server",
                        "build_date": "2024-10-01T00:00:00.000000Z",
                        "build_snapshot": false,
                        "lucene_version": "9.11.1",
                        "minimum_wire_compatibility_version": "7.10.0",
                        "minimum_index_compatibility_version": "7.0.0"
                    },
                    "tagline": "The OpenSearch Project: https://opensearch.org/"
                }),
                Flavour::Elasticsearch => json!({
                    "name": "search-test-server",
                    "cluster_name": "strata-test",
                    "cluster_uuid": "strata-test-cluster",
                    "version": {
                        "number": "8.15.3",
                        "build_flavor": "default",
                        "build_type": "tar",
                        "build_hash": "search-test-server",
                        "build_date": "2024-10-09T00:00:00.000000000Z",
                        "build_snapshot": false,
                        "lucene_version": "9.11.1",
                        "minimum_wire_compatibility_version": "7.17.0",
                        "minimum_index_compatibility_version": "7.0.0"
                    },
                    "tagline": "You Know, for Search"
                }),
            },
        )
    }

    pub fn handle(&self, req: &Request) -> Reply {
        if let Some(refused) = self.authorized(req) {
            return refused;
        }
        let seg: Vec<&str> = req.segments.iter().map(String::as_str).collect();
        if seg.is_empty() && matches!(req.method.as_str(), "GET" | "HEAD") {
            return self.root();
        }
        let served = match self.flavour {
            Flavour::OpenSearch => ism::route(self, req, &seg)
                .or_else(|| sm::route(self, req, &seg))
                .or_else(|| security::route(self, req, &seg)),
            Flavour::Elasticsearch => elastic::route(self, req, &seg),
        }
        .or_else(|| snapshot::route(self, req, &seg));
        if let Some(reply) = served {
            return reply;
        }
        match self.flavour {
            Flavour::OpenSearch => {
                ism::before_forward(self, req);
                let reply = self.forward(req);
                ism::after_forward(self, req, &seg, &reply);
                reply
            }
            Flavour::Elasticsearch => elastic::forward(self, req, &seg),
        }
    }
}

fn base64_decode(s: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).ok()
}

fn serve(server: Arc<Server>, conn: TcpStream) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(300)));
    let Ok(write) = conn.try_clone() else { return };
    let mut write = write;
    let mut read = BufReader::new(conn);
    // Bounded: a client sends at most this many requests on one connection.
    for _ in 0..100_000 {
        let req = match http::read_request(&mut read) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(e) => {
                let reply = common::error(400, "illegal_argument_exception", &format!("bad request: {e}"));
                let _ = http::write_reply(&mut write, &reply, false, false);
                return;
            }
        };
        let reply = server.handle(&req);
        // One line per request, as moto logs them (scripts/lib/server-errors.sh shows the 5xx ones).
        #[allow(clippy::print_stderr)]
        {
            let path = req.target.split('?').next().unwrap_or("/");
            eprintln!("\"{} {path} HTTP/1.1\" {} -", req.method, reply.status);
        }
        if http::write_reply(&mut write, &reply, req.method == "HEAD", req.keep_alive).is_err() || !req.keep_alive {
            return;
        }
    }
}

fn usage(problem: &str) -> ! {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("search-test-server: {problem}");
        eprintln!("usage: search-test-server --listen 127.0.0.1:0 [--upstream URL] [--flavour opensearch|elasticsearch] [--username U --password P] [--no-stdin-watch]");
    }
    std::process::exit(2)
}

fn main() {
    let mut listen = "127.0.0.1:0".to_string();
    let mut upstream = None;
    let mut flavour = Flavour::OpenSearch;
    let (mut username, mut password) = (None, None);
    let mut stdin_watch = true;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().unwrap_or_else(|| usage(&format!("{name} needs a value")));
        match arg.as_str() {
            "--listen" => listen = value("--listen"),
            "--upstream" => {
                let url = value("--upstream");
                upstream = Some(http::authority(&url).unwrap_or_else(|e| usage(&e)));
            }
            "--flavour" => {
                flavour = match value("--flavour").as_str() {
                    "opensearch" => Flavour::OpenSearch,
                    "elasticsearch" => Flavour::Elasticsearch,
                    other => usage(&format!("unknown flavour {other:?}")),
                }
            }
            "--username" => username = Some(value("--username")),
            "--password" => password = Some(value("--password")),
            "--no-stdin-watch" => stdin_watch = false,
            other => usage(&format!("unknown argument {other:?}")),
        }
    }
    let credentials = match (username, password) {
        (Some(u), Some(p)) => Some((u, p)),
        (None, None) => None,
        _ => usage("--username and --password go together"),
    };
    let listener = TcpListener::bind(&listen).unwrap_or_else(|e| usage(&format!("cannot listen on {listen}: {e}")));
    let addr = listener.local_addr().unwrap_or_else(|e| usage(&e.to_string()));
    let server = Arc::new(Server { flavour, upstream, credentials, state: Mutex::new(State::default()) });
    if stdin_watch {
        std::thread::spawn(|| {
            let mut sink = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
            std::process::exit(0);
        });
    }
    #[allow(clippy::print_stdout)]
    {
        println!("{}", json!({"url": format!("http://{addr}")}));
    }
    for conn in listener.incoming().flatten() {
        let server = server.clone();
        std::thread::spawn(move || serve(server, conn));
    }
}
