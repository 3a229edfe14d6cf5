#!/usr/bin/env bash
# Saves a plan for the deployment audit trail: `strata plan -out`, its JSON
# rendering (`strata show -json`), both uploaded to the plan archive (an
# Object Lock bucket: the default retention locks them on arrival), and an
# event in the audit log group naming them, their SHA-256 and the caller.
#
#   scripts/archive-plan.sh [plan options...]     e.g. -var-file=envs/prod.tfvars
#
# Run it in examples/healthcare-portal after the first apply (the bucket
# and log group come from `strata output`). Prints the archived key prefix
# and the saved plan's path (apply exactly that plan with
# `strata apply <path>`). Uses the AWS CLI when it is installed, boto3
# otherwise; both honour AWS_ENDPOINT_URL, AWS_PROFILE, etc.
# STRATA overrides the strata binary, PYTHON the Python with boto3; PLAN_DIR where the plan is kept
# (default: a new temporary directory).
set -euo pipefail

strata=${STRATA:-strata}
bucket=$("$strata" output -raw plan_archive_bucket)
log_group=$("$strata" output -raw audit_log_group)
region=$("$strata" output -raw region)

dir=${PLAN_DIR:-$(mktemp -d)}
mkdir -p "$dir"
plan="$dir/plan.tfplan"
json="$dir/plan.json"

"$strata" plan -no-color -input=false -out="$plan" "$@" >&2
"$strata" show -json "$plan" >"$json"

sha=$(sha256sum "$plan" | cut -d' ' -f1)
id="$(date -u +%Y%m%dT%H%M%SZ)-${sha:0:12}"
prefix="plans/$id"
who=${USER:-unknown}@$(hostname)
message="plan-archived s3://$bucket/$prefix/ sha256=$sha by=$who"

if command -v aws >/dev/null 2>&1; then
  # AWS_ENDPOINT_URL (a local emulator) given explicitly: AWS CLI releases
  # before 2.13 (Debian 12's) do not read it from the environment.
  aws() { command aws ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"} "$@"; }
  aws --region "$region" s3 cp --only-show-errors "$plan" "s3://$bucket/$prefix/plan.tfplan" --metadata "sha256=$sha"
  aws --region "$region" s3 cp --only-show-errors "$json" "s3://$bucket/$prefix/plan.json" --content-type application/json --metadata "sha256=$sha"
  aws --region "$region" logs create-log-stream --log-group-name "$log_group" --log-stream-name "$id"
  aws --region "$region" logs put-log-events --log-group-name "$log_group" --log-stream-name "$id" \
    --log-events "[{\"timestamp\": $(($(date +%s) * 1000)), \"message\": \"$message\"}]" >/dev/null
else
  "${PYTHON:-python3}" - "$bucket" "$prefix" "$plan" "$json" "$sha" "$log_group" "$id" "$message" "$region" <<'PY'
import sys, time
import boto3

bucket, prefix, plan, plan_json, sha, log_group, stream, message, region = sys.argv[1:]
s3 = boto3.client("s3", region_name=region)
with open(plan, "rb") as f:
    s3.put_object(Bucket=bucket, Key=prefix + "/plan.tfplan", Body=f.read(), Metadata={"sha256": sha}, ChecksumAlgorithm="SHA256")
with open(plan_json, "rb") as f:
    s3.put_object(Bucket=bucket, Key=prefix + "/plan.json", Body=f.read(), ContentType="application/json", Metadata={"sha256": sha}, ChecksumAlgorithm="SHA256")
logs = boto3.client("logs", region_name=region)
logs.create_log_stream(logGroupName=log_group, logStreamName=stream)
logs.put_log_events(logGroupName=log_group, logStreamName=stream, logEvents=[{"timestamp": int(time.time() * 1000), "message": message}])
PY
fi

echo "s3://$bucket/$prefix/"
echo "$plan"
