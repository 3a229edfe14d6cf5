# Consumer lag above a threshold, per consumer group and topic; and lag
# growing for half an hour (consumers alive but falling behind).

locals {
  by       = join(", ", var.group_by)
  selector = var.selector == "" ? "" : "{${var.selector}}"
  lag      = "sum by (${local.by}) (${var.lag_metric}${local.selector})"
}

resource "prometheus_rule_group" "lag" {
  name = var.name

  rule {
    alert  = "ConsumerLagHigh"
    expr   = "${local.lag} > ${var.threshold}"
    for    = var.for
    labels = var.labels
    annotations = {
      summary     = "{{ $labels.consumergroup }} lags {{ $value | humanize }} messages behind on {{ $labels.topic }}"
      description = "Above ${var.threshold} messages for ${var.for}."
      runbook_url = var.runbook_url
    }
  }

  rule {
    alert  = "ConsumerLagGrowing"
    expr   = "delta((${local.lag})[30m:1m]) > 0 and ${local.lag} > ${var.threshold / 10}"
    for    = "30m"
    labels = merge(var.labels, { severity = "ticket" })
    annotations = {
      summary     = "{{ $labels.consumergroup }} keeps falling behind on {{ $labels.topic }}"
      runbook_url = var.runbook_url
    }
  }
}
