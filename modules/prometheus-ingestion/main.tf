# Ingestion below its baseline: the rate now against the same window one
# `baseline_offset` ago (recorded, so the comparison reads one series), and
# a separate alert for a pipeline that stopped altogether.

locals {
  recorded = "pipeline:ingestion:rate"
  labels   = merge({ pipeline = var.pipeline }, var.labels)
  group    = "${var.name}-${var.pipeline}"
  current  = "${local.recorded}{pipeline=\"${var.pipeline}\"}"

  recordings = [{
    record = local.recorded
    expr   = var.rate_expr
    labels = { pipeline = var.pipeline }
  }]
  alerts = [
    {
      alert  = "IngestionBelowBaseline"
      expr   = "${local.current} < ${var.ratio} * (${local.current} offset ${var.baseline_offset})"
      for    = var.for
      labels = local.labels
      annotations = {
        summary     = "${var.pipeline} ingests below ${var.ratio * 100}% of its rate ${var.baseline_offset} ago"
        description = "{{ $value | humanize }} per second now."
        runbook_url = var.runbook_url
      }
    },
    {
      alert  = "IngestionStalled"
      expr   = "${local.current} == 0"
      for    = var.stalled_for
      labels = local.labels
      annotations = {
        summary     = "${var.pipeline} ingests nothing"
        runbook_url = var.runbook_url
      }
    },
  ]
  # The same group as a rule file's text, for a server Strata does not
  # write files to (an Amazon Managed Prometheus namespace's `data`).
  document = yamlencode({ groups = [{ name = local.group, rules = concat(local.recordings, local.alerts) }] })
}

moved {
  from = prometheus_rule_group.ingestion
  to   = prometheus_rule_group.ingestion[0]
}

resource "prometheus_rule_group" "ingestion" {
  count = var.prometheus ? 1 : 0
  name  = local.group

  dynamic "rule" {
    for_each = local.recordings
    content {
      record = rule.value.record
      expr   = rule.value.expr
      labels = rule.value.labels
    }
  }

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
