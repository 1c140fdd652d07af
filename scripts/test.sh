#!/usr/bin/env bash
# The README's test command: lint and types, then the whole suite on SQLite and again on PostgreSQL.
#
#   scripts/test.sh                  everything (this is what CI runs, through .ci/run)
#   scripts/test.sh -k calendar      extra arguments go to both pytest runs
#
# Runs as root on a fresh Debian 12 machine with Python 3.11+: it installs Chromium and PostgreSQL from Debian,
# makes .venv, and fetches axe-core and oidc-provider with npm (Debian's nodejs and npm when there is no npm), each
# only when missing, so a second run starts testing at once.
# Each pytest run makes its test database anew (a reused one would lack the rows migrations made: browser tests
# end in a flush). Exits non-zero if lint, types or either database run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

PY=${PYTHON:-python3}
VENV=.venv
AXE_DIR=$VENV/cache/axe
AXE_JS=$AXE_DIR/node_modules/axe-core/axe.min.js
OIDC_DIR=$VENV/cache/oidc  # the OpenID Connect provider the sign-in tests run (tests/readers/oidc_provider/)
OIDC_PKG=$OIDC_DIR/node_modules/oidc-provider/package.json
PG_URL=postgres://sampan:sampan@127.0.0.1:5432/sampan

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { as_root su postgres -s /bin/sh -c "$1"; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
step() { printf '\n== %s\n' "$*"; }
elapsed() { local s=$(($(date +%s) - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# --- System packages: Debian's Chromium (never `playwright install`) and PostgreSQL --------------------------
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "test.sh: Python 3.11 or newer is needed (found: $("$PY" --version 2>&1 || echo none))" >&2
  exit 1
fi
missing=()
installed chromium || missing+=(chromium)
installed postgresql || missing+=(postgresql)
installed redis-server || missing+=(redis-server)  # the page cache's Redis test starts its own
command -v npm >/dev/null || missing+=(nodejs npm)  # axe-core and the OpenID Connect provider come from npm
if [ ! -x "$VENV/bin/python" ] && ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
  missing+=(python3-venv)
fi
# Page views are counted in C (sampan/stats/_fastcount.c); the stats tests check both ways of counting.
command -v cc >/dev/null || missing+=(gcc)
"$PY" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(sysconfig.get_paths()["include"] + "/Python.h"))' ||
  missing+=(python3-dev)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]} from Debian"
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Python environment: reinstalled only when pyproject.toml changed ----------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
  step "creating $VENV"
  "$PY" -m venv "$VENV"
fi
stamp=$VENV/.sampan-test-installed
want=$(cat pyproject.toml setup.py sampan/stats/_fastcount.c | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  step "installing Sampan with its test dependencies"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -e '.[test]'
  echo "$want" >"$stamp"
fi
export PATH=$PWD/$VENV/bin:$PATH

# --- axe-core for the accessibility checks (the browser tests skip them, saying why, without npm) ------------
if [ ! -f "$AXE_JS" ]; then
  if command -v npm >/dev/null; then
    step "installing axe-core into $AXE_DIR"
    npm install --prefix "$AXE_DIR" --no-audit --no-fund --silent axe-core@4
  else
    echo "test.sh: npm not found: the accessibility (axe) checks will be skipped" >&2
  fi
fi
[ -f "$AXE_JS" ] && export SAMPAN_AXE_PATH=$PWD/$AXE_JS

# --- oidc-provider, a real OpenID Connect provider for the reader sign-in tests (they skip, saying why, without
# it, or with a node older than 20, such as Debian 12's own) --------------------------------------------------------
if [ ! -f "$OIDC_PKG" ]; then
  if command -v npm >/dev/null; then
    step "installing oidc-provider into $OIDC_DIR"
    npm install --prefix "$OIDC_DIR" --no-audit --no-fund --silent oidc-provider@9
  else
    echo "test.sh: npm not found: the OpenID Connect sign-in tests will be skipped" >&2
  fi
fi

failed=()
summary=()

# --- Lint and types -------------------------------------------------------------------------------------------
step "ruff check"
ruff check --quiet || failed+=("ruff check")
step "ruff format --check"
ruff format --check --quiet || failed+=("ruff format")
step "mypy sampan"
mypy sampan || failed+=("mypy")
step "dependency audit (pip-audit)"
python scripts/audit_dependencies.py || failed+=("dependency audit")

# --- The suite on SQLite --------------------------------------------------------------------------------------
step "pytest on SQLite"
echo "database: sqlite"
start=$(date +%s)
if env -u DATABASE_URL pytest "$@"; then
  summary+=("sqlite passed in $(elapsed "$start")")
else
  failed+=("pytest on sqlite")
  summary+=("sqlite FAILED in $(elapsed "$start")")
fi

# --- The suite on PostgreSQL ----------------------------------------------------------------------------------
step "starting PostgreSQL"
pg_version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -1)
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main"' | grep -q .; then
  as_root pg_createcluster "$pg_version" main
fi
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  as_root pg_ctlcluster "$pg_version" main start
fi
for _ in $(seq 30); do as_postgres "pg_isready -q" && break || sleep 1; done
as_postgres "psql -q -v ON_ERROR_STOP=1" <<'SQL'
SELECT 'CREATE ROLE sampan LOGIN PASSWORD ''sampan'' CREATEDB'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sampan')\gexec
SELECT 'CREATE DATABASE sampan OWNER sampan'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'sampan')\gexec
SQL
echo "PostgreSQL $pg_version is up"

step "pytest on PostgreSQL"
echo "database: postgresql"
start=$(date +%s)
if DATABASE_URL=$PG_URL pytest "$@"; then
  summary+=("postgresql passed in $(elapsed "$start")")
else
  failed+=("pytest on postgresql")
  summary+=("postgresql FAILED in $(elapsed "$start")")
fi

step "summary"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'test.sh: failed: %s\n' "$(printf '%s; ' "${failed[@]}")" >&2
  exit 1
fi
echo "all checks passed"
