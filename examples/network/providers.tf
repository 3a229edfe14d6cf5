# Credentials and endpoints come from the environment (AWS_PROFILE,
# AWS_ACCESS_KEY_ID, ...; AWS_ENDPOINT_URL points every service at a local
# emulator such as moto, and is simply left unset on AWS).

provider "aws" {
  region = var.region

  default_tags {
    tags = local.default_tags
  }
}

# The standby region, used only when enable_standby is true.
provider "aws" {
  alias  = "standby"
  region = var.standby_region

  default_tags {
    tags = merge(local.default_tags, { Role = "standby" })
  }
}
