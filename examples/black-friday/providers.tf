# A self-hosted Prometheus started with --web.enable-lifecycle whose
# prometheus.yml loads `<prometheus_rules_dir>/*.yml`.

provider "prometheus" {
  url       = var.prometheus_url
  rules_dir = var.prometheus_rules_dir
}
