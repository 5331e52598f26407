#!/usr/bin/env python3
"""Self-test of the conformance tools (no keytrail needed).

usage: selftest.py [--seed N ...] [--keep DIR]

For each seed: generates the archive twice (must be byte-identical), builds the reference index by
parsing it (reference.py), and checks it against the generator's by-construction model
(make_archive.py --model): every key's answer at as-of LATEST, FUTURE and LATEST with a 30-day
window, plus every labelled trap expectation.  Prints per-trap statistics; exits 1 on any
disagreement.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import sys
import tempfile
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_archive  # noqa: E402
import reference  # noqa: E402

DAY = make_archive.DAY


def model_answer(model, key, as_of, days):
    rows = model["winners"].get(key, {})
    lo = as_of - days * DAY
    out = [(svc, w) for svc, w in rows.items() if lo <= w["UsedTimestamp"] <= as_of]
    out.sort(key=lambda sw: (-sw[1]["UsedTimestamp"], sw[0].encode()))
    return [{"ServiceName": s, "UsedTimestamp": w["UsedTimestamp"], "Source": w["Source"], "Detail": w["Detail"]}
            for s, w in out]


def same_tree(a, b):
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_tree(os.path.join(a, d), os.path.join(b, d)) for d in cmp.common_dirs)


def run_seed(seed, base):
    problems = []
    arch, arch2 = os.path.join(base, f"archive-{seed}"), os.path.join(base, f"archive-{seed}-again")
    mpath = os.path.join(base, f"model-{seed}.json")
    model = make_archive.generate(arch, seed, mpath, quiet=True)
    make_archive.generate(arch2, seed, None, quiet=True)
    if not same_tree(arch, arch2):
        problems.append("generator is not deterministic for this seed")
    shutil.rmtree(arch2)

    idx = reference.build_index(arch)
    L, F, W = model["latest"], model["future"], model["windowDays"]
    if idx.latest() != L:
        problems.append(f"reference latest {idx.latest()} != model {L}")
    ref_keys, model_keys = set(idx.keys()), set(model["winners"])
    if ref_keys != model_keys:
        problems.append(f"key sets differ: ref-only {ref_keys - model_keys}, model-only {model_keys - ref_keys}")
    compared = 0
    for key in sorted(ref_keys | model_keys | set(model["keys"].values())):
        for as_of, days in ((L, W), (F, W), (L, 30)):
            status, got = idx.answer(key, as_of, days)
            exp = model_answer(model, key, as_of, days)
            compared += 1
            if status != "ok" or got != exp:
                gs = [(p["ServiceName"], p["UsedTimestamp"]) for p in got]
                es = [(p["ServiceName"], p["UsedTimestamp"]) for p in exp]
                detail = "" if gs != es else " (same services/times; Source or Detail differ)"
                problems.append(f"answer differs key={key!r} asOf={as_of} days={days}{detail}: ref={gs} model={es}")
    # skip counts
    for reason, n in model["skipped"].items():
        got = sum(v for k, v in idx.stats.items() if k.startswith("skipped:" + reason))
        if got != n:
            problems.append(f"skipped:{reason}: reference counted {got}, generator intended {n}")

    # labelled traps
    trap_ok = Counter()
    trap_bad = Counter()
    for c in model["checks"]:
        t, kind = c["trap"], c["check"]
        ok = True
        if kind == "winner":
            v = idx.reg.get((c["key"], c["service"]))
            ok = v is not None and v[0] == c["ts"] and v[1].decode() == c["eventId"] and \
                ("source" not in c or v[3] == c["source"])
        elif kind == "empty":
            ok = idx.answer(c["key"], L, W)[1] == [] and idx.answer(c["key"], F, W)[1] == []
        elif kind == "absent":
            ok = (c["key"], c["service"]) not in idx.reg
        elif kind == "service_absent":
            ok = all(s != c["service"] for _, s in idx.reg)
        elif kind == "order":
            prods = idx.answer(c["key"], L, W)[1]
            keyseq = [(-p["UsedTimestamp"], p["ServiceName"].encode()) for p in prods]
            ok = keyseq == sorted(keyseq) and len(prods) >= 10
            same = [p["ServiceName"] for p in prods if p["UsedTimestamp"] == prods[1]["UsedTimestamp"]]
            print(f"    order at one timestamp: {same}")
        elif kind == "window":
            for as_of in (L, F):
                shown = any(p["ServiceName"] == c["service"] for p in idx.answer(c["key"], as_of, W)[1])
                want = as_of - W * DAY <= c["ts"] <= as_of
                ok = ok and shown == want
        else:
            ok = False
        (trap_ok if ok else trap_bad)[t] += 1
        if not ok:
            problems.append(f"trap {t} check {kind} failed: {c}")
    copies = model["stats"]["copies_by_trap"]
    print(f"  seed {seed}: {model['stats']['files']} files, {model['stats']['bytes'] / 1e6:.2f} MB, "
          f"{model['stats']['events']} events / {model['stats']['copies']} copies, {len(model['keys'])} keys; "
          f"{compared} answers compared with the model")
    print("    trap                          copies  checks ok/failed")
    for t in sorted(set(copies) | set(trap_ok) | set(trap_bad)):
        print(f"    {t:30s} {copies.get(t, 0):6d}  {trap_ok[t]:3d}/{trap_bad[t]}")
    st = idx.stats
    interesting = ["files_gzip", "files_gzip_multimember", "files_bom", "files_crlf", "tie_same_ms_decided_by_eventId",
                   "tie_same_event_decided_by_detail_bytes", "duplicate_identical_copy", "time_truncated_sub_ms",
                   "indexed_detail_over_50KB", "indexed_sts_key", "events_with_lookalike_keys"]
    print("    reader: " + ", ".join(f"{k}={st[k]}" for k in interesting))
    print("    reader: " + ", ".join(f"{k}={v}" for k, v in sorted(st.items())
                                      if k.startswith(("skipped:", "time_unparseable:", "field_", "duplicate_member"))))
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, action="append")
    ap.add_argument("--keep", help="work directory to keep (default: a temporary one, removed)")
    a = ap.parse_args(argv)
    seeds = a.seed or [1, 2, 3]
    base = a.keep or tempfile.mkdtemp(prefix="keytrail-selftest-")
    os.makedirs(base, exist_ok=True)
    all_problems = []
    try:
        for s in seeds:
            all_problems += run_seed(s, base)
    finally:
        if not a.keep:
            shutil.rmtree(base, ignore_errors=True)
    if all_problems:
        print(f"\nSELFTEST FAILED: {len(all_problems)} problem(s)")
        for p in all_problems[:30]:
            print("  - " + p)
        return 1
    print("\nselftest ok: reference (parsing the archive) == generator model (by construction) on every answer and trap")
    return 0


if __name__ == "__main__":
    sys.exit(main())
