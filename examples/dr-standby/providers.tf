# Credentials and endpoints come from the environment (AWS_PROFILE,
# AWS_ACCESS_KEY_ID, ...; AWS_ENDPOINT_URL points every service at a local
# emulator such as moto, and is simply left unset on AWS).

# The primary region: where the service takes traffic and the database
# takes writes.
provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = var.name
      Role      = "primary"
      ManagedBy = "strata"
    }
  }
}

# The standby region: a warm copy of the service and a read replica of the
# database, ready to be promoted.
provider "aws" {
  alias  = "standby"
  region = var.standby_region

  default_tags {
    tags = {
      Project   = var.name
      Role      = "standby"
      ManagedBy = "strata"
    }
  }
}
