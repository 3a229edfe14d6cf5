#!/usr/bin/env bash
# The whole test suite: unit, snapshot and end-to-end tests (the S3 backend
# against a real moto_server on 127.0.0.1), plus the language conformance
# sample. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"

# moto_server, pinned, in a venv outside the clone (reused between runs).
# The S3 tests start it themselves on a free loopback port.
export STRATA_VENV_DIR="${STRATA_VENV_DIR:-$HOME/.cache/strata/venv}"
if [ ! -x "$STRATA_VENV_DIR/bin/moto_server" ]; then
  python3 -m venv "$STRATA_VENV_DIR"
  "$STRATA_VENV_DIR/bin/pip" install --quiet 'moto[server]==5.2.5'
fi

cargo build --locked --bins
cargo test --locked --workspace

conformance=../shared/reference/conformance/run.py
if [ -f "$conformance" ]; then
  python3 "$conformance" --bin "$target_dir/debug/strata"
else
  echo "note: $conformance not found; skipping the conformance sample"
fi
