#!/usr/bin/env python3
"""Generates the benchmark tables: ROWS × 25 columns (20 numeric, 4 categorical with 5, 12, 25
and 50 levels, a binary label), 2% missing values, as CSV; and a drifted copy.

    python3 benchmarks/generate.py OUT_DIR [--rows 1000000] [--seed 1]

Writes OUT_DIR/base.csv and OUT_DIR/head.csv (head: a fresh sample with three numeric columns
shifted and one categorical re-weighted). Deterministic for a seed. Needs numpy.
"""
import argparse
import os

import numpy as np


def table(rows, rng, drift):
    cols = {}
    for j in range(20):
        shift = 0.3 if drift and j in (0, 7, 13) else 0.0
        scale = 1.0 + (0.2 if drift and j == 13 else 0.0)
        if j % 4 == 0:
            v = rng.normal(shift + j, scale, rows)
        elif j % 4 == 1:
            v = rng.lognormal(1 + shift, 0.5 * scale, rows)
        elif j % 4 == 2:
            v = rng.integers(0, 1000, rows).astype(float) + shift * 100
        else:
            v = rng.uniform(0, 1 + shift, rows)
        cols[f"x{j:02d}"] = v
    cats = {}
    for name, levels in (("c05", 5), ("c12", 12), ("c25", 25), ("c50", 50)):
        weights = np.linspace(1, 3, levels)
        if drift and name == "c12":
            weights = weights[::-1]
        cats[name] = rng.choice(levels, rows, p=weights / weights.sum())
    z = cols["x00"] * 0.1 + cols["x01"] * 0.3 - cols["x03"] + (cats["c05"] == 2) * 0.5
    label = (rng.random(rows) < 1 / (1 + np.exp(-(z - z.mean())))).astype(int)
    return cols, cats, label


def write(path, rows, rng, drift, append=False):
    """Writes `rows` rows to `path`; with append, adds them (without a header) to what is there."""
    cols, cats, label = table(rows, rng, drift)
    text = {}
    for name, v in cols.items():
        s = np.char.mod("%.6g", v).astype(object)
        s[rng.random(rows) < 0.02] = ""
        text[name] = s
    for name, v in cats.items():
        s = np.array([f"{name}_{k}" for k in range(v.max() + 1)], dtype=object)[v]
        s[rng.random(rows) < 0.02] = ""
        text[name] = s
    text["label"] = label.astype(str).astype(object)
    names = list(text)
    chunk = 100_000
    with open(path, "a" if append else "w") as f:
        if not append:
            f.write(",".join(names) + "\n")
        for start in range(0, rows, chunk):
            block = zip(*(text[n][start:start + chunk] for n in names))
            f.write("\n".join(",".join(r) for r in block) + "\n")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--only-base", action="store_true", help="write base.csv only (the memory benchmark needs one file)")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    write(os.path.join(a.out, "base.csv"), a.rows, np.random.default_rng(a.seed), drift=False)
    if not a.only_base:
        write(os.path.join(a.out, "head.csv"), a.rows, np.random.default_rng(a.seed + 1), drift=True)
