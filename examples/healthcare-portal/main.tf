# A patient portal on ECS Fargate, released blue/green through the load
# balancer's weights, with a rollback alarm at 1 % errors and a deployment
# audit trail: every deployment's saved plan is archived, with its JSON
# rendering, in an Object Lock bucket (scripts/archive-plan.sh), and
# recorded in a log group kept for years.

data "aws_caller_identity" "current" {}

module "network" {
  source = "../../modules/vpc"

  name               = var.name
  cidr_block         = "10.80.0.0/16"
  az_count           = 2
  enable_nat_gateway = true
  single_nat_gateway = true
}

resource "aws_ecs_cluster" "main" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

# ---- load balancer and the two colors ---------------------------------------------

module "web" {
  source = "../../modules/alb"

  name       = var.name
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.public_subnet_ids
  target_groups = {
    for color, c in var.colors : color => { weight = c.weight, port = 8080, health_check_path = "/health" }
  }
  # A patient stays on one version for the length of a session.
  stickiness_seconds = 3600
}

module "color" {
  source   = "../../modules/ecs-service"
  for_each = var.colors

  name                            = "${var.name}-${each.key}"
  cluster_arn                     = aws_ecs_cluster.main.arn
  vpc_id                          = module.network.vpc_id
  subnet_ids                      = module.network.private_subnet_ids
  target_group_arn                = module.web.target_group_arns[each.key]
  listener_arn                    = module.web.listener_arn
  load_balancer_security_group_id = module.web.security_group_id
  image                           = each.value.image
  container_port                  = 8080
  cpu                             = 512
  memory                          = 1024
  desired_count                   = var.desired_count
  autoscaling                     = { max_count = var.max_count }
  log_retention_days              = var.app_log_retention_days
  environment                     = { COLOR = each.key, PORT = "8080" }
}

# ---- the rollback alarm ---------------------------------------------------------

resource "aws_sns_topic" "rollback" {
  name = "${var.name}-rollback"
}

# 5XX responses (the load balancer's own and the targets') above
# error_rate_threshold % of requests for two of three minutes: roll back by
# re-applying the previous tfvars (the weights back to the old color).
resource "aws_cloudwatch_metric_alarm" "error_rate" {
  alarm_name          = "${var.name}-5xx-rate"
  alarm_description   = "5XX above ${var.error_rate_threshold} % of requests: roll back by re-applying the previous tfvars"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = var.error_rate_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.rollback.arn]
  ok_actions          = [aws_sns_topic.rollback.arn]

  metric_query {
    id          = "rate"
    expression  = "100 * (target_errors + elb_errors) / requests"
    label       = "5XX rate (%)"
    return_data = true
  }

  metric_query {
    id = "target_errors"
    metric {
      metric_name = "HTTPCode_Target_5XX_Count"
      namespace   = "AWS/ApplicationELB"
      period      = 60
      stat        = "Sum"
      dimensions  = { LoadBalancer = module.web.arn_suffix }
    }
  }

  metric_query {
    id = "elb_errors"
    metric {
      metric_name = "HTTPCode_ELB_5XX_Count"
      namespace   = "AWS/ApplicationELB"
      period      = 60
      stat        = "Sum"
      dimensions  = { LoadBalancer = module.web.arn_suffix }
    }
  }

  metric_query {
    id = "requests"
    metric {
      metric_name = "RequestCount"
      namespace   = "AWS/ApplicationELB"
      period      = 60
      stat        = "Sum"
      dimensions  = { LoadBalancer = module.web.arn_suffix }
    }
  }
}

# ---- deployment audit trail -----------------------------------------------------

# Who deployed what, when: scripts/archive-plan.sh writes one event per
# archived plan (its S3 key, its SHA-256 and the caller).
resource "aws_cloudwatch_log_group" "audit" {
  name              = "/audit/${var.name}/deployments"
  retention_in_days = var.audit_log_retention_days
}

# The saved plans, write once: versioned, Object Lock with a default
# retention, private, encrypted.
resource "aws_s3_bucket" "plans" {
  bucket              = "${var.name}-plans-${data.aws_caller_identity.current.account_id}"
  object_lock_enabled = true
  force_destroy       = var.plan_archive_force_destroy
}

resource "aws_s3_bucket_versioning" "plans" {
  bucket = aws_s3_bucket.plans.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_object_lock_configuration" "plans" {
  bucket = aws_s3_bucket.plans.id
  rule {
    default_retention {
      mode = var.plan_archive_lock_mode
      days = var.plan_archive_retention_days
    }
  }
  depends_on = [aws_s3_bucket_versioning.plans]
}

resource "aws_s3_bucket_public_access_block" "plans" {
  bucket                  = aws_s3_bucket.plans.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "plans" {
  bucket = aws_s3_bucket.plans.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
