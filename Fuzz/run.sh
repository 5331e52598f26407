#!/usr/bin/env bash
# Builds the scanner/framing fuzz target with libFuzzer and AddressSanitizer into .build-fuzz/,
# seeds a corpus, and fuzzes for SECONDS (default 60). Not part of CI; see Fuzz/README.md.
#
#   bash Fuzz/run.sh [SECONDS]
#
# Environment: FUZZ_WORKERS (default 1) parallel workers (fork mode when above 1, crashes do
# not stop the run); FUZZ_BUILD_ONLY=1 builds and seeds without fuzzing. Extra libFuzzer flags
# can follow SECONDS, e.g. `bash Fuzz/run.sh 60 -only_ascii=1`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
workers=${FUZZ_WORKERS:-1}
out=.build-fuzz
mkdir -p "$out/crashes" "$out/corpus"

# --- build -------------------------------------------------------------------------------------
# The fuzz target links the two modules as the package builds them: KeytrailScan (the scanner) and
# KeytrailExtract (framing, shapes, extraction, the per-file reduce), each from its whole folder.
# `package` declarations are visible across them through one -package-name, as under SwiftPM.
flags=(-swift-version 6 -O -parse-as-library -sanitize=fuzzer,address -g -package-name keytrail
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
    -enable-upcoming-feature InternalImportsByDefault -warnings-as-errors)
sources() { find "Sources/$1" -name '*.swift' | LC_ALL=C sort; }
module() {
    local name=$1
    shift
    mapfile -t files < <(sources "$name")
    swiftc "${flags[@]}" -module-name "$name" -I "$out" -wmo -num-threads 0 "$@" \
        -emit-module -emit-module-path "$out/$name.swiftmodule" \
        -c "${files[@]}" -o "$out/$name.o"
}
echo "fuzz: building $out/fuzz-keytrail"
module KeytrailScan
module KeytrailExtract
swiftc "${flags[@]}" -module-name FuzzKeytrail -I "$out" \
    Fuzz/FuzzScanner.swift "$out/KeytrailScan.o" "$out/KeytrailExtract.o" -use-ld=lld -o "$out/fuzz-keytrail"

# --- seed corpus -------------------------------------------------------------------------------
cp Fuzz/seeds/* "$out/corpus/"
while IFS= read -r -d '' f; do
    name=sample-$(echo "${f#sample-logs/}" | tr '/' '_')
    if [ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' \n')" = 1f8b ]; then
        gzip -dc "$f" > "$out/corpus/${name%.gz}"
    else
        cp "$f" "$out/corpus/$name"
    fi
done < <(find sample-logs -type f -print0)
python3 Fuzz/generate-seeds.py "$out/corpus"
echo "fuzz: corpus $out/corpus has $(ls "$out/corpus" | wc -l) files"
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0

# --- fuzz --------------------------------------------------------------------------------------
args=(-max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048
    -dict=Fuzz/json.dict -artifact_prefix="$out/crashes/" -print_final_stats=1)
if [ "$workers" -gt 1 ]; then
    args+=(-fork="$workers" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
# Swift's own crash backtracer would read the stack under ASan; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no
echo "fuzz: $out/fuzz-keytrail ${args[*]} $* $out/corpus"
exec "$out/fuzz-keytrail" "${args[@]}" "$@" "$out/corpus"
