#!/usr/bin/env bash
# AI runtime (issue #9): train small models quickly from the Swift-owned feature schema, export ONNX, then check
# the in-process Swift evaluator against onnxruntime on ≥ 10,000 random + edge-case rows per model
# (labels identical, scores within 1e-5). Also smoke-runs `solarb model inspect` and `solarb bench inference`.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=$(scripts/venv.sh ml)
swift build --product solarb >/dev/null
swift build --product SolArbMallocCounter >/dev/null  # preloaded by `solarb bench` to count allocations
BIN="$(swift build --show-bin-path)/solarb"
OUT=out/ml-test
rm -rf "$OUT"
mkdir -p "$OUT"
"$BIN" features schema > "$OUT/schema.json"
# 100 trees of depth 6 as in production; fewer rows than a real training run to keep this to a few minutes.
"$PY" ml/train.py --schema "$OUT/schema.json" --out "$OUT" --rows 8000
"$BIN" model inspect --model "$OUT/gbt.onnx"
"$PY" ml/parity.py --solarb "$BIN" --schema "$OUT/schema.json" \
    "$OUT/gbt.onnx" "$OUT/logreg.onnx" "$OUT/mlp.onnx" "$OUT/gbr.onnx" "$OUT/linreg.onnx"
# A model whose schema version differs must be refused with both versions in the message.
"$PY" - "$OUT" <<'PYEOF'
import sys, onnx
out = sys.argv[1]
m = onnx.load(f"{out}/logreg.onnx")
for p in m.metadata_props:
    if p.key == "solarb.feature_schema_version":
        p.value = "999"
onnx.save(m, f"{out}/wrong-schema.onnx")
PYEOF
if msg=$("$BIN" model inspect --model "$OUT/wrong-schema.onnx" 2>&1); then
    echo "FAIL: a model with feature schema version 999 was accepted"; exit 1
fi
echo "$msg" | grep -q "version 999" && echo "$msg" | grep -q "this build uses version" \
    || { echo "FAIL: schema mismatch message lacks both versions: $msg"; exit 1; }
# The journal loader: a SQLite file with the documented table, opened read-only; the model says where it came from.
"$PY" - "$OUT" <<'PYEOF'
import sqlite3, sys
sys.path.insert(0, "ml")
from dataset import generate, JOURNAL_TABLE
from schema import load_schema
out = sys.argv[1]
schema = load_schema(f"{out}/schema.json")
X, y, profit, _ = generate(schema, 3000, seed=3)
con = sqlite3.connect(f"{out}/journal.sqlite")
cols = ", ".join(f'"{n}" REAL' for n in schema.names)
con.execute(f"CREATE TABLE {JOURNAL_TABLE} ({cols}, label INTEGER, realized_profit_pct REAL)")
con.executemany(f"INSERT INTO {JOURNAL_TABLE} VALUES ({', '.join('?' * (len(schema) + 2))})",
                [tuple(map(float, r)) + (int(l), float(p)) for r, l, p in zip(X, y, profit)])
con.commit()
con.close()
PYEOF
chmod a-w "$OUT/journal.sqlite"
"$PY" ml/train.py --schema "$OUT/schema.json" --out "$OUT/from-journal" --journal "$OUT/journal.sqlite" --only logreg
"$BIN" model inspect --model "$OUT/from-journal/logreg.onnx" | grep -q "training_data_source = journal:" \
    || { echo "FAIL: journal-trained model does not name its data source"; exit 1; }
# Benchmark smoke (a debug build: numbers here mean nothing; run `swift build -c release` for real ones).
"$BIN" bench inference --model "$OUT/gbt.onnx" --rows 2000 --samples 2000 --passes 1
echo "inference: 1 passed, 0 failed"
