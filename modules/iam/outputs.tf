output "execution_role_arn" {
  description = "ARN of the task execution role: the task definition's execution_role_arn. Known when planning."
  value       = "${local.role_arn_prefix}${aws_iam_role.execution.name}"
  depends_on  = [aws_iam_role_policy.execution]
}

output "execution_role_name" {
  description = "Name of the task execution role."
  value       = aws_iam_role.execution.name
}

output "task_role_arn" {
  description = "ARN of the task role: the task definition's task_role_arn. Known when planning."
  value       = "${local.role_arn_prefix}${aws_iam_role.task.name}"
  depends_on  = [aws_iam_role_policy.task]
}

output "task_role_name" {
  description = "Name of the task role."
  value       = aws_iam_role.task.name
}

output "execution_policy_json" {
  description = "The execution role's inline policy (\"{}\"-like with no statements when nothing was passed)."
  value       = data.aws_iam_policy_document.execution.json
}
