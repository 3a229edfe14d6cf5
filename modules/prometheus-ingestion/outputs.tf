output "group" {
  description = "The rule group's name."
  value       = prometheus_rule_group.ingestion.name
}

output "content" {
  description = "The rule file as written."
  value       = prometheus_rule_group.ingestion.content
}
