#!/usr/bin/env bash
# Short libFuzzer pass over every decoder target in fuzz/targets (issue #3). Longer runs: FUZZ_SECONDS=600 fuzz/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
FUZZ_SECONDS=${FUZZ_SECONDS:-20} fuzz/run.sh
