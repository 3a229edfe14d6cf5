//! The ECS examples (`examples/startup-mvp`, `examples/healthcare-portal`,
//! `examples/saas-teams`) through the shared lifecycle, and their stories:
//! a rollback that is only the task definition and the service, a saved
//! plan archived under Object Lock by the example's own script, and one
//! pull-request comment for every team's stack. Then the provider gaps
//! these examples found, each pinned by a check right after an apply.

use crate::aws_support::strata_ok_with;
use crate::examples::{examples, Example, Running};
use crate::moto::{moto, ENV};
use crate::support::{strata_bin, Output, TempDir};

examples! {
    startup_mvp_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "startup-mvp",
        name: "mvp",
        region: "us-east-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &["envs/prod.tfvars"],
        needs: &[],
        drift: "client('logs').put_retention_policy(logGroupName='/ecs/' + name + '-app', retentionInDays=3)",
        drifted: &["module.app.aws_cloudwatch_log_group.this"],
        leftovers: Some(LEFT_ECS),
    };
    healthcare_portal_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "healthcare-portal",
        name: "hcp",
        region: "us-east-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &["envs/prod.tfvars"],
        needs: &[],
        drift: "client('logs').put_retention_policy(logGroupName='/audit/' + name + '/deployments', retentionInDays=7)",
        drifted: &["aws_cloudwatch_log_group.audit"],
        leftovers: Some(LEFT_HEALTHCARE),
    };
    saas_teams_payments_applies_plans_clean_catches_drift_and_destroys: Example {
        dir: "saas-teams/teams/payments",
        name: "sps",
        region: "us-east-1",
        var_file: Some("envs/1-canary-5.tfvars"),
        other_var_files: &["envs/2-canary-50.tfvars", "envs/3-canary-100.tfvars", "envs/4-promote.tfvars"],
        needs: &[],
        // Someone moves all the traffic back to stable by hand.
        drift: r#"elb = client('elbv2')
lb = [l for l in elb.describe_load_balancers()['LoadBalancers'] if l['LoadBalancerName'] == name][0]
listener = elb.describe_listeners(LoadBalancerArn=lb['LoadBalancerArn'])['Listeners'][0]
groups = listener['DefaultActions'][0]['ForwardConfig']['TargetGroups']
elb.modify_listener(ListenerArn=listener['ListenerArn'], DefaultActions=[{'Type': 'forward', 'ForwardConfig': {'TargetGroups': [
    {'TargetGroupArn': g['TargetGroupArn'], 'Weight': 100 if '-stable/' in g['TargetGroupArn'] else 0} for g in groups]}}])
"#,
        drifted: &["module.team.module.web.aws_lb_listener.http"],
        leftovers: Some(LEFT_ECS),
    };
}

/// What an ECS example can leave behind: log groups, load balancers,
/// target groups and active services named after it.
const LEFT_ECS: &str = r#"logs = client('logs').describe_log_groups(logGroupNamePrefix='/ecs/' + name + '-')['logGroups']
print(' '.join(g['logGroupName'] for g in logs))
elb = client('elbv2')
print(' '.join(l['LoadBalancerName'] for l in elb.describe_load_balancers()['LoadBalancers'] if l['LoadBalancerName'] == name))
print(' '.join(t['TargetGroupName'] for t in elb.describe_target_groups()['TargetGroups'] if t['TargetGroupName'].startswith(name + '-')))
ecs = client('ecs')
print(' '.join(c['clusterName'] for c in ecs.describe_clusters(clusters=[name])['clusters'] if c['status'] == 'ACTIVE'))
"#;

const LEFT_HEALTHCARE: &str = r#"logs = client('logs')
print(' '.join(g['logGroupName'] for p in ['/ecs/' + name + '-', '/audit/' + name + '/'] for g in logs.describe_log_groups(logGroupNamePrefix=p)['logGroups']))
print(' '.join(b['Name'] for b in client('s3').list_buckets()['Buckets'] if b['Name'].startswith(name + '-plans-')))
print(' '.join(l['LoadBalancerName'] for l in client('elbv2').describe_load_balancers()['LoadBalancers'] if l['LoadBalancerName'] == name))
print(' '.join(t['TopicArn'] for t in client('sns').list_topics()['Topics'] if t['TopicArn'].endswith(':' + name + '-rollback')))
"#;

/// The resources a plan's text touches, one `# <address> <action>` line
/// each (the reasons, `# (because …)`, left out).
fn changes(plan: &str) -> Vec<String> {
    plan.lines()
        .filter(|l| l.starts_with("  # ") && !l.starts_with("  # ("))
        .map(|l| l.trim_start_matches("  # ").to_string())
        .collect()
}

/// strata in the running copy without the row's variables (applying a
/// saved plan takes none).
fn strata_plain(run: &Running, args: &[&str]) -> Output {
    strata_ok_with(run.path(), args, &[("AWS_ENDPOINT_URL", moto().endpoint.as_str())])
}

/// `file` written into the running copy (a step of a story the example's
/// own files do not hold).
fn write(run: &Running, file: &str, text: &str) {
    std::fs::write(run.path().join(file), text).unwrap();
}

// ---- startup-mvp: a rollback is the previous image ----------------------------------

#[test]
fn startup_mvp_rollback_is_only_the_task_definition_and_the_service() {
    static ROW: Example = Example {
        dir: "startup-mvp",
        name: "mvprb",
        region: "us-east-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &[],
        needs: &[],
        drift: "",
        drifted: &[],
        leftovers: Some(LEFT_ECS),
    };
    let Some(mut run) = ROW.start() else { return };
    run.apply();
    let image = |run: &Running| {
        run.python(
            "ecs = client('ecs')\n\
             s = ecs.describe_services(cluster=name, services=[name + '-app'])['services'][0]\n\
             td = ecs.describe_task_definition(taskDefinition=s['taskDefinition'])['taskDefinition']\n\
             print(td['containerDefinitions'][0]['image'], td['revision'])",
        )
        .trim()
        .to_string()
    };
    assert_eq!(image(&run), "public.ecr.aws/nginx/nginx:1.27 1");

    // v2 goes out: a new revision, the service moved to it.
    let dev = std::fs::read_to_string(run.path().join("envs/dev.tfvars")).unwrap();
    let v2 = dev.replace("nginx/nginx:1.27", "nginx/nginx:1.28");
    assert_ne!(v2, dev, "dev runs nginx 1.27");
    write(&run, "envs/v2.tfvars", &v2);
    run.use_var_file("envs/v2.tfvars");
    run.apply();
    run.plan_clean();
    assert_eq!(image(&run), "public.ecr.aws/nginx/nginx:1.28 2");

    // The rollback: the previous file again, planned as exactly two changes.
    run.use_var_file("envs/dev.tfvars");
    let plan = run.strata(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert_eq!(
        changes(&plan.stdout),
        [
            "module.app.aws_ecs_service.this will be updated in-place",
            "module.app.aws_ecs_task_definition.this must be replaced",
        ],
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("Plan: 1 to add, 1 to change, 1 to destroy."), "{}", plan.stdout);
    assert!(
        plan.stdout
            .contains(r#"~ image            = "public.ecr.aws/nginx/nginx:1.28" -> "public.ecr.aws/nginx/nginx:1.27""#),
        "{}",
        plan.stdout
    );
    run.apply();
    run.plan_clean();
    assert_eq!(image(&run), "public.ecr.aws/nginx/nginx:1.27 3");
    // The replaced revisions are deregistered, the running one is not.
    let revisions = run.python(
        "ecs = client('ecs')\n\
         print(' '.join(a.rsplit(':', 1)[1] for a in ecs.list_task_definitions(familyPrefix=name + '-app', status='ACTIVE')['taskDefinitionArns']))",
    );
    assert_eq!(revisions.trim(), "3");
    run.destroy();
}

// ---- healthcare-portal: blue/green, and every plan archived under a lock ------------

#[test]
fn healthcare_portal_archives_its_plan_under_object_lock_and_switches_by_weights_alone() {
    static ROW: Example = Example {
        dir: "healthcare-portal",
        name: "hcpar",
        region: "us-east-1",
        var_file: Some("envs/dev.tfvars"),
        other_var_files: &[],
        needs: &[],
        drift: "",
        drifted: &[],
        leftovers: Some(LEFT_HEALTHCARE),
    };
    let Some(mut run) = ROW.start() else { return };
    run.apply();

    // The switch to green: the listener's weights, nothing else.
    let dev = std::fs::read_to_string(run.path().join("envs/dev.tfvars")).unwrap();
    let switch = dev
        .replace("2.3.0\", weight = 100", "2.3.0\", weight = 0")
        .replace("2.4.0\", weight = 0", "2.4.0\", weight = 100");
    assert_ne!(switch, dev, "the dev file lists blue at 100 and green at 0");
    write(&run, "envs/switch.tfvars", &switch);
    run.use_var_file("envs/switch.tfvars");
    let plan = run.strata(&["plan", "-detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert_eq!(changes(&plan.stdout), ["module.web.aws_lb_listener.http will be updated in-place"], "{}", plan.stdout);

    // The archive script, as the README runs it, with the switch's plan.
    let endpoint = moto().endpoint.clone();
    let bin = strata_bin().display().to_string();
    let python = moto().python.display().to_string();
    let plan_dir = run.path().join("saved");
    let mut env: Vec<(&str, &str)> = ENV.to_vec();
    env.extend([("AWS_ENDPOINT_URL", endpoint.as_str()), ("STRATA", bin.as_str()), ("PYTHON", python.as_str())]);
    let out = std::process::Command::new("bash")
        .arg("scripts/archive-plan.sh")
        .args(["-var-file=envs/switch.tfvars", "-var", &format!("name={}", ROW.name)])
        .current_dir(run.path())
        .envs(env.iter().copied())
        .env("PLAN_DIR", &plan_dir)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "archive-plan.sh:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let prefix = lines[0].strip_prefix("s3://").and_then(|s| s.split_once('/')).map(|(_, p)| p.to_string()).unwrap();
    assert!(prefix.starts_with("plans/") && prefix.ends_with('/'), "{prefix}");
    let saved = std::fs::read(plan_dir.join("plan.tfplan")).unwrap();
    let sha = sha256_hex(&run, &plan_dir.join("plan.tfplan"));
    assert!(!saved.is_empty());

    // Both objects are there, locked by the bucket's default retention
    // (GOVERNANCE, one day, in dev), with the plan's digest; the JSON is
    // the plan's; the audit log group names them.
    let found = run.python(&format!(
        r#"import datetime
s3 = client('s3')
bucket = [b['Name'] for b in s3.list_buckets()['Buckets'] if b['Name'].startswith(name + '-plans-')][0]
for key in ['plan.tfplan', 'plan.json']:
    h = s3.head_object(Bucket=bucket, Key='{prefix}' + key)
    days = (h['ObjectLockRetainUntilDate'] - datetime.datetime.now(datetime.timezone.utc)).total_seconds() / 86400
    print(key, h['ObjectLockMode'], 0.9 < days <= 1.01, h['Metadata']['sha256'] == '{sha}')
plan = json.loads(s3.get_object(Bucket=bucket, Key='{prefix}plan.json')['Body'].read())
print('json', plan['format_version'], [c['address'] for c in plan['resource_changes'] if c['change']['actions'] != ['no-op']])
events = client('logs').filter_log_events(logGroupName='/audit/' + name + '/deployments')['events']
print('audit', len(events), all(('s3://' + bucket + '/{prefix}') in e['message'] and 'sha256={sha}' in e['message'] for e in events))
# A locked version cannot be deleted without the governance bypass.
version = s3.list_object_versions(Bucket=bucket, Prefix='{prefix}')['Versions'][0]
try:
    s3.delete_object(Bucket=bucket, Key=version['Key'], VersionId=version['VersionId'])
    print('deleted while locked')
except Exception as e:
    print('refused', type(e).__name__)
"#
    ));
    assert_eq!(
        found.trim(),
        "plan.tfplan GOVERNANCE True True\n\
         plan.json GOVERNANCE True True\n\
         json 1.2 ['module.web.aws_lb_listener.http']\n\
         audit 1 True\n\
         refused AccessDenied",
        "{found}"
    );

    // Applying exactly the archived plan.
    strata_plain(&run, &["apply", "-no-color", &plan_dir.join("plan.tfplan").display().to_string()]);
    run.plan_clean();

    // Dev's archive is GOVERNANCE: someone allowed to bypass it empties it
    // (moto will not change a bucket's lock configuration, which destroy
    // does first, while the bucket holds objects; AWS does).
    run.python(
        "s3 = client('s3')\n\
         bucket = [b['Name'] for b in s3.list_buckets()['Buckets'] if b['Name'].startswith(name + '-plans-')][0]\n\
         for v in s3.list_object_versions(Bucket=bucket).get('Versions', []):\n    \
             s3.delete_object(Bucket=bucket, Key=v['Key'], VersionId=v['VersionId'], BypassGovernanceRetention=True)",
    );
    run.destroy();
}

/// sha256sum of `path`, as the script computes it.
fn sha256_hex(run: &Running, path: &std::path::Path) -> String {
    run.python(&format!(
        "import hashlib\nprint(hashlib.sha256(open({:?}, 'rb').read()).hexdigest())",
        path.display().to_string()
    ))
    .trim()
    .to_string()
}

// ---- saas-teams: one stack per team, one comment for all --------------------------

static PAYMENTS: Example = Example {
    dir: "saas-teams/teams/payments",
    name: "spay",
    region: "us-east-1",
    var_file: Some("envs/1-canary-5.tfvars"),
    other_var_files: &[],
    needs: &[],
    drift: "",
    drifted: &[],
    leftovers: Some(LEFT_ECS),
};

static SEARCH: Example = Example {
    dir: "saas-teams/teams/search",
    name: "ssrch",
    region: "us-east-1",
    var_file: Some("envs/1-canary-5.tfvars"),
    other_var_files: &[],
    needs: &[],
    drift: "",
    drifted: &[],
    leftovers: Some(LEFT_ECS),
};

/// A team's canary rollout, step by step: 5 % applied and planned clean,
/// 50 % planned with `-out` and that plan applied, 100 % (the listener
/// again), then the promotion (stable rolls to the release, the canary's
/// objects go). The PR comment over every team's plan is
/// `examples_ci`'s test (through `examples/ci/plan-stacks.sh`).
#[test]
fn saas_teams_canary_moves_by_the_listener_alone_then_promotes() {
    PAYMENTS.check_files();
    SEARCH.check_files();
    let Some(mut payments) = PAYMENTS.start() else { return };
    payments.apply();
    payments.plan_clean();
    payments.use_var_file("envs/2-canary-50.tfvars");
    let plan = payments.strata_ok(&["plan", "-out=tfplan"]);
    assert!(plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{}", plan.stdout);
    assert!(
        !plan.stdout.contains("changed outside"),
        "an apply must leave nothing to report as drift:\n{}",
        plan.stdout
    );

    // The rest of the payments rollout: 100 % is the listener again; the
    // promotion rolls stable to the release and removes the canary.
    strata_plain(&payments, &["apply", "-no-color", "tfplan"]);
    payments.use_var_file("envs/3-canary-100.tfvars");
    let plan = payments.strata(&["plan", "-detailed-exitcode"]);
    assert_eq!(
        changes(&plan.stdout),
        ["module.team.module.web.aws_lb_listener.http will be updated in-place"],
        "{}",
        plan.stdout
    );
    payments.apply();
    payments.use_var_file("envs/4-promote.tfvars");
    let plan = payments.strata(&["plan", "-detailed-exitcode"]);
    let touched = changes(&plan.stdout);
    assert!(
        touched.contains(
            &"module.team.module.track[\"stable\"].aws_ecs_task_definition.this must be replaced".to_string()
        ),
        "{}",
        plan.stdout
    );
    assert!(
        touched.contains(&"module.team.module.track[\"canary\"].aws_ecs_service.this will be destroyed".to_string()),
        "{}",
        plan.stdout
    );
    assert!(
        touched.contains(&"module.team.module.web.aws_lb_target_group.this[\"canary\"] will be destroyed".to_string()),
        "{}",
        plan.stdout
    );
    assert!(
        touched.iter().all(|c| c.contains("[\"canary\"]")
            || c.contains("[\"stable\"]")
            || c.starts_with("module.team.module.web.aws_lb_listener.http")),
        "{}",
        plan.stdout
    );
    payments.apply();
    payments.plan_clean();
    let weights = payments.strata_ok(&["output", "-json", "weights"]).stdout;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&weights).unwrap(), serde_json::json!({ "stable": 100 }));
    payments.destroy();
}

/// Load balancer and target group ids (16 hex digits after a `/`) as
/// `<id>`: the snapshot holds nothing a run makes up.
pub(crate) fn mask_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('/') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let hex = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
        let ends = rest.as_bytes().get(hex).is_none_or(|c| !c.is_ascii_alphanumeric());
        if hex == 16 && ends {
            out.push_str("<id>");
            rest = &rest[16..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn mask_ids_masks_sixteen_hex_digits_after_a_slash_only() {
    assert_eq!(
        mask_ids("targetgroup/pay-stable/7387d2887b9a08c0\" app/pay/249991494feea108/adafd5caa90d7484"),
        "targetgroup/pay-stable/<id>\" app/pay/<id>/<id>"
    );
    assert_eq!(mask_ids("a/7387d2887b9a08c0ff b/1234 /"), "a/7387d2887b9a08c0ff b/1234 /");
}

// ---- provider gaps the examples found ------------------------------------------

/// Right after an apply, `strata drift` finds nothing on two objects it
/// used to report: a target group that a listener (created after it)
/// forwards to — its `load_balancer_arns` is read again once its dependents
/// are applied — and a tagged task definition, whose tags are read back
/// when RegisterTaskDefinition's answer leaves them out (moto's does).
#[test]
fn a_listeners_target_group_and_a_tagged_task_definition_are_clean_right_after_apply() {
    const CONFIG: &str = r#"
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { Suite = "examples-ecs-gaps" }
  }
}

resource "aws_vpc" "v" {
  cidr_block = "10.91.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.91.0.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.91.1.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_lb" "l" {
  name               = "ecsgap"
  load_balancer_type = "application"
  subnets            = [aws_subnet.a.id, aws_subnet.b.id]
}

resource "aws_lb_target_group" "t" {
  name        = "ecsgap-t"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_vpc.v.id
}

resource "aws_lb_listener" "h" {
  load_balancer_arn = aws_lb.l.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.t.arn
  }
}

resource "aws_ecs_task_definition" "td" {
  family                   = "ecsgap"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions    = jsonencode([{ name = "app", image = "nginx:1.27", essential = true }])
  tags                     = { Team = "gaps" }
}
"#;
    let dir = TempDir::with_files("examples-ecs-gaps", &[("main.tf", CONFIG)]);
    let endpoint = moto().endpoint.clone();
    let env = [("AWS_ENDPOINT_URL", endpoint.as_str())];
    crate::aws_support::strata_ok_with(dir.path(), &["apply", "-auto-approve", "-no-color"], &env);
    let state = crate::support::state(dir.path());
    let resources = state["resources"].as_array().unwrap();
    let attrs = |kind: &str| {
        resources.iter().find(|r| r["type"] == kind).map(|r| r["instances"][0]["attributes"].clone()).unwrap()
    };
    assert_eq!(attrs("aws_lb_target_group")["load_balancer_arns"].as_array().map(Vec::len), Some(1), "{state:#}");
    assert_eq!(
        attrs("aws_ecs_task_definition")["tags_all"],
        serde_json::json!({ "Suite": "examples-ecs-gaps", "Team": "gaps" })
    );
    let drift = crate::aws_support::strata_with(dir.path(), &["drift", "-no-color"], &env);
    assert_eq!(drift.code, 0, "{}", drift.transcript());
    let plan = crate::aws_support::strata_with(dir.path(), &["plan", "-detailed-exitcode", "-no-color"], &env);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    crate::aws_support::strata_ok_with(dir.path(), &["destroy", "-auto-approve", "-no-color"], &env);
}
