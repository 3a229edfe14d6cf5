output "endpoint" {
  description = "The domain's endpoint (HTTPS only)."
  value       = module.logs.endpoint
}

output "dashboard_endpoint" {
  value = module.logs.dashboard_endpoint
}

output "log_groups" {
  description = "Where the application writes, by stream."
  value       = { for s, g in aws_cloudwatch_log_group.stream : s => g.name }
}

output "indices" {
  description = "The index pattern of each stream."
  value       = { for s, v in var.streams : s => "${var.name}-${s}-${v.daily ? "YYYY.MM.DD" : "YYYY.MM"}" }
}

output "shipper_function" {
  value = aws_lambda_function.shipper.function_name
}

output "master_password" {
  value     = random_password.master.result
  sensitive = true
}
