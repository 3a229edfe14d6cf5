//! End-to-end tests: each runs the real `strata` binary in a temporary
//! directory. Build it first (`cargo build --bins`; scripts/test.sh does).

mod builtin_providers;
mod cli;
mod diagnostics;
mod differential;
mod differential_plans;
mod failures;
mod interrupt;
mod lifecycle;
mod refresh;
mod resources;
mod support;
