"""Regenerates the tiny ONNX models committed under Tests/ArbInferenceTests/Resources/models (a few KB each) and
the onnxruntime outputs they must reproduce (expected.json), so `swift test` checks real skl2onnx output against
onnxruntime without Python. Usage: python ml/make_test_models.py --schema out/ml/schema.json --out DIR"""
import argparse
import json
import os
import sys
import warnings

import numpy as np
import onnx
import onnxruntime as ort
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dataset import generate  # noqa: E402
from schema import load_schema  # noqa: E402
from train import export, ort_outputs  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    schema = load_schema(args.schema)
    X, y, profit, source = generate(schema, 3000, seed=11)
    source = "synthetic-generator (tiny test model; seed 11, 3000 rows)"
    models = {
        "tiny_gbt": ("classifier", GradientBoostingClassifier(n_estimators=6, max_depth=3, random_state=0),
                     {"zipmap": False}),
        "tiny_logreg": ("classifier", make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)),
                        {"zipmap": True}),
        "tiny_mlp": ("classifier", make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(6,),
                                                                                max_iter=50, random_state=0)),
                     {"zipmap": True}),
        "tiny_gbr": ("regressor", GradientBoostingRegressor(n_estimators=6, max_depth=3, random_state=0), None),
    }
    os.makedirs(args.out, exist_ok=True)
    rows, _, _, _ = generate(schema, 40, seed=12)
    expected = {"rows": rows.astype(float).tolist(), "models": {}}
    for name, (kind, est, options) in models.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y if kind == "classifier" else profit)
        model = export(name, kind, est, options, schema, source, len(schema))
        path = os.path.join(args.out, f"{name}.onnx")
        onnx.save(model, path)
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        out = [ort_outputs(sess, rows[i:i + 1]) for i in range(len(rows))]
        expected["models"][name] = {
            "labels": None if out[0][0] is None else [int(l[0]) for l, _ in out],
            "scores": [s[0].astype(float).tolist() for _, s in out],
        }
        print(f"{name}: {os.path.getsize(path)} bytes")
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f)


if __name__ == "__main__":
    main()
