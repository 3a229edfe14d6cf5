//! Nested blocks written in JSON (`*.tf.json`): JSON has no block syntax,
//! so an object (or an array of objects) under a name stands for blocks
//! when the schema has a block of that name — or an attribute that may be
//! written as blocks (Terraform's `blocktoattr`) — and for an attribute
//! value otherwise. The loader keeps such values as attributes; this turns
//! them into blocks once the schema is known, as Terraform's decoder does.

use crate::decode::object_element;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::Span as _;
use strata_diag::Span;
use strata_lang::body::{EvaluatedBlock, EvaluatedBody};
use strata_lang::{Kind, Value};
use strata_provider::{Block, Nesting};

/// Whether `span` (of an evaluated attribute) was written in JSON.
fn written_in_json(span: &Span) -> bool {
    span.resolved().file.name.ends_with(".tf.json")
}

/// `body` with its JSON attributes that stand for nested blocks of `schema`
/// made blocks; `None` when there are none.
pub(crate) fn blocks_by_schema(body: &EvaluatedBody, schema: &Block, as_blocks: bool) -> Option<EvaluatedBody> {
    let mut reshaped: Option<EvaluatedBody> = None;
    for (name, (value, span)) in &body.attributes {
        let nesting = match schema.blocks.get(name) {
            Some(nb) => nb.nesting,
            None if as_blocks && schema.attributes.get(name).is_some_and(|a| object_element(&a.ty).is_some()) => {
                Nesting::List
            }
            None => continue,
        };
        // Only an object or array written out stands for blocks: a string
        // (a template) is the attribute's value, as in Terraform.
        if !written_in_json(span) || !span.text().trim_start().starts_with(['{', '[']) {
            continue;
        }
        let Some(blocks) = value_blocks(name, value, span, nesting) else { continue };
        let out = reshaped.get_or_insert_with(|| body.clone());
        out.attributes.remove(name);
        out.blocks.extend(blocks);
    }
    reshaped
}

/// The blocks a JSON value stands for: an object is one block, an array of
/// objects one block each; for blocks with a label, an object of labels.
fn value_blocks(name: &str, value: &Value, span: &Span, nesting: Nesting) -> Option<Vec<EvaluatedBlock>> {
    if !value.is_known() || value.is_null() {
        return None;
    }
    let block = |labels: Vec<String>, v: &Value, at: Span| -> Option<EvaluatedBlock> {
        Some(EvaluatedBlock { block_type: name.to_string(), labels, body: object_body(v, &at)?, span: at })
    };
    match (nesting, value.kind()) {
        (Nesting::Map, Kind::Object(entries) | Kind::Map(_, entries)) => {
            let spans = field_spans(span);
            entries.iter().map(|(label, v)| block(vec![label.clone()], v, spans.get(label, span))).collect()
        }
        (Nesting::Map, _) => None,
        (_, Kind::Object(_)) => Some(vec![block(Vec::new(), value, span.clone())?]),
        // `[]` stays an attribute: an empty list where one is allowed.
        (_, Kind::Tuple(items) | Kind::List(_, items)) if !items.is_empty() => {
            let spans = element_spans(span);
            items
                .iter()
                .enumerate()
                .map(|(i, v)| block(Vec::new(), v, spans.get(i).cloned().unwrap_or_else(|| span.clone())))
                .collect()
        }
        _ => None,
    }
}

/// An object's fields as a body's attributes, each at its value in the
/// source when the object was written out there.
fn object_body(v: &Value, span: &Span) -> Option<EvaluatedBody> {
    if !matches!(v.kind(), Kind::Object(_) | Kind::Map(..)) || !v.is_known() {
        return None;
    }
    let entries = v.as_entries()?;
    let spans = field_spans(span);
    let mut body = EvaluatedBody::default();
    for (k, field) in entries.iter() {
        body.attributes.insert(k.clone(), (field.clone(), spans.get(k, span)));
    }
    Some(body)
}

/// Where the values of an object expression's fields are, by key.
struct FieldSpans(Vec<(String, Span)>);

impl FieldSpans {
    fn get(&self, key: &str, whole: &Span) -> Span {
        self.0.iter().find(|(k, _)| k == key).map_or_else(|| whole.clone(), |(_, s)| s.clone())
    }
}

/// The source of the expression at `span`, parsed again to find its parts.
fn syntax_at(span: &Span) -> Option<Expression> {
    hcl_edit::parser::parse_expr(span.text()).ok()
}

fn part(span: &Span, r: Option<std::ops::Range<usize>>) -> Option<Span> {
    let r = r?;
    Some(Span::new(&span.file, span.start + r.start..span.start + r.end))
}

fn field_spans(span: &Span) -> FieldSpans {
    let Some(Expression::Object(obj)) = syntax_at(span) else { return FieldSpans(Vec::new()) };
    let fields = obj
        .iter()
        .filter_map(|(k, v)| {
            let key = match k {
                ObjectKey::Ident(i) => i.as_str().to_string(),
                ObjectKey::Expression(e) => match e {
                    Expression::String(s) => s.value().to_string(),
                    _ => return None,
                },
            };
            Some((key, part(span, v.expr().span())?))
        })
        .collect();
    FieldSpans(fields)
}

fn element_spans(span: &Span) -> Vec<Span> {
    let Some(Expression::Array(items)) = syntax_at(span) else { return Vec::new() };
    items.iter().map(|e| part(span, e.span()).unwrap_or_else(|| span.clone())).collect()
}
