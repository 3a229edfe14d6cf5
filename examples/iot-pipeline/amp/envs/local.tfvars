# envs/prod.tfvars for a local emulator: moto 5.2.5 serves workspaces and
# rule group namespaces but has no Alertmanager definition API.
pipelines = {
  telemetry = {
    rate_expr = "sum(rate(mqtt_messages_received_total{topic=~\"devices/.+/telemetry\"}[5m]))"
    team      = "ingest"
  }
  firmware-events = {
    rate_expr = "sum(rate(mqtt_messages_received_total{topic=~\"devices/.+/events\"}[5m]))"
    team      = "devices"
  }
}

consumer_groups = "stream-.*"
max_lag         = 10000
lag_team        = "ingest"

teams = ["ingest", "devices"]

alert_manager_definition = false
