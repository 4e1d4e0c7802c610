"""What the benchmarks share: their common options, running one lane in its own process, and
building mlgate-bench."""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class PeakMemory:
    """A child process's own memory, polled from /proc while it runs: `peak_mb` (its high-water
    mark) and `rss_kb` (resident now). Not wait4's ru_maxrss: a child spawned by vfork records
    the spawning script's high-water mark at exec, so after the script once held 800 MB (a
    generated table), every child's "peak" was at least that."""

    def __init__(self, pid):
        self.pid, self.hwm_kb, self.rss_kb = pid, 0, 0
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self):
        while True:
            try:
                with open(f"/proc/{self.pid}/status") as f:
                    fields = {l.split(":")[0]: int(l.split()[1]) for l in f if l.startswith(("VmRSS:", "VmHWM:"))}
                self.rss_kb = fields["VmRSS"]
                self.hwm_kb = max(self.hwm_kb, fields["VmHWM"])
            except (OSError, KeyError, ValueError, IndexError):
                return  # gone, or a zombie (no memory lines): the last mark read stands
            time.sleep(0.02)

    def peak_mb(self):
        """After the child has exited (before or after it is reaped)."""
        self._thread.join()
        return self.hwm_kb / 1024


def run(command, env=None):
    """Runs a lane, returns the JSON object it printed, with its wall time and peak memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)
    memory = PeakMemory(proc.pid)
    out = proc.stdout.read()
    peak = memory.peak_mb()
    _, status, _ = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit(f"{command[0]} failed")
    result = json.loads(out)
    result["wall_seconds"] = time.perf_counter() - start
    # Measured here for every lane alike, from the lane process's own memory.
    result["peak_rss_mb"] = peak
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
