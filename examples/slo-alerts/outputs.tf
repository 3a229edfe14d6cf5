output "rule_groups" {
  description = "Per service, the rule group Prometheus loads (its file is <group>.yml in the rules directory)."
  value       = { for service, slo in module.slo : service => slo.group }
}

output "receivers" {
  description = "The Alertmanager receivers."
  value       = module.oncall.receivers
}
