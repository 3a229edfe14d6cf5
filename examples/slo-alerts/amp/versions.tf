terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    # modules/prometheus-slo's; with `prometheus = false` it writes no file
    # and needs no server (only promtool, for the self test).
    prometheus = {
      source = "strata/prometheus"
    }
  }
}
