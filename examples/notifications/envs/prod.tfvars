environment                   = "prod"
batch_size                    = 100
maximum_retry_attempts        = 5
maximum_record_age_in_seconds = 21600
memory_size                   = 256
log_retention_days            = 90
