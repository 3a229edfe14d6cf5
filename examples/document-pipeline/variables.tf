variable "name" {
  description = "Name of the pipeline; prefixes every object (the bucket is <name>-documents, so it must be unique in the partition)."
  type        = string
  default     = "docs"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 20 lowercase letters, digits or hyphens, starting with a letter (it is part of a bucket name)."
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  description = "dev or prod: tagged on every object."
  type        = string
  default     = "dev"

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "incoming_prefix" {
  description = "Key prefix of the uploads that start the function."
  type        = string
  default     = "incoming/"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+/$", var.incoming_prefix))
    error_message = "incoming_prefix must be a key prefix ending in \"/\"."
  }
}

variable "noncurrent_version_days" {
  description = "Days an overwritten or deleted document's old version is kept."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "noncurrent_version_days must be at least 1."
  }
}

variable "memory_size" {
  type    = number
  default = 256
}

variable "log_retention_days" {
  type    = number
  default = 14
}

variable "point_in_time_recovery" {
  description = "Continuous backups of the documents table."
  type        = bool
  default     = false
}
