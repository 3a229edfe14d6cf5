terraform {
  required_version = ">= 1.6"

  required_providers {
    prometheus = {
      source = "strata/prometheus"
    }
    alertmanager = {
      source = "strata/alertmanager"
    }
  }
}
