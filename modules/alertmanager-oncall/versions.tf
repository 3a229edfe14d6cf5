terraform {
  required_version = ">= 1.6"

  required_providers {
    alertmanager = {
      source = "strata/alertmanager"
    }
  }
}
