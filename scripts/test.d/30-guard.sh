#!/usr/bin/env bash
# The on-chain profit guard (docs/guard.md): the ELF written by `solarb guard build` is deterministic, matches the
# SHA-256 the docs list, disassembles with llvm-objdump, and — deployed in LiteSVM with the exact BPF Loader
# Upgradeable instructions Swift builds — behaves as its ABI says (conformance/guard, pytest).
set -euo pipefail
cd "$(dirname "$0")/../.."
py=$(scripts/venv.sh conformance)
bin=${SOLARB_BIN:-.build/debug/solarb}
[ -x "$bin" ] || swift build --product solarb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" guard build --out "$tmp/a.so"
"$bin" guard build --out "$tmp/b.so" >/dev/null
cmp "$tmp/a.so" "$tmp/b.so" || { echo "guard ELF is not deterministic"; exit 1; }
"$bin" guard build --sbpf-version v0 --out "$tmp/v0.so" >/dev/null

for v in a v0; do
    want=$(grep -o "guard-$([ $v = a ] && echo v3 || echo v0).so sha256: [0-9a-f]*" docs/guard.md | awk '{print $3}')
    got=$(sha256sum "$tmp/$v.so" | cut -d' ' -f1)
    [ "$want" = "$got" ] || { echo "docs/guard.md lists sha256 $want for $v, build gives $got: update the docs"; exit 1; }
done

# llvm-objdump ships with the Swift toolchain (/opt/swift/usr/bin here); any LLVM with the BPF target works.
objdump=$(dirname "$(readlink -f "$(command -v swift)")")/llvm-objdump
[ -x "$objdump" ] || objdump=$(command -v llvm-objdump || true)
[ -n "$objdump" ] || { echo "llvm-objdump not found (Swift toolchain or the llvm package provide it)"; exit 1; }
"$objdump" -d "$tmp/a.so" > "$tmp/listing.txt"
slots=$(grep -cE '^ *[0-9]+:' "$tmp/listing.txt")
grep -q "exit" "$tmp/listing.txt" && [ "$slots" -gt 40 ] || { cat "$tmp/listing.txt"; echo "llvm-objdump listing unexpected"; exit 1; }
echo "llvm-objdump: $slots instructions disassembled"

# until ArbRPC exists, deploy must fail loudly, never pretend
if "$bin" guard deploy > "$tmp/deploy.out" 2>&1 || ! grep -q "RPC not available yet" "$tmp/deploy.out"; then
    cat "$tmp/deploy.out"; echo "solarb guard deploy should fail with 'RPC not available yet'"; exit 1
fi

cd conformance/guard
SOLARB_BIN=$(cd ../.. && realpath "$bin") "$py" -m pytest -q -p no:cacheprovider
