#!/usr/bin/env python3
"""Requests/s and p50/p99 latency of GetAccessKeyLastUsedProducts from `keytrail serve`.

Builds a synthetic index (keytrail-synth, --events N), starts `keytrail serve --no-auth --quiet`
on loopback (unsigned requests: this measures the server, not HMAC in Python), and drives it with
1 and 16 keep-alive connections (one Python thread each, http.client), without and then with a
concurrent `keytrail ingest` of a second archive into the same index. Also times the CLI's
per-answer cost (`keytrail products KEY`, a process per answer). The client shares the machine:
on few cores the figures are a lower bound.

  swift build -c release && python3 Benchmarks/serve_load.py --bin .build/release [--events 100000]

`--wrk` instead drives the server with wrk (Debian package `wrk`), 2 threads and 16 keep-alive
connections, GetAccessKeyLastUsedProducts for random keys (80 % keys of the index, 20 % misses;
`--misses` for misses alone), unsigned (`--no-auth`), against an existing index (`--db`, e.g. the
keytrail-bench corpus's `/tmp/keytrail-bench-300000/bench-gzip.sqlite`). With `--against BIN`
(another build's keytrail) both servers run side by side and the runs interleave, so the ratio
holds on a shared machine; each run also reports the server's CPU time per request.

  python3 Benchmarks/serve_load.py --wrk --db INDEX --bin .build/release [--against OLD/keytrail] [--runs 3]

`--same-bytes --db INDEX --against OLD/keytrail` checks that both builds answer byte for byte alike:
~940 requests (Products hits and misses, Info, Events, Ips, Resources, the error cases, the health
check), over GET and POST; status line, headers but `x-acs-request-id`, bodies with RequestIds masked.
"""
import argparse
import http.client
import os
import re
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time


def start(kt, db, extra=()):
    p = subprocess.Popen([kt, "serve", "--db", db, "--no-auth", "--quiet", "--listen", "127.0.0.1:0",
                          "--as-of", "latest", *extra], stderr=subprocess.PIPE, text=True)
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


WRK_SCRIPT = """
local keys = {}
for line in io.lines(os.getenv("KEYTRAIL_KEYS")) do keys[#keys + 1] = line end
local missOnly = os.getenv("KEYTRAIL_MISSES") == "1"
local prefix = "/?Action=GetAccessKeyLastUsedProducts&Version=2020-07-06&AccessKey="
local counter = 0
function setup(thread) counter = counter + 1; thread:set("seed", counter) end
function init(args) math.randomseed(seed or 1) end
function request()
  local key
  if missOnly or math.random(5) == 5 then
    key = string.format("LTAI5tMISSING%07d", math.random(1000000))
  else
    key = keys[math.random(#keys)]
  end
  return wrk.format("GET", prefix .. key)
end
"""


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk_run(port, pid, seconds, env):
    c0 = cpu_seconds(pid)
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{int(seconds)}s", "--latency", "-s", env["KEYTRAIL_LUA"],
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True, env=env, check=True).stdout
    cpu = cpu_seconds(pid) - c0

    def ms(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    count = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return rps, p50, p99, cpu * 1e6 / max(count, 1), (bad.group(1) if bad else "0"), (errors.group(1) if errors else "none")


def wrk_main(a):
    tmp = tempfile.mkdtemp(prefix="keytrail-serve-wrk-")
    con = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    keys = [r[0] for r in con.execute("SELECT DISTINCT key FROM products")]
    con.close()
    env = dict(os.environ, KEYTRAIL_KEYS=os.path.join(tmp, "keys.txt"), KEYTRAIL_LUA=os.path.join(tmp, "random.lua"),
               KEYTRAIL_MISSES="1" if a.misses else "0")
    open(env["KEYTRAIL_KEYS"], "w").write("\n".join(keys) + "\n")
    open(env["KEYTRAIL_LUA"], "w").write(WRK_SCRIPT)
    builds = [("this", os.path.join(a.bin, "keytrail"), a.args.split())]
    if a.against:
        builds.append(("against", a.against, a.against_args.split()))
    servers = []
    try:
        for label, kt, extra in builds:
            p, port = start(kt, a.db, extra)
            servers.append((label, p, port))
        wrk_runs(a, servers, keys, env)
    finally:
        for _, p, _ in servers:
            p.terminate()
            p.wait()


def wrk_runs(a, servers, keys, env):
    print(f"index {a.db}: {len(keys)} keys; {'misses alone' if a.misses else '80 % hits'}; 16 connections; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    for _, p, port in servers:  # warm-up
        wrk_run(port, p.pid, 2, env)
    results = {label: [] for label, _, _ in servers}
    for r in range(a.runs):
        for label, p, port in servers:
            rps, p50, p99, cpu, bad, errors = wrk_run(port, p.pid, a.seconds, env)
            results[label].append((rps, p50, p99, cpu))
            print(f"  run {r + 1} {label:8s} {rps:8.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
                  f"server CPU {cpu:5.0f} us/req  non-2xx {bad}  socket errors {errors}")
    for label, rows in results.items():
        print(f"{label:8s} median {statistics.median(x[0] for x in rows):8.0f} req/s  "
              f"p50 {statistics.median(x[1] for x in rows):.2f} ms  p99 {statistics.median(x[2] for x in rows):.2f} ms  "
              f"server CPU {statistics.median(x[3] for x in rows):.0f} us/req")
    if a.against:
        this, other = results["this"], results["against"]
        print(f"ratio this/against: req/s {statistics.median(x[0] for x in this) / statistics.median(x[0] for x in other):.2f}x, "
              f"server CPU per request {statistics.median(x[3] for x in this) / statistics.median(x[3] for x in other):.2f}x")


def same_bytes(a):
    import random
    con = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    keys = [r[0] for r in con.execute("SELECT DISTINCT key FROM products")]
    con.close()
    rng = random.Random(5)
    v = "/?Version=2020-07-06&Action="
    paths = []
    for i in range(300):
        key = rng.choice(keys) if i % 5 else "LTAI5tMISSING%07d" % rng.randrange(10**7)
        paths.append(v + "GetAccessKeyLastUsedProducts&AccessKey=" + key)
    for _ in range(40):
        key = rng.choice(keys)
        paths.append(v + "GetAccessKeyLastUsedInfo&AccessKey=" + key)
        for action in ("Events", "Ips", "Resources"):
            paths.append(v + f"GetAccessKeyLastUsed{action}&AccessKey={key}&ServiceName=ecs")
    paths += [v + "GetAccessKeyLastUsedProducts", v + "GetAccessKeyLastUsedProducts&AccessKey=", v + "Nope&AccessKey=x",
              "/?Action=GetAccessKeyLastUsedProducts&Version=2019-01-01&AccessKey=x", "/healthz", "/other?x=1",
              v + "GetAccessKeyLastUsedProducts&AccessKey=a&AccessKey=b", v + "GetAccessKeyLastUsedProducts&AccessKey=%ZZ",
              v + "GetAccessKeyLastUsedProducts&AccessKey=" + keys[0].lower(),
              v + "GetAccessKeyLastUsedProducts&AccessKey=caf%C3%A9%22%5C%0A"]
    rid = re.compile(rb"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}")

    def get(conn, path, method):
        conn.request(method, path)
        r = conn.getresponse()
        body = r.read()
        return r.status, r.reason, [h for h in r.getheaders() if h[0].lower() != "x-acs-request-id"], rid.sub(b"RID", body)

    servers = []
    try:
        for kt in (os.path.join(a.bin, "keytrail"), a.against):
            servers.append(start(kt, a.db))
        this, other = (http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _, port in servers)
        differ = 0
        size = 0
        for path in paths:
            for method in ("GET", "POST"):
                x, y = get(this, path, method), get(other, path, method)
                size += len(x[3])
                if x != y:
                    differ += 1
                    if differ <= 3:
                        print("differs:", method, path, x[:3], y[:3])
        print(f"{2 * len(paths)} requests, {size} body bytes: {differ} differ")
        return 1 if differ else 0
    finally:
        for p, _ in servers:
            p.terminate()
            p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release")
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--wrk", action="store_true", help="drive an existing index (--db) with wrk, random keys")
    ap.add_argument("--db", help="the index for --wrk")
    ap.add_argument("--against", help="--wrk: another build's keytrail, run interleaved")
    ap.add_argument("--runs", type=int, default=3, help="--wrk: interleaved runs per build")
    ap.add_argument("--misses", action="store_true", help="--wrk: misses alone")
    ap.add_argument("--args", default="", help="--wrk: more serve options for this build (e.g. '--answer-cache 0')")
    ap.add_argument("--against-args", default="", help="--wrk: more serve options for --against")
    ap.add_argument("--same-bytes", action="store_true", help="with --db and --against: both builds answer alike")
    a = ap.parse_args()
    if a.same_bytes:
        if not (a.db and a.against):
            ap.error("--same-bytes needs --db INDEX and --against OLD/keytrail")
        return same_bytes(a)
    if a.wrk:
        if not a.db:
            ap.error("--wrk needs --db INDEX")
        a.seconds = max(a.seconds, 5)
        return wrk_main(a)
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
    raise SystemExit(main())
