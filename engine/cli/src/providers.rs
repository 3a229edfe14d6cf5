//! The providers linked into this binary.

use strata_provider::Registry;

pub fn registry() -> Registry {
    let mut r = Registry::default();
    strata_providers_builtin::register(&mut r);
    r
}
