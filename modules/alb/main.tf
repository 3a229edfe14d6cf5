# An application load balancer, its security group, one target group per
# entry of target_groups and an HTTP listener whose default action
# forwards to them by weight. Services (modules/ecs-service) register in
# the target group they are given: a new version is a new entry here and
# a new service, and moving traffic is moving weights.
#
# The target groups live here rather than with the services so that the
# services can depend on this module (its listener must exist before ECS
# accepts a target group) without this module depending on them.

resource "aws_security_group" "this" {
  name        = "${var.name}-alb"
  description = "HTTP to the load balancer"
  vpc_id      = var.vpc_id

  ingress {
    description = "HTTP"
    from_port   = var.listener_port
    to_port     = var.listener_port
    protocol    = "tcp"
    cidr_blocks = var.ingress_cidrs
  }

  egress {
    description = "To the targets"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge(var.tags, { Name = "${var.name}-alb" })
}

resource "aws_lb" "this" {
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = var.internal
  security_groups            = [aws_security_group.this.id]
  subnets                    = var.subnet_ids
  idle_timeout               = var.idle_timeout
  enable_deletion_protection = var.deletion_protection

  dynamic "access_logs" {
    for_each = var.access_logs_bucket == null ? [] : [var.access_logs_bucket]
    content {
      bucket  = access_logs.value
      prefix  = var.access_logs_prefix
      enabled = true
    }
  }

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_lb_target_group" "this" {
  for_each = var.target_groups

  name                 = "${var.name}-${each.key}"
  port                 = each.value.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = each.value.deregistration_delay

  health_check {
    path     = each.value.health_check_path
    matcher  = each.value.health_check_matcher
    interval = 15
  }

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })

  lifecycle {
    precondition {
      condition     = length("${var.name}-${each.key}") <= 32
      error_message = "The target group name ${var.name}-${each.key} is longer than 32 characters: shorten name or the key."
    }
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = var.listener_port
  protocol          = "HTTP"

  default_action {
    type = "forward"

    forward {
      dynamic "target_group" {
        for_each = var.target_groups
        content {
          arn    = aws_lb_target_group.this[target_group.key].arn
          weight = target_group.value.weight
        }
      }

      dynamic "stickiness" {
        for_each = var.stickiness_seconds > 0 ? [var.stickiness_seconds] : []
        content {
          enabled  = true
          duration = stickiness.value
        }
      }
    }
  }

  tags = var.tags
}
