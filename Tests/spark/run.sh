#!/usr/bin/env bash
# Backfill through a real Spark in local mode, local[2,4], with the first attempt of one task
# killed (its keytrail SIGKILLed mid-run): Spark retries it, the shards merge, and the index
# equals one `keytrail ingest` of the same archive, row for row and Detail for Detail. A rerun
# ingests nothing. With --standalone, the same on a standalone cluster on 127.0.0.1 (a master
# and two workers started here and stopped by their pids).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="$(bash "$root/Scripts/spark/setup.sh")"
keytrail="$root/.build/debug/keytrail"
synth="$root/.build/debug/keytrail-synth"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
"$synth" --out "$work/archive" --format mixed --events 6000 --keys 12 --services 9 --seed 11 >/dev/null
"$keytrail" ingest --quiet --db "$work/reference.sqlite" "$work/archive"

# Details are compared as text (each index compresses them with its own zstd dictionary).
"$python" -c 'import zstandard' 2>/dev/null || "$python" -m pip install --quiet zstandard
compare() {  # the rows of two indexes, with their events' Details, reference counts and activity
  PYTHONPATH="$root/Benchmarks" "$python" - "$1" "$2" <<'PY'
import sqlite3, sys
import stored_details
def rows(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    details = stored_details.Details(db)
    out = [r[:9] + (details.text(r[9]),) for r in db.execute(
        """SELECT d.key, d.kind, d.service, d.name, d.sub, d.ts, d.event_id, e.source, e.refs, e.detail
        FROM dims d LEFT JOIN event_details e ON e.key = d.key AND e.service = d.service AND e.ts = d.ts
        AND e.event_id = d.event_id ORDER BY d.key, d.kind, d.service, d.name, d.sub""")]
    return out + db.execute("SELECT * FROM activity ORDER BY key, service, day, event_id").fetchall()
a, b = rows(sys.argv[1]), rows(sys.argv[2])
if a != b:
    sys.exit("spark test: %s differs from %s (%d vs %d rows)" % (sys.argv[1], sys.argv[2], len(a), len(b)))
print("spark test: %d rows equal" % len(a))
PY
}

run() {  # MASTER NAME: backfill into $work/NAME.sqlite, kill bin 1's first attempt, compare, rerun
  local master="$1" name="$2" log="$work/$2.log"
  KEYTRAIL_SPARK_KILL_FIRST_ATTEMPT=1 "$python" "$root/Scripts/spark/backfill.py" --master "$master" \
    --into "$work/$name.sqlite" --tasks 4 --keytrail "$keytrail" "$work/archive" > "$work/$name.json" 2> "$log" \
    || { cat "$log" >&2; echo "spark test: backfill failed on $master" >&2; exit 1; }
  grep -q '"status": 0' "$work/$name.json" || { cat "$work/$name.json" "$log" >&2; exit 1; }
  grep -q 'backfill: bin 1: .* (attempt 1)' "$log" || { cat "$log" >&2; echo "spark test: bin 1 was not retried" >&2; exit 1; }
  compare "$work/reference.sqlite" "$work/$name.sqlite"
  "$python" "$root/Scripts/spark/backfill.py" --master "$master" --into "$work/$name.sqlite" \
    --keytrail "$keytrail" "$work/archive" 2> "$log" > /dev/null
  grep -q ', 0 to ingest' "$log" || { cat "$log" >&2; echo "spark test: the rerun ingested again" >&2; exit 1; }
  echo "spark test: $master: retried task, merged index equal to one ingest, rerun ingests nothing"
}

run 'local[2,4]' local

if [ "${1:-}" = "--standalone" ]; then
  home="$("$python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
  port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export SPARK_LOCAL_IP=127.0.0.1 SPARK_WORKER_DIR="$work/workers"
  "$home/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
    --webui-port 0 > "$work/master.log" 2>&1 &
  pids+=($!)
  for i in 1 2; do
    "$home/bin/spark-class" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$port" --cores 2 \
      --memory 1g --webui-port 0 > "$work/worker$i.log" 2>&1 &
    pids+=($!)
  done
  # Wait for both workers to register (the master logs each), bounded.
  for _ in $(seq 1 600); do
    [ "$(grep -c 'Registering worker' "$work/master.log" || true)" -ge 2 ] && break
    sleep 0.1
  done
  [ "$(grep -c 'Registering worker' "$work/master.log" || true)" -ge 2 ] || { cat "$work/master.log" >&2; exit 1; }
  run "spark://127.0.0.1:$port" standalone
fi
