//! Addresses typed by people (`strata state mv`, `taint`): HCL traversal
//! syntax such as `module.a["x"].aws_instance.web[0]`, read with
//! Terraform's rules and messages (`addrs.ParseTargetStr`).

use crate::{InstanceKey, ModuleInstance, ResourceAddr, ResourceInstanceAddr, ResourceMode};
use std::fmt;

/// What a command-line address names: a module instance (and everything in
/// it), a whole resource, or one resource instance. As in Terraform, an
/// address without an instance key names the whole resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Module(ModuleInstance),
    Resource(ResourceAddr),
    Instance(ResourceInstanceAddr),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Module(m) => m.fmt(f),
            Target::Resource(r) => r.fmt(f),
            Target::Instance(i) => i.fmt(f),
        }
    }
}

/// Why an address could not be read: a summary and a detail sentence, the
/// words Terraform uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrError {
    pub summary: String,
    pub detail: String,
}

impl AddrError {
    fn new(summary: &str, detail: impl Into<String>) -> AddrError {
        AddrError { summary: summary.to_string(), detail: detail.into() }
    }
}

impl fmt::Display for AddrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.summary, self.detail)
    }
}

impl Target {
    /// Parses a module, resource or resource instance address.
    pub fn parse(s: &str) -> Result<Target, AddrError> {
        let steps = traversal(s)?;
        let (module, rest) = module_prefix(&steps)?;
        if rest.is_empty() {
            return Ok(Target::Module(module));
        }
        let inst = resource_instance(module, rest)?;
        Ok(match inst.key {
            InstanceKey::None => Target::Resource(inst.resource),
            _ => Target::Instance(inst),
        })
    }
}

impl ResourceInstanceAddr {
    /// Parses the address of one resource instance; a resource address
    /// without a key means its only instance (`ParseAbsResourceInstanceStr`).
    pub fn parse(s: &str) -> Result<ResourceInstanceAddr, AddrError> {
        match Target::parse(s)? {
            Target::Instance(i) => Ok(i),
            Target::Resource(r) => Ok(r.instance(InstanceKey::None)),
            Target::Module(_) => Err(AddrError::new(
                "Invalid address",
                "A resource instance address is required here. The module path must be followed by a resource instance specification.",
            )),
        }
    }
}

impl ModuleInstance {
    /// True when `other` is this module instance or inside it. A last step
    /// without a key matches every instance of that call (`module.a` holds
    /// `module.a[0]`), as Terraform's state commands do.
    pub fn contains(&self, other: &ModuleInstance) -> bool {
        if other.0.len() < self.0.len() {
            return false;
        }
        self.0.iter().zip(&other.0).enumerate().all(|(i, ((name, key), (oname, okey)))| {
            name == oname && (key == okey || (i + 1 == self.0.len() && *key == InstanceKey::None))
        })
    }

    /// True when `self` is `other` or starts with it, keys compared exactly.
    pub fn starts_with(&self, other: &ModuleInstance) -> bool {
        self.0.len() >= other.0.len() && self.0[..other.0.len()] == other.0[..]
    }

    /// Terraform's ordering of module instances: shorter paths first, then
    /// by name and key step by step.
    pub fn terraform_cmp(&self, other: &ModuleInstance) -> std::cmp::Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.cmp(&other.0))
    }
}

impl ResourceInstanceAddr {
    /// Terraform's ordering of instances (`state list`): module (shorter
    /// first), data before managed, type, name, then key (none, numbers,
    /// strings).
    pub fn terraform_cmp(&self, other: &ResourceInstanceAddr) -> std::cmp::Ordering {
        let mode = |m: ResourceMode| if m == ResourceMode::Data { 0 } else { 1 };
        let (a, b) = (&self.resource, &other.resource);
        a.module
            .terraform_cmp(&b.module)
            .then_with(|| mode(a.mode).cmp(&mode(b.mode)))
            .then_with(|| a.type_name.cmp(&b.type_name))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| self.key.cmp(&other.key))
    }
}

/// One step of an HCL traversal.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// The root name or `.name`.
    Name(String),
    Index(Key),
}

#[derive(Debug, Clone, PartialEq)]
enum Key {
    /// The literal as written, checked for wholeness where it is used.
    Number(String),
    Str(String),
}

/// Splits `a.b["c"][0]` into steps with hclsyntax's rules and messages.
fn traversal(s: &str) -> Result<Vec<Step>, AddrError> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < chars.len() && (chars[*i] == ' ' || chars[*i] == '\t') {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    let Some(root) = ident(&chars, &mut i) else {
        return Err(AddrError::new("Variable name required", "Must begin with a variable name."));
    };
    let mut steps = vec![Step::Name(root)];
    loop {
        skip_ws(&mut i);
        match chars.get(i) {
            None => return Ok(steps),
            Some('.') => {
                i += 1;
                skip_ws(&mut i);
                if chars.get(i) == Some(&'*') {
                    return Err(AddrError::new(
                        "Attribute name required",
                        "Splat expressions (.*) may not be used here.",
                    ));
                }
                match ident(&chars, &mut i) {
                    Some(name) => steps.push(Step::Name(name)),
                    None => {
                        return Err(AddrError::new(
                            "Attribute name required",
                            "Dot must be followed by attribute name.",
                        ))
                    }
                }
            }
            Some('[') => {
                i += 1;
                skip_ws(&mut i);
                let key = match chars.get(i) {
                    Some('*') => {
                        return Err(AddrError::new(
                            "Attribute name required",
                            "Splat expressions ([*]) may not be used here.",
                        ))
                    }
                    Some('"') => Key::Str(string_literal(&chars, &mut i)?),
                    Some(c) if c.is_ascii_digit() => Key::Number(number_literal(&chars, &mut i)),
                    _ => return Err(index_required()),
                };
                skip_ws(&mut i);
                if chars.get(i) != Some(&']') {
                    return Err(index_required());
                }
                i += 1;
                steps.push(Step::Index(key));
            }
            Some(_) => {
                return Err(AddrError::new("Invalid character", "Expected an attribute access or an index operator."))
            }
        }
    }
}

fn index_required() -> AddrError {
    AddrError::new("Index value required", "Index brackets must contain either a literal number or a literal string.")
}

/// An HCL identifier: a letter or `_`, then letters, digits, `_` and `-`.
fn ident(chars: &[char], i: &mut usize) -> Option<String> {
    let start = *i;
    match chars.get(*i) {
        Some(c) if c.is_alphabetic() || *c == '_' => *i += 1,
        _ => return None,
    }
    while chars.get(*i).is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '-') {
        *i += 1;
    }
    Some(chars[start..*i].iter().collect())
}

/// `123`, `1.5`, `1e3`: the text, for `whole_number` to judge.
fn number_literal(chars: &[char], i: &mut usize) -> String {
    let start = *i;
    let digits = |i: &mut usize| {
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
    };
    digits(i);
    if chars.get(*i) == Some(&'.') && chars.get(*i + 1).is_some_and(char::is_ascii_digit) {
        *i += 1;
        digits(i);
    }
    if matches!(chars.get(*i), Some('e' | 'E')) {
        let mut j = *i + 1;
        if matches!(chars.get(j), Some('+' | '-')) {
            j += 1;
        }
        if chars.get(j).is_some_and(char::is_ascii_digit) {
            *i = j;
            digits(i);
        }
    }
    chars[start..*i].iter().collect()
}

/// A quoted string with HCL's escapes; template sequences are refused.
fn string_literal(chars: &[char], i: &mut usize) -> Result<String, AddrError> {
    let unterminated =
        || AddrError::new("Unterminated string literal", "A string literal must end with a double quote.");
    *i += 1; // the opening quote
    let mut out = String::new();
    loop {
        let Some(&c) = chars.get(*i) else { return Err(unterminated()) };
        *i += 1;
        match c {
            '"' => return Ok(out),
            '\n' => return Err(unterminated()),
            '\\' => {
                let Some(&e) = chars.get(*i) else { return Err(unterminated()) };
                *i += 1;
                match e {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'u' | 'U' => {
                        let len = if e == 'u' { 4 } else { 8 };
                        let hex: String = chars.get(*i..*i + len).map(|h| h.iter().collect()).unwrap_or_default();
                        let ch = u32::from_str_radix(&hex, 16).ok().filter(|_| hex.len() == len).and_then(char::from_u32);
                        let Some(ch) = ch else {
                            return Err(AddrError::new(
                                "Invalid escape sequence",
                                format!("The \\{e} escape must be followed by {len} hexadecimal digits."),
                            ));
                        };
                        *i += len;
                        out.push(ch);
                    }
                    other => {
                        return Err(AddrError::new(
                            "Invalid escape sequence",
                            format!("The symbol {other:?} is not a valid escape sequence selector."),
                        ))
                    }
                }
            }
            '$' | '%' if chars.get(*i) == Some(&'{') => {
                return Err(AddrError::new(
                    "Invalid string literal",
                    "Template sequences are not allowed in this string. To include a literal \"$\", double it (as \"$$\") to escape it.",
                ))
            }
            '$' | '%' if chars.get(*i) == Some(&c) && chars.get(*i + 1) == Some(&'{') => {
                // `$${` and `%%{` stand for a literal `${` and `%{`.
                *i += 1;
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// The integer a number literal stands for, or cty's message when it is
/// not a whole number in range.
fn whole_number(text: &str) -> Result<i64, String> {
    let not_whole = || "value must be a whole number, between -9223372036854775808 and 9223372036854775807".to_string();
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(p) => (&text[..p], text[p + 1..].parse::<i64>().map_err(|_| not_whole())?),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: String = format!("{int}{frac}");
    let mut exp = exp - frac.len() as i64;
    while exp < 0 && digits.ends_with('0') {
        digits.pop();
        exp += 1;
    }
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(0);
    }
    if !(0..=19).contains(&exp) {
        return Err(not_whole());
    }
    let full = format!("{digits}{}", "0".repeat(exp as usize));
    full.parse::<i64>().map_err(|_| not_whole())
}

/// Reads the `module.x[...]` steps at the front (`parseModuleInstancePrefix`).
fn module_prefix(steps: &[Step]) -> Result<(ModuleInstance, &[Step]), AddrError> {
    let mut module = ModuleInstance::root();
    let mut rest = steps;
    while let Some(Step::Name(first)) = rest.first() {
        if first != "module" {
            break;
        }
        let name = match rest.get(1) {
            Some(Step::Name(n)) => n.clone(),
            _ => {
                return Err(AddrError::new(
                    "Invalid address operator",
                    "Prefix \"module.\" must be followed by a module name.",
                ))
            }
        };
        rest = &rest[2..];
        let mut key = InstanceKey::None;
        if let Some(Step::Index(k)) = rest.first() {
            key =
                match k {
                    Key::Str(s) => InstanceKey::Str(s.clone()),
                    Key::Number(n) => InstanceKey::Int(whole_number(n).map_err(|e| {
                        AddrError::new("Invalid address operator", format!("Invalid module index: {e}."))
                    })?),
                };
            rest = &rest[1..];
        }
        module = module.child(&name, key);
    }
    if let Some(Step::Index(_)) = rest.first() {
        return Err(AddrError::new(
            "Invalid address operator",
            "Module address prefix must be followed by dot and then a name.",
        ));
    }
    Ok((module, rest))
}

/// Reads `[data.]type.name[key]` after the module path
/// (`parseResourceInstanceUnderModule`).
fn resource_instance(module: ModuleInstance, steps: &[Step]) -> Result<ResourceInstanceAddr, AddrError> {
    let mut rest = steps;
    let mut mode = ResourceMode::Managed;
    if let Some(Step::Name(first)) = rest.first() {
        match first.as_str() {
            "data" => {
                mode = ResourceMode::Data;
                rest = &rest[1..];
            }
            "resource" => rest = &rest[1..],
            "count" | "each" | "local" | "module" | "path" | "self" | "terraform" | "var" | "template" | "lazy"
            | "arg" | "ephemeral" | "list" => {
                return Err(AddrError::new(
                    "Invalid address",
                    format!("The keyword {first:?} is reserved and cannot be used to target a resource address. If you are targeting a resource type that uses a reserved keyword, please prefix your address with \"resource.\"."),
                ))
            }
            _ => {}
        }
    }
    if rest.len() < 2 {
        return Err(AddrError::new("Invalid address", "Resource specification must include a resource type and name."));
    }
    let Step::Name(type_name) = &rest[0] else {
        let what = if mode == ResourceMode::Data {
            "A data source name is required."
        } else {
            "A resource type name is required."
        };
        return Err(AddrError::new("Invalid address", what));
    };
    let Step::Name(name) = &rest[1] else {
        return Err(AddrError::new("Invalid address", "A resource name is required."));
    };
    let resource = ResourceAddr { module, mode, type_name: type_name.clone(), name: name.clone() };
    match &rest[2..] {
        [] => Ok(resource.instance(InstanceKey::None)),
        [Step::Index(Key::Str(s))] => Ok(resource.instance(InstanceKey::Str(s.clone()))),
        [Step::Index(Key::Number(n))] => match whole_number(n) {
            Ok(i) => Ok(resource.instance(InstanceKey::Int(i))),
            Err(e) => Err(AddrError::new("Invalid address", format!("Invalid resource instance key: {e}."))),
        },
        [Step::Name(_)] => {
            Err(AddrError::new("Invalid address", "Resource instance key must be given in square brackets."))
        }
        _ => Err(AddrError::new("Invalid address", "Unexpected extra operators after address.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        let t = Target::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let kind = match t {
            Target::Module(_) => "module",
            Target::Resource(_) => "resource",
            Target::Instance(_) => "instance",
        };
        format!("{kind} {t}")
    }

    fn err(s: &str) -> String {
        Target::parse(s).expect_err(s).to_string()
    }

    #[test]
    fn addresses_parse_as_terraform_reads_them() {
        assert_eq!(ok("module.m"), "module module.m");
        assert_eq!(ok(r#"module.a["x"].module.b[2]"#), r#"module module.a["x"].module.b[2]"#);
        assert_eq!(ok("aws_instance.web"), "resource aws_instance.web");
        assert_eq!(ok("resource.aws_instance.web"), "resource aws_instance.web");
        assert_eq!(ok("data.aws_ami.x"), "resource data.aws_ami.x");
        assert_eq!(ok("module.m.t.n[01]"), "instance module.m.t.n[1]");
        assert_eq!(ok("t.n[1e0]"), "instance t.n[1]");
        assert_eq!(ok("t.n[ 0 ]"), "instance t.n[0]");
        assert_eq!(ok(r#"t.n["\u0078\"y"]"#), r#"instance t.n["x\"y"]"#);
        assert_eq!(ok(r#"module.m[1].t.n["a$${b}"]"#), r#"instance module.m[1].t.n["a${b}"]"#);
    }

    #[test]
    fn bad_addresses_get_terraforms_messages() {
        assert_eq!(err("foo"), "Invalid address: Resource specification must include a resource type and name.");
        assert_eq!(err(""), "Variable name required: Must begin with a variable name.");
        assert_eq!(err("t."), "Attribute name required: Dot must be followed by attribute name.");
        assert_eq!(
            err("t.n[1.5]"),
            "Invalid address: Invalid resource instance key: value must be a whole number, between -9223372036854775808 and 9223372036854775807."
        );
        assert_eq!(
            err("t.n["),
            "Index value required: Index brackets must contain either a literal number or a literal string."
        );
        assert_eq!(err("t.n[-1]"), err("t.n[true]"));
        assert_eq!(err(r#"t.n["x"].foo"#), "Invalid address: Unexpected extra operators after address.");
        assert_eq!(err("t.n[*]"), "Attribute name required: Splat expressions ([*]) may not be used here.");
        assert!(err("count.x").contains("The keyword \"count\" is reserved"));
        assert_eq!(err("module[0]"), "Invalid address operator: Prefix \"module.\" must be followed by a module name.");
        assert_eq!(err("a b"), "Invalid character: Expected an attribute access or an index operator.");
        assert!(err(r#"t.n["${x}"]"#).starts_with("Invalid string literal"));
        assert_eq!(
            ResourceInstanceAddr::parse("module.m").unwrap_err().detail,
            "A resource instance address is required here. The module path must be followed by a resource instance specification."
        );
    }

    #[test]
    fn keyless_module_calls_contain_their_instances() {
        let p = |s: &str| ModuleInstance::parse(s).unwrap();
        assert!(p("module.a").contains(&p("module.a[0].module.b")));
        assert!(!p("module.a.module.b").contains(&p("module.a[0].module.b")));
        assert!(p("").contains(&p("module.a")));
        assert!(!p("module.a[1]").contains(&p("module.a[0]")));
        assert!(p("module.a[0].module.b").starts_with(&p("module.a[0]")));
        assert!(!p("module.a[0]").starts_with(&p("module.a")));
    }
}
