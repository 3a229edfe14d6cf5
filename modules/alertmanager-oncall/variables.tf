variable "name" {
  description = "Prefixes every receiver's name."
  type        = string
}

variable "teams" {
  description = "Per team (the alerts' `team` label), where its pages go (a pager's webhook, e.g. PagerDuty's or Opsgenie's) and where its tickets go (a ticket queue's webhook)."
  type = map(object({
    pager_url  = string
    ticket_url = string
  }))

  validation {
    condition     = alltrue([for team in keys(var.teams) : can(regex("^[a-z][a-z0-9-]*$", team))])
    error_message = "Team names are lowercase letters, digits and hyphens (they are label values and receiver names)."
  }
}

variable "fallback_url" {
  description = "Where alerts of no known team or severity go (a webhook)."
  type        = string
}

variable "group_by" {
  description = "Alerts grouped into one notification."
  type        = list(string)
  default     = ["alertname", "service"]
}

variable "page_repeat_interval" {
  description = "How often a page still firing is sent again."
  type        = string
  default     = "1h"
}

variable "ticket_repeat_interval" {
  description = "How often a ticket still firing is sent again."
  type        = string
  default     = "12h"
}

variable "inhibit_equal" {
  description = "While a page fires, tickets with the same values of these labels are held back."
  type        = list(string)
  default     = ["service"]
}
