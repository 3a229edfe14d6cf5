//! Values to and from JSON: cty's typed JSON encoding (state, `output -json`)
//! and implied-type decoding (`jsondecode`, `*.tfvars.json`).

use crate::number::Number;
use crate::types::Type;
use crate::value::{Kind, Value};
pub use serde_json::Value as Json;

/// A number as a JSON number, keeping every digit.
pub fn number_to_json(n: &Number) -> Json {
    match n.to_string().parse() {
        Ok(num) => Json::Number(num),
        // JSON has no infinities; callers that must refuse check `is_infinite` first.
        Err(_) => Json::String(n.to_string()),
    }
}

/// Encodes a wholly known value; unknowns become null and marks are ignored
/// (callers redact sensitive values before this).
pub fn to_json(v: &Value) -> Json {
    match v.kind() {
        Kind::Null(_) | Kind::Unknown(_) => Json::Null,
        Kind::Bool(b) => Json::Bool(*b),
        Kind::Number(n) => number_to_json(n),
        Kind::String(s) => Json::String(s.to_string()),
        Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
            Json::Array(items.iter().map(to_json).collect())
        }
        Kind::Map(_, items) | Kind::Object(items) => {
            Json::Object(items.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

/// Decodes JSON with the type it implies: objects become objects, arrays
/// tuples (as `jsondecode`).
pub fn from_json_implied(j: &Json) -> Result<Value, String> {
    Ok(match j {
        Json::Null => Value::dynamic_null(),
        Json::Bool(b) => Value::bool(*b),
        Json::Number(n) => Value::number(Number::parse(&n.to_string()).map_err(|e| e.to_string())?),
        Json::String(s) => Value::string(s.as_str()),
        Json::Array(a) => Value::tuple(a.iter().map(from_json_implied).collect::<Result<_, _>>()?),
        Json::Object(o) => {
            let mut m = crate::Fields::new();
            for (k, v) in o {
                m.insert(k.clone(), from_json_implied(v)?);
            }
            Value::object(m)
        }
    })
}

/// Decodes JSON as a value of a known type (state attributes, outputs).
pub fn from_json_typed(j: &Json, ty: &Type) -> Result<Value, String> {
    if j.is_null() {
        return Ok(Value::null(ty.clone()));
    }
    match ty {
        // Where the schema says "any type", cty stores the type with the value.
        Type::Dynamic => match j.as_object() {
            Some(o) if o.len() == 2 && o.contains_key("value") && o.contains_key("type") => {
                let t = Type::from_json(&o["type"]).ok_or("invalid type in dynamic value")?;
                from_json_typed(&o["value"], &t)
            }
            _ => from_json_implied(j),
        },
        Type::Bool => j.as_bool().map(Value::bool).ok_or_else(|| "bool required".into()),
        Type::Number => match j {
            Json::Number(n) => Number::parse(&n.to_string()).map(Value::number).map_err(|e| e.to_string()),
            Json::String(s) => Number::parse(s).map(Value::number).map_err(|e| e.to_string()),
            _ => Err("number required".into()),
        },
        Type::String => match j {
            Json::String(s) => Ok(Value::string(s.as_str())),
            Json::Number(n) => Ok(Value::string(n.to_string())),
            Json::Bool(b) => Ok(Value::string(b.to_string())),
            _ => Err("string required".into()),
        },
        Type::List(e) | Type::Set(e) => {
            let a = j.as_array().ok_or("array required")?;
            let items = a.iter().map(|x| from_json_typed(x, e)).collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::List(_)) {
                Value::list((**e).clone(), items)
            } else {
                Value::set((**e).clone(), items)
            })
        }
        Type::Map(e) => {
            let o = j.as_object().ok_or("object required")?;
            let mut m = crate::Fields::new();
            for (k, x) in o {
                m.insert(k.clone(), from_json_typed(x, e)?);
            }
            Ok(Value::map((**e).clone(), m))
        }
        Type::Tuple(ts) => {
            let a = j.as_array().ok_or("array required")?;
            if a.len() != ts.len() {
                return Err(format!("tuple of {} elements required", ts.len()));
            }
            Ok(Value::tuple(a.iter().zip(ts.iter()).map(|(x, t)| from_json_typed(x, t)).collect::<Result<_, _>>()?))
        }
        Type::Object(o) => {
            let obj = j.as_object().ok_or("object required")?;
            let mut m = crate::Fields::new();
            for (k, t) in &o.attrs {
                m.insert(
                    k.clone(),
                    match obj.get(k) {
                        Some(x) => from_json_typed(x, t)?,
                        None => Value::null(t.clone()),
                    },
                );
            }
            Ok(Value::object(m))
        }
    }
}

/// Encodes a value as cty does for a known type: where the type is `any`,
/// the value is wrapped as `{"value": ..., "type": ...}` (state files).
pub fn to_json_typed(v: &Value, ty: &Type) -> Json {
    if v.is_null() || v.is_unknown() {
        return Json::Null;
    }
    match (ty, v.kind()) {
        (Type::Dynamic, _) => {
            let mut o = serde_json::Map::new();
            o.insert("value".into(), to_json(v));
            o.insert("type".into(), v.ty().to_json());
            Json::Object(o)
        }
        (Type::List(e) | Type::Set(e), Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items)) => {
            Json::Array(items.iter().map(|x| to_json_typed(x, e)).collect())
        }
        (Type::Tuple(ts), Kind::List(_, items) | Kind::Tuple(items)) => {
            Json::Array(items.iter().zip(ts.iter()).map(|(x, t)| to_json_typed(x, t)).collect())
        }
        (Type::Map(e), Kind::Map(_, items) | Kind::Object(items)) => {
            Json::Object(items.iter().map(|(k, x)| (k.clone(), to_json_typed(x, e))).collect())
        }
        (Type::Object(o), Kind::Map(_, items) | Kind::Object(items)) => Json::Object(
            o.attrs
                .iter()
                .map(|(k, t)| (k.clone(), items.get(k).map_or(Json::Null, |x| to_json_typed(x, t))))
                .collect(),
        ),
        _ => to_json(v),
    }
}

/// [`from_json_typed`] straight from JSON text, without building the
/// generic JSON tree first (state attributes: once per object a plan reads).
pub fn from_json_str_typed(text: &str, ty: &Type) -> Result<Value, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = serde::de::DeserializeSeed::deserialize(Typed(ty), &mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(v)
}

/// Decodes one JSON value as `Type`.
struct Typed<'t>(&'t Type);

impl<'de> serde::de::DeserializeSeed<'de> for Typed<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        use serde::de::Error;
        match self.0 {
            // `{"value": ..., "type": ...}` in either order, or implied:
            // read whole, as `from_json_typed` does.
            Type::Dynamic => {
                let j = <Json as serde::Deserialize>::deserialize(d)?;
                from_json_typed(&j, self.0).map_err(D::Error::custom)
            }
            Type::Number => {
                let j = <Json as serde::Deserialize>::deserialize(d)?;
                from_json_typed(&j, self.0).map_err(D::Error::custom)
            }
            _ => d.deserialize_any(TypedVisitor(self.0)),
        }
    }
}

struct TypedVisitor<'t>(&'t Type);

impl<'de> serde::de::Visitor<'de> for TypedVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "a JSON value of type {:?}", self.0)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::null(self.0.clone()))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::null(self.0.clone()))
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Value, E> {
        match self.0 {
            Type::Bool => Ok(Value::bool(b)),
            Type::String => Ok(Value::string(b.to_string())),
            _ => Err(E::custom("bool not expected")),
        }
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Value, E> {
        match self.0 {
            Type::String => Ok(Value::string(s)),
            _ => from_json_typed(&Json::String(s.to_string()), self.0).map_err(E::custom),
        }
    }

    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Value, E> {
        self.visit_str(&s)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        use serde::de::Error;
        match self.0 {
            Type::List(e) | Type::Set(e) => {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(v) = seq.next_element_seed(Typed(e))? {
                    items.push(v);
                }
                Ok(if matches!(self.0, Type::List(_)) {
                    Value::list((**e).clone(), items)
                } else {
                    Value::set((**e).clone(), items)
                })
            }
            Type::Tuple(ts) => {
                let mut items = Vec::with_capacity(ts.len());
                for t in ts.iter() {
                    match seq.next_element_seed(Typed(t))? {
                        Some(v) => items.push(v),
                        None => return Err(A::Error::custom(format!("tuple of {} elements required", ts.len()))),
                    }
                }
                if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(A::Error::custom(format!("tuple of {} elements required", ts.len())));
                }
                Ok(Value::tuple(items))
            }
            _ => Err(A::Error::custom("array not expected")),
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        use serde::de::Error;
        match self.0 {
            Type::Map(e) => {
                let mut out = crate::Fields::new();
                while let Some(k) = map.next_key::<String>()? {
                    let v = map.next_value_seed(Typed(e))?;
                    out.insert(k, v);
                }
                Ok(Value::map((**e).clone(), out))
            }
            Type::Object(o) => {
                let mut found: Vec<(String, Value)> = Vec::with_capacity(o.attrs.len());
                while let Some(k) = map.next_key::<String>()? {
                    match o.attrs.get(&k) {
                        Some(t) => {
                            let v = map.next_value_seed(Typed(t))?;
                            found.push((k, v));
                        }
                        None => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                // Every attribute of the type, null where the JSON has none.
                let mut out: Vec<(String, Value)> = Vec::with_capacity(o.attrs.len());
                for (k, t) in &o.attrs {
                    let v = match found.iter().position(|(fk, _)| fk == k) {
                        Some(i) => found.swap_remove(i).1,
                        None => Value::null(t.clone()),
                    };
                    out.push((k.clone(), v));
                }
                Ok(Value::object(crate::Fields::from_sorted_vec(out)))
            }
            _ => Err(A::Error::custom("object not expected")),
        }
    }
}

#[cfg(test)]
mod text_decoding_tests {
    use super::*;

    fn ty(j: &str) -> Type {
        Type::from_json(&serde_json::from_str(j).unwrap()).unwrap()
    }

    #[test]
    fn decoding_text_agrees_with_decoding_json() {
        let cases = [
            (
                r#"["object",{"a":"string","b":"number","c":["list","bool"],"d":["map","string"],"e":"dynamic","f":["set","number"],"g":["tuple",["string","number"]]}]"#,
                r#"{"b":1.50,"a":"x","c":[true,false],"d":{"z":"1","y":"2"},"e":{"value":{"k":[1,"two"]},"type":["object",{"k":["tuple",["number","string"]]}]},"f":[3,1,2],"g":["s",12345678901234567890123],"extra":{"ignored":[1]}}"#,
            ),
            (r#"["object",{"a":"string","b":"number"}]"#, r#"{"a":null}"#),
            (
                r#"["object",{"id":"string","input":"dynamic"}]"#,
                r#"{"id":"x","input":{"value":"seed","type":"string"}}"#,
            ),
            (r#"["list",["object",{"n":"number"}]]"#, r#"[{"n":1},{"n":2.5e3}]"#),
            (r#""dynamic""#, r#"null"#),
        ];
        for (t, text) in cases {
            let t = ty(t);
            let from_text = from_json_str_typed(text, &t).unwrap();
            let from_json = from_json_typed(&serde_json::from_str(text).unwrap(), &t).unwrap();
            assert!(from_text.raw_equal(&from_json), "{text}");
        }
        // What the text decoder refuses, the caller decodes the general way.
        assert!(from_json_str_typed(r#"{"a":1}"#, &ty(r#"["object",{"a":"string"}]"#)).is_err());
    }
}
