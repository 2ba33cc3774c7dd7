#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter, or explain what is missing and exit 1.
# Order: $PYTHON, python3.10 on PATH, a pyenv-installed 3.10.x.
set -u
is310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

if [ -n "${PYTHON:-}" ]; then
  if is310 "$PYTHON"; then echo "$PYTHON"; exit 0; fi
  echo "error: PYTHON=$PYTHON is not a working Python 3.10 (Rasa 3.6 needs 3.8-3.10; Lingkar pins 3.10)." >&2
  exit 1
fi
if command -v python3.10 >/dev/null 2>&1 && is310 python3.10; then
  command -v python3.10; exit 0
fi
root=""
if command -v pyenv >/dev/null 2>&1; then root=$(pyenv root 2>/dev/null); fi
for dir in "${root:-}" "${PYENV_ROOT:-}" "$HOME/.pyenv"; do
  [ -n "$dir" ] || continue
  for cand in $(ls -d "$dir"/versions/3.10.* 2>/dev/null | sort -V -r); do
    if is310 "$cand/bin/python"; then echo "$cand/bin/python"; exit 0; fi
  done
done
cat >&2 <<'MSG'
error: no Python 3.10 found.
  Lingkar runs on Rasa 3.6, which supports Python 3.8-3.10; the project pins 3.10.
  Looked for: $PYTHON, python3.10 on PATH, and $(pyenv root)/versions/3.10.*.
  Fix: install it (e.g. `pyenv install 3.10` or your OS package python3.10),
  or point PYTHON at one: `make run PYTHON=/path/to/python3.10`.
MSG
exit 1
