#!/usr/bin/env python3
"""Data validation of a file larger than the memory it is given (issue #7).

    python3 benchmarks/large_file_bench.py [--blocks 30] [--limit 1G] [--skip-in-memory]

Generates (once, in /tmp/mlgate-bench/large) a head train.csv of BLOCKS × 1,000,000 rows × 25
columns (about 170 MB a block: 30 blocks ≈ 5.1 GB) drawn from the drifted population, and a
4,000,000-row baseline from the original one; commits both to a scratch repository as Git LFS
objects (as a repository keeps data this size); then runs

  1. `mlgate check --only data-validation` in a cgroup limited to LIMIT of memory (the gate reads
     the limit and streams the files), printing wall time and the cgroup's peak memory;
  2. the same without a limit (both files read whole: about 2.2 × the file sizes of memory),
     unless --skip-in-memory;

and compares the two reports check by check: statuses must agree; values agree exactly where the
stream counts (rows, nulls, ranges, categories, duplicates, leakage) and within the quantile
sketch's rank error where it estimates (PSI, KS).

Needs root (to create the cgroup), numpy, git, and a release build (built here if missing).
"""
import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import generate  # noqa: E402

OUT = "/tmp/mlgate-bench/large"


def block(args):
    path, seed, drift, rows = args
    generate.write(path, rows, np.random.default_rng(seed), drift)
    return path


def make_file(path, blocks, seed, drift):
    if os.path.exists(path):
        return
    parts = [f"{path}.part{i:03d}" for i in range(blocks)]
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(block, [(p, seed + i, drift, 1_000_000) for i, p in enumerate(parts)]))
    with open(path + ".tmp", "wb") as out:
        for i, p in enumerate(parts):
            with open(p, "rb") as f:
                if i > 0:
                    f.readline()  # each part has a header; keep the first
                shutil.copyfileobj(f, out, 64 << 20)
            os.remove(p)
    os.rename(path + ".tmp", path)


def git(repo, *args):
    subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True)


def lfs_pointer(repo, path):
    """Stores `path` as a Git LFS object of `repo` and returns its pointer text."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(64 << 20), b""):
            digest.update(chunk)
    oid = digest.hexdigest()
    target = os.path.join(repo, ".git", "lfs", "objects", oid[:2], oid[2:4], oid)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if not os.path.exists(target):
        os.link(path, target) if os.stat(path).st_dev == os.stat(os.path.dirname(target)).st_dev else shutil.copy(path, target)
    size = os.path.getsize(path)
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n"


def build_repo(base, head):
    repo = os.path.join(OUT, "repo")
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(os.path.join(repo, "data"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "bench@mlgate.invalid")
    git(repo, "config", "user.name", "bench")
    with open(os.path.join(repo, "mlgate.yml"), "w") as f:
        f.write("version: 1\ntask: binary\ntarget: label\ndata:\n  train: data/train.csv\n")
    with open(os.path.join(repo, ".gitattributes"), "w") as f:
        f.write("data/*.csv filter=lfs diff=lfs merge=lfs -text\n")
    for branch, source in (("main", base), ("feature", head)):
        if branch == "feature":
            git(repo, "checkout", "-q", "-b", "feature")
        with open(os.path.join(repo, "data", "train.csv"), "w") as f:
            f.write(lfs_pointer(repo, source))
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", branch)
    return repo


def run(binary, repo, report, limit=None):
    """Runs the gate, in a fresh memory cgroup when `limit` is given; returns (seconds, peak bytes)."""
    group = None
    command = [binary, "check", "--base", "main", "--only", "data-validation", "-q", "--json", report]
    if limit:
        group = "/sys/fs/cgroup/memory/mlgate-bench"
        v2 = not os.path.isdir("/sys/fs/cgroup/memory")
        if v2:
            group = "/sys/fs/cgroup/mlgate-bench"
        if os.path.isdir(group):
            os.rmdir(group)
        os.makedirs(group)
        with open(os.path.join(group, "memory.max" if v2 else "memory.limit_in_bytes"), "w") as f:
            f.write(str(limit))
        command = ["sh", "-c", f'echo $$ > {group}/cgroup.procs && exec "$@"', "sh", *command]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"mlgate exited {done.returncode}: {done.stderr}")
    peak = None
    if group:
        for name in ("memory.max_usage_in_bytes", "memory.peak"):
            p = os.path.join(group, name)
            if os.path.exists(p):
                peak = int(open(p).read())
        os.rmdir(group)
    return seconds, peak


def checks(path):
    report = json.load(open(path))
    return {c["id"]: c for p in report["plugins"] for c in p["checks"]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--blocks", type=int, default=30)
    p.add_argument("--limit", default="1G")
    p.add_argument("--skip-in-memory", action="store_true")
    a = p.parse_args()
    limit = int(float(a.limit[:-1]) * {"M": 1 << 20, "G": 1 << 30}[a.limit[-1]])
    os.makedirs(OUT, exist_ok=True)
    head = os.path.join(OUT, f"head-{a.blocks}M.csv")
    base = os.path.join(OUT, "base-4M.csv")
    start = time.perf_counter()
    make_file(base, 4, 1000, drift=False)
    make_file(head, a.blocks, 2000, drift=True)
    print(f"data: baseline {os.path.getsize(base) / 1e9:.2f} GB (4,000,000 rows), head {os.path.getsize(head) / 1e9:.2f} GB "
          f"({a.blocks * 1_000_000:,} rows) ready in {time.perf_counter() - start:.0f} s")
    subprocess.run(["swift", "build", "-c", "release", "--product", "mlgate"], cwd=ROOT, check=True, capture_output=True)
    binary = os.path.join(ROOT, ".build", "release", "mlgate")
    repo = build_repo(base, head)

    seconds, peak = run(binary, repo, os.path.join(OUT, "streamed.json"), limit=limit)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"streamed under a {a.limit} cgroup limit: {seconds:.1f} s, peak resident memory {rss:.0f} MiB "
          f"(the cgroup's peak, page cache included: {peak / 2**20:.0f} MiB), {os.path.getsize(head) / seconds / 1e6:.0f} MB/s of head")
    if a.skip_in_memory:
        return
    seconds, _ = run(binary, repo, os.path.join(OUT, "whole.json"))
    print(f"read whole, no limit: {seconds:.1f} s")
    streamed, whole = checks(os.path.join(OUT, "streamed.json")), checks(os.path.join(OUT, "whole.json"))
    assert streamed.keys() == whole.keys(), "different checks"
    worst = 0.0
    for cid in sorted(whole):
        s, w = streamed[cid], whole[cid]
        assert s["status"] == w["status"], f"{cid}: {s['status']} streamed, {w['status']} whole"
        if isinstance(w.get("value"), (int, float)) and isinstance(s.get("value"), (int, float)):
            gap = abs(s["value"] - w["value"])
            if cid.startswith("data-validation/drift") or cid == "data-validation/label-drift":
                worst = max(worst, gap)
            else:
                assert gap <= 1e-12 * max(1, abs(w["value"])), f"{cid}: {s['value']} streamed, {w['value']} whole"
    print(f"{len(whole)} checks: same statuses; exact values equal; largest PSI difference {worst:.2e}")


if __name__ == "__main__":
    main()
