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

teams = {
  ingest = {
    pager_url  = "https://events.pagerduty.example.com/ingest"
    ticket_url = "https://tickets.example.com/hooks/ingest"
  }
  devices = {
    pager_url  = "https://events.pagerduty.example.com/devices"
    ticket_url = "https://tickets.example.com/hooks/devices"
  }
}

fallback_url = "https://tickets.example.com/hooks/sre"
