//! Encoding functions: base64decode base64encode base64gzip base64gunzip
//! csvdecode jsondecode jsonencode textdecodebase64 textencodebase64
//! urlencode urldecode yamldecode yamlencode.

use super::textenc;
use super::{CallContext, FnResult, Function, FunctionError, Param, ReturnType};
use crate::number::Number;
use crate::render::go_quote;
use crate::types::Type;
use crate::value::{Kind, Marks, Value};
use std::collections::BTreeMap;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Go's `base64.StdEncoding.EncodeToString`.
pub(super) fn b64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        out.push(B64[(n >> 18) as usize & 63] as char);
        out.push(B64[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { B64[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { B64[n as usize & 63] as char } else { '=' });
    }
    out
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, CR and LF
/// ignored. The error is the offset of the first bad symbol.
pub(super) fn b64_decode_at(s: &str) -> Result<Vec<u8>, usize> {
    let src = s.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        si = b64_quantum(src, si, &mut out)?;
    }
    Ok(out)
}

/// Go's `decodeQuantum`: up to four symbols from `si` (newlines skipped),
/// the position after them, or the offset Go reports as corrupt.
fn b64_quantum(src: &[u8], mut si: usize, out: &mut Vec<u8>) -> Result<usize, usize> {
    let value = |c: u8| B64.iter().position(|b| *b == c).map(|v| v as u32);
    let is_newline = |c: u8| c == b'\n' || c == b'\r';
    let mut dbuf = [0u32; 4];
    let mut dlen = 4;
    let mut j = 0;
    while j < 4 {
        if si == src.len() {
            if j == 0 {
                return Ok(si);
            }
            return Err(si - j);
        }
        let c = src[si];
        si += 1;
        if let Some(v) = value(c) {
            dbuf[j] = v;
            j += 1;
            continue;
        }
        if is_newline(c) {
            continue;
        }
        if c != b'=' || j < 2 {
            return Err(si - 1);
        }
        if j == 2 {
            while si < src.len() && is_newline(src[si]) {
                si += 1;
            }
            if si == src.len() {
                return Err(src.len());
            }
            if src[si] != b'=' {
                return Err(si - 1);
            }
            si += 1;
        }
        while si < src.len() && is_newline(src[si]) {
            si += 1;
        }
        if si < src.len() {
            return Err(si);
        }
        dlen = j;
        break;
    }
    let v = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3];
    let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
    out.extend_from_slice(&bytes[..dlen - 1]);
    Ok(si)
}

pub(super) fn b64_decode(s: &str) -> Option<Vec<u8>> {
    b64_decode_at(s).ok()
}

/// A function failure, rendered as HCL does ("Call to function ... failed: msg.").
pub(super) fn fail(msg: impl std::fmt::Display) -> FunctionError {
    FunctionError::new(format!("{msg}."))
}

/// An argument failure ("Invalid value for \"name\" parameter: msg.").
pub(super) fn arg_fail(i: usize, name: &str, msg: impl std::fmt::Display) -> FunctionError {
    FunctionError::arg(i, format!("Invalid value for {name:?} parameter: {msg}."))
}

fn s(a: &[Value], i: usize) -> &str {
    a[i].as_str().expect("converted to string")
}

fn fixed_string() -> ReturnType {
    ReturnType::Fixed(|| Type::String)
}

// ------------------------------------------------------------------ base64

fn base64decode_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let (v, marks) = a[0].clone().unmark_deep();
    if !v.is_known() {
        return Ok(Value::unknown(Type::String).mark(marks));
    }
    let text = v.as_str().expect("string");
    let shown = if marks.contains(Marks::SENSITIVE) { "(sensitive value)".to_string() } else { go_quote(text) };
    let bytes = b64_decode(text).ok_or_else(|| fail(format!("failed to decode base64 data {shown}")))?;
    let out =
        String::from_utf8(bytes).map_err(|_| fail("the result of decoding the provided string is not valid UTF-8"))?;
    Ok(Value::string(out).mark(marks))
}

/// Go's `compress/gzip` writer output for `Write`, `Flush`, `Close`.
fn gzip_go(data: &[u8]) -> Vec<u8> {
    super::deflate::gzip(data)
}

fn crc32(data: &[u8]) -> u32 {
    super::deflate::crc32(data)
}

fn gunzip(data: &[u8]) -> Result<Vec<u8>, String> {
    if data.len() < 18 || data[0] != 0x1f || data[1] != 0x8b {
        return Err("gzip: invalid header".into());
    }
    if data[2] != 8 {
        return Err("gzip: invalid header".into());
    }
    let flags = data[3];
    let mut pos = 10;
    let need = |pos: usize, n: usize| if pos + n > data.len() { Err("unexpected EOF".to_string()) } else { Ok(()) };
    if flags & 4 != 0 {
        need(pos, 2)?;
        let xlen = data[pos] as usize | (data[pos + 1] as usize) << 8;
        pos += 2 + xlen;
    }
    for bit in [8u8, 16] {
        if flags & bit != 0 {
            while pos < data.len() && data[pos] != 0 {
                pos += 1;
            }
            pos += 1;
        }
    }
    if flags & 2 != 0 {
        pos += 2;
    }
    need(pos, 0)?;
    let (out, consumed) = inflate(&data[pos..])?;
    let tail = pos + consumed;
    need(tail, 8)?;
    let crc = u32::from_le_bytes(data[tail..tail + 4].try_into().expect("4 bytes"));
    if crc != crc32(&out) {
        return Err("gzip: invalid checksum".into());
    }
    Ok(out)
}

fn inflate(data: &[u8]) -> Result<(Vec<u8>, usize), String> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    let mut d = DecompressorOxide::new();
    let mut out = vec![0u8; (data.len() * 4).max(1024)];
    let mut in_pos = 0;
    let mut out_pos = 0;
    loop {
        let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF | inflate_flags::TINFL_FLAG_HAS_MORE_INPUT;
        let flags = if in_pos >= data.len() { flags & !inflate_flags::TINFL_FLAG_HAS_MORE_INPUT } else { flags };
        let (status, n_in, n_out) = decompress(&mut d, &data[in_pos..], &mut out, out_pos, flags);
        in_pos += n_in;
        out_pos += n_out;
        match status {
            TINFLStatus::Done => {
                out.truncate(out_pos);
                return Ok((out, in_pos));
            }
            TINFLStatus::HasMoreOutput => {
                if out.len() > 1 << 30 {
                    return Err("gzip: decompressed data too large".into());
                }
                let n = out.len() * 2;
                out.resize(n, 0);
            }
            TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
                return Err("unexpected EOF".into());
            }
            _ => return Err("flate: corrupt input".into()),
        }
    }
}

// ------------------------------------------------------------------ text encodings

fn text_encoding(name: &str) -> Result<textenc::TextEncoding, FunctionError> {
    textenc::lookup(name).ok_or_else(|| {
        arg_fail(
            1,
            "encoding",
            format!("{} is not a supported IANA encoding name or alias in this Terraform version", go_quote(name)),
        )
    })
}

fn textencodebase64_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let enc = text_encoding(s(a, 1))?;
    let bytes = enc.encode(s(a, 0)).ok_or_else(|| {
        arg_fail(
            0,
            "string",
            format!("the given string contains characters that cannot be represented in {}", enc.name),
        )
    })?;
    Ok(Value::string(b64_encode(&bytes)))
}

fn textdecodebase64_imp(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let enc = text_encoding(s(a, 1))?;
    let bytes = b64_decode_at(s(a, 0)).map_err(|off| {
        arg_fail(0, "source", format!("the given value is has an invalid base64 symbol at offset {off}"))
    })?;
    let text = enc.decode(&bytes).ok_or_else(|| {
        arg_fail(0, "source", format!("the given string contains symbols that are not defined for {}", enc.name))
    })?;
    Ok(Value::string(text))
}

// ------------------------------------------------------------------ URL

fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn urldecode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (bytes.get(i + 1).and_then(|c| hex(*c)), bytes.get(i + 2).and_then(|c| hex(*c))) {
                    (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                    _ => {
                        let end = (i + 3).min(bytes.len());
                        let esc = String::from_utf8_lossy(&bytes[i..end]);
                        return Err(format!("invalid URL escape {esc:?}"));
                    }
                }
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

// ------------------------------------------------------------------ CSV

enum CsvErr {
    BareQuote,
    Quote,
}

/// Go's `encoding/csv` reader with default settings: records with the
/// line each started on, or (line, error).
/// Records with their 1-based line numbers.
type CsvRecords = Vec<(usize, Vec<String>)>;

fn csv_records(text: &str) -> Result<CsvRecords, (usize, CsvErr)> {
    let text = text.replace("\r\n", "\n");
    let chars: Vec<char> = text.chars().collect();
    let mut records = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        // Skip empty lines.
        if chars[i] == '\n' {
            i += 1;
            line += 1;
            continue;
        }
        let start_line = line;
        let mut fields = Vec::new();
        loop {
            let mut field = String::new();
            if i < chars.len() && chars[i] == '"' {
                i += 1;
                loop {
                    if i >= chars.len() {
                        return Err((line, CsvErr::Quote));
                    }
                    let c = chars[i];
                    if c == '"' {
                        if chars.get(i + 1) == Some(&'"') {
                            field.push('"');
                            i += 2;
                            continue;
                        }
                        i += 1;
                        match chars.get(i) {
                            None | Some('\n') | Some(',') => break,
                            Some(_) => return Err((line, CsvErr::Quote)),
                        }
                    }
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                    i += 1;
                }
            } else {
                while i < chars.len() && chars[i] != ',' && chars[i] != '\n' {
                    if chars[i] == '"' {
                        return Err((line, CsvErr::BareQuote));
                    }
                    field.push(chars[i]);
                    i += 1;
                }
            }
            fields.push(field);
            match chars.get(i) {
                Some(',') => {
                    i += 1;
                }
                Some('\n') => {
                    i += 1;
                    line += 1;
                    break;
                }
                _ => break,
            }
        }
        records.push((start_line, fields));
    }
    Ok(records)
}

fn csv_error(line: usize, e: CsvErr) -> FunctionError {
    let msg = match e {
        CsvErr::BareQuote => "bare \" in non-quoted-field",
        CsvErr::Quote => "extraneous or missing \" in quoted-field",
    };
    fail(format!("CSV parse error on line {line}: {msg}"))
}

fn csv_header(text: &str) -> Result<Vec<String>, FunctionError> {
    let records = csv_records(text);
    let records = match records {
        Ok(r) => r,
        Err((line, e)) => {
            // An error after the header still lets the header be read.
            let first_line_end = text.find('\n').map(|n| &text[..n]).unwrap_or(text);
            match csv_records(first_line_end) {
                Ok(r) if !r.is_empty() && line > 1 => r,
                _ => return Err(csv_error(line, e)),
            }
        }
    };
    let Some((_, header)) = records.into_iter().next() else {
        return Err(fail("missing header line"));
    };
    let mut seen = std::collections::BTreeSet::new();
    for h in &header {
        if !seen.insert(h.clone()) {
            return Err(fail(format!("duplicate column name {h:?}")));
        }
    }
    Ok(header)
}

fn csvdecode_ret(a: &[Value]) -> Result<Type, FunctionError> {
    let Some(text) = a[0].as_str() else {
        return Ok(Type::Dynamic);
    };
    let header = csv_header(text)?;
    Ok(Type::list(Type::object(header.into_iter().map(|h| (h, Type::String)).collect())))
}

fn csvdecode_imp(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let text = s(a, 0);
    let header = csv_header(text)?;
    let records = csv_records(text).map_err(|(l, e)| csv_error(l, e))?;
    let mut rows = Vec::new();
    for (line, rec) in records.into_iter().skip(1) {
        if rec.len() != header.len() {
            return Err(fail(format!("CSV parse error on line {line}: wrong number of fields")));
        }
        let obj: BTreeMap<String, Value> = header.iter().cloned().zip(rec.into_iter().map(Value::string)).collect();
        rows.push(Value::object(obj.into()));
    }
    let elem = ret.element().cloned().unwrap_or(Type::Dynamic);
    Ok(Value::list(elem, rows))
}

// ------------------------------------------------------------------ JSON

/// Go's `encoding/json` string encoding (HTML-safe).
fn json_string(s: &str, out: &mut String) {
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
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

pub(super) fn json_encode(v: &Value, out: &mut String) {
    match v.kind() {
        Kind::Null(_) | Kind::Unknown(_) => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) => out.push_str(&n.to_string()),
        Kind::String(s) => json_string(s, out),
        Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_encode(x, out);
            }
            out.push(']');
        }
        Kind::Map(_, items) | Kind::Object(items) => {
            out.push('{');
            for (i, (k, x)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(k, out);
                out.push(':');
                json_encode(x, out);
            }
            out.push('}');
        }
    }
}

/// Parses JSON as `jsondecode` does, with Go's error messages.
struct JsonParser<'a> {
    b: &'a [u8],
    pos: usize,
    depth: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.pos < self.b.len() && matches!(self.b[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn invalid(&self, context: &str) -> String {
        match self.current_char() {
            None => "unexpected EOF".into(),
            Some(c) => format!("invalid character {} {context}", quote_char(c)),
        }
    }

    fn current_char(&self) -> Option<char> {
        std::str::from_utf8(&self.b[self.pos..])
            .ok()
            .and_then(|s| s.chars().next())
            .or_else(|| self.b.get(self.pos).map(|b| char::from_u32(*b as u32).unwrap_or('\u{FFFD}')))
    }

    fn value(&mut self) -> Result<Value, String> {
        self.ws();
        self.depth += 1;
        if self.depth > 10000 {
            return Err("exceeded max depth".into());
        }
        let out = match self.b.get(self.pos) {
            None => Err("EOF".into()),
            Some(b'{') => {
                self.pos += 1;
                let mut m = crate::Fields::new();
                self.ws();
                if self.b.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        if self.pos >= self.b.len() {
                            return Err("EOF".into());
                        }
                        if self.b.get(self.pos) != Some(&b'"') {
                            if m.is_empty() {
                                return Err(match self.current_char() {
                                    None => "unexpected EOF".into(),
                                    Some(c) => format!("invalid character {}", quote_char(c)),
                                });
                            }
                            return Err(self.invalid("looking for beginning of object key string"));
                        }
                        let k = self.string()?;
                        self.ws();
                        if self.pos >= self.b.len() {
                            return Err("EOF".into());
                        }
                        if self.b.get(self.pos) != Some(&b':') {
                            return Err(self.invalid("after object key"));
                        }
                        self.pos += 1;
                        let v = self.value()?;
                        m.insert(k, v);
                        self.ws();
                        if self.pos >= self.b.len() {
                            return Err("EOF".into());
                        }
                        match self.b.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.invalid("after object key:value pair")),
                        }
                    }
                }
                Ok(Value::object(m))
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                } else {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        if self.pos >= self.b.len() {
                            return Err("EOF".into());
                        }
                        match self.b.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.invalid("after array element")),
                        }
                    }
                }
                Ok(Value::tuple(items))
            }
            Some(b'"') => self.string().map(Value::string),
            Some(b't') => self.literal("true", Value::bool(true)),
            Some(b'f') => self.literal("false", Value::bool(false)),
            Some(b'n') => self.literal("null", Value::dynamic_null()),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.invalid("looking for beginning of value")),
        };
        self.depth -= 1;
        out
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, String> {
        for (i, w) in word.bytes().enumerate() {
            match self.b.get(self.pos + i) {
                None => return Err("unexpected EOF".into()),
                Some(c) if *c == w => {}
                Some(_) => {
                    self.pos += i;
                    return Err(self.invalid(&format!("in literal {word} (expecting {})", quote_char(w as char))));
                }
            }
        }
        self.pos += word.len();
        Ok(v)
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        let b = self.b;
        let mut p = self.pos;
        if b.get(p) == Some(&b'-') {
            p += 1;
        }
        let digits = |p: &mut usize| {
            let s = *p;
            while *p < b.len() && b[*p].is_ascii_digit() {
                *p += 1;
            }
            *p - s
        };
        match b.get(p) {
            Some(b'0') => p += 1,
            Some(b'1'..=b'9') => {
                digits(&mut p);
            }
            None => return Err("unexpected EOF".into()),
            Some(_) => {
                self.pos = p;
                return Err(self.invalid("in numeric literal"));
            }
        }
        if b.get(p) == Some(&b'.') {
            p += 1;
            if digits(&mut p) == 0 {
                self.pos = p;
                return Err(if p >= b.len() {
                    "unexpected EOF".into()
                } else {
                    self.invalid("after decimal point in numeric literal")
                });
            }
        }
        if matches!(b.get(p), Some(b'e' | b'E')) {
            p += 1;
            if matches!(b.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            if digits(&mut p) == 0 {
                self.pos = p;
                return Err(if p >= b.len() {
                    "unexpected EOF".into()
                } else {
                    self.invalid("in exponent of numeric literal")
                });
            }
        }
        self.pos = p;
        let text = std::str::from_utf8(&b[start..p]).expect("ascii");
        Number::parse(text).map(Value::number).map_err(|e| e.to_string())
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&c) = self.b.get(self.pos) else {
                return Err("unexpected EOF".into());
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' => {
                    self.pos += 1;
                    let Some(&e) = self.b.get(self.pos) else {
                        return Err("unexpected EOF".into());
                    };
                    self.pos += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let u = self.hex4()?;
                            if (0xD800..0xDC00).contains(&u)
                                && self.b.get(self.pos) == Some(&b'\\')
                                && self.b.get(self.pos + 1) == Some(&b'u')
                            {
                                let save = self.pos;
                                self.pos += 2;
                                let l = self.hex4()?;
                                if (0xDC00..0xE000).contains(&l) {
                                    char::from_u32(0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00)).unwrap_or('\u{FFFD}')
                                } else {
                                    self.pos = save;
                                    '\u{FFFD}'
                                }
                            } else {
                                char::from_u32(u).unwrap_or('\u{FFFD}')
                            }
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.invalid("in string escape code"));
                        }
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c if c < 0x20 => return Err(self.invalid("in string literal")),
                c => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0;
        for _ in 0..4 {
            let Some(&c) = self.b.get(self.pos) else {
                return Err("unexpected EOF".into());
            };
            let d = (c as char).to_digit(16).ok_or_else(|| self.invalid("in \\u hexadecimal character escape"))?;
            v = v * 16 + d;
            self.pos += 1;
        }
        Ok(v)
    }
}

fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c if c.is_control() => format!("'{}'", c.escape_default()),
        c => format!("'{c}'"),
    }
}

pub(super) fn json_decode(text: &str) -> Result<Value, String> {
    let mut p = JsonParser { b: text.as_bytes(), pos: 0, depth: 0 };
    p.ws();
    if p.pos >= p.b.len() {
        return Err("EOF".into());
    }
    let v = p.value()?;
    p.ws();
    if p.pos < p.b.len() {
        return Err("extraneous data after JSON object".into());
    }
    Ok(v)
}

// ------------------------------------------------------------------ functions

pub(super) fn functions() -> Vec<Function> {
    vec![
        Function {
            name: "base64decode",
            params: vec![Param::new("str", Type::String).allow_marked().allow_unknown()],
            var_param: None,
            ret: fixed_string(),
            imp: base64decode_imp,
        },
        Function {
            name: "base64encode",
            params: vec![Param::new("str", Type::String)],
            var_param: None,
            ret: fixed_string(),
            imp: |_, a, _| Ok(Value::string(b64_encode(s(a, 0).as_bytes()))),
        },
        Function {
            name: "base64gzip",
            params: vec![Param::new("str", Type::String)],
            var_param: None,
            ret: fixed_string(),
            imp: |_, a, _| Ok(Value::string(b64_encode(&gzip_go(s(a, 0).as_bytes())))),
        },
        Function {
            name: "base64gunzip",
            params: vec![Param::new("str", Type::String)],
            var_param: None,
            ret: fixed_string(),
            imp: |_, a, _| {
                let text = s(a, 0);
                let data = b64_decode(text).ok_or_else(|| fail(format!("failed to decode base64 data {text}")))?;
                let out = gunzip(&data).map_err(|e| fail(format!("failed to read gzip data: {e}")))?;
                let out = String::from_utf8(out)
                    .map_err(|_| fail("the result of decoding the provided string is not valid UTF-8"))?;
                Ok(Value::string(out))
            },
        },
        Function {
            name: "textencodebase64",
            params: vec![Param::new("string", Type::String), Param::new("encoding", Type::String)],
            var_param: None,
            ret: fixed_string(),
            imp: textencodebase64_imp,
        },
        Function {
            name: "textdecodebase64",
            params: vec![Param::new("source", Type::String), Param::new("encoding", Type::String)],
            var_param: None,
            ret: fixed_string(),
            imp: textdecodebase64_imp,
        },
        Function {
            name: "urlencode",
            params: vec![Param::new("str", Type::String)],
            var_param: None,
            ret: fixed_string(),
            imp: |_, a, _| Ok(Value::string(urlencode(s(a, 0)))),
        },
        Function {
            name: "urldecode",
            params: vec![Param::new("str", Type::String)],
            var_param: None,
            ret: fixed_string(),
            imp: |_, a, _| urldecode(s(a, 0)).map(Value::string).map_err(fail),
        },
        Function {
            name: "csvdecode",
            params: vec![Param::new("str", Type::String)],
            var_param: None,
            ret: ReturnType::FromArgs(csvdecode_ret),
            imp: csvdecode_imp,
        },
        Function {
            name: "jsonencode",
            params: vec![Param::new("val", Type::Dynamic).allow_null()],
            var_param: None,
            ret: fixed_string(),
            imp: |_, a, _| {
                if has_infinity(&a[0]) {
                    return Err(FunctionError::new("cannot serialize infinity as JSON."));
                }
                let mut out = String::new();
                json_encode(&a[0], &mut out);
                Ok(Value::string(out))
            },
        },
        Function {
            name: "jsondecode",
            params: vec![Param::new("str", Type::String)],
            var_param: None,
            ret: ReturnType::FromArgs(|a| match a[0].as_str() {
                Some(text) => json_decode(text).map(|v| v.ty()).map_err(fail),
                None => Ok(Type::Dynamic),
            }),
            imp: |_, a, _| json_decode(s(a, 0)).map_err(fail),
        },
        Function {
            name: "yamlencode",
            params: vec![Param::new("value", Type::Dynamic).allow_null()],
            var_param: None,
            ret: fixed_string(),
            imp: |_, a, _| Ok(Value::string(yaml::encode(&a[0]))),
        },
        Function {
            name: "yamldecode",
            params: vec![Param::new("src", Type::String)],
            var_param: None,
            ret: ReturnType::FromArgs(|a| match a[0].as_str() {
                Some(text) => yaml::decode(text).map(|v| v.ty()).map_err(fail),
                None => Ok(Type::Dynamic),
            }),
            imp: |_, a, _| yaml::decode(s(a, 0)).map_err(fail),
        },
    ]
}

/// YAML as Terraform's go-cty-yaml reads and writes it.
mod yaml {
    use crate::number::Number;
    use crate::types::Type;
    use crate::value::{Kind, Value};
    use saphyr_parser::{Event, Parser, ScalarStyle};
    use std::collections::HashMap;

    // -------------------------------------------------------------- encoder

    #[derive(Clone, Copy, PartialEq)]
    enum Style {
        Plain,
        Double,
        Literal,
    }

    /// A port of the parts of go-yaml's emitter that cty-yaml's output uses:
    /// block collections, empty flow collections, plain, double-quoted and
    /// literal scalars.
    struct Emitter {
        out: String,
        column: usize,
        whitespace: bool,
        indention: bool,
        open_ended: bool,
        indent: isize,
        indents: Vec<isize>,
        flow_level: usize,
        root_context: bool,
        mapping_context: bool,
        simple_key_context: bool,
    }

    const BEST_INDENT: isize = 2;
    const BEST_WIDTH: usize = 80;

    fn is_break(c: char) -> bool {
        matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
    }

    fn is_printable(c: char) -> bool {
        let u = c as u32;
        u == 0x0A
            || (0x20..=0x7E).contains(&u)
            || (0xA0..=0xD7FF).contains(&u)
            || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
    }

    struct Analysis {
        multiline: bool,
        block_allowed: bool,
    }

    fn analyze(value: &str) -> Analysis {
        if value.is_empty() {
            return Analysis { multiline: false, block_allowed: false };
        }
        let chars: Vec<char> = value.chars().collect();
        let (mut line_breaks, mut special) = (false, false);
        let (mut trailing_space, mut space_break) = (false, false);
        let (mut prev_space, mut prev_break) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) {
                special = true;
            }
            if c == ' ' {
                if i + 1 == chars.len() {
                    trailing_space = true;
                }
                prev_space = true;
                prev_break = false;
            } else if is_break(c) {
                line_breaks = true;
                if prev_space {
                    space_break = true;
                }
                prev_space = false;
                prev_break = true;
            } else {
                prev_space = false;
                prev_break = false;
            }
        }
        let _ = prev_break;
        let block_allowed = !(trailing_space || space_break || special);
        Analysis { multiline: line_breaks, block_allowed }
    }

    impl Emitter {
        fn put(&mut self, c: char) {
            self.out.push(c);
            self.column += 1;
        }

        fn put_break(&mut self) {
            self.out.push('\n');
            self.column = 0;
        }

        fn write_str(&mut self, s: &str) {
            for c in s.chars() {
                self.put(c);
            }
        }

        fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
            if need_ws && !self.whitespace {
                self.put(' ');
            }
            self.write_str(ind);
            self.whitespace = is_ws;
            self.indention = self.indention && is_indention;
            self.open_ended = false;
        }

        fn write_indent(&mut self) {
            let indent = self.indent.max(0) as usize;
            if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
                self.put_break();
            }
            while self.column < indent {
                self.put(' ');
            }
            self.whitespace = true;
            self.indention = true;
        }

        fn increase_indent(&mut self, flow: bool, indentless: bool) {
            self.indents.push(self.indent);
            if self.indent < 0 {
                self.indent = if flow { BEST_INDENT } else { 0 };
            } else if !indentless {
                self.indent += BEST_INDENT;
            }
        }

        fn pop_indent(&mut self) {
            self.indent = self.indents.pop().unwrap_or(-1);
        }

        fn node(&mut self, v: &Value, root: bool, mapping: bool, simple_key: bool) {
            self.root_context = root;
            self.mapping_context = mapping;
            self.simple_key_context = simple_key;
            match v.kind() {
                Kind::Null(_) | Kind::Unknown(_) => self.scalar("null", Style::Plain),
                Kind::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain),
                Kind::Number(n) => self.scalar(&n.to_string(), Style::Plain),
                Kind::String(s) => {
                    let style = if s.contains('\n') { Style::Literal } else { Style::Double };
                    self.scalar(s, style)
                }
                Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
                    if items.is_empty() || self.flow_level > 0 {
                        self.empty_flow("[", "]");
                        return;
                    }
                    let indentless = self.mapping_context && !self.indention;
                    self.increase_indent(false, indentless);
                    for item in items.iter() {
                        self.write_indent();
                        self.write_indicator("-", true, false, true);
                        self.node(item, false, false, false);
                    }
                    self.pop_indent();
                }
                Kind::Map(_, items) | Kind::Object(items) => {
                    if items.is_empty() || self.flow_level > 0 {
                        self.empty_flow("{", "}");
                        return;
                    }
                    self.increase_indent(false, false);
                    for (k, item) in items.iter() {
                        self.write_indent();
                        let simple = k.len() <= 128 && !analyze(k).multiline;
                        let key = Value::string(k.as_str());
                        if simple {
                            self.node(&key, false, true, true);
                            self.write_indicator(":", false, false, false);
                        } else {
                            self.write_indicator("?", true, false, true);
                            self.node(&key, false, true, false);
                            self.write_indent();
                            self.write_indicator(":", true, false, true);
                        }
                        self.node(item, false, true, false);
                    }
                    self.pop_indent();
                }
            }
        }

        fn empty_flow(&mut self, open: &str, close: &str) {
            self.write_indicator(open, true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
            self.flow_level -= 1;
            self.pop_indent();
            self.write_indicator(close, false, false, false);
        }

        fn scalar(&mut self, value: &str, requested: Style) {
            let a = analyze(value);
            let mut style = requested;
            if self.simple_key_context && a.multiline {
                style = Style::Double;
            }
            if style == Style::Literal && (!a.block_allowed || self.flow_level > 0 || self.simple_key_context) {
                style = Style::Double;
            }
            self.increase_indent(true, false);
            match style {
                Style::Plain => {
                    if !self.whitespace {
                        self.put(' ');
                    }
                    self.write_str(value);
                    self.whitespace = false;
                    self.indention = false;
                    if self.root_context {
                        self.open_ended = true;
                    }
                }
                Style::Double => self.double_quoted(value, !self.simple_key_context),
                Style::Literal => self.literal(value),
            }
            self.pop_indent();
        }

        fn double_quoted(&mut self, value: &str, allow_breaks: bool) {
            self.write_indicator("\"", true, false, false);
            let chars: Vec<char> = value.chars().collect();
            let mut spaces = false;
            let mut i = 0;
            while i < chars.len() {
                let c = chars[i];
                if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                    self.put('\\');
                    match c {
                        '\0' => self.put('0'),
                        '\u{7}' => self.put('a'),
                        '\u{8}' => self.put('b'),
                        '\t' => self.put('t'),
                        '\n' => self.put('n'),
                        '\u{b}' => self.put('v'),
                        '\u{c}' => self.put('f'),
                        '\r' => self.put('r'),
                        '\u{1b}' => self.put('e'),
                        '"' => self.put('"'),
                        '\\' => self.put('\\'),
                        '\u{85}' => self.put('N'),
                        '\u{a0}' => self.put('_'),
                        '\u{2028}' => self.put('L'),
                        '\u{2029}' => self.put('P'),
                        c => {
                            let u = c as u32;
                            let s = if u <= 0xFF {
                                format!("x{u:02X}")
                            } else if u <= 0xFFFF {
                                format!("u{u:04X}")
                            } else {
                                format!("U{u:08X}")
                            };
                            self.write_str(&s);
                        }
                    }
                    spaces = false;
                    i += 1;
                } else if c == ' ' {
                    if allow_breaks && !spaces && self.column > BEST_WIDTH && i != 0 && i != chars.len() - 1 {
                        self.write_indent();
                        if chars.get(i + 1) == Some(&' ') {
                            self.put('\\');
                        }
                    } else {
                        self.put(c);
                    }
                    i += 1;
                    spaces = true;
                } else {
                    self.put(c);
                    i += 1;
                    spaces = false;
                }
            }
            self.write_indicator("\"", false, false, false);
            self.whitespace = false;
            self.indention = false;
        }

        fn literal(&mut self, value: &str) {
            self.write_indicator("|", true, false, false);
            let chars: Vec<char> = value.chars().collect();
            if chars.first().is_some_and(|c| *c == ' ' || is_break(*c)) {
                self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
            }
            self.open_ended = false;
            let chomp = match chars.last() {
                None => Some("-"),
                Some(c) if !is_break(*c) => Some("-"),
                Some(_) if chars.len() == 1 => Some("+"),
                Some(_) if is_break(chars[chars.len() - 2]) => Some("+"),
                Some(_) => None,
            };
            if let Some(ch) = chomp {
                self.write_indicator(ch, false, false, false);
            }
            self.put_break();
            self.indention = true;
            self.whitespace = true;
            let mut breaks = true;
            for &c in &chars {
                if is_break(c) {
                    if c == '\n' {
                        self.put_break();
                    } else {
                        self.out.push(c);
                        self.column = 0;
                    }
                    self.indention = true;
                    breaks = true;
                } else {
                    if breaks {
                        self.write_indent();
                        breaks = false;
                    }
                    self.put(c);
                    self.indention = false;
                }
            }
        }
    }

    pub(super) fn encode(v: &Value) -> String {
        let mut e = Emitter {
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
            open_ended: false,
            indent: -1,
            indents: Vec::new(),
            flow_level: 0,
            root_context: false,
            mapping_context: false,
            simple_key_context: false,
        };
        e.node(v, true, false, false);
        // Document end: an implicit end, then the stream end.
        e.write_indent();
        if e.open_ended {
            e.write_indicator("...", true, false, false);
            e.write_indent();
        }
        e.out
    }

    // -------------------------------------------------------------- decoder

    const TAG_PREFIX: &str = "tag:yaml.org,2002:";

    fn tag_string(tag: &Option<std::borrow::Cow<'_, saphyr_parser::Tag>>) -> String {
        match tag {
            None => String::new(),
            Some(t) if t.handle == "!!" => format!("{TAG_PREFIX}{}", t.suffix),
            Some(t) => format!("{}{}", t.handle, t.suffix),
        }
    }

    fn is_int_literal(s: &str) -> bool {
        let b = s.as_bytes();
        let all = |x: &[u8], f: fn(&u8) -> bool| !x.is_empty() && x.iter().all(f);
        if let Some(rest) = s.strip_prefix("0o") {
            return all(rest.as_bytes(), |c| (b'0'..=b'7').contains(c));
        }
        if let Some(rest) = s.strip_prefix("0x") {
            return all(rest.as_bytes(), |c| c.is_ascii_hexdigit());
        }
        let digits = if matches!(b.first(), Some(b'-' | b'+')) { &b[1..] } else { b };
        all(digits, |c| c.is_ascii_digit())
    }

    fn is_float_literal(s: &str) -> bool {
        let b = s.as_bytes();
        let mut i = 0;
        if matches!(b.first(), Some(b'-' | b'+')) {
            i += 1;
        }
        let digits = |i: &mut usize| {
            let st = *i;
            while *i < b.len() && b[*i].is_ascii_digit() {
                *i += 1;
            }
            *i - st
        };
        if b.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) == 0 {
                return false;
            }
        } else {
            if digits(&mut i) == 0 {
                return false;
            }
            if b.get(i) == Some(&b'.') {
                i += 1;
                digits(&mut i);
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'-' | b'+')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return false;
            }
        }
        i == b.len()
    }

    /// cty.ParseNumberVal: a decimal number Go's big.Float accepts.
    fn parse_number(s: &str) -> Option<Number> {
        if s.is_empty() || s.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E') {
            return None;
        }
        let t = s.strip_prefix('+').unwrap_or(s);
        Number::parse(t).ok()
    }

    fn parse_go_int(s: &str) -> Option<Number> {
        let (neg, rest) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let (radix, digits) = if let Some(r) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
            (16, r)
        } else if let Some(r) = rest.strip_prefix("0o").or_else(|| rest.strip_prefix("0O")) {
            (8, r)
        } else if let Some(r) = rest.strip_prefix("0b").or_else(|| rest.strip_prefix("0B")) {
            (2, r)
        } else if rest.len() > 1 && rest.starts_with('0') {
            (8, &rest[1..])
        } else {
            (10, rest)
        };
        let v = u64::from_str_radix(digits, radix).ok()?;
        if digits.starts_with('+') || digits.starts_with('-') {
            return None;
        }
        if neg {
            if v > i64::MAX as u64 + 1 {
                return None;
            }
            Some(Number::from_i64(0).sub(&Number::from_u64(v)).ok()?)
        } else {
            Some(Number::from_u64(v))
        }
    }

    /// "YYYY-M-D" optionally followed by a time, as cty-yaml's formats.
    fn parse_timestamp(s: &str) -> Option<String> {
        let b = s.as_bytes();
        if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
            return None;
        }
        let num = |s: &str, min: usize, max: usize| -> Option<u32> {
            if s.len() < min || s.len() > max || !s.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        let (date, time, has_tz) = if let Some(p) = s.find(['T', 't']) {
            (&s[..p], Some(&s[p + 1..]), true)
        } else if let Some(p) = s.find(' ') {
            (&s[..p], Some(&s[p + 1..]), false)
        } else {
            (s, None, false)
        };
        let mut dp = date.splitn(3, '-');
        let y = num(dp.next()?, 4, 4)?;
        let m = num(dp.next()?, 1, 2)?;
        let d = num(dp.next()?, 1, 2)?;
        if !(1..=12).contains(&m) || d < 1 || d > super::super::datetime::days_in_month(y as i64, m) {
            return None;
        }
        let Some(time) = time else {
            return Some(format!("{y:04}-{m:02}-{d:02}T00:00:00Z"));
        };
        let (clock, tz) = if has_tz {
            let p = time.find(['Z', '+', '-'])?;
            (&time[..p], &time[p..])
        } else {
            (time, "Z")
        };
        let mut cp = clock.splitn(3, ':');
        let hh = num(cp.next()?, 1, 2)?;
        let mm = num(cp.next()?, 1, 2)?;
        let sec = cp.next()?;
        let (ss, frac) = match sec.find('.') {
            Some(p) => (&sec[..p], Some(&sec[p + 1..])),
            None => (sec, None),
        };
        let ss = num(ss, 1, 2)?;
        if let Some(f) = frac {
            num(f, 1, 9)?;
        }
        if hh > 23 || mm > 59 || ss > 59 {
            return None;
        }
        let tz = if tz == "Z" {
            "Z".to_string()
        } else {
            let tb = tz.as_bytes();
            if tb.len() != 6 || tb[3] != b':' {
                return None;
            }
            let th = num(&tz[1..3], 2, 2)?;
            let tm = num(&tz[4..6], 2, 2)?;
            if th > 24 || tm > 59 {
                return None;
            }
            if th == 0 && tm == 0 {
                // Go prints a zero offset as +00:00 unless it was Z.
                tz.to_string()
            } else {
                tz.to_string()
            }
        };
        Some(format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}{tz}"))
    }

    enum Scalar {
        Value(Value),
        Merge,
    }

    fn resolve(tag: &str, src: &str, style: ScalarStyle) -> Result<Scalar, String> {
        let str_tag = format!("{TAG_PREFIX}str");
        let binary_tag = format!("{TAG_PREFIX}binary");
        let short = tag.strip_prefix(TAG_PREFIX);
        if !tag.is_empty() && !matches!(short, Some("str" | "bool" | "int" | "float" | "null" | "timestamp" | "binary"))
        {
            return Err(format!("unsupported tag {tag:?}"));
        }
        let mut tag = tag.to_string();
        let hint = match src.as_bytes().first() {
            None => b'N',
            Some(b'+' | b'-') => b'S',
            Some(b'0'..=b'9') => b'D',
            Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
            Some(b'.') => b'.',
            _ => 0,
        };
        if hint != 0 && tag != str_tag && tag != binary_tag {
            if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
                return Ok(Scalar::Value(Value::string(src)));
            }
            if let Some(v) = resolve_map(src) {
                return Ok(Scalar::Value(v));
            }
            if src.trim_start_matches(['+', '-']).eq_ignore_ascii_case(".inf") && src.len() <= 5 {
                return Err("floating point infinity is not supported".into());
            }
            if tag.is_empty() && matches!(src, ".nan" | ".NaN" | ".NAN") {
                return Err("floating point NaN is not supported".into());
            }
            match hint {
                b'.' => {
                    if let Some(n) = parse_number(src) {
                        return Ok(Scalar::Value(Value::number(n)));
                    }
                }
                b'D' | b'S' => {
                    if tag.is_empty() || tag == format!("{TAG_PREFIX}timestamp") {
                        if let Some(t) = parse_timestamp(src) {
                            return Ok(Scalar::Value(Value::string(t)));
                        }
                    }
                    if is_int_literal(src) {
                        tag = format!("{TAG_PREFIX}int");
                    } else if is_float_literal(src) {
                        tag = format!("{TAG_PREFIX}float");
                    }
                }
                _ => {}
            }
        }
        if tag.is_empty() && src == "<<" {
            return Ok(Scalar::Merge);
        }
        let short = tag.strip_prefix(TAG_PREFIX).unwrap_or(&tag).to_string();
        match short.as_str() {
            "str" => Ok(Scalar::Value(Value::string(src))),
            "binary" => {
                if super::b64_decode(src).is_none() {
                    return Err(format!("cannot parse {src:?} as {tag}: not valid base64"));
                }
                Ok(Scalar::Value(Value::string(src)))
            }
            "bool" => match resolve_map(src) {
                Some(v) if v.as_bool().is_some() => Ok(Scalar::Value(v)),
                _ => Err(format!("cannot parse {src:?} as {tag}")),
            },
            "int" | "float" => {
                let plain = src.replace('_', "");
                if let Some(n) = parse_number(&plain) {
                    return Ok(Scalar::Value(Value::number(n)));
                }
                if let Some(n) = parse_go_int(&plain) {
                    return Ok(Scalar::Value(Value::number(n)));
                }
                Err(format!("cannot parse {src:?} as {tag}"))
            }
            "timestamp" => match parse_timestamp(src) {
                Some(t) => Ok(Scalar::Value(Value::string(t))),
                None => Err(format!("cannot parse {src:?} as {tag}")),
            },
            "null" => Ok(Scalar::Value(Value::dynamic_null())),
            "" => Ok(Scalar::Value(Value::string(src))),
            _ => Err(format!("unsupported tag {tag:?}")),
        }
    }

    fn resolve_map(src: &str) -> Option<Value> {
        Some(match src {
            "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Value::bool(true),
            "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Value::bool(false),
            "" | "~" | "null" | "Null" | "NULL" => Value::dynamic_null(),
            ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" => {
                return infinity(src.starts_with('-')).map(Value::number);
            }
            _ => return None,
        })
    }

    fn infinity(neg: bool) -> Option<Number> {
        // Terraform's numbers hold infinities only if the Number type does.
        let n = Number::parse(if neg { "-inf" } else { "inf" }).ok();
        n.or_else(|| Number::from_f64(if neg { f64::NEG_INFINITY } else { f64::INFINITY }))
    }

    struct Decoder<'a> {
        src: &'a str,
        events: Vec<(Event<'a>, saphyr_parser::Span)>,
        pos: usize,
        anchors: HashMap<usize, Value>,
        pending: Vec<usize>,
    }

    /// go-cty-yaml's position prefix for an event: libyaml's 0-based line,
    /// printed as is, and nothing at all on the first line.
    fn at(span: &saphyr_parser::Span, msg: impl std::fmt::Display) -> String {
        let line0 = span.start.line().saturating_sub(1);
        if line0 == 0 {
            return msg.to_string();
        }
        format!("on line {line0}, column {}: {msg}", span.start.col() + 1)
    }

    /// The name of the anchor an alias at `index` (in chars) refers to.
    fn alias_name(src: &str, index: usize) -> String {
        src.chars()
            .skip(index)
            .skip_while(|c| *c == '*')
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
            .collect()
    }

    /// A saphyr error as go-cty-yaml reports libyaml's: the problem without
    /// its context ("while parsing …"), libyaml's wording, and libyaml's
    /// position rules (scanner errors point at the start of the next line).
    fn syntax_error(src: &str, e: &saphyr_parser::ScanError) -> String {
        let info = e.info();
        let problem = match info.strip_prefix("while ").and_then(|r| r.split_once(", ")) {
            Some((_, p)) => p,
            None => info,
        };
        let mark = e.marker();
        if problem == "found unknown anchor" {
            let span = saphyr_parser::Span { start: *mark, end: *mark };
            return at(
                &span,
                format!("reference to undefined anchor {}", crate::render::go_quote(&alias_name(src, mark.index()))),
            );
        }
        let problem = match problem {
            "expected ',' or ']'" => "did not find expected ',' or ']'",
            p if p.starts_with("unexpected character:")
                || p.starts_with("tabs disallowed")
                || p == "tab cannot be used as indentation" =>
            {
                "found character that cannot start any token"
            }
            p => p,
        };
        let parser_error = info.starts_with("while parsing a block")
            || info.starts_with("while parsing a flow")
            || info.starts_with("while parsing a node")
            || info.starts_with("did not find expected <")
            || info == "found incompatible YAML document";
        let line0 = mark.line().saturating_sub(1);
        match (line0, parser_error) {
            (0, _) => problem.to_string(),
            (l, true) => format!("on line {l}, column {}: {problem}", mark.col() + 1),
            (l, false) => format!("on line {}, column 1: {problem}", l + 1),
        }
    }

    impl Decoder<'_> {
        fn next(&mut self) -> Result<(Event<'_>, saphyr_parser::Span), String> {
            let e = self.events.get(self.pos).cloned().ok_or_else(|| "unexpected end of stream".to_string())?;
            self.pos += 1;
            Ok(e)
        }

        fn value(&mut self, depth: usize) -> Result<Value, String> {
            if depth > 1000 {
                return Err("document nested too deeply".into());
            }
            let src = self.src;
            let (ev, span) = self.next()?;
            match ev {
                Event::Scalar(v, style, anchor, tag) => {
                    // libyaml keeps no final line break the input lacks: a
                    // block scalar running to the end keeps what is there.
                    let mut v = v;
                    if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                        && !src.ends_with(['\n', '\r'])
                        && span.end.index() >= src.chars().count()
                        && v.ends_with('\n')
                    {
                        v.to_mut().pop();
                    }
                    let v = match resolve(&tag_string(&tag), &v, style)? {
                        Scalar::Value(v) => v,
                        Scalar::Merge => Value::string("<<"),
                    };
                    if anchor > 0 {
                        self.anchors.insert(anchor, v.clone());
                    }
                    Ok(v)
                }
                Event::Alias(id) => {
                    let name = || alias_name(src, span.start.index());
                    if self.pending.contains(&id) {
                        return Err(at(
                            &span,
                            format!(
                                "cannot refer to anchor {} from inside its own definition",
                                crate::render::go_quote(&name())
                            ),
                        ));
                    }
                    self.anchors.get(&id).cloned().ok_or_else(|| {
                        at(&span, format!("reference to undefined anchor {}", crate::render::go_quote(&name())))
                    })
                }
                Event::SequenceStart(anchor, tag) => {
                    let tag = tag_string(&tag);
                    if !tag.is_empty() && tag != format!("{TAG_PREFIX}seq") {
                        return Err(at(&span, format!("can't interpret sequence as {tag}")));
                    }
                    self.pending.push(anchor);
                    let mut items = Vec::new();
                    loop {
                        if matches!(self.events.get(self.pos), Some((Event::SequenceEnd, _))) {
                            self.pos += 1;
                            break;
                        }
                        items.push(self.value(depth + 1)?);
                    }
                    self.pending.pop();
                    let v = Value::tuple(items);
                    if anchor > 0 {
                        self.anchors.insert(anchor, v.clone());
                    }
                    Ok(v)
                }
                Event::MappingStart(anchor, tag) => {
                    let tag = tag_string(&tag);
                    if !tag.is_empty() && tag != format!("{TAG_PREFIX}map") {
                        return Err(at(&span, format!("can't interpret mapping as {tag}")));
                    }
                    self.pending.push(anchor);
                    let mut vals = crate::Fields::new();
                    let mut merged: Vec<Value> = Vec::new();
                    loop {
                        let (ev, kspan) = self.next()?;
                        let (ev, kspan) = (ev.clone(), kspan);
                        match ev {
                            Event::MappingEnd => break,
                            Event::Scalar(k, style, _, tag) => {
                                let key = match resolve(&tag_string(&tag), &k, style)? {
                                    Scalar::Merge => None,
                                    Scalar::Value(v) => Some(v),
                                };
                                let Some(key) = key else {
                                    let v = self.value(depth + 1)?;
                                    match v.kind() {
                                        Kind::Object(_) => merged.push(v),
                                        Kind::Tuple(items)
                                            if items.iter().all(|x| matches!(x.kind(), Kind::Object(_))) =>
                                        {
                                            merged.extend(items.iter().rev().cloned())
                                        }
                                        _ => {
                                            return Err(at(
                                                &kspan,
                                                "map merge requires map or sequence of maps as the value",
                                            ))
                                        }
                                    }
                                    continue;
                                };
                                if key.is_null() {
                                    return Err(at(&kspan, "mapping key cannot be null"));
                                }
                                let key = match crate::convert::convert(&key, &Type::String) {
                                    Ok(k) => k.as_str().unwrap_or_default().to_string(),
                                    Err(_) => return Err(at(&kspan, "only strings are allowed as mapping keys")),
                                };
                                let v = self.value(depth + 1)?;
                                vals.insert(key, v);
                            }
                            _ => return Err(at(&kspan, "only strings are allowed as mapping keys")),
                        }
                    }
                    self.pending.pop();
                    for m in merged {
                        for (k, v) in m.as_entries().into_iter().flatten() {
                            vals.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                    }
                    let v = Value::object(vals);
                    if anchor > 0 {
                        self.anchors.insert(anchor, v.clone());
                    }
                    Ok(v)
                }
                Event::DocumentStart(_) => Err(at(&span, "only a single document is allowed")),
                Event::StreamEnd => Err(at(&span, "expecting value but found end of stream")),
                _ => Err(at(&span, "unexpected parser event")),
            }
        }
    }

    /// What libyaml refuses and saphyr lets through: a tab opening the
    /// first line, a `%YAML` directive for another major version.
    fn libyaml_only_errors(src: &str) -> Result<(), String> {
        if src.starts_with('\t') {
            return Err("found character that cannot start any token".into());
        }
        for (line0, line) in src.lines().enumerate() {
            if line.starts_with("---") || !line.starts_with('%') {
                break;
            }
            let Some(version) = line.strip_prefix("%YAML").map(str::trim_start) else { continue };
            if version.split('.').next().is_some_and(|major| major != "1") {
                let msg = "found incompatible YAML document";
                return Err(if line0 == 0 { msg.to_string() } else { format!("on line {line0}, column 1: {msg}") });
            }
        }
        Ok(())
    }

    pub(super) fn decode(src: &str) -> Result<Value, String> {
        let src = if src.is_empty() { "\n" } else { src };
        libyaml_only_errors(src)?;
        let mut events = Vec::new();
        for ev in Parser::new_from_str(src) {
            match ev {
                Ok(e) => {
                    let done = matches!(e.0, Event::StreamEnd);
                    events.push(e);
                    if done {
                        break;
                    }
                }
                Err(e) => return Err(syntax_error(src, &e)),
            }
            if events.len() > 10_000_000 {
                return Err("document too large".into());
            }
        }
        let mut d = Decoder { src, events, pos: 0, anchors: HashMap::new(), pending: Vec::new() };
        let (ev, span) = d.next()?;
        if !matches!(ev, Event::StreamStart) {
            return Err(at(&span, "missing stream start token"));
        }
        let (ev, span) = d.next()?;
        if !matches!(ev, Event::DocumentStart(_)) {
            return Err(at(&span, "missing start of document"));
        }
        let v = d.value(0)?;
        let (ev, span) = d.next()?;
        if matches!(ev, Event::DocumentStart(_)) {
            return Err(at(&span, "only a single document is allowed"));
        }
        if !matches!(ev, Event::DocumentEnd) {
            return Err(at(&span, "unexpected extra content after value"));
        }
        let (ev, span) = d.next()?;
        if !matches!(ev, Event::StreamEnd) {
            return Err(at(&span, "unexpected extra content after value"));
        }
        Ok(v)
    }
}

/// JSON has no infinities; jsonencode refuses them as Terraform does.
fn has_infinity(v: &Value) -> bool {
    v.as_number().is_some_and(|n| n.is_infinite()) || v.children().any(has_infinity)
}
