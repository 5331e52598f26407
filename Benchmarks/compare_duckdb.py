#!/usr/bin/env python3
"""Side-by-side benchmark: `keytrail ingest` against DuckDB doing the same job.

    python3 Benchmarks/compare_duckdb.py [--events 1000000] [--runs 3] [--json OUT]
        [--keytrail .build/release/keytrail] [--synth .build/release/keytrail-synth]
        [--dir /tmp/keytrail-bench-N] [--duckdb-query fast|strict]
        [--keytrail-index products-only|full] [--keep-dbs]

The script makes (or reuses) a private virtualenv at `.venv-bench` in the repository, installs
`duckdb` and `zstandard` (to read keytrail's stored Details) into it when missing, and re-executes
itself there, so plain `python3` is enough.

What it does:

1. Generates (or reuses) an OSS-style corpus with the project's generator, the same events twice:
   DIR/plain (JSON arrays) and DIR/gzip (the same arrays, gzip). A marker DIR/.corpus-KIND.json
   beside each folder records N, the seed and the files, so a mismatching folder is regenerated.
2. For plain and gzip, times (after one warm-up; median and min of R runs, each into a fresh
   database in a temp dir; keytrail and DuckDB runs interleaved so drift hits both alike):
   - `keytrail ingest --quiet --db FRESH.sqlite DIR/KIND`;
   - DuckDB in a subprocess (this script with `--duckdb-worker`): `read_json_objects(...,
     format='array')` over every file, per (userIdentity.accessKeyId, serviceName) the latest
     event by (eventTime as UTC epoch ms, eventId), its JSON text kept, materialised as table
     `latest` in a fresh on-disk DuckDB database (closed, i.e. checkpointed, inside the timing).
     With `--keytrail-index full` (keytrail then builds its full index, products and siblings),
     DuckDB builds the same four tables instead (see "The full index in DuckDB" below).
   Both are timed by wall clock around the child, and the child's peak RSS comes from os.wait4.
3. Checks that keytrail's index and DuckDB's tables agree: every row of each DuckDB table against
   keytrail's `dims` rows of that kind, on the row's identity (key, service, and name and sub for
   the siblings), UsedTimestamp, eventId and the Detail text (MD5; keytrail's Details are zstd
   frames with the index's own dictionary, decoded by stored_details.py), for both input kinds;
   rows only one side has count too. Any difference: exit 1.
4. Point lookups: `keytrail products KEY --db DB --as-of latest` end to end vs DuckDB on its
   result table (warm connection; open+query+close; and a fresh `python -c` process), median
   of 20 each; and Python sqlite3 point lookups on keytrail's index (10,000 random keys, p50/p99).
5. Prints the table and, with --json, writes the same figures as JSON.

Absolute times drift with the machine; the keytrail/DuckDB ratios from one invocation are what
to quote. MB/s is raw input bytes (compressed bytes for gzip, as keytrail's own summary counts
them) divided by the median seconds.

DuckDB query variants (--duckdb-query):
  fast   (default) the job as stated: arg_max(event, (ts, eventId)); eventTime via
         TRY_CAST(... AS TIMESTAMPTZ) with TimeZone=UTC.
  strict closer to DESIGN.md: also only RFC 3339 shapes with an offset (a time without one is
         skipped, as keytrail does), fractions truncated to milliseconds before the cast, and the
         Detail text as the last tie-break (max over (ts, eventId, detail)).
Neither variant models the PascalCase spellings, SLS/nested shapes or "last repeated member
wins"; the generated corpus uses none of them.

The full index in DuckDB (`--keytrail-index full`), keytrail's `dims` kinds (its `Dimension`):

  table              dims kind  per                                   dims name / sub
  latest             0 product  (key, service)                        '' / ''
  latest_events      1 event    (key, service, eventName)             eventName / ''
  latest_ips         2 ip       (key, service, sourceIpAddress)       the address / ''
  latest_resources   3 resource (key, service, type, name)            resource type / resource name

each row the latest event (the variant's order, as above) with its JSON text. The rules are
FileProcessor.emit's (Sources/KeytrailExtract/Extract/FileProcessor+Events.swift): an event that
counts for its product counts for its siblings; eventName and sourceIpAddress count when they are
non-empty JSON strings; resources come from `referencedResources` (an object: type -> a name or an
array of names; non-string names, empty types and names ignored) when that yields a pair, else
from `resourceType`/`resourceName` as ResourceList.forEach splits them (`;` separates types and
the name groups that go with them in order, the last type serving any further groups; `,` separates
names of a group; spaces and tabs trimmed; empty types and names dropped). Members are read with
json_extract and count only when they are JSON strings, as keytrail's `decoded` does, and a missing
eventId is '' as in keytrail. One pass: each event becomes one row per dimension it belongs to, a
GROUP BY keeps each row's winner with arg_max (memory holds the winners, not the events, as
keytrail's reduce does; but each row holds its own copy of its winner's text, where keytrail keeps
one Detail per event), and the winners are split into the four tables. Not modelled, besides the
above (none occur in the generated corpus): a `referencedResources` with a repeated type (DuckDB's
MAP refuses it and the event falls back to resourceType/resourceName; keytrail reads every
member); `referencedResources` under its PascalCase name; events that collide on (key, service,
time, eventId) with different texts (keytrail stores one Detail per such event for all the rows
it wins); keytrail's activity rows (per key, service and UTC day; no Detail) and provenance, which
DuckDB does not build at all; `--until`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stored_details  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEED = 1
KINDS = ("plain", "gzip")
SYNTH_FORMAT = {"plain": "oss-plain", "gzip": "oss-gzip"}
SYNTH_FILE = re.compile(r"^Actiontrail_.*\.(json|gz)$")


# ----------------------------------------------------------------------------------------------
# Virtualenv bootstrap


def ensure_venv() -> None:
    """Re-executes this script inside .venv-bench, with duckdb (and zstandard, to read Details)."""
    stored_details.ensure_venv(__file__, {"duckdb": "duckdb", "zstandard": "zstandard"})


# ----------------------------------------------------------------------------------------------
# Helpers


def die(message: str, status: int = 2) -> None:
    print(f"compare_duckdb: error: {message}", file=sys.stderr)
    sys.exit(status)


def input_files(directory: Path) -> list[Path]:
    """Every regular file under `directory`, recursively, in name order (as keytrail walks)."""
    out: list[Path] = []
    for root, dirs, files in os.walk(directory, followlinks=True):
        dirs.sort()
        out.extend(Path(root) / f for f in sorted(files))
    return out


def run_measured(cmd: list[str], stdout=subprocess.DEVNULL) -> tuple[float, int, int, str, float]:
    """Runs `cmd`; returns (wall seconds, peak RSS KiB, exit status, stderr text, CPU seconds)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=err, close_fds=True)
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return seconds, usage.ru_maxrss, p.returncode, text, usage.ru_utime + usage.ru_stime


def cpu_busy_seconds() -> float | None:
    """CPU seconds spent busy machine-wide since boot (all CPUs), from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def fmt_int(v: float) -> str:
    return f"{v:,.0f}"


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, math.ceil(q / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


# ----------------------------------------------------------------------------------------------
# DuckDB: the query, and the worker that runs it in its own process


def sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def duckdb_sql(files: list[Path], kind: str, variant: str) -> str:
    compression = ", compression='gzip'" if kind == "gzip" else ""
    source = f"read_json_objects({sql_list(files)}, format='array'{compression})"
    # One json_extract_string call with a list of paths parses each event once.
    fields = (
        "json_extract_string(json, ['$.userIdentity.accessKeyId', '$.serviceName', '$.eventTime', '$.eventId'])"
    )
    if variant == "fast":
        return f"""
CREATE TABLE latest AS
WITH raw AS (
    SELECT {fields} AS f, json::VARCHAR AS detail FROM {source}
), ev AS (
    SELECT f[1] AS key, f[2] AS service, epoch_ms(TRY_CAST(f[3] AS TIMESTAMPTZ)) AS ts, f[4] AS event_id, detail
    FROM raw
), best AS (
    SELECT key, service,
           arg_max({{'ts': ts, 'event_id': event_id, 'detail': detail}}, {{'ts': ts, 'event_id': event_id}}) AS w
    FROM ev
    WHERE key <> '' AND service IS NOT NULL AND ts IS NOT NULL
    GROUP BY key, service
)
SELECT key, service, w.ts AS ts, w.event_id AS event_id, w.detail AS detail FROM best
"""
    if variant == "strict":
        shape = r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:?\d\d)$"
        return f"""
CREATE TABLE latest AS
WITH raw AS (
    SELECT {fields} AS f, json::VARCHAR AS detail FROM {source}
), ev AS (
    SELECT f[1] AS key, f[2] AS service,
           epoch_ms(TRY_CAST(regexp_replace(f[3], '(\\.\\d{{3}})\\d+', '\\1') AS TIMESTAMPTZ)) AS ts,
           f[4] AS event_id, detail
    FROM raw
    WHERE regexp_matches(f[3], '{shape}')
), best AS (
    SELECT key, service, max({{'ts': ts, 'event_id': event_id, 'detail': detail}}) AS w
    FROM ev
    WHERE key <> '' AND service IS NOT NULL AND ts IS NOT NULL
    GROUP BY key, service
)
SELECT key, service, w.ts AS ts, w.event_id AS event_id, w.detail AS detail FROM best
"""
    raise ValueError(variant)


# The full index's four tables in DuckDB, by keytrail's `Dimension` codes (dims.kind): the table
# DuckDB fills and what its `name` and `sub` hold (keytrail's dims columns of the same names).
FULL_TABLES = (
    ("products", 0, "latest"),  # (key, service); name and sub ''
    ("events", 1, "latest_events"),  # (key, service, eventName); sub ''
    ("ips", 2, "latest_ips"),  # (key, service, sourceIpAddress); sub ''
    ("resources", 3, "latest_resources"),  # (key, service, resource type, resource name)
)
# ResourceList.trim: blanks around `;` and `,` are spaces and tabs.
BLANKS = "' ' || chr(9)"


def duckdb_full_sql(files: list[Path], kind: str, variant: str) -> list[str]:
    """The statements that build keytrail's full index as four DuckDB tables (`FULL_TABLES`).

    One pass over the JSON, as keytrail's reduce does: each event becomes one row per dimension it
    wins a place in (its product, its eventName, its sourceIpAddress, each of its resources), and one
    GROUP BY (key, service, kind, name, sub) keeps the latest of each with arg_max, so that memory
    holds the winners (one copy of the text per row) rather than the events. The winners, a
    temporary table, are then split into the four tables.
    The rules are FileProcessor.emit's (Sources/KeytrailExtract/Extract/FileProcessor+Events.swift):
    a dimension's members count only when they are JSON strings, empty ones never;
    `referencedResources` (an object: type -> a name or an array of names, non-strings ignored)
    when it yields a pair, else `resourceType`/`resourceName` split as ResourceList.forEach does.
    """
    compression = ", compression='gzip'" if kind == "gzip" else ""
    source = f"read_json_objects({sql_list(files)}, format='array'{compression})"
    paths = ["$.userIdentity.accessKeyId", "$.serviceName", "$.eventTime", "$.eventId", "$.eventName",
             "$.sourceIpAddress", "$.resourceType", "$.resourceName", "$.referencedResources"]
    fields = "json_extract(json, [" + ", ".join(f"'{p}'" for p in paths) + "])"

    def text(i: int) -> str:
        # A member's decoded text when it is a JSON string (keytrail's `decoded`), else NULL.
        return f"CASE WHEN json_type(f[{i}]) = 'VARCHAR' THEN f[{i}] ->> '$' END"

    if variant == "fast":
        ts = "epoch_ms(TRY_CAST(time_text AS TIMESTAMPTZ))"
        shape = "TRUE"
        order = "{'ts': ts, 'event_id': event_id}"
    elif variant == "strict":
        ts = "epoch_ms(TRY_CAST(regexp_replace(time_text, '(\\.\\d{3})\\d+', '\\1') AS TIMESTAMPTZ))"
        pattern = r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:?\d\d)$"
        shape = f"regexp_matches(time_text, '{pattern}')"
        order = "{'ts': ts, 'event_id': event_id, 'detail': detail}"
    else:
        raise ValueError(variant)
    # referencedResources: (type, name) pairs; a NULL list when it is absent or not an object.
    referenced = f"""list_filter(flatten(list_transform(
                map_entries(json_transform(rr, '"MAP(VARCHAR, JSON)"')),
                lambda m: list_transform(
                    CASE json_type(m.value)
                        WHEN 'VARCHAR' THEN [m.value]
                        WHEN 'ARRAY' THEN list_filter(json_transform(m.value, '["JSON"]'),
                                                      lambda e: json_type(e) = 'VARCHAR')
                        ELSE [] END,
                    lambda e: {{'name': m.key, 'sub': e ->> '$'}}))),
            lambda r: r.name <> '' AND r.sub <> '')"""
    # resourceType/resourceName: the i-th `;` group of names goes with the i-th type (the last type
    # when types run out); `,` separates names of a group; blanks trimmed; empty types and names
    # dropped.
    listed = f"""CASE WHEN rtypes <> '' AND rnames <> '' THEN list_filter(flatten(list_transform(
                range(1, len(name_groups) + 1),
                lambda i: list_transform(string_split(name_groups[i], ','),
                    lambda n: {{'name': trim(type_list[least(i, len(type_list))], {BLANKS}),
                               'sub': trim(n, {BLANKS})}}))),
            lambda r: r.name <> '' AND r.sub <> '') END"""
    winners = f"""
CREATE TEMP TABLE winners AS
WITH raw AS (
    SELECT {fields} AS f, json::VARCHAR AS detail FROM {source}
), ev AS (
    SELECT {text(1)} AS key, {text(2)} AS service, {text(3)} AS time_text, coalesce({text(4)}, '') AS event_id,
           {text(5)} AS event_name, {text(6)} AS ip, {text(7)} AS rtypes, {text(8)} AS rnames,
           f[9] AS rr, detail
    FROM raw
), timed AS (
    SELECT key, service, {ts} AS ts, event_id, event_name, ip, rtypes, rnames, rr, detail,
           string_split(rtypes, ';') AS type_list, string_split(rnames, ';') AS name_groups
    FROM ev
    WHERE key <> '' AND service <> '' AND {shape}
), resourced AS (
    SELECT key, service, ts, event_id, event_name, ip, detail, {referenced} AS referenced, {listed} AS listed
    FROM timed
    WHERE ts IS NOT NULL
), tagged AS (
    SELECT key, service, ts, event_id, detail, unnest(
        [{{'kind': 0, 'name': '', 'sub': ''}}]
        || CASE WHEN event_name <> '' THEN [{{'kind': 1, 'name': event_name, 'sub': ''}}] ELSE [] END
        || CASE WHEN ip <> '' THEN [{{'kind': 2, 'name': ip, 'sub': ''}}] ELSE [] END
        || list_transform(CASE WHEN len(referenced) > 0 THEN referenced ELSE coalesce(listed, []) END,
                          lambda r: {{'kind': 3, 'name': r.name, 'sub': r.sub}})
    ) AS d
    FROM resourced
), best AS (
    SELECT key, service, d.kind AS kind, d.name AS name, d.sub AS sub,
           arg_max({{'ts': ts, 'event_id': event_id, 'detail': detail}}, {order}) AS w
    FROM tagged
    GROUP BY key, service, d.kind, d.name, d.sub
)
SELECT key, service, kind, name, sub, w.ts AS ts, w.event_id AS event_id, w.detail AS detail FROM best
"""
    statements = [winners]
    for _, code, table in FULL_TABLES:
        columns = "key, service, ts, event_id, detail" if code == 0 else "key, service, name, sub, ts, event_id, detail"
        statements.append(f"CREATE TABLE {table} AS SELECT {columns} FROM winners WHERE kind = {code}")
    statements.append("DROP TABLE winners")
    return statements


def duckdb_worker(args: argparse.Namespace) -> int:
    """Hidden mode: builds DuckDB's `latest` table (with --worker-index full, all four tables of
    `FULL_TABLES`) from one corpus folder into a fresh database."""
    import duckdb

    files = input_files(Path(args.worker_input))
    t0 = time.perf_counter()
    con = duckdb.connect(args.worker_db)
    con.execute("SET TimeZone = 'UTC'")
    if args.worker_index == "full":
        for statement in duckdb_full_sql(files, args.worker_kind, args.duckdb_query):
            con.execute(statement)
        tables = [(name, table) for name, _, table in FULL_TABLES]
    else:
        con.execute(duckdb_sql(files, args.worker_kind, args.duckdb_query))
        tables = [("products", "latest")]
    rows = {name: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for name, table in tables}
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.close()
    seconds = time.perf_counter() - t0
    Path(args.worker_out).write_text(
        json.dumps({"seconds_in_worker": seconds, "rows": rows["products"], "rows_by_table": rows,
                    "threads": int(threads), "files": len(files)})
    )
    return 0


# ----------------------------------------------------------------------------------------------
# Corpus


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ensure_corpus(synth: Path, base: Path, kind: str, events: int) -> dict:
    """Generates DIR/KIND unless its marker says it already holds these events; returns the marker.

    The marker records N, the seed, the format and the files' count and bytes, and is written last;
    the generator binary's SHA-256 is recorded for information only (a rebuilt generator must not
    make the script delete a corpus that another benchmark may be reading). Only files named as the
    generator names them are ever deleted.
    """
    synth_digest = file_digest(synth)
    folder = base / kind
    marker_path = base / f".corpus-{kind}.json"
    files = input_files(folder) if folder.is_dir() else []
    if files and marker_path.exists():
        try:
            marker = json.loads(marker_path.read_text())
        except ValueError:
            marker = {}
        total = sum(f.stat().st_size for f in files)
        if (
            marker.get("events") == events
            and marker.get("seed") == SEED
            and marker.get("format") == SYNTH_FORMAT[kind]
            and marker.get("files") == len(files)
            and marker.get("bytes") == total
        ):
            print(f"corpus {kind}: reusing {folder} ({len(files)} files, {total / 1e6:,.1f} MB)", flush=True)
            return marker
    if folder.exists():
        strangers = [f for f in files if not SYNTH_FILE.match(f.name)]
        if strangers:
            die(f"{folder} holds files the generator did not write (e.g. {strangers[0]}); choose another --dir")
        shutil.rmtree(folder)
    marker_path.unlink(missing_ok=True)
    print(f"corpus {kind}: generating {events:,} events into {folder} ...", flush=True)
    t0 = time.perf_counter()
    cmd = [str(synth), "--out", str(folder), "--format", SYNTH_FORMAT[kind], "--events", str(events),
           "--seed", str(SEED)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        die(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    files = input_files(folder)
    total = sum(f.stat().st_size for f in files)
    marker = {"events": events, "seed": SEED, "format": SYNTH_FORMAT[kind], "files": len(files), "bytes": total,
              "synth_sha256": synth_digest}
    marker_path.write_text(json.dumps(marker) + "\n")
    print(f"corpus {kind}: {len(files)} files, {total / 1e6:,.1f} MB in {time.perf_counter() - t0:.1f} s", flush=True)
    return marker


# ----------------------------------------------------------------------------------------------
# Timed runs


class Runner:
    def __init__(self, args: argparse.Namespace, work: Path):
        self.args = args
        self.work = work
        self.serial = 0

    def fresh(self, suffix: str) -> Path:
        self.serial += 1
        d = self.work / f"run-{self.serial:03d}"
        d.mkdir()
        return d / f"index{suffix}"

    def keytrail(self, folder: Path, report: bool = False) -> dict:
        db = self.fresh(".sqlite")
        cmd = [str(self.args.keytrail), "ingest", "--db", str(db)]
        # Like for like: with products-only, DuckDB computes the products only; with full, all four tables.
        if self.args.keytrail_index == "products-only":
            cmd.append("--products-only")
        cmd += ["--json"] if report else ["--quiet"]
        cmd.append(str(folder))
        with tempfile.TemporaryFile() as out:
            seconds, rss, status, err, cpu = run_measured(cmd, stdout=out)
            out.seek(0)
            stdout = out.read().decode("utf-8", "replace")
        if status != 0:
            die(f"{' '.join(cmd)} exited {status}:\n{err}{stdout}")
        result = {"seconds": seconds, "rss_kib": rss, "cpu_seconds": cpu, "db": db}
        if report:
            result["report"] = json.loads(stdout)
        return result

    def duckdb(self, folder: Path, kind: str) -> dict:
        db = self.fresh(".duckdb")
        out = db.parent / "worker.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--duckdb-worker", "--worker-input", str(folder),
               "--worker-db", str(db), "--worker-kind", kind, "--worker-out", str(out),
               "--duckdb-query", self.args.duckdb_query, "--worker-index", self.args.keytrail_index]
        seconds, rss, status, err, cpu = run_measured(cmd)
        if status != 0:
            die(f"DuckDB worker exited {status}:\n{err}")
        info = json.loads(out.read_text())
        return {"seconds": seconds, "rss_kib": rss, "cpu_seconds": cpu, "db": db, **info}

    @staticmethod
    def discard(result: dict) -> None:
        shutil.rmtree(result["db"].parent, ignore_errors=True)


def summarise(runs: list[dict], nbytes: int, events: int) -> dict:
    secs = [r["seconds"] for r in runs]
    med = statistics.median(secs)
    return {
        "seconds_median": med,
        "seconds_min": min(secs),
        "seconds_all": secs,
        "mb_per_s": nbytes / 1e6 / med,
        "events_per_s": events / med,
        "cpu_seconds_median": statistics.median(r["cpu_seconds"] for r in runs),
        "peak_rss_mib": max(r["rss_kib"] for r in runs) / 1024,
        "peak_rss_mib_median": statistics.median(r["rss_kib"] for r in runs) / 1024,
    }


# ----------------------------------------------------------------------------------------------
# Agreement


def keytrail_rows(db: Path, kind: int = 0) -> dict:
    """keytrail's dims rows of `kind`: (key, service[, name, sub]) -> (ts, eventId, Detail MD5).

    The Detail is the winning event's, from `event_details` (compressed; decoded as text); a row
    whose event has no Detail gets the MD5 of nothing, so it shows as a mismatch."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    details = stored_details.Details(con)
    rows = {}
    for key, service, name, sub, ts, event_id, detail in con.execute(
        "SELECT d.key, d.service, d.name, d.sub, d.ts, d.event_id, e.detail FROM dims d "
        "LEFT JOIN event_details e ON e.key = d.key AND e.service = d.service AND e.ts = d.ts "
        "AND e.event_id = d.event_id WHERE d.kind = ?",
        (kind,),
    ):
        row = (key, service) if kind == 0 else (key, service, name, sub)
        rows[row] = (ts, event_id, hashlib.md5(details.text(detail)).hexdigest())
    con.close()
    return rows


def duckdb_rows(db: Path, table: str = "latest") -> dict:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    names = "" if table == "latest" else "name, sub, "
    rows = {
        tuple(r[:-3]): tuple(r[-3:])
        for r in con.execute(f"SELECT key, service, {names}ts, event_id, md5(detail) FROM {table}").fetchall()
    }
    con.close()
    return rows


def compare(kt: dict, dk: dict) -> dict:
    missing_in_duckdb = sorted(set(kt) - set(dk))
    missing_in_keytrail = sorted(set(dk) - set(kt))
    ts_diff, id_diff, detail_diff = [], [], []
    both = set(kt) & set(dk)
    for k in sorted(both):
        a, b = kt[k], dk[k]
        if a[0] != b[0]:
            ts_diff.append((k, a, b))
        elif a[1] != b[1]:
            id_diff.append((k, a, b))
        elif a[2] != b[2]:
            detail_diff.append((k, a, b))
    return {
        "rows_keytrail": len(kt),
        "rows_duckdb": len(dk),
        "rows_compared": len(both),
        "only_keytrail": len(missing_in_duckdb),
        "only_duckdb": len(missing_in_keytrail),
        "ts_mismatches": len(ts_diff),
        "event_id_mismatches": len(id_diff),
        "detail_mismatches": len(detail_diff),
        "ok": not (missing_in_duckdb or missing_in_keytrail or ts_diff or id_diff or detail_diff),
        "examples": [
            *[f"only in keytrail: {k}" for k in missing_in_duckdb[:5]],
            *[f"only in DuckDB: {k}" for k in missing_in_keytrail[:5]],
            *[f"{k}: keytrail ts={a[0]} id={a[1]} vs DuckDB ts={b[0]} id={b[1]}" for k, a, b in ts_diff[:5]],
            *[f"{k}: keytrail id={a[1]} vs DuckDB id={b[1]} (ts {a[0]})" for k, a, b in id_diff[:5]],
            *[f"{k}: Detail md5 keytrail {a[2]} vs DuckDB {b[2]}" for k, a, b in detail_diff[:5]],
        ],
    }


# ----------------------------------------------------------------------------------------------
# Point lookups


DUCKDB_LOOKUP = "SELECT service, ts, detail FROM latest WHERE key = ?"
SQLITE_LOOKUP = "SELECT service, ts, detail FROM products WHERE key = ?"
E2E_SNIPPET = (
    "import sys, duckdb\n"
    "c = duckdb.connect(sys.argv[1], read_only=True)\n"
    f"rows = c.execute({DUCKDB_LOOKUP!r}, [sys.argv[2]]).fetchall()\n"
    "sys.stdout.write(str(len(rows)))\n"
)


def lookups(args: argparse.Namespace, kt_db: Path, dk_db: Path, repeats: int = 20, sqlite_keys: int = 10_000) -> dict:
    import duckdb

    con = sqlite3.connect(f"file:{kt_db}?mode=ro", uri=True)
    keys = [k for (k,) in con.execute("SELECT DISTINCT key FROM products ORDER BY key")]
    rng = random.Random(SEED)
    key = rng.choice(keys)
    kt_rows = con.execute("SELECT count(*) FROM products WHERE key = ?", [key]).fetchone()[0]

    # keytrail CLI, end to end (process start, open, window/as-of, catalog, JSON out).
    cmd = [str(args.keytrail), "products", key, "--db", str(kt_db), "--as-of", "latest"]
    first = subprocess.run(cmd, capture_output=True, text=True)
    if first.returncode != 0:
        die(f"{' '.join(cmd)} exited {first.returncode}: {first.stderr.strip()}")
    answered = len(json.loads(first.stdout)["Products"])
    cli = [run_measured(cmd)[0] for _ in range(repeats)]

    # DuckDB on its result table: warm connection, then open+query+close, then a fresh process.
    dk = duckdb.connect(str(dk_db), read_only=True)
    dk_rows = len(dk.execute(DUCKDB_LOOKUP, [key]).fetchall())
    warm = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        dk.execute(DUCKDB_LOOKUP, [key]).fetchall()
        warm.append(time.perf_counter() - t0)
    dk.close()
    opened = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        c = duckdb.connect(str(dk_db), read_only=True)
        c.execute(DUCKDB_LOOKUP, [key]).fetchall()
        c.close()
        opened.append(time.perf_counter() - t0)
    e2e_cmd = [sys.executable, "-c", E2E_SNIPPET, str(dk_db), key]
    run_measured(e2e_cmd)
    e2e = [run_measured(e2e_cmd)[0] for _ in range(repeats)]

    # Python sqlite3 point lookups on keytrail's index.
    sample = [rng.choice(keys) for _ in range(sqlite_keys)]
    for k in sample[:200]:
        con.execute(SQLITE_LOOKUP, [k]).fetchall()
    lat = []
    nrows = 0
    for k in sample:
        t0 = time.perf_counter_ns()
        nrows += len(con.execute(SQLITE_LOOKUP, [k]).fetchall())
        lat.append((time.perf_counter_ns() - t0) / 1000)
    con.close()
    lat.sort()
    return {
        "key": key,
        "key_rows_keytrail": kt_rows,
        "key_rows_duckdb": dk_rows,
        "key_products_answered_cli": answered,
        "repeats": repeats,
        "keytrail_cli_ms_median": statistics.median(cli) * 1000,
        "duckdb_warm_ms_median": statistics.median(warm) * 1000,
        "duckdb_open_query_ms_median": statistics.median(opened) * 1000,
        "duckdb_python_process_ms_median": statistics.median(e2e) * 1000,
        "sqlite_lookups": sqlite_keys,
        "sqlite_rows_per_lookup": nrows / sqlite_keys,
        "sqlite_p50_us": percentile(lat, 50),
        "sqlite_p99_us": percentile(lat, 99),
        "sqlite_mean_us": statistics.fmean(lat),
    }


# ----------------------------------------------------------------------------------------------
# Main


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description="keytrail ingest vs DuckDB, side by side (see the module docstring).")
    p.add_argument("--keytrail", default=str(REPO / ".build/release/keytrail"), help="keytrail binary")
    p.add_argument("--synth", default=str(REPO / ".build/release/keytrail-synth"), help="keytrail-synth binary")
    p.add_argument("--events", type=int, default=1_000_000, help="events in the corpus (default 1000000)")
    p.add_argument("--dir", help="corpus folder (default /tmp/keytrail-bench-N)")
    p.add_argument("--runs", type=int, default=3, help="timed runs per tool and kind, after one warm-up")
    p.add_argument("--json", dest="json_out", help="also write the figures as JSON to this file")
    p.add_argument("--duckdb-query", choices=("fast", "strict"), default="fast", help="DuckDB query variant")
    p.add_argument("--keytrail-index", choices=("products-only", "full"), default="products-only",
                   help="the index both build: products only (default), or keytrail's full index with the "
                        "siblings and DuckDB's four matching tables")
    p.add_argument("--keep-dbs", action="store_true", help="keep the last databases (their folder is printed)")
    p.add_argument("--label", help="what the keytrail binary was built from (default: this repository's git state)")
    # Hidden: the DuckDB worker.
    p.add_argument("--duckdb-worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--worker-input", help=argparse.SUPPRESS)
    p.add_argument("--worker-db", help=argparse.SUPPRESS)
    p.add_argument("--worker-kind", choices=KINDS, help=argparse.SUPPRESS)
    p.add_argument("--worker-out", help=argparse.SUPPRESS)
    p.add_argument("--worker-index", choices=("products-only", "full"), default="products-only", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.events < 1 or a.runs < 1:
        p.error("--events and --runs must be positive")
    return a


def git_revision() -> str:
    """HEAD, plus a digest of uncommitted changes to Sources/ and Package.swift when there are any.

    This describes the work tree now; the keytrail binary may have been built from another state
    (its modification time is recorded beside it)."""
    try:
        git = ["git", "-C", str(REPO)]
        rev = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        diff = subprocess.run([*git, "diff", "HEAD", "--", "Sources", "Package.swift"], capture_output=True).stdout
        return (rev or "unknown") + (f"+dirty.{hashlib.sha1(diff).hexdigest()[:8]}" if diff else "")
    except OSError:
        return "unknown"


def main() -> int:
    args = parse_args()
    if args.duckdb_worker:
        return duckdb_worker(args)
    import duckdb

    args.keytrail = Path(args.keytrail).resolve()
    args.synth = Path(args.synth).resolve()
    base = Path(args.dir or f"/tmp/keytrail-bench-{args.events}").resolve()
    for exe in (args.keytrail, args.synth):
        if not os.access(exe, os.X_OK):
            die(f"{exe} is not an executable; build with `swift build -c release` (or pass --keytrail/--synth)")

    # Room for the corpus (~2 KB/event plain, ~0.21 of that gzip) and the kept databases.
    need = 0
    for kind in KINDS:
        marker = base / f".corpus-{kind}.json"
        if not ((base / kind).is_dir() and marker.exists()):
            need += args.events * 2000 * (1 if kind == "plain" else 0.25)
    need += args.events * 2000 * 0.2 * 4 * 1.5
    base.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(base).free
    if free < need:
        die(f"{base}: {free / 1e9:.1f} GB free, about {need / 1e9:.1f} GB needed")

    corpus = {kind: ensure_corpus(args.synth, base, kind, args.events) for kind in KINDS}
    work = Path(tempfile.mkdtemp(prefix="keytrail-bench-dbs-"))
    runner = Runner(args, work)
    results: dict = {
        "config": {
            "events": args.events,
            "runs": args.runs,
            "seed": SEED,
            "corpus_dir": str(base),
            "keytrail": str(args.keytrail),
            "keytrail_revision": args.label or git_revision(),
            "keytrail_mtime": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(args.keytrail.stat().st_mtime)),
            "duckdb_version": duckdb.__version__,
            "duckdb_query": args.duckdb_query,
            "keytrail_index": args.keytrail_index,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.platform(),
        },
        "ingest": {},
    }
    last: dict = {}
    try:
        for kind in KINDS:
            folder = base / kind
            nbytes = corpus[kind]["bytes"]
            print(f"\n{kind}: warm-up ...", flush=True)
            warm_k = runner.keytrail(folder, report=True)
            report = warm_k["report"]
            runner.discard(warm_k)
            runner.discard(runner.duckdb(folder, kind))
            read = report.get("events", {}).get("read")
            if read is not None and read != args.events:
                print(f"  warning: keytrail read {read} events, expected {args.events}", flush=True)
            kt_runs, dk_runs = [], []
            busy0, wall0 = cpu_busy_seconds(), time.perf_counter()
            for i in range(args.runs):
                k = runner.keytrail(folder)
                d = runner.duckdb(folder, kind)
                print(f"  run {i + 1}/{args.runs}: keytrail {k['seconds']:.3f} s ({k['rss_kib'] / 1024:.0f} MiB), "
                      f"DuckDB {d['seconds']:.3f} s ({d['rss_kib'] / 1024:.0f} MiB)", flush=True)
                if i < args.runs - 1:
                    runner.discard(k)
                    runner.discard(d)
                kt_runs.append(k)
                dk_runs.append(d)
            busy1, wall = cpu_busy_seconds(), time.perf_counter() - wall0
            # CPU used by processes other than the benchmarked children, as cores busy on average:
            # other work on the machine while timing (a few % is the harness itself).
            foreign = None
            if busy0 is not None and busy1 is not None:
                ours = sum(r["cpu_seconds"] for r in kt_runs + dk_runs)
                foreign = max(0.0, (busy1 - busy0 - ours) / wall)
                if foreign > 0.15:
                    print(f"  warning: other processes kept {foreign:.2f} CPUs busy during the timed runs; "
                          "figures are noisy", flush=True)
            kt = summarise(kt_runs, nbytes, args.events)
            dk = summarise(dk_runs, nbytes, args.events)
            dk["seconds_in_worker_median"] = statistics.median(r["seconds_in_worker"] for r in dk_runs)
            dk["threads"] = dk_runs[-1]["threads"]
            dk["rows_by_table"] = dk_runs[-1]["rows_by_table"]
            results["ingest"][kind] = {
                "files": corpus[kind]["files"],
                "input_bytes": nbytes,
                "decompressed_bytes": report.get("bytes_decompressed"),
                "keytrail_warmup_report": {k: v for k, v in report.items() if not isinstance(v, list)},
                "keytrail": kt,
                "duckdb": dk,
                "throughput_ratio_keytrail_over_duckdb": dk["seconds_median"] / kt["seconds_median"],
                "other_processes_cpus_busy": foreign,
            }
            last[kind] = (kt_runs[-1]["db"], dk_runs[-1]["db"])

        print("\nchecking agreement ...", flush=True)
        # Per input kind, per table: every row of DuckDB's table against keytrail's dims of that kind.
        tables = FULL_TABLES if args.keytrail_index == "full" else FULL_TABLES[:1]
        agreement = {}
        for kind in KINDS:
            agreement[kind] = {
                name: compare(keytrail_rows(last[kind][0], code), duckdb_rows(last[kind][1], table))
                for name, code, table in tables
            }
        results["agreement"] = agreement

        print("point lookups ...", flush=True)
        results["lookups"] = lookups(args, *last["plain"])
    finally:
        if args.keep_dbs:
            print(f"databases kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    print_table(results)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2, default=str) + "\n")
        print(f"\nwrote {args.json_out}")
    return 0 if all(a["ok"] for by_table in results["agreement"].values() for a in by_table.values()) else 1


def print_table(r: dict) -> None:
    c = r["config"]
    print()
    print(f"keytrail ({c['keytrail_revision']}, index {c['keytrail_index']}) vs DuckDB {c['duckdb_version']} "
          f"(query '{c['duckdb_query']}'), "
          f"{c['events']:,} events, {c['cpus']} CPUs; median of {c['runs']} runs after a warm-up (min in brackets)")
    header = (f"{'input':<7} {'tool':<9} {'seconds':>17} {'MB/s':>8} {'events/s':>11} {'peak RSS MiB':>13} "
              f"{'CPU s':>7}")
    print(header)
    print("-" * len(header))
    for kind, x in r["ingest"].items():
        for name, label in (("keytrail", "keytrail"), ("duckdb", "DuckDB")):
            s = x[name]
            secs = f"{s['seconds_median']:.3f} ({s['seconds_min']:.3f})"
            print(f"{kind:<7} {label:<9} {secs:>17} {s['mb_per_s']:>8.1f} {fmt_int(s['events_per_s']):>11} "
                  f"{s['peak_rss_mib']:>13.0f} {s['cpu_seconds_median']:>7.1f}")
        print(f"{kind:<7} {'ratio':<9} keytrail/DuckDB throughput = {x['throughput_ratio_keytrail_over_duckdb']:.2f}x"
              f"   ({x['files']} files, {x['input_bytes'] / 1e6:,.1f} MB raw"
              + (f", {x['decompressed_bytes'] / 1e6:,.1f} MB decompressed" if kind == "gzip" and
                 x.get("decompressed_bytes") else "")
              + (f"; other processes: {x['other_processes_cpus_busy']:.2f} CPUs busy"
                 if x.get("other_processes_cpus_busy") is not None else "") + ")")
    print("peak RSS: the largest of the timed runs; CPU s: user+system, median.")
    print("DuckDB seconds include Python start and `import duckdb` in the worker (~0.15 s); inside the worker: "
          + ", ".join(f"{k} {x['duckdb']['seconds_in_worker_median']:.3f} s" for k, x in r["ingest"].items())
          + f"; DuckDB threads {next(iter(r['ingest'].values()))['duckdb']['threads']}")
    for kind, x in r["ingest"].items():
        print(f"DuckDB tables ({kind}, last run): "
              + ", ".join(f"{t} {n:,} rows" for t, n in x["duckdb"]["rows_by_table"].items()))
    print()
    rows_of = {"products": "(key, service)", "events": "(key, service, eventName)",
               "ips": "(key, service, sourceIpAddress)", "resources": "(key, service, type, name)"}
    for kind, by_table in r["agreement"].items():
        for table, a in by_table.items():
            verdict = "AGREE" if a["ok"] else "DISAGREE"
            print(f"agreement {kind} {table}: {verdict}: {a['rows_compared']:,} {rows_of[table]} rows compared "
                  f"(keytrail {a['rows_keytrail']:,}, DuckDB {a['rows_duckdb']:,}); UsedTimestamp mismatches "
                  f"{a['ts_mismatches']}, eventId {a['event_id_mismatches']}, Detail {a['detail_mismatches']}, "
                  f"only keytrail {a['only_keytrail']}, only DuckDB {a['only_duckdb']}")
            for e in a["examples"]:
                print(f"    {e}")
    lk = r["lookups"]
    print()
    print(f"point lookup of key {lk['key']} ({lk['key_rows_keytrail']} rows in keytrail's index, "
          f"{lk['key_rows_duckdb']} in DuckDB's table; {lk['key_products_answered_cli']} answered by the CLI "
          f"in the 400-day window), median of {lk['repeats']}:")
    print(f"  keytrail products KEY --as-of latest (CLI, end to end)   {lk['keytrail_cli_ms_median']:8.2f} ms")
    print(f"  DuckDB query, warm connection                            {lk['duckdb_warm_ms_median']:8.2f} ms")
    print(f"  DuckDB open + query + close (in process)                 {lk['duckdb_open_query_ms_median']:8.2f} ms")
    print(f"  DuckDB fresh `python -c` process (import+open+query)     {lk['duckdb_python_process_ms_median']:8.2f} ms")
    print(f"  Python sqlite3 on keytrail's index, {lk['sqlite_lookups']:,} random keys "
          f"({lk['sqlite_rows_per_lookup']:.1f} rows each): p50 {lk['sqlite_p50_us']:.1f} us, "
          f"p99 {lk['sqlite_p99_us']:.1f} us")


if __name__ == "__main__":
    if "--duckdb-worker" not in sys.argv:
        ensure_venv()
    sys.exit(main())
