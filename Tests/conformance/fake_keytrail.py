#!/usr/bin/env python3
"""A stand-in keytrail built on reference.py, to test check.py itself (not a product).

Implements `ingest --db DB PATH...` (the "index" is a JSON list of ingested paths) and
`products KEY|--keys-from FILE|- --db DB [--as-of T|latest] [--window-days N]`.
FAKE_KEYTRAIL_BUG injects one deliberate bug so that check.py can be seen to catch it:
  round       fraction rounded to ms instead of truncated
  order_ci    services ordered case-insensitively
  detail_min  on equal (time, eventId) the smaller Detail wins
  rid_lower   lower-case RequestId
  window_open lower window edge exclusive
  latest_all  "latest" also counts skipped events' times (approximated: +5 days)
  no_refuse   answers instead of refusing an early as-of
"""

import json
import os
import pickle
import re
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402

BUG = os.environ.get("FAKE_KEYTRAIL_BUG", "")


def err(msg, code):
    print("keytrail: error: " + msg, file=sys.stderr)
    sys.exit(code)


def parse_time(s):
    if s.lstrip("-").isdigit():
        return int(s)
    ms = reference.parse_time(s)
    if ms is None:
        err(f"bad time {s!r}", 2)
    return ms


def valid(key):
    return 0 < len(key.encode()) <= 128 and all(0x21 <= ord(c) <= 0x7E for c in key)


def error_body():
    return {"RequestId": str(uuid.uuid4()).upper(), "HostId": "localhost", "Code": "InvalidQueryParameter",
            "Message": "The specified query parameter is invalid.", "Recommend": "check the AccessKey"}


def build(paths):
    if BUG == "round":
        orig = reference.parse_time

        def rounding(t, stats=None):
            ms = orig(t, stats)
            m = reference.TIME_RE.match(t) if isinstance(t, str) else None
            if ms is not None and m and m.group(7) and len(m.group(7)) > 3 and m.group(7)[3] >= "5":
                ms += 1
            return ms
        reference.parse_time = rounding
    idx = reference.Index()
    if BUG == "detail_min":
        def add(e, detail, shape, _orig=idx.add):
            k_before = dict(idx.reg)
            _orig(e, detail, shape)
            for k, v in idx.reg.items():
                old = k_before.get(k)
                if old is not None and old[:2] == v[:2] and old[2] < v[2]:
                    idx.reg[k] = old
        idx.add = add
    for p in paths:
        for path in reference.walk(p):
            rd = reference.Reader(idx.stats)
            for e, d, shape in rd.file_events(path):
                idx.add(e, d, shape)
    return idx


def load(db):
    with open(db, "rb") as f:
        idx = reference.Index()
        idx.reg = pickle.load(f)["reg"]
    return idx


def main(argv):
    cmd, args = argv[0], argv[1:]
    opts, pos = {}, []
    i = 0
    while i < len(args):
        if args[i] in ("--db", "--as-of", "--window-days", "--keys-from"):
            opts[args[i]] = args[i + 1]
            i += 2
        else:
            pos.append(args[i])
            i += 1
    db = opts.get("--db", "keytrail.sqlite")
    if cmd == "ingest":
        old = pickle.load(open(db, "rb"))["paths"] if os.path.exists(db) else []
        for p in pos:
            ap = os.path.abspath(p)
            if ap not in old:
                old.append(ap)
        idx = build(old)
        with open(db, "wb") as f:
            pickle.dump({"paths": old, "reg": idx.reg}, f)
        print("ingest done", file=sys.stderr)
        return 0
    if cmd != "products":
        err("usage", 2)
    keys = pos[:1]
    multi = "--keys-from" in opts
    if multi:
        src = opts["--keys-from"]
        text = sys.stdin.read() if src == "-" else open(src).read()
        keys = [ln for ln in text.split("\n") if ln.strip()]
    elif not keys:
        err("missing key", 2)
    if not multi and not valid(keys[0]):
        print(json.dumps(error_body()))
        return 1
    if not os.path.exists(db):
        err(f"no index at {db}; run `keytrail ingest` first", 2)
    idx = load(db)
    latest = idx.latest() + (5 * 86_400_000 if BUG == "latest_all" else 0)
    a = opts.get("--as-of", "latest")
    as_of = latest if a == "latest" else parse_time(a)
    days = int(opts.get("--window-days", 400))
    rc = 0
    for key in keys:
        if not valid(key):
            body = error_body()
            rc = 1
        else:
            status, prods = idx.answer(key, as_of, days)
            if BUG == "window_open":
                prods = [p for p in prods if p["UsedTimestamp"] != as_of - days * 86_400_000]
            if status == "refuse":
                if BUG == "no_refuse":
                    prods = []
                else:
                    err("as-of is before events the index holds; build a point-in-time index with `ingest --until`", 2)
            if BUG == "order_ci":
                prods.sort(key=lambda p: (-p["UsedTimestamp"], p["ServiceName"].lower()))
            body = {"RequestId": str(uuid.uuid4()).upper(), "Products": [
                dict(p, ServiceNameCn=p["ServiceName"], ServiceNameEn=p["ServiceName"]) for p in prods]}
            if BUG == "rid_lower":
                body["RequestId"] = body["RequestId"].lower()
        if multi:
            body = {"AccessKeyId": key, **body}
            print(json.dumps(body, ensure_ascii=False))
        else:
            print(json.dumps(body, ensure_ascii=False, indent=2))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
