#!/bin/sh
# Destroys every developer's stack of this example: each workspace in turn
# is selected and destroyed, then deleted; the default workspace's stack is
# destroyed too and the default workspace is left selected.
#
#   scripts/destroy-all.sh [-var-file=envs/dev.tfvars] [-var name=...]
#
# The arguments are passed to every `destroy`. STRATA names the binary
# (default `strata`; `STRATA=terraform` works as well). It stops at the
# first failure, leaving that workspace selected, so it can be run again.
set -eu

cd "$(dirname "$0")/.."
STRATA=${STRATA:-strata}

workspaces=$("$STRATA" workspace list | sed 's/^[* ]*//' | grep -v '^$')
for ws in $workspaces; do
  echo "== destroying workspace $ws"
  "$STRATA" workspace select "$ws"
  "$STRATA" destroy -auto-approve -input=false "$@"
done

"$STRATA" workspace select default
for ws in $workspaces; do
  if [ "$ws" != default ]; then
    "$STRATA" workspace delete "$ws"
  fi
done
echo "== destroyed: $(echo $workspaces | tr '\n' ' ')"
