//! String functions: chomp endswith format formatlist indent join lower
//! regex regexall replace split startswith strcontains strrev substr title
//! trim trimprefix trimspace trimsuffix upper.

use super::goregex::{GoRegex, GoRegexError};
use super::numeric::{any_unknown, ferr, p, perr, to_int};
use super::{CallContext, FnResult, Function, FunctionError, Param, ReturnType};
use crate::convert::convert;
use crate::number::Number;
use crate::types::Type;
use crate::value::{Kind, Value};
use num_bigint::BigUint;
use regex::Regex;
use std::sync::OnceLock;

// ---------------------------------------------------------------- grapheme clusters

fn grapheme_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let hangul = r"\p{gcb=L}*(?:\p{gcb=V}+|\p{gcb=LV}\p{gcb=V}*|\p{gcb=LVT})\p{gcb=T}*|\p{gcb=L}+|\p{gcb=T}+";
        let pict = r"\p{Extended_Pictographic}(?:[\p{gcb=Extend}]*\p{gcb=ZWJ}\p{Extended_Pictographic})*";
        let core = format!(
            r"(?:{hangul}|\p{{gcb=RI}}\p{{gcb=RI}}|{pict}|[^\p{{gcb=Control}}\p{{gcb=CR}}\p{{gcb=LF}}])"
        );
        let pat = format!(
            r"(?s)\r\n|\p{{gcb=Control}}|\p{{gcb=CR}}|\p{{gcb=LF}}|\p{{gcb=Prepend}}*{core}[\p{{gcb=Extend}}\p{{gcb=ZWJ}}\p{{gcb=SpacingMark}}]*|."
        );
        Regex::new(&pat).expect("grapheme pattern is valid")
    })
}

/// Byte lengths of the extended grapheme clusters of `s`, in order.
pub(super) fn graphemes(s: &str) -> Vec<&str> {
    let re = grapheme_regex();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let end = match re.find_at(s, i) {
            Some(m) if m.start() == i && m.end() > i => m.end(),
            _ => i + s[i..].chars().next().map_or(1, char::len_utf8),
        };
        out.push(&s[i..end]);
        i = end;
    }
    out
}

pub(super) fn grapheme_count(s: &str) -> usize {
    graphemes(s).len()
}

// ---------------------------------------------------------------- Go case mapping (simple, per rune)

fn go_upper_char(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => match c {
            '\u{1FB3}' => '\u{1FBC}',
            '\u{1FC3}' => '\u{1FCC}',
            '\u{1FF3}' => '\u{1FFC}',
            _ => c,
        },
    }
}

fn go_lower_char(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn go_title_char(c: char) -> char {
    match c {
        '\u{1C4}'..='\u{1C6}' => '\u{1C5}',
        '\u{1C7}'..='\u{1C9}' => '\u{1C8}',
        '\u{1CA}'..='\u{1CC}' => '\u{1CB}',
        '\u{1F1}'..='\u{1F3}' => '\u{1F2}',
        _ => go_upper_char(c),
    }
}

fn go_title(s: &str) -> String {
    let is_sep = |r: char| -> bool {
        if (r as u32) <= 0x7f {
            return !(r.is_ascii_alphanumeric() || r == '_');
        }
        if r.is_alphabetic() || r.is_numeric() {
            return false;
        }
        r.is_whitespace()
    };
    let mut prev = ' ';
    s.chars()
        .map(|r| {
            let out = if is_sep(prev) { go_title_char(r) } else { r };
            prev = r;
            out
        })
        .collect()
}

// ---------------------------------------------------------------- regular expressions

/// Go's regexp compile error as cty words it for regex and regexall.
fn pattern_error(e: GoRegexError) -> FunctionError {
    perr(0, "pattern", format!("invalid regexp pattern: {} in {}", e.code, e.expr))
}

/// The result type of a regex pattern (string, tuple or object).
fn regex_result_type(pat: &str) -> Result<Type, FunctionError> {
    let re = GoRegex::compile(pat).map_err(pattern_error)?;
    let names = re.group_names();
    let unnamed = names.iter().filter(|n| n.is_none()).count();
    let named = names.len() - unnamed;
    Ok(match (unnamed, named) {
        (0, 0) => Type::String,
        (u, n) if u > 0 && n > 0 => {
            return Err(perr(0, "pattern", "invalid regexp pattern: cannot mix both named and unnamed capture groups"))
        }
        (u, _) if u > 0 => Type::tuple(vec![Type::String; u]),
        _ => Type::object(names.iter().flatten().map(|n| (n.clone(), Type::String)).collect()),
    })
}

fn regex_result(re: &GoRegex, caps: &regex::Captures, ty: &Type) -> Value {
    let group = |i: usize| caps.get(i).map_or(Value::null(Type::String), |m| Value::string(m.as_str()));
    match ty {
        Type::Tuple(ts) => Value::tuple((1..=ts.len()).map(group).collect()),
        Type::Object(_) => {
            // With repeated names the last group wins, as in cty.
            let mut m = crate::Fields::new();
            for (i, n) in re.group_names().iter().enumerate() {
                if let Some(n) = n {
                    m.insert(n.clone(), group(i + 1));
                }
            }
            Value::object(m)
        }
        _ => group(0),
    }
}

fn regex_fn(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    if any_unknown(a) || *ret == Type::Dynamic {
        return Ok(Value::unknown(ret.clone()));
    }
    let re = GoRegex::compile(s(&a[0])).map_err(pattern_error)?;
    match re.regex().captures(s(&a[1])) {
        Some(c) => Ok(regex_result(&re, &c, ret)),
        None => Err(ferr("pattern did not match any part of the given string")),
    }
}

fn regexall_fn(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let ety = ret.element().cloned().unwrap_or(Type::Dynamic);
    if any_unknown(a) || ety == Type::Dynamic {
        return Ok(Value::unknown(ret.clone()));
    }
    let re = GoRegex::compile(s(&a[0])).map_err(pattern_error)?;
    let items: Vec<Value> = re.captures_all(s(&a[1])).iter().map(|c| regex_result(&re, c, &ety)).collect();
    Ok(Value::list(ety, items))
}

// ---------------------------------------------------------------- format

#[derive(Default, Clone)]
struct Verb {
    raw: String,
    offset: usize,
    arg_num: usize,
    mode: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    prec: Option<usize>,
    width: Option<usize>,
}

const MAX_WIDTH: usize = 1_000_000;

/// Go's `%q` of a rune.
fn go_quote_rune(c: char) -> String {
    let inner = match c {
        '\'' => "\\'".to_string(),
        '\\' => "\\\\".to_string(),
        '\n' => "\\n".to_string(),
        '\r' => "\\r".to_string(),
        '\t' => "\\t".to_string(),
        '\u{7}' => "\\a".to_string(),
        '\u{8}' => "\\b".to_string(),
        '\u{c}' => "\\f".to_string(),
        '\u{b}' => "\\v".to_string(),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => format!("\\x{:02x}", c as u32),
        c if c.is_control() => {
            if (c as u32) < 0x10000 {
                format!("\\u{:04x}", c as u32)
            } else {
                format!("\\U{:08x}", c as u32)
            }
        }
        c => c.to_string(),
    };
    format!("'{inner}'")
}

/// Go's encoding/json string encoding (HTML-safe), as cty's JSON uses.
pub(super) fn json_quote(s: &str) -> String {
    const HEX: &[u8] = b"0123456789abcdef";
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
            c if (c as u32) < 0x20 => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// cty's JSON encoding of a known value.
fn cty_json(v: &Value, out: &mut String) {
    match v.kind() {
        Kind::Null(_) | Kind::Unknown(_) => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) => out.push_str(&n.to_string()),
        Kind::String(s) => out.push_str(&json_quote(s)),
        Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                cty_json(x, out);
            }
            out.push(']');
        }
        Kind::Map(_, items) | Kind::Object(items) => {
            out.push('{');
            for (i, (k, x)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_quote(k));
                out.push(':');
                cty_json(x, out);
            }
            out.push('}');
        }
    }
}

fn pad_width(verb: &Verb, s: String) -> String {
    let Some(want) = verb.width else { return s };
    let have = grapheme_count(&s);
    if have >= want {
        return s;
    }
    let pads = (if verb.zero { "0" } else { " " }).repeat(want - have);
    if verb.minus {
        s + &pads
    } else {
        pads + &s
    }
}

/// Exact decimal digits of |n| (no leading/trailing zeros) and the decimal
/// point position: |n| = 0.digits × 10^point.
fn exact_decimal(n: &Number) -> (Vec<u8>, i64) {
    if n.is_zero() {
        return (Vec::new(), 0);
    }
    let mut m = n.abs();
    let mut k: u32 = 0;
    let two64 = Number::from_u64(1u64 << 63).mul(&Number::from_i64(2)).unwrap_or_else(|_| Number::from_i64(2));
    while !m.is_integer() && k < 4_000_000 {
        m = match m.mul(&two64) {
            Ok(x) => x,
            Err(_) => break,
        };
        k += 64;
    }
    let int: BigUint = m.to_bigint_string().and_then(|s| s.parse().ok()).unwrap_or_default();
    let scaled = if k > 0 { int * BigUint::from(5u32).pow(k) } else { int };
    let s = scaled.to_string();
    let point = s.len() as i64 - k as i64;
    let digits = s.trim_end_matches('0').as_bytes().to_vec();
    (digits, point)
}

/// Shortest decimal digits (as Terraform prints) and point position.
fn shortest_decimal(n: &Number) -> (Vec<u8>, i64) {
    if n.is_zero() {
        return (Vec::new(), 0);
    }
    let s = n.abs().to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let int = int.trim_start_matches('0');
    if !int.is_empty() {
        let mut d: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
        while d.last() == Some(&b'0') {
            d.pop();
        }
        (d, int.len() as i64)
    } else {
        let lead = frac.len() - frac.trim_start_matches('0').len();
        let d: Vec<u8> = frac.trim_start_matches('0').trim_end_matches('0').bytes().collect();
        (d, -(lead as i64))
    }
}

struct Decimal {
    mant: Vec<u8>,
    exp: i64,
}

impl Decimal {
    fn at(&self, i: i64) -> u8 {
        if i >= 0 && (i as usize) < self.mant.len() {
            self.mant[i as usize]
        } else {
            b'0'
        }
    }
    fn round(&mut self, n: i64) {
        if n < 0 || n as usize >= self.mant.len() {
            return;
        }
        let n = n as usize;
        let up = if self.mant[n] == b'5' && n + 1 == self.mant.len() {
            n > 0 && (self.mant[n - 1] - b'0') & 1 != 0
        } else {
            self.mant[n] >= b'5'
        };
        if up {
            let mut n = n;
            while n > 0 && self.mant[n - 1] >= b'9' {
                n -= 1;
            }
            if n == 0 {
                self.mant = vec![b'1'];
                self.exp += 1;
                return;
            }
            self.mant[n - 1] += 1;
            self.mant.truncate(n);
        } else {
            self.mant.truncate(n);
            while self.mant.last() == Some(&b'0') {
                self.mant.pop();
            }
            if self.mant.is_empty() {
                self.exp = 0;
            }
        }
    }
}

fn fmt_e(out: &mut String, fmt: char, prec: i64, d: &Decimal) {
    out.push(d.mant.first().map_or('0', |c| *c as char));
    if prec > 0 {
        out.push('.');
        let mut i = 1i64;
        let m = (d.mant.len() as i64).min(prec + 1);
        while i < m {
            out.push(d.mant[i as usize] as char);
            i += 1;
        }
        while i <= prec {
            out.push('0');
            i += 1;
        }
    }
    out.push(fmt);
    let mut exp = if d.mant.is_empty() { 0 } else { d.exp - 1 };
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

fn fmt_f(out: &mut String, prec: i64, d: &Decimal) {
    if d.exp > 0 {
        let m = (d.mant.len() as i64).min(d.exp);
        out.extend(d.mant[..m as usize].iter().map(|c| *c as char));
        for _ in m..d.exp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            out.push(d.at(d.exp + i) as char);
        }
    }
}

/// big.Float.Text / Append for 'e', 'E', 'f', 'g', 'G' (prec < 0: shortest).
fn float_text(n: &Number, fmt: char, prec: i64) -> String {
    if n.is_infinite() {
        // Go's big.Float text for infinities.
        return n.to_string();
    }
    let mut out = String::new();
    if n.is_sign_negative() {
        out.push('-');
    }
    let shortest = prec < 0;
    let mut prec = prec;
    let mut d = if shortest {
        let (mant, exp) = shortest_decimal(n);
        Decimal { mant, exp }
    } else {
        let (mant, exp) = exact_decimal(n);
        Decimal { mant, exp }
    };
    if shortest {
        prec = match fmt {
            'e' | 'E' => d.mant.len() as i64 - 1,
            'f' => (d.mant.len() as i64 - d.exp).max(0),
            _ => d.mant.len() as i64,
        };
    } else {
        match fmt {
            'e' | 'E' => d.round(1 + prec),
            'f' => d.round(d.exp + prec),
            _ => {
                if prec == 0 {
                    prec = 1;
                }
                d.round(prec)
            }
        }
    }
    match fmt {
        'e' | 'E' => fmt_e(&mut out, fmt, prec, &d),
        'f' => fmt_f(&mut out, prec, &d),
        _ => {
            let mut eprec = prec;
            if eprec > d.mant.len() as i64 && d.mant.len() as i64 >= d.exp {
                eprec = d.mant.len() as i64;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.exp - 1;
            if exp < -4 || exp >= eprec {
                if prec > d.mant.len() as i64 {
                    prec = d.mant.len() as i64;
                }
                let e = if fmt == 'g' { 'e' } else { 'E' };
                fmt_e(&mut out, e, prec - 1, &d);
            } else {
                if prec > d.exp {
                    prec = d.mant.len() as i64;
                }
                fmt_f(&mut out, (prec - d.exp).max(0), &d);
            }
        }
    }
    out
}

/// Go's big.Float Format with fmt flags.
fn format_float(verb: &Verb, n: &Number) -> String {
    let prec = match (verb.mode, verb.prec) {
        ('g' | 'G', None) => -1,
        (_, None) => 6,
        (_, Some(p)) => p as i64,
    };
    let text = float_text(n, verb.mode, prec);
    let (sign, body) = match text.strip_prefix('-') {
        Some(b) => ("-", b.to_string()),
        None if verb.plus => ("+", text),
        None if verb.space => (" ", text),
        None => ("", text),
    };
    let len = sign.len() + body.len();
    let padding = verb.width.map_or(0, |w| w.saturating_sub(len));
    let zero = verb.zero && !verb.minus;
    if zero {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if verb.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

/// Go's big.Int Format.
fn format_int(verb: &Verb, neg: bool, mag: &BigUint) -> String {
    let (base, ch) = match verb.mode {
        'b' => (2, 'b'),
        'o' => (8, 'o'),
        'x' => (16, 'x'),
        'X' => (16, 'X'),
        _ => (10, 'd'),
    };
    let sign = if neg {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    };
    let prefix = if verb.sharp {
        match ch {
            'b' => "0b",
            'o' => "0",
            'x' => "0x",
            'X' => "0X",
            _ => "",
        }
    } else {
        ""
    };
    let mut digits = mag.to_str_radix(base);
    if ch == 'X' {
        digits = digits.to_ascii_uppercase();
    }
    let mut zeros = 0;
    if let Some(p) = verb.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return String::new();
        }
    }
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(w) = verb.width {
        if length < w {
            let d = w - length;
            if verb.minus {
                right = d;
            } else if verb.zero && verb.prec.is_none() {
                zeros = d;
            } else {
                left = d;
            }
        }
    }
    format!("{}{sign}{prefix}{}{digits}{}", " ".repeat(left), "0".repeat(zeros), " ".repeat(right))
}

fn unsupported(verb: &Verb, msg: impl std::fmt::Display) -> String {
    format!("unsupported value for {} at {}: {msg}", crate::render::go_quote(&verb.raw), verb.offset)
}

fn format_append(verb: &Verb, out: &mut String, args: &[Value]) -> Result<(), String> {
    let idx = verb.arg_num.wrapping_sub(1);
    let Some(arg) = args.get(idx) else {
        return Err(format!(
            "not enough arguments for {} at {}: need index {} but have {} total",
            crate::render::go_quote(&verb.raw),
            verb.offset,
            verb.arg_num,
            args.len()
        ));
    };
    if verb.mode != 'v' && arg.is_null() {
        return Err(unsupported(verb, "null value cannot be formatted"));
    }
    match verb.mode {
        'v' => {
            if !verb.sharp && !arg.is_null() {
                if let Some(st) = arg.as_str() {
                    out.push_str(&pad_width(verb, st.to_string()));
                    return Ok(());
                }
                if let Some(n) = arg.as_number() {
                    out.push_str(&pad_width(verb, float_text(n, 'g', -1)));
                    return Ok(());
                }
            }
            let mut j = String::new();
            cty_json(arg, &mut j);
            out.push_str(&pad_width(verb, j));
        }
        't' => {
            let b = convert(arg, &Type::Bool).map_err(|e| unsupported(verb, e))?;
            out.push_str(if b.as_bool() == Some(true) { "true" } else { "false" });
        }
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let n = convert(arg, &Type::Number).map_err(|e| unsupported(verb, e))?;
            let n = n.as_number().cloned().unwrap_or_else(Number::zero);
            if matches!(verb.mode, 'e' | 'E' | 'f' | 'g' | 'G') {
                out.push_str(&format_float(verb, &n));
            } else {
                let Some(digits) = n.to_bigint_string() else {
                    return Err(unsupported(verb, "an integer is required"));
                };
                let (neg, mag) = match digits.strip_prefix('-') {
                    Some(m) => (true, m),
                    None => (false, digits.as_str()),
                };
                let mag: BigUint = mag.parse().unwrap_or_default();
                out.push_str(&format_int(verb, neg, &mag));
            }
        }
        's' | 'q' => {
            let sv = convert(arg, &Type::String).map_err(|e| unsupported(verb, e))?;
            let mut st = sv.as_str().unwrap_or_default().to_string();
            if let Some(p) = verb.prec.filter(|p| *p > 0) {
                let g = graphemes(&st);
                if g.len() > p {
                    st = g[..p].concat();
                }
            }
            if verb.mode == 's' {
                out.push_str(&pad_width(verb, st));
            } else {
                out.push_str(&pad_width(verb, json_quote(&st)));
            }
        }
        m => {
            return Err(format!(
                "unsupported format verb {} in {} at offset {}",
                go_quote_rune(m),
                crate::render::go_quote(&verb.raw),
                verb.offset
            ))
        }
    }
    Ok(())
}

/// cty's format state machine. Errors carry the argument index (into the
/// whole call, format at 0) when an argument is to blame.
fn format_fsm(format: &str, args: &[Value]) -> Result<String, (Option<usize>, String)> {
    let b = format.as_bytes();
    let mut out = String::new();
    let mut next_arg = 1usize;
    let mut highest = 0usize;
    let mut p = 0usize;
    let bad_char = |p: usize| -> (Option<usize>, String) {
        let c = format[p..].chars().next().unwrap_or('\u{fffd}');
        (None, format!("unrecognized format character {} at offset {p}", go_quote_rune(c)))
    };
    let eof = |p: usize| (None, format!("invalid format string starting at offset {p}"));
    while p < b.len() {
        if b[p] != b'%' {
            let c = format[p..].chars().next().unwrap_or('\u{fffd}');
            out.push(c);
            p += c.len_utf8();
            continue;
        }
        let ts = p;
        p += 1;
        if p >= b.len() {
            return Err(eof(p));
        }
        if b[p] == b'%' {
            out.push('%');
            p += 1;
            continue;
        }
        let mut verb = Verb { arg_num: next_arg, ..Verb::default() };
        while p < b.len() {
            match b[p] {
                b'0' => verb.zero = true,
                b'#' => verb.sharp = true,
                b'-' => verb.minus = true,
                b'+' => verb.plus = true,
                b' ' => verb.space = true,
                _ => break,
            }
            p += 1;
        }
        if p < b.len() && (b'1'..=b'9').contains(&b[p]) {
            let mut w = 0usize;
            while p < b.len() && b[p].is_ascii_digit() {
                w = w.saturating_mul(10).saturating_add((b[p] - b'0') as usize);
                p += 1;
            }
            verb.width = Some(w);
        }
        if p < b.len() && b[p] == b'.' {
            p += 1;
            let mut pr = 0usize;
            while p < b.len() && b[p].is_ascii_digit() {
                pr = pr.saturating_mul(10).saturating_add((b[p] - b'0') as usize);
                p += 1;
            }
            verb.prec = Some(pr);
        }
        if p < b.len() && b[p] == b'[' {
            p += 1;
            if p >= b.len() {
                return Err(eof(p));
            }
            if !(b'1'..=b'9').contains(&b[p]) {
                return Err(bad_char(p));
            }
            let mut n = 0usize;
            while p < b.len() && b[p].is_ascii_digit() {
                n = n.saturating_mul(10).saturating_add((b[p] - b'0') as usize);
                p += 1;
            }
            if p >= b.len() {
                return Err(eof(p));
            }
            if b[p] != b']' {
                return Err(bad_char(p));
            }
            p += 1;
            verb.arg_num = n;
        }
        if p >= b.len() {
            return Err(eof(p));
        }
        if !b[p].is_ascii_alphabetic() {
            return Err(bad_char(p));
        }
        verb.mode = b[p] as char;
        p += 1;
        verb.raw = format[ts..p].to_string();
        verb.offset = ts;
        if verb.width.unwrap_or(0) > MAX_WIDTH || verb.prec.unwrap_or(0) > MAX_WIDTH {
            return Err((None, format!("width or precision too large in {}", crate::render::go_quote(&verb.raw))));
        }
        highest = highest.max(verb.arg_num);
        format_append(&verb, &mut out, args).map_err(|e| (None, e))?;
        next_arg = verb.arg_num.saturating_add(1);
    }
    if highest < args.len() {
        let first_bad = highest + 1;
        if highest == 0 {
            return Err((Some(first_bad), "too many arguments; no verbs in format string".into()));
        }
        return Err((Some(first_bad), format!("too many arguments; only {highest} used by format string")));
    }
    Ok(out)
}

fn format_fn(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    // A value of no type yet (null or unknown) makes cty skip the call.
    if a[0].is_unknown() || a[1..].iter().any(|v| !v.is_wholly_known() || v.ty() == Type::Dynamic) {
        return Ok(Value::unknown(Type::String));
    }
    match format_fsm(s(&a[0]), &a[1..]) {
        Ok(out) => Ok(Value::string(out)),
        Err((Some(i), msg)) => Err(perr(i, "args", msg)),
        Err((None, msg)) => Err(ferr(msg)),
    }
}

fn formatlist_fn(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    if a[0].is_unknown() || a[1..].iter().any(|v| v.ty() == Type::Dynamic) {
        return Ok(Value::unknown(ret.clone()));
    }
    let fmt = s(&a[0]);
    let args = &a[1..];
    if args.is_empty() {
        return match format_fsm(fmt, args) {
            Ok(out) => Ok(Value::list(Type::String, vec![Value::string(out)])),
            Err((Some(i), msg)) => Err(perr(i, "args", msg)),
            Err((None, msg)) => Err(ferr(msg)),
        };
    }
    let mut iter_len: Option<(usize, usize)> = None;
    let mut unknown = false;
    for (i, arg) in args.iter().enumerate() {
        let ty = arg.ty();
        let seq_ty = matches!(ty, Type::List(_) | Type::Set(_) | Type::Tuple(_));
        if seq_ty && !arg.is_null() {
            let this_len = match (&ty, arg.length()) {
                (Type::Tuple(ts), _) => ts.len(),
                (_, Some(l)) => l,
                _ => {
                    unknown = true;
                    continue;
                }
            };
            match iter_len {
                None => iter_len = Some((this_len, i)),
                Some((l, chooser)) if l != this_len => {
                    return Err(perr(
                        i + 1,
                        "args",
                        format!(
                            "argument {} has length {}, which is inconsistent with argument {} of length {}",
                            i + 1,
                            this_len,
                            chooser + 1,
                            l
                        ),
                    ))
                }
                _ => {}
            }
            if arg.is_unknown() {
                unknown = true;
            }
        } else if arg.is_unknown() && ty == Type::Dynamic {
            unknown = true;
        }
    }
    if unknown {
        return Ok(Value::unknown(ret.clone()));
    }
    let n = match iter_len {
        Some((0, _)) => return Ok(Value::list(Type::String, vec![])),
        Some((l, _)) => l,
        None => 1,
    };
    let mut out = Vec::with_capacity(n);
    'results: for it in 0..n {
        let mut fargs = Vec::with_capacity(args.len());
        for arg in args {
            let seq = matches!(arg.ty(), Type::List(_) | Type::Set(_) | Type::Tuple(_)) && !arg.is_null();
            let v = if seq {
                arg.as_seq().and_then(|s| s.get(it)).cloned().unwrap_or_else(Value::dynamic_null)
            } else {
                arg.clone()
            };
            if !v.is_wholly_known() {
                out.push(Value::unknown(Type::String));
                continue 'results;
            }
            fargs.push(v);
        }
        match format_fsm(fmt, &fargs) {
            Ok(st) => out.push(Value::string(st)),
            Err((_, msg)) => return Err(ferr(format!("error on format iteration {it}: {msg}"))),
        }
    }
    Ok(Value::list(Type::String, out))
}

// ---------------------------------------------------------------- the simple ones

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn str_fn(name: &'static str, params: &[&'static str], imp: fn(&CallContext, &[Value], &Type) -> FnResult) -> Function {
    Function {
        name,
        params: params.iter().map(|n| Param::new(n, Type::String)).collect(),
        var_param: None,
        ret: ReturnType::Fixed(|| Type::String),
        imp,
    }
}

fn bool_fn(
    name: &'static str,
    params: &[&'static str],
    imp: fn(&CallContext, &[Value], &Type) -> FnResult,
) -> Function {
    Function {
        name,
        params: params.iter().map(|n| Param::new(n, Type::String)).collect(),
        var_param: None,
        ret: ReturnType::Fixed(|| Type::Bool),
        imp,
    }
}

fn substr(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let input = s(&a[0]);
    let mut offset = to_int(&a[1]).map_err(ferr)?;
    let length = to_int(&a[2]).map_err(ferr)?;
    let clusters = graphemes(input);
    if offset < 0 {
        offset = offset.saturating_add(clusters.len() as i64);
    } else if length == 0 {
        return Ok(Value::string(""));
    }
    let mut sub: &[&str] = &clusters;
    if offset > 0 {
        if offset as u64 > clusters.len() as u64 {
            return Ok(Value::string(""));
        }
        sub = &clusters[offset as usize..];
    }
    if length < 0 {
        return Ok(Value::string(sub.concat()));
    }
    let take = if length == 0 { sub.len() } else { (length as u64).min(sub.len() as u64) as usize };
    Ok(Value::string(sub[..take].concat()))
}

fn join(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    if a[0].is_unknown() {
        return Ok(Value::unknown(Type::String));
    }
    let lists = &a[1..];
    if lists.is_empty() {
        return Err(ferr("at least one list is required"));
    }
    if lists.iter().any(|l| !l.is_wholly_known()) {
        return Ok(Value::unknown(Type::String));
    }
    let mut items = Vec::new();
    for (ai, l) in lists.iter().enumerate() {
        for (ei, v) in l.as_seq().unwrap_or_default().iter().enumerate() {
            if v.is_null() {
                let msg = if lists.len() > 1 {
                    format!("element {ei} of list {} is null; cannot concatenate null values", ai + 1)
                } else {
                    format!("element {ei} is null; cannot concatenate null values")
                };
                return Err(perr(ai + 1, "lists", msg));
            }
            items.push(s(v).to_string());
        }
    }
    Ok(Value::string(items.join(s(&a[0]))))
}

fn replace(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let (st, sub, rep) = (s(&a[0]), s(&a[1]), s(&a[2]));
    if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        let re = GoRegex::compile(&sub[1..sub.len() - 1])
            .map_err(|e| ferr(format!("error parsing regexp: {}: `{}`", e.code, e.expr)))?;
        return Ok(Value::string(re.replace_all(st, rep)));
    }
    Ok(Value::string(st.replace(sub, rep)))
}

fn split(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let (sep, st) = (s(&a[0]), s(&a[1]));
    let parts: Vec<Value> = if sep.is_empty() {
        st.chars().map(|c| Value::string(c.to_string())).collect()
    } else {
        st.split(sep).map(Value::string).collect()
    };
    Ok(Value::list(Type::String, parts))
}

fn indent(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let spaces = to_int(&a[0]).map_err(ferr)?;
    if spaces < 0 {
        return Err(FunctionError::new("panic in function implementation: strings: negative Repeat count"));
    }
    let data = s(&a[1]);
    let lines = data.matches('\n').count() as u64;
    if (spaces as u64).saturating_mul(lines) > 256 * 1024 * 1024 {
        return Err(ferr("indentation too large"));
    }
    let pad = " ".repeat(spaces as usize);
    Ok(Value::string(data.replace('\n', &format!("\n{pad}"))))
}

pub(super) fn functions() -> Vec<Function> {
    vec![
        str_fn("upper", &["str"], |_, a, _| Ok(Value::string(s(&a[0]).chars().map(go_upper_char).collect::<String>()))),
        str_fn("lower", &["str"], |_, a, _| Ok(Value::string(s(&a[0]).chars().map(go_lower_char).collect::<String>()))),
        str_fn("title", &["str"], |_, a, _| Ok(Value::string(go_title(s(&a[0]))))),
        str_fn("chomp", &["str"], |_, a, _| Ok(Value::string(s(&a[0]).trim_end_matches(['\r', '\n'])))),
        str_fn("trimspace", &["str"], |_, a, _| Ok(Value::string(s(&a[0]).trim_matches(char::is_whitespace)))),
        str_fn("trim", &["str", "cutset"], |_, a, _| {
            let cut = s(&a[1]);
            Ok(Value::string(s(&a[0]).trim_matches(|c| cut.contains(c))))
        }),
        str_fn("trimprefix", &["str", "prefix"], |_, a, _| {
            Ok(Value::string(s(&a[0]).strip_prefix(s(&a[1])).unwrap_or(s(&a[0]))))
        }),
        str_fn("trimsuffix", &["str", "suffix"], |_, a, _| {
            Ok(Value::string(s(&a[0]).strip_suffix(s(&a[1])).unwrap_or(s(&a[0]))))
        }),
        str_fn("strrev", &["str"], |_, a, _| {
            let mut g = graphemes(s(&a[0]));
            g.reverse();
            Ok(Value::string(g.concat()))
        }),
        str_fn("replace", &["str", "substr", "replace"], replace),
        Function {
            name: "substr",
            params: vec![
                Param::new("str", Type::String),
                Param::new("offset", Type::Number),
                Param::new("length", Type::Number),
            ],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: substr,
        },
        Function {
            name: "indent",
            params: vec![Param::new("spaces", Type::Number), Param::new("str", Type::String)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: indent,
        },
        Function {
            name: "split",
            params: vec![Param::new("separator", Type::String), Param::new("str", Type::String)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::list(Type::String)),
            imp: split,
        },
        Function {
            name: "join",
            params: vec![p("separator", Type::String)],
            var_param: Some(p("lists", Type::list(Type::String))),
            ret: ReturnType::Fixed(|| Type::String),
            imp: join,
        },
        Function {
            name: "startswith",
            params: vec![p("str", Type::String), Param::new("prefix", Type::String)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::Bool),
            imp: |_, a, _| {
                let prefix = s(&a[1]);
                if a[0].is_unknown() {
                    return Ok(if prefix.is_empty() { Value::bool(true) } else { Value::unknown(Type::Bool) });
                }
                Ok(Value::bool(s(&a[0]).starts_with(prefix)))
            },
        },
        bool_fn("endswith", &["str", "suffix"], |_, a, _| Ok(Value::bool(s(&a[0]).ends_with(s(&a[1]))))),
        bool_fn("strcontains", &["str", "substr"], |_, a, _| Ok(Value::bool(s(&a[0]).contains(s(&a[1]))))),
        Function {
            name: "format",
            params: vec![Param::new("format", Type::String)],
            var_param: Some(Param::new("args", Type::Dynamic).allow_null().allow_unknown()),
            ret: ReturnType::Fixed(|| Type::String),
            imp: format_fn,
        },
        Function {
            name: "formatlist",
            params: vec![Param::new("format", Type::String)],
            var_param: Some(Param::new("args", Type::Dynamic).allow_null().allow_unknown()),
            ret: ReturnType::Fixed(|| Type::list(Type::String)),
            imp: formatlist_fn,
        },
        Function {
            name: "regex",
            params: vec![p("pattern", Type::String), p("string", Type::String)],
            var_param: None,
            ret: ReturnType::FromArgs(|a| {
                if a[0].is_unknown() {
                    return Ok(Type::Dynamic);
                }
                regex_result_type(s(&a[0]))
            }),
            imp: regex_fn,
        },
        Function {
            name: "regexall",
            params: vec![p("pattern", Type::String), p("string", Type::String)],
            var_param: None,
            ret: ReturnType::FromArgs(|a| {
                if a[0].is_unknown() {
                    return Ok(Type::list(Type::Dynamic));
                }
                regex_result_type(s(&a[0])).map(Type::list)
            }),
            imp: regexall_fn,
        },
    ]
}
