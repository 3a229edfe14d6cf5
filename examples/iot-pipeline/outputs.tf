output "rule_groups" {
  description = "The rule groups Prometheus loads (each in <group>.yml in the rules directory)."
  value       = concat([for p in module.ingestion : p.group], [module.consumer_lag.group])
}

output "receivers" {
  description = "The Alertmanager receivers."
  value       = module.oncall.receivers
}
