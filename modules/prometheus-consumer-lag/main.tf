# Consumer lag above a threshold, per consumer group and topic; and lag
# growing for half an hour (consumers alive but falling behind).

locals {
  by       = join(", ", var.group_by)
  selector = var.selector == "" ? "" : "{${var.selector}}"
  lag      = "sum by (${local.by}) (${var.lag_metric}${local.selector})"

  alerts = [
    {
      alert  = "ConsumerLagHigh"
      expr   = "${local.lag} > ${var.threshold}"
      for    = var.for
      labels = var.labels
      annotations = {
        summary     = "{{ $labels.consumergroup }} lags {{ $value | humanize }} messages behind on {{ $labels.topic }}"
        description = "Above ${var.threshold} messages for ${var.for}."
        runbook_url = var.runbook_url
      }
    },
    {
      alert  = "ConsumerLagGrowing"
      expr   = "delta((${local.lag})[30m:1m]) > 0 and ${local.lag} > ${var.threshold / 10}"
      for    = "30m"
      labels = merge(var.labels, { severity = "ticket" })
      annotations = {
        summary     = "{{ $labels.consumergroup }} keeps falling behind on {{ $labels.topic }}"
        runbook_url = var.runbook_url
      }
    },
  ]
  # The same group as a rule file's text, for a server Strata does not
  # write files to (an Amazon Managed Prometheus namespace's `data`).
  document = yamlencode({ groups = [{ name = var.name, rules = local.alerts }] })
}

moved {
  from = prometheus_rule_group.lag
  to   = prometheus_rule_group.lag[0]
}

resource "prometheus_rule_group" "lag" {
  count = var.prometheus ? 1 : 0
  name  = var.name

  dynamic "rule" {
    for_each = local.alerts
    content {
      alert       = rule.value.alert
      expr        = rule.value.expr
      for         = rule.value["for"]
      labels      = rule.value.labels
      annotations = rule.value.annotations
    }
  }
}
