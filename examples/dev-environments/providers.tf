# Credentials and endpoints come from the environment (AWS_PROFILE,
# AWS_ACCESS_KEY_ID, ...; AWS_ENDPOINT_URL points every service at a local
# emulator such as moto, and is simply left unset on AWS).

provider "aws" {
  region = var.region

  # Cost allocation: activate these as cost allocation tags in Billing to
  # see each developer's environment (owner) and the project's total.
  default_tags {
    tags = {
      owner       = terraform.workspace
      project     = var.project
      cost-center = var.cost_center
      environment = "development"
      managed-by  = "strata"
    }
  }
}
