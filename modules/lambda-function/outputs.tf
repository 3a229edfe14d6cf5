output "function_name" {
  value = aws_lambda_function.function.function_name
}

output "arn" {
  value = aws_lambda_function.function.arn
}

output "invoke_arn" {
  value = aws_lambda_function.function.invoke_arn
}

output "role_name" {
  value = aws_iam_role.function.name
}

output "role_arn" {
  value = aws_iam_role.function.arn
}

output "log_group_name" {
  value = aws_cloudwatch_log_group.function.name
}

output "dead_letter_queue_arn" {
  description = "The function's dead-letter queue, null without one."
  value       = one(aws_sqs_queue.dlq[*].arn)
}

output "dead_letter_queue_url" {
  value = one(aws_sqs_queue.dlq[*].url)
}
