#!/usr/bin/env bash
# Smoke run of `solarb bench feeds` (debug build from scripts/test.sh): the Swift feed path and the Python
# reference (orjson + base64, venv bench/feeds) must end with identical stores on the same messages.
# Speed numbers from a debug build are not meaningful; docs/connectivity.md has the release-build command.
set -euo pipefail
cd "$(dirname "$0")/../.."
.build/debug/solarb bench feeds --messages 3000 --rounds 2
