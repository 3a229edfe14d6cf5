//! Type constraint expressions (`type = list(object({ a = optional(string, "x") }))`)
//! and the defaults that `optional(type, default)` declares.

use crate::convert::convert;
use crate::eval::{EmptyScope, Evaluator};
use crate::functions::{CallContext, Functions};
use crate::types::{ObjectType, Type};
use crate::value::{Kind, Value};
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::Span as _;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use strata_diag::{Diagnostic, SourceFile, Span};

/// Defaults for optional object attributes, mirroring the type's shape.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    /// Default values of this object's own optional attributes.
    pub attrs: BTreeMap<String, Value>,
    /// Defaults nested inside attributes (object attrs) or elements (`""` key for collection elements).
    pub children: BTreeMap<String, Defaults>,
}

impl Defaults {
    pub fn is_empty(&self) -> bool {
        self.attrs.is_empty() && self.children.is_empty()
    }
}

/// A parsed type constraint.
#[derive(Debug, Clone)]
pub struct TypeConstraint {
    pub ty: Type,
    pub defaults: Defaults,
}

pub fn parse_type(expr: &Expression, file: &Arc<SourceFile>) -> Result<TypeConstraint, Diagnostic> {
    let mut p = Parser { file };
    let (ty, defaults) = p.ty(expr)?;
    Ok(TypeConstraint { ty, defaults })
}

struct Parser<'a> {
    file: &'a Arc<SourceFile>,
}

impl Parser<'_> {
    fn err(&self, e: &Expression, detail: impl Into<String>) -> Diagnostic {
        Diagnostic::error("Invalid type specification")
            .with_detail(detail)
            .with_span(Span::new(self.file, e.span().unwrap_or(0..0)))
    }

    fn ty(&mut self, e: &Expression) -> Result<(Type, Defaults), Diagnostic> {
        match e {
            Expression::Variable(v) => match v.value().as_str() {
                "string" => Ok((Type::String, Defaults::default())),
                "number" => Ok((Type::Number, Defaults::default())),
                "bool" => Ok((Type::Bool, Defaults::default())),
                "any" => Ok((Type::Dynamic, Defaults::default())),
                "list" | "set" | "map" => Err(self.err(e, format!(
                    "The {} type constructor requires one argument specifying the element type.",
                    v.value().as_str()
                ))),
                other => Err(self.err(e, format!("The keyword {other:?} is not a valid type specification."))),
            },
            // Terraform 0.11 quoted types, still accepted with a warning in Terraform.
            Expression::String(s) => match s.value().as_str() {
                "string" => Ok((Type::String, Defaults::default())),
                "list" => Ok((Type::list(Type::Dynamic), Defaults::default())),
                "map" => Ok((Type::map(Type::Dynamic), Defaults::default())),
                _ => Err(self.err(e, "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).")),
            },
            Expression::FuncCall(call) => {
                let name = call.name.name.value().as_str();
                let args: Vec<&Expression> = call.args.iter().collect();
                match name {
                    "list" | "set" | "map" => {
                        if args.len() != 1 {
                            return Err(self.err(e, format!("The {name} type constructor requires one argument specifying the element type.")));
                        }
                        let (elem, d) = self.ty(args[0])?;
                        let mut defaults = Defaults::default();
                        if !d.is_empty() {
                            defaults.children.insert(String::new(), d);
                        }
                        let t = match name {
                            "list" => Type::list(elem),
                            "set" => Type::set(elem),
                            _ => Type::map(elem),
                        };
                        Ok((t, defaults))
                    }
                    "tuple" => {
                        let [Expression::Array(items)] = args.as_slice() else {
                            return Err(self.err(e, "The tuple type constructor requires one argument specifying the element types as a list."));
                        };
                        let mut types = Vec::new();
                        let mut defaults = Defaults::default();
                        for (i, item) in items.iter().enumerate() {
                            let (t, d) = self.ty(item)?;
                            if !d.is_empty() {
                                defaults.children.insert(i.to_string(), d);
                            }
                            types.push(t);
                        }
                        Ok((Type::tuple(types), defaults))
                    }
                    "object" => {
                        let [Expression::Object(obj)] = args.as_slice() else {
                            return Err(self.err(e, "The object type constructor requires one argument specifying the attribute types as a map."));
                        };
                        let mut attrs = BTreeMap::new();
                        let mut optional = BTreeSet::new();
                        let mut defaults = Defaults::default();
                        for (k, v) in obj.iter() {
                            let key = match k {
                                ObjectKey::Ident(id) => id.value().as_str().to_string(),
                                ObjectKey::Expression(Expression::String(s)) => s.value().as_str().to_string(),
                                ObjectKey::Expression(Expression::Variable(s)) => s.value().as_str().to_string(),
                                ObjectKey::Expression(k) => return Err(self.err(k, "Object constructor map keys must be attribute names.")),
                            };
                            let ve = v.expr();
                            if let Expression::FuncCall(oc) = ve {
                                if oc.name.name.value().as_str() == "optional" {
                                    let oargs: Vec<&Expression> = oc.args.iter().collect();
                                    if oargs.is_empty() || oargs.len() > 2 {
                                        return Err(self.err(ve, "Optional attribute modifier expects at most two arguments: an attribute type, and a default value."));
                                    }
                                    let (t, d) = self.ty(oargs[0])?;
                                    if !d.is_empty() {
                                        defaults.children.insert(key.clone(), d);
                                    }
                                    if let Some(dexpr) = oargs.get(1) {
                                        let functions = Functions::builtin();
                                        let ctx = CallContext::default();
                                        let ev = Evaluator::new(&EmptyScope, &functions, &ctx, self.file);
                                        let dv = ev.eval(dexpr)?;
                                        let dv = convert(&dv, &t).map_err(|err| {
                                            self.err(dexpr, format!("Invalid default value for optional attribute: {err}."))
                                        })?;
                                        defaults.attrs.insert(key.clone(), dv);
                                    }
                                    optional.insert(key.clone());
                                    attrs.insert(key, t);
                                    continue;
                                }
                            }
                            let (t, d) = self.ty(ve)?;
                            if !d.is_empty() {
                                defaults.children.insert(key.clone(), d);
                            }
                            attrs.insert(key, t);
                        }
                        Ok((Type::Object(Arc::new(ObjectType { attrs, optional })), defaults))
                    }
                    "optional" => Err(self.err(e, "Keyword \"optional\" is valid only as a modifier for object type attributes.")),
                    other => Err(self.err(e, format!("Keyword {other:?} is not a valid type constructor."))),
                }
            }
            _ => Err(self.err(e, "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).")),
        }
    }
}

/// Applies `optional(..., default)` defaults to a value before conversion:
/// missing or null optional attributes get their defaults, recursively.
pub fn apply_defaults(v: &Value, ty: &Type, d: &Defaults) -> Value {
    if d.is_empty() || v.is_null() || v.is_unknown() {
        return v.clone();
    }
    let marks = v.marks();
    let out = match (v.kind(), ty) {
        (Kind::Object(attrs) | Kind::Map(_, attrs), Type::Object(o)) => {
            let mut out: crate::Fields = (**attrs).clone();
            for (k, dv) in &d.attrs {
                let missing = out.get(k).is_none_or(Value::is_null);
                if missing {
                    out.insert(k.clone(), dv.clone());
                }
            }
            for (k, cd) in &d.children {
                if let (Some(cv), Some(ct)) = (out.get(k), o.attrs.get(k)) {
                    let nv = apply_defaults(cv, ct, cd);
                    out.insert(k.clone(), nv);
                }
            }
            Value::object(out)
        }
        (Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items), Type::List(et) | Type::Set(et)) => {
            match d.children.get("") {
                Some(cd) => Value::tuple(items.iter().map(|x| apply_defaults(x, et, cd)).collect()),
                None => v.clone(),
            }
        }
        (Kind::Map(_, items) | Kind::Object(items), Type::Map(et)) => match d.children.get("") {
            Some(cd) => Value::object(items.iter().map(|(k, x)| (k.clone(), apply_defaults(x, et, cd))).collect()),
            None => v.clone(),
        },
        (Kind::Tuple(items) | Kind::List(_, items), Type::Tuple(ts)) => Value::tuple(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| match (d.children.get(&i.to_string()), ts.get(i)) {
                    (Some(cd), Some(t)) => apply_defaults(x, t, cd),
                    _ => x.clone(),
                })
                .collect(),
        ),
        _ => v.clone(),
    };
    out.mark(marks)
}
