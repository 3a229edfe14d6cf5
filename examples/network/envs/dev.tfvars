environment = "dev"
vpc_cidr    = "10.10.0.0/16"
az_count    = 2

# No NAT gateways: dev workloads live in the public subnets or use VPC
# endpoints, and NAT gateways cost money by the hour.
enable_nat_gateway = false
