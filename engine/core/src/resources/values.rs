//! Values as the engine moves them between state, providers and plans:
//! decoding stored objects with their sensitive marks, encoding new ones.

use super::*;

/// Reports provider diagnostics; true when there were errors.
pub(crate) fn report(pd: Vec<ProviderDiagnostic>, span: Option<&Span>, diags: &mut Diagnostics) -> bool {
    report_in(pd, span, None, diags)
}

/// [`report`], each diagnostic about an attribute pointing where `body`
/// (the resource's, of schema `block`) writes it: a PromQL error at its
/// rule's `expr` line. Not in a resource type with sensitive attributes:
/// the lines shown around the attribute could hold a secret's literal.
pub(crate) fn report_in(
    pd: Vec<ProviderDiagnostic>,
    span: Option<&Span>,
    body: Option<(&strata_config::RawBody, &strata_provider::Block)>,
    diags: &mut Diagnostics,
) -> bool {
    let body = body.filter(|(_, block)| !has_sensitive(block)).map(|(b, _)| b);
    let mut errors = false;
    for d in pd {
        errors |= d.error;
        let mut detail = d.detail;
        let mut at = span.cloned();
        if let Some(path) = &d.attribute {
            match body.and_then(|b| span_in_body(b, path)) {
                Some(written) => at = Some(written),
                None => detail = format!("{detail}\n\n(at {})", path_text(path)),
            }
        }
        let base = if d.error { Diagnostic::error(d.summary) } else { Diagnostic::warning(d.summary) };
        diags.push(base.with_detail(detail).with_span_opt(at));
    }
    errors
}

/// Where `path` is written in `body`: an attribute's value, or a nested
/// block (the n-th of its type, its type name); None when it is not
/// written there literally (set by a `dynamic` block, say).
fn span_in_body(body: &strata_config::RawBody, path: &AttributePath) -> Option<Span> {
    use hcl_edit::Span as _;
    let mut current = &body.body;
    let mut found = None;
    let mut steps = path.iter().peekable();
    while let Some(PathStep::Attr(name)) = steps.next() {
        if let Some(attr) = current.get_attribute(name) {
            found = attr.value.span();
            break;
        }
        let index = match steps.peek() {
            Some(PathStep::Index(i)) => {
                let i = *i as usize;
                steps.next();
                i
            }
            _ => 0,
        };
        let block = current.get_blocks(name).nth(index)?;
        found = block.ident.span();
        current = &block.body;
    }
    found.map(|range| Span::new(&body.file, range))
}

pub fn path_text(path: &AttributePath) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            PathStep::Attr(a) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(a);
            }
            PathStep::Key(k) => s.push_str(&format!("[{k:?}]")),
            PathStep::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

pub(super) fn decode_private(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

/// An instance's stored object as a value, with its sensitive marks.
pub(super) fn decode_state(inst: &InstanceState, schema: &ResourceSchema) -> Value {
    let ty = schema.implied_type();
    // Straight from the text; what that decoder does not take (a number
    // stored for a string, say) goes the general way.
    let v = strata_lang::json::from_json_str_typed(inst.attributes.as_text(), &ty)
        .or_else(|_| strata_lang::json::from_json_typed(&inst.attributes.to_json(), &ty))
        .unwrap_or_else(|_| Value::null(schema.implied_type()));
    apply_sensitive_paths(mark_schema_sensitive(v, &schema.block), &inst.sensitive_attributes)
}

/// Marks attributes the schema declares sensitive.
pub(super) fn mark_schema_sensitive(v: Value, block: &strata_provider::Block) -> Value {
    let Some(entries) = v.as_entries() else { return v };
    if !has_sensitive(block) {
        return v;
    }
    let marks = v.marks();
    let mut m = entries.clone();
    for (k, a) in &block.attributes {
        if a.sensitive {
            if let Some(x) = m.remove(k) {
                m.insert(k.clone(), x.mark_sensitive());
            }
        }
    }
    // Nested blocks: each element is an object of the nested schema.
    for (k, nb) in &block.blocks {
        if !has_sensitive(&nb.block) {
            continue;
        }
        let Some(x) = m.remove(k) else { continue };
        let xm = x.marks();
        let marked = match x.kind() {
            Kind::List(t, items) => {
                Value::list(t.clone(), items.iter().map(|e| mark_schema_sensitive(e.clone(), &nb.block)).collect())
            }
            Kind::Set(t, items) => {
                Value::set(t.clone(), items.iter().map(|e| mark_schema_sensitive(e.clone(), &nb.block)).collect())
            }
            Kind::Map(t, items) => Value::map(
                t.clone(),
                items.iter().map(|(k, e)| (k.clone(), mark_schema_sensitive(e.clone(), &nb.block))).collect(),
            ),
            Kind::Object(_) => mark_schema_sensitive(x.clone(), &nb.block),
            _ => x.clone(),
        };
        m.insert(k.clone(), marked.mark(xm));
    }
    Value::object(m).mark(marks)
}

pub(super) fn has_sensitive(block: &strata_provider::Block) -> bool {
    block.attributes.values().any(|a| a.sensitive) || block.blocks.values().any(|b| has_sensitive(&b.block))
}

pub(super) fn instance_state(
    key: &InstanceKey,
    value: &Value,
    schema: &ResourceSchema,
    private: &[u8],
    dependencies: Vec<String>,
    tainted: bool,
) -> InstanceState {
    let (plain, _) = value.unmark_deep();
    InstanceState {
        index_key: key_to_json(key),
        status: tainted.then(|| "tainted".to_string()),
        deposed: None,
        schema_version: schema.version,
        attributes: strata_lang::json::to_json_typed(&plain, &schema.implied_type()).into(),
        sensitive_attributes: sensitive_paths(value),
        private: (!private.is_empty()).then(|| String::from_utf8_lossy(private).into_owned()),
        dependencies: (!dependencies.is_empty()).then_some(dependencies),
        create_before_destroy: None,
        extra: Default::default(),
    }
}

/// Paths whose values differ between `a` and `b` (or are unknown in `b`).
pub(super) fn differs_at(a: &Value, b: &Value, path: &AttributePath) -> bool {
    pub(super) fn get(v: &Value, path: &[PathStep]) -> Option<Value> {
        let Some((step, rest)) = path.split_first() else { return Some(v.clone()) };
        if v.is_unknown() {
            return Some(v.clone());
        }
        let next = match step {
            PathStep::Attr(k) | PathStep::Key(k) => v.as_entries()?.get(k)?.clone(),
            PathStep::Index(i) => v.as_seq()?.get(*i as usize)?.clone(),
        };
        get(&next, rest)
    }
    match (get(a, path), get(b, path)) {
        (Some(x), Some(y)) => y.is_unknown() || !x.unmark_deep().0.raw_equal(&y.unmark_deep().0),
        (None, None) => false,
        _ => true,
    }
}

/// The attribute that names an object in progress lines, as Terraform
/// picks it: a string `id`, else a string `name` (never a secret).
pub fn object_id(v: &Value) -> Option<(String, String)> {
    let entries = v.as_entries()?;
    let named = |key: &str| -> Option<Option<(String, String)>> {
        let a = entries.get(key)?;
        (a.ty() == Type::String).then(|| {
            (!a.is_sensitive() && a.is_known() && !a.is_null())
                .then(|| (key.to_string(), a.as_str().unwrap_or_default().to_string()))
        })
    };
    if v.is_null() || !v.is_known() {
        return None;
    }
    match named("id") {
        Some(found) => found,
        None => named("name").flatten(),
    }
}

/// `object_id`, else `name`, else the `Name` (or `name`) tag.
pub fn object_id_or_name(v: &Value) -> Option<(String, String)> {
    if let Some(found) = object_id(v) {
        return Some(found);
    }
    let entries = v.as_entries()?;
    if let Some(n) = entries.get("name").filter(|n| n.ty() == Type::String) {
        return (!n.is_sensitive() && n.is_known() && !n.is_null())
            .then(|| ("name".to_string(), n.as_str().unwrap_or_default().to_string()));
    }
    let tags = entries.get("tags").filter(|t| t.is_wholly_known() && !t.is_null() && !t.is_sensitive())?;
    let tags = tags.as_entries()?;
    ["name", "Name"].iter().find_map(|k| {
        let t = tags.get(k)?;
        let text = t.as_str().filter(|_| !t.is_sensitive())?;
        Some((format!("tags.{k}"), text.to_string()))
    })
}

pub(super) fn obj1(k: &str, v: Value) -> Value {
    Value::object(strata_lang::Fields::from([(k.to_string(), v)]))
}

/// Configuration with the `ignore_changes` paths taken from the prior
/// object, by Terraform's rules (processIgnoreChanges): only paths whose
/// prior and configured values both exist and differ are held; a trailing
/// `["key"]` on a map holds that key alone (its absence too); an attribute
/// step needs an object, a key step a map, an index step a list. Nothing is
/// held for a new object (or a tainted one, which is planned as new).
pub(super) fn ignore_changes(config: &Value, prior: &Value, ignore: &strata_config::IgnoreChanges) -> Value {
    if prior.is_null() || config.is_null() {
        return config.clone();
    }
    let paths = match ignore {
        strata_config::IgnoreChanges::None => return config.clone(),
        strata_config::IgnoreChanges::All => {
            let (Some(c), Some(p)) = (config.as_entries(), prior.as_entries()) else { return config.clone() };
            let mut out = c.clone();
            for (n, _) in c.iter() {
                if let Some(pv) = p.get(n) {
                    out.insert(n.clone(), pv.clone());
                }
            }
            return Value::object(out).mark(config.marks());
        }
        strata_config::IgnoreChanges::Paths(paths) => paths,
    };
    let mut held: Vec<Held> = Vec::new();
    for path in paths {
        let (path, key) = match path.split_last() {
            Some((IgnoreStep::Key(k), rest)) => (rest, Some(k.as_str())),
            _ => (path.as_slice(), None),
        };
        let (Some(p), Some(c)) = (value_at(prior, path), value_at(config, path)) else { continue };
        if !p.raw_equal(&c) {
            held.push(Held { path, value: p, key });
        }
    }
    if held.is_empty() {
        return config.clone();
    }
    hold(config, &mut Vec::new(), &held)
}

use strata_config::IgnoreStep;

/// A value `ignore_changes` keeps: at `path` (or at its map `key`).
struct Held<'a> {
    path: &'a [IgnoreStep],
    value: Value,
    key: Option<&'a str>,
}

/// The value at `path`, if every step applies (cty's Path.Apply).
fn value_at(v: &Value, path: &[IgnoreStep]) -> Option<Value> {
    path.iter().try_fold(v.clone(), |v, step| {
        if v.is_unknown() {
            return Some(v);
        }
        match (step, v.kind()) {
            (IgnoreStep::Attr(name), Kind::Object(f)) => f.get(name).cloned(),
            (IgnoreStep::Key(k), Kind::Map(_, f)) => f.get(k).cloned(),
            (IgnoreStep::Index(i), Kind::List(_, items) | Kind::Tuple(items)) => {
                items.get(usize::try_from(*i).ok()?).cloned()
            }
            _ => None,
        }
    })
}

/// `v` (at `at`) with the held values put back, children first.
fn hold(v: &Value, at: &mut Vec<IgnoreStep>, held: &[Held]) -> Value {
    let here: Vec<&Held> = held.iter().filter(|h| h.path == at.as_slice()).collect();
    if !matches!(v.kind(), Kind::Map(..)) {
        if let Some(h) = here.first() {
            return h.value.clone();
        }
    }
    let mut descend = |step: IgnoreStep, child: &Value| {
        at.push(step);
        let out = hold(child, at, held);
        at.pop();
        out
    };
    let marks = v.marks();
    match v.kind() {
        Kind::Object(fields) => {
            let mut out = fields.as_ref().clone();
            for (k, child) in fields.iter() {
                out.insert(k.clone(), descend(IgnoreStep::Attr(k.clone()), child));
            }
            Value::object(out).mark(marks)
        }
        Kind::List(ty, items) => Value::list(
            ty.clone(),
            items.iter().enumerate().map(|(i, c)| descend(IgnoreStep::Index(i as i64), c)).collect(),
        )
        .mark(marks),
        Kind::Tuple(items) => {
            Value::tuple(items.iter().enumerate().map(|(i, c)| descend(IgnoreStep::Index(i as i64), c)).collect())
                .mark(marks)
        }
        Kind::Map(ty, fields) => {
            let mut out = fields.as_ref().clone();
            for (k, child) in fields.iter() {
                out.insert(k.clone(), descend(IgnoreStep::Key(k.clone()), child));
            }
            for h in here {
                let Some(key) = h.key else { return h.value.clone() };
                match h.value.as_entries().and_then(|p| p.get(key)) {
                    Some(prior) => out.insert(key.to_string(), prior.clone()),
                    None => out.remove(key),
                };
            }
            Value::map(ty.clone(), out).mark(marks)
        }
        _ => v.clone(),
    }
}

/// Keeps the sensitivity a configuration gave (e.g. `input = var.secret`)
/// on the same paths of the applied object, whatever the provider returned:
/// a provider cannot launder a secret.
pub(super) fn carry_sensitive(state: &Value, config: &Value) -> Value {
    apply_sensitive_paths(state.clone(), &sensitive_paths(config))
}

#[cfg(test)]
mod ignore_changes_tests {
    use super::*;
    use strata_config::IgnoreChanges;
    use strata_lang::{Fields, Type};

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<Fields>())
    }
    fn map(pairs: &[(&str, &str)]) -> Value {
        Value::map(Type::String, pairs.iter().map(|(k, v)| (k.to_string(), Value::string(*v))).collect())
    }
    fn path(steps: &[IgnoreStep]) -> IgnoreChanges {
        IgnoreChanges::Paths(vec![steps.to_vec()])
    }
    fn attr(n: &str) -> IgnoreStep {
        IgnoreStep::Attr(n.into())
    }

    #[test]
    fn a_map_key_is_held_and_so_is_its_absence() {
        let prior = obj(&[("tags", map(&[("owner", "a"), ("env", "dev")]))]);
        let config = obj(&[("tags", map(&[("env", "prod"), ("new", "x")]))]);
        let held = ignore_changes(&config, &prior, &path(&[attr("tags"), IgnoreStep::Key("owner".into())]));
        assert!(held.raw_equal(&obj(&[("tags", map(&[("owner", "a"), ("env", "prod"), ("new", "x")]))])));
        let prior = obj(&[("tags", map(&[("env", "dev")]))]);
        let config = obj(&[("tags", map(&[("env", "dev"), ("owner", "b")]))]);
        let held = ignore_changes(&config, &prior, &path(&[attr("tags"), IgnoreStep::Key("owner".into())]));
        assert!(held.raw_equal(&prior));
    }

    #[test]
    fn steps_apply_only_to_their_kind_of_value() {
        let inner = |owner: &str| obj(&[("tags", obj(&[("owner", Value::string(owner))]))]);
        let prior = obj(&[("input", inner("a"))]);
        let config = obj(&[("input", inner("b"))]);
        // `input.tags.owner` holds the old owner ...
        assert!(ignore_changes(&config, &prior, &path(&[attr("input"), attr("tags"), attr("owner")])).raw_equal(&prior));
        // ... but `input["tags"]["owner"]` indexes an object, which is not a map: nothing held, as in Terraform.
        let keyed = path(&[attr("input"), IgnoreStep::Key("tags".into()), IgnoreStep::Key("owner".into())]);
        assert!(ignore_changes(&config, &prior, &keyed).raw_equal(&config));
    }

    #[test]
    fn nothing_is_held_for_a_new_object() {
        let config = obj(&[("input", Value::string("x"))]);
        let prior = Value::null(config.ty());
        assert!(ignore_changes(&config, &prior, &IgnoreChanges::All).raw_equal(&config));
    }
}
