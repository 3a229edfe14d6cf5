# The alerts of ../ (the self-hosted variant) in an Amazon Managed Service
# for Prometheus workspace: the same rule modules render their groups
# (`prometheus = false`: no file is written anywhere), each group becomes a
# rule group namespace, and modules/amp-oncall routes pages and tickets per
# team to SNS topics through the workspace's Alertmanager definition.

module "ingestion" {
  source   = "../../../modules/prometheus-ingestion"
  for_each = var.pipelines

  prometheus  = false
  name        = "${var.name}-ingestion"
  pipeline    = each.key
  rate_expr   = each.value.rate_expr
  ratio       = var.baseline_ratio
  for         = var.baseline_for
  runbook_url = "${var.runbook_base}/ingestion#${each.key}"
  labels      = { severity = "page", team = each.value.team }
}

module "consumer_lag" {
  source = "../../../modules/prometheus-consumer-lag"

  prometheus  = false
  name        = "${var.name}-consumer-lag"
  selector    = "consumergroup=~\"${var.consumer_groups}\""
  threshold   = var.max_lag
  runbook_url = "${var.runbook_base}/consumer-lag"
  labels      = { severity = "page", team = var.lag_team }
}

resource "aws_prometheus_workspace" "main" {
  alias = var.name
}

locals {
  groups = merge(
    { for pipeline, m in module.ingestion : m.group => m.document },
    { (module.consumer_lag.group) = module.consumer_lag.document },
  )
}

resource "aws_prometheus_rule_group_namespace" "rules" {
  for_each = local.groups

  name         = each.key
  workspace_id = aws_prometheus_workspace.main.id
  data         = each.value
}

module "oncall" {
  source = "../../../modules/amp-oncall"

  name                     = var.name
  workspace_id             = aws_prometheus_workspace.main.id
  region                   = var.region
  teams                    = var.teams
  group_by                 = ["alertname", "pipeline", "consumergroup"]
  inhibit_equal            = ["pipeline", "consumergroup", "topic"]
  alert_manager_definition = var.alert_manager_definition
}
