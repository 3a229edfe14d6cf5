//! The YAML of rule files and Alertmanager configurations: read into a tree
//! that remembers where each node is (a problem names its line), and
//! written in one stable block style (what Strata writes reads back the
//! same, and a hand edit shows as a difference).

use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    /// The text, and whether it was plain (unquoted: `5` and `true` are
    /// numbers and booleans to a reader that wants them).
    Scalar(String, bool),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub pos: Pos,
}

impl Node {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries().iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
    }
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            Kind::Map(m) => m,
            _ => &[],
        }
    }
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(s) => s,
            _ => &[],
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }
    pub fn is_map(&self) -> bool {
        matches!(self.kind, Kind::Map(_))
    }
    pub fn is_seq(&self) -> bool {
        matches!(self.kind, Kind::Seq(_))
    }
    /// What a Go YAML reader sees: a name for messages ("!!seq").
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Null => "!!null",
            Kind::Scalar(s, true) if s.parse::<i64>().is_ok() => "!!int",
            Kind::Scalar(s, true) if s.parse::<f64>().is_ok() => "!!float",
            Kind::Scalar(s, true) if matches!(s.as_str(), "true" | "false" | "True" | "False" | "TRUE" | "FALSE") => {
                "!!bool"
            }
            Kind::Scalar(..) => "!!str",
            Kind::Seq(_) => "!!seq",
            Kind::Map(_) => "!!map",
        }
    }
}

/// Reads one YAML document (an empty one is null); a syntax error names
/// its line and column.
pub fn parse(src: &str) -> Result<Node, crate::Problem> {
    let mut events = Vec::new();
    for ev in Parser::new_from_str(src) {
        match ev {
            Ok((e, span)) => {
                let pos = Pos { line: span.start.line(), column: span.start.col() + 1 };
                let done = matches!(e, Event::StreamEnd);
                events.push((e, pos));
                if done {
                    break;
                }
            }
            Err(e) => {
                let m = e.marker();
                return Err(crate::Problem::new(format!("yaml: {}", e.info()))
                    .at_pos(Pos { line: m.line(), column: m.col() + 1 }));
            }
        }
        if events.len() > 5_000_000 {
            return Err(crate::Problem::new("yaml: document too large"));
        }
    }
    let mut r = Reader { events, at: 0, anchors: HashMap::new() };
    let mut documents = Vec::new();
    while let Some((ev, _)) = r.events.get(r.at) {
        match ev {
            Event::StreamStart | Event::DocumentEnd => r.at += 1,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                r.at += 1;
                documents.push(r.node(0)?);
            }
            _ => return Err(crate::Problem::new("yaml: unexpected content").at_pos(r.events[r.at].1)),
        }
    }
    match documents.len() {
        0 => Ok(Node { kind: Kind::Null, pos: Pos { line: 1, column: 1 } }),
        1 => Ok(documents.pop().expect("one document")),
        _ => Err(crate::Problem::new("yaml: expected a single document")),
    }
}

struct Reader<'a> {
    events: Vec<(Event<'a>, Pos)>,
    at: usize,
    anchors: HashMap<usize, Node>,
}

impl Reader<'_> {
    fn node(&mut self, depth: usize) -> Result<Node, crate::Problem> {
        if depth > 200 {
            return Err(crate::Problem::new("yaml: nested too deeply"));
        }
        let Some((ev, pos)) = self.events.get(self.at).cloned() else {
            return Err(crate::Problem::new("yaml: unexpected end of document"));
        };
        self.at += 1;
        let (node, anchor) = match ev {
            Event::Scalar(text, style, anchor, _) => {
                let plain = style == ScalarStyle::Plain;
                let null = plain && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL");
                let kind = if null { Kind::Null } else { Kind::Scalar(text.into_owned(), plain) };
                (Node { kind, pos }, anchor)
            }
            Event::Alias(id) => {
                let found = self.anchors.get(&id).cloned();
                return found.ok_or_else(|| crate::Problem::new("yaml: unknown anchor").at_pos(pos));
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                while !matches!(self.events.get(self.at), Some((Event::SequenceEnd, _)) | None) {
                    items.push(self.node(depth + 1)?);
                }
                self.at += 1;
                (Node { kind: Kind::Seq(items), pos }, anchor)
            }
            Event::MappingStart(anchor, _) => {
                let mut entries = Vec::new();
                while !matches!(self.events.get(self.at), Some((Event::MappingEnd, _)) | None) {
                    let key = self.node(depth + 1)?;
                    let value = self.node(depth + 1)?;
                    entries.push((key, value));
                }
                self.at += 1;
                (Node { kind: Kind::Map(entries), pos }, anchor)
            }
            _ => return Err(crate::Problem::new("yaml: unexpected content").at_pos(pos)),
        };
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }
}

/// A value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Seq(Vec<Out>),
    Map(Vec<(String, Out)>),
}

impl Out {
    pub fn str(s: impl Into<String>) -> Out {
        Out::Str(s.into())
    }
}

/// `value` as a block-style YAML document (two-space indents, sequences
/// under their key, multi-line strings as literal blocks).
pub fn emit(value: &Out) -> String {
    let mut out = String::new();
    match value {
        Out::Map(m) if m.is_empty() => out.push_str("{}\n"),
        Out::Seq(s) if s.is_empty() => out.push_str("[]\n"),
        Out::Map(m) => emit_map(m, 0, &mut out),
        Out::Seq(s) => emit_seq(s, 0, &mut out),
        scalar => {
            out.push_str(&inline(scalar, 0));
            out.push('\n');
        }
    }
    out
}

fn emit_map(entries: &[(String, Out)], indent: usize, out: &mut String) {
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 || !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&quote(k));
        out.push(':');
        emit_value(v, indent, out);
    }
}

fn emit_seq(items: &[Out], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            Out::Map(m) if !m.is_empty() => emit_map(m, indent + 2, out),
            Out::Seq(s) if !s.is_empty() => {
                out.push('\n');
                emit_seq(s, indent + 2, out);
            }
            scalar => {
                out.push_str(&inline(scalar, indent + 2));
                out.push('\n');
            }
        }
    }
}

/// After `key:`.
fn emit_value(v: &Out, indent: usize, out: &mut String) {
    match v {
        Out::Map(m) if !m.is_empty() => {
            out.push('\n');
            emit_map(m, indent + 2, out);
        }
        Out::Seq(s) if !s.is_empty() => {
            out.push('\n');
            emit_seq(s, indent, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&inline(scalar, indent + 2));
            out.push('\n');
        }
    }
}

fn inline(v: &Out, indent: usize) -> String {
    match v {
        Out::Str(s) => match literal_block(s, indent) {
            Some(block) => block,
            None => quote(s),
        },
        Out::Int(n) => n.to_string(),
        Out::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.1}"),
        Out::Float(f) if f.is_nan() => ".nan".into(),
        Out::Float(f) if f.is_infinite() => if *f > 0.0 { ".inf" } else { "-.inf" }.into(),
        Out::Float(f) => f.to_string(),
        Out::Bool(b) => b.to_string(),
        Out::Seq(_) => "[]".into(),
        Out::Map(_) => "{}".into(),
    }
}

/// A multi-line string as `|` / `|-` when that reads back exactly.
fn literal_block(s: &str, indent: usize) -> Option<String> {
    if !s.contains('\n') {
        return None;
    }
    let (body, chomp) = match s.strip_suffix('\n') {
        Some(b) if !b.ends_with('\n') => (b, "|"),
        Some(_) => return None,
        None => (s, "|-"),
    };
    let printable = body.chars().all(|c| c == '\n' || c == '\t' || !c.is_control());
    let trailing_space = body.lines().any(|l| l.ends_with(' ') || l.ends_with('\t'));
    if !printable || trailing_space || body.starts_with(' ') || body.starts_with('\n') || body.is_empty() {
        return None;
    }
    let pad = " ".repeat(indent);
    let mut out = chomp.to_string();
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    Some(out)
}

/// Plain when nothing could read it as anything else, else double-quoted.
pub fn quote(s: &str) -> String {
    let reserved = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    let plain = !s.is_empty()
        && !reserved
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '/')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/'))
        && s.parse::<f64>().is_err()
        && !s.starts_with("0x")
        && !s.starts_with("0o")
        && !s.contains("..");
    if plain {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn back(node: &Node) -> Out {
        match &node.kind {
            Kind::Null => Out::str("null"),
            Kind::Scalar(s, _) => Out::Str(s.clone()),
            Kind::Seq(items) => Out::Seq(items.iter().map(back).collect()),
            Kind::Map(m) => Out::Map(m.iter().map(|(k, v)| (k.as_str().unwrap().to_string(), back(v))).collect()),
        }
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let doc = Out::Map(vec![(
            "groups".into(),
            Out::Seq(vec![Out::Map(vec![
                ("name".into(), Out::str("api-slo")),
                (
                    "rules".into(),
                    Out::Seq(vec![Out::Map(vec![
                        ("alert".into(), Out::str("ErrorBudgetBurn")),
                        ("expr".into(), Out::str("sum(rate(x[5m]))\n  > 14.4 * 0.001")),
                        ("for".into(), Out::str("2m")),
                        ("labels".into(), Out::Map(vec![("severity".into(), Out::str("page"))])),
                        ("annotations".into(), Out::Map(vec![("summary".into(), Out::str("{{ $value }}: \"hot\"\n"))])),
                        ("empty".into(), Out::Map(vec![])),
                        ("yes".into(), Out::str("yes")),
                        ("n".into(), Out::str("5")),
                    ])]),
                ),
            ])]),
        )]);
        let text = emit(&doc);
        assert_eq!(
            text,
            "groups:\n- name: api-slo\n  rules:\n  - alert: ErrorBudgetBurn\n    expr: |-\n      sum(rate(x[5m]))\n        > 14.4 * 0.001\n    for: 2m\n    labels:\n      severity: page\n    annotations:\n      summary: |\n        {{ $value }}: \"hot\"\n    empty: {}\n    \"yes\": \"yes\"\n    \"n\": \"5\"\n"
        );
        let read = parse(&text).unwrap();
        assert_eq!(back(&read), doc);
        let rules = read.get("groups").unwrap().items()[0].get("rules").unwrap();
        // A literal block is where its text starts.
        assert_eq!(rules.items()[0].get("expr").unwrap().pos.line, 6);
    }

    #[test]
    fn syntax_errors_name_their_line() {
        let e = parse("groups:\n- name: a\n  rules: [\n").unwrap_err();
        assert!(e.pos.is_some_and(|p| p.line >= 3), "{e:?}");
    }
}
