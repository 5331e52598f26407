#!/usr/bin/env bash
# Real Python SDKs, unchanged, against `keytrail serve`: makes .venv-sdk (once), installs from PyPI
# only what it lacks — the official SDK alibabacloud-actiontrail20200706 and the older RPC SDK
# aliyun-python-sdk-core + aliyun-python-sdk-actiontrail —, builds keytrail, runs e2e.py (the
# official SDK) and rpc_e2e.py (the older one), both also through HTTP_PROXY.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-sdk
want=(alibabacloud-actiontrail20200706==2.6.0 aliyun-python-sdk-core==2.16.1 aliyun-python-sdk-actiontrail==2.2.0)
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
has_all='
import importlib.metadata as m, sys
for spec in sys.argv[1:]:
    name, version = spec.split("==")
    try:
        assert m.version(name) == version
    except (m.PackageNotFoundError, AssertionError):
        sys.exit(1)
'
if ! "$venv/bin/python" -c "$has_all" "${want[@]}"; then
  "$venv/bin/pip" install -q --disable-pip-version-check "${want[@]}"
fi
swift build --product keytrail >/dev/null
swift build --product keytrail-synth >/dev/null
bin="$(swift build --show-bin-path)"
"$venv/bin/python" Tests/sdk/e2e.py --keytrail "$bin/keytrail" --synth "$bin/keytrail-synth" --samples sample-logs
"$venv/bin/python" Tests/sdk/rpc_e2e.py --keytrail "$bin/keytrail" --samples sample-logs
