output "url" {
  description = "POST webhooks here, with the sender's key in the x-api-key header."
  value       = "${aws_api_gateway_stage.webhooks.invoke_url}/webhooks"
}

output "api_key_ids" {
  description = "Each sender's API key id (the values: `aws apigateway get-api-key --include-value`)."
  value       = { for s, k in aws_api_gateway_api_key.sender : s => k.id }
}

output "queue_url" {
  value = module.queue.url
}

output "dead_letter_queue_url" {
  value = module.queue.dlq_url
}

output "function" {
  value = module.receiver.function_name
}
