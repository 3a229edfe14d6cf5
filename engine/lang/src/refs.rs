//! Static analysis of expressions: which references an expression makes,
//! for dependency graphs and "undeclared" checks before evaluation.

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;
use std::sync::Arc;
use strata_diag::{SourceFile, Span};

/// A reference such as `var.region` or `aws_vpc.main.id`: its root name,
/// the attribute names that directly follow, and its span.
#[derive(Debug, Clone)]
pub struct Reference {
    pub root: String,
    /// Leading `.name` steps (at most the first three).
    pub attrs: Vec<String>,
    pub span: Span,
}

/// Every reference in `expr`, skipping names bound by `for` expressions and
/// template `for` directives (and the caller's `bound` names).
pub fn references(expr: &Expression, file: &Arc<SourceFile>, bound: &[&str]) -> Vec<Reference> {
    let mut w = Walker { file, bound: bound.iter().map(|s| s.to_string()).collect(), out: Vec::new() };
    w.expr(expr);
    w.out
}

struct Walker<'a> {
    file: &'a Arc<SourceFile>,
    bound: Vec<String>,
    out: Vec<Reference>,
}

impl Walker<'_> {
    fn root(
        &mut self,
        name: &str,
        ops: &[&TraversalOperator],
        span: Option<std::ops::Range<usize>>,
        end: Option<usize>,
    ) {
        if self.bound.iter().any(|b| b == name) {
            return;
        }
        let attrs = ops
            .iter()
            .take_while(|o| matches!(o, TraversalOperator::GetAttr(_)))
            .take(3)
            .map(|o| match o {
                TraversalOperator::GetAttr(id) => id.value().as_str().to_string(),
                _ => unreachable!(),
            })
            .collect();
        let range = span.unwrap_or(0..0);
        let range = range.start..end.unwrap_or(range.end);
        self.out.push(Reference { root: name.to_string(), attrs, span: Span::new(self.file, range) });
    }

    fn expr(&mut self, e: &Expression) {
        match e {
            Expression::Null(_) | Expression::Bool(_) | Expression::Number(_) | Expression::String(_) => {}
            Expression::Array(a) => a.iter().for_each(|x| self.expr(x)),
            Expression::Object(o) => {
                for (k, v) in o.iter() {
                    if let ObjectKey::Expression(k) = k {
                        if !matches!(k, Expression::Variable(_)) {
                            self.expr(k);
                        }
                    }
                    self.expr(v.expr());
                }
            }
            Expression::StringTemplate(t) => self.template(t),
            Expression::HeredocTemplate(h) => self.template(&h.template),
            Expression::Parenthesis(p) => self.expr(p.inner()),
            Expression::Variable(v) => self.root(v.value().as_str(), &[], v.span(), None),
            Expression::Conditional(c) => {
                self.expr(&c.cond_expr);
                self.expr(&c.true_expr);
                self.expr(&c.false_expr);
            }
            Expression::FuncCall(f) => f.args.iter().for_each(|a| self.expr(a)),
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                match &t.expr {
                    Expression::Variable(v) => {
                        let n_attrs =
                            ops.iter().take_while(|o| matches!(o, TraversalOperator::GetAttr(_))).count().min(3);
                        let end = if n_attrs > 0 { t.operators[n_attrs - 1].span().map(|r| r.end) } else { None };
                        self.root(v.value().as_str(), &ops, v.span(), end);
                    }
                    other => self.expr(other),
                }
                for op in &ops {
                    if let TraversalOperator::Index(i) = op {
                        self.expr(i);
                    }
                }
            }
            Expression::UnaryOp(u) => self.expr(&u.expr),
            Expression::BinaryOp(b) => {
                self.expr(&b.lhs_expr);
                self.expr(&b.rhs_expr);
            }
            Expression::ForExpr(f) => {
                self.expr(&f.intro.collection_expr);
                let n = self.bound.len();
                if let Some(k) = &f.intro.key_var {
                    self.bound.push(k.value().as_str().to_string());
                }
                self.bound.push(f.intro.value_var.value().as_str().to_string());
                if let Some(k) = &f.key_expr {
                    self.expr(k);
                }
                self.expr(&f.value_expr);
                if let Some(c) = &f.cond {
                    self.expr(&c.expr);
                }
                self.bound.truncate(n);
            }
        }
    }

    fn template(&mut self, t: &Template) {
        for el in t.iter() {
            match el {
                Element::Literal(_) => {}
                Element::Interpolation(i) => self.expr(&i.expr),
                Element::Directive(d) => match &**d {
                    Directive::If(i) => {
                        self.expr(&i.if_expr.cond_expr);
                        self.template(&i.if_expr.template);
                        if let Some(e) = &i.else_expr {
                            self.template(&e.template);
                        }
                    }
                    Directive::For(f) => {
                        self.expr(&f.for_expr.collection_expr);
                        let n = self.bound.len();
                        if let Some(k) = &f.for_expr.key_var {
                            self.bound.push(k.value().as_str().to_string());
                        }
                        self.bound.push(f.for_expr.value_var.value().as_str().to_string());
                        self.template(&f.for_expr.template);
                        self.bound.truncate(n);
                    }
                },
            }
        }
    }
}

/// Every reference in a block body (attributes and nested blocks). Inside a
/// `dynamic` block, its iterator name is bound, not a reference.
pub fn body_references(body: &hcl_edit::structure::Body, file: &Arc<SourceFile>) -> Vec<Reference> {
    let mut w = Walker { file, bound: Vec::new(), out: Vec::new() };
    w.body(body);
    w.out
}

impl Walker<'_> {
    fn body(&mut self, body: &hcl_edit::structure::Body) {
        for s in body.iter() {
            match s {
                hcl_edit::structure::Structure::Attribute(a) => self.expr(&a.value),
                hcl_edit::structure::Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                    let iterator = b
                        .body
                        .get_attribute("iterator")
                        .and_then(|a| match &a.value {
                            Expression::Variable(v) => Some(v.value().as_str().to_string()),
                            _ => None,
                        })
                        .or_else(|| b.labels.first().map(|l| l.as_str().to_string()));
                    if let Some(fe) = b.body.get_attribute("for_each") {
                        self.expr(&fe.value);
                    }
                    let n = self.bound.len();
                    if let Some(it) = iterator {
                        self.bound.push(it);
                    }
                    for s in b.body.iter() {
                        match s {
                            hcl_edit::structure::Structure::Attribute(a) if a.key.as_str() == "labels" => {
                                self.expr(&a.value)
                            }
                            hcl_edit::structure::Structure::Block(c) => self.body(&c.body),
                            _ => {}
                        }
                    }
                    self.bound.truncate(n);
                }
                hcl_edit::structure::Structure::Block(b) => self.body(&b.body),
            }
        }
    }
}
