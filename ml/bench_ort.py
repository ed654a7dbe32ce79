"""onnxruntime side of `solarb bench inference`: single-row run() latency (p50/p99) and per-row cost in one batch
of all rows. Prints one JSON object. Threads default to 1 (the Swift evaluator is single-threaded; pass
--threads 0 for onnxruntime's default pool)."""
import argparse
import json
import time

import numpy as np
import onnxruntime as ort


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--samples", type=int, default=20000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    X = np.loadtxt(args.csv, delimiter=",", dtype=np.float32, ndmin=2)
    so = ort.SessionOptions()
    if args.threads > 0:
        so.intra_op_num_threads = args.threads
        so.inter_op_num_threads = 1
    sess = ort.InferenceSession(args.model, so, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    rows = [X[i:i + 1] for i in range(len(X))]
    for r in rows[:1000]:
        sess.run(None, {name: r})
    lat = np.empty(args.samples, dtype=np.int64)
    clock = time.perf_counter_ns
    for s in range(args.samples):
        r = rows[s % len(rows)]
        t0 = clock()
        sess.run(None, {name: r})
        lat[s] = clock() - t0
    lat.sort()
    sess.run(None, {name: X})
    # Batch cost in process CPU time (all threads), so other load on a shared machine does not inflate it.
    best = None
    for _ in range(args.repeats):
        t0 = time.process_time_ns()
        sess.run(None, {name: X})
        dt = time.process_time_ns() - t0
        best = dt if best is None else min(best, dt)
    print(json.dumps({
        "single_p50_ns": float(lat[len(lat) // 2]),
        "single_p99_ns": float(lat[min(len(lat) - 1, len(lat) * 99 // 100)]),
        "batch_per_row_ns": best / len(X),
        "batch": int(len(X)),
        "threads": args.threads,
        "onnxruntime": ort.__version__,
    }))


if __name__ == "__main__":
    main()
