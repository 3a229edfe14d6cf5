# One Fargate service behind a load balancer (in the target group it is
# given, such as one of modules/alb's): its task definition, its log group, the tasks' security group, the execution
# role (unless given) and, optionally, CPU target-tracking scaling.
#
# A new image replaces the task definition (a new revision, made before
# the old one is deregistered) and updates the service in place; ECS rolls
# the tasks, and the circuit breaker rolls back a deployment that never
# becomes healthy.

data "aws_region" "current" {}

locals {
  cluster_name = element(split("/", var.cluster_arn), 1)
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_security_group" "tasks" {
  name        = "${var.name}-tasks"
  description = "The container port from the load balancer"
  vpc_id      = var.vpc_id

  ingress {
    description     = "The load balancer"
    from_port       = var.container_port
    to_port         = var.container_port
    protocol        = "tcp"
    security_groups = [var.load_balancer_security_group_id]
  }

  egress {
    description = "Anywhere (images, APIs)"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge(var.tags, { Name = "${var.name}-tasks" })
}

# ---- execution role (unless given) ----------------------------------------------

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
  count = var.execution_role_arn == null ? 1 : 0

  name               = "${var.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
  statement {
    actions   = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  count = var.execution_role_arn == null ? 1 : 0

  name   = "logs-and-images"
  role   = aws_iam_role.execution[0].id
  policy = data.aws_iam_policy_document.execution.json
}

locals {
  execution_role_arn = var.execution_role_arn == null ? aws_iam_role.execution[0].arn : var.execution_role_arn
}

# ---- task definition and service ------------------------------------------------

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.cpu)
  memory                   = tostring(var.memory)
  execution_role_arn       = local.execution_role_arn
  task_role_arn            = var.task_role_arn

  container_definitions = jsonencode([{
    name         = var.container_name
    image        = var.image
    essential    = true
    portMappings = [{ containerPort = var.container_port }]
    environment  = [for k in sort(keys(var.environment)) : { name = k, value = var.environment[k] }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = data.aws_region.current.region
        awslogs-stream-prefix = var.container_name
      }
    }
  }])

  tags = var.tags

  # The service moves to the new revision before the old one goes.
  lifecycle {
    create_before_destroy = true
  }
}

# Orders the service after the listener that forwards to its target group
# (ECS refuses a target group no load balancer uses).
resource "terraform_data" "listener" {
  input = var.listener_arn
}

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = var.cluster_arn
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = var.desired_count
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = concat([aws_security_group.tasks.id], var.security_group_ids)
    assign_public_ip = var.assign_public_ip
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = var.container_name
    container_port   = var.container_port
  }

  # A deployment that does not become healthy rolls back by itself.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = var.tags

  # Scaling changes the desired count; the plan leaves it alone.
  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [terraform_data.listener]
}

# ---- autoscaling (optional) -----------------------------------------------------

resource "aws_appautoscaling_target" "this" {
  count = var.autoscaling == null ? 0 : 1

  service_namespace  = "ecs"
  resource_id        = "service/${local.cluster_name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.desired_count
  max_capacity       = var.autoscaling.max_count

  lifecycle {
    precondition {
      condition     = var.autoscaling.max_count >= var.desired_count
      error_message = "autoscaling.max_count must be at least desired_count."
    }
  }
}

resource "aws_appautoscaling_policy" "cpu" {
  count = var.autoscaling == null ? 0 : 1

  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value = var.autoscaling.cpu_target
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
