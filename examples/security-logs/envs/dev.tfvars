# One zone, no UltraWarm: warm indices are made read-only on the hot nodes,
# cold ones snapshotted. Kept 90 days (the lock too).
instance_type      = "t3.medium.search"
instance_count     = 1
availability_zones = 1
master_type        = "t3.medium.search"
warm_count         = 0
cold_storage       = false
volume_size        = 20
hot_days           = 7
warm_days          = 30
retention_days     = 90
