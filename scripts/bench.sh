#!/usr/bin/env bash
# Benchmark: validate a generated configuration of 10,000 blocks.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --bins
STRATA_BIN="$target_dir/release/strata" "$target_dir/release/bench-validate" "${1:-10000}" "${2:-5}"
