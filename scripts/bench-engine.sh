#!/usr/bin/env bash
# Benchmark: validate, plan (fresh and no-op) and apply of generated
# configurations of 1,000 / 10,000 / 100,000 terraform_data instances, with
# Terraform on the same configuration where `terraform` is installed.
# Arguments go to bench-engine, e.g.:
#   scripts/bench-engine.sh                       # 1000,10000,100000
#   scripts/bench-engine.sh 1000,2000 --terraform-max 2000
#   scripts/bench-engine.sh --quick
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --bins
STRATA_BIN="${STRATA_BIN:-$target_dir/release/strata}" "$target_dir/release/bench-engine" "$@"
