//! Application load balancing against moto, as a blue/green deploy uses
//! it: a load balancer in two subnets, blue and green target groups with
//! health checks, a listener whose forward weights move from blue to
//! green and back (a rollback is re-applying the previous variables), a
//! redirect listener, rules (fixed response, host-based forward with the
//! next free priority) and a registered target. The switch must plan as
//! one in-place listener update; drift (weights moved by hand, a rule
//! deleted), import and destroy complete the round.

use crate::aws_support::*;
use crate::moto::aws;
use crate::support::*;

const REGION: &str = "sa-east-1";

fn config(name: &str) -> String {
    format!(
        r#"{provider}
variable "blue_weight" {{
  type    = number
  default = 100
}}

variable "green_weight" {{
  type    = number
  default = 0
}}

resource "aws_vpc" "main" {{
  cidr_block = "10.40.0.0/16"
}}

resource "aws_subnet" "a" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.40.1.0/24"
  availability_zone = "{REGION}a"
}}

resource "aws_subnet" "b" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.40.2.0/24"
  availability_zone = "{REGION}b"
}}

resource "aws_security_group" "alb" {{
  name   = "{name}-alb"
  vpc_id = aws_vpc.main.id
}}

resource "aws_lb" "web" {{
  name               = "{name}"
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = [aws_subnet.a.id, aws_subnet.b.id]
  idle_timeout       = 30
  tags               = {{ Service = "web" }}
}}

resource "aws_lb_target_group" "blue" {{
  name                 = "{name}-blue"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = aws_vpc.main.id
  deregistration_delay = 30

  health_check {{
    path     = "/health"
    matcher  = "200-299"
    interval = 15
  }}
}}

resource "aws_lb_target_group" "green" {{
  name                 = "{name}-green"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = aws_vpc.main.id
  deregistration_delay = 30

  health_check {{
    path     = "/health"
    matcher  = "200-299"
    interval = 15
  }}
}}

resource "aws_lb_target_group_attachment" "blue" {{
  target_group_arn = aws_lb_target_group.blue.arn
  target_id        = "10.40.1.10"
  port             = 8080
}}

resource "aws_lb_listener" "http" {{
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {{
    type = "forward"
    forward {{
      target_group {{
        arn    = aws_lb_target_group.blue.arn
        weight = var.blue_weight
      }}
      target_group {{
        arn    = aws_lb_target_group.green.arn
        weight = var.green_weight
      }}
      stickiness {{
        enabled  = false
        duration = 60
      }}
    }}
  }}
}}

resource "aws_lb_listener" "redirect" {{
  load_balancer_arn = aws_lb.web.arn
  port              = 8081

  default_action {{
    type = "redirect"
    redirect {{
      port        = "80"
      protocol    = "HTTP"
      status_code = "HTTP_301"
    }}
  }}
}}

resource "aws_lb_listener_rule" "healthz" {{
  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {{
    type = "fixed-response"
    fixed_response {{
      content_type = "text/plain"
      message_body = "ok"
      status_code  = "200"
    }}
  }}

  condition {{
    path_pattern {{
      values = ["/healthz"]
    }}
  }}
}}

resource "aws_lb_listener_rule" "api" {{
  listener_arn = aws_lb_listener.http.arn
  # No priority: the next free one, after the health rule's.
  depends_on = [aws_lb_listener_rule.healthz]

  action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.green.arn
  }}

  condition {{
    host_header {{
      values = ["api.example.com"]
    }}
  }}
}}

output "dns_name" {{
  value = aws_lb.web.dns_name
}}
"#,
        provider = provider_block(None, REGION, "")
    )
}

fn elbv2(script: &str) -> String {
    aws(&format!("elb = boto3.client('elbv2', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"))
}

/// The listener's forward weights as `name=weight` lines, by group name.
fn weights(listener: &str) -> String {
    elbv2(&format!(
        "l = elb.describe_listeners(ListenerArns=['{listener}'])['Listeners'][0]\n\
         names = {{t['TargetGroupArn']: t['TargetGroupName'] for t in elb.describe_target_groups()['TargetGroups']}}\n\
         tgs = l['DefaultActions'][0]['ForwardConfig']['TargetGroups']\n\
         print(' '.join(sorted(names[t['TargetGroupArn']].rsplit('-', 1)[1] + '=' + str(t['Weight']) for t in tgs)))"
    ))
    .trim()
    .to_string()
}

fn apply_weights(d: &TempDir, blue: u32, green: u32) {
    let (b, g) = (format!("blue_weight={blue}"), format!("green_weight={green}"));
    strata_ok(d, &["apply", "-auto-approve", "-no-color", "-var", &b, "-var", &g]);
}

fn plan_weights(d: &TempDir, blue: u32, green: u32) -> Output {
    let (b, g) = (format!("blue_weight={blue}"), format!("green_weight={green}"));
    strata(d, &["plan", "-detailed-exitcode", "-no-color", "-var", &b, "-var", &g])
}

#[test]
fn blue_green_weights_switch_in_place_roll_back_drift_import_and_destroy() {
    let name = format!("lb{}", std::process::id());
    let d = TempDir::with_files("aws-lb", &[("main.tf", &config(&name))]);
    strata_ok(&d, &["validate", "-no-color"]);
    apply_weights(&d, 100, 0);
    let listener = state_id(&d, "aws_lb_listener", "http");
    assert_eq!(weights(&listener), "blue=100 green=0");
    let lb = state_json(&d, "aws_lb", "web");
    assert_eq!(lb["dns_name"].as_str().unwrap(), format!("{name}-1.{REGION}.elb.amazonaws.com"));
    assert!(lb["arn_suffix"].as_str().unwrap().starts_with(&format!("app/{name}/")), "{lb}");
    assert_eq!(lb["idle_timeout"], 30);
    assert_eq!(lb["enable_http2"], true);
    assert_eq!(lb["tags_all"], serde_json::json!({"Service": "web"}));
    let api = state_json(&d, "aws_lb_listener_rule", "api");
    assert_eq!(api["priority"], 11, "the next priority after 10: {api}");
    let blue = state_json(&d, "aws_lb_target_group", "blue");
    assert!(blue["arn_suffix"].as_str().unwrap().starts_with(&format!("targetgroup/{name}-blue/")), "{blue}");
    assert_eq!(blue["health_check"][0]["path"], "/health");
    assert_eq!(blue["health_check"][0]["healthy_threshold"], 3);
    assert_eq!(blue["deregistration_delay"], "30");
    assert_eq!(
        elbv2(&format!(
            "h = elb.describe_target_health(TargetGroupArn='{}')['TargetHealthDescriptions']\nprint([t['Target']['Id'] for t in h])",
            blue["arn"].as_str().unwrap()
        ))
        .trim(),
        "['10.40.1.10']"
    );
    no_changes(&d);

    // The switch: one in-place update of the listener, nothing replaced.
    let switch = plan_weights(&d, 0, 100);
    assert_eq!(switch.code, 2, "{}", switch.transcript());
    let plan = &switch.stdout;
    assert!(plan.contains("aws_lb_listener.http will be updated in-place"), "{plan}");
    assert!(plan.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{plan}");
    assert!(!plan.contains("must be replaced") && !plan.contains("# aws_lb.web"), "{plan}");
    assert!(plan.contains("weight = 100") && plan.contains("weight = 0"), "{plan}");
    apply_weights(&d, 0, 100);
    assert_eq!(weights(&listener), "blue=0 green=100");
    assert_eq!(state_id(&d, "aws_lb_listener", "http"), listener, "the same listener");
    let after = plan_weights(&d, 0, 100);
    assert_eq!(after.code, 0, "{}", after.transcript());

    // Rollback: the previous variables again.
    apply_weights(&d, 100, 0);
    assert_eq!(weights(&listener), "blue=100 green=0");
    no_changes(&d);

    // Drift: weights moved by hand, the health rule deleted.
    let healthz = state_id(&d, "aws_lb_listener_rule", "healthz");
    let tgs = |color: &str| state_attr(&d, "aws_lb_target_group", color, "arn");
    elbv2(&format!(
        "elb.modify_listener(ListenerArn='{listener}', DefaultActions=[{{'Type': 'forward', 'ForwardConfig': {{'TargetGroups': [{{'TargetGroupArn': '{}', 'Weight': 50}}, {{'TargetGroupArn': '{}', 'Weight': 50}}], 'TargetGroupStickinessConfig': {{'Enabled': False, 'DurationSeconds': 60}}}}}}])\n\
         elb.delete_rule(RuleArn='{healthz}')\n\
         elb.modify_target_group_attributes(TargetGroupArn='{}', Attributes=[{{'Key': 'deregistration_delay.timeout_seconds', 'Value': '100'}}])\n\
         elb.deregister_targets(TargetGroupArn='{}', Targets=[{{'Id': '10.40.1.10', 'Port': 8080}}])",
        tgs("blue"),
        tgs("green"),
        tgs("blue"),
        tgs("blue")
    ));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "drift is reported:\n{}", drift.transcript());
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_lb_listener.http will be updated in-place"), "{plan}");
    assert!(plan.contains("aws_lb_listener_rule.healthz will be created"), "{plan}");
    assert!(plan.contains("aws_lb_target_group.blue will be updated in-place"), "{plan}");
    assert!(plan.contains(r#""100" -> "30""#), "the delay set back: {plan}");
    assert!(plan.contains("aws_lb_target_group_attachment.blue will be created"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(weights(&listener), "blue=100 green=0");
    no_changes(&d);

    // Import by ARN after forgetting them.
    let lb_arn = state_id(&d, "aws_lb", "web");
    let blue_arn = tgs("blue");
    let api_arn = state_id(&d, "aws_lb_listener_rule", "api");
    for addr in ["aws_lb.web", "aws_lb_target_group.blue", "aws_lb_listener.http", "aws_lb_listener_rule.api"] {
        strata_ok(&d, &["state", "rm", addr]);
    }
    strata_ok(&d, &["import", "-no-color", "aws_lb.web", &lb_arn]);
    strata_ok(&d, &["import", "-no-color", "aws_lb_target_group.blue", &blue_arn]);
    strata_ok(&d, &["import", "-no-color", "aws_lb_listener.http", &listener]);
    strata_ok(&d, &["import", "-no-color", "aws_lb_listener_rule.api", &api_arn]);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let left = elbv2(&format!(
        "print(len([l for l in elb.describe_load_balancers()['LoadBalancers'] if l['LoadBalancerName'] == '{name}']), len([t for t in elb.describe_target_groups()['TargetGroups'] if t['TargetGroupName'].startswith('{name}-')]))"
    ));
    assert_eq!(left.trim(), "0 0");
}

#[test]
fn load_balancer_arguments_aws_refuses_are_refused_at_validate() {
    let config = format!(
        r#"{provider}
resource "aws_lb" "bad" {{
  name                   = "-bad"
  desync_mitigation_mode = "lenient"
  idle_timeout           = 0
}}

resource "aws_lb_listener" "bad" {{
  load_balancer_arn = "arn:aws:elasticloadbalancing:{REGION}:123456789012:loadbalancer/app/web/50dc6c495c0c9188"
  port              = 80

  default_action {{
    type = "redirect"
  }}
}}

resource "aws_lb_target_group" "bad" {{
  name                 = "bad"
  port                 = 80
  protocol             = "HTTP"
  vpc_id               = "vpc-1"
  deregistration_delay = 4000
}}
"#,
        provider = provider_block(None, REGION, "")
    );
    let d = TempDir::with_files("aws-lb-bad", &[("main.tf", &config)]);
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    for needle in ["-bad", "desync_mitigation_mode", "idle_timeout", "redirect is required", "deregistration_delay"] {
        assert!(out.stderr.contains(needle), "{needle}:\n{}", out.stderr);
    }
}

/// A crash between sending the creates and journalling their results,
/// replayed exactly: the journal holds the three intents (load balancer,
/// target group, listener) and AWS holds the objects with their tokens,
/// as a kill -9 at that moment leaves them. The next plan adopts all
/// three instead of creating them again.
#[test]
fn interrupted_creates_are_found_by_their_token_and_adopted() {
    let name = format!("lbk{}", std::process::id());
    let network = format!(
        r#"{provider}
resource "aws_vpc" "main" {{
  cidr_block = "10.41.0.0/16"
}}

resource "aws_subnet" "a" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.41.1.0/24"
  availability_zone = "{REGION}a"
}}

resource "aws_subnet" "b" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.41.2.0/24"
  availability_zone = "{REGION}b"
}}
"#,
        provider = provider_block(None, REGION, "")
    );
    let load_balancing = format!(
        r#"
resource "aws_lb" "web" {{
  name    = "{name}"
  subnets = [aws_subnet.a.id, aws_subnet.b.id]
}}

resource "aws_lb_target_group" "blue" {{
  name     = "{name}-blue"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}}

resource "aws_lb_listener" "http" {{
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.blue.arn
  }}
}}
"#
    );
    let d = TempDir::with_files("aws-lb-kill", &[("main.tf", &network)]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let vpc = state_id(&d, "aws_vpc", "main");
    let (a, b) = (state_id(&d, "aws_subnet", "a"), state_id(&d, "aws_subnet", "b"));

    // What the creates made before the crash, each carrying its token.
    let arns = elbv2(&format!(
        "tag = lambda t: [{{'Key': 'strata:create-token', 'Value': t}}]\n\
         lb = elb.create_load_balancer(Name='{name}', Subnets=['{a}', '{b}'], Tags=tag('t-lb'))['LoadBalancers'][0]['LoadBalancerArn']\n\
         tg = elb.create_target_group(Name='{name}-blue', Port=80, Protocol='HTTP', VpcId='{vpc}', Tags=tag('t-tg'))['TargetGroups'][0]['TargetGroupArn']\n\
         l = elb.create_listener(LoadBalancerArn=lb, Port=80, Protocol='HTTP', DefaultActions=[{{'Type': 'forward', 'TargetGroupArn': tg}}], Tags=tag('t-listener'))['Listeners'][0]['ListenerArn']\n\
         print(lb, tg, l)"
    ));
    let arns: Vec<&str> = arns.split_whitespace().collect();
    let (lb, tg) = (arns[0], arns[1]);

    // The journal as the killed apply left it: three intents, nothing after.
    let st = state(&d);
    let header = serde_json::json!({"lineage": st["lineage"], "serial": st["serial"]});
    let intent = |ty: &str, res: &str, token: &str, attributes: serde_json::Value| {
        serde_json::json!({
            "mode": "managed", "type": ty, "name": res,
            "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
            "instance": {"schema_version": 0, "attributes": attributes, "sensitive_attributes": []},
            "intent": token, "intent_at": 0
        })
    };
    let lines = [
        header,
        intent("aws_lb", "web", "t-lb", serde_json::json!({"name": name, "region": REGION})),
        intent(
            "aws_lb_target_group",
            "blue",
            "t-tg",
            serde_json::json!({"name": format!("{name}-blue"), "region": REGION}),
        ),
        intent(
            "aws_lb_listener",
            "http",
            "t-listener",
            serde_json::json!({"load_balancer_arn": lb, "port": 80, "region": REGION}),
        ),
    ];
    let journal: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(d.path().join("terraform.tfstate.journal"), journal).unwrap();
    std::fs::write(d.path().join("main.tf"), format!("{network}{load_balancing}")).unwrap();

    let plan = strata(&d, &["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert_eq!(plan.stderr.matches("Adopted an object").count(), 3, "{}", plan.transcript());
    assert!(!plan.stdout.contains("will be created"), "{}", plan.stdout);
    assert_eq!(state_id(&d, "aws_lb", "web"), lb);
    assert_eq!(state_id(&d, "aws_lb_target_group", "blue"), tg);
    assert!(!state(&d).to_string().contains("strata:create-token"));
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}

/// A create AWS accepts and whose follow-up call it refuses (a target
/// group made, then stickiness its protocol cannot have) leaves the
/// object in state, tainted, not orphaned: fixing the configuration
/// replaces it, and one group of that name remains.
#[test]
fn a_target_group_whose_attributes_are_refused_is_kept_tainted() {
    let name = format!("lbt{}", std::process::id());
    let config = |stickiness: &str| {
        format!(
            r#"{provider}
resource "aws_vpc" "main" {{
  cidr_block = "10.42.0.0/16"
}}

resource "aws_lb_target_group" "web" {{
  name     = "{name}"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
  stickiness {{
    type = "{stickiness}"
  }}
}}
"#,
            provider = provider_block(None, REGION, "")
        )
    };
    let d = TempDir::with_files("aws-lb-tainted", &[("main.tf", &config("source_ip"))]);
    let out = strata(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("Stickiness type 'source_ip' is not supported"), "{}", out.stderr);
    let kept = state(&d)["resources"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["type"] == "aws_lb_target_group").cloned())
        .unwrap_or_else(|| panic!("the half-made group is in state: {}", state(&d)));
    assert_eq!(kept["instances"][0]["status"], "tainted", "{kept}");
    let count = || {
        elbv2(&format!(
            "print(len([t for t in elb.describe_target_groups()['TargetGroups'] if t['TargetGroupName'] == '{name}']))"
        ))
        .trim()
        .to_string()
    };
    assert_eq!(count(), "1");

    std::fs::write(d.path().join("main.tf"), config("lb_cookie")).unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_lb_target_group.web is tainted, so must be replaced"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(count(), "1");
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(count(), "0");
}
