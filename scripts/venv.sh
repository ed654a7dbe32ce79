#!/usr/bin/env bash
# Usage: scripts/venv.sh DIR  — makes DIR/.venv from DIR/requirements.txt (PyPI), once per requirements change.
# Prints the venv's python path on stdout.
set -euo pipefail
dir=$(cd "$1" && pwd)
venv="$dir/.venv"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$dir/requirements.txt" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "[venv] creating $venv from $dir/requirements.txt" >&2
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$dir/requirements.txt" >&2
    echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
