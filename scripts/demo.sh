#!/usr/bin/env bash
# The Strata demo, one command on a fresh machine (Rust toolchain and
# Python 3): builds strata, starts a local AWS emulator (moto_server on
# 127.0.0.1), and runs examples/network's dev environment for real with its
# state in S3 and a DynamoDB lock — apply, a plan with no changes, a change
# made behind Strata's back caught by `strata drift`, then destroy.
#
# Nothing touches real AWS: every AWS call goes to the emulator through
# AWS_ENDPOINT_URL, with dummy credentials. The example runs in a temporary
# copy, removed at the end with the emulator.
#
# STRATA_BIN=path/to/strata skips the build (for example a debug binary).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bold=$(printf '\033[1m') reset=$(printf '\033[0m')
if [ -n "${NO_COLOR:-}" ] || [ ! -t 1 ]; then
  bold='' reset=''
fi
step=0
section() {
  step=$((step + 1))
  printf '\n%s==> %d. %s%s\n' "$bold" "$step" "$*" "$reset"
}
fail() {
  printf '\n%sdemo failed:%s %s\n' "$bold" "$reset" "$*" >&2
  exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/strata-demo.XXXXXX")
moto_pid=""
cleanup() {
  if [ -n "$moto_pid" ] && kill -0 "$moto_pid" 2>/dev/null; then
    kill "$moto_pid" 2>/dev/null || true
    # moto stops within ~2 s of SIGTERM; never wait forever.
    for _ in $(seq 50); do
      kill -0 "$moto_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$moto_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

section "Building strata"
if [ -n "${STRATA_BIN:-}" ]; then
  strata=$(cd "$(dirname "$STRATA_BIN")" && pwd)/$(basename "$STRATA_BIN")
  echo "using $strata"
else
  cargo build --release --locked --bin strata
  strata="${CARGO_TARGET_DIR:-$root/target}/release/strata"
fi
[ -x "$strata" ] || fail "$strata is not an executable"

section "Installing the AWS emulator (moto) if missing"
. scripts/lib/venv.sh
ensure_moto_venv
python="$STRATA_VENV_DIR/bin/python"
echo "moto_server is $STRATA_VENV_DIR/bin/moto_server"

section "Starting moto_server on 127.0.0.1"
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# `timeout` (where there is one) stops it even if this script is killed.
limit=()
if command -v timeout >/dev/null; then limit=(timeout 3600); fi
"${limit[@]}" "$STRATA_VENV_DIR/bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
endpoint="http://127.0.0.1:$port"
"$python" - "$endpoint" <<'EOF' || fail "moto_server did not answer on 127.0.0.1:$port within 20 s (log: $work/moto.log)"
import sys, time, urllib.request
for _ in range(200):
    try:
        urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1)
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit(1)
EOF
echo "AWS APIs answer on $endpoint (pid $moto_pid)"

# Every AWS SDK (Strata's provider and S3 backend, boto3) sends its calls
# to the emulator; the emulator accepts any signed request.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
export AWS_ENDPOINT_URL="$endpoint"
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export CHECKPOINT_DISABLE=1

section "Creating the state bucket and the lock table (as README's \"State in S3\" does on AWS)"
"$python" - <<'EOF'
import boto3
s3 = boto3.client("s3")
s3.create_bucket(Bucket="acme-tfstate")
s3.put_bucket_versioning(Bucket="acme-tfstate", VersioningConfiguration={"Status": "Enabled"})
boto3.client("dynamodb").create_table(
    TableName="acme-tflocks",
    BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
)
print("bucket acme-tfstate (versioned), DynamoDB table acme-tflocks")
EOF

mkdir -p "$work/examples" "$work/modules"
cp -R examples/network "$work/examples/network"
cp -R modules/vpc "$work/modules/vpc"
rm -rf "$work/examples/network/.terraform" "$work/examples/network/.terraform.lock.hcl"
net="$work/examples/network"
run() {
  printf '%s$ strata %s%s\n' "$bold" "$*" "$reset"
  "$strata" -chdir="$net" "$@"
}

section "strata init: the S3 backend, settings from envs/dev.s3.tfbackend"
cat "$net/envs/dev.s3.tfbackend"
run init -input=false -backend-config=envs/dev.s3.tfbackend

section "strata apply: the dev network (VPC, 2 zones, subnets, gateway, route tables, security groups)"
run apply -auto-approve -input=false -var-file=envs/dev.tfvars
vpc_id=$("$strata" -chdir="$net" output -raw vpc_id)

section "The state lives in S3"
"$python" - <<'EOF'
import boto3
for o in boto3.client("s3").list_objects_v2(Bucket="acme-tfstate").get("Contents", []):
    print(f"s3://acme-tfstate/{o['Key']}  ({o['Size']} bytes)")
for item in boto3.client("dynamodb").scan(TableName="acme-tflocks")["Items"]:
    print(f"lock table acme-tflocks: {item['LockID']['S']} (Terraform's digest item; the lock item exists only during a run)")
EOF
run state list

section "strata plan -detailed-exitcode: nothing to do (exit 0)"
rc=0
run plan -detailed-exitcode -input=false -var-file=envs/dev.tfvars || rc=$?
[ "$rc" -eq 0 ] || fail "plan exited with $rc, expected 0 (no changes)"
echo "exit code: $rc"

section "Someone changes the VPC's Owner tag by hand (boto3, behind Strata's back)"
"$python" - "$vpc_id" <<'EOF'
import sys, boto3
boto3.client("ec2").create_tags(Resources=[sys.argv[1]], Tags=[{"Key": "Owner", "Value": "someone-else"}])
print(f"ec2 create-tags {sys.argv[1]} Owner=someone-else")
EOF

section "strata drift: the scheduled drift check catches it (exit 2)"
rc=0
run drift -var-file=envs/dev.tfvars || rc=$?
[ "$rc" -eq 2 ] || fail "drift exited with $rc, expected 2 (drift)"
echo "exit code: $rc"

section "strata destroy"
run destroy -auto-approve -input=false -var-file=envs/dev.tfvars
left=$("$python" - <<'EOF'
import boto3
ec2 = boto3.client("ec2")
print(len([v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]))
EOF
)
[ "$left" = "0" ] || fail "$left VPC(s) left after destroy"

section "Done"
cat <<EOF
Applied, checked (no changes), caught drift and destroyed the dev network,
with its state in S3 and a DynamoDB lock, against a local AWS emulator.

Next: examples/network/README.md (staging, prod with NAT gateways and a
standby region; the same files on real AWS), modules/vpc/README.md, and
README.md's "State in S3".
EOF
