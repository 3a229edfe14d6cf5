variable "name" {
  type        = string
  description = "Name of the network: the Name tag of the VPC and the prefix of every other object's name."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 32 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "cidr_block" {
  type        = string
  description = "IPv4 range of the VPC, from /16 to /24."
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.cidr_block))
    error_message = "cidr_block must be an IPv4 range in CIDR notation, such as 10.0.0.0/16."
  }

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && try(tonumber(split("/", var.cidr_block)[1]) >= 16 && tonumber(split("/", var.cidr_block)[1]) <= 24, false)
    error_message = "cidr_block must have a prefix length from /16 to /24 (AWS allows no larger VPC, and smaller ones leave no room for subnets)."
  }

  validation {
    condition     = try(cidrhost(var.cidr_block, 0) == split("/", var.cidr_block)[0], false)
    error_message = "cidr_block must be the network address of its range (for example 10.0.0.0/16, not 10.0.0.1/16)."
  }
}

variable "az_count" {
  type        = number
  description = "How many availability zones to spread the subnets over (the region's first ones, in name order). Ignored when availability_zones is set."
  default     = 2

  validation {
    condition     = var.az_count >= 1 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number from 1 to 6."
  }
}

variable "availability_zones" {
  type        = list(string)
  description = "Explicit availability zones (names such as us-east-1a). When empty, the first az_count available zones of the region are used."
  default     = []

  validation {
    condition     = length(var.availability_zones) <= 6 && length(distinct(var.availability_zones)) == length(var.availability_zones)
    error_message = "availability_zones must name at most 6 zones, each once."
  }

  validation {
    condition     = alltrue([for az in var.availability_zones : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$", az))])
    error_message = "availability_zones must be zone names such as us-east-1a."
  }
}

variable "subnet_newbits" {
  type        = number
  description = "Bits added to the VPC's prefix length for each subnet (8 turns a /16 into /24 subnets). Public subnets take network numbers 0 to 5, private subnets 8 to 13."
  default     = 8

  validation {
    condition     = var.subnet_newbits >= 4 && var.subnet_newbits <= 12 && floor(var.subnet_newbits) == var.subnet_newbits
    error_message = "subnet_newbits must be a whole number from 4 to 12."
  }
}

variable "enable_nat_gateway" {
  type        = bool
  description = "Give the private subnets a route to the internet through NAT gateways (each one costs money by the hour on AWS)."
  default     = false
}

variable "single_nat_gateway" {
  type        = bool
  description = "With enable_nat_gateway, use one NAT gateway (in the first zone) for every private subnet instead of one per zone. Cheaper, but not zone-redundant."
  default     = false
}

variable "enable_dns_hostnames" {
  type        = bool
  description = "Give instances with public IP addresses public DNS names."
  default     = true
}

variable "map_public_ip_on_launch" {
  type        = bool
  description = "Give instances launched in the public subnets a public IP address."
  default     = false
}

variable "web_ingress_cidrs" {
  type        = list(string)
  description = "IPv4 ranges allowed to reach the web security group on ports 80 and 443."
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.web_ingress_cidrs : can(cidrnetmask(c))])
    error_message = "web_ingress_cidrs must be IPv4 ranges in CIDR notation."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every object, merged under the module's own (Name, Tier)."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.tags) : length(k) <= 128 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be at most 128 characters and must not start with \"aws:\"."
  }
}
