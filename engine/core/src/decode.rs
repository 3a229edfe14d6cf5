//! Between configuration, provider values and state: decoding an evaluated
//! body against a schema, the engine's proposed new value, and the state
//! file's JSON shapes (typed attributes, sensitive attribute paths).

use std::collections::BTreeMap;
use strata_diag::{Diagnostic, Diagnostics, Span};
use strata_lang::body::EvaluatedBody;
use strata_lang::convert::convert;
use strata_lang::json::Json;
use strata_lang::{Kind, Marks, Type, Value};
use strata_provider::{Block, Nesting};

/// The configuration object of a block: attributes converted to their
/// types (sensitive ones marked), nested blocks by nesting mode, unset
/// attributes null. Problems are reported with their spans.
pub fn decode_config(body: &EvaluatedBody, schema: &Block, header: &Span, diags: &mut Diagnostics) -> Value {
    let mut out = BTreeMap::new();
    for (name, (value, span)) in &body.attributes {
        let Some(a) = schema.attributes.get(name) else {
            let mut detail = format!("An argument named {name:?} is not expected here.");
            if schema.blocks.contains_key(name) {
                detail.push_str(&format!(" Did you mean to define a block of type {name:?}?"));
            } else if let Some(s) = strata_diag::did_you_mean(name, schema.attributes.keys().map(String::as_str)) {
                detail.push_str(&format!(" Did you mean {s:?}?"));
            }
            diags.push(Diagnostic::error("Unsupported argument").with_detail(detail).with_span(span.clone()));
            continue;
        };
        if a.computed && !a.optional && !a.required {
            diags.push(
                Diagnostic::error("Invalid or unknown key")
                    .with_detail(format!("The argument {name:?} is computed by the provider and cannot be set."))
                    .with_span(span.clone()),
            );
            continue;
        }
        match convert(value, &a.ty) {
            Ok(v) => {
                let v = if a.sensitive { v.mark_sensitive() } else { v };
                out.insert(name.clone(), v);
            }
            Err(e) => diags.push(
                Diagnostic::error("Incorrect attribute value type")
                    .with_detail(format!("Inappropriate value for attribute {name:?}: {e}."))
                    .with_span(span.clone()),
            ),
        }
    }
    for (name, a) in &schema.attributes {
        if a.required && !body.attributes.contains_key(name) {
            diags.push(
                Diagnostic::error("Missing required argument")
                    .with_detail(format!("The argument {name:?} is required, but no definition was found."))
                    .with_span(header.clone()),
            );
        }
        out.entry(name.clone()).or_insert_with(|| Value::null(a.ty.clone()));
    }
    for b in &body.blocks {
        if !schema.blocks.contains_key(&b.block_type) {
            let mut detail = format!("Blocks of type {:?} are not expected here.", b.block_type);
            if schema.attributes.contains_key(&b.block_type) {
                detail.push_str(&format!(
                    " Did you mean to define argument {:?}? If so, use the equals sign to assign it a value.",
                    b.block_type
                ));
            }
            diags.push(Diagnostic::error("Unsupported block type").with_detail(detail).with_span(b.span.clone()));
        }
    }
    for (name, nb) in &schema.blocks {
        let ty = nb.block.implied_type();
        let items: Vec<&strata_lang::body::EvaluatedBlock> =
            body.blocks.iter().filter(|b| &b.block_type == name).collect();
        if body.unknown_blocks.contains(name) {
            let t = match nb.nesting {
                Nesting::Single => ty,
                Nesting::List => Type::list(ty),
                Nesting::Set => Type::set(ty),
                Nesting::Map => Type::map(ty),
            };
            out.insert(name.clone(), Value::unknown(t));
            continue;
        }
        let decoded: Vec<(String, Value)> = items
            .iter()
            .map(|b| (b.labels.first().cloned().unwrap_or_default(), decode_config(&b.body, &nb.block, &b.span, diags)))
            .collect();
        if (decoded.len() as u64) < nb.min_items || (nb.max_items > 0 && decoded.len() as u64 > nb.max_items) {
            let what = if (decoded.len() as u64) < nb.min_items { "Insufficient" } else { "Too many" };
            diags.push(
                Diagnostic::error(format!("{what} {name} blocks"))
                    .with_detail(format!(
                        "Between {} and {} {name:?} blocks are allowed; {} given.",
                        nb.min_items,
                        if nb.max_items == 0 { "any number".to_string() } else { nb.max_items.to_string() },
                        decoded.len()
                    ))
                    .with_span(header.clone()),
            );
        }
        let v = match nb.nesting {
            Nesting::Single => decoded.into_iter().next().map_or_else(|| Value::null(ty), |(_, v)| v),
            Nesting::List => Value::list(ty, decoded.into_iter().map(|(_, v)| v).collect()),
            Nesting::Set => Value::set(ty, decoded.into_iter().map(|(_, v)| v).collect()),
            Nesting::Map => Value::map(ty, decoded.into_iter().collect()),
        };
        out.insert(name.clone(), v);
    }
    Value::object(out)
}

/// The engine's proposal: configured values where set; for computed
/// attributes left unset, the prior value (unknown when creating).
pub fn proposed_new(schema: &Block, prior: &Value, config: &Value) -> Value {
    if config.is_null() {
        return Value::null(schema.implied_type());
    }
    let empty = BTreeMap::new();
    let prior_attrs = prior.as_entries().unwrap_or(&empty);
    let config_attrs = config.as_entries().unwrap_or(&empty);
    let mut out = BTreeMap::new();
    for (name, a) in &schema.attributes {
        let c = config_attrs.get(name).cloned().unwrap_or_else(|| Value::null(a.ty.clone()));
        let v = if !c.is_null() || !a.computed {
            c
        } else if prior.is_null() {
            Value::unknown(a.ty.clone())
        } else {
            prior_attrs.get(name).cloned().unwrap_or_else(|| Value::null(a.ty.clone()))
        };
        out.insert(name.clone(), v);
    }
    for name in schema.blocks.keys() {
        if let Some(v) = config_attrs.get(name) {
            out.insert(name.clone(), v.clone());
        }
    }
    Value::object(out).mark(config.marks())
}

/// Paths of sensitive values, in the state file's `sensitive_attributes` shape.
pub fn sensitive_paths(v: &Value) -> Json {
    let mut out = Vec::new();
    let mut path = Vec::new();
    collect_sensitive(v, &mut path, &mut out);
    Json::Array(out.into_iter().map(Json::Array).collect())
}

fn collect_sensitive(v: &Value, path: &mut Vec<Json>, out: &mut Vec<Vec<Json>>) {
    if v.is_sensitive() {
        out.push(path.clone());
        return;
    }
    match v.kind() {
        Kind::Object(items) => {
            for (k, x) in items.iter() {
                path.push(serde_json::json!({"type": "get_attr", "value": k}));
                collect_sensitive(x, path, out);
                path.pop();
            }
        }
        Kind::Map(_, items) => {
            for (k, x) in items.iter() {
                path.push(serde_json::json!({"type": "index", "value": {"value": k, "type": "string"}}));
                collect_sensitive(x, path, out);
                path.pop();
            }
        }
        Kind::List(_, items) | Kind::Tuple(items) => {
            for (i, x) in items.iter().enumerate() {
                path.push(serde_json::json!({"type": "index", "value": {"value": i, "type": "number"}}));
                collect_sensitive(x, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Marks the values at `paths` (a state file's `sensitive_attributes`) sensitive.
pub fn apply_sensitive_paths(v: Value, paths: &Json) -> Value {
    let Some(paths) = paths.as_array() else { return v };
    paths.iter().filter_map(Json::as_array).fold(v, |acc, p| mark_at(acc, p))
}

fn mark_at(v: Value, path: &[Json]) -> Value {
    let Some((step, rest)) = path.split_first() else { return v.mark(Marks::SENSITIVE) };
    let marks = v.marks();
    let key = match step.get("type").and_then(Json::as_str) {
        Some("get_attr") => step.get("value").and_then(Json::as_str).map(|s| s.to_string()),
        Some("index") => step.get("value").and_then(|x| x.get("value")).map(|x| match x {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        }),
        _ => None,
    };
    let Some(key) = key else { return v };
    match v.kind() {
        Kind::Object(items) | Kind::Map(_, items) if items.contains_key(&key) => {
            let mut m = (**items).clone();
            let inner = m.remove(&key).expect("checked");
            m.insert(key, mark_at(inner, rest));
            match v.kind() {
                Kind::Map(t, _) => Value::map(t.clone(), m).mark(marks),
                _ => Value::object(m).mark(marks),
            }
        }
        Kind::List(_, items) | Kind::Tuple(items) => {
            let Ok(i) = key.parse::<usize>() else { return v };
            if i >= items.len() {
                return v;
            }
            let mut xs = (**items).clone();
            xs[i] = mark_at(xs[i].clone(), rest);
            match v.kind() {
                Kind::List(t, _) => Value::list(t.clone(), xs).mark(marks),
                _ => Value::tuple(xs).mark(marks),
            }
        }
        _ => v,
    }
}
