#!/usr/bin/env bash
# Starts and stops the Spark Connect servers the tests and benchmarks run against, from the
# pinned pyspark (its wheel carries Spark's jars and the Connect server; Java 17 runs them).
#
#   scripts/spark-cluster.sh start local   DIR   # one server, master local[2]
#   scripts/spark-cluster.sh start cluster DIR   # a standalone master, two workers, a server on them
#   scripts/spark-cluster.sh stop DIR            # stops everything started under DIR
#
# `start` prints the server's address (sc://127.0.0.1:PORT) once it answers, and records every
# process it started in DIR/pids, each in its own process group, so `stop` leaves none behind.
# Exit 3 when Java is absent (the tests then skip, saying so). The tests' tables are tiny; a
# benchmark raises the driver's heap (MLGATE_SPARK_DRIVER_MEMORY, default 1g) and the shuffle's
# partitions (MLGATE_SPARK_SHUFFLE_PARTITIONS, default 4) as a cluster for big tables would be set.
set -euo pipefail
cd "$(dirname "$0")/.."

command=${1:?start or stop}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_port() {  # PORT SECONDS LOG
    for _ in $(seq 1 $(($2 * 4))); do
        if python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.5); sys.exit(s.connect_ex(('127.0.0.1', $1)))" 2>/dev/null; then return 0; fi
        sleep 0.25
    done
    echo "spark-cluster: nothing listened on port $1 within $2 s; the last lines of $3:" >&2
    tail -20 "$3" >&2
    return 1
}
launch() {  # DIR NAME COMMAND...: runs COMMAND in its own session, logging to DIR/NAME.log
    local dir=$1 name=$2
    shift 2
    setsid "$@" > "$dir/$name.log" 2>&1 < /dev/null &
    echo $! >> "$dir/pids"
}

case "$command" in
start)
    mode=${2:?local or cluster}
    dir=${3:?a directory for logs and pids}
    command -v java > /dev/null || { echo "spark-cluster: Java is not installed (apt-get install -y openjdk-17-jre-headless)" >&2; exit 3; }
    version=$(cat scripts/pyspark-version)
    python3 -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$version')" 2>/dev/null \
        || python3 -m pip install -q "pyspark==$version" >&2
    home=$(python3 -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
    jar=$(ls "$home"/jars/spark-connect_*.jar | head -1)
    mkdir -p "$dir"
    export SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$dir" SPARK_WORKER_DIR="$dir/work"
    master="local[2]"
    if [ "$mode" = cluster ]; then
        master_port=$(free_port)
        launch "$dir" master "$home/bin/spark-class" org.apache.spark.deploy.master.Master \
            --host 127.0.0.1 --port "$master_port" --webui-port "$(free_port)"
        wait_port "$master_port" 90 "$dir/master.log"
        for worker in 1 2; do
            launch "$dir" "worker$worker" "$home/bin/spark-class" org.apache.spark.deploy.worker.Worker \
                --host 127.0.0.1 --cores 1 --memory 1536m --webui-port "$(free_port)" "spark://127.0.0.1:$master_port"
        done
        master="spark://127.0.0.1:$master_port"
    fi
    port=$(free_port)
    # `versioned`: a catalog whose tables keep versions, for testing time travel without Delta's
    # or Iceberg's jars (scripts/versioned-catalog; the jar is committed, built by its build.sh).
    launch "$dir" connect "$home/bin/spark-submit" --master "$master" \
        --class org.apache.spark.sql.connect.service.SparkConnectServer \
        --jars "$PWD/scripts/versioned-catalog/versioned-catalog.jar" --conf spark.sql.catalog.versioned=mlgate.test.VersionedCatalog \
        --conf spark.connect.grpc.binding.address=127.0.0.1 --conf spark.connect.grpc.binding.port="$port" \
        --conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions="${MLGATE_SPARK_SHUFFLE_PARTITIONS:-4}" \
        --conf spark.executor.memory=1g --conf spark.driver.memory="${MLGATE_SPARK_DRIVER_MEMORY:-1g}" "$jar"
    wait_port "$port" 120 "$dir/connect.log"
    if [ "$mode" = cluster ]; then
        # The server answers before executors register; wait until both workers have joined.
        for _ in $(seq 1 240); do
            [ "$(grep -c 'Registering worker' "$dir/master.log" || true)" -ge 2 ] && break
            sleep 0.25
        done
    fi
    echo "sc://127.0.0.1:$port"
    ;;
stop)
    dir=${2:?the directory given to start}
    [ -f "$dir/pids" ] || exit 0
    while read -r pid; do kill -TERM -- "-$pid" 2>/dev/null || true; done < "$dir/pids"
    sleep 1
    while read -r pid; do kill -KILL -- "-$pid" 2>/dev/null || true; done < "$dir/pids"
    rm -f "$dir/pids"
    ;;
*)
    echo "usage: $0 start local|cluster DIR | stop DIR" >&2
    exit 2
    ;;
esac
