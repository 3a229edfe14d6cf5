variable "name" {
  description = "Prefixes every rule group (and its file) and every receiver."
  type        = string
  default     = "iot"

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

variable "alertmanager_url" {
  description = "Alertmanager's base URL."
  type        = string
  default     = "http://127.0.0.1:9093"
}

variable "alertmanager_config_file" {
  description = "The configuration file Alertmanager reads (--config.file)."
  type        = string
  default     = "/etc/alertmanager/alertmanager.yml"
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
  description = "Per team, the webhooks its pages and its tickets go to."
  type = map(object({
    pager_url  = string
    ticket_url = string
  }))
}

variable "fallback_url" {
  description = "Where alerts of no known team go."
  type        = string
}

variable "runbook_base" {
  description = "The runbooks' base URL; each alert links to a page under it."
  type        = string
  default     = "https://runbooks.example.com/iot"
}
