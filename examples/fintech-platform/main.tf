# A payments API per environment: a VPC, an ECS Fargate service behind an
# application load balancer, a PostgreSQL database whose master password
# lives in Secrets Manager, and least-privilege IAM roles. Each
# environment has its own tfvars (envs/<env>.tfvars) and its own state in
# S3 with a DynamoDB lock (envs/<env>.s3.tfbackend).

locals {
  name = "${var.name}-${var.environment}"
  api  = "${local.name}-api"
  # modules/ecs-service names the API's log group /ecs/<service name>; the
  # ARN is built here so the roles do not wait on the service they serve.
  api_log_group_arn = "arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:/ecs/${local.api}"
}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

module "network" {
  source = "../../modules/vpc"

  name               = local.name
  cidr_block         = var.vpc_cidr
  az_count           = var.az_count
  enable_nat_gateway = true
  single_nat_gateway = var.single_nat_gateway
}

resource "aws_ecs_cluster" "main" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

module "web" {
  source = "../../modules/alb"

  name          = local.name
  vpc_id        = module.network.vpc_id
  subnet_ids    = module.network.public_subnet_ids
  target_groups = { api = { weight = 100, port = 80 } }
}

module "roles" {
  source = "../../modules/iam"

  name           = local.api
  log_group_arns = [local.api_log_group_arn]
  # The application reads the database credentials itself, at start.
  task_statements = [{
    sid       = "ReadDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.db.master_user_secret_arn]
  }]
}

module "api" {
  source = "../../modules/ecs-service"

  name                            = local.api
  cluster_arn                     = aws_ecs_cluster.main.arn
  vpc_id                          = module.network.vpc_id
  subnet_ids                      = module.network.private_subnet_ids
  load_balancer_security_group_id = module.web.security_group_id
  target_group_arn                = module.web.target_group_arns["api"]
  listener_arn                    = module.web.listener_arn
  security_group_ids              = [aws_security_group.db_clients.id]
  execution_role_arn              = module.roles.execution_role_arn
  task_role_arn                   = module.roles.task_role_arn
  image                           = var.image
  container_port                  = 80
  desired_count                   = var.desired_count
  autoscaling                     = var.max_count > var.desired_count ? { max_count = var.max_count } : null
  log_retention_days              = var.log_retention_days
  environment = {
    ENVIRONMENT   = var.environment
    DB_HOST       = module.db.address
    DB_PORT       = tostring(module.db.port)
    DB_NAME       = module.db.db_name
    DB_SECRET_ARN = module.db.master_user_secret_arn
  }
}

# Membership in this group is what lets a task reach the database; it has
# no rules of its own.
resource "aws_security_group" "db_clients" {
  name        = "${local.name}-db-clients"
  description = "Members may connect to the database"
  vpc_id      = module.network.vpc_id

  egress {
    description = "Anywhere"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = { Name = "${local.name}-db-clients" }
}

module "db" {
  source = "../../modules/rds-postgres"

  name                       = "${local.name}-db"
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  allowed_security_group_ids = [aws_security_group.db_clients.id]
  instance_class             = var.db_instance_class
  multi_az                   = var.db_multi_az
  db_name                    = "payments"
  backup_retention_period    = var.db_backup_retention_days
  deletion_protection        = var.db_deletion_protection
  # Only prod keeps a final snapshot; dev and staging are rebuilt freely.
  skip_final_snapshot = var.environment != "prod"
}
