variable "name" {
  description = "The domain's name; prefixes every object (log groups, indices, the function, the bucket)."
  type        = string
  default     = "applogs"

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

variable "streams" {
  description = "The application's log streams: each a CloudWatch log group /<name>/<stream>, shipped into <name>-<stream>-YYYY.MM.DD (daily) or -YYYY.MM, the events matching filter_pattern (empty: all)."
  type = map(object({
    daily          = optional(bool, false)
    filter_pattern = optional(string, "")
  }))
  default = {
    app    = {}
    access = { daily = true }
  }

  validation {
    condition     = length(var.streams) > 0 && alltrue([for s in keys(var.streams) : can(regex("^[a-z][a-z0-9]{0,15}$", s))])
    error_message = "Each stream is named by 1 to 16 lowercase letters or digits, starting with a letter."
  }
}

variable "cloudwatch_retention_days" {
  description = "Days CloudWatch keeps the raw events (OpenSearch keeps the searchable copy)."
  type        = number
  default     = 7
}

variable "instance_type" {
  type    = string
  default = "r6g.large.search"
}

variable "instance_count" {
  description = "Hot data nodes, a multiple of availability_zones."
  type        = number
  default     = 2
}

variable "availability_zones" {
  type    = number
  default = 2
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
  default = 90
}

variable "retention_days" {
  description = "Days after which an index is deleted (and snapshots expire)."
  type        = number
  default     = 365
}

variable "shipper_memory" {
  description = "MB for the shipper function."
  type        = number
  default     = 256
}
