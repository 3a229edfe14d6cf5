environment                   = "dev"
batch_size                    = 10
maximum_retry_attempts        = 1
maximum_record_age_in_seconds = 600
memory_size                   = 128
log_retention_days            = 7
