output "endpoint" {
  description = "The domain's endpoint (HTTPS only)."
  value       = module.audit.endpoint
}

output "dashboard_endpoint" {
  value = module.audit.dashboard_endpoint
}

output "index_pattern" {
  description = "Monthly indices: <name>-YYYY.MM, strict mappings."
  value       = module.audit.index_pattern
}

output "snapshot_bucket" {
  description = "The COMPLIANCE-locked snapshot bucket (SSE-KMS)."
  value       = module.audit.snapshot_bucket
}

output "kms_key_arn" {
  value = aws_kms_key.audit.arn
}

output "writer_role_arn" {
  description = "Map it to the <name>-audit-writer role in the security plugin."
  value       = aws_iam_role.writer.arn
}

output "master_password" {
  value     = random_password.master.result
  sensitive = true
}
