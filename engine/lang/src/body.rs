//! Evaluating a block body without a schema: attributes become values and
//! nested blocks stay blocks, with `dynamic` blocks expanded first — as
//! Terraform's dynblock extension does — so providers only ever see
//! concrete blocks.

use crate::convert::convert;
use crate::eval::Evaluator;
use crate::types::Type;
use crate::value::{Kind, Value};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Span as _;
use std::collections::{BTreeMap, BTreeSet};
use strata_diag::{Diagnostic, Diagnostics, Span};

/// A body after evaluation.
#[derive(Debug, Clone, Default)]
pub struct EvaluatedBody {
    pub attributes: BTreeMap<String, (Value, Span)>,
    /// Nested blocks in source order, `dynamic` ones expanded in place.
    pub blocks: Vec<EvaluatedBlock>,
    /// Block types produced by a `dynamic` block whose `for_each` is not
    /// known yet: how many blocks there will be is known only after apply.
    pub unknown_blocks: BTreeSet<String>,
}

#[derive(Debug, Clone)]
pub struct EvaluatedBlock {
    pub block_type: String,
    pub labels: Vec<String>,
    pub body: EvaluatedBody,
    pub span: Span,
}

/// Evaluates `body`, skipping the attributes and block types in `skip`
/// (meta-arguments the caller handles). All errors are collected.
pub fn evaluate_body(ev: &Evaluator, body: &Body, skip: &[&str]) -> Result<EvaluatedBody, Diagnostics> {
    evaluate_body_except(ev, body, &Skipped { attributes: skip, blocks: skip })
}

/// What the caller of `evaluate_body_except` handles itself.
pub struct Skipped<'a> {
    pub attributes: &'a [&'a str],
    pub blocks: &'a [&'a str],
}

impl Skipped<'_> {
    const NOTHING: Skipped<'static> = Skipped { attributes: &[], blocks: &[] };
}

/// Evaluates `body`, skipping only the attributes and the block types the
/// caller handles: a meta-argument block written as an attribute
/// (`lifecycle = 1`) stays in the result, for the schema to reject.
pub fn evaluate_body_except(ev: &Evaluator, body: &Body, skip: &Skipped) -> Result<EvaluatedBody, Diagnostics> {
    let mut diags = Diagnostics::new();
    let out = body_inner(ev, body, skip, &mut diags);
    diags.into_result(out)
}

fn span_of(ev: &Evaluator, r: Option<std::ops::Range<usize>>) -> Span {
    Span::new(ev.file(), r.unwrap_or(0..0))
}

fn body_inner(ev: &Evaluator, body: &Body, skip: &Skipped, diags: &mut Diagnostics) -> EvaluatedBody {
    let mut out = EvaluatedBody::default();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let name = a.key.as_str();
                if skip.attributes.contains(&name) {
                    continue;
                }
                match ev.eval(&a.value) {
                    Ok(v) => {
                        out.attributes.insert(name.to_string(), (v, span_of(ev, a.value.span())));
                    }
                    Err(d) => diags.push(d),
                }
            }
            Structure::Block(b) if b.ident.as_str() == "dynamic" => expand_dynamic(ev, b, &mut out, diags),
            Structure::Block(b) => {
                if skip.blocks.contains(&b.ident.as_str()) {
                    continue;
                }
                out.blocks.push(EvaluatedBlock {
                    block_type: b.ident.as_str().to_string(),
                    labels: b.labels.iter().map(|l| l.as_str().to_string()).collect(),
                    body: body_inner(ev, &b.body, &Skipped::NOTHING, diags),
                    span: span_of(ev, b.ident.span()),
                });
            }
        }
    }
    out
}

fn expand_dynamic(ev: &Evaluator, b: &Block, out: &mut EvaluatedBody, diags: &mut Diagnostics) {
    let header = span_of(ev, b.ident.span());
    let [label] = b.labels.as_slice() else {
        diags.push(
            Diagnostic::error("Invalid dynamic block")
                .with_detail("A dynamic block must have exactly one label: the type of block it generates.")
                .with_span(header),
        );
        return;
    };
    let block_type = label.as_str().to_string();
    let mut for_each = None;
    let mut iterator = block_type.clone();
    let mut labels = None;
    for a in b.body.attributes() {
        match a.key.as_str() {
            "for_each" => for_each = Some(&a.value),
            "labels" => labels = Some(&a.value),
            "iterator" => match &a.value {
                hcl_edit::expr::Expression::Variable(v) => iterator = v.value().as_str().to_string(),
                other => {
                    diags.push(
                        Diagnostic::error("Invalid dynamic iterator name")
                            .with_detail("The iterator argument must be a single variable name.")
                            .with_span(span_of(ev, other.span())),
                    );
                    return;
                }
            },
            other => diags.push(
                Diagnostic::error("Unsupported argument")
                    .with_detail(format!("An argument named {other:?} is not expected in a dynamic block."))
                    .with_span(span_of(ev, a.key.span())),
            ),
        }
    }
    let contents: Vec<&Block> = b.body.blocks().filter(|c| c.ident.as_str() == "content").collect();
    for other in b.body.blocks().filter(|c| c.ident.as_str() != "content") {
        diags.push(
            Diagnostic::error("Unsupported block type")
                .with_detail(format!(
                    "Blocks of type {:?} are not expected in a dynamic block; put them inside its content block.",
                    other.ident.as_str()
                ))
                .with_span(span_of(ev, other.ident.span())),
        );
    }
    let (Some(for_each), [content]) = (for_each, contents.as_slice()) else {
        diags.push(
            Diagnostic::error("Invalid dynamic block")
                .with_detail("A dynamic block needs a for_each argument and exactly one content block.")
                .with_span(header),
        );
        return;
    };
    let collection = match ev.eval(for_each) {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let fe_span = span_of(ev, for_each.span());
    if collection.is_sensitive() {
        diags.push(
            Diagnostic::error("Invalid dynamic for_each value")
                .with_detail("Cannot use a value marked as sensitive in for_each: it would expose the number and keys of the generated blocks.")
                .with_span(fe_span),
        );
        return;
    }
    if collection.is_null() {
        diags.push(
            Diagnostic::error("Invalid dynamic for_each value")
                .with_detail("Cannot use a null value in for_each.")
                .with_span(fe_span),
        );
        return;
    }
    if collection.is_unknown() {
        out.unknown_blocks.insert(block_type);
        return;
    }
    if collection.as_seq().is_none() && collection.as_entries().is_none() {
        diags.push(
            Diagnostic::error("Invalid dynamic for_each value")
                .with_detail(format!(
                    "Cannot use a {} value in for_each. An iterable collection is required.",
                    collection.ty().friendly_name()
                ))
                .with_span(fe_span),
        );
        return;
    }
    for (key, value) in collection.iter_pairs() {
        let it = Value::object(crate::Fields::from([("key".to_string(), key), ("value".to_string(), value)]));
        ev.with_binding(&iterator, it, |ev| {
            let block_labels = match labels {
                None => Vec::new(),
                Some(expr) => match dynamic_labels(ev, expr) {
                    Ok(l) => l,
                    Err(d) => {
                        diags.push(d);
                        return;
                    }
                },
            };
            out.blocks.push(EvaluatedBlock {
                block_type: block_type.clone(),
                labels: block_labels,
                body: body_inner(ev, &content.body, &Skipped::NOTHING, diags),
                span: header.clone(),
            });
        });
    }
}

fn dynamic_labels(ev: &Evaluator, expr: &hcl_edit::expr::Expression) -> Result<Vec<String>, Diagnostic> {
    let invalid = |detail: &str| {
        Diagnostic::error("Invalid dynamic block label")
            .with_detail(detail.to_string())
            .with_span(span_of(ev, expr.span()))
    };
    let v = ev.eval(expr)?;
    let seq = v.as_seq().ok_or_else(|| invalid("The labels argument must be a list of strings."))?;
    seq.iter()
        .map(|l| match l.kind() {
            Kind::Unknown(_) => Err(invalid("Labels must be known before apply.")),
            _ if l.is_null() => Err(invalid("Labels must not be null.")),
            _ => convert(l, &Type::String)
                .ok()
                .and_then(|s| s.as_str().map(String::from))
                .ok_or_else(|| invalid("Each label must be a string.")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{EmptyScope, Scope};
    use crate::functions::{CallContext, Functions};
    use crate::render::console;
    use strata_diag::SourceFile;

    /// `var.unknown` is unknown; nothing else resolves.
    struct Vars;
    impl Scope for Vars {
        fn resolve(&self, root: &str, attrs: &[&str], span: &Span) -> Result<(Value, usize), Diagnostic> {
            match (root, attrs.first()) {
                ("var", Some(&"unknown")) => Ok((Value::dynamic_unknown(), 1)),
                _ => EmptyScope.resolve(root, attrs, span),
            }
        }
    }

    fn render(b: &EvaluatedBody, indent: usize, out: &mut String) {
        for (k, (v, _)) in &b.attributes {
            out.push_str(&format!("{}{k} = {}\n", " ".repeat(indent), console(v).replace('\n', " ")));
        }
        for t in &b.unknown_blocks {
            out.push_str(&format!("{}{t} (unknown number of blocks)\n", " ".repeat(indent)));
        }
        for blk in &b.blocks {
            let labels: String = blk.labels.iter().map(|l| format!(" {l:?}")).collect();
            out.push_str(&format!("{}{}{labels} {{\n", " ".repeat(indent), blk.block_type));
            render(&blk.body, indent + 2, out);
            out.push_str(&format!("{}}}\n", " ".repeat(indent)));
        }
    }

    fn check(src: &str, want: &str) {
        let file = SourceFile::new("main.tf", src);
        let body = crate::syntax::parse_body(&file).unwrap();
        let functions = Functions::builtin();
        let ctx = CallContext::default();
        let ev = Evaluator::new(&Vars, &functions, &ctx, &file);
        let got = match evaluate_body(&ev, &body, &["count"]) {
            Ok(b) => {
                let mut s = String::new();
                render(&b, 0, &mut s);
                s
            }
            Err(d) => d.iter().map(|d| format!("error: {}: {}\n", d.summary, d.detail)).collect(),
        };
        assert_eq!(got, want, "for\n{src}");
    }

    #[test]
    fn dynamic_blocks_expand_in_place() {
        check(
            r#"
count = 3
name  = "sg"
ingress {
  port = 22
}
dynamic "ingress" {
  for_each = [80, 443]
  content {
    port = ingress.value
    idx  = ingress.key
  }
}
dynamic "setting" {
  for_each = { b = "2", a = "1" }
  iterator = s
  labels   = ["x-${s.key}"]
  content {
    name  = s.key
    value = s.value
    dynamic "nested" {
      for_each = toset([s.key])
      content {
        of = "${s.key}/${nested.value}"
      }
    }
  }
}
"#,
            r#"name = "sg"
ingress {
  port = 22
}
ingress {
  idx = 0
  port = 80
}
ingress {
  idx = 1
  port = 443
}
setting "x-a" {
  name = "a"
  value = "1"
  nested {
    of = "a/a"
  }
}
setting "x-b" {
  name = "b"
  value = "2"
  nested {
    of = "b/b"
  }
}
"#,
        );
    }

    #[test]
    fn unknown_for_each_leaves_the_block_count_unknown() {
        check(
            "dynamic \"rule\" {\n  for_each = var.unknown\n  content {\n    x = 1\n  }\n}\n",
            "rule (unknown number of blocks)\n",
        );
    }

    #[test]
    fn bad_dynamic_blocks_are_diagnosed() {
        check(
            "dynamic \"rule\" {\n  for_each = sensitive([1])\n  content {}\n}\n",
            "error: Invalid dynamic for_each value: Cannot use a value marked as sensitive in for_each: it would expose the number and keys of the generated blocks.\n",
        );
        check(
            "dynamic \"rule\" {\n  for_each = 5\n  content {}\n}\n",
            "error: Invalid dynamic for_each value: Cannot use a number value in for_each. An iterable collection is required.\n",
        );
        check(
            "dynamic \"rule\" {\n  for_each = [1]\n}\n",
            "error: Invalid dynamic block: A dynamic block needs a for_each argument and exactly one content block.\n",
        );
    }
}
