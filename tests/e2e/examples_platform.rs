//! The platform examples of issue 20, against moto:
//!
//! - `examples/fintech-platform` with its state in S3 and a DynamoDB lock
//!   (the harness has no backend support, so the story is told here):
//!   the bucket and table made first, `init -backend-config=envs/dev.s3.tfbackend`,
//!   then apply, a clean plan, staging and prod planned against their own
//!   empty state keys, a change behind Strata's back caught by `drift`,
//!   destroy; the state object in the bucket, never on disk, and the lock
//!   table's digest item for it.
//! - `examples/dr-standby`: the lifecycle row (both regions, drift made in
//!   the standby region), and `scripts/drill.sh` (apply, check the replica
//!   and the standby service with the AWS CLI, destroy) run as a user runs
//!   it.

use crate::examples::{examples, Example, Running};
use crate::moto::{aws, moto, ENV};
use crate::support::strata_bin;
use std::process::Command;

/// What is left of a `dr-standby` named `name` in either region (prints
/// nothing when destroy took everything).
const DR_LEFTOVERS: &str = r#"
out = []
for r in ('us-east-1', 'us-west-2'):
    c = lambda s: boto3.client(s, endpoint_url=endpoint, region_name=r)
    out += [d['DBInstanceIdentifier'] for d in c('rds').describe_db_instances()['DBInstances'] if d['DBInstanceIdentifier'].startswith(name + '-')]
    out += [g['DBSubnetGroupName'] for g in c('rds').describe_db_subnet_groups()['DBSubnetGroups'] if g['DBSubnetGroupName'].startswith(name + '-')]
    arns = c('ecs').list_clusters()['clusterArns']
    out += [x['clusterName'] for x in (c('ecs').describe_clusters(clusters=arns)['clusters'] if arns else []) if x['status'] == 'ACTIVE' and x['clusterName'] in (name, name + '-dr')]
    out += [l['LoadBalancerName'] for l in c('elbv2').describe_load_balancers()['LoadBalancers'] if l['LoadBalancerName'] in (name, name + '-dr')]
    out += [v['VpcId'] for v in c('ec2').describe_vpcs(Filters=[{'Name': 'tag:Project', 'Values': [name]}])['Vpcs']]
    out += [g['logGroupName'] for g in c('logs').describe_log_groups(logGroupNamePrefix='/ecs/' + name + '-')['logGroups']]
    out += [s['Name'] for s in c('secretsmanager').list_secrets()['SecretList'] if any(t['Key'] == 'aws:rds:primaryDBInstanceArn' and t['Value'].endswith(':db:' + name + '-db') for t in s.get('Tags', []))]
out += [x['RoleName'] for x in client('iam').list_roles()['Roles'] if x['RoleName'].startswith(name + '-')]
print(' '.join(out))
"#;

/// The same for `fintech-platform`'s dev environment.
const FINTECH_LEFTOVERS: &str = r#"
env = name + '-dev'
out = [d['DBInstanceIdentifier'] for d in client('rds').describe_db_instances()['DBInstances'] if d['DBInstanceIdentifier'].startswith(env)]
out += [g['DBSubnetGroupName'] for g in client('rds').describe_db_subnet_groups()['DBSubnetGroups'] if g['DBSubnetGroupName'].startswith(env)]
arns = client('ecs').list_clusters()['clusterArns']
out += [x['clusterName'] for x in (client('ecs').describe_clusters(clusters=arns)['clusters'] if arns else []) if x['status'] == 'ACTIVE' and x['clusterName'] == env]
out += [l['LoadBalancerName'] for l in client('elbv2').describe_load_balancers()['LoadBalancers'] if l['LoadBalancerName'] == env]
out += [v['VpcId'] for v in client('ec2').describe_vpcs(Filters=[{'Name': 'tag:Project', 'Values': [name]}])['Vpcs']]
out += [g['logGroupName'] for g in client('logs').describe_log_groups(logGroupNamePrefix='/ecs/' + env)['logGroups']]
out += [x['RoleName'] for x in client('iam').list_roles()['Roles'] if x['RoleName'].startswith(env)]
out += [s['Name'] for s in client('secretsmanager').list_secrets()['SecretList'] if {'Key': 'aws:rds:primaryDBInstanceArn', 'Value': 'arn:aws:rds:us-east-1:123456789012:db:' + env + '-db'} in s.get('Tags', [])]
print(' '.join(out))
"#;

examples! {
    dr_standby_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "dr-standby",
        name: "drx",
        region: "us-east-1",
        var_file: Some("envs/drill.tfvars"),
        other_var_files: &["envs/prod.tfvars"],
        needs: &[],
        // Someone shortens the replica's backups in the standby region.
        drift: "boto3.client('rds', endpoint_url=endpoint, region_name='us-west-2').modify_db_instance(DBInstanceIdentifier=name + '-db', BackupRetentionPeriod=3, ApplyImmediately=True)",
        drifted: &["# module.standby_db.aws_db_instance.this has changed", "backup_retention_period: 7 -> 3"],
        leftovers: Some(DR_LEFTOVERS),
    };
}

static FINTECH: Example = Example {
    dir: "fintech-platform",
    name: "fpx",
    region: "us-east-1",
    var_file: Some("envs/dev.tfvars"),
    other_var_files: &["envs/staging.tfvars", "envs/prod.tfvars"],
    needs: &[],
    // Someone shortens the database's backups by hand.
    drift: "client('rds').modify_db_instance(DBInstanceIdentifier=name + '-dev-db', BackupRetentionPeriod=3, ApplyImmediately=True)",
    drifted: &["# module.db.aws_db_instance.this has changed", "backup_retention_period: 1 -> 3"],
    leftovers: Some(FINTECH_LEFTOVERS),
};

/// `strata init` with the environment's backend file, pointed at this
/// test's bucket and lock table.
fn init_backend(run: &Running, env: &str, bucket: &str, table: &str) {
    let file = format!("-backend-config=envs/{env}.s3.tfbackend");
    let bucket = format!("-backend-config=bucket={bucket}");
    let table = format!("-backend-config=dynamodb_table={table}");
    run.strata_ok(&["init", "-no-color", "-input=false", &file, &bucket, &table]);
}

fn state_keys(bucket: &str) -> String {
    aws(&format!("print(sorted(o['Key'] for o in s3.list_objects_v2(Bucket='{bucket}').get('Contents', [])))"))
        .trim()
        .to_string()
}

#[test]
fn fintech_platform_with_s3_state_applies_plans_clean_catches_drift_and_destroys() {
    FINTECH.check_files();
    let Some(run) = FINTECH.start() else { return };
    let (bucket, table) = (format!("{}-tfstate", FINTECH.name), format!("{}-tflocks", FINTECH.name));
    aws(&format!(
        "s3.create_bucket(Bucket='{bucket}')\ns3.put_bucket_versioning(Bucket='{bucket}', VersioningConfiguration={{'Status': 'Enabled'}})\nddb.create_table(TableName='{table}', KeySchema=[{{'AttributeName':'LockID','KeyType':'HASH'}}], AttributeDefinitions=[{{'AttributeName':'LockID','AttributeType':'S'}}], BillingMode='PAY_PER_REQUEST')"
    ));
    init_backend(&run, "dev", &bucket, &table);

    let apply = run.apply();
    assert!(apply.stdout.contains("Apply complete! Resources: 36 added, 0 changed, 0 destroyed."), "{}", apply.stdout);
    // The state is in the bucket under dev's key, not on disk, and the lock
    // table holds its digest.
    assert_eq!(state_keys(&bucket), "['fintech-platform/dev/terraform.tfstate']");
    assert!(!run.path().join("terraform.tfstate").exists(), "state must not be local");
    let digest = aws(&format!("print([i['LockID']['S'] for i in ddb.scan(TableName='{table}')['Items']])"));
    assert!(digest.contains(&format!("{bucket}/fintech-platform/dev/terraform.tfstate-md5")), "{digest}");

    // What was built: the password only in Secrets Manager, the task role
    // allowed to read exactly that secret, the API given its ARN.
    let outputs: serde_json::Value = serde_json::from_str(&run.strata_ok(&["output", "-json"]).stdout).unwrap();
    let db = &outputs["database"]["value"];
    let secret = db["secret_arn"].as_str().unwrap_or_default().to_string();
    assert!(secret.contains(":secretsmanager:us-east-1:") && secret.contains("rds!db-"), "{db}");
    let seen = run.python(
        r#"i = client('rds').describe_db_instances(DBInstanceIdentifier=name + '-dev-db')['DBInstances'][0]
policy = client('iam').get_role_policy(RoleName=name + '-dev-api-task', PolicyName=name + '-dev-api-task')['PolicyDocument']
td = client('ecs').describe_task_definition(taskDefinition=name + '-dev-api')['taskDefinition']
env = {e['name']: e['value'] for e in td['containerDefinitions'][0]['environment']}
print(json.dumps({'engine': i['Engine'], 'encrypted': i['StorageEncrypted'], 'public': i['PubliclyAccessible'],
  'secret': i['MasterUserSecret']['SecretArn'], 'policy': policy['Statement'], 'env_secret': env['DB_SECRET_ARN'],
  'task_role': td['taskRoleArn'], 'execution_role': td['executionRoleArn']}))"#,
    );
    let seen: serde_json::Value = serde_json::from_str(seen.trim()).unwrap_or_else(|e| panic!("{e}: {seen}"));
    assert_eq!(seen["engine"], "postgres");
    assert_eq!(seen["encrypted"], true);
    assert_eq!(seen["public"], false);
    assert_eq!(seen["secret"], secret.as_str());
    assert_eq!(seen["env_secret"], secret.as_str());
    assert_eq!(
        seen["policy"],
        serde_json::json!([{"Sid": "ReadDatabaseSecret", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret}])
    );
    assert!(seen["task_role"].as_str().unwrap_or_default().ends_with(":role/fpx-dev-api-task"), "{seen}");
    assert!(seen["execution_role"].as_str().unwrap_or_default().ends_with(":role/fpx-dev-api-execution"), "{seen}");

    run.plan_clean();

    // Staging and prod: their own state keys, empty, so everything is to
    // create; a plan writes no state.
    for (env, file) in [("staging", "envs/staging.tfvars"), ("prod", "envs/prod.tfvars")] {
        let mut other = FINTECH.start().expect("the servers were there a moment ago");
        other.use_var_file(file);
        init_backend(&other, env, &bucket, &table);
        let plan = other.strata(&["plan", "-detailed-exitcode"]);
        assert_eq!(plan.code, 2, "{file} must plan against an empty state:\n{}", plan.transcript());
        assert!(plan.stdout.contains(" to add, 0 to change, 0 to destroy."), "{}", plan.stdout);
    }
    assert_eq!(state_keys(&bucket), "['fintech-platform/dev/terraform.tfstate']");

    run.drift_caught();
    run.destroy();
}

static DRILL: Example = Example {
    dir: "dr-standby",
    name: "drd",
    region: "us-east-1",
    var_file: Some("envs/drill.tfvars"),
    other_var_files: &[],
    needs: &[],
    drift: "",
    drifted: &[],
    leftovers: Some(DR_LEFTOVERS),
};

fn installed(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
}

/// The drill is a shell script over the AWS CLI and jq, as an operator
/// runs it; without them there is nothing to run (said so, and skipped).
fn drill_tools_installed() -> bool {
    let found = installed("aws") && installed("jq");
    assert!(
        found || std::env::var_os("STRATA_REQUIRE_CLI_TOOLS").is_none(),
        "the aws CLI and jq are needed (Debian: apt-get install awscli jq; scripts/test.sh installs them)"
    );
    if !found {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: the aws CLI or jq not found on PATH; the dr-standby drill tests skipped");
        }
    }
    found
}

#[test]
fn dr_standby_drill_applies_checks_the_replica_and_the_standby_service_and_destroys() {
    if !drill_tools_installed() {
        return;
    }
    let Some(run) = DRILL.start() else { return };
    let out = Command::new(run.path().join("scripts/drill.sh"))
        .args(["-var-file=envs/drill.tfvars", "-var", "name=drd"])
        .current_dir(run.path())
        .env("STRATA", strata_bin())
        .env("AWS_ENDPOINT_URL", &moto().endpoint)
        .env("NO_COLOR", "1")
        .envs(ENV)
        .output()
        .expect("the drill runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the drill failed:\n{stdout}\n{stderr}");
    for text in [
        "==> check",
        "standby database drd-db in us-west-2: status available, replica of arn:aws:rds:us-east-1:123456789012:db:drd-db",
        "primary database drd-db in us-east-1: replicas arn:aws:rds:us-west-2:123456789012:db:drd-db",
        "standby service drd-dr-app: ACTIVE, 1 desired task(s)",
        "==> drill passed",
        "Destroy complete! Resources: 72 destroyed.",
    ] {
        assert!(stdout.contains(text), "the drill's output lacks {text:?}:\n{stdout}\n{stderr}");
    }
    assert!(!stderr.contains("FAIL"), "{stderr}");
    let left = run.python(DR_LEFTOVERS);
    assert_eq!(left.trim(), "", "left behind by the drill");
}

static FAILING_DRILL: Example = Example {
    dir: "dr-standby",
    name: "drf",
    region: "us-east-1",
    var_file: Some("envs/drill.tfvars"),
    other_var_files: &[],
    needs: &[],
    drift: "",
    drifted: &[],
    leftovers: Some(DR_LEFTOVERS),
};

#[test]
fn a_drill_whose_check_fails_still_destroys_and_exits_non_zero() {
    if !drill_tools_installed() {
        return;
    }
    let Some(run) = FAILING_DRILL.start() else { return };
    // The copy's drill expects another source than the primary: its check
    // must fail, and the destroy must run all the same.
    let script = run.path().join("scripts/drill.sh");
    let text = std::fs::read_to_string(&script).unwrap();
    let expected = r#"[ "${source:-}" = "$primary_arn" ]"#;
    assert!(text.contains(expected), "the drill checks the replica's source");
    std::fs::write(&script, text.replace(expected, r#"[ "${source:-}" = "arn:aws:rds:nowhere" ]"#)).unwrap();
    let out = Command::new(&script)
        .args(["-var-file=envs/drill.tfvars", "-var", "name=drf"])
        .current_dir(run.path())
        .env("STRATA", strata_bin())
        .env("AWS_ENDPOINT_URL", &moto().endpoint)
        .env("NO_COLOR", "1")
        .envs(ENV)
        .output()
        .expect("the drill runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("FAIL: the standby database is not a replica of arn:aws:rds:us-east-1:123456789012:db:drf-db"),
        "{stderr}"
    );
    assert!(
        stdout.contains("==> drill FAILED") && stdout.contains("Destroy complete! Resources: 72 destroyed."),
        "{stdout}"
    );
    assert_eq!(run.python(DR_LEFTOVERS).trim(), "", "left behind by the failed drill");
}
