# envs/prod.tfvars for a local emulator: moto 5.2.5 serves workspaces and
# rule group namespaces but has no Alertmanager definition API.
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

teams = ["payments", "discovery"]

alert_manager_definition = false
