#!/usr/bin/env bash
# Fuzz the ONNX decoder/compiler/evaluator with libFuzzer + AddressSanitizer (Linux, Swift toolchain's clang rt).
# Usage: fuzz/inference.sh [seconds=60]   Corpus: fuzz/corpus-inference/ (seeded with the test models; git-ignored).
# Findings (crash-*, leak-*) are written to fuzz/bin/. The fast in-tree variant is FuzzTests in swift test.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
mkdir -p fuzz/bin fuzz/corpus-inference
cp -n Tests/ArbInferenceTests/Resources/models/*.onnx fuzz/corpus-inference/ 2>/dev/null || true
# One module from both targets' sources (the `import ArbFeatures` lines dropped).
rm -rf fuzz/bin/src && mkdir -p fuzz/bin/src
for f in Sources/ArbFeatures/*.swift Sources/ArbInference/*.swift; do
    grep -v '^import ArbFeatures$' "$f" > "fuzz/bin/src/$(basename "$(dirname "$f")")-$(basename "$f")"
done
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name InferenceFuzz \
    fuzz/bin/src/*.swift fuzz/InferenceFuzz.swift -o fuzz/bin/inference-fuzz
cd fuzz/bin
./inference-fuzz -max_total_time="$secs" -max_len=65536 -timeout=10 ../corpus-inference
