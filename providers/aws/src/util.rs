//! Small helpers over values: reading attributes, building typed objects.

use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::Block;

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

/// A positive whole-number attribute that fits an AWS `Integer`.
pub fn positive_i32_attr(v: &Value, name: &str) -> Option<i32> {
    let n = attr(v, name).unmark_deep().0.as_number().and_then(|n| n.to_i64());
    n.and_then(|n| i32::try_from(n).ok()).filter(|n| *n > 0)
}

pub fn bool_attr(v: &Value, name: &str) -> Option<bool> {
    attr(v, name).unmark_deep().0.as_bool()
}

/// Whether `v` is a known, non-null zero value: "", false, 0 or an empty
/// collection (what the legacy plugin SDK stores for an unset argument).
pub fn is_zero_value(v: &Value) -> bool {
    let (v, _) = v.unmark_deep();
    if v.is_null() || !v.is_wholly_known() {
        return false;
    }
    if let Some(s) = v.as_str() {
        return s.is_empty();
    }
    if let Some(b) = v.as_bool() {
        return !b;
    }
    if let Some(items) = v.as_seq() {
        return items.is_empty();
    }
    if let Some(entries) = v.as_entries() {
        return entries.is_empty() && !matches!(v.ty(), Type::Object(_));
    }
    v.as_number().is_some_and(|n| n.is_zero())
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
                strata_provider::Nesting::Set => Value::set(ty, Vec::new()),
                strata_provider::Nesting::List => Value::list(ty, Vec::new()),
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

/// The AWS partition of a region.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// An EC2 ARN: `arn:aws:ec2:REGION:ACCOUNT:KIND/ID`.
pub fn ec2_arn(region: &str, account: &str, kind: &str, id: &str) -> String {
    format!("arn:{}:ec2:{region}:{account}:{kind}/{id}", partition(region))
}

/// A cheap random number, for jitter.
pub fn jitter_ms(max: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    h.finish() % max.max(1)
}

/// `v` with every unknown part null (a planned object as an intent keeps it).
pub fn known_or_null(v: &Value) -> Value {
    use strata_lang::Kind;
    let marks = v.marks();
    let out = match v.kind() {
        Kind::Unknown(t) => Value::null(t.clone()),
        Kind::Object(m) => Value::object(m.iter().map(|(k, x)| (k.clone(), known_or_null(x))).collect()),
        Kind::Map(t, m) => Value::map(t.clone(), m.iter().map(|(k, x)| (k.clone(), known_or_null(x))).collect()),
        Kind::List(t, items) => Value::list(t.clone(), items.iter().map(known_or_null).collect()),
        Kind::Set(t, items) => Value::set(t.clone(), items.iter().map(known_or_null).collect()),
        Kind::Tuple(items) => Value::tuple(items.iter().map(known_or_null).collect()),
        _ => return v.clone(),
    };
    out.mark(marks)
}

/// Terraform's `hashcode.String` (the plugin SDK's): the CRC-32 (IEEE) of
/// the text, used in some IDs and data source ids.
pub fn hashcode(s: &str) -> u32 {
    let mut crc: u32 = !0;
    for b in s.bytes() {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A configuration value that is known and not null: what the provider's
/// SDK counts as set when validating (an unknown may still become null).
pub fn is_set(v: &Value) -> bool {
    v.is_known() && !v.is_null()
}

#[cfg(test)]
mod hashcode_tests {
    #[test]
    fn crc32() {
        // crc32("hello") = 0x3610a686.
        assert_eq!(super::hashcode("hello"), 0x3610_a686);
    }
}
