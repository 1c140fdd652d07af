#!/usr/bin/env bash
# The README's run command: set everything up on a fresh machine and serve a demo blog at http://127.0.0.1:8000.
# Safe to run again: it reuses the virtual environment and the data folder, and seeds only an empty site.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "sampan: Python 3.11 or newer is needed (found: $("$PY" --version 2>&1))" >&2
  exit 1
fi
if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "Installing Python's venv module…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv …"
  "$PY" -m venv .venv
fi
# Page views are counted in C when a C compiler and Python's headers are there; without them, in Python (the
# same counts, a little more of each request's time: docs/performance.md).
if ! command -v cc >/dev/null ||
  ! "$PY" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(sysconfig.get_paths()["include"] + "/Python.h"))'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing a C compiler and Python's headers, for counting page views in C …"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc python3-dev >/dev/null ||
      echo "sampan: could not install gcc and python3-dev; page views will be counted in Python" >&2
  fi
fi
stamp=.venv/.sampan-installed
want=$(cat pyproject.toml setup.py sampan/stats/_fastcount.c | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing Sampan and its dependencies (first time only) …"
  if ! .venv/bin/pip install -q -e . > .venv/install.log 2>&1; then
    cat .venv/install.log >&2
    echo "sampan: installing failed (the log is above and in .venv/install.log)" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi

export SAMPAN_DATA_DIR=${SAMPAN_DATA_DIR:-./sampan-data}
.venv/bin/sampan migrate --noinput >/dev/null

# Admin credentials are made and printed once: the first time, when the site has no administrator.
if ! .venv/bin/sampan shell -v 0 -c 'import sys
from django.contrib.auth import get_user_model
sys.exit(0 if get_user_model().objects.filter(is_superuser=True).exists() else 1)' 2>/dev/null; then
  password=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))')
  DJANGO_SUPERUSER_PASSWORD=$password .venv/bin/sampan createsuperuser --noinput \
    --username admin --email admin@example.com >/dev/null
  .venv/bin/sampan shell -v 0 -c 'from django.contrib.auth.models import Group
from django.contrib.auth import get_user_model
get_user_model().objects.get(username="admin").groups.add(Group.objects.get_or_create(name="Administrator")[0])'
  echo
  echo "  Your administrator account (shown only this once; change the password in the admin):"
  echo "    http://${HOST:-127.0.0.1}:${PORT:-8000}/admin/   user: admin   password: $password"
  echo
fi
.venv/bin/sampan demo
exec .venv/bin/sampan serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
