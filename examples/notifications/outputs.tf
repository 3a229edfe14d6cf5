output "table" {
  value = aws_dynamodb_table.events.name
}

output "topic_arn" {
  description = "Subscribe to this topic to receive the notifications."
  value       = aws_sns_topic.notifications.arn
}

output "failed_queue_url" {
  description = "Where the descriptions of failed batches land."
  value       = aws_sqs_queue.failed.url
}

output "function" {
  value = module.notify.function_name
}

output "mapping_uuid" {
  value = aws_lambda_event_source_mapping.events.uuid
}
