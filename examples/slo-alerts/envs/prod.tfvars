services = {
  checkout = {
    objective = 0.999
    selector  = "job=\"checkout\""
    team      = "payments"
    runbook   = "https://runbooks.example.com/slo/checkout"
  }
  payments = {
    objective = 0.9995
    selector  = "job=\"payments-api\""
    team      = "payments"
    runbook   = "https://runbooks.example.com/slo/payments"
  }
  search = {
    objective = 0.995
    selector  = "job=\"search\""
    team      = "discovery"
    runbook   = "https://runbooks.example.com/slo/search"
  }
}

teams = {
  payments = {
    pager_url  = "https://events.pagerduty.example.com/payments"
    ticket_url = "https://tickets.example.com/hooks/payments"
  }
  discovery = {
    pager_url  = "https://events.pagerduty.example.com/discovery"
    ticket_url = "https://tickets.example.com/hooks/discovery"
  }
}

fallback_url = "https://tickets.example.com/hooks/sre"
