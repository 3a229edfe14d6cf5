# Sourced by scripts/test.sh and scripts/demo.sh: the pinned moto[server]
# in a venv outside the clone, created on first use and reused afterwards.
#
#   . scripts/lib/venv.sh
#   ensure_moto_venv     # then "$STRATA_VENV_DIR/bin/moto_server" exists
#   ensure_osmem_venv    # then "$STRATA_OSMEM_SERVER" is osmem-server's binary

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

# osmem-server (PyPI, MIT): an OpenSearch-compatible server in one static
# binary, the upstream of the search tests' search-test-server. The wheel
# carries the binary inside the package; its path is exported. When pip
# cannot install it the search tests that need it say so and skip (CI sets
# STRATA_REQUIRE_OSMEM=1, so there they fail instead).
STRATA_OSMEM_VERSION="0.1.6"

ensure_osmem_venv() {
  local venv="$STRATA_CACHE_DIR/osmem-$STRATA_OSMEM_VERSION"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import osmem_server' 2>/dev/null; then
    echo "Installing osmem-server==$STRATA_OSMEM_VERSION into $venv (once)..."
    rm -rf "$venv"
    if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "osmem-server==$STRATA_OSMEM_VERSION"; }; then
      echo "note: osmem-server could not be installed; the search tests that need it will be skipped"
      rm -rf "$venv"
      return 0
    fi
  fi
  local binary
  binary="$("$venv/bin/python" -c 'import os, osmem_server; print(os.path.join(os.path.dirname(osmem_server.__file__), "bin", "osmem-server"))')"
  if [ -x "$binary" ]; then
    export STRATA_OSMEM_SERVER="$binary"
  else
    echo "note: no osmem-server binary at $binary; the search tests that need it will be skipped"
  fi
}
