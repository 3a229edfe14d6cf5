//! Terraform-specific rewrites that `terraform fmt` applies on top of
//! `hclwrite`'s whitespace formatting, plus structural validation.
//!
//! This walks the token stream with an explicit stack of open blocks (no
//! recursion), identifying body items:
//!
//! * block labels are normalised to the quoted form (`resource aws_vpc x`
//!   becomes `resource "aws_vpc" "x"`), comments between labels dropped;
//! * attribute values that are a single interpolation (`"${var.x}"`) are
//!   unwrapped to the bare expression;
//! * `type` arguments of top-level `variable` blocks have legacy quoted type
//!   names (`"string"`, `"list"`, `"map"`) and bare collection keywords
//!   (`list`, `map`, `set`) rewritten.

use std::collections::HashSet;

use crate::lexer::{Kind, Token, Tokens};
use crate::unicode::is_print;
use crate::FormatError;

struct Frame {
    /// Whether this is the body of a top-level `variable` block.
    is_variable: bool,
    /// Byte offset of the block's opening brace.
    open: usize,
    attrs: HashSet<String>,
    /// Whether the block's content starts on its header line
    /// (`a { b = 1 }`), in which case only one argument is allowed.
    single_line: bool,
    items: u32,
}

fn err(toks: &Tokens<'_>, t: &Token, msg: impl Into<String>) -> FormatError {
    let byte = if t.synth { 0 } else { t.start as usize };
    FormatError::at(toks.src, byte, msg)
}

fn closer_for(open: Kind) -> Kind {
    match open {
        Kind::OBrace => Kind::CBrace,
        Kind::OBrack => Kind::CBrack,
        Kind::OParen => Kind::CParen,
        _ => Kind::TemplateSeqEnd,
    }
}

fn describe(k: Kind) -> &'static str {
    match k {
        Kind::CBrace => "\"}\"",
        Kind::CBrack => "\"]\"",
        Kind::CParen => "\")\"",
        _ => "\"}\" (end of template sequence)",
    }
}

pub(crate) fn apply(mut t: Tokens<'_>) -> Result<Tokens<'_>, FormatError> {
    let toks = std::mem::take(&mut t.toks);
    let mut out: Vec<Token> = Vec::with_capacity(toks.len() + 16);
    let mut stack: Vec<Frame> =
        vec![Frame { is_variable: false, open: 0, attrs: HashSet::new(), single_line: false, items: 0 }];
    let mut i = 0;
    loop {
        let tok = toks[i];
        match tok.kind {
            Kind::Newline | Kind::Comment => {
                out.push(tok);
                i += 1;
            }
            Kind::Eof => {
                if stack.len() > 1 {
                    let open = stack.last().map_or(0, |f| f.open);
                    return Err(FormatError::at(
                        t.src,
                        open,
                        "Unclosed configuration block: there is no closing brace for this block before the end of the file",
                    ));
                }
                out.push(tok);
                break;
            }
            Kind::CBrace if stack.len() > 1 => {
                stack.pop();
                out.push(tok);
                i += 1;
                let next = &toks[skip_block_comments(&t, &toks, i)];
                let ok = matches!(next.kind, Kind::Newline | Kind::Eof | Kind::Comment);
                if !ok {
                    return Err(err(
                        &t,
                        next,
                        "Missing newline after block definition: a block definition must end with a newline",
                    ));
                }
            }
            Kind::Ident => {
                let mut j = i + 1;
                while toks[j].kind == Kind::Comment && !t.text(&toks[j]).ends_with('\n') {
                    j += 1;
                }
                if let Some(f) = stack.last_mut().filter(|f| f.single_line) {
                    if toks[j].kind != Kind::Equal {
                        return Err(err(
                            &t,
                            &tok,
                            "Argument definition required: a single-line block definition can contain only a single argument",
                        ));
                    }
                    if f.items > 0 {
                        return Err(err(&t, &tok, "Only one argument is allowed in a single-line block definition"));
                    }
                    f.items += 1;
                }
                if toks[j].kind == Kind::Equal {
                    i = attribute(&mut t, &toks, &mut out, &mut stack, i, j)?;
                } else {
                    i = block_header(&mut t, &toks, &mut out, &mut stack, i)?;
                }
            }
            _ => {
                return Err(err(
                    &t,
                    &tok,
                    "Argument or block definition required: an argument or block definition is required here",
                ))
            }
        }
    }
    t.toks = out;
    Ok(t)
}

/// Handles `name = expr` starting at `toks[i]` (the name) with the `=` at
/// `toks[eq]`. Returns the index of the token that terminated the expression.
fn attribute(
    t: &mut Tokens<'_>,
    toks: &[Token],
    out: &mut Vec<Token>,
    stack: &mut [Frame],
    i: usize,
    eq: usize,
) -> Result<usize, FormatError> {
    let in_block = stack.len() > 1;
    let frame = stack.last_mut().expect("stack never empty");
    let name = t.text(&toks[i]).to_string();
    if !frame.attrs.insert(name.clone()) {
        return Err(err(t, &toks[i], format!("Attribute redefined: the argument \"{name}\" was already set")));
    }
    out.extend_from_slice(&toks[i..=eq]);

    // Find the end of the expression: a newline at bracket depth zero, the
    // closing brace of a single-line block, or the end of the file.
    let start = eq + 1;
    let mut opens: Vec<usize> = Vec::new();
    let mut m = start;
    loop {
        let tk = &toks[m];
        match tk.kind {
            Kind::Eof => {
                if let Some(&o) = opens.last() {
                    return Err(err(t, &toks[o], "Unclosed bracket: no matching closing bracket was found"));
                }
                break;
            }
            Kind::Newline if opens.is_empty() => break,
            Kind::Comment if opens.is_empty() && t.text(tk).ends_with('\n') => break,
            k if k.bracket_change() > 0 => opens.push(m),
            k if k.bracket_change() < 0 => match opens.pop() {
                Some(o) => {
                    let want = closer_for(toks[o].kind);
                    if want != k {
                        return Err(err(
                            t,
                            tk,
                            format!(
                                "Mismatched brackets: expected {} to close the bracket opened earlier",
                                describe(want)
                            ),
                        ));
                    }
                }
                None if k == Kind::CBrace && in_block => {
                    if !stack.last().is_some_and(|f| f.single_line) {
                        return Err(err(
                            t,
                            tk,
                            "Missing newline after argument: an argument definition must end with a newline",
                        ));
                    }
                    break;
                }
                None => return Err(err(t, tk, "Unexpected closing bracket: there is no matching opening bracket")),
            },
            _ => {}
        }
        m += 1;
    }

    if stack.last().is_some_and(|f| f.single_line) && toks[m].kind != Kind::CBrace {
        return Err(err(
            t,
            &toks[m],
            "Invalid single-argument block definition: a single-line block definition must end with a closing brace \
             immediately after its single argument",
        ));
    }

    // The expression proper excludes leading and trailing comments.
    let mut es = start;
    let mut ee = m;
    while es < ee && toks[es].kind == Kind::Comment {
        es += 1;
    }
    while ee > es && toks[ee - 1].kind == Kind::Comment {
        ee -= 1;
    }
    if es == ee {
        return Err(err(t, &toks[m], "Invalid expression: expected the start of an expression"));
    }
    out.extend_from_slice(&toks[start..es]);
    let expr = &toks[es..ee];
    let is_variable = stack.last().is_some_and(|f| f.is_variable);
    if is_variable && name == "type" {
        format_type_expr(t, expr, out);
    } else {
        format_value_expr(t, expr, out);
    }
    out.extend_from_slice(&toks[ee..m]);
    Ok(m)
}

/// Handles a block header starting at the type name `toks[i]`, normalising
/// its labels. Returns the index after the opening brace.
fn block_header(
    t: &mut Tokens<'_>,
    toks: &[Token],
    out: &mut Vec<Token>,
    stack: &mut Vec<Frame>,
    i: usize,
) -> Result<usize, FormatError> {
    let type_name = t.text(&toks[i]).to_string();
    out.push(toks[i]);
    let mut labels: Vec<String> = Vec::new();
    let mut j = i + 1;
    loop {
        let tk = toks[j];
        match tk.kind {
            Kind::Comment if !t.text(&tk).ends_with('\n') => j += 1,
            Kind::Ident => {
                labels.push(t.text(&tk).to_string());
                j += 1;
            }
            Kind::OQuote => {
                let mut k = j + 1;
                while toks[k].kind == Kind::QuotedLit {
                    k += 1;
                }
                if toks[k].kind != Kind::CQuote {
                    return Err(err(
                        t,
                        &toks[k],
                        "Invalid block label: template sequences are not allowed in block labels",
                    ));
                }
                match k - j - 1 {
                    0 => labels.push(String::new()),
                    1 => match unescape(t.text(&toks[j + 1])) {
                        Some(s) => labels.push(s),
                        None => return Err(err(t, &toks[j + 1], "Invalid escape sequence in block label")),
                    },
                    // hclwrite cannot read back a label whose literal was
                    // scanned as several tokens (e.g. containing `$`), and so
                    // terraform fmt drops it; we do the same.
                    _ => {}
                }
                j = k + 1;
            }
            Kind::OBrace => break,
            Kind::Newline | Kind::Comment | Kind::Eof => {
                return Err(err(
                    t,
                    &tk,
                    "Invalid block definition: a block definition must have block content delimited by \"{\" and \"}\", \
                     starting on the same line as the block header",
                ));
            }
            Kind::Equal => {
                return Err(err(t, &tk, "Invalid argument name: argument names must not be quoted"));
            }
            _ => {
                return Err(err(
                    t,
                    &tk,
                    "Invalid block definition: either a quoted string block label or an opening brace (\"{\") is expected here",
                ));
            }
        }
    }
    for label in &labels {
        out.push(t.synth(Kind::OQuote, "\""));
        if !label.is_empty() {
            let esc = escape(label);
            out.push(t.synth(Kind::QuotedLit, &esc));
        }
        out.push(t.synth(Kind::CQuote, "\""));
    }
    out.push(toks[j]);
    let after = &toks[skip_block_comments(t, toks, j + 1)];
    let single_line = !matches!(after.kind, Kind::Newline | Kind::Comment);
    stack.push(Frame {
        is_variable: stack.len() == 1 && type_name == "variable",
        open: toks[j].start as usize,
        attrs: HashSet::new(),
        single_line,
        items: 0,
    });
    Ok(j + 1)
}

/// Returns the index of the first token at or after `i` that is not a
/// `/* */` comment (a line comment counts as a newline).
fn skip_block_comments(t: &Tokens<'_>, toks: &[Token], mut i: usize) -> usize {
    while toks[i].kind == Kind::Comment && !t.text(&toks[i]).ends_with('\n') {
        i += 1;
    }
    i
}

/// Terraform's `formatValueExpr`: unwraps `"${ expr }"` to `expr`.
fn format_value_expr(t: &mut Tokens<'_>, toks: &[Token], out: &mut Vec<Token>) {
    let n = toks.len();
    if n < 5
        || toks[0].kind != Kind::OQuote
        || toks[1].kind != Kind::TemplateInterp
        || toks[n - 2].kind != Kind::TemplateSeqEnd
        || toks[n - 1].kind != Kind::CQuote
    {
        out.extend_from_slice(toks);
        return;
    }
    let inside = &toks[2..n - 2];
    let mut quotes = 0i64;
    for tk in inside {
        match tk.kind {
            Kind::OQuote => quotes += 1,
            Kind::CQuote => quotes -= 1,
            _ if quotes > 0 => {}
            Kind::TemplateInterp | Kind::TemplateSeqEnd | Kind::QuotedLit => {
                out.extend_from_slice(toks);
                return;
            }
            _ => {}
        }
    }
    let mut s = 0;
    let mut e = inside.len();
    while s < e && inside[s].kind == Kind::Newline {
        s += 1;
    }
    while e > s && inside[e - 1].kind == Kind::Newline {
        e -= 1;
    }
    let trimmed = &inside[s..e];
    let mut multi_line = false;
    let mut leading_paren = false;
    let mut trailing_paren = false;
    for (i, tk) in trimmed.iter().enumerate() {
        if i == 0 && tk.kind == Kind::OParen {
            leading_paren = true;
        } else if tk.kind == Kind::Newline {
            multi_line = true;
        } else if i == trimmed.len() - 1 && tk.kind == Kind::CParen {
            trailing_paren = true;
        }
    }
    if multi_line && !(leading_paren && trailing_paren) {
        out.push(t.synth(Kind::OParen, "("));
        out.extend_from_slice(trimmed);
        out.push(t.synth(Kind::CParen, ")"));
    } else {
        out.extend_from_slice(trimmed);
    }
}

/// Terraform's `formatTypeExpr` for `type` in top-level `variable` blocks.
fn format_type_expr(t: &mut Tokens<'_>, toks: &[Token], out: &mut Vec<Token>) {
    let collection = |t: &mut Tokens<'_>, out: &mut Vec<Token>, kw: Token, elem: &str| {
        out.push(kw);
        out.push(t.synth(Kind::OParen, "("));
        out.push(t.synth(Kind::Ident, elem));
        out.push(t.synth(Kind::CParen, ")"));
    };
    match toks.len() {
        1 if toks[0].kind == Kind::Ident && matches!(t.text(&toks[0]), "list" | "map" | "set") => {
            collection(t, out, toks[0], "any");
        }
        3 if toks[0].kind == Kind::OQuote && toks[1].kind == Kind::QuotedLit && toks[2].kind == Kind::CQuote => {
            match t.text(&toks[1]) {
                "string" => {
                    let kw = t.synth(Kind::Ident, "string");
                    out.push(kw);
                }
                s @ ("list" | "map") => {
                    let s = s.to_string();
                    let kw = t.synth(Kind::Ident, &s);
                    collection(t, out, kw, "string");
                }
                _ => out.extend_from_slice(toks),
            }
        }
        _ => out.extend_from_slice(toks),
    }
}

/// Decodes the escape sequences of a quoted string literal token, as
/// `hclsyntax.ParseStringLiteralToken` does. Returns `None` when invalid.
fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                u @ ('u' | 'U') => {
                    let len = if u == 'u' { 4 } else { 8 };
                    let mut v = 0u32;
                    for _ in 0..len {
                        v = v * 16 + chars.next()?.to_digit(16)?;
                    }
                    out.push(char::from_u32(v)?);
                }
                _ => return None,
            },
            '$' | '%' if chars.peek() == Some(&c) => {
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek() == Some(&'{') {
                    chars.next();
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// Escapes a string for a quoted literal as `hclwrite` does.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' => {
                out.push(c);
                if chars.peek() == Some(&'{') {
                    out.push(c);
                }
            }
            c if !is_print(c) => {
                let v = c as u32;
                if v < 0x10000 {
                    out.push_str(&format!("\\u{v:04x}"));
                } else {
                    out.push_str(&format!("\\U{v:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}
