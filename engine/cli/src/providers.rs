//! The providers linked into this binary.

use strata_provider::Registry;

pub fn registry() -> Registry {
    let mut r = Registry::default();
    strata_providers_builtin::register(&mut r, Some(std::sync::Arc::new(crate::backend::RemoteStates)));
    strata_providers_aws::register(&mut r);
    strata_providers_prometheus::register(&mut r);
    strata_providers_search::register(&mut r);
    // The engine's test provider exists only in debug builds.
    #[cfg(debug_assertions)]
    r.add(std::sync::Arc::new(strata_providers_testing::Factory));
    r
}
