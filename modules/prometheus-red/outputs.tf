output "group" {
  description = "The rule group's name."
  value       = prometheus_rule_group.red.name
}

output "content" {
  description = "The rule file as written."
  value       = prometheus_rule_group.red.content
}

output "series" {
  description = "The series recorded for each service."
  value = {
    for service, _ in var.services : service => [
      "service:requests:rate${var.window}",
      "service:errors:rate${var.window}",
      "service:errors:ratio_rate${var.window}",
      "service:latency_seconds:p99_${var.window}",
      "service:latency_seconds:p50_${var.window}",
    ]
  }
}
