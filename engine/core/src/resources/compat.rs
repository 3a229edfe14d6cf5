//! Whether a final plan (made at apply time, with the real values of what
//! an instance depends on) is compatible with the plan that was reviewed:
//! every value known in the plan must be identical, only unknowns may be
//! filled in (Terraform's `objchange.AssertObjectCompatible`). Problems are
//! worded as Terraform words them, values in cty's Go syntax; sensitive
//! values are never shown.

use strata_lang::{Kind, Type, Value};

/// One line per incompatible attribute: `.content: was cty.StringVal("A"),
/// but now cty.StringVal("B")`. Empty when `actual` keeps the plan.
pub fn incompatibilities(planned: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    compare(planned, actual, &mut String::new(), &mut out);
    out
}

fn compare(planned: &Value, actual: &Value, path: &mut String, out: &mut Vec<String>) {
    if planned.is_unknown() {
        // Not known when planning: anything goes now.
        return;
    }
    let at = |path: &str| if path.is_empty() { "the root object".to_string() } else { path.to_string() };
    if actual.is_unknown() {
        out.push(format!("{}: was known, but now unknown", at(path)));
        return;
    }
    let sensitive = planned.is_sensitive() || actual.is_sensitive();
    let (p, _) = planned.clone().unmark();
    let (a, _) = actual.clone().unmark();
    if p.is_null() || a.is_null() {
        if p.is_null() != a.is_null() {
            out.push(mismatch(&at(path), &p, &a, sensitive));
        }
        return;
    }
    match (p.kind(), a.kind()) {
        (Kind::Object(pm), Kind::Object(am)) => {
            for (name, pv) in pm.iter() {
                let len = path.len();
                path.push('.');
                path.push_str(name);
                match am.get(name) {
                    Some(av) => compare(pv, av, path, out),
                    None => out.push(format!("{path}: attribute has vanished")),
                }
                path.truncate(len);
            }
        }
        (Kind::Map(_, pm), Kind::Map(_, am)) => {
            for (key, pv) in pm.iter() {
                let len = path.len();
                path.push_str(&format!("[{key:?}]"));
                match am.get(key) {
                    Some(av) => compare(pv, av, path, out),
                    None => out.push(format!("{}: element has vanished", at(path))),
                }
                path.truncate(len);
            }
            for key in am.keys().filter(|k| !pm.contains_key(k)) {
                out.push(format!("{}: new element {key:?} has appeared", at(path)));
            }
        }
        (Kind::List(_, pl), Kind::List(_, al)) | (Kind::Tuple(pl), Kind::Tuple(al)) => {
            if pl.len() != al.len() {
                out.push(format!("{}: length changed from {} to {}", at(path), pl.len(), al.len()));
                return;
            }
            for (i, (pv, av)) in pl.iter().zip(al.iter()).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                compare(pv, av, path, out);
                path.truncate(len);
            }
        }
        (Kind::Set(_, ps), Kind::Set(_, as_)) => {
            // Set elements have no identity but their value: a known planned
            // element must still be there; unknown ones may become anything.
            let unknown_elements = ps.iter().filter(|e| !e.is_wholly_known()).count();
            for pe in ps.iter().filter(|e| e.is_wholly_known()) {
                let (pe_plain, _) = pe.unmark_deep();
                if !as_.iter().any(|ae| ae.unmark_deep().0.raw_equal(&pe_plain)) {
                    let shown =
                        if sensitive || pe.has_marks_deep() { "(sensitive value)".into() } else { go(&pe_plain) };
                    out.push(format!(
                        "{}: planned set element {shown} does not correlate with any element in actual",
                        at(path)
                    ));
                }
            }
            if unknown_elements == 0 && ps.len() != as_.len() {
                out.push(format!("{}: length changed from {} to {}", at(path), ps.len(), as_.len()));
            }
        }
        _ => {
            if !p.raw_equal(&a) {
                out.push(mismatch(&at(path), &p, &a, sensitive));
            }
        }
    }
}

fn mismatch(path: &str, planned: &Value, actual: &Value, sensitive: bool) -> String {
    if sensitive {
        return format!("{path}: inconsistent values for sensitive attribute");
    }
    format!("{path}: was {}, but now {}", go(planned), go(actual))
}

/// A value in cty's Go syntax (`cty.StringVal("A")`), as Terraform prints
/// it in these messages.
pub fn go(v: &Value) -> String {
    match v.kind() {
        Kind::Unknown(t) => format!("cty.UnknownVal({})", go_type(t)),
        Kind::Null(t) => format!("cty.NullVal({})", go_type(t)),
        Kind::Bool(true) => "cty.True".into(),
        Kind::Bool(false) => "cty.False".into(),
        Kind::Number(n) => match n.to_i64() {
            Some(i) if n.is_integer() => format!("cty.NumberIntVal({i})"),
            _ => format!("cty.MustParseNumberVal({:?})", n.to_string()),
        },
        Kind::String(s) => format!("cty.StringVal({:?})", &**s),
        Kind::List(t, items) if items.is_empty() => format!("cty.ListValEmpty({})", go_type(t)),
        Kind::Set(t, items) if items.is_empty() => format!("cty.SetValEmpty({})", go_type(t)),
        Kind::Map(t, items) if items.is_empty() => format!("cty.MapValEmpty({})", go_type(t)),
        Kind::List(_, items) => format!("cty.ListVal([]cty.Value{{{}}})", seq(items)),
        Kind::Set(_, items) => format!("cty.SetVal([]cty.Value{{{}}})", seq(items)),
        Kind::Tuple(items) => format!("cty.TupleVal([]cty.Value{{{}}})", seq(items)),
        Kind::Map(_, items) => format!("cty.MapVal(map[string]cty.Value{{{}}})", entries(items.iter())),
        Kind::Object(items) if items.is_empty() => "cty.EmptyObjectVal".into(),
        Kind::Object(items) => format!("cty.ObjectVal(map[string]cty.Value{{{}}})", entries(items.iter())),
    }
}

fn seq(items: &[Value]) -> String {
    items.iter().map(go).collect::<Vec<_>>().join(", ")
}

fn entries<'v>(items: impl Iterator<Item = (&'v String, &'v Value)>) -> String {
    items.map(|(k, v)| format!("{k:?}:{}", go(v))).collect::<Vec<_>>().join(", ")
}

fn go_type(t: &Type) -> String {
    match t {
        Type::Dynamic => "cty.DynamicPseudoType".into(),
        Type::Bool => "cty.Bool".into(),
        Type::Number => "cty.Number".into(),
        Type::String => "cty.String".into(),
        Type::List(e) => format!("cty.List({})", go_type(e)),
        Type::Set(e) => format!("cty.Set({})", go_type(e)),
        Type::Map(e) => format!("cty.Map({})", go_type(e)),
        Type::Tuple(ts) => {
            format!("cty.Tuple([]cty.Type{{{}}})", ts.iter().map(go_type).collect::<Vec<_>>().join(", "))
        }
        Type::Object(o) if o.attrs.is_empty() => "cty.EmptyObject".into(),
        Type::Object(o) => format!(
            "cty.Object(map[string]cty.Type{{{}}})",
            o.attrs.iter().map(|(k, t)| format!("{k:?}:{}", go_type(t))).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::object((pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<BTreeMap<_, _>>()).into())
    }

    #[test]
    fn known_values_must_stay_and_unknowns_may_be_filled_in() {
        let planned = obj(&[("content", Value::string("A")), ("id", Value::unknown(Type::String))]);
        let same = obj(&[("content", Value::string("A")), ("id", Value::string("x"))]);
        assert!(incompatibilities(&planned, &same).is_empty());
        let changed = obj(&[("content", Value::string("B")), ("id", Value::string("x"))]);
        assert_eq!(
            incompatibilities(&planned, &changed),
            [".content: was cty.StringVal(\"A\"), but now cty.StringVal(\"B\")"]
        );
    }

    #[test]
    fn secrets_are_not_shown_and_known_values_may_not_become_unknown() {
        let planned = obj(&[("password", Value::string("old").mark_sensitive()), ("n", Value::int(1))]);
        let actual = obj(&[("password", Value::string("new").mark_sensitive()), ("n", Value::unknown(Type::Number))]);
        assert_eq!(
            incompatibilities(&planned, &actual),
            [".n: was known, but now unknown", ".password: inconsistent values for sensitive attribute"]
        );
    }

    #[test]
    fn collections_are_compared_element_by_element() {
        let planned = obj(&[
            ("tags", Value::map(Type::String, BTreeMap::from([("a".to_string(), Value::string("1"))]).into())),
            ("list", Value::list(Type::Number, vec![Value::int(1), Value::unknown(Type::Number)])),
        ]);
        let actual = obj(&[
            ("tags", Value::map(Type::String, BTreeMap::from([("b".to_string(), Value::string("1"))]).into())),
            ("list", Value::list(Type::Number, vec![Value::int(2), Value::int(3)])),
        ]);
        assert_eq!(
            incompatibilities(&planned, &actual),
            [
                ".list[0]: was cty.NumberIntVal(1), but now cty.NumberIntVal(2)",
                ".tags[\"a\"]: element has vanished",
                ".tags: new element \"b\" has appeared",
            ]
        );
    }
}
