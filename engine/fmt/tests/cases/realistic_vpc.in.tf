terraform {
required_version = ">= 1.5"
  required_providers {
    aws = {
    source = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "name" {
  description = "Name prefix for all resources"
  type = "string"
}
variable "cidr" {
type = string
default = "10.0.0.0/16"
}
variable "azs" {
  type    = "list"
  default = []
}
variable "public_subnets" { type = list(string) }
variable "tags" {
  type = "map"
  default = {}
}

locals {
  nat_count = var.single_nat_gateway ? 1 : length( var.azs )
  common_tags = merge(var.tags, {
  "Module" = "vpc"
     Name     = "${var.name}"
  })
}

resource "aws_vpc" "this" {
  cidr_block = "${var.cidr}"
  enable_dns_hostnames = true
  enable_dns_support = true
  tags = merge(local.common_tags, { Name = "${var.name}-vpc" })
}

resource aws_subnet public {
  count = "${length(var.public_subnets)}"
  vpc_id = aws_vpc.this.id
  cidr_block = element(concat(var.public_subnets, [""]), count.index)
  availability_zone = length(regexall("^[a-z]{2}-", element(var.azs, count.index))) > 0 ? element(var.azs, count.index) : null
  map_public_ip_on_launch = true    # public!

  tags = merge(
  local.common_tags,
    {
    Name = format("%s-public-%s", var.name, element(var.azs, count.index))
    Tier = "public"
    },
  )
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  route {
  cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this[0].id
  }
}

resource "aws_nat_gateway" "this" {
  count = local.nat_count
  allocation_id = aws_eip.nat[ count.index ].id
  subnet_id = aws_subnet.public [count.index].id
  depends_on = [ aws_internet_gateway.this ]
}

output "vpc_id" {
  value = "${aws_vpc.this.id}"
}
output "public_subnet_ids" {
value = aws_subnet.public[*].id
}
output "nat_ips" {
  value = [for eip in aws_eip.nat: eip.public_ip]
  description = "NAT public IPs"
}
