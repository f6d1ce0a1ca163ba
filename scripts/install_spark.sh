#!/usr/bin/env bash
# make install-spark: the Spark side of the project, in .spark/ (git-ignored).
# - a Java runtime and compiler (Debian's openjdk-17-jdk-headless, through sudo unless root) when missing;
# - the Apache Iceberg runtime for Spark 3.5, taken from the PyPI wheel velox-spark==1.7.0.1 (downloaded,
#   never installed), checked against its SHA-256;
# - ridehail-text-rules.jar: scripts/spark/ridehail/TextRules.java (Unicode NFC for Spark SQL).
# The Python side (.venv-spark from requirements-spark.txt) is built by the Makefile.
set -euo pipefail
PIP=${1:-.venv-spark/bin/pip}
JARS=.spark/jars
ICEBERG=iceberg-spark-runtime-3.5_2.12-1.10.0.jar
ICEBERG_SHA256=70f9471870b2d456167d703c829f098a446b86bb1379eee338c0efa03a341026

if ! command -v java >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
    SUDO=$( [ "$(id -u)" = 0 ] || echo sudo )
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq openjdk-17-jdk-headless
fi
mkdir -p "$JARS"

if ! echo "$ICEBERG_SHA256  $JARS/$ICEBERG" | sha256sum -c --status 2>/dev/null; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    "$PIP" download --quiet --disable-pip-version-check --no-deps velox-spark==1.7.0.1 -d "$tmp"
    python3 -c 'import sys, zipfile, pathlib; wheel, name, out = sys.argv[1:]
pathlib.Path(out).write_bytes(zipfile.ZipFile(wheel).read(name))' "$tmp"/velox_spark-1.7.0.1-*.whl \
        "velox_spark/jars/$ICEBERG" "$tmp/$ICEBERG"
    echo "$ICEBERG_SHA256  $tmp/$ICEBERG" | sha256sum -c --quiet
    mv "$tmp/$ICEBERG" "$JARS/$ICEBERG"
fi

if [ ! -f "$JARS/ridehail-text-rules.jar" ] || [ scripts/spark/ridehail/TextRules.java -nt "$JARS/ridehail-text-rules.jar" ]; then
    classes=$(mktemp -d)
    javac --release 8 -nowarn -d "$classes" scripts/spark/ridehail/TextRules.java 2>/dev/null \
        || javac -d "$classes" scripts/spark/ridehail/TextRules.java
    (cd "$classes" && jar cf text-rules.jar ridehail/TextRules.class)
    mv "$classes/text-rules.jar" "$JARS/ridehail-text-rules.jar"
    rm -rf "$classes"
fi
echo "Spark jars ready in $JARS"
