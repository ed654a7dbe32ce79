#!/usr/bin/env bash
# Execution (docs/execution.md): the two-pool, contested two-pool and triangle transactions the TransactionAssembler
# builds (stand-in token-transfer legs + the real profit guard ELF) execute in LiteSVM with the expected results.
set -euo pipefail
cd "$(dirname "$0")/../.."
py=$(scripts/venv.sh conformance)
bin=${SOLARB_BIN:-.build/debug/solarb}
[ -x "$bin" ] || swift build --product solarb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" guard build --out "$tmp/guard.so" >/dev/null
swift build --build-tests 2>&1 | grep -E "error|Compiling|Build" | tail -3
SOLARB_EXEC_DUMP_DIR="$tmp" swift test --skip-build --filter LiteSVMDumpTests >/dev/null
ls "$tmp"/*.json >/dev/null
cd conformance/execution
SOLARB_EXEC_DUMP_DIR="$tmp" SOLARB_GUARD_ELF="$tmp/guard.so" "$py" -m pytest -q -p no:cacheprovider
