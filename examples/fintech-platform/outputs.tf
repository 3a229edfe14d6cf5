output "url" {
  description = "Address of the payments API."
  value       = module.web.url
}

output "cluster_name" {
  description = "The ECS cluster."
  value       = aws_ecs_cluster.main.name
}

output "service_name" {
  description = "The API's ECS service."
  value       = module.api.service_name
}

output "database" {
  description = "Where the API's database is, and the secret with its credentials."
  value = {
    identifier = module.db.identifier
    address    = module.db.address
    port       = module.db.port
    secret_arn = module.db.master_user_secret_arn
  }
}

output "roles" {
  description = "The API's task execution role and task role."
  value = {
    execution = module.roles.execution_role_arn
    task      = module.roles.task_role_arn
  }
}
