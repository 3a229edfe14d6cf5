# One team's service, as every team of the SaaS runs it: its own network,
# cluster and load balancer, a stable service and, while a release is
# tried, a canary service beside it taking canary_weight % of the traffic.
# Each team's stack (examples/saas-teams/teams/<team>) calls this module
# with its own state, so a team's plan never touches another team.

locals {
  tags = merge(var.tags, { Team = var.name })
  tracks = merge(
    { stable = { image = var.stable_image, weight = var.canary_image == null ? 100 : 100 - var.canary_weight } },
    var.canary_image == null ? {} : { canary = { image = var.canary_image, weight = var.canary_weight } },
  )
}

module "network" {
  source = "../vpc"

  name               = var.name
  cidr_block         = var.cidr_block
  az_count           = 2
  enable_nat_gateway = true
  single_nat_gateway = true
  tags               = local.tags
}

resource "aws_ecs_cluster" "team" {
  name = var.name
  tags = local.tags
}

module "web" {
  source = "../alb"

  name       = var.name
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.public_subnet_ids
  target_groups = {
    for track, t in local.tracks : track => {
      weight            = t.weight
      port              = var.container_port
      health_check_path = var.health_check_path
    }
  }
  # A user stays on the track they first reached for an hour.
  stickiness_seconds = 3600
  tags               = local.tags
}

module "track" {
  source   = "../ecs-service"
  for_each = local.tracks

  name                            = "${var.name}-${each.key}"
  cluster_arn                     = aws_ecs_cluster.team.arn
  vpc_id                          = module.network.vpc_id
  subnet_ids                      = module.network.private_subnet_ids
  target_group_arn                = module.web.target_group_arns[each.key]
  listener_arn                    = module.web.listener_arn
  load_balancer_security_group_id = module.web.security_group_id
  image                           = each.value.image
  container_port                  = var.container_port
  desired_count                   = each.key == "stable" ? var.desired_count : var.canary_count
  autoscaling                     = each.key == "stable" ? { max_count = var.max_count } : null
  environment                     = merge(var.environment, { TRACK = each.key })
  tags                            = local.tags
}
