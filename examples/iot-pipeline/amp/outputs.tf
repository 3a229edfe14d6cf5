output "workspace_id" {
  description = "The AMP workspace (remote-write to its prometheus_endpoint)."
  value       = aws_prometheus_workspace.main.id
}

output "prometheus_endpoint" {
  description = "The workspace's Prometheus endpoint."
  value       = aws_prometheus_workspace.main.prometheus_endpoint
}

output "rule_group_namespaces" {
  description = "The rule group namespaces, one per group."
  value       = sort(keys(aws_prometheus_rule_group_namespace.rules))
}

output "alert_topics" {
  description = "Per team and kind (<team>-pager, <team>-tickets), and `fallback`, the SNS topic alerts are published to."
  value       = module.oncall.topics
}
