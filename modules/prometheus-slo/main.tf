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
  # Errors per 100,000 requests at the budget's own rate, for the self test.
  budget_errors = floor((1 - var.objective) * 100000 + 0.5)
  labels        = { service = var.service }
}

locals {
  group = var.name == "" ? "slo-${var.service}" : var.name
  recordings = [
    for window, range in local.windows : {
      record = "${local.ratio}${window}"
      expr   = "sum(rate(${local.errors}[${range}])) / sum(rate(${local.total}[${range}]))"
      labels = local.labels
    }
  ]
  alerts = [
    {
      alert  = "ErrorBudgetFastBurn"
      expr   = "${local.ratio}1h{service=\"${var.service}\"} > (14.4 * ${local.budget}) and ${local.ratio}5m{service=\"${var.service}\"} > (14.4 * ${local.budget})"
      for    = "2m"
      labels = merge(local.labels, var.page_labels)
      annotations = {
        summary     = "${var.service} is burning its error budget 14.4x too fast (1h and 5m windows)"
        description = "Error ratio {{ $value | humanizePercentage }} over 1h; at this rate a 30-day budget (objective ${var.objective}) lasts about 2 days."
        runbook_url = var.runbook_url
      }
    },
    {
      alert  = "ErrorBudgetSlowBurn"
      expr   = "${local.ratio}6h{service=\"${var.service}\"} > (6 * ${local.budget}) and ${local.ratio}30m{service=\"${var.service}\"} > (6 * ${local.budget})"
      for    = "15m"
      labels = merge(local.labels, var.ticket_labels)
      annotations = {
        summary     = "${var.service} is burning its error budget 6x too fast (6h and 30m windows)"
        description = "Error ratio {{ $value | humanizePercentage }} over 6h; at this rate a 30-day budget lasts 5 days."
        runbook_url = var.runbook_url
      }
    },
  ]
  # The same group as a rule file's text, for a server Strata does not
  # write files to (an Amazon Managed Prometheus namespace's `data`).
  document = yamlencode({
    groups = [{
      name     = local.group
      interval = var.interval
      rules    = concat(local.recordings, local.alerts)
    }]
  })
}

moved {
  from = prometheus_rule_group.slo
  to   = prometheus_rule_group.slo[0]
}

resource "prometheus_rule_group" "slo" {
  count    = var.prometheus ? 1 : 0
  name     = local.group
  interval = var.interval

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

# A total outage (every request fails from the start) pages once the 5m
# and 1h windows are both above the threshold and 2 minutes have passed;
# errors at exactly the budget's rate (0.1 % for a 99.9 % objective: the
# budget lasts the 30 days) never page.
resource "prometheus_rule_test" "slo" {
  count      = var.self_test ? 1 : 0
  rule_files = [local.document]

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
    name     = "errors at the budget's own rate do not page"
    interval = "1m"
    input_series {
      series = "${var.requests_metric}{${var.selector},code=\"500\"}"
      values = "0+${local.budget_errors}x30"
    }
    input_series {
      series = "${var.requests_metric}{${var.selector},code=\"200\"}"
      values = "0+${100000 - local.budget_errors}x30"
    }
    alert_rule_test {
      eval_time = "20m"
      alertname = "ErrorBudgetFastBurn"
    }
  }
}
