# Development: one task per color, short retention, an archive that
# destroy may empty (GOVERNANCE locks, one day).
colors = {
  blue  = { image = "registry.example.com/portal/web:2.3.0", weight = 100 }
  green = { image = "registry.example.com/portal/web:2.4.0", weight = 0 }
}
desired_count               = 1
max_count                   = 2
app_log_retention_days      = 7
audit_log_retention_days    = 30
plan_archive_lock_mode      = "GOVERNANCE"
plan_archive_retention_days = 1
plan_archive_force_destroy  = true
