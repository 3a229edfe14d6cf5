# Warm standby in a second region: the same modules (vpc, alb,
# ecs-service, rds-postgres, iam) applied in the primary region and,
# through the `aws.standby` provider, in the standby region. The standby
# database is a cross-region read replica of the primary one; the standby
# service runs the same image against it. scripts/drill.sh rehearses the
# whole thing: apply, check, destroy.

locals {
  primary = var.name
  standby = "${var.name}-dr"
  # One identifier for the database in both regions: a failover changes
  # the region the application connects to, nothing else.
  db_identifier = "${var.name}-db"
}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

# ---- primary region -------------------------------------------------

module "network" {
  source = "../../modules/vpc"

  name               = local.primary
  cidr_block         = "10.50.0.0/16"
  enable_nat_gateway = true
  single_nat_gateway = true
}

resource "aws_ecs_cluster" "primary" {
  name = local.primary
}

module "web" {
  source = "../../modules/alb"

  name          = local.primary
  vpc_id        = module.network.vpc_id
  subnet_ids    = module.network.public_subnet_ids
  target_groups = { app = { weight = 100, port = 80 } }
}

resource "aws_security_group" "db_clients" {
  name        = "${local.primary}-db-clients"
  description = "Members may connect to the database"
  vpc_id      = module.network.vpc_id

  egress {
    description = "Anywhere"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = { Name = "${local.primary}-db-clients" }
}

module "db" {
  source = "../../modules/rds-postgres"

  name                       = local.db_identifier
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  allowed_security_group_ids = [aws_security_group.db_clients.id]
  instance_class             = var.db_instance_class
  backup_retention_period    = 7 # a replica's source needs backups
  deletion_protection        = var.db_deletion_protection
  skip_final_snapshot        = true
}

module "roles" {
  source = "../../modules/iam"

  name           = "${local.primary}-app"
  log_group_arns = ["arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:/ecs/${local.primary}-app"]
  task_statements = [{
    sid       = "ReadDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.db.master_user_secret_arn]
  }]
}

module "app" {
  source = "../../modules/ecs-service"

  name                            = "${local.primary}-app"
  cluster_arn                     = aws_ecs_cluster.primary.arn
  vpc_id                          = module.network.vpc_id
  subnet_ids                      = module.network.private_subnet_ids
  load_balancer_security_group_id = module.web.security_group_id
  security_group_ids              = [aws_security_group.db_clients.id]
  target_group_arn                = module.web.target_group_arns["app"]
  listener_arn                    = module.web.listener_arn
  execution_role_arn              = module.roles.execution_role_arn
  task_role_arn                   = module.roles.task_role_arn
  image                           = var.image
  container_port                  = 80
  desired_count                   = var.desired_count
  environment = {
    REGION        = var.region
    DB_HOST       = module.db.address
    DB_SECRET_ARN = module.db.master_user_secret_arn
  }
}

# ---- standby region -------------------------------------------------

module "standby_network" {
  source    = "../../modules/vpc"
  providers = { aws = aws.standby }

  name               = local.standby
  cidr_block         = "10.150.0.0/16"
  enable_nat_gateway = true
  single_nat_gateway = true
}

resource "aws_ecs_cluster" "standby" {
  provider = aws.standby

  name = local.standby
}

module "standby_web" {
  source    = "../../modules/alb"
  providers = { aws = aws.standby }

  name          = local.standby
  vpc_id        = module.standby_network.vpc_id
  subnet_ids    = module.standby_network.public_subnet_ids
  target_groups = { app = { weight = 100, port = 80 } }
}

resource "aws_security_group" "standby_db_clients" {
  provider = aws.standby

  name        = "${local.standby}-db-clients"
  description = "Members may connect to the database replica"
  vpc_id      = module.standby_network.vpc_id

  egress {
    description = "Anywhere"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = { Name = "${local.standby}-db-clients" }
}

module "standby_db" {
  source    = "../../modules/rds-postgres"
  providers = { aws = aws.standby }

  name                       = local.db_identifier
  vpc_id                     = module.standby_network.vpc_id
  subnet_ids                 = module.standby_network.private_subnet_ids
  allowed_security_group_ids = [aws_security_group.standby_db_clients.id]
  instance_class             = var.db_instance_class
  replicate_source_db        = module.db.arn # an ARN: the source is in another region
  kms_key_id                 = var.standby_kms_key_id
  backup_retention_period    = 7 # so it can take writes and backups once promoted
  deletion_protection        = var.db_deletion_protection
  skip_final_snapshot        = true
}

# IAM is global: the standby's roles have names of their own.
module "standby_roles" {
  source    = "../../modules/iam"
  providers = { aws = aws.standby }

  name           = "${local.standby}-app"
  log_group_arns = ["arn:${data.aws_partition.current.partition}:logs:${var.standby_region}:${data.aws_caller_identity.current.account_id}:log-group:/ecs/${local.standby}-app"]
  task_statements = [{
    sid       = "ReadDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.db.master_user_secret_arn]
  }]
}

module "standby_app" {
  source    = "../../modules/ecs-service"
  providers = { aws = aws.standby }

  name                            = "${local.standby}-app"
  cluster_arn                     = aws_ecs_cluster.standby.arn
  vpc_id                          = module.standby_network.vpc_id
  subnet_ids                      = module.standby_network.private_subnet_ids
  load_balancer_security_group_id = module.standby_web.security_group_id
  security_group_ids              = [aws_security_group.standby_db_clients.id]
  target_group_arn                = module.standby_web.target_group_arns["app"]
  listener_arn                    = module.standby_web.listener_arn
  execution_role_arn              = module.standby_roles.execution_role_arn
  task_role_arn                   = module.standby_roles.task_role_arn
  image                           = var.image
  container_port                  = 80
  desired_count                   = var.standby_desired_count
  environment = {
    REGION        = var.standby_region
    DB_HOST       = module.standby_db.address
    DB_READ_ONLY  = "true" # until the replica is promoted
    DB_SECRET_ARN = module.db.master_user_secret_arn
  }
}
