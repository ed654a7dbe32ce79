#!/usr/bin/env bash
# Engine benchmark with allocation counting: builds solarb (release) and the malloc counter, then runs
# `solarb bench engine` with the counter preloaded. Extra arguments go to the bench command.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build
cc -O2 -shared -fPIC -o .build/malloc_count.so scripts/malloc-count/malloc_count.c
swift build -c release --product solarb --scratch-path .build-release
LD_PRELOAD="$PWD/.build/malloc_count.so" "$(swift build -c release --scratch-path .build-release --show-bin-path)/solarb" bench engine "$@"
