#!/usr/bin/env bash
# The relocatable bundle, checked as an executor would use it: unpacked elsewhere, ldd shows no
# Swift runtime library and nothing from the toolchain, and with the toolchain hidden (a private
# mount namespace puts an empty directory over it) the bundled binary ingests sample-logs and
# answers as the build tree's binary does.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(bash "$root/Scripts/bundle.sh" "$work")"
tar -C "$work" -xzf "$tarball"
dir="$(echo "$work"/keytrail-*-linux-*/)"
dir="${dir%/}"
bin="$dir/bin/keytrail"
toolchain="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"   # e.g. /opt/swift/usr
fail() { echo "bundle check: $*" >&2; exit 1; }
deps="$(ldd "$bin")"
echo "$deps" | grep -qi swift && fail "ldd shows a Swift library:"$'\n'"$deps"
echo "$deps" | grep -qF "$toolchain" && fail "ldd shows the toolchain ($toolchain):"$'\n'"$deps"
for lib in libsqlite3.so.0 libz.so.1 libdeflate.so.0 libzstd.so.1; do
  echo "$deps" | grep -qF "$lib => $dir/bin/../lib/$lib" || fail "$lib is not the bundled one:"$'\n'"$deps"
done
key=LTAI5tv6QCVFimUPfpBMBSH6
run_hidden() {
  # Hide the toolchain when a mount namespace is allowed (root, or unprivileged user namespaces).
  if unshare -m true 2>/dev/null; then
    unshare -m bash -c "mount -t tmpfs none '$toolchain' && env -i PATH=/usr/bin:/bin \"\$@\"" _ "$@"
  elif unshare -rm true 2>/dev/null; then
    unshare -rm bash -c "mount -t tmpfs none '$toolchain' && env -i PATH=/usr/bin:/bin \"\$@\"" _ "$@"
  else
    echo "bundle check: no mount namespace here; running with a bare environment only" >&2
    env -i PATH=/usr/bin:/bin "$@"
  fi
}
run_hidden "$bin" --version | grep -q '^keytrail ' || fail "--version"
# The hiding works: the build tree's binary, which links the toolchain's runtime, cannot start.
if unshare -m true 2>/dev/null || unshare -rm true 2>/dev/null; then
  if run_hidden "$root/.build/debug/keytrail" --version >/dev/null 2>&1; then
    fail "the toolchain is not hidden: a binary linked to its runtime still runs"
  fi
fi
run_hidden "$bin" ingest --quiet --db "$work/b.sqlite" "$root/sample-logs"
mask() { sed -E 's/[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/<UUID>/g'; }
got="$(run_hidden "$bin" products "$key" --db "$work/b.sqlite" --as-of latest 2>/dev/null | mask)"
"$root/.build/debug/keytrail" ingest --quiet --db "$work/d.sqlite" "$root/sample-logs"
want="$("$root/.build/debug/keytrail" products "$key" --db "$work/d.sqlite" --as-of latest 2>/dev/null | mask)"
[ "$got" = "$want" ] || fail "the bundled binary answers differently"
echo "bundle check: $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB) runs without the toolchain; answers equal"
