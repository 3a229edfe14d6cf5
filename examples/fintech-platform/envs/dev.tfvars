environment = "dev"
vpc_cidr    = "10.40.0.0/16"

# One NAT gateway, one task, the smallest database, short log retention.
single_nat_gateway       = true
desired_count            = 1
db_backup_retention_days = 1
db_deletion_protection   = false
log_retention_days       = 7
