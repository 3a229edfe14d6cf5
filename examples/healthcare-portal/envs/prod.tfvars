# Production: the archived plans are evidence, kept six years under
# COMPLIANCE locks (nobody can delete them early, and destroy cannot empty
# the bucket).
colors = {
  blue  = { image = "registry.example.com/portal/web:2.3.0", weight = 100 }
  green = { image = "registry.example.com/portal/web:2.4.0", weight = 0 }
}
desired_count               = 3
max_count                   = 12
app_log_retention_days      = 90
audit_log_retention_days    = 2192
plan_archive_lock_mode      = "COMPLIANCE"
plan_archive_retention_days = 2192
plan_archive_force_destroy  = false
