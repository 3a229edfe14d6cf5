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
        let at = SourceFile { name: String::new(), text: patched.clone(), origin: None }
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
    if message.contains("nesting depth") {
        let detail = format!("This expression is nested too deeply: {message}. Split it into locals.");
        return Diagnostic::error("Too deeply nested").with_detail(detail).with_span(Span::new(file, start..end));
    }
    if let Some((summary, detail, at)) = recognized_syntax_error(&file.text, start) {
        return Diagnostic::error(summary).with_detail(detail).with_span(Span::new(file, at)).with_label("here");
    }
    let detail = format!("{}{}.", message[..1].to_uppercase(), &message[1..]);
    Diagnostic::error("Invalid HCL syntax")
        .with_detail(detail)
        .with_span(Span::new(file, start..end))
        .with_label("here")
}

/// The syntax errors people make most, said as Terraform (HCL's parser)
/// says them and where it says them: an unterminated heredoc (at the end
/// of the file), a quoted string running into a new line, a block never
/// closed (at its opening brace), a block header without its brace. Found
/// by scanning the text's tokens; `None` for anything else.
fn recognized_syntax_error(text: &str, error_at: usize) -> Option<(&'static str, String, std::ops::Range<usize>)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    // Open braces: (offset, opens a block rather than an object).
    let mut braces: Vec<(usize, bool)> = Vec::new();
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |n| n + 1);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i = text[i..].find('\n').map_or(bytes.len(), |n| i + n),
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = text[i..].find('\n').map_or(bytes.len(), |n| i + n),
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = text[i + 2..].find("*/").map_or(bytes.len(), |n| i + n + 4),
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                let rest = &text[i + 2..];
                let rest = rest.strip_prefix('-').unwrap_or(rest);
                let marker: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let Some(body) = (!marker.is_empty()).then(|| text[i..].find('\n')).flatten() else {
                    i += 2;
                    continue;
                };
                let mut at = i + body + 1;
                loop {
                    let end = text[at..].find('\n').map_or(bytes.len(), |n| at + n);
                    if text[at..end].trim() == marker {
                        i = end;
                        break;
                    }
                    if end >= bytes.len() {
                        let detail = "No closing marker was found for the string.".to_string();
                        return Some(("Unterminated template string", detail, bytes.len()..bytes.len()));
                    }
                    at = end + 1;
                }
            }
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    if bytes[j] == b'\\' {
                        j += 1;
                    } else if bytes[j] == b'\n' {
                        let detail = "Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line template syntax.".to_string();
                        return Some(("Invalid multi-line string", detail, i..j));
                    }
                    j += 1;
                }
                i = j + 1;
            }
            b'{' => {
                // A block's brace ends its line, after a header.
                let header = text[line_start(i)..i].trim();
                let after = text[i + 1..].split('\n').next().unwrap_or("").trim();
                let is_block = after.is_empty()
                    && header
                        .split_whitespace()
                        .next()
                        .is_some_and(|w| w.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
                    && !header.contains('=');
                braces.push((i, is_block));
                i += 1;
            }
            b'}' => {
                braces.pop();
                i += 1;
            }
            _ => i += 1,
        }
    }
    if let Some(&(open, true)) = braces.last() {
        let detail = "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.".to_string();
        return Some(("Unclosed configuration block", detail, open..open + 1));
    }
    // `name "label"` alone on a line (an argument missing its `=`, or a
    // block missing its brace), at the error's line or the one before.
    let here = line_start(error_at.min(text.len()));
    let before = if here > 0 { line_start(here - 1) } else { here };
    for start in [here, before] {
        let line = text[start..].split('\n').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let name_ok = words.next().is_some_and(|w| w.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'));
        let labels: Vec<&str> = words.collect();
        if name_ok
            && !labels.is_empty()
            && labels.iter().all(|l| l.len() >= 2 && l.starts_with('"') && l.ends_with('"'))
        {
            let end = start + line.trim_end().len();
            let detail = "Either a quoted string block label or an opening brace (\"{\") is expected here.".to_string();
            return Some(("Invalid block definition", detail, end..end));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary_and_line(text: &str) -> (String, usize) {
        let file = SourceFile::new("main.tf", text);
        let d = parse_body(&file).expect_err("a syntax error");
        let line = d.span.as_ref().map_or(0, |s| text[..s.start].matches('\n').count() + 1);
        (d.summary, line)
    }

    #[test]
    fn common_syntax_errors_are_said_where_terraform_says_them() {
        assert_eq!(
            summary_and_line("resource \"a\" \"b\" {\n  x = 1\n\noutput \"o\" {\n  value = 1\n}\n"),
            ("Unclosed configuration block".to_string(), 1)
        );
        assert_eq!(
            summary_and_line("locals {\n  t = <<EOT\nhello\n}\n"),
            ("Unterminated template string".to_string(), 5)
        );
        assert_eq!(
            summary_and_line("locals {\n  a = \"abc\n  b = 2\n}\n"),
            ("Invalid multi-line string".to_string(), 2)
        );
        assert_eq!(
            summary_and_line("resource \"a\" \"b\" {\n  input \"x\"\n}\n"),
            ("Invalid block definition".to_string(), 2)
        );
        // Braces inside strings, comments and heredocs do not count.
        assert_eq!(
            summary_and_line("# {\nlocals {\n  a = \"{\"\n  b = <<EOT\n{\nEOT\n  c = \n}\n").0,
            "Invalid HCL syntax"
        );
    }
}
