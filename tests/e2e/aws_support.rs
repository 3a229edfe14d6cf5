//! What the AWS tests share: an `aws` provider block pointed at moto,
//! strata run with moto's credentials, lookups in the local state file,
//! and boto3 views of security group rules, route tables and tagged
//! objects, printed as sorted lines so that tests compare plain lists.

use crate::moto::{aws, moto, ENV};
use crate::support::{run_with, Output};
use std::path::Path;

/// A `provider "aws"` block whose endpoints (EC2, IAM, STS, CloudWatch
/// and its Logs, ECS, ELBv2, Application Auto Scaling, and RDS, ElastiCache
/// and Redshift for their subnet groups) are moto's;
/// `extra` (whole lines) goes in before the closing brace.
pub fn provider_block(alias: Option<&str>, region: &str, extra: &str) -> String {
    let e = &moto().endpoint;
    let alias = alias.map(|a| format!("  alias = \"{a}\"\n")).unwrap_or_default();
    format!(
        "provider \"aws\" {{\n{alias}  region = \"{region}\"\n  endpoints {{\n    amp = \"{e}\"\n    apigateway = \"{e}\"\n    appautoscaling = \"{e}\"\n    cloudwatch = \"{e}\"\n    dynamodb = \"{e}\"\n    ec2 = \"{e}\"\n    ecs = \"{e}\"\n    elasticache = \"{e}\"\n    elbv2 = \"{e}\"\n    iam = \"{e}\"\n    kms = \"{e}\"\n    lambda = \"{e}\"\n    logs = \"{e}\"\n    rds = \"{e}\"\n    redshift = \"{e}\"\n    s3 = \"{e}\"\n    secretsmanager = \"{e}\"\n    sns = \"{e}\"\n    sqs = \"{e}\"\n    sts = \"{e}\"\n  }}\n  s3_use_path_style = true\n  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n  skip_metadata_api_check     = true\n{extra}}}\n"
    )
}

/// Runs strata in `dir` with moto's dummy credentials, plus `extra_env`.
pub fn strata_with(dir: impl AsRef<Path>, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    let env: Vec<(&str, &str)> = ENV.iter().chain(extra_env).copied().collect();
    run_with(dir.as_ref(), args, &env, None)
}

/// [`strata_with`], which must exit 0.
pub fn strata_ok_with(dir: impl AsRef<Path>, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    let o = strata_with(dir, args, extra_env);
    assert_eq!(o.code, 0, "strata {args:?}:\n{}", o.transcript());
    o
}

pub fn strata(dir: impl AsRef<Path>, args: &[&str]) -> Output {
    strata_with(dir, args, &[])
}

pub fn strata_ok(dir: impl AsRef<Path>, args: &[&str]) -> Output {
    strata_ok_with(dir, args, &[])
}

/// A plan with nothing to do (`-detailed-exitcode` 0); its output.
pub fn no_changes(dir: impl AsRef<Path>) -> String {
    let plan = strata(dir, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "expected no changes:\n{}", plan.transcript());
    plan.stdout
}

/// A plan that has changes (`-detailed-exitcode` 2); its output.
pub fn planned_changes(dir: impl AsRef<Path>) -> String {
    let plan = strata(dir, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 2, "expected changes:\n{}", plan.transcript());
    plan.stdout
}

pub use crate::support::state;

/// The attributes of the managed resource `type_name.name` (its first
/// instance) in the local state.
pub fn state_json(dir: impl AsRef<Path>, type_name: &str, name: &str) -> serde_json::Value {
    let state = state(dir);
    let resource = state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["type"] == type_name && r["name"] == name && r["mode"] == "managed")
        .unwrap_or_else(|| panic!("{type_name}.{name} not in state"));
    resource["instances"][0]["attributes"].clone()
}

/// One string attribute of a managed resource; empty when null or absent.
pub fn state_attr(dir: impl AsRef<Path>, type_name: &str, name: &str, attr: &str) -> String {
    state_json(dir, type_name, name)[attr].as_str().unwrap_or_default().to_string()
}

/// The id of a managed resource, which must have one.
pub fn state_id(dir: impl AsRef<Path>, type_name: &str, name: &str) -> String {
    let id = state_json(dir, type_name, name)["id"].clone();
    id.as_str().unwrap_or_else(|| panic!("{type_name}.{name} has no id: {id}")).to_string()
}

/// Runs boto3 (see [`aws`]) with `ec2` a client in `region`.
pub fn aws_in(region: &str, script: &str) -> String {
    aws(&format!("ec2 = boto3.client('ec2', endpoint_url=ec2.meta.endpoint_url, region_name='{region}')\n{script}"))
}

/// Runs boto3 (see [`aws`]) with `logs` a CloudWatch Logs client in `region`.
pub fn logs_in(region: &str, script: &str) -> String {
    aws(&format!("logs = boto3.client('logs', endpoint_url=ec2.meta.endpoint_url, region_name='{region}')\n{script}"))
}

/// Runs boto3 (see [`aws`]) with `iam` an IAM client (a global service).
pub fn iam(script: &str) -> String {
    aws(&format!("iam = boto3.client('iam', endpoint_url=ec2.meta.endpoint_url, region_name='us-east-1')\n{script}"))
}

/// How many EC2 objects of a kind (`vpcs`, `subnets`, … as in
/// `describe_<kind>`) in `region` carry the tag `Test = tag`.
pub fn count_tagged_in(region: &str, kind: &str, tag: &str) -> usize {
    let out = aws_in(
        region,
        &format!(
            "r = ec2.describe_{kind}(Filters=[{{'Name':'tag:Test','Values':['{tag}']}}])\nprint(len([x for k, v in r.items() if k != 'ResponseMetadata' for x in v]))"
        ),
    );
    out.trim().parse().unwrap_or_else(|_| panic!("a count: {out}"))
}

/// [`count_tagged_in`] us-east-1.
pub fn count_tagged(kind: &str, tag: &str) -> usize {
    count_tagged_in("us-east-1", kind, tag)
}

/// A security group's rules as sorted `direction protocol from-to source`
/// lines (`in tcp 443-443 10.0.0.0/8`); all protocols read `-1 0-0`, and a
/// rule naming the group itself has the source `self`.
pub fn remote_rules(group: &str) -> Vec<String> {
    let out = aws(&format!(
        r#"g = ec2.describe_security_groups(GroupIds=['{group}'])['SecurityGroups'][0]
for d, perms in (('in', g['IpPermissions']), ('out', g['IpPermissionsEgress'])):
    for p in perms:
        for r in p.get('IpRanges', []):
            print(d, p['IpProtocol'], '%s-%s' % (p.get('FromPort', 0), p.get('ToPort', 0)), r['CidrIp'])
        for r in p.get('UserIdGroupPairs', []):
            print(d, p['IpProtocol'], '%s-%s' % (p.get('FromPort', 0), p.get('ToPort', 0)), 'self' if r['GroupId'] == '{group}' else r['GroupId'])
"#
    ));
    let mut lines: Vec<String> = out.lines().map(|l| l.replace("-1 -1--1", "-1 0-0")).collect();
    lines.sort();
    lines
}

/// A route table's routes as sorted `destination gateway` lines, without
/// the VPC's own `local` route.
pub fn remote_routes(table: &str) -> Vec<String> {
    let out = aws(&format!(
        "t = ec2.describe_route_tables(RouteTableIds=['{table}'])['RouteTables'][0]\nfor r in t['Routes']:\n    print(r.get('DestinationCidrBlock'), r.get('GatewayId'))"
    ));
    let mut lines: Vec<String> = out.lines().filter(|l| !l.ends_with(" local")).map(String::from).collect();
    lines.sort();
    lines
}
