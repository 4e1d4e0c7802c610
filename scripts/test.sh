#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, builds every product
# (the end-to-end tests run the mlgate binary), then runs the tests.
#
# The Spark tests run against two Spark Connect servers (pyspark's, on loopback): one in
# local[2] mode and one on a standalone cluster of a master and two workers. They start here
# while the build runs and are stopped when this script exits, however it exits.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/install-test-deps.sh

spark_dir=$(mktemp -d "${TMPDIR:-/tmp}/mlgate-spark.XXXXXX")
stop_spark() {
    scripts/spark-cluster.sh stop "$spark_dir/local" || true
    scripts/spark-cluster.sh stop "$spark_dir/cluster" || true
}
trap stop_spark EXIT
if command -v java > /dev/null; then
    scripts/spark-cluster.sh start local "$spark_dir/local" > "$spark_dir/local.remote" 2> "$spark_dir/local.err" &
    local_pid=$!
    scripts/spark-cluster.sh start cluster "$spark_dir/cluster" > "$spark_dir/cluster.remote" 2> "$spark_dir/cluster.err" &
    cluster_pid=$!
fi

swift build --build-tests

if command -v java > /dev/null; then
    wait "$local_pid" || { cat "$spark_dir/local.err" >&2; exit 1; }
    wait "$cluster_pid" || { cat "$spark_dir/cluster.err" >&2; exit 1; }
    export MLGATE_TEST_SPARK_LOCAL=$(cat "$spark_dir/local.remote") MLGATE_TEST_SPARK_CLUSTER=$(cat "$spark_dir/cluster.remote")
else
    echo "Java is not installed: the Spark tests will skip (apt-get install -y openjdk-17-jre-headless)" >&2
fi
swift test --skip-build
