#!/usr/bin/env python3
"""The official Python SDK (alibabacloud-actiontrail20200706), unchanged, against `keytrail serve`.

Every answer must equal the command line's for the same question (RequestId aside), with V3, V2 and
STS credentials, and through HTTP_PROXY to a host name that cannot resolve (absolute-form request
lines); every gateway error is provoked and must come back with its code and status, the server
answering afterwards; a bounded concurrent load during an ingest must see zero errors.
Run by Tests/sdk/run.sh, which makes the virtualenv (rpc_e2e.py does the same for the older SDK).
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

from alibabacloud_actiontrail20200706 import models as M
from alibabacloud_actiontrail20200706.client import Client

try:
    from alibabacloud_tea_openapi.utils_models import Config
except ImportError:  # older tea-openapi layouts
    from alibabacloud_tea_openapi.models import Config

KEY = "LTAI5tv6QCVFimUPfpBMBSH6"  # the sample archive's busiest key
CALLERS = {"LTAI_CALLER_ID": "caller-secret", "STS.CALLER_ID": "sts-secret"}
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        failures.append(what)


class Server:
    def __init__(self, keytrail, args):
        self.proc = subprocess.Popen([keytrail, "serve", "--listen", "127.0.0.1:0"] + args,
                                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        line = self.proc.stderr.readline()
        if not line.startswith("listening on http://127.0.0.1:"):
            raise SystemExit("keytrail serve did not start: " + line + self.proc.stderr.read())
        self.port = int(line.strip().rsplit(":", 1)[1])
        self.log = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.stderr:
            self.log.append(line)

    def stop(self):
        self.proc.terminate()
        return self.proc.wait(timeout=20)


def client(port, ak, secret, v2=False, token=None, endpoint=None):
    cfg = Config(access_key_id=ak, access_key_secret=secret, endpoint=endpoint or f"127.0.0.1:{port}", protocol="http")
    if v2:
        cfg.signature_algorithm = "v2"
    if token:
        cfg.security_token = token
    return Client(cfg)


def call(c, op, **kw):
    """One SDK call: (status, body map or None, error code or None)."""
    req = {
        "products": (c.get_access_key_last_used_products, M.GetAccessKeyLastUsedProductsRequest),
        "info": (c.get_access_key_last_used_info, M.GetAccessKeyLastUsedInfoRequest),
        "events": (c.get_access_key_last_used_events, M.GetAccessKeyLastUsedEventsRequest),
        "ips": (c.get_access_key_last_used_ips, M.GetAccessKeyLastUsedIpsRequest),
        "resources": (c.get_access_key_last_used_resources, M.GetAccessKeyLastUsedResourcesRequest),
    }[op]
    try:
        r = req[0](req[1](**kw))
        body = r.body.to_map()
        if r.headers.get("x-acs-request-id") != body.get("RequestId"):
            check(False, f"{op}: x-acs-request-id is the body's RequestId")
        return r.status_code, body, None
    except Exception as e:  # ClientException / ServerException from the SDK
        return getattr(e, "status_code", None), getattr(e, "data", None), getattr(e, "code", None) or repr(e)


def cli(keytrail, db, op, key, service=None, page_size=None, token=None):
    args = [keytrail, op, key, "--db", db, "--as-of", "latest"]
    if service:
        args += ["--service", service]
    if page_size:
        args += ["--page-size", page_size]
    if token:
        args += ["--next-token", token]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode == 2 and "unknown command" in r.stderr:
        return None
    return json.loads(r.stdout)


def without_id(m):
    return {k: v for k, v in (m or {}).items() if k not in ("RequestId", "statusCode")}


# ---- independent signers (a cross-check of the server, and for requests the SDK will not make)

def pct(s):
    return urllib.parse.quote(s, safe="-_.~")


def now_iso(offset=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def v3_request(port, query, ak="LTAI_CALLER_ID", secret="caller-secret", action="GetAccessKeyLastUsedProducts",
               version="2020-07-06", date=None, nonce=None, body=b""):
    headers = {
        "host": f"127.0.0.1:{port}", "x-acs-action": action, "x-acs-version": version,
        "x-acs-date": date or now_iso(), "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    }
    names = sorted(headers)
    cq = "&".join(f"{pct(k)}={pct(v)}" for k, v in sorted(query.items()))
    canon = "POST\n/\n" + cq + "\n" + "".join(f"{n}:{headers[n]}\n" for n in names) + "\n" + ";".join(names) + \
        "\n" + headers["x-acs-content-sha256"]
    sts = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canon.encode()).hexdigest()
    sig = hmac.new(secret.encode(), sts.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = f"ACS3-HMAC-SHA256 Credential={ak},SignedHeaders={';'.join(names)},Signature={sig}"
    return "/?" + cq, headers, body


def v2_query(params, secret="caller-secret", method="POST"):
    cq = "&".join(f"{pct(k)}={pct(v)}" for k, v in sorted(params.items()))
    sts = f"{method}&%2F&" + pct(cq)
    sig = base64.b64encode(hmac.new((secret + "&").encode(), sts.encode(), hashlib.sha1).digest()).decode()
    return cq + "&Signature=" + pct(sig)


def send(port, path, headers, body=b"", method="POST"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    try:
        j = json.loads(data)
    except ValueError:
        j = {}
    return r.status, j.get("Code")


def raw(port, data):
    """Sends raw bytes; the status of the answer, if any."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(data)
    except OSError:
        pass
    buf = b""
    try:
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
    except OSError:
        pass
    s.close()
    parts = buf.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def indexed_server(kt, samples, prefix):
    """An index of `samples` in a new temporary directory and a signed `keytrail serve` on it
    (as of the end of the archive, callers from CALLERS): (tmp, db, server)."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    db = os.path.join(tmp, "k.sqlite")
    subprocess.run([kt, "ingest", "--db", db, "--quiet", samples], check=True, stdout=subprocess.DEVNULL)
    creds = os.path.join(tmp, "credentials")
    with open(creds, "w") as f:
        f.write("# keytrail serve callers: ACCESS_KEY_ID SECRET\n")
        for k, v in CALLERS.items():
            f.write(f"{k} {v}\n")
    os.chmod(creds, 0o600)
    return tmp, db, Server(kt, ["--db", db, "--credentials", creds, "--as-of", "latest"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keytrail", required=True)
    ap.add_argument("--synth", required=True)
    ap.add_argument("--samples", required=True)
    a = ap.parse_args()
    kt = os.path.abspath(a.keytrail)
    tmp, db, srv = indexed_server(kt, a.samples, "keytrail-sdk-")
    port = srv.port
    print(f"keytrail serve on port {port}")

    clients = {
        "V3": client(port, "LTAI_CALLER_ID", "caller-secret"),
        "V2": client(port, "LTAI_CALLER_ID", "caller-secret", v2=True),
        "STS": client(port, "STS.CALLER_ID", "sts-secret", token="a-security-token"),
        "STS-V2": client(port, "STS.CALLER_ID", "sts-secret", v2=True, token="a-security-token"),
    }

    # ---- answers equal the command line's
    for name, c in clients.items():
        for op in ["products", "info"]:
            want = cli(kt, db, op, KEY)
            if want is None:
                print(f"SKIP  {name} {op}: `keytrail {op}` does not exist yet")
                continue
            status, body, code = call(c, op, access_key=KEY)
            check(status == 200 and without_id(body) == without_id(want), f"{name} {op} equals the CLI's")
        for op in ["events", "ips", "resources"]:
            want = cli(kt, db, op, KEY, service="Ecs", page_size="2")
            if want is None:
                print(f"SKIP  {name} {op}: `keytrail {op}` does not exist yet")
                continue
            status, body, code = call(c, op, access_key=KEY, service_name="Ecs", page_size="2")
            check(status == 200 and without_id(body) == without_id(want), f"{name} {op} page 1 equals the CLI's")
            token = (body or {}).get("NextToken")
            if token:
                want2 = cli(kt, db, op, KEY, service="Ecs", page_size="2", token=token)
                status, body2, code = call(c, op, access_key=KEY, service_name="Ecs", page_size="2", next_token=token)
                check(status == 200 and without_id(body2) == without_id(want2), f"{name} {op} page 2 equals the CLI's")
    status, body, code = call(clients["V3"], "products", access_key="LTAI5tNEVERSEEN")
    check(status == 200 and body.get("Products") == [], "unseen key: empty Products")

    # ---- every error, the server answering after each
    def alive():
        s, _, _ = call(clients["V3"], "products", access_key=KEY)
        return s == 200

    def expect(what, got, status, code):
        check(got == (status, code) and alive(), f"{what}: {code or status} ({status}), got {got}; still answering")

    # The message names the server's string to sign (the older SDK parses it; see rpc_e2e.py).
    mismatch = "Specified signature is not matched with our calculation. server string to sign is:"
    s, data, c = call(client(port, "LTAI_CALLER_ID", "wrong-secret"), "products", access_key=KEY)
    expect("wrong secret V3", (s, c), 400, "SignatureDoesNotMatch")
    check((data or {}).get("Message", "").startswith(mismatch + "ACS3-HMAC-SHA256\n"),
          f"wrong secret V3: the message names the string to sign ({(data or {}).get('Message')!r})")
    s, data, c = call(client(port, "LTAI_CALLER_ID", "wrong-secret", v2=True), "products", access_key=KEY)
    expect("wrong secret V2", (s, c), 400, "SignatureDoesNotMatch")
    check((data or {}).get("Message", "").startswith(mismatch + "POST&%2F&AccessKey%3D"),
          f"wrong secret V2: the message names the string to sign ({(data or {}).get('Message')!r})")
    s, _, c = call(client(port, "LTAI_NOBODY", "x"), "products", access_key=KEY)
    expect("unknown caller", (s, c), 404, "InvalidAccessKeyId.NotFound")
    s, _, c = call(clients["V3"], "products", access_key="has space")
    expect("invalid AccessKey", (s, c), 400, "InvalidQueryParameter")
    s, _, c = call(clients["V3"], "products")
    expect("missing AccessKey", (s, c), 400, "InvalidQueryParameter")
    s, _, c = call(clients["V3"], "events", access_key=KEY, service_name="Ecs", page_size="101")
    if cli(kt, db, "events", KEY, service="Ecs") is not None:
        expect("bad PageSize", (s, c), 400, "InvalidQueryParameter")

    path, h, b = v3_request(port, {"AccessKey": KEY})
    check(send(port, path, h, b)[0] == 200, "independent V3 signer accepted")
    expect("replayed nonce V3", send(port, path, h, b), 400, "SignatureNonceUsed")
    path, h, b = v3_request(port, {"AccessKey": KEY}, date=now_iso(-16 * 60))
    expect("stale date V3", send(port, path, h, b), 400, "InvalidTimeStamp.Expired")
    path, h, b = v3_request(port, {"AccessKey": KEY}, date="24/11/2026 19:32")
    expect("unparseable date V3", send(port, path, h, b), 400, "InvalidTimeStamp.Format")
    path, h, b = v3_request(port, {"AccessKey": KEY})
    expect("tampered query V3", send(port, path.replace(KEY, KEY[:-1] + "X"), h, b), 400, "SignatureDoesNotMatch")
    path, h, b = v3_request(port, {"AccessKey": KEY}, action="GetAccessKeyLastUsedEverything")
    expect("unknown action", send(port, path, h, b), 404, "InvalidApi.NotFound")
    path, h, b = v3_request(port, {"AccessKey": KEY}, version="2017-12-04")
    expect("bad version", send(port, path, h, b), 404, "InvalidApi.NotFound")
    path, h, b = v3_request(port, {"AccessKey": KEY})
    h = dict(h, **{"x-acs-content-sha256": hashlib.sha256(b"x").hexdigest()})
    expect("wrong x-acs-content-sha256", send(port, path, h, b), 400, "SignatureDoesNotMatch")
    path, h, b = v3_request(port, {"AccessKey": KEY})
    del h["Authorization"]
    expect("no Authorization", send(port, path, h, b), 400, "IncompleteSignature")

    def v2params(**over):
        p = {"Action": "GetAccessKeyLastUsedProducts", "Format": "json", "Version": "2020-07-06",
             "Timestamp": now_iso(), "SignatureNonce": uuid.uuid4().hex, "AccessKey": KEY,
             "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "AccessKeyId": "LTAI_CALLER_ID"}
        p.update(over)
        return p

    q = v2_query(v2params())
    check(send(port, "/?" + q, {})[0] == 200, "independent V2 signer accepted")
    expect("replayed nonce V2", send(port, "/?" + q, {}), 400, "SignatureNonceUsed")
    expect("stale date V2", send(port, "/?" + v2_query(v2params(Timestamp=now_iso(20 * 60))), {}), 400,
           "InvalidTimeStamp.Expired")
    expect("tampered query V2", send(port, "/?" + v2_query(v2params()).replace("Format=json", "Format=xml"), {}), 400,
           "SignatureDoesNotMatch")
    q = v2_query(v2params(), method="GET")
    check(send(port, "/?" + q, {}, method="GET")[0] == 200, "V2 over GET (signed with GET)")
    form = v2_query(v2params())
    check(send(port, "/", {"Content-Type": "application/x-www-form-urlencoded"}, form.encode())[0] == 200,
          "V2 parameters in a form body")

    check(raw(port, b"GET / HTTP/1.1\r\nX: " + b"a" * (40 * 1024) + b"\r\n\r\n") == 431 and alive(),
          "oversized head: 431; still answering")
    check(raw(port, b"POST / HTTP/1.1\r\nContent-Length: 100000\r\n\r\n" + b"b" * 100000) == 413 and alive(),
          "oversized body: 413; still answering")
    check(raw(port, b"\x16\x03\x01 not http\r\n\r\n") == 400 and alive(), "malformed HTTP: 400; still answering")
    check(raw(port, b"GET / HTTP/1.1\r\nHost: x\r\n bad fold\r\n\r\n") == 400 and alive(),
          "obs-fold header: 400; still answering")

    # ---- through HTTP_PROXY (read per request): a host name that cannot resolve, so the answer can
    # only come from the server named as the proxy, which gets the request line in absolute form.
    os.environ["HTTP_PROXY"] = os.environ["HTTPS_PROXY"] = f"http://127.0.0.1:{port}"
    try:
        fake = "actiontrail.cn-hangzhou.aliyuncs.com.invalid"
        for name, kw in [("V3", {}), ("V2", {"v2": True}), ("STS", {"token": "a-security-token"})]:
            ak, secret = ("STS.CALLER_ID", "sts-secret") if name == "STS" else ("LTAI_CALLER_ID", "caller-secret")
            status, body, code = call(client(port, ak, secret, endpoint=fake, **kw), "products", access_key=KEY)
            check(status == 200 and without_id(body) == without_id(cli(kt, db, "products", KEY)),
                  f"{name} through HTTP_PROXY equals the CLI's ({status} {code})")
        s, _, c = call(client(port, "LTAI_CALLER_ID", "wrong-secret", endpoint=fake), "products", access_key=KEY)
        check((s, c) == (400, "SignatureDoesNotMatch"), f"wrong secret through HTTP_PROXY: got {s} {c}")
    finally:
        del os.environ["HTTP_PROXY"], os.environ["HTTPS_PROXY"]

    # ---- bounded concurrent load during an ingest: zero errors
    archive = os.path.join(tmp, "synth")
    subprocess.run([a.synth, "--out", archive, "--events", "20000", "--seed", "7"], check=True,
                   stdout=subprocess.DEVNULL)
    ingest = subprocess.Popen([kt, "ingest", "--db", db, "--quiet", archive], stdout=subprocess.DEVNULL)
    errors = []
    latencies = []

    def worker(i):
        c = client(port, *(["LTAI_CALLER_ID", "caller-secret"] if i % 2 else ["STS.CALLER_ID", "sts-secret"]),
                   v2=(i % 4 == 1))
        for _ in range(50):
            t = time.monotonic()
            s, body, code = call(c, "products", access_key=KEY)
            latencies.append(time.monotonic() - t)
            if s != 200:
                errors.append((s, code))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    rc = ingest.wait()
    check(rc in (0, 3), f"concurrent ingest finished ({rc})")
    check(not errors, f"8 threads x 50 SDK calls during an ingest: {len(errors)} errors {errors[:3]}")
    latencies.sort()
    print(f"      load: {len(latencies)} calls in {elapsed:.2f}s, p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, "
          f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms (SDK client side)")

    log = "".join(srv.log)
    check("caller-secret" not in log and "sts-secret" not in log and "Signature=" not in log,
          "access log holds no secret or signature")
    check(srv.stop() == 0, "SIGTERM: exit 0")
    if failures:
        print(f"\n{len(failures)} check(s) failed")
        sys.exit(1)
    print("\nall SDK end-to-end checks passed")


if __name__ == "__main__":
    main()
