output "endpoint" {
  description = "The domain's endpoint (HTTPS only)."
  value       = module.logs.endpoint
}

output "dashboard_endpoint" {
  value = module.logs.dashboard_endpoint
}

output "index_pattern" {
  description = "Monthly indices: <name>-YYYY.MM."
  value       = module.logs.index_pattern
}

output "snapshot_bucket" {
  description = "The COMPLIANCE-locked snapshot bucket (SSE-KMS)."
  value       = module.logs.snapshot_bucket
}

output "kms_key_arn" {
  value = aws_kms_key.logs.arn
}

output "analyst_role_arn" {
  description = "Map it to the analyst role (opensearch_role.analyst) in the security plugin."
  value       = aws_iam_role.analyst.arn
}

output "master_password" {
  value     = random_password.master.result
  sensitive = true
}
