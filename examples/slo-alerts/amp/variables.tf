variable "name" {
  description = "The workspace's alias; prefixes every namespace and topic."
  type        = string
  default     = "slo"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 32 lowercase letters, digits or hyphens."
  }
}

variable "region" {
  description = "The workspace's region."
  type        = string
  default     = "us-east-1"
}

variable "services" {
  description = "Per service: its availability objective over 30 days, the label matchers selecting its requests, the team that owns it (alert routing) and its runbook."
  type = map(object({
    objective = number
    selector  = string
    team      = string
    runbook   = string
  }))
}

variable "teams" {
  description = "The teams alerts are routed to: each gets an SNS topic for pages and one for tickets (subscribe its pager and ticket queue to them)."
  type        = set(string)
}

variable "alert_manager_definition" {
  description = "Give the workspace its Alertmanager routing tree (aws_prometheus_alert_manager_definition). false only where the endpoint lacks that API (moto)."
  type        = bool
  default     = true
}

variable "self_test" {
  description = "Prove with promtool, on every plan, that each service's fast-burn alert pages on a total outage and not at the budget's own rate."
  type        = bool
  default     = true
}
