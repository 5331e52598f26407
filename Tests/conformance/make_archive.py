#!/usr/bin/env python3
"""Generate a deterministic trap archive for the keytrail conformance check.

usage: make_archive.py OUTDIR --seed N [--model FILE]

OUTDIR receives archive files only, in every input shape keytrail accepts (OSS delivery arrays,
LookupEvents responses, JSON lines, SLS rows, saved API responses with Detail strings, single
pretty events, documents back to back; plain, gzip, multi-member gzip, BOM, CRLF, nested
directories, misleading file names).  Everything in OUTDIR is meant to be ingested, so nothing
else is written there.

--model FILE (outside OUTDIR) receives the by-construction expectation: for every event copy the
generator knows which key / service / time / eventId it should count for (or why it must be
skipped) and the exact Detail text it wrote, and reduces those into the expected winner per
(key, service).  selftest.py compares that model with reference.py, which re-derives everything
by parsing the archive.

Standard library only; the output depends on --seed alone (gzip headers carry mtime 0).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import shutil
import struct
import sys
import zlib
from datetime import datetime, timedelta, timezone

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY = 86_400_000
WINDOW_DAYS = 400
WINDOW = WINDOW_DAYS * DAY


def to_ms(dt: datetime) -> int:
    return (dt - EPOCH) // timedelta(milliseconds=1)


# The newest indexed UsedTimestamp of the archive ("--as-of latest"), carried by one trap event.
LATEST = to_ms(datetime(2025, 9, 25, 7, 4, 51, 789000, tzinfo=UTC))
# An as-of in the future (no key is refused there).
FUTURE = LATEST + 45 * DAY + 1234
# Random (non-trap) events are never newer than this; trap events live in (RANDOM_MAX, LATEST].
RANDOM_MAX = LATEST - 3 * DAY
TRAP_T0 = (LATEST - 2 * DAY) // 1000 * 1000

OFFSETS = {"Z": 0, "+08:00": 480, "+0000": 0, "-03:30": -210, "+05:45": 345, "+00:00": 0}
MGMT_TYPES = ("ApiCall", "ConsoleOperation", "ConsoleSignin", "ConsoleSignout", "AliyunServiceEvent", "PasswordReset")
ABSENT = object()

# (eventCategory, eventType, expected Source) -- ABSENT means the member is not written at all.
SOURCE_ROWS = [
    ("Management", "ApiCall", "ManagementEvent"),
    (ABSENT, "ApiCall", "ManagementEvent"),
    (None, "ConsoleOperation", "ManagementEvent"),
    ("", "AliyunServiceEvent", "ManagementEvent"),
    ("", "ApiCall", "ManagementEvent"),
    (ABSENT, "ConsoleSignin", "ManagementEvent"),
    (ABSENT, "ConsoleSignout", "ManagementEvent"),
    (ABSENT, "PasswordReset", "ManagementEvent"),
    ("Management", "JobEvent", "ManagementEvent"),
    ("Data", "ApiCall", "DataEvent"),
    ("Data", "ConsoleSignin", "DataEvent"),
    (ABSENT, "JobEvent", "Internal"),
    (ABSENT, "ConsoleCall", "Internal"),
    ("Insight", "ApiCall", "Internal"),
    ("data", "ApiCall", "Internal"),
    ("MANAGEMENT", "ApiCall", "Internal"),
    (ABSENT, "apicall", "Internal"),
    (ABSENT, ABSENT, "Internal"),
    (None, None, "Internal"),
]

SERVICE_POOL = [
    "Ecs", "Oss", "Ram", "Sts", "Rds", "Slb", "Vpc", "Kms", "Cms", "Cdn", "CS", "Actiontrail",
    "PrivateZone", "polardb", "Ess", "ResourceManager", "CloudStorageGateway", "Alidns", "alikafka",
    "FC", "ecs", "fc", "SOFA", "ZzNotInCatalog",
]
EVENT_NAMES = {
    "Ecs": ["DescribeInstances", "RunInstances", "StopInstance", "DescribeRegions"],
    "Oss": ["ListBuckets", "GetBucketInfo", "PutBucketAcl", "ListUserRegions"],
    "Ram": ["ListUsers", "CreateAccessKey", "GetUser"],
    "Sts": ["AssumeRole", "GetCallerIdentity"],
}
REGIONS = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1", "eu-central-1", "us-west-1"]
CHINESE = ["张伟", "运维-自动化", "测试实例", "生产环境数据库", "李娜", "杭州节点", "备份任务"]
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

# ---------------------------------------------------------------------------------------------
# time text


def fmt_time(ts: int, digits: int = 3, offset: str = "Z", extra: str | None = None) -> str:
    """RFC 3339 text for ts (ms) with `digits` fraction digits (extra ones beyond ms are
    arbitrary: they must be truncated away), local time shifted by `offset`."""
    ms = ts % 1000
    dt = EPOCH + timedelta(milliseconds=ts - ms, minutes=OFFSETS[offset])
    s = dt.strftime("%Y-%m-%dT%H:%M:%S")
    msd = f"{ms:03d}"
    if digits == 0:
        assert ms == 0, (ts, digits)
    elif digits < 3:
        assert msd[digits:] == "0" * (3 - digits), (ts, digits)
        s += "." + msd[:digits]
    else:
        if extra is None:
            extra = "0" * (digits - 3)
        assert len(extra) == digits - 3
        s += "." + msd + extra
    return s + offset


def random_time_text(rng: random.Random, ts: int) -> str:
    ms = ts % 1000
    allowed = [d for d in range(10) if d >= 3 or ms % (10 ** (3 - d)) == 0]
    digits = rng.choice(allowed)
    extra = None
    if digits > 3:
        n = digits - 3
        extra = "9" * n if rng.random() < 0.3 else "".join(rng.choice("0123456789") for _ in range(n))
    r = rng.random()
    offset = "Z" if r < 0.45 else "+08:00" if r < 0.7 else "+0000" if r < 0.85 else \
        "-03:30" if r < 0.92 else "+05:45" if r < 0.96 else "+00:00"
    return fmt_time(ts, digits, offset, extra)


# ---------------------------------------------------------------------------------------------
# events


class Ev:
    """One logical event.  `obj` is serialised with json.dumps; `raw` maps quoted placeholder
    tokens (`"@@R0@@"`) to raw JSON text substituted afterwards (escapes, duplicate member names).
    `intent` is what the event must count for: ("ok", key, service, ts, eventId, source) or
    ("skip", reason)."""

    __slots__ = ("obj", "intent", "trap", "raw", "kinds", "no_extra")

    def __init__(self, obj, intent, trap="random", raw=None, kinds=None):
        self.obj = obj
        self.intent = intent
        self.trap = trap
        self.raw = raw or {}
        self.kinds = kinds  # forced container kinds (first = primary)
        self.no_extra = bool(raw)


def render(ev: Ev, style: str) -> str:
    obj = ev.obj
    if style in ("compact", "ascii", "slash"):
        t = json.dumps(obj, ensure_ascii=(style == "ascii"), separators=(",", ":"))
    elif style == "spaced":
        t = json.dumps(obj, ensure_ascii=False)
    elif style == "pretty2":
        t = json.dumps(obj, ensure_ascii=False, indent=2)
    elif style == "pretty4":
        t = json.dumps(obj, ensure_ascii=False, indent=4)
    elif style == "pretty2ascii":
        t = json.dumps(obj, ensure_ascii=True, indent=2)
    elif style == "oddws":  # legal JSON whitespace (spaces, tabs) around every token, one line
        t = json.dumps(obj, ensure_ascii=False, separators=(" ,\t", "\t:  "))
    elif style == "prettytab":
        t = json.dumps(obj, ensure_ascii=False, indent="\t", separators=(" ,", " : "))
    else:
        raise ValueError(style)
    if style == "slash":
        # every '/' of a JSON text is inside a string; raw tokens are substituted afterwards so
        # that an existing "\/" is not doubled.
        t = t.replace("/", "\\/")
    for ph, raw in ev.raw.items():
        assert t.count(ph) == 1, (ph, ev.trap)
        t = t.replace(ph, raw)
    assert "@@" not in t, ev.trap
    return t


COMPACT_STYLES = ["compact", "compact", "compact", "ascii", "slash", "spaced", "oddws"]
PRETTY_STYLES = ["pretty2", "pretty2", "pretty4", "pretty2ascii", "prettytab"]


def guid(rng, lower=False):
    h = "%032X" % rng.getrandbits(128)
    s = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return s.lower() if lower else s


def random_eid(rng):
    r = rng.random()
    if r < 0.75:
        return guid(rng)
    if r < 0.85:
        return guid(rng, lower=True)
    if r < 0.95:
        return "%024X" % rng.getrandbits(96)
    return f"1.167_{rng.randrange(10**12, 10**13)}_{rng.randrange(1000, 9999)}"


def pick_source(rng):
    r = rng.random()
    if r < 0.55:
        return SOURCE_ROWS[0]
    if r < 0.75:
        return SOURCE_ROWS[1]
    if r < 0.85:
        return SOURCE_ROWS[9]
    return rng.choice(SOURCE_ROWS)


def key_type(key):
    if key.startswith("STS.") or key.startswith("TMP."):
        return "assumed-role"
    return "ram-user"


def make_obj(rng, key, svc, ts, *, eid=None, row=None, time_text=None, big=False, account="1047585191180000",
             extra=None):
    """A realistic event object (insertion order = member order).  Returns (obj, eid, source)."""
    cat, typ, src = row if row is not None else pick_source(rng)
    eid = eid if eid is not None else random_eid(rng)
    time_text = time_text if time_text is not None else random_time_text(rng, ts)
    region = rng.choice(REGIONS)
    ui = {"type": key_type(key) if isinstance(key, str) and key else "root-account",
          "principalId": str(rng.randrange(10**15, 10**16))}
    if rng.random() < 0.5:
        ui["accountId"] = account
    if key is not ABSENT:
        ui["accessKeyId"] = key
    ui["userName"] = rng.choice(["alice", "bob", "ci-runner", rng.choice(CHINESE), "deploy\\bot", "ops/team"])
    if rng.random() < 0.2:
        ui["sessionContext"] = {"attributes": {"creationDate": time_text, "mfaAuthenticated": "false"}}
    params = {"RegionId": region, "PageSize": rng.choice([10, 50, 100]), "Description": rng.choice(CHINESE),
              "Path": "/var/log/\"quoted\"/" + str(rng.randrange(1000))}
    if rng.random() < 0.3:
        params["Tags"] = [{"Key": "env", "Value": rng.choice(["prod", "测试", "a\"b\\c"])}]
    ev = {}
    fields = [
        ("eventId", eid),
        ("eventVersion", rng.choice([1, "1"])),
        ("eventSource", f"{svc.lower()}.{region}.aliyuncs.com"),
        ("requestParameters", params),
        ("sourceIpAddress", rng.choice(["10.10.%d.%d" % (rng.randrange(256), rng.randrange(256)),
                                        "192.168.XX.XX", "Internal", "2408:4005::1"])),
        ("userAgent", rng.choice(["aliyun-sdk-java/4.5.0 Java/1.8.0_152 (Linux)", "AliyunConsole",
                                  "Terraform/1.5.7 (+https://www.terraform.io)", ""])),
        ("eventRW", rng.choice(["Read", "Write"])),
    ]
    if typ is not ABSENT:
        fields.append(("eventType", typ))
    if cat is not ABSENT:
        fields.append(("eventCategory", cat))
    fields += [
        ("userIdentity", ui),
        ("serviceName", svc),
        ("apiVersion", rng.choice(["2014-05-26", "2016-01-20", "*"])),
        ("requestId", guid(rng)),
        ("eventTime", time_text),
        ("isGlobal", rng.random() < 0.1),
        ("acsRegion", region),
        ("eventName", rng.choice(EVENT_NAMES.get(svc, ["Describe" + svc.capitalize(), "Create", "Renew"]))),
    ]
    if rng.random() < 0.4:
        fields.append(("referencedResources", {"ACS::ECS::Instance": ["i-bp1%012x" % rng.getrandbits(48)]}))
        fields.append(("resourceName", "i-a,i-b;sg-c"))
    if rng.random() < 0.3:
        fields.append(("additionalEventData", {"CallerBid": "26842", "Scheme": "https"}))
    if rng.random() < 0.5:
        fields += [("errorCode", ""), ("errorMessage", "")]
    if big:
        inst = []
        size = 0
        while size < 100_000:
            n = len(inst)
            inst.append({"InstanceId": "i-%016x" % rng.getrandbits(64), "InstanceName": f"实例-{n}",
                         "Description": "big payload row %d with escapes \" \\ / \t" % n,
                         "PrivateIp": "172.16.%d.%d" % (n // 256 % 256, n % 256),
                         "Tags": {"owner": "ops", "cost-center": "cc-%04d" % n}})
            size += len(json.dumps(inst[-1]))
        fields.append(("responseElements", {"Instances": {"Instance": inst}, "TotalCount": len(inst)}))
    if extra:
        fields += list(extra)
    # shuffle a little: sometimes eventTime / serviceName first (scanners must not rely on order)
    if rng.random() < 0.25:
        rng.shuffle(fields)
    for k, v in fields:
        ev[k] = v
    return ev, eid, src


def ok_ev(rng, key, svc, ts, trap="random", **kw):
    kinds = kw.pop("kinds", None)
    obj, eid, src = make_obj(rng, key, svc, ts, **kw)
    return Ev(obj, ("ok", key, svc, ts, eid, src), trap, kinds=kinds)


# ---------------------------------------------------------------------------------------------
# keys


def build_keys(rng):
    def ltai(n=18, prefix="LTAI5t"):
        return prefix + "".join(rng.choice(ALNUM) for _ in range(n))

    k = {}
    for i in range(16):
        k[f"R{i:02d}"] = ltai()
    k["MASK"] = "LTAI4Fz1ykT4qxgNMvN6****"
    k["LEGACY"] = "".join(rng.choice(ALNUM) for _ in range(16))
    k["STS1"] = "STS." + "".join(rng.choice(ALNUM) for _ in range(54))
    k["STS2"] = "STS.NT" + "".join(rng.choice(ALNUM) for _ in range(22))
    k["TMP"] = "TMP.3K" + "".join(rng.choice(ALNUM) for _ in range(40))
    twin = ltai(12, "LTAI5tTwin")
    k["TWIN_LO"] = twin + "abcd"
    k["TWIN_UP"] = twin + "ABCD"
    k["SLASH"] = "LTAI5t/Slash+Key=" + ltai(6, "")
    k["QUOTE"] = 'LTAI5tQuote"Back\\Slash' + ltai(4, "")
    k["LONG"] = "LTAI5tLong" + "".join(rng.choice(ALNUM) for _ in range(118))
    assert len(k["LONG"]) == 128
    k["LOOK"] = "LTAI5tLookAlikeOnly" + ltai(5, "")
    k["OLD"] = ltai(18, "LTAI5tOld")
    k["PASCAL"] = ltai(14, "LTAI5tPascal")
    k["ORD"] = ltai(14, "LTAI5tOrder")
    k["WIN"] = ltai(14, "LTAI5tWindow")
    k["SRC"] = ltai(14, "LTAI5tSource")
    k["TIE"] = ltai(14, "LTAI5tTie")
    k["ESC"] = ltai(14, "LTAI5tEsc")
    assert len(set(k.values())) == len(k)
    return k


def u_escape(s: str, every: int = 1) -> str:
    """JSON string literal for s with ASCII letters written as \\uXXXX (every n-th one)."""
    out = []
    for i, ch in enumerate(s):
        if ch.isalpha() and ch.isascii() and i % every == 0:
            out.append("\\u%04X" % ord(ch) if i % 2 else "\\u%04x" % ord(ch))
        elif ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "/":
            out.append("\\/")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


# ---------------------------------------------------------------------------------------------
# the events


class Plan:
    def __init__(self, rng, keys):
        self.rng = rng
        self.keys = keys
        self.events: list[Ev] = []
        self.checks: list[dict] = []  # labelled trap expectations
        self.rawn = 0

    def ph(self, ev_raw: dict, raw_text: str) -> str:
        """Register a raw-text placeholder and return the bare token to put in the object."""
        self.rawn += 1
        token = f"@@R{self.rawn}@@"
        ev_raw[f'"{token}"'] = raw_text
        return token

    def add(self, ev):
        self.events.append(ev)
        return ev

    def check(self, trap, kind, **kw):
        self.checks.append(dict(trap=trap, check=kind, **kw))


def random_events(plan: Plan):
    rng, K = plan.rng, plan.keys
    regular = [n for n in K if n.startswith("R")] + ["MASK", "LEGACY", "STS1", "STS2", "TMP", "TWIN_LO",
                                                     "TWIN_UP", "SLASH", "QUOTE", "LONG", "ESC"]
    for name in regular:
        key = K[name]
        svcs = rng.sample(SERVICE_POOL, rng.randrange(4, 13))
        for svc in svcs:
            for _ in range(rng.randrange(1, 30)):
                ts = rng.randrange(LATEST - 760 * DAY, RANDOM_MAX)
                r = rng.random()
                if r < 0.3:
                    ts -= ts % 1000
                elif r < 0.4:
                    ts -= ts % 100
                plan.add(ok_ev(rng, key, svc, ts))
    # KOLD: everything older than the window of both as-of values
    for svc in rng.sample(SERVICE_POOL, 5):
        for _ in range(rng.randrange(2, 8)):
            ts = rng.randrange(LATEST - 900 * DAY, LATEST - WINDOW - DAY)
            plan.add(ok_ev(rng, K["OLD"], svc, ts, trap="window_old"))
    plan.check("window_old", "empty", key=K["OLD"], asof="both")
    # console noise without an AccessKey (absent, empty, null), at random times
    for i in range(160):
        ts = rng.randrange(LATEST - 500 * DAY, RANDOM_MAX)
        which = i % 3
        obj, _, _ = make_obj(rng, ABSENT if which == 0 else ("" if which == 1 else None),
                             rng.choice(["AasSub", "AasCustomer", "Ecs"]), ts,
                             row=(ABSENT, "ConsoleSignin", "x"))
        plan.add(Ev(obj, ("skip", "no_key"), "no_key_console"))
    # events with a key but without serviceName
    for i in range(25):
        key = K[f"R{i % 16:02d}"]
        ts = rng.randrange(LATEST - 300 * DAY, RANDOM_MAX)
        obj, _, _ = make_obj(rng, key, "Ecs", ts)
        del obj["serviceName"]
        plan.add(Ev(obj, ("skip", "no_service"), "no_service"))


def trap_events(plan: Plan):
    rng, K = plan.rng, plan.keys
    T0 = TRAP_T0
    H = 20 * 60_000  # trap time unit: traps use T0 + k*H for k <= 60, all before LATEST

    # -- 1. look-alike members at other depths ------------------------------------------------
    look = K["LOOK"]
    obj, eid, src = make_obj(rng, K["R00"], "Ram", T0 + 1 * H, row=SOURCE_ROWS[0], extra=[
        ("responseElements", {"AccessKey": {"AccessKeyId": look, "AccessKeySecret": "****", "Status": "Active"},
                              "accessKeyId": look})])
    obj = {"additionalEventData": {"serviceName": "FakeSvcNested", "eventTime": fmt_time(LATEST - 60_000),
                                   "accessKeyId": look},
           "requestParameters": {"accessKeyId": look, "AccessKeyId": look,
                                 "userIdentity": {"accessKeyId": look, "type": "ram-user"},
                                 "UserIdentity": {"AccessKeyId": look}},
           **{k: v for k, v in obj.items() if k not in ("additionalEventData", "requestParameters")}}
    plan.add(Ev(obj, ("ok", K["R00"], "Ram", T0 + 1 * H, eid, src), "lookalike_depth",
                kinds=["oss_compact_gz", "sls_lines_gz", "lookup"]))
    plan.check("lookalike_depth", "winner", key=K["R00"], service="Ram", ts=T0 + 1 * H, eventId=eid)
    plan.check("lookalike_depth", "empty", key=look, asof="both")
    plan.check("lookalike_depth", "service_absent", service="FakeSvcNested")
    # top-level accessKeyId, identity without one
    obj, _, _ = make_obj(rng, ABSENT, "AasCustomer", T0 + 2 * H, row=(ABSENT, "ConsoleSignin", "x"))
    obj["accessKeyId"] = look
    plan.add(Ev(obj, ("skip", "no_key"), "lookalike_toplevel", kinds=["jsonl_plain", "single"]))
    # no userIdentity at all; request parameters carry a key
    obj, _, _ = make_obj(rng, look, "Ram", T0 + 3 * H)
    del obj["userIdentity"]
    obj["requestParameters"]["AccessKeyId"] = look
    plan.add(Ev(obj, ("skip", "no_key"), "lookalike_no_identity", kinds=["oss_pretty_gz"]))
    # key one level too deep inside userIdentity
    obj, _, _ = make_obj(rng, ABSENT, "Oss", T0 + 4 * H)
    obj["userIdentity"]["sessionContext"] = {"accessKeyId": look, "attributes": {"mfaAuthenticated": "false"}}
    plan.add(Ev(obj, ("skip", "no_key"), "lookalike_identity_deep", kinds=["sls_array"]))
    # key present, serviceName only nested
    obj, _, _ = make_obj(rng, K["R00"], "Ecs", T0 + 5 * H)
    del obj["serviceName"]
    obj["additionalEventData"] = {"serviceName": "Ecs", "ServiceName": "Ecs"}
    plan.add(Ev(obj, ("skip", "no_service"), "lookalike_nested_service", kinds=["oss_compact_gz", "api_events"]))
    # eventTime only nested
    obj, _, _ = make_obj(rng, K["R00"], "Vpc", T0 + 6 * H)
    t = obj.pop("eventTime")
    obj["additionalEventData"] = {"eventTime": t, "EventTime": t}
    plan.add(Ev(obj, ("skip", "bad_time"), "lookalike_nested_time", kinds=["jsonl_gz"]))
    # nested objects that look like whole events
    obj, eid, src = make_obj(rng, K["R01"], "Ecs", T0 + 7 * H, row=SOURCE_ROWS[1], extra=[
        ("responseElements", {"Users": [{"userIdentity": {"accessKeyId": look}, "serviceName": "Nested",
                                         "eventTime": fmt_time(LATEST - 1000), "eventId": "ZZZZ"}]})])
    plan.add(Ev(obj, ("ok", K["R01"], "Ecs", T0 + 7 * H, eid, src), "lookalike_nested_event",
                kinds=["oss_pretty_plain", "api_products"]))
    plan.check("lookalike_nested_event", "winner", key=K["R01"], service="Ecs", ts=T0 + 7 * H, eventId=eid)
    plan.check("lookalike_nested_event", "service_absent", service="Nested")

    # -- 2. PascalCase ----------------------------------------------------------------------------
    kp = K["PASCAL"]
    t1 = T0 + 8 * H + 250
    p1 = {"EventId": guid(rng), "EventVersion": 1, "EventSource": "ecs.cn-hangzhou.aliyuncs.com",
          "SourceIpAddress": "10.1.2.3", "EventType": "ApiCall",
          "UserIdentity": {"Type": "ram-user", "PrincipalId": "2454942900362500", "AccessKeyId": kp,
                           "UserName": "pascal"},
          "ServiceName": "Ecs", "RequestId": guid(rng), "EventTime": fmt_time(t1, 3, "+08:00"),
          "AcsRegion": "cn-hangzhou", "EventName": "DescribeInstances"}
    plan.add(Ev(p1, ("ok", kp, "Ecs", t1, p1["EventId"], "ManagementEvent"), "pascal_only",
                kinds=["jsonl_plain", "single", "sls_lines_gz"]))
    plan.check("pascal_only", "winner", key=kp, service="Ecs", ts=t1, eventId=p1["EventId"], source="ManagementEvent")
    # both spellings: camelCase wins for every field (PascalCase written first)
    t2 = T0 + 9 * H
    eid2 = "B" + guid(rng)[1:]
    p2 = {"ServiceName": "Rds", "EventTime": fmt_time(t2 + H), "EventId": "Z" + guid(rng)[1:],
          "UserIdentity": {"AccessKeyId": K["R05"], "Type": "ram-user"}, "EventCategory": "Management",
          "eventId": eid2, "eventCategory": "Data", "eventType": "ApiCall",
          "userIdentity": {"accessKeyId": kp, "type": "ram-user", "userName": "pascal"},
          "serviceName": "Oss", "eventTime": fmt_time(t2, 0, "Z"), "eventName": "GetObject"}
    plan.add(Ev(p2, ("ok", kp, "Oss", t2, eid2, "DataEvent"), "pascal_camel_wins",
                kinds=["oss_compact_gz", "api_products", "bundle"]))
    plan.check("pascal_camel_wins", "winner", key=kp, service="Oss", ts=t2, eventId=eid2, source="DataEvent")
    plan.check("pascal_camel_wins", "absent", key=kp, service="Rds")
    # inside userIdentity both spellings, PascalCase first
    t3 = T0 + 10 * H
    p3, eid3, src3 = make_obj(rng, kp, "Sts", t3)
    p3["userIdentity"] = {"AccessKeyId": K["R06"], **p3["userIdentity"]}
    plan.add(Ev(p3, ("ok", kp, "Sts", t3, eid3, src3), "pascal_identity_both", kinds=["lookup", "sls_array"]))
    plan.check("pascal_identity_both", "winner", key=kp, service="Sts", ts=t3, eventId=eid3)
    # PascalCase identity with camel fields elsewhere (common half-converted export)
    t4 = T0 + 11 * H
    p4, eid4, src4 = make_obj(rng, kp, "Ram", t4)
    ui = p4.pop("userIdentity")
    p4["UserIdentity"] = {"Type": ui["type"], "AccessKeyId": kp}
    plan.add(Ev(p4, ("ok", kp, "Ram", t4, eid4, src4), "pascal_identity_only", kinds=["api_events", "jsonl_gz"]))

    # -- 3. duplicate member names: the last one wins ---------------------------------------------
    r2 = K["R02"]
    td = T0 + 12 * H
    raw = {}
    obj, eid, src = make_obj(rng, r2, "Cdn", td)
    tok = plan.ph(raw, '"serviceName"')
    obj = {tok: "DupDecoy", **obj}
    plan.add(Ev(obj, ("ok", r2, "Cdn", td, eid, src), "dupkey_service", raw=raw,
                kinds=["single", "sls_lines_gz", "oss_compact_gz"]))
    plan.check("dupkey_service", "winner", key=r2, service="Cdn", ts=td, eventId=eid)
    plan.check("dupkey_service", "service_absent", service="DupDecoy")
    raw = {}
    td2 = T0 + 13 * H + 5
    obj, eid, src = make_obj(rng, r2, "Kms", td2)
    tok = plan.ph(raw, '"eventTime"')
    tok2 = plan.ph(raw, '"userIdentity"')
    obj = {tok: fmt_time(LATEST - 5000), tok2: {"accessKeyId": K["R07"], "type": "ram-user"}, **obj}
    obj["eventTime"] = obj.pop("eventTime")  # real one last
    obj["userIdentity"] = obj.pop("userIdentity")
    plan.add(Ev(obj, ("ok", r2, "Kms", td2, eid, src), "dupkey_time_identity", raw=raw,
                kinds=["oss_pretty_gz", "api_products"]))
    plan.check("dupkey_time_identity", "winner", key=r2, service="Kms", ts=td2, eventId=eid)
    raw = {}
    td3 = T0 + 14 * H
    obj, eid, src = make_obj(rng, r2, "Slb", td3)
    ui = obj["userIdentity"]
    tok = plan.ph(raw, '"accessKeyId"')
    obj["userIdentity"] = {tok: K["R08"], **ui}
    plan.add(Ev(obj, ("ok", r2, "Slb", td3, eid, src), "dupkey_in_identity", raw=raw, kinds=["jsonl_plain", "bundle"]))

    # -- 4. ties on eventTime ------------------------------------------------------------------------
    kt = K["TIE"]
    T = T0 + 15 * H + 321
    lo, up = guid(rng, lower=True), None
    up = lo.upper()
    for e, trap in ((up, "tie_case_upper"), (lo, "tie_case_lower")):
        obj, _, src = make_obj(rng, kt, "Ecs", T, eid=e, row=SOURCE_ROWS[0])
        plan.add(Ev(obj, ("ok", kt, "Ecs", T, e, src), trap))
    plan.check("tie_eventid_case", "winner", key=kt, service="Ecs", ts=T, eventId=lo)
    for e in ("A-1", "A-10", "A-2"):
        obj, _, src = make_obj(rng, kt, "Rds", T, eid=e, row=SOURCE_ROWS[0])
        plan.add(Ev(obj, ("ok", kt, "Rds", T, e, src), "tie_eventid_bytes"))
    plan.check("tie_eventid_bytes", "winner", key=kt, service="Rds", ts=T, eventId="A-2")
    # truncation, not rounding: .1239 and .123 tie (C wins by id); .1229999 is .122 and loses
    Ts = (T0 + 16 * H) // 1000 * 1000
    for frac_text, e, ts in ((".1239", "B-trunc", Ts + 123), (".123", "C-trunc", Ts + 123),
                             (".1229999", "Z-earlier", Ts + 122)):
        tt = fmt_time(Ts, 0, "Z")[:-1] + frac_text + "Z"
        obj, _, src = make_obj(rng, kt, "Oss", ts, eid=e, time_text=tt, row=SOURCE_ROWS[9])
        plan.add(Ev(obj, ("ok", kt, "Oss", ts, e, src), "tie_truncation"))
    plan.check("tie_truncation", "winner", key=kt, service="Oss", ts=Ts + 123, eventId="C-trunc")
    # one instant, four spellings of the offset; X3 (+0000) has the greatest id
    Ti = (T0 + 17 * H) // 1000 * 1000 + 500
    for off, e, digits in (("+08:00", "X1", 3), ("Z", "X2", 1), ("-03:30", "X0", 6), ("+0000", "X3", 3)):
        obj, _, src = make_obj(rng, kt, "Ram", Ti, eid=e, time_text=fmt_time(Ti, digits, off))
        plan.add(Ev(obj, ("ok", kt, "Ram", Ti, e, src), "tie_offsets"))
    plan.check("tie_offsets", "winner", key=kt, service="Ram", ts=Ti, eventId="X3")
    # .999999999 stays in its second; the next second's event wins despite a smaller id
    Tn = (T0 + 18 * H) // 1000 * 1000
    obj, _, src = make_obj(rng, kt, "Sts", Tn + 999, eid="A", time_text=fmt_time(Tn + 999, 9, "Z", "999999"))
    plan.add(Ev(obj, ("ok", kt, "Sts", Tn + 999, "A", src), "tie_nines"))
    obj, _, src = make_obj(rng, kt, "Sts", Tn + 1000, eid="0", time_text=fmt_time(Tn + 1000, 0, "+08:00"))
    plan.add(Ev(obj, ("ok", kt, "Sts", Tn + 1000, "0", src), "tie_nines"))
    plan.check("tie_nines", "winner", key=kt, service="Sts", ts=Tn + 1000, eventId="0")
    # ids compared as UTF-8 bytes: U+1F600 (F0 ..) > U+FF21 (EF ..), though UTF-16 says otherwise
    Tu = T0 + 19 * H
    for e in ("evt-\uff21", "evt-\U0001F600", "evt-z"):
        obj, _, src = make_obj(rng, kt, "Vpc", Tu, eid=e)
        plan.add(Ev(obj, ("ok", kt, "Vpc", Tu, e, src), "tie_eventid_utf8"))
    plan.check("tie_eventid_utf8", "winner", key=kt, service="Vpc", ts=Tu, eventId="evt-\U0001F600")
    # the same event delivered in many shapes: greatest Detail bytes wins
    Tm = T0 + 20 * H
    obj, eid, src = make_obj(rng, kt, "Cms", Tm)
    plan.add(Ev(obj, ("ok", kt, "Cms", Tm, eid, src), "dup_many_shapes",
                kinds=["oss_compact_gz", "oss_pretty_gz", "sls_lines_gz", "lookup", "api_products", "jsonl_plain",
                       "bundle", "multimember", "single", "api_events", "sls_array", "weird"]))
    plan.check("dup_many_shapes", "winner", key=kt, service="Cms", ts=Tm, eventId=eid)

    # -- 5. unparseable times (all newer than the key's real events: accepting one changes answers)
    r4 = K["R04"]
    tg = T0 + 21 * H
    good, geid, gsrc = make_obj(rng, r4, "Ecs", tg)
    plan.add(Ev(good, ("ok", r4, "Ecs", tg, geid, gsrc), "bad_time_baseline"))
    plan.check("bad_time", "winner", key=r4, service="Ecs", ts=tg, eventId=geid)
    bad_texts = [
        fmt_time(T0 + 22 * H)[:-1],                       # no offset
        fmt_time(T0 + 22 * H + 123, 3)[:-1],              # fraction, no offset
        fmt_time((LATEST + 10 * DAY) // 1000 * 1000, 0)[:-1],  # no offset, after LATEST
        "2016-12-31T23:59:60Z",                           # real leap second
        fmt_time(T0 + 22 * H, 0, "Z")[:17] + "60+08:00",  # second 60 with offset
        "2025-13-01T00:00:00Z",                           # month 13
        None,                                             # null
        "",                                               # empty
        ABSENT,                                           # missing
    ]
    for i, bt in enumerate(bad_texts):
        obj, _, _ = make_obj(rng, r4, "Ecs", tg + (i + 1) * 1000)
        if bt is ABSENT:
            del obj["eventTime"]
        else:
            obj["eventTime"] = bt
        plan.add(Ev(obj, ("skip", "bad_time"), "bad_time", kinds=[["jsonl_plain", "oss_compact_gz", "sls_lines_gz",
                                                                   "lookup", "single"][i % 5]]))

    # -- 6. skipped events that are newer than LATEST must not move "latest"
    obj, _, _ = make_obj(rng, ABSENT, "AasSub", LATEST + 5 * DAY, row=(ABSENT, "ConsoleSignin", "x"))
    plan.add(Ev(obj, ("skip", "no_key"), "latest_ignores_skipped", kinds=["oss_compact_gz"]))
    obj, _, _ = make_obj(rng, "", "Ecs", LATEST + 4 * DAY)
    plan.add(Ev(obj, ("skip", "no_key"), "latest_ignores_skipped", kinds=["jsonl_plain"]))
    obj, _, _ = make_obj(rng, K["R03"], "Ecs", LATEST + 3 * DAY)
    del obj["serviceName"]
    plan.add(Ev(obj, ("skip", "no_service"), "latest_ignores_skipped", kinds=["sls_lines_gz"]))

    # -- 7. escapes --------------------------------------------------------------------------------
    ke = K["ESC"]
    te = T0 + 23 * H
    raw = {}
    obj, eid, src = make_obj(rng, ke, "Ecs", te, row=SOURCE_ROWS[0])
    obj["userIdentity"]["accessKeyId"] = plan.ph(raw, u_escape(ke))
    obj["serviceName"] = plan.ph(raw, '"\\u0045cs"')
    obj["requestParameters"]["Note"] = plan.ph(raw, '"quote \\" backslash \\\\ slash \\/ tab \\t '
                                                    'nl \\n \\u6d4b\\u8bd5 \\ud83d\\ude00 raw 测试"')
    plan.add(Ev(obj, ("ok", ke, "Ecs", te, eid, src), "escape_key_service", raw=raw,
                kinds=["oss_compact_gz", "sls_lines_gz", "api_products"]))
    plan.check("escape_key_service", "winner", key=ke, service="Ecs", ts=te, eventId=eid)
    raw = {}
    obj, eid, src = make_obj(rng, ke, "Rds", te + H)
    obj["userIdentity"]["accessKeyId"] = plan.ph(raw, u_escape(ke, every=3))
    plan.add(Ev(obj, ("ok", ke, "Rds", te + H, eid, src), "escape_key_partial", raw=raw, kinds=["jsonl_gz", "lookup"]))
    ks = K["SLASH"]
    raw = {}
    obj, eid, src = make_obj(rng, ks, "Oss", te + 2 * H)
    obj["userIdentity"]["accessKeyId"] = plan.ph(raw, '"' + ks.replace("/", "\\/") + '"')
    plan.add(Ev(obj, ("ok", ks, "Oss", te + 2 * H, eid, src), "escape_slash_key", raw=raw,
                kinds=["oss_pretty_gz", "sls_array"]))
    plan.check("escape_slash_key", "winner", key=ks, service="Oss", ts=te + 2 * H, eventId=eid)
    kq = K["QUOTE"]
    raw = {}
    obj, eid, src = make_obj(rng, kq, "Ram", te + 3 * H)
    obj["userIdentity"]["accessKeyId"] = plan.ph(raw, '"' + kq.replace("\\", "\\u005C").replace('"', "\\u0022") + '"')
    plan.add(Ev(obj, ("ok", kq, "Ram", te + 3 * H, eid, src), "escape_quote_key", raw=raw, kinds=["single", "jsonl_plain"]))
    plan.check("escape_quote_key", "winner", key=kq, service="Ram", ts=te + 3 * H, eventId=eid)

    # -- 8. big payloads (~100 KB events) as the winners of their (key, service) ------------------
    for i, kind in enumerate(["oss_compact_gz", "sls_lines_gz", "jsonl_gz", "oss_pretty_gz", "api_products"]):
        key = K[f"R{9 + i:02d}"]
        tb = T0 + (24 + i) * H
        obj, eid, src = make_obj(rng, key, "Oss", tb, big=True)
        plan.add(Ev(obj, ("ok", key, "Oss", tb, eid, src), "big_payload", kinds=[kind]))
        plan.check("big_payload", "winner", key=key, service="Oss", ts=tb, eventId=eid)

    # -- 9. service name byte order at one timestamp ------------------------------------------------
    ko = K["ORD"]
    To = T0 + 30 * H
    for svc in ["Cms", "ecs", "Cdn", "CS", "Ecs", "fc", "SOFA", "AasSub", "Caf\u00e9", "Cafe\u0301", "ZzNotInCatalog",
                "ecS", "_under", "a"]:
        plan.add(ok_ev(rng, ko, svc, To, trap="order_bytes", time_text=fmt_time(To, 3, rng.choice(["Z", "+08:00"]))))
    for svc, dt in (("Oss", -H), ("Ram", -2 * H), ("Vpc", +H)):
        plan.add(ok_ev(rng, ko, svc, To + dt, trap="order_bytes"))
    plan.check("order_bytes", "order", key=ko)

    # -- 10. window edges ------------------------------------------------------------------------
    kw = K["WIN"]
    edges = [
        ("Ecs", LATEST, fmt_time(LATEST, 3, "+08:00"), "newest indexed event (LATEST)"),
        ("Oss", LATEST - WINDOW, fmt_time(LATEST - WINDOW, 3, "+08:00"), "in at LATEST (exact lower edge)"),
        ("Ram", LATEST - WINDOW - 1, fmt_time(LATEST - WINDOW - 1, 9, "Z", "999999"), "out at LATEST (1 ms)"),
        ("Rds", LATEST - WINDOW + 1, fmt_time(LATEST - WINDOW + 1, 4, "+0000", "0"), "in at LATEST (+1 ms)"),
        ("Sts", FUTURE - WINDOW, fmt_time(FUTURE - WINDOW, 3, "-03:30"), "in at FUTURE (exact edge)"),
        ("Slb", FUTURE - WINDOW - 1, fmt_time(FUTURE - WINDOW - 1, 3, "Z"), "out at FUTURE (1 ms)"),
        ("Cms", LATEST - 800 * DAY, None, "out at both"),
        ("Kms", LATEST - 35 * DAY, None, "inside both 400-day windows, outside a 30-day one"),
    ]
    for svc, ts, tt, note in edges:
        ev = ok_ev(rng, kw, svc, ts, trap="window_edge", time_text=tt,
                   kinds=["oss_compact_gz", "sls_lines_gz"] if svc == "Ecs" else None)
        plan.add(ev)
        plan.check("window_edge", "window", key=kw, service=svc, ts=ts, note=note)
    # a few older events for the same services (must never resurface when the newest is outside)
    for svc, ts, _, _ in edges:
        plan.add(ok_ev(rng, kw, svc, ts - rng.randrange(DAY, 30 * DAY), trap="window_edge_older"))

    # -- 11. Source rule, one service per row ------------------------------------------------------
    kr = K["SRC"]
    svcs = ["Ecs", "Oss", "Ram", "Rds", "Slb", "Vpc", "Kms", "Cms", "Cdn", "CS", "Sts", "Actiontrail",
            "PrivateZone", "polardb", "Ess", "SOFA", "FC", "alikafka", "Alidns"]
    for i, row in enumerate(SOURCE_ROWS):
        svc = svcs[i]
        ts = T0 + (31 + i) * H
        obj, eid, src = make_obj(rng, kr, svc, ts, row=row)
        plan.add(Ev(obj, ("ok", kr, svc, ts, eid, src), "source_rule"))
        plan.check("source_rule", "winner", key=kr, service=svc, ts=ts, eventId=eid, source=src)
    # PascalCase Source fields
    ts = T0 + 51 * H
    obj = {"EventId": guid(rng), "EventCategory": "Data", "EventType": "ApiCall",
           "UserIdentity": {"AccessKeyId": kr}, "ServiceName": "Ecs" + "Pascal", "EventTime": fmt_time(ts)}
    plan.add(Ev(obj, ("ok", kr, "EcsPascal", ts, obj["EventId"], "DataEvent"), "source_pascal"))

    # -- 12. case twins, long key, masked key, STS keys: winners placed explicitly ----------------
    for name, svc, dh in (("TWIN_LO", "Ecs", 52), ("TWIN_UP", "Ecs", 53), ("LONG", "Ram", 54), ("MASK", "Oss", 55),
                          ("STS1", "Oss", 56), ("STS2", "Sts", 57), ("TMP", "Ecs", 58), ("LEGACY", "Rds", 59)):
        ts = T0 + dh * H
        ev = ok_ev(rng, K[name], svc, ts, trap="key_shapes")
        plan.add(ev)
        plan.check("key_shapes", "winner", key=K[name], service=svc, ts=ts, eventId=ev.intent[4])
    # -- 13. SLS copy with extra members (same id/time, different text) -------------------------
    ts = T0 + 60 * H
    ev = ok_ev(rng, K["R12"], "Ecs", ts, trap="dup_different_text",
               kinds=["oss_compact_gz", "sls_lines_gz", "sls_array", "oss_pretty_gz"])
    plan.add(ev)
    plan.check("dup_different_text", "winner", key=K["R12"], service="Ecs", ts=ts, eventId=ev.intent[4])


def more_traps(plan: Plan):
    rng, K = plan.rng, plan.keys
    T0 = TRAP_T0
    H = 20 * 60_000

    def renamed(obj, names):
        return {names.get(k, k): v for k, v in obj.items()}

    # -- 14. member names written with escapes are the same names (JSON compares unescaped text)
    r13 = K["R13"]
    tx = T0 + 61 * H
    raw = {}
    obj, eid, _ = make_obj(rng, r13, "Ecs", tx, row=SOURCE_ROWS[9])
    obj["userIdentity"] = renamed(obj["userIdentity"], {"accessKeyId": plan.ph(raw, '"access\\u004BeyId"')})
    obj = renamed(obj, {"serviceName": plan.ph(raw, '"service\\u004eame"'),
                        "userIdentity": plan.ph(raw, '"user\\u0049dentity"'),
                        "eventTime": plan.ph(raw, '"event\\u0054ime"'),
                        "eventCategory": plan.ph(raw, '"event\\u0043ategory"')})
    plan.add(Ev(obj, ("ok", r13, "Ecs", tx, eid, "DataEvent"), "escaped_member_names", raw=raw,
                kinds=["oss_compact_gz", "sls_lines_gz", "single"]))
    plan.check("escaped_member_names", "winner", key=r13, service="Ecs", ts=tx, eventId=eid, source="DataEvent")
    raw = {}
    obj, eid, src = make_obj(rng, r13, "Cdn", tx + H)
    tok = plan.ph(raw, '"service\\u004Eame"')
    obj = {"serviceName": "DupDecoy2", **{k: v for k, v in obj.items() if k != "serviceName"}, tok: "Cdn"}
    plan.add(Ev(obj, ("ok", r13, "Cdn", tx + H, eid, src), "escaped_member_dup", raw=raw, kinds=["jsonl_plain", "lookup"]))
    plan.check("escaped_member_dup", "winner", key=r13, service="Cdn", ts=tx + H, eventId=eid)
    plan.check("escaped_member_dup", "service_absent", service="DupDecoy2")
    # escaped eventTime text
    raw = {}
    ts = tx + 2 * H + 123
    tt = fmt_time(ts, 3, "Z").replace("T", "\\u0054").replace(".", "\\u002e").replace("Z", "\\u005a")
    obj, eid, src = make_obj(rng, r13, "Rds", ts)
    obj["eventTime"] = plan.ph(raw, '"' + tt + '"')
    plan.add(Ev(obj, ("ok", r13, "Rds", ts, eid, src), "escaped_event_time", raw=raw, kinds=["oss_pretty_gz", "api_events"]))
    plan.check("escaped_event_time", "winner", key=r13, service="Rds", ts=ts, eventId=eid)
    # tie on time; ids compared unescaped: "evt-~" (written evt-\u007e) > "evt-a", though raw "\" < "a"
    kt = K["TIE"]
    Tt = T0 + 62 * H
    for raw_id, e in (('"evt-\\u007e"', "evt-~"), ('"evt-a"', "evt-a")):
        raw = {}
        obj, _, src = make_obj(rng, kt, "Kms", Tt, eid="placeholder")
        obj["eventId"] = plan.ph(raw, raw_id)
        plan.add(Ev(obj, ("ok", kt, "Kms", Tt, e, src), "tie_eventid_escaped", raw=raw))
    plan.check("tie_eventid_escaped", "winner", key=kt, service="Kms", ts=Tt, eventId="evt-~")

    # -- 15. JSON that is valid but unusual: extreme numbers, every escape, raw U+2028, DEL, emoji
    r14 = K["R14"]
    tn = T0 + 63 * H
    raw = {}
    obj, eid, src = make_obj(rng, r14, "Ecs", tn)
    rp = obj["requestParameters"]
    for name, lit in (("Big", "123456789012345678901234567890"), ("Huge", "1E400"), ("NegZero", "-0.0e-0"),
                      ("Exp", "1.5E+3"), ("Tiny", "-4.9e-324"), ("EscHex", '"\\u00e9\\u00E9\\uD83D\\uDE00\\u0000x"'),
                      ("EscAll", '"\\b\\f\\n\\r\\t\\"\\\\\\/"'), ("Nested", '[[[[[[[[[[{"a":[{}]}]]]]]]]]]]')):
        rp[plan.ph(raw, '"%s"' % name)] = plan.ph(raw, lit)
    rp["Controls"] = "\b\f\r\t\x01\x1f"
    rp["LineSep"] = "a\u2028b\u2029c"
    rp["Del"] = "x\x7fy"
    rp["Emoji"] = "😀 𝄞"
    plan.add(Ev(obj, ("ok", r14, "Ecs", tn, eid, src), "unusual_json", raw=raw,
                kinds=["oss_compact_gz", "jsonl_gz", "sls_array", "api_products", "gzip_odd"]))
    plan.check("unusual_json", "winner", key=r14, service="Ecs", ts=tn, eventId=eid)

    # -- 16. identity / service of the wrong type
    for i, (ui, svc, reason) in enumerate(((None, "Ecs", "no_key"), ("LTAI5tIdentityIsAString", "Ecs", "no_key"),
                                          ({"accessKeyId": None}, "Ecs", "no_key"),
                                          (ABSENT, None, "no_service"))):
        obj, _, _ = make_obj(rng, K["R15"], "Ecs", T0 + (64 + i) * H)
        if ui is not ABSENT:
            obj["userIdentity"] = ui
        obj["serviceName"] = svc
        plan.add(Ev(obj, ("skip", reason), "wrong_types", kinds=["jsonl_plain" if i % 2 else "oss_pretty_plain"]))

    # -- 17. old real events' quirks (spec/events.md): eventVersion a string, no userAgent, no acsRegion,
    # resource types without ACS::, eventIds that are not GUIDs, service names in other cases, a
    # requestParameterJson string beside requestParameters, a service-linked role's STS key calling from
    # a host name. Each is indexed like any other event.
    ko, ks = K["R11"], K["STS2"]
    tq = T0 + 100 * H
    quirks = (
        (ko, "SLS", "60.152_1566447558068_1247", None, {"eventVersion": "1"}, ("userAgent", "acsRegion")),
        (ko, "Sls", None, None, {"referencedResources": {"Instance": ["i-old1", "i-old2"], "VSwitch": "vsw-old"}}, ()),
        (ko, "polardb", "6110E64B004C4034363CDC5E", None,
         {"requestParameterJson": json.dumps({"RegionId": "cn-hangzhou", "AccessKeyId": "LTAI5tTrapInParameterJson",
                                              "userIdentity": {"accessKeyId": "LTAI5tTrapNestedInJson"}})}, ()),
        (ks, "Ess", "1.167_1627549154939_0042", (ABSENT, "AliyunServiceEvent", "ManagementEvent"),
         {"sourceIpAddress": "ess.aliyuncs.com"}, ("userAgent",)),
    )
    for i, (key, svc, eid, row, changes, drop) in enumerate(quirks):
        ts = tq + i * H
        obj, eid, src = make_obj(rng, key, svc, ts, eid=eid, row=row)
        obj.update(changes)
        for name in drop:
            obj.pop(name, None)
        if key == ks:
            obj["userIdentity"]["userName"] = "AliyunServiceRoleForAutoScaling:ess"
        plan.add(Ev(obj, ("ok", key, svc, ts, eid, src), "old_event_quirks",
                    kinds=[["oss_compact_gz", "envelope"], ["jsonl_plain", "zcat"], ["sls_lines_gz", "envelope"],
                           ["envelope", "zcat", "lookup"]][i]))
        plan.check("old_event_quirks", "winner", key=key, service=svc, ts=ts, eventId=eid, source=src)


# ---------------------------------------------------------------------------------------------
# containers and files


KIND_WEIGHTS = [
    ("oss_compact_gz", 36), ("oss_pretty_gz", 10), ("oss_pretty_plain", 4), ("lookup", 6), ("jsonl_plain", 6),
    ("jsonl_gz", 6), ("sls_lines_gz", 9), ("sls_array", 4), ("api_products", 3), ("api_events", 3),
    ("single", 1), ("bundle", 4), ("multimember", 3), ("bom", 1), ("crlf", 1), ("weird", 2), ("deep", 1),
    ("gzip_odd", 2), ("envelope", 4), ("zcat", 3),
]
KIND_FILE_SIZE = {
    "oss_compact_gz": (20, 60), "oss_pretty_gz": (10, 40), "oss_pretty_plain": (10, 30), "lookup": (5, 30),
    "jsonl_plain": (20, 60), "jsonl_gz": (20, 60), "sls_lines_gz": (20, 60), "sls_array": (10, 30),
    "api_products": (3, 15), "api_events": (3, 15), "single": (1, 1), "bundle": (6, 20), "multimember": (10, 40),
    "bom": (5, 20), "crlf": (5, 20), "weird": (5, 20), "deep": (10, 30), "gzip_odd": (5, 20),
    "envelope": (4, 20), "zcat": (6, 30),
}


class Archive:
    def __init__(self, outdir, rng):
        self.outdir = outdir
        self.rng = rng
        self.copies = []  # (relpath, Ev, detail text)
        self.files = []  # (relpath, description)

    # -- pieces --
    def raw_el(self, rel, ev, style, indent=0):
        t = render(ev, style)
        if indent:
            t = t.replace("\n", "\n" + " " * indent)
        self.copies.append([rel, ev, t, "raw"])
        return t

    def inner(self, rel, ev, style):
        t = render(ev, style)
        self.copies.append([rel, ev, t, "nested"])
        return t

    def sls_row(self, rel, ev, compact=True):
        rng = self.rng
        style = rng.choice(COMPACT_STYLES + ["pretty2"])
        obj = ev
        if not ev.no_extra and rng.random() < 0.3 and "requestParameters" in ev.obj:
            # SLS logstores add requestParameterJson: same event, different text
            o2 = dict(ev.obj)
            o2["requestParameterJson"] = json.dumps(ev.obj["requestParameters"], ensure_ascii=False)
            obj = Ev(o2, ev.intent, ev.trap, ev.raw)
        inner = render(obj, style)
        self.copies.append([rel, ev, inner, "nested"])
        ts = ev.intent[3] if ev.intent[0] == "ok" else 1_700_000_000_000
        tm = ts // 1000
        row = {"__time__": tm if rng.random() < 0.5 else str(tm), "__topic__": "actiontrail_audit_event",
               "__source__": "log_service", "__tag__:__receive_time__": str(tm + 3), "event": inner}
        if rng.random() < 0.5:
            row = {"event": inner, **{k: v for k, v in row.items() if k != "event"}}
        if compact:
            return json.dumps(row, ensure_ascii=rng.random() < 0.5, separators=(",", ":"))
        return json.dumps(row, ensure_ascii=False, indent=2)

    def api_entry(self, rel, ev, list_name):
        rng = self.rng
        inner = self.inner(rel, ev, rng.choice(["pretty2", "pretty2", "compact", "ascii"]))
        if ev.intent[0] == "ok" and rng.random() < 0.7:
            svc, ts, src = ev.intent[2], ev.intent[3], ev.intent[5]
        else:  # decoys: the outer fields of a saved response are not the event
            svc, ts, src = rng.choice(SERVICE_POOL), LATEST + rng.randrange(DAY), "Internal"
        if list_name == "Products":
            return {"Detail": inner, "ServiceName": svc, "ServiceNameCn": "云服务器ECS", "ServiceNameEn": "Elastic Compute Service",
                    "Source": src, "UsedTimestamp": ts}
        return {"Detail": inner, "EventName": "DescribeInstances", "Source": src, "UsedTimestamp": ts}

    # -- documents (text; element copies recorded) --
    def doc_array_compact(self, rel, evs):
        return "[" + ",".join(self.raw_el(rel, e, self.rng.choice(COMPACT_STYLES)) for e in evs) + "]"

    def doc_array_pretty(self, rel, evs, style=None):
        els = [self.raw_el(rel, e, style or self.rng.choice(PRETTY_STYLES), 2) for e in evs]
        sep = self.rng.choice([",\n  ", ",\n  ", ",\n  ", "\n  , ", " ,\n\n  ", ",\t\n  "])
        return "[\n  " + sep.join(els) + "\n]"

    def doc_lookup(self, rel, evs):
        rng = self.rng
        els = [self.raw_el(rel, e, rng.choice(["pretty2", "pretty2ascii"]), 4) for e in evs]
        events = '"Events": [\n    ' + ",\n    ".join(els) + "\n  ]"
        head = [f'"RequestId": "{guid(rng)}"', '"StartTime": "2025-06-27T00:00:00Z"', '"EndTime": "2025-09-25T23:59:59Z"',
                f'"NextToken": "{guid(rng)}"']
        members = head + [events] if rng.random() < 0.5 else [events] + head
        return "{\n  " + ",\n  ".join(members) + "\n}"

    def doc_api(self, rel, evs, list_name, pretty=True):
        body = {"RequestId": guid(self.rng), list_name: [self.api_entry(rel, e, list_name) for e in evs]}
        if list_name == "Events":
            body["NextToken"] = ""
        if pretty:
            return json.dumps(body, ensure_ascii=False, indent=2)
        return json.dumps(body, ensure_ascii=self.rng.random() < 0.5, separators=(",", ":"))

    def doc_sls_array(self, rel, evs, pretty):
        rows = [json.loads(self.sls_row(rel, e)) for e in evs]
        if pretty:
            return json.dumps(rows, ensure_ascii=False, indent=2)
        return json.dumps(rows, ensure_ascii=True, separators=(",", ":"))

    def jsonl_lines(self, rel, evs):
        rng = self.rng
        lines = []
        i = 0
        while i < len(evs):
            r = rng.random()
            if r < 0.7:
                lines.append(self.raw_el(rel, evs[i], rng.choice(COMPACT_STYLES)))
                i += 1
            elif r < 0.8:
                lines.append(self.sls_row(rel, evs[i]))
                i += 1
            elif r < 0.87:
                n = rng.randrange(1, 4)
                lines.append('{"RequestId":"%s","Events":[%s]}' % (guid(rng), ",".join(
                    self.raw_el(rel, e, "compact") for e in evs[i:i + n])))
                i += n
            elif r < 0.94:
                n = rng.randrange(1, 4)
                lines.append(self.doc_array_compact(rel, evs[i:i + n]))
                i += n
            else:
                n = rng.randrange(1, 3)
                lines.append(self.doc_api(rel, evs[i:i + n], rng.choice(["Products", "Events"]), pretty=False))
                i += n
            if rng.random() < 0.05:
                lines.append(rng.choice(["", "   ", "\t"]))
        return lines

    # -- writing --
    def write(self, rel, text, *, gz=False, members=1, bom=False, desc="", gzmode="normal"):
        path = os.path.join(self.outdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if bom:
            text = "\ufeff" + text
        data = text.encode("utf-8")
        if gz and gzmode != "normal":
            if gzmode == "flags":  # FEXTRA, FNAME, FCOMMENT and FHCRC set
                out = gzip_member_with_flags(data)
            elif gzmode == "stored":  # level 0: stored deflate blocks
                out = gzip.compress(data, compresslevel=0, mtime=0)
            elif gzmode == "empty_members":  # empty members first, between and last
                half = len(data) // 2
                e = gzip.compress(b"", mtime=0)
                out = e + gzip.compress(data[:half], mtime=0) + e + e + gzip.compress(data[half:], mtime=0) + e
            elif gzmode == "member_per_line":  # cat of many small .gz files
                lines = data.split(b"\n")
                out = b"".join(gzip.compress(ln + b"\n", mtime=0) for ln in lines[:-1])
                if lines[-1]:
                    out += gzip.compress(lines[-1], mtime=0)
            else:
                raise AssertionError(gzmode)
            assert gzip.decompress(out) == data
        elif gz:
            if members == 1:
                out = gzip.compress(data, mtime=0)
            else:
                cuts = self.member_cuts(data, members)
                out = b"".join(gzip.compress(data[a:b], mtime=0) for a, b in zip([0] + cuts, cuts + [len(data)]))
        else:
            out = data
        with open(path, "wb") as f:
            f.write(out)
        self.files.append((rel, desc))
        return out

    def member_cuts(self, data, members):
        """Cut points for gzip members: one inside a multi-byte UTF-8 character when possible,
        the others at arbitrary byte positions (mid-token)."""
        cuts = set()
        mb = [i for i in range(len(data) // 4, len(data)) if 0x80 <= data[i] < 0xC0]
        if mb:
            cuts.add(mb[0])
        while len(cuts) < members - 1:
            cuts.add(self.rng.randrange(1, len(data)))
        return sorted(cuts)


def gzip_member_with_flags(data: bytes) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = comp.compress(data) + comp.flush()
    extra = b"KT" + struct.pack("<H", 6) + b"keytra"
    hdr = b"\x1f\x8b\x08" + bytes([0x02 | 0x04 | 0x08 | 0x10]) + struct.pack("<I", 1700000000) + b"\x02\x03"
    hdr += struct.pack("<H", len(extra)) + extra + b"Actiontrail_original_name.json\x00" + b"exported by a tool\x00"
    hdr += struct.pack("<H", zlib.crc32(hdr) & 0xFFFF)
    return hdr + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def oss_name(rng, region, ts_ms, count, size, md5):
    dt = EPOCH + timedelta(milliseconds=ts_ms)
    return (f"AliyunLogs/Actiontrail/{region}/{dt:%Y}/{dt:%m}/{dt:%d}/"
            f"Actiontrail_{region}_{dt:%Y%m%d%H%M%S}_1002_{count}_{size}_{md5}.gz")


def self_inner(A, rel, ev):
    """An event's text for a string member of an envelope (recorded as its Detail)."""
    return A.inner(rel, ev, A.rng.choice(COMPACT_STYLES + ["pretty2"]))


def build_files(A: Archive, groups: dict):
    rng = A.rng
    seq = 0

    def nxt():
        nonlocal seq
        seq += 1
        return seq

    for kind, _ in KIND_WEIGHTS:
        evs = groups.get(kind, [])
        lo, hi = KIND_FILE_SIZE[kind]
        chunks = []
        i = 0
        while i < len(evs):
            n = rng.randrange(lo, hi + 1)
            chunks.append(evs[i:i + n])
            i += n
        for chunk in chunks:
            n = nxt()
            if kind == "oss_compact_gz":
                region = rng.choice(REGIONS)
                tmp = f"tmp/{n}"
                text = A.doc_array_compact(tmp, chunk) + ("\n" if rng.random() < 0.5 else "")
                data = gzip.compress(text.encode(), mtime=0)
                ts = max((e.intent[3] for e in chunk if e.intent[0] == "ok"), default=LATEST)
                rel = oss_name(rng, region, ts, len(chunk), len(data), hashlib.md5(data).hexdigest())
                if any(r == rel for r, _ in A.files):
                    rel = rel.replace(".gz", f"_{n}.gz")
                for c in A.copies:
                    if c[0] == tmp:
                        c[0] = rel
                A.write(rel, text, gz=True, desc="OSS delivery, compact JSON array, gzip")
            elif kind == "oss_pretty_gz":
                rel = f"AliyunLogs/Actiontrail/cn-shanghai/2025/pretty/Actiontrail_pretty_{n:04d}.json.gz"
                A.write(rel, A.doc_array_pretty(rel, chunk) + "\n", gz=True, desc="pretty JSON array, gzip")
            elif kind == "oss_pretty_plain":
                rel = f"oss-plain/Actiontrail_cn-beijing_{n:04d}.json"
                A.write(rel, A.doc_array_pretty(rel, chunk) + "\n", desc="pretty JSON array, plain")
            elif kind == "lookup":
                rel = f"lookup-events/LookupEvents_page{n:03d}.json"
                A.write(rel, A.doc_lookup(rel, chunk) + "\n", desc='{"Events":[...]} LookupEvents response, pretty')
            elif kind in ("jsonl_plain", "jsonl_gz"):
                gz = kind == "jsonl_gz"
                rel = f"jsonl/events-{n:04d}.jsonl" + (".gz" if gz else "")
                lines = A.jsonl_lines(rel, chunk)
                A.write(rel, "\n".join(lines) + "\n", gz=gz, desc="JSON lines (events, SLS rows, compact responses)")
            elif kind == "sls_lines_gz":
                rel = f"sls-shipper/actiontrail_audit_event/{n:04d}_shipped.json.gz"
                A.write(rel, "\n".join(A.sls_row(rel, e) for e in chunk) + "\n", gz=True,
                        desc="SLS rows one per line, event as JSON string, gzip")
            elif kind == "sls_array":
                pretty = rng.random() < 0.5
                rel = f"sls-getlogs/GetLogs_{n:04d}.json"
                A.write(rel, A.doc_sls_array(rel, chunk, pretty) + "\n",
                        desc="SLS GetLogs JSON array of rows (%s)" % ("pretty" if pretty else "compact"))
            elif kind == "api_products":
                rel = f"saved-api/GetAccessKeyLastUsedProducts_{n:04d}.json"
                A.write(rel, A.doc_api(rel, chunk, "Products") + "\n", desc="saved Products response, Detail strings")
            elif kind == "api_events":
                rel = f"saved-api/GetAccessKeyLastUsedEvents_{n:04d}.json"
                A.write(rel, A.doc_api(rel, chunk, "Events") + "\n", desc="saved Events response, Detail strings")
            elif kind == "single":
                rel = f"console/downloaded/event_{n:04d}.json"
                A.write(rel, A.raw_el(rel, chunk[0], rng.choice(PRETTY_STYLES)) + "\n", desc="single pretty event")
            elif kind == "bundle":
                rel = f"mixed/bundle_{n:04d}.json"
                docs = []
                i = 0
                while i < len(chunk):
                    r = rng.random()
                    k = rng.randrange(1, 5)
                    part = chunk[i:i + k]
                    if r < 0.25:
                        docs.append(A.raw_el(rel, chunk[i], rng.choice(PRETTY_STYLES)))
                        i += 1
                        continue
                    if r < 0.45:
                        docs.append(A.doc_array_pretty(rel, part))
                    elif r < 0.6:
                        docs.append(A.doc_lookup(rel, part))
                    elif r < 0.75:
                        docs.append(A.sls_row(rel, chunk[i], compact=False))
                        part = chunk[i:i + 1]
                    elif r < 0.88:
                        docs.append(A.doc_api(rel, part, "Products"))
                    else:
                        docs.append(A.doc_sls_array(rel, part, True))
                    i += len(part)
                sep = ["\n", "\n\n", "\n  \n"]
                text = docs[0]
                for d in docs[1:]:
                    text += rng.choice(sep) + d
                A.write(rel, text + "\n", desc="several pretty documents back to back")
            elif kind == "multimember":
                rel = f"multimember/Actiontrail_multi_{n:04d}.gz"
                if rng.random() < 0.5:
                    text = A.doc_array_pretty(rel, chunk) + "\n"
                else:
                    text = "\n".join(A.jsonl_lines(rel, chunk)) + "\n"
                A.write(rel, text, gz=True, members=rng.choice([2, 3]), desc="multi-member gzip (cut mid-value)")
            elif kind == "bom":
                if n % 2:
                    rel = f"bom/exported_with_bom_{n:04d}.json"
                    A.write(rel, A.doc_array_pretty(rel, chunk) + "\n", bom=True, desc="UTF-8 BOM, pretty array")
                else:
                    rel = f"bom/exported_with_bom_{n:04d}.jsonl.gz"
                    A.write(rel, "\n".join(A.jsonl_lines(rel, chunk)) + "\n", bom=True, gz=True,
                            desc="UTF-8 BOM, JSON lines, gzip")
            elif kind == "crlf":
                if n % 2:
                    rel = f"windows/crlf_pretty_{n:04d}.json"
                    start = len(A.copies)
                    text = A.doc_array_pretty(rel, chunk)
                    desc = "CRLF line ends, pretty array"
                else:
                    rel = f"windows/crlf_lines_{n:04d}.jsonl"
                    start = len(A.copies)
                    text = "\n".join(A.jsonl_lines(rel, chunk))
                    desc = "CRLF line ends, JSON lines"
                for c in A.copies[start:]:
                    if c[3] == "raw":
                        c[2] = c[2].replace("\n", "\r\n")
                A.write(rel, (text + "\n").replace("\n", "\r\n"), desc=desc)
            elif kind == "weird":
                v = n % 3
                if v == 0:
                    rel = f"misnamed/really_plain_{n:04d}.gz"
                    A.write(rel, A.doc_array_pretty(rel, chunk) + "\n", desc="plain JSON named .gz")
                elif v == 1:
                    rel = f"misnamed/really_gzip_{n:04d}.json"
                    A.write(rel, A.doc_array_compact(rel, chunk) + "\n", gz=True, desc="gzip named .json")
                else:
                    rel = f"misnamed/trail-export-{n:04d}"
                    A.write(rel, "\n".join(A.jsonl_lines(rel, chunk)) + "\n", gz=True, desc="gzip JSON lines, no extension")
            elif kind == "gzip_odd":
                mode = ["flags", "stored", "empty_members", "member_per_line"][n % 4]
                rel = f"gzip-odd/{mode}_{n:04d}.gz"
                if mode == "member_per_line":
                    text = "\n".join(A.jsonl_lines(rel, chunk)) + "\n"
                else:
                    text = A.doc_array_pretty(rel, chunk) + "\n"
                A.write(rel, text, gz=True, gzmode=mode, desc=f"gzip oddity: {mode}")
            elif kind == "envelope":
                # Log pipelines wrap the event (DESIGN "Envelopes"): one or two levels down, as text or an object.
                v = n % 4
                if v == 0:
                    pretty = rng.random() < 0.5
                    rel = f"sls-getlogs-api/GetLogs_{n:04d}.json"
                    rows = [{"timestamp": (e.intent[3] if e.intent[0] == "ok" else 1_700_000_000_000) // 1000,
                             "source": "actiontrail.aliyuncs.com",
                             "contents": {"__topic__": "actiontrail_audit_event",
                                          "event": self_inner(A, rel, e)}} for e in chunk]
                    A.write(rel, json.dumps(rows, ensure_ascii=not pretty, indent=2 if pretty else None) + "\n",
                            desc="SLS GetLogs rows, the event a string under contents")
                elif v == 1:
                    rel = f"shipper/filebeat-{n:04d}.ndjson"
                    lines = [json.dumps({"@timestamp": "2025-09-25T00:00:00.000Z", "host": {"name": "collector-1"},
                                         "message": self_inner(A, rel, e)}, ensure_ascii=rng.random() < 0.5,
                                        separators=(",", ":")) for e in chunk]
                    A.write(rel, "\n".join(lines) + "\n", gz=n % 2 == 0,
                            desc="log shipper JSON lines, the event as text in message")
                else:
                    rel = f"siem/export-{n:04d}.jsonl"
                    lines = []
                    for e in chunk:
                        raw = A.raw_el(rel, e, rng.choice(COMPACT_STYLES))
                        if v == 2:
                            lines.append('{"TimeGenerated":"2025-09-25T00:00:00Z","Type":"AliCloudActionTrail","Event":%s}'
                                         % raw)
                        else:
                            lines.append('{"_time":1758758400,"result":{"_raw":%s,"sourcetype":"actiontrail"}}' % raw)
                    A.write(rel, "\n".join(lines) + "\n",
                            desc="SIEM table rows, the event an object %s" % ("under a column" if v == 2 else "two down"))
            elif kind == "zcat":
                # `zcat a.gz b.gz > all.json`: OSS deliveries back to back, `…][…` on one line or pretty `][`.
                rel = f"zcat/concatenated-{n:04d}.json"
                parts = []
                i = 0
                pretty = n % 2 == 0
                while i < len(chunk):
                    k = rng.randrange(1, 6)
                    parts.append(A.doc_array_pretty(rel, chunk[i:i + k]) if pretty
                                 else A.doc_array_compact(rel, chunk[i:i + k]))
                    i += k
                A.write(rel, "".join(parts) + "\n", gz=n % 3 == 0, desc="OSS deliveries concatenated (zcat), back to back")
            elif kind == "deep":
                rel = f"deep/a/b/c/d/e/f/g/Actiontrail_deep_{n:04d}.gz"
                A.write(rel, A.doc_array_compact(rel, chunk), gz=True, desc="deeply nested directory, compact array")
            else:
                raise AssertionError(kind)

    # top-level scalars and empty containers: skipped, not rejected
    rel = "jsonl/misc-scalars.jsonl"
    lines = ["null", "42", '"just a string"', "true", "[]", '{"Events":[]}', "{}", "-1.5e3", '{"Products":[]}']
    A.write(rel, "\n".join(lines) + "\n", desc="top-level scalars and empty containers (JSON lines)")


def assign(plan: Plan, rng):
    kinds = [k for k, _ in KIND_WEIGHTS]
    weights = [w for _, w in KIND_WEIGHTS]
    groups = {k: [] for k in kinds}
    for ev in plan.events:
        if ev.kinds:
            for k in ev.kinds:
                groups[k].append(ev)
            continue
        primary = rng.choices(kinds, weights)[0]
        groups[primary].append(ev)
        r = rng.random()
        if r < 0.12:  # duplicate delivery in other shapes
            for k in rng.sample(kinds, rng.randrange(1, 3)):
                groups[k].append(ev)
        elif r < 0.17:  # two trails delivering to one bucket: same shape, other file
            groups[primary].append(ev)
    for k in kinds:
        rng.shuffle(groups[k])
    return groups


def reduce_model(copies):
    """The by-construction expectation: max-register per (key, service) over
    (UsedTimestamp, eventId bytes, Detail bytes)."""
    best = {}
    skipped = {}
    for rel, ev, detail, _ in copies:
        it = ev.intent
        if it[0] == "skip":
            skipped[it[1]] = skipped.get(it[1], 0) + 1
            continue
        _, key, svc, ts, eid, src = it
        cand = (ts, eid.encode("utf-8"), detail.encode("utf-8"))
        k = (key, svc)
        if k not in best or cand > best[k][0]:
            best[k] = (cand, src, detail, ev.trap)
    winners = {}
    for (key, svc), (cand, src, detail, trap) in best.items():
        winners.setdefault(key, {})[svc] = {"UsedTimestamp": cand[0], "eventId": cand[1].decode("utf-8"),
                                            "Source": src, "Detail": detail, "trap": trap}
    return winners, skipped


def generate(outdir: str, seed: int, model_path: str | None = None, quiet: bool = False) -> dict:
    rng = random.Random(seed)
    if os.path.exists(outdir):
        shutil.rmtree(outdir)
    os.makedirs(outdir)
    keys = build_keys(rng)
    plan = Plan(rng, keys)
    random_events(plan)
    trap_events(plan)
    more_traps(plan)
    groups = assign(plan, rng)
    A = Archive(outdir, rng)
    build_files(A, groups)
    winners, skipped = reduce_model(A.copies)
    # the "{}" line of misc-scalars.jsonl: an object without eventTime or eventId is not an event
    skipped["not_an_event"] = skipped.get("not_an_event", 0) + 1
    latest = max(w["UsedTimestamp"] for svcs in winners.values() for w in svcs.values())
    assert latest == LATEST, (latest, LATEST)
    total = sum(os.path.getsize(os.path.join(outdir, r)) for r, _ in A.files)
    traps = {}
    for c in A.copies:
        traps[c[1].trap] = traps.get(c[1].trap, 0) + 1
    model = {
        "seed": seed, "latest": LATEST, "future": FUTURE, "windowDays": WINDOW_DAYS,
        "keys": keys, "winners": winners, "skipped": skipped, "checks": plan.checks,
        "files": [{"path": r, "shape": d} for r, d in A.files],
        "stats": {"events": len(plan.events), "copies": len(A.copies), "files": len(A.files), "bytes": total,
                  "copies_by_trap": traps},
    }
    if model_path:
        with open(model_path, "w", encoding="utf-8") as f:
            json.dump(model, f, ensure_ascii=False, indent=1)
    if not quiet:
        shapes = {}
        for _, d in A.files:
            shapes[d] = shapes.get(d, 0) + 1
        print(f"archive {outdir}: {len(A.files)} files, {total / 1e6:.2f} MB, {len(plan.events)} events, "
              f"{len(A.copies)} copies, {len(keys)} keys", file=sys.stderr)
        for d, n in sorted(shapes.items()):
            print(f"  {n:4d}  {d}", file=sys.stderr)
    return model


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--model", help="write the by-construction expectation here (outside OUTDIR)")
    a = ap.parse_args(argv)
    if a.model and os.path.abspath(a.model).startswith(os.path.abspath(a.outdir) + os.sep):
        ap.error("--model must not be inside OUTDIR (everything there is ingested)")
    generate(a.outdir, a.seed, a.model)


if __name__ == "__main__":
    main()
