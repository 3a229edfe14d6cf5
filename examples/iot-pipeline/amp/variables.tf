variable "name" {
  description = "The workspace's alias; prefixes every namespace and topic."
  type        = string
  default     = "iot"

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

variable "pipelines" {
  description = "Per ingestion pipeline: its rate now (PromQL), compared with the same time last week, and the team it pages."
  type = map(object({
    rate_expr = string
    team      = string
  }))
}

variable "baseline_ratio" {
  description = "Alert when a pipeline ingests less than this share of its baseline."
  type        = number
  default     = 0.8
}

variable "baseline_for" {
  description = "How long ingestion must stay below the baseline."
  type        = string
  default     = "5m"
}

variable "consumer_groups" {
  description = "The Kafka consumer groups whose lag is watched (a regular expression on kafka_exporter's consumergroup label)."
  type        = string
}

variable "max_lag" {
  description = "Page when a consumer group lags more messages than this on a topic."
  type        = number
  default     = 10000
}

variable "lag_team" {
  description = "The team that owns the consumers."
  type        = string
}

variable "teams" {
  description = "The teams alerts are routed to: each gets an SNS topic for pages and one for tickets."
  type        = set(string)
}

variable "runbook_base" {
  description = "The runbooks' base URL; each alert links to a page under it."
  type        = string
  default     = "https://runbooks.example.com/iot"
}

variable "alert_manager_definition" {
  description = "Give the workspace its Alertmanager routing tree (aws_prometheus_alert_manager_definition). false only where the endpoint lacks that API (moto)."
  type        = bool
  default     = true
}
