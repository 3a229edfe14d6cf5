output "bucket" {
  description = "Upload documents under s3://<bucket>/<incoming_prefix>."
  value       = aws_s3_bucket.documents.bucket
}

output "table" {
  value = aws_dynamodb_table.documents.name
}

output "function" {
  value = module.ingest.function_name
}

output "log_group" {
  value = module.ingest.log_group_name
}
