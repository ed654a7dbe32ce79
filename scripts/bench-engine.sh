#!/usr/bin/env bash
# Engine benchmark: builds solarb in release mode (own scratch path, so it never waits on a debug build) and runs
# `solarb bench engine`. Extra arguments go to the bench command, e.g. --pools 100,1000,10000 --max-legs 4.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product solarb --scratch-path .build-release
# The allocation counter, preloaded by `solarb bench` (not linked into solarb).
swift build -c release --product SolArbMallocCounter --scratch-path .build-release
"$(swift build -c release --scratch-path .build-release --show-bin-path)/solarb" bench engine "$@"
