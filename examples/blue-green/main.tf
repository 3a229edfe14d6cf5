# A container service behind an application load balancer, deployed
# blue/green: each color is its own ECS service and target group, and the
# listener's forward weights decide which one takes the traffic. Moving
# the weights (envs/2-switch.tfvars) changes the listener alone: nothing
# is replaced, and rolling back is re-applying the previous file.

locals {
  port = 8080
}

module "network" {
  source = "../../modules/vpc"

  name       = var.name
  cidr_block = "10.60.0.0/16"
  az_count   = 2
}

# ---- load balancer ------------------------------------------------------------

resource "aws_lb" "web" {
  name               = var.name
  load_balancer_type = "application"
  security_groups    = [module.network.web_security_group_id]
  subnets            = module.network.public_subnet_ids
  idle_timeout       = 60
}

resource "aws_lb_target_group" "color" {
  for_each = var.colors

  name                 = "${var.name}-${each.key}"
  port                 = local.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = module.network.vpc_id
  deregistration_delay = 30

  health_check {
    path     = "/"
    matcher  = "200-399"
    interval = 15
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "forward"

    forward {
      dynamic "target_group" {
        for_each = var.colors
        content {
          arn    = aws_lb_target_group.color[target_group.key].arn
          weight = target_group.value.weight
        }
      }
    }
  }
}

# ---- services -------------------------------------------------------------------

resource "aws_ecs_cluster" "main" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "web" {
  name              = "/ecs/${var.name}"
  retention_in_days = 30
}

data "aws_iam_policy_document" "tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-task-execution"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json
}

data "aws_iam_policy_document" "execution" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.web.arn}:*"]
  }
  statement {
    actions   = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "logs-and-images"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_ecs_task_definition" "color" {
  for_each = var.colors

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.execution.arn

  container_definitions = jsonencode([{
    name         = "web"
    image        = each.value.image
    essential    = true
    portMappings = [{ containerPort = local.port }]
    environment = [
      { name = "COLOR", value = each.key },
      { name = "PORT", value = tostring(local.port) },
    ]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.web.name
        awslogs-region        = var.region
        awslogs-stream-prefix = each.key
      }
    }
  }])
}

resource "aws_ecs_service" "color" {
  for_each = var.colors

  name            = "${var.name}-${each.key}"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.color[each.key].arn
  desired_count   = var.desired_count
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = module.network.private_subnet_ids
    security_groups = [module.network.internal_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.color[each.key].arn
    container_name   = "web"
    container_port   = local.port
  }

  # A deploy that does not become healthy rolls back by itself.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # Scaling changes the desired count; the plan leaves it alone.
  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener.http]
}

resource "aws_appautoscaling_target" "color" {
  for_each = var.colors

  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.color[each.key].name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.desired_count
  max_capacity       = var.max_count
}

resource "aws_appautoscaling_policy" "cpu" {
  for_each = var.colors

  name               = "${var.name}-${each.key}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.color[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.color[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.color[each.key].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# ---- the rollback trigger -----------------------------------------------------

# Target 5XX responses above error_rate_threshold % of requests for two of
# three minutes: the signal to re-apply the previous variables.
resource "aws_cloudwatch_metric_alarm" "error_rate" {
  alarm_name          = "${var.name}-5xx-rate"
  alarm_description   = "Target 5XX above ${var.error_rate_threshold} % of requests: roll back by re-applying the previous tfvars"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = var.error_rate_threshold
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "rate"
    expression  = "100 * errors / requests"
    label       = "5XX rate (%)"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      metric_name = "HTTPCode_Target_5XX_Count"
      namespace   = "AWS/ApplicationELB"
      period      = 60
      stat        = "Sum"
      dimensions  = { LoadBalancer = aws_lb.web.arn_suffix }
    }
  }

  metric_query {
    id = "requests"
    metric {
      metric_name = "RequestCount"
      namespace   = "AWS/ApplicationELB"
      period      = 60
      stat        = "Sum"
      dimensions  = { LoadBalancer = aws_lb.web.arn_suffix }
    }
  }
}
