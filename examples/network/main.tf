# One network per environment (dev, staging, prod: see envs/), and in prod a
# standby copy in a second region.

locals {
  name = "${var.project}-${var.environment}"

  default_tags = {
    Project     = var.project
    Environment = var.environment
    Owner       = var.owner
    ManagedBy   = "strata"
  }
}

module "network" {
  source = "../../modules/vpc"

  name               = local.name
  cidr_block         = var.vpc_cidr
  az_count           = var.az_count
  enable_nat_gateway = var.enable_nat_gateway
  single_nat_gateway = var.single_nat_gateway
  web_ingress_cidrs  = var.web_ingress_cidrs
  tags               = { Network = "primary" }
}

module "standby" {
  source = "../../modules/vpc"
  count  = var.enable_standby ? 1 : 0

  providers = {
    aws = aws.standby
  }

  name               = "${local.name}-standby"
  cidr_block         = var.standby_vpc_cidr
  az_count           = var.az_count
  enable_nat_gateway = var.enable_nat_gateway
  single_nat_gateway = true
  web_ingress_cidrs  = var.web_ingress_cidrs
  tags               = { Network = "standby" }
}
