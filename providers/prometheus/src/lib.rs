//! Providers for a self-hosted Prometheus and Alertmanager, which no
//! Terraform provider manages: `prometheus` (rule groups written as rule
//! files into the directory Prometheus loads, reloaded and verified through
//! its API; rule unit tests run by promtool) and `alertmanager` (its
//! configuration file and silences). What they write is checked first by
//! `strata-promrules`, as promtool and amtool check it.

mod alertmanager;
pub mod http;
mod prometheus;

use std::sync::Arc;
use strata_provider::{ProviderFactory, Registry};

/// Adds the `prometheus` and `alertmanager` providers to `registry`.
pub fn register(registry: &mut Registry) {
    let factories: Vec<Arc<dyn ProviderFactory>> = vec![Arc::new(prometheus::Factory), Arc::new(alertmanager::Factory)];
    for f in factories {
        registry.add(f);
    }
}
