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
