# The checkout path's RED series, recorded once (modules/prometheus-red:
# request rate, error rate and ratio, p99 and p50 latency per service), and
# the alerts that page on them. envs/peak.tfvars tightens every threshold
# and shortens `for` for the sales weekend; applying it changes the same
# rule group in place.

module "red" {
  source = "../../modules/prometheus-red"

  name     = "${var.name}-red"
  services = var.checkout_path
  interval = local.interval
}

locals {
  # Evaluated twice as often at peak, so a breach is seen sooner.
  interval = var.season == "peak" ? "15s" : "30s"
  labels   = { severity = "page", team = "checkout", season = var.season }
}

resource "prometheus_rule_group" "error_budget" {
  name     = "${var.name}-checkout-alerts"
  interval = local.interval

  dynamic "rule" {
    for_each = var.checkout_path
    content {
      alert  = "CheckoutPathErrors"
      expr   = "service:errors:ratio_rate5m{service=\"${rule.key}\"} > ${var.max_error_percent / 100}"
      for    = var.for
      labels = merge(local.labels, { service = rule.key })
      annotations = {
        summary     = "${rule.key} fails {{ $value | humanizePercentage }} of its requests (limit ${var.max_error_percent}% in ${var.season} season)"
        runbook_url = "${var.runbook_url}#errors"
      }
    }
  }

  dynamic "rule" {
    for_each = var.checkout_path
    content {
      alert  = "CheckoutPathSlow"
      expr   = "service:latency_seconds:p99_5m{service=\"${rule.key}\"} > ${var.max_p99_seconds}"
      for    = var.for
      labels = merge(local.labels, { service = rule.key })
      annotations = {
        summary     = "${rule.key} answers in {{ $value | humanizeDuration }} at p99 (limit ${var.max_p99_seconds}s in ${var.season} season)"
        runbook_url = "${var.runbook_url}#latency"
      }
    }
  }

  rule {
    alert  = "CheckoutTrafficLow"
    expr   = "service:requests:rate5m{service=\"checkout\"} < ${var.min_requests_per_second}"
    for    = var.for
    labels = merge(local.labels, { service = "checkout" })
    annotations = {
      summary     = "checkout receives {{ $value | humanize }} requests per second (expected at least ${var.min_requests_per_second} in ${var.season} season)"
      runbook_url = "${var.runbook_url}#traffic"
    }
  }
}
