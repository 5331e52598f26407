#!/usr/bin/env python3
"""Conformance check of a keytrail binary against the independent reference.

usage: check.py --keytrail PATH [--workdir DIR] [--seed N] [--max-diffs N] [--catalog TSV]

1. generates the trap archive (make_archive.py) into WORKDIR/archive and the reference index
   (reference.py, parsing that archive with Python's json module);
2. `keytrail ingest --db WORKDIR/index.sqlite WORKDIR/archive` (exit 0 expected: the archive holds
   no malformed input, only skipped events);
3. `keytrail products KEY --db ... --as-of T [--window-days N]` for every key, a never-seen key and
   the look-alike-only key, with T = latest, LATEST (epoch ms), FUTURE (epoch ms and RFC 3339
   +08:00) and latest with a 30-day window; compares ServiceName order, UsedTimestamp, Source and
   Detail with the reference; RequestId must be a fresh upper-case UUID, ServiceNameEn/Cn
   non-empty strings;
4. invalid keys -> InvalidQueryParameter body on stdout, exit 1; as-of before a key's newest
   event -> exit 2, nothing on stdout, an error naming `ingest --until`; no index -> exit 2;
5. `--keys-from FILE` and `--keys-from -`: one NDJSON line per key in input order, equal to the
   single-key answers; an invalid key gets its error body on its line and exit 1;
6. idempotence: the same ingest again, the archive ingested again from a copy at another path, and
   a second index built file by file in reverse order in three runs: answers must not change.

Prints a summary and the first differences (key, service, field, expected vs got); exits 1 on any
mismatch.  ServiceNameEn/Cn are also compared, as warnings only, with Scripts/service_catalog.tsv.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_archive  # noqa: E402
import reference  # noqa: E402

UUID_UPPER = re.compile(r"\A[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\Z")
DEFAULT_CATALOG = os.path.join(os.path.dirname(HERE), "..", "Scripts", "service_catalog.tsv")


def rfc3339(ms: int, offset_min: int = 480) -> str:
    dt = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms, minutes=offset_min)
    sign = "+" if offset_min >= 0 else "-"
    o = abs(offset_min)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%03d%s%02d:%02d" % (ms % 1000, sign, o // 60, o % 60)


def short(v, n=160):
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
    s = s.replace("\n", "\\n").replace("\r", "\\r")
    return s if len(s) <= n else s[:n] + f"... ({len(s)} chars)"


class Checker:
    def __init__(self, a):
        self.kt = os.path.abspath(a.keytrail)
        self.work = os.path.abspath(a.workdir or tempfile.mkdtemp(prefix="keytrail-conformance-"))
        self.seed = a.seed
        self.max_diffs = a.max_diffs
        self.diffs = []  # hard mismatches
        self.warnings = {}  # text -> count
        self.request_ids = set()
        self.runs = 0
        self.steps = []  # (name, ok, note)
        self.catalog = self.load_catalog(a.catalog)

    # -- plumbing ------------------------------------------------------------------------------
    def run(self, args, stdin=None, timeout=600):
        self.runs += 1
        t = time.time()
        try:
            p = subprocess.run([self.kt] + args, input=stdin, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return -999, "", f"(check.py: killed after {timeout}s)", time.time() - t
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), time.time() - t

    def diff(self, ctx, key, service, field, expected, got, hint=""):
        self.diffs.append(dict(ctx=ctx, key=key, service=service, field=field, expected=expected, got=got, hint=hint))

    def warn(self, text):
        self.warnings[text] = self.warnings.get(text, 0) + 1

    def step(self, name, before, note=""):
        ok = len(self.diffs) == before
        self.steps.append((name, ok, note, len(self.diffs) - before))
        print(f"  [{'PASS' if ok else 'FAIL'}] {name}" + (f" ({len(self.diffs) - before} differences)" if not ok else "")
              + (f" -- {note}" if note else ""), flush=True)

    # -- catalog (warnings only) -------------------------------------------------------------
    @staticmethod
    def load_catalog(path):
        cat = {}
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                next(f)
                for line in f:
                    parts = line.rstrip("\n").split("\t")
                    if len(parts) >= 3:
                        cat[parts[0]] = (parts[1], parts[2])
        return cat

    def expected_names(self, svc):
        row = self.catalog.get(svc)
        if row is None:
            ci = [v for k, v in self.catalog.items() if k.lower() == svc.lower()]
            row = ci[0] if len(ci) == 1 else None
        if row is None:
            return svc, svc
        return row[0] or svc, row[1] or svc

    # -- comparing ---------------------------------------------------------------------------
    def check_request_id(self, ctx, key, body):
        rid = body.get("RequestId")
        if not isinstance(rid, str) or not UUID_UPPER.match(rid):
            self.diff(ctx, key, "-", "RequestId", "upper-case UUID", rid)
        elif rid in self.request_ids:
            self.diff(ctx, key, "-", "RequestId", "a fresh UUID per answer", rid + " (repeated)")
        else:
            self.request_ids.add(rid)

    def compare(self, ctx, key, expected, body, check_rid=True):
        """expected: reference products; body: parsed keytrail answer."""
        if not isinstance(body, dict):
            self.diff(ctx, key, "-", "body", "JSON object", body)
            return
        if check_rid:
            self.check_request_id(ctx, key, body)
        got = body.get("Products")
        if not isinstance(got, list):
            self.diff(ctx, key, "-", "Products", "a list", got)
            return
        exp_names = [p["ServiceName"] for p in expected]
        got_names = [p.get("ServiceName") if isinstance(p, dict) else p for p in got]
        if exp_names != got_names:
            missing = [s for s in exp_names if s not in got_names]
            extra = [s for s in got_names if s not in exp_names]
            hint = []
            if missing:
                hint.append("missing " + short(missing, 300))
            if extra:
                hint.append("unexpected " + short(extra, 300))
            if not missing and not extra:
                hint.append("same services, other order")
            self.diff(ctx, key, "-", "ServiceName list", exp_names, got_names, "; ".join(hint))
        got_by = {p.get("ServiceName"): p for p in got if isinstance(p, dict)}
        for e in expected:
            g = got_by.get(e["ServiceName"])
            if g is None:
                continue
            svc = e["ServiceName"]
            ts = g.get("UsedTimestamp")
            if type(ts) is not int or ts != e["UsedTimestamp"]:
                self.diff(ctx, key, svc, "UsedTimestamp", e["UsedTimestamp"], ts, self.ts_hint(e, g))
            if g.get("Source") != e["Source"]:
                self.diff(ctx, key, svc, "Source", e["Source"], g.get("Source"))
            if g.get("Detail") != e["Detail"]:
                self.diff(ctx, key, svc, "Detail", e["Detail"], g.get("Detail"), self.detail_hint(e["Detail"], g.get("Detail")))
            for f, want in zip(("ServiceNameEn", "ServiceNameCn"), self.expected_names(svc)):
                v = g.get(f)
                if not isinstance(v, str) or not v:
                    self.diff(ctx, key, svc, f, "non-empty string", v)
                elif self.catalog and v != want:
                    self.warn(f"{f} of {svc!r}: catalog lookup gives {want!r}, keytrail {v!r}")
        for g in got:
            if isinstance(g, dict):
                missing = [f for f in ("UsedTimestamp", "Detail", "Source", "ServiceName", "ServiceNameCn",
                                       "ServiceNameEn") if f not in g]
                if missing:
                    self.diff(ctx, key, g.get("ServiceName"), "fields", "all six product fields", f"missing {missing}")
                    break

    @staticmethod
    def ts_hint(e, g):
        ts = g.get("UsedTimestamp")
        if isinstance(ts, int) and not isinstance(ts, bool):
            d = ts - e["UsedTimestamp"]
            return f"off by {d} ms" + (" (rounded fraction instead of truncating?)" if abs(d) < 1000 else "")
        return "not an integer"

    @staticmethod
    def detail_hint(exp, got):
        if not isinstance(got, str):
            return "Detail is not a string"
        try:
            pe, pg = json.loads(exp), json.loads(got)
        except ValueError:
            return "got Detail is not JSON"
        i = next((k for k in range(min(len(exp), len(got))) if exp[k] != got[k]), min(len(exp), len(got)))
        where = f"first difference at char {i}: expected {short(exp[max(0, i - 20):i + 30], 80)!r} got {short(got[max(0, i - 20):i + 30], 80)!r}"
        if pe == pg:
            return "same JSON value, different text (another copy of the event won, or the text was re-serialised); " + where
        ide = pe.get("eventId", pe.get("EventId")) if isinstance(pe, dict) else None
        idg = pg.get("eventId", pg.get("EventId")) if isinstance(pg, dict) else None
        if ide != idg:
            return f"a different event won (eventId expected {ide!r}, got {idg!r})"
        return "same eventId, different content (another delivery of the event won); " + where

    def parse(self, ctx, key, out):
        try:
            return json.loads(out)
        except ValueError:
            self.diff(ctx, key, "-", "stdout", "one JSON document", short(out, 300))
            return None

    # -- steps -------------------------------------------------------------------------------
    def products(self, key, as_of, days=None, db=None):
        args = ["products", key, "--db", db or self.db, "--as-of", str(as_of)]
        if days is not None:
            args += ["--window-days", str(days)]
        return self.run(args)

    def query_matrix(self, label, variants, keys, db=None, record=None):
        before = len(self.diffs)
        n = 0
        for as_of_arg, as_of_ms, days in variants:
            ctx = f"{label} as-of={as_of_arg}" + (f" window-days={days}" if days else "")
            for key in keys:
                status, expected = self.idx.answer(key, as_of_ms, days or 400)
                assert status == "ok", (key, as_of_ms)
                rc, out, err, _ = self.products(key, as_of_arg, days, db)
                n += 1
                if rc != 0:
                    self.diff(ctx, key, "-", "exit status", 0, rc, short(err.strip(), 300))
                    continue
                body = self.parse(ctx, key, out)
                if body is not None:
                    self.compare(ctx, key, expected, body)
                    if record is not None:
                        record[(as_of_arg, days, key)] = body
        self.step(f"{label}: {n} product queries", before)

    def main(self):
        os.makedirs(self.work, exist_ok=True)
        self.archive = os.path.join(self.work, "archive")
        self.db = os.path.join(self.work, "index.sqlite")
        for p in os.listdir(self.work):
            if p.startswith(("index.sqlite", "index2.sqlite", "missing.sqlite")):
                os.remove(os.path.join(self.work, p))
        print(f"keytrail conformance check: binary {self.kt}\n  workdir {self.work}, seed {self.seed}")
        model = make_archive.generate(self.archive, self.seed, os.path.join(self.work, "model.json"), quiet=True)
        self.idx = reference.build_index(self.archive)
        L, F = self.idx.latest(), model["future"]
        assert L == model["latest"], "reference and generator disagree on LATEST; run selftest.py"
        keys = sorted(model["keys"].values())
        never = ["LTAI5tNeverSeenKey0000001", "STS.NeverSeen*Masked****", model["keys"]["PASCAL"].lower(),
                 model["keys"]["TWIN_LO"][:-4] + "Abcd", model["keys"]["LONG"][:-1]]
        st = model["stats"]
        print(f"  archive: {st['files']} files, {st['bytes'] / 1e6:.2f} MB, {st['copies']} event copies, "
              f"{len(keys)} keys; reference: {self.idx.stats['indexed']} indexed, "
              f"{sum(v for k, v in self.idx.stats.items() if k.startswith('skipped:'))} skipped; "
              f"LATEST={L} ({rfc3339(L, 0)}), FUTURE={F}")

        # 1. ingest
        before = len(self.diffs)
        rc, out, err, secs = self.run(["ingest", "--db", self.db, self.archive])
        if rc != 0:
            self.diff("ingest", "-", "-", "exit status", 0, rc, short((out + err).strip()[-600:], 600))
        self.step(f"ingest ({secs:.1f}s, exit {rc})", before, self.summary_line(out, err))
        if rc not in (0, 3):
            print("  ingest failed; later steps would only repeat this failure")

        # 2. products for every key
        self.single = {}
        # the 7-digit fraction must truncate to F exactly: one product sits on the edge F - 400 days
        f7 = rfc3339(F)[:-6] + "9999" + rfc3339(F)[-6:]
        variants = [("latest", L, None), (str(L), L, None), (str(F), F, None), (rfc3339(F), F, None),
                    (f7, F, None), ("latest", L, 30), (rfc3339(L, -210), L, 1)]
        self.query_matrix("products", variants, keys + never, record=self.single)

        # 3. errors
        before = len(self.diffs)
        bad_keys = ["", "LTAI5t has space", "L" * 129, "LTAI5tNonAscii\u00e9", "LTAI5t\ttab", "LTAI5t\x7fdel"]
        for bk in bad_keys:
            for db in (self.db, os.path.join(self.work, "no-such-dir", "x.sqlite")):
                ctx = "invalid key" + (" (index missing: key is checked first)" if db != self.db else "")
                rc, out, err, _ = self.run(["products", bk, "--db", db, "--as-of", "latest"])
                self.check_error_body(ctx, bk, rc, out, err)
        self.step(f"InvalidQueryParameter for {len(bad_keys)} invalid keys", before)

        before = len(self.diffs)
        wk = model["keys"]["WIN"]
        rc, out, err, _ = self.products(wk, L - 1)
        if rc != 2 or out.strip() or "--until" not in err:
            self.diff("as-of before the key's newest event", wk, "-", "refusal",
                      "exit 2, empty stdout, stderr naming `ingest --until`",
                      f"exit {rc}, stdout {short(out, 120)!r}, stderr {short(err, 200)!r}")
        rc, out, err, _ = self.run(["products", keys[0], "--db", os.path.join(self.work, "missing.sqlite")])
        if rc != 2 or out.strip() or "ingest" not in err:
            self.diff("query on a missing index", keys[0], "-", "error", "exit 2, stderr says to run `keytrail ingest`",
                      f"exit {rc}, stdout {short(out, 120)!r}, stderr {short(err, 200)!r}")
        self.step("refusal (as-of before newest event) and missing index", before)

        # 4. --keys-from
        before = len(self.diffs)
        order = keys + never
        order = order[::2] + order[1::2]
        kf = os.path.join(self.work, "keys.txt")
        with open(kf, "w", encoding="utf-8") as f:
            for i, k in enumerate(order):
                f.write(k + "\n" + ("\n" if i % 5 == 0 else ""))
        for src, stdin in ((kf, None), ("-", open(kf, "rb").read())):
            rc, out, err, _ = self.run(["products", "--keys-from", src, "--db", self.db, "--as-of", "latest"], stdin=stdin)
            ctx = f"--keys-from {'FILE' if src != '-' else '-'}"
            if rc != 0:
                self.diff(ctx, "-", "-", "exit status", 0, rc, short(err, 300))
            lines = [ln for ln in out.split("\n") if ln.strip()]
            if len(lines) != len(order):
                self.diff(ctx, "-", "-", "line count", len(order), len(lines))
            for k, ln in zip(order, lines):
                body = self.parse(ctx, k, ln)
                if body is None:
                    continue
                if body.get("AccessKeyId") != k:
                    self.diff(ctx, k, "-", "AccessKeyId", k, body.get("AccessKeyId"), "lines out of input order?")
                    continue
                self.compare(ctx, k, self.idx.answer(k, L)[1], body)
                single = self.single.get(("latest", None, k))
                if single is not None:
                    a = {x: y for x, y in body.items() if x not in ("RequestId", "AccessKeyId")}
                    b = {x: y for x, y in single.items() if x not in ("RequestId", "AccessKeyId")}
                    if a != b:
                        self.diff(ctx, k, "-", "equal to the single-key answer", short(b, 200), short(a, 200))
        # with an invalid key in the middle
        mixed = [keys[0], "bad key", keys[1]]
        with open(kf, "w", encoding="utf-8") as f:
            f.write("\n".join(mixed) + "\n")
        rc, out, err, _ = self.run(["products", "--keys-from", kf, "--db", self.db, "--as-of", "latest"])
        lines = [ln for ln in out.split("\n") if ln.strip()]
        if rc != 1:
            self.diff("--keys-from with an invalid key", "-", "-", "exit status", 1, rc, short(err, 200))
        if len(lines) != 3:
            self.diff("--keys-from with an invalid key", "-", "-", "line count", 3, len(lines), short(out, 300))
        else:
            for k, ln in zip(mixed, lines):
                body = self.parse("--keys-from with an invalid key", k, ln)
                if body is None:
                    continue
                if k == "bad key":
                    if body.get("Code") != "InvalidQueryParameter":
                        self.diff("--keys-from with an invalid key", k, "-", "Code", "InvalidQueryParameter", body.get("Code"))
                    if body.get("AccessKeyId") != k:
                        self.warn(f"--keys-from: the error line of an invalid key has AccessKeyId "
                                             f"{body.get('AccessKeyId')!r} (DESIGN: each answer line carries AccessKeyId)")
                else:
                    self.compare("--keys-from with an invalid key", k, self.idx.answer(k, L)[1], body)
        self.step("--keys-from FILE and - (NDJSON in input order, equal to single answers)", before)

        # 5. idempotence and order independence
        reset_variants = [("latest", L, None), (str(F), F, None)]
        before = len(self.diffs)
        rc, out, err, secs = self.run(["ingest", "--db", self.db, self.archive])
        if rc != 0:
            self.diff("re-ingest", "-", "-", "exit status", 0, rc, short(err, 300))
        self.step(f"same ingest again ({secs:.1f}s, exit {rc})", before, self.summary_line(out, err))
        again = {}
        self.query_matrix("after re-ingest", reset_variants, keys, record=again)
        before = len(self.diffs)
        for (a_of, days, k), body in again.items():
            first = self.single.get((a_of, days, k))
            if first is not None and first.get("Products") != body.get("Products"):
                self.diff("re-ingest changed an answer", k, "-", "Products", short(first.get("Products")), short(body.get("Products")))
        self.step("re-ingest changed nothing", before)

        copy = os.path.join(self.work, "archive-copy")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(self.archive, copy)
        before = len(self.diffs)
        rc, out, err, secs = self.run(["ingest", "--db", self.db, copy])
        if rc != 0:
            self.diff("ingest of a copy at another path", "-", "-", "exit status", 0, rc, short(err, 300))
        self.step(f"ingest of the same files copied elsewhere ({secs:.1f}s, exit {rc})", before)
        self.query_matrix("after ingesting the copy", [("latest", L, None)], keys)

        db2 = os.path.join(self.work, "index2.sqlite")
        files = sorted((os.path.join(d, f) for d, _, fs in os.walk(self.archive) for f in fs), reverse=True)
        before = len(self.diffs)
        third = (len(files) + 2) // 3
        for i in range(3):
            chunk = files[i * third:(i + 1) * third]
            if chunk:
                rc, out, err, _ = self.run(["ingest", "--db", db2] + chunk)
                if rc != 0:
                    self.diff("file-by-file ingest (reverse order)", "-", "-", "exit status", 0, rc, short(err, 300))
        self.step("second index: files in reverse order, three ingest runs", before)
        self.query_matrix("second index", [(str(L), L, None), (str(F), F, None)], keys, db=db2)

        return self.report()

    @staticmethod
    def summary_line(out, err):
        lines = [ln for ln in (out + "\n" + err).splitlines() if ln.strip()]
        pick = [ln for ln in lines if ln.startswith(("files:", "events:"))] or lines[-1:]
        return short(" | ".join(pick), 240)

    def check_error_body(self, ctx, key, rc, out, err):
        if rc != 1:
            self.diff(ctx, key, "-", "exit status", 1, rc, short(err.strip(), 200))
        body = self.parse(ctx, key, out)
        if body is None:
            return
        if not isinstance(body, dict):
            self.diff(ctx, key, "-", "error body", "JSON object", body)
            return
        for f in ("RequestId", "HostId", "Code", "Message", "Recommend"):
            if not isinstance(body.get(f), str):
                self.diff(ctx, key, "-", f, "a string member", body.get(f))
        if body.get("Code") != "InvalidQueryParameter":
            self.diff(ctx, key, "-", "Code", "InvalidQueryParameter", body.get("Code"))
        self.check_request_id(ctx, key, body)

    def report(self):
        print(f"\n{self.runs} keytrail runs; {len(self.diffs)} mismatches; {len(self.warnings)} distinct warnings")
        if self.warnings:
            print("warnings (not failures):")
            for w, n in list(self.warnings.items())[:self.max_diffs]:
                print(f"  - {w} ({n}x)")
        if not self.diffs:
            print("RESULT: PASS")
            return 0
        # group identical (key, service, field, expected, got) across contexts
        groups = {}
        for d in self.diffs:
            sig = (d["key"], d["service"], d["field"], short(d["expected"], 400), short(d["got"], 400))
            groups.setdefault(sig, []).append(d)
        print(f"RESULT: FAIL -- {len(groups)} distinct differences; first {min(self.max_diffs, len(groups))}:")
        model_traps = self.trap_lookup()
        for i, (sig, ds) in enumerate(list(groups.items())[:self.max_diffs]):
            d = ds[0]
            trap = model_traps.get((d["key"], d["service"]), "")
            ctxs = sorted({x["ctx"] for x in ds})
            print(f"\n  #{i + 1} key={d['key']!r} service={d['service']!r} field={d['field']}"
                  + (f" trap={trap}" if trap else ""))
            print(f"     in: {'; '.join(ctxs[:4])}{' ...' if len(ctxs) > 4 else ''} ({len(ds)}x)")
            print(f"     expected: {short(d['expected'], 300)}")
            print(f"     got:      {short(d['got'], 300)}")
            if d["hint"]:
                print(f"     note:     {d['hint']}")
        return 1

    def trap_lookup(self):
        try:
            with open(os.path.join(self.work, "model.json"), encoding="utf-8") as f:
                m = json.load(f)
        except OSError:
            return {}
        out = {}
        for k, svcs in m["winners"].items():
            for s, w in svcs.items():
                out[(k, s)] = w["trap"]
        return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keytrail", required=True, help="path to the keytrail binary")
    ap.add_argument("--workdir", help="work directory (default: a new temporary directory, kept)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-diffs", type=int, default=12)
    ap.add_argument("--catalog", default=DEFAULT_CATALOG, help="service catalog TSV for the name warnings")
    a = ap.parse_args(argv)
    if not os.access(a.keytrail, os.X_OK):
        ap.error(f"not an executable: {a.keytrail}")
    return Checker(a).main()


if __name__ == "__main__":
    sys.exit(main())
