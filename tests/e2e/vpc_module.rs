//! terraform-aws-modules/vpc, the most downloaded module in the registry,
//! run unchanged against moto: its `examples/simple` and
//! `examples/complete` go through `init`, `validate`, `plan`, `apply`, a
//! second plan with no changes, and `destroy` leaving nothing tagged with
//! the example's name.
//!
//! The module's code is not in this repository. Point
//! `STRATA_VPC_MODULE` at a checkout of
//! github.com/terraform-aws-modules/terraform-aws-vpc (a git repository is
//! cloned, as a user would; a plain directory is copied); without it these
//! tests say so and pass without running. The provider block is the
//! example's own: moto is reached through `AWS_ENDPOINT_URL`, which the
//! real provider reads too.

use crate::aws_support::{aws_in, state, strata_with};
use crate::moto::moto;
use crate::support::TempDir;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The checkout `STRATA_VPC_MODULE` names, or `None` after saying why the
/// test does not run.
fn module_checkout(test: &str) -> Option<PathBuf> {
    match std::env::var_os("STRATA_VPC_MODULE").map(PathBuf::from) {
        Some(dir) if dir.join("main.tf").is_file() || dir.join("HEAD").is_file() => Some(dir),
        Some(dir) => panic!("STRATA_VPC_MODULE={} is not a checkout of terraform-aws-vpc", dir.display()),
        None => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!(
                    "note: {test} skipped: set STRATA_VPC_MODULE to a checkout of \
                     github.com/terraform-aws-modules/terraform-aws-vpc to run it"
                );
            }
            None
        }
    }
}

/// A working copy of the module in `into`: cloned when `from` is a git
/// repository, copied otherwise (without `.git` and `.terraform`).
fn working_copy(from: &Path, into: &Path) {
    if from.join(".git").exists() || from.join("HEAD").is_file() {
        let out = Command::new("git")
            .args(["clone", "--quiet", "--depth", "1"])
            .arg(format!("file://{}", from.canonicalize().expect("checkout path").display()))
            .arg(into)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git clone: {}", String::from_utf8_lossy(&out.stderr));
        return;
    }
    fn copy(from: &Path, into: &Path) {
        std::fs::create_dir_all(into).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("readable checkout") {
            let entry = entry.expect("dir entry");
            let name = entry.file_name();
            if name == ".git" || name.to_string_lossy().starts_with(".terraform") {
                continue;
            }
            let (src, dst) = (entry.path(), into.join(&name));
            if entry.file_type().expect("file type").is_dir() {
                copy(&src, &dst);
            } else {
                std::fs::copy(&src, &dst).expect("copy");
            }
        }
    }
    copy(from, into);
}

/// The EC2 objects in eu-west-1 tagged `Example = example`, as
/// `kind id` lines.
fn tagged_objects(example: &str) -> Vec<String> {
    let out = aws_in(
        "eu-west-1",
        &format!(
            r#"
vpcs = {{v['VpcId'] for v in ec2.describe_vpcs()['Vpcs']}}
for kind, key, idk in [('vpcs','Vpcs','VpcId'), ('subnets','Subnets','SubnetId'),
        ('route_tables','RouteTables','RouteTableId'), ('internet_gateways','InternetGateways','InternetGatewayId'),
        ('nat_gateways','NatGateways','NatGatewayId'), ('addresses','Addresses','AllocationId'),
        ('network_acls','NetworkAcls','NetworkAclId'), ('security_groups','SecurityGroups','GroupId'),
        ('customer_gateways','CustomerGateways','CustomerGatewayId'), ('vpn_gateways','VpnGateways','VpnGatewayId'),
        ('dhcp_options','DhcpOptions','DhcpOptionsId'), ('vpc_endpoints','VpcEndpoints','VpcEndpointId'),
        ('egress_only_internet_gateways','EgressOnlyInternetGateways','EgressOnlyInternetGatewayId')]:
    # Tags are matched here: moto ignores tag filters on some describe calls.
    for o in getattr(ec2, 'describe_' + kind)()[key]:
        if {{'Key': 'Example', 'Value': '{example}'}} not in o.get('Tags', []):
            continue
        # AWS deletes a VPC's default network ACL with the VPC; moto keeps it.
        if kind == 'network_acls' and o['VpcId'] not in vpcs:
            continue
        state = o.get('State')
        if state in ('deleted', 'detached') or (isinstance(state, str) and state.startswith('delet')):
            continue
        print(kind, o[idk])
"#
        ),
    );
    let mut lines: Vec<String> = out.lines().map(String::from).collect();
    lines.sort();
    lines
}

/// Runs one of the module's examples through its whole life. `moto_gaps`:
/// the resources a second plan may still update in place because moto
/// does not keep what they ask for (each named with why).
fn run_example(example: &str, moto_gaps: &[(&str, &str)]) {
    let test = format!("vpc_module::{example}");
    let Some(checkout) = module_checkout(&test) else { return };
    let work = TempDir::new(&format!("vpc-module-{example}"));
    let module = work.path().join("terraform-aws-vpc");
    working_copy(&checkout, &module);
    let dir = module.join("examples").join(example);
    assert!(dir.is_dir(), "the checkout has no examples/{example}");
    let endpoint = moto().endpoint.clone();
    // Few retries: moto answers the calls it lacks with server errors,
    // which the SDK would otherwise retry for minutes.
    let env = [("AWS_ENDPOINT_URL", endpoint.as_str()), ("AWS_MAX_ATTEMPTS", "2")];
    let run = |args: &[&str]| strata_with(&dir, args, &env);
    let ok = |args: &[&str]| {
        let o = run(args);
        assert_eq!(o.code, 0, "strata {args:?} in examples/{example}:\n{}", o.transcript());
        o
    };
    // The examples name everything after their directory.
    let name = format!("ex-{example}");

    ok(&["init", "-no-color"]);
    ok(&["validate", "-no-color"]);
    let plan = run(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 2, "the first plan creates:\n{}", plan.transcript());
    ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(
        tagged_objects(&name).iter().any(|l| l.starts_with("vpcs ")),
        "apply made the example's VPC: {:?}",
        tagged_objects(&name)
    );
    let again = run(&["plan", "-detailed-exitcode", "-no-color"]);
    if moto_gaps.is_empty() {
        assert_eq!(again.code, 0, "a second plan has nothing to do:\n{}", again.transcript());
    } else {
        let changed: Vec<&str> = again
            .stdout
            .lines()
            .filter_map(|l| l.trim().strip_prefix("# "))
            .filter(|l| l.starts_with("module.") || l.starts_with("aws_"))
            .collect();
        let expected: Vec<String> =
            moto_gaps.iter().map(|(addr, _)| format!("{addr} will be updated in-place")).collect();
        assert_eq!(changed, expected, "a second plan changes only what moto drops:\n{}", again.transcript());
        let summary = format!("Plan: 0 to add, {} to change, 0 to destroy.", moto_gaps.len());
        assert!(again.stdout.contains(&summary), "{}", again.transcript());
    }

    let destroy = run(&["destroy", "-auto-approve", "-no-color"]);
    if destroy.code != 0 && example == "complete" {
        // moto has no DeleteCacheSubnetGroup (it answers 500): the
        // ElastiCache subnet group cannot go, which holds back the subnets
        // it names. AWS deletes it; here it is forgotten and the rest
        // destroyed.
        let group = "module.vpc.aws_elasticache_subnet_group.elasticache[0]";
        assert!(destroy.stderr.contains("deleting ElastiCache Subnet Group"), "{}", destroy.transcript());
        ok(&["state", "rm", group]);
        ok(&["destroy", "-auto-approve", "-no-color"]);
    } else {
        assert_eq!(destroy.code, 0, "strata destroy in examples/{example}:\n{}", destroy.transcript());
    }
    let left = state(&dir);
    assert_eq!(left["resources"].as_array().map(Vec::len), Some(0), "destroy empties the state: {left:#}");
    assert_eq!(tagged_objects(&name), Vec::<String>::new(), "destroy leaves nothing behind");
}

#[test]
fn examples_simple_applies_plans_clean_and_destroys() {
    run_example("simple", &[]);
}

#[test]
fn examples_complete_applies_plans_clean_and_destroys() {
    // The ECS endpoint asks for fixed addresses (`subnet_configurations`,
    // cidrhost(..., 10)); moto ignores SubnetConfigurations and gives its
    // interfaces random addresses, so their reading differs from the
    // configuration. AWS assigns the addresses asked for, and that plan is
    // clean.
    run_example(
        "complete",
        &[("module.vpc_endpoints.aws_vpc_endpoint.this[\"ecs\"]", "moto ignores SubnetConfigurations")],
    );
}
