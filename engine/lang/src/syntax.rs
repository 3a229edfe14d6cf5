//! Parsing HCL source into hcl-edit's tree, with parse errors as diagnostics.

use hcl_edit::structure::Body;
use std::sync::Arc;
use strata_diag::{Diagnostic, SourceFile, Span};

/// Parses a whole file body.
pub fn parse_body(file: &Arc<SourceFile>) -> Result<Body, Diagnostic> {
    parse_with_big_numbers(&file.text, hcl_edit::parser::parse_body).map_err(|e| parse_error_diagnostic(&e, file))
}

/// Parses a standalone expression.
pub fn parse_expr(file: &Arc<SourceFile>, text: &str) -> Result<hcl_edit::expr::Expression, Diagnostic> {
    parse_with_big_numbers(text, hcl_edit::parser::parse_expr).map_err(|e| parse_error_diagnostic(&e, file))
}

/// hcl-edit reads number literals through f64, so `1e400` (valid in
/// Terraform) fails to parse. When a parse error sits on such a literal, the
/// literal is blanked to zeros of the same length and parsing retried; the
/// evaluator reads every number from the original source text by its span,
/// so the real value (or a clear "too large" error) comes back there.
fn parse_with_big_numbers<T>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, hcl_edit::parser::Error>,
) -> Result<T, hcl_edit::parser::Error> {
    let first = match parse(text) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let mut patched = text.to_string();
    let mut err = first.clone();
    for _ in 0..64 {
        let at = SourceFile { name: String::new(), text: patched.clone() }
            .offset_of(err.location().line(), err.location().column());
        if !blank_overflowing_number(&mut patched, at) {
            return Err(first);
        }
        match parse(&patched) {
            Ok(v) => return Ok(v),
            Err(e) => err = e,
        }
    }
    Err(first)
}

/// Replaces the number literal around byte `at` with zeros when f64 cannot
/// hold it. Returns whether it did.
fn blank_overflowing_number(text: &mut String, at: usize) -> bool {
    let bytes = text.as_bytes();
    let is_num = |b: u8| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-');
    let mut start = at.min(bytes.len());
    while start > 0 && is_num(bytes[start - 1]) {
        start -= 1;
    }
    while start < bytes.len() && !bytes[start].is_ascii_digit() {
        start += 1;
    }
    let mut end = start;
    while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b'.') {
        end += 1;
    }
    if end < bytes.len() && matches!(bytes[end], b'e' | b'E') {
        end += 1;
        if end < bytes.len() && matches!(bytes[end], b'+' | b'-') {
            end += 1;
        }
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    let token = &text[start..end];
    let overflows = !token.is_empty() && token.parse::<f64>().is_ok_and(|f| f.is_infinite());
    if !overflows {
        return false;
    }
    text.replace_range(start..end, &"0".repeat(end - start));
    true
}

/// Turns hcl-edit's parse error into a diagnostic pointing at the location.
pub fn parse_error_diagnostic(e: &hcl_edit::parser::Error, file: &Arc<SourceFile>) -> Diagnostic {
    let loc = e.location();
    let start = file.offset_of(loc.line(), loc.column());
    let end = file.text[start..].chars().next().map_or(start, |c| start + c.len_utf8());
    let message = e.message();
    let (summary, detail) = if message.contains("nesting depth") {
        ("Too deeply nested", format!("This expression is nested too deeply: {message}. Split it into locals."))
    } else {
        ("Invalid HCL syntax", format!("{}{}.", message[..1].to_uppercase(), &message[1..]))
    };
    Diagnostic::error(summary).with_detail(detail).with_span(Span::new(file, start..end)).with_label("here")
}
