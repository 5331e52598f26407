#!/usr/bin/env python3
"""Writes the fuzz corpus's generated seeds into DIR: inputs too big to commit (up to 64 KB) that
reach the limits -- nesting depth, listed rejections, kept notes, table growth, long strings."""
import json
import sys


def event(i, key="K", service="Ecs", time="2026-10-01T00:00:00Z"):
    return {"eventId": "E%d" % i, "userIdentity": {"accessKeyId": key}, "serviceName": service, "eventTime": time}


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def main(out):
    seeds = {
        "gen-deep-arrays-open.json": "[" * 60000,
        "gen-deep-objects-1024.json": '{"a":' * 1024 + "0" + "}" * 1024,
        "gen-deep-objects-1025.json": '{"a":' * 1025 + "0" + "}" * 1025,
        "gen-deep-in-lookup-events.json": '{"Events":[' + "[" * 1022 + "]" * 1022 + "]}",
        "gen-deep-in-sls-event.jsonl": compact({"event": "[" * 1024 + "]" * 1024}) + "\n",
        # More bad lines than are listed (1000), then good ones.
        "gen-many-bad-lines.jsonl": "{\n" + "x\n" * 1100 + compact(event(1)) + "\n",
        # More unparseable times than notes kept (100).
        "gen-many-bad-times.json": compact([event(i, time="2026-10-01T00:00:00") for i in range(150)]),
        # Enough (key, service) pairs to grow the table's slots past their first size.
        "gen-many-keys.jsonl": "".join('{"userIdentity":{"accessKeyId":"K%d"},"serviceName":"S%d",'
                                       '"eventTime":"2026-10-01T00:00:00Z"}\n' % (i % 37, i) for i in range(560)),
        "gen-long-string.json": compact([event(1, key="K" * 30000), "a\u00e9\U0001F600" * 3000]),
        "gen-long-escaped-string.json": compact({"event": compact(event(2)) + " " * 20000}),
    }
    for name, text in seeds.items():
        data = text.encode("utf-8")
        assert len(data) <= 65536, (name, len(data))
        with open("%s/%s" % (out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1])
