#!/usr/bin/env bash
# Checks every stack for drift, the scheduled job drift.yml runs.
#
#   examples/ci/drift-stacks.sh STACKS_FILE OUT_DIR
#
# STACKS_FILE is plan-stacks.sh's format (`<root module dir> [<env>]` per
# line). For each stack it runs `strata drift` (read-only: it writes no
# state) and writes OUT_DIR/<dir>[/<env>]/report.md and report.json, and
# OUT_DIR/summary.json: `[{"stack": ..., "code": 0|1|2}, ...]`.
#
# Exits 0 when every stack is in sync, 2 when one drifted and none failed,
# 1 when a check failed (an error is never reported as "in sync").
# STRATA names the binary; STRATA_DRIFT_ARGS are added to every check.
set -uo pipefail
stacks_file=$1
out=$2
strata=${STRATA:-strata}
mkdir -p "$out" && out=$(cd "$out" && pwd)
worst=0
summary=()
while read -r dir env _ || [ -n "${dir:-}" ]; do
  case "${dir:-#}" in \#*) continue ;; esac
  label=$dir${env:+/$env}
  mkdir -p "$out/$label"
  init=(-chdir="$dir" init -input=false -reconfigure)
  drift=(-chdir="$dir" drift -input=false -no-color)
  if [ -n "${env:-}" ]; then
    [ -f "$dir/envs/$env.s3.tfbackend" ] && init+=(-backend-config="envs/$env.s3.tfbackend")
    drift+=(-var-file="envs/$env.tfvars")
  fi
  # shellcheck disable=SC2206 # word splitting is the point
  drift+=(${STRATA_DRIFT_ARGS:-})
  echo "::group::drift $label"
  if "$strata" "${init[@]}" >/dev/null; then
    "$strata" "${drift[@]}" -markdown >"$out/$label/report.md"
    code=$?
    # The JSON report for tools; its exit code is the same check's.
    "$strata" "${drift[@]}" -json >"$out/$label/report.json" || true
  else
    code=1
  fi
  echo "$label: exit $code"
  echo "::endgroup::"
  summary+=("{\"stack\": \"$label\", \"code\": $code}")
  if [ "$code" = 2 ]; then
    [ "$worst" = 0 ] && worst=2
  elif [ "$code" != 0 ]; then
    worst=1
  fi
done <"$stacks_file"

(IFS=,; echo "[${summary[*]}]") >"$out/summary.json"
exit "$worst"
