//! Values as Terraform's console and `output` print them.

use crate::types::Type;
use crate::value::{Kind, Value};

/// Terraform's console formatting (`terraform console`, `terraform output NAME`).
pub fn console(v: &Value) -> String {
    let mut out = String::new();
    format_value(v, 0, &mut out);
    out
}

fn format_value(v: &Value, indent: usize, out: &mut String) {
    if v.is_unknown() {
        out.push_str("(known after apply)");
        return;
    }
    if v.is_sensitive() {
        out.push_str("(sensitive value)");
        return;
    }
    match v.kind() {
        Kind::Null(t) => out.push_str(&match t {
            Type::Dynamic => "null".to_string(),
            Type::String => "tostring(null)".into(),
            Type::Number => "tonumber(null)".into(),
            Type::Bool => "tobool(null)".into(),
            Type::List(e) => format!("tolist(null) /* of {} */", e.friendly_name()),
            Type::Set(e) => format!("toset(null) /* of {} */", e.friendly_name()),
            Type::Map(e) => format!("tomap(null) /* of {} */", e.friendly_name()),
            t => format!("null /* {} */", t.friendly_name()),
        }),
        Kind::Unknown(_) => unreachable!("handled above"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) => out.push_str(&n.to_string()),
        Kind::String(s) => {
            if !format_multiline(s, indent, out) {
                out.push_str(&go_quote(s));
            }
        }
        Kind::Object(items) => format_mapping(items, indent, out),
        Kind::Tuple(items) => format_sequence(items, indent, out),
        Kind::List(_, items) => {
            out.push_str("tolist(");
            format_sequence(items, indent, out);
            out.push(')');
        }
        Kind::Set(_, items) => {
            out.push_str("toset(");
            format_sequence(items, indent, out);
            out.push(')');
        }
        Kind::Map(_, items) => {
            out.push_str("tomap(");
            format_mapping(items, indent, out);
            out.push(')');
        }
    }
}

fn format_multiline(s: &str, indent: usize, out: &mut String) -> bool {
    let lines: Vec<&str> = s.split('\n').collect();
    if lines.len() < 2 {
        return false;
    }
    let mut delimiter = String::from("EOT");
    while lines.iter().any(|l| l.trim() == delimiter) {
        delimiter.push('_');
    }
    out.push_str(if indent > 0 { "<<-" } else { "<<" });
    out.push_str(&delimiter);
    for line in lines {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
        out.push_str(line);
    }
    out.push('\n');
    out.push_str(&" ".repeat(indent));
    out.push_str(&delimiter);
    true
}

fn format_mapping(items: &crate::Fields, indent: usize, out: &mut String) {
    out.push('{');
    for (k, v) in items {
        out.push('\n');
        out.push_str(&" ".repeat(indent + 2));
        // Keys print as string values do, heredoc and all.
        if !format_multiline(k, indent + 2, out) {
            out.push_str(&go_quote(k));
        }
        out.push_str(" = ");
        format_value(v, indent + 2, out);
    }
    if !items.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push('}');
}

fn format_sequence(items: &[Value], indent: usize, out: &mut String) {
    out.push('[');
    for v in items {
        out.push('\n');
        out.push_str(&" ".repeat(indent + 2));
        format_value(v, indent + 2, out);
        out.push(',');
    }
    if !items.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push(']');
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols
/// and the ASCII space.
pub fn go_is_print(c: char) -> bool {
    use std::sync::OnceLock;
    static PRINTABLE: OnceLock<regex::Regex> = OnceLock::new();
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    let re = PRINTABLE
        .get_or_init(|| regex::Regex::new(r"\A[\p{L}\p{M}\p{N}\p{P}\p{S}]\z").expect("printable class is valid"));
    let mut buf = [0u8; 4];
    re.is_match(c.encode_utf8(&mut buf))
}

/// Go's `strconv.Quote`: printable Unicode kept, the rest escaped.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}
