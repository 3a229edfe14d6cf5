//! The text encodings of `textencodebase64` and `textdecodebase64`: the
//! IANA names Go's `ianaindex` knows, with Go's `x/text` behaviour.
//!
//! Single-byte character maps use Go's own tables (they differ from the
//! WHATWG ones: `ISO-8859-1` is not `windows-1252` there); the East Asian
//! encodings use `encoding_rs`, topped up where Go's encoders reach further
//! (JIS X 0212 in EUC-JP, the HKSCS part of Big5) and with HZ-GB-2312,
//! which WHATWG dropped.

use super::textenc_tables::NAMES;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Ascii,
    Utf8,
    /// Big-endian with a byte order mark written, and honoured when read.
    Utf16,
    Utf16Be,
    Utf16Le,
    /// ASCII below 0x80, the table above.
    AsciiSuperset(&'static [u16; 128]),
    /// Every byte from the table (EBCDIC).
    Single(&'static [u16; 256]),
    ShiftJis,
    EucJp,
    Iso2022Jp,
    EucKr,
    Gbk,
    Gb18030,
    HzGb2312,
    Big5,
}

/// An encoding found by IANA name or alias: how it works and its IANA name.
#[derive(Clone, Copy, Debug)]
pub(super) struct TextEncoding {
    kind: Kind,
    pub name: &'static str,
}

/// Looks a name up as Go's `ianaindex.IANA.Encoding` does (trimmed, any case).
pub(super) fn lookup(name: &str) -> Option<TextEncoding> {
    let key = name.trim().to_ascii_lowercase();
    NAMES
        .binary_search_by(|(alias, _, _)| (*alias).cmp(key.as_str()))
        .ok()
        .map(|i| TextEncoding { kind: NAMES[i].2, name: NAMES[i].1 })
}

impl TextEncoding {
    /// The bytes of `text`, or `None` when a character has no encoding.
    pub fn encode(&self, text: &str) -> Option<Vec<u8>> {
        match self.kind {
            Kind::Ascii => text.is_ascii().then(|| text.as_bytes().to_vec()),
            Kind::Utf8 => Some(text.as_bytes().to_vec()),
            Kind::Utf16 => {
                Some([0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect())
            }
            Kind::Utf16Be => Some(text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
            Kind::Utf16Le => Some(text.encode_utf16().flat_map(u16::to_le_bytes).collect()),
            Kind::AsciiSuperset(table) => text
                .chars()
                .map(|c| if c.is_ascii() { Some(c as u8) } else { table_byte(table, c).map(|b| b + 0x80) })
                .collect(),
            Kind::Single(table) => text.chars().map(|c| table_byte(table, c)).collect(),
            Kind::ShiftJis => encode_shift_jis(text),
            Kind::EucJp => encode_euc_jp(text),
            Kind::Iso2022Jp => encode_iso2022jp(text),
            Kind::EucKr => encode_rs(encoding_rs::EUC_KR, text, |_| None),
            Kind::Gbk => encode_rs(encoding_rs::GBK, text, |_| None),
            Kind::Gb18030 => encode_rs(encoding_rs::GB18030, text, |_| None),
            Kind::Big5 => encode_rs(encoding_rs::BIG5, text, |c| big5_all().get(&c).map(|b| b.to_vec())),
            Kind::HzGb2312 => encode_hz(text),
        }
    }

    /// The text `bytes` encode, or `None` when some are not defined (Go
    /// decodes those to U+FFFD, which Terraform refuses).
    pub fn decode(&self, bytes: &[u8]) -> Option<String> {
        let text = match self.kind {
            Kind::Ascii => bytes.is_ascii().then(|| String::from_utf8_lossy(bytes).into_owned())?,
            Kind::Utf8 => String::from_utf8(bytes.to_vec()).ok()?,
            Kind::Utf16 => match bytes {
                [0xFF, 0xFE, rest @ ..] => decode_utf16(rest, u16::from_le_bytes)?,
                [0xFE, 0xFF, rest @ ..] => decode_utf16(rest, u16::from_be_bytes)?,
                _ => decode_utf16(bytes, u16::from_be_bytes)?,
            },
            Kind::Utf16Be => decode_utf16(bytes, u16::from_be_bytes)?,
            Kind::Utf16Le => decode_utf16(bytes, u16::from_le_bytes)?,
            Kind::AsciiSuperset(table) => bytes
                .iter()
                .map(
                    |b| if *b < 0x80 { Some(*b as char) } else { char::from_u32(u32::from(table[*b as usize - 0x80])) },
                )
                .collect::<Option<String>>()?,
            Kind::Single(table) => {
                bytes.iter().map(|b| char::from_u32(u32::from(table[*b as usize]))).collect::<Option<String>>()?
            }
            Kind::ShiftJis => decode_rs(encoding_rs::SHIFT_JIS, bytes)?,
            Kind::EucJp => decode_rs(encoding_rs::EUC_JP, bytes)?,
            Kind::Iso2022Jp => decode_rs(encoding_rs::ISO_2022_JP, bytes)?,
            Kind::EucKr => decode_rs(encoding_rs::EUC_KR, bytes)?,
            Kind::Gbk => decode_gbk(bytes)?,
            Kind::Gb18030 => decode_rs(encoding_rs::GB18030, bytes)?,
            Kind::Big5 => decode_rs(encoding_rs::BIG5, bytes)?,
            Kind::HzGb2312 => decode_hz(bytes)?,
        };
        (!text.contains('\u{FFFD}')).then_some(text)
    }
}

/// The byte whose table entry is `c` (undefined bytes are U+FFFD there).
fn table_byte(table: &[u16], c: char) -> Option<u8> {
    if c == '\u{FFFD}' || (c as u32) > 0xFFFF {
        return None;
    }
    table.iter().position(|u| u32::from(*u) == c as u32).map(|i| i as u8)
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Option<String> {
    if bytes.len() % 2 == 1 {
        return None;
    }
    let units: Vec<u16> = bytes.chunks(2).map(|p| unit([p[0], p[1]])).collect();
    String::from_utf16(&units).ok()
}

/// Encodes with `encoding_rs`; characters it cannot map go to `extra`.
fn encode_rs(
    encoding: &'static encoding_rs::Encoding,
    text: &str,
    extra: impl Fn(char) -> Option<Vec<u8>>,
) -> Option<Vec<u8>> {
    use encoding_rs::EncoderResult;
    let mut encoder = encoding.new_encoder();
    let mut out = Vec::with_capacity(text.len() * 2);
    let mut rest = text;
    loop {
        let cap = encoder.max_buffer_length_from_utf8_without_replacement(rest.len()).unwrap_or(rest.len() * 8 + 16);
        let mut buf = vec![0u8; cap.max(16)];
        let (result, read, written) = encoder.encode_from_utf8_without_replacement(rest, &mut buf, true);
        out.extend_from_slice(&buf[..written]);
        rest = &rest[read..];
        match result {
            EncoderResult::InputEmpty => return Some(out),
            EncoderResult::OutputFull => {}
            EncoderResult::Unmappable(c) => out.extend(extra(c)?),
        }
    }
}

fn decode_rs(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> Option<String> {
    encoding.decode_without_bom_handling_and_without_replacement(bytes).map(|t| t.into_owned())
}

/// Halfwidth katakana, one byte in the Japanese encodings.
const HALFWIDTH_KATAKANA: std::ops::RangeInclusive<char> = '\u{FF61}'..='\u{FF9F}';

/// Row and cell (0-based) of a character in JIS X 0208 as Go's tables have
/// it: the first position of the WHATWG index, without WHATWG's extra
/// mappings of `¥`, `‾` and `−`.
fn jis0208(c: char) -> Option<(u8, u8)> {
    if c.is_ascii() || matches!(c, '\u{A5}' | '\u{203E}' | '\u{2212}') || HALFWIDTH_KATAKANA.contains(&c) {
        return None;
    }
    match encode_rs(encoding_rs::EUC_JP, c.encode_utf8(&mut [0u8; 4]), |_| None)?[..] {
        [b1 @ 0xA1..=0xFE, b2 @ 0xA1..=0xFE] => Some((b1 - 0xA1, b2 - 0xA1)),
        _ => None,
    }
}

fn encode_shift_jis(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else if HALFWIDTH_KATAKANA.contains(&c) {
            out.push((c as u32 - 0xFF61 + 0xA1) as u8);
        } else {
            let (j1, j2) = jis0208(c)?;
            out.push(if j1 <= 61 { 129 + j1 / 2 } else { 193 + j1 / 2 });
            out.push(if j1 & 1 == 0 { j2 + j2 / 63 + 64 } else { j2 + 159 });
        }
    }
    Some(out)
}

fn encode_euc_jp(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else if HALFWIDTH_KATAKANA.contains(&c) {
            out.extend_from_slice(&[0x8E, (c as u32 - 0xFF61 + 0xA1) as u8]);
        } else if let Some((j1, j2)) = jis0208(c) {
            out.extend_from_slice(&[0xA1 + j1, 0xA1 + j2]);
        } else {
            out.extend_from_slice(jis0212().get(&c)?);
        }
    }
    Some(out)
}

/// ISO-2022-JP as Go writes it: ASCII, JIS X 0208 (`ESC $ B`) and halfwidth
/// katakana (`ESC ( I`), back to ASCII at the end.
fn encode_iso2022jp(text: &str) -> Option<Vec<u8>> {
    #[derive(PartialEq)]
    enum Mode {
        Ascii,
        Jis,
        Katakana,
    }
    let mut out = Vec::with_capacity(text.len() * 2);
    let mut mode = Mode::Ascii;
    let mut switch = |out: &mut Vec<u8>, to: Mode, esc: &[u8]| {
        if mode != to {
            out.extend_from_slice(esc);
            mode = to;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            switch(&mut out, Mode::Ascii, b"\x1b(B");
            out.push(c as u8);
        } else if HALFWIDTH_KATAKANA.contains(&c) {
            switch(&mut out, Mode::Katakana, b"\x1b(I");
            out.push((c as u32 - 0xFF61 + 0x21) as u8);
        } else {
            let (j1, j2) = jis0208(c)?;
            switch(&mut out, Mode::Jis, b"\x1b$B");
            out.extend_from_slice(&[0x21 + j1, 0x21 + j2]);
        }
    }
    switch(&mut out, Mode::Ascii, b"\x1b(B");
    Some(out)
}

/// GBK as Go reads it: GB18030's four-byte sequences are not GBK.
fn decode_gbk(bytes: &[u8]) -> Option<String> {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            0x81..=0xFE => {
                if bytes.get(i + 1).is_some_and(|b| (0x30..=0x39).contains(b)) {
                    return None;
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    decode_rs(encoding_rs::GBK, bytes)
}

/// JIS X 0212 characters as EUC-JP writes them (`0x8F` and two bytes),
/// which Go's encoder uses after JIS X 0208.
fn jis0212() -> &'static HashMap<char, [u8; 3]> {
    static MAP: OnceLock<HashMap<char, [u8; 3]>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for b1 in 0xA1..=0xFEu8 {
            for b2 in 0xA1..=0xFEu8 {
                let seq = [0x8F, b1, b2];
                if let Some(t) = decode_rs(encoding_rs::EUC_JP, &seq) {
                    let mut chars = t.chars();
                    if let (Some(c), None) = (chars.next(), chars.next()) {
                        map.entry(c).or_insert(seq);
                    }
                }
            }
        }
        map
    })
}

/// Every two-byte Big5 code, HKSCS included, which Go's encoder writes too.
fn big5_all() -> &'static HashMap<char, [u8; 2]> {
    static MAP: OnceLock<HashMap<char, [u8; 2]>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for lead in 0x81..=0xFEu8 {
            for trail in (0x40..=0x7Eu8).chain(0xA1..=0xFE) {
                let seq = [lead, trail];
                if let Some(t) = decode_rs(encoding_rs::BIG5, &seq) {
                    let mut chars = t.chars();
                    if let (Some(c), None) = (chars.next(), chars.next()) {
                        map.entry(c).or_insert(seq);
                    }
                }
            }
        }
        map
    })
}

/// HZ-GB-2312 as Go writes it: `~~` for `~`, GB 2312 characters inside
/// `~{`…`~}` with the high bits cleared, no closing `~}` at the very end.
fn encode_hz(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 2);
    let mut gb = false;
    for c in text.chars() {
        if c.is_ascii() {
            if c == '~' {
                out.extend_from_slice(b"~~");
                continue;
            }
            if gb {
                out.extend_from_slice(b"~}");
                gb = false;
            }
            out.push(c as u8);
            continue;
        }
        // GBK writes the euro sign as one byte; its GB 2312 code is A2E3.
        let code = if c == '€' {
            vec![0xA2, 0xE3]
        } else {
            encode_rs(encoding_rs::GBK, c.encode_utf8(&mut [0u8; 4]), |_| None)?
        };
        let [c0, c1] = code[..] else { return None };
        let (c0, c1) = (c0.wrapping_sub(0x80), c1.wrapping_sub(0x80));
        if !(0x21..0x7E).contains(&c0) || !(0x21..0x7F).contains(&c1) {
            return None;
        }
        if !gb {
            out.extend_from_slice(b"~{");
            gb = true;
        }
        out.extend_from_slice(&[c0, c1]);
    }
    Some(out)
}

fn decode_hz(bytes: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(bytes.len());
    let mut gb = false;
    let mut i = 0;
    while i < bytes.len() {
        let c0 = bytes[i];
        if c0 >= 0x80 {
            return None;
        }
        if c0 == b'~' {
            match bytes.get(i + 1) {
                Some(b'{') => gb = true,
                Some(b'}') => gb = false,
                Some(b'~') => out.push('~'),
                Some(b'\n') => {}
                _ => return None,
            }
            i += 2;
            continue;
        }
        if !gb {
            out.push(c0 as char);
            i += 1;
            continue;
        }
        let c1 = *bytes.get(i + 1)?;
        if !(0x21..0x7E).contains(&c0) || !(0x21..0x7F).contains(&c1) {
            return None;
        }
        out.push_str(&decode_rs(encoding_rs::GBK, &[c0 + 0x80, c1 + 0x80])?);
        i += 2;
    }
    Some(out)
}
