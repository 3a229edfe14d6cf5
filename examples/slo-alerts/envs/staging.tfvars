# Staging: the same objectives, but nobody is paged; every alert opens a
# ticket for the owning team.
services = {
  checkout = {
    objective = 0.999
    selector  = "job=\"checkout\",env=\"staging\""
    team      = "payments"
    runbook   = "https://runbooks.example.com/slo/checkout"
  }
  search = {
    objective = 0.995
    selector  = "job=\"search\",env=\"staging\""
    team      = "discovery"
    runbook   = "https://runbooks.example.com/slo/search"
  }
}

teams = {
  payments = {
    pager_url  = "https://tickets.example.com/hooks/payments"
    ticket_url = "https://tickets.example.com/hooks/payments"
  }
  discovery = {
    pager_url  = "https://tickets.example.com/hooks/discovery"
    ticket_url = "https://tickets.example.com/hooks/discovery"
  }
}

fallback_url = "https://tickets.example.com/hooks/sre"
