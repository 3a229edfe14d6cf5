# Burn-rate SLO alerts for every service (modules/prometheus-slo: page at
# 14.4x over 1h and 5m, ticket at 6x over 6h and 30m, each with its
# runbook), and the Alertmanager routing tree that sends pages to the
# owning team's pager and tickets to its queue (modules/alertmanager-oncall).

module "slo" {
  source   = "../../modules/prometheus-slo"
  for_each = var.services

  name          = "${var.name}-slo-${each.key}"
  service       = each.key
  objective     = each.value.objective
  selector      = each.value.selector
  runbook_url   = each.value.runbook
  page_labels   = { severity = "page", team = each.value.team }
  ticket_labels = { severity = "ticket", team = each.value.team }
  self_test     = var.self_test
}

module "oncall" {
  source = "../../modules/alertmanager-oncall"

  name         = var.name
  teams        = var.teams
  fallback_url = var.fallback_url
}
