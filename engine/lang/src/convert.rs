//! Terraform's automatic type conversions (cty's `convert` package):
//! primitive string/number/bool conversions, collection and structural
//! conversions, and type unification for conditionals and collections.

use crate::number::Number;
use crate::types::{ObjectType, Type};
use crate::value::{Kind, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Why a value could not be converted; `path` is Terraform's prefix
/// (`attribute "a": `, `element 0: `).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

fn err(message: impl Into<String>) -> ConvertError {
    ConvertError { path: String::new(), message: message.into() }
}

fn at(prefix: String, mut e: ConvertError) -> ConvertError {
    e.path = if e.path.is_empty() { prefix } else { format!("{prefix}.{}", e.path.trim_start_matches('.')) };
    if e.path.contains(": ") {
        // keep nested paths readable
    }
    e
}

fn attr_path(name: &str) -> String {
    format!("attribute {name:?}")
}

fn elem_path(i: usize) -> String {
    format!("element {i}")
}

/// The type without optional-attribute annotations (what values get).
pub fn strip_optional(t: &Type) -> Type {
    match t {
        Type::List(e) => Type::list(strip_optional(e)),
        Type::Set(e) => Type::set(strip_optional(e)),
        Type::Map(e) => Type::map(strip_optional(e)),
        Type::Tuple(ts) => Type::tuple(ts.iter().map(strip_optional).collect()),
        Type::Object(o) => Type::object(o.attrs.iter().map(|(k, v)| (k.clone(), strip_optional(v))).collect()),
        t => t.clone(),
    }
}

/// Converts `v` to type `want`, as Terraform does for variables, function
/// arguments and operators. Marks are kept.
pub fn convert(v: &Value, want: &Type) -> Result<Value, ConvertError> {
    if *want == Type::Dynamic {
        return Ok(v.clone());
    }
    let marks = v.marks();
    let out = match v.kind() {
        Kind::Null(_) => Value::null(strip_optional(want)),
        Kind::Unknown(have) => {
            if *have != Type::Dynamic && !convertible(have, want) {
                return Err(err(format!("{} required", want_name(want))));
            }
            Value::unknown(strip_optional(want))
        }
        _ => convert_known(v, want)?,
    };
    Ok(out.mark(marks))
}

fn want_name(want: &Type) -> String {
    match want {
        Type::Object(_) => "object".into(),
        Type::Tuple(_) => "tuple".into(),
        t => t.friendly_name(),
    }
}

fn convert_known(v: &Value, want: &Type) -> Result<Value, ConvertError> {
    match (v.kind(), want) {
        (Kind::String(_), Type::String) | (Kind::Number(_), Type::Number) | (Kind::Bool(_), Type::Bool) => {
            Ok(v.clone().unmark().0)
        }
        (Kind::Number(n), Type::String) => Ok(Value::string(n.to_string())),
        (Kind::Bool(b), Type::String) => Ok(Value::string(if *b { "true" } else { "false" })),
        (Kind::String(s), Type::Number) => Number::parse(s)
            .ok()
            .filter(|_| !s.trim().is_empty() && s.trim() == &**s)
            .map(Value::number)
            .ok_or_else(|| err("a number is required")),
        (Kind::String(s), Type::Bool) => match &**s {
            "true" | "1" => Ok(Value::bool(true)),
            "false" | "0" => Ok(Value::bool(false)),
            other => match other.to_ascii_lowercase().as_str() {
                "true" => Err(err("a bool is required; to convert from string, use lowercase \"true\"")),
                "false" => Err(err("a bool is required; to convert from string, use lowercase \"false\"")),
                _ => Err(err("a bool is required")),
            },
        },
        (Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items), Type::List(elem)) => {
            let elem = element_target(items.iter(), elem)?;
            let converted = convert_each(items.iter(), &elem)?;
            Ok(Value::list(elem, converted))
        }
        (Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items), Type::Set(elem)) => {
            let elem = element_target(items.iter(), elem)?;
            let converted = convert_each(items.iter(), &elem)?;
            Ok(Value::set(elem, converted))
        }
        (Kind::Map(_, items) | Kind::Object(items), Type::Map(elem)) => {
            let elem = element_target(items.values(), elem)?;
            let mut out = crate::Fields::new();
            for (k, x) in items.iter() {
                out.insert(k.clone(), convert(x, &elem).map_err(|e| at(format!("element {k:?}"), e))?);
            }
            Ok(Value::map(elem, out))
        }
        (Kind::List(_, items) | Kind::Tuple(items), Type::Tuple(types)) => {
            if items.len() != types.len() {
                return Err(err(format!("tuple required with {} elements", types.len())));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, (x, t)) in items.iter().zip(types.iter()).enumerate() {
                out.push(convert(x, t).map_err(|e| at(elem_path(i), e))?);
            }
            Ok(Value::tuple(out))
        }
        (Kind::Map(_, items) | Kind::Object(items), Type::Object(o)) => convert_to_object(items, o),
        (_, want) => Err(err(format!("{} required", want_name(want)))),
    }
}

fn convert_to_object(items: &crate::Fields, o: &Arc<ObjectType>) -> Result<Value, ConvertError> {
    // Like cty, every missing attribute is named before any value is converted.
    let missing: Vec<String> = o
        .attrs
        .keys()
        .filter(|name| !items.contains_key(name) && !o.optional.contains(*name))
        .map(|name| format!("{name:?}"))
        .collect();
    match missing.as_slice() {
        [] => {}
        [one] => return Err(err(format!("attribute {one} is required"))),
        [first, second] => return Err(err(format!("attributes {first} and {second} are required"))),
        [rest @ .., last] => return Err(err(format!("attributes {}, and {last} are required", rest.join(", ")))),
    }
    let mut out = crate::Fields::new();
    for (name, t) in &o.attrs {
        match items.get(name) {
            Some(x) => {
                out.insert(name.clone(), convert(x, t).map_err(|e| at(attr_path(name), e))?);
            }
            None if o.optional.contains(name) => {
                out.insert(name.clone(), Value::null(strip_optional(t)));
            }
            None => return Err(err(format!("attribute {name:?} is required"))),
        }
    }
    Ok(Value::object(out))
}

fn convert_each<'a>(items: impl Iterator<Item = &'a Value>, elem: &Type) -> Result<Vec<Value>, ConvertError> {
    items.enumerate().map(|(i, x)| convert(x, elem).map_err(|e| at(elem_path(i), e))).collect()
}

/// The element type to convert to: `want`, or (for `any`) the unified type
/// of the elements.
fn element_target<'a>(items: impl Iterator<Item = &'a Value>, want: &Type) -> Result<Type, ConvertError> {
    if want.is_concrete() {
        return Ok(strip_optional(want));
    }
    let types: Vec<Type> = items.map(Value::ty).collect();
    if types.is_empty() {
        return Ok(strip_optional(want));
    }
    if *want == Type::Dynamic {
        return unify(&types).ok_or_else(|| err("all elements must have the same type"));
    }
    Ok(strip_optional(want))
}

/// Whether a value of type `have` could convert to `want`, judged on types alone.
pub fn convertible(have: &Type, want: &Type) -> bool {
    match (have, want) {
        (_, Type::Dynamic) | (Type::Dynamic, _) => true,
        (a, b) if a == b => true,
        (a, b) if a.is_primitive() && b.is_primitive() => {
            !matches!((a, b), (Type::Number, Type::Bool) | (Type::Bool, Type::Number))
        }
        (Type::List(a) | Type::Set(a), Type::List(b) | Type::Set(b)) => convertible(a, b),
        (Type::Tuple(ts), Type::List(b) | Type::Set(b)) => ts.iter().all(|t| convertible(t, b)),
        (Type::Map(a), Type::Map(b)) => convertible(a, b),
        (Type::Object(o), Type::Map(b)) => o.attrs.values().all(|t| convertible(t, b)),
        (Type::Tuple(a), Type::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| convertible(x, y))
        }
        (Type::List(_), Type::Tuple(_)) => true,
        (Type::Object(a), Type::Object(b)) => {
            b.attrs.iter().all(|(k, t)| a.attrs.get(k).map_or(b.optional.contains(k), |have| convertible(have, t)))
        }
        (Type::Map(a), Type::Object(b)) => b.attrs.values().all(|t| convertible(a, t)),
        _ => false,
    }
}

/// A single type every one of `types` converts to, as cty's Unify.
pub fn unify(types: &[Type]) -> Option<Type> {
    let first = types.first()?;
    if types.iter().all(|t| t == first) {
        return Some(first.clone());
    }
    let known: Vec<&Type> = types.iter().filter(|t| **t != Type::Dynamic).collect();
    if known.len() < types.len() {
        return Some(Type::Dynamic);
    }
    if known.iter().all(|t| t.is_primitive()) {
        return Some(Type::String).filter(|_| known.iter().all(|t| convertible(t, &Type::String)));
    }
    if known.iter().all(|t| matches!(t, Type::Object(_))) {
        let objs: Vec<&ObjectType> =
            known.iter().filter_map(|t| if let Type::Object(o) = t { Some(&**o) } else { None }).collect();
        let same_keys = objs.windows(2).all(|w| w[0].attrs.keys().eq(w[1].attrs.keys()));
        if same_keys {
            let mut attrs = BTreeMap::new();
            for k in objs[0].attrs.keys() {
                let ts: Vec<Type> = objs.iter().map(|o| o.attrs[k].clone()).collect();
                attrs.insert(k.clone(), unify(&ts)?);
            }
            return Some(Type::object(attrs));
        }
        let all: Vec<Type> = objs.iter().flat_map(|o| o.attrs.values().cloned()).collect();
        return Some(Type::map(if all.is_empty() { Type::Dynamic } else { unify(&all)? }));
    }
    if known.iter().all(|t| matches!(t, Type::Tuple(_))) {
        let tuples: Vec<&Vec<Type>> =
            known.iter().filter_map(|t| if let Type::Tuple(ts) = t { Some(&**ts) } else { None }).collect();
        if tuples.windows(2).all(|w| w[0].len() == w[1].len()) {
            let mut out = Vec::new();
            for i in 0..tuples[0].len() {
                let ts: Vec<Type> = tuples.iter().map(|t| t[i].clone()).collect();
                out.push(unify(&ts)?);
            }
            return Some(Type::tuple(out));
        }
        let all: Vec<Type> = tuples.iter().flat_map(|t| t.iter().cloned()).collect();
        return Some(Type::list(if all.is_empty() { Type::Dynamic } else { unify(&all)? }));
    }
    // Collections of one kind (possibly mixed with structural types of the matching shape).
    let elem_of = |t: &Type| -> Option<(u8, Vec<Type>)> {
        match t {
            Type::List(e) => Some((0, vec![(**e).clone()])),
            Type::Set(e) => Some((1, vec![(**e).clone()])),
            Type::Map(e) => Some((2, vec![(**e).clone()])),
            Type::Tuple(ts) => Some((0, ts.to_vec())),
            Type::Object(o) => Some((2, o.attrs.values().cloned().collect())),
            _ => None,
        }
    };
    let parts: Vec<(u8, Vec<Type>)> = known.iter().map(|t| elem_of(t)).collect::<Option<_>>()?;
    let kind = parts[0].0;
    if parts.iter().any(|p| p.0 != kind) {
        return None;
    }
    let all: Vec<Type> = parts.into_iter().flat_map(|p| p.1).collect();
    let elem = if all.is_empty() { Type::Dynamic } else { unify(&all)? };
    Some(match kind {
        0 => Type::list(elem),
        1 => Type::set(elem),
        _ => Type::map(elem),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives_convert_as_terraform() {
        assert_eq!(convert(&Value::int(5), &Type::String).unwrap().as_str(), Some("5"));
        assert_eq!(convert(&Value::string("10"), &Type::Number).unwrap().as_number().unwrap().to_string(), "10");
        assert!(convert(&Value::string("a"), &Type::Number).is_err());
        assert_eq!(convert(&Value::string("true"), &Type::Bool).unwrap().as_bool(), Some(true));
        assert_eq!(
            convert(&Value::string("True"), &Type::Bool).unwrap_err().message,
            "a bool is required; to convert from string, use lowercase \"true\""
        );
        assert!(convert(&Value::int(1), &Type::Bool).is_err());
    }

    #[test]
    fn tuples_become_lists_of_a_unified_type() {
        let t = Value::tuple(vec![Value::int(1), Value::string("a")]);
        let l = convert(&t, &Type::list(Type::Dynamic)).unwrap();
        assert_eq!(l.ty(), Type::list(Type::String));
        let e = convert(&Value::tuple(vec![Value::string("a")]), &Type::list(Type::Number)).unwrap_err();
        assert_eq!(e.to_string(), "element 0: a number is required");
    }

    #[test]
    fn unknown_and_marks_survive() {
        let v = convert(&Value::unknown(Type::Number).mark_sensitive(), &Type::String).unwrap();
        assert!(v.is_unknown() && v.is_sensitive());
        assert_eq!(v.ty(), Type::String);
    }
}
