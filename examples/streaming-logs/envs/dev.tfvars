# One node, no UltraWarm (warm indices made read-only on it); a month hot,
# three warm, a year in all, as in prod: only the size differs.
instance_type      = "t3.medium.search"
instance_count     = 1
availability_zones = 1
master_type        = "t3.medium.search"
warm_count         = 0
volume_size        = 20
shipper_memory     = 128
