#!/usr/bin/env bash
# Installs what Scripts/spark/backfill.py needs, only when missing: Java 17 (Debian's
# openjdk-17-jre-headless) and PySpark (pinned) in the virtualenv .venv-spark at the repository root.
# Prints the virtualenv's python.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
pyspark_version="3.5.3"
if ! command -v java >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y openjdk-17-jre-headless >&2
fi
venv="$root/.venv-spark"
if ! "$venv/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$pyspark_version')" 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pyspark==$pyspark_version" >&2
fi
echo "$venv/bin/python"
