# Ingestion below its baseline: the rate now against the same window one
# `baseline_offset` ago (recorded, so the comparison reads one series), and
# a separate alert for a pipeline that stopped altogether.

locals {
  recorded = "pipeline:ingestion:rate"
  labels   = merge({ pipeline = var.pipeline }, var.labels)
}

resource "prometheus_rule_group" "ingestion" {
  name = "${var.name}-${var.pipeline}"

  rule {
    record = local.recorded
    expr   = var.rate_expr
    labels = { pipeline = var.pipeline }
  }

  rule {
    alert  = "IngestionBelowBaseline"
    expr   = "${local.recorded}{pipeline=\"${var.pipeline}\"} < ${var.ratio} * (${local.recorded}{pipeline=\"${var.pipeline}\"} offset ${var.baseline_offset})"
    for    = var.for
    labels = local.labels
    annotations = {
      summary     = "${var.pipeline} ingests below ${var.ratio * 100}% of its rate ${var.baseline_offset} ago"
      description = "{{ $value | humanize }} per second now."
      runbook_url = var.runbook_url
    }
  }

  rule {
    alert  = "IngestionStalled"
    expr   = "${local.recorded}{pipeline=\"${var.pipeline}\"} == 0"
    for    = var.stalled_for
    labels = local.labels
    annotations = {
      summary     = "${var.pipeline} ingests nothing"
      runbook_url = var.runbook_url
    }
  }
}
