//! Go's regular expressions (RE2 syntax, `regexp/syntax` with Perl flags)
//! on top of Rust's `regex` crate.
//!
//! The two syntaxes mostly agree, but not everywhere: Go rejects what Rust
//! accepts (`(?x)`, `\p{Letter}`, `a{1001}`), accepts what Rust rejects
//! (`\Q…\E`, octal `\101`, `a{,5}` as a literal, duplicate group names),
//! and means other things by some (`\d`, `\w`, `\s` and `\b` are ASCII in
//! Go). So patterns are parsed here as Go's parser does, failing with Go's
//! error code and offending text, and re-written in unambiguous Rust syntax.
//! Capture groups keep their numbers; their Go names live beside the regex.

use regex::{Captures, Regex, RegexBuilder};

/// Go's `syntax.Error`: the code (`missing closing )`) and the text at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GoRegexError {
    pub code: &'static str,
    pub expr: String,
}

impl GoRegexError {
    fn new(code: &'static str, expr: impl Into<String>) -> GoRegexError {
        GoRegexError { code, expr: expr.into() }
    }
}

const MISSING_BRACKET: &str = "missing closing ]";
const MISSING_PAREN: &str = "missing closing )";
const UNEXPECTED_PAREN: &str = "unexpected )";
const INVALID_ESCAPE: &str = "invalid escape sequence";
const INVALID_CHAR_RANGE: &str = "invalid character class range";
const INVALID_NAMED_CAPTURE: &str = "invalid named capture";
const INVALID_PERL_OP: &str = "invalid or unsupported Perl syntax";
const INVALID_REPEAT_OP: &str = "invalid nested repetition operator";
const INVALID_REPEAT_SIZE: &str = "invalid repeat count";
const MISSING_REPEAT_ARGUMENT: &str = "missing argument to repetition operator";
const TRAILING_BACKSLASH: &str = "trailing backslash at end of expression";
const NESTING_DEPTH: &str = "expression nests too deeply";
const LARGE: &str = "expression too large";

/// Go's limits: repeat counts, nesting height, compiled size in instructions.
const MAX_REPEAT: i64 = 1000;
const MAX_HEIGHT: usize = 1000;
const MAX_SIZE: i64 = (128 << 20) / 40;

/// Unicode 15.0 general categories and scripts, the tables Go 1.23's
/// `\p{…}` knows (names are case-sensitive there).
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P",
    "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
];
const SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nag_Mundari",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

/// Go's POSIX classes (`[:alpha:]`), all ASCII, as Rust spells them too.
const POSIX_CLASSES: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word",
    "xdigit",
];

/// A compiled Go pattern: the Rust regex and the Go name of each group.
#[derive(Clone, Debug)]
pub(super) struct GoRegex {
    re: Regex,
    /// Names of groups 1.., `None` for unnamed ones (duplicates allowed, as Go).
    names: Vec<Option<String>>,
}

impl GoRegex {
    /// Compiles `pattern` as Go's `regexp.Compile` does.
    pub fn compile(pattern: &str) -> Result<GoRegex, GoRegexError> {
        let (source, names) = Translator::new(pattern).translate()?;
        let re = RegexBuilder::new(&source)
            .size_limit(1 << 28)
            .dfa_size_limit(1 << 24)
            .nest_limit(4 * MAX_HEIGHT as u32)
            .build()
            .map_err(|_| GoRegexError::new(LARGE, pattern))?;
        Ok(GoRegex { re, names })
    }

    pub fn regex(&self) -> &Regex {
        &self.re
    }

    /// Go names of groups 1.. (`None` when unnamed).
    pub fn group_names(&self) -> &[Option<String>] {
        &self.names
    }

    /// Every match as Go's `FindAll…` finds them: an empty match right
    /// after the previous match is skipped.
    pub fn captures_all<'h>(&self, haystack: &'h str) -> Vec<Captures<'h>> {
        let mut out: Vec<Captures<'h>> = Vec::new();
        let mut pos = 0;
        let mut prev_end: Option<usize> = None;
        while pos <= haystack.len() {
            let Some(caps) = self.re.captures_at(haystack, pos) else { break };
            let m = caps.get(0).expect("group 0 always matches");
            let accept = !(m.start() == m.end() && prev_end == Some(m.start()));
            if m.end() == m.start() {
                pos = m.end() + haystack[m.end()..].chars().next().map_or(1, char::len_utf8);
            } else {
                pos = m.end();
            }
            prev_end = Some(m.end());
            if accept {
                out.push(caps);
            }
        }
        out
    }

    /// Go's `ReplaceAllString`: `$1`, `${name}` and `$$` expanded as Go's
    /// `Expand` does.
    pub fn replace_all(&self, haystack: &str, template: &str) -> String {
        let mut out = String::with_capacity(haystack.len());
        let mut last = 0;
        for caps in self.captures_all(haystack) {
            let m = caps.get(0).expect("group 0 always matches");
            out.push_str(&haystack[last..m.start()]);
            self.expand(&caps, template, &mut out);
            last = m.end();
        }
        out.push_str(&haystack[last..]);
        out
    }

    fn expand(&self, caps: &Captures, template: &str, out: &mut String) {
        let mut rest = template;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            rest = &rest[i + 1..];
            if let Some(r) = rest.strip_prefix('$') {
                out.push('$');
                rest = r;
                continue;
            }
            let Some((name, after)) = template_name(rest) else {
                out.push('$');
                continue;
            };
            rest = after;
            match group_number(name) {
                Some(n) => {
                    if let Some(g) = caps.get(n) {
                        out.push_str(g.as_str());
                    }
                }
                None => {
                    let found = self
                        .names
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| n.as_deref() == Some(name))
                        .find_map(|(i, _)| caps.get(i + 1));
                    if let Some(g) = found {
                        out.push_str(g.as_str());
                    }
                }
            }
        }
        out.push_str(rest);
    }
}

/// The group name at the start of a template after `$`: `name` or `{name}`
/// (letters, digits, underscores), and the text after it.
fn template_name(s: &str) -> Option<(&str, &str)> {
    let (body, braced) = match s.strip_prefix('{') {
        Some(b) => (b, true),
        None => (s, false),
    };
    let len: usize =
        body.chars().take_while(|c| c.is_alphabetic() || c.is_numeric() || *c == '_').map(char::len_utf8).sum();
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    if braced {
        let after = body[len..].strip_prefix('}')?;
        return Some((name, after));
    }
    Some((name, &body[len..]))
}

/// A template name that is a group number (no leading zeros, as Go).
fn group_number(name: &str) -> Option<usize> {
    if !name.bytes().all(|b| b.is_ascii_digit()) || (name.len() > 1 && name.starts_with('0')) || name.len() > 8 {
        return None;
    }
    name.parse().ok()
}

// ---------------------------------------------------------------- the translator

/// Go's parser flags that change meaning (`OneLine` is Rust's `m` inverted).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Flags {
    fold_case: bool,
    dot_nl: bool,
    one_line: bool,
    non_greedy: bool,
}

impl Flags {
    const DEFAULT: Flags = Flags { fold_case: false, dot_nl: false, one_line: true, non_greedy: false };

    /// A Rust flag group setting exactly these flags: `(?i-msU` (no closer).
    fn rust_group(self) -> String {
        let (mut on, mut off) = (String::new(), String::new());
        for (set, letter) in [(self.fold_case, 'i'), (!self.one_line, 'm'), (self.dot_nl, 's'), (self.non_greedy, 'U')]
        {
            if set {
                on.push(letter);
            } else {
                off.push(letter);
            }
        }
        if off.is_empty() {
            format!("(?{on}")
        } else {
            format!("(?{on}-{off}")
        }
    }
}

/// The parse tree as far as Go's limits need it.
#[derive(Clone, Debug)]
enum Node {
    /// A literal rune, class, assertion or empty match: size 1.
    Leaf,
    Capture(Box<Node>),
    /// `*`, `+`, `?`: their compiled size over the sub-expression.
    Simple(i64, Box<Node>),
    Repeat(i64, i64, Box<Node>),
    Concat(Vec<Node>),
    Alternate(Vec<Node>),
}

impl Node {
    fn size(&self) -> i64 {
        let s = match self {
            Node::Leaf => 1,
            Node::Capture(sub) => 2 + sub.size(),
            Node::Simple(extra, sub) => extra + sub.size(),
            Node::Repeat(min, max, sub) => {
                let sub = sub.size();
                if *max == -1 {
                    if *min == 0 {
                        2 + sub
                    } else {
                        1 + min.saturating_mul(sub)
                    }
                } else {
                    max.saturating_mul(sub).saturating_add(max - min)
                }
            }
            Node::Concat(subs) => subs.iter().map(Node::size).fold(0, i64::saturating_add),
            Node::Alternate(subs) => {
                subs.iter().map(Node::size).fold(0, i64::saturating_add) + (subs.len() as i64 - 1).max(0)
            }
        };
        s.max(1)
    }

    fn height(&self) -> usize {
        match self {
            Node::Leaf => 1,
            Node::Capture(sub) | Node::Simple(_, sub) | Node::Repeat(_, _, sub) => 1 + sub.height(),
            Node::Concat(subs) | Node::Alternate(subs) => 1 + subs.iter().map(Node::height).max().unwrap_or(0),
        }
    }

    /// Go's `repeatIsValid`: nested counts multiply to at most `n`.
    fn repeat_is_valid(&self, mut n: i64) -> bool {
        if let Node::Repeat(min, max, _) = self {
            let m = if *max == -1 { *min } else { *max };
            if *max == 0 {
                return true;
            }
            if m > n {
                return false;
            }
            if m > 0 {
                n /= m;
            }
        }
        match self {
            Node::Leaf => true,
            Node::Capture(sub) | Node::Simple(_, sub) | Node::Repeat(_, _, sub) => sub.repeat_is_valid(n),
            Node::Concat(subs) | Node::Alternate(subs) => subs.iter().all(|s| s.repeat_is_valid(n)),
        }
    }
}

/// One parsed piece of the current concatenation.
struct Item {
    text: String,
    node: Node,
}

/// An open group (or the whole pattern at the bottom).
struct Frame {
    /// Rust text opening the group; empty for the whole pattern.
    open: String,
    capture: bool,
    /// Flags to restore when the group closes.
    saved: Flags,
    alternatives: Vec<(String, Vec<Node>)>,
    /// Rust text of the current concatenation and its items (flag groups
    /// are text only).
    text: String,
    items: Vec<Item>,
    /// Where the last item starts in `text`, to wrap it in a repetition.
    last_item_at: Option<usize>,
}

impl Frame {
    fn new(open: String, capture: bool, saved: Flags) -> Frame {
        Frame {
            open,
            capture,
            saved,
            alternatives: Vec::new(),
            text: String::new(),
            items: Vec::new(),
            last_item_at: None,
        }
    }

    fn push(&mut self, text: String, node: Node) {
        self.last_item_at = Some(self.text.len());
        self.text.push_str(&text);
        self.items.push(Item { text, node });
    }

    /// Closes the group's alternatives: its Rust text and tree.
    fn finish(mut self) -> (String, Node) {
        let nodes: Vec<Node> = self.items.drain(..).map(|i| i.node).collect();
        self.alternatives.push((std::mem::take(&mut self.text), nodes));
        let mut text = String::new();
        let mut alts = Vec::new();
        for (i, (t, nodes)) in self.alternatives.into_iter().enumerate() {
            if i > 0 {
                text.push('|');
            }
            text.push_str(&t);
            alts.push(match nodes.len() {
                0 => Node::Leaf,
                1 => nodes.into_iter().next().expect("one node"),
                _ => Node::Concat(nodes),
            });
        }
        let node = if alts.len() == 1 { alts.pop().expect("one alternative") } else { Node::Alternate(alts) };
        (text, node)
    }
}

struct Translator<'a> {
    whole: &'a str,
    flags: Flags,
    frames: Vec<Frame>,
    names: Vec<Option<String>>,
    size: i64,
}

fn escape_char(c: char, out: &mut String) {
    match c {
        '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$' | '#' | '&' | '-' | '~' => {
            out.push('\\');
            out.push(c);
        }
        c if c.is_whitespace() || c.is_control() => out.push_str(&format!("\\x{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

/// A Perl class escape (`\d`) as the items of a Rust class, and whether negated.
fn perl_class(c: char) -> Option<(&'static str, bool)> {
    Some(match c {
        'd' => ("0-9", false),
        'D' => ("0-9", true),
        's' => ("\\t\\n\\x0C\\r\\x20", false),
        'S' => ("\\t\\n\\x0C\\r\\x20", true),
        'w' => ("0-9A-Za-z_", false),
        'W' => ("0-9A-Za-z_", true),
        _ => return None,
    })
}

fn unhex(c: char) -> Option<u32> {
    c.to_digit(16)
}

impl<'a> Translator<'a> {
    fn new(whole: &'a str) -> Translator<'a> {
        Translator {
            whole,
            flags: Flags::DEFAULT,
            frames: vec![Frame::new(String::new(), false, Flags::DEFAULT)],
            names: Vec::new(),
            size: 0,
        }
    }

    fn top(&mut self) -> &mut Frame {
        self.frames.last_mut().expect("the whole pattern's frame")
    }

    fn push(&mut self, text: String, node: Node) {
        self.top().push(text, node);
    }

    fn literal(&mut self, c: char) {
        let mut text = String::new();
        escape_char(c, &mut text);
        self.push(text, Node::Leaf);
    }

    fn translate(mut self) -> Result<(String, Vec<Option<String>>), GoRegexError> {
        let whole = self.whole;
        let mut t = whole;
        let mut last_repeat: &str = "";
        while let Some(c) = t.chars().next() {
            let mut repeat: &str = "";
            match c {
                '(' => {
                    if t[1..].starts_with('?') {
                        t = self.perl_flags(t)?;
                    } else {
                        let saved = self.flags;
                        self.names.push(None);
                        self.frames.push(Frame::new("(".into(), true, saved));
                        t = &t[1..];
                    }
                }
                '|' => {
                    let f = self.top();
                    let nodes: Vec<Node> = f.items.drain(..).map(|i| i.node).collect();
                    let text = std::mem::take(&mut f.text);
                    f.alternatives.push((text, nodes));
                    f.last_item_at = None;
                    t = &t[1..];
                }
                ')' => {
                    if self.frames.len() < 2 {
                        return Err(GoRegexError::new(UNEXPECTED_PAREN, whole));
                    }
                    let frame = self.frames.pop().expect("checked");
                    self.flags = frame.saved;
                    let (open, capture) = (frame.open.clone(), frame.capture);
                    let (body, node) = frame.finish();
                    let node = if capture { Node::Capture(Box::new(node)) } else { node };
                    self.push(format!("{open}{body})"), node);
                    t = &t[1..];
                }
                '^' | '$' | '.' => {
                    self.push(c.to_string(), Node::Leaf);
                    t = &t[1..];
                }
                '[' => t = self.class(t)?,
                '*' | '+' | '?' => {
                    let before = t;
                    let (min, max, extra) = match c {
                        '*' => (0, -1, 2),
                        '+' => (1, -1, 1),
                        _ => (0, 1, 1),
                    };
                    t = self.repeat(c.to_string(), (min, max), Some(extra), before, &t[1..], last_repeat)?;
                    repeat = before;
                }
                '{' => {
                    let before = t;
                    match parse_repeat(t) {
                        None => {
                            self.literal('{');
                            t = &t[1..];
                        }
                        Some((min, max, after)) => {
                            let op = &before[..before.len() - after.len()];
                            if !(0..=MAX_REPEAT).contains(&min) || max > MAX_REPEAT || (max >= 0 && min > max) {
                                return Err(GoRegexError::new(INVALID_REPEAT_SIZE, op));
                            }
                            let rust_op = if max == -1 {
                                format!("{{{min},}}")
                            } else if max == min {
                                format!("{{{min}}}")
                            } else {
                                format!("{{{min},{max}}}")
                            };
                            t = self.repeat(rust_op, (min, max), None, before, after, last_repeat)?;
                            repeat = before;
                        }
                    }
                }
                '\\' => t = self.backslash(t)?,
                c => {
                    self.literal(c);
                    t = &t[c.len_utf8()..];
                }
            }
            last_repeat = repeat;
        }
        if self.frames.len() != 1 {
            return Err(GoRegexError::new(MISSING_PAREN, whole));
        }
        let frame = self.frames.pop().expect("the whole pattern");
        let (body, node) = frame.finish();
        if node.height() > MAX_HEIGHT {
            return Err(GoRegexError::new(NESTING_DEPTH, whole));
        }
        if self.size.max(node.size()) > MAX_SIZE {
            return Err(GoRegexError::new(LARGE, whole));
        }
        Ok((body, self.names))
    }

    /// Applies a repetition to the last item. `before` starts at the
    /// operator, `after` follows it.
    fn repeat<'t>(
        &mut self,
        rust_op: String,
        (min, max): (i64, i64),
        simple: Option<i64>,
        before: &'t str,
        after: &'t str,
        last_repeat: &str,
    ) -> Result<&'t str, GoRegexError> {
        let mut after = after;
        let mut greedy = !self.flags.non_greedy;
        if let Some(rest) = after.strip_prefix('?') {
            after = rest;
            greedy = !greedy;
        }
        if !last_repeat.is_empty() {
            return Err(GoRegexError::new(INVALID_REPEAT_OP, &last_repeat[..last_repeat.len() - after.len()]));
        }
        let op_text = &before[..before.len() - after.len()];
        let frame = self.frames.last_mut().expect("the whole pattern's frame");
        let (Some(item), Some(at)) = (frame.items.pop(), frame.last_item_at) else {
            return Err(GoRegexError::new(MISSING_REPEAT_ARGUMENT, op_text));
        };
        let node = match simple {
            Some(extra) => Node::Simple(extra, Box::new(item.node)),
            None => Node::Repeat(min, max, Box::new(item.node)),
        };
        // The item, then flag groups after it stay where they are.
        let tail = frame.text.split_off(at);
        let flags_after = tail[item.text.len()..].to_string();
        let lazy = if greedy { "" } else { "?" };
        let text = format!("(?-U:(?:{}){rust_op}{lazy})", item.text);
        frame.last_item_at = Some(frame.text.len());
        frame.text.push_str(&text);
        frame.text.push_str(&flags_after);
        self.size = self.size.max(node.size());
        if simple.is_none() && (min >= 2 || max >= 2) && !node.repeat_is_valid(MAX_REPEAT) {
            return Err(GoRegexError::new(INVALID_REPEAT_SIZE, op_text));
        }
        frame.items.push(Item { text, node });
        if self.size > MAX_SIZE {
            return Err(GoRegexError::new(LARGE, self.whole));
        }
        Ok(after)
    }

    /// `(?…`: named groups, flag changes, non-capturing groups.
    fn perl_flags<'t>(&mut self, s: &'t str) -> Result<&'t str, GoRegexError> {
        let b = s.as_bytes();
        let starts_with_p = b.len() > 4 && b[2] == b'P' && b[3] == b'<';
        let starts_with_name = b.len() > 3 && b[2] == b'<';
        if starts_with_p || starts_with_name {
            let name_start = if starts_with_p { 4 } else { 3 };
            let Some(end) = s.find('>') else {
                return Err(GoRegexError::new(INVALID_NAMED_CAPTURE, s));
            };
            let capture = &s[..end + 1];
            let name = &s[name_start..end];
            if name.is_empty() || !name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()) {
                return Err(GoRegexError::new(INVALID_NAMED_CAPTURE, capture));
            }
            let saved = self.flags;
            self.names.push(Some(name.to_string()));
            let open = format!("(?P<g{}>", self.names.len());
            self.frames.push(Frame::new(open, true, saved));
            return Ok(&s[end + 1..]);
        }
        let mut flags = self.flags;
        let mut negated = false;
        let mut saw_flag = false;
        let mut rest = &s[2..];
        while let Some(c) = rest.chars().next() {
            rest = &rest[c.len_utf8()..];
            let set = !negated;
            match c {
                'i' => flags.fold_case = set,
                'm' => flags.one_line = !set,
                's' => flags.dot_nl = set,
                'U' => flags.non_greedy = set,
                '-' if !negated => {
                    negated = true;
                    saw_flag = false;
                    continue;
                }
                ':' | ')' if !negated || saw_flag => {
                    if c == ':' {
                        let saved = self.flags;
                        let open =
                            if flags == self.flags { "(?:".to_string() } else { format!("{}:", flags.rust_group()) };
                        self.frames.push(Frame::new(open, false, saved));
                    } else if flags != self.flags {
                        let group = format!("{})", flags.rust_group());
                        self.top().text.push_str(&group);
                    }
                    self.flags = flags;
                    return Ok(rest);
                }
                _ => break,
            }
            saw_flag = true;
        }
        Err(GoRegexError::new(INVALID_PERL_OP, &s[..s.len() - rest.len()]))
    }

    fn backslash<'t>(&mut self, t: &'t str) -> Result<&'t str, GoRegexError> {
        let mut chars = t[1..].chars();
        match chars.next() {
            Some('A') => {
                self.push("\\A".into(), Node::Leaf);
                return Ok(&t[2..]);
            }
            Some('z') => {
                self.push("\\z".into(), Node::Leaf);
                return Ok(&t[2..]);
            }
            Some('b') => {
                self.push("(?-u:\\b)".into(), Node::Leaf);
                return Ok(&t[2..]);
            }
            Some('B') => {
                self.push("(?-u:\\B)".into(), Node::Leaf);
                return Ok(&t[2..]);
            }
            Some('C') => return Err(GoRegexError::new(INVALID_ESCAPE, &t[..2])),
            Some('Q') => {
                let body = &t[2..];
                let (lit, rest) = match body.find("\\E") {
                    Some(i) => (&body[..i], &body[i + 2..]),
                    None => (body, ""),
                };
                for c in lit.chars() {
                    self.literal(c);
                }
                return Ok(rest);
            }
            Some('p' | 'P') => {
                let (class, rest) = unicode_class(t)?;
                self.push(class, Node::Leaf);
                return Ok(rest);
            }
            Some(c) => {
                if let Some((items, negated)) = perl_class(c) {
                    self.push(format!("[{}{items}]", if negated { "^" } else { "" }), Node::Leaf);
                    return Ok(&t[2..]);
                }
            }
            None => {}
        }
        let (c, rest) = parse_escape(t)?;
        self.literal(c);
        Ok(rest)
    }

    /// `[…]` as a Rust class.
    fn class<'t>(&mut self, s: &'t str) -> Result<&'t str, GoRegexError> {
        let mut t = &s[1..];
        let mut out = String::from("[");
        if let Some(rest) = t.strip_prefix('^') {
            out.push('^');
            t = rest;
        }
        let mut first = true;
        while first || !t.starts_with(']') {
            first = false;
            if t.len() > 2 && t.starts_with("[:") {
                if let Some(i) = t[2..].find(":]") {
                    let name = &t[..i + 4];
                    let inner = &name[2..name.len() - 2];
                    let bare = inner.strip_prefix('^').unwrap_or(inner);
                    if !POSIX_CLASSES.contains(&bare) {
                        return Err(GoRegexError::new(INVALID_CHAR_RANGE, name));
                    }
                    out.push('[');
                    out.push_str(name);
                    out.push(']');
                    t = &t[i + 4..];
                    continue;
                }
            }
            if t.starts_with("\\p") || t.starts_with("\\P") {
                let (class, rest) = unicode_class(t)?;
                out.push_str(&class);
                t = rest;
                continue;
            }
            if let Some((items, negated)) = t.strip_prefix('\\').and_then(|r| r.chars().next()).and_then(perl_class) {
                out.push_str(&format!("[{}{items}]", if negated { "^" } else { "" }));
                t = &t[2..];
                continue;
            }
            let rng = t;
            let (lo, rest) = class_char(t, s)?;
            t = rest;
            let mut hi = lo;
            if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
                let (h, rest) = class_char(&t[1..], s)?;
                t = rest;
                hi = h;
                if hi < lo {
                    return Err(GoRegexError::new(INVALID_CHAR_RANGE, &rng[..rng.len() - t.len()]));
                }
            }
            escape_char(lo, &mut out);
            if hi != lo {
                out.push('-');
                escape_char(hi, &mut out);
            }
        }
        t = &t[1..];
        out.push(']');
        self.push(out, Node::Leaf);
        Ok(t)
    }
}

/// Go's `parseRepeat`: `{n}`, `{n,}`, `{n,m}`; `None` when `{` is a literal.
/// Counts too large for Go come back as -1.
fn parse_repeat(s: &str) -> Option<(i64, i64, &str)> {
    let s = s.strip_prefix('{')?;
    let (min, mut s) = parse_int(s)?;
    let max;
    if let Some(rest) = s.strip_prefix(',') {
        s = rest;
        if s.is_empty() {
            return None;
        }
        if s.starts_with('}') {
            max = -1;
        } else {
            let (m, rest) = parse_int(s)?;
            s = rest;
            max = m;
            if m < 0 {
                return s.strip_prefix('}').map(|r| (-1, m, r));
            }
        }
    } else {
        max = min;
    }
    s.strip_prefix('}').map(|r| (min, max, r))
}

fn parse_int(s: &str) -> Option<(i64, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || (digits >= 2 && s.starts_with('0')) {
        return None;
    }
    let mut n: i64 = 0;
    for b in s[..digits].bytes() {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some((n, &s[digits..]))
}

/// `\pL`, `\p{Greek}`, `\P{^Lu}` as a Rust class (Go knows only general
/// categories, scripts and `Any`).
fn unicode_class(s: &str) -> Result<(String, &str), GoRegexError> {
    let mut negated = s[1..].starts_with('P');
    let t = &s[2..];
    let Some(c) = t.chars().next() else {
        return Err(GoRegexError::new(INVALID_CHAR_RANGE, s));
    };
    let (seq, mut name, rest) = if c != '{' {
        let seq = &s[..2 + c.len_utf8()];
        (seq, &seq[2..], &t[c.len_utf8()..])
    } else {
        let Some(end) = s.find('}') else {
            return Err(GoRegexError::new(INVALID_CHAR_RANGE, s));
        };
        (&s[..end + 1], &s[3..end], &s[end + 1..])
    };
    if let Some(n) = name.strip_prefix('^') {
        negated = !negated;
        name = n;
    }
    if name == "Cs" {
        // Surrogates: Go has the table, but no valid UTF-8 text holds one;
        // Rust refuses the class, so say "nothing" (or "anything") directly.
        let class = if negated { "[\\x00-\\x{10FFFF}]" } else { "[^\\x00-\\x{10FFFF}]" };
        return Ok((class.to_string(), rest));
    }
    let query = if name == "Any" {
        "Any".to_string()
    } else if CATEGORIES.contains(&name) {
        format!("gc={name}")
    } else if SCRIPTS.contains(&name) {
        format!("sc={name}")
    } else {
        return Err(GoRegexError::new(INVALID_CHAR_RANGE, seq));
    };
    Ok((format!("\\{}{{{query}}}", if negated { 'P' } else { 'p' }), rest))
}

/// A class member character (escapes allowed).
fn class_char<'t>(s: &'t str, whole_class: &str) -> Result<(char, &'t str), GoRegexError> {
    match s.chars().next() {
        None => Err(GoRegexError::new(MISSING_BRACKET, whole_class)),
        Some('\\') => parse_escape(s),
        Some(c) => Ok((c, &s[c.len_utf8()..])),
    }
}

/// Go's `parseEscape`: one escaped character.
fn parse_escape(s: &str) -> Result<(char, &str), GoRegexError> {
    let mut t = &s[1..];
    let Some(c) = t.chars().next() else {
        return Err(GoRegexError::new(TRAILING_BACKSLASH, ""));
    };
    t = &t[c.len_utf8()..];
    let invalid = |t: &str| GoRegexError::new(INVALID_ESCAPE, &s[..s.len() - t.len()]);
    let octal = |t: &str| t.as_bytes().first().is_some_and(|b| (b'0'..=b'7').contains(b));
    match c {
        '1'..='7' if !octal(t) => Err(invalid(t)),
        '0'..='7' => {
            let mut r = c as u32 - '0' as u32;
            for _ in 1..3 {
                if !octal(t) {
                    break;
                }
                r = r * 8 + u32::from(t.as_bytes()[0] - b'0');
                t = &t[1..];
            }
            Ok((char::from_u32(r).expect("octal below 512"), t))
        }
        'x' => {
            let Some(c) = t.chars().next() else { return Err(invalid(t)) };
            t = &t[c.len_utf8()..];
            if c == '{' {
                let mut r: u32 = 0;
                let mut digits = 0;
                loop {
                    let Some(c) = t.chars().next() else { return Err(invalid(t)) };
                    t = &t[c.len_utf8()..];
                    if c == '}' {
                        break;
                    }
                    let Some(v) = unhex(c) else { return Err(invalid(t)) };
                    r = r * 16 + v;
                    if r > 0x10ffff {
                        return Err(invalid(t));
                    }
                    digits += 1;
                }
                if digits == 0 {
                    return Err(invalid(t));
                }
                // Go accepts surrogates here; they can match nothing in valid UTF-8.
                return Ok((char::from_u32(r).unwrap_or('\u{fffd}'), t));
            }
            let x = unhex(c);
            let next = t.chars().next();
            if let Some(n) = next {
                t = &t[n.len_utf8()..];
            }
            match (x, next.and_then(unhex)) {
                (Some(x), Some(y)) => Ok((char::from_u32(x * 16 + y).expect("below 256"), t)),
                _ => Err(invalid(t)),
            }
        }
        'a' => Ok(('\u{7}', t)),
        'f' => Ok(('\u{c}', t)),
        'n' => Ok(('\n', t)),
        'r' => Ok(('\r', t)),
        't' => Ok(('\t', t)),
        'v' => Ok(('\u{b}', t)),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c, t)),
        _ => Err(invalid(t)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(p: &str) -> String {
        match GoRegex::compile(p) {
            Ok(_) => "ok".into(),
            Err(e) => format!("{}: {}", e.code, e.expr),
        }
    }

    #[test]
    fn go_errors() {
        for (pat, want) in [
            ("(", "missing closing ): ("),
            (")", "unexpected ): )"),
            ("[a", "missing closing ]: [a"),
            ("a**", "invalid nested repetition operator: **"),
            ("a{2}{3}", "invalid nested repetition operator: {2}{3}"),
            ("*", "missing argument to repetition operator: *"),
            ("a|*?", "missing argument to repetition operator: *?"),
            ("a{1001}", "invalid repeat count: {1001}"),
            ("(a{2}){501}", "invalid repeat count: {501}"),
            ("x\\", "trailing backslash at end of expression: "),
            ("\\8", "invalid escape sequence: \\8"),
            ("\\x{110000}", "invalid escape sequence: \\x{110000"),
            ("\\p{Foo}", "invalid character class range: \\p{Foo}"),
            ("[[:foo:]]", "invalid character class range: [:foo:]"),
            ("[z-a]", "invalid character class range: z-a"),
            ("(?P<>a)", "invalid named capture: (?P<>"),
            ("(?<=a)", "invalid named capture: (?<=a)"),
            ("(?x)", "invalid or unsupported Perl syntax: (?x"),
            ("(?i-)", "invalid or unsupported Perl syntax: (?i-)"),
            ("a{,5}", "ok"),
            ("\\Qa.b\\E", "ok"),
            ("(?P<n>a)(?P<n>b)", "ok"),
            ("\\101", "ok"),
        ] {
            assert_eq!(err(pat), want, "{pat}");
        }
    }

    #[test]
    fn go_semantics() {
        let m = |p: &str, s: &str| GoRegex::compile(p).unwrap().regex().find(s).map(|m| m.as_str().to_string());
        assert_eq!(m("\\d+", "١٢3").as_deref(), Some("3"));
        assert_eq!(m("a{,5}", "a{,5}").as_deref(), Some("a{,5}"));
        assert_eq!(m("\\Qa.b\\E", "axb a.b").as_deref(), Some("a.b"));
        assert_eq!(m("a(?U)*", "aaa").as_deref(), Some(""));
        assert_eq!(m("\\101", "A").as_deref(), Some("A"));
        let re = GoRegex::compile("(?P<n>a)(?P<n>b)").unwrap();
        assert_eq!(re.group_names(), &[Some("n".to_string()), Some("n".to_string())]);
        assert_eq!(re.replace_all("xab", "<$n|${2}|$$|$x>"), "x<a|b|$|>");
    }
}
