#!/usr/bin/env bash
# A disaster-recovery drill: apply the primary and the standby, check that
# the standby is really a standby, destroy everything again.
#
#   scripts/drill.sh [strata apply arguments...]
#   scripts/drill.sh -var-file=envs/drill.tfvars -var name=drill42
#
# Checks, through the AWS CLI, after the apply:
#   1. the standby database exists in the standby region, is available,
#      and is a read replica of the primary database (by ARN), and the
#      primary lists it among its replicas;
#   2. the standby ECS service is ACTIVE with at least one desired task,
#      running the same image as the primary.
# Destroy runs whatever the checks found (a drill leaves nothing behind);
# the exit code is the checks' (or apply's, or destroy's) failure.
#
# STRATA names the strata binary (default: strata on PATH). Endpoints come
# from AWS_ENDPOINT_URL when it is set (a local emulator), as for strata.
set -euo pipefail
cd "$(dirname "$0")/.."

strata=${STRATA:-strata}
args=("$@")
awscli() {
  aws ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"} --output text "$@"
}
step() { printf '\n==> %s\n' "$*"; }
failed=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  failed=1
}

step "init"
"$strata" init -input=false -no-color >/dev/null

destroy() {
  step "destroy"
  if ! "$strata" destroy -auto-approve -input=false -no-color "${args[@]}"; then
    printf 'FAIL: destroy failed: objects may be left behind\n' >&2
    exit 1
  fi
  left=$("$strata" state list)
  if [ -n "$left" ]; then
    printf 'FAIL: still in state after destroy:\n%s\n' "$left" >&2
    exit 1
  fi
}
trap 'status=$?; trap - EXIT; destroy; exit $(( status != 0 ? status : failed ))' EXIT

step "apply"
"$strata" apply -auto-approve -input=false -no-color "${args[@]}"

step "check"
out() { "$strata" output -json | jq -r "$1"; }
primary_region=$(out .primary.value.region)
standby_region=$(out .standby.value.region)
primary_arn=$(out .primary.value.db_arn)
primary_db=$(out .primary.value.db_id)
standby_db=$(out .standby.value.db_id)

# 1. The replica, seen from the standby region.
read -r status source < <(awscli rds describe-db-instances --region "$standby_region" \
  --db-instance-identifier "$standby_db" \
  --query 'DBInstances[0].[DBInstanceStatus,ReadReplicaSourceDBInstanceIdentifier]') ||
  fail "no database $standby_db in $standby_region"
echo "standby database $standby_db in $standby_region: status ${status:-?}, replica of ${source:-nothing}"
[ "${status:-}" = "available" ] || fail "the standby database is not available"
[ "${source:-}" = "$primary_arn" ] || fail "the standby database is not a replica of $primary_arn"

# ...and from the primary's side.
replicas=$(awscli rds describe-db-instances --region "$primary_region" \
  --db-instance-identifier "$primary_db" --query 'DBInstances[0].ReadReplicaDBInstanceIdentifiers')
echo "primary database $primary_db in $primary_region: replicas ${replicas:-none}"
case " $replicas " in
  *":$standby_region:"*) ;;
  *) fail "the primary does not list a replica in $standby_region" ;;
esac

# 2. The standby service.
cluster=$(out .standby.value.cluster)
service=$(out .standby.value.service)
read -r svc_status desired task_def < <(awscli ecs describe-services --region "$standby_region" \
  --cluster "$cluster" --services "$service" \
  --query 'services[0].[status,desiredCount,taskDefinition]') ||
  fail "no service $service in $standby_region"
echo "standby service $service: ${svc_status:-?}, ${desired:-0} desired task(s)"
[ "${svc_status:-}" = "ACTIVE" ] || fail "the standby service is not ACTIVE"
[ "${desired:-0}" -ge 1 ] 2>/dev/null || fail "the standby service has no desired task"
standby_image=$(awscli ecs describe-task-definition --region "$standby_region" --task-definition "$task_def" \
  --query 'taskDefinition.containerDefinitions[0].image')
primary_image=$(awscli ecs describe-task-definition --region "$primary_region" \
  --task-definition "$(awscli ecs describe-services --region "$primary_region" --cluster "$(out .primary.value.cluster)" \
    --services "$(out .primary.value.service)" --query 'services[0].taskDefinition')" \
  --query 'taskDefinition.containerDefinitions[0].image')
echo "images: primary $primary_image, standby $standby_image"
[ "$standby_image" = "$primary_image" ] || fail "the standby runs another image"

if [ "$failed" = 0 ]; then
  step "drill passed: the standby is a replica of the primary and its service is up"
else
  step "drill FAILED (see above)"
fi
