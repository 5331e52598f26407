#!/usr/bin/env python3
"""The older RPC SDK (aliyun-python-sdk-core + aliyun-python-sdk-actiontrail), unchanged, against
`keytrail serve`.

It signs with HMAC-SHA1 in the query string, adds `RegionId`, an empty `SignatureType=` and
`Format=JSON` (or the literal `Format=None` through the deprecated `do_action`), puts an STS
`SecurityToken` among the parameters and body parameters in a form body. Every operation, over POST
and GET, must answer what the command line answers (RequestId aside); a wrong secret must raise the
SDK's own `ServerException` — and because our `SignatureDoesNotMatch` message carries the string we
signed, the SDK recognises it as its own and rewrites it to `InvalidAccessKeySecret`; an empty key is
`InvalidQueryParameter`. The same SDK through `HTTP_PROXY`, to a made-up host name, reaches the
server with an absolute-form request line. Run by Tests/sdk/run.sh after e2e.py; shares its helpers.
"""
import argparse
import json
import os
import sys
import warnings

from aliyunsdkactiontrail.request.v20200706 import (GetAccessKeyLastUsedEventsRequest,
                                                    GetAccessKeyLastUsedInfoRequest,
                                                    GetAccessKeyLastUsedIpsRequest,
                                                    GetAccessKeyLastUsedProductsRequest,
                                                    GetAccessKeyLastUsedResourcesRequest)
from aliyunsdkcore.acs_exception.exceptions import ClientException, ServerException
from aliyunsdkcore.auth.credentials import StsTokenCredential
from aliyunsdkcore.client import AcsClient

from e2e import KEY, check, cli, failures, indexed_server, without_id

REQUESTS = {
    "products": GetAccessKeyLastUsedProductsRequest.GetAccessKeyLastUsedProductsRequest,
    "info": GetAccessKeyLastUsedInfoRequest.GetAccessKeyLastUsedInfoRequest,
    "events": GetAccessKeyLastUsedEventsRequest.GetAccessKeyLastUsedEventsRequest,
    "ips": GetAccessKeyLastUsedIpsRequest.GetAccessKeyLastUsedIpsRequest,
    "resources": GetAccessKeyLastUsedResourcesRequest.GetAccessKeyLastUsedResourcesRequest,
}
# The host name the SDK is pointed at when it goes through the proxy: it must never resolve.
FAKE_HOST = "actiontrail.cn-hangzhou.aliyuncs.com.invalid"


def acs_client(port, ak, secret, token=None):
    if token:
        return AcsClient(credential=StsTokenCredential(ak, secret, token), region_id="cn-hangzhou", port=port)
    return AcsClient(ak, secret, "cn-hangzhou", port=port)


def call(c, op, method="POST", host="127.0.0.1", body_key=False, legacy_format=False, **params):
    """One SDK call: (status, body map or None, error code or None, message or None)."""
    req = REQUESTS[op]()
    req.set_endpoint(host)
    req.set_method(method)
    for name, value in params.items():
        if name == "AccessKey" and body_key:
            req.add_body_params(name, value)
        else:
            req.add_query_param(name, value)
    try:
        if legacy_format:
            # The deprecated do_action leaves Format unset, which this SDK sends as `Format=None`.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                raw = c.do_action(req)
        else:
            raw = c.do_action_with_exception(req)
        return 200, json.loads(raw), None, None
    except ServerException as e:
        return e.get_http_status(), None, e.get_error_code(), e.get_error_msg()
    except ClientException as e:
        return None, None, "ClientException:" + e.get_error_code(), e.get_error_msg()
    except Exception as e:  # an SDK crash (the IndexError of old) is a failure, not a pass
        return None, None, "crash:" + repr(e), None


def same_as_cli(kt, db, c, name, **kw):
    """Every operation (both pages of the listings) equals the CLI's answer."""
    for op in ["products", "info"]:
        status, body, code, _ = call(c, op, AccessKey=KEY, **kw)
        check(status == 200 and without_id(body) == without_id(cli(kt, db, op, KEY)),
              f"{name} {op} equals the CLI's ({status} {code})")
    for op in ["events", "ips", "resources"]:
        status, body, code, _ = call(c, op, AccessKey=KEY, ServiceName="Ecs", PageSize="2", **kw)
        want = cli(kt, db, op, KEY, service="Ecs", page_size="2")
        check(status == 200 and without_id(body) == without_id(want), f"{name} {op} page 1 equals the CLI's ({code})")
        token = (body or {}).get("NextToken")
        check(bool(token), f"{name} {op} page 1 has a NextToken")
        if token:
            status, body2, code, _ = call(c, op, AccessKey=KEY, ServiceName="Ecs", PageSize="2", NextToken=token, **kw)
            want2 = cli(kt, db, op, KEY, service="Ecs", page_size="2", token=token)
            check(status == 200 and without_id(body2) == without_id(want2),
                  f"{name} {op} page 2 equals the CLI's ({code})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keytrail", required=True)
    ap.add_argument("--samples", required=True)
    a = ap.parse_args()
    kt = os.path.abspath(a.keytrail)
    _, db, srv = indexed_server(kt, a.samples, "keytrail-rpc-sdk-")
    port = srv.port
    print(f"keytrail serve on port {port} (older RPC SDK)")

    plain = acs_client(port, "LTAI_CALLER_ID", "caller-secret")
    sts = acs_client(port, "STS.CALLER_ID", "sts-secret", token="a-security-token")
    for method in ["POST", "GET"]:
        same_as_cli(kt, db, plain, f"RPC {method}", method=method)
        same_as_cli(kt, db, sts, f"RPC STS {method}", method=method)

    status, body, code, _ = call(plain, "products", body_key=True, AccessKey=KEY)
    check(status == 200 and without_id(body) == without_id(cli(kt, db, "products", KEY)),
          f"RPC AccessKey in a form body equals the CLI's ({code})")
    status, body, code, _ = call(plain, "products", legacy_format=True, AccessKey=KEY)
    check(status == 200 and without_id(body) == without_id(cli(kt, db, "products", KEY)),
          f"RPC Format=None (do_action) equals the CLI's ({code})")

    # Errors come back as the SDK's ServerException, never a crash.
    for method in ["POST", "GET"]:
        status, _, code, msg = call(acs_client(port, "LTAI_CALLER_ID", "wrong-secret"), "products", method=method,
                                    AccessKey=KEY)
        # The SDK compares our string to sign with its own and, equal, names the wrong secret.
        check((status, code) == (400, "InvalidAccessKeySecret"),
              f"RPC wrong secret {method}: ServerException InvalidAccessKeySecret (400), got {status} {code} {msg}")
    status, _, code, msg = call(acs_client(port, "STS.CALLER_ID", "wrong", token="t"), "info", AccessKey=KEY)
    check((status, code) == (400, "InvalidAccessKeySecret"), f"RPC STS wrong secret: got {status} {code} {msg}")
    status, _, code, _ = call(plain, "products", AccessKey="")
    check((status, code) == (400, "InvalidQueryParameter"), f"RPC empty AccessKey: InvalidQueryParameter, got {code}")
    status, _, code, _ = call(acs_client(port, "LTAI_NOBODY", "x"), "products", AccessKey=KEY)
    check((status, code) == (404, "InvalidAccessKeyId.NotFound"), f"RPC unknown caller: got {status} {code}")
    status, _, code, _ = call(plain, "events", AccessKey=KEY, ServiceName="Ecs", PageSize="101")
    check((status, code) == (400, "InvalidQueryParameter"), f"RPC PageSize 101: got {status} {code}")

    # Through HTTP_PROXY (the SDK reads it per request): a host name that does not exist, the request
    # line in absolute form, answered by the server it names as the proxy.
    proxy = f"http://127.0.0.1:{port}"
    os.environ["HTTP_PROXY"] = os.environ["HTTPS_PROXY"] = proxy
    try:
        via = AcsClient("LTAI_CALLER_ID", "caller-secret", "cn-hangzhou")
        for method in ["POST", "GET"]:
            status, body, code, msg = call(via, "products", method=method, host=FAKE_HOST, AccessKey=KEY)
            check(status == 200 and without_id(body) == without_id(cli(kt, db, "products", KEY)),
                  f"RPC through HTTP_PROXY {method} equals the CLI's ({status} {code} {msg})")
        status, _, code, _ = call(AcsClient("LTAI_CALLER_ID", "bad", "cn-hangzhou"), "products", host=FAKE_HOST,
                                  AccessKey=KEY)
        check((status, code) == (400, "InvalidAccessKeySecret"), f"RPC through HTTP_PROXY, wrong secret: got {code}")
    finally:
        del os.environ["HTTP_PROXY"], os.environ["HTTPS_PROXY"]

    log = "".join(srv.log)
    check("caller-secret" not in log and "sts-secret" not in log and "Signature=" not in log
          and "a-security-token" not in log, "access log holds no secret, signature or security token")
    check(srv.stop() == 0, "SIGTERM: exit 0")
    if failures:
        print(f"\n{len(failures)} check(s) failed")
        sys.exit(1)
    print("\nall older-RPC-SDK end-to-end checks passed")


if __name__ == "__main__":
    main()
