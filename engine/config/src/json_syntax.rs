//! Terraform's JSON configuration syntax (`*.tf.json`), read as the HCL it
//! stands for.
//!
//! A JSON file is parsed with positions, then written out as equivalent HCL
//! text (the *shadow*) that the ordinary loader parses. The shadow's
//! [`SourceFile`] records where each piece of it came from, so every
//! diagnostic points at the JSON file's line and column.
//!
//! What a JSON value means depends on where it is, as in Terraform:
//! - a string is a template (`${...}`, `%{...}`), except for the
//!   meta-arguments that take a reference or a keyword (`depends_on`,
//!   `provider`, `ignore_changes`, a variable's `type`, `moved`'s `from`
//!   and `to`, …), whose strings hold an expression;
//! - numbers keep their source text, so they stay exact;
//! - `"//"` properties of objects standing for bodies are comments;
//! - in the bodies of resources, data sources and providers an object (or
//!   an array of objects) under a name could be a nested block or an
//!   attribute: only the provider's schema can tell, so it is written as an
//!   attribute here and the engine's decoder turns it into blocks where the
//!   schema has a block of that name. `lifecycle`, `provisioner`,
//!   `connection` and `dynamic` are known blocks.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;
use strata_diag::{Diagnostic, Diagnostics, OriginSegment, SourceFile, Span};

/// Deeper JSON than this is refused (hcl-edit stops at 64 levels anyway).
const MAX_DEPTH: usize = 128;

// ------------------------------------------------------------------ parsing

#[derive(Debug)]
pub(crate) enum JsonKind {
    Object(Vec<JsonMember>),
    Array(Vec<JsonValue>),
    /// The decoded text; whether the source had backslash escapes.
    String(String, bool),
    Number,
    Bool(bool),
    Null,
}

#[derive(Debug)]
pub(crate) struct JsonValue {
    pub kind: JsonKind,
    /// In the JSON text; strings with their quotes.
    pub span: Range<usize>,
}

#[derive(Debug)]
pub(crate) struct JsonMember {
    pub key: String,
    /// The key with its quotes.
    pub key_span: Range<usize>,
    pub value: JsonValue,
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    file: &'a Arc<SourceFile>,
}

type Parsed<T> = Result<T, Diagnostic>;

impl Parser<'_> {
    fn err(&self, summary: &str, detail: &str, at: Range<usize>) -> Diagnostic {
        let end = at.end.max(at.start + 1).min(self.text.len().max(at.start));
        Diagnostic::error(summary).with_detail(detail).with_span(Span::new(self.file, at.start..end))
    }

    fn ws(&mut self) {
        while let Some(b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes.get(self.pos).copied()
    }

    /// The token at `pos`, for errors: one character.
    fn here(&self) -> Range<usize> {
        let len = self.text[self.pos.min(self.text.len())..].chars().next().map_or(0, char::len_utf8);
        self.pos..self.pos + len
    }

    /// The token after the bracket or brace that closes the one at
    /// `open`: where HCL's parser, having skipped to it, reports a missing comma.
    fn after_close(&self, open: usize) -> Range<usize> {
        let (mut depth, mut i, mut in_string) = (0usize, open, false);
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' if in_string => i += 1,
                b'"' => in_string = !in_string,
                b'{' | b'[' if !in_string => depth += 1,
                b'}' | b']' if !in_string => {
                    depth -= 1;
                    if depth == 0 {
                        let mut j = i + 1;
                        while self.bytes.get(j).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
                            j += 1;
                        }
                        return j..j + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.bytes.len()..self.bytes.len()
    }

    fn value(&mut self, depth: usize) -> Parsed<JsonValue> {
        if depth > MAX_DEPTH {
            return Err(self.err(
                "Nesting too deep",
                &format!("JSON values may nest at most {MAX_DEPTH} levels deep."),
                self.here(),
            ));
        }
        match self.peek() {
            None => Err(self.err("Missing value", "The JSON data ends prematurely.", self.pos..self.pos + 1)),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(|(s, esc, span)| JsonValue { kind: JsonKind::String(s, esc), span }),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(c) if c.is_ascii_alphabetic() => self.keyword(),
            Some(_) => Err(self.err(
                "Missing JSON value",
                "A JSON value must start with a brace, a bracket, a number, a string, or a keyword.",
                self.here(),
            )),
        }
    }

    fn object(&mut self, depth: usize) -> Parsed<JsonValue> {
        let open = self.pos;
        self.pos += 1;
        let mut members = Vec::new();
        loop {
            match self.peek() {
                Some(b'}') if members.is_empty() => break,
                None => {
                    return Err(self.err(
                        "Unclosed object",
                        "No closing brace was found for this JSON object.",
                        open..open + 1,
                    ))
                }
                Some(b'"') => {}
                Some(b']') => {
                    return Err(self.err(
                        "Mismatched braces",
                        "A JSON object must be closed with a brace, not a bracket.",
                        self.here(),
                    ))
                }
                Some(_) => {
                    return Err(self.err(
                        "Invalid object property name",
                        "A JSON object property name must be a string",
                        self.here(),
                    ))
                }
            }
            let (key, _, key_span) = self.string()?;
            if self.peek() != Some(b':') {
                if self.peek().is_none() {
                    return Err(self.err(
                        "Unclosed object",
                        "No closing brace was found for this JSON object.",
                        open..open + 1,
                    ));
                }
                return Err(self.err(
                    "Missing property value colon",
                    "A colon must appear between an object property's name and its value.",
                    self.here(),
                ));
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            members.push(JsonMember { key, key_span, value });
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    if self.peek() == Some(b'}') {
                        return Err(self.err(
                            "Trailing comma in object",
                            "JSON does not permit a trailing comma after the final property in an object.",
                            comma..comma + 1,
                        ));
                    }
                }
                Some(b'}') => break,
                Some(b']') => {
                    return Err(self.err(
                        "Mismatched braces",
                        "A JSON object must be closed with a brace, not a bracket.",
                        self.here(),
                    ))
                }
                None => {
                    return Err(self.err(
                        "Unclosed object",
                        "No closing brace was found for this JSON object.",
                        open..open + 1,
                    ))
                }
                Some(_) => {
                    let at = self.after_close(open);
                    return Err(self.err(
                        "Missing attribute seperator comma",
                        "A comma must appear between each property definition in an object.",
                        at,
                    ));
                }
            }
        }
        self.pos += 1;
        Ok(JsonValue { kind: JsonKind::Object(members), span: open..self.pos })
    }

    fn array(&mut self, depth: usize) -> Parsed<JsonValue> {
        let open = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JsonValue { kind: JsonKind::Array(items), span: open..self.pos });
        }
        loop {
            if self.peek().is_none() {
                return Err(self.err(
                    "Unclosed array",
                    "No closing bracket was found for this JSON array.",
                    open..open + 1,
                ));
            }
            items.push(self.value(depth + 1)?);
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    if self.peek() == Some(b']') {
                        return Err(self.err(
                            "Trailing comma in array",
                            "JSON does not permit a trailing comma after the final value in an array.",
                            comma..comma + 1,
                        ));
                    }
                }
                Some(b']') => break,
                Some(b'}') => {
                    return Err(self.err(
                        "Mismatched brackets",
                        "A JSON array must be closed with a bracket, not a brace.",
                        self.here(),
                    ))
                }
                None => {
                    return Err(self.err(
                        "Unclosed array",
                        "No closing bracket was found for this JSON array.",
                        open..open + 1,
                    ))
                }
                Some(_) => {
                    let at = self.after_close(open);
                    return Err(self.err(
                        "Missing attribute seperator comma",
                        "A comma must appear between each value in an array.",
                        at,
                    ));
                }
            }
        }
        self.pos += 1;
        Ok(JsonValue { kind: JsonKind::Array(items), span: open..self.pos })
    }

    /// A string at `pos` (its opening quote): decoded text, whether it had
    /// escapes, and its span with the quotes.
    fn string(&mut self) -> Parsed<(String, bool, Range<usize>)> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut escaped = false;
        let invalid = |p: &Self, at: usize| {
            let len = p.text[at.min(p.text.len())..].chars().next().map_or(1, char::len_utf8);
            p.err("Invalid JSON string", "There is a syntax error in the given JSON string.", at..at + len)
        };
        loop {
            let Some(c) = self.text[self.pos..].chars().next() else { return Err(invalid(self, self.pos)) };
            match c {
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\\' => {
                    escaped = true;
                    let at = self.pos;
                    let Some(e) = self.bytes.get(self.pos + 1).copied() else { return Err(invalid(self, at)) };
                    self.pos += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = |p: &mut Self| -> Option<u32> {
                                let hex = p.text.get(p.pos..p.pos + 4)?;
                                let v = u32::from_str_radix(hex, 16).ok()?;
                                p.pos += 4;
                                Some(v)
                            };
                            let Some(hi) = unit(self) else { return Err(invalid(self, at)) };
                            let code = if (0xD800..0xDC00).contains(&hi) && self.text[self.pos..].starts_with("\\u") {
                                self.pos += 2;
                                match unit(self) {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                    }
                                    _ => return Err(invalid(self, at)),
                                }
                            } else {
                                hi
                            };
                            match char::from_u32(code) {
                                Some(ch) => out.push(ch),
                                None => return Err(invalid(self, at)),
                            }
                        }
                        _ => return Err(invalid(self, at)),
                    }
                }
                c if (c as u32) < 0x20 => return Err(invalid(self, self.pos)),
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        Ok((out, escaped, open..self.pos))
    }

    fn number(&mut self) -> Parsed<JsonValue> {
        let start = self.pos;
        let b = self.bytes;
        let mut p = self.pos;
        let digits = |p: &mut usize| {
            let s = *p;
            while b.get(*p).is_some_and(u8::is_ascii_digit) {
                *p += 1;
            }
            *p > s
        };
        if b.get(p) == Some(&b'-') {
            p += 1;
        }
        let int_start = p;
        let mut ok = digits(&mut p);
        if ok && b[int_start] == b'0' && p - int_start > 1 {
            ok = false;
        }
        if ok && b.get(p) == Some(&b'.') {
            p += 1;
            ok = digits(&mut p);
        }
        if ok && matches!(b.get(p), Some(b'e' | b'E')) {
            p += 1;
            if matches!(b.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            ok = digits(&mut p);
        }
        // The whole run of number-like characters, for the error's span.
        let mut end = p;
        while b.get(end).is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-')) {
            end += 1;
        }
        if !ok || end != p {
            return Err(self.err(
                "Invalid JSON number",
                "There is a syntax error in the given JSON number.",
                start..end,
            ));
        }
        self.pos = p;
        Ok(JsonValue { kind: JsonKind::Number, span: start..p })
    }

    fn keyword(&mut self) -> Parsed<JsonValue> {
        let start = self.pos;
        while self.bytes.get(self.pos).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
            self.pos += 1;
        }
        let word = &self.text[start..self.pos];
        let kind = match word {
            "true" => JsonKind::Bool(true),
            "false" => JsonKind::Bool(false),
            "null" => JsonKind::Null,
            _ => {
                let mut detail = format!("{word:?} is not a valid JSON keyword.");
                if let Some(s) = strata_diag::did_you_mean(word, ["true", "false", "null"]) {
                    detail.push_str(&format!(" Did you mean {s:?}?"));
                }
                return Err(self.err("Invalid JSON keyword", &detail, start..self.pos));
            }
        };
        Ok(JsonValue { kind, span: start..self.pos })
    }
}

/// Parses a whole JSON document.
pub(crate) fn parse_json(file: &Arc<SourceFile>) -> Result<JsonValue, Diagnostic> {
    let mut p = Parser { text: &file.text, bytes: file.text.as_bytes(), pos: 0, file };
    let v = p.value(0)?;
    if p.peek().is_some() {
        let here = p.here();
        return Err(p.err("Extraneous data after value", "Extra characters appear after the JSON value.", here));
    }
    Ok(v)
}

// ------------------------------------------------------------ to HCL text

/// What a body is, which says which of its properties are nested blocks
/// and which strings hold expressions rather than templates.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum BodyKind {
    /// Attributes only (locals, connection settings…).
    Attributes,
    /// Attributes read without an evaluation context (backend settings,
    /// required_providers): their strings are literal.
    Literals,
    Terraform,
    Variable,
    Output,
    /// Resource and data source bodies.
    Resource,
    /// Nested block bodies of resources and providers (and `dynamic`'s
    /// `content`): attributes, `dynamic` blocks.
    Schema,
    Provider,
    Lifecycle,
    Dynamic,
    Provisioner,
    Module,
    Moved,
    Import,
    Removed,
    Check,
    /// A body with rules (`condition`, `error_message`).
    Rule,
}

/// How a property's value is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ValueKind {
    /// Strings are templates.
    Template,
    /// A literal bool, which Terraform also takes as "true" or "false".
    Bool,
    /// Strings are literal text: what Terraform reads without an
    /// evaluation context (a variable's default, descriptions, a module's
    /// source, required_providers, backend settings).
    Literal,
    /// Strings hold an expression (a reference, a keyword, a type).
    Expression,
    /// A list whose strings hold expressions.
    ExpressionList,
    /// `ignore_changes`: "all", or a list of expression strings.
    ExpressionOrList,
    /// An object whose keys and values are expression strings (a module's `providers`).
    ExpressionObject,
}

/// A nested block type in `kind` bodies: its label count and body kind.
fn nested_block(kind: BodyKind, name: &str) -> Option<(usize, BodyKind)> {
    use BodyKind::*;
    Some(match (kind, name) {
        (Terraform, "required_providers") => (0, Literals),
        (Terraform, "backend" | "provider_meta") => (1, Literals),
        (Terraform, "cloud") => (0, Schema),
        (Variable, "validation") | (Output | Lifecycle, "precondition") | (Lifecycle, "postcondition") => (0, Rule),
        (Resource, "lifecycle") => (0, Lifecycle),
        (Removed, "lifecycle") => (0, Attributes),
        (Resource | Removed, "provisioner") => (1, Provisioner),
        (Resource | Provisioner | Removed, "connection") => (0, Attributes),
        (Resource | Schema | Provider, "dynamic") => (1, Dynamic),
        (Dynamic, "content") => (0, Schema),
        (Check, "data") => (2, Resource),
        (Check, "assert") => (0, Rule),
        _ => return None,
    })
}

fn value_kind(kind: BodyKind, name: &str) -> ValueKind {
    use BodyKind::*;
    match (kind, name) {
        (Variable, "type") | (Resource, "provider") | (Dynamic, "iterator") => ValueKind::Expression,
        (Moved, "from" | "to") | (Import, "to" | "provider") | (Removed, "from") => ValueKind::Expression,
        (Resource | Output | Module, "depends_on") | (Lifecycle, "replace_triggered_by") => ValueKind::ExpressionList,
        (Lifecycle, "ignore_changes") => ValueKind::ExpressionOrList,
        (Module, "providers") => ValueKind::ExpressionObject,
        (Lifecycle, "create_before_destroy" | "prevent_destroy")
        | (Variable, "sensitive" | "nullable" | "ephemeral")
        | (Output, "sensitive" | "ephemeral") => ValueKind::Bool,
        (Literals, _)
        | (Variable, "default" | "description")
        | (Output, "description")
        | (Module, "source" | "version")
        | (Provider, "alias" | "version")
        | (Terraform, "required_version") => ValueKind::Literal,
        _ => ValueKind::Template,
    }
}

/// Top-level block types and their label counts.
fn top_level(name: &str) -> Option<(usize, BodyKind)> {
    Some(match name {
        "terraform" => (0, BodyKind::Terraform),
        "provider" => (1, BodyKind::Provider),
        "variable" => (1, BodyKind::Variable),
        "locals" => (0, BodyKind::Attributes),
        "output" => (1, BodyKind::Output),
        "resource" | "data" | "ephemeral" => (2, BodyKind::Resource),
        "module" => (1, BodyKind::Module),
        "moved" => (0, BodyKind::Moved),
        "import" => (0, BodyKind::Import),
        "removed" => (0, BodyKind::Removed),
        "check" => (1, BodyKind::Check),
        _ => return None,
    })
}

fn label_names(kind: &str) -> &'static str {
    match kind {
        "resource" | "data" | "ephemeral" => "resource",
        "provider" => "provider",
        "variable" => "variable",
        "output" => "output",
        "module" => "module",
        "check" => "check",
        "provisioner" => "provisioner",
        "backend" => "backend",
        "dynamic" => "dynamic",
        _ => "block",
    }
}

/// A block's labels and where each was written.
type Labels = Vec<(String, Range<usize>)>;

/// The HCL text being written and where its pieces came from.
struct Shadow<'a> {
    json: &'a Arc<SourceFile>,
    out: String,
    origin: Vec<OriginSegment>,
    diags: Diagnostics,
}

impl Shadow<'_> {
    /// Writes `text`, standing for `from` in the JSON file.
    fn mapped(&mut self, text: &str, from: Range<usize>) {
        self.origin.push(OriginSegment {
            at: self.out.len(),
            file: self.json.clone(),
            start: from.start,
            len: from.end - from.start,
        });
        self.out.push_str(text);
    }

    fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn span(&self, r: Range<usize>) -> Span {
        Span::new(self.json, r)
    }

    fn error(&mut self, summary: &str, detail: String, at: Range<usize>) {
        self.diags.push(Diagnostic::error(summary).with_detail(detail).with_span(self.span(at)));
    }

    fn location(&self, r: &Range<usize>) -> String {
        let s = self.json.position(r.start);
        let e = self.json.position(r.end);
        if s.line == e.line {
            format!("{}:{},{}-{}", self.json.name, s.line, s.column, e.column)
        } else {
            format!("{}:{},{}-{},{}", self.json.name, s.line, s.column, e.line, e.column)
        }
    }

    // ---- bodies

    /// The root: an object (or an array of objects) of top-level blocks.
    fn root(&mut self, v: &JsonValue) {
        let objects: Vec<&Vec<JsonMember>> = match &v.kind {
            JsonKind::Object(m) => vec![m],
            JsonKind::Array(items) => {
                for i in items.iter().filter(|i| !matches!(i.kind, JsonKind::Object(_))) {
                    self.error(
                        "Incorrect JSON value type",
                        "A JSON object is required here, to define arguments and child blocks.".into(),
                        i.span.start..i.span.start + 1,
                    );
                }
                items
                    .iter()
                    .filter_map(|i| match &i.kind {
                        JsonKind::Object(m) => Some(m),
                        _ => None,
                    })
                    .collect()
            }
            _ => {
                self.error(
                    "Root value must be object",
                    "The root value in a JSON-based configuration must be either a JSON object or a JSON array of objects.".into(),
                    v.span.start..v.span.start + 1,
                );
                return;
            }
        };
        for members in objects {
            for m in members {
                if m.key == "//" {
                    continue;
                }
                match top_level(&m.key) {
                    Some((labels, kind)) => self.blocks(m, labels, kind),
                    None => {
                        let mut detail = format!("No argument or block type is named {:?}.", m.key);
                        let names = [
                            "terraform",
                            "provider",
                            "variable",
                            "locals",
                            "output",
                            "resource",
                            "data",
                            "module",
                            "moved",
                            "import",
                            "removed",
                            "check",
                        ];
                        if let Some(s) = strata_diag::did_you_mean(&m.key, names) {
                            detail.push_str(&format!(" Did you mean {s:?}?"));
                        }
                        self.error("Extraneous JSON object property", detail, m.key_span.clone());
                    }
                }
            }
        }
    }

    /// The blocks property `m` stands for: `labels` levels of objects whose
    /// keys are labels, then the bodies.
    fn blocks(&mut self, m: &JsonMember, labels: usize, kind: BodyKind) {
        let mut found = Vec::new();
        self.label_levels(&m.key, &m.value, labels, &mut Vec::new(), &mut found);
        for (labels, body) in found {
            self.raw("\n");
            match labels.last() {
                // Terraform's range for a labelled block is its body's brace.
                Some(_) => self.mapped(&m.key, body.span.start..body.span.start + 1),
                None => self.mapped(&m.key, m.key_span.start + 1..m.key_span.end - 1),
            }
            for (label, span) in &labels {
                self.raw(" ");
                let quoted = quote(label);
                self.mapped(&quoted, span.clone());
            }
            self.raw(" ");
            self.body(&m.key, body, kind);
        }
    }

    fn label_levels<'v>(
        &mut self,
        block_type: &str,
        v: &'v JsonValue,
        remaining: usize,
        labels: &mut Labels,
        out: &mut Vec<(Labels, &'v JsonValue)>,
    ) {
        if remaining == 0 {
            match &v.kind {
                JsonKind::Object(_) => out.push((labels.clone(), v)),
                JsonKind::Array(items) => {
                    for item in items {
                        match item.kind {
                            JsonKind::Object(_) => out.push((labels.clone(), item)),
                            _ => self.error(
                                "Incorrect JSON value type",
                                "Either a JSON object or JSON array of objects is required here, to define arguments and child blocks.".into(),
                                item.span.start..item.span.start + 1,
                            ),
                        }
                    }
                }
                _ => self.error(
                    "Incorrect JSON value type",
                    format!(
                        "Either a JSON object or a JSON array is required, representing the contents of one or more {block_type:?} blocks."
                    ),
                    v.span.start..v.span.start + 1,
                ),
            }
            return;
        }
        let groups: Vec<&Vec<JsonMember>> = match &v.kind {
            JsonKind::Object(m) => vec![m],
            JsonKind::Array(items) if items.iter().all(|i| matches!(i.kind, JsonKind::Object(_))) => items
                .iter()
                .filter_map(|i| match &i.kind {
                    JsonKind::Object(m) => Some(m),
                    _ => None,
                })
                .collect(),
            _ => {
                self.error(
                    "Incorrect JSON value type",
                    "Either a JSON object or JSON array of objects is required here, to specify name labels for this block.".into(),
                    v.span.clone(),
                );
                self.error(
                    "Missing block label",
                    format!(
                        "At least one object property is required, whose name represents the {} block's {}.",
                        label_names(block_type),
                        if remaining == 1 { "name" } else { "type" }
                    ),
                    v.span.clone(),
                );
                return;
            }
        };
        // At label levels "//" is a label like any other, as in Terraform.
        let members: Vec<&JsonMember> = groups.into_iter().flatten().collect();
        if members.is_empty() {
            self.error(
                "Missing block label",
                format!(
                    "At least one object property is required, whose name represents the {} block's {}.",
                    label_names(block_type),
                    if remaining == 1 { "name" } else { "type" }
                ),
                v.span.clone(),
            );
            return;
        }
        for m in members {
            labels.push((m.key.clone(), m.key_span.clone()));
            self.label_levels(block_type, &m.value, remaining - 1, labels, out);
            labels.pop();
        }
    }

    /// `{ ... }` for a body object.
    fn body(&mut self, block_type: &str, v: &JsonValue, kind: BodyKind) {
        let JsonKind::Object(members) = &v.kind else {
            self.error(
                "Incorrect JSON value type",
                format!("A JSON object is required here, setting the arguments for this {block_type:?} block."),
                v.span.start..v.span.start + 1,
            );
            self.raw("{\n}\n");
            return;
        };
        self.mapped("{", v.span.start..v.span.start + 1);
        self.raw("\n");
        let mut seen: Vec<(&str, Range<usize>)> = Vec::new();
        for m in members {
            if m.key == "//" {
                continue;
            }
            if let Some((labels, nested)) = nested_block(kind, &m.key) {
                self.blocks(m, labels, nested);
                continue;
            }
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == m.key) {
                let first_at = self.location(first);
                self.error(
                    "Duplicate argument",
                    format!("The argument {:?} was already set at {first_at}.", m.key),
                    m.key_span.start..m.value.span.end,
                );
                continue;
            }
            seen.push((&m.key, m.key_span.start..m.value.span.end));
            if !is_identifier(&m.key) {
                let summary = if block_type == "locals" { "Invalid local value name" } else { "Invalid argument name" };
                self.error(
                    summary,
                    "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.".into(),
                    m.key_span.clone(),
                );
                continue;
            }
            let how = value_kind(kind, &m.key);
            if !self.expression_strings_parse(&m.value, how) {
                continue;
            }
            self.ident(&m.key, &m.key_span);
            self.raw(" = ");
            self.value(&m.value, how);
            self.raw("\n");
        }
        self.mapped("}", v.span.end.saturating_sub(1)..v.span.end);
        self.raw("\n");
    }

    /// A property name as an identifier, at the name inside its quotes.
    fn ident(&mut self, key: &str, key_span: &Range<usize>) {
        self.mapped(key, key_span.start + 1..key_span.end.saturating_sub(1).max(key_span.start + 1));
    }

    // ---- expressions

    fn value(&mut self, v: &JsonValue, how: ValueKind) {
        match (&v.kind, how) {
            (JsonKind::String(s, _), ValueKind::Expression | ValueKind::ExpressionOrList) => {
                self.expression_string(s, v)
            }
            (JsonKind::Array(items), ValueKind::ExpressionList | ValueKind::ExpressionOrList) => {
                self.mapped("[", v.span.start..v.span.start + 1);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.raw(", ");
                    }
                    match &item.kind {
                        JsonKind::String(s, _) => self.expression_string(s, item),
                        _ => self.value(item, ValueKind::Template),
                    }
                }
                self.mapped("]", v.span.end - 1..v.span.end);
            }
            (JsonKind::Object(members), ValueKind::ExpressionObject) => {
                self.mapped("{", v.span.start..v.span.start + 1);
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        self.raw(", ");
                    }
                    self.mapped(&m.key, m.key_span.start + 1..m.key_span.end - 1);
                    self.raw(" = ");
                    match &m.value.kind {
                        JsonKind::String(s, _) => self.expression_string(s, &m.value),
                        _ => self.value(&m.value, ValueKind::Template),
                    }
                }
                self.mapped("}", v.span.end - 1..v.span.end);
            }
            (JsonKind::String(s, _), ValueKind::Bool) if s == "true" || s == "false" => self.mapped(s, v.span.clone()),
            (JsonKind::String(s, _), ValueKind::Literal) => self.mapped(&quote(s), v.span.clone()),
            (JsonKind::String(s, escaped), _) => {
                let text = template_string(s, *escaped, &self.json.text[v.span.clone()]);
                if (s.contains("${") || s.contains("%{")) && !self.template_parses(&text, v) {
                    self.mapped("null", v.span.clone());
                    return;
                }
                self.mapped(&text, v.span.clone());
            }
            (JsonKind::Number, _) => {
                let text = self.json.text[v.span.clone()].to_string();
                self.mapped(&text, v.span.clone());
            }
            (JsonKind::Bool(b), _) => self.mapped(if *b { "true" } else { "false" }, v.span.clone()),
            (JsonKind::Null, _) => self.mapped("null", v.span.clone()),
            (JsonKind::Array(items), _) => {
                self.mapped("[", v.span.start..v.span.start + 1);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.raw(", ");
                    }
                    self.value(item, if how == ValueKind::Literal { how } else { ValueKind::Template });
                }
                self.mapped("]", v.span.end - 1..v.span.end);
            }
            (JsonKind::Object(members), _) => {
                self.mapped("{", v.span.start..v.span.start + 1);
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        self.raw(", ");
                    }
                    let key = if how == ValueKind::Literal { quote(&m.key) } else { template_string(&m.key, true, "") };
                    self.mapped(&key, m.key_span.clone());
                    self.raw(" = ");
                    self.value(&m.value, if how == ValueKind::Literal { how } else { ValueKind::Template });
                }
                self.mapped("}", v.span.end - 1..v.span.end);
            }
        }
    }

    /// Whether a template (as the HCL string `text`, standing for JSON
    /// string `v`) parses; its error is reported where it is when not.
    fn template_parses(&mut self, text: &str, v: &JsonValue) -> bool {
        let file = SourceFile::derived(
            self.json.name.clone(),
            text,
            vec![OriginSegment { at: 0, file: self.json.clone(), start: v.span.start, len: v.span.len() }],
        );
        match strata_lang::syntax::parse_expr(&file, text) {
            Ok(_) => true,
            Err(d) => {
                self.diags.push(d);
                false
            }
        }
    }

    /// Whether the strings of `v` that hold expressions parse; each that
    /// does not is reported, and the attribute left out.
    fn expression_strings_parse(&mut self, v: &JsonValue, how: ValueKind) -> bool {
        let strings: Vec<&JsonValue> = match (&v.kind, how) {
            (JsonKind::String(..), ValueKind::Expression | ValueKind::ExpressionOrList) => vec![v],
            (JsonKind::Array(items), ValueKind::ExpressionList | ValueKind::ExpressionOrList) => {
                items.iter().filter(|i| matches!(i.kind, JsonKind::String(..))).collect()
            }
            (JsonKind::Object(members), ValueKind::ExpressionObject) => {
                members.iter().map(|m| &m.value).filter(|i| matches!(i.kind, JsonKind::String(..))).collect()
            }
            _ => Vec::new(),
        };
        let mut ok = true;
        for item in strings {
            let JsonKind::String(s, _) = &item.kind else { continue };
            let content = item.span.start + 1..item.span.end.saturating_sub(1).max(item.span.start + 1);
            let parsed = hcl_edit::parser::parse_expr(s);
            if s.trim().is_empty() || parsed.is_err() || s.contains(['\n', '\r']) {
                let detail = match parsed {
                    Err(e) => format!("The string must hold a valid expression: {}.", e.message()),
                    Ok(_) => "The string must hold a valid expression.".to_string(),
                };
                self.error("Invalid expression", detail, content);
                ok = false;
            }
        }
        ok
    }

    /// A string holding an expression, written as that expression at the
    /// string's content (as Terraform parses it: from after the quote).
    fn expression_string(&mut self, s: &str, v: &JsonValue) {
        let content = v.span.start + 1..v.span.end.saturating_sub(1).max(v.span.start + 1);
        self.mapped(s, content);
    }
}

/// `s` as an HCL quoted string standing for the same template: template
/// sequences (`${...}`, `%{...}`) are kept as written, literal text escaped.
fn template_string(s: &str, escaped: bool, raw: &str) -> String {
    // Without escapes in the JSON, its text is already valid HCL.
    if !escaped && !raw.is_empty() && !s.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let b = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if rest.starts_with("$${") || rest.starts_with("%%{") {
            out.push_str(&rest[..3]);
            i += 3;
            continue;
        }
        if (rest.starts_with("${") || rest.starts_with("%{")) && b.len() > i + 1 {
            let end = sequence_end(s, i + 2);
            out.push_str(&s[i..end]);
            i = end;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
        i += c.len_utf8();
    }
    out.push('"');
    out
}

/// Where the template sequence whose body starts at `start` ends: after
/// its closing brace, skipping braces in nested strings and sequences.
fn sequence_end(s: &str, start: usize) -> usize {
    #[derive(PartialEq)]
    enum Mode {
        Sequence(usize),
        Str,
    }
    let b = s.as_bytes();
    let mut stack = vec![Mode::Sequence(1)];
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        match stack.last_mut() {
            Some(Mode::Sequence(depth)) => match c {
                b'"' => stack.push(Mode::Str),
                b'{' => *depth += 1,
                b'}' => {
                    *depth -= 1;
                    if *depth == 0 {
                        stack.pop();
                        if stack.is_empty() {
                            return i + 1;
                        }
                    }
                }
                _ => {}
            },
            Some(Mode::Str) => match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    if i > 0 && b[i - 1] == c {
                        // `$${`: an escape, not a sequence.
                    } else {
                        stack.push(Mode::Sequence(1));
                        i += 1;
                    }
                }
                _ => {}
            },
            None => return i,
        }
        i += 1;
    }
    b.len()
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' => out.push(c),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    // A label is literal: `${` in it must not start a template.
    let out = out.replace("${", "$${").replace("%{", "%%{");
    out + "\""
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// The HCL text a JSON configuration file stands for, as a file whose
/// spans lead back to `json`; with the problems found on the way. `None`
/// when the JSON itself does not parse.
pub(crate) fn json_to_hcl(json: &Arc<SourceFile>) -> (Option<Arc<SourceFile>>, Diagnostics) {
    let value = match parse_json(json) {
        Ok(v) => v,
        Err(d) => {
            let mut diags = Diagnostics::new();
            diags.push(d);
            return (None, diags);
        }
    };
    let mut shadow = Shadow { json, out: String::new(), origin: Vec::new(), diags: Diagnostics::new() };
    shadow.root(&value);
    let Shadow { out, origin, diags, .. } = shadow;
    (Some(SourceFile::derived(json.name.clone(), out, origin)), diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shadow(json: &str) -> (String, Vec<String>) {
        let file = SourceFile::new("main.tf.json", json);
        let (out, diags) = json_to_hcl(&file);
        let msgs = diags
            .iter()
            .map(|d| format!("{}: {}", d.summary, d.span.as_ref().map(|s| s.to_string()).unwrap_or_default()))
            .collect();
        (out.map(|f| f.text.clone()).unwrap_or_default(), msgs)
    }

    #[test]
    fn resources_and_templates() {
        let (hcl, diags) = shadow(
            r#"{"//": "top", "resource": {"terraform_data": {"a": {"input": "${var.x}-\"q\"", "count": 2, "depends_on": ["terraform_data.b"], "lifecycle": {"ignore_changes": "all"}}}}}"#,
        );
        assert!(diags.is_empty(), "{diags:?}");
        let body = hcl_edit::parser::parse_body(&hcl).expect(&hcl);
        let block = body.get_blocks("resource").next().unwrap();
        assert_eq!(block.labels.len(), 2);
        assert!(hcl.contains(r#"input = "${var.x}-\"q\"""#), "{hcl}");
        assert!(hcl.contains("depends_on = [terraform_data.b]"), "{hcl}");
        assert!(hcl.contains("ignore_changes = all"), "{hcl}");
    }

    #[test]
    fn strings_inside_interpolations_keep_their_quotes() {
        let (hcl, _) = shadow(r#"{"locals": {"a": "${join(\",\", [\"x\"])}\n"}}"#);
        assert!(hcl.contains(r#"a = "${join(",", ["x"])}\n""#), "{hcl}");
    }

    #[test]
    fn syntax_errors_are_located() {
        let (_, diags) = shadow("{\"locals\": {\"a\": 1,}}");
        assert_eq!(diags, vec!["Trailing comma in object: main.tf.json:1:19".to_string()]);
        let (_, diags) = shadow("{\"locals\": {\"a\": tru}}");
        assert_eq!(diags, vec!["Invalid JSON keyword: main.tf.json:1:18".to_string()]);
        let (_, diags) = shadow("");
        assert_eq!(diags, vec!["Missing value: main.tf.json:1:1".to_string()]);
        let (_, diags) = shadow("[1]");
        assert_eq!(diags, vec!["Incorrect JSON value type: main.tf.json:1:2".to_string()]);
        let (_, diags) = shadow("\"x\"");
        assert_eq!(diags, vec!["Root value must be object: main.tf.json:1:1".to_string()]);
        let (_, diags) = shadow("{\"locals\": {\"a\": [1 2]}}");
        assert_eq!(diags, vec!["Missing attribute seperator comma: main.tf.json:1:23".to_string()]);
        let (_, diags) = shadow(&"[".repeat(100_000));
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn spans_lead_back_to_the_json() {
        let json = "{\n  \"output\": {\n    \"o\": {\n      \"value\": \"${var.nope}\"\n    }\n  }\n}\n";
        let file = SourceFile::new("main.tf.json", json);
        let (shadow, _) = json_to_hcl(&file);
        let shadow = shadow.unwrap();
        let at = shadow.text.find("var.nope").unwrap();
        let span = Span::new(&shadow, at..at + 8).resolved();
        assert_eq!(span.to_string(), "main.tf.json:4:19");
        assert_eq!(span.text(), "var.nope");
    }
}
