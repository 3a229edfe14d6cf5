variable "name" {
  description = "Name of the product; prefixes every object."
  type        = string
  default     = "mvp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 20 lowercase letters, digits or hyphens (load balancer names are short)."
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "image" {
  description = "The container image to run. Deploy by changing it; roll back by applying the previous one again."
  type        = string
  default     = "public.ecr.aws/nginx/nginx:1.27"
}

variable "desired_count" {
  description = "Tasks to run."
  type        = number
  default     = 1
}

variable "max_count" {
  description = "Autoscaling ceiling; 0 turns autoscaling off."
  type        = number
  default     = 0

  validation {
    condition     = var.max_count >= 0 && floor(var.max_count) == var.max_count
    error_message = "max_count must be a whole number, 0 for no autoscaling."
  }
}

variable "log_retention_days" {
  type    = number
  default = 14
}
