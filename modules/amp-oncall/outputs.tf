output "topics" {
  description = "Per team and kind (<team>-pager, <team>-tickets), and `fallback`, the SNS topic alerts are published to."
  value       = merge({ for key, topic in aws_sns_topic.alerts : key => topic.arn }, { fallback = aws_sns_topic.fallback.arn })
}
