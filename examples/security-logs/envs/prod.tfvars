# Three zones, UltraWarm and cold storage; 7 years, locked.
instance_type      = "r6g.xlarge.search"
instance_count     = 6
availability_zones = 3
master_type        = "m6g.large.search"
warm_count         = 3
cold_storage       = true
volume_size        = 500
hot_days           = 30
warm_days          = 180
retention_days     = 2555
