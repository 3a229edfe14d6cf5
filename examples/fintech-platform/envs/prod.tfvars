environment = "prod"
vpc_cidr    = "10.42.0.0/16"
az_count    = 3

# A NAT gateway per zone, autoscaling, a multi-AZ database kept 35 days,
# protected from deletion, with a final snapshot on destroy.
single_nat_gateway       = false
desired_count            = 3
max_count                = 12
db_instance_class        = "db.m6g.large"
db_multi_az              = true
db_backup_retention_days = 35
db_deletion_protection   = true
log_retention_days       = 365
