# Credentials and endpoints come from the environment (AWS_PROFILE,
# AWS_ACCESS_KEY_ID, ...; AWS_ENDPOINT_URL points every service at a local
# emulator such as moto, and is simply left unset on AWS).

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = var.name
      Environment = var.environment
      CostCenter  = var.cost_center
      ManagedBy   = "strata"
    }
  }
}
