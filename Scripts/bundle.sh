#!/usr/bin/env bash
# Makes keytrail-VERSION-linux-ARCH.tar.gz: a relocatable keytrail for machines without the Swift
# toolchain (Spark executors). The Swift runtime is linked statically; the system C libraries it
# links (SQLite, zlib, libdeflate, zstd) are shipped in lib/ and found through RUNPATH $ORIGIN/../lib;
# what remains is glibc, libstdc++ and libgcc_s (see README, "Backfills at scale").
#   bash Scripts/bundle.sh [OUT_DIR]     # default: the current directory; prints the tarball's path
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-.}" && cd "${1:-.}" && pwd)"
version="$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' "$root/Sources/KeytrailCLI/KeytrailCommand.swift")"
name="keytrail-$version-linux-$(uname -m)"
scratch="$root/.build/bundle"
# A build directory of its own: these flags must not mix with the normal release build's objects.
swift build --package-path "$root" --scratch-path "$scratch" -c release --product keytrail \
  --static-swift-stdlib -Xlinker -rpath -Xlinker '$ORIGIN/../lib' >&2
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/bin" "$stage/$name/lib"
cp "$scratch/release/keytrail" "$stage/$name/bin/"
for lib in libsqlite3.so.0 libz.so.1 libdeflate.so.0 libzstd.so.1; do
  path="$(ldd "$scratch/release/keytrail" | awk -v l="$lib" '$1 == l { print $3 }')"
  [ -n "$path" ] || { echo "bundle: $lib is not linked (ldd)" >&2; exit 1; }
  cp -L "$path" "$stage/$name/lib/$lib"
done
glibc="$(objdump -T "$stage/$name/bin/keytrail" "$stage/$name"/lib/* | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)"
cat > "$stage/$name/README" <<TEXT
keytrail $version for Linux $(uname -m): bin/keytrail runs from any directory (no Swift toolchain).
Needs glibc ${glibc#GLIBC_} or later, libstdc++ and libgcc_s (present on Debian 12, Ubuntu 22.04 and later).
SQLite, zlib, libdeflate and zstd are in lib/. See https://github.com/ (keytrail README) for usage.
TEXT
tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
