output "rule_groups" {
  description = "The rule groups Prometheus loads (each in <group>.yml in the rules directory)."
  value       = [module.red.group, prometheus_rule_group.error_budget.name]
}

output "recorded_series" {
  description = "The RED series recorded per service."
  value       = module.red.series
}
