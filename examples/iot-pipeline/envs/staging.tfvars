# Staging replays a tenth of production's devices: the same alerts, a lower
# lag limit, and tickets instead of pages.
pipelines = {
  telemetry = {
    rate_expr = "sum(rate(mqtt_messages_received_total{topic=~\"devices/.+/telemetry\",env=\"staging\"}[5m]))"
    team      = "ingest"
  }
}

consumer_groups = "staging-stream-.*"
max_lag         = 1000
lag_team        = "ingest"
baseline_for    = "15m"

teams = {
  ingest = {
    pager_url  = "https://tickets.example.com/hooks/ingest"
    ticket_url = "https://tickets.example.com/hooks/ingest"
  }
}

fallback_url = "https://tickets.example.com/hooks/sre"
