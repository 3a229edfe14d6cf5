# Black Friday to Cyber Monday: every failed checkout is lost revenue, so
# page sooner and on smaller breaches, and expect traffic.
season                  = "peak"
max_error_percent       = 0.5
max_p99_seconds         = 0.8
min_requests_per_second = 50
for                     = "2m"
