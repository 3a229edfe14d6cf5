# The SLOs of ../ (the self-hosted variant) in an Amazon Managed Service for
# Prometheus workspace: modules/prometheus-slo renders each service's group
# (`prometheus = false`: no file is written anywhere), each group becomes a
# rule group namespace, and the routing tree (pages and tickets per team, as
# modules/alertmanager-oncall routes them) becomes the workspace's
# Alertmanager definition. AMP's Alertmanager notifies through SNS only, so
# every receiver is a topic.

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

locals {
  kinds = {
    pager   = { severity = "page", repeat_interval = "1h", group_wait = "10s" }
    tickets = { severity = "ticket", repeat_interval = "12h", group_wait = "5m" }
  }
  topics = merge([
    for team in var.teams : {
      for kind, _ in local.kinds : "${team}-${kind}" => { team = team, kind = kind }
    }
  ]...)
  receiver = {
    for key, topic in aws_sns_topic.alerts : key => {
      name = "${var.name}-${key}"
      sns_configs = [{
        topic_arn = topic.arn
        sigv4     = { region = var.region }
      }]
    }
  }
  alertmanager_config = {
    route = {
      receiver        = "${var.name}-fallback"
      group_by        = ["alertname", "service"]
      group_wait      = "30s"
      group_interval  = "5m"
      repeat_interval = "4h"
      routes = [
        for kind, k in local.kinds : {
          receiver        = "${var.name}-fallback"
          matchers        = ["severity=\"${k.severity}\""]
          group_wait      = k.group_wait
          repeat_interval = k.repeat_interval
          routes = [
            for team in sort(tolist(var.teams)) : {
              receiver = "${var.name}-${team}-${kind}"
              matchers = ["team=\"${team}\""]
            }
          ]
        }
      ]
    }
    receivers = concat(
      [{
        name = "${var.name}-fallback"
        sns_configs = [{
          topic_arn = aws_sns_topic.fallback.arn
          sigv4     = { region = var.region }
        }]
      }],
      [for key in sort(keys(local.receiver)) : local.receiver[key]],
    )
    inhibit_rules = [{
      source_matchers = ["severity=\"page\""]
      target_matchers = ["severity=\"ticket\""]
      equal           = ["service"]
    }]
  }
}

resource "aws_sns_topic" "alerts" {
  for_each = local.topics
  name     = "${var.name}-${each.key}"
}

resource "aws_sns_topic" "fallback" {
  name = "${var.name}-fallback"
}

resource "aws_prometheus_alert_manager_definition" "main" {
  count = var.alert_manager_definition ? 1 : 0

  workspace_id = aws_prometheus_workspace.main.id
  definition   = "alertmanager_config: |\n  ${indent(2, yamlencode(local.alertmanager_config))}"
}
