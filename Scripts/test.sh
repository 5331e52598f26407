#!/usr/bin/env bash
# The project's test command: unit and end-to-end tests, the independent conformance check, and a
# smoke run of the benchmark. Expects the system libraries of .ci/run (libsqlite3-dev, zlib1g-dev).
set -euo pipefail
cd "$(dirname "$0")/.."

swift build
swift test
# The official Python SDK and the older RPC SDK against `keytrail serve` (needs PyPI for the first run's virtualenv).
bash Tests/sdk/run.sh
if [ -f Tests/conformance/check.py ]; then
  python3 Tests/conformance/check.py --keytrail .build/debug/keytrail
fi
# The relocatable bundle (Scripts/bundle.sh) runs with the toolchain out of reach.
bash Tests/bundle/check.sh
# A real Spark (Java 17 and PySpark, installed by Scripts/spark/setup.sh when missing): local[2,4]
# with a task killed on its first attempt, then a standalone cluster on 127.0.0.1.
bash Tests/spark/run.sh --standalone
# keytrail report in headless Chromium (Debian's, installed by the script when missing).
bash Tests/report/check.sh
if [ -f Benchmarks/KeytrailBench/main.swift ] && grep -q smoke Benchmarks/KeytrailBench/main.swift; then
  swift run keytrail-bench --smoke
fi
