variable "name" {
  description = "Name of the portal; prefixes every object."
  type        = string
  default     = "portal"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 20 lowercase letters, digits or hyphens (load balancer names are short)."
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "colors" {
  description = "The deployed colors, each with its image and its share of the listener's traffic: deploy a release as the idle color with weight 0, move the weights, then remove the old color."
  type = map(object({
    image  = string
    weight = number
  }))

  validation {
    condition     = length(var.colors) > 0 && alltrue([for c in keys(var.colors) : contains(["blue", "green"], c)])
    error_message = "colors must name blue, green or both."
  }

  validation {
    condition     = alltrue([for c in values(var.colors) : c.weight >= 0 && c.weight <= 999 && floor(c.weight) == c.weight])
    error_message = "Each weight must be a whole number from 0 to 999 (the load balancer's range)."
  }
}

variable "desired_count" {
  description = "Tasks per color at creation (the autoscaling minimum)."
  type        = number
  default     = 2
}

variable "max_count" {
  description = "Autoscaling ceiling per color."
  type        = number
  default     = 6
}

variable "error_rate_threshold" {
  description = "5XX responses, in percent of requests, above which the rollback alarm fires."
  type        = number
  default     = 1

  validation {
    condition     = var.error_rate_threshold > 0 && var.error_rate_threshold <= 100
    error_message = "error_rate_threshold is a percentage above 0 and at most 100."
  }
}

variable "app_log_retention_days" {
  description = "Days the containers' logs are kept."
  type        = number
  default     = 30
}

variable "audit_log_retention_days" {
  description = "Days the deployment audit trail (log group) is kept."
  type        = number
  default     = 2192

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.audit_log_retention_days)
    error_message = "audit_log_retention_days must be one of CloudWatch Logs' values (..., 365, 731, 1827, 2192, 2557, ...)."
  }
}

variable "plan_archive_lock_mode" {
  description = "Object Lock mode of the archived plans: COMPLIANCE (nobody, not even the account root, can delete them before retention ends) or GOVERNANCE (principals with s3:BypassGovernanceRetention can)."
  type        = string
  default     = "COMPLIANCE"

  validation {
    condition     = contains(["COMPLIANCE", "GOVERNANCE"], var.plan_archive_lock_mode)
    error_message = "plan_archive_lock_mode must be COMPLIANCE or GOVERNANCE."
  }
}

variable "plan_archive_retention_days" {
  description = "Days each archived plan is locked against deletion and overwrite."
  type        = number
  default     = 2192

  validation {
    condition     = var.plan_archive_retention_days >= 1 && var.plan_archive_retention_days <= 36500 && floor(var.plan_archive_retention_days) == var.plan_archive_retention_days
    error_message = "plan_archive_retention_days must be a whole number of days from 1 to 36500."
  }
}

variable "plan_archive_force_destroy" {
  description = "Let destroy empty the plan archive (only possible while the locks allow it: GOVERNANCE mode). Keep false where the archive is evidence."
  type        = bool
  default     = false
}
