# A self-hosted Prometheus started with --web.enable-lifecycle whose
# prometheus.yml loads `<prometheus_rules_dir>/*.yml`, and an Alertmanager
# whose configuration file Strata owns (Strata writes it, then reloads).

provider "prometheus" {
  url       = var.prometheus_url
  rules_dir = var.prometheus_rules_dir
}

provider "alertmanager" {
  url         = var.alertmanager_url
  config_file = var.alertmanager_config_file
}
