# One zone, no UltraWarm; kept (and locked) 30 days so a dev bucket empties.
instance_type      = "t3.medium.search"
instance_count     = 1
availability_zones = 1
master_type        = "t3.medium.search"
warm_count         = 0
cold_storage       = false
volume_size        = 20
hot_days           = 7
warm_days          = 14
retention_days     = 30
