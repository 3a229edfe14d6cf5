variable "name" {
  description = "Name of the service; prefixes every object."
  type        = string
  default     = "hooks"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  description = "dev or prod: tagged on every object, and the API's stage name."
  type        = string
  default     = "dev"

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "senders" {
  description = "Who may post webhooks: one API key each (by a short name)."
  type        = set(string)
  default     = ["partner"]

  validation {
    condition     = length(var.senders) > 0 && alltrue([for s in var.senders : can(regex("^[a-z][a-z0-9-]{0,30}$", s))])
    error_message = "senders must name at least one sender, each in lowercase letters, digits or hyphens."
  }
}

variable "rate_limit" {
  description = "Steady requests per second each key may make."
  type        = number
  default     = 10

  validation {
    condition     = var.rate_limit > 0
    error_message = "rate_limit must be positive."
  }
}

variable "burst_limit" {
  description = "Requests above the rate a key may make in a burst."
  type        = number
  default     = 20

  validation {
    condition     = var.burst_limit >= 0 && floor(var.burst_limit) == var.burst_limit
    error_message = "burst_limit must be a whole number, 0 or more."
  }
}

variable "daily_quota" {
  description = "Requests each key may make per day."
  type        = number
  default     = 10000

  validation {
    condition     = var.daily_quota >= 1 && floor(var.daily_quota) == var.daily_quota
    error_message = "daily_quota must be a whole number, at least 1."
  }
}

variable "memory_size" {
  type    = number
  default = 128
}

variable "log_retention_days" {
  type    = number
  default = 14
}
