"""What the benchmarks share: running one lane in its own process, and building mlgate-bench."""
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
    result.setdefault("peak_rss_mb", usage.ru_maxrss / 1024)
    return result


def mlgate_bench():
    """Builds mlgate-bench in release mode and returns its path."""
    subprocess.check_call(["swift", "build", "-c", "release", "--product", "mlgate-bench"], cwd=ROOT, stdout=subprocess.DEVNULL)
    bin_dir = subprocess.check_output(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, text=True).strip()
    return os.path.join(bin_dir, "mlgate-bench")
