//! What every API here shares: the error shape both products answer with,
//! the clock, index-name patterns, and the sequence numbers of the
//! plugins' config index (ISM and SM policies live in one index, so their
//! `_seq_no`s come from one counter).

use crate::http::Reply;
use serde_json::{json, Value as Json};

/// `{"error": {"root_cause": [..], "type", "reason"}, "status"}`.
pub fn error(status: u16, kind: &str, reason: &str) -> Reply {
    Reply::json(status, &error_body(status, kind, reason, None))
}

/// The same with a `caused_by` (the root cause is then the cause).
pub fn error_caused(status: u16, kind: &str, reason: &str, cause_kind: &str, cause: &str) -> Reply {
    Reply::json(status, &error_body(status, kind, reason, Some((cause_kind, cause))))
}

pub fn error_body(status: u16, kind: &str, reason: &str, cause: Option<(&str, &str)>) -> Json {
    let root = match cause {
        Some((k, r)) => json!({"type": k, "reason": r}),
        None => json!({"type": kind, "reason": reason}),
    };
    let mut e = json!({"root_cause": [root], "type": kind, "reason": reason});
    if let Some((k, r)) = cause {
        e["caused_by"] = json!({"type": k, "reason": r});
    }
    json!({"error": e, "status": status})
}

pub fn bad_json(e: &str) -> Reply {
    error(400, "x_content_parse_exception", &format!("Failed to parse request body: {e}"))
}

pub fn body_required() -> Reply {
    error(400, "parse_exception", "request body is required")
}

pub fn no_handler(method: &str, path: &str) -> Reply {
    Reply::json(
        400,
        &json!({"error": format!("no handler found for uri [{path}] and method [{method}]"), "status": 400}),
    )
}

pub fn now_millis() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Milliseconds since the epoch as `2026-12-07T23:40:00.123Z`.
pub fn iso_time(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z", rem / 3600, rem % 3600 / 60, rem % 60, ms % 1000)
}

/// A name pattern with `*` wildcards.
pub fn glob(pattern: &str, name: &str) -> bool {
    fn m(p: &[u8], n: &[u8]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some((b'*', rest)) => (0..=n.len()).any(|i| m(rest, &n[i..])),
            Some((c, rest)) => n.split_first().is_some_and(|(d, nr)| c == d && m(rest, nr)),
        }
    }
    m(pattern.as_bytes(), name.as_bytes())
}

/// `a,b*` or `_all`: the names in `all` it selects, sorted; and the
/// concrete names (no wildcard) that matched nothing.
pub fn select<'a>(expr: &str, all: impl Iterator<Item = &'a String> + Clone) -> (Vec<String>, Vec<String>) {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for part in expr.split(',').filter(|p| !p.is_empty()) {
        let part = if part == "_all" { "*" } else { part };
        let hits: Vec<String> = all.clone().filter(|n| glob(part, n)).cloned().collect();
        if hits.is_empty() && !part.contains('*') {
            missing.push(part.to_string());
        }
        found.extend(hits);
    }
    found.sort();
    found.dedup();
    (found, missing)
}

/// Settings values as the servers return them: strings, nested objects
/// flattened into dotted keys.
pub fn string_settings(v: &Json) -> serde_json::Map<String, Json> {
    fn walk(prefix: &str, v: &Json, out: &mut serde_json::Map<String, Json>) {
        match v {
            Json::Object(m) => {
                for (k, v) in m {
                    let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&key, v, out);
                }
            }
            Json::String(s) => {
                out.insert(prefix.to_string(), Json::String(s.clone()));
            }
            Json::Null => {}
            Json::Array(a) => {
                let parts: Vec<String> =
                    a.iter().map(|x| x.as_str().map(String::from).unwrap_or_else(|| x.to_string())).collect();
                out.insert(prefix.to_string(), Json::String(parts.join(",")));
            }
            other => {
                out.insert(prefix.to_string(), Json::String(other.to_string()));
            }
        }
    }
    let mut out = serde_json::Map::new();
    walk("", v, &mut out);
    out
}

/// A document's versions in one config index.
#[derive(Clone, Copy, Debug)]
pub struct Versions {
    pub seq_no: u64,
    pub primary_term: u64,
    pub version: u64,
}

/// The checks `if_seq_no` / `if_primary_term` make on a write; the
/// conflict is OpenSearch's `version_conflict_engine_exception`.
pub fn check_versions(id: &str, current: Option<Versions>, seq_no: u64, primary_term: u64) -> Result<(), Reply> {
    match current {
        None => Err(error(
            409,
            "version_conflict_engine_exception",
            &format!("[{id}]: version conflict, required seqNo [{seq_no}], primary term [{primary_term}]. but no document was found"),
        )),
        Some(c) if c.seq_no != seq_no || c.primary_term != primary_term => Err(error(
            409,
            "version_conflict_engine_exception",
            &format!(
                "[{id}]: version conflict, required seqNo [{seq_no}], primary term [{primary_term}]. current document has seqNo [{}] and primary term [{}]",
                c.seq_no, c.primary_term
            ),
        )),
        Some(_) => Ok(()),
    }
}

pub fn already_exists(id: &str, current: Versions) -> Reply {
    error(
        409,
        "version_conflict_engine_exception",
        &format!("[{id}]: version conflict, document already exists (current version [{}])", current.version),
    )
}

/// `if_seq_no` and `if_primary_term`, both or neither.
pub fn version_params(req: &crate::http::Request) -> Result<Option<(u64, u64)>, Reply> {
    match (req.param("if_seq_no"), req.param("if_primary_term")) {
        (None, None) => Ok(None),
        (Some(s), Some(p)) => match (s.parse(), p.parse()) {
            (Ok(s), Ok(p)) => Ok(Some((s, p))),
            _ => Err(error(400, "illegal_argument_exception", "if_seq_no and if_primary_term are whole numbers")),
        },
        _ => Err(error(
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: ifSeqNo is unassigned, but primary term is [1];",
        )),
    }
}

/// The shards part of a write answer.
pub fn shards() -> Json {
    json!({"total": 2, "successful": 1, "failed": 0})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_patterns() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_time(1_656_425_122_909), "2022-06-28T14:05:22.909Z");
        assert!(glob("logs-*", "logs-2026.12"));
        assert!(!glob("logs-*", "metrics-1"));
        assert!(glob("*", ""));
    }
}
