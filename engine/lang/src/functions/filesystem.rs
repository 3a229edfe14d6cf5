//! Filesystem functions, relative to `path.module` (CallContext.base_dir):
//! abspath basename dirname pathexpand file fileexists fileset filebase64
//! templatefile templatestring.

use super::encoding::{arg_fail, b64_encode, fail};
use super::{CallContext, FnResult, Function, FunctionError, Functions, Param, ReturnType};
use crate::eval::{Evaluator, Scope, TemplateMode};
use crate::types::Type;
use crate::value::{Marks, Value};
use strata_diag::{Diagnostic, SourceFile, Span};

fn redact(s: &str, marks: Marks) -> String {
    if marks.contains(Marks::SENSITIVE) {
        "(sensitive value)".into()
    } else {
        crate::render::go_quote(s)
    }
}

fn home_dir() -> Option<String> {
    std::env::var("HOME").ok().filter(|h| !h.is_empty())
}

/// go-homedir's Expand: a leading `~` (alone or followed by a separator).
fn expand_home(path: &str) -> Result<String, String> {
    if !path.starts_with('~') {
        return Ok(path.to_string());
    }
    if path.len() > 1 && !path[1..].starts_with('/') {
        return Err("cannot expand user-specific home dir".into());
    }
    let home = home_dir().ok_or_else(|| "user: Current requires cgo or $USER set in environment".to_string())?;
    Ok(format!("{home}{}", &path[1..]))
}

/// Go's `filepath.Clean` for slash-separated paths.
pub(super) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

fn join(base: &str, path: &str) -> String {
    if base.is_empty() {
        return clean(path);
    }
    if path.is_empty() {
        return clean(base);
    }
    clean(&format!("{base}/{path}"))
}

fn base_dir(ctx: &CallContext) -> String {
    ctx.base_dir.to_string_lossy().into_owned()
}

/// The cleaned path a file function opens.
fn resolve_path(ctx: &CallContext, path: &str) -> Result<String, String> {
    let p = expand_home(path).map_err(|e| format!("failed to expand ~: {e}"))?;
    Ok(if p.starts_with('/') { clean(&p) } else { join(&base_dir(ctx), &p) })
}

fn go_os_error(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "no such file or directory",
        K::PermissionDenied => "permission denied",
        K::IsADirectory => "is a directory",
        K::NotADirectory => "not a directory",
        _ => "input/output error",
    }
}

/// Reads a file as Terraform's file functions do. With `hint`, a missing
/// file gets Terraform's explanation (file, filebase64, templatefile);
/// without, Go's `open PATH: ...` error (the hash functions).
pub(super) fn read_file_bytes(
    ctx: &CallContext,
    path: &str,
    marks: Marks,
    hint: bool,
) -> Result<Vec<u8>, FunctionError> {
    let full = resolve_path(ctx, path).map_err(fail)?;
    let shown_full = full.clone();
    match std::fs::metadata(&full) {
        Err(e) => {
            if hint && e.kind() == std::io::ErrorKind::NotFound {
                return Err(arg_fail(0, "path", format!(
                    "no file exists at {}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource",
                    redact(path, marks)
                )));
            }
            let msg = format!("open {shown_full}: {}", go_os_error(&e));
            return Err(if hint { arg_fail(0, "path", msg) } else { fail(msg) });
        }
        Ok(m) if m.is_dir() => {
            let msg = format!("read {shown_full}: is a directory");
            return Err(if hint { arg_fail(0, "path", format!("failed to read file: {msg}")) } else { fail(msg) });
        }
        Ok(_) => {}
    }
    std::fs::read(&full).map_err(|e| {
        let msg = format!("open {shown_full}: {}", go_os_error(&e));
        if hint {
            arg_fail(0, "path", msg)
        } else {
            fail(msg)
        }
    })
}

fn path_arg(a: &[Value], i: usize) -> (String, Marks) {
    let (v, m) = a[i].clone().unmark_deep();
    (v.as_str().expect("string").to_string(), m)
}

fn file_imp(ctx: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let (path, marks) = path_arg(a, 0);
    let bytes = read_file_bytes(ctx, &path, marks, true)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        fail(format!("contents of {} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead", redact(&path, marks)))
    })?;
    Ok(Value::string(text).mark(marks))
}

fn filebase64_imp(ctx: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let (path, marks) = path_arg(a, 0);
    let bytes = read_file_bytes(ctx, &path, marks, true)?;
    Ok(Value::string(b64_encode(&bytes)).mark(marks))
}

fn fileexists_imp(ctx: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let (path, marks) = path_arg(a, 0);
    let full = resolve_path(ctx, &path).map_err(fail)?;
    match std::fs::metadata(&full) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound || e.kind() == std::io::ErrorKind::NotADirectory => {
            Ok(Value::bool(false).mark(marks))
        }
        Err(_) => Err(fail(format!("failed to stat {}", redact(&full, marks)))),
        Ok(m) if m.is_file() => Ok(Value::bool(true).mark(marks)),
        Ok(m) => {
            let name = redact(&full, marks);
            Err(fail(if m.is_dir() {
                format!("{name} is a directory, not a file")
            } else {
                format!("{name} is not a regular file")
            }))
        }
    }
}

// ------------------------------------------------------------------ glob

/// doublestar's pattern matching of one path component.
fn match_component(pattern: &[char], name: &[char]) -> Result<bool, ()> {
    let (mut p, mut n) = (0, 0);
    while p < pattern.len() {
        match pattern[p] {
            '*' => {
                // Collapse consecutive stars; try every split.
                while p < pattern.len() && pattern[p] == '*' {
                    p += 1;
                }
                if p == pattern.len() {
                    return Ok(true);
                }
                for k in n..=name.len() {
                    if match_component(&pattern[p..], &name[k..])? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            '?' => {
                if n >= name.len() {
                    return Ok(false);
                }
                p += 1;
                n += 1;
            }
            '[' => {
                let close = pattern[p + 1..].iter().position(|c| *c == ']').map(|i| i + p + 1).ok_or(())?;
                let mut class = &pattern[p + 1..close];
                let negate = matches!(class.first(), Some('^' | '!'));
                if negate {
                    class = &class[1..];
                }
                if class.is_empty() {
                    return Err(());
                }
                if n >= name.len() {
                    return Ok(false);
                }
                let c = name[n];
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    let mut lo = class[i];
                    if lo == '\\' && i + 1 < class.len() {
                        i += 1;
                        lo = class[i];
                    }
                    if i + 2 < class.len() && class[i + 1] == '-' {
                        let hi = class[i + 2];

                        if lo <= c && c <= hi {
                            hit = true;
                        }
                        i += 3;
                    } else {
                        if lo == c {
                            hit = true;
                        }
                        i += 1;
                    }
                }
                if hit == negate {
                    return Ok(false);
                }
                p = close + 1;
                n += 1;
            }
            '{' => {
                let mut depth = 0;
                let mut close = None;
                for (i, c) in pattern.iter().enumerate().skip(p) {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                close = Some(i);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let close = close.ok_or(())?;
                let rest = &pattern[close + 1..];
                // Split alternatives at top-level commas.
                let mut alts = Vec::new();
                let mut start = p + 1;
                let mut depth = 0;
                for i in p + 1..close {
                    match pattern[i] {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            alts.push(&pattern[start..i]);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                alts.push(&pattern[start..close]);
                for alt in alts {
                    let mut combined: Vec<char> = alt.to_vec();
                    combined.extend_from_slice(rest);
                    if match_component(&combined, &name[n..])? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            '\\' if p + 1 < pattern.len() => {
                if n >= name.len() || name[n] != pattern[p + 1] {
                    return Ok(false);
                }
                p += 2;
                n += 1;
            }
            c => {
                if n >= name.len() || name[n] != c {
                    return Ok(false);
                }
                p += 1;
                n += 1;
            }
        }
    }
    Ok(n == name.len())
}

fn has_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '{', '\\'])
}

/// doublestar.Glob over the filesystem: every path (file or directory)
/// matching the slash-separated components.
fn glob(dir: &str, comps: &[&str], out: &mut Vec<String>, depth: usize) -> Result<(), ()> {
    if depth > 256 {
        return Ok(());
    }
    let Some((first, rest)) = comps.split_first() else {
        out.push(dir.to_string());
        return Ok(());
    };
    let child = |name: &str| {
        if dir == "/" {
            format!("/{name}")
        } else if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    if *first == "**" && rest.is_empty() {
        // A final `**` matches everything below.
        out.push(dir.to_string());
        for (name, is_dir) in list_dir(dir) {
            if is_dir {
                glob(&child(&name), comps, out, depth + 1)?;
            } else {
                out.push(child(&name));
            }
        }
        return Ok(());
    }
    if *first == "**" {
        // Zero directories...
        glob(dir, rest, out, depth + 1)?;
        // ...or one more, recursively.
        for (name, is_dir) in list_dir(dir) {
            if is_dir {
                glob(&child(&name), comps, out, depth + 1)?;
            }
        }
        return Ok(());
    }
    if !has_meta(first) {
        let p = child(first);
        if rest.is_empty() {
            if std::fs::metadata(&p).is_ok() {
                out.push(p);
            }
        } else if std::fs::metadata(&p).is_ok_and(|m| m.is_dir()) {
            glob(&p, rest, out, depth + 1)?;
        }
        return Ok(());
    }
    let pat: Vec<char> = first.chars().collect();
    for (name, is_dir) in list_dir(dir) {
        let chars: Vec<char> = name.chars().collect();
        if match_component(&pat, &chars)? {
            if rest.is_empty() {
                out.push(child(&name));
            } else if is_dir {
                glob(&child(&name), rest, out, depth + 1)?;
            }
        }
    }
    Ok(())
}

fn list_dir(dir: &str) -> Vec<(String, bool)> {
    let d = if dir.is_empty() { "." } else { dir };
    let mut out: Vec<(String, bool)> = std::fs::read_dir(d)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_str()?.to_string();
                    let is_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
                    Some((name, is_dir))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn fileset_imp(ctx: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let (path, pm) = path_arg(a, 0);
    let (pattern, patm) = path_arg(a, 1);
    let marks = pm | patm;
    let path = if path.starts_with('/') { path } else { join(&base_dir(ctx), &path) };
    let full = join(&path, &pattern);
    let bad = || fail(format!("failed to glob pattern {}: syntax error in pattern", redact(&full, marks)));
    let (root, rel) = if let Some(r) = full.strip_prefix('/') { ("/", r) } else { ("", full.as_str()) };
    let comps: Vec<&str> = rel.split('/').filter(|c| !c.is_empty()).collect();
    let mut matches = Vec::new();
    glob(root, &comps, &mut matches, 0).map_err(|_| bad())?;
    let mut vals = Vec::new();
    for m in matches {
        if !std::fs::metadata(&m).is_ok_and(|md| md.is_file()) {
            continue;
        }
        let rel = relative(&path, &m);
        vals.push(Value::string(rel));
    }
    Ok(Value::set(Type::String, vals).mark(marks))
}

/// Go's `filepath.Rel` for the cases fileset produces.
fn relative(base: &str, target: &str) -> String {
    let b: Vec<&str> = base.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
    let t: Vec<&str> = target.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
    let common = b.iter().zip(t.iter()).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<&str> = vec![".."; b.len() - common];
    parts.extend_from_slice(&t[common..]);
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

// ------------------------------------------------------------------ paths

/// Go's `filepath.Base`.
fn basename(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `filepath.Dir`.
fn dirname(p: &str) -> String {
    let i = p.rfind('/').map(|i| i + 1).unwrap_or(0);
    clean(&p[..i])
}

fn abspath(p: &str) -> String {
    if p.starts_with('/') {
        return clean(p);
    }
    let cwd = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into());
    join(&cwd, p)
}

// ------------------------------------------------------------------ templates

struct VarsScope {
    vars: crate::Fields,
    file: String,
}

impl Scope for VarsScope {
    fn resolve(&self, root: &str, _attrs: &[&str], span: &Span) -> Result<(Value, usize), Diagnostic> {
        match self.vars.get(root) {
            Some(v) => Ok((v.clone(), 0)),
            None => Err(Diagnostic::error("Unknown variable")
                .with_detail(format!("There is no variable named {root:?}."))
                .with_span(span.clone())),
        }
    }
}

fn valid_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn range_text(file: &str, span: &Span) -> String {
    let s = span.start_position();
    let e = span.end_position();
    if s.line == e.line {
        format!("{file}:{},{}-{}", s.line, s.column, e.column)
    } else {
        format!("{file}:{},{}-{},{}", s.line, s.column, e.line, e.column)
    }
}

fn recursive_stub(name: &'static str) -> Function {
    fn tf(_: &CallContext, _: &[Value], _: &Type) -> FnResult {
        Err(fail("cannot recursively call templatefile from inside another template function"))
    }
    fn ts(_: &CallContext, _: &[Value], _: &Type) -> FnResult {
        Err(fail("cannot recursively call templatestring from inside another template function"))
    }
    Function {
        name,
        params: vec![Param::new("path", Type::String), Param::new("vars", Type::Dynamic)],
        var_param: None,
        ret: ReturnType::Fixed(|| Type::Dynamic),
        imp: if name == "templatefile" { tf } else { ts },
    }
}

/// Renders `text` as a template with `vars` as its only variables.
fn render(ctx: &CallContext, name: &str, text: &str, vars: &Value, vars_arg: usize) -> FnResult {
    let entries = match vars.as_entries() {
        Some(e) => e.clone(),
        None => return Err(arg_fail(vars_arg, "vars", "invalid vars value: must be a map")),
    };
    for k in entries.keys() {
        if !valid_identifier(k) {
            return Err(arg_fail(vars_arg, "vars", format!("invalid template variable name {k:?}: must start with a letter, followed by zero or more letters, digits, and underscores")));
        }
    }
    let file = SourceFile::new(name, text);
    let template = hcl_edit::parser::parse_template(text).map_err(|e| {
        let d = crate::syntax::parse_error_diagnostic(&e, &file);
        fail(format!("{}: {}; {}", range_of(name, &d), d.summary, d.detail))
    })?;
    let expr = hcl_edit::expr::Expression::StringTemplate(hcl_edit::template::StringTemplate::from(
        template.iter().cloned().collect::<Vec<_>>(),
    ));
    for r in crate::refs::references(&expr, &file, &[]) {
        if !entries.contains_key(&r.root) {
            let span = Span::new(&file, r.span.start..r.span.start + r.root.len());
            return Err(arg_fail(
                vars_arg,
                "vars",
                format!("vars map does not contain key {:?}, referenced at {}", r.root, range_text(name, &span)),
            ));
        }
    }
    let mut functions = Functions::builtin();
    functions.add(recursive_stub("templatefile"));
    functions.add(recursive_stub("templatestring"));
    let scope = VarsScope { vars: entries, file: name.to_string() };
    let ev = Evaluator::new(&scope, &functions, ctx, &file);
    // A template that is a single interpolation yields its value unchanged, as in HCL.
    let result = match template.iter().collect::<Vec<_>>().as_slice() {
        [hcl_edit::template::Element::Interpolation(i)] => ev.eval(&i.expr),
        _ => ev.eval_template(&template, TemplateMode::Heredoc { flush: false }),
    };
    result.map_err(|d| fail(format!("{}: {}; {}", range_of(&scope.file, &d), d.summary, d.detail)))
}

fn range_of(name: &str, d: &Diagnostic) -> String {
    match &d.span {
        Some(s) => range_text(name, s),
        None => name.to_string(),
    }
}

fn templatefile_imp(ctx: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let (path, marks) = path_arg(a, 0);
    let bytes = read_file_bytes(ctx, &path, marks, true)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        fail(format!("contents of {} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead", redact(&path, marks)))
    })?;
    Ok(render(ctx, &path, &text, &a[1], 1)?.mark(marks))
}

fn templatestring_imp(ctx: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let (text, marks) = path_arg(a, 0);
    Ok(render(ctx, "<template>", &text, &a[1], 1)?.mark(marks))
}

fn simple(name: &'static str, imp: fn(&str) -> String) -> Function {
    let _ = imp;
    Function {
        name,
        params: vec![Param::new("path", Type::String)],
        var_param: None,
        ret: ReturnType::Fixed(|| Type::String),
        imp: match name {
            "basename" => |_, a, _| Ok(Value::string(basename(a[0].as_str().expect("string")))),
            "dirname" => |_, a, _| Ok(Value::string(dirname(a[0].as_str().expect("string")))),
            "abspath" => |_, a, _| Ok(Value::string(abspath(a[0].as_str().expect("string")))),
            _ => |_, a, _| expand_home(a[0].as_str().expect("string")).map(Value::string).map_err(fail),
        },
    }
}

pub(super) fn functions() -> Vec<Function> {
    vec![
        simple("basename", basename),
        simple("dirname", dirname),
        simple("abspath", abspath),
        simple("pathexpand", |p| p.to_string()),
        Function {
            name: "file",
            params: vec![Param::new("path", Type::String).allow_marked()],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: file_imp,
        },
        Function {
            name: "filebase64",
            params: vec![Param::new("path", Type::String).allow_marked()],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::String),
            imp: filebase64_imp,
        },
        Function {
            name: "fileexists",
            params: vec![Param::new("path", Type::String).allow_marked()],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::Bool),
            imp: fileexists_imp,
        },
        Function {
            name: "fileset",
            params: vec![
                Param::new("path", Type::String).allow_marked(),
                Param::new("pattern", Type::String).allow_marked(),
            ],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::set(Type::String)),
            imp: fileset_imp,
        },
        Function {
            name: "templatefile",
            params: vec![Param::new("path", Type::String).allow_marked(), Param::new("vars", Type::Dynamic)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::Dynamic),
            imp: templatefile_imp,
        },
        Function {
            name: "templatestring",
            params: vec![Param::new("template", Type::String).allow_marked(), Param::new("vars", Type::Dynamic)],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::Dynamic),
            imp: templatestring_imp,
        },
    ]
}
