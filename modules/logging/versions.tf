terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    # Configured by the caller with the domain's endpoint (see README.md).
    opensearch = {
      source = "opensearch-project/opensearch"
    }
  }
}
