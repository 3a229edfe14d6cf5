variable "name" {
  description = "Prefix of every object of the team's stack."
  type        = string
  default     = "search"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 20 lowercase letters, digits or hyphens."
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "stable_image" {
  description = "The image every user gets."
  type        = string
}

variable "canary_image" {
  description = "The release being tried beside stable; null: none."
  type        = string
  default     = null
}

variable "canary_weight" {
  description = "Percent of the requests the canary takes."
  type        = number
  default     = 0
}
