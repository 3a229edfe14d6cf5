//! Parsing HCL source into hcl-edit's tree, with parse errors as diagnostics.

use hcl_edit::structure::Body;
use std::sync::Arc;
use strata_diag::{Diagnostic, SourceFile, Span};

/// Parses a whole file body.
pub fn parse_body(file: &Arc<SourceFile>) -> Result<Body, Diagnostic> {
    hcl_edit::parser::parse_body(&file.text).map_err(|e| parse_error_diagnostic(&e, file))
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
