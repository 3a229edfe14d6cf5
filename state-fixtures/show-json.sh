#!/bin/sh
# Writes each fixture's golden `terraform show -json` output beside it
# (NAME.tfstate -> NAME.show.json) with the installed terraform. The state
# is shown alone in a scratch directory: the built-in provider needs no
# configuration and no init.
set -eu
cd "$(dirname "$0")"
for state in terraform-*.tfstate; do
    dir=$(mktemp -d)
    cp "$state" "$dir/terraform.tfstate"
    (cd "$dir" && CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null terraform show -json) >"${state%.tfstate}.show.json"
    rm -rf "$dir"
done
