# The rest of the year.
season                  = "normal"
max_error_percent       = 2
max_p99_seconds         = 1.5
min_requests_per_second = 1
for                     = "10m"
