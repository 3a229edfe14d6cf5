terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    # the rule modules'; with `prometheus = false` they write no file
    # and need no server.
    prometheus = {
      source = "strata/prometheus"
    }
  }
}
