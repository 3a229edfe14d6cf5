# An offline quick start: variables, locals, a child module, resources of
# the built-in terraform_data provider, and outputs. `strata apply` plans
# and applies it, recording everything in terraform.tfstate.

terraform {
  required_version = ">= 1.5"
}

variable "environment" {
  type        = string
  description = "Deployment environment."
  default     = "dev"

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "services" {
  description = "Services to run, with their sizing."
  type = map(object({
    cpu      = number
    memory   = optional(number, 512)
    replicas = optional(number, 1)
  }))
  default = {
    api    = { cpu = 256, replicas = 2 }
    worker = { cpu = 512, memory = 1024 }
  }
}

locals {
  vpc_cidr     = "10.42.0.0/16"
  total_cpu    = sum([for s in var.services : s.cpu * s.replicas])
  service_list = sort(keys(var.services))
  summary = join("\n", [
    for name in local.service_list :
    "${name}: ${var.services[name].replicas} x ${var.services[name].cpu} CPU"
  ])
}

module "naming" {
  source      = "./modules/naming"
  environment = var.environment
  services    = local.service_list
}

# One object per service; changing a service's sizing updates it in place,
# changing the environment replaces it.
resource "terraform_data" "service" {
  for_each = var.services

  input = {
    name     = module.naming.names[each.key]
    cpu      = each.value.cpu
    memory   = each.value.memory
    replicas = each.value.replicas
  }
  triggers_replace = var.environment
}

# A generated password (random provider): sensitive, never printed.
resource "random_password" "database" {
  length  = 24
  special = false
}

resource "random_pet" "database" {
  prefix = var.environment
}

resource "terraform_data" "database" {
  input = {
    engine   = "postgres"
    name     = random_pet.database.id
    password = random_password.database.result
  }
}

output "service_ids" {
  description = "Ids of the service objects."
  value       = { for k, s in terraform_data.service : k => s.id }
}

output "service_names" {
  description = "Fully qualified service names."
  value       = module.naming.names
}

output "total_cpu" {
  value = local.total_cpu
}

output "vpc_cidr" {
  value = local.vpc_cidr
}

output "summary" {
  value = local.summary
}

output "db_password" {
  value     = random_password.database.result
  sensitive = true
}

output "db_name" {
  value = random_pet.database.id
}
