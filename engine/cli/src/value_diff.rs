//! Structural diffs for the human plan, drawn as Terraform draws them:
//! maps, objects, lists and sets open up (`~ tags = {` … `}`) and show only
//! what changed, with `# (N unchanged elements hidden)`; nested blocks of
//! the provider's schema render as blocks (`+ ingress {`); secrets and
//! unknowns never print.
//!
//! Columns: a line's change symbol sits at `indent`; the names of its
//! children have their symbols at `indent + 4`, and closing brackets and
//! "hidden" notes line up with the names, at `indent + 2`.

use crate::json_diff;
use crate::plan_view::{show, text_diff};
use strata_lang::{Kind, Value};
use strata_provider::{AttributePath, Block, Nesting, PathStep};

/// How the whole object changes; decides the symbols of its attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Create,
    Delete,
    /// Update or replace: attribute by attribute.
    Update,
}

pub(crate) fn pad(n: usize) -> String {
    " ".repeat(n)
}

fn entries(v: &Value) -> Option<&strata_lang::Fields> {
    if v.is_null() || !v.is_known() || v.is_sensitive() {
        return None;
    }
    v.as_entries()
}

fn elements(v: &Value) -> Option<&[Value]> {
    if v.is_null() || !v.is_known() || v.is_sensitive() {
        return None;
    }
    v.as_seq()
}

fn same(a: &Value, b: &Value) -> bool {
    a.is_wholly_known() && b.is_wholly_known() && a.is_sensitive() == b.is_sensitive() && {
        let (x, y) = (a.unmark_deep().0, b.unmark_deep().0);
        x.raw_equal(&y) && a.marks_deep() == b.marks_deep()
    }
}

fn is_map(v: &Value) -> bool {
    matches!(v.kind(), Kind::Map(..))
}

fn is_set(v: &Value) -> bool {
    matches!(v.kind(), Kind::Set(..))
}

/// A key as Terraform prints it: map keys quoted, attribute names bare
/// unless they are not identifiers.
pub(crate) fn key_text(key: &str, quoted: bool) -> String {
    let identifier = !key.is_empty()
        && key.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if quoted || !identifier {
        serde_json::to_string(key).unwrap_or_default()
    } else {
        key.to_string()
    }
}

pub(crate) fn hidden_note(n: usize, what: &str, at: usize) -> String {
    if n == 0 {
        return String::new();
    }
    format!("{}# ({n} unchanged {what}{} hidden)\n", pad(at), if n == 1 { "" } else { "s" })
}

/// A whole value created (`+`), deleted (`-`) or kept (` `): every element
/// carries the same symbol.
pub fn whole(v: &Value, sym: char, indent: usize) -> String {
    if v.is_sensitive() || !v.is_known() || v.is_null() {
        return show(v);
    }
    if let Some(doc) = v.as_str().and_then(json_diff::parse) {
        return json_diff::whole_document(&doc, sym, indent);
    }
    if let Some(map) = v.as_entries() {
        let quoted = is_map(v);
        let shown: Vec<(&String, &Value)> = map.iter().filter(|(_, x)| quoted || !x.is_null()).collect();
        if shown.is_empty() {
            return "{}".into();
        }
        let width = shown.iter().map(|(k, _)| key_text(k, quoted).len()).max().unwrap_or(0);
        let mut out = String::from("{\n");
        for (k, x) in shown {
            out.push_str(&format!(
                "{}{sym} {:width$} = {}\n",
                pad(indent + 4),
                key_text(k, quoted),
                whole(x, sym, indent + 4)
            ));
        }
        out.push_str(&format!("{}}}", pad(indent + 2)));
        return out;
    }
    if let Some(items) = v.as_seq() {
        if items.is_empty() {
            return "[]".into();
        }
        let mut out = String::from("[\n");
        for x in items {
            out.push_str(&format!("{}{sym} {},\n", pad(indent + 4), whole(x, sym, indent + 4)));
        }
        out.push_str(&format!("{}]", pad(indent + 2)));
        return out;
    }
    show(v)
}

/// Attributes Terraform always shows, with everything inside them.
pub(crate) fn important(name: &str) -> bool {
    matches!(name, "id" | "name" | "tags")
}

/// The right-hand side of a changed value (`old -> new`, or an opened-up
/// collection showing what changed). `show_unchanged`: inside an important
/// attribute, unchanged children are shown rather than counted.
pub fn changed(b: &Value, a: &Value, indent: usize, show_unchanged: bool) -> String {
    if b.is_sensitive() || a.is_sensitive() {
        return "(sensitive value)".into();
    }
    if !a.is_known() {
        let document = b.as_str().is_some_and(|s| json_diff::parse(s).is_some());
        let sym = if document || elements(b).is_some() || entries(b).is_some() { '-' } else { ' ' };
        return format!("{} -> (known after apply)", whole(b, sym, indent));
    }
    if let Some(doc) = b.as_str().zip(a.as_str()).and_then(|(x, y)| json_diff::changed_document(x, y, indent)) {
        return doc;
    }
    if let Some(text) = text_diff(b, a) {
        return text.replace('\n', &format!("\n{}", pad(indent + 2)));
    }
    if let (Some(bm), Some(am)) = (entries(b), entries(a)) {
        let quoted = is_map(a) || is_map(b);
        return map_diff(bm, am, quoted, indent, show_unchanged);
    }
    if let (Some(bl), Some(al)) = (elements(b), elements(a)) {
        if is_set(a) || is_set(b) {
            return set_diff(bl, al, indent, show_unchanged);
        }
        let tuples = matches!((b.kind(), a.kind()), (Kind::Tuple(_), Kind::Tuple(_)));
        let ops = if tuples { positional_ops(bl, al) } else { lcs_ops(bl, al) };
        return sequence(&ops, bl, al, indent, show_unchanged);
    }
    format!("{} -> {}", whole(b, ' ', indent), whole(a, ' ', indent))
}

fn map_diff(
    b: &strata_lang::Fields,
    a: &strata_lang::Fields,
    quoted: bool,
    indent: usize,
    show_unchanged: bool,
) -> String {
    let null = Value::dynamic_null();
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let width = keys
        .iter()
        .filter(|k| !b.get(k).unwrap_or(&null).is_null() || !a.get(k).unwrap_or(&null).is_null())
        .map(|k| key_text(k, quoted).len())
        .max()
        .unwrap_or(0);
    let mut out = String::from("{\n");
    let mut hidden = 0;
    for k in keys {
        let (x, y) = (b.get(k).unwrap_or(&null), a.get(k).unwrap_or(&null));
        let name = key_text(k, quoted);
        let at = pad(indent + 4);
        // Map values that are objects end with a comma, as Terraform writes them.
        let comma = |v: &Value| if quoted && matches!(v.kind(), Kind::Object(_)) { "," } else { "" };
        let show_all = show_unchanged || (!quoted && important(k));
        if x.is_null() && y.is_null() {
            continue;
        } else if x.is_null() {
            out.push_str(&format!("{at}+ {name:width$} = {}{}\n", whole(y, '+', indent + 4), comma(y)));
        } else if y.is_null() {
            // Removed map elements end in `-> null`; removed object attributes do not.
            let tail = if quoted { " -> null" } else { "" };
            out.push_str(&format!("{at}- {name:width$} = {}{tail}{}\n", whole(x, '-', indent + 4), comma(x)));
        } else if same(x, y) {
            if show_all {
                out.push_str(&format!("{at}  {name:width$} = {}{}\n", whole(y, ' ', indent + 4), comma(y)));
            } else {
                hidden += 1;
            }
        } else {
            out.push_str(&format!("{at}~ {name:width$} = {}{}\n", changed(x, y, indent + 4, show_all), comma(y)));
        }
    }
    out.push_str(&hidden_note(hidden, if quoted { "element" } else { "attribute" }, indent + 6));
    out.push_str(&format!("{}}}", pad(indent + 2)));
    out
}

/// Lists and tuples, in order. As Terraform does, each change is shown with
/// the unchanged element just before and just after it, for context; longer
/// unchanged runs are counted.
fn sequence(ops: &[Op], b: &[Value], a: &[Value], indent: usize, show_unchanged: bool) -> String {
    sequence_of(ops, b, a, indent, show_unchanged, whole, |x, y, at| changed(x, y, at, show_unchanged))
}

/// [`sequence`] for any kind of element (values, JSON), drawn by `whole`
/// and `changed`.
pub(crate) fn sequence_of<T>(
    ops: &[Op],
    b: &[T],
    a: &[T],
    indent: usize,
    show_unchanged: bool,
    whole: impl Fn(&T, char, usize) -> String,
    changed: impl Fn(&T, &T, usize) -> String,
) -> String {
    let at = pad(indent + 4);
    let mut out = String::from("[\n");
    let mut unchanged: Vec<usize> = Vec::new(); // indexes into `a`
    let mut render_next = false;
    for op in ops {
        if let (Op::Same(j), false, false) = (op, render_next, show_unchanged) {
            unchanged.push(*j);
            continue;
        }
        render_next = false;
        if unchanged.len() > 1 {
            out.push_str(&hidden_note(unchanged.len() - 1, "element", indent + 6));
        }
        if let Some(&j) = unchanged.last() {
            out.push_str(&format!("{at}  {},\n", whole(&a[j], ' ', indent + 4)));
        }
        unchanged.clear();
        match op {
            Op::Same(j) => out.push_str(&format!("{at}  {},\n", whole(&a[*j], ' ', indent + 4))),
            Op::Changed(i, j) => {
                out.push_str(&format!("{at}~ {},\n", changed(&b[*i], &a[*j], indent + 4)));
                render_next = true;
            }
            Op::Removed(i) => {
                out.push_str(&format!("{at}- {},\n", whole(&b[*i], '-', indent + 4)));
                render_next = true;
            }
            Op::Added(j) => {
                out.push_str(&format!("{at}+ {},\n", whole(&a[*j], '+', indent + 4)));
                render_next = true;
            }
        }
    }
    out.push_str(&hidden_note(unchanged.len(), "element", indent + 6));
    out.push_str(&format!("{}]", pad(indent + 2)));
    out
}

fn set_diff(b: &[Value], a: &[Value], indent: usize, show_unchanged: bool) -> String {
    let at = pad(indent + 4);
    let mut out = String::from("[\n");
    let mut kept = 0;
    for x in b {
        if a.iter().any(|y| same(x, y)) {
            if show_unchanged {
                out.push_str(&format!("{at}  {},\n", whole(x, ' ', indent + 4)));
            } else {
                kept += 1;
            }
        } else {
            out.push_str(&format!("{at}- {},\n", whole(x, '-', indent + 4)));
        }
    }
    for y in a.iter().filter(|y| !b.iter().any(|x| same(x, y))) {
        out.push_str(&format!("{at}+ {},\n", whole(y, '+', indent + 4)));
    }
    out.push_str(&hidden_note(kept, "element", indent + 6));
    out.push_str(&format!("{}]", pad(indent + 2)));
    out
}

/// Tuples compare position by position.
fn positional_ops(b: &[Value], a: &[Value]) -> Vec<Op> {
    (0..b.len().max(a.len()))
        .flat_map(|i| match (b.get(i), a.get(i)) {
            (Some(x), Some(y)) if same(x, y) => vec![Op::Same(i)],
            (Some(_), Some(_)) => vec![Op::Changed(i, i)],
            (Some(_), None) => vec![Op::Removed(i)],
            (None, Some(_)) => vec![Op::Added(i)],
            (None, None) => vec![],
        })
        .collect()
}

pub(crate) enum Op {
    /// Unchanged, at this index of the new sequence.
    Same(usize),
    Changed(usize, usize),
    Removed(usize),
    Added(usize),
}

fn lcs_ops(b: &[Value], a: &[Value]) -> Vec<Op> {
    let (n, m) = (b.len(), a.len());
    // Long lists with few changes are the common case; beyond this size a
    // positional comparison keeps the work bounded.
    if n.saturating_mul(m) > 4_000_000 {
        let mut ops = Vec::new();
        for i in 0..n.max(m) {
            match (b.get(i), a.get(i)) {
                (Some(x), Some(y)) if same(x, y) => ops.push(Op::Same(i)),
                (x, y) => {
                    if x.is_some() {
                        ops.push(Op::Removed(i));
                    }
                    if y.is_some() {
                        ops.push(Op::Added(i));
                    }
                }
            }
        }
        return ops;
    }
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] =
                if same(&b[i], &a[j]) { table[i + 1][j + 1] + 1 } else { table[i + 1][j].max(table[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut ops) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && same(&b[i], &a[j]) {
            ops.push(Op::Same(j));
            i += 1;
            j += 1;
        } else if i < n && (j == m || table[i + 1][j] >= table[i][j + 1]) {
            ops.push(Op::Removed(i));
            i += 1;
        } else {
            ops.push(Op::Added(j));
            j += 1;
        }
    }
    ops
}

/// The attributes and nested blocks of an object (a resource, or a nested
/// block), symbols at `indent`.
pub fn body(
    before: &Value,
    after: &Value,
    schema: Option<&Block>,
    mode: Mode,
    indent: usize,
    replace: &[AttributePath],
) -> String {
    let empty = strata_lang::Fields::new();
    let b = before.as_entries().unwrap_or(&empty);
    let a = after.as_entries().unwrap_or(&empty);
    let null = Value::dynamic_null();
    let is_block = |name: &str| schema.is_some_and(|s| s.blocks.contains_key(name));
    let mut names: Vec<&String> = b.keys().chain(a.keys()).filter(|n| !is_block(n)).collect();
    names.sort();
    names.dedup();
    // Terraform aligns on every attribute with a value, hidden ones included.
    let width = names
        .iter()
        .filter(|n| !b.get(n).unwrap_or(&null).is_null() || !a.get(n).unwrap_or(&null).is_null())
        .map(|n| key_text(n, false).len())
        .max()
        .unwrap_or(0);
    let at = pad(indent);
    let mut out = String::new();
    let mut hidden = 0;
    for name in names {
        let (x, y) = (b.get(name).unwrap_or(&null), a.get(name).unwrap_or(&null));
        let key = key_text(name, false);
        // Terraform does not annotate attributes of dynamic type.
        let dynamic =
            schema.and_then(|s| s.attributes.get(name.as_str())).is_some_and(|a| a.ty == strata_lang::Type::Dynamic);
        let forces = !dynamic && replace.iter().any(|p| p.len() == 1 && p[0] == PathStep::Attr(name.clone()));
        let suffix = if forces { " # forces replacement" } else { "" };
        let line = match mode {
            Mode::Create if !y.is_null() => Some(('+', whole(y, '+', indent))),
            Mode::Delete if !x.is_null() => Some(('-', format!("{} -> null", whole(x, '-', indent)))),
            Mode::Update if x.is_null() && y.is_null() => None,
            Mode::Update if x.is_null() => Some(('+', whole(y, '+', indent))),
            Mode::Update if y.is_null() => Some(('-', format!("{} -> null", whole(x, '-', indent)))),
            Mode::Update if same(x, y) => {
                if important(name) {
                    Some((' ', whole(y, ' ', indent)))
                } else {
                    hidden += 1;
                    None
                }
            }
            Mode::Update => Some(('~', changed(x, y, indent, important(name)))),
            _ => None,
        };
        if let Some((sym, rhs)) = line {
            // The note goes after the first line of a multi-line value.
            let rhs = match rhs.split_once('\n') {
                Some((first, rest)) if !suffix.is_empty() => format!("{first}{suffix}\n{rest}"),
                _ => format!("{rhs}{suffix}"),
            };
            out.push_str(&format!("{at}{sym} {key:width$} = {rhs}\n"));
        }
    }
    out.push_str(&hidden_note(hidden, "attribute", indent + 2));
    if let Some(schema) = schema {
        out.push_str(&blocks(b, a, schema, mode, indent, width > 0, replace));
    }
    out
}

/// Nested blocks: each shown as `sym name {` … `}`, after a blank line.
fn blocks(
    b: &strata_lang::Fields,
    a: &strata_lang::Fields,
    schema: &Block,
    mode: Mode,
    indent: usize,
    has_attributes: bool,
    replace: &[AttributePath],
) -> String {
    let null = Value::dynamic_null();
    // The replace paths under block `name` (element `index` of a list):
    // whether one names the block itself, and those below it.
    let under = |name: &str, index: Option<u64>| {
        let mut forces = false;
        let mut inner = Vec::new();
        for p in replace {
            let Some((PathStep::Attr(first), rest)) = p.split_first() else { continue };
            if first != name {
                continue;
            }
            let rest = match (index, rest.first()) {
                (Some(i), Some(PathStep::Index(j))) if *j == i => &rest[1..],
                (Some(_), Some(PathStep::Index(_))) => continue,
                _ => rest,
            };
            if rest.is_empty() {
                forces = true;
            } else {
                inner.push(rest.to_vec());
            }
        }
        (forces, inner)
    };
    let at = pad(indent);
    let mut out = String::new();
    let mut hidden = 0;
    // A blank line separates the attributes from each group of blocks.
    let none = (false, Vec::new());
    let mut one = |out: &mut String,
                   started: &mut bool,
                   label: &str,
                   x: &Value,
                   y: &Value,
                   inner: &Block,
                   (forces, inner_replace): (bool, Vec<AttributePath>)| {
        let (sym, inner_mode) = match mode {
            Mode::Create => ('+', Mode::Create),
            Mode::Delete => ('-', Mode::Delete),
            Mode::Update if x.is_null() => ('+', Mode::Create),
            Mode::Update if y.is_null() => ('-', Mode::Delete),
            Mode::Update if same(x, y) => {
                hidden += 1;
                return;
            }
            Mode::Update => ('~', Mode::Update),
        };
        if !*started && has_attributes {
            out.push('\n');
        }
        *started = true;
        let suffix = if forces { " # forces replacement" } else { "" };
        out.push_str(&format!("{at}{sym} {label} {{{suffix}\n"));
        out.push_str(&body(x, y, Some(inner), inner_mode, indent + 4, &inner_replace));
        out.push_str(&format!("{}}}\n", pad(indent + 2)));
    };
    // Set elements are named by value, not index: only the whole block.
    let set_replace = |name: &str| (under(name, None).0, Vec::new());
    for (name, nested) in &schema.blocks {
        let (x, y) = (b.get(name).unwrap_or(&null), a.get(name).unwrap_or(&null));
        let started = &mut false;
        match nested.nesting {
            Nesting::Single => {
                if !(x.is_null() && y.is_null()) {
                    one(&mut out, started, name, x, y, &nested.block, under(name, None));
                }
            }
            Nesting::List => {
                let (xs, ys) = (elements(x).unwrap_or(&[]), elements(y).unwrap_or(&[]));
                for i in 0..xs.len().max(ys.len()) {
                    let (x, y) = (xs.get(i).unwrap_or(&null), ys.get(i).unwrap_or(&null));
                    one(&mut out, started, name, x, y, &nested.block, under(name, Some(i as u64)));
                }
            }
            Nesting::Set => {
                let (xs, ys) = (elements(x).unwrap_or(&[]), elements(y).unwrap_or(&[]));
                for old in xs {
                    match ys.iter().find(|n| same(old, n)) {
                        Some(n) => one(&mut out, started, name, old, n, &nested.block, set_replace(name)),
                        None => one(&mut out, started, name, old, &null, &nested.block, set_replace(name)),
                    }
                }
                for new in ys.iter().filter(|n| !xs.iter().any(|o| same(o, n))) {
                    one(&mut out, started, name, &null, new, &nested.block, set_replace(name));
                }
            }
            Nesting::Map => {
                let empty = strata_lang::Fields::new();
                let (xm, ym) = (entries(x).unwrap_or(&empty), entries(y).unwrap_or(&empty));
                let mut keys: Vec<&String> = xm.keys().chain(ym.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    let label = format!("{name} {}", key_text(k, true));
                    one(
                        &mut out,
                        started,
                        &label,
                        xm.get(k).unwrap_or(&null),
                        ym.get(k).unwrap_or(&null),
                        &nested.block,
                        none.clone(),
                    );
                }
            }
        }
    }
    if hidden > 0 {
        out.push('\n');
        out.push_str(&hidden_note(hidden, "block", indent + 2));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    fn map(pairs: &[(&str, &str)]) -> Value {
        Value::map(strata_lang::Type::String, pairs.iter().map(|(k, v)| (k.to_string(), s(v))).collect())
    }

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::object((pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<BTreeMap<_, _>>()).into())
    }

    #[test]
    fn changed_maps_show_only_what_changed() {
        let before = obj(vec![("id", s("i-1")), ("labels", map(&[("Name", "a"), ("Team", "x"), ("Old", "o")]))]);
        let after = obj(vec![("id", s("i-1")), ("labels", map(&[("Name", "b"), ("Team", "x"), ("New", "n")]))]);
        insta::assert_snapshot!(body(&before, &after, None, Mode::Update, 6, &[]), @r#"
              id     = "i-1"
            ~ labels = {
                ~ "Name" = "a" -> "b"
                + "New"  = "n"
                - "Old"  = "o" -> null
                  # (1 unchanged element hidden)
              }
        "#);
    }

    #[test]
    fn lists_are_diffed_by_element() {
        let l = |xs: &[&str]| Value::list(strata_lang::Type::String, xs.iter().map(|x| s(x)).collect());
        let before = obj(vec![("cidrs", l(&["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]))]);
        let after = obj(vec![("cidrs", l(&["10.0.0.0/24", "10.0.9.0/24", "10.0.2.0/24"]))]);
        insta::assert_snapshot!(body(&before, &after, None, Mode::Update, 6, &[]), @r#"
            ~ cidrs = [
                  "10.0.0.0/24",
                - "10.0.1.0/24",
                + "10.0.9.0/24",
                  "10.0.2.0/24",
              ]
        "#);
        insta::assert_snapshot!(body(&Value::dynamic_null(), &after, None, Mode::Create, 6, &[]), @r#"
            + cidrs = [
                + "10.0.0.0/24",
                + "10.0.9.0/24",
                + "10.0.2.0/24",
              ]
        "#);
    }

    #[test]
    fn secrets_and_unknowns_never_print() {
        let before = obj(vec![("password", s("hunter2").mark_sensitive()), ("tags", map(&[("a", "b")]))]);
        let after = obj(vec![
            ("password", s("other").mark_sensitive()),
            ("tags", Value::unknown(strata_lang::Type::Map(Box::new(strata_lang::Type::String)))),
        ]);
        let text = body(&before, &after, None, Mode::Update, 6, &[]);
        assert!(!text.contains("hunter2") && !text.contains("other"), "{text}");
        insta::assert_snapshot!(text, @r#"
            ~ password = (sensitive value)
            ~ tags     = {
                - "a" = "b"
              } -> (known after apply)
        "#);
    }

    #[test]
    fn replace_paths_inside_blocks_are_annotated_where_they_point() {
        use strata_provider::{Attribute, NestedBlock};
        let inner = Block {
            attributes: BTreeMap::from([
                ("type".to_string(), Attribute::optional(strata_lang::Type::String)),
                ("port".to_string(), Attribute::optional(strata_lang::Type::String)),
            ]),
            blocks: BTreeMap::new(),
        };
        let nested =
            |block: &Block| NestedBlock { nesting: Nesting::List, block: block.clone(), min_items: 0, max_items: 0 };
        let schema = Block {
            attributes: BTreeMap::new(),
            blocks: BTreeMap::from([
                ("controller".to_string(), nested(&inner)),
                ("listener".to_string(), nested(&inner)),
            ]),
        };
        let list = |v: Value| Value::list(inner.implied_type(), vec![v]);
        let before = obj(vec![
            ("controller", list(obj(vec![("type", s("EXTERNAL")), ("port", s("1"))]))),
            ("listener", list(obj(vec![("type", s("a")), ("port", s("80"))]))),
        ]);
        let after = obj(vec![
            ("controller", list(obj(vec![("type", s("ECS")), ("port", s("1"))]))),
            ("listener", list(obj(vec![("type", s("a")), ("port", s("81"))]))),
        ]);
        let replace = vec![
            vec![PathStep::Attr("controller".into())],
            vec![PathStep::Attr("listener".into()), PathStep::Index(0), PathStep::Attr("port".into())],
        ];
        insta::assert_snapshot!(body(&before, &after, Some(&schema), Mode::Update, 6, &replace), @r#"
            ~ controller { # forces replacement
                ~ type = "EXTERNAL" -> "ECS"
                  # (1 unchanged attribute hidden)
              }
            ~ listener {
                ~ port = "80" -> "81" # forces replacement
                  # (1 unchanged attribute hidden)
              }
        "#);
    }
}
