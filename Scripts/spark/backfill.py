#!/usr/bin/env python3
"""Backfill an archive into one keytrail index with Apache Spark; keytrail does the exact part.

    python backfill.py --master MASTER --into DB [--tasks N] [--products-only] [--keytrail BIN]
                       [--shards DIR] [--jobs-per-task N] PATH...

The driver lists the input files under PATH..., skips those DB's manifest already holds (same
name and size), packs the rest into N bins by size (largest first, into the lightest bin), ships
the keytrail binary to the executors (SparkContext.addFile), and runs one Spark task per bin:
`keytrail ingest --files-from` into a scratch directory named by the task attempt, then the shard is
published as DIR/bin-NNNN.sqlite by a rename (so a retried or speculative duplicate task only
replaces it with an equal index). Tasks return small JSON summaries; an ingest that rejected
input (exit 3) is reported, not retried; anything else fails the task so that Spark retries it.
Finally the driver merges the shards into DB (`keytrail merge`, exact and idempotent).

Exit status as keytrail ingest's: 0 done, 3 done but some input was rejected, 2 failure.
The shards directory (default DB.shards) must be reachable by the executors and the driver
under the same path: local[N,F], a standalone cluster on one machine, or a shared mount.

Test hook: KEYTRAIL_SPARK_KILL_FIRST_ATTEMPT=BIN makes the first attempt of bin BIN SIGKILL its
keytrail mid-run and fail, so that a test sees Spark retry it.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time


def find_keytrail(given):
    """--keytrail BIN, else keytrail on PATH, else .build/release/keytrail."""
    if given:
        return os.path.abspath(given)
    on_path = shutil.which("keytrail")
    if on_path:
        return os.path.abspath(on_path)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    built = os.path.join(root, ".build", "release", "keytrail")
    if os.path.exists(built):
        return built
    sys.exit("backfill: no keytrail binary: pass --keytrail BIN, put keytrail on PATH, or "
             "run `swift build -c release`")


def list_inputs(paths):
    """Every regular file under PATH... (directories recursively, sorted), with its size."""
    out = []
    for p in paths:
        p = os.path.abspath(p)
        if os.path.isdir(p):
            for d, dirs, names in os.walk(p):
                dirs.sort()
                for n in sorted(names):
                    f = os.path.join(d, n)
                    if os.path.isfile(f):
                        out.append((f, os.path.getsize(f)))
        elif os.path.isfile(p):
            out.append((p, os.path.getsize(p)))
        else:
            sys.exit("backfill: %s: no such file or directory" % p)
    return out


def held(keytrail, db):
    """(name, size) of every file DB's manifest holds (nothing when DB does not exist yet)."""
    if not os.path.exists(db):
        return set()
    r = subprocess.run([keytrail, "manifest", "--db", db], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("backfill: cannot read the manifest of %s: %s" % (db, r.stderr.strip()))
    return {(m["name"], m["size"]) for m in map(json.loads, r.stdout.splitlines())}


def pack(files, n):
    """Bins of about equal bytes: largest file first, into the lightest bin (ties by index)."""
    bins = [[] for _ in range(n)]
    weight = [0] * n
    for f, size in sorted(files, key=lambda fs: (-fs[1], fs[0])):
        i = min(range(n), key=lambda b: (weight[b], b))
        bins[i].append(f)
        weight[i] += size
    return [(i, sorted(b)) for i, b in enumerate(bins) if b]


def ingest_bin(item, shards, products_only, jobs):
    """Runs on an executor: ingests one bin into a scratch shard, then publishes it by rename."""
    from pyspark import SparkFiles, TaskContext

    index, files = item
    ctx = TaskContext.get()
    attempt = ctx.attemptNumber() if ctx else 0
    keytrail = SparkFiles.get("keytrail")
    os.chmod(keytrail, 0o755)
    scratch = os.path.join(shards, ".scratch-bin-%04d-attempt-%d-%d" % (index, attempt, os.getpid()))
    os.makedirs(scratch)
    try:
        shard = os.path.join(scratch, "shard.sqlite")
        args = [keytrail, "ingest", "--json", "--db", shard, "--jobs", str(jobs), "--files-from", "-"]
        if products_only:
            args.append("--products-only")
        listing = "".join("%s\n" % f for f in files)
        p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        if attempt == 0 and os.environ.get("KEYTRAIL_SPARK_KILL_FIRST_ATTEMPT") == str(index):
            p.stdin.write(listing)
            p.stdin.close()
            # Killed once it is at work (its index exists), not after a guessed delay; a run that
            # ended first is killed as a no-op, and the attempt fails all the same.
            deadline = time.monotonic() + 60
            while p.poll() is None and not os.path.exists(shard) and time.monotonic() < deadline:
                time.sleep(0.01)
            p.send_signal(signal.SIGKILL)
            p.wait()
            raise RuntimeError("bin %d: keytrail killed on purpose (KEYTRAIL_SPARK_KILL_FIRST_ATTEMPT)" % index)
        out, err = p.communicate(listing)
        if p.returncode not in (0, 3):
            # Spark retries the task: a new attempt starts from a new scratch directory.
            raise RuntimeError("bin %d: keytrail ingest exited %d: %s" % (index, p.returncode, err.strip()))
        report = json.loads(out)
        final = os.path.join(shards, "bin-%04d.sqlite" % index)
        os.replace(shard, final)
        return json.dumps({"bin": index, "shard": final, "status": p.returncode, "attempt": attempt,
                           "files": len(files), "events": report.get("events", {}),
                           "rejections": report.get("rejections", [])[:10]})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--master", required=True, help="local[N,F], spark://HOST:PORT, yarn, …")
    ap.add_argument("--into", required=True, help="the index to backfill (created when missing)")
    ap.add_argument("--tasks", type=int, default=0, help="bins (Spark tasks); default: the default parallelism")
    ap.add_argument("--products-only", action="store_true")
    ap.add_argument("--keytrail", help="the binary to ship (default: keytrail on PATH, else .build/release)")
    ap.add_argument("--shards", help="where the shards are published (default: DB.shards)")
    ap.add_argument("paths", nargs="+", metavar="PATH")
    a = ap.parse_args()

    keytrail = find_keytrail(a.keytrail)
    db = os.path.abspath(a.into)
    shards = os.path.abspath(a.shards or db + ".shards")
    os.makedirs(shards, exist_ok=True)
    inputs = list_inputs(a.paths)
    known = held(keytrail, db)
    todo = [(f, s) for f, s in inputs if (f, s) not in known]
    print("backfill: %d input file(s), %d already in %s, %d to ingest"
          % (len(inputs), len(inputs) - len(todo), db, len(todo)), file=sys.stderr)

    # Executors run the driver's Python (the virtualenv with PySpark).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark import SparkConf, SparkContext

    conf = SparkConf().setMaster(a.master).setAppName("keytrail-backfill")
    hook = os.environ.get("KEYTRAIL_SPARK_KILL_FIRST_ATTEMPT")
    if hook is not None:
        # Executors of a cluster do not inherit the driver's environment.
        conf.setExecutorEnv("KEYTRAIL_SPARK_KILL_FIRST_ATTEMPT", hook)
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    try:
        status = 0
        if todo:
            jobs = int(sc.getConf().get("spark.task.cpus", "1"))
            bins = pack(todo, a.tasks or sc.defaultParallelism)
            sc.addFile(keytrail)
            products_only = a.products_only
            summaries = (sc.parallelize(bins, len(bins))
                         .map(lambda item: ingest_bin(item, shards, products_only, jobs))
                         .collect())
            results = [json.loads(s) for s in summaries]
            for r in sorted(results, key=lambda r: r["bin"]):
                print("backfill: bin %d: %d file(s), %s events read, exit %d (attempt %d)"
                      % (r["bin"], r["files"], r["events"].get("read", 0), r["status"], r["attempt"]),
                      file=sys.stderr)
                for rej in r["rejections"]:
                    print("backfill: bin %d: rejected %s" % (r["bin"], json.dumps(rej)), file=sys.stderr)
                if r["status"] == 3:
                    status = 3
            merge = subprocess.run([keytrail, "merge", "--into", db] + [r["shard"] for r in results])
            if merge.returncode != 0:
                return 2
            # Merged (and a merge is idempotent): the shards are not needed any more.
            for r in results:
                os.remove(r["shard"])
        print(json.dumps({"into": db, "inputs": len(inputs), "ingested": len(todo), "status": status}))
        return status
    finally:
        sc.stop()


if __name__ == "__main__":
    sys.exit(main())
