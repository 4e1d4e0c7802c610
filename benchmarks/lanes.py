"""What the benchmarks share: their common options, running one lane in its own process, and
building mlgate-bench."""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(command, env=None):
    """Runs a lane, returns the JSON object it printed, with its wall time and peak memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit(f"{command[0]} failed")
    result = json.loads(out)
    result["wall_seconds"] = time.perf_counter() - start
    # Measured here for every lane alike, from the lane process's own resource usage.
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    return result


def arguments():
    """The options every lane benchmark takes: table size, where the data live, threads."""
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--dir", default="/tmp/mlgate-bench")
    p.add_argument("--jobs", type=int, default=2)
    return p


def mlgate_bench():
    """Builds mlgate-bench in release mode and returns its path."""
    subprocess.check_call(["swift", "build", "-c", "release", "--product", "mlgate-bench"], cwd=ROOT, stdout=subprocess.DEVNULL)
    bin_dir = subprocess.check_output(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, text=True).strip()
    return os.path.join(bin_dir, "mlgate-bench")
