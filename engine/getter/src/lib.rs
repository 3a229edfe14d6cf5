//! Module installation for `init`: module source addresses are parsed in
//! `strata-config` (which also reads what was installed); this crate does
//! the network and disk work — the module registry protocol (`registry`),
//! git and http(s) archive getters (`fetch`), the CLI configuration's
//! `host` and `credentials` blocks (`cliconfig`), and the walk that
//! installs a configuration's module calls and writes `modules.json`
//! (`install`).

mod cliconfig;
mod fetch;
mod http;
mod install;
mod registry;

pub use install::{install_modules, InstallOptions};
