variable "name" {
  description = "Prefixes every topic and receiver."
  type        = string
}

variable "workspace_id" {
  description = "The Amazon Managed Prometheus workspace whose Alertmanager this configures."
  type        = string
}

variable "region" {
  description = "The topics' region (SNS receivers sign with SigV4 in it)."
  type        = string
}

variable "teams" {
  description = "The teams alerts are routed to (their `team` label): each gets an SNS topic for pages and one for tickets."
  type        = set(string)

  validation {
    condition     = alltrue([for team in var.teams : can(regex("^[a-z][a-z0-9-]*$", team))])
    error_message = "Team names are lowercase letters, digits and hyphens (they are label values and topic names)."
  }
}

variable "group_by" {
  description = "Alerts grouped into one notification."
  type        = list(string)
  default     = ["alertname", "service"]
}

variable "inhibit_equal" {
  description = "While a page fires, tickets with the same values of these labels are held back."
  type        = list(string)
  default     = ["service"]
}

variable "alert_manager_definition" {
  description = "Give the workspace the routing tree (aws_prometheus_alert_manager_definition); false only where the endpoint lacks that API (moto)."
  type        = bool
  default     = true
}
