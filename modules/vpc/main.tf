# A VPC with one public and one private subnet per availability zone, an
# internet gateway for the public subnets, optional NAT gateways for the
# private ones, and two security groups.

data "aws_availability_zones" "available" {
  state = "available"

  lifecycle {
    postcondition {
      condition     = length(var.availability_zones) > 0 || length(self.names) >= var.az_count
      error_message = "The region has ${length(self.names)} available zones, fewer than az_count (${var.az_count})."
    }
  }
}

locals {
  azs = length(var.availability_zones) > 0 ? var.availability_zones : slice(sort(data.aws_availability_zones.available.names), 0, var.az_count)

  # Private subnets start at network number 8, so adding a zone (up to 6)
  # never moves an existing subnet.
  private_netnum_offset = 8

  # Subnets are keyed by zone name: removing a zone does not renumber the
  # others.
  zones = {
    for i, az in local.azs : az => {
      index          = i
      public_cidr    = cidrsubnet(var.cidr_block, var.subnet_newbits, i)
      private_cidr   = cidrsubnet(var.cidr_block, var.subnet_newbits, i + local.private_netnum_offset)
      nat_gateway_az = var.single_nat_gateway ? local.azs[0] : az
    }
  }

  nat_zones = var.enable_nat_gateway ? (var.single_nat_gateway ? toset([local.azs[0]]) : toset(local.azs)) : toset([])

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = var.enable_dns_hostnames

  tags = local.tags

  lifecycle {
    precondition {
      condition     = tonumber(split("/", var.cidr_block)[1]) + var.subnet_newbits <= 28
      error_message = "cidr_block's prefix length plus subnet_newbits must be at most 28: AWS subnets are /28 or larger."
    }
  }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-igw" })
}

resource "aws_subnet" "public" {
  for_each = local.zones

  vpc_id                  = aws_vpc.this.id
  availability_zone       = each.key
  cidr_block              = each.value.public_cidr
  map_public_ip_on_launch = var.map_public_ip_on_launch

  tags = merge(var.tags, { Name = "${var.name}-public-${each.key}", Tier = "public" })
}

resource "aws_subnet" "private" {
  for_each = local.zones

  vpc_id            = aws_vpc.this.id
  availability_zone = each.key
  cidr_block        = each.value.private_cidr

  tags = merge(var.tags, { Name = "${var.name}-private-${each.key}", Tier = "private" })
}

# Routes are inline: each table's state then holds its routes from the
# start, so a drift check right after apply finds nothing to report (a
# separate aws_route would appear in the table's next refresh as a change).

# Public subnets share one route table whose default route leads to the
# internet gateway.
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }

  tags = merge(var.tags, { Name = "${var.name}-public", Tier = "public" })
}

resource "aws_route_table_association" "public" {
  for_each = local.zones

  subnet_id      = aws_subnet.public[each.key].id
  route_table_id = aws_route_table.public.id
}

# One route table per private subnet, so each zone can use its own NAT
# gateway (and keeps working when another zone fails).
resource "aws_route_table" "private" {
  for_each = local.zones

  vpc_id = aws_vpc.this.id

  # The default route through this zone's NAT gateway (or the single one).
  dynamic "route" {
    for_each = var.enable_nat_gateway ? [aws_nat_gateway.this[each.value.nat_gateway_az].id] : []

    content {
      cidr_block     = "0.0.0.0/0"
      nat_gateway_id = route.value
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-private-${each.key}", Tier = "private" })
}

resource "aws_route_table_association" "private" {
  for_each = local.zones

  subnet_id      = aws_subnet.private[each.key].id
  route_table_id = aws_route_table.private[each.key].id
}
