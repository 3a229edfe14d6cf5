variable "name" {
  description = "The rule group's name."
  type        = string
  default     = "red"
}

variable "services" {
  description = "Per service, the label matchers selecting its series (e.g. { checkout = \"job=\\\"checkout\\\"\" })."
  type        = map(string)
}

variable "requests_metric" {
  description = "The request counter."
  type        = string
  default     = "http_requests_total"
}

variable "error_matcher" {
  description = "The matcher that makes a request an error."
  type        = string
  default     = "code=~\"5..\""
}

variable "duration_histogram" {
  description = "The request-duration histogram's name, without _bucket."
  type        = string
  default     = "http_request_duration_seconds"
}

variable "window" {
  description = "The rate window of every recording."
  type        = string
  default     = "5m"
}

variable "interval" {
  description = "How often the group is evaluated."
  type        = string
  default     = "30s"
}
