environment             = "dev"
memory_size             = 256
log_retention_days      = 7
noncurrent_version_days = 7
point_in_time_recovery  = false
