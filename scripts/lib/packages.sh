# Sourced by scripts/test.sh (and so by .ci/run): Debian's packages the
# tests need, installed when missing and when apt can be used (root, or
# sudo): python3-venv (for `python3 -m venv`), and Prometheus 2.42 and
# Alertmanager 0.25 with promtool and amtool, which the prometheus and
# alertmanager providers' tests start on loopback, and openssl (the search
# providers' TLS test makes its certificates with it), and the AWS CLI and
# jq, which the examples' operator scripts (the DR drill, plan archiving)
# use. Elsewhere those tests say so and skip (unless STRATA_REQUIRE_PROMETHEUS
# or STRATA_REQUIRE_CLI_TOOLS is set, as in CI).

ensure_debian_packages() {
  local packages=()
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || packages+=(python3-venv)
  command -v promtool >/dev/null || packages+=(prometheus)
  command -v amtool >/dev/null || packages+=(prometheus-alertmanager)
  command -v openssl >/dev/null || packages+=(openssl)
  command -v aws >/dev/null || packages+=(awscli)
  command -v jq >/dev/null || packages+=(jq)
  [ "${#packages[@]}" -gt 0 ] || return 0
  local sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo_cmd="sudo"
    else
      echo "note: cannot install ${packages[*]} (not root, no sudo); the tests that need them skip"
      return 0
    fi
  fi
  if ! command -v apt-get >/dev/null; then
    echo "note: no apt-get to install ${packages[*]}; the tests that need them skip"
    return 0
  fi
  echo "Installing ${packages[*]} from Debian (once)..."
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
}
