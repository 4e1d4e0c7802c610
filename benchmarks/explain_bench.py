#!/usr/bin/env python3
"""What the explain plugin costs next to model evaluation on the 1M-row benchmark table (#14).

    python3 benchmarks/explain_bench.py [--rows 1000000]

Generates the benchmark tables once (generate.py, in /tmp/mlgate-bench/explain), builds two real
git repositories with mlgate-fixture — a PR that replaces train.csv with a drifted fresh sample
(nothing kept: the worst case for row matching), and a PR that edits it in place (2% of rows
removed, 2% relabelled, 2% new rows spread through the file) — and runs, in each,

    mlgate check --only model-evaluation --only explain --no-cache -v

printing each plugin's time from the log (model evaluation's includes training both models,
which explain then reuses), explain's sections, the wall time and the peak memory, and the same
run without explain for the memory it adds. Needs numpy and a release build (built here if missing).
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import time

from lanes import PeakMemory

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = "/tmp/mlgate-bench/explain"
CONFIG = """version: 1
task: binary
target: label
positive: "1"
seed: 42
data:
  train: data/train.csv
features:
  categorical: [c05, c12, c25, c50]
"""


def scenario(name, base, head_lines):
    directory = os.path.join(WORK, "scenarios", name)
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(os.path.join(directory, "base/data"))
    os.makedirs(os.path.join(directory, "head/data"))
    shutil.copy(base, os.path.join(directory, "base/data/train.csv"))
    with open(os.path.join(directory, "base/mlgate.yml"), "w") as f:
        f.write(CONFIG)
    with open(os.path.join(directory, "head/data/train.csv"), "w") as f:
        f.write(head_lines)
    with open(os.path.join(directory, "scenario.json"), "w") as f:
        f.write('{"description": "%s", "expect": {"exit": 0, "checks": {}}}\n' % name)
    return directory


def edited(base, head):
    rng = random.Random(5)
    lines = open(base).read().split("\n")
    header, body = lines[0], [l for l in lines[1:] if l]
    extra = open(head).read().split("\n")[1:20001]
    out = [header]
    for i, line in enumerate(body):
        r = rng.random()
        if r < 0.02:
            continue
        if r < 0.04:
            parts = line.split(",")
            parts[-1] = "0" if parts[-1] == "1" else "1"
            line = ",".join(parts)
        out.append(line)
        if i % 50 == 0 and extra:
            out.append(extra.pop())
    return "\n".join(out) + "\n"


def run(repo, only):
    args = [os.path.join(ROOT, ".build/release/mlgate"), "check", "--base", "origin/main", "--no-cache", "-v", "--json", os.path.join(WORK, "report.json")]
    for plugin in only:
        args += ["--only", plugin]
    start = time.time()
    with open(os.path.join(WORK, "log.txt"), "w") as err:
        process = subprocess.Popen(args, cwd=repo, stderr=err, stdout=subprocess.DEVNULL)
        memory = PeakMemory(process.pid)
        peak = memory.peak_mb()
        os.wait4(process.pid, 0)
    wall = time.time() - start
    log = open(os.path.join(WORK, "log.txt")).read()
    times = {m.group(1): float(m.group(2)) for m in re.finditer(r"^([\w-]+): \d+ checks in ([\d.]+) s", log, re.M)}
    sections = re.findall(r"^explain: ([a-z ,]+) in ([\d.]+) s", log, re.M)
    return wall, peak, times, sections


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=1_000_000)
    a = p.parse_args()
    os.makedirs(WORK, exist_ok=True)
    base, head = os.path.join(WORK, "base.csv"), os.path.join(WORK, "head.csv")
    if not os.path.exists(base):
        subprocess.check_call([sys.executable, os.path.join(HERE, "generate.py"), WORK, "--rows", str(a.rows)])
    if not os.path.exists(os.path.join(ROOT, ".build/release/mlgate-fixture")) or not os.path.exists(os.path.join(ROOT, ".build/release/mlgate")):
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "mlgate"], cwd=ROOT)
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "mlgate-fixture"], cwd=ROOT)
    cases = {"fresh sample": scenario("fresh-sample", base, open(head).read()), "edited in place": scenario("edited", base, edited(base, head))}
    print(f"{a.rows} rows x 25 columns; one run each")
    for name, directory in cases.items():
        repo = os.path.join(WORK, "repos", os.path.basename(directory))
        shutil.rmtree(repo, ignore_errors=True)
        subprocess.check_call([os.path.join(ROOT, ".build/release/mlgate-fixture"), directory, repo], stdout=subprocess.DEVNULL)
        # Without explain first: a child's peak is only known as the largest so far.
        alone_wall, alone_peak, _, _ = run(repo, ["model-evaluation"])
        wall, peak, times, sections = run(repo, ["model-evaluation", "explain"])
        evaluation, explain = times.get("model-evaluation", float("nan")), times.get("explain", float("nan"))
        print(f"\n{name}: model-evaluation {evaluation:.1f} s (training both models included), explain {explain:.1f} s "
              f"= {explain / evaluation:.2f}x")
        print("  explain: " + ", ".join(f"{section} {seconds} s" for section, seconds in sections))
        print(f"  wall {alone_wall:.1f} s without explain, {wall:.1f} s with; peak memory {alone_peak:.0f} MB without, {peak:.0f} MB with")


main()
