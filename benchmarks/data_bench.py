#!/usr/bin/env python3
"""Data-validation benchmark: mlgate against pandas and polars on the same files, in one run.

    pip install numpy scipy pandas polars
    python3 benchmarks/data_bench.py [--rows 1000000] [--dir /tmp/mlgate-bench] [--jobs 2]

Generates (once) a ROWS x 25 CSV and a drifted copy (benchmarks/generate.py), then times, for
each tool, reading both files, profiling every column (nulls, mean, std, min, max, 7 quantiles,
distinct count; value counts for categoricals) and drift (PSI per column as SPEC section 3
defines it, KS for numeric columns, chi-square for categorical ones). pandas and polars have no
KS or chi-square of their own, so their lanes use scipy, as their users do. Each lane runs in its
own process so its peak memory is its own. Prints seconds, ratios (peer / mlgate), peak memory,
and MB/s next to the raw speed of reading the same bytes.
"""
import argparse
import json
import os
import subprocess
import sys
import time

from lanes import arguments, mlgate_bench, run

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]


def psi(b, h):
    import numpy as np
    edges = np.unique(np.quantile(b, np.arange(1, 10) / 10))
    pb = np.bincount(np.searchsorted(edges, b, side="left"), minlength=len(edges) + 1) / len(b)
    ph = np.bincount(np.searchsorted(edges, h, side="left"), minlength=len(edges) + 1) / len(h)
    pb, ph = np.maximum(pb, 1e-4), np.maximum(ph, 1e-4)
    return float(np.sum((ph - pb) * np.log(ph / pb)))


def categorical_drift(b_counts, h_counts):
    import numpy as np
    from scipy import stats
    levels = sorted(set(b_counts) | set(h_counts))
    b = np.array([b_counts.get(l, 0) for l in levels], float)
    h = np.array([h_counts.get(l, 0) for l in levels], float)
    stats.chi2_contingency(np.vstack([b, h]), correction=False)
    pb, ph = np.maximum(b / b.sum(), 1e-4), np.maximum(h / h.sum(), 1e-4)
    return float(np.sum((ph - pb) * np.log(ph / pb)))


def drift(numeric, categorical, values, counts):
    """PSI, KS and chi-square for every column, as both peers' users would compute them."""
    from scipy import stats
    drifted = []
    for name in numeric:
        b, h = values(name)
        stats.ks_2samp(b, h, method="asymp")
        if psi(b, h) >= 0.1:
            drifted.append(name)
    for name in categorical:
        if categorical_drift(counts[0][name], counts[1][name]) >= 0.1:
            drifted.append(name)
    return drifted


def lane_pandas(base, head):
    import pandas as pd
    t = time.perf_counter()
    frames = [pd.read_csv(p, engine="c") for p in (base, head)]
    parse = time.perf_counter() - t
    # The profile as a pandas user writes it: describe() with the quantiles, nunique, value_counts.
    t = time.perf_counter()
    numeric = [c for c in frames[0].columns if frames[0][c].dtype.kind in "fi"]
    categorical = [c for c in frames[0].columns if c not in numeric]
    counts = []
    for f in frames:
        f[numeric].describe(percentiles=QUANTILES)
        f[numeric].isna().sum()
        f.nunique()
        counts.append({c: f[c].value_counts().to_dict() for c in categorical})
    profile = time.perf_counter() - t
    t = time.perf_counter()
    drifted = drift(numeric, categorical, lambda name: [f[name].dropna().to_numpy() for f in frames], counts)
    return parse, profile, time.perf_counter() - t, drifted


def lane_polars(base, head):
    import polars as pl
    t = time.perf_counter()
    frames = [pl.read_csv(p) for p in (base, head)]
    parse = time.perf_counter() - t
    # The profile as a polars user writes it: one select of every aggregate, run in parallel.
    t = time.perf_counter()
    numeric = [c for c in frames[0].columns if frames[0][c].dtype.is_numeric()]
    categorical = [c for c in frames[0].columns if c not in numeric]
    counts = []
    for f in frames:
        exprs = []
        for c in numeric:
            col = pl.col(c)
            exprs += [col.null_count().alias(f"{c}_n"), col.mean().alias(f"{c}_mean"), col.std().alias(f"{c}_std"),
                      col.min().alias(f"{c}_min"), col.max().alias(f"{c}_max"), col.n_unique().alias(f"{c}_u")]
            exprs += [col.quantile(q, interpolation="linear").alias(f"{c}_q{q}") for q in QUANTILES]
        exprs += [pl.col(c).null_count().alias(f"{c}_n") for c in categorical]
        exprs += [pl.col(c).n_unique().alias(f"{c}_u") for c in categorical]
        f.select(exprs)
        per = {}
        for c in categorical:
            vc = f[c].drop_nulls().value_counts()
            per[c] = dict(zip(vc[c].to_list(), vc["count"].to_list()))
        counts.append(per)
    profile = time.perf_counter() - t
    t = time.perf_counter()
    drifted = drift(numeric, categorical, lambda name: [f[name].drop_nulls().to_numpy() for f in frames], counts)
    return parse, profile, time.perf_counter() - t, drifted


def child(lane, base, head):
    parse, profile, drift, drifted = {"pandas": lane_pandas, "polars": lane_polars}[lane](base, head)
    print(json.dumps({"parse_seconds": parse, "profile_drift_seconds": profile + drift, "profile_seconds": profile,
                      "drift_seconds": drift, "drifted": drifted}))


def main():
    p = arguments()
    p.add_argument("--memory-rows", type=int, default=4_000_000,
                   help="also profile a file this long as a stream, to show memory that does not grow with rows (0: skip)")
    p.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        return child(*a.child)

    data = os.path.join(a.dir, f"{a.rows}")
    base, head = os.path.join(data, "base.csv"), os.path.join(data, "head.csv")
    if not os.path.exists(head):
        print(f"generating {a.rows} rows into {data} …", file=sys.stderr)
        subprocess.check_call([sys.executable, os.path.join(HERE, "generate.py"), data, "--rows", str(a.rows)])
    bench = mlgate_bench()

    size = os.path.getsize(base) + os.path.getsize(head)
    for path in (base, head):  # warm the page cache
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass
    t = time.perf_counter()
    for path in (base, head):
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass
    raw = time.perf_counter() - t

    env = dict(os.environ, POLARS_MAX_THREADS=str(a.jobs), OMP_NUM_THREADS=str(a.jobs), OPENBLAS_NUM_THREADS=str(a.jobs))
    results = {
        "mlgate": run([bench, "data", base, head, "--jobs", str(a.jobs)]),
        "polars": run([sys.executable, __file__, "--child", "polars", base, head], env),
        "pandas": run([sys.executable, __file__, "--child", "pandas", base, head], env),
    }
    mb = size / 1e6
    print(f"\n{a.rows:,} rows x 25 columns, two files, {mb:.0f} MB; {a.jobs} threads; raw read {raw:.3f} s ({mb / raw:,.0f} MB/s)\n")
    print(f"{'tool':8} {'parse s':>8} {'profile+drift s':>16} {'total s':>8} {'MB/s':>7} {'peak MB':>8} {'total vs mlgate':>16}")
    ours = results["mlgate"]
    ours_total = ours["parse_seconds"] + ours["profile_drift_seconds"]
    for name, r in results.items():
        total = r["parse_seconds"] + r["profile_drift_seconds"]
        print(f"{name:8} {r['parse_seconds']:8.3f} {r['profile_drift_seconds']:16.3f} {total:8.3f} {mb / r['parse_seconds']:7.0f} "
              f"{r['peak_rss_mb']:8.0f} {total / ours_total:15.2f}x")
    print("\nratios are the peer's time over mlgate's (above 1: mlgate is faster).")
    print("drifted columns (PSI >= 0.1): " + "; ".join(f"{n}: {','.join(r['drifted'])}" for n, r in results.items()))
    p_split = "; ".join(f"{n}: profile {r['profile_seconds']:.3f} s + drift {r['drift_seconds']:.3f} s"
                        for n, r in results.items() if "drift_seconds" in r)
    print(f"peers' split (their drift is scipy's KS and chi-square): {p_split}")

    if a.memory_rows:
        big = os.path.join(a.dir, f"{a.memory_rows}-base")
        if not os.path.exists(os.path.join(big, "base.csv")):
            print(f"generating {a.memory_rows} rows into {big} …", file=sys.stderr)
            subprocess.check_call([sys.executable, os.path.join(HERE, "generate.py"), big, "--rows", str(a.memory_rows), "--only-base"])
        print("\nstreaming profile (mlgate-bench profile: one pass, sketches past 65,536 values a column):")
        for path in (base, os.path.join(big, "base.csv")):
            r = run([bench, "profile", path, "--jobs", str(a.jobs)])
            print(f"  {r['rows']:>10,} rows  {os.path.getsize(path) / 1e6:6.0f} MB  {r['seconds']:6.2f} s  peak {r['peak_rss_mb']:5.0f} MB"
                  f"  (rank error {r['first_column']['rank_error']:.4f})")


if __name__ == "__main__":
    main()
