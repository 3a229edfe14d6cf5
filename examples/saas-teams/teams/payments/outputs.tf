output "url" {
  value = module.team.url
}

output "weights" {
  value = module.team.weights
}

output "images" {
  value = module.team.images
}
