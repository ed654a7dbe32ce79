#!/usr/bin/env bash
# solders differential (2,500 seeded random cases) and LiteSVM execution of Swift-built transactions.
set -euo pipefail
cd "$(dirname "$0")/../.."
py=$(scripts/venv.sh conformance)
export SOLARB_CONFORMANCE_TOOL="$(swift build --show-bin-path)/solarb-conformance"
cd conformance && "$py" -m pytest -q test_differential.py test_litesvm.py  # guard/ and simcluster/ have their own stages
