resource "aws_ecs_cluster" "main" {
  name = "${var.name}-cluster"
  setting {
    name = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }
}

resource "aws_ecs_task_definition" "app" {
  family = var.name
  network_mode = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu = var.cpu
  memory = var.memory
  execution_role_arn = aws_iam_role.execution.arn
  container_definitions = jsonencode([
    {
    name = var.name
      image = "${var.image}:${var.image_tag}"
      essential = true
      portMappings = [
        {
        containerPort = var.container_port
          hostPort = var.container_port
          protocol = "tcp"
        }
      ]
      environment = [for k, v in var.environment: {
        name = k
        value = v
      }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group" = aws_cloudwatch_log_group.app.name
          "awslogs-region" = data.aws_region.current.name
          "awslogs-stream-prefix" = "ecs"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "app" {
  name = var.name
  cluster = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count = var.desired_count
  launch_type = "FARGATE"

  network_configuration {
    subnets = var.private_subnet_ids
    security_groups = [aws_security_group.service.id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = var.target_group_arn == null ? [] : [var.target_group_arn]
    content {
      target_group_arn = load_balancer.value
      container_name = var.name
      container_port = var.container_port
    }
  }

  lifecycle {
    ignore_changes = [desired_count]
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "inline" {
  role = aws_iam_role.execution.id
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "${aws_cloudwatch_log_group.app.arn}"}]
    }
  EOT
}
