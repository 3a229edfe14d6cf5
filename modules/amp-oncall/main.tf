# The on-call routing tree of modules/alertmanager-oncall for an Amazon
# Managed Prometheus workspace, whose Alertmanager notifies through SNS
# only: per team a topic for pages and one for tickets (subscribe the pager
# and the ticket queue to them) and a fallback topic; `severity = "page"`
# goes to the team's pager topic, `severity = "ticket"` to its tickets
# topic, anything else to the fallback; a page holds back the tickets it
# covers (`inhibit_equal`).

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
  sigv4 = { region = var.region }
  config = {
    route = {
      receiver        = "${var.name}-fallback"
      group_by        = var.group_by
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
        name        = "${var.name}-fallback"
        sns_configs = [{ topic_arn = aws_sns_topic.fallback.arn, sigv4 = local.sigv4 }]
      }],
      [
        for key in sort(keys(local.topics)) : {
          name        = "${var.name}-${key}"
          sns_configs = [{ topic_arn = aws_sns_topic.alerts[key].arn, sigv4 = local.sigv4 }]
        }
      ],
    )
    inhibit_rules = [{
      source_matchers = ["severity=\"page\""]
      target_matchers = ["severity=\"ticket\""]
      equal           = var.inhibit_equal
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

  workspace_id = var.workspace_id
  definition   = "alertmanager_config: |\n  ${indent(2, yamlencode(local.config))}"
}
