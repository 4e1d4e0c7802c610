#!/usr/bin/env python3
"""`mlgate check` itself, end to end, next to polars, pandas and pandas + LightGBM doing the same
work in one run (#15).

    pip install numpy scipy pandas polars scikit-learn lightgbm
    python3 benchmarks/check_bench.py [--rows 1000000] [--holdout-rows 250000] [--runs 1]

Builds, once, a real git repository whose main holds a ROWS x 25 train.csv and a holdout.csv, and
two pull requests against that main: PR 1 replaces both files with a drifted fresh sample, PR 2 is
PR 1 with its last thousand training rows dropped (another blob, the same main). Then times, each
in its own process:

- `mlgate check --only data-validation`, `--only model-evaluation`, and every plugin, each
  cold (an empty cache) on PR 1 and warm on PR 2 (the cache PR 1's run left: main's side is
  cached, head's is not, as for the second PR against an unchanged main);
- polars and pandas reading the same four files from disk and computing the statistics data
  validation reports (per-column nulls, min, max, distinct counts and category counts, PSI on
  the baseline's deciles, KS with scipy, chi-square with scipy, duplicate rows, holdout rows
  found in train);
- pandas + LightGBM reading them, fitting a model on each side's train with mlgate's settings
  (100 trees, 31 leaves, 255 bins, learning rate 0.1) and scoring head's holdout with both
  (AUC, accuracy, F1, log loss with scikit-learn).

A run is --repeat (3) rounds, each timing every peer lane once and then every mlgate lane once;
a ratio (mlgate / peer: below 1 means mlgate is faster) is the median of the rounds' own ratios,
so that a slow spell on a shared host (the same lane varied by 40% within minutes here) counts
on both sides of the ratio it falls in. Prints median wall times, the ratios, peak memory, where
mlgate's time went (from its `-v` log) and whether the issue's targets are met. Cached and
uncached reports are compared apart from durations.
"""
import argparse
import json
from statistics import median
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from lanes import PeakMemory
from data_bench import drift   # PSI on the baseline's deciles, KS and chi-square with scipy, as data_bench times them

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CONFIG = """version: 1
task: binary
target: label
positive: "1"
seed: 42
data:
  train: data/train.csv
  holdout: data/holdout.csv
features:
  categorical: [c05, c12, c25, c50]
"""
CATEGORICAL = ["c05", "c12", "c25", "c50"]
TARGETS = {  # (mlgate run, peer, cache state): the most mlgate / peer may be
    ("data-validation", "polars", "cold"): 0.5,
    ("data-validation", "polars", "warm"): 0.25,
    ("model-evaluation", "pandas + LightGBM", "cold"): 0.7,
    ("model-evaluation", "pandas + LightGBM", "warm"): 0.4,
}


# ---------------------------------------------------------------- peers (each in a child process)

def lane_polars(files):
    import polars as pl
    base, head, base_holdout, head_holdout = [pl.read_csv(p) for p in files]
    numeric = [c for c in base.columns if base[c].dtype.is_numeric() and c != "label"]
    categorical = [c for c in base.columns if c not in numeric]
    counts = []
    for f in (base, head):
        exprs = []
        for c in numeric:
            col = pl.col(c)
            exprs += [col.null_count().alias(f"{c}_n"), col.min().alias(f"{c}_min"), col.max().alias(f"{c}_max"),
                      col.n_unique().alias(f"{c}_u"), col.mean().alias(f"{c}_mean")]
        exprs += [pl.col(c).null_count().alias(f"{c}_n") for c in categorical]
        f.select(exprs)
        per = {}
        for c in categorical:
            vc = f[c].drop_nulls().value_counts()
            per[c] = dict(zip(vc[c].to_list(), vc["count"].to_list()))
        counts.append(per)
    moved = drift(numeric, categorical, lambda n: [f[n].drop_nulls().to_numpy() for f in (base, head)], counts)
    duplicates = int(head.is_duplicated().sum())
    leaked = int(head_holdout.hash_rows().is_in(head.hash_rows()).sum())
    for f, h in ((base, base_holdout),):  # the baseline's own leakage, as mlgate reports it beside head's
        int(h.hash_rows().is_in(f.hash_rows()).sum())
    return {"drifted": moved, "duplicates": duplicates, "leaked": leaked}


def lane_pandas(files):
    import pandas as pd
    base, head, base_holdout, head_holdout = [pd.read_csv(p, engine="c") for p in files]
    numeric = [c for c in base.columns if base[c].dtype.kind in "fi" and c != "label"]
    categorical = [c for c in base.columns if c not in numeric]
    counts = []
    for f in (base, head):
        f[numeric].isna().sum()
        f[numeric].min()
        f[numeric].max()
        f[numeric].mean()
        f.nunique()
        counts.append({c: f[c].value_counts().to_dict() for c in categorical})
    moved = drift(numeric, categorical, lambda n: [f[n].dropna().to_numpy() for f in (base, head)], counts)
    duplicates = int(head.duplicated().sum())
    train_hashes = set(pd.util.hash_pandas_object(head, index=False))
    leaked = int(pd.util.hash_pandas_object(head_holdout, index=False).isin(train_hashes).sum())
    base_hashes = set(pd.util.hash_pandas_object(base, index=False))
    int(pd.util.hash_pandas_object(base_holdout, index=False).isin(base_hashes).sum())
    return {"drifted": moved, "duplicates": duplicates, "leaked": leaked}


def lane_lightgbm(files, jobs):
    import lightgbm as lgb
    import numpy as np
    import pandas as pd
    from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score
    base, head, _, head_holdout = [pd.read_csv(p, engine="c") for p in files]
    for f in (base, head, head_holdout):
        for c in CATEGORICAL:
            f[c] = f[c].astype("category")
    features = [c for c in base.columns if c != "label"]
    scores = {}
    for side, train in (("baseline", base), ("candidate", head)):
        model = lgb.LGBMClassifier(n_estimators=100, num_leaves=31, max_bin=255, learning_rate=0.1, min_child_samples=20,
                                   reg_lambda=0.0, min_child_weight=1e-3, n_jobs=jobs, verbose=-1)
        model.fit(train[features], train["label"], categorical_feature=CATEGORICAL)
        scores[side] = model.predict_proba(head_holdout[features])[:, 1]
    y = head_holdout["label"].to_numpy()
    out = {}
    for side, s in scores.items():
        out[side] = {"auc": roc_auc_score(y, s), "accuracy": accuracy_score(y, s >= 0.5), "f1": f1_score(y, s >= 0.5),
                     "log_loss": log_loss(y, np.clip(s, 1e-15, 1 - 1e-15))}
    return out


def child(lane, files, jobs):
    result = {"polars": lambda: lane_polars(files), "pandas": lambda: lane_pandas(files),
              "pandas + LightGBM": lambda: lane_lightgbm(files, jobs)}[lane]()
    print(json.dumps(result))


# ---------------------------------------------------------------- the repository

def generate(directory, rows, seed):
    if not os.path.exists(os.path.join(directory, "head.csv")):
        print(f"generating {rows:,} rows into {directory} …", file=sys.stderr)
        subprocess.check_call([sys.executable, os.path.join(HERE, "generate.py"), directory, "--rows", str(rows), "--seed", str(seed)])
    return os.path.join(directory, "base.csv"), os.path.join(directory, "head.csv")


def scenario(work, name, base_files, head_files):
    directory = os.path.join(work, "scenarios", name)
    shutil.rmtree(directory, ignore_errors=True)
    for side, (train, holdout) in (("base", base_files), ("head", head_files)):
        os.makedirs(os.path.join(directory, side, "data"))
        with open(os.path.join(directory, side, "mlgate.yml"), "w") as f:
            f.write(CONFIG)
        for source, target in ((train, "train.csv"), (holdout, "holdout.csv")):
            destination = os.path.join(directory, side, "data", target)
            if isinstance(source, str):
                shutil.copy(source, destination)
            else:
                with open(destination, "w") as f:
                    f.write(source())
    with open(os.path.join(directory, "scenario.json"), "w") as f:
        f.write('{"description": "%s", "expect": {"exit": 0, "checks": {}}}\n' % name)
    repo = os.path.join(work, "repos", name)
    shutil.rmtree(repo, ignore_errors=True)
    subprocess.check_call([os.path.join(ROOT, ".build/release/mlgate-fixture"), directory, repo], stdout=subprocess.DEVNULL)
    return repo


def warm_page_cache(path):
    for folder, _, names in os.walk(path):
        for name in names:
            with open(os.path.join(folder, name), "rb") as f:
                while f.read(1 << 24):
                    pass


# ---------------------------------------------------------------- running

def timed(command, cwd=None, env=None, log=None):
    start = time.perf_counter()
    err = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=err)
    memory = PeakMemory(proc.pid)
    out = proc.stdout.read()
    peak = memory.peak_mb()
    _, status, _ = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, peak, status >> 8, out


def breakdown(log):
    """Where mlgate's time went, from the `-v` log's step lines."""
    text = open(log).read()
    read = sum(float(s) for s in re.findall(r"^read \w+ \w+ \S+: .* in ([\d.]+) s, ", text, re.M))
    parse = sum(float(s) for s in re.findall(r"parsed in ([\d.]+) s", text))
    parts = {"read": read, "parse": parse}
    # Two fits side by side took the longer one's time, not both.
    together = [float(s) for s in re.findall(r"^model: \w+ model trained [^\n]* in ([\d.]+) s, the two fits side by side", text, re.M)]
    text = re.sub(r"^model: \w+ model trained [^\n]*, the two fits side by side[^\n]*\n", "", text, flags=re.M)
    if together:
        parts["train"] = max(together)
    for name, pattern in (("train", r"^model: (?:candidate|baseline) model (?:trained|reused)[^\n]* in ([\d.]+) s"),
                          ("score", r"^model: scored [^\n]* in ([\d.]+) s"),
                          ("bootstrap", r"^model-evaluation: bootstrap [^\n]* in ([\d.]+) s"),
                          ("profile", r"^data-validation: (?:profiles|baseline profile)[^\n]* in ([\d.]+) s")):
        found = re.findall(pattern, text, re.M)
        if found:
            parts[name] = parts.get(name, 0) + sum(float(s) for s in found)
    plugins = {m.group(1): float(m.group(2)) for m in re.finditer(r"^([\w-]+): \d+ checks in ([\d.]+) s", text, re.M)}
    return parts, plugins


def stripped(report):
    """A JSON report without what may differ between a cached and an uncached run."""
    def walk(value):
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items() if k not in ("duration_seconds", "command")}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value
    return walk(report)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--holdout-rows", type=int, default=250_000)
    p.add_argument("--dir", default="/tmp/mlgate-bench")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--runs", type=int, default=1, help="repeat the whole comparison (the targets must hold in each)")
    p.add_argument("--repeat", type=int, default=3,
                   help="time every lane, mlgate's and the peers', this many times within a run and take each one's median")
    p.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        return child(a.child[0], a.child[1:5], int(a.child[5]))

    work = os.path.join(a.dir, "check")
    os.makedirs(work, exist_ok=True)
    base, head = generate(os.path.join(a.dir, f"{a.rows}"), a.rows, 1)
    base_holdout, head_holdout = generate(os.path.join(a.dir, f"{a.holdout_rows}-holdout"), a.holdout_rows, 11)
    for product in ("mlgate", "mlgate-fixture"):
        subprocess.check_call(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, stdout=subprocess.DEVNULL)
    mlgate = os.path.join(ROOT, ".build/release/mlgate")

    def shortened():
        with open(head) as f:
            lines = f.read().split("\n")
        return "\n".join(lines[:-1001]) + "\n"

    pr1 = scenario(work, "pr1", (base, base_holdout), (head, head_holdout))
    pr2 = scenario(work, "pr2", (base, base_holdout), (shortened, head_holdout))
    for repo in (pr1, pr2):
        warm_page_cache(repo)
    files = [base, head, base_holdout, head_holdout]
    for path in files:  # the peers read from the page cache, as mlgate reads git's objects from it
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass
    size = sum(os.path.getsize(f) for f in files) / 1e6
    env = dict(os.environ, POLARS_MAX_THREADS=str(a.jobs), OMP_NUM_THREADS=str(a.jobs), OPENBLAS_NUM_THREADS=str(a.jobs))

    print(f"{a.rows:,} rows x 25 columns (train) and {a.holdout_rows:,} (holdout) at each side, {size:.0f} MB of CSV in git; "
          f"{a.jobs} threads")
    met_every_run = True
    peer_lanes = ("polars", "pandas", "pandas + LightGBM")
    selections = ("data-validation", "model-evaluation", "all")
    for run in range(a.runs):
        # Rounds: every peer lane once, then every mlgate lane once, --repeat times. A ratio is
        # the median of each round's own ratio, so that a slow minute on a shared host (one
        # lane's repetitions varied by 40% here) weighs on both sides of it.
        peer_runs = {lane: [] for lane in peer_lanes}
        our_runs = {(only, state): [] for only in selections for state in ("cold", "warm")}
        for _ in range(a.repeat):
            for lane in peer_lanes:
                wall, peak, status, out = timed([sys.executable, __file__, "--child", lane, *files, str(a.jobs)], env=env)
                if status != 0:
                    sys.exit(f"the {lane} lane failed")
                peer_runs[lane].append((wall, peak, out))
            for only in selections:
                selection = [] if only == "all" else ["--only", only]
                # Each round starts from an empty cache: cold on PR 1, then warm on PR 2.
                cache = tempfile.mkdtemp(prefix="mlgate-cache-", dir=work)
                for state, repo in (("cold", pr1), ("warm", pr2)):
                    log = os.path.join(work, f"{only}-{state}-{len(our_runs[(only, state)])}.log")
                    report = os.path.join(work, f"{only}-{state}.json")
                    command = [mlgate, "check", "--base", "origin/main", "--jobs", str(a.jobs), "-v", "--json", report, *selection]
                    wall, peak, status, _ = timed(command, cwd=repo, env=dict(os.environ, XDG_CACHE_HOME=cache), log=log)
                    if status not in (0, 1):
                        sys.exit(f"mlgate check {' '.join(selection)} exited {status}; see {log}")
                    our_runs[(only, state)].append((wall, peak, log, report))
                shutil.rmtree(cache, ignore_errors=True)

        peers = {lane: (median(t[0] for t in runs), max(t[1] for t in runs), json.loads(runs[-1][2]), [t[0] for t in runs])
                 for lane, runs in peer_runs.items()}
        ours = {}
        for (only, state), timings in our_runs.items():
            # The median repetition's own breakdown, so the parts add up to the time shown.
            wall, peak, log, report = sorted(timings)[len(timings) // 2]
            ours[(only, state)] = (wall, max(t[1] for t in timings), breakdown(log), report, [t[0] for t in timings])
        for only in selections:
            # The warm run's report must be the uncached one's: run PR 2 again without the cache.
            selection = [] if only == "all" else ["--only", only]
            uncached = os.path.join(work, f"{only}-uncached.json")
            timed([mlgate, "check", "--base", "origin/main", "--jobs", str(a.jobs), "--no-cache", "--json", uncached, *selection], cwd=pr2)
            ours[(only, "same")] = stripped(json.load(open(uncached))) == stripped(json.load(open(ours[(only, "warm")][3])))

        print(f"\nrun {run + 1}")
        print(f"{'work (median of ' + str(a.repeat) + ')':58} {'wall s':>7} {'peak MB':>8}   each")
        for lane, (wall, peak, _, walls) in peers.items():
            print(f"{lane + ' (reads the four files from disk)':58} {wall:7.2f} {peak:8.0f}   " + " ".join(f"{w:.2f}" for w in walls))
        for only in ("data-validation", "model-evaluation", "all"):
            for state in ("cold", "warm"):
                wall, peak, (parts, plugins), _, walls = ours[(only, state)]
                label = f"mlgate check --only {only}" if only != "all" else "mlgate check (every plugin)"
                print(f"{label + (' cold' if state == 'cold' else ' warm (main cached)'):58} {wall:7.2f} {peak:8.0f}   "
                      + " ".join(f"{w:.2f}" for w in walls) + "   " + ", ".join(f"{k} {v:.2f}" for k, v in parts.items()))
            print(f"{'':58} cached report equals uncached: {'yes' if ours[(only, 'same')] else 'NO'}")

        print("\nratios (mlgate / peer; below 1: mlgate is faster)")
        for only, lanes in (("data-validation", ("polars", "pandas")), ("model-evaluation", ("pandas + LightGBM",)),
                            ("all", ("pandas + LightGBM",))):
            for lane in lanes:
                for state in ("cold", "warm"):
                    rounds = [ours_wall / peer_wall for ours_wall, peer_wall in zip(ours[(only, state)][4], peers[lane][3])]
                    ratio = median(rounds)
                    target = TARGETS.get((only, lane, state))
                    verdict = "" if target is None else (f"  target ≤ {target}: " + ("met" if ratio <= target else "NOT met"))
                    if target is not None and ratio > target:
                        met_every_run = False
                    print(f"  {only:17} {state} / {lane:18} {ratio:5.2f}x{verdict}   rounds: " + " ".join(f"{r:.2f}" for r in rounds))
        lgbm = peers["pandas + LightGBM"][2]
        print(f"\nLightGBM AUC: baseline {lgbm['baseline']['auc']:.4f}, candidate {lgbm['candidate']['auc']:.4f}; "
              f"polars found drift in {', '.join(peers['polars'][2]['drifted'])}")
    print("\ntargets met in every run" if met_every_run else "\nsome targets not met")


if __name__ == "__main__":
    main()
