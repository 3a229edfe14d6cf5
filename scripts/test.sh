#!/usr/bin/env bash
# The whole test suite: unit, snapshot and end-to-end tests (the AWS
# provider and S3 backend against a real moto_server, the prometheus and
# alertmanager providers against a real Prometheus and Alertmanager, all on
# 127.0.0.1), plus the language conformance sample. `.ci/run` calls exactly
# this.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"

# Debian's packages (python3-venv, Prometheus, Alertmanager), when missing.
. scripts/lib/packages.sh
ensure_debian_packages

# Python tools, pinned, in venvs outside the clone (reused between runs):
# moto_server (the S3 tests start it on a free loopback port), osmem-server
# (the search tests' OpenSearch-compatible upstream) and checkov (reads
# Strata's plan JSON).
. scripts/lib/venv.sh
ensure_moto_venv
ensure_osmem_venv
checkov_venv="$STRATA_CACHE_DIR/checkov-3.3.30"
if [ ! -x "$checkov_venv/bin/checkov" ]; then
  python3 -m venv "$checkov_venv"
  "$checkov_venv/bin/pip" install --quiet 'checkov==3.3.30' || {
    echo "note: checkov could not be installed; its test will be skipped"
    rm -rf "$checkov_venv"
  }
fi

# The servers the tests start log here; a failing run shows their errors.
export STRATA_TEST_LOG_DIR="$target_dir/test-logs"
rm -rf "$STRATA_TEST_LOG_DIR" && mkdir -p "$STRATA_TEST_LOG_DIR"

cargo build --locked --bins
if ! cargo test --locked --workspace; then
  scripts/lib/server-errors.sh "$STRATA_TEST_LOG_DIR"
  exit 101
fi

conformance=../shared/reference/conformance/run.py
if [ -f "$conformance" ]; then
  python3 "$conformance" --bin "$target_dir/debug/strata"
else
  echo "note: $conformance not found; skipping the conformance sample"
fi
