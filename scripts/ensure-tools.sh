#!/usr/bin/env bash
# Install the system tools some tests need, from Debian's packages, if they are missing:
#   docker-compose  validates docker-compose.yml (no Docker engine is needed for `config`)
#   chromium        the browser the staff-dashboard tests drive with Playwright
# When a tool cannot be installed (no root, no apt), say so loudly; the tests that need it then skip loudly.
set -u
need=()
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && { echo ">> tools: docker-compose and chromium present"; exit 0; }
echo ">> tools: installing ${need[*]} (Debian packages)"
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo -n"
if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y --no-install-recommends "${need[@]}" >/tmp/lingkar-apt.log 2>&1; then
    $SUDO apt-get update >>/tmp/lingkar-apt.log 2>&1 || true
    $SUDO apt-get install -y --no-install-recommends "${need[@]}" >>/tmp/lingkar-apt.log 2>&1 || true
  fi
fi
for t in "${need[@]}"; do
  if ! command -v "$t" >/dev/null 2>&1; then
    printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!!! %s could not be installed (see /tmp/lingkar-apt.log): tests that need it will be SKIPPED\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' "$t" >&2
  fi
done
exit 0
