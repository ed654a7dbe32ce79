"""Train SolArb's AI-gate models, export them to ONNX with the feature-schema version in metadata, and check
each exported model with onnxruntime against scikit-learn.

Usage: python ml/train.py --schema out/ml/schema.json --out out/ml [--rows 40000] [--journal path.sqlite]
Writes: logreg.onnx, gbt.onnx (100 trees, depth 6), mlp.onnx, gbr.onnx (regressor), linreg.onnx (regressor).
"""
import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import onnx
import onnxruntime as ort
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dataset import generate, load_journal  # noqa: E402
from schema import load_schema  # noqa: E402

# ai.onnx.ml opset 3 keeps TreeEnsembleClassifier/Regressor (opset 5 would switch to the newer TreeEnsemble).
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}


def build_models(gbt_trees, gbt_depth):
    return {
        "logreg": ("classifier", make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)), {"zipmap": True}),
        "gbt": ("classifier", GradientBoostingClassifier(n_estimators=gbt_trees, max_depth=gbt_depth,
                                                         random_state=0), {"zipmap": False}),
        "mlp": ("classifier", make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(32, 16),
                                                                            max_iter=300, random_state=0)),
                {"zipmap": True}),
        "gbr": ("regressor", GradientBoostingRegressor(n_estimators=100, max_depth=4, random_state=0), None),
        "linreg": ("regressor", make_pipeline(StandardScaler(), LinearRegression()), None),
    }


def export(name, kind, est, options, schema, source, n_features):
    opts = {id(est): options} if options else None
    if options and hasattr(est, "steps"):
        opts = {id(est.steps[-1][1]): options}
    model = to_onnx(est, initial_types=[("features", FloatTensorType([None, n_features]))],
                    options=opts, target_opset=TARGET_OPSET)
    meta = {
        schema.metadata_key: str(schema.version),
        schema.data_source_key: source,
        "solarb.model_kind": f"{name} ({kind})",
        "solarb.feature_names": ",".join(schema.names),
    }
    for k, v in meta.items():
        p = model.metadata_props.add()
        p.key, p.value = k, v
    onnx.checker.check_model(model)
    return model


def ort_outputs(sess, X):
    """(labels or None, scores [n, k]) from an onnxruntime session, whatever the output form (ZipMap or tensor)."""
    outs = sess.run(None, {sess.get_inputs()[0].name: X})
    labels, scores = None, None
    for o in outs:
        if isinstance(o, list):  # ZipMap: list of {label: prob}
            keys = sorted(o[0].keys())
            scores = np.array([[d[k] for k in keys] for d in o], dtype=np.float32)
        elif o.dtype == np.int64:
            labels = o.reshape(-1)
        elif scores is None:
            scores = o.reshape(len(X), -1).astype(np.float32)
    return labels, scores


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", help="schema JSON (default: run `solarb features schema`)")
    ap.add_argument("--solarb", default="solarb")
    ap.add_argument("--out", required=True)
    ap.add_argument("--rows", type=int, default=40000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--journal", help="journal SQLite (read-only); default: the synthetic generator")
    ap.add_argument("--gbt-trees", type=int, default=100)
    ap.add_argument("--gbt-depth", type=int, default=6)
    ap.add_argument("--only", help="comma-separated subset of models")
    args = ap.parse_args()

    schema = load_schema(args.schema, args.solarb)
    if args.journal:
        X, y, profit, source = load_journal(args.journal, schema)
    else:
        X, y, profit, source = generate(schema, args.rows, args.seed)
    n_train = int(len(X) * 0.8)
    print(f"[train] schema v{schema.version}, {len(schema)} features; data: {source}; positives {y.mean():.3f}")
    os.makedirs(args.out, exist_ok=True)
    models = build_models(args.gbt_trees, args.gbt_depth)
    only = set(args.only.split(",")) if args.only else None
    report = {}
    for name, (kind, est, options) in models.items():
        if only and name not in only:
            continue
        t0 = time.time()
        target = y if kind == "classifier" else profit
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X[:n_train], target[:n_train])
        model = export(name, kind, est, options, schema, source, len(schema))
        path = os.path.join(args.out, f"{name}.onnx")
        onnx.save(model, path)
        # Check: onnxruntime vs scikit-learn on the held-out rows.
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        Xt = X[n_train:]
        labels, scores = ort_outputs(sess, Xt)
        if kind == "classifier":
            ref = est.predict_proba(Xt)
            diff = float(np.max(np.abs(ref - scores)))
            agree = float(np.mean(labels == est.predict(Xt)))
            acc = float(np.mean(labels == y[n_train:]))
            ok = diff < 1e-3 and agree > 0.999
            info = {"max_abs_diff_vs_sklearn": diff, "label_agreement_vs_sklearn": agree, "test_accuracy": acc}
        else:
            ref = est.predict(Xt)
            diff = float(np.max(np.abs(ref - scores[:, 0])))
            ok = diff < 1e-3 * max(1.0, float(np.max(np.abs(ref))))
            rmse = float(np.sqrt(np.mean((scores[:, 0] - profit[n_train:]) ** 2)))
            info = {"max_abs_diff_vs_sklearn": diff, "test_rmse": rmse}
        ops = sorted({(n.domain or "ai.onnx") + "::" + n.op_type for n in model.graph.node})
        info.update({"ops": ops, "seconds": round(time.time() - t0, 1), "path": path, "ok": ok})
        report[name] = info
        print(f"[train] {name}: {json.dumps(info)}")
        if not ok:
            print(f"[train] {name}: onnxruntime disagrees with scikit-learn", file=sys.stderr)
            sys.exit(1)
    with open(os.path.join(args.out, "train-report.json"), "w") as f:
        json.dump({"data_source": source, "schema_version": schema.version, "models": report}, f, indent=2)


if __name__ == "__main__":
    main()
