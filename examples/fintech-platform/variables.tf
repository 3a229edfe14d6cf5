variable "name" {
  type        = string
  description = "Project name: prefixes every object's name (<name>-<environment>-...)."
  default     = "fintech"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 16 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (with the environment it must fit load balancer names)."
  }
}

variable "environment" {
  type        = string
  description = "Environment: dev, staging or prod."

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "region" {
  type        = string
  description = "AWS region."
  default     = "us-east-1"
}

variable "cost_center" {
  type        = string
  description = "CostCenter tag on every object."
  default     = "payments"
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 range of the environment's VPC."
  default     = "10.40.0.0/16"
}

variable "az_count" {
  type        = number
  description = "Availability zones of the network (at least 2: the load balancer and the database need two)."
  default     = 2

  validation {
    condition     = var.az_count >= 2
    error_message = "az_count must be at least 2."
  }
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for the whole VPC (cheaper) instead of one per zone."
  default     = true
}

variable "image" {
  type        = string
  description = "Container image of the payments API."
  default     = "public.ecr.aws/nginx/nginx:1.27"
}

variable "desired_count" {
  type        = number
  description = "Tasks of the API (the minimum when max_count is above it)."
  default     = 1
}

variable "max_count" {
  type        = number
  description = "Most tasks CPU autoscaling may run; 0: a fixed count."
  default     = 0
}

variable "db_instance_class" {
  type        = string
  description = "Instance class of the database."
  default     = "db.t4g.micro"
}

variable "db_multi_az" {
  type        = bool
  description = "A synchronous standby database in a second zone."
  default     = false
}

variable "db_backup_retention_days" {
  type        = number
  description = "Days of automated database backups."
  default     = 7
}

variable "db_deletion_protection" {
  type        = bool
  description = "Refuse to delete the database (prod keeps it on; turn it off with an apply before a destroy)."
  default     = false
}

variable "log_retention_days" {
  type        = number
  description = "Days the API's logs are kept."
  default     = 30
}
