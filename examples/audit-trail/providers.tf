# Credentials and endpoints come from the environment (AWS_PROFILE,
# AWS_ACCESS_KEY_ID, ...; AWS_ENDPOINT_URL points every service at a local
# emulator such as moto, and is simply left unset on AWS).

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = var.name
      ManagedBy = "strata"
      DataClass = "audit-trail"
    }
  }
}

# The data plane (policies, templates, roles, snapshots). On AWS it is the
# domain's endpoint over HTTPS, every request signed with SigV4: apply the
# domain first, then the rest (see README.md).
provider "opensearch" {
  url               = var.opensearch_url
  sign_aws_requests = var.sign_aws_requests
  aws_region        = var.region
}
