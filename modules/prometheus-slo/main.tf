# Multi-window, multi-burn-rate SLO alerts, as the Google SRE workbook
# ("Alerting on SLOs", table 5-8) sets them: page when the error budget
# burns 14.4 times too fast over both 1 h and 5 m (2 % of a 30-day budget
# in an hour), open a ticket when it burns 6 times too fast over both 6 h
# and 30 m (5 % in six hours). The short window makes the alert stop soon
# after the burn does.

locals {
  # Left to PromQL: (1 - 0.999) in HCL is a 512-bit binary fraction.
  budget = "(1 - ${var.objective})"
  windows = {
    "5m"  = "5m"
    "30m" = "30m"
    "1h"  = "1h"
    "6h"  = "6h"
  }
  errors = "${var.requests_metric}{${var.selector},${var.error_matcher}}"
  total  = "${var.requests_metric}{${var.selector}}"
  ratio  = "slo:sli_error:ratio_rate"
  labels = { service = var.service }
}

resource "prometheus_rule_group" "slo" {
  name     = "slo-${var.service}"
  interval = var.interval

  dynamic "rule" {
    for_each = local.windows
    content {
      record = "${local.ratio}${rule.key}"
      expr   = "sum(rate(${local.errors}[${rule.value}])) / sum(rate(${local.total}[${rule.value}]))"
      labels = local.labels
    }
  }

  rule {
    alert = "ErrorBudgetFastBurn"
    expr  = "${local.ratio}1h{service=\"${var.service}\"} > (14.4 * ${local.budget}) and ${local.ratio}5m{service=\"${var.service}\"} > (14.4 * ${local.budget})"
    for   = "2m"
    labels = merge(local.labels, var.page_labels)
    annotations = {
      summary     = "${var.service} is burning its error budget 14.4x too fast (1h and 5m windows)"
      description = "Error ratio {{ $value | humanizePercentage }} over 1h; at this rate a 30-day budget (objective ${var.objective}) lasts about 2 days."
      runbook_url = var.runbook_url
    }
  }

  rule {
    alert = "ErrorBudgetSlowBurn"
    expr  = "${local.ratio}6h{service=\"${var.service}\"} > (6 * ${local.budget}) and ${local.ratio}30m{service=\"${var.service}\"} > (6 * ${local.budget})"
    for   = "15m"
    labels = merge(local.labels, var.ticket_labels)
    annotations = {
      summary     = "${var.service} is burning its error budget 6x too fast (6h and 30m windows)"
      description = "Error ratio {{ $value | humanizePercentage }} over 6h; at this rate a 30-day budget lasts 5 days."
      runbook_url = var.runbook_url
    }
  }
}

# A total outage (every request fails from the start) pages once the 5m
# and 1h windows are both above the threshold and 2 minutes have passed;
# a steady 1 % error rate stays well under a 99.9 % objective's 14.4 % line.
resource "prometheus_rule_test" "slo" {
  count      = var.self_test ? 1 : 0
  rule_files = [prometheus_rule_group.slo.content]

  test {
    name     = "a total outage pages"
    interval = "1m"
    input_series {
      series = "${var.requests_metric}{${var.selector},code=\"500\"}"
      values = "0+60x30"
    }
    input_series {
      series = "${var.requests_metric}{${var.selector},code=\"200\"}"
      values = "0+0x30"
    }
    alert_rule_test {
      eval_time = "10m"
      alertname = "ErrorBudgetFastBurn"
      exp_alerts {
        exp_labels = merge(local.labels, var.page_labels)
        exp_annotations = {
          summary     = "${var.service} is burning its error budget 14.4x too fast (1h and 5m windows)"
          description = "Error ratio 100% over 1h; at this rate a 30-day budget (objective ${var.objective}) lasts about 2 days."
          runbook_url = var.runbook_url
        }
      }
    }
  }

  test {
    name     = "background errors do not page"
    interval = "1m"
    input_series {
      series = "${var.requests_metric}{${var.selector},code=\"500\"}"
      values = "0+1x30"
    }
    input_series {
      series = "${var.requests_metric}{${var.selector},code=\"200\"}"
      values = "0+99x30"
    }
    alert_rule_test {
      eval_time = "20m"
      alertname = "ErrorBudgetFastBurn"
    }
  }
}
