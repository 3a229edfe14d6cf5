output "group" {
  description = "The rule group's name."
  value       = var.name
}

output "content" {
  description = "The rule file as written (null when `prometheus = false`)."
  value       = one(prometheus_rule_group.lag[*].content)
}

output "document" {
  description = "The group as a rule file's text, known at plan: an Amazon Managed Prometheus namespace's `data` (with `prometheus = false`)."
  value       = local.document
}
