# An IoT ingestion pipeline's alerts: each pipeline ingesting below 80 % of
# its rate a week ago for 5 minutes, or nothing at all
# (modules/prometheus-ingestion); the stream processors' consumer lag above
# 10,000 messages, or still growing after 30 minutes
# (modules/prometheus-consumer-lag); and Alertmanager routing pages to the
# owning team's pager and tickets to its queue (modules/alertmanager-oncall).

module "ingestion" {
  source   = "../../modules/prometheus-ingestion"
  for_each = var.pipelines

  name        = "${var.name}-ingestion"
  pipeline    = each.key
  rate_expr   = each.value.rate_expr
  ratio       = var.baseline_ratio
  for         = var.baseline_for
  runbook_url = "${var.runbook_base}/ingestion#${each.key}"
  labels      = { severity = "page", team = each.value.team }
}

module "consumer_lag" {
  source = "../../modules/prometheus-consumer-lag"

  name        = "${var.name}-consumer-lag"
  selector    = "consumergroup=~\"${var.consumer_groups}\""
  threshold   = var.max_lag
  runbook_url = "${var.runbook_base}/consumer-lag"
  labels      = { severity = "page", team = var.lag_team }
}

module "oncall" {
  source = "../../modules/alertmanager-oncall"

  name          = var.name
  teams         = var.teams
  fallback_url  = var.fallback_url
  group_by      = ["alertname", "pipeline", "consumergroup"]
  inhibit_equal = ["pipeline", "consumergroup", "topic"]
}
