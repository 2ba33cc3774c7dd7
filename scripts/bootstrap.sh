#!/usr/bin/env bash
# Create .venv with Python 3.10 and install exactly what requirements.lock lists.
# Re-running is cheap: it reinstalls only when the lock file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
stamp="$VENV/.lock-installed"
want=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/python" ]; then
  exit 0
fi
py=$(scripts/find-python.sh)
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info[:2]==(3,10) else 1)'; then
  echo ">> creating $VENV with $py ($("$py" -V 2>&1))"
  rm -rf "$VENV"
  "$py" -m venv "$VENV"
fi
echo ">> installing pinned dependencies from requirements.lock (first time takes a few minutes)"
quiet() { { grep -v "is ignored" || true; } >&2; }   # drop this machine's noisy pip index warnings
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=23" 2>&1 | quiet
# --no-deps: the lock is complete, so the install is identical every time.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock 2>&1 | quiet
"$VENV/bin/python" -m pip check
echo "$want" > "$stamp"
echo ">> $VENV ready"
