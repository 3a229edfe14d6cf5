variable "name" {
  description = "Name of the service; prefixes every object."
  type        = string
  default     = "shop"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 20 lowercase letters, digits or hyphens (load balancer names are short)."
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "colors" {
  description = "The deployed colors, each with its image and its share of the listener's traffic (forward weights): deploy a new version as the idle color with weight 0, move the weights, then remove the old color."
  type = map(object({
    image  = string
    weight = number
  }))

  validation {
    condition     = length(var.colors) > 0 && alltrue([for c in keys(var.colors) : contains(["blue", "green"], c)])
    error_message = "colors must name blue, green or both."
  }

  validation {
    condition     = alltrue([for c in values(var.colors) : c.weight >= 0 && c.weight <= 999 && floor(c.weight) == c.weight])
    error_message = "Each weight must be a whole number from 0 to 999 (the load balancer's range)."
  }

  validation {
    condition     = sum([for c in values(var.colors) : c.weight]) > 0
    error_message = "At least one color must take traffic."
  }
}

variable "desired_count" {
  description = "Tasks per color; Application Auto Scaling may add up to max_count."
  type        = number
  default     = 2
}

variable "max_count" {
  type    = number
  default = 10
}

variable "error_rate_threshold" {
  description = "Target 5XX responses, in percent of requests, above which the rollback alarm fires."
  type        = number
  default     = 1
}
