output "url" {
  description = "The application's address."
  value       = module.web.url
}

output "image" {
  description = "The image running now."
  value       = module.app.image
}

output "task_definition_arn" {
  description = "The task definition revision the service runs."
  value       = module.app.task_definition_arn
}

output "log_group" {
  description = "Where the container's output goes."
  value       = module.app.log_group_name
}
