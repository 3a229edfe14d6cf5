output "receivers" {
  description = "Every receiver's name."
  value = concat(
    ["${var.name}-fallback"],
    [for team in local.teams : "${var.name}-${team}-pager"],
    [for team in local.teams : "${var.name}-${team}-tickets"],
  )
}

output "config_file" {
  description = "The configuration file the provider owns."
  value       = alertmanager_config.main.id
}
