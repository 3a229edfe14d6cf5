variable "name" {
  description = "Prefixes every rule group (and its file)."
  type        = string
  default     = "shop"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 32 lowercase letters, digits or hyphens."
  }
}

variable "prometheus_url" {
  description = "Prometheus's base URL."
  type        = string
  default     = "http://127.0.0.1:9090"
}

variable "prometheus_rules_dir" {
  description = "The directory Prometheus's rule_files loads (*.yml)."
  type        = string
  default     = "/etc/prometheus/rules.d"
}

variable "season" {
  description = "normal or peak: which thresholds the alerts use (envs/normal.tfvars, envs/peak.tfvars)."
  type        = string

  validation {
    condition     = contains(["normal", "peak"], var.season)
    error_message = "season is normal or peak."
  }
}

variable "checkout_path" {
  description = "The services a purchase goes through, each with the label matchers selecting its requests."
  type        = map(string)
  default = {
    cart     = "job=\"cart\""
    checkout = "job=\"checkout\""
    payments = "job=\"payments\""
  }
}

variable "max_error_percent" {
  description = "Page when a service's 5-minute error ratio stays above this percentage of its requests."
  type        = number

  validation {
    condition     = var.max_error_percent > 0 && var.max_error_percent < 100
    error_message = "max_error_percent is a percentage between 0 and 100, such as 2."
  }
}

variable "max_p99_seconds" {
  description = "Page when a service's p99 latency stays above this many seconds."
  type        = number
}

variable "min_requests_per_second" {
  description = "Page when checkout receives fewer requests per second than this (traffic lost upstream)."
  type        = number
}

variable "for" {
  description = "How long a breach must last before it pages."
  type        = string
}

variable "runbook_url" {
  description = "Every alert's runbook_url annotation."
  type        = string
  default     = "https://runbooks.example.com/checkout"
}
