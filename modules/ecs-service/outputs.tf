output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "service_id" {
  description = "ID (ARN) of the ECS service."
  value       = aws_ecs_service.this.id
}

output "task_definition_arn" {
  description = "ARN (with revision) of the task definition the service runs."
  value       = aws_ecs_task_definition.this.arn
}

output "image" {
  description = "The image the service runs."
  value       = var.image
}

output "log_group_name" {
  description = "The container's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the container's log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "execution_role_arn" {
  description = "The execution role the tasks use (given or made)."
  value       = local.execution_role_arn
}

output "security_group_id" {
  description = "The tasks' security group."
  value       = aws_security_group.tasks.id
}
