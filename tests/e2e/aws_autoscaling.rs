//! Application Auto Scaling for an ECS service against moto: a scalable
//! target (the service's desired count between 2 and 10), a
//! target-tracking policy on average CPU, and a step policy that a
//! CloudWatch alarm triggers. Bounds and targets change in place; drift
//! (bounds changed by hand, a policy deleted), import by the provider's
//! IDs and destroy complete the round.
//!
//! moto checks that the ECS service exists; the test makes it with boto3
//! (the ECS resources are tested on their own). moto serves no tagging
//! calls for this service, so tags are only sent, not read back.

use crate::aws_support::*;
use crate::moto::aws;
use crate::support::*;

const REGION: &str = "us-east-2";

fn config(cluster: &str, max: u32, target: u32) -> String {
    format!(
        r#"{provider}
resource "aws_appautoscaling_target" "web" {{
  service_namespace  = "ecs"
  resource_id        = "service/{cluster}/web"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 2
  max_capacity       = {max}
  tags               = {{ Team = "web" }}
}}

resource "aws_appautoscaling_policy" "cpu" {{
  name               = "{cluster}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension

  target_tracking_scaling_policy_configuration {{
    target_value       = {target}
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {{
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }}
  }}
}}

resource "aws_appautoscaling_policy" "burst" {{
  name               = "{cluster}-burst"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension

  step_scaling_policy_configuration {{
    adjustment_type = "ChangeInCapacity"
    cooldown        = 60
    step_adjustment {{
      metric_interval_lower_bound = 0
      metric_interval_upper_bound = 20
      scaling_adjustment          = 1
    }}
    step_adjustment {{
      metric_interval_lower_bound = 20
      scaling_adjustment          = 3
    }}
  }}
}}

resource "aws_cloudwatch_metric_alarm" "burst" {{
  alarm_name          = "{cluster}-requests-burst"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "RequestCountPerTarget"
  namespace           = "AWS/ApplicationELB"
  period              = 60
  statistic           = "Sum"
  threshold           = 1000
  alarm_actions       = [aws_appautoscaling_policy.burst.arn]
}}
"#,
        provider = provider_block(None, REGION, "")
    )
}

fn autoscaling(script: &str) -> String {
    aws(&format!(
        "aas = boto3.client('application-autoscaling', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\necs = boto3.client('ecs', endpoint_url=ec2.meta.endpoint_url, region_name='{REGION}')\n{script}"
    ))
}

fn remote_bounds(cluster: &str) -> String {
    autoscaling(&format!(
        "t = aas.describe_scalable_targets(ServiceNamespace='ecs', ResourceIds=['service/{cluster}/web'])['ScalableTargets']\nprint(f\"{{t[0]['MinCapacity']}}-{{t[0]['MaxCapacity']}}\" if t else 'gone')"
    ))
    .trim()
    .to_string()
}

fn policies(cluster: &str) -> String {
    autoscaling(&format!(
        "p = aas.describe_scaling_policies(ServiceNamespace='ecs', ResourceId='service/{cluster}/web')['ScalingPolicies']\nprint(' '.join(sorted(x['PolicyName'] for x in p)))"
    ))
    .trim()
    .to_string()
}

#[test]
fn an_ecs_service_scales_between_bounds_by_policies_drifts_imports_and_destroys() {
    let cluster = format!("scale{}", std::process::id());
    autoscaling(&format!(
        "ecs.create_cluster(clusterName='{cluster}')\n\
         ecs.register_task_definition(family='{cluster}', containerDefinitions=[{{'name': 'web', 'image': 'nginx', 'memory': 256}}])\n\
         ecs.create_service(cluster='{cluster}', serviceName='web', taskDefinition='{cluster}', desiredCount=2)"
    ));
    let d = TempDir::with_files("aws-autoscaling", &[("main.tf", &config(&cluster, 10, 60))]);
    strata_ok(&d, &["validate", "-no-color"]);
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_bounds(&cluster), "2-10");
    assert_eq!(policies(&cluster), format!("{cluster}-burst {cluster}-cpu"));
    assert_eq!(state_id(&d, "aws_appautoscaling_target", "web"), format!("service/{cluster}/web"));
    let burst = state_json(&d, "aws_appautoscaling_policy", "burst");
    assert_eq!(burst["policy_type"], "StepScaling", "the default type: {burst}");
    let steps = &burst["step_scaling_policy_configuration"][0]["step_adjustment"];
    assert!(
        steps
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["metric_interval_upper_bound"] == "" && s["scaling_adjustment"] == 3),
        "{steps}"
    );
    let arn = burst["arn"].as_str().unwrap().to_string();
    assert_eq!(state_json(&d, "aws_cloudwatch_metric_alarm", "burst")["alarm_actions"], serde_json::json!([arn]));
    no_changes(&d);

    // New bounds and a new CPU target: both in place.
    std::fs::write(d.path().join("main.tf"), config(&cluster, 20, 50)).unwrap();
    let plan = planned_changes(&d);
    assert!(plan.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{plan}");
    assert!(plan.contains("max_capacity       = 10 -> 20") || plan.contains("max_capacity = 10 -> 20"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_bounds(&cluster), "2-20");
    no_changes(&d);

    // Drift: the bounds changed by hand, the step policy deleted.
    autoscaling(&format!(
        "aas.register_scalable_target(ServiceNamespace='ecs', ResourceId='service/{cluster}/web', ScalableDimension='ecs:service:DesiredCount', MinCapacity=1, MaxCapacity=4)\n\
         aas.delete_scaling_policy(PolicyName='{cluster}-burst', ServiceNamespace='ecs', ResourceId='service/{cluster}/web', ScalableDimension='ecs:service:DesiredCount')"
    ));
    let drift = strata(&d, &["drift", "-no-color"]);
    assert_eq!(drift.code, 2, "drift is reported:\n{}", drift.transcript());
    let plan = planned_changes(&d);
    assert!(plan.contains("aws_appautoscaling_target.web will be updated in-place"), "{plan}");
    assert!(plan.contains("aws_appautoscaling_policy.burst will be created"), "{plan}");
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(remote_bounds(&cluster), "2-20");
    no_changes(&d);

    // Import by the provider's IDs.
    strata_ok(&d, &["state", "rm", "aws_appautoscaling_target.web", "aws_appautoscaling_policy.cpu"]);
    let target_id = format!("ecs/service/{cluster}/web/ecs:service:DesiredCount");
    strata_ok(&d, &["import", "-no-color", "aws_appautoscaling_target.web", &target_id]);
    strata_ok(&d, &["import", "-no-color", "aws_appautoscaling_policy.cpu", &format!("{target_id}/{cluster}-cpu")]);
    let imported = state_json(&d, "aws_appautoscaling_target", "web");
    assert_eq!(imported["max_capacity"], 20, "{imported}");
    // moto cannot list this service's tags: the import does not know them.
    strata_ok(&d, &["apply", "-auto-approve", "-no-color"]);
    no_changes(&d);

    strata_ok(&d, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(remote_bounds(&cluster), "gone");
    assert_eq!(policies(&cluster), "");
}

#[test]
fn scaling_arguments_aws_refuses_are_refused_at_validate() {
    let config = format!(
        r#"{provider}
resource "aws_appautoscaling_target" "bad" {{
  service_namespace  = "ecs"
  resource_id        = "cluster/web"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 5
  max_capacity       = 2
}}

resource "aws_appautoscaling_policy" "bad" {{
  name               = "bad"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = "ecs"
  resource_id        = "service/c/web"
  scalable_dimension = "ecs:service:DesiredCount"
  target_tracking_scaling_policy_configuration {{
    target_value = 50
  }}
}}
"#,
        provider = provider_block(None, REGION, "")
    );
    let d = TempDir::with_files("aws-autoscaling-bad", &[("main.tf", &config)]);
    let out = strata(&d, &["validate", "-no-color"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    for needle in ["service/<cluster name>/<service name>", "min_capacity (5)", "predefined_metric_specification"] {
        assert!(out.stderr.contains(needle), "{needle}:\n{}", out.stderr);
    }
}
