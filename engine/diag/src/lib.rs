//! Diagnostics with source spans, shared by every Strata layer.
//!
//! A [`Diagnostic`] carries a severity, a one-line summary, a detail paragraph
//! and (usually) the [`Span`] of the offending source. Layers collect them in a
//! [`Diagnostics`] list instead of stopping at the first problem; only the CLI
//! renders them. This crate knows nothing about HCL, values or the CLI.

use std::fmt;
use std::sync::Arc;

/// One source file as loaded, kept whole so diagnostics can quote it.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown to users: a path relative to the working directory.
    pub name: String,
    pub text: String,
    /// For text derived from other files (a JSON file rewritten as HCL, a
    /// block merged from an override file): where each piece came from.
    /// Spans are moved to those files when a diagnostic takes them.
    pub origin: Option<Vec<OriginSegment>>,
}

/// Bytes `at..` of a derived text came from `file`, starting at `start`
/// and at most `len` long (beyond, offsets stay at the piece's end).
#[derive(Debug, Clone)]
pub struct OriginSegment {
    pub at: usize,
    pub file: Arc<SourceFile>,
    pub start: usize,
    pub len: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        Arc::new(SourceFile { name: name.into(), text: text.into(), origin: None })
    }

    /// A derived text and where its pieces came from (segments sorted by `at`).
    pub fn derived(name: impl Into<String>, text: impl Into<String>, origin: Vec<OriginSegment>) -> Arc<SourceFile> {
        Arc::new(SourceFile { name: name.into(), text: text.into(), origin: Some(origin) })
    }

    /// The file and offset that `offset` of this text stands for.
    fn origin_of(self: &Arc<Self>, offset: usize) -> (Arc<SourceFile>, usize, usize) {
        let Some(segments) = &self.origin else { return (self.clone(), offset, usize::MAX) };
        let i = segments.partition_point(|s| s.at <= offset);
        let Some(seg) = i.checked_sub(1).and_then(|i| segments.get(i)) else {
            return (self.clone(), offset, usize::MAX);
        };
        let within = (offset - seg.at).min(seg.len);
        let (file, at, limit) = seg.file.origin_of(seg.start + within);
        (file, at, limit.min(seg.start + seg.len))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let mut offset = offset;
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column, byte: offset }
    }

    /// Byte offset of a 1-based line and column, clamped to the file.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let mut start = 0;
        for _ in 1..line {
            match self.text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => return self.text.len(),
            }
        }
        let line_text = &self.text[start..];
        let line_end = line_text.find('\n').unwrap_or(line_text.len());
        let col_bytes = line_text[..line_end].char_indices().nth(column.saturating_sub(1)).map_or(line_end, |(i, _)| i);
        start + col_bytes
    }
}

/// A position in a source file, as shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub byte: usize,
}

/// A byte range in one source file.
#[derive(Clone)]
pub struct Span {
    pub file: Arc<SourceFile>,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: &Arc<SourceFile>, range: std::ops::Range<usize>) -> Span {
        let end = range.end.min(file.text.len());
        Span { file: file.clone(), start: range.start.min(end), end }
    }

    /// The whole of a file's first byte, for problems without a better place.
    pub fn file_start(file: &Arc<SourceFile>) -> Span {
        Span { file: file.clone(), start: 0, end: 0 }
    }

    pub fn text(&self) -> &str {
        self.file.text.get(self.start..self.end).unwrap_or("")
    }

    pub fn start_position(&self) -> Position {
        self.file.position(self.start)
    }

    pub fn end_position(&self) -> Position {
        self.file.position(self.end)
    }

    /// The span in the file its text came from (itself for ordinary files).
    pub fn resolved(&self) -> Span {
        if self.file.origin.is_none() {
            return self.clone();
        }
        let (file, start, limit) = self.file.origin_of(self.start);
        let end = if self.end > self.start {
            let (end_file, end, _) = self.file.origin_of(self.end - 1);
            if Arc::ptr_eq(&end_file, &file) && end >= start {
                end + 1
            } else {
                limit.min(file.text.len())
            }
        } else {
            start
        };
        Span::new(&file, start..end.max(start))
    }

    /// Whether the span's text was written in Terraform's JSON syntax.
    pub fn in_json(&self) -> bool {
        self.resolved().file.name.ends_with(".tf.json")
    }

    /// The smallest span covering both (same file assumed).
    pub fn to(&self, other: &Span) -> Span {
        Span { file: self.file.clone(), start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let span = self.resolved();
        let p = span.start_position();
        write!(f, "{}:{}:{}", span.file.name, p.line, p.column)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in the user's input or while acting on it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// One line saying what is wrong.
    pub summary: String,
    /// Why, and what to do about it. May be empty.
    pub detail: String,
    /// Where: the offending source, when there is one.
    pub span: Option<Span>,
    /// A short label shown under the span.
    pub label: Option<String>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: String::new(),
            span: None,
            label: None,
        }
    }

    pub fn warning(summary: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(summary) }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Diagnostic {
        self.detail = detail.into();
        self
    }

    pub fn with_span(mut self, span: Span) -> Diagnostic {
        self.span = Some(span.resolved());
        self
    }

    pub fn with_span_opt(mut self, span: Option<Span>) -> Diagnostic {
        if self.span.is_none() {
            self.span = span.map(|s| s.resolved());
        }
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key: errors before warnings, then by file and position.
    fn sort_key(&self) -> (Severity, String, usize, usize) {
        match &self.span {
            Some(s) => (self.severity, s.file.name.clone(), s.start, s.end),
            None => (self.severity, String::new(), 0, 0),
        }
    }

    /// Terraform's machine-readable diagnostic shape (`validate -json`).
    pub fn to_json(&self) -> serde_json::Value {
        let mut obj = serde_json::Map::new();
        obj.insert("severity".into(), self.severity.as_str().into());
        obj.insert("summary".into(), self.summary.clone().into());
        obj.insert("detail".into(), self.detail.clone().into());
        if let Some(span) = &self.span {
            let pos = |p: Position| serde_json::json!({"line": p.line, "column": p.column, "byte": p.byte});
            let start = span.start_position();
            obj.insert(
                "range".into(),
                serde_json::json!({
                    "filename": span.file.name,
                    "start": pos(start),
                    "end": pos(span.end_position()),
                }),
            );
            let line_start = span.file.text[..start.byte].rfind('\n').map_or(0, |i| i + 1);
            let line_end = span.file.text[start.byte..].find('\n').map_or(span.file.text.len(), |i| start.byte + i);
            let code = &span.file.text[line_start..line_end];
            obj.insert(
                "snippet".into(),
                serde_json::json!({
                    "context": serde_json::Value::Null,
                    "code": code,
                    "start_line": start.line,
                    "highlight_start_offset": start.byte - line_start,
                    "highlight_end_offset": span.end.min(line_end).max(start.byte) - line_start,
                    "values": [],
                }),
            );
        }
        serde_json::Value::Object(obj)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)
    }
}

impl std::error::Error for Diagnostic {}

/// miette sees the summary as the message, the detail as help, the span as a label.
impl miette::Diagnostic for Diagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.detail.is_empty() {
            None
        } else {
            Some(Box::new(&self.detail))
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.span.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span.as_ref()?;
        let label = miette::LabeledSpan::new(self.label.clone(), span.start, span.end - span.start);
        Some(Box::new(std::iter::once(label)))
    }
}

/// The span's file is the source miette quotes from.
impl miette::SourceCode for Span {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.file.text.read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.file.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// Diagnostics collected over a whole run.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Errors first, then by file and position; exact duplicates dropped.
    pub fn sorted(mut self) -> Diagnostics {
        self.0.sort_by_key(Diagnostic::sort_key);
        self.0.dedup_by(|a, b| a.summary == b.summary && a.detail == b.detail && a.sort_key() == b.sort_key());
        self
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }

    /// `Ok(value)` when there are no errors; the diagnostics otherwise.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(value)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Suggests the closest of `candidates` to `name`, for "did you mean" hints.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        if d <= 2.max(name.len() / 3) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let f = SourceFile::new("main.tf", "a = 1\nbé = 2\n");
        assert_eq!(f.position(0), Position { line: 1, column: 1, byte: 0 });
        let p = f.position(f.text.find('=').unwrap());
        assert_eq!((p.line, p.column), (1, 3));
        let second_eq = f.text.rfind('=').unwrap();
        assert_eq!((f.position(second_eq).line, f.position(second_eq).column), (2, 4));
        assert_eq!(f.offset_of(2, 4), second_eq);
    }

    #[test]
    fn derived_spans_lead_back_to_their_files() {
        let json = SourceFile::new("main.tf.json", "{\"a\": 12}");
        // `a = 12` written from the JSON: `a` stands for the key, `12` for the number.
        let shadow = SourceFile::derived(
            "main.tf.json",
            "a = 12\n",
            vec![
                OriginSegment { at: 0, file: json.clone(), start: 2, len: 1 },
                OriginSegment { at: 4, file: json.clone(), start: 6, len: 2 },
            ],
        );
        let number = Span::new(&shadow, 4..6).resolved();
        assert!(Arc::ptr_eq(&number.file, &json));
        assert_eq!((number.start, number.end, number.text()), (6, 8, "12"));
        // A merged text: the base file, a newline, the override (itself derived).
        let base = SourceFile::new("main.tf", "x = 1");
        let joined = SourceFile::derived(
            "main.tf",
            format!("{}\n{}", base.text, shadow.text),
            vec![
                OriginSegment { at: 0, file: base.clone(), start: 0, len: 5 },
                OriginSegment { at: 6, file: shadow.clone(), start: 0, len: shadow.text.len() },
            ],
        );
        assert_eq!(Span::new(&joined, 0..1).resolved().to_string(), "main.tf:1:1");
        let over = Span::new(&joined, 10..12).resolved();
        assert_eq!((over.file.name.as_str(), over.text()), ("main.tf.json", "12"));
        let d = Diagnostic::error("x").with_span(Span::new(&joined, 10..12));
        assert_eq!(d.span.unwrap().start, 6);
    }

    #[test]
    fn suggestions_pick_the_closest_name() {
        assert_eq!(did_you_mean("vpc_cdir", ["vpc_cidr", "region"]), Some("vpc_cidr"));
        assert_eq!(did_you_mean("zzz", ["vpc_cidr", "region"]), None);
    }
}
