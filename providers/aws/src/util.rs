//! Small helpers over values: reading attributes, building typed objects.

use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, NestedBlock, Nesting};

pub use strata_provider::values::{
    attr, bool_attr, int_attr, map_of, nonempty, object, str_attr, string_list, string_map, strings_of, with_attr,
};

/// A positive whole-number attribute that fits an AWS `Integer`.
pub fn positive_i32_attr(v: &Value, name: &str) -> Option<i32> {
    let n = attr(v, name).unmark_deep().0.as_number().and_then(|n| n.to_i64());
    n.and_then(|n| i32::try_from(n).ok()).filter(|n| *n > 0)
}

/// A schema's attributes from `(name, attribute)` pairs.
pub fn attrs(list: Vec<(&str, Attribute)>) -> BTreeMap<String, Attribute> {
    list.into_iter().map(|(k, a)| (k.to_string(), a)).collect()
}

/// A block written at most once (the plugin SDK's `MaxItems: 1` list).
pub fn single(block: Block) -> NestedBlock {
    NestedBlock { nesting: Nesting::List, block, min_items: 0, max_items: 1 }
}

/// A block written any number of times, unordered.
pub fn set_of(block: Block) -> NestedBlock {
    NestedBlock { nesting: Nesting::Set, block, min_items: 0, max_items: 0 }
}

/// A whole-number attribute that fits an AWS `Integer`.
pub fn i32_attr(v: &Value, name: &str) -> Option<i32> {
    int_attr(v, name).and_then(|n| i32::try_from(n).ok())
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

/// The zero value the plugin SDK stores for an unset argument of type `ty`.
pub fn zero(ty: &Type) -> Value {
    match ty {
        Type::String => Value::string(""),
        Type::Number => Value::int(0),
        Type::Bool => Value::bool(false),
        Type::List(t) => Value::list((**t).clone(), Vec::new()),
        Type::Set(t) => Value::set((**t).clone(), Vec::new()),
        Type::Map(t) => Value::map((**t).clone(), Default::default()),
        other => Value::null(other.clone()),
    }
}

/// One nested block item as the plugin SDK stores it: each unset
/// optional argument takes its default from `defaults` (by dotted path
/// under `path`, `forward.target_group.weight`) or its zero value;
/// optional-and-computed ones are left for the caller. Nested blocks are
/// completed likewise; unknown values are left as they are.
pub fn complete(item: &Value, block: &Block, path: &str, defaults: &[(&str, Value)]) -> Value {
    if item.is_null() || !item.is_known() {
        return item.clone();
    }
    let mut out = item.clone();
    for (name, a) in &block.attributes {
        if !a.optional || a.computed || !attr(item, name).is_null() {
            continue;
        }
        let key = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
        let value = defaults.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()).unwrap_or_else(|| zero(&a.ty));
        out = with_attr(&out, name, value);
    }
    for (name, nested) in &block.blocks {
        let key = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
        out = with_attr(&out, name, complete_items(&attr(item, name), &nested.block, nested.nesting, &key, defaults));
    }
    out
}

/// Every item of a list or set block `v`, completed (see `complete`).
pub fn complete_items(v: &Value, block: &Block, nesting: Nesting, path: &str, defaults: &[(&str, Value)]) -> Value {
    let Some(items) = v.as_seq() else { return v.clone() };
    let items: Vec<Value> = items.iter().map(|i| complete(i, block, path, defaults)).collect();
    let ty = block.implied_type();
    let out = if nesting == Nesting::Set { Value::set(ty, items) } else { Value::list(ty, items) };
    out.mark(v.marks())
}

/// The items of a list or set block (empty when null or unknown).
pub fn items(v: &Value) -> Vec<Value> {
    v.as_seq().map(|s| s.to_vec()).unwrap_or_default()
}

/// An optional-and-computed block: completed with its defaults where
/// written (its computed arguments as before, or unknown when new), kept
/// as before where left out (unknown when creating).
pub fn plan_computed_block(
    planned: &Value,
    config: &Value,
    prior: &Value,
    name: &str,
    block: &Block,
    defaults: &[(&str, Value)],
) -> Value {
    let written = attr(config, name);
    if items(&written).is_empty() && written.is_known() {
        return if prior.is_null() { Value::unknown(Type::list(block.implied_type())) } else { attr(prior, name) };
    }
    let completed = complete_items(&attr(planned, name), block, Nesting::List, "", defaults);
    let before = items(&attr(prior, name)).first().cloned();
    let Some(items) = completed.as_seq() else { return completed };
    let items = items
        .iter()
        .map(|item| {
            let mut item = item.clone();
            for (attr_name, a) in block.attributes.iter().filter(|(_, a)| a.computed) {
                if attr(&item, attr_name).is_null() {
                    let kept = before.as_ref().map(|b| attr(b, attr_name)).filter(|v| !v.is_null());
                    item = with_attr(&item, attr_name, kept.unwrap_or_else(|| Value::unknown(a.ty.clone())));
                }
            }
            item
        })
        .collect();
    Value::list(block.implied_type(), items).mark(completed.marks())
}

/// Whether two JSON documents mean the same, numbers and booleans compared
/// as their text (AWS returns `"5"` as `5` in some documents) and key
/// order and whitespace ignored; "" is `{}`. Text that is not JSON is
/// equivalent only to itself.
pub fn json_equivalent(a: &str, b: &str) -> bool {
    fn parse(s: &str) -> Option<serde_json::Value> {
        if s.trim().is_empty() {
            return Some(serde_json::json!({}));
        }
        serde_json::from_str(s).ok()
    }
    fn same(x: &serde_json::Value, y: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        let scalar = |v: &J| match v {
            J::String(s) => Some(s.clone()),
            J::Number(n) => Some(n.to_string()),
            J::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        match (x, y) {
            (J::Object(p), J::Object(q)) => {
                p.len() == q.len() && p.iter().all(|(k, v)| q.get(k).is_some_and(|w| same(v, w)))
            }
            (J::Array(p), J::Array(q)) => p.len() == q.len() && p.iter().zip(q).all(|(v, w)| same(v, w)),
            (J::Null, J::Null) => true,
            _ => scalar(x).is_some() && scalar(x) == scalar(y),
        }
    }
    if a == b {
        return true;
    }
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => same(&x, &y),
        _ => false,
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (how Terraform holds binary values).
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of standard base64 text (padding optional); None when it is not base64.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.trim_end_matches('=').bytes().collect();
    if digits.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, d) in chunk.iter().enumerate() {
            let v = BASE64.iter().position(|b| b == d)? as u32;
            n |= v << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod hashcode_tests {
    #[test]
    fn crc32() {
        // crc32("hello") = 0x3610a686.
        assert_eq!(super::hashcode("hello"), 0x3610_a686);
    }

    #[test]
    fn base64_round_trips() {
        for (raw, text) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(super::base64_encode(raw.as_bytes()), text);
            assert_eq!(super::base64_decode(text).unwrap(), raw.as_bytes());
        }
        assert_eq!(super::base64_decode("Zm9vYmE").unwrap(), b"fooba");
        assert!(super::base64_decode("not base64!").is_none());
    }
}
