#!/usr/bin/env bash
# Installs the system C libraries keytrail links (SQLite, zlib, libdeflate, zstd), and tmux for the tests,
# when they are missing.
set -euo pipefail
need=()
# tmux: the progress-line tests drive a real terminal with it (they are skipped without it).
for pkg in libsqlite3-dev zlib1g-dev libdeflate-dev libzstd-dev pkg-config binutils tmux; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
# Tests/sdk/run.sh makes a virtualenv for the Python SDKs (the official one and the older RPC SDK).
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${need[@]}"
fi
