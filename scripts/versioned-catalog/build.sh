#!/usr/bin/env bash
# Builds versioned-catalog.jar, the test catalog whose tables keep versions (see
# mlgate/test/VersionedCatalog.java), against the pinned pyspark's jars. The jar is committed, as
# generated code is, so that a machine with only a Java runtime can run the Spark tests; run this
# after changing the source or the pinned Spark version (it needs a JDK: javac and jar).
set -euo pipefail
cd "$(dirname "$0")"
home=$(python3 -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT
javac --release 17 -nowarn -cp "$home/jars/*" -d "$classes" mlgate/test/VersionedCatalog.java
# Fixed timestamps, so the same source gives the same jar.
find "$classes" -exec touch -d '2026-01-01 00:00:00 UTC' {} +
(cd "$classes" && jar --create --file "$OLDPWD/versioned-catalog.jar" --date=2026-01-01T00:00:00Z mlgate)
echo "built $(pwd)/versioned-catalog.jar"
