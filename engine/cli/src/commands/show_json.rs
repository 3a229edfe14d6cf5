//! `strata show -json`: the state in Terraform's JSON representation
//! (`format_version` "1.0"), byte for byte as `terraform show -json` prints
//! it. Values are in the clear, as Terraform's are; which parts are
//! sensitive is said by `sensitive_values` and each output's `sensitive`.
//!
//! The `values` object (`outputs` and the `root_module` tree) is built from
//! plain `InstanceObject`s by `values_json`, so plan JSON can reuse it for
//! `prior_state` and `planned_values`.

use crate::output::Ui;
use crate::workdir::WorkDir;
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use strata_addrs::{InstanceKey, ModuleInstance, ResourceAddr, ResourceInstanceAddr, ResourceMode};
use strata_diag::Diagnostic;
use strata_lang::value::Kind;
use strata_lang::{Type, Value};
use strata_provider::{Block, Registry};
use strata_state::{InstanceState, LocalState, ResourceState, StateFile};

/// The version of the JSON state representation.
pub const FORMAT_VERSION: &str = "1.0";

pub fn run(workdir: &WorkDir, path: Option<&Path>, state: Option<&Path>, ui: Ui) -> u8 {
    let store = match path {
        Some(p) => {
            let p = workdir.dir.join(p);
            if !p.is_file() {
                ui.print_diagnostics(
                    &Diagnostic::error("Failed to read the given file as a state or plan file")
                        .with_detail(format!("{}: no such file.", p.display()))
                        .into(),
                );
                return 1;
            }
            LocalState::new(p)
        }
        None => {
            // A workspace name that is not allowed would name a path outside
            // the working directory's workspaces.
            if let (None, Err(e)) = (state, workdir.checked_workspace()) {
                ui.print_diagnostics(&e.to_diagnostic().into());
                return 1;
            }
            match workdir.state_store(state) {
                Ok(s) => s,
                Err(d) => {
                    ui.print_diagnostics(&d.into());
                    return 1;
                }
            }
        }
    };
    let st = match store.read() {
        Ok(s) => s,
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    let registry = crate::providers::registry();
    let unknown: BTreeSet<String> = st
        .iter()
        .flat_map(|s| &s.resources)
        .filter(|r| resource_schema(&registry, r).is_none())
        .map(|r| format!("{} ({})", r.type_name, provider_source(&r.provider)))
        .collect();
    if !unknown.is_empty() {
        let list: String = unknown.iter().map(|t| format!("\n  - {t}")).collect();
        ui.print_diagnostics(
            &Diagnostic::warning("Values shown without their schema")
                .with_detail(format!(
                    "Strata has no schema for these resource types, so their values are shown as the state file stores them (attributes of any type keep their type wrapper):{list}"
                ))
                .into(),
        );
    }
    println!("{}", to_go_json(&state_document(st.as_ref(), &registry)));
    0
}

/// The whole document: `{"format_version":"1.0"}` alone for no state or an
/// empty one (no resources, no outputs), as Terraform prints.
pub fn state_document(st: Option<&StateFile>, registry: &Registry) -> Json {
    let mut doc = Map::new();
    doc.insert("format_version".into(), FORMAT_VERSION.into());
    let Some(st) = st.filter(|s| !is_empty(s)) else { return Json::Object(doc) };
    if !st.terraform_version.is_empty() {
        doc.insert("terraform_version".into(), st.terraform_version.clone().into());
    }
    doc.insert("values".into(), values_json(state_outputs(st), state_objects(st, registry)));
    if let Some(checks) = checks_json(&st.check_results) {
        doc.insert("checks".into(), checks);
    }
    Json::Object(doc)
}

fn is_empty(st: &StateFile) -> bool {
    st.outputs.is_empty() && st.resources.is_empty()
}

/// Root outputs, as Terraform's `values.outputs`: stored value and type as
/// they are, sensitive ones included (they are flagged, not hidden).
pub fn state_outputs(st: &StateFile) -> Map<String, Json> {
    st.outputs
        .iter()
        .map(|(k, o)| {
            let mut m = Map::new();
            m.insert("sensitive".into(), o.sensitive.into());
            m.insert("value".into(), o.value.clone());
            m.insert("type".into(), o.ty.clone());
            (k.clone(), Json::Object(m))
        })
        .collect()
}

/// One resource instance object (current or deposed), ready to show.
pub struct InstanceObject {
    pub addr: ResourceInstanceAddr,
    /// The provider's source address, e.g. `registry.terraform.io/hashicorp/aws`.
    pub provider_name: String,
    pub schema_version: u64,
    /// The object, sensitive parts marked.
    pub value: Value,
    pub depends_on: Vec<String>,
    pub tainted: bool,
    pub deposed_key: Option<String>,
}

/// The address of an instance stored in state.
pub fn instance_addr(r: &ResourceState, i: &InstanceState) -> ResourceInstanceAddr {
    let resource = ResourceAddr {
        module: r.module.as_deref().and_then(ModuleInstance::parse).unwrap_or_default(),
        mode: if r.mode == "data" { ResourceMode::Data } else { ResourceMode::Managed },
        type_name: r.type_name.clone(),
        name: r.name.clone(),
    };
    let key = match &i.index_key {
        Some(Json::String(s)) => InstanceKey::Str(s.clone()),
        Some(Json::Number(n)) => n.as_i64().map_or(InstanceKey::None, InstanceKey::Int),
        _ => InstanceKey::None,
    };
    resource.instance(key)
}

/// `provider["registry.terraform.io/hashicorp/aws"].west` → its source address.
fn provider_source(provider: &str) -> String {
    provider.split('"').nth(1).unwrap_or(provider).to_string()
}

/// Every object in the state, decoded with its provider's schema where the
/// provider is linked in (dynamic attributes unwrapped, schema-sensitive
/// attributes marked) and as plain JSON otherwise.
pub fn state_objects(st: &StateFile, registry: &Registry) -> Vec<InstanceObject> {
    let mut out = Vec::new();
    for r in &st.resources {
        let provider_name = provider_source(&r.provider);
        let block = resource_schema(registry, r);
        for i in &r.instances {
            let decoded = block.as_ref().and_then(|b| {
                strata_lang::json::from_json_typed(&i.attributes.to_json(), &b.implied_type())
                    .ok()
                    .map(|v| mark_schema_sensitive(v, b))
            });
            let value = decoded
                .or_else(|| strata_lang::json::from_json_implied(&i.attributes.to_json()).ok())
                .unwrap_or_else(Value::dynamic_null);
            out.push(InstanceObject {
                addr: instance_addr(r, i),
                provider_name: provider_name.clone(),
                schema_version: i.schema_version,
                value: strata_core::decode::apply_sensitive_paths(value, &i.sensitive_attributes),
                depends_on: i.dependencies.clone().unwrap_or_default(),
                tainted: i.status.as_deref() == Some("tainted"),
                deposed_key: i.deposed.clone(),
            });
        }
    }
    out
}

/// The schema of a stored resource's type, when its provider is linked in.
fn resource_schema(registry: &Registry, r: &ResourceState) -> Option<Block> {
    let source = provider_source(&r.provider);
    let factory = registry.get(source.trim_start_matches("registry.terraform.io/"))?;
    let schema = factory.new_instance().schema();
    let types = if r.mode == "data" { &schema.data_sources } else { &schema.resources };
    types.get(&r.type_name).map(|rs| rs.block.clone())
}

/// Marks the attributes the schema declares sensitive (Terraform adds the
/// schema's sensitive paths to those recorded in state).
fn mark_schema_sensitive(v: Value, block: &Block) -> Value {
    if !has_sensitive(block) {
        return v;
    }
    let Some(entries) = v.as_entries() else { return v };
    let marks = v.marks();
    let mut m = entries.clone();
    for k in block.attributes.iter().filter(|(_, a)| a.sensitive).map(|(k, _)| k) {
        if let Some(x) = m.remove(k) {
            m.insert(k.clone(), x.mark_sensitive());
        }
    }
    for (k, nb) in block.blocks.iter().filter(|(_, nb)| has_sensitive(&nb.block)) {
        let Some(x) = m.remove(k) else { continue };
        let xm = x.marks();
        let each = |e: &Value| mark_schema_sensitive(e.clone(), &nb.block);
        let marked = match x.kind() {
            Kind::List(t, items) => Value::list(t.clone(), items.iter().map(each).collect()),
            Kind::Set(t, items) => Value::set(t.clone(), items.iter().map(each).collect()),
            Kind::Map(t, items) => Value::map(t.clone(), items.iter().map(|(k, e)| (k.clone(), each(e))).collect()),
            Kind::Object(_) => each(&x),
            _ => x.clone(),
        };
        m.insert(k.clone(), marked.mark(xm));
    }
    Value::object(m).mark(marks)
}

fn has_sensitive(block: &Block) -> bool {
    block.attributes.values().any(|a| a.sensitive) || block.blocks.values().any(|b| has_sensitive(&b.block))
}

/// The `values` object: `outputs` (left out when there are none) and the
/// `root_module` tree of resources and child modules.
pub fn values_json(outputs: Map<String, Json>, objects: Vec<InstanceObject>) -> Json {
    let mut by_module: BTreeMap<ModuleInstance, Vec<InstanceObject>> = BTreeMap::new();
    for o in objects {
        by_module.entry(o.addr.resource.module.clone()).or_default().push(o);
    }
    // Every ancestor of a module with resources appears, resources or not.
    let mut modules: BTreeSet<ModuleInstance> = BTreeSet::new();
    for m in by_module.keys() {
        for n in 0..=m.0.len() {
            modules.insert(ModuleInstance(m.0[..n].to_vec()));
        }
    }
    modules.insert(ModuleInstance::root());
    let mut values = Map::new();
    if !outputs.is_empty() {
        values.insert("outputs".into(), Json::Object(outputs));
    }
    values.insert("root_module".into(), module_json(&ModuleInstance::root(), &mut by_module, &modules));
    Json::Object(values)
}

fn module_json(
    module: &ModuleInstance,
    by_module: &mut BTreeMap<ModuleInstance, Vec<InstanceObject>>,
    modules: &BTreeSet<ModuleInstance>,
) -> Json {
    let mut m = Map::new();
    let mut objects = by_module.remove(module).unwrap_or_default();
    objects.sort_by(|a, b| object_order(a).cmp(&object_order(b)));
    if !objects.is_empty() {
        m.insert("resources".into(), Json::Array(objects.iter().map(resource_json).collect()));
    }
    if !module.is_root() {
        m.insert("address".into(), module.to_string().into());
    }
    // Children sort by their address as a string, as Terraform's do.
    let mut children: Vec<&ModuleInstance> =
        modules.iter().filter(|c| c.0.len() == module.0.len() + 1 && c.0.starts_with(&module.0)).collect();
    children.sort_by_key(|c| c.to_string());
    if !children.is_empty() {
        let list = children.into_iter().map(|c| module_json(c, by_module, modules)).collect();
        m.insert("child_modules".into(), Json::Array(list));
    }
    Json::Object(m)
}

/// Terraform's order within a module: data sources first, then by type and
/// name; instances without a key, then number keys, then string keys; the
/// current object before deposed ones, those by key.
fn object_order(o: &InstanceObject) -> impl Ord + '_ {
    let r = &o.addr.resource;
    let key = match &o.addr.key {
        InstanceKey::None => (0, 0, ""),
        InstanceKey::Int(i) => (1, *i, ""),
        InstanceKey::Str(s) => (2, 0, s.as_str()),
    };
    (r.mode != ResourceMode::Data, r.type_name.as_str(), r.name.as_str(), key, o.deposed_key.as_deref())
}

fn resource_json(o: &InstanceObject) -> Json {
    let r = &o.addr.resource;
    let mut m = Map::new();
    m.insert("address".into(), o.addr.to_string().into());
    m.insert("mode".into(), if r.mode == ResourceMode::Data { "data" } else { "managed" }.into());
    m.insert("type".into(), r.type_name.clone().into());
    m.insert("name".into(), r.name.clone().into());
    match &o.addr.key {
        InstanceKey::None => {}
        InstanceKey::Int(i) => {
            m.insert("index".into(), (*i).into());
        }
        InstanceKey::Str(s) => {
            m.insert("index".into(), s.clone().into());
        }
    }
    m.insert("provider_name".into(), o.provider_name.clone().into());
    m.insert("schema_version".into(), o.schema_version.into());
    if let Some(values) = attribute_values(&o.value) {
        m.insert("values".into(), Json::Object(values));
    }
    m.insert("sensitive_values".into(), sensitive_as_bool(&o.value));
    if !o.depends_on.is_empty() {
        m.insert("depends_on".into(), o.depends_on.clone().into());
    }
    if o.tainted {
        m.insert("tainted".into(), true.into());
    }
    if let Some(k) = &o.deposed_key {
        m.insert("deposed_key".into(), k.clone().into());
    }
    Json::Object(m)
}

/// The object's attributes, each with its own type (so attributes the
/// schema types as `any` are not wrapped as they are in state files);
/// `None` for a null or attribute-less object. Unknowns become null.
pub fn attribute_values(v: &Value) -> Option<Map<String, Json>> {
    let entries = v.as_entries()?;
    if entries.is_empty() {
        return None;
    }
    Some(entries.iter().map(|(k, x)| (k.clone(), strata_lang::json::to_json(x))).collect())
}

/// Terraform's `SensitiveAsBool`: the value's shape with `true` where it is
/// sensitive; objects and maps leave out what is not, sequences keep a
/// `false` for each element that is not.
pub fn sensitive_as_bool(v: &Value) -> Json {
    if v.is_sensitive() {
        return Json::Bool(true);
    }
    match v.kind() {
        Kind::Null(_) | Kind::Bool(_) | Kind::Number(_) | Kind::String(_) => Json::Bool(false),
        Kind::Unknown(t) => match t {
            Type::List(_) | Type::Set(_) | Type::Tuple(_) => Json::Array(Vec::new()),
            Type::Map(_) | Type::Object(_) => Json::Object(Map::new()),
            _ => Json::Bool(false),
        },
        Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
            Json::Array(items.iter().map(sensitive_as_bool).collect())
        }
        Kind::Map(_, items) | Kind::Object(items) => Json::Object(
            items
                .iter()
                .map(|(k, x)| (k.clone(), sensitive_as_bool(x)))
                .filter(|(_, s)| *s != Json::Bool(false))
                .collect(),
        ),
    }
}

/// The state's `check_results` (conditions, check blocks, variable
/// validations) as Terraform's `checks`: one entry per configuration object
/// with its instances, each sorted by address; `None` when there are none.
pub fn checks_json(check_results: &Json) -> Option<Json> {
    let results = check_results.as_array().filter(|a| !a.is_empty())?;
    let str_of = |j: &Json, k: &str| j.get(k).and_then(Json::as_str).unwrap_or_default().to_string();
    let status = |j: &Json| match j.get("status").and_then(Json::as_str) {
        Some(s @ ("pass" | "fail" | "error")) => s.to_string(),
        _ => "unknown".to_string(),
    };
    let mut out = Vec::new();
    for r in results {
        let kind = str_of(r, "object_kind");
        let config_addr = str_of(r, "config_addr");
        let Some(address) = static_check_addr(&kind, &config_addr) else { continue };
        let mut instances: Vec<(String, Json)> = Vec::new();
        for o in r.get("objects").and_then(Json::as_array).into_iter().flatten() {
            let object_addr = str_of(o, "object_addr");
            let mut messages: Vec<String> = o
                .get("failure_messages")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect();
            messages.sort();
            let mut inst = Map::new();
            inst.insert("address".into(), dynamic_check_addr(&kind, &object_addr));
            inst.insert("status".into(), status(o).into());
            if !messages.is_empty() {
                let problems = messages.into_iter().map(|m| serde_json::json!({ "message": m })).collect();
                inst.insert("problems".into(), Json::Array(problems));
            }
            instances.push((object_addr, Json::Object(inst)));
        }
        instances.sort_by(|a, b| a.0.cmp(&b.0));
        let mut entry = Map::new();
        entry.insert("address".into(), address);
        entry.insert("status".into(), status(r).into());
        if !instances.is_empty() {
            entry.insert("instances".into(), Json::Array(instances.into_iter().map(|(_, j)| j).collect()));
        }
        out.push((config_addr, Json::Object(entry)));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Some(Json::Array(out.into_iter().map(|(_, j)| j).collect()))
}

/// Splits `module.a["x"].module.b[0].rest` into the module instance part
/// (`module.a["x"].module.b[0]`, empty for the root) and `rest`.
fn split_module(addr: &str) -> (&str, &str) {
    let bytes = addr.as_bytes();
    let mut end = 0; // where the module part ends (exclusive)
    let mut pos = 0;
    while addr[pos..].starts_with("module.") {
        let mut i = pos + "module.".len();
        while i < bytes.len() && bytes[i] != b'.' && bytes[i] != b'[' {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'[' {
            i = key_end(addr, i);
        }
        if i >= bytes.len() || bytes[i] != b'.' {
            break;
        }
        end = i;
        pos = i + 1;
    }
    if end == 0 {
        ("", addr)
    } else {
        (&addr[..end], &addr[end + 1..])
    }
}

/// The index just past the `[...]` key that starts at `open`.
fn key_end(addr: &str, open: usize) -> usize {
    let bytes = addr.as_bytes();
    let mut i = open + 1;
    if bytes.get(i) == Some(&b'"') {
        i += 1;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        i += 1;
    }
    while i < bytes.len() && bytes[i] != b']' {
        i += 1;
    }
    (i + 1).min(bytes.len())
}

/// The JSON value of an instance key written `[0]` or `["a"]`.
fn parse_key(key: &str) -> Option<Json> {
    let inner = key.strip_prefix('[')?.strip_suffix(']')?;
    if inner.starts_with('"') {
        serde_json::from_str::<String>(inner).ok().map(Json::String)
    } else {
        inner.parse::<i64>().ok().map(Json::from)
    }
}

/// Go marshals these addresses from maps: keys in sorted order.
fn sorted_object(entries: BTreeMap<&str, Json>) -> Json {
    Json::Object(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn static_check_addr(kind: &str, config_addr: &str) -> Option<Json> {
    let (module, rest) = split_module(config_addr);
    let mut m: BTreeMap<&str, Json> = BTreeMap::new();
    m.insert("to_display", config_addr.into());
    if !module.is_empty() {
        m.insert("module", module.into());
    }
    match kind {
        "resource" => {
            let (mode, rest) = match rest.strip_prefix("data.") {
                Some(r) => ("data", r),
                None => ("managed", rest),
            };
            let (type_name, name) = rest.split_once('.')?;
            m.insert("kind", "resource".into());
            m.insert("mode", mode.into());
            m.insert("type", type_name.into());
            m.insert("name", name.into());
        }
        "output" | "check" | "var" => {
            let prefix = match kind {
                "output" => "output.",
                "check" => "check.",
                _ => "var.",
            };
            m.insert("kind", if kind == "output" { "output_value" } else { kind }.into());
            m.insert("name", rest.strip_prefix(prefix).unwrap_or(rest).into());
        }
        _ => return None,
    }
    Some(sorted_object(m))
}

fn dynamic_check_addr(kind: &str, object_addr: &str) -> Json {
    let (module, rest) = split_module(object_addr);
    let mut m: BTreeMap<&str, Json> = BTreeMap::new();
    m.insert("to_display", object_addr.into());
    if !module.is_empty() {
        m.insert("module", module.into());
    }
    if kind == "resource" {
        if let Some(key) = rest.find('[').and_then(|i| parse_key(&rest[i..])) {
            m.insert("instance_key", key);
        }
    }
    sorted_object(m)
}

/// JSON as Go's `encoding/json` writes it: compact, with `<`, `>`, `&`,
/// U+2028 and U+2029 escaped (only strings can hold them, so escaping the
/// serialized text is exact).
pub fn to_go_json(j: &Json) -> String {
    let s = serde_json::to_string(j).expect("JSON values serialize");
    if !s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_json_escapes_as_encoding_json() {
        let j = serde_json::json!({"html": "<a&b>", "ctl": "x\u{8}y\u{c}z\u{1}\t\n\u{7f}", "ls": "\u{2028}"});
        assert_eq!(
            to_go_json(&j),
            "{\"html\":\"\\u003ca\\u0026b\\u003e\",\"ctl\":\"x\\by\\fz\\u0001\\t\\n\u{7f}\",\"ls\":\"\\u2028\"}"
        );
    }

    #[test]
    fn check_addresses_split_at_the_module_path() {
        assert_eq!(
            split_module(r#"module.a["x.y"].module.b[0].terraform_data.c["k"]"#),
            (r#"module.a["x.y"].module.b[0]"#, r#"terraform_data.c["k"]"#)
        );
        assert_eq!(split_module("module.m.output.o"), ("module.m", "output.o"));
        assert_eq!(split_module("var.v"), ("", "var.v"));
        assert_eq!(parse_key(r#"["k\"q"]"#), Some(Json::from("k\"q")));
        assert_eq!(parse_key("[10]"), Some(Json::from(10)));
        let addr = dynamic_check_addr("resource", r#"module.m[1].data.t.n["a"]"#);
        assert_eq!(
            to_go_json(&addr),
            r#"{"instance_key":"a","module":"module.m[1]","to_display":"module.m[1].data.t.n[\"a\"]"}"#
        );
        let addr = static_check_addr("resource", "module.m.data.t.n").unwrap();
        assert_eq!(
            to_go_json(&addr),
            r#"{"kind":"resource","mode":"data","module":"module.m","name":"n","to_display":"module.m.data.t.n","type":"t"}"#
        );
    }

    #[test]
    fn sensitivity_has_the_value_shape() {
        let v = Value::object(
            BTreeMap::from([
                ("id".to_string(), Value::string("x")),
                ("secret".to_string(), Value::string("s").mark_sensitive()),
                ("list".to_string(), Value::tuple(vec![Value::int(1), Value::string("a").mark_sensitive()])),
                ("empty".to_string(), Value::empty_object()),
                ("none".to_string(), Value::null(Type::String).mark_sensitive()),
                ("nothing".to_string(), Value::null(Type::list(Type::String))),
            ])
            .into(),
        );
        assert_eq!(
            sensitive_as_bool(&v),
            serde_json::json!({"empty": {}, "list": [false, true], "none": true, "secret": true})
        );
    }
}
