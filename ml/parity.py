"""Parity: score ≥ 10,000 random and edge-case rows per model with onnxruntime and with the Swift evaluator
(`solarb model score`), then require identical labels and scores within 1e-5 (absolute).

Usage: python ml/parity.py --solarb .build/debug/solarb --schema out/ml/schema.json out/ml/*.onnx
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dataset import generate  # noqa: E402
from schema import load_schema  # noqa: E402
from train import ort_outputs  # noqa: E402

TOL = 1e-5


def tree_thresholds(model):
    """(feature, threshold) pairs of every tree split, for exact-threshold edge cases."""
    out = []
    for node in model.graph.node:
        if node.op_type.startswith("TreeEnsemble"):
            attrs = {a.name: a for a in node.attribute}
            feats = list(attrs["nodes_featureids"].ints)
            vals = list(attrs["nodes_values"].floats)
            modes = list(attrs["nodes_modes"].strings)
            out += [(f, v) for f, v, m in zip(feats, vals, modes) if m != b"LEAF"]
    return out


def make_rows(schema, model, n_random, seed):
    rng = np.random.default_rng(seed)
    F = len(schema)
    lo = np.array([f["typical_min"] for f in schema.features], dtype=np.float64)
    hi = np.array([f["typical_max"] for f in schema.features], dtype=np.float64)
    half = n_random // 2
    # Random: half from the market generator (realistic joint distribution), half uniform in 1.5× the typical box.
    Xg, _, _, _ = generate(schema, half, seed=seed + 1)
    span = hi - lo
    Xu = rng.uniform(lo - 0.25 * span, hi + 0.25 * span, size=(n_random - half, F)).astype(np.float32)
    edges = [np.zeros(F), lo, hi, lo - span, hi + span, np.full(F, 1e9), np.full(F, -1e9), np.full(F, 1e30),
             np.full(F, -1e30), np.full(F, np.finfo(np.float32).tiny), np.full(F, -0.0)]
    base = Xg[:50]
    for j in range(F):  # one feature at a time pushed to extremes, the rest realistic
        for v in (lo[j], hi[j], 0.0, 1e9, -1e9, np.inf, -np.inf):
            row = base[j % len(base)].astype(np.float64).copy()
            row[j] = v
            edges.append(row)
    # Exact tree thresholds and their float32 neighbours: the comparisons' boundary.
    th = tree_thresholds(model)
    if th:
        pick = rng.choice(len(th), size=min(len(th), 1500), replace=False)
        for k in pick:
            f, v = th[k]
            v32 = np.float32(v)
            for val in (v32, np.nextafter(v32, np.float32(np.inf)), np.nextafter(v32, np.float32(-np.inf))):
                row = Xg[k % len(Xg)].copy()
                row[f] = val
                edges.append(row.astype(np.float64))
    E = np.array(edges, dtype=np.float64)
    with np.errstate(over="ignore"):
        E = E.astype(np.float32)
    return np.vstack([Xg.astype(np.float32), Xu, E]), len(E)


def swift_scores(solarb, model_path, X):
    with tempfile.TemporaryDirectory() as d:
        inp, out = os.path.join(d, "rows.csv"), os.path.join(d, "out.csv")
        with open(inp, "w") as f:
            for row in X:
                f.write(",".join(repr(float(v)) for v in row) + "\n")
        subprocess.run([solarb, "model", "score", "--model", model_path, "--csv", inp, "--out", out], check=True)
        with open(out) as f:
            r = list(csv.reader(f))
    body = r[1:]
    assert all(row[-1] != "FAULT" for row in body), "Swift evaluator reported a fault"
    labels = np.array([int(row[0]) for row in body], dtype=np.int64)
    scores = np.array([[float(v) for v in row[1:]] for row in body], dtype=np.float32)
    return labels, scores


def abs_diff(a, b):
    """|a − b| with equal values (including equal infinities) and NaN vs NaN counted as 0; NaN vs number as inf."""
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    d = np.where(same, 0.0, d)
    return np.where(np.isnan(d), np.inf, d)


def compare(name, X, ort_l, ort_s, sw_l, sw_s):
    assert sw_s.shape == ort_s.shape, f"{name}: score shapes {sw_s.shape} vs {ort_s.shape}"
    diff = abs_diff(ort_s, sw_s)
    bad_scores = np.where(np.max(diff, axis=1) > TOL)[0]
    bad_labels = np.where(ort_l != sw_l)[0] if ort_l is not None else np.array([], dtype=int)
    return {
        "rows": int(len(X)),
        "max_abs_diff": float(np.max(diff)),
        "rows_over_tolerance": int(len(bad_scores)),
        "label_mismatches": int(len(bad_labels)),
        "first_bad_rows": sorted(set(bad_scores[:3].tolist() + bad_labels[:3].tolist())),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--solarb", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--random", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("models", nargs="+")
    args = ap.parse_args()
    schema = load_schema(args.schema)
    ok = True
    for path in args.models:
        name = os.path.basename(path)
        model = onnx.load(path)
        X, n_edge = make_rows(schema, model, args.random, args.seed)
        # Reference: onnxruntime scoring one row per run() with default session options — the configuration of a
        # per-decision gate. (A multi-threaded batch may add a row's tree sums in another order; reported below.)
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        singles = [ort_outputs(sess, X[i:i + 1]) for i in range(len(X))]
        ort_l = None if singles[0][0] is None else np.concatenate([l for l, _ in singles])
        ort_s = np.vstack([s for _, s in singles])
        batch_l, batch_s = ort_outputs(sess, X)
        sw_l, sw_s = swift_scores(args.solarb, path, X)
        if ort_l is None:
            sw_l = None
        res = compare(name, X, ort_l, ort_s, sw_l, sw_s)
        res["edge_rows"] = n_edge
        res["info_max_abs_diff_vs_ort_batch"] = float(np.max(abs_diff(batch_s, sw_s)))
        res["info_label_mismatches_vs_ort_batch"] = 0 if batch_l is None else int(np.sum(batch_l != sw_l))
        passed = res["rows_over_tolerance"] == 0 and res["label_mismatches"] == 0
        ok &= passed
        print(f"[parity] {name}: {'PASS' if passed else 'FAIL'} {json.dumps(res)}")
        for i in res["first_bad_rows"]:
            print(f"  row {i}: x={X[i].tolist()}\n    ort label={None if ort_l is None else ort_l[i]} "
                  f"scores={ort_s[i].tolist()}\n    swift label={None if sw_l is None else sw_l[i]} "
                  f"scores={sw_s[i].tolist()}")
    print(f"parity: {sum(1 for _ in args.models) if ok else 0} passed, {0 if ok else 'some'} failed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
