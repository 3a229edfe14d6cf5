environment = "prod"
vpc_cidr    = "10.30.0.0/16"
az_count    = 3

# One NAT gateway per zone: a zone outage leaves the others online.
enable_nat_gateway = true
single_nat_gateway = false

enable_standby   = true
standby_region   = "us-west-2"
standby_vpc_cidr = "10.130.0.0/16"
