#!/usr/bin/env bash
# The main job on sample-logs/: set up, build (release), ingest, and answer for one key.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build -c release --product keytrail
db="${KEYTRAIL_DB:-/tmp/keytrail-sample.sqlite}"
rm -f "$db" "$db-wal" "$db-shm"
.build/release/keytrail ingest --db "$db" sample-logs
.build/release/keytrail products LTAI5tv6QCVFimUPfpBMBSH6 --db "$db" --as-of latest --format table
.build/release/keytrail products LTAI5tv6QCVFimUPfpBMBSH6 --db "$db" --as-of latest
