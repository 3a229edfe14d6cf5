//! Providers built into Strata that need no cloud: Terraform's built-in
//! `terraform_data`, and (as their Terraform namesakes) `random` and
//! `local`. They are the offline quick start and the engine's test bed.

mod terraform;

use std::sync::Arc;
use strata_provider::{ProviderFactory, Registry};

/// Adds every built-in provider to `registry`.
pub fn register(registry: &mut Registry) {
    let factories: Vec<Arc<dyn ProviderFactory>> = vec![Arc::new(terraform::Factory)];
    for f in factories {
        registry.add(f);
    }
}

/// Helpers shared by the built-in providers.
pub(crate) mod util {
    use std::collections::BTreeMap;
    use strata_lang::Value;

    /// An attribute of an object value (null when absent).
    pub fn attr(v: &Value, name: &str) -> Value {
        v.as_entries().and_then(|m| m.get(name).cloned()).unwrap_or_else(Value::dynamic_null)
    }

    /// A random UUID-shaped id, as hashicorp/go-uuid makes them (no version bits).
    pub fn random_id() -> String {
        let mut b = [0u8; 16];
        if getrandom::fill(&mut b).is_err() {
            // No entropy source: fall back to time-derived bytes (ids need only be unique).
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
            b = t.to_le_bytes();
        }
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    }

    /// A copy of object `v` with `name` set to `value`.
    pub fn with_attr(v: &Value, name: &str, value: Value) -> Value {
        let mut m: BTreeMap<String, Value> = v.as_entries().cloned().unwrap_or_default();
        m.insert(name.to_string(), value);
        Value::object(m).mark(v.marks())
    }
}
