output "arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "The load balancer's ARN suffix: the LoadBalancer dimension of its CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "The load balancer's DNS name."
  value       = aws_lb.this.dns_name
}

output "url" {
  description = "http://<dns name>:<port>/"
  value       = var.listener_port == 80 ? "http://${aws_lb.this.dns_name}/" : "http://${aws_lb.this.dns_name}:${var.listener_port}/"
}

output "zone_id" {
  description = "The load balancer's hosted zone, for Route 53 alias records."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "The load balancer's security group: allow it into the targets."
  value       = aws_security_group.this.id
}

output "target_group_arns" {
  description = "ARN of each target group, by key: give one to each modules/ecs-service."
  value       = { for k, t in aws_lb_target_group.this : k => t.arn }
}

output "target_group_arn_suffixes" {
  description = "ARN suffix of each target group, by key: the TargetGroup dimension of its CloudWatch metrics."
  value       = { for k, t in aws_lb_target_group.this : k => t.arn_suffix }
}

output "listener_arn" {
  description = "ARN of the HTTP listener (pass it to modules/ecs-service so services are created after it)."
  value       = aws_lb_listener.http.arn
}

output "weights" {
  description = "Each target group's share of the traffic."
  value       = { for k, t in var.target_groups : k => t.weight }
}
