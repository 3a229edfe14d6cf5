//! Canonical formatter for HCL native syntax, matching `terraform fmt`.
//!
//! Like Terraform (which uses `hclwrite`), the formatter works on the token
//! stream rather than on a syntax tree:
//!
//! 1. the source is tokenized exactly like `hclsyntax` does,
//! 2. a light structural pass finds block labels and body attributes and
//!    applies Terraform's own fix-ups (quoted labels, unwrapping of
//!    interpolation-only strings, legacy quoted type keywords),
//! 3. whitespace between tokens is recomputed: indentation by bracket
//!    nesting, spacing by token-pair rules, and vertical alignment of `=`
//!    and trailing comments.
//!
//! Only whitespace outside of literals changes (plus the fix-ups above).

mod fixup;
mod format;
mod lexer;
mod unicode;

use std::fmt;

/// A syntax error that prevents formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// Human-readable description of the problem.
    pub message: String,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column number (in characters).
    pub column: usize,
    /// 0-based byte offset into the source.
    pub byte: usize,
}

impl FormatError {
    pub(crate) fn at(src: &str, byte: usize, message: impl Into<String>) -> FormatError {
        let byte = byte.min(src.len());
        let mut byte_fixed = byte;
        while byte_fixed > 0 && !src.is_char_boundary(byte_fixed) {
            byte_fixed -= 1;
        }
        let before = &src[..byte_fixed];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        FormatError { message: message.into(), line, column, byte }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for FormatError {}

/// Formats HCL native syntax source as `terraform fmt` does.
///
/// The result is byte-identical to what `terraform fmt -` writes to stdout,
/// including its behaviour of terminating output that does not end in a
/// newline with one (see [`format_source_raw`] for the exact file rewrite).
pub fn format_source(src: &str) -> Result<String, FormatError> {
    let mut out = format_source_raw(src)?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Formats HCL native syntax source exactly as `terraform fmt -write` rewrites
/// a file: unlike [`format_source`], no newline is appended when the input
/// does not end with one.
pub fn format_source_raw(src: &str) -> Result<String, FormatError> {
    let lexed = lexer::lex(src)?;
    let mut toks = fixup::apply(lexed)?;
    format::format(&mut toks);
    Ok(toks.render())
}
