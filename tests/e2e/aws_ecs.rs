//! ECS against moto: a cluster with its capacity providers, a Fargate
//! task definition with two containers (environment and secrets written
//! out of order, port mappings), and a Fargate service in awsvpc behind
//! a target group (made by boto3: ELBv2 is not Strata's yet) with a
//! rollback alarm in its deployment alarms; a
//! second plan is clean although moto fills in container defaults; a
//! new image tag registers a new revision (a replacement) and updates
//! the service in place; drift (desired count changed, service deleted);
//! import of a service (`cluster/name`) and of a task definition (ARN);
//! the data sources; `wait_for_steady_state` timing out with the counts;
//! `skip_destroy`; destroy leaves nothing ACTIVE.
//!
//! moto starts a service with runningCount = MOTO_ECS_SERVICE_RUNNING
//! (0 here, the default) and its UpdateService sets running = desired: a
//! created service with desired_count 1 is never steady (the timeout
//! test), one updated afterwards is.

use crate::aws_support::*;
use crate::moto::aws;
use crate::support::*;

const REGION: &str = "ap-south-1";

fn ecs(script: &str) -> String {
    aws(&format!("ecs = boto3.client('ecs', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"))
        .trim()
        .to_string()
}

/// A target group made outside (ELBv2 resources are not Strata's yet).
fn target_group(name: &str) -> String {
    aws(&format!(
        "elb = boto3.client('elbv2', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n\
         e = boto3.client('ec2', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n\
         vpc = e.describe_vpcs(Filters=[{{'Name': 'isDefault', 'Values': ['true']}}])['Vpcs'][0]['VpcId']\n\
         print(elb.create_target_group(Name='{name}', Protocol='HTTP', Port=80, VpcId=vpc, TargetType='ip')['TargetGroups'][0]['TargetGroupArn'])"
    ))
    .trim()
    .to_string()
}

fn config(name: &str, tag: &str, target_group: &str) -> String {
    format!(
        r#"{provider}
resource "aws_vpc" "v" {{
  cidr_block = "10.42.0.0/16"
}}

resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.42.1.0/24"
}}

resource "aws_security_group" "web" {{
  name   = "{name}-web"
  vpc_id = aws_vpc.v.id
}}

resource "aws_ecs_cluster" "c" {{
  name = "{name}"
  setting {{
    name  = "containerInsights"
    value = "enabled"
  }}
  tags = {{ Team = "web" }}
}}

resource "aws_ecs_cluster_capacity_providers" "c" {{
  cluster_name       = aws_ecs_cluster.c.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]
  default_capacity_provider_strategy {{
    capacity_provider = "FARGATE"
    weight            = 1
  }}
}}

resource "aws_ecs_task_definition" "web" {{
  family                   = "{name}-web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([
    {{
      name      = "web"
      image     = "nginx:{tag}"
      essential = true
      portMappings = [{{ containerPort = 80, protocol = "tcp" }}]
      environment = [
        {{ name = "ZONE", value = "b" }},
        {{ name = "APP", value = "web" }},
      ]
      secrets = [
        {{ name = "TOKEN", valueFrom = "arn:aws:ssm:{REGION}:123456789012:parameter/token" }},
        {{ name = "DB", valueFrom = "arn:aws:ssm:{REGION}:123456789012:parameter/db" }},
      ]
      dockerLabels = {{ tier = "front" }}
    }},
    {{
      name   = "log-router"
      image  = "fluent/fluent-bit:2"
      memoryReservation = 64
      unknownKey = "dropped"
    }},
  ])
  tags = {{ Team = "web" }}
}}

resource "aws_ecs_service" "web" {{
  name            = "{name}-web"
  cluster         = aws_ecs_cluster.c.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  network_configuration {{
    subnets         = [aws_subnet.a.id]
    security_groups = [aws_security_group.web.id]
  }}

  deployment_circuit_breaker {{
    enable   = true
    rollback = true
  }}

  alarms {{
    alarm_names = [aws_cloudwatch_metric_alarm.rollback.alarm_name]
    enable      = true
    rollback    = true
  }}

  load_balancer {{
    target_group_arn = "{target_group}"
    container_name   = "web"
    container_port   = 80
  }}

  health_check_grace_period_seconds = 30
  enable_execute_command            = true
  propagate_tags                    = "SERVICE"
  tags                              = {{ Team = "web" }}
}}

resource "aws_cloudwatch_metric_alarm" "rollback" {{
  alarm_name          = "{name}-5xx"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "HTTPCode_Target_5XX_Count"
  namespace           = "AWS/ApplicationELB"
  period              = 60
  statistic           = "Sum"
  threshold           = 10
}}

data "aws_ecs_container_definition" "web" {{
  task_definition = aws_ecs_task_definition.web.arn
  container_name  = "web"
}}

data "aws_ecs_cluster" "c" {{
  cluster_name = aws_ecs_cluster.c.name
}}

output "image" {{
  value = data.aws_ecs_container_definition.web.image
}}

output "env" {{
  value = data.aws_ecs_container_definition.web.environment
}}

output "cluster_status" {{
  value = data.aws_ecs_cluster.c.status
}}

data "aws_ecs_task_definition" "by_revision" {{
  task_definition = "${{aws_ecs_task_definition.web.family}}:${{aws_ecs_task_definition.web.revision}}"
}}

output "container" {{
  value = {{
    labels    = data.aws_ecs_container_definition.web.docker_labels
    essential = data.aws_ecs_container_definition.web.essential
    revision  = data.aws_ecs_task_definition.by_revision.revision
    mode      = data.aws_ecs_task_definition.by_revision.network_mode
  }}
}}
"#,
        provider = provider_block(None, REGION, "  default_tags {\n    tags = { Owner = \"strata\" }\n  }\n")
    )
}

/// The service's desired count as moto holds it, or its status when not ACTIVE.
fn remote_service(cluster: &str, service: &str) -> String {
    ecs(&format!(
        "try:\n    s = ecs.describe_services(cluster='{cluster}', services=['{service}'])['services']\n\
         except ecs.exceptions.ClusterNotFoundException:\n    s = []\n\
         print('gone' if not s else (s[0]['desiredCount'], s[0]['taskDefinition'].split('/')[-1]) if s[0]['status'] == 'ACTIVE' else s[0]['status'])"
    ))
}

fn output(d: &TempDir, name: &str) -> serde_json::Value {
    let out = strata_ok(d, &["output", "-json", name]);
    serde_json::from_str(out.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

#[test]
fn a_fargate_service_applies_replans_clean_deploys_in_place_drifts_imports_and_destroys() {
    let name = format!("ecs-{}", std::process::id());
    let web = format!("{name}-web");
    let tg = target_group(&name);
    let d = TempDir::with_files("aws-ecs", &[("main.tf", &config(&name, "1.25", &tg))]);
    strata_ok(&d, &["validate", "-no-color"]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let cluster_arn = state_id(&d, "aws_ecs_cluster", "c");
    assert!(cluster_arn.ends_with(&format!(":cluster/{name}")), "{cluster_arn}");
    assert_eq!(state_id(&d, "aws_ecs_cluster_capacity_providers", "c"), name);
    assert_eq!(state_id(&d, "aws_ecs_task_definition", "web"), web);
    let td = state_json(&d, "aws_ecs_task_definition", "web");
    assert!(td["arn"].as_str().unwrap_or_default().ends_with(&format!("task-definition/{web}:1")), "{td}");
    assert_eq!(td["revision"], 1);
    // Normalized: containers and variables by name, unknown keys gone.
    let defs: serde_json::Value = serde_json::from_str(td["container_definitions"].as_str().unwrap()).unwrap();
    assert_eq!(defs[0]["name"], "log-router");
    assert!(defs[0].get("unknownKey").is_none(), "{defs}");
    assert_eq!(defs[1]["environment"][0]["name"], "APP");
    assert_eq!(defs[1]["secrets"][0]["name"], "DB");
    let svc = state_json(&d, "aws_ecs_service", "web");
    assert!(svc["id"].as_str().unwrap_or_default().ends_with(&format!(":service/{name}/{web}")), "{svc}");
    assert_eq!(svc["tags_all"], serde_json::json!({"Owner": "strata", "Team": "web"}));
    assert_eq!(svc["load_balancer"][0]["target_group_arn"], tg.as_str());
    assert_eq!(svc["alarms"][0]["alarm_names"], serde_json::json!([format!("{name}-5xx")]));
    // moto's CreateService drops these; the follow-up update set them.
    let remote = ecs(&format!(
        "s = ecs.describe_services(cluster='{name}', services=['{web}'])['services'][0]\n\
         print(s['healthCheckGracePeriodSeconds'], s['enableExecuteCommand'], s['deploymentConfiguration']['alarms']['alarmNames'], s['loadBalancers'][0]['containerPort'])"
    ));
    assert_eq!(remote, format!("30 True ['{name}-5xx'] 80"));
    assert_eq!(remote_service(&name, &web), format!("(1, '{web}:1')"));
    assert_eq!(output(&d, "image"), "nginx:1.25");
    assert_eq!(output(&d, "env"), serde_json::json!({"APP": "web", "ZONE": "b"}));
    assert_eq!(output(&d, "cluster_status"), "ACTIVE");
    assert_eq!(
        output(&d, "container"),
        serde_json::json!({"labels": {"tier": "front"}, "essential": true, "revision": 1, "mode": "awsvpc"})
    );
    // moto fills in cpu 0, essential, empty arrays, host ports and ignored
    // create arguments: none of it is a change.
    no_changes(&d);

    // A new image: a new revision, and the service updated in place.
    std::fs::write(d.path().join("main.tf"), config(&name, "1.27", &tg)).unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_ecs_task_definition.web must be replaced"), "{plan}");
    assert!(plan.contains("aws_ecs_service.web will be updated in-place"), "{plan}");
    assert!(!plan.contains("aws_ecs_service.web must be replaced"), "{plan}");
    let resources = plan.split("Changes to Outputs:").next().unwrap_or_default();
    let image_lines: Vec<&str> = resources.lines().filter(|l| l.contains("nginx:")).collect();
    assert_eq!(image_lines.len(), 1, "one changed image line:\n{plan}");
    assert!(image_lines[0].contains(r#"~ image        = "nginx:1.25" -> "nginx:1.27""#), "{plan}");
    assert!(plan.contains("~ task_definition"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_service(&name, &web), format!("(1, '{web}:2')"));
    assert_eq!(output(&d, "image"), "nginx:1.27");
    no_changes(&d);

    // Drift: the desired count changed by hand.
    ecs(&format!("ecs.update_service(cluster='{name}', service='{web}', desiredCount=3)"));
    let plan = planned_changes(&d);
    assert!(plan.contains("desired_count") && plan.contains("3 -> 1"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_service(&name, &web), format!("(1, '{web}:2')"));
    no_changes(&d);

    // Drift: the service deleted by hand is planned again.
    ecs(&format!("ecs.delete_service(cluster='{name}', service='{web}', force=True)"));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_ecs_service.web will be created"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    // Import the service (`cluster/name`) and the task definition (ARN).
    let td_arn = state_attr(&d, "aws_ecs_task_definition", "web", "arn");
    strata_ok(&d, &["state", "rm", "aws_ecs_service.web", "aws_ecs_task_definition.web"]);
    strata_ok(&d, &["import", "-no-color", "aws_ecs_task_definition.web", &td_arn]);
    strata_ok(&d, &["import", "-no-color", "aws_ecs_service.web", &format!("{name}/{web}")]);
    assert_eq!(state_id(&d, "aws_ecs_task_definition", "web"), web);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(remote_service(&name, &web), "INACTIVE");
    let left = ecs(&format!(
        "print(ecs.describe_clusters(clusters=['{name}'])['clusters'][0]['status'])\n\
         print(len(ecs.list_task_definitions(familyPrefix='{web}', status='ACTIVE')['taskDefinitionArns']))"
    ));
    assert_eq!(left, "INACTIVE\n0");
}

fn small(name: &str, service: &str) -> String {
    format!(
        r#"{provider}
resource "aws_ecs_cluster" "c" {{
  name = "{name}"
}}

resource "aws_ecs_task_definition" "t" {{
  family                = "{name}"
  skip_destroy          = true
  container_definitions = jsonencode([{{ name = "app", image = "busybox", memory = 64 }}])
}}
{service}"#,
        provider = provider_block(None, REGION, "")
    )
}

#[test]
fn waiting_for_a_steady_state_times_out_naming_the_counts_and_skip_destroy_keeps_the_revision() {
    let name = format!("ecs-wait-{}", std::process::id());
    let service = format!(
        r#"
resource "aws_ecs_service" "s" {{
  name                  = "{name}"
  cluster               = aws_ecs_cluster.c.arn
  task_definition       = aws_ecs_task_definition.t.family
  desired_count         = 1
  wait_for_steady_state = true
  timeouts {{
    create = "3s"
  }}
}}
"#
    );
    let d = TempDir::with_files("aws-ecs-wait", &[("main.tf", &small(&name, &service))]);
    let started = std::time::Instant::now();
    let out = strata(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "bounded: {:?}", started.elapsed());
    assert!(out.stderr.contains("did not reach a steady state"), "{}", out.stderr);
    assert!(out.stderr.contains(&format!("service/{name}/{name}")), "names the service:\n{}", out.stderr);
    assert!(out.stderr.contains("desired 1, running 0"), "{}", out.stderr);
    // The service exists: kept, tainted, rather than orphaned.
    let kept = state(&d)["resources"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["type"] == "aws_ecs_service").cloned())
        .unwrap_or_else(|| panic!("the half-created service is in state: {}", state(&d)));
    assert_eq!(kept["instances"][0]["status"], "tainted", "{kept}");
    assert_eq!(remote_service(&name, &name), format!("(1, '{name}:1')"));

    // The task definition named by family is kept as written.
    std::fs::write(d.path().join("main.tf"), small(&name, "")).unwrap();
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let arn = state_attr(&d, "aws_ecs_task_definition", "t", "arn");
    no_changes(&d);
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    let status =
        ecs(&format!("print(ecs.describe_task_definition(taskDefinition='{arn}')['taskDefinition']['status'])"));
    assert_eq!(status, "ACTIVE", "skip_destroy keeps the revision");
}

#[test]
fn bad_container_definitions_are_refused_at_validate() {
    let config = format!(
        r#"{provider}
resource "aws_ecs_task_definition" "t" {{
  family                = "bad"
  container_definitions = "{{\"name\": \"x\"}}"
}}
"#,
        provider = provider_block(None, REGION, "")
    );
    let d = TempDir::with_files("aws-ecs-bad", &[("main.tf", &config)]);
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stderr.contains("container_definitions must be a JSON array"), "{}", out.stderr);
}

fn options(name: &str, insights: &str, weight: u32, extra_tag: &str, service: &str) -> String {
    format!(
        r#"{provider}
resource "aws_ecs_cluster" "c" {{
  name = "{name}"
  setting {{
    name  = "containerInsights"
    value = "{insights}"
  }}
  configuration {{
    execute_command_configuration {{
      logging = "OVERRIDE"
      log_configuration {{
        cloud_watch_log_group_name = "/ecs/{name}"
      }}
    }}
  }}
  service_connect_defaults {{
    namespace = "arn:aws:servicediscovery:{REGION}:123456789012:namespace/ns-{insights}"
  }}
}}

resource "aws_ecs_cluster_capacity_providers" "c" {{
  cluster_name       = aws_ecs_cluster.c.name
  capacity_providers = ["FARGATE"]
  default_capacity_provider_strategy {{
    capacity_provider = "FARGATE"
    weight            = {weight}
    base              = 1
  }}
}}

resource "aws_ecs_task_definition" "t" {{
  family                = "{name}"
  track_latest          = true
  container_definitions = jsonencode([{{ name = "app", image = "busybox", memory = 64, cpu = 0 }}])
  volume {{
    name = "data"
    efs_volume_configuration {{
      file_system_id     = "fs-12345678"
      transit_encryption = "ENABLED"
      authorization_config {{
        iam = "ENABLED"
      }}
    }}
  }}
  volume {{
    name      = "scratch"
    host_path = "/tmp"
  }}
  proxy_configuration {{
    container_name = "app"
    properties     = {{ AppPorts = "8080", IgnoredUID = "1337" }}
  }}
  tags                  = {{ Name = "{name}"{extra_tag} }}
}}

data "aws_ecs_task_definition" "t" {{
  task_definition = aws_ecs_task_definition.t.family
}}

output "revision" {{
  value = data.aws_ecs_task_definition.t.revision
}}
{service}"#,
        provider = provider_block(None, REGION, "")
    )
}

fn service(name: &str, count: u32, wait: bool, trigger: &str) -> String {
    format!(
        r#"
resource "aws_ecs_service" "s" {{
  name                  = "{name}"
  cluster               = aws_ecs_cluster.c.name
  task_definition       = "${{aws_ecs_task_definition.t.family}}:${{aws_ecs_task_definition.t.revision}}"
  desired_count         = {count}
  wait_for_steady_state = {wait}
  force_new_deployment  = true
  triggers              = {{ redeploy = "{trigger}" }}

  ordered_placement_strategy {{
    type  = "spread"
    field = "attribute:ecs.availability-zone"
  }}
  ordered_placement_strategy {{
    type  = "binpack"
    field = "memory"
  }}
  placement_constraints {{
    type = "distinctInstance"
  }}

  capacity_provider_strategy {{
    capacity_provider = "FARGATE"
    weight            = 1
  }}

  service_connect_configuration {{
    enabled   = true
    namespace = "arn:aws:servicediscovery:ap-south-1:123456789012:namespace/ns-app"
    service {{
      port_name      = "http"
      discovery_name = "app"
      client_alias {{
        port     = 8080
        dns_name = "app.local"
      }}
    }}
  }}
}}
"#
    )
}

#[test]
fn cluster_settings_capacity_providers_and_task_definition_tags_change_in_place_and_services_wait_for_updates() {
    let name = format!("ecs-opts-{}", std::process::id());
    let d = TempDir::with_files(
        "aws-ecs-opts",
        &[("main.tf", &options(&name, "enabled", 1, "", &service(&name, 0, true, "a")))],
    );
    // desired 0 = running 0 and one deployment: steady at once.
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(output(&d, "revision"), 1);
    assert_eq!(state_attr(&d, "aws_ecs_service", "s", "task_definition"), format!("{name}:1"));
    let placement = ecs(&format!(
        "s = ecs.describe_services(cluster='{name}', services=['{name}'])['services'][0]\n\
         print([p['type'] for p in s['placementStrategy']], [c['type'] for c in s['placementConstraints']], [c['capacityProvider'] for c in s['capacityProviderStrategy']])"
    ));
    assert_eq!(placement, "['spread', 'binpack'] ['distinctInstance'] ['FARGATE']");
    let volumes = state_json(&d, "aws_ecs_task_definition", "t")["volume"].to_string();
    assert!(volumes.contains(r#""root_directory":"/""#) && volumes.contains("fs-12345678"), "{volumes}");
    let proxy = state_json(&d, "aws_ecs_task_definition", "t")["proxy_configuration"].clone();
    assert_eq!(proxy[0]["type"], "APPMESH", "{proxy}");
    assert_eq!(proxy[0]["properties"]["AppPorts"], "8080", "{proxy}");
    no_changes(&d);

    // Settings, the strategy and tags change in place; nothing is replaced.
    std::fs::write(
        d.path().join("main.tf"),
        options(&name, "disabled", 2, ", Team = \"ops\"", &service(&name, 0, true, "a")),
    )
    .unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_ecs_cluster.c will be updated in-place"), "{plan}");
    assert!(plan.contains("aws_ecs_cluster_capacity_providers.c will be updated in-place"), "{plan}");
    assert!(plan.contains("aws_ecs_task_definition.t will be updated in-place"), "{plan}");
    assert!(!plan.contains("must be replaced"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);
    let remote = ecs(&format!(
        "c = ecs.describe_clusters(clusters=['{name}'], include=['SETTINGS'])['clusters'][0]\n\
         print(c['settings'][0]['value'], c['defaultCapacityProviderStrategy'][0]['weight'])\n\
         t = ecs.describe_task_definition(taskDefinition='{name}', include=['TAGS'])\n\
         print(t['taskDefinition']['revision'], sorted(x['key'] for x in t['tags'] if not x['key'].startswith('strata:')))"
    ));
    assert_eq!(remote, "disabled 2\n1 ['Name', 'Team']");
    let ns = &state_json(&d, "aws_ecs_cluster", "c")["service_connect_defaults"][0]["namespace"];
    assert!(ns.as_str().is_some_and(|n| n.ends_with("namespace/ns-disabled")), "{ns}");

    // A new revision registered outside: track_latest follows it.
    ecs(&format!(
        "ecs.register_task_definition(family='{name}', containerDefinitions=[{{'name': 'app', 'image': 'busybox:2', 'memory': 64}}])"
    ));
    let plan = planned_changes(&d);
    assert!(plan.contains("busybox:2"), "{plan}");

    // Scaling with wait_for_steady_state: moto's update runs them all.
    let plan_config = options(&name, "disabled", 2, ", Team = \"ops\"", &service(&name, 2, true, "b"));
    std::fs::write(d.path().join("main.tf"), plan_config).unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_ecs_service.s will be updated in-place"), "{plan}");
    assert!(plan.contains("\"redeploy\" = \"a\" -> \"b\""), "a trigger with force_new_deployment:\n{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let svc = state_json(&d, "aws_ecs_service", "s");
    assert_eq!(svc["desired_count"], 2, "{svc}");

    // Listed for drift -unmanaged once forgotten.
    strata_ok(&d, &["state", "rm", "aws_ecs_service.s"]);
    let out = strata(&d, &["drift", "-unmanaged", "-json"]);
    let report: serde_json::Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.transcript()));
    let unmanaged = report["unmanaged"].to_string();
    assert!(unmanaged.contains(&format!("service/{name}/{name}")), "{unmanaged}");
    let svc_arn = svc["id"].as_str().unwrap_or_default().to_string();
    strata_ok(&d, &["import", "-no-color", "aws_ecs_service.s", &format!("{name}/{name}")]);
    assert_eq!(state_id(&d, "aws_ecs_service", "s"), svc_arn);
    // The cluster imports by name, its capacity providers by the cluster's name.
    let cluster_arn = state_id(&d, "aws_ecs_cluster", "c");
    strata_ok(&d, &["state", "rm", "aws_ecs_cluster.c", "aws_ecs_cluster_capacity_providers.c"]);
    strata_ok(&d, &["import", "-no-color", "aws_ecs_cluster.c", &name]);
    strata_ok(&d, &["import", "-no-color", "aws_ecs_cluster_capacity_providers.c", &name]);
    assert_eq!(state_id(&d, "aws_ecs_cluster", "c"), cluster_arn);
    let plan = planned_changes(&d);
    assert!(!plan.contains("aws_ecs_cluster.c "), "the imported cluster plans no change:\n{plan}");
    assert!(!plan.contains("aws_ecs_cluster_capacity_providers.c "), "{plan}");
    // The provider's importer stores the service's cluster as an ARN: a
    // configuration naming the cluster by name replaces it (as Terraform).
    assert!(plan.contains("-> \"ecs-opts-") && plan.contains("# forces replacement"), "{plan}");

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(remote_service(&name, &name), "INACTIVE");
}

#[test]
fn a_service_create_killed_during_its_wait_is_adopted_by_its_token() {
    use std::process::{Command, Stdio};
    let name = format!("ecs-kill-{}", std::process::id());
    let service = format!(
        r#"
resource "aws_ecs_service" "s" {{
  name                  = "{name}"
  cluster               = aws_ecs_cluster.c.arn
  task_definition       = aws_ecs_task_definition.t.arn
  desired_count         = 1
  wait_for_steady_state = true
  # Deleted without scaling to 0 first.
  force_delete          = true
}}
"#
    );
    let d = TempDir::with_files("aws-ecs-kill", &[("main.tf", &small(&name, &service))]);
    let mut child = Command::new(strata_bin())
        .args(["apply", "-auto-approve", "-no-color"])
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .envs(crate::moto::ENV)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("strata runs");
    // The service exists (never steady: moto runs none of its tasks).
    let started = std::time::Instant::now();
    while remote_service(&name, &name) == "gone" {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "the service was never created");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = child.kill();
    let _ = child.wait();
    let plan = strata(&d, &["plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(plan.stderr.contains("Adopted an object"), "{}", plan.transcript());
    assert!(!plan.stdout.contains("aws_ecs_service.s will be created"), "{}", plan.stdout);
    let id = state_id(&d, "aws_ecs_service", "s");
    assert!(id.ends_with(&format!("service/{name}/{name}")), "{id}");
    assert!(!state(&d).to_string().contains("strata:create-token"));
    assert_eq!(state_json(&d, "aws_ecs_service", "s")["force_delete"], true);
    // A tag change is not a deployment: no wait for the (never) steady state.
    let tagged = service.replace("force_delete          = true", "force_delete = true\n  tags = { Team = \"web\" }");
    std::fs::write(d.path().join("main.tf"), small(&name, &tagged)).unwrap();
    let started = std::time::Instant::now();
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
    assert_eq!(state_json(&d, "aws_ecs_service", "s")["tags"], serde_json::json!({"Team": "web"}));
    std::fs::write(d.path().join("main.tf"), small(&name, "")).unwrap();
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_service(&name, &name), "INACTIVE");
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}

/// A task definition in a state file as Terraform with hashicorp/aws 6.x
/// writes it: its own spelling of the container definitions (keys in
/// another order, ECS's defaults included) and attributes Strata does not
/// model yet; refreshing and planning against the same configuration
/// changes nothing.
#[test]
fn a_terraform_written_task_definition_state_plans_no_changes() {
    let name = format!("ecs-tfstate-{}", std::process::id());
    let arn = ecs(&format!(
        "print(ecs.register_task_definition(family='{name}', containerDefinitions=[{{'name': 'app', 'image': 'busybox:1', 'memory': 64, 'portMappings': [{{'containerPort': 8080}}]}}])['taskDefinition']['taskDefinitionArn'])"
    ));
    let defs = r#"[{"portMappings":[{"protocol":"tcp","hostPort":0,"containerPort":8080}],"name":"app","mountPoints":[],"memory":64,"image":"busybox:1","essential":true,"environment":[],"cpu":0,"volumesFrom":[]}]"#;
    let attributes = serde_json::json!({
        "arn": arn,
        "arn_without_revision": arn.rsplit_once(':').map(|(a, _)| a).unwrap_or_default(),
        "container_definitions": defs,
        "cpu": "",
        "enable_fault_injection": false,
        "ephemeral_storage": [],
        "execution_role_arn": "",
        "family": name,
        "id": name,
        "inference_accelerator": [],
        "ipc_mode": "",
        "memory": "",
        "network_mode": "bridge",
        "pid_mode": "",
        "placement_constraints": [],
        "proxy_configuration": [],
        "region": REGION,
        "requires_compatibilities": [],
        "revision": 1,
        "runtime_platform": [],
        "skip_destroy": false,
        "tags": null,
        "tags_all": {},
        "task_role_arn": "",
        "track_latest": false,
        "volume": []
    });
    let state = serde_json::json!({
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 3,
        "lineage": "3f1e6b0e-2f57-4f7e-9e54-0c1d2a3b4c5d",
        "outputs": {},
        "resources": [{
            "mode": "managed",
            "type": "aws_ecs_task_definition",
            "name": "t",
            "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
            "instances": [{
                "schema_version": 1,
                "attributes": attributes,
                "sensitive_attributes": [],
                "private": "eyJzY2hlbWFfdmVyc2lvbiI6IjEifQ=="
            }]
        }],
        "check_results": null
    });
    let config = format!(
        r#"{provider}
resource "aws_ecs_task_definition" "t" {{
  family                = "{name}"
  container_definitions = jsonencode([{{ name = "app", image = "busybox:1", memory = 64, portMappings = [{{ containerPort = 8080 }}] }}])
}}
"#,
        provider = provider_block(None, REGION, "")
    );
    let d = TempDir::with_files(
        "aws-ecs-tfstate",
        &[("main.tf", &config), ("terraform.tfstate", &serde_json::to_string_pretty(&state).unwrap())],
    );
    let plan = no_changes(&d);
    assert!(plan.contains("No changes."), "{plan}");

    // Deregistered outside: gone, so planned again.
    ecs(&format!("ecs.deregister_task_definition(taskDefinition='{arn}')"));
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_ecs_task_definition.t will be created"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert!(state_attr(&d, "aws_ecs_task_definition", "t", "arn").ends_with(&format!("{name}:2")));
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
}

/// A service whose deployments another system drives (the EXTERNAL
/// controller, as CodeDeploy-style tooling uses): created with its
/// controller, planned clean, a new desired count changed in place, and
/// a controller change planned as a replacement (it cannot change).
#[test]
fn an_externally_deployed_service_plans_clean_and_its_controller_forces_a_new_service() {
    let name = format!("ecs-ext-{}", std::process::id());
    let service = |controller: &str, count: u32| {
        format!(
            r#"
resource "aws_ecs_service" "s" {{
  name            = "{name}"
  cluster         = aws_ecs_cluster.c.arn
  task_definition = aws_ecs_task_definition.t.arn
  desired_count   = {count}
  deployment_controller {{
    type = "{controller}"
  }}
}}
"#
        )
    };
    let d = TempDir::with_files("aws-ecs-ext", &[("main.tf", &small(&name, &service("EXTERNAL", 0)))]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    let s = state_json(&d, "aws_ecs_service", "s");
    assert_eq!(s["deployment_controller"][0]["type"], "EXTERNAL", "{s}");
    no_changes(&d);
    std::fs::write(d.path().join("main.tf"), small(&name, &service("EXTERNAL", 2))).unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_ecs_service.s will be updated in-place"), "{plan}");
    std::fs::write(d.path().join("main.tf"), small(&name, &service("ECS", 0))).unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_ecs_service.s must be replaced"), "{plan}");
    assert!(plan.contains(r#"~ type = "EXTERNAL" -> "ECS""#), "{plan}");
    assert!(plan.contains("~ deployment_controller { # forces replacement"), "{plan}");
    std::fs::write(d.path().join("main.tf"), small(&name, &service("EXTERNAL", 0))).unwrap();
    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(remote_service(&name, &name), "INACTIVE");
}
