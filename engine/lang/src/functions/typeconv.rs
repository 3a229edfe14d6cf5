//! Type conversion and sensitivity functions: tostring tonumber tobool
//! tolist toset tomap sensitive nonsensitive issensitive.

use super::{CallContext, FnResult, Function, FunctionError, Param, ReturnType};
use crate::convert::convert;
use crate::render::go_quote;
use crate::types::Type;
use crate::value::{Marks, Value};

/// Terraform's `tostring`, `tonumber`, … (`MakeToFunc`): cty's conversion,
/// with Terraform's own error messages.
fn conversion(name: &'static str) -> Function {
    fn imp(_: &CallContext, args: &[Value], ret: &Type) -> FnResult {
        convert(&args[0], ret).map_err(|_| conversion_error(&args[0], ret))
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

/// The target as Terraform names a type constraint (`list of any single type`).
fn constraint_name(want: &Type) -> String {
    match want {
        Type::List(e) if **e == Type::Dynamic => "list of any single type".into(),
        Type::Set(e) if **e == Type::Dynamic => "set of any single type".into(),
        Type::Map(e) if **e == Type::Dynamic => "map of any single type".into(),
        t => t.friendly_name(),
    }
}

/// Why `v` does not convert to `want`. Only strings becoming numbers or
/// bools fail on their value (the rest fail on their type, before any value
/// is looked at); those messages quote the string unless it is sensitive.
fn conversion_error(v: &Value, want: &Type) -> FunctionError {
    let (plain, marks) = v.unmark_deep();
    let got = plain.ty();
    let msg = match (got == Type::String, want) {
        (true, Type::Number | Type::Bool) if marks.contains(Marks::SENSITIVE) => {
            format!("cannot convert this sensitive string to {}", want.friendly_name())
        }
        (true, Type::Bool) => format!(
            "cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed",
            go_quote(plain.as_str().unwrap_or_default())
        ),
        (true, Type::Number) => format!(
            "cannot convert {} to number; given string must be a decimal representation of a number",
            go_quote(plain.as_str().unwrap_or_default())
        ),
        _ => format!("cannot convert {} to {}", got.friendly_name(), constraint_name(want)),
    };
    FunctionError::arg(0, format!("Invalid value for \"v\" parameter: {msg}."))
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
    convert(v, &target).map(|c| c.ty()).map_err(|_| conversion_error(v, &target))
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
