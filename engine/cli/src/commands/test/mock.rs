//! `mock_provider` blocks: a provider that keeps the real one's schema but
//! never calls anything. Plans leave computed attributes unknown; applies
//! give them the block's `defaults` (from `mock_resource`/`mock_data`) or
//! generated values as Terraform's mocks do (strings: 8 random
//! alphanumerics, numbers 0, bools false, collections empty); data sources
//! read the same way; reads return what the state holds.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use strata_lang::{Fields, Type, Value};
use strata_provider::*;

/// Defaults by type name, for resources and for data sources.
#[derive(Default, Clone)]
pub struct MockDefaults {
    pub resources: BTreeMap<String, BTreeMap<String, Value>>,
    pub data: BTreeMap<String, BTreeMap<String, Value>>,
}

pub struct MockFactory {
    pub real: Arc<dyn ProviderFactory>,
    pub defaults: Arc<MockDefaults>,
}

impl ProviderFactory for MockFactory {
    fn source(&self) -> &str {
        self.real.source()
    }
    fn version(&self) -> &str {
        self.real.version()
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(MockProvider { schema: self.real.new_instance().schema(), defaults: self.defaults.clone() })
    }
}

struct MockProvider {
    schema: Arc<ProviderSchema>,
    defaults: Arc<MockDefaults>,
}

impl Provider for MockProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        self.schema.clone()
    }

    fn configure(&self, _req: ConfigureRequest) -> strata_provider::Diagnostics {
        Vec::new()
    }

    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        ReadResourceResponse { new_state: Some(req.current.clone()), private: Vec::new(), diagnostics: Vec::new() }
    }

    fn plan_resource(&self, req: PlanRequest) -> PlanResponse {
        let planned = match self.schema.resources.get(req.type_name) {
            Some(s) if !req.proposed.is_null() => unknown_computed(&s.block, req.proposed, req.config),
            _ => req.proposed.clone(),
        };
        let requires_replace = self
            .schema
            .resources
            .get(req.type_name)
            .filter(|_| !req.prior.is_null() && !req.proposed.is_null())
            .map(|s| {
                s.block
                    .attributes
                    .iter()
                    .filter(|(name, a)| {
                        a.force_new && field(req.prior, name).equals(&field(&planned, name)) != Some(true)
                    })
                    .map(|(name, _)| vec![PathStep::Attr(name.clone())])
                    .collect()
            })
            .unwrap_or_default();
        PlanResponse { planned, requires_replace, private: Vec::new(), diagnostics: Vec::new() }
    }

    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse {
        let new_state = match self.schema.resources.get(req.type_name) {
            Some(s) if !req.planned.is_null() => {
                fill(&s.block, req.planned, self.defaults.resources.get(req.type_name), false)
            }
            _ => req.planned.clone(),
        };
        ApplyResponse { new_state, private: Vec::new(), diagnostics: Vec::new() }
    }

    fn import_resource(&self, _req: ImportRequest) -> ImportResponse {
        ImportResponse {
            imported: Vec::new(),
            diagnostics: vec![ProviderDiagnostic::error(
                "Import of mocked resources",
                "A mock_provider cannot import objects: there is nothing real to import.",
            )],
        }
    }

    fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse {
        let state = match self.schema.data_sources.get(req.type_name) {
            Some(s) => fill(&s.block, req.config, self.defaults.data.get(req.type_name), true),
            None => req.config.clone(),
        };
        ReadDataResponse { state, diagnostics: Vec::new() }
    }
}

fn field(v: &Value, name: &str) -> Value {
    v.as_entries().and_then(|m| m.get(name).cloned()).unwrap_or_else(Value::dynamic_null)
}

/// The proposed object with computed attributes the configuration leaves
/// unset unknown (known after apply), as a provider plans a create.
fn unknown_computed(block: &Block, proposed: &Value, config: &Value) -> Value {
    let Some(entries) = proposed.as_entries() else { return proposed.clone() };
    let mut out = entries.clone();
    for (name, a) in &block.attributes {
        if a.computed && field(proposed, name).is_null() && field(config, name).is_null() {
            out.insert(name.clone(), Value::unknown(a.ty.clone()));
        }
    }
    Value::object(out)
}

/// `value` with its unknown (or, for data sources, null computed)
/// attributes given the defaults or generated values.
fn fill(block: &Block, value: &Value, defaults: Option<&BTreeMap<String, Value>>, nulls_too: bool) -> Value {
    let Some(entries) = value.as_entries() else { return value.clone() };
    let mut out: Fields = entries.clone();
    for (name, a) in &block.attributes {
        let v = field(value, name);
        let missing = v.is_unknown() || (nulls_too && a.computed && v.is_null());
        if missing {
            let given = defaults.and_then(|d| d.get(name)).cloned();
            let filled =
                given.and_then(|g| strata_lang::convert::convert(&g, &a.ty).ok()).unwrap_or_else(|| generated(&a.ty));
            out.insert(name.clone(), filled);
        } else if !v.is_wholly_known() {
            out.insert(name.clone(), known(&v, &a.ty));
        }
    }
    for (name, b) in &block.blocks {
        let v = field(value, name);
        if v.is_null() {
            continue;
        }
        let filled = match b.nesting {
            Nesting::Single => fill(&b.block, &v, None, nulls_too),
            Nesting::List | Nesting::Set => {
                let items: Vec<Value> =
                    v.as_seq().unwrap_or_default().iter().map(|i| fill(&b.block, i, None, nulls_too)).collect();
                let ty = b.block.implied_type();
                if b.nesting == Nesting::List {
                    Value::list(ty, items)
                } else {
                    Value::set(ty, items)
                }
            }
            Nesting::Map => {
                let items: Fields = v
                    .as_entries()
                    .map(|m| m.iter().map(|(k, i)| (k.clone(), fill(&b.block, i, None, nulls_too))).collect())
                    .unwrap_or_default();
                Value::map(b.block.implied_type(), items)
            }
        };
        out.insert(name.clone(), filled);
    }
    Value::object(out)
}

/// A partly unknown value made known: unknown parts generated.
fn known(v: &Value, ty: &Type) -> Value {
    if v.is_unknown() {
        return generated(ty);
    }
    match (ty, v.as_entries(), v.as_seq()) {
        (Type::Object(o), Some(m), _) => Value::object(
            m.iter().map(|(k, i)| (k.clone(), known(i, o.attrs.get(k).unwrap_or(&Type::Dynamic)))).collect(),
        ),
        (Type::Map(e), Some(m), _) => {
            Value::map((**e).clone(), m.iter().map(|(k, i)| (k.clone(), known(i, e))).collect())
        }
        (Type::List(e), _, Some(items)) => Value::list((**e).clone(), items.iter().map(|i| known(i, e)).collect()),
        (Type::Set(e), _, Some(items)) => Value::set((**e).clone(), items.iter().map(|i| known(i, e)).collect()),
        _ => v.clone(),
    }
}

/// Terraform's generated mock values.
fn generated(ty: &Type) -> Value {
    match ty {
        Type::String => Value::string(random_string()),
        Type::Number => Value::int(0),
        Type::Bool => Value::bool(false),
        Type::List(e) => Value::list((**e).clone(), Vec::new()),
        Type::Set(e) => Value::set((**e).clone(), Vec::new()),
        Type::Map(e) => Value::map((**e).clone(), Fields::new()),
        Type::Tuple(items) => Value::tuple(items.iter().map(generated).collect()),
        Type::Object(o) => Value::object(o.attrs.iter().map(|(k, t)| (k.clone(), generated(t))).collect()),
        Type::Dynamic => Value::dynamic_null(),
    }
}

/// Eight alphanumerics, different on every call.
fn random_string() -> String {
    use sha2::Digest as _;
    static N: AtomicU64 = AtomicU64::new(0);
    let seed = format!(
        "{}-{}-{:?}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default()
    );
    let digest = sha2::Sha256::digest(seed.as_bytes());
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    digest.iter().take(8).map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block() -> Block {
        Block {
            attributes: BTreeMap::from([
                ("name".to_string(), Attribute::required(Type::String)),
                ("id".to_string(), Attribute::computed(Type::String)),
                ("count".to_string(), Attribute::computed(Type::Number)),
                ("tags".to_string(), Attribute::computed(Type::map(Type::String))),
                ("arn".to_string(), Attribute::computed(Type::String)),
            ]),
            blocks: BTreeMap::new(),
        }
    }

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn plans_leave_computed_values_unknown_and_applies_fill_them() {
        let config = object(&[("name", Value::string("n")), ("id", Value::null(Type::String))]);
        let proposed = object(&[
            ("name", Value::string("n")),
            ("id", Value::null(Type::String)),
            ("count", Value::null(Type::Number)),
            ("tags", Value::null(Type::map(Type::String))),
            ("arn", Value::null(Type::String)),
        ]);
        let planned = unknown_computed(&block(), &proposed, &config);
        assert!(field(&planned, "id").is_unknown() && field(&planned, "arn").is_unknown());
        assert_eq!(field(&planned, "name").as_str(), Some("n"));
        let defaults = BTreeMap::from([("arn".to_string(), Value::string("arn:mock"))]);
        let applied = fill(&block(), &planned, Some(&defaults), false);
        assert!(applied.is_wholly_known());
        assert_eq!(field(&applied, "arn").as_str(), Some("arn:mock"), "defaults win");
        assert_eq!(field(&applied, "id").as_str().map(str::len), Some(8), "strings: 8 characters");
        assert!(field(&applied, "count").equals(&Value::int(0)) == Some(true), "numbers: 0");
        assert_eq!(field(&applied, "tags").length(), Some(0), "collections: empty");
    }

    #[test]
    fn generated_strings_differ() {
        let a = random_string();
        let b = random_string();
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    }
}
