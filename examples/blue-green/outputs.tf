output "url" {
  description = "The load balancer's address."
  value       = "http://${aws_lb.web.dns_name}/"
}

output "weights" {
  description = "Each color's share of the traffic."
  value       = { for color, c in var.colors : color => c.weight }
}

output "images" {
  value = { for color, c in var.colors : color => c.image }
}
