#!/usr/bin/env bash
# Runs ALL of SolArb's tests: Swift (unit, property, vectors, fixtures) then every scripts/test.d/*.sh
# (Python conformance against solders, LiteSVM execution, …). Installs what it needs via scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== swift build (debug, warnings are errors) =="
swift build --build-tests
echo "== swift test =="
swift test --skip-build

status=0
for t in scripts/test.d/*.sh; do
    [ -e "$t" ] || continue
    echo "== $t =="
    bash "$t" || { echo "FAILED: $t"; status=1; }
done
exit $status
