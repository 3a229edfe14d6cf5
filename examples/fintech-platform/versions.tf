terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }

  # Partial configuration: bucket, key, region and lock table come from
  # envs/<env>.s3.tfbackend, so each environment has its own state:
  #   strata init -reconfigure -backend-config=envs/prod.s3.tfbackend
  backend "s3" {
    encrypt = true
  }
}
