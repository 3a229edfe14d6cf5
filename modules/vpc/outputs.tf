output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 range of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "The zones the subnets are in, in order."
  value       = local.azs
}

output "internet_gateway_id" {
  description = "ID of the internet gateway."
  value       = aws_internet_gateway.this.id
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, in the order of availability_zones."
  value       = [for az in local.azs : aws_subnet.public[az].id]
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, in the order of availability_zones."
  value       = [for az in local.azs : aws_subnet.private[az].id]
}

output "public_subnet_cidrs" {
  description = "IPv4 ranges of the public subnets, in the order of availability_zones."
  value       = [for az in local.azs : aws_subnet.public[az].cidr_block]
}

output "private_subnet_cidrs" {
  description = "IPv4 ranges of the private subnets, in the order of availability_zones."
  value       = [for az in local.azs : aws_subnet.private[az].cidr_block]
}

output "public_route_table_id" {
  description = "ID of the public subnets' route table."
  value       = aws_route_table.public.id
}

output "private_route_table_ids" {
  description = "IDs of the private subnets' route tables, in the order of availability_zones."
  value       = [for az in local.azs : aws_route_table.private[az].id]
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways (empty without enable_nat_gateway), in zone order."
  value       = [for az in sort(local.nat_zones) : aws_nat_gateway.this[az].id]
}

output "nat_public_ips" {
  description = "Public IP addresses of the NAT gateways, in zone order: what the internet sees of the private subnets."
  value       = [for az in sort(local.nat_zones) : aws_eip.nat[az].public_ip]
}

output "web_security_group_id" {
  description = "ID of the web security group (HTTP and HTTPS from web_ingress_cidrs)."
  value       = aws_security_group.web.id
}

output "internal_security_group_id" {
  description = "ID of the internal security group (any traffic from itself and the web group)."
  value       = aws_security_group.internal.id
}
