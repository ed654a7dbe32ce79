#!/usr/bin/env bash
# The simulated cluster (docs/simcluster.md): `solarb localnet` over JSON-RPC on loopback and LiteSVM (the real
# runtime, solders 0.29.0) execute the same solders-built transactions and must agree on every outcome and balance
# (conformance/simcluster, pytest).
set -euo pipefail
cd "$(dirname "$0")/../.."
py=$(scripts/venv.sh conformance)
bin=${SOLARB_BIN:-.build/debug/solarb}
[ -x "$bin" ] || swift build --product solarb
cd conformance/simcluster
SOLARB_BIN=$(cd ../.. && realpath "$bin") "$py" -m pytest -q -p no:cacheprovider -s
