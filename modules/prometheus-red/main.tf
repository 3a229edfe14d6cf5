# RED recording rules per service (rate, errors, duration), recorded once
# so that dashboards and alerts read cheap series:
#   service:requests:rate5m, service:errors:rate5m,
#   service:errors:ratio_rate5m, service:latency_seconds:p99_5m (and p50),
# each labelled service = "<name>".

locals {
  recordings = merge([
    for service, selector in var.services : {
      "${service}/requests" = {
        service = service
        record  = "service:requests:rate${var.window}"
        expr    = "sum(rate(${var.requests_metric}{${selector}}[${var.window}]))"
      }
      "${service}/errors" = {
        service = service
        record  = "service:errors:rate${var.window}"
        expr    = "sum(rate(${var.requests_metric}{${selector},${var.error_matcher}}[${var.window}]))"
      }
      "${service}/error_ratio" = {
        service = service
        record  = "service:errors:ratio_rate${var.window}"
        expr    = "sum(rate(${var.requests_metric}{${selector},${var.error_matcher}}[${var.window}])) / sum(rate(${var.requests_metric}{${selector}}[${var.window}]))"
      }
      "${service}/p99" = {
        service = service
        record  = "service:latency_seconds:p99_${var.window}"
        expr    = "histogram_quantile(0.99, sum by (le) (rate(${var.duration_histogram}_bucket{${selector}}[${var.window}])))"
      }
      "${service}/p50" = {
        service = service
        record  = "service:latency_seconds:p50_${var.window}"
        expr    = "histogram_quantile(0.5, sum by (le) (rate(${var.duration_histogram}_bucket{${selector}}[${var.window}])))"
      }
    }
  ]...)
}

resource "prometheus_rule_group" "red" {
  name     = var.name
  interval = var.interval

  dynamic "rule" {
    for_each = local.recordings
    content {
      record = rule.value.record
      expr   = rule.value.expr
      labels = { service = rule.value.service }
    }
  }
}
