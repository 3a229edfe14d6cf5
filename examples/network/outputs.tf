output "vpc_id" {
  description = "ID of the primary VPC."
  value       = module.network.vpc_id
}

output "availability_zones" {
  description = "Zones of the primary network."
  value       = module.network.availability_zones
}

output "public_subnet_ids" {
  description = "Public subnets of the primary network."
  value       = module.network.public_subnet_ids
}

output "private_subnet_ids" {
  description = "Private subnets of the primary network."
  value       = module.network.private_subnet_ids
}

output "nat_gateway_ids" {
  description = "NAT gateways of the primary network."
  value       = module.network.nat_gateway_ids
}

output "security_group_ids" {
  description = "Security groups of the primary network."
  value = {
    web      = module.network.web_security_group_id
    internal = module.network.internal_security_group_id
  }
}

output "standby" {
  description = "The standby network (null unless enable_standby)."
  value = var.enable_standby ? {
    region             = var.standby_region
    vpc_id             = module.standby[0].vpc_id
    public_subnet_ids  = module.standby[0].public_subnet_ids
    private_subnet_ids = module.standby[0].private_subnet_ids
    nat_gateway_ids    = module.standby[0].nat_gateway_ids
  } : null
}
