# The SLOs of ../ (the self-hosted variant) in an Amazon Managed Service for
# Prometheus workspace: modules/prometheus-slo renders each service's group
# (`prometheus = false`: no file is written anywhere), each group becomes a
# rule group namespace, and the routing tree (pages and tickets per team, as
# modules/alertmanager-oncall routes them) becomes the workspace's
# Alertmanager definition (modules/amp-oncall: AMP's Alertmanager notifies
# through SNS only, so every receiver is a topic).

module "slo" {
  source   = "../../../modules/prometheus-slo"
  for_each = var.services

  prometheus    = false
  name          = "${var.name}-slo-${each.key}"
  service       = each.key
  objective     = each.value.objective
  selector      = each.value.selector
  runbook_url   = each.value.runbook
  page_labels   = { severity = "page", team = each.value.team }
  ticket_labels = { severity = "ticket", team = each.value.team }
  self_test     = var.self_test
}

resource "aws_prometheus_workspace" "main" {
  alias = var.name
}

resource "aws_prometheus_rule_group_namespace" "slo" {
  for_each = module.slo

  name         = each.value.group
  workspace_id = aws_prometheus_workspace.main.id
  data         = each.value.document
}

module "oncall" {
  source = "../../../modules/amp-oncall"

  name                     = var.name
  workspace_id             = aws_prometheus_workspace.main.id
  region                   = var.region
  teams                    = var.teams
  alert_manager_definition = var.alert_manager_definition
}
