variable "name" {
  type        = string
  description = "Project name: prefixes every object's name in both regions."
  default     = "payments"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 16 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (with suffixes it must fit load balancer names)."
  }
}

variable "region" {
  type        = string
  description = "Primary region."
  default     = "us-east-1"
}

variable "standby_region" {
  type        = string
  description = "Standby region (must differ from region)."
  default     = "us-west-2"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.standby_region))
    error_message = "standby_region must be a region name such as us-west-2."
  }
}

variable "image" {
  type        = string
  description = "Container image, the same in both regions."
  default     = "public.ecr.aws/nginx/nginx:1.27"
}

variable "desired_count" {
  type        = number
  description = "Tasks in the primary region."
  default     = 2
}

variable "standby_desired_count" {
  type        = number
  description = "Tasks kept warm in the standby region (scale up when failing over)."
  default     = 1

  validation {
    condition     = var.standby_desired_count >= 1
    error_message = "standby_desired_count must be at least 1: a standby with no task is not warm."
  }
}

variable "db_instance_class" {
  type        = string
  description = "Instance class of the primary database and its replica."
  default     = "db.t4g.micro"
}

variable "db_deletion_protection" {
  type        = bool
  description = "Refuse to delete the databases (off for drills that destroy)."
  default     = false
}

variable "standby_kms_key_id" {
  type        = string
  description = "KMS key in the standby region for the replica's storage. On AWS a cross-region replica of an encrypted database needs one; null is fine for a local emulator."
  default     = null
}
