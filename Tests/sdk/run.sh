#!/usr/bin/env bash
# The official Python SDK, unchanged, against `keytrail serve`: makes .venv-sdk (once), installs
# alibabacloud-actiontrail20200706 from PyPI, builds keytrail, runs e2e.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-sdk
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check 'alibabacloud-actiontrail20200706==2.6.0'
swift build --product keytrail >/dev/null
swift build --product keytrail-synth >/dev/null
bin="$(swift build --show-bin-path)"
exec "$venv/bin/python" Tests/sdk/e2e.py --keytrail "$bin/keytrail" --synth "$bin/keytrail-synth" --samples sample-logs
