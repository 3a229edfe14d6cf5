#!/usr/bin/env bash
# Prints what the test servers logged as failures, so a red CI run says
# whether a server or Strata failed: moto's 5xx requests and the distinct
# exceptions behind them (some are expected: probes of calls moto lacks),
# and the error lines of the Prometheus and Alertmanager logs.
set -uo pipefail
dir="${1:?usage: server-errors.sh LOG_DIR}"
for log in "$dir"/*.log; do
  [ -f "$log" ] || continue
  plain=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
  requests=$(grep -E '" 5[0-9][0-9] ' <<<"$plain" | sed -E 's/.*"([A-Z]+ [^ ?]*)[^"]*" (5[0-9][0-9]).*/\2 \1/' | sort | uniq -c | sort -rn | head -n 20)
  exceptions=$(grep -E '^[A-Za-z_.]+(Error|Exception|Exit)[A-Za-z]*:' <<<"$plain" | sort | uniq -c | sort -rn | head -n 20)
  errors=$(grep -E 'level=(error|warn)' <<<"$plain" | tail -n 20)
  [ -n "$requests$exceptions$errors" ] || continue
  echo "---- $(basename "$log")"
  [ -z "$requests" ] || printf '5xx responses (count, status, request):\n%s\n' "$requests"
  [ -z "$exceptions" ] || printf 'exceptions (count, last line):\n%s\n' "$exceptions"
  [ -z "$errors" ] || printf 'last error lines:\n%s\n' "$errors"
done
