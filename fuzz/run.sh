#!/usr/bin/env bash
# Builds and runs every libFuzzer target in fuzz/targets/*.swift (one file = one target).
#   fuzz/run.sh                 # each target for FUZZ_SECONDS (default 30) seconds
#   FUZZ_SECONDS=600 fuzz/run.sh WhirlpoolDecoders
# The library modules (SolanaPrimitives, ArbMath, ArbVenues) are compiled here with coverage
# (-sanitize=fuzzer,address) so libFuzzer can steer; swift-crypto is linked from the normal debug build.
# Crashes are written to fuzz/artifacts/<target>/ and make the script fail. Corpora live in fuzz/corpus/<target>/
# (git-ignored) and start from the real fixture dumps when ../shared/fixtures exists.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=$ROOT/.build-fuzz
SECONDS_PER_TARGET=${FUZZ_SECONDS:-30}
mkdir -p "$OUT/modules"

if ! swiftc -sanitize=fuzzer -parse-as-library -o /dev/null - <<<'@_cdecl("LLVMFuzzerTestOneInput") public func f(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt { 0 }' 2>/dev/null; then
    echo "fuzz: this toolchain has no libFuzzer support (swiftc -sanitize=fuzzer); skipping"
    exit 0
fi

echo "== fuzz: building swift-crypto (debug) =="
swift build --target SolanaPrimitives >/dev/null
DBG=$(swift build --show-bin-path)

FLAGS=(-sanitize=fuzzer,address -parse-as-library -swift-version 6 -Onone -g -I "$OUT/modules" -I "$DBG/Modules")
for inc in $(find .build/checkouts/swift-crypto/Sources -name include -type d); do FLAGS+=(-Xcc "-I$inc"); done
for mm in $(find "$DBG" -maxdepth 2 -name module.modulemap); do FLAGS+=(-Xcc "-fmodule-map-file=$mm"); done

module() { # name, sources...
    local name=$1; shift
    echo "== fuzz: compiling $name with coverage =="
    swiftc "${FLAGS[@]}" -wmo -c -module-name "$name" -emit-module -emit-module-path "$OUT/modules/$name.swiftmodule" \
        -o "$OUT/$name.o" "$@"
}
module SolanaPrimitives $(find Sources/SolanaPrimitives -name '*.swift')
module ArbMath $(find Sources/ArbMath -name '*.swift')
module ArbVenues $(find Sources/ArbVenues -name '*.swift')

DEPS=()
for d in Crypto CryptoBoringWrapper CCryptoBoringSSL CCryptoBoringSSLShims CXKCP CXKCPShims SwiftASN1; do
    [ -d "$DBG/$d.build" ] && while IFS= read -r o; do DEPS+=("$o"); done < <(find "$DBG/$d.build" -name '*.o')
done

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for f in fuzz/targets/*.swift; do targets+=("$(basename "$f" .swift)"); done
fi

status=0
for t in "${targets[@]}"; do
    echo "== fuzz: $t =="
    swiftc "${FLAGS[@]}" -module-name "Fuzz$t" "fuzz/targets/$t.swift" "$OUT"/SolanaPrimitives.o "$OUT"/ArbMath.o \
        "$OUT"/ArbVenues.o "${DEPS[@]}" -lstdc++ -o "$OUT/$t" 2> >(grep -v "Cannot export local symbol" >&2)
    corpus=fuzz/corpus/$t
    mkdir -p "$corpus" "fuzz/artifacts/$t"
    if [ -d ../shared/fixtures ] && [ -z "$(ls -A "$corpus")" ]; then
        # Seed with real account bytes (decoded from the JSON dumps) and the raw dumps themselves.
        find ../shared/fixtures/mainnet ../shared/fixtures/devnet -name '*.json' | head -200 | while read -r f; do
            python3 -c 'import json,base64,sys
d=json.load(open(sys.argv[1])); a=d.get("account",d); x=a.get("data")
x=x[0] if isinstance(x,list) else x
sys.stdout.buffer.write(base64.b64decode(x))' "$f" >"$corpus/$(basename "$f").bin" 2>/dev/null || true
            cp "$f" "$corpus/" 2>/dev/null || true
        done
    fi
    if ! "$OUT/$t" -max_total_time="$SECONDS_PER_TARGET" -max_len=12000 -timeout=10 \
        -artifact_prefix="fuzz/artifacts/$t/" "$corpus" 2>&1 | tail -4; then
        echo "FUZZ FAILURE in $t (see fuzz/artifacts/$t/)"
        status=1
    fi
done
exit $status
