output "owner" {
  value = terraform.workspace
}

output "bucket" {
  value = aws_s3_bucket.scratch.bucket
}

output "table" {
  value = aws_dynamodb_table.results.name
}

output "queue_url" {
  value = module.jobs.url
}

output "function" {
  value = module.worker.function_name
}
