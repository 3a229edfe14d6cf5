//! `examples/network` and `modules/vpc` run as a user runs them, against
//! a real `moto_server`: the prod environment (three zones, a NAT gateway
//! per zone, a standby network in a second region) applied with its state
//! in S3 and a DynamoDB lock, every object checked through boto3 in both
//! regions, a no-op plan, then destroy leaving nothing behind. Also: the
//! module and the example validate and are formatted, and the module's
//! input validations refuse bad values before any AWS call; and README's
//! main command, `scripts/demo.sh`, runs the dev environment through.
//!
//! The example files are used unchanged: endpoints come from
//! `AWS_ENDPOINT_URL`, as on a developer's machine running the demo.

use crate::aws_support::{strata_ok_with, strata_with};
use crate::moto::{aws, moto, venv};
use crate::support::{repo_root, run, strata_bin, Output, TempDir};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Copies `from` into `to`, leaving out what a local run may have left.
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == ".terraform" || name.starts_with("terraform.tfstate") || name == ".terraform.lock.hcl" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(&*name));
        } else {
            std::fs::copy(entry.path(), to.join(&*name)).unwrap();
        }
    }
}

/// The example and the module it calls, at the same relative paths.
fn example_copy() -> TempDir {
    let d = TempDir::new("aws-example");
    copy_tree(&repo_root().join("examples/network"), &d.path().join("examples/network"));
    copy_tree(&repo_root().join("modules/vpc"), &d.path().join("modules/vpc"));
    d
}

/// The example has no `endpoints` block: `AWS_ENDPOINT_URL` sends it to moto.
fn endpoint_env() -> [(&'static str, &'static str); 1] {
    [("AWS_ENDPOINT_URL", moto().endpoint.as_str())]
}

fn strata(dir: &Path, args: &[&str]) -> Output {
    strata_with(dir, args, &endpoint_env())
}

fn strata_ok(dir: &Path, args: &[&str]) -> Output {
    strata_ok_with(dir, args, &endpoint_env())
}

/// Runs boto3 with `east` and `west` EC2 clients; returns what it prints
/// as JSON.
fn ec2(script: &str) -> serde_json::Value {
    let e = &moto().endpoint;
    let out = aws(&format!(
        "east = boto3.client('ec2', endpoint_url='{e}', region_name='us-east-1')\nwest = boto3.client('ec2', endpoint_url='{e}', region_name='us-west-2')\n{script}"
    ));
    serde_json::from_str(out.trim()).unwrap_or_else(|err| panic!("{err}: {out}"))
}

/// Counts of the objects tagged `Project = project` in each region, by
/// kind (NAT gateways and addresses that are not deleted).
fn tagged_objects(project: &str) -> serde_json::Value {
    ec2(&format!(
        r#"f = [{{'Name': 'tag:Project', 'Values': ['{project}']}}]
mine = lambda o: {{'Key': 'Project', 'Value': '{project}'}} in o.get('Tags', [])
out = {{}}
for name, c in (('us-east-1', east), ('us-west-2', west)):
    out[name] = {{
        'vpcs': len(c.describe_vpcs(Filters=f)['Vpcs']),
        'subnets': len(c.describe_subnets(Filters=f)['Subnets']),
        'internet_gateways': len(c.describe_internet_gateways(Filters=f)['InternetGateways']),
        'route_tables': len(c.describe_route_tables(Filters=f)['RouteTables']),
        'security_groups': len(c.describe_security_groups(Filters=f)['SecurityGroups']),
        # moto ignores tag filters on these two: tags are checked here.
        'nat_gateways': len([n for n in c.describe_nat_gateways()['NatGateways'] if mine(n) and n['State'] not in ('deleted', 'deleting')]),
        'addresses': len([a for a in c.describe_addresses()['Addresses'] if mine(a)]),
    }}
print(json.dumps(out))
"#
    ))
}

#[test]
fn module_and_example_validate_and_are_formatted() {
    let root = repo_root();
    for dir in ["modules/vpc", "examples/network"] {
        let v = run(&root.join(dir), &["validate", "-no-color"]);
        assert_eq!(v.code, 0, "validate {dir}:\n{}", v.transcript());
    }
    let fmt = run(&root, &["fmt", "-check", "-diff", "-recursive", "modules/vpc", "examples/network"]);
    assert_eq!(fmt.code, 0, "{}", fmt.transcript());
}

#[test]
fn module_inputs_are_validated_before_anything_is_planned() {
    let d = example_copy();
    d.write(
        "bad/main.tf",
        r#"module "net" {
  source             = "../modules/vpc"
  name               = "Not_A_Name"
  cidr_block         = "10.0.0.0/33"
  az_count           = 7
  availability_zones = ["us-east-1a", "us-east-1a"]
  web_ingress_cidrs  = ["10.0.0.0/8", "anywhere"]
  tags               = { "aws:owner" = "me" }
}
"#,
    );
    let plan = strata(&d.path().join("bad"), &["plan", "-no-color"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    for message in [
        "name must be 3 to 32 characters",
        "cidr_block must be an IPv4 range in CIDR notation",
        "az_count must be a whole number from 1 to 6",
        "availability_zones must name at most 6 zones, each once",
        "web_ingress_cidrs must be IPv4 ranges in CIDR notation",
        "must not start with \"aws:\"",
    ] {
        assert!(plan.stderr.contains(message), "missing {message:?}:\n{}", plan.stderr);
    }
    assert!(!plan.stdout.contains("will be created"), "{}", plan.stdout);

    // A VPC too small for the subnets is refused by the precondition.
    d.write(
        "small/main.tf",
        r#"provider "aws" {
  region = "us-east-1"
}
module "net" {
  source         = "../modules/vpc"
  name           = "tiny"
  cidr_block     = "10.9.0.0/24"
  subnet_newbits = 6
}
"#,
    );
    let plan = strata(&d.path().join("small"), &["plan", "-no-color"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(plan.stderr.contains("AWS subnets are /28 or larger"), "{}", plan.stderr);

    // More zones than the region has: the zone lookup's postcondition.
    d.write(
        "zones/main.tf",
        r#"provider "aws" {
  region = "us-west-2"
}
module "net" {
  source   = "../modules/vpc"
  name     = "many-zones"
  az_count = 6
}
"#,
    );
    let plan = strata(&d.path().join("zones"), &["plan", "-no-color"]);
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(plan.stderr.contains("The region has 4 available zones, fewer than az_count (6)."), "{}", plan.stderr);
    // What depends on the failed lookup is not evaluated: no slice() error.
    assert_eq!(plan.stderr.matches("Error: ").count(), 1, "{}", plan.stderr);
    // What was planned is shown, as Terraform does; nothing placed in zones.
    assert!(plan.stdout.contains("Strata planned the following actions, but then encountered a problem:"));
    assert!(!plan.stdout.contains("aws_subnet") && plan.stdout.contains("aws_vpc.this will be created"));
}

#[test]
fn prod_in_two_regions_with_s3_state_applies_plans_clean_and_destroys() {
    let project = format!("e2e{}", std::process::id());
    let (bucket, table) = (format!("{project}-tfstate"), format!("{project}-tflocks"));
    aws(&format!(
        "s3.create_bucket(Bucket='{bucket}')\ns3.put_bucket_versioning(Bucket='{bucket}', VersioningConfiguration={{'Status': 'Enabled'}})\nddb.create_table(TableName='{table}', KeySchema=[{{'AttributeName':'LockID','KeyType':'HASH'}}], AttributeDefinitions=[{{'AttributeName':'LockID','AttributeType':'S'}}], BillingMode='PAY_PER_REQUEST')"
    ));
    let d = example_copy();
    let net = d.path().join("examples/network");
    let bucket_arg = format!("-backend-config=bucket={bucket}");
    let table_arg = format!("-backend-config=dynamodb_table={table}");
    strata_ok(&net, &["init", "-no-color", "-backend-config=envs/prod.s3.tfbackend", &bucket_arg, &table_arg]);

    let project_var = format!("project={project}");
    let vars = ["-var-file=envs/prod.tfvars", "-var", project_var.as_str()];
    let with = |args: &[&'static str]| -> Vec<String> {
        args.iter().map(|s| s.to_string()).chain(vars.iter().map(|s| s.to_string())).collect()
    };
    let args = with(&["apply", "-auto-approve", "-no-color"]);
    let apply = strata_ok(&net, &args.iter().map(String::as_str).collect::<Vec<_>>());
    // Per region: VPC, IGW, 3 + 3 subnets, 1 + 3 route tables, 6
    // associations, 2 groups = 20; NAT: 3 EIPs + 3 gateways in the primary,
    // 1 + 1 in the standby.
    assert!(apply.stdout.contains("Apply complete! Resources: 48 added, 0 changed, 0 destroyed."), "{}", apply.stdout);

    // The state is in the bucket under the environment's key, and the lock
    // table holds Terraform's digest item for it.
    let objects = aws(&format!("print([o['Key'] for o in s3.list_objects_v2(Bucket='{bucket}')['Contents']])"));
    assert!(objects.contains("'network/prod/terraform.tfstate'"), "{objects}");
    assert!(!net.join("terraform.tfstate").exists(), "state must not be local");
    let digest = aws(&format!("print([i['LockID']['S'] for i in ddb.scan(TableName='{table}')['Items']])"));
    assert!(digest.contains(&format!("{bucket}/network/prod/terraform.tfstate-md5")), "{digest}");

    let outputs: serde_json::Value =
        serde_json::from_str(&strata_ok(&net, &["output", "-json"]).stdout).expect("output -json");
    let vpc = outputs["vpc_id"]["value"].as_str().unwrap().to_string();
    let standby = &outputs["standby"]["value"];
    let standby_vpc = standby["vpc_id"].as_str().unwrap().to_string();
    assert_eq!(standby["region"], "us-west-2");
    assert_eq!(outputs["availability_zones"]["value"], serde_json::json!(["us-east-1a", "us-east-1b", "us-east-1c"]));
    assert_eq!(outputs["nat_gateway_ids"]["value"].as_array().unwrap().len(), 3);
    assert_eq!(standby["nat_gateway_ids"].as_array().unwrap().len(), 1);

    // What AWS has, region by region.
    let seen = ec2(&format!(
        r#"def region(c, vpc):
    v = c.describe_vpcs(VpcIds=[vpc])['Vpcs'][0]
    tags = {{t['Key']: t['Value'] for t in v['Tags']}}
    subnets = c.describe_subnets(Filters=[{{'Name': 'vpc-id', 'Values': [vpc]}}])['Subnets']
    igws = c.describe_internet_gateways(Filters=[{{'Name': 'attachment.vpc-id', 'Values': [vpc]}}])['InternetGateways']
    nats = [n for n in c.describe_nat_gateways(Filters=[{{'Name': 'vpc-id', 'Values': [vpc]}}])['NatGateways'] if n['State'] == 'available']
    tables = c.describe_route_tables(Filters=[{{'Name': 'vpc-id', 'Values': [vpc]}}])['RouteTables']
    routes = sorted(
        '%s %s %s' % ({{t['Key']: t['Value'] for t in rt.get('Tags', [])}}.get('Tier', 'main'), r.get('DestinationCidrBlock'), (r.get('GatewayId') or r.get('NatGatewayId') or '?')[:4])
        for rt in tables for r in rt['Routes'] if r.get('DestinationCidrBlock') == '0.0.0.0/0')
    return {{
        'cidr': v['CidrBlock'], 'name': tags.get('Name'), 'environment': tags.get('Environment'), 'role': tags.get('Role'),
        'subnets': sorted('%s %s %s' % ({{t['Key']: t['Value'] for t in s['Tags']}}['Tier'], s['AvailabilityZone'], s['CidrBlock']) for s in subnets),
        'igws': len(igws), 'nat_zones': sorted(s['AvailabilityZone'] for n in nats for s in subnets if s['SubnetId'] == n['SubnetId']),
        'nat_public_ips': len([a for n in nats for a in n['NatGatewayAddresses'] if a.get('PublicIp')]),
        'default_routes': routes,
        'groups': sorted(g['GroupName'] for g in c.describe_security_groups(Filters=[{{'Name': 'vpc-id', 'Values': [vpc]}}])['SecurityGroups']),
    }}
print(json.dumps({{'east': region(east, '{vpc}'), 'west': region(west, '{standby_vpc}')}}))
"#
    ));
    let east = &seen["east"];
    assert_eq!(east["cidr"], "10.30.0.0/16");
    assert_eq!(east["name"], format!("{project}-prod"));
    assert_eq!(east["environment"], "prod");
    assert_eq!(
        east["subnets"],
        serde_json::json!([
            "private us-east-1a 10.30.8.0/24",
            "private us-east-1b 10.30.9.0/24",
            "private us-east-1c 10.30.10.0/24",
            "public us-east-1a 10.30.0.0/24",
            "public us-east-1b 10.30.1.0/24",
            "public us-east-1c 10.30.2.0/24",
        ])
    );
    assert_eq!(east["igws"], 1);
    assert_eq!(east["nat_zones"], serde_json::json!(["us-east-1a", "us-east-1b", "us-east-1c"]));
    assert_eq!(east["nat_public_ips"], 3);
    assert_eq!(
        east["default_routes"],
        serde_json::json!([
            "private 0.0.0.0/0 nat-",
            "private 0.0.0.0/0 nat-",
            "private 0.0.0.0/0 nat-",
            "public 0.0.0.0/0 igw-"
        ])
    );
    assert_eq!(
        east["groups"],
        serde_json::json!(["default", format!("{project}-prod-internal"), format!("{project}-prod-web")])
    );
    let west = &seen["west"];
    assert_eq!(west["cidr"], "10.130.0.0/16");
    assert_eq!(west["name"], format!("{project}-prod-standby"));
    assert_eq!(west["role"], "standby", "the standby provider's default_tags");
    assert_eq!(west["subnets"].as_array().unwrap().len(), 6);
    assert!(west["subnets"][0].as_str().unwrap().contains("us-west-2a"), "{west}");
    assert_eq!(west["nat_zones"], serde_json::json!(["us-west-2a"]), "single NAT gateway in the standby");
    assert_eq!(
        west["default_routes"],
        serde_json::json!([
            "private 0.0.0.0/0 nat-",
            "private 0.0.0.0/0 nat-",
            "private 0.0.0.0/0 nat-",
            "public 0.0.0.0/0 igw-"
        ])
    );

    // Nothing to do right after apply.
    let args = with(&["plan", "-detailed-exitcode", "-no-color"]);
    let plan = strata(&net, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(plan.code, 0, "expected no changes:\n{}", plan.transcript());
    assert!(plan.stdout.contains("No changes. Your infrastructure matches the configuration."), "{}", plan.stdout);

    // A drift check right after apply is clean: the Elastic IPs that the
    // NAT gateways associated were read again at the end of the apply.
    let args = with(&["drift", "-no-color"]);
    let drift = strata(&net, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(drift.code, 0, "expected no drift:\n{}", drift.transcript());

    // A tag changed by hand in the standby region is drift of the standby
    // module's VPC, and only of it.
    ec2(&format!(
        "west.create_tags(Resources=['{standby_vpc}'], Tags=[{{'Key': 'Owner', 'Value': 'someone-else'}}])\nprint('null')"
    ));
    let drift = strata(&net, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(drift.code, 2, "expected drift:\n{}", drift.transcript());
    assert!(drift.stdout.contains("Drift detected: 1 changed, 0 deleted"), "{}", drift.stdout);
    assert!(drift.stdout.contains("# module.standby[0].aws_vpc.this has changed"), "{}", drift.stdout);
    assert!(drift.stdout.contains(r#"tags_all["Owner"]: "platform" -> "someone-else""#), "{}", drift.stdout);

    // Everything carries the provider's default tags, which is how the
    // check after destroy finds leftovers.
    let before = tagged_objects(&project);
    let counts = |nats: u32| {
        serde_json::json!({
            "vpcs": 1, "subnets": 6, "internet_gateways": 1, "route_tables": 4,
            "security_groups": 2, "nat_gateways": nats, "addresses": nats
        })
    };
    assert_eq!(before["us-east-1"], counts(3), "{before}");
    assert_eq!(before["us-west-2"], counts(1), "{before}");

    let args = with(&["destroy", "-auto-approve", "-no-color"]);
    let destroy = strata_ok(&net, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(destroy.stdout.contains("Destroy complete! Resources: 48 destroyed."), "{}", destroy.stdout);
    let left = tagged_objects(&project);
    let none = serde_json::json!({
        "vpcs": 0, "subnets": 0, "internet_gateways": 0, "route_tables": 0,
        "security_groups": 0, "nat_gateways": 0, "addresses": 0
    });
    assert_eq!(left["us-east-1"], none, "{left}");
    assert_eq!(left["us-west-2"], none, "{left}");
    let gone = ec2(&format!(
        "ids = [v['VpcId'] for c in (east, west) for v in c.describe_vpcs()['Vpcs']]\nprint(json.dumps(['{vpc}' in ids, '{standby_vpc}' in ids]))"
    ));
    assert_eq!(gone, serde_json::json!([false, false]));
}

/// Waits for `child`, which leads its own process group, for at most
/// `limit`; past it, stops the whole group (TERM, so that a script's traps
/// clean up, then KILL) and returns `None`.
fn wait_at_most(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let wait_until = |deadline: Instant, child: &mut Child| loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    if let Some(status) = wait_until(Instant::now() + limit, child) {
        return Some(status);
    }
    let group = child.id();
    let signal_group = |signal: &str| {
        // The shell's built-in kill exists everywhere a shell does.
        let _ = Command::new("sh").args(["-c", &format!("kill -{signal} -- -{group}")]).status();
    };
    signal_group("TERM");
    wait_until(Instant::now() + Duration::from_secs(15), child);
    signal_group("KILL");
    let _ = child.wait();
    None
}

/// The text of the demo's step whose title starts with `title`, up to the
/// next step.
fn demo_step<'a>(output: &'a str, title: &str) -> &'a str {
    output
        .split("==> ")
        .find(|step| {
            step.split_once(". ").is_some_and(|(number, rest)| number.parse::<u32>().is_ok() && rest.starts_with(title))
        })
        .unwrap_or_else(|| panic!("no step {title:?} in the demo's output:\n{output}"))
}

/// README's main command, run as a reader runs it, with the binary under
/// test and the test venv (moto is already there: nothing is installed).
#[test]
fn readme_demo_applies_plans_clean_catches_drift_and_destroys() {
    let venv = venv();
    assert!(venv.join("bin/moto_server").exists(), "{} has no moto_server: run scripts/test.sh", venv.display());
    let strata = strata_bin().canonicalize().expect("the strata binary");
    // The demo's work directory and its log land here, removed afterwards.
    let scratch = TempDir::new("demo");
    let log_path = scratch.path().join("demo.log");
    let log = std::fs::File::create(&log_path).expect("demo log");
    let mut demo = Command::new(repo_root().join("scripts/demo.sh"))
        .env("STRATA_BIN", &strata)
        .env("STRATA_VENV_DIR", &venv)
        .env("TMPDIR", scratch.path())
        .env("NO_COLOR", "1")
        .env_remove("TF_WORKSPACE")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("demo log"))
        .stderr(log)
        .process_group(0)
        .spawn()
        .expect("scripts/demo.sh runs");
    let limit = Duration::from_secs(300);
    let status = wait_at_most(&mut demo, limit);
    let output = std::fs::read_to_string(&log_path).expect("demo log");
    let status = status.unwrap_or_else(|| panic!("scripts/demo.sh took more than {limit:?}:\n{output}"));
    assert!(status.success(), "scripts/demo.sh: {status}\n{output}");

    assert!(demo_step(&output, "Building strata").contains(&format!("using {}", strata.display())), "{output}");
    assert!(!demo_step(&output, "Installing the AWS emulator").contains("Installing moto"), "{output}");
    let apply = demo_step(&output, "strata apply");
    assert!(apply.contains("Apply complete! Resources: 15 added, 0 changed, 0 destroyed."), "{apply}");
    let plan = demo_step(&output, "strata plan -detailed-exitcode");
    assert!(plan.contains("No changes. Your infrastructure matches the configuration."), "{plan}");
    assert!(plan.contains("exit code: 0"), "{plan}");
    let drift = demo_step(&output, "strata drift");
    assert!(drift.contains("Drift detected: 1 changed, 0 deleted"), "{drift}");
    assert!(drift.contains("exit code: 2"), "{drift}");
    let destroy = demo_step(&output, "strata destroy");
    assert!(destroy.contains("Destroy complete! Resources: 15 destroyed."), "{destroy}");
    demo_step(&output, "Done");
}
