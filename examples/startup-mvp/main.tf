# The smallest production-shaped container app: a VPC, one Fargate service
# and an application load balancer in front of it. One command deploys it
# (strata apply -var-file=envs/dev.tfvars); a new image is a new
# task-definition revision and a rolling update of the service, and a
# rollback is the same command with the previous image.

module "network" {
  source = "../../modules/vpc"

  name       = var.name
  cidr_block = "10.70.0.0/16"
  az_count   = 2
}

resource "aws_ecs_cluster" "main" {
  name = var.name
}

module "web" {
  source = "../../modules/alb"

  name          = var.name
  vpc_id        = module.network.vpc_id
  subnet_ids    = module.network.public_subnet_ids
  target_groups = { app = { weight = 100, port = 80 } }
}

module "app" {
  source = "../../modules/ecs-service"

  name                            = "${var.name}-app"
  cluster_arn                     = aws_ecs_cluster.main.arn
  vpc_id                          = module.network.vpc_id
  subnet_ids                      = module.network.public_subnet_ids
  assign_public_ip                = true # no NAT gateway: the tasks pull images over their public address
  target_group_arn                = module.web.target_group_arns["app"]
  load_balancer_security_group_id = module.web.security_group_id
  listener_arn                    = module.web.listener_arn
  image                           = var.image
  container_port                  = 80
  desired_count                   = var.desired_count
  log_retention_days              = var.log_retention_days
  autoscaling                     = var.max_count > 0 ? { max_count = var.max_count } : null
  environment                     = { APP_NAME = var.name }
}
