#!/usr/bin/env bash
# Fuzzes one reader or the config loader with libFuzzer.
#
#   scripts/fuzz.sh TARGET [SECONDS]      TARGET: csv | tsv | jsonl | config | gzip | parquet (default 600 s)
#
# Builds mlgate-fuzz with -sanitize=fuzzer,address into .build-fuzz, starts from the committed
# seed corpus (fuzz/corpus/TARGET) and grows a working corpus in .build-fuzz/corpus/TARGET, so
# nothing under fuzz/ changes unless you copy a finding there yourself. Crashes land in
# .build-fuzz/crashes/TARGET; keep each one in fuzz/regressions/TARGET once it is fixed, where
# `swift test --filter FuzzRegression` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh csv|tsv|jsonl|config|gzip|parquet [SECONDS]}
seconds=${2:-600}
case "$target" in csv|tsv|jsonl|config|gzip|parquet) ;; *) echo "unknown target '$target': csv, tsv, jsonl, config, gzip or parquet" >&2; exit 2;; esac

swift build -c release --product mlgate-fuzz --build-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DMLGATE_FUZZING -Xswiftc -parse-as-library -Xlinker --allow-multiple-definition 2>&1 \
    | grep -v "Cannot export local symbol" >&2
binary=$(swift build -c release --product mlgate-fuzz --build-path .build-fuzz --show-bin-path)/mlgate-fuzz

mkdir -p ".build-fuzz/corpus/$target" ".build-fuzz/crashes/$target"
# Swift's own crash backtracer waits on a terminal; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no MLGATE_FUZZ_TARGET="$target"
dictionary=()
[ -f "fuzz/$target.dict" ] && dictionary=(-dict="fuzz/$target.dict")
exec "$binary" ".build-fuzz/corpus/$target" "fuzz/corpus/$target" "${dictionary[@]}" \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=".build-fuzz/crashes/$target/"
