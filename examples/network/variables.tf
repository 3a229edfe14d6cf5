variable "environment" {
  type        = string
  description = "Environment name: dev, staging or prod."

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "project" {
  type        = string
  description = "Project name, used in object names and the Project tag."
  default     = "acme"
}

variable "region" {
  type        = string
  description = "Primary AWS region."
  default     = "us-east-1"
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 range of the primary VPC."
}

variable "az_count" {
  type        = number
  description = "Availability zones per VPC."
  default     = 2
}

variable "enable_nat_gateway" {
  type        = bool
  description = "Give the private subnets internet access through NAT gateways."
  default     = false
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway per VPC instead of one per zone."
  default     = false
}

variable "web_ingress_cidrs" {
  type        = list(string)
  description = "Ranges allowed to reach the web security groups."
  default     = ["0.0.0.0/0"]
}

variable "enable_standby" {
  type        = bool
  description = "Build a second network in standby_region for disaster recovery."
  default     = false
}

variable "standby_region" {
  type        = string
  description = "Region of the standby network."
  default     = "us-west-2"
}

variable "standby_vpc_cidr" {
  type        = string
  description = "IPv4 range of the standby VPC (must not overlap vpc_cidr, so the two can be peered)."
  default     = "10.200.0.0/16"
}

variable "owner" {
  type        = string
  description = "Team that owns the network (the Owner tag)."
  default     = "platform"
}
