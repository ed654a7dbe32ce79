"""Labelled opportunities for training.

Two sources, and a model always records which one trained it (ONNX metadata `solarb.training_data_source`):
- `load_journal(path, schema)`: the bot's journal (SQLite), opened READ-ONLY. The journal does not exist yet; when
  it does, it must provide a table `ai_training_rows` with one column per schema feature (same names) plus
  `label` (1 = the trade landed and realized a profit) and `realized_profit_pct` (realized profit in % of input, clipped to ±5).
- `generate(schema, n, seed)`: a synthetic market generator that fills the schema's features with plausible,
  correlated values and draws outcomes from a hidden process. It knows how to simulate the features it has
  names for; any other schema feature is drawn uniformly from its typical range (and reported).
"""
import sqlite3

import numpy as np


JOURNAL_TABLE = "ai_training_rows"


def load_journal(path, schema):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({JOURNAL_TABLE})")]
        if not cols:
            raise SystemExit(f"{path}: no table {JOURNAL_TABLE}; the journal does not provide training rows yet")
        missing = [n for n in schema.names + ["label", "realized_profit_pct"] if n not in cols]
        if missing:
            raise SystemExit(f"{path}: {JOURNAL_TABLE} lacks columns {missing} (feature schema v{schema.version})")
        q = ", ".join(f'"{n}"' for n in schema.names + ["label", "realized_profit_pct"])
        rows = np.array(con.execute(f"SELECT {q} FROM {JOURNAL_TABLE}").fetchall(), dtype=np.float64)
    finally:
        con.close()
    X = rows[:, : len(schema)].astype(np.float32)
    return X, rows[:, len(schema)].astype(np.int64), rows[:, len(schema) + 1].astype(np.float32), f"journal:{path}"


def _log_uniform(rng, lo, hi, n):
    return np.exp(rng.uniform(np.log(lo), np.log(hi), n))


def generate(schema, n, seed=7):
    """Returns (X float32 [n, F], label int64 [n], realized_profit_pct float32 [n], source description)."""
    rng = np.random.default_rng(seed)
    cols = {}
    cycle = rng.choice([2, 3, 4], size=n, p=[0.55, 0.35, 0.10]).astype(np.float64)
    cols["cycle_length"] = cycle
    kinds = rng.choice([1, 2, 3], size=(n, 3), p=[0.4, 0.4, 0.2]).astype(np.float64)
    kinds[:, 2] = np.where(cycle >= 3, kinds[:, 2], 0)
    cols["leg0_venue_kind"], cols["leg1_venue_kind"], cols["leg2_venue_kind"] = kinds[:, 0], kinds[:, 1], kinds[:, 2]
    size = _log_uniform(rng, 0.01, 500, n)
    cols["input_size_sol"] = size
    depth = _log_uniform(rng, 1, 1e5, (n, 3))
    depth[:, 2] = np.where(cycle >= 3, depth[:, 2], 0)
    cols["leg0_depth_sol"], cols["leg1_depth_sol"], cols["leg2_depth_sol"] = depth[:, 0], depth[:, 1], depth[:, 2]
    min_depth = np.where(cycle >= 3, depth.min(axis=1), depth[:, :2].min(axis=1))
    ratio = np.clip(size / min_depth, 0, 10)
    cols["min_depth_ratio"] = ratio
    vol = rng.gamma(2.0, 40.0, n)
    cols["volatility_bps"] = vol
    max_age = np.minimum(rng.geometric(0.15, n) - 1, 64).astype(np.float64)
    cols["max_pool_age_slots"] = max_age
    cols["mean_pool_age_slots"] = max_age * rng.uniform(0.3, 1.0, n)
    spread = rng.normal(15, 30, n) + rng.exponential(25, n) * (rng.random(n) < 0.3)
    cols["spread_bps"] = spread
    fee_bps = np.choose(kinds.astype(int), [0, 25, 5, 10], mode="clip").sum(axis=1)
    impact_bps = ratio * 5000
    exp_bps = spread - fee_bps * 0.2 - impact_bps
    cols["expected_profit_bps"] = exp_bps
    prio = _log_uniform(rng, 1, 1e6, n)
    cols["priority_fee_level"] = prio
    cu = np.minimum(1.4e6, 1e5 * cycle + rng.uniform(0, 2e5, n))
    cols["compute_units"] = np.round(cu)
    tip = _log_uniform(rng, 1e3, 1e7, n)
    cols["tip_lamports"] = tip
    cost_lamports = tip + prio * cu / 1e6
    cols["expected_profit_lamports"] = exp_bps / 1e4 * size * 1e9 - cost_lamports
    phase = rng.integers(0, 4, n).astype(np.float64)
    cols["leader_slot_phase"] = phase
    land_rate = rng.beta(4, 3, n)
    cols["recent_land_rate"] = land_rate

    X = np.zeros((n, len(schema)), dtype=np.float32)
    unknown = []
    for f in schema.features:
        if f["name"] in cols:
            X[:, f["index"]] = cols[f["name"]]
        else:
            unknown.append(f["name"])
            X[:, f["index"]] = rng.uniform(f["typical_min"], f["typical_max"], n)
    if unknown:
        print(f"[dataset] generator has no model for {unknown}; drew them uniformly from their typical ranges")

    # Hidden outcome process: staleness × volatility erodes the quoted edge; fees and tips compete for landing.
    decay_bps = 0.08 * vol * np.sqrt(1 + cols["mean_pool_age_slots"])
    realized_bps = exp_bps - decay_bps + rng.normal(0, 6, n)
    p_land = 1 / (1 + np.exp(-(2.5 * land_rate - 1.0 + 0.25 * np.log10(prio + 1) + 0.12 * np.log10(tip)
                                - 0.3 * (phase == 3) - 1.2)))
    landed = rng.random(n) < p_land
    label = (landed & (realized_bps > 0)).astype(np.int64)
    realized_pct = np.where(landed, realized_bps / 100.0, -cost_lamports / (size * 1e9) * 100)
    # Clipped to ±5 % of input: the regressor's job is the plausible range, not the tails (and O(1) values keep
    # float32 parity meaningful at 1e-5 absolute).
    realized_pct = np.clip(realized_pct, -5.0, 5.0).astype(np.float32)
    return X, label, realized_pct, f"synthetic-generator (seed {seed}, {n} rows; no journal exists yet)"
