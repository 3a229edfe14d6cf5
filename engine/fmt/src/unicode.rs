//! Small Unicode helpers (approximations sufficient for formatting, so that
//! the crate needs no external dependencies).

/// Whether `c` is a combining mark or another character that does not start
/// a new grapheme cluster on its own.
pub(crate) fn is_combining(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F
        | 0x0483..=0x0489
        | 0x0591..=0x05BD
        | 0x05BF | 0x05C1..=0x05C2 | 0x05C4..=0x05C5 | 0x05C7
        | 0x0610..=0x061A
        | 0x064B..=0x065F
        | 0x0670
        | 0x06D6..=0x06DC
        | 0x06DF..=0x06E4
        | 0x06E7..=0x06E8
        | 0x06EA..=0x06ED
        | 0x0900..=0x0903
        | 0x093A..=0x094F
        | 0x0951..=0x0957
        | 0x0962..=0x0963
        | 0x0981..=0x0983
        | 0x09BC..=0x09D7
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF
        | 0x200C..=0x200D
        | 0x20D0..=0x20FF
        | 0x302A..=0x302F
        | 0x3099..=0x309A
        | 0xFE00..=0xFE0F
        | 0xFE20..=0xFE2F
        | 0x1F3FB..=0x1F3FF
        | 0xE0020..=0xE007F
        | 0xE0100..=0xE01EF
    )
}

/// Approximate number of extended grapheme clusters in `s`, as
/// `hclwrite` measures column widths.
pub(crate) fn grapheme_count(s: &str) -> usize {
    if s.is_ascii() {
        // CRLF is a single grapheme cluster.
        return s.len() - s.matches("\r\n").count();
    }
    let mut count = 0;
    let mut prev: Option<char> = None;
    let mut prev_zwj = false;
    let mut ri_run = 0usize;
    for c in s.chars() {
        let cu = c as u32;
        let is_ri = (0x1F1E6..=0x1F1FF).contains(&cu);
        let extends = is_combining(c)
            || (prev_zwj && prev.is_some())
            || (prev == Some('\r') && c == '\n')
            || (is_ri && ri_run % 2 == 1)
            || (0x1160..=0x11FF).contains(&cu) && prev.is_some_and(|p| (0x1100..=0x115F).contains(&(p as u32)));
        if !extends || prev.is_none() {
            count += 1;
        }
        ri_run = if is_ri { ri_run + 1 } else { 0 };
        prev_zwj = c == '\u{200D}';
        prev = Some(c);
    }
    count
}

/// Approximation of Go's `unicode.IsPrint`: letters, marks, numbers,
/// punctuation, symbols and the ASCII space.
pub(crate) fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let cu = c as u32;
    // Format characters (Cf), private use, surrogates and unassigned
    // noncharacters are not printable.
    !matches!(cu,
        0x00AD
        | 0x0600..=0x0605
        | 0x061C
        | 0x06DD
        | 0x070F
        | 0x180E
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x2064
        | 0x2066..=0x206F
        | 0xFEFF
        | 0xFFF9..=0xFFFB
        | 0xFFFE..=0xFFFF
        | 0xE000..=0xF8FF
        | 0x110BD
        | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A
        | 0xE0001
        | 0xE0020..=0xE007F
        | 0xF0000..=0x10FFFF
    )
}
