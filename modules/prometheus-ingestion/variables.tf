variable "name" {
  description = "The rule group's name."
  type        = string
  default     = "ingestion"
}

variable "pipeline" {
  description = "What is ingesting (the alerts' pipeline label), e.g. iot-telemetry."
  type        = string
}

variable "rate_expr" {
  description = "The ingestion rate now, e.g. sum(rate(messages_ingested_total{job=\"ingest\"}[5m]))."
  type        = string
}

variable "baseline_offset" {
  description = "How far back the baseline is: the same time last week by default."
  type        = string
  default     = "1w"
}

variable "ratio" {
  description = "Alert when the rate is below this share of the baseline."
  type        = number
  default     = 0.8
}

variable "for" {
  description = "How long the rate must stay low."
  type        = string
  default     = "5m"
}

variable "stalled_for" {
  description = "How long a rate of zero must last for the stalled alert."
  type        = string
  default     = "2m"
}

variable "runbook_url" {
  description = "The alerts' runbook_url annotation."
  type        = string
}

variable "labels" {
  description = "Extra labels on both alerts (routing)."
  type        = map(string)
  default     = { severity = "page" }
}

variable "prometheus" {
  description = "Write the group to a self-hosted Prometheus (prometheus_rule_group). false: only render it, as `document`, for Amazon Managed Prometheus."
  type        = bool
  default     = true
}
