//! `examples/blue-green` run as its README says, against a real
//! `moto_server`: deploy green beside blue (weights 100/0), switch (0/100),
//! roll back by re-applying the first file, switch again, retire blue,
//! destroy. The switch and the rollback must each plan as one in-place
//! update of the listener, with no service, task definition or target
//! group touched; every step is checked through boto3 and re-planned
//! clean.
//!
//! The example files are used unchanged: endpoints come from
//! `AWS_ENDPOINT_URL`, as on a developer's machine.

use crate::aws_example::copy_tree;
use crate::aws_support::strata_with;
use crate::moto::{aws, moto};
use crate::support::{repo_root, run, Output, TempDir};
use std::path::{Path, PathBuf};

const REGION: &str = "ap-northeast-2";

fn example() -> (TempDir, PathBuf) {
    let d = TempDir::new("aws-blue-green");
    copy_tree(&repo_root().join("examples/blue-green"), &d.path().join("examples/blue-green"));
    copy_tree(&repo_root().join("modules/vpc"), &d.path().join("modules/vpc"));
    let dir = d.path().join("examples/blue-green");
    (d, dir)
}

fn step(dir: &Path, command: &str, name: &str, file: &str) -> Output {
    let (region, name, file) =
        (format!("region={REGION}"), format!("name={name}"), format!("-var-file=envs/{file}.tfvars"));
    let mut args = vec![command, "-no-color", "-var", &region, "-var", &name, &file];
    match command {
        "plan" => args.push("-detailed-exitcode"),
        _ => args.push("-auto-approve"),
    }
    strata_with(dir, &args, &[("AWS_ENDPOINT_URL", moto().endpoint.as_str())])
}

fn apply(dir: &Path, name: &str, file: &str) {
    let out = step(dir, "apply", name, file);
    assert_eq!(out.code, 0, "apply {file}:\n{}", out.transcript());
}

fn plan(dir: &Path, name: &str, file: &str) -> Output {
    step(dir, "plan", name, file)
}

/// What the load balancer and the cluster hold: the listener's weights by
/// color, the ACTIVE services and the target groups, one line each.
fn remote(name: &str) -> String {
    aws(&format!(
        r#"elb = boto3.client('elbv2', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')
ecs = boto3.client('ecs', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')
lbs = [l for l in elb.describe_load_balancers()['LoadBalancers'] if l['LoadBalancerName'] == '{name}']
groups = {{t['TargetGroupArn']: t['TargetGroupName'] for t in elb.describe_target_groups()['TargetGroups'] if t['TargetGroupName'].startswith('{name}-')}}
weights = []
for lb in lbs:
    for l in elb.describe_listeners(LoadBalancerArn=lb['LoadBalancerArn'])['Listeners']:
        for t in l['DefaultActions'][0]['ForwardConfig']['TargetGroups']:
            weights.append(groups[t['TargetGroupArn']].rsplit('-', 1)[1] + '=' + str(t['Weight']))
arns = ecs.list_services(cluster='{name}')['serviceArns'] if ecs.describe_clusters(clusters=['{name}'])['clusters'] else []
services = [s['serviceName'] for s in ecs.describe_services(cluster='{name}', services=arns)['services'] if s['status'] == 'ACTIVE'] if arns else []
print('weights:', ' '.join(sorted(weights)))
print('services:', ' '.join(sorted(services)))
print('target groups:', ' '.join(sorted(groups.values())))
"#
    ))
    .trim()
    .to_string()
}

/// The plan of a switch: the listener's weights, nothing else.
fn assert_listener_only(out: &Output) {
    assert_eq!(out.code, 2, "{}", out.transcript());
    let plan = &out.stdout;
    assert!(plan.contains("# aws_lb_listener.http will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    for untouched in ["# aws_ecs_service", "# aws_ecs_task_definition", "# aws_lb_target_group", "must be replaced"] {
        assert!(!plan.contains(untouched), "{untouched}:\n{plan}");
    }
}

#[test]
fn blue_green_deploys_switches_rolls_back_and_retires_blue() {
    let name = format!("bg{}", std::process::id());
    let (_d, dir) = example();
    let both = |blue: u32, green: u32| {
        format!(
            "weights: blue={blue} green={green}\nservices: {name}-blue {name}-green\ntarget groups: {name}-blue {name}-green"
        )
    };

    apply(&dir, &name, "1-deploy-green");
    assert_eq!(remote(&name), both(100, 0));
    assert_eq!(plan(&dir, &name, "1-deploy-green").code, 0, "a clean re-plan");

    let switch = plan(&dir, &name, "2-switch");
    assert_listener_only(&switch);
    assert!(
        switch.stdout.contains("+ weight = 100") && switch.stdout.contains("- weight = 100 -> null"),
        "{}",
        switch.stdout
    );
    apply(&dir, &name, "2-switch");
    assert_eq!(remote(&name), both(0, 100));
    assert_eq!(plan(&dir, &name, "2-switch").code, 0, "a clean re-plan");

    // Rollback: the previous variables again, the same small change back.
    assert_listener_only(&plan(&dir, &name, "1-deploy-green"));
    apply(&dir, &name, "1-deploy-green");
    assert_eq!(remote(&name), both(100, 0));

    // Forward again, then blue goes.
    apply(&dir, &name, "2-switch");
    let retire = plan(&dir, &name, "3-retire-blue");
    assert_eq!(retire.code, 2, "{}", retire.transcript());
    assert!(retire.stdout.contains("Plan: 0 to add, 1 to change, 5 to destroy."), "{}", retire.stdout);
    assert!(retire.stdout.contains("# aws_ecs_service.color[\"blue\"] will be destroyed"), "{}", retire.stdout);
    apply(&dir, &name, "3-retire-blue");
    assert_eq!(remote(&name), format!("weights: green=100\nservices: {name}-green\ntarget groups: {name}-green"));
    assert_eq!(plan(&dir, &name, "3-retire-blue").code, 0, "a clean re-plan");

    let out = step(&dir, "destroy", &name, "3-retire-blue");
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(remote(&name), "weights: \nservices: \ntarget groups:");
}

#[test]
fn the_example_validates_is_formatted_and_refuses_bad_weights() {
    let root = repo_root();
    let v = run(&root.join("examples/blue-green"), &["validate", "-no-color"]);
    assert_eq!(v.code, 0, "{}", v.transcript());
    let fmt = run(&root, &["fmt", "-check", "-diff", "-recursive", "examples/blue-green"]);
    assert_eq!(fmt.code, 0, "{}", fmt.transcript());
    let (_d, dir) = example();
    let bad = strata_with(
        &dir,
        &["plan", "-no-color", "-var", "colors={ red = { image = \"x\", weight = 1000 } }"],
        &[("AWS_ENDPOINT_URL", moto().endpoint.as_str())],
    );
    assert_eq!(bad.code, 1, "{}", bad.transcript());
    assert!(bad.stderr.contains("colors must name blue, green or both"), "{}", bad.stderr);
    assert!(bad.stderr.contains("Each weight must be a whole number from 0 to 999"), "{}", bad.stderr);
}
