#!/usr/bin/env bash
# Plans every stack and writes ONE Markdown comment for all of them, the
# body of the PR comment that plan-comment.yml keeps up to date.
#
#   examples/ci/plan-stacks.sh STACKS_FILE OUT_DIR
#
# STACKS_FILE lists one stack per line: `<root module dir> [<env>]`, paths
# from the directory this runs in (`#` starts a comment). With an env the
# stack plans with `envs/<env>.tfvars` and, when it exists, initialises its
# backend from `envs/<env>.s3.tfbackend`. Each stack has its own state, so
# nothing needs `-target`.
#
# Writes OUT_DIR/<dir>[/<env>]/tfplan per stack and OUT_DIR/comment.md.
# Exits 0 when every stack planned (changes or not), 1 when one failed; the
# comment then names it (its errors are in the job log, not the comment).
# STRATA names the binary (default `strata`); STRATA_PLAN_ARGS are added to
# every plan (e.g. `-lock=false -var name=pr-123`).
set -uo pipefail
stacks_file=$1
out=$2
strata=${STRATA:-strata}
mkdir -p "$out" && out=$(cd "$out" && pwd)
labels=()
failed=()
while read -r dir env _ || [ -n "${dir:-}" ]; do
  case "${dir:-#}" in \#*) continue ;; esac
  label=$dir${env:+/$env}
  mkdir -p "$out/$label"
  init=(-chdir="$dir" init -input=false -reconfigure)
  plan=(-chdir="$dir" plan -input=false -no-color -out="$out/$label/tfplan")
  if [ -n "${env:-}" ]; then
    [ -f "$dir/envs/$env.s3.tfbackend" ] && init+=(-backend-config="envs/$env.s3.tfbackend")
    plan+=(-var-file="envs/$env.tfvars")
  fi
  # shellcheck disable=SC2206 # word splitting is the point
  plan+=(${STRATA_PLAN_ARGS:-})
  echo "::group::plan $label"
  if "$strata" "${init[@]}" >/dev/null && "$strata" "${plan[@]}"; then
    labels+=("$label/tfplan")
  else
    failed+=("$label")
  fi
  echo "::endgroup::"
done <"$stacks_file"

# show -markdown starts with the marker the workflow finds its comment by;
# the failed stacks go right under it, in room kept for them.
marker="<!-- strata:plan-comment -->"
body=$marker
if [ ${#labels[@]} -gt 0 ]; then
  room=$((65536 - 200 * ${#failed[@]}))
  body=$(cd "$out" && "$strata" show -markdown -max-chars="$room" "${labels[@]}") || failed+=("(the comment itself)")
fi
{
  echo "$marker"
  for f in "${failed[@]}"; do
    echo "**Strata plan: \`$f\`** — :x: the plan failed; its errors are in the job log."
    echo
  done
  echo "${body#"$marker"}" | sed '1{/^$/d}'
} >"$out/comment.md"
[ ${#failed[@]} -eq 0 ]
