# Three zones, UltraWarm and cold storage; 7 years, COMPLIANCE-locked.
instance_type      = "r6g.large.search"
instance_count     = 3
availability_zones = 3
master_type        = "m6g.large.search"
warm_count         = 2
cold_storage       = true
volume_size        = 200
hot_days           = 90
warm_days          = 365
retention_days     = 2555
