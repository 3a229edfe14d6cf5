variable "name" {
  type        = string
  description = "Name of the load balancer, and prefix of its security group."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 32 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen (the load balancer's limit)."
  }
}

variable "vpc_id" {
  type        = string
  description = "The VPC the load balancer and its security group live in."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Public subnets, in at least two availability zones."

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "An application load balancer needs subnets in at least two availability zones."
  }
}

variable "internal" {
  type        = bool
  description = "An internal load balancer (private addresses only) instead of an internet-facing one."
  default     = false
}

variable "ingress_cidrs" {
  type        = list(string)
  description = "IPv4 ranges allowed to reach the listener."
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.ingress_cidrs : can(cidrnetmask(c))])
    error_message = "ingress_cidrs must be IPv4 ranges in CIDR notation."
  }
}

variable "listener_port" {
  type        = number
  description = "Port of the HTTP listener."
  default     = 80

  validation {
    condition     = var.listener_port >= 1 && var.listener_port <= 65535 && floor(var.listener_port) == var.listener_port
    error_message = "listener_port must be a whole number from 1 to 65535."
  }
}

variable "target_groups" {
  type = map(object({
    weight               = number
    port                 = optional(number, 8080)
    health_check_path    = optional(string, "/")
    health_check_matcher = optional(string, "200-399")
    deregistration_delay = optional(number, 30)
  }))
  description = "The target groups (one per service: blue and green, stable and canary, ...) the listener forwards to, each with its share of the traffic (forward weights). Each is named <name>-<key>; moving weights changes the listener alone."

  validation {
    condition     = length(var.target_groups) >= 1 && length(var.target_groups) <= 5
    error_message = "A forward action takes 1 to 5 target groups."
  }

  validation {
    condition     = alltrue([for k in keys(var.target_groups) : can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", k))])
    error_message = "target_groups keys must be lowercase letters, digits and inner hyphens (they end the target groups' names)."
  }

  validation {
    condition     = alltrue([for t in values(var.target_groups) : t.weight >= 0 && t.weight <= 999 && floor(t.weight) == t.weight])
    error_message = "Each weight must be a whole number from 0 to 999 (the load balancer's range)."
  }

  validation {
    condition     = sum([for t in values(var.target_groups) : t.weight]) > 0
    error_message = "At least one target group must take traffic (a weight above 0)."
  }

  validation {
    condition     = alltrue([for t in values(var.target_groups) : t.port >= 1 && t.port <= 65535 && startswith(t.health_check_path, "/")])
    error_message = "Each target group's port must be from 1 to 65535 and its health_check_path must start with /."
  }
}

variable "stickiness_seconds" {
  type        = number
  description = "Keep a client on the target group it first reached for this long (0: no stickiness). Useful during a canary so a user does not flip between versions."
  default     = 0

  validation {
    condition     = var.stickiness_seconds >= 0 && var.stickiness_seconds <= 604800 && floor(var.stickiness_seconds) == var.stickiness_seconds
    error_message = "stickiness_seconds must be a whole number from 0 to 604800 (7 days)."
  }
}

variable "idle_timeout" {
  type        = number
  description = "Seconds a connection may be idle."
  default     = 60

  validation {
    condition     = var.idle_timeout >= 1 && var.idle_timeout <= 4000
    error_message = "idle_timeout must be from 1 to 4000 seconds."
  }
}

variable "access_logs_bucket" {
  type        = string
  description = "S3 bucket for the load balancer's access logs (its policy must let the regional ELB account write); null: no access logs."
  default     = null
}

variable "access_logs_prefix" {
  type        = string
  description = "Key prefix of the access logs in access_logs_bucket."
  default     = null
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the load balancer (turn off before destroy)."
  default     = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for every object, merged under the module's Name."
  default     = {}
}
