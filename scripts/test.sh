#!/usr/bin/env bash
# The whole test suite: unit, snapshot and end-to-end tests, plus the
# language conformance sample. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"

cargo build --locked --bins
cargo test --locked --workspace

conformance=../shared/reference/conformance/run.py
if [ -f "$conformance" ]; then
  python3 "$conformance" --bin "$target_dir/debug/strata"
else
  echo "note: $conformance not found; skipping the conformance sample"
fi
