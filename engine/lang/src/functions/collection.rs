//! Collection functions: alltrue anytrue chunklist coalesce coalescelist
//! compact concat contains distinct element flatten index keys length lookup
//! matchkeys merge one range reverse setintersection setproduct setsubtract
//! setunion slice sort transpose values zipmap, and the removed list/map.

use super::numeric::{any_unknown, ferr, p, perr, to_int};
use super::string::grapheme_count;
use super::{CallContext, FnResult, Function, FunctionError, Param, ReturnType};
use crate::convert::{convert, unify};
use crate::number::Number;
use crate::render::go_quote;
use crate::types::Type;
use crate::value::{Kind, Marks, Value};
use std::collections::BTreeMap;

type Imp = fn(&CallContext, &[Value], &Type) -> FnResult;

fn func(name: &'static str, params: Vec<Param>, ret: ReturnType, imp: Imp) -> Function {
    Function { name, params, var_param: None, ret, imp }
}

fn var_func(name: &'static str, params: Vec<Param>, var: Param, ret: ReturnType, imp: Imp) -> Function {
    Function { name, params, var_param: Some(var), ret, imp }
}

fn seq(v: &Value) -> &[Value] {
    v.as_seq().unwrap_or_default()
}

fn is_seq_type(t: &Type) -> bool {
    matches!(t, Type::List(_) | Type::Set(_) | Type::Tuple(_))
}

fn eq(a: &Value, b: &Value) -> Option<bool> {
    a.equals(b)
}

/// A list value of element type `ety` (empty lists keep the type).
fn list(ety: Type, items: Vec<Value>) -> Value {
    Value::list(ety, items)
}

fn marks_of(vals: &[Value]) -> Marks {
    vals.iter().fold(Marks::NONE, |m, v| m | v.marks())
}

// ---------------------------------------------------------------- alltrue / anytrue

fn alltrue(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    if any_unknown(a) {
        return Ok(Value::unknown(Type::Bool));
    }
    for v in seq(&a[0]) {
        if v.is_unknown() {
            return Ok(Value::unknown(Type::Bool));
        }
        if v.is_null() || v.as_bool() == Some(false) {
            return Ok(Value::bool(false));
        }
    }
    Ok(Value::bool(true))
}

fn anytrue(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    if any_unknown(a) {
        return Ok(Value::unknown(Type::Bool));
    }
    let mut unknown = false;
    for v in seq(&a[0]) {
        if v.is_unknown() {
            unknown = true;
        } else if v.as_bool() == Some(true) {
            return Ok(Value::bool(true));
        }
    }
    Ok(if unknown { Value::unknown(Type::Bool) } else { Value::bool(false) })
}

// ---------------------------------------------------------------- chunklist

fn chunklist(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let (list_v, lm) = a[0].clone().unmark();
    let (size_v, sm) = a[1].clone().unmark();
    let marks = lm | sm;
    if list_v.is_unknown() || size_v.is_unknown() {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    let size = to_int(&size_v).map_err(|e| ferr(format!("invalid size: {e}")))?;
    if size < 0 {
        return Err(ferr("the size argument must be positive"));
    }
    let lt = list_v.ty();
    let items = seq(&list_v);
    if items.is_empty() {
        return Ok(list(lt, vec![]).mark(marks));
    }
    if size == 0 {
        return Ok(list(lt, vec![list_v.clone()]).mark(marks));
    }
    let ety = lt.element().cloned().unwrap_or(Type::Dynamic);
    let chunks =
        items.chunks(usize::try_from(size).unwrap_or(usize::MAX)).map(|c| list(ety.clone(), c.to_vec())).collect();
    Ok(list(lt, chunks).mark(marks))
}

// ---------------------------------------------------------------- coalesce / coalescelist

fn coalesce_type(a: &[Value]) -> Result<Type, FunctionError> {
    let types: Vec<Type> = a.iter().map(Value::ty).collect();
    unify(&types).ok_or_else(|| ferr("all arguments must have the same type"))
}

fn coalesce(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    for v in a {
        let Ok(v) = convert(v, ret) else { continue };
        if v.is_unknown() {
            return Ok(Value::unknown(ret.clone()));
        }
        if v.is_null() {
            continue;
        }
        if *ret == Type::String && v.as_str() == Some("") {
            continue;
        }
        return Ok(v);
    }
    Err(ferr("no non-null, non-empty-string arguments"))
}

fn coalescelist_type(a: &[Value]) -> Result<Type, FunctionError> {
    if a.is_empty() {
        return Err(ferr("at least one argument is required"));
    }
    for v in a {
        if v.is_unknown() {
            return Ok(Type::Dynamic);
        }
        if !matches!(v.ty(), Type::List(_) | Type::Tuple(_)) {
            return Err(ferr("coalescelist arguments must be lists or tuples"));
        }
    }
    let first = a[0].ty();
    Ok(if a.iter().all(|v| v.ty() == first) { first } else { Type::Dynamic })
}

fn coalescelist(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    for v in a {
        if v.is_unknown() {
            return Ok(Value::unknown(ret.clone()));
        }
        if v.is_null() {
            continue;
        }
        if !seq(v).is_empty() {
            return Ok(v.clone());
        }
    }
    Err(ferr("no non-null arguments"))
}

// ---------------------------------------------------------------- compact / concat / contains / distinct

fn compact(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    if !a[0].is_wholly_known() {
        return Ok(Value::unknown(ret.clone()));
    }
    let items = seq(&a[0]).iter().filter(|v| !v.is_null() && v.as_str() != Some("")).cloned().collect();
    Ok(list(Type::String, items))
}

fn concat_type(a: &[Value]) -> Result<Type, FunctionError> {
    if a.is_empty() {
        return Err(ferr("at least one argument is required"));
    }
    if matches!(a[0].ty(), Type::List(_)) && a.iter().all(|v| matches!(v.ty(), Type::List(_))) {
        let tys: Vec<Type> = a.iter().map(Value::ty).collect();
        if let Some(t) = unify(&tys) {
            return Ok(t);
        }
    }
    let mut etys = Vec::new();
    for (i, v) in a.iter().enumerate() {
        match v.ty() {
            Type::Tuple(ts) => etys.extend(ts.iter().cloned()),
            Type::List(e) => {
                if v.is_unknown() {
                    return Ok(Type::Dynamic);
                }
                etys.extend(std::iter::repeat_n(*e, seq(v).len()));
            }
            Type::Dynamic => return Ok(Type::Dynamic),
            t => {
                return Err(perr(
                    i,
                    "seqs",
                    format!("all arguments must be lists or tuples; got {}", t.friendly_name()),
                ))
            }
        }
    }
    Ok(Type::tuple(etys))
}

fn concat(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    if any_unknown(a) || *ret == Type::Dynamic {
        return Ok(Value::unknown(ret.clone()));
    }
    let mut marks = Marks::NONE;
    let mut vals = Vec::new();
    match ret {
        Type::List(ety) => {
            for (i, l) in a.iter().enumerate() {
                let l = convert(l, ret).map_err(|e| perr(i, "seqs", e))?;
                let (l, m) = l.unmark();
                marks |= m;
                vals.extend(seq(&l).iter().cloned());
            }
            Ok(list((**ety).clone(), vals).mark(marks))
        }
        _ => {
            for l in a {
                marks |= l.marks();
                vals.extend(seq(l).iter().cloned());
            }
            Ok(Value::tuple(vals).mark(marks))
        }
    }
}

fn contains(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let ty = a[0].ty();
    if !is_seq_type(&ty) {
        if ty == Type::Dynamic {
            return Ok(Value::unknown(Type::Bool));
        }
        return Err(ferr("argument must be list, tuple, or set"));
    }
    if a[0].is_known() && seq(&a[0]).is_empty() {
        return Ok(Value::bool(false));
    }
    if any_unknown(a) {
        return Ok(Value::unknown(Type::Bool));
    }
    let mut unknown = false;
    for v in seq(&a[0]) {
        match eq(&a[1], v) {
            None => unknown = true,
            Some(true) => return Ok(Value::bool(true)),
            Some(false) => {}
        }
    }
    Ok(if unknown { Value::unknown(Type::Bool) } else { Value::bool(false) })
}

fn distinct(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    if !a[0].is_wholly_known() {
        return Ok(Value::unknown(ret.clone()));
    }
    let mut out: Vec<Value> = Vec::new();
    for v in seq(&a[0]) {
        if !out.iter().any(|o| eq(o, v) == Some(true)) {
            out.push(v.clone());
        }
    }
    Ok(list(ret.element().cloned().unwrap_or(Type::Dynamic), out))
}

// ---------------------------------------------------------------- element / flatten / index

fn element_type(a: &[Value]) -> Result<Type, FunctionError> {
    match a[0].ty() {
        Type::List(e) => Ok(*e),
        Type::Dynamic => Ok(Type::Dynamic),
        Type::Tuple(ts) => {
            if a[1].is_unknown() {
                return Ok(Type::Dynamic);
            }
            let i = to_int(&a[1]).map_err(|e| ferr(format!("invalid index: {e}")))?;
            if ts.is_empty() {
                return Err(ferr("cannot use element function with an empty list"));
            }
            let i = i % ts.len() as i64;
            if i < 0 {
                return Err(FunctionError::new(format!(
                    "panic in function implementation: runtime error: index out of range [{i}]"
                )));
            }
            Ok(ts[i as usize].clone())
        }
        t => Err(ferr(format!("cannot read elements from {}", t.friendly_name()))),
    }
}

fn element(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let (input, marks) = a[0].clone().unmark();
    if a[1].is_unknown() || input.is_unknown() {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    let i = to_int(&a[1]).map_err(|e| ferr(format!("invalid index: {e}")))?;
    let items = seq(&input);
    if items.is_empty() {
        return Err(ferr("cannot use element function with an empty list"));
    }
    let l = items.len() as i64;
    let mut i = i % l;
    if i < 0 {
        i += l;
    }
    Ok(items[i as usize].clone().mark(marks))
}

/// cty's flattener: (values, marks, known).
fn flattener(v: &Value) -> (Vec<Value>, Marks, bool) {
    let (v, mut marks) = v.clone().unmark();
    if v.is_unknown() {
        return (vec![], marks, false);
    }
    if matches!(v.kind(), Kind::Set(..)) && !v.is_wholly_known() {
        return (vec![], marks, false);
    }
    let mut out = Vec::new();
    let mut known = true;
    for x in seq(&v) {
        if x.is_unknown() && x.ty() == Type::Dynamic {
            known = false;
        }
        if !x.is_null() && is_seq_type(&x.ty()) {
            if x.is_unknown() {
                known = false;
                marks |= x.marks();
                continue;
            }
            let (res, m, k) = flattener(x);
            marks |= m;
            if k {
                out.extend(res);
            } else {
                known = false;
            }
        } else {
            out.push(x.clone());
        }
    }
    (out, marks, known)
}

fn flatten_type(a: &[Value]) -> Result<Type, FunctionError> {
    if !a[0].is_wholly_known() {
        return Ok(Type::Dynamic);
    }
    if !is_seq_type(&a[0].ty()) {
        return Err(ferr("can only flatten lists, sets and tuples"));
    }
    let (vals, _, known) = flattener(&a[0]);
    if !known {
        return Ok(Type::Dynamic);
    }
    Ok(Type::tuple(vals.iter().map(Value::ty).collect()))
}

fn flatten(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let (input, marks) = a[0].clone().unmark();
    if input.is_unknown() {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    if !is_seq_type(&input.ty()) {
        return Err(ferr("can only flatten lists, sets and tuples"));
    }
    if seq(&input).is_empty() {
        return Ok(Value::empty_tuple().mark(marks));
    }
    let (out, m, known) = flattener(&a[0]);
    if !known {
        return Ok(Value::unknown(ret.clone()).mark(m));
    }
    Ok(Value::tuple(out).mark(m))
}

fn index(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let ty = a[0].ty();
    if !matches!(ty, Type::List(_) | Type::Tuple(_)) {
        if ty == Type::Dynamic {
            return Ok(Value::unknown(Type::Number));
        }
        return Err(ferr("argument must be a list or tuple"));
    }
    if any_unknown(a) {
        return Ok(Value::unknown(Type::Number));
    }
    let items = seq(&a[0]);
    if items.is_empty() {
        return Err(ferr("cannot search an empty list"));
    }
    for (i, v) in items.iter().enumerate() {
        match eq(v, &a[1]) {
            None => return Ok(Value::unknown(Type::Number)),
            Some(true) => return Ok(Value::int(i as i64)),
            Some(false) => {}
        }
    }
    Err(ferr("item not found"))
}

// ---------------------------------------------------------------- keys / values / length / lookup

fn keys_type(a: &[Value]) -> Result<Type, FunctionError> {
    match a[0].ty() {
        Type::Map(_) => Ok(Type::list(Type::String)),
        Type::Object(o) => Ok(Type::tuple(vec![Type::String; o.attrs.len()])),
        Type::Dynamic => Ok(Type::Dynamic),
        _ => Err(perr(0, "inputMap", "must have map or object type")),
    }
}

fn keys(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let (m, marks) = a[0].clone().unmark();
    match m.ty() {
        Type::Object(o) => Ok(Value::tuple(o.attrs.keys().map(|k| Value::string(k.as_str())).collect()).mark(marks)),
        Type::Map(_) if m.is_known() => {
            let ks = m.as_entries().map(|e| e.keys().map(|k| Value::string(k.as_str())).collect()).unwrap_or_default();
            Ok(list(Type::String, ks).mark(marks))
        }
        _ => Ok(Value::unknown(ret.clone()).mark(marks)),
    }
}

fn values_type(a: &[Value]) -> Result<Type, FunctionError> {
    match a[0].ty() {
        Type::Map(e) => Ok(Type::list(*e)),
        Type::Object(o) => Ok(Type::tuple(o.attrs.values().cloned().collect())),
        Type::Dynamic => Ok(Type::Dynamic),
        _ => Err(ferr("values() requires a map as the first argument")),
    }
}

fn values(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let (m, marks) = a[0].clone().unmark();
    if m.is_unknown() || *ret == Type::Dynamic {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    let vals: Vec<Value> = m.as_entries().map(|e| e.values().cloned().collect()).unwrap_or_default();
    match ret {
        Type::Tuple(_) => Ok(Value::tuple(vals).mark(marks)),
        t => Ok(list(t.element().cloned().unwrap_or(Type::Dynamic), vals).mark(marks)),
    }
}

/// What `length` dispatches on: the argument's type at the top level only.
/// Building the whole type (`Value::ty`) of, say, every instance of a
/// resource just to tell that it is an object costs more than the call.
enum Shape {
    Dynamic,
    String,
    Tuple(usize),
    Object(usize),
    Set,
    ListOrMap,
    Primitive,
}

fn shape(v: &Value) -> Shape {
    let of_type = |t: &Type| match t {
        Type::Dynamic => Shape::Dynamic,
        Type::String => Shape::String,
        Type::Tuple(ts) => Shape::Tuple(ts.len()),
        Type::Object(o) => Shape::Object(o.attrs.len()),
        Type::Set(_) => Shape::Set,
        Type::List(_) | Type::Map(_) => Shape::ListOrMap,
        Type::Bool | Type::Number => Shape::Primitive,
    };
    match v.kind() {
        Kind::Null(t) | Kind::Unknown(t) => of_type(t),
        Kind::String(_) => Shape::String,
        Kind::Tuple(items) => Shape::Tuple(items.len()),
        Kind::Object(attrs) => Shape::Object(attrs.len()),
        Kind::Set(..) => Shape::Set,
        Kind::List(..) | Kind::Map(..) => Shape::ListOrMap,
        Kind::Bool(_) | Kind::Number(_) => Shape::Primitive,
    }
}

fn length_type(a: &[Value]) -> Result<Type, FunctionError> {
    match shape(&a[0]) {
        Shape::Primitive => Err(ferr("argument must be a string, a collection type, or a structural type")),
        _ => Ok(Type::Number),
    }
}

fn length(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    let (v, top) = a[0].clone().unmark();
    let n = |n: usize| Value::int(n as i64);
    match shape(&v) {
        Shape::Dynamic => Ok(Value::unknown(Type::Number).mark(top)),
        Shape::Tuple(len) | Shape::Object(len) => Ok(n(len).mark(top)),
        Shape::String => {
            let marks = a[0].marks_deep();
            if v.is_unknown() {
                return Ok(Value::unknown(Type::Number).mark(marks));
            }
            Ok(n(grapheme_count(v.as_str().unwrap_or_default())).mark(marks))
        }
        // cty refines a set's unknown length to [1, n]: known only when n is 1.
        Shape::Set if v.is_known() && !v.is_wholly_known() && seq(&v).len() == 1 => Ok(n(1).mark(top)),
        Shape::Set if !v.is_wholly_known() => Ok(Value::unknown(Type::Number).mark(top)),
        _ if v.is_unknown() => Ok(Value::unknown(Type::Number).mark(top)),
        _ => Ok(n(v.length().unwrap_or(0)).mark(top)),
    }
}

fn lookup_type(a: &[Value]) -> Result<Type, FunctionError> {
    if a.len() > 3 {
        return Err(ferr(format!("lookup() takes two or three arguments, got {}", a.len())));
    }
    match a[0].ty() {
        Type::Object(o) => {
            if a[1].is_unknown() {
                return Ok(Type::Dynamic);
            }
            let key = a[1].as_str().unwrap_or_default();
            if let Some(t) = o.attrs.get(key) {
                Ok(t.clone())
            } else if a.len() == 3 {
                Ok(a[2].ty())
            } else {
                Err(perr(0, "inputMap", format!("the given object has no attribute {}", go_quote(key))))
            }
        }
        Type::Map(e) => {
            if a.len() == 3 && convert(&a[2], &e).is_err() {
                return Err(perr(2, "default", "the default value must have the same type as the map elements"));
            }
            Ok(*e)
        }
        Type::Dynamic => Ok(Type::Dynamic),
        _ => Err(perr(0, "inputMap", "lookup() requires a map as the first argument")),
    }
}

fn lookup(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let (m, mm) = a[0].clone().unmark();
    let (k, km) = a[1].clone().unmark();
    let marks = mm | km;
    if m.is_unknown() || k.is_unknown() {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    let key = k.as_str().unwrap_or_default();
    if let Some(v) = m.as_entries().and_then(|e| e.get(key)) {
        return Ok(v.clone().mark(marks));
    }
    if a.len() == 3 {
        let d = convert(&a[2], ret).map_err(ferr)?;
        return Ok(d.mark(marks));
    }
    let shown = if km.contains(Marks::SENSITIVE) { "(sensitive value)".to_string() } else { go_quote(key) };
    Err(ferr(format!("lookup failed to find key {shown}")))
}

// ---------------------------------------------------------------- matchkeys / merge / one

fn matchkeys_type(a: &[Value]) -> Result<Type, FunctionError> {
    unify(&[a[1].ty(), a[2].ty()]).ok_or_else(|| ferr("keys and searchset must be of the same type"))?;
    Ok(a[0].ty())
}

fn matchkeys(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let ety = ret.element().cloned().unwrap_or(Type::Dynamic);
    if any_unknown(a) {
        return Ok(Value::unknown(ret.clone()));
    }
    if seq(&a[0]).len() != seq(&a[1]).len() {
        return Err(ferr("length of keys and values should be equal"));
    }
    let ty = unify(&[a[1].ty(), a[2].ty()]).unwrap_or(Type::Dynamic);
    let keys = convert(&a[1], &ty).unwrap_or_else(|_| a[1].clone());
    let search = convert(&a[2], &ty).unwrap_or_else(|_| a[2].clone());
    if seq(&search).is_empty() {
        return Ok(list(ety, vec![]));
    }
    if !a[0].is_wholly_known() || !keys.is_wholly_known() {
        return Ok(Value::unknown(ret.clone()));
    }
    let mut out = Vec::new();
    for (i, k) in seq(&keys).iter().enumerate() {
        for s in seq(&search) {
            match eq(k, s) {
                None => return Ok(list(ety, vec![])),
                Some(true) => {
                    out.push(seq(&a[0])[i].clone());
                    break;
                }
                Some(false) => {}
            }
        }
    }
    Ok(list(ety, out))
}

fn merge_type(a: &[Value]) -> Result<Type, FunctionError> {
    if a.is_empty() {
        return Ok(Type::empty_object());
    }
    let mut attrs = BTreeMap::new();
    let mut first = None;
    let mut matching = true;
    let mut attrs_known = true;
    for (i, arg) in a.iter().enumerate() {
        let ty = arg.ty();
        match &ty {
            Type::Dynamic => return Ok(Type::Dynamic),
            Type::Object(o) => {
                if !arg.is_null() {
                    attrs.extend(o.attrs.iter().map(|(k, t)| (k.clone(), t.clone())));
                }
            }
            Type::Map(e) => {
                if arg.is_null() {
                } else if arg.is_known() {
                    for k in arg.as_entries().map(|e| e.keys()).into_iter().flatten() {
                        attrs.insert(k.clone(), (**e).clone());
                    }
                } else {
                    attrs_known = false;
                }
            }
            t => return Err(ferr(format!("arguments must be maps or objects, got {}", go_quote(&t.friendly_name())))),
        }
        if i == 0 {
            first = Some(ty);
            continue;
        }
        if Some(&ty) != first.as_ref() {
            matching = false;
        }
    }
    if matching {
        return Ok(first.unwrap_or_else(Type::empty_object));
    }
    if !attrs_known {
        return Ok(Type::Dynamic);
    }
    Ok(Type::object(attrs))
}

fn merge(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    if any_unknown(a) {
        return Ok(Value::unknown(ret.clone()).mark(marks_of(a)));
    }
    let mut out = crate::Fields::new();
    let mut marks = Marks::NONE;
    for arg in a {
        if arg.is_null() {
            continue;
        }
        let (arg, m) = arg.clone().unmark();
        marks |= m;
        if let Some(e) = arg.as_entries() {
            for (k, v) in e {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    match ret {
        Type::Map(e) => Ok(Value::map((**e).clone(), out).mark(marks)),
        _ => Ok(Value::object(out).mark(marks)),
    }
}

const ONE_ERR: &str = "must be a list, set, or tuple value with either zero or one elements";

fn one_type(a: &[Value]) -> Result<Type, FunctionError> {
    match a[0].ty() {
        Type::List(e) | Type::Set(e) => Ok(*e),
        Type::Tuple(ts) if ts.is_empty() => Ok(Type::Dynamic),
        Type::Tuple(ts) if ts.len() == 1 => Ok(ts[0].clone()),
        Type::Dynamic => Ok(Type::Dynamic),
        _ => Err(perr(0, "list", ONE_ERR)),
    }
}

fn one(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let v = &a[0];
    if v.is_unknown() || (matches!(v.kind(), Kind::Set(..)) && !v.is_wholly_known()) {
        return Ok(Value::unknown(ret.clone()));
    }
    match seq(v) {
        [] => Ok(Value::null(ret.clone())),
        [x] => Ok(x.clone()),
        _ => Err(perr(0, "list", ONE_ERR)),
    }
}

// ---------------------------------------------------------------- range / reverse / slice / sort

fn range(_: &CallContext, a: &[Value], _: &Type) -> FnResult {
    if any_unknown(a) {
        return Ok(Value::unknown(Type::list(Type::Number)));
    }
    let n = |v: &Value| v.as_number().cloned().unwrap_or_else(Number::zero);
    let zero = Number::zero();
    let one = Number::from_i64(1);
    let minus_one = Number::from_i64(-1);
    let (start, end, step) = match a {
        [e] => {
            let e = n(e);
            let step = if e < zero { minus_one } else { one };
            (zero.clone(), e, step)
        }
        [s, e] => {
            let (s, e) = (n(s), n(e));
            let step = if e < s { minus_one } else { one };
            (s, e, step)
        }
        [s, e, st] => (n(s), n(e), n(st)),
        _ => return Err(ferr("must have one, two, or three arguments")),
    };
    let down = step < zero;
    if down {
        if end > start {
            return Err(perr(1, "params", "end must be less than start when step is negative"));
        }
    } else if end < start {
        return Err(perr(1, "params", "end must be greater than start when step is positive"));
    }
    let mut vals = Vec::new();
    let mut num = start;
    loop {
        if (down && num <= end) || (!down && num >= end) {
            break;
        }
        if vals.len() >= 1024 {
            return Err(ferr(
                "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step",
            ));
        }
        vals.push(Value::number(num.clone()));
        num = num.add(&step).map_err(ferr)?;
    }
    Ok(list(Type::Number, vals))
}

fn reverse_type(a: &[Value]) -> Result<Type, FunctionError> {
    match a[0].ty() {
        Type::Tuple(ts) => Ok(Type::tuple(ts.iter().rev().cloned().collect())),
        Type::List(e) | Type::Set(e) => Ok(Type::list(*e)),
        Type::Dynamic => Ok(Type::Dynamic),
        t => Err(perr(0, "list", format!("can only reverse list or tuple values, not {}", t.friendly_name()))),
    }
}

fn reverse(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let (v, marks) = a[0].clone().unmark();
    if v.is_unknown() {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    let items: Vec<Value> = seq(&v).iter().rev().cloned().collect();
    match ret {
        Type::Tuple(_) => Ok(Value::tuple(items).mark(marks)),
        t => Ok(list(t.element().cloned().unwrap_or(Type::Dynamic), items).mark(marks)),
    }
}

/// cty's sliceIndexes: (start, end, both known).
fn slice_indexes(a: &[Value]) -> Result<(usize, usize, bool), FunctionError> {
    let l = &a[0];
    let length = match l.ty() {
        Type::Tuple(ts) => Some(ts.len()),
        _ if l.is_known() => Some(seq(l).len()),
        _ => None,
    };
    let mut start = None;
    let mut end = None;
    if a[1].is_known() {
        let s = to_int(&a[1]).map_err(|e| perr(1, "start_index", format!("invalid start index: {e}")))?;
        if s < 0 {
            return Err(perr(1, "start_index", "start index must not be less than zero"));
        }
        if length.is_some_and(|len| s as u64 > len as u64) {
            return Err(perr(1, "start_index", "start index must not be greater than the length of the list"));
        }
        start = Some(s as usize);
    }
    if a[2].is_known() {
        let e = to_int(&a[2]).map_err(|e| perr(2, "end_index", format!("invalid end index: {e}")))?;
        if e < 0 {
            return Err(perr(2, "end_index", "end index must not be less than zero"));
        }
        if length.is_some_and(|len| e as u64 > len as u64) {
            return Err(perr(2, "end_index", "end index must not be greater than the length of the list"));
        }
        end = Some(e as usize);
    }
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(perr(1, "start_index", "start index must not be greater than end index"));
        }
        return Ok((s, e, true));
    }
    Ok((0, 0, false))
}

fn slice_type(a: &[Value]) -> Result<Type, FunctionError> {
    let ty = a[0].ty();
    match &ty {
        Type::Set(_) => Err(perr(0, "list", "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important")),
        Type::Dynamic => Ok(Type::Dynamic),
        Type::List(_) | Type::Tuple(_) => {
            let (s, e, known) = slice_indexes(a)?;
            match ty {
                Type::Tuple(ts) if known => Ok(Type::tuple(ts[s..e].to_vec())),
                Type::Tuple(_) => Ok(Type::Dynamic),
                t => Ok(t),
            }
        }
        _ => Err(perr(0, "list", "must be a list or tuple value")),
    }
}

fn slice(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let (v, marks) = a[0].clone().unmark();
    if *ret == Type::Dynamic || v.is_unknown() || a[1].is_unknown() || a[2].is_unknown() {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    let (s, e, _) = slice_indexes(a)?;
    let items = seq(&v).get(s..e).unwrap_or_default().to_vec();
    match ret {
        Type::Tuple(_) => Ok(Value::tuple(items).mark(marks)),
        t => Ok(list(t.element().cloned().unwrap_or(Type::Dynamic), items).mark(marks)),
    }
}

fn sort(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    if a[0].is_known() && !a[0].is_wholly_known() {
        // cty refines the result to the input's length; Terraform shows that
        // as a list of that many unknowns.
        return Ok(list(Type::String, vec![Value::unknown(Type::String); seq(&a[0]).len()]));
    }
    if !a[0].is_wholly_known() {
        return Ok(Value::unknown(ret.clone()));
    }
    let mut out = Vec::new();
    for (i, v) in seq(&a[0]).iter().enumerate() {
        match v.as_str() {
            Some(s) => out.push(s.to_string()),
            None => return Err(ferr(format!("given list element {i} is null; a null string cannot be sorted"))),
        }
    }
    out.sort();
    Ok(list(Type::String, out.into_iter().map(Value::string).collect()))
}

// ---------------------------------------------------------------- sets

fn set_op_type(a: &[Value]) -> Result<Type, FunctionError> {
    let mut etys = Vec::new();
    for v in a {
        let ety = v.ty().element().cloned().unwrap_or(Type::Dynamic);
        if v.is_known() && seq(v).is_empty() && ety == Type::Dynamic {
            continue;
        }
        etys.push(ety);
    }
    if etys.is_empty() {
        return Ok(Type::set(Type::Dynamic));
    }
    unify(&etys).map(Type::set).ok_or_else(|| ferr("given sets must all have compatible element types"))
}

fn set_member(set: &[Value], v: &Value) -> bool {
    v.is_wholly_known() && set.iter().any(|x| x.raw_equal(v))
}

fn set_op(
    a: &[Value],
    ret: &Type,
    allow_unknowns: bool,
    names: (&str, &str),
    f: fn(Vec<Value>, &[Value]) -> Vec<Value>,
) -> FnResult {
    if any_unknown(a) {
        return Ok(Value::unknown(ret.clone()));
    }
    let ety = ret.element().cloned().unwrap_or(Type::Dynamic);
    let first = convert(&a[0], ret).map_err(|e| perr(0, names.0, e))?;
    if !allow_unknowns && !first.is_wholly_known() {
        return Ok(Value::unknown(ret.clone()));
    }
    let mut set = seq(&first).to_vec();
    for (i, arg) in a[1..].iter().enumerate() {
        let arg = convert(arg, ret).map_err(|e| perr(i + 1, names.1, e))?;
        if !allow_unknowns && !arg.is_wholly_known() {
            return Ok(Value::unknown(ret.clone()));
        }
        set = f(set, seq(&arg));
    }
    Ok(Value::set(ety, set))
}

fn setproduct_type(a: &[Value]) -> Result<Type, FunctionError> {
    if a.len() < 2 {
        return Err(ferr("at least two arguments are required"));
    }
    let mut lists = 0;
    let mut etys = Vec::new();
    for (i, v) in a.iter().enumerate() {
        match v.ty() {
            Type::Set(e) => etys.push(*e),
            Type::List(e) => {
                etys.push(*e);
                lists += 1;
            }
            Type::Tuple(ts) => {
                lists += 1;
                if ts.is_empty() {
                    etys.push(Type::Dynamic);
                } else {
                    etys.push(unify(&ts).ok_or_else(|| perr(i, "sets", "all elements must be of the same type"))?);
                }
            }
            Type::Dynamic => return Ok(Type::Dynamic),
            _ => return Err(perr(i, "sets", "a set or a list is required")),
        }
    }
    let t = Type::tuple(etys);
    Ok(if lists == a.len() { Type::list(t) } else { Type::set(t) })
}

fn setproduct(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let marks = marks_of(a);
    let args: Vec<Value> = a.iter().map(|v| v.clone().unmark().0).collect();
    if *ret == Type::Dynamic
        || args.iter().any(|v| v.is_unknown() || (matches!(v.kind(), Kind::Set(..)) && !v.is_wholly_known()))
    {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    let ety = ret.element().cloned().unwrap_or(Type::Dynamic);
    let sub: Vec<Type> = match &ety {
        Type::Tuple(ts) => ts.to_vec(),
        _ => vec![],
    };
    let mut total: u64 = 1;
    for v in &args {
        total = total.saturating_mul(seq(v).len() as u64);
    }
    if total > 1 << 22 {
        return Err(ferr(format!("the product would have {total} elements, which is too many")));
    }
    let mut out = Vec::with_capacity(total as usize);
    if total > 0 {
        let mut idx = vec![0usize; args.len()];
        for _ in 0..total {
            let mut tuple = Vec::with_capacity(args.len());
            for (j, &n) in idx.iter().enumerate() {
                let v = &seq(&args[j])[n];
                let t = sub.get(j).cloned().unwrap_or(Type::Dynamic);
                tuple.push(if v.ty() == t { v.clone() } else { convert(v, &t).map_err(ferr)? });
            }
            out.push(Value::tuple(tuple));
            for j in (0..idx.len()).rev() {
                idx[j] += 1;
                if idx[j] < seq(&args[j]).len() {
                    break;
                }
                idx[j] = 0;
            }
        }
    }
    Ok(match ret {
        Type::List(_) => list(ety, out),
        _ => Value::set(ety, out),
    }
    .mark(marks))
}

// ---------------------------------------------------------------- transpose / zipmap

fn transpose(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    if !a[0].is_wholly_known() {
        return Ok(Value::unknown(ret.clone()));
    }
    let mut tmp: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, l) in a[0].as_entries().into_iter().flatten() {
        if l.is_null() {
            return Err(ferr("input must not contain null list"));
        }
        for v in seq(l) {
            let Some(s) = v.as_str() else { return Err(ferr("input list must not contain null string")) };
            let e = tmp.entry(s.to_string()).or_default();
            e.push(k.clone());
            e.sort();
        }
    }
    let out =
        tmp.into_iter().map(|(k, vs)| (k, list(Type::String, vs.into_iter().map(Value::string).collect()))).collect();
    Ok(Value::map(Type::list(Type::String), out))
}

fn zipmap_type(a: &[Value]) -> Result<Type, FunctionError> {
    match a[1].ty() {
        Type::List(e) => Ok(Type::map(*e)),
        Type::Tuple(ts) => {
            if !a[0].is_wholly_known() {
                return Ok(Type::Dynamic);
            }
            let (keys, _) = a[0].unmark_deep();
            let ks = seq(&keys);
            if ks.len() != ts.len() {
                return Err(ferr(format!(
                    "number of keys ({}) does not match number of values ({})",
                    ks.len(),
                    ts.len()
                )));
            }
            let mut attrs = BTreeMap::new();
            for (i, (k, t)) in ks.iter().zip(ts.iter()).enumerate() {
                let Some(k) = k.as_str() else { return Err(ferr(format!("keys list has null value at index {i}"))) };
                attrs.insert(k.to_string(), t.clone());
            }
            Ok(Type::object(attrs))
        }
        Type::Dynamic => Ok(Type::Dynamic),
        _ => Err(ferr("values argument must be a list or tuple value")),
    }
}

fn zipmap(_: &CallContext, a: &[Value], ret: &Type) -> FnResult {
    let (keys, km) = a[0].clone().unmark();
    let (vals, vm) = a[1].clone().unmark();
    let mut marks = km | vm;
    if !keys.is_wholly_known() || vals.is_unknown() || *ret == Type::Dynamic {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    let (ks, vs) = (seq(&keys), seq(&vals));
    if ks.len() != vs.len() {
        return Err(ferr(format!("number of keys ({}) does not match number of values ({})", ks.len(), vs.len())));
    }
    let mut out = crate::Fields::new();
    for (i, (k, v)) in ks.iter().zip(vs.iter()).enumerate() {
        let (k, m) = k.clone().unmark();
        marks |= m;
        let Some(k) = k.as_str() else { return Err(ferr(format!("keys list has null value at index {i}"))) };
        out.insert(k.to_string(), v.clone());
    }
    match ret {
        Type::Map(e) => Ok(Value::map((**e).clone(), out).mark(marks)),
        _ => Ok(Value::object(out).mark(marks)),
    }
}

// ---------------------------------------------------------------- the family

fn removed(name: &'static str) -> Function {
    var_func(
        name,
        vec![],
        Param::new("vals", Type::Dynamic).allow_null().allow_unknown(),
        ReturnType::FromArgs(if name == "list" {
            |_| {
                Err(ferr("the \"list\" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list"))
            }
        } else {
            |_| {
                Err(ferr("the \"map\" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map"))
            }
        }),
        |_, _, _| Err(ferr("removed function")),
    )
}

pub(super) fn functions() -> Vec<Function> {
    let dynp = |n| p(n, Type::Dynamic);
    let setp = |n| p(n, Type::set(Type::Dynamic));
    vec![
        func("alltrue", vec![p("list", Type::list(Type::Bool))], ReturnType::Fixed(|| Type::Bool), alltrue),
        func("anytrue", vec![p("list", Type::list(Type::Bool))], ReturnType::Fixed(|| Type::Bool), anytrue),
        func(
            "chunklist",
            vec![p("list", Type::list(Type::Dynamic)).allow_marked(), p("size", Type::Number).allow_marked()],
            ReturnType::FromArgs(|a| Ok(Type::list(a[0].ty()))),
            chunklist,
        ),
        var_func("coalesce", vec![], dynp("vals").allow_null(), ReturnType::FromArgs(coalesce_type), coalesce),
        var_func(
            "coalescelist",
            vec![],
            dynp("vals").allow_null(),
            ReturnType::FromArgs(coalescelist_type),
            coalescelist,
        ),
        func(
            "compact",
            vec![p("list", Type::list(Type::String))],
            ReturnType::Fixed(|| Type::list(Type::String)),
            compact,
        ),
        var_func("concat", vec![], dynp("seqs").allow_marked(), ReturnType::FromArgs(concat_type), concat),
        func("contains", vec![dynp("list"), dynp("value")], ReturnType::Fixed(|| Type::Bool), contains),
        func("distinct", vec![p("list", Type::list(Type::Dynamic))], ReturnType::FromArgs(|a| Ok(a[0].ty())), distinct),
        func(
            "element",
            vec![dynp("list").allow_marked(), p("index", Type::Number)],
            ReturnType::FromArgs(element_type),
            element,
        ),
        func("flatten", vec![dynp("list").allow_marked()], ReturnType::FromArgs(flatten_type), flatten),
        func("index", vec![dynp("list"), dynp("value")], ReturnType::Fixed(|| Type::Number), index),
        func("keys", vec![dynp("inputMap").allow_marked()], ReturnType::FromArgs(keys_type), keys),
        func("values", vec![dynp("mapping").allow_marked()], ReturnType::FromArgs(values_type), values),
        func("length", vec![dynp("value").allow_marked()], ReturnType::FromArgs(length_type), length),
        var_func(
            "lookup",
            vec![dynp("inputMap").allow_marked(), p("key", Type::String).allow_marked()],
            dynp("default").allow_null().allow_marked(),
            ReturnType::FromArgs(lookup_type),
            lookup,
        ),
        func(
            "matchkeys",
            vec![
                p("values", Type::list(Type::Dynamic)),
                p("keys", Type::list(Type::Dynamic)),
                p("searchset", Type::list(Type::Dynamic)),
            ],
            ReturnType::FromArgs(matchkeys_type),
            matchkeys,
        ),
        var_func("merge", vec![], dynp("maps").allow_null().allow_marked(), ReturnType::FromArgs(merge_type), merge),
        func("one", vec![dynp("list")], ReturnType::FromArgs(one_type), one),
        var_func("range", vec![], p("params", Type::Number), ReturnType::Fixed(|| Type::list(Type::Number)), range),
        func("reverse", vec![dynp("list").allow_marked()], ReturnType::FromArgs(reverse_type), reverse),
        func(
            "slice",
            vec![dynp("list").allow_marked(), p("start_index", Type::Number), p("end_index", Type::Number)],
            ReturnType::FromArgs(slice_type),
            slice,
        ),
        func("sort", vec![p("list", Type::list(Type::String))], ReturnType::Fixed(|| Type::list(Type::String)), sort),
        var_func(
            "setunion",
            vec![setp("first_set")],
            setp("other_sets"),
            ReturnType::FromArgs(set_op_type),
            |_, a, r| {
                set_op(a, r, true, ("first_set", "other_sets"), |mut s, o| {
                    s.extend(o.iter().cloned());
                    s
                })
            },
        ),
        var_func(
            "setintersection",
            vec![setp("first_set")],
            setp("other_sets"),
            ReturnType::FromArgs(set_op_type),
            |_, a, r| {
                set_op(a, r, false, ("first_set", "other_sets"), |s, o| {
                    s.into_iter().filter(|v| set_member(o, v)).collect()
                })
            },
        ),
        func("setsubtract", vec![setp("a"), setp("b")], ReturnType::FromArgs(set_op_type), |_, a, r| {
            set_op(a, r, false, ("a", "b"), |s, o| s.into_iter().filter(|v| !set_member(o, v)).collect())
        }),
        var_func("setproduct", vec![], dynp("sets").allow_marked(), ReturnType::FromArgs(setproduct_type), setproduct),
        func(
            "transpose",
            vec![p("values", Type::map(Type::list(Type::String)))],
            ReturnType::Fixed(|| Type::map(Type::list(Type::String))),
            transpose,
        ),
        func(
            "zipmap",
            vec![p("keys", Type::list(Type::String)).allow_marked(), dynp("values").allow_marked()],
            ReturnType::FromArgs(zipmap_type),
            zipmap,
        ),
        removed("list"),
        removed("map"),
    ]
}
