output "url" {
  description = "The team's address."
  value       = module.web.url
}

output "weights" {
  description = "Each track's share of the traffic (stable, and canary while there is one)."
  value       = module.web.weights
}

output "images" {
  description = "Each track's image."
  value       = { for track, t in local.tracks : track => t.image }
}

output "cluster_name" {
  description = "The team's ECS cluster."
  value       = aws_ecs_cluster.team.name
}

output "log_groups" {
  description = "Each track's log group."
  value       = { for track, m in module.track : track => m.log_group_name }
}
