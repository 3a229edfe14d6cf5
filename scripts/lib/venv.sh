# Sourced by scripts/test.sh and scripts/demo.sh: the pinned moto[server]
# in a venv outside the clone, created on first use and reused afterwards.
#
#   . scripts/lib/venv.sh
#   ensure_moto_venv     # then "$STRATA_VENV_DIR/bin/moto_server" exists

export STRATA_CACHE_DIR="${STRATA_CACHE_DIR:-$HOME/.cache/strata}"
export STRATA_VENV_DIR="${STRATA_VENV_DIR:-$STRATA_CACHE_DIR/venv}"
STRATA_MOTO_VERSION="5.2.5"

ensure_moto_venv() {
  if [ -x "$STRATA_VENV_DIR/bin/moto_server" ]; then
    return 0
  fi
  echo "Installing moto[server]==$STRATA_MOTO_VERSION into $STRATA_VENV_DIR (once, ~30 s)..."
  python3 -m venv "$STRATA_VENV_DIR"
  "$STRATA_VENV_DIR/bin/pip" install --quiet "moto[server]==$STRATA_MOTO_VERSION"
}
