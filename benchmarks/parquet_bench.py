#!/usr/bin/env python3
"""Reading Parquet: mlgate's own reader beside pyarrow and polars, on the same file, in one run (#16).

    pip install numpy pandas pyarrow polars
    python3 benchmarks/parquet_bench.py [--rows 1000000] [--jobs 2] [--runs 3]

Writes the 1M-row benchmark table (benchmarks/generate.py's base.csv) as Parquet once per codec
(snappy, zstd, uncompressed) with pyarrow's defaults (dictionary pages where they pay, 1M-row row
groups split into 64k-row pages... pyarrow decides), then times reading each file into memory,
every column, on JOBS threads: mlgate (`mlgate-bench read`), pyarrow (`pq.read_table`) and polars
(`pl.read_parquet`), each in its own process so its peak memory is its own; best of RUNS.
Prints seconds, ratios (peer / mlgate: above 1 means mlgate is faster) and peak memory.

Then the stream (a file larger than memory): the same table in row groups of 100k rows, and five
copies of it in one file, profiled by `mlgate-bench profile` a few row groups at a time; its peak
memory must not grow with the rows.
"""
import json
import os
import subprocess
import sys
import time

from lanes import arguments, mlgate_bench, run

HERE = os.path.dirname(os.path.abspath(__file__))


def write(csv, path, codec, copies="0"):
    """In a process of its own: the parent stays small, so the lanes it forks measure their own peak.
    With copies > 0, the table that many times over in row groups of 100k rows (the stream's file)."""
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq
    table = pcsv.read_csv(csv)
    if int(copies) == 0:
        pq.write_table(table, path, compression=codec)
    else:
        with pq.ParquetWriter(path, table.schema, compression=codec) as writer:
            for _ in range(int(copies)):
                writer.write_table(table, row_group_size=100_000)
    print("{}")


def child(lane, path):
    # Imported before the clock starts: the read is timed, not the interpreter.
    import polars as pl
    import pyarrow.parquet as pq
    start = time.perf_counter()
    if lane == "pyarrow":
        rows = pq.read_table(path).num_rows
    else:
        rows = pl.read_parquet(path).height
    print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))


def main():
    p = arguments()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--child", nargs=2)
    p.add_argument("--write", nargs="+")
    a = p.parse_args()
    if a.child:
        return child(*a.child)
    if a.write:
        return write(*a.write)
    data = os.path.join(a.dir, f"{a.rows}")
    base = os.path.join(data, "base.csv")
    if not os.path.exists(base):
        subprocess.check_call([sys.executable, os.path.join(HERE, "generate.py"), data, "--rows", str(a.rows)])
    bench = mlgate_bench()
    env = dict(os.environ, POLARS_MAX_THREADS=str(a.jobs), OMP_NUM_THREADS=str(a.jobs))
    print(f"{a.rows:,} rows x 25 columns (20 numeric, 4 categorical, a label; 2% missing); {a.jobs} threads; best of {a.runs}")
    print(f"{'codec':13} {'MB':>5} {'mlgate s':>9} {'pyarrow s':>10} {'polars s':>9} {'pyarrow/mlgate':>15} {'polars/mlgate':>14} {'peak MB m/a/p':>16}")
    for codec in ["snappy", "zstd", "none"]:
        path = os.path.join(data, f"base-{codec}.parquet")
        if not os.path.exists(path):
            run([sys.executable, __file__, "--write", base, path, codec])
        with open(path, "rb") as f:
            f.read()
        results = {}
        for lane in ["mlgate", "pyarrow", "polars"]:
            runs = []
            for _ in range(a.runs):
                if lane == "mlgate":
                    runs.append(run([bench, "read", path, "--jobs", str(a.jobs)]))
                else:
                    runs.append(run([sys.executable, __file__, "--child", lane, path], env))
            results[lane] = min(runs, key=lambda r: r["seconds"])
        m, pa_, pl_ = results["mlgate"]["seconds"], results["pyarrow"]["seconds"], results["polars"]["seconds"]
        peaks = "/".join(f"{results[l]['peak_rss_mb']:.0f}" for l in ["mlgate", "pyarrow", "polars"])
        print(f"{codec:13} {os.path.getsize(path) / 1e6:5.0f} {m:9.3f} {pa_:10.3f} {pl_:9.3f} {pa_ / m:14.2f}x {pl_ / m:13.2f}x {peaks:>16}")
    print("mlgate's time includes reading the file's bytes; the peers' include theirs (pyarrow memory-maps nothing here).")
    print("\nstreaming profile (row groups of 100k rows, snappy): peak memory must not grow with the rows")
    for copies in [1, 5]:
        path = os.path.join(data, f"stream-x{copies}.parquet")
        if not os.path.exists(path):
            run([sys.executable, __file__, "--write", base, path, "snappy", str(copies)])
        r = run([bench, "profile", path, "--jobs", str(a.jobs)])
        print(f"  {r['rows']:>10,} rows, {os.path.getsize(path) / 1e6:5.0f} MB: {r['seconds']:6.2f} s, peak {r['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
