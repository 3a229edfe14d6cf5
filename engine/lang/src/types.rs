//! Terraform's type system (cty's): primitives, collections, structural
//! types and the `any` placeholder.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// `any`: the type is not known yet, or any type is accepted.
    Dynamic,
    Bool,
    Number,
    String,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Arc<Vec<Type>>),
    Object(Arc<ObjectType>),
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ObjectType {
    pub attrs: BTreeMap<String, Type>,
    /// Attributes declared `optional(...)` in a type constraint.
    pub optional: BTreeSet<String>,
}

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }
    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }
    pub fn tuple(ts: Vec<Type>) -> Type {
        Type::Tuple(Arc::new(ts))
    }
    pub fn object(attrs: BTreeMap<String, Type>) -> Type {
        Type::Object(Arc::new(ObjectType { attrs, optional: BTreeSet::new() }))
    }
    pub fn empty_object() -> Type {
        Type::object(BTreeMap::new())
    }

    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::Bool | Type::Number | Type::String)
    }

    pub fn is_collection(&self) -> bool {
        matches!(self, Type::List(_) | Type::Set(_) | Type::Map(_))
    }

    /// The element type of a list, set or map.
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Set(t) | Type::Map(t) => Some(t),
            _ => None,
        }
    }

    /// True when no part of the type is `any`.
    pub fn is_concrete(&self) -> bool {
        match self {
            Type::Dynamic => false,
            Type::Bool | Type::Number | Type::String => true,
            Type::List(t) | Type::Set(t) | Type::Map(t) => t.is_concrete(),
            Type::Tuple(ts) => ts.iter().all(Type::is_concrete),
            Type::Object(o) => o.attrs.values().all(Type::is_concrete),
        }
    }

    /// Terraform's short name: "string", "list of number", "object".
    pub fn friendly_name(&self) -> String {
        match self {
            Type::Dynamic => "dynamic".into(),
            Type::Bool => "bool".into(),
            Type::Number => "number".into(),
            Type::String => "string".into(),
            Type::List(t) => format!("list of {}", t.friendly_name()),
            Type::Set(t) => format!("set of {}", t.friendly_name()),
            Type::Map(t) => format!("map of {}", t.friendly_name()),
            Type::Tuple(_) => "tuple".into(),
            Type::Object(_) => "object".into(),
        }
    }

    /// cty's JSON type encoding, as in `output -json` and state files.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Type::Dynamic => json!("dynamic"),
            Type::Bool => json!("bool"),
            Type::Number => json!("number"),
            Type::String => json!("string"),
            Type::List(t) => json!(["list", t.to_json()]),
            Type::Set(t) => json!(["set", t.to_json()]),
            Type::Map(t) => json!(["map", t.to_json()]),
            Type::Tuple(ts) => json!(["tuple", ts.iter().map(Type::to_json).collect::<Vec<_>>()]),
            Type::Object(o) => {
                let attrs: serde_json::Map<String, serde_json::Value> =
                    o.attrs.iter().map(|(k, t)| (k.clone(), t.to_json())).collect();
                if o.optional.is_empty() {
                    json!(["object", attrs])
                } else {
                    json!(["object", attrs, o.optional.iter().collect::<Vec<_>>()])
                }
            }
        }
    }

    pub fn from_json(v: &serde_json::Value) -> Option<Type> {
        use serde_json::Value as J;
        match v {
            J::String(s) => match s.as_str() {
                "dynamic" => Some(Type::Dynamic),
                "bool" => Some(Type::Bool),
                "number" => Some(Type::Number),
                "string" => Some(Type::String),
                _ => None,
            },
            J::Array(a) => match (a.first()?.as_str()?, a.get(1)?) {
                ("list", t) => Some(Type::list(Type::from_json(t)?)),
                ("set", t) => Some(Type::set(Type::from_json(t)?)),
                ("map", t) => Some(Type::map(Type::from_json(t)?)),
                ("tuple", J::Array(ts)) => Some(Type::tuple(ts.iter().map(Type::from_json).collect::<Option<_>>()?)),
                ("object", J::Object(attrs)) => {
                    let attrs =
                        attrs.iter().map(|(k, t)| Some((k.clone(), Type::from_json(t)?))).collect::<Option<_>>()?;
                    let optional = match a.get(2) {
                        Some(J::Array(o)) => o.iter().filter_map(|s| s.as_str().map(String::from)).collect(),
                        _ => BTreeSet::new(),
                    };
                    Some(Type::Object(Arc::new(ObjectType { attrs, optional })))
                }
                _ => None,
            },
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    /// Terraform's type constraint syntax: `list(string)`, `object({a=number})`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Dynamic => f.write_str("any"),
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Tuple(ts) => {
                f.write_str("tuple([")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
            Type::Object(o) => {
                f.write_str("object({")?;
                for (i, (k, t)) in o.attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if o.optional.contains(k) {
                        write!(f, "{k}=optional({t})")?;
                    } else {
                        write!(f, "{k}={t}")?;
                    }
                }
                f.write_str("})")
            }
        }
    }
}

impl fmt::Debug for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
