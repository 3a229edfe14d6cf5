environment             = "prod"
memory_size             = 512
log_retention_days      = 90
noncurrent_version_days = 90
point_in_time_recovery  = true
