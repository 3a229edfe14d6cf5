variable "name" {
  description = "The rule group's name."
  type        = string
  default     = "consumer-lag"
}

variable "lag_metric" {
  description = "The lag per consumer group and partition (kafka_exporter's kafka_consumergroup_lag)."
  type        = string
  default     = "kafka_consumergroup_lag"
}

variable "selector" {
  description = "Label matchers narrowing the lag series, e.g. consumergroup=~\"ingest-.*\" (empty: all)."
  type        = string
  default     = ""
}

variable "group_by" {
  description = "What a lag alert is per."
  type        = list(string)
  default     = ["consumergroup", "topic"]
}

variable "threshold" {
  description = "Alert when the summed lag is above this many messages."
  type        = number
  default     = 10000
}

variable "for" {
  description = "How long the lag must stay above the threshold."
  type        = string
  default     = "5m"
}

variable "runbook_url" {
  description = "The alert's runbook_url annotation."
  type        = string
}

variable "labels" {
  description = "Extra labels on the alert (routing)."
  type        = map(string)
  default     = { severity = "page" }
}

variable "prometheus" {
  description = "Write the group to a self-hosted Prometheus (prometheus_rule_group). false: only render it, as `document`, for Amazon Managed Prometheus."
  type        = bool
  default     = true
}
