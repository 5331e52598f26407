#!/usr/bin/env python3
"""Benchmark: merging k shards (`keytrail merge`) against re-ingesting their input.

    python3 Benchmarks/merge_vs_ingest.py [--events 200000] [--shards 4] [--runs 3]
        [--keytrail .build/release/keytrail] [--synth .build/release/keytrail-synth] [--dir DIR]

Generates an OSS-style corpus with the project's generator (split by file into k directories),
ingests each directory into its own shard once, then times, interleaved (A B A B …, each into a
fresh target): `keytrail ingest` of the whole corpus, and `keytrail merge` of the k shards. The
peak RSS of each child comes from os.wait4. Also checks that both targets hold the same rows
(sqlite3: the dims, their Details as text, and the activity rows). Prints medians and the ratio.
Runs in .venv-bench (created when missing) for `zstandard`, which reads the stored Details.
"""
import argparse
import hashlib
import os
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(args):
    """(seconds, peak RSS in MB) of one child run; a failure ends the benchmark."""
    start = time.monotonic()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.monotonic() - start
    err = p.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s\n%s" % (" ".join(args), err))
    return seconds, usage.ru_maxrss / 1024


def rows_digest(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    details = stored_details.Details(con)
    h = hashlib.md5()
    n = 0
    for row in con.execute("""SELECT d.key, d.kind, d.service, d.name, d.sub, d.ts, d.event_id, e.refs, e.detail
            FROM dims d JOIN event_details e ON e.key = d.key AND e.service = d.service AND e.ts = d.ts
            AND e.event_id = d.event_id ORDER BY d.key, d.kind, d.service, d.name, d.sub"""):
        h.update(repr(row[:-1]).encode())
        h.update(details.text(row[-1]))
        n += 1
    for row in con.execute("SELECT key, service, day, event_id, ts FROM activity ORDER BY key, service, day, event_id"):
        h.update(repr(row).encode())
    return n, h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keytrail", default=os.path.join(ROOT, ".build/release/keytrail"))
    ap.add_argument("--synth", default=os.path.join(ROOT, ".build/release/keytrail-synth"))
    ap.add_argument("--layout", choices=["files", "accounts"], default="files",
                    help="files: one corpus dealt file by file into the shards (every shard holds every "
                         "key, the worst case); accounts: one corpus per shard with keys of its own")
    ap.add_argument("--dir")
    a = ap.parse_args()
    work = a.dir or tempfile.mkdtemp(prefix="keytrail-merge-bench-%s-" % a.layout)
    files = []
    for k in range(a.shards if a.layout == "accounts" else 1):
        corpus = os.path.join(work, "corpus%d" % k)
        if not os.path.isdir(corpus):
            events = a.events // a.shards if a.layout == "accounts" else a.events
            subprocess.run([a.synth, "--out", corpus, "--format", "oss-plain", "--events", str(events),
                            "--keys", "500", "--services", "20", "--seed", str(5 + k)], check=True,
                           stdout=subprocess.DEVNULL)
        files += sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs)
    size = sum(os.path.getsize(f) for f in files)
    shards = []
    for k in range(a.shards):
        part = os.path.join(work, "part%d" % k)
        os.makedirs(part, exist_ok=True)
        for i, f in enumerate(files):
            mine = ("/corpus%d/" % k) in f if a.layout == "accounts" else i % a.shards == k
            if mine:
                link = os.path.join(part, "%06d-%s" % (i, os.path.basename(f)))
                if not os.path.exists(link):
                    os.symlink(f, link)
        shard = os.path.join(work, "shard%d.sqlite" % k)
        if not os.path.exists(shard):
            timed([a.keytrail, "ingest", "--quiet", "--db", shard, part])
        shards.append(shard)
    ingest, merge = [], []
    for r in range(a.runs + 1):
        for kind in ("ingest", "merge"):
            target = os.path.join(work, "%s-%d.sqlite" % (kind, r))
            for suffix in ("", "-wal", "-shm", ".lock", "-build"):
                if os.path.exists(target + suffix):
                    os.remove(target + suffix)
            if kind == "ingest":
                result = timed([a.keytrail, "ingest", "--quiet", "--db", target] +
                               [os.path.join(work, "part%d" % k) for k in range(a.shards)])
            else:
                result = timed([a.keytrail, "merge", "--quiet", "--into", target] + shards)
            if r > 0:  # the first round warms the page cache
                (ingest if kind == "ingest" else merge).append(result)
    same = rows_digest(os.path.join(work, "ingest-1.sqlite")) == rows_digest(os.path.join(work, "merge-1.sqlite"))
    mi = statistics.median(s for s, _ in ingest)
    mm = statistics.median(s for s, _ in merge)
    print("corpus (%s layout): %d events, %d files, %.0f MB; %d shards"
          % (a.layout, a.events, len(files), size / 1e6, a.shards))
    print("re-ingest of the input: median %.2f s (%.0f MB/s), peak RSS %.0f MB"
          % (mi, size / 1e6 / mi, max(m for _, m in ingest)))
    print("merge of the shards:    median %.2f s, peak RSS %.0f MB" % (mm, max(m for _, m in merge)))
    print("merge is %.1fx faster than re-ingesting; rows equal: %s" % (mi / mm, same))
    if not a.dir:
        shutil.rmtree(work)
    return 0 if same else 1


if __name__ == "__main__":
    stored_details.ensure_venv(__file__, {"zstandard": "zstandard"})
    sys.exit(main())
