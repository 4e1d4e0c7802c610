#!/usr/bin/env bash
# Regenerates Sources/SparkConnect/Generated from the Spark Connect protocol of the pinned pyspark
# (the server the tests run). Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift built
# from swift-protobuf at the version Package.swift resolves; the output is committed, so a build
# never runs protoc.
#
#   scripts/generate-spark-connect.sh [path/to/protoc-gen-swift]
set -euo pipefail
cd "$(dirname "$0")/.."
plugin=${1:-$(command -v protoc-gen-swift || true)}
if [ -z "$plugin" ]; then
    work=$(mktemp -d)
    git clone -q -b 1.39.0 https://github.com/apple/swift-protobuf "$work/swift-protobuf"
    swift build -c release --package-path "$work/swift-protobuf" --product protoc-gen-swift
    plugin="$work/swift-protobuf/.build/release/protoc-gen-swift"
fi
python3 -m pip install -q "pyspark==$(cat scripts/pyspark-version)"
set_dir=$(mktemp -d)
python3 scripts/spark_connect_descriptors.py "$set_dir/spark.pb"
protoc -I/usr/include --include_imports --descriptor_set_out="$set_dir/wkt.pb" google/protobuf/any.proto
cat "$set_dir/wkt.pb" "$set_dir/spark.pb" > "$set_dir/all.pb"
out=Sources/SparkConnect/Generated
rm -f "$out"/*.pb.swift
protoc --plugin="$plugin" --descriptor_set_in="$set_dir/all.pb" \
    --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath --swift_out="$out" \
    spark/connect/base.proto spark/connect/commands.proto spark/connect/common.proto \
    spark/connect/expressions.proto spark/connect/relations.proto spark/connect/types.proto \
    spark/connect/catalog.proto spark/connect/ml.proto spark/connect/ml_common.proto
echo "regenerated $out from pyspark $(cat scripts/pyspark-version)"
