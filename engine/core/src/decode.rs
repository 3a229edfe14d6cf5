//! Between configuration, provider values and state: decoding an evaluated
//! body against a schema (list- and set-of-object attributes may be written
//! as blocks, as Terraform allows), the engine's proposed new value, and
//! the state file's JSON shapes (typed attributes, sensitive attribute paths).

use std::collections::BTreeMap;
use strata_diag::{Diagnostic, Diagnostics, Span};
use strata_lang::body::EvaluatedBody;
use strata_lang::convert::convert;
use strata_lang::json::Json;
use strata_lang::{Kind, Marks, Type, Value};
use strata_provider::{Block, Nesting, ReadOnlyWording};

/// The configuration object of a block: attributes converted to their
/// types (sensitive ones marked), nested blocks by nesting mode, unset
/// attributes null. Problems are reported with their spans.
pub fn decode_config(body: &EvaluatedBody, schema: &Block, header: &Span, diags: &mut Diagnostics) -> Value {
    decode_config_worded(body, schema, header, ReadOnlyWording::Framework, diags)
}

/// The error for a value given to computed-only attribute `name`, in the
/// words of the provider's SDK (`ResourceSchema::read_only_wording`).
fn read_only_diagnostic(wording: ReadOnlyWording, name: &str, span: &Span) -> Diagnostic {
    match wording {
            ReadOnlyWording::Framework => Diagnostic::error("Invalid Configuration for Read-Only Attribute")
                .with_detail("Cannot set value for this attribute as the provider has marked it as read-only. Remove the configuration line setting the value.\n\nRefer to the provider documentation or contact the provider developers for additional information about configurable and read-only attributes that are supported.")
                .with_span(span.clone()),
            ReadOnlyWording::Sdk => Diagnostic::error("Computed attributes cannot be set")
                .with_detail(format!("Computed attributes cannot be set, but a value was set for {name:?}."))
                .with_span(span.clone()),
            ReadOnlyWording::Builtin => Diagnostic::error(format!("{name:?} attribute is read-only")),
    }
}

/// `decode_config`, reporting values set for computed-only attributes in
/// the words of the provider's SDK.
pub fn decode_config_worded(
    body: &EvaluatedBody,
    schema: &Block,
    header: &Span,
    read_only: ReadOnlyWording,
    diags: &mut Diagnostics,
) -> Value {
    decode_block(body, schema, header, (attributes_as_blocks_allowed(schema), read_only), diags)
}

/// `decode_config` with Terraform's attributes-as-blocks fixup on or off
/// (decided once for the whole schema, as Terraform does).
fn decode_block(
    body: &EvaluatedBody,
    schema: &Block,
    header: &Span,
    (as_blocks, read_only): (bool, ReadOnlyWording),
    diags: &mut Diagnostics,
) -> Value {
    let reshaped = crate::json_blocks::blocks_by_schema(body, schema, as_blocks);
    let body = reshaped.as_ref().unwrap_or(body);
    let written_as_blocks =
        if as_blocks { attributes_from_blocks(body, schema, header, diags) } else { BTreeMap::new() };
    let mut out = strata_lang::Fields::new();
    for (name, (value, span)) in body.attributes.iter().chain(&written_as_blocks) {
        let Some(a) = schema.attributes.get(name) else {
            let mut detail = format!("An argument named {name:?} is not expected here.");
            // `dynamic` is a block type wherever blocks are expanded.
            if schema.blocks.contains_key(name) || name == "dynamic" {
                detail.push_str(&format!(" Did you mean to define a block of type {name:?}?"));
            } else if let Some(s) = strata_diag::did_you_mean(name, schema.attributes.keys().map(String::as_str)) {
                detail.push_str(&format!(" Did you mean {s:?}?"));
            }
            let d = if span.in_json() {
                let mut detail = format!("No argument or block type is named {name:?}.");
                if let Some(s) = strata_diag::did_you_mean(name, schema.attributes.keys().map(String::as_str)) {
                    detail.push_str(&format!(" Did you mean {s:?}?"));
                }
                Diagnostic::error("Extraneous JSON object property").with_detail(detail)
            } else {
                Diagnostic::error("Unsupported argument").with_detail(detail)
            };
            diags.push(d.with_span(attribute_name_span(span)));
            continue;
        };
        // Only a value counts: `output = null` is as good as leaving it out.
        if a.computed && !a.optional && !a.required {
            if !value.is_null() {
                diags.push(read_only_diagnostic(read_only, name, span));
            }
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
        if a.required && !body.attributes.contains_key(name) && !written_as_blocks.contains_key(name) {
            diags.push(
                Diagnostic::error("Missing required argument")
                    .with_detail(format!("The argument {name:?} is required, but no definition was found."))
                    .with_span(body_open_span(header)),
            );
        }
        out.entry(name.clone()).or_insert_with(|| Value::null(a.ty.clone()));
    }
    for b in &body.blocks {
        if !schema.blocks.contains_key(&b.block_type) && !written_as_blocks.contains_key(&b.block_type) {
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
            .map(|b| {
                (
                    b.labels.first().cloned().unwrap_or_default(),
                    decode_block(&b.body, &nb.block, &b.span, (as_blocks, read_only), diags),
                )
            })
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

/// The name of the attribute whose value is at `value` (`name = value`):
/// Terraform blames the name for an argument that is not expected.
fn attribute_name_span(value: &Span) -> Span {
    let before = value.file.text.get(..value.start).unwrap_or("").trim_end();
    let Some(assigned) = before.strip_suffix('=').map(str::trim_end) else { return value.clone() };
    // A quoted name: an object's key, as a JSON nested block's fields are written.
    if let Some(q) = assigned.strip_suffix('"').and_then(|inner| inner.rfind('"')) {
        return Span::new(&value.file, q..assigned.len());
    }
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let start = assigned.char_indices().rev().take_while(|(_, c)| is_name(*c)).last().map(|(i, _)| i);
    match start {
        Some(start) => Span::new(&value.file, start..assigned.len()),
        None => value.clone(),
    }
}

/// The `{` that opens the body of the block whose header (or type name)
/// is `header`: where Terraform reports what the body is missing.
fn body_open_span(header: &Span) -> Span {
    let rest = header.file.text.get(header.end..).unwrap_or("");
    let (mut in_string, mut escaped) = (false, false);
    for (i, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => return Span::new(&header.file, header.end + i..header.end + i + 1),
            '\n' if !in_string => break,
            _ => {}
        }
    }
    header.clone()
}

/// Terraform's `blocktoattr`: an attribute whose type is a list or set of
/// objects (how SDK providers declare `ConfigModeAttr` arguments such as
/// `ingress` or `route`) may also be written as blocks of its name. When
/// the body does not assign the attribute, its blocks become its value:
/// each block decoded with every field optional, as Terraform does, so the
/// provider reports the missing ones; `attr = [...]` must give every field.
fn attributes_from_blocks(
    body: &EvaluatedBody,
    schema: &Block,
    header: &Span,
    diags: &mut Diagnostics,
) -> BTreeMap<String, (Value, Span)> {
    let mut out = BTreeMap::new();
    for (name, a) in &schema.attributes {
        let Some(element) = object_element(&a.ty) else { continue };
        if body.attributes.contains_key(name) {
            continue;
        }
        let mut blocks = body.blocks.iter().filter(|b| &b.block_type == name).peekable();
        // A `dynamic` block whose `for_each` is unknown: so is the whole value.
        if body.unknown_blocks.contains(name) {
            let span = blocks.peek().map_or_else(|| header.clone(), |b| b.span.clone());
            out.insert(name.clone(), (Value::unknown(a.ty.clone()), span));
            continue;
        }
        let Some(span) = blocks.peek().map(|b| b.span.clone()) else { continue };
        let items: Vec<(&EvaluatedBody, &Span)> = blocks.map(|b| (&b.body, &b.span)).collect();
        out.insert(name.clone(), (decode_attribute_blocks(&items, element, diags), span));
    }
    out
}

/// The list of objects that blocks written for an attribute of element
/// type `element` stand for: every field optional, as Terraform's
/// `SchemaForCtyElementType` makes them.
fn decode_attribute_blocks(
    blocks: &[(&EvaluatedBody, &Span)],
    element: &std::sync::Arc<strata_lang::types::ObjectType>,
    diags: &mut Diagnostics,
) -> Value {
    let element_schema = Block {
        attributes: element
            .attrs
            .iter()
            .map(|(k, ty)| (k.clone(), strata_provider::Attribute::optional(ty.clone())))
            .collect(),
        blocks: BTreeMap::new(),
    };
    let nested_fixup = attributes_as_blocks_allowed(&element_schema);
    let items = blocks.iter().map(|(body, span)| {
        decode_block(body, &element_schema, span, (nested_fixup, ReadOnlyWording::Framework), diags)
    });
    Value::list(Type::Object(element.clone()), items.collect())
}

/// Whether `schema` may have attribute `name` written as blocks of its
/// name (a list or set of objects, in a schema the legacy SDK could have
/// produced): Terraform's `blocktoattr` ambiguous names.
pub fn attribute_may_be_blocks(schema: &Block, name: &str) -> bool {
    schema.attributes.get(name).is_some_and(|a| object_element(&a.ty).is_some()) && attributes_as_blocks_allowed(schema)
}

/// What attribute `name` of `schema`, written as `blocks`, evaluates to
/// without a scope (plan JSON's `constant_value`): a list of objects, even
/// for a set, as Terraform's `fixupBlocksExpr`. `None` when a block does
/// not decode.
pub fn constant_of_attribute_blocks(schema: &Block, name: &str, blocks: &[(&EvaluatedBody, &Span)]) -> Option<Value> {
    let element = object_element(&schema.attributes.get(name)?.ty)?;
    let mut diags = Diagnostics::new();
    let value = decode_attribute_blocks(blocks, element, &mut diags);
    (!diags.has_errors()).then_some(value)
}

/// The object type of a list or set of objects.
pub(crate) fn object_element(ty: &Type) -> Option<&std::sync::Arc<strata_lang::types::ObjectType>> {
    match ty {
        Type::List(e) | Type::Set(e) => match e.as_ref() {
            Type::Object(o) => Some(o),
            _ => None,
        },
        _ => None,
    }
}

/// Terraform's `skipFixup`, inverted: attributes may be written as blocks
/// only in schemas the legacy SDK could have produced (no object or tuple
/// attributes, no maps of objects, no collections of non-primitive collections).
fn attributes_as_blocks_allowed(schema: &Block) -> bool {
    let legacy = |ty: &Type| match ty {
        Type::Tuple(_) | Type::Object(_) => false,
        Type::Map(e) if matches!(e.as_ref(), Type::Object(_)) => false,
        Type::List(e) | Type::Set(e) | Type::Map(e) if e.is_collection() => e.element().is_some_and(Type::is_primitive),
        _ => true,
    };
    schema.attributes.values().all(|a| legacy(&a.ty))
        && schema.blocks.values().all(|b| attributes_as_blocks_allowed(&b.block))
}

/// The engine's proposal: configured values where set; for computed
/// attributes left unset, the prior value (unknown when creating).
pub fn proposed_new(schema: &Block, prior: &Value, config: &Value) -> Value {
    if config.is_null() {
        return Value::null(schema.implied_type());
    }
    let empty = strata_lang::Fields::new();
    let prior_attrs = prior.as_entries().unwrap_or(&empty);
    let config_attrs = config.as_entries().unwrap_or(&empty);
    let mut out = strata_lang::Fields::new();
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

/// One step of a path being walked; made JSON only for the paths found.
enum Step<'v> {
    Attr(&'v str),
    Key(&'v str),
    Index(usize),
}

fn collect_sensitive<'v>(v: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Vec<Vec<Json>>) {
    if v.is_sensitive() {
        out.push(
            path.iter()
                .map(|s| match s {
                    Step::Attr(k) => serde_json::json!({"type": "get_attr", "value": k}),
                    Step::Key(k) => serde_json::json!({"type": "index", "value": {"value": k, "type": "string"}}),
                    Step::Index(i) => serde_json::json!({"type": "index", "value": {"value": i, "type": "number"}}),
                })
                .collect(),
        );
        return;
    }
    match v.kind() {
        Kind::Object(items) => {
            for (k, x) in items.iter() {
                path.push(Step::Attr(k));
                collect_sensitive(x, path, out);
                path.pop();
            }
        }
        Kind::Map(_, items) => {
            for (k, x) in items.iter() {
                path.push(Step::Key(k));
                collect_sensitive(x, path, out);
                path.pop();
            }
        }
        Kind::List(_, items) | Kind::Tuple(items) => {
            for (i, x) in items.iter().enumerate() {
                path.push(Step::Index(i));
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

#[cfg(test)]
mod tests {
    use super::*;
    use strata_diag::SourceFile;
    use strata_lang::{CallContext, EmptyScope, Evaluator, Functions};
    use strata_provider::Attribute;

    /// A schema like aws_security_group's: `ingress` is a set of objects.
    fn rules_schema() -> Block {
        let rule = Type::object(BTreeMap::from([
            ("cidr_blocks".to_string(), Type::list(Type::String)),
            ("from_port".to_string(), Type::Number),
            ("protocol".to_string(), Type::String),
        ]));
        Block {
            attributes: BTreeMap::from([
                ("name".to_string(), Attribute::optional(Type::String)),
                ("ingress".to_string(), Attribute::optional_computed(Type::set(rule))),
            ]),
            blocks: BTreeMap::new(),
        }
    }

    fn decode(schema: &Block, text: &str) -> (Value, Vec<String>) {
        let file = SourceFile::new("main.tf", text);
        let body = strata_lang::syntax::parse_body(&file).expect("parses");
        let (functions, ctx) = (Functions::default(), CallContext::default());
        let ev = Evaluator::new(&EmptyScope, &functions, &ctx, &file);
        let evaluated = strata_lang::body::evaluate_body(&ev, &body, &[]).expect("evaluates");
        let mut diags = Diagnostics::new();
        let v = decode_config(&evaluated, schema, &Span::new(&file, 0..0), &mut diags);
        (v, diags.iter().map(|d| format!("{}: {}", d.summary, d.detail)).collect())
    }

    fn ingress(v: &Value) -> Value {
        v.as_entries().and_then(|m| m.get("ingress").cloned()).expect("has ingress")
    }

    #[test]
    fn list_of_objects_attributes_may_be_written_as_blocks() {
        let (v, diags) = decode(
            &rules_schema(),
            "ingress {\n  from_port = \"80\"\n  protocol = \"tcp\"\n}\ningress {\n  from_port = 443\n  protocol = \"tcp\"\n  cidr_blocks = [\"10.0.0.0/8\"]\n}\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let rules = ingress(&v);
        assert_eq!(rules.ty(), rules_schema().attributes["ingress"].ty);
        let items = rules.as_seq().expect("a set");
        assert_eq!(items.len(), 2);
        // Fields a block leaves out are null, not errors: the provider checks them.
        assert!(items.iter().any(|r| r.as_entries().unwrap()["cidr_blocks"].is_null()));
    }

    #[test]
    fn attribute_syntax_needs_every_field_and_an_empty_list_is_kept() {
        let (v, diags) = decode(&rules_schema(), "ingress = []\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(!ingress(&v).is_null());
        assert_eq!(ingress(&v).length(), Some(0));

        let (v, diags) = decode(&rules_schema(), "name = \"x\"\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(ingress(&v).is_null(), "no blocks and no attribute: unset");

        let (_, diags) = decode(&rules_schema(), "ingress = [{ from_port = 80 }]\n");
        assert_eq!(
            diags,
            [
                "Incorrect attribute value type: Inappropriate value for attribute \"ingress\": element 0: attributes \"cidr_blocks\" and \"protocol\" are required."
            ]
        );
    }

    #[test]
    fn blocks_beside_the_attribute_and_unknown_fields_are_errors() {
        let (_, diags) = decode(&rules_schema(), "ingress = []\ningress {\n  from_port = 1\n}\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].starts_with("Unsupported block type: Blocks of type \"ingress\" are not expected here. Did you mean to define argument \"ingress\"?"), "{diags:?}");

        let (_, diags) = decode(&rules_schema(), "ingress {\n  to_port = 1\n}\n");
        assert_eq!(diags, ["Unsupported argument: An argument named \"to_port\" is not expected here."]);
    }

    #[test]
    fn dynamic_blocks_with_an_unknown_for_each_make_the_attribute_unknown() {
        let body = EvaluatedBody { unknown_blocks: ["ingress".to_string()].into(), ..EvaluatedBody::default() };
        let file = SourceFile::new("main.tf", "");
        let mut diags = Diagnostics::new();
        let v = decode_config(&body, &rules_schema(), &Span::new(&file, 0..0), &mut diags);
        assert!(diags.is_empty());
        assert!(!ingress(&v).is_known());
        assert_eq!(ingress(&v).ty(), rules_schema().attributes["ingress"].ty);
    }

    #[test]
    fn schemas_the_legacy_sdk_could_not_produce_keep_attributes_as_attributes() {
        let mut schema = rules_schema();
        schema.attributes.insert("settings".to_string(), Attribute::optional(Type::empty_object()));
        let (_, diags) = decode(&schema, "ingress {\n  from_port = 1\n}\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].starts_with("Unsupported block type"), "{diags:?}");
    }
}
