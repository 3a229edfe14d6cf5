//! Providers for what lives inside an OpenSearch or Elasticsearch cluster
//! (the managed domains themselves are the AWS provider's): lifecycle
//! policies, index and component templates, snapshot repositories and
//! snapshot policies, security roles. One HTTP core for both products
//! (`connection`: the provider block, credentials including AWS SigV4,
//! TLS, which product answers), one lifecycle for JSON-document resources
//! (`document`), and one normalizer (`normalize`) so that what the server
//! echoes back compares equal to what was written and a re-plan is clean.
//! This crate knows nothing of the engine; it does not link the AWS
//! service crates, only the SDK's signer and credentials chain.

mod connection;
mod document;
mod elasticsearch;
pub mod normalize;
mod opensearch;
mod provider;
mod repository;
mod resource;
mod sigv4;

use std::sync::Arc;
use strata_provider::{ProviderFactory, Registry};

/// Adds the `opensearch` and `elasticsearch` providers to `registry`.
pub fn register(registry: &mut Registry) {
    let factories: Vec<Arc<dyn ProviderFactory>> =
        vec![Arc::new(opensearch::FACTORY), Arc::new(elasticsearch::FACTORY)];
    for f in factories {
        registry.add(f);
    }
}
