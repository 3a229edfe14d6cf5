//! Type conversion and sensitivity functions: tostring tonumber tobool
//! tolist toset tomap sensitive nonsensitive issensitive.

use super::{CallContext, FnResult, Function, FunctionError, Param, ReturnType};
use crate::convert::convert;
use crate::types::Type;
use crate::value::{Marks, Value};

fn conversion(name: &'static str) -> Function {
    fn imp(_: &CallContext, args: &[Value], ret: &Type) -> FnResult {
        convert(&args[0], ret).map_err(|e| {
            FunctionError::arg(
                0,
                format!(
                    "Invalid value for \"v\" parameter: cannot convert {} to {}: {}.",
                    args[0].ty().friendly_name(),
                    ret.friendly_name(),
                    e.message.trim_end_matches(" required")
                ),
            )
        })
    }
    Function {
        name,
        params: vec![Param::new("v", Type::Dynamic).allow_null().allow_unknown().allow_marked()],
        var_param: None,
        ret: match name {
            "tostring" => ReturnType::Fixed(|| Type::String),
            "tonumber" => ReturnType::Fixed(|| Type::Number),
            "tobool" => ReturnType::Fixed(|| Type::Bool),
            "tolist" => ReturnType::FromArgs(|a| collection_type(&a[0], Type::list)),
            "toset" => ReturnType::FromArgs(|a| collection_type(&a[0], Type::set)),
            _ => ReturnType::FromArgs(|a| collection_type(&a[0], Type::map)),
        },
        imp,
    }
}

/// The collection type a value converts to: its element type unified.
fn collection_type(v: &Value, make: fn(Type) -> Type) -> Result<Type, FunctionError> {
    let target = make(Type::Dynamic);
    if v.is_unknown() || v.is_null() {
        return Ok(match v.ty() {
            Type::List(e) | Type::Set(e) | Type::Map(e) => make(*e),
            _ => target,
        });
    }
    convert(v, &target).map(|c| c.ty()).map_err(|e| {
        FunctionError::arg(
            0,
            format!(
                "Invalid value for \"v\" parameter: cannot convert {} to {}: {}.",
                v.ty().friendly_name(),
                target.friendly_name(),
                e
            ),
        )
    })
}

pub(super) fn functions() -> Vec<Function> {
    vec![
        conversion("tostring"),
        conversion("tonumber"),
        conversion("tobool"),
        conversion("tolist"),
        conversion("toset"),
        conversion("tomap"),
        Function {
            name: "sensitive",
            params: vec![Param::new("value", Type::Dynamic).allow_null().allow_unknown().allow_marked()],
            var_param: None,
            ret: ReturnType::FromArgs(|a| Ok(a[0].ty())),
            imp: |_, a, _| Ok(a[0].clone().mark_sensitive()),
        },
        Function {
            name: "nonsensitive",
            params: vec![Param::new("value", Type::Dynamic).allow_null().allow_unknown().allow_marked()],
            var_param: None,
            ret: ReturnType::FromArgs(|a| Ok(a[0].ty())),
            imp: |_, a, _| {
                let (v, m) = a[0].clone().unmark();
                Ok(v.mark(m.without(Marks::SENSITIVE)))
            },
        },
        Function {
            name: "ephemeralasnull",
            params: vec![Param::new("value", Type::Dynamic).allow_null().allow_unknown().allow_marked()],
            var_param: None,
            ret: ReturnType::FromArgs(|a| Ok(a[0].ty())),
            imp: |_, a, _| Ok(ephemeral_as_null(&a[0])),
        },
        Function {
            name: "issensitive",
            params: vec![Param::new("value", Type::Dynamic).allow_null().allow_unknown().allow_marked()],
            var_param: None,
            ret: ReturnType::Fixed(|| Type::Bool),
            imp: |_, a, _| Ok(Value::bool(a[0].is_sensitive())),
        },
    ]
}

/// The value with every ephemeral part replaced by a null of its type.
fn ephemeral_as_null(v: &Value) -> Value {
    use crate::value::Kind;
    if v.marks().contains(Marks::EPHEMERAL) {
        return Value::null(v.ty()).mark(v.marks().without(Marks::EPHEMERAL));
    }
    if !v.marks_deep().contains(Marks::EPHEMERAL) {
        return v.clone();
    }
    let out = match v.kind() {
        Kind::List(t, items) => Value::list(t.clone(), items.iter().map(ephemeral_as_null).collect()),
        Kind::Set(t, items) => Value::set(t.clone(), items.iter().map(ephemeral_as_null).collect()),
        Kind::Tuple(items) => Value::tuple(items.iter().map(ephemeral_as_null).collect()),
        Kind::Map(t, items) => {
            Value::map(t.clone(), items.iter().map(|(k, x)| (k.clone(), ephemeral_as_null(x))).collect())
        }
        Kind::Object(items) => Value::object(items.iter().map(|(k, x)| (k.clone(), ephemeral_as_null(x))).collect()),
        _ => v.clone(),
    };
    out.mark(v.marks())
}
