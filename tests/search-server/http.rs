//! Just enough HTTP/1.1 for the test server: requests read from a
//! connection (Content-Length or chunked bodies, keep-alive), answers
//! written back, and one request passed on to the upstream server over a
//! fresh connection (`Connection: close`, read to the end).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Bodies above this are refused (the APIs served take small documents).
const MAX_BODY: usize = 32 * 1024 * 1024;

pub struct Request {
    pub method: String,
    /// The raw target: path and query, as sent.
    pub target: String,
    /// The path split into percent-decoded segments.
    pub segments: Vec<String>,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub keep_alive: bool,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// The body as JSON: `None` when empty, `Err` when it does not parse.
    pub fn json(&self) -> Result<Option<serde_json::Value>, String> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&self.body).map(Some).map_err(|e| e.to_string())
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json; charset=UTF-8".into())],
            body: serde_json::to_vec(body).unwrap_or_default(),
        }
    }
    pub fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "text/plain; charset=UTF-8".into())],
            body: body.as_bytes().to_vec(),
        }
    }
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// The body as JSON, when it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Status",
    }
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_target(target: &str) -> (Vec<String>, Vec<(String, String)>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let segments = path.split('/').filter(|s| !s.is_empty()).map(|s| percent_decode(&s.replace('+', "%2B"))).collect();
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    (segments, query)
}

fn read_line(r: &mut impl BufRead) -> std::io::Result<Option<String>> {
    let mut line = String::new();
    let n = r.by_ref().take(64 * 1024).read_line(&mut line)?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_string()))
}

fn read_headers(r: &mut impl BufRead) -> std::io::Result<Vec<(String, String)>> {
    let mut headers = Vec::new();
    for _ in 0..200 {
        match read_line(r)? {
            None => return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "headers cut short")),
            Some(l) if l.is_empty() => return Ok(headers),
            Some(l) => {
                if let Some((k, v)) = l.split_once(':') {
                    headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
        }
    }
    Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "too many headers"))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// A body framed by Content-Length or chunked encoding; `to_end` reads
/// until the peer closes when neither is given (responses only).
fn read_body(r: &mut impl BufRead, headers: &[(String, String)], to_end: bool) -> std::io::Result<Vec<u8>> {
    let invalid = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
    if header(headers, "transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        let mut body = Vec::new();
        loop {
            let line = read_line(r)?.ok_or_else(|| invalid("chunk cut short"))?;
            let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| invalid("bad chunk size"))?;
            if size == 0 {
                // Trailers, then the empty line.
                while read_line(r)?.is_some_and(|l| !l.is_empty()) {}
                return Ok(body);
            }
            if body.len() + size > MAX_BODY {
                return Err(invalid("body too large"));
            }
            let start = body.len();
            body.resize(start + size, 0);
            r.read_exact(&mut body[start..])?;
            read_line(r)?;
        }
    }
    match header(headers, "content-length") {
        Some(n) => {
            let n: usize = n.parse().map_err(|_| invalid("bad content-length"))?;
            if n > MAX_BODY {
                return Err(invalid("body too large"));
            }
            let mut body = vec![0; n];
            r.read_exact(&mut body)?;
            Ok(body)
        }
        None if to_end => {
            let mut body = Vec::new();
            r.take(MAX_BODY as u64).read_to_end(&mut body)?;
            Ok(body)
        }
        None => Ok(Vec::new()),
    }
}

/// The next request on a connection, or `None` when the client closed it.
pub fn read_request(r: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let Some(line) = read_line(r)? else { return Ok(None) };
    if line.is_empty() {
        return read_request(r);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), version) = (parts.next(), parts.next(), parts.next().unwrap_or("HTTP/1.0")) else {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "bad request line"));
    };
    let headers = read_headers(r)?;
    let body = read_body(r, &headers, false)?;
    let connection = header(&headers, "connection").map(str::to_ascii_lowercase);
    let keep_alive = match version {
        "HTTP/1.0" => connection.as_deref() == Some("keep-alive"),
        _ => connection.as_deref() != Some("close"),
    };
    let (segments, query) = parse_target(target);
    Ok(Some(Request {
        method: method.to_ascii_uppercase(),
        target: target.to_string(),
        segments,
        query,
        headers,
        body,
        keep_alive,
    }))
}

const HOP_BY_HOP: [&str; 5] = ["connection", "keep-alive", "transfer-encoding", "content-length", "upgrade"];

pub fn write_reply(w: &mut impl Write, reply: &Reply, head_only: bool, keep_alive: bool) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        if !HOP_BY_HOP.contains(&k.to_ascii_lowercase().as_str()) {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    out.push_str(&format!("content-length: {}\r\n", reply.body.len()));
    out.push_str(if keep_alive { "connection: keep-alive\r\n\r\n" } else { "connection: close\r\n\r\n" });
    w.write_all(out.as_bytes())?;
    if !head_only {
        w.write_all(&reply.body)?;
    }
    w.flush()
}

/// `host:port` of an `http://` URL.
pub fn authority(url: &str) -> Result<String, String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| format!("{url}: only http:// upstreams are supported"))?;
    Ok(rest.split('/').next().unwrap_or(rest).to_string())
}

/// Sends `req` unchanged (method, target, headers but the hop-by-hop ones,
/// body) to `upstream` (`host:port`) and returns its answer.
pub fn forward(upstream: &str, req: &Request) -> Reply {
    match try_forward(upstream, req) {
        Ok(r) => r,
        Err(e) => Reply::json(
            502,
            &serde_json::json!({"error": {"root_cause": [{"type": "upstream_exception", "reason": format!("upstream {upstream}: {e}")}], "type": "upstream_exception", "reason": format!("upstream {upstream}: {e}")}, "status": 502}),
        ),
    }
}

fn try_forward(upstream: &str, req: &Request) -> std::io::Result<Reply> {
    let mut s = TcpStream::connect(upstream)?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    s.set_write_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.target);
    for (k, v) in &req.headers {
        if !HOP_BY_HOP.contains(&k.to_ascii_lowercase().as_str()) {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    if !req.body.is_empty() || matches!(req.method.as_str(), "POST" | "PUT" | "PATCH") {
        head.push_str(&format!("content-length: {}\r\n", req.body.len()));
    }
    head.push_str("connection: close\r\n\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(&req.body)?;
    s.flush()?;
    let mut r = BufReader::new(s);
    let status_line =
        read_line(&mut r)?.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no answer"))?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "bad status line"))?;
    let headers = read_headers(&mut r)?;
    let body = if req.method == "HEAD" { Vec::new() } else { read_body(&mut r, &headers, true)? };
    let headers = headers.into_iter().filter(|(k, _)| !HOP_BY_HOP.contains(&k.to_ascii_lowercase().as_str())).collect();
    Ok(Reply { status, headers, body })
}

/// Calls the upstream directly (the server's own questions, such as which
/// indices exist): JSON answer or an error.
pub fn upstream_get(upstream: &str, target: &str) -> Result<(u16, serde_json::Value), String> {
    let req = Request {
        method: "GET".into(),
        target: target.into(),
        segments: Vec::new(),
        query: Vec::new(),
        headers: vec![("host".into(), upstream.into()), ("accept".into(), "application/json".into())],
        body: Vec::new(),
        keep_alive: false,
    };
    let reply = try_forward(upstream, &req).map_err(|e| e.to_string())?;
    let v = serde_json::from_slice(&reply.body).map_err(|e| format!("{target}: {e}"))?;
    Ok((reply.status, v))
}
