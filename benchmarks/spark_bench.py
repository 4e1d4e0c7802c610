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
table to git (as Git LFS objects) as one Parquet file per side and lets mlgate stream it. Every
run is given `--memory-limit 256M`, less than a side's values at the default sizes (620 MB at 3M
rows, 6.2 GB at 30M).
"""
import argparse
import hashlib
import os
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
from lanes import PeakMemory  # noqa: E402

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


def lfs_pointer(repo, source, name):
    """`name` in the work tree as a Git LFS pointer to `source`, its object in .git/lfs: mlgate
    streams an LFS object from disk, where a blob in git's object store is read whole."""
    digest = hashlib.sha256()
    with open(source, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    oid = digest.hexdigest()
    store = os.path.join(repo, ".git", "lfs", "objects", oid[:2], oid[2:4])
    os.makedirs(store, exist_ok=True)
    if not os.path.exists(os.path.join(store, oid)):
        os.link(source, os.path.join(store, oid)) if os.stat(source).st_dev == os.stat(store).st_dev else shutil.copyfile(source, os.path.join(store, oid))
    with open(os.path.join(repo, name), "w") as f:
        f.write(f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {os.path.getsize(source)}\n")


def repository(path, base_entry, head_entry, files=None):
    """main holds base's config (and files, as LFS pointers), branch `pr` head's."""
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
            lfs_pointer(path, source, name)
        with open(os.path.join(path, "mlgate.yml"), "w") as f:
            f.write(CONFIG.format(train=entry))
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", side)


def timed(command, cwd, env):
    """Wall seconds, the child's own peak RSS (MB, `PeakMemory`), its RSS when Spark had
    answered every statistic (before target leakage's sample), the exit status and stderr."""
    start = time.time()
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory, at_statistics, lines = PeakMemory(child.pid), [None], []
    for line in child.stderr:
        lines.append(line)
        if "drift of" in line and "Spark" in line and at_statistics[0] is None:
            at_statistics[0] = memory.rss_kb
    peak = memory.peak_mb()
    _, status, _ = os.wait4(child.pid, 0)
    wall = time.time() - start
    code = os.waitstatus_to_exitcode(status)
    statistics = at_statistics[0] / 1024 if at_statistics[0] else float("nan")
    return wall, peak, statistics, code, "".join(lines)


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
        # A server sized for tens of millions of rows (the tests' default is for tiny tables).
        server_env = dict(os.environ)
        server_env.setdefault("MLGATE_SPARK_DRIVER_MEMORY", "6g")
        server_env.setdefault("MLGATE_SPARK_SHUFFLE_PARTITIONS", "64")
        remote = subprocess.check_output([os.path.join(ROOT, "scripts/spark-cluster.sh"), "start", a.mode, server_dir], text=True,
                                         env=server_env).strip()
    try:
        print(f"Spark Connect at {remote} ({a.mode}); mlgate's peak memory is its own process's")
        print(f"{'run':52} {'rows':>11} {'wall s':>8} {'peak MB':>8} {'MB at stats':>11}")
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
            # The same budget as the streamed run: every table here is larger than it.
            wall, peak, statistics, status, err = timed([mlgate, "check", "--base", "main", "--only", "data-validation", "-v",
                                                         "--memory-limit", "256M"], repo, env)
            if status not in (0, 1):
                sys.exit(f"mlgate exited {status}: {err[-2000:]}")
            print(f"{'mlgate check --only data-validation, through Spark':52} {rows:11,} {wall:8.1f} {peak:8.0f} {statistics:11.0f}")
            for line in err.splitlines():
                # "…'s data.train (spark parquet …) profiled in Spark … in 52.3 seconds" → the side and the time.
                if "profiled in" in line or "drift of" in line and "Spark" in line:
                    what = line.split(": ", 1)[-1]
                    seconds = float(what.rsplit(" in ", 1)[-1].split()[0])
                    print(f"    {what.split(' (')[0].split(' computed')[0]:48} {seconds:8.1f} s")

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
        wall, peak, _, status, err = timed([mlgate, "check", "--base", "main", "--only", "data-validation", "--no-cache", "--memory-limit", "256M"],
                                           repo, env)
        if status not in (0, 1):
            sys.exit(f"mlgate exited {status}: {err[-2000:]}")
        print(f"{'mlgate check --only data-validation, streamed locally':52} {rows:11,} {wall:8.1f} {peak:8.0f}")
    finally:
        if not a.remote:
            subprocess.call([os.path.join(ROOT, "scripts/spark-cluster.sh"), "stop", server_dir])


if __name__ == "__main__":
    main()
