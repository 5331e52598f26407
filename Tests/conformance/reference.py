#!/usr/bin/env python3
"""Independent reference for `keytrail products`, written from DESIGN.md with Python's json module.

usage: reference.py ARCHIVE_DIR --as-of MS|latest [--window-days 400] [--key K ...] [--stats]

Reads every file under ARCHIVE_DIR (gzip detected by the magic bytes 1f 8b, multi-member
included; a UTF-8 BOM ignored), splits it into top-level JSON values, classifies each value by
shape, reduces events into a max-register per (AccessKey, ServiceName) and prints, for every key
(or the --key ones), the Products answer keytrail must give:

    {"asOf": MS, "windowDays": N, "latest": MS, "answers": {KEY: {"status": "ok"|"refuse",
     "Products": [{"ServiceName", "UsedTimestamp", "Source", "Detail"}, ...]}}, "stats": {...}}

Nothing here is shared with the generator (make_archive.py): the two are cross-checked by
selftest.py.  Importable: build_index(path) -> Index; Index.answer(key, as_of, window_days).
"""

from __future__ import annotations

import argparse
import calendar
import gzip
import json
import os
import re
import sys
import zlib
from collections import Counter

DAY_MS = 86_400_000
MGMT_TYPES = {"ApiCall", "ConsoleOperation", "ConsoleSignin", "ConsoleSignout", "AliyunServiceEvent", "PasswordReset"}
WS = re.compile(r"[ \t\n\r]*")
TIME_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2}|[+-][0-9]{4})\Z")
MISSING = object()


class Malformed(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# semantics 3: time


def parse_time(s, stats: Counter | None = None):
    """RFC 3339 text -> epoch ms (fraction truncated), or None when unparseable."""
    def bad(why):
        if stats is not None:
            stats["time_unparseable:" + why] += 1
        return None

    if not isinstance(s, str):
        return bad("missing" if s is MISSING else "not_string")
    m = TIME_RE.match(s)
    if not m:
        return bad("no_offset" if re.fullmatch(r"[0-9-]+T[0-9:.]+", s) else "syntax")
    y, mo, d, h, mi, sec = (int(m.group(i)) for i in range(1, 7))
    frac, off = m.group(7), m.group(8)
    if sec == 60:
        return bad("second_60")
    if not (1 <= mo <= 12) or not (1 <= d <= calendar.monthrange(y, mo)[1]) or h > 23 or mi > 59 or sec > 59:
        return bad("out_of_range")
    if off in ("Z", "z"):
        off_min = 0
    else:
        digits = off[1:].replace(":", "")
        oh, om = int(digits[:2]), int(digits[2:])
        if oh > 23 or om > 59:
            return bad("offset_range")
        off_min = (oh * 60 + om) * (-1 if off[0] == "-" else 1)
    ms = int((frac or "0")[:3].ljust(3, "0"))
    if stats is not None:
        stats["time_fraction_digits:%d" % len(frac or "")] += 1
        stats["time_offset:" + ("Z" if off in "Zz" else ("+HHMM" if ":" not in off else
                                                         ("+00:00" if off[1:] == "00:00" else "±HH:MM")))] += 1
        if frac and len(frac) > 3 and frac[3:].strip("0"):
            stats["time_truncated_sub_ms"] += 1
    return (calendar.timegm((y, mo, d, h, mi, sec, 0, 0, 0)) - off_min * 60) * 1000 + ms


# ---------------------------------------------------------------------------------------------
# semantics 1, 2, 5: fields


def member(obj, camel, pascal, stats=None):
    """camelCase wins when present; PascalCase accepted otherwise."""
    if camel in obj:
        if stats is not None and pascal in obj:
            stats["field_both_spellings:" + camel] += 1
        return obj[camel]
    if pascal in obj:
        if stats is not None:
            stats["field_pascal_used:" + pascal] += 1
        return obj[pascal]
    return MISSING


def is_event(o) -> bool:
    """An object is an event when it has eventTime or eventId (either spelling)."""
    return any(n in o for n in ("eventTime", "EventTime", "eventId", "EventId"))


def source_of(e) -> str:
    cat = member(e, "eventCategory", "EventCategory")
    if cat is None or cat == "":
        cat = MISSING
    if cat == "Data":
        return "DataEvent"
    if cat == "Management":
        return "ManagementEvent"
    if cat is MISSING:
        typ = member(e, "eventType", "EventType")
        if isinstance(typ, str) and typ in MGMT_TYPES:
            return "ManagementEvent"
    return "Internal"


def lookalike_count(e) -> int:
    """accessKeyId / AccessKeyId members anywhere except userIdentity's own (statistics only)."""
    def count(v):
        if isinstance(v, dict):
            return sum((k in ("accessKeyId", "AccessKeyId")) + count(x) for k, x in v.items())
        if isinstance(v, list):
            return sum(count(x) for x in v)
        return 0

    n = count(e)
    for ui in ("userIdentity", "UserIdentity"):
        if isinstance(e.get(ui), dict):
            n -= sum(k in e[ui] for k in ("accessKeyId", "AccessKeyId"))
    return n


# ---------------------------------------------------------------------------------------------
# reading and framing


class Dup:
    """object_pairs_hook that keeps the last value of a repeated name and counts repeats."""

    def __init__(self, stats):
        self.stats = stats

    def __call__(self, pairs):
        d = {}
        for k, v in pairs:
            if k in d:
                self.stats["duplicate_member_name:" + k] += 1
            d[k] = v
        return d


def decompress(data: bytes, stats: Counter) -> bytes:
    if data[:2] != b"\x1f\x8b":
        return data
    stats["files_gzip"] += 1
    # count members (gzip.decompress handles multi-member; this loop is only for statistics)
    members, rest = 0, data
    while rest[:2] == b"\x1f\x8b":
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        d.decompress(rest)
        members += 1
        rest = d.unused_data
    if members > 1:
        stats["files_gzip_multimember"] += 1
    return gzip.decompress(data)


class Reader:
    def __init__(self, stats: Counter):
        self.stats = stats
        self.dec = json.JSONDecoder(object_pairs_hook=Dup(stats))

    def decode(self, s, i):
        try:
            return self.dec.raw_decode(s, i)
        except json.JSONDecodeError as e:
            raise Malformed(str(e)) from None

    def ws(self, s, i):
        return WS.match(s, i).end()

    def array_spans(self, s, i):
        """s[i] == '['; [(value, start, end)] of the elements, end after ']'."""
        assert s[i] == "["
        out = []
        i = self.ws(s, i + 1)
        if s[i] == "]":
            return out, i + 1
        while True:
            v, j = self.decode(s, i)
            out.append((v, i, j))
            i = self.ws(s, j)
            if s[i] == ",":
                i = self.ws(s, i + 1)
            elif s[i] == "]":
                return out, i + 1
            else:
                raise Malformed(f"expected , or ] at {i}")

    def object_members(self, s, i):
        """s[i] == '{'; [(name, value, start, end)] in order (repeats kept)."""
        assert s[i] == "{"
        out = []
        i = self.ws(s, i + 1)
        if s[i] == "}":
            return out
        while True:
            k, j = self.decode(s, i)
            if not isinstance(k, str):
                raise Malformed("member name")
            i = self.ws(s, j)
            if s[i] != ":":
                raise Malformed("expected :")
            i = self.ws(s, i + 1)
            v, j = self.decode(s, i)
            out.append((k, v, i, j))
            i = self.ws(s, j)
            if s[i] == ",":
                i = self.ws(s, i + 1)
            elif s[i] == "}":
                return out
            else:
                raise Malformed("expected , or }")

    def top_values(self, text):
        """Top-level values, back to back: separated by whitespace or by nothing (`…][…`, `}{`), as
        jq reads them; text that does not begin a value after one is malformed."""
        i = self.ws(text, 0)
        if i == len(text):
            raise Malformed("empty")
        while i < len(text):
            v, j = self.decode(text, i)
            if j < len(text) and not WS.match(text, j).end() > j:
                self.stats["values_back_to_back"] += 1
            yield v, i, j
            i = self.ws(text, j)

    # classification -----------------------------------------------------------------------

    def events_of_value(self, text, v, a, b, where):
        """Yield (event dict, Detail text, shape) for one value (top level or array element)."""
        st = self.stats
        if isinstance(v, list):
            if where == "top":
                st["value:array"] += 1
                if not v:
                    st["value:array_empty"] += 1
                for ev, ea, eb in self.array_spans(text, a)[0]:
                    yield from self.events_of_value(text, ev, ea, eb, "array")
            else:
                st["skipped:nested_array_element"] += 1
            return
        if not isinstance(v, dict):
            st["skipped:top_level_scalar" if where == "top" else "skipped:scalar_element"] += 1
            return
        evs = v.get("Events")
        if isinstance(evs, list):
            if evs and all(isinstance(x, dict) and isinstance(x.get("Detail"), str) for x in evs):
                st[f"value:{where}:api_events_detail"] += 1
                for x in evs:
                    yield from self.nested(x["Detail"], "api_events_detail")
            else:
                st[f"value:{where}:lookup_events"] += 1
                spans = None
                for name, mv, ma, mb in self.object_members(text, a):
                    if name == "Events":
                        spans = self.array_spans(text, ma)[0]  # the last "Events" member counts
                for ev, ea, eb in spans:
                    if isinstance(ev, dict):
                        st["event_shape:lookup_events"] += 1
                        yield ev, text[ea:eb], "lookup_events"
                    else:
                        st["skipped:scalar_element"] += 1
            return
        if isinstance(v.get("event"), str):
            st[f"value:{where}:sls_row"] += 1
            tm = v.get("__time__")
            st["sls___time__:" + type(tm).__name__] += 1
            yield from self.nested(v["event"], "sls_row")
            return
        prods = v.get("Products")
        if isinstance(prods, list) and all(isinstance(x, dict) and isinstance(x.get("Detail"), str) for x in prods):
            st[f"value:{where}:api_products_detail"] += 1
            for x in prods:
                yield from self.nested(x["Detail"], "api_products_detail")
            return
        if is_event(v):
            st[f"value:{where}:event"] += 1
            yield v, text[a:b], "event_in_" + where
            return
        found = list(self.envelope(text, a, 2))
        if found:
            st[f"value:{where}:envelope"] += 1
            yield from found
        else:
            st["skipped:not_an_event"] += 1

    def envelope(self, text, a, levels):
        """An object that is neither an event nor a response shape: its members' values that are
        events (objects, or strings holding one), `levels` deep (DESIGN "Envelopes")."""
        for _name, mv, ma, mb in self.object_members(text, a):
            if isinstance(mv, dict):
                if is_event(mv):
                    yield mv, text[ma:mb], "envelope_object"
                elif levels > 1:
                    yield from self.envelope(text, ma, levels - 1)
            elif isinstance(mv, str) and mv.lstrip(" \t").startswith("{"):
                inner = mv.strip(" \t\r\n")
                try:
                    e = json.loads(inner, object_pairs_hook=Dup(self.stats))
                except json.JSONDecodeError:
                    continue  # a message that is not JSON text is not an event
                if not isinstance(e, dict):
                    continue
                if is_event(e):
                    yield e, inner, "envelope_string"
                elif levels > 1:
                    yield from self.envelope(inner, 0, levels - 1)

    def nested(self, inner: str, shape):
        try:
            e = json.loads(inner, object_pairs_hook=Dup(self.stats))
        except json.JSONDecodeError as ex:
            raise Malformed(f"nested {shape}: {ex}") from None
        if not isinstance(e, dict):
            self.stats["skipped:nested_not_object"] += 1
            return
        yield e, inner, shape

    def file_events(self, path):
        st = self.stats
        with open(path, "rb") as f:
            raw = f.read()
        data = decompress(raw, st)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise Malformed(f"utf-8: {e}") from None
        if text.startswith("\ufeff"):
            st["files_bom"] += 1
            text = text[1:]
        if "\r\n" in text:
            st["files_crlf"] += 1
        for v, a, b in self.top_values(text):
            yield from self.events_of_value(text, v, a, b, "top")


# ---------------------------------------------------------------------------------------------
# reduce and answer


class Index:
    def __init__(self):
        self.reg = {}  # (key, service) -> (ts, eid bytes, detail bytes, source, detail)
        self.stats = Counter()
        self.files = 0
        self.rejected = []

    def add(self, e: dict, detail: str, shape: str):
        st = self.stats
        st["events_read"] += 1
        st["event_shape:" + shape] += 1
        la = lookalike_count(e)
        if la:
            st["lookalike_accessKeyId_members"] += la
            st["events_with_lookalike_keys"] += 1
        ui = member(e, "userIdentity", "UserIdentity", st)
        key = member(ui, "accessKeyId", "AccessKeyId", st) if isinstance(ui, dict) else MISSING
        if not isinstance(key, str) or key == "":
            st["skipped:no_key" + ("" if key is MISSING else ":" + ("empty" if key == "" else "null_or_other"))] += 1
            return
        svc = member(e, "serviceName", "ServiceName", st)
        if not isinstance(svc, str) or svc == "":
            st["skipped:no_service"] += 1
            return
        ts = parse_time(member(e, "eventTime", "EventTime", st), st)
        if ts is None:
            st["skipped:bad_time"] += 1
            return
        eid = member(e, "eventId", "EventId", st)
        if not isinstance(eid, str):
            st["eventId_missing"] += 1
            eid = ""
        src = source_of(e)
        st["indexed"] += 1
        st["source:" + src] += 1
        if key.startswith("STS."):
            st["indexed_sts_key"] += 1
        if len(detail.encode("utf-8")) > 50_000:
            st["indexed_detail_over_50KB"] += 1
        if "\\u" in detail or "\\/" in detail:
            st["indexed_detail_with_escapes"] += 1
        if not detail.isascii():
            st["indexed_detail_non_ascii"] += 1
        cand = (ts, eid.encode("utf-8"), detail.encode("utf-8"), src, detail)
        k = (key, svc)
        old = self.reg.get(k)
        if old is None:
            self.reg[k] = cand
            return
        if old[0] == ts:
            if old[1] != cand[1]:
                st["tie_same_ms_decided_by_eventId"] += 1
            elif old[2] != cand[2]:
                st["tie_same_event_decided_by_detail_bytes"] += 1
            else:
                st["duplicate_identical_copy"] += 1
        if cand[:3] > old[:3]:
            self.reg[k] = cand

    def keys(self):
        return sorted({k for k, _ in self.reg})

    def latest(self):
        return max(v[0] for v in self.reg.values())

    def answer(self, key: str, as_of: int, window_days: int = 400):
        """(status, products): status "refuse" when the index holds an event of the key after
        as_of (semantics 6), else "ok" with the windowed, ordered products."""
        rows = [(svc, v) for (k, svc), v in self.reg.items() if k == key]
        if any(v[0] > as_of for _, v in rows):
            return "refuse", []
        lo = as_of - window_days * DAY_MS
        out = [(svc, v) for svc, v in rows if lo <= v[0] <= as_of]
        out.sort(key=lambda sv: (-sv[1][0], sv[0].encode("utf-8")))
        return "ok", [{"ServiceName": svc, "UsedTimestamp": v[0], "Source": v[3], "Detail": v[4]} for svc, v in out]


def walk(root):
    if os.path.isfile(root):
        yield root
        return
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            yield os.path.join(d, f)


def build_index(root: str, strict: bool = True) -> Index:
    idx = Index()
    for path in walk(root):
        idx.files += 1
        rd = Reader(idx.stats)
        try:
            evs = list(rd.file_events(path))  # a document contributes all its events or none
        except (Malformed, OSError, EOFError, zlib.error) as e:
            idx.rejected.append((path, str(e)))
            if strict:
                raise
            continue
        for e, detail, shape in evs:
            idx.add(e, detail, shape)
    return idx


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("archive")
    ap.add_argument("--as-of", required=True, help="epoch ms, or 'latest'")
    ap.add_argument("--window-days", type=int, default=400)
    ap.add_argument("--key", action="append", help="only these keys (repeatable)")
    ap.add_argument("--stats", action="store_true", help="print statistics to stderr")
    a = ap.parse_args(argv)
    idx = build_index(a.archive, strict=False)
    latest = idx.latest()
    as_of = latest if a.as_of == "latest" else int(a.as_of)
    answers = {}
    for k in (a.key or idx.keys()):
        status, prods = idx.answer(k, as_of, a.window_days)
        answers[k] = {"status": status, "Products": prods}
    json.dump({"asOf": as_of, "windowDays": a.window_days, "latest": latest, "answers": answers,
               "rejected": idx.rejected, "stats": dict(sorted(idx.stats.items()))},
              sys.stdout, ensure_ascii=False, indent=1)
    print()
    if a.stats:
        for k, v in sorted(idx.stats.items()):
            print(f"{v:8d}  {k}", file=sys.stderr)
    return 1 if idx.rejected else 0


if __name__ == "__main__":
    sys.exit(main())
