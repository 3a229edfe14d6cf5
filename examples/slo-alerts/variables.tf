variable "name" {
  description = "Prefixes every rule group (and its file) and every receiver."
  type        = string
  default     = "slo"

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

variable "self_test" {
  description = "Prove with promtool, on every plan, that each service's fast-burn alert pages on a total outage and not on background errors."
  type        = bool
  default     = true
}
