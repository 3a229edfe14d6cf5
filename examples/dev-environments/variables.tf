variable "name" {
  description = "Short name of the project's environments; every object is <name>-<workspace>-...."
  type        = string
  default     = "devenv"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,10}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 12 lowercase letters, digits or hyphens (the workspace is added to it)."
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "project" {
  description = "The project tag (cost allocation)."
  type        = string
  default     = "storefront"

  validation {
    condition     = length(var.project) > 0 && length(var.project) <= 64
    error_message = "project must be 1 to 64 characters."
  }
}

variable "cost_center" {
  description = "The cost-center tag (cost allocation)."
  type        = string
  default     = "engineering"

  validation {
    condition     = length(var.cost_center) > 0 && length(var.cost_center) <= 64
    error_message = "cost_center must be 1 to 64 characters."
  }
}

variable "log_retention_days" {
  description = "Developer logs are short-lived."
  type        = number
  default     = 3
}

variable "worker_enabled" {
  description = "Whether the worker takes jobs from the queue."
  type        = bool
  default     = false
}
