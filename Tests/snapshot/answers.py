#!/usr/bin/env python3
"""Every answer keytrail gives on a few archives, as one text file, for before/after diffs.

A refactor that must not change behaviour runs this with the old and the new binary and diffs the
two files (RequestIds and timings are masked). Standard library only.

    python3 Tests/snapshot/answers.py --keytrail OLD/keytrail --synth OLD/keytrail-synth --out old.txt
    python3 Tests/snapshot/answers.py --keytrail NEW/keytrail --synth NEW/keytrail-synth --out new.txt
    diff old.txt new.txt
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
UUID = re.compile(rb"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
TIMING = re.compile(rb'("seconds"|"mb_per_second"|"events_per_second")\s*:\s*[0-9.e+-]+')
# A NextToken's MAC uses the index's own random key: the same position differs between indexes.
TOKEN = re.compile(rb'("NextToken"\s*:\s*"|--next-token )[A-Za-z0-9_-]{16,}')
TIMING_TEXT = re.compile(rb"[0-9.]+ (s|MB/s|events/s)\b")
# A window that ends now (the default as-of) moves with the clock.
_today = datetime.datetime.now(datetime.timezone.utc).date()
_days = (str(_today).encode(), str(_today - datetime.timedelta(days=1)).encode())
NOW_WINDOW = re.compile(rb"window \S+ \.\. (%s|%s)T[0-9:.]+Z" % _days)
NOW_ENDING = re.compile(rb"(ending |now \()(%s|%s)T[0-9:.]+Z" % _days)


def run(binary, args, stdin=None):
    p = subprocess.run([binary] + args, input=stdin, capture_output=True, timeout=600)
    return format_run(args, p)


def mask(b):
    b = UUID.sub(b"<UUID>", b)
    b = TIMING.sub(rb"\1:<T>", b)
    b = TOKEN.sub(rb"\1<TOKEN>", b)
    b = NOW_WINDOW.sub(b"window <NOW-WINDOW>", b)
    b = NOW_ENDING.sub(rb"\1<NOW>", b)
    return TIMING_TEXT.sub(rb"<T> \1", b)


def format_run(args, p):
    return "$ keytrail %s\nexit %d\n--- stdout\n%s\n--- stderr\n%s\n" % (
        mask(" ".join(args).encode()).decode(), p.returncode, mask(p.stdout).decode("utf-8", "replace"),
        mask(p.stderr).decode("utf-8", "replace"))


def listing_pages(binary, action, key, service, db):
    out, token = [], ""
    for _ in range(1000):
        args = [action, key, "--service", service, "--db", db, "--as-of", "latest", "--page-size", "7"]
        if token:
            args += ["--next-token", token]
        text = run(binary, args)
        out.append(text)
        m = re.search(r'"NextToken":"([^"]*)"', text)
        token = m.group(1) if m else ""
        if not token:
            break
    return "".join(out)


def snapshot(binary, name, archive, work, jobs):
    db = os.path.join(work, name + ".sqlite")
    for suffix in ["", "-wal", "-shm", ".lock"]:
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    parts = ["=== archive %s\n" % name]
    parts.append(run(binary, ["ingest", "--db", db, "--json", archive]).replace(archive, "<ARCHIVE>"))
    parts.append(run(binary, ["ingest", "--db", db, archive]).replace(archive, "<ARCHIVE>"))
    keys_json = subprocess.run([binary, "keys", "--db", db, "--as-of", "latest", "--format", "json"],
                               capture_output=True).stdout
    # By key ID, not in the order keys prints them: the probes must not depend on that order.
    keys = sorted(k["AccessKeyId"] for k in json.loads(keys_json)["Keys"]) if keys_json.strip() else []
    for fmt in ["json", "table", "csv"]:
        parts.append(run(binary, ["keys", "--db", db, "--as-of", "latest", "--format", fmt]))
    parts.append(run(binary, ["keys", "--db", db, "--as-of", "latest", "--unused-for", "30"]))
    jobs_list = []
    probes = keys + ["NOT-A-KEY-1234", keys[0].lower() if keys else "x", ""]
    for key in probes:
        jobs_list.append(["products", key, "--db", db, "--as-of", "latest"])
        jobs_list.append(["products", key, "--db", db, "--as-of", "latest", "--format", "table"])
        jobs_list.append(["products", key, "--db", db, "--as-of", "latest", "--window-days", "30"])
        jobs_list.append(["products", key, "--db", db])
        jobs_list.append(["products", key, "--db", db, "--as-of", "2000-01-01T00:00:00Z"])
        jobs_list.append(["info", key, "--db", db, "--as-of", "latest"])
        jobs_list.append(["info", key, "--db", db, "--as-of", "latest", "--window-days", "1"])
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        parts += list(pool.map(lambda a: run(binary, a), jobs_list))
        listings = []
        for key in keys:
            answer = subprocess.run([binary, "products", key, "--db", db, "--as-of", "latest"],
                                    capture_output=True).stdout
            services = [p["ServiceName"] for p in json.loads(answer)["Products"]] if answer.strip() else []
            for service in services + ["NoSuchService"]:
                for action in ["events", "ips", "resources"]:
                    listings.append((action, key, service))
        parts += list(pool.map(lambda t: listing_pages(binary, t[0], t[1], t[2], db), listings))
    keyfile = os.path.join(work, name + "-keys.txt")
    with open(keyfile, "w") as f:
        f.write("\n".join(probes[:5] + ["bad key with spaces"]) + "\n")
    parts.append(run(binary, ["products", "--keys-from", keyfile, "--db", db, "--as-of", "latest"])
                 .replace(keyfile, "<KEYS>"))
    parts.append(run(binary, ["products", "--keys-from", "-", "--db", db, "--as-of", "latest"],
                     stdin="\n".join(probes[:3]).encode()))
    # User files: a catalog override (one name blank but for a space, one malformed line) and an
    # inventory (one-per-line, and a CSV without its column).
    catalog = os.path.join(work, name + "-catalog.tsv")
    with open(catalog, "w") as f:
        f.write("serviceName\ten\tcn\nEcs\t \t\u4e91\nOss\tStorage, Object\t\n")
    bad_catalog = os.path.join(work, name + "-bad-catalog.tsv")
    with open(bad_catalog, "w") as f:
        f.write("Ecs\tE\nOnlyName\n")
    inventory = os.path.join(work, name + "-inventory.txt")
    with open(inventory, "w") as f:
        f.write("# keys\n" + "\n".join(keys[:3] + ["LTAI-NEVER-SEEN"]) + "\n")
    bad_inventory = os.path.join(work, name + "-inventory.csv")
    with open(bad_inventory, "w") as f:
        f.write("Name,Created\nA,B\n")
    for key in keys[:5]:
        for fmt in ["table", "json"]:
            parts.append(run(binary, ["products", key, "--db", db, "--as-of", "latest", "--format", fmt,
                                      "--catalog", catalog]))
    parts.append(run(binary, ["products", probes[0], "--db", db, "--catalog", bad_catalog]))
    for fmt in ["table", "json", "csv"]:
        parts.append(run(binary, ["keys", "--db", db, "--as-of", "latest", "--inventory", inventory,
                                  "--format", fmt]))
    parts.append(run(binary, ["keys", "--db", db, "--as-of", "latest", "--inventory", bad_inventory]))
    return "".join(parts).replace(db, "<DB>").replace(work, "<WORK>")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--remask", nargs=2, metavar=("IN", "OUT"), help="apply the masks to an older snapshot")
    ap.add_argument("--keytrail")
    ap.add_argument("--synth")
    ap.add_argument("--out")
    ap.add_argument("--workdir", default="/tmp/keytrail-snapshot")
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=4)
    a = ap.parse_args()
    if a.remask:
        with open(a.remask[0], "rb") as f, open(a.remask[1], "wb") as g:
            g.write(mask(f.read()))
        return
    binary = os.path.abspath(a.keytrail)
    work = os.path.abspath(a.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    synth_dir = os.path.join(work, "synth")
    subprocess.run([a.synth, "--out", synth_dir, "--format", "mixed", "--events", str(a.events),
                    "--keys", "40", "--services", "30", "--seed", "7"], check=True, capture_output=True)
    traps = os.path.join(work, "traps")
    subprocess.run([sys.executable, os.path.join(ROOT, "Tests/conformance/make_archive.py"), traps,
                    "--seed", "3", "--model", os.path.join(work, "model.json")], check=True, capture_output=True)
    text = ""
    for name, archive in [("sample-logs", os.path.join(ROOT, "sample-logs")), ("synth", synth_dir), ("traps", traps)]:
        text += snapshot(binary, name, archive, work, a.jobs)
    with open(a.out, "w") as f:
        f.write(text)
    print("wrote %s (%d bytes)" % (a.out, len(text)))


if __name__ == "__main__":
    main()
