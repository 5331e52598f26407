#!/usr/bin/env python3
"""Requests/s and p50/p99 latency of GetAccessKeyLastUsedProducts from `keytrail serve`.

Builds a synthetic index (keytrail-synth, --events N), starts `keytrail serve --no-auth --quiet`
on loopback (unsigned requests: this measures the server, not HMAC in Python), and drives it with
1 and 16 keep-alive connections (one Python thread each, http.client), without and then with a
concurrent `keytrail ingest` of a second archive into the same index. Also times the CLI's
per-answer cost (`keytrail products KEY`, a process per answer). The client shares the machine:
on few cores the figures are a lower bound.

  swift build -c release && python3 Benchmarks/serve_load.py --bin .build/release [--events 100000]
"""
import argparse
import http.client
import os
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time


def start(kt, db):
    p = subprocess.Popen([kt, "serve", "--db", db, "--no-auth", "--quiet", "--listen", "127.0.0.1:0",
                          "--as-of", "latest"], stderr=subprocess.PIPE, text=True)
    line = p.stderr.readline()
    return p, int(line.strip().rsplit(":", 1)[1])


def load(port, key, conns, seconds):
    lat = []
    errors = [0]
    stop = time.monotonic() + seconds
    path = f"/?Action=GetAccessKeyLastUsedProducts&Version=2020-07-06&AccessKey={key}"

    def run():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.monotonic() < stop:
            t = time.perf_counter()
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            mine.append(time.perf_counter() - t)
            if r.status != 200:
                errors[0] += 1
        lat.extend(mine)
        c.close()

    threads = [threading.Thread(target=run) for _ in range(conns)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    lat.sort()
    return len(lat) / elapsed, lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99)] * 1000, errors[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release")
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=3)
    a = ap.parse_args()
    kt, synth = os.path.join(a.bin, "keytrail"), os.path.join(a.bin, "keytrail-synth")
    tmp = tempfile.mkdtemp(prefix="keytrail-serve-bench-")
    db = os.path.join(tmp, "k.sqlite")
    for name, seed in (("a", 1), ("b", 2)):
        subprocess.run([synth, "--out", os.path.join(tmp, name), "--events", str(a.events), "--seed", str(seed)],
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run([kt, "ingest", "--quiet", "--db", db, os.path.join(tmp, "a")], check=True,
                   stdout=subprocess.DEVNULL)
    con = sqlite3.connect(db)
    key, services = con.execute(
        "SELECT key, count(*) FROM products GROUP BY key ORDER BY count(*) DESC LIMIT 1").fetchone()
    con.close()
    print(f"index: {a.events} events; key {key} with {services} products; {os.cpu_count()} CPUs")
    cli = []
    for _ in range(10):
        t = time.perf_counter()
        subprocess.run([kt, "products", key, "--db", db, "--as-of", "latest"], check=True, stdout=subprocess.DEVNULL)
        cli.append((time.perf_counter() - t) * 1000)
    print(f"CLI, one process per answer: median {statistics.median(cli):.1f} ms")
    server, port = start(kt, db)
    load(port, key, 1, 0.5)  # warm-up
    for ingesting in (False, True):
        ingest = None
        if ingesting:
            ingest = subprocess.Popen([kt, "ingest", "--quiet", "--db", db, os.path.join(tmp, "b")],
                                      stdout=subprocess.DEVNULL)
        for conns in (1, 16):
            rps, p50, p99, errors = load(port, key, conns, a.seconds)
            print(f"{'during ingest' if ingesting else 'idle index   '}  {conns:2d} keep-alive connection(s): "
                  f"{rps:8.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  errors {errors}")
        if ingest:
            still = ingest.poll() is None
            ingest.wait()
            print(f"(the ingest {'was still running at the end' if still else 'finished during the runs'})")
    server.terminate()
    server.wait()


if __name__ == "__main__":
    main()
