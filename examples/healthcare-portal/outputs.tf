output "url" {
  description = "The portal's address."
  value       = module.web.url
}

output "weights" {
  description = "Each color's share of the traffic."
  value       = module.web.weights
}

output "images" {
  description = "Each color's image."
  value       = { for color, c in var.colors : color => c.image }
}

output "rollback_alarm" {
  description = "The alarm that says: roll back."
  value       = aws_cloudwatch_metric_alarm.error_rate.alarm_name
}

output "rollback_topic_arn" {
  description = "Subscribe the on-call to this topic."
  value       = aws_sns_topic.rollback.arn
}

output "plan_archive_bucket" {
  description = "Where scripts/archive-plan.sh archives the saved plans."
  value       = aws_s3_bucket.plans.bucket
}

output "audit_log_group" {
  description = "The deployment audit trail."
  value       = aws_cloudwatch_log_group.audit.name
}

output "region" {
  description = "The region everything is in (scripts/archive-plan.sh uses it)."
  value       = var.region
}
