//! Providers for a self-hosted Prometheus and Alertmanager, which no
//! Terraform provider manages: `prometheus` (rule groups written as rule
//! files into the directory Prometheus loads, reloaded and verified through
//! its API; rule unit tests run by promtool) and `alertmanager` (its
//! configuration file and silences). What they write is checked first by
//! `strata-promrules`, as promtool and amtool check it.

mod alertmanager;
mod files;
mod prometheus;

/// The shared HTTP client, under the name this crate's modules use.
pub(crate) use strata_provider_http as http;

use std::sync::Arc;
use strata_provider::{ProviderFactory, Registry};

/// Adds the `prometheus` and `alertmanager` providers to `registry`.
pub fn register(registry: &mut Registry) {
    let factories: Vec<Arc<dyn ProviderFactory>> = vec![Arc::new(prometheus::Factory), Arc::new(alertmanager::Factory)];
    for f in factories {
        registry.add(f);
    }
}

/// A provider argument, else its environment variable (empty is unset).
pub(crate) fn setting(config: &strata_lang::Value, name: &str, env: Option<&str>) -> Option<String> {
    strata_provider::values::str_attr(config, name)
        .filter(|s| !s.is_empty())
        .or_else(|| env.and_then(|e| std::env::var(e).ok()).filter(|s| !s.is_empty()))
}
