environment        = "prod"
senders            = ["acme", "globex"]
rate_limit         = 50
burst_limit        = 100
daily_quota        = 500000
memory_size        = 256
log_retention_days = 90
