variable "service" {
  description = "The service the objective is for: the group's name and every rule's `service` label."
  type        = string
}

variable "name" {
  description = "The rule group's name, and its file's (default slo-<service>); prefix it where several stacks share one Prometheus."
  type        = string
  default     = ""
}

variable "objective" {
  description = "The availability objective, e.g. 0.999 (99.9 % of requests succeed over 30 days)."
  type        = number

  validation {
    condition     = var.objective > 0 && var.objective < 1
    error_message = "The objective is a ratio between 0 and 1, such as 0.999."
  }
}

variable "requests_metric" {
  description = "The request counter, e.g. http_requests_total."
  type        = string
  default     = "http_requests_total"
}

variable "selector" {
  description = "Label matchers selecting the service's requests, e.g. job=\"api\"."
  type        = string
}

variable "error_matcher" {
  description = "The matcher that makes a request an error, e.g. code=~\"5..\"."
  type        = string
  default     = "code=~\"5..\""
}

variable "runbook_url" {
  description = "Where on-call reads what to do; every alert's runbook_url annotation."
  type        = string
}

variable "page_labels" {
  description = "Labels of the fast-burn alert (routing: severity = page)."
  type        = map(string)
  default     = { severity = "page" }
}

variable "ticket_labels" {
  description = "Labels of the slow-burn alert (routing: severity = ticket)."
  type        = map(string)
  default     = { severity = "ticket" }
}

variable "interval" {
  description = "How often the group is evaluated."
  type        = string
  default     = "30s"
}

variable "self_test" {
  description = "Prove on every plan, with promtool, that a total outage pages within the fast window and a 1 % error rate does not (needs promtool)."
  type        = bool
  default     = false
}

variable "prometheus" {
  description = "Write the group to a self-hosted Prometheus (prometheus_rule_group). false: only render it, as `document`, for Amazon Managed Prometheus."
  type        = bool
  default     = true
}
