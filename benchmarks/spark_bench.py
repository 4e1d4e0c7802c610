#!/usr/bin/env python3
"""Data validation of a lake-sized table through Spark (#17): mlgate's driver memory and time
as the table grows, beside the streaming local path on the same data.

    pip install numpy pyarrow pyspark==$(cat scripts/pyspark-version)
    python3 benchmarks/spark_bench.py [--rows 30000000] [--small 3000000] [--mode local|cluster]

Writes a base and a drifted head table (benchmarks/generate.py's 25 columns and a row id: 26)
as Parquet datasets of 1M-row files under --dir, starts a Spark Connect server from pyspark
(scripts/spark-cluster.sh), and times `mlgate check --only data-validation` on a repository
whose mlgate.yml names them as Spark sources: once at --rows and once at --small, so the growth
with rows is visible. mlgate's peak resident memory is the driver's (Spark's JVMs are not
counted: on a real cluster they are the cluster's). The local comparison commits the --small
table to git as one Parquet file per side and lets mlgate stream it (--memory-limit).
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from generate import table  # noqa: E402

CONFIG = """version: 1
task: binary
target: label
seed: 7
data:
  train: {train}
features:
  ignore: [row_id]
spark:
  exact_rows: 1000000
checks:
  data-validation:
    drift: {{statistic: psi, warn: 0.1, fail: 0.25}}
"""


def write_dataset(directory, rows, seed, drift, chunk=1_000_000):
    """`rows` rows as Parquet files of `chunk` rows each (a lake's partition files)."""
    if os.path.exists(os.path.join(directory, "_done")):
        return
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    rng = np.random.default_rng(seed)
    for part, start in enumerate(range(0, rows, chunk)):
        n = min(chunk, rows - start)
        cols, cats, label = table(n, rng, drift)
        arrays = {"row_id": pa.array(np.arange(start, start + n, dtype=np.int64))}
        for name, v in cols.items():
            v = v.copy()
            v[rng.random(n) < 0.02] = np.nan
            arrays[name] = pa.array(v, from_pandas=True)
        for name, v in cats.items():
            labels = np.array([f"{name}_{k}" for k in range(v.max() + 1)], dtype=object)[v]
            mask = rng.random(n) < 0.02
            arrays[name] = pa.array(labels, mask=mask, type=pa.string())
        arrays["label"] = pa.array(label.astype(np.int64))
        pq.write_table(pa.table(arrays), os.path.join(directory, f"part-{part:05d}.parquet"), row_group_size=256_000)
    open(os.path.join(directory, "_done"), "w").close()


def git(repo, *args):
    subprocess.check_call(["git", "-C", repo, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def repository(path, base_entry, head_entry, files=None):
    """main holds base's config (and files), branch `pr` head's."""
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "bench@example.com")
    git(path, "config", "user.name", "bench")
    for side, entry in (("base", base_entry), ("head", head_entry)):
        if side == "head":
            git(path, "checkout", "-q", "-b", "pr")
        for name, source in (files or {}).get(side, {}).items():
            os.makedirs(os.path.dirname(os.path.join(path, name)), exist_ok=True)
            shutil.copyfile(source, os.path.join(path, name))
        with open(os.path.join(path, "mlgate.yml"), "w") as f:
            f.write(CONFIG.format(train=entry))
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", side)


def timed(command, cwd, env):
    """Wall seconds, peak RSS (MB) of the child, exit status, stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.time()
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.time() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, (peak if peak > before else before) / 1024, run.returncode, run.stderr


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=30_000_000)
    p.add_argument("--small", type=int, default=3_000_000)
    p.add_argument("--dir", default="/tmp/mlgate-spark-bench")
    p.add_argument("--mode", choices=["local", "cluster"], default="local")
    p.add_argument("--no-build", action="store_true", help="use the release build as it is")
    p.add_argument("--remote", help="an sc:// address to use instead of starting a server")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    if not a.no_build:
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "mlgate"], cwd=ROOT, stdout=subprocess.DEVNULL)
    mlgate = os.path.join(ROOT, ".build/release/mlgate")

    remote, server_dir = a.remote, os.path.join(a.dir, "server")
    if not remote:
        remote = subprocess.check_output([os.path.join(ROOT, "scripts/spark-cluster.sh"), "start", a.mode, server_dir], text=True).strip()
    try:
        print(f"Spark Connect at {remote} ({a.mode}); mlgate's peak memory is its own process's")
        print(f"{'run':52} {'rows':>11} {'wall s':>8} {'peak MB':>8}")
        for rows in (a.small, a.rows):
            base, head = os.path.join(a.dir, f"{rows}-base"), os.path.join(a.dir, f"{rows}-head")
            t0 = time.time()
            write_dataset(base, rows, 1, False)
            write_dataset(head, rows, 2, True)
            if time.time() - t0 > 1:
                print(f"  (generated {rows:,} rows × 26 columns per side in {time.time() - t0:.0f} s)")
            repo = os.path.join(a.dir, f"repo-spark-{rows}")
            entry = lambda d: '{spark: {parquet: "' + d + '"}}'
            repository(repo, entry(base), entry(head))
            env = dict(os.environ, MLGATE_SPARK_REMOTE=remote, XDG_CACHE_HOME=os.path.join(a.dir, "cache"))
            wall, peak, status, err = timed([mlgate, "check", "--base", "main", "--only", "data-validation", "-v"], repo, env)
            if status not in (0, 1):
                sys.exit(f"mlgate exited {status}: {err[-2000:]}")
            print(f"{'mlgate check --only data-validation, through Spark':52} {rows:11,} {wall:8.1f} {peak:8.0f}")
            for line in err.splitlines():
                if "profiled in" in line or "drift of" in line:
                    print("    " + line.split(": ", 1)[-1][:150])

        # The streaming local path on the smaller table: one Parquet file per side in git.
        rows = a.small
        singles = {}
        for side, seed, drift in (("base", 1, False), ("head", 2, True)):
            path = os.path.join(a.dir, f"{rows}-{side}.parquet")
            if not os.path.exists(path):
                pq.write_table(pq.read_table(os.path.join(a.dir, f"{rows}-{side}")), path, row_group_size=256_000)
            singles[side] = {"data/train.parquet": path}
        repo = os.path.join(a.dir, f"repo-local-{rows}")
        repository(repo, "data/train.parquet", "data/train.parquet", files=singles)
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(a.dir, "cache-local"))
        wall, peak, status, err = timed([mlgate, "check", "--base", "main", "--only", "data-validation", "--no-cache", "--memory-limit", "256M"],
                                        repo, env)
        if status not in (0, 1):
            sys.exit(f"mlgate exited {status}: {err[-2000:]}")
        print(f"{'mlgate check --only data-validation, streamed locally':52} {rows:11,} {wall:8.1f} {peak:8.0f}")
    finally:
        if not a.remote:
            subprocess.call([os.path.join(ROOT, "scripts/spark-cluster.sh"), "stop", server_dir])


if __name__ == "__main__":
    main()
