variable "environment" {
  type = string
}

variable "services" {
  type = list(string)
}

variable "prefix" {
  type    = string
  default = "strata"
}

output "names" {
  value = { for s in var.services : s => "${var.prefix}-${var.environment}-${s}" }
}
