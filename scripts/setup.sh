#!/usr/bin/env bash
# One-time machine setup for SolArb: Debian packages and Python venvs. Safe to re-run.
# Everything the tests or the bot need is installed here, never by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages (root on these machines; sudo elsewhere).
APT_PACKAGES=(python3-venv libsqlite3-dev iptables)  # iptables: scripts/test.d/50-gossip.sh fault injection
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    echo "[setup] apt-get install ${missing[*]}"
    $SUDO apt-get update -qq && $SUDO DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Python venvs (each tool its own): conformance (solders + LiteSVM), plus any other folder with requirements.txt
for req in */requirements.txt; do
    scripts/venv.sh "$(dirname "$req")" >/dev/null
done
echo "[setup] ok"
