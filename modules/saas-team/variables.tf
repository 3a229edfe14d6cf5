variable "name" {
  type        = string
  description = "The team's name: prefixes every object of its stack."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 20 lowercase letters, digits or hyphens (target group names are <name>-canary, at most 32 characters)."
  }
}

variable "cidr_block" {
  type        = string
  description = "The team's VPC range (give each team its own, so they can be peered later)."
  default     = "10.100.0.0/16"
}

variable "stable_image" {
  type        = string
  description = "The image every user gets (the part of the traffic the canary does not take)."
}

variable "canary_image" {
  type        = string
  description = "The release being tried: runs as its own service beside stable and takes canary_weight % of the traffic. Null: no canary."
  default     = null
}

variable "canary_weight" {
  type        = number
  description = "Percent of the requests the canary takes (0 to 100). Moving it changes the listener alone; at 100, promote by making canary_image the stable_image and removing the canary."
  default     = 0

  validation {
    condition     = var.canary_weight >= 0 && var.canary_weight <= 100 && floor(var.canary_weight) == var.canary_weight
    error_message = "canary_weight must be a whole percentage from 0 to 100."
  }
}

variable "container_port" {
  type        = number
  description = "Port the team's containers listen on."
  default     = 8080
}

variable "health_check_path" {
  type        = string
  description = "What the load balancer requests to call a task healthy."
  default     = "/"
}

variable "desired_count" {
  type        = number
  description = "Tasks of the stable service at creation (the autoscaling minimum)."
  default     = 2
}

variable "max_count" {
  type        = number
  description = "Autoscaling ceiling of the stable service."
  default     = 10
}

variable "canary_count" {
  type        = number
  description = "Tasks of the canary service (fixed: a canary does not scale)."
  default     = 1
}

variable "environment" {
  type        = map(string)
  description = "Environment variables of both services (each also gets TRACK = stable or canary)."
  default     = {}
}

variable "tags" {
  type        = map(string)
  description = "Tags for every object (the team's Team tag is added)."
  default     = {}
}
