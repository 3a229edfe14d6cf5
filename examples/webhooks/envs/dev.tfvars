environment        = "dev"
senders            = ["tester"]
rate_limit         = 5
burst_limit        = 10
daily_quota        = 1000
log_retention_days = 7
