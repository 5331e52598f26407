#!/usr/bin/env python3
"""Before/after of `keytrail ingest` into a fresh index, interleaved (A B A B ...), on a shared machine.

    python3 Benchmarks/ingest_ab.py [--events 300000] [--runs 3] [--products-only] [--check] \\
        before=/path/to/old/keytrail after=.build/release/keytrail

Generates (once) the worst-case OSS corpus with keytrail-synth (`--format oss-plain --seed 1`: 5,000
keys x 40 services, ~2 KB events, nearly every event the latest of some sibling row) into
/tmp/keytrail-ab-N/plain, then runs each binary in turn, --runs rounds, each into a new index.
Absolute times drift on a shared machine: the rounds are interleaved so that drift hits every
binary alike, and the load average is printed beside each run. Reports per binary the median and
min seconds, MB/s of JSON, CPU seconds (user + system) and peak RSS (wait4's ru_maxrss), and the
ratio of each median to the first binary's. `--check` compares the indexes the binaries built
(every row, Detail as text, reference count and manifest row) and fails when they differ; to read
zstd Details it runs in `.venv-bench` (made when missing, with `zstandard` from PyPI).
"""
import argparse
import hashlib
import json
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

REPO = Path(__file__).resolve().parent.parent


def corpus(synth: str, base: Path, events: int) -> tuple[Path, int]:
    folder = base / "plain"
    marker = base / "corpus.json"
    expected = {"events": events, "seed": 1, "format": "oss-plain"}
    if folder.is_dir() and marker.exists() and json.loads(marker.read_text()).get("spec") == expected:
        files = sorted(folder.glob("Actiontrail_*"))
        return folder, sum(f.stat().st_size for f in files)
    shutil.rmtree(folder, ignore_errors=True)
    print(f"generating {events:,} events into {folder} ...", flush=True)
    subprocess.run([synth, "--out", str(folder), "--format", "oss-plain", "--events", str(events), "--seed", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    files = sorted(folder.glob("Actiontrail_*"))
    marker.write_text(json.dumps({"spec": expected}) + "\n")
    return folder, sum(f.stat().st_size for f in files)


def run(binary: str, folder: Path, db: Path, products_only: bool) -> dict:
    cmd = [binary, "ingest", "--quiet", "--db", str(db)] + (["--products-only"] if products_only else []) + [str(folder)]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - t0
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(cmd)} exited {code}:\n{err}")
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024}


def digest(db: Path) -> str:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    details = stored_details.Details(con)
    h = hashlib.sha256()
    # Details as text: each index (and each codec) stores them in its own form.
    for row in con.execute(
        "SELECT key, service, ts, event_id, refs, source, detail FROM event_details ORDER BY key, service, ts, event_id"
    ):
        h.update(repr(row[:6] + (details.text(row[6]),)).encode())
    for q in [
        "SELECT key, kind, service, name, sub, ts, event_id FROM dims ORDER BY key, kind, service, name, sub",
        "SELECT path, until, size, mtime_ns, checksum, events FROM files ORDER BY path, until",
        "SELECT name, value FROM meta WHERE name IN ('max_ts', 'siblings') ORDER BY name",
    ]:
        for row in con.execute(q):
            h.update(repr(row).encode())
    con.close()
    return h.hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binaries", nargs="+", metavar="LABEL=BINARY")
    ap.add_argument("--events", type=int, default=300_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", help="corpus folder (default /tmp/keytrail-ab-N)")
    ap.add_argument("--synth", default=str(REPO / ".build/release/keytrail-synth"))
    ap.add_argument("--products-only", action="store_true")
    ap.add_argument("--check", action="store_true", help="compare the indexes the binaries built")
    a = ap.parse_args()
    pairs = [b.split("=", 1) for b in a.binaries]
    if any(len(p) != 2 for p in pairs):
        ap.error("binaries are LABEL=BINARY")
    base = Path(a.dir or f"/tmp/keytrail-ab-{a.events}")
    base.mkdir(parents=True, exist_ok=True)
    folder, nbytes = corpus(a.synth, base, a.events)
    print(f"corpus: {a.events:,} events, {nbytes / 1e6:,.1f} MB in {folder}; {os.cpu_count()} CPUs; "
          f"{'--products-only' if a.products_only else 'full index'}", flush=True)
    results: dict[str, list[dict]] = {label: [] for label, _ in pairs}
    digests: dict[str, str] = {}
    with tempfile.TemporaryDirectory(dir=base) as work:
        for r in range(a.runs):
            for label, binary in pairs:
                db = Path(work) / f"{label}-{r}" / "index.sqlite"
                db.parent.mkdir()
                load = os.getloadavg()[0]
                m = run(binary, folder, db, a.products_only)
                results[label].append(m)
                print(f"  round {r + 1} {label:>10}: {m['seconds']:7.2f} s  cpu {m['cpu']:6.2f} s  "
                      f"peak RSS {m['rss_mib']:6.0f} MiB  (load {load:.2f})", flush=True)
                if a.check and r == 0:
                    digests[label] = digest(db)
                shutil.rmtree(db.parent)
    first = statistics.median(m["seconds"] for m in results[pairs[0][0]])
    print(f"\n{'binary':>10} {'median s':>9} {'min s':>7} {'MB/s':>7} {'cpu s':>6} {'peak RSS MiB':>13} {'ratio':>6}")
    for label, _ in pairs:
        ms = results[label]
        med = statistics.median(m["seconds"] for m in ms)
        print(f"{label:>10} {med:9.2f} {min(m['seconds'] for m in ms):7.2f} {nbytes / 1e6 / med:7.1f} "
              f"{statistics.median(m['cpu'] for m in ms):6.2f} {max(m['rss_mib'] for m in ms):13.0f} "
              f"{first / med:5.2f}x")
    if a.check:
        same = len(set(digests.values())) == 1
        print(f"\nindexes {'equal' if same else 'DIFFER'}: " + ", ".join(f"{k} {v[:12]}" for k, v in digests.items()))
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    if "--check" in sys.argv:
        stored_details.ensure_venv(__file__, {"zstandard": "zstandard"})
    sys.exit(main())
