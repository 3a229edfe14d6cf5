variable "name" {
  description = "The domain's name; prefixes every object (indices, policies, roles, the bucket)."
  type        = string
  default     = "seclogs"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,19}$", var.name))
    error_message = "name must be 3 to 20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "opensearch_url" {
  description = "The search API the data plane is managed through: on AWS https://<the endpoint output>."
  type        = string
}

variable "sign_aws_requests" {
  description = "Sign the search API's requests with SigV4 (true on AWS)."
  type        = bool
  default     = false
}

variable "instance_type" {
  description = "Hot data nodes."
  type        = string
  default     = "r6g.large.search"
}

variable "instance_count" {
  description = "Hot data nodes, a multiple of availability_zones."
  type        = number
  default     = 3
}

variable "availability_zones" {
  type    = number
  default = 3
}

variable "master_type" {
  type    = string
  default = "m6g.large.search"
}

variable "warm_count" {
  description = "UltraWarm nodes (0: warm indices stay on the hot nodes, read-only)."
  type        = number
  default     = 2
}

variable "cold_storage" {
  description = "Cold storage on S3 (needs UltraWarm)."
  type        = bool
  default     = true
}

variable "volume_size" {
  type    = number
  default = 100
}

variable "hot_days" {
  type    = number
  default = 30
}

variable "warm_days" {
  type    = number
  default = 180
}

variable "retention_days" {
  description = "Days security logs are kept, in the domain and locked in the snapshot bucket (7 years: 2555)."
  type        = number
  default     = 2555

  validation {
    condition     = var.retention_days >= 1 && var.retention_days <= 3650
    error_message = "retention_days is 1 to 3650."
  }
}

variable "analyst_principals" {
  description = "Who may assume the read-only analyst role; default: the account."
  type        = list(string)
  default     = []
}
