environment = "staging"
vpc_cidr    = "10.41.0.0/16"

# Shaped like prod, smaller: the place to rehearse a prod change.
single_nat_gateway       = true
desired_count            = 2
max_count                = 4
db_instance_class        = "db.t4g.small"
db_backup_retention_days = 7
db_deletion_protection   = false
log_retention_days       = 30
