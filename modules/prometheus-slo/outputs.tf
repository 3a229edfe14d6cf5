output "group" {
  description = "The rule group's name."
  value       = prometheus_rule_group.slo.name
}

output "content" {
  description = "The rule file as written (for prometheus_rule_test, or an Amazon Managed Prometheus namespace)."
  value       = prometheus_rule_group.slo.content
}

output "alerts" {
  description = "The alerts the group defines."
  value       = ["ErrorBudgetFastBurn", "ErrorBudgetSlowBurn"]
}
