output "identifier" {
  description = "Identifier of the instance."
  value       = aws_db_instance.this.identifier
}

output "arn" {
  description = "ARN of the instance: the replicate_source_db of a cross-region replica."
  value       = aws_db_instance.this.arn
}

output "address" {
  description = "Host name to connect to."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Port to connect to."
  value       = aws_db_instance.this.port
}

output "db_name" {
  description = "Name of the database (the source's, for a replica)."
  value       = aws_db_instance.this.db_name
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret holding the master credentials (null with a given password, and for a replica)."
  value       = try(aws_db_instance.this.master_user_secret[0].secret_arn, null)
}

output "replicate_source_db" {
  description = "The source of a replica (null for a primary)."
  value       = aws_db_instance.this.replicate_source_db
}

output "security_group_id" {
  description = "The database's security group."
  value       = aws_security_group.this.id
}

output "subnet_group_name" {
  description = "The DB subnet group."
  value       = aws_db_subnet_group.this.name
}

output "parameter_group_name" {
  description = "The DB parameter group."
  value       = aws_db_parameter_group.this.name
}
