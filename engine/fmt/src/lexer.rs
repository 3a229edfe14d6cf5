//! Tokenizer for HCL native syntax, mirroring the token stream produced by
//! `hclsyntax`'s scanner (which `hclwrite`, and thus `terraform fmt`, uses).
//!
//! The scanner is a state machine with an explicit mode stack, so arbitrarily
//! deep nesting of templates and brackets cannot overflow the call stack.

use crate::FormatError;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    OQuote,
    CQuote,
    OHeredoc,
    CHeredoc,
    Star,
    Slash,
    Plus,
    Minus,
    Percent,
    Equal,
    EqualOp,
    NotEqual,
    LessThan,
    LessThanEq,
    GreaterThan,
    GreaterThanEq,
    And,
    Or,
    Bang,
    Dot,
    Comma,
    DoubleColon,
    Ellipsis,
    FatArrow,
    Question,
    Colon,
    TemplateInterp,
    TemplateControl,
    TemplateSeqEnd,
    QuotedLit,
    StringLit,
    NumberLit,
    Ident,
    Comment,
    Newline,
    Eof,
}

impl Kind {
    /// Net change in bracket nesting caused by this token, as `hclwrite`
    /// counts it.
    pub(crate) fn bracket_change(self) -> i32 {
        match self {
            Kind::OBrace | Kind::OBrack | Kind::OParen | Kind::TemplateControl | Kind::TemplateInterp => 1,
            Kind::CBrace | Kind::CBrack | Kind::CParen | Kind::TemplateSeqEnd => -1,
            _ => 0,
        }
    }
}

/// One token. Its text is either a slice of the source or, for tokens
/// synthesized by the Terraform fix-ups, a slice of [`Tokens::extra`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub kind: Kind,
    pub synth: bool,
    pub start: u32,
    pub end: u32,
    /// Number of spaces written before the token.
    pub spaces: u32,
}

pub(crate) struct Tokens<'a> {
    pub src: &'a str,
    pub extra: String,
    pub toks: Vec<Token>,
}

impl<'a> Tokens<'a> {
    pub(crate) fn text(&self, t: &Token) -> &str {
        let (s, e) = (t.start as usize, t.end as usize);
        if t.synth {
            &self.extra[s..e]
        } else {
            &self.src[s..e]
        }
    }

    /// Creates a token whose text is stored in `extra`.
    pub(crate) fn synth(&mut self, kind: Kind, text: &str) -> Token {
        let start = self.extra.len() as u32;
        self.extra.push_str(text);
        Token { kind, synth: true, start, end: self.extra.len() as u32, spaces: 0 }
    }

    pub(crate) fn render(&self) -> String {
        let mut out = String::with_capacity(self.src.len() + self.src.len() / 8 + 16);
        for t in &self.toks {
            for _ in 0..t.spaces {
                out.push(' ');
            }
            out.push_str(self.text(t));
        }
        out
    }
}

enum Mode {
    /// Ordinary expression tokens; `open` is the byte offset of the `${`/`%{`
    /// that entered this mode (unused for the outermost mode).
    Main { open: usize },
    /// Inside a quoted template string opened at `open`.
    Str { open: usize },
    /// Inside a heredoc template whose closing marker is `src[ms..me]`.
    Heredoc { open: usize, ms: usize, me: usize },
}

pub(crate) fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

pub(crate) fn is_ident_continue(c: char) -> bool {
    c == '_' || c == '-' || c.is_alphanumeric() || crate::unicode::is_combining(c)
}

fn char_at(src: &str, p: usize) -> char {
    src[p..].chars().next().unwrap_or('\0')
}

/// Returns the end of an identifier starting at `p` (which must be an
/// identifier start character).
fn ident_end(src: &str, p: usize) -> usize {
    let mut q = p + char_at(src, p).len_utf8();
    for c in src[q..].chars() {
        if is_ident_continue(c) {
            q += c.len_utf8();
        } else {
            break;
        }
    }
    q
}

fn number_end(b: &[u8], p: usize) -> usize {
    let mut q = p + 1;
    loop {
        match b.get(q) {
            Some(c) if c.is_ascii_digit() || *c == b'.' => q += 1,
            Some(b'e' | b'E') => {
                if b.get(q + 1).is_some_and(u8::is_ascii_digit) {
                    q += 2;
                } else if matches!(b.get(q + 1), Some(b'+' | b'-')) && b.get(q + 2).is_some_and(u8::is_ascii_digit) {
                    q += 3;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    while b[q - 1] == b'.' {
        q -= 1;
    }
    q
}

/// Tokenizes `src`, failing on anything `hclsyntax` would reject at the
/// token level (invalid characters, unterminated strings, heredocs and
/// comments).
pub(crate) fn lex(src: &str) -> Result<Tokens<'_>, FormatError> {
    if src.len() >= u32::MAX as usize {
        return Err(FormatError::at(src, 0, "source file is too large to format"));
    }
    let b = src.as_bytes();
    let n = b.len();
    let mut toks: Vec<Token> = Vec::with_capacity(n / 4 + 16);
    let mut last_end = 0usize;
    let mut push = |kind: Kind, s: usize, e: usize| {
        toks.push(Token {
            kind,
            synth: false,
            start: s as u32,
            end: e as u32,
            spaces: s.saturating_sub(last_end) as u32,
        });
        last_end = e;
    };
    let mut p = if src.starts_with('\u{feff}') { 3 } else { 0 };
    let mut modes: Vec<Mode> = vec![Mode::Main { open: 0 }];
    let mut braces: i64 = 0;
    let mut ret_braces: Vec<i64> = Vec::new();

    while p < n {
        match *modes.last().expect("mode stack is never empty") {
            Mode::Main { .. } => {
                let c = b[p];
                let next = b.get(p + 1).copied().unwrap_or(0);
                let mut single = |kind: Kind, len: usize| {
                    push(kind, p, p + len);
                    p + len
                };
                p = match c {
                    b' ' | b'\t' => p + 1,
                    b'\n' => single(Kind::Newline, 1),
                    b'\r' if next == b'\n' => single(Kind::Newline, 2),
                    b'0'..=b'9' => {
                        let e = number_end(b, p);
                        single(Kind::NumberLit, e - p)
                    }
                    b'#' => {
                        let e = memchr(b, b'\n', p).map_or(n, |i| i + 1);
                        single(Kind::Comment, e - p)
                    }
                    b'/' if next == b'/' => {
                        let e = memchr(b, b'\n', p).map_or(n, |i| i + 1);
                        single(Kind::Comment, e - p)
                    }
                    b'/' if next == b'*' => match src[p + 2..].find("*/") {
                        Some(i) => single(Kind::Comment, i + 4),
                        None => {
                            return Err(FormatError::at(src, p, "Unterminated comment: no closing \"*/\" was found"))
                        }
                    },
                    b'/' => single(Kind::Slash, 1),
                    b'=' if next == b'=' => single(Kind::EqualOp, 2),
                    b'=' if next == b'>' => single(Kind::FatArrow, 2),
                    b'=' => single(Kind::Equal, 1),
                    b'!' if next == b'=' => single(Kind::NotEqual, 2),
                    b'!' => single(Kind::Bang, 1),
                    b'>' if next == b'=' => single(Kind::GreaterThanEq, 2),
                    b'>' => single(Kind::GreaterThan, 1),
                    b'<' if next == b'=' => single(Kind::LessThanEq, 2),
                    b'<' if next == b'<' => {
                        // Possibly a heredoc introducer: << ('-')? Ident Newline
                        let mut q = p + 2;
                        if b.get(q) == Some(&b'-') {
                            q += 1;
                        }
                        let mut heredoc = None;
                        if q < n && is_ident_start(char_at(src, q)) {
                            let ms = q;
                            let me = ident_end(src, q);
                            if b.get(me) == Some(&b'\n') {
                                heredoc = Some((ms, me, me + 1));
                            } else if b.get(me) == Some(&b'\r') && b.get(me + 1) == Some(&b'\n') {
                                heredoc = Some((ms, me, me + 2));
                            }
                        }
                        match heredoc {
                            Some((ms, me, e)) => {
                                push(Kind::OHeredoc, p, e);
                                modes.push(Mode::Heredoc { open: p, ms, me });
                                e
                            }
                            None => {
                                return Err(FormatError::at(
                                    src,
                                    p,
                                    "Invalid expression: \"<<\" must introduce a heredoc, like <<EOT or <<-EOT, \
                                     followed immediately by a newline",
                                ))
                            }
                        }
                    }
                    b'<' => single(Kind::LessThan, 1),
                    b'&' if next == b'&' => single(Kind::And, 2),
                    b'|' if next == b'|' => single(Kind::Or, 2),
                    b':' if next == b':' => single(Kind::DoubleColon, 2),
                    b':' => single(Kind::Colon, 1),
                    b'.' if next == b'.' && b.get(p + 2) == Some(&b'.') => single(Kind::Ellipsis, 3),
                    b'.' => single(Kind::Dot, 1),
                    b'[' => single(Kind::OBrack, 1),
                    b']' => single(Kind::CBrack, 1),
                    b'(' => single(Kind::OParen, 1),
                    b')' => single(Kind::CParen, 1),
                    b',' => single(Kind::Comma, 1),
                    b'*' => single(Kind::Star, 1),
                    b'%' => single(Kind::Percent, 1),
                    b'+' => single(Kind::Plus, 1),
                    b'-' => single(Kind::Minus, 1),
                    b'?' => single(Kind::Question, 1),
                    b'{' => {
                        braces += 1;
                        single(Kind::OBrace, 1)
                    }
                    b'}' | b'~' if c == b'}' || next == b'}' => {
                        let len = if c == b'~' { 2 } else { 1 };
                        if ret_braces.last() == Some(&braces) {
                            ret_braces.pop();
                            modes.pop();
                            braces -= 1;
                            single(Kind::TemplateSeqEnd, len)
                        } else {
                            braces -= 1;
                            single(if len == 2 { Kind::TemplateSeqEnd } else { Kind::CBrace }, len)
                        }
                    }
                    b'"' => {
                        modes.push(Mode::Str { open: p });
                        single(Kind::OQuote, 1)
                    }
                    _ => {
                        let ch = char_at(src, p);
                        if is_ident_start(ch) {
                            let e = ident_end(src, p);
                            single(Kind::Ident, e - p)
                        } else {
                            return Err(invalid_char(src, p, ch));
                        }
                    }
                };
            }
            Mode::Str { .. } => {
                let c = b[p];
                let next = b.get(p + 1).copied().unwrap_or(0);
                match c {
                    b'"' => {
                        push(Kind::CQuote, p, p + 1);
                        modes.pop();
                        p += 1;
                    }
                    b'$' | b'%' if next == b'{' => {
                        p = begin_template_seq(src, p, &mut push, &mut modes, &mut braces, &mut ret_braces);
                    }
                    b'$' | b'%' => {
                        let mut e = p + 1;
                        if next == c && b.get(p + 2) == Some(&b'{') {
                            e = p + 3;
                            if b.get(e) == Some(&b'~') {
                                e += 1;
                            }
                        }
                        push(Kind::QuotedLit, p, e);
                        p = e;
                    }
                    b'\n' | b'\r' => {
                        return Err(FormatError::at(
                            src,
                            p,
                            "Invalid multi-line string: quoted strings may not be split over multiple lines; \
                             to produce a multi-line string, either use the \\n escape to represent a newline \
                             character or use the \"heredoc\" multi-line template syntax",
                        ));
                    }
                    _ => {
                        let mut q = p;
                        while q < n {
                            match b[q] {
                                b'\\' => match b.get(q + 1) {
                                    Some(b'\n' | b'\r') | None => break,
                                    Some(_) => q += 1 + char_at(src, q + 1).len_utf8(),
                                },
                                b'$' | b'%' | b'"' | b'\n' | b'\r' => break,
                                _ => q += 1,
                            }
                        }
                        if q == p {
                            return Err(FormatError::at(src, p, "Invalid escape sequence in quoted string"));
                        }
                        push(Kind::QuotedLit, p, q);
                        p = q;
                    }
                }
            }
            Mode::Heredoc { ms, me, .. } => {
                let c = b[p];
                let next = b.get(p + 1).copied().unwrap_or(0);
                if (c == b'$' || c == b'%') && next == b'{' {
                    p = begin_template_seq(src, p, &mut push, &mut modes, &mut braces, &mut ret_braces);
                    continue;
                }
                if p > 0 && b[p - 1] == b'\n' {
                    // At the start of a line: this might be the closing marker.
                    if let Some(nl) = memchr(b, b'\n', p) {
                        if src[p..nl].trim() == &src[ms..me] {
                            let ce = if nl > p && b[nl - 1] == b'\r' { nl - 1 } else { nl };
                            push(Kind::CHeredoc, p, ce);
                            push(Kind::Newline, ce, nl + 1);
                            modes.pop();
                            p = nl + 1;
                            continue;
                        }
                    }
                }
                let mut q = p;
                while q < n {
                    match b[q] {
                        b'\n' => {
                            q += 1;
                            break;
                        }
                        c @ (b'$' | b'%') => match b.get(q + 1) {
                            Some(b'{') => break,
                            Some(&d) if d == c && b.get(q + 2) == Some(&b'{') => q += 3,
                            _ => q += 1,
                        },
                        _ => q += 1,
                    }
                }
                push(Kind::StringLit, p, q);
                p = q;
            }
        }
    }

    if modes.len() > 1 {
        // Report the innermost unterminated construct.
        let err = match modes.last().expect("checked above") {
            Mode::Main { open } => FormatError::at(src, *open, "Unterminated template interpolation sequence"),
            Mode::Str { open } => FormatError::at(src, *open, "Unterminated template string"),
            Mode::Heredoc { open, ms, me } => FormatError::at(
                src,
                *open,
                format!(
                    "Unterminated template string: no closing marker was found for the heredoc \"{}\"",
                    &src[*ms..*me]
                ),
            ),
        };
        return Err(err);
    }
    push(Kind::Eof, n, n);
    Ok(Tokens { src, extra: String::new(), toks })
}

fn begin_template_seq(
    src: &str,
    p: usize,
    push: &mut impl FnMut(Kind, usize, usize),
    modes: &mut Vec<Mode>,
    braces: &mut i64,
    ret_braces: &mut Vec<i64>,
) -> usize {
    let b = src.as_bytes();
    let kind = if b[p] == b'$' { Kind::TemplateInterp } else { Kind::TemplateControl };
    let mut e = p + 2;
    if b.get(e) == Some(&b'~') {
        e += 1;
    }
    push(kind, p, e);
    *braces += 1;
    ret_braces.push(*braces);
    modes.push(Mode::Main { open: p });
    e
}

fn memchr(b: &[u8], needle: u8, from: usize) -> Option<usize> {
    b[from..].iter().position(|&c| c == needle).map(|i| i + from)
}

fn invalid_char(src: &str, p: usize, ch: char) -> FormatError {
    let msg = match ch {
        '\r' => "Invalid character: a carriage return must be followed by a newline".to_string(),
        ';' => "Invalid character: the ';' character is not valid; use newlines to separate arguments and blocks, and commas to separate items in collection values".to_string(),
        '\'' => "Invalid character: single quotes are not valid; use double quotes (\") to enclose strings".to_string(),
        '`' => "Invalid character: the \"`\" character is not valid; to create a multi-line string, use the \"heredoc\" syntax".to_string(),
        '&' => "Invalid character: bitwise operators are not supported; did you mean \"&&\"?".to_string(),
        '|' => "Invalid character: bitwise operators are not supported; did you mean \"||\"?".to_string(),
        _ => format!("Invalid character: this character is not used within the language: {ch:?}"),
    };
    FormatError::at(src, p, msg)
}
