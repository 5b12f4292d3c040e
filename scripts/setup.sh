# Sourced by scripts/demo and scripts/test: installs what Portico needs on a fresh machine.
# Needs only Python 3.11+ and pip; everything else is installed here when it is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
# Bytecode is kept, under .venv rather than in the tree, even where the environment says
# PYTHONDONTWRITEBYTECODE: without it each process compiles Portico and pytest rewrites every test
# module again (5 s of CPU per test worker, about a second per CLI or server process a test starts).
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="$VENV/pycache"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_venv() {
  "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "Portico needs Python 3.11 or newer ($PY is $("$PY" --version))" >&2; exit 1; }
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  local stamp="$VENV/.portico-installed" want
  want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing Portico and its dependencies into .venv ..."
    rm -f "$VENV/.portico-compiled"
    # uv installs the same packages from the same registry in 3 s where pip took 35 s (it
    # downloads in parallel); pip stays the fallback where uv cannot be had.
    if ! { "$VENV/bin/python" -m pip install --quiet uv \
      && "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" -e "$ROOT[test]"; }; then
      echo "uv failed; installing with pip instead ..."
      "$VENV/bin/python" -m pip install --quiet --upgrade pip
      "$VENV/bin/python" -m pip install --quiet -e "$ROOT[test]"
    fi
    echo "$want" > "$stamp"
  fi
}

# Bytecode for everything the tests import, compiled once in the background (it runs beside mypy):
# otherwise every process of the first run compiles what it imports (4 s more per process).
start_compiling() {
  if [ ! -f "$VENV/.portico-compiled" ]; then
    ("$VENV/bin/python" -m compileall -q "$VENV/lib" "$ROOT/core" "$ROOT/plugins" "$ROOT/tests" >/dev/null 2>&1
      touch "$VENV/.portico-compiled") &  # a package's own broken example files do not matter
    COMPILING=$!
  fi
}

finish_compiling() {
  if [ -n "${COMPILING:-}" ]; then wait "$COMPILING" || true; COMPILING=; fi
}

# Chromium's install (half a minute on a fresh machine) runs beside the virtualenv's: call
# start_chromium_install first and ensure_chromium where the browser is needed.
CHROMIUM_LOG="${TMPDIR:-/tmp}/portico-chromium-install.log"
install_chromium() {
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
}

start_chromium_install() {
  [ -x /usr/bin/chromium ] && return 0
  echo "Installing Debian's Chromium for the browser tests (beside the rest) ..."
  if [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; then
    install_chromium >"$CHROMIUM_LOG" 2>&1 &
    CHROMIUM_INSTALL=$!
  fi  # else sudo asks for a password: ensure_chromium installs it in the foreground
}

# The tests may start while Chromium installs: the kit's browser fixture waits for this process.
chromium_beside_tests() {
  if [ -n "${CHROMIUM_INSTALL:-}" ]; then
    export PORTICO_CHROMIUM_INSTALLER="$CHROMIUM_INSTALL" PORTICO_CHROMIUM_LOG="$CHROMIUM_LOG"
  else
    ensure_chromium
  fi
}

ensure_chromium() {
  if [ -n "${CHROMIUM_INSTALL:-}" ]; then
    wait "$CHROMIUM_INSTALL" || { cat "$CHROMIUM_LOG" >&2; echo "Installing Chromium failed." >&2; exit 1; }
    CHROMIUM_INSTALL=
  fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "Installing Debian's Chromium for the browser tests ..."
    install_chromium
  fi
}

postgres_up() {
  "$VENV/bin/python" - <<'PY'
import socket, sys
try:
    socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
except OSError:
    sys.exit(1)
PY
}

ensure_postgres() {
  if ! postgres_up; then
    echo "PostgreSQL is not answering on 127.0.0.1:5432; starting it ..."
    if command -v pg_ctlcluster >/dev/null; then
      as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    fi
    for _ in $(seq 1 30); do postgres_up && return 0; sleep 1; done
    echo "PostgreSQL is still down: the PostgreSQL half of the tests cannot run." >&2
    exit 1
  fi
}
