//! JSON strings in the human plan, drawn as Terraform 1.11 draws them: a
//! string holding a JSON object or array opens up as `jsonencode(` … `)`
//! and shows what changed inside (a task definition's new image tag is one
//! `~ image = "…" -> "…"` line), with `# (N unchanged attributes hidden)`;
//! JSON that differs only in spacing is marked `# whitespace changes`.
//!
//! Arrays of the same length compare position by position; otherwise by
//! longest common subsequence, an object removed where another is added
//! counting as that object changed (Terraform's `ProcessSlice`). Unlike
//! values of the language, a JSON `null` is a value: `"a": null` is not a
//! missing key.

use crate::plan_view::show;
use crate::value_diff::{hidden_note, important, key_text, pad, sequence_of, Op};
use serde_json::Value as Json;
use strata_lang::Value;

/// The JSON object or array a string holds; `None` for other strings
/// (JSON scalars such as `"1"` stay plain strings, as in Terraform).
pub fn parse(s: &str) -> Option<Json> {
    let t = s.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    serde_json::from_str(s).ok()
}

/// A whole JSON document (created, deleted, or kept), every element with
/// `sym`; `indent` is the column of the attribute's own symbol.
pub fn whole_document(v: &Json, sym: char, indent: usize) -> String {
    if is_empty_collection(v) {
        return format!("jsonencode({})", scalar(v));
    }
    format!("jsonencode(\n{}  {}\n{})", pad(indent + 4), whole(v, sym, indent + 4), pad(indent + 2))
}

/// A changed JSON document, or `None` when either side is not one.
pub fn changed_document(before: &str, after: &str, indent: usize) -> Option<String> {
    let (b, a) = (parse(before)?, parse(after)?);
    if b == a {
        return Some(format!(
            "jsonencode( # whitespace changes\n{}  {}\n{})",
            pad(indent + 4),
            whole(&a, ' ', indent + 4),
            pad(indent + 2)
        ));
    }
    Some(format!("jsonencode(\n{}~ {}\n{})", pad(indent + 4), changed(&b, &a, indent + 4), pad(indent + 2)))
}

fn is_empty_collection(v: &Json) -> bool {
    match v {
        Json::Object(m) => m.is_empty(),
        Json::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn scalar(v: &Json) -> String {
    match v {
        Json::String(s) => show(&Value::string(s.as_str())),
        Json::Object(m) if m.is_empty() => "{}".into(),
        Json::Array(a) if a.is_empty() => "[]".into(),
        other => other.to_string(),
    }
}

fn width<'a>(keys: impl Iterator<Item = &'a String>) -> usize {
    keys.map(|k| key_text(k, false).len()).max().unwrap_or(0)
}

fn whole(v: &Json, sym: char, indent: usize) -> String {
    match v {
        Json::Object(m) if !m.is_empty() => {
            let w = width(m.keys());
            let mut out = String::from("{\n");
            for (k, x) in sorted(m) {
                out.push_str(&format!(
                    "{}{sym} {:w$} = {}\n",
                    pad(indent + 4),
                    key_text(k, false),
                    whole(x, sym, indent + 4)
                ));
            }
            out.push_str(&format!("{}}}", pad(indent + 2)));
            out
        }
        Json::Array(items) if !items.is_empty() => {
            let mut out = String::from("[\n");
            for x in items {
                out.push_str(&format!("{}{sym} {},\n", pad(indent + 4), whole(x, sym, indent + 4)));
            }
            out.push_str(&format!("{}]", pad(indent + 2)));
            out
        }
        other => scalar(other),
    }
}

fn sorted(m: &serde_json::Map<String, Json>) -> Vec<(&String, &Json)> {
    let mut entries: Vec<(&String, &Json)> = m.iter().collect();
    entries.sort_by(|x, y| x.0.cmp(y.0));
    entries
}

/// The right-hand side of a changed JSON value: opened up when both sides
/// are objects or both arrays, `old -> new` otherwise.
fn changed(b: &Json, a: &Json, indent: usize) -> String {
    match (b, a) {
        (Json::Object(x), Json::Object(y)) => object_diff(x, y, indent),
        (Json::Array(x), Json::Array(y)) => array_diff(x, y, indent),
        (Json::Object(_) | Json::Array(_), _) | (_, Json::Object(_) | Json::Array(_)) => {
            format!("{} -> {}", whole(b, '-', indent), whole(a, '+', indent))
        }
        _ => format!("{} -> {}", scalar(b), scalar(a)),
    }
}

fn object_diff(b: &serde_json::Map<String, Json>, a: &serde_json::Map<String, Json>, indent: usize) -> String {
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let w = width(keys.iter().copied());
    let at = pad(indent + 4);
    let mut out = String::from("{\n");
    let mut hidden = 0;
    for k in keys {
        let name = key_text(k, false);
        match (b.get(k), a.get(k)) {
            (None, Some(y)) => out.push_str(&format!("{at}+ {name:w$} = {}\n", whole(y, '+', indent + 4))),
            (Some(x), None) => out.push_str(&format!("{at}- {name:w$} = {}\n", whole(x, '-', indent + 4))),
            (Some(x), Some(y)) if x == y => {
                if important(k) {
                    out.push_str(&format!("{at}  {name:w$} = {}\n", whole(y, ' ', indent + 4)));
                } else {
                    hidden += 1;
                }
            }
            (Some(x), Some(y)) => out.push_str(&format!("{at}~ {name:w$} = {}\n", changed(x, y, indent + 4))),
            (None, None) => {}
        }
    }
    out.push_str(&hidden_note(hidden, "attribute", indent + 6));
    out.push_str(&format!("{}}}", pad(indent + 2)));
    out
}

/// How two arrays line up (see the module comment).
fn align(b: &[Json], a: &[Json]) -> Vec<Op> {
    if b.len() == a.len() {
        return (0..a.len()).map(|i| if b[i] == a[i] { Op::Same(i) } else { Op::Changed(i, i) }).collect();
    }
    let (n, m) = (b.len(), a.len());
    // Beyond this size a positional comparison keeps the work bounded.
    if n.saturating_mul(m) > 4_000_000 {
        return (0..n.max(m))
            .flat_map(|i| match (b.get(i), a.get(i)) {
                (Some(x), Some(y)) if x == y => vec![Op::Same(i)],
                (Some(_), Some(_)) => vec![Op::Changed(i, i)],
                (Some(_), None) => vec![Op::Removed(i)],
                _ => vec![Op::Added(i)],
            })
            .collect();
    }
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if b[i] == a[j] { table[i + 1][j + 1] + 1 } else { table[i + 1][j].max(table[i][j + 1]) };
        }
    }
    // The common subsequence as (before, after) index pairs.
    let mut common = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if b[i] == a[j] {
            common.push((i, j));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    for (ci, cj) in common.into_iter().chain(std::iter::once((n, m))) {
        while i < ci {
            if b[i].is_object() && j < cj && a[j].is_object() {
                ops.push(Op::Changed(i, j));
                j += 1;
            } else {
                ops.push(Op::Removed(i));
            }
            i += 1;
        }
        while j < cj {
            ops.push(Op::Added(j));
            j += 1;
        }
        if ci < n {
            ops.push(Op::Same(cj));
            i += 1;
            j += 1;
        }
    }
    ops
}

/// Each change with the unchanged element just before and after it, for
/// context; longer unchanged runs are counted.
fn array_diff(b: &[Json], a: &[Json], indent: usize) -> String {
    sequence_of(&align(b, a), b, a, indent, false, whole, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(b: &str, a: &str) -> String {
        changed_document(b, a, 6).expect("both are JSON documents")
    }

    #[test]
    fn a_changed_image_is_one_line() {
        let before =
            r#"[{"name":"web","image":"nginx:1.25","cpu":256,"essential":true},{"name":"sidecar","image":"envoy:1"}]"#;
        let after = before.replace("1.25", "1.26");
        let out = diff(before, &after);
        assert_eq!(out.lines().filter(|l| l.contains("->")).count(), 1, "{out}");
        assert!(out.contains(r#"~ image     = "nginx:1.25" -> "nginx:1.26""#), "{out}");
        assert!(out.contains("# (2 unchanged attributes hidden)"), "{out}");
    }

    #[test]
    fn arrays_of_other_lengths_pair_objects_and_line_up_the_rest() {
        let out = diff(r#"[1,{"n":"a"},2]"#, r#"[{"n":"b"},2]"#);
        let expected = "jsonencode(\n          ~ [\n              - 1,\n              ~ {\n                  ~ n = \"a\" -> \"b\"\n                },\n                2,\n            ]\n        )";
        assert_eq!(out, expected);
    }

    #[test]
    fn spacing_alone_is_a_whitespace_change_and_scalars_are_not_documents() {
        assert!(diff("{\"a\":1}", "{ \"a\": 1 }").starts_with("jsonencode( # whitespace changes\n"));
        assert!(changed_document("\"x\"", "\"y\"", 6).is_none());
        assert!(changed_document("1", "2", 6).is_none());
    }
}
