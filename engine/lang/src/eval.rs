//! The expression evaluator: every HCL expression form, over hcl-edit's
//! syntax tree, producing [`Value`]s with unknown and sensitive marks.
//!
//! References (`var.x`, `local.y`, `aws_vpc.main.id`) are resolved by the
//! caller's [`Scope`]; `for` and template iterators are bound here.

use crate::convert::{convert, unify};
use crate::functions::{CallContext, Functions};
use crate::number::{Number, NumberError};
use crate::types::Type;
use crate::value::{Kind, Marks, Value};
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Strip, Template};
use hcl_edit::Span as _;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;
use strata_diag::{Diagnostic, SourceFile, Span};

/// Resolves references the evaluator doesn't own.
pub trait Scope {
    /// Resolves `root` followed by the leading attribute names `attrs`
    /// (`var` + `["vpc_cidr"]`), returning the value and how many of `attrs`
    /// were consumed. The span covers the whole reference, for diagnostics.
    fn resolve(&self, root: &str, attrs: &[&str], span: &Span) -> Result<(Value, usize), Diagnostic>;
}

/// A scope with no references at all (constant expressions).
pub struct EmptyScope;

impl Scope for EmptyScope {
    fn resolve(&self, root: &str, _attrs: &[&str], span: &Span) -> Result<(Value, usize), Diagnostic> {
        Err(Diagnostic::error("Variables not allowed")
            .with_detail(format!("Variables may not be used here (found a reference to {root:?})."))
            .with_span(span.clone()))
    }
}

/// Deep enough for any real configuration, shallow enough for the stack.
const MAX_DEPTH: usize = 400;

pub type EvalResult = Result<Value, Diagnostic>;

pub struct Evaluator<'a> {
    pub scope: &'a dyn Scope,
    pub functions: &'a Functions,
    pub call_context: &'a CallContext,
    file: Arc<SourceFile>,
    /// Iterator variables bound by `for` expressions and directives.
    locals: std::cell::RefCell<Vec<(String, Value)>>,
    depth: Cell<usize>,
}

impl<'a> Evaluator<'a> {
    pub fn new(
        scope: &'a dyn Scope,
        functions: &'a Functions,
        call_context: &'a CallContext,
        file: &Arc<SourceFile>,
    ) -> Self {
        Evaluator {
            scope,
            functions,
            call_context,
            file: file.clone(),
            locals: Default::default(),
            depth: Cell::new(0),
        }
    }

    /// Binds a name for the duration of `f` (used for `each`, `count`, dynamic iterators too).
    pub fn with_binding<T>(&self, name: &str, value: Value, f: impl FnOnce(&Self) -> T) -> T {
        self.locals.borrow_mut().push((name.to_string(), value));
        let out = f(self);
        self.locals.borrow_mut().pop();
        out
    }

    /// The file expressions given to this evaluator come from.
    pub fn file(&self) -> &Arc<SourceFile> {
        &self.file
    }

    pub fn span_of(&self, expr: &Expression) -> Span {
        Span::new(&self.file, expr.span().unwrap_or(0..0))
    }

    fn span_range(&self, r: Option<std::ops::Range<usize>>) -> Span {
        Span::new(&self.file, r.unwrap_or(0..0))
    }

    pub fn eval(&self, expr: &Expression) -> EvalResult {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Err(Diagnostic::error("Expression too deeply nested")
                .with_detail(format!("Expressions may nest at most {MAX_DEPTH} levels deep."))
                .with_span(self.span_of(expr)));
        }
        self.depth.set(depth + 1);
        let out = self.eval_inner(expr);
        self.depth.set(depth);
        out
    }

    fn eval_inner(&self, expr: &Expression) -> EvalResult {
        match expr {
            Expression::Null(_) => Ok(Value::dynamic_null()),
            Expression::Bool(b) => Ok(Value::bool(*b.value())),
            Expression::Number(n) => {
                // The source text, not hcl-edit's f64: exact digits, and
                // literals beyond f64's range (see syntax::parse_with_big_numbers).
                let text = match n.span().and_then(|r| self.file.text.get(r)) {
                    Some(t) => t.to_string(),
                    None => n.value().to_string(),
                };
                Number::parse(&text.replace(char::is_whitespace, "")).map(Value::number).map_err(|e| {
                    Diagnostic::error("Invalid number literal")
                        .with_detail(format!("{e}."))
                        .with_span(self.span_of(expr))
                })
            }
            Expression::String(s) => Ok(Value::string(s.value().as_str())),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.eval(item)?);
                }
                Ok(Value::tuple(out))
            }
            Expression::Object(obj) => {
                let mut out = crate::Fields::new();
                let mut marks = Marks::NONE;
                let mut unknown_key = false;
                for (key, value) in obj.iter() {
                    let name = match key {
                        ObjectKey::Ident(id) => id.value().as_str().to_string(),
                        ObjectKey::Expression(k) => {
                            let kv = self.eval_object_key(k)?;
                            let (kv, m) = kv.unmark();
                            marks |= m;
                            if kv.is_unknown() {
                                unknown_key = true;
                                continue;
                            }
                            kv.as_str().expect("converted to string").to_string()
                        }
                    };
                    let v = self.eval(value.expr())?;
                    out.insert(name, v);
                }
                if unknown_key {
                    return Ok(Value::dynamic_unknown().mark(marks));
                }
                Ok(Value::object(out).mark(marks))
            }
            Expression::StringTemplate(t) => {
                // "${x}" alone yields x itself, not its string form.
                let elements: Vec<&Element> = t.iter().collect();
                if let [Element::Interpolation(i)] = elements.as_slice() {
                    return self.eval(&i.expr);
                }
                self.eval_template(t, TemplateMode::Quoted)
            }
            Expression::HeredocTemplate(h) => {
                let flush = self.file.text.get(self.span_of(expr).start..).is_some_and(|t| t.starts_with("<<-"));
                self.eval_template(&h.template, TemplateMode::Heredoc { flush })
            }
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Variable(v) => self.eval_reference(v.value().as_str(), &[], self.span_of(expr)),
            Expression::Conditional(c) => self.eval_conditional(&c.cond_expr, &c.true_expr, &c.false_expr),
            Expression::FuncCall(call) => self.eval_call(call, expr),
            Expression::Traversal(t) => self.eval_traversal(t),
            Expression::UnaryOp(op) => self.eval_unary(op),
            Expression::BinaryOp(op) => self.eval_binary(op, expr),
            Expression::ForExpr(f) => self.eval_for(f),
        }
    }

    fn eval_object_key(&self, k: &Expression) -> EvalResult {
        // A bare name in parentheses-free key position is literal, as in HCL.
        if let Expression::Variable(v) = k {
            return Ok(Value::string(v.value().as_str()));
        }
        let v = self.eval(k)?;
        if v.is_null() {
            return Err(Diagnostic::error("Null value as key")
                .with_detail("Can't use a null value as a key.")
                .with_span(self.span_of(k)));
        }
        convert(&v, &Type::String).map_err(|e| {
            Diagnostic::error("Incorrect key type")
                .with_detail(format!("Can't use this value as a key: {e}."))
                .with_span(self.span_of(k))
        })
    }

    // ------------------------------------------------------------ references

    fn local(&self, name: &str) -> Option<Value> {
        self.locals.borrow().iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }

    fn eval_reference(&self, root: &str, attrs: &[&str], span: Span) -> EvalResult {
        if let Some(v) = self.local(root) {
            return Ok(v);
        }
        let (v, _) = self.scope.resolve(root, attrs, &span)?;
        Ok(v)
    }

    fn eval_traversal(&self, t: &hcl_edit::expr::Traversal) -> EvalResult {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let (mut value, consumed) = match &t.expr {
            Expression::Variable(root) => {
                let name = root.value().as_str();
                if let Some(v) = self.local(name) {
                    (v, 0)
                } else {
                    let attrs: Vec<&str> = ops
                        .iter()
                        .take_while(|o| matches!(o, TraversalOperator::GetAttr(_)))
                        .map(|o| match o {
                            TraversalOperator::GetAttr(id) => id.value().as_str(),
                            _ => unreachable!(),
                        })
                        .collect();
                    let end = t.operators.get(attrs.len().max(1) - 1).and_then(|o| o.span()).map(|r| r.end);
                    let start = root.span().map(|r| r.start).unwrap_or(0);
                    let span = self.span_range(Some(start..end.unwrap_or(start)));
                    let span = if attrs.is_empty() { self.span_range(root.span()) } else { span };
                    self.scope.resolve(name, &attrs, &span)?
                }
            }
            other => (self.eval(other)?, 0),
        };
        let mut i = consumed;
        while i < ops.len() {
            let op_span = self.span_range(t.operators[i].span());
            match ops[i] {
                TraversalOperator::GetAttr(name) => {
                    value = self.get_attr(&value, name.value().as_str(), &op_span)?;
                }
                TraversalOperator::Index(key_expr) => {
                    let key = self.eval(key_expr)?;
                    value = self.index(&value, &key, &op_span)?;
                }
                TraversalOperator::LegacyIndex(n) => {
                    value = self.index(&value, &Value::int(*n.value() as i64), &op_span)?;
                }
                TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_) => {
                    let full = matches!(ops[i], TraversalOperator::FullSplat(_));
                    // Operators applied to each element: all that follow for
                    // `[*]`, only attribute accesses for `.*`.
                    let mut j = i + 1;
                    while j < ops.len()
                        && !matches!(ops[j], TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_))
                        && (full || matches!(ops[j], TraversalOperator::GetAttr(_) | TraversalOperator::LegacyIndex(_)))
                    {
                        j += 1;
                    }
                    value = self.splat(&value, &t.operators[i + 1..j], &op_span)?;
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        Ok(value)
    }

    fn splat(&self, source: &Value, ops: &[hcl_edit::Decorated<TraversalOperator>], span: &Span) -> EvalResult {
        let (source, marks) = source.clone().unmark();
        let is_seq = matches!(source.ty(), Type::List(_) | Type::Set(_) | Type::Tuple(_));
        if source.is_null() {
            if is_seq {
                return Err(Diagnostic::error("Splat of null value")
                    .with_detail("Splat expressions (with the * symbol) cannot be applied to null sequences.")
                    .with_span(span.clone()));
            }
            return Ok(Value::empty_tuple().mark(marks));
        }
        if source.is_unknown() {
            return Ok(Value::dynamic_unknown().mark(marks));
        }
        let (items, as_list) = match source.kind() {
            Kind::List(_, items) | Kind::Set(_, items) => (items.to_vec(), true),
            Kind::Tuple(items) => (items.to_vec(), false),
            _ => (vec![source.clone()], false),
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let mut v = item;
            for op in ops {
                let op_span = self.span_range(op.span());
                v = match op.value() {
                    TraversalOperator::GetAttr(name) => self.get_attr(&v, name.value().as_str(), &op_span)?,
                    TraversalOperator::Index(k) => self.index(&v, &self.eval(k)?, &op_span)?,
                    TraversalOperator::LegacyIndex(n) => self.index(&v, &Value::int(*n.value() as i64), &op_span)?,
                    _ => unreachable!("splats end the per-element run"),
                };
            }
            out.push(v);
        }
        let result = if as_list {
            let types: Vec<Type> = out.iter().map(Value::ty).collect();
            match unify(&types) {
                Some(t) if types.iter().all(|x| *x == t) => Value::list(t, out),
                Some(t) if t != Type::Dynamic => {
                    let conv: Result<Vec<Value>, _> = out.iter().map(|v| convert(v, &t)).collect();
                    match conv {
                        Ok(c) => Value::list(t, c),
                        Err(_) => Value::tuple(out),
                    }
                }
                None if out.is_empty() => Value::list(Type::Dynamic, out),
                _ => Value::tuple(out),
            }
        } else {
            Value::tuple(out)
        };
        Ok(result.mark(marks))
    }

    /// `value.name`
    pub fn get_attr(&self, value: &Value, name: &str, span: &Span) -> EvalResult {
        let marks = value.marks();
        match value.kind() {
            // An unknown object still has a known type (cty's rule), so a
            // misspelt attribute is found before any value is.
            Kind::Unknown(Type::Object(o)) if !o.attrs.contains_key(name) => {
                Err(no_such_attribute(name, o.attrs.keys().map(String::as_str), span))
            }
            Kind::Unknown(t) => {
                let ty = match t {
                    Type::Object(o) => o.attrs.get(name).cloned().unwrap_or(Type::Dynamic),
                    Type::Map(e) => (**e).clone(),
                    _ => Type::Dynamic,
                };
                Ok(Value::unknown(ty).mark(marks))
            }
            Kind::Null(_) => Err(Diagnostic::error("Attempt to get attribute from null value")
                .with_detail("This value is null, so it does not have any attributes.")
                .with_span(span.clone())),
            Kind::Object(attrs) => match attrs.get(name) {
                Some(v) => Ok(v.clone().mark(marks)),
                None => Err(no_such_attribute(name, attrs.keys().map(String::as_str), span)),
            },
            Kind::Map(_, items) => match items.get(name) {
                Some(v) => Ok(v.clone().mark(marks)),
                None => Err(Diagnostic::error("Missing map element")
                    .with_detail(format!("This map does not have an element with the key {name:?}."))
                    .with_span(span.clone())),
            },
            Kind::List(..) | Kind::Set(..) | Kind::Tuple(..) => Err(Diagnostic::error("Unsupported attribute")
                .with_detail(format!(
                    "Can't access attributes on a list of objects. Did you mean to access attribute {name:?} for a specific element of the list, or across all elements of the list?"
                ))
                .with_span(span.clone())),
            _ => Err(Diagnostic::error("Unsupported attribute")
                .with_detail(format!("Can't access attributes on a primitive-typed value ({}).", value.ty().friendly_name()))
                .with_span(span.clone())),
        }
    }

    /// `value[key]`
    pub fn index(&self, value: &Value, key: &Value, span: &Span) -> EvalResult {
        let marks = value.marks() | key.marks();
        let key = key.clone().unmark().0;
        let invalid =
            |detail: String| Err(Diagnostic::error("Invalid index").with_detail(detail).with_span(span.clone()));
        if key.is_null() {
            return invalid("Can't use a null value as an indexing key.".into());
        }
        match value.kind() {
            Kind::Null(_) => invalid("This value is null, so it does not have any indices.".into()),
            Kind::Unknown(t) => Ok(Value::unknown(match t {
                Type::List(e) | Type::Map(e) => (**e).clone(),
                _ => Type::Dynamic,
            })
            .mark(marks)),
            Kind::List(_, items) | Kind::Tuple(items) => {
                if key.is_unknown() {
                    let elem = match value.kind() {
                        Kind::List(e, _) => e.clone(),
                        _ => Type::Dynamic,
                    };
                    return Ok(Value::unknown(elem).mark(marks));
                }
                let n = match convert(&key, &Type::Number) {
                    Ok(n) => n,
                    Err(_) => return invalid("The given key does not identify an element in this collection value: a number is required.".into()),
                };
                let n = n.as_number().expect("converted");
                match n.to_i64() {
                    Some(i) if i >= 0 && (i as usize) < items.len() => Ok(items[i as usize].clone().mark(marks)),
                    Some(_) if n.is_integer() => invalid(format!(
                        "The given key does not identify an element in this collection value: the given index is {}.",
                        if n.is_negative() { "negative" } else { "greater than or equal to the length of the collection" }
                    )),
                    _ => invalid("The given key does not identify an element in this collection value: indexes must be whole numbers.".into()),
                }
            }
            Kind::Map(_, items) | Kind::Object(items) => {
                if key.is_unknown() {
                    let elem = match value.kind() {
                        Kind::Map(e, _) => e.clone(),
                        _ => Type::Dynamic,
                    };
                    return Ok(Value::unknown(elem).mark(marks));
                }
                let k = match convert(&key, &Type::String) {
                    Ok(k) => k,
                    Err(_) => return invalid("The given key does not identify an element in this collection value: string required.".into()),
                };
                let k = k.as_str().expect("converted");
                match items.get(k) {
                    Some(v) => Ok(v.clone().mark(marks)),
                    None if matches!(value.kind(), Kind::Object(_)) => invalid(format!(
                        "The given key does not identify an element in this collection value. This object does not have an attribute named {k:?}."
                    )),
                    None => invalid("The given key does not identify an element in this collection value.".into()),
                }
            }
            Kind::Set(..) => invalid("Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.".into()),
            _ => invalid(format!("This value does not have any indices ({}).", value.ty().friendly_name())),
        }
    }

    // ------------------------------------------------------------ conditionals

    fn eval_conditional(&self, cond: &Expression, t: &Expression, f: &Expression) -> EvalResult {
        let c = self.eval(cond)?;
        let (c, cmarks) = c.unmark();
        if c.is_null() {
            return Err(Diagnostic::error("Null condition")
                .with_detail("The condition value is null. Conditions must either be true or false.")
                .with_span(self.span_of(cond)));
        }
        let c = convert(&c, &Type::Bool).map_err(|e| {
            Diagnostic::error("Incorrect condition type")
                .with_detail(format!("The condition expression must be of type bool: {e}."))
                .with_span(self.span_of(cond))
        })?;
        let tv = self.eval(t);
        let fv = self.eval(f);
        let is_dyn_null = |r: &EvalResult| matches!(r, Ok(v) if matches!(v.kind(), Kind::Null(Type::Dynamic)));
        let ty_of = |r: &EvalResult| r.as_ref().map(Value::ty).unwrap_or(Type::Dynamic);
        let result_ty = if is_dyn_null(&tv) {
            ty_of(&fv)
        } else if is_dyn_null(&fv) {
            ty_of(&tv)
        } else {
            match unify(&[ty_of(&tv), ty_of(&fv)]) {
                Some(t) => t,
                None => {
                    return Err(Diagnostic::error("Inconsistent conditional result types")
                        .with_detail(format!(
                            "The true and false result expressions must have consistent types. The 'true' value is {}, but the 'false' value is {}.",
                            ty_of(&tv).friendly_name(),
                            ty_of(&fv).friendly_name()
                        ))
                        .with_span(self.span_of(cond).to(&self.span_of(f))));
                }
            }
        };
        if c.is_unknown() {
            let mut m = cmarks;
            if let Ok(v) = &tv {
                m |= v.marks();
            }
            if let Ok(v) = &fv {
                m |= v.marks();
            }
            return Ok(Value::unknown(result_ty).mark(m));
        }
        let (chosen, expr) = if c.as_bool() == Some(true) { (tv?, t) } else { (fv?, f) };
        let out = convert(&chosen, &result_ty).map_err(|e| {
            Diagnostic::error("Inconsistent conditional result types")
                .with_detail(format!("The result value could not be converted to the common type: {e}."))
                .with_span(self.span_of(expr))
        })?;
        Ok(out.mark(cmarks))
    }

    // ------------------------------------------------------------ functions

    fn eval_call(&self, call: &hcl_edit::expr::FuncCall, expr: &Expression) -> EvalResult {
        let name_ns: Vec<&str> = call.name.namespace.iter().map(|n| n.value().as_str()).collect();
        let base = call.name.name.value().as_str();
        let full_name = if name_ns.is_empty() { base.to_string() } else { format!("{}::{base}", name_ns.join("::")) };
        let name_span = self.span_range(call.name.name.span().map(|r| {
            let start = call.name.namespace.first().and_then(|n| n.span()).map_or(r.start, |s| s.start);
            start..r.end
        }));
        if !(name_ns.is_empty() || name_ns == ["core"]) {
            return Err(Diagnostic::error("Call to unknown function")
                .with_detail(format!("There is no function named {full_name:?}."))
                .with_span(name_span));
        }
        let args: Vec<&Expression> = call.args.iter().collect();
        match base {
            "try" => return self.eval_try(&args, expr),
            "can" => return self.eval_can(&args, expr),
            _ => {}
        }
        let Some(f) = self.functions.get(base) else {
            let mut detail = format!("There is no function named {full_name:?}.");
            if let Some(s) = strata_diag::did_you_mean(base, self.functions.names()) {
                detail.push_str(&format!(" Did you mean {s:?}?"));
            }
            return Err(Diagnostic::error("Call to unknown function").with_detail(detail).with_span(name_span));
        };
        let mut values = Vec::with_capacity(args.len());
        for a in &args {
            values.push(self.eval(a)?);
        }
        if call.args.expand_final() {
            let last = values.pop().expect("expand_final has a final argument");
            let (last, marks) = last.unmark();
            if last.is_null() {
                return Err(Diagnostic::error("Invalid expanding argument value")
                    .with_detail("The expanding argument (indicated by ...) must not be null.")
                    .with_span(self.span_of(args[args.len() - 1])));
            }
            if last.is_unknown() {
                return Ok(Value::dynamic_unknown().mark(marks));
            }
            match last.as_seq() {
                Some(items) => values.extend(items.iter().map(|v| v.clone().mark(marks))),
                None => {
                    return Err(Diagnostic::error("Invalid expanding argument value")
                        .with_detail("The expanding argument (indicated by ...) must be of a tuple, list, or set type.")
                        .with_span(self.span_of(args[args.len() - 1])));
                }
            }
        }
        let n_args = values.len();
        Functions::call(f, self.call_context, values).map_err(|e| {
            let span = match e.arg {
                Some(i) if i < args.len() && !(call.args.expand_final() && i >= args.len() - 1) => {
                    self.span_of(args[i])
                }
                _ => self.span_of(expr),
            };
            let summary = if e.arg.is_some() && n_args > 0 {
                "Invalid function argument"
            } else if e.message.starts_with("Not enough") || e.message.starts_with("Too many") {
                "Wrong number of function arguments"
            } else {
                "Error in function call"
            };
            let detail = if summary == "Error in function call" {
                format!("Call to function {full_name:?} failed: {}", e.message)
            } else {
                e.message
            };
            Diagnostic::error(summary).with_detail(detail).with_span(span)
        })
    }

    fn eval_try(&self, args: &[&Expression], expr: &Expression) -> EvalResult {
        if args.is_empty() {
            return Err(Diagnostic::error("At least one argument is required")
                .with_detail("The try function requires at least one argument.")
                .with_span(self.span_of(expr)));
        }
        let mut last = None;
        for a in args {
            match self.eval(a) {
                Ok(v) if v.is_wholly_known() => return Ok(v),
                // An unknown result might fail later; the whole try is unknown.
                Ok(v) => return Ok(Value::dynamic_unknown().mark(v.marks())),
                Err(d) => last = Some(d),
            }
        }
        Err(Diagnostic::error("Error in function call")
            .with_detail(format!(
                "Call to function \"try\" failed: no expression succeeded:\n- {}\n\nAt least one expression must produce a successful result.",
                last.map(|d| format!("{} ({})", d.summary, d.detail)).unwrap_or_default()
            ))
            .with_span(self.span_of(expr)))
    }

    fn eval_can(&self, args: &[&Expression], expr: &Expression) -> EvalResult {
        if args.len() != 1 {
            return Err(Diagnostic::error("Wrong number of function arguments")
                .with_detail(format!("Function \"can\" expects 1 argument(s), got {}.", args.len()))
                .with_span(self.span_of(expr)));
        }
        match self.eval(args[0]) {
            Ok(v) if !v.is_wholly_known() => Ok(Value::unknown(Type::Bool)),
            Ok(_) => Ok(Value::bool(true)),
            Err(_) => Ok(Value::bool(false)),
        }
    }

    // ------------------------------------------------------------ operators

    fn eval_unary(&self, op: &hcl_edit::expr::UnaryOp) -> EvalResult {
        let v = self.eval(&op.expr)?;
        let (v, marks) = v.unmark();
        let (want, name) = match op.operator.value() {
            UnaryOperator::Neg => (Type::Number, "number"),
            UnaryOperator::Not => (Type::Bool, "bool"),
        };
        if v.is_null() {
            return Err(Diagnostic::error("Invalid operand")
                .with_detail(format!("Unsuitable value for unary operand: a {name} is required."))
                .with_span(self.span_of(&op.expr)));
        }
        let v = convert(&v, &want).map_err(|e| {
            Diagnostic::error("Invalid operand")
                .with_detail(format!("Unsuitable value for unary operand: {e}."))
                .with_span(self.span_of(&op.expr))
        })?;
        if v.is_unknown() {
            return Ok(Value::unknown(want).mark(marks));
        }
        Ok(match op.operator.value() {
            UnaryOperator::Neg => Value::number(v.as_number().expect("number").neg()),
            UnaryOperator::Not => Value::bool(!v.as_bool().expect("bool")),
        }
        .mark(marks))
    }

    fn eval_binary(&self, op: &hcl_edit::expr::BinaryOp, expr: &Expression) -> EvalResult {
        use BinaryOperator as B;
        let l = self.eval(&op.lhs_expr)?;
        let r = self.eval(&op.rhs_expr)?;
        let marks = l.marks() | r.marks();
        let (l, _) = l.unmark();
        let (r, _) = r.unmark();
        let operator = *op.operator.value();
        match operator {
            B::Eq | B::NotEq => {
                let eq = l.equals(&r);
                let out = match eq {
                    None => Value::unknown(Type::Bool),
                    Some(b) => Value::bool(if operator == B::Eq { b } else { !b }),
                };
                Ok(out.mark(marks))
            }
            B::And | B::Or => {
                let lb = self.operand(&l, &Type::Bool, "left", &op.lhs_expr)?;
                let rb = self.operand(&r, &Type::Bool, "right", &op.rhs_expr)?;
                let (lk, rk) = (lb.as_bool(), rb.as_bool());
                let out = match (operator, lk, rk) {
                    (B::And, Some(false), _) | (B::And, _, Some(false)) => Value::bool(false),
                    (B::Or, Some(true), _) | (B::Or, _, Some(true)) => Value::bool(true),
                    (_, Some(a), Some(b)) => Value::bool(if operator == B::And { a && b } else { a || b }),
                    _ => Value::unknown(Type::Bool),
                };
                Ok(out.mark(marks))
            }
            _ => {
                let ln = self.operand(&l, &Type::Number, "left", &op.lhs_expr)?;
                let rn = self.operand(&r, &Type::Number, "right", &op.rhs_expr)?;
                let result_ty = if matches!(operator, B::Less | B::LessEq | B::Greater | B::GreaterEq) {
                    Type::Bool
                } else {
                    Type::Number
                };
                let (Some(a), Some(b)) = (ln.as_number(), rn.as_number()) else {
                    return Ok(Value::unknown(result_ty).mark(marks));
                };
                let arith = |r: Result<Number, NumberError>| -> EvalResult {
                    r.map(Value::number).map_err(|e| {
                        let (summary, detail) = match e {
                            NumberError::NotANumber(why) => {
                                ("Operation failed", format!("Error during operation: {why}."))
                            }
                            e => ("Invalid arithmetic", format!("{e}.")),
                        };
                        Diagnostic::error(summary).with_detail(detail).with_span(self.span_of(expr))
                    })
                };
                let out = match operator {
                    B::Plus => arith(a.add(b))?,
                    B::Minus => arith(a.sub(b))?,
                    B::Mul => arith(a.mul(b))?,
                    B::Div => arith(a.div(b))?,
                    B::Mod => arith(a.rem(b))?,
                    B::Less => Value::bool(a < b),
                    B::LessEq => Value::bool(a <= b),
                    B::Greater => Value::bool(a > b),
                    B::GreaterEq => Value::bool(a >= b),
                    _ => unreachable!("handled above"),
                };
                Ok(out.mark(marks))
            }
        }
    }

    fn operand(&self, v: &Value, want: &Type, side: &str, expr: &Expression) -> EvalResult {
        let fail = |why: String| {
            Diagnostic::error("Invalid operand")
                .with_detail(format!("Unsuitable value for {side} operand: {why}."))
                .with_span(self.span_of(expr))
        };
        if v.is_null() {
            return Err(fail(format!("a {} is required", want.friendly_name())));
        }
        convert(v, want).map_err(|e| fail(e.to_string()))
    }

    // ------------------------------------------------------------ for

    fn eval_for(&self, f: &hcl_edit::expr::ForExpr) -> EvalResult {
        let coll = self.eval(&f.intro.collection_expr)?;
        let (coll, marks) = coll.unmark();
        let coll_span = self.span_of(&f.intro.collection_expr);
        if coll.is_null() {
            return Err(Diagnostic::error("Iteration over null value")
                .with_detail("A null value cannot be used as the collection in a 'for' expression.")
                .with_span(coll_span));
        }
        if coll.is_unknown() {
            return Ok(Value::dynamic_unknown().mark(marks));
        }
        if coll.as_seq().is_none() && coll.as_entries().is_none() {
            return Err(Diagnostic::error("Iteration over non-iterable value")
                .with_detail(format!(
                    "A value of type {} cannot be used as the collection in a 'for' expression.",
                    coll.ty().friendly_name()
                ))
                .with_span(coll_span));
        }
        let key_var = f.intro.key_var.as_ref().map(|k| k.value().as_str().to_string());
        let value_var = f.intro.value_var.value().as_str().to_string();
        let mut tuple_out = Vec::new();
        let mut object_out = crate::Fields::new();
        let mut grouped: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut out_marks = marks;
        let mut unknown_result = false;
        for (k, v) in coll.iter_pairs() {
            let n = self.locals.borrow().len();
            if let Some(kv) = &key_var {
                self.locals.borrow_mut().push((kv.clone(), k.clone()));
            }
            self.locals.borrow_mut().push((value_var.clone(), v.clone()));
            let step = (|| -> Result<(), Diagnostic> {
                if let Some(cond) = &f.cond {
                    let c = self.eval(&cond.expr)?;
                    let (c, cm) = c.unmark();
                    out_marks |= cm;
                    if c.is_null() {
                        return Err(Diagnostic::error("Condition is null")
                            .with_detail("The value of the 'if' clause must not be null.")
                            .with_span(self.span_of(&cond.expr)));
                    }
                    let c = convert(&c, &Type::Bool).map_err(|e| {
                        Diagnostic::error("Invalid 'for' condition")
                            .with_detail(format!("The 'if' clause value is invalid: {e}."))
                            .with_span(self.span_of(&cond.expr))
                    })?;
                    if c.is_unknown() {
                        unknown_result = true;
                        return Ok(());
                    }
                    if c.as_bool() == Some(false) {
                        return Ok(());
                    }
                }
                match &f.key_expr {
                    None => tuple_out.push(self.eval(&f.value_expr)?),
                    Some(key_expr) => {
                        let key = self.eval(key_expr)?;
                        let (key, km) = key.unmark();
                        out_marks |= km;
                        if key.is_null() {
                            return Err(Diagnostic::error("Invalid object key")
                                .with_detail("Key expression in 'for' expression must not produce a null value.")
                                .with_span(self.span_of(key_expr)));
                        }
                        if key.is_unknown() {
                            unknown_result = true;
                            return Ok(());
                        }
                        let key = convert(&key, &Type::String).map_err(|e| {
                            Diagnostic::error("Invalid object key")
                                .with_detail(format!("The key expression produced an invalid result: {e}."))
                                .with_span(self.span_of(key_expr))
                        })?;
                        let key = key.as_str().expect("string").to_string();
                        let value = self.eval(&f.value_expr)?;
                        if f.grouping {
                            grouped.entry(key).or_default().push(value);
                        } else {
                            if object_out.contains_key(&key) {
                                return Err(Diagnostic::error("Duplicate object key")
                                    .with_detail(format!(
                                        "Two different items produced the key {key:?} in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key."
                                    ))
                                    .with_span(self.span_of(key_expr)));
                            }
                            object_out.insert(key, value);
                        }
                    }
                }
                Ok(())
            })();
            self.locals.borrow_mut().truncate(n);
            step?;
        }
        if unknown_result {
            return Ok(Value::dynamic_unknown().mark(out_marks));
        }
        Ok(match &f.key_expr {
            None => Value::tuple(tuple_out),
            Some(_) if f.grouping => Value::object(grouped.into_iter().map(|(k, v)| (k, Value::tuple(v))).collect()),
            Some(_) => Value::object(object_out),
        }
        .mark(out_marks))
    }

    // ------------------------------------------------------------ templates

    /// Evaluates a template as HCL does: literal tokens (one per line in
    /// heredocs and template files), `~` strip markers applied to the
    /// adjacent literal token, then the flush-heredoc dedent, then rendering.
    pub fn eval_template(&self, t: &Template, mode: TemplateMode) -> EvalResult {
        let mut tokens = Vec::new();
        self.flatten(t, mode, &mut tokens);
        apply_strip_markers(&mut tokens);
        if mode == (TemplateMode::Heredoc { flush: true }) {
            flush_heredoc(&mut tokens);
        }
        let mut out = String::new();
        let mut marks = Marks::NONE;
        let mut unknown = false;
        let matching = match_directives(&tokens);
        self.render_tokens(&tokens, &matching, 0, tokens.len(), &mut out, &mut marks, &mut unknown)?;
        if unknown {
            return Ok(Value::unknown(Type::String).mark(marks));
        }
        Ok(Value::string(out).mark(marks))
    }

    fn flatten<'t>(&self, t: &'t Template, mode: TemplateMode, out: &mut Vec<TemplateToken<'t>>) {
        for el in t.iter() {
            match el {
                Element::Literal(lit) => {
                    if mode == TemplateMode::Quoted {
                        out.push(TemplateToken::plain(TokenKind::Literal(lit.value().to_string())));
                        continue;
                    }
                    // Heredocs and template files: the source text as written
                    // (no backslash escapes), one token per line.
                    let raw = lit.span().and_then(|r| self.file.text.get(r)).unwrap_or(lit.value().as_str());
                    let raw = raw.replace("$${", "${").replace("%%{", "%{");
                    for line in raw.split_inclusive('\n') {
                        out.push(TemplateToken::plain(TokenKind::Literal(line.to_string())));
                    }
                }
                Element::Interpolation(i) => out.push(TemplateToken::new(TokenKind::Interpolation(&i.expr), i.strip)),
                Element::Directive(d) => match &**d {
                    Directive::If(ifd) => {
                        out.push(TemplateToken::new(TokenKind::If(&ifd.if_expr.cond_expr), ifd.if_expr.strip));
                        self.flatten(&ifd.if_expr.template, mode, out);
                        if let Some(e) = &ifd.else_expr {
                            out.push(TemplateToken::new(TokenKind::Else, e.strip));
                            self.flatten(&e.template, mode, out);
                        }
                        out.push(TemplateToken::new(TokenKind::EndIf, ifd.endif_expr.strip));
                    }
                    Directive::For(fd) => {
                        let f = &fd.for_expr;
                        out.push(TemplateToken::new(
                            TokenKind::For {
                                key: f.key_var.as_ref().map(|k| k.value().as_str()),
                                value: f.value_var.value().as_str(),
                                collection: &f.collection_expr,
                            },
                            f.strip,
                        ));
                        self.flatten(&f.template, mode, out);
                        out.push(TemplateToken::new(TokenKind::EndFor, fd.endfor_expr.strip));
                    }
                },
            }
        }
    }

    /// Renders tokens `from..to`; directive bodies recurse.
    #[allow(clippy::too_many_arguments)]
    fn render_tokens(
        &self,
        tokens: &[TemplateToken],
        matching: &[usize],
        from: usize,
        to: usize,
        out: &mut String,
        marks: &mut Marks,
        unknown: &mut bool,
    ) -> Result<(), Diagnostic> {
        let mut i = from;
        while i < to {
            match &tokens[i].kind {
                TokenKind::Literal(s) => out.push_str(s),
                TokenKind::Interpolation(expr) => {
                    let v = self.eval(expr)?;
                    self.append_interpolation(&v, expr, out, marks, unknown)?;
                }
                TokenKind::If(cond) => {
                    let end = matching[i];
                    let else_at =
                        (i + 1..end).find(|j| matches!(tokens[*j].kind, TokenKind::Else) && matching[*j] == end);
                    let c = self.eval(cond)?;
                    let (c, cm) = c.unmark();
                    *marks |= cm;
                    if c.is_null() {
                        return Err(Diagnostic::error("Invalid 'if' condition")
                            .with_detail("The condition value is null. Conditions must either be true or false.")
                            .with_span(self.span_of(cond)));
                    }
                    let c = convert(&c, &Type::Bool).map_err(|e| {
                        Diagnostic::error("Invalid 'if' condition")
                            .with_detail(format!("The 'if' condition must be a bool: {e}."))
                            .with_span(self.span_of(cond))
                    })?;
                    if c.is_unknown() {
                        *unknown = true;
                    } else if c.as_bool() == Some(true) {
                        self.render_tokens(tokens, matching, i + 1, else_at.unwrap_or(end), out, marks, unknown)?;
                    } else if let Some(e) = else_at {
                        self.render_tokens(tokens, matching, e + 1, end, out, marks, unknown)?;
                    }
                    i = end;
                }
                TokenKind::For { key, value, collection } => {
                    let end = matching[i];
                    let coll = self.eval(collection)?;
                    let (coll, cm) = coll.unmark();
                    *marks |= cm;
                    if coll.is_null() {
                        return Err(Diagnostic::error("Iteration over null value")
                            .with_detail("A null value cannot be used as the collection in a 'for' expression.")
                            .with_span(self.span_of(collection)));
                    }
                    if coll.is_unknown() {
                        *unknown = true;
                    } else if coll.as_seq().is_none() && coll.as_entries().is_none() {
                        return Err(Diagnostic::error("Iteration over non-iterable value")
                            .with_detail(format!(
                                "A value of type {} cannot be used as the collection in a 'for' expression.",
                                coll.ty().friendly_name()
                            ))
                            .with_span(self.span_of(collection)));
                    } else {
                        for (k, v) in coll.iter_pairs() {
                            let n = self.locals.borrow().len();
                            if let Some(kv) = key {
                                self.locals.borrow_mut().push((kv.to_string(), k));
                            }
                            self.locals.borrow_mut().push((value.to_string(), v));
                            let r = self.render_tokens(tokens, matching, i + 1, end, out, marks, unknown);
                            self.locals.borrow_mut().truncate(n);
                            r?;
                        }
                    }
                    i = end;
                }
                TokenKind::Else | TokenKind::EndIf | TokenKind::EndFor => {}
            }
            i += 1;
        }
        Ok(())
    }

    fn append_interpolation(
        &self,
        v: &Value,
        expr: &Expression,
        out: &mut String,
        marks: &mut Marks,
        unknown: &mut bool,
    ) -> Result<(), Diagnostic> {
        let (v, m) = v.clone().unmark();
        *marks |= m;
        if v.is_null() {
            return Err(Diagnostic::error("Invalid template interpolation value")
                .with_detail("The expression result is null. Cannot include a null value in a string template.")
                .with_span(self.span_of(expr)));
        }
        if v.is_unknown() {
            if !matches!(v.ty(), Type::Dynamic) && !v.ty().is_primitive() {
                return Err(self.non_string_interpolation(&v, expr));
            }
            *unknown = true;
            return Ok(());
        }
        match convert(&v, &Type::String) {
            Ok(s) => {
                *marks |= s.marks();
                out.push_str(s.as_str().expect("string"));
                Ok(())
            }
            Err(_) => Err(self.non_string_interpolation(&v, expr)),
        }
    }

    fn non_string_interpolation(&self, v: &Value, expr: &Expression) -> Diagnostic {
        Diagnostic::error("Invalid template interpolation value")
            .with_detail(format!(
                "Cannot include the given value in a string template: string required, but have {}.",
                v.ty().friendly_name()
            ))
            .with_span(self.span_of(expr))
    }
}

/// How a template's literal text is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateMode {
    /// A quoted string: literals with backslash escapes already decoded.
    Quoted,
    /// A heredoc (`<<-` when `flush`) or a template file: source text as written.
    Heredoc { flush: bool },
}

enum TokenKind<'t> {
    Literal(String),
    Interpolation(&'t Expression),
    If(&'t Expression),
    Else,
    EndIf,
    For { key: Option<&'t str>, value: &'t str, collection: &'t Expression },
    EndFor,
}

/// One template token with its `~` markers: `trim_before` for `${~`/`%{~`,
/// `trim_after` for `~}`.
struct TemplateToken<'t> {
    kind: TokenKind<'t>,
    trim_before: bool,
    trim_after: bool,
}

impl<'t> TemplateToken<'t> {
    fn new(kind: TokenKind<'t>, strip: Strip) -> Self {
        TemplateToken {
            kind,
            trim_before: matches!(strip, Strip::Start | Strip::Both),
            trim_after: matches!(strip, Strip::End | Strip::Both),
        }
    }

    fn plain(kind: TokenKind<'t>) -> Self {
        TemplateToken { kind, trim_before: false, trim_after: false }
    }
}

/// HCL's rule: `~}` trims leading whitespace of the very next token when it
/// is a literal; `{~` trims trailing whitespace of the literal token right
/// before it.
fn apply_strip_markers(tokens: &mut [TemplateToken]) {
    let mut trim_next = false;
    for i in 0..tokens.len() {
        let trim = std::mem::take(&mut trim_next);
        if let TokenKind::Literal(s) = &mut tokens[i].kind {
            if trim {
                *s = s.trim_start().to_string();
            }
            continue;
        }
        if tokens[i].trim_before && i > 0 {
            if let TokenKind::Literal(prev) = &mut tokens[i - 1].kind {
                let kept = prev.trim_end().len();
                prev.truncate(kept);
            }
        }
        trim_next = tokens[i].trim_after;
    }
}

/// `<<-` heredocs: remove the smallest indentation of any line from every
/// line, counting a line that starts with a non-literal as unindented and
/// ignoring blank lines — after strip markers, as HCL does.
fn flush_heredoc(tokens: &mut [TemplateToken]) {
    let mut min = usize::MAX;
    let mut adjust = Vec::new();
    let mut at_line_start = true;
    for (i, t) in tokens.iter().enumerate() {
        if at_line_start {
            at_line_start = false;
            match &t.kind {
                TokenKind::Literal(s) => {
                    let trimmed = s.trim_start();
                    if !(trimmed.is_empty() && s.ends_with('\n')) {
                        min = min.min(s[..s.len() - trimmed.len()].chars().count());
                        adjust.push(i);
                    }
                }
                _ => min = 0,
            }
        }
        if let TokenKind::Literal(s) = &t.kind {
            if s.ends_with('\n') {
                at_line_start = true;
            }
        }
    }
    if min == usize::MAX || min == 0 {
        return;
    }
    for i in adjust {
        if let TokenKind::Literal(s) = &mut tokens[i].kind {
            let cut = s.char_indices().nth(min).map_or(s.len(), |(b, _)| b);
            s.replace_range(..cut, "");
        }
    }
}

/// For each `if`/`for` token the index of its `endif`/`endfor`; for each
/// `else` the index of the `endif` it belongs to.
fn match_directives(tokens: &[TemplateToken]) -> Vec<usize> {
    let mut matching = vec![0; tokens.len()];
    let mut open: Vec<usize> = Vec::new();
    let mut elses: Vec<(usize, usize)> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            TokenKind::If(_) | TokenKind::For { .. } => open.push(i),
            TokenKind::Else => elses.push((open.len(), i)),
            TokenKind::EndIf | TokenKind::EndFor => {
                let start = open.pop().expect("hcl-edit balances directives");
                matching[start] = i;
                while let Some(&(depth, e)) = elses.last() {
                    if depth != open.len() + 1 {
                        break;
                    }
                    matching[e] = i;
                    elses.pop();
                }
            }
            _ => {}
        }
    }
    matching
}

/// Parses and evaluates a standalone expression (console, tests).
pub fn parse_expression(text: &str, file: &Arc<SourceFile>) -> Result<Expression, Diagnostic> {
    crate::syntax::parse_expr(file, text.trim_end())
}

/// "Unsupported attribute" for an object (known or not) without `name`.
fn no_such_attribute<'a>(name: &str, names: impl Iterator<Item = &'a str>, span: &Span) -> Diagnostic {
    let mut detail = format!("This object does not have an attribute named {name:?}.");
    if let Some(s) = strata_diag::did_you_mean(name, names) {
        detail = format!("This object does not have an attribute named {name:?}. Did you mean {s:?}?");
    }
    Diagnostic::error("Unsupported attribute").with_detail(detail).with_span(span.clone())
}
