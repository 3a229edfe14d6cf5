//! Reading attributes of values and building typed objects: what every
//! provider's code does with the values the engine passes it.

use crate::{Block, Nesting};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};

/// An attribute of an object value (null when absent).
pub fn attr(v: &Value, name: &str) -> Value {
    v.as_entries().and_then(|m| m.get(name).cloned()).unwrap_or_else(Value::dynamic_null)
}

/// A string attribute's text (None when null or unknown).
pub fn str_attr(v: &Value, name: &str) -> Option<String> {
    attr(v, name).unmark_deep().0.as_str().map(String::from)
}

/// A non-empty string attribute's text.
pub fn nonempty(v: &Value, name: &str) -> Option<String> {
    str_attr(v, name).filter(|s| !s.is_empty())
}

/// A whole-number attribute (None when null, unknown or not whole).
pub fn int_attr(v: &Value, name: &str) -> Option<i64> {
    attr(v, name).unmark_deep().0.as_number().and_then(|n| n.to_i64())
}

pub fn bool_attr(v: &Value, name: &str) -> Option<bool> {
    attr(v, name).unmark_deep().0.as_bool()
}

/// A copy of object `v` with `name` set to `value`.
pub fn with_attr(v: &Value, name: &str, value: Value) -> Value {
    let mut m: strata_lang::Fields = v.as_entries().cloned().unwrap_or_default();
    m.insert(name.to_string(), value);
    Value::object(m).mark(v.marks())
}

/// An object of `block`'s type: the given attributes converted to their
/// schema types, every other attribute and block null (or empty for sets).
pub fn object<'a>(block: &Block, values: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    let given: BTreeMap<&str, Value> = values.into_iter().collect();
    let mut out = strata_lang::Fields::new();
    for (name, a) in &block.attributes {
        let v = match given.get(name.as_str()) {
            Some(v) => strata_lang::convert::convert(v, &a.ty).unwrap_or_else(|_| Value::null(a.ty.clone())),
            None => Value::null(a.ty.clone()),
        };
        out.insert(name.clone(), v);
    }
    for (name, b) in &block.blocks {
        let ty = b.block.implied_type();
        let v = match given.get(name.as_str()) {
            Some(v) => v.clone(),
            None => match b.nesting {
                Nesting::Set => Value::set(ty, Vec::new()),
                Nesting::List => Value::list(ty, Vec::new()),
                _ => Value::null(ty),
            },
        };
        out.insert(name.clone(), v);
    }
    Value::object(out)
}

pub fn string_map(m: &BTreeMap<String, String>) -> Value {
    Value::map(Type::String, m.iter().map(|(k, v)| (k.clone(), Value::string(v.as_str()))).collect())
}

/// A known map(string) value's entries (null → empty).
pub fn map_of(v: &Value) -> BTreeMap<String, String> {
    let v = v.unmark_deep().0;
    v.as_entries()
        .map(|m| m.iter().filter_map(|(k, x)| x.as_str().map(|s| (k.clone(), s.to_string()))).collect())
        .unwrap_or_default()
}

pub fn string_list(items: impl IntoIterator<Item = String>) -> Value {
    Value::list(Type::String, items.into_iter().map(|s| Value::string(s.as_str())).collect())
}

/// The strings of a known list or set (null → empty).
pub fn strings_of(v: &Value) -> Vec<String> {
    let v = v.unmark_deep().0;
    v.as_seq().map(|s| s.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
}
