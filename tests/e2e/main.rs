//! End-to-end tests: each runs the real `strata` binary in a temporary
//! directory. Build it first (`cargo build --bins`; scripts/test.sh does).

mod aws_attr_syntax;
mod aws_drift;
mod aws_example;
mod aws_gateways;
mod aws_network;
mod aws_support;
mod aws_terraform_state;
mod aws_vpc;
mod bad_state;
mod builtin_providers;
mod checks;
mod cli;
mod concurrency;
mod conditions;
mod diagnostics;
mod differential;
mod differential_plans;
mod drift;
mod failures;
mod imports;
mod interrupt;
mod lifecycle;
mod markdown;
mod moto;
mod plan_json;
mod plan_json_stream;
mod refactoring;
mod refresh;
mod resources;
mod s3_backend;
mod show_json;
mod state_commands;
mod support;
mod workspaces;
