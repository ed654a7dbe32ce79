#!/usr/bin/env bash
# Venues (issue #3): a `solarb pool` smoke run on the real SOL/USDC whirlpool dump (decode, quote, signed v0
# swap and round-trip transactions read back by `solarb tx decode`), then a short libFuzzer pass over every
# decoder target in fuzz/targets. Longer fuzzing: FUZZ_SECONDS=600 fuzz/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

F=../shared/fixtures/mainnet
if [ -d "$F" ]; then
    echo "== solarb pool smoke =="
    swift build --product solarb >/dev/null
    BIN=$(swift build --show-bin-path)/solarb
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    "$BIN" keys new --out "$tmp/id.json" >/dev/null
    POOL=HJPjoWUrhoZzkNfRpHuieeFk9WcZWjwy6PBjZ81ngndJ
    ACC=(--accounts "$F/whirlpool/whirlpool-essentials" --accounts "$F/spl-token/whirlpool-essentials")
    out=$("$BIN" pool show "${ACC[@]}" --pool $POOL --amount 1000000000 --tx --keypair "$tmp/id.json" \
        --blockhash 11111111111111111111111111111111)
    echo "$out" | grep -q "^venue  *orcaWhirlpool" || { echo "pool show: no decode"; exit 1; }
    echo "$out" | grep -q "^out  *40281456 of EPjFWdd5" || { echo "pool show: unexpected quote"; echo "$out"; exit 1; }
    "$BIN" tx decode "$(echo "$out" | tail -1)" >"$tmp/decoded.txt" || { echo "swap tx does not decode/verify"; exit 1; }
    rt=$("$BIN" pool round-trip "${ACC[@]}" --buy-pool $POOL --sell-pool $POOL --amount 1000000000 --min-profit 1 \
        --tx --keypair "$tmp/id.json" --blockhash 11111111111111111111111111111111)
    echo "$rt" | grep -q "last leg minimum  *1000000001" || { echo "round-trip: wrong guard"; exit 1; }
    "$BIN" tx decode "$(echo "$rt" | tail -1)" >"$tmp/decoded-rt.txt" || { echo "round-trip tx does not decode/verify"; exit 1; }
    echo "pool smoke: ok"
fi

FUZZ_SECONDS=${FUZZ_SECONDS:-20} fuzz/run.sh
