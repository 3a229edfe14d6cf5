output "endpoint" {
  description = "The domain's endpoint (no scheme): the opensearch provider's url is https://<endpoint>."
  value       = aws_opensearch_domain.this.endpoint
}

output "dashboard_endpoint" {
  description = "OpenSearch Dashboards."
  value       = aws_opensearch_domain.this.dashboard_endpoint
}

output "domain_arn" {
  value = aws_opensearch_domain.this.arn
}

output "snapshot_bucket" {
  value = aws_s3_bucket.snapshots.bucket
}

output "snapshot_role_arn" {
  value = aws_iam_role.snapshots.arn
}

output "ism_policy_id" {
  value = opensearch_ism_policy.retention.policy_id
}

output "index_pattern" {
  description = "The monthly indices the template and the policy apply to."
  value       = "${local.prefix}-*"
}

output "component_templates" {
  description = "The settings and mappings components, for more index templates over the same indices (a daily stream, say)."
  value       = [opensearch_component_template.settings.name, opensearch_component_template.mappings.name]
}

output "snapshot_repository" {
  value = opensearch_snapshot_repository.worm.name
}
