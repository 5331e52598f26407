#!/usr/bin/env bash
# keytrail report in a real browser: headless Chromium (Debian's, installed here when missing)
# renders the page of a 5,000-key index with no console error, the expected sections and charts
# are in its DOM, the page is self-contained (no script, nothing fetched) and under 2 MB, and a
# screenshot is left in .build/report/ for a person to look at.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium >&2
fi
keytrail="$root/.build/debug/keytrail"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "report check: $*" >&2; exit 1; }
"$root/.build/debug/keytrail-synth" --out "$work/archive" --format oss-plain --events 30000 --keys 5000 \
  --services 12 --seed 21 >/dev/null
"$keytrail" ingest --quiet --db "$work/k.sqlite" "$work/archive"
# An inventory: every key seen but five, and ten that were never used.
"$keytrail" keys --db "$work/k.sqlite" --as-of latest --format csv | tail -n +2 | cut -d, -f1 > "$work/seen.txt"
seen=$(wc -l < "$work/seen.txt")
[ "$seen" -gt 4900 ] || fail "only $seen keys were generated"
tail -n +6 "$work/seen.txt" > "$work/inventory.txt"
for i in 0 1 2 3 4 5 6 7 8 9; do echo "LTAI5tNeverUsedKey00000$i" >> "$work/inventory.txt"; done
"$keytrail" report --db "$work/k.sqlite" --as-of latest --inventory "$work/inventory.txt" --unused-for 30 \
  --out "$work/report.html"
size=$(stat -c %s "$work/report.html")
[ "$size" -lt 2000000 ] || fail "the page is $size bytes (over 2 MB)"
grep -qi '<script' "$work/report.html" && fail "the page has a script"
grep -Eqi '(src|href)="(https?:)?//' "$work/report.html" && fail "the page fetches something"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0)
start=$(date +%s%N)
chromium "${flags[@]}" --dump-dom "file://$work/report.html" > "$work/dom.html" 2> "$work/console.log"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
grep -E 'CONSOLE|Uncaught|ERR_' "$work/console.log" && fail "the browser reported errors (above)"
for id in coverage summary keys details status-chart last-use-chart; do
  grep -q "id=\"$id\"" "$work/dom.html" || fail "no #$id in the rendered page"
done
rows=$(grep -o '<tr><td class="k">' "$work/dom.html" | wc -l)
[ "$rows" -eq $((seen + 10)) ] || fail "$rows key rows, expected $((seen + 10)) (every key seen, and 10 never seen)"
grep -q 'class="never-seen">never-seen' "$work/dom.html" || fail "no never-seen key"
grep -q 'class="not-in-inventory">not-in-inventory' "$work/dom.html" || fail "no key missing from the inventory"
[ "$(grep -o 'class="chart timeline"' "$work/dom.html" | wc -l)" -ge 50 ] || fail "too few service timelines"
[ "$(grep -o 'class="chart activity"' "$work/dom.html" | wc -l)" -ge 50 ] || fail "too few activity charts"
grep -q 'Least-privilege policy' "$work/dom.html" || fail "no policy"
mkdir -p "$root/.build/report"
chromium "${flags[@]}" --window-size=1200,1800 --screenshot="$root/.build/report/report.png" \
  "file://$work/report.html" 2>/dev/null
[ -s "$root/.build/report/report.png" ] || fail "no screenshot"
"$keytrail" report --db "$work/k.sqlite" --as-of latest --format markdown --out "$work/report.md" 2>/dev/null
grep -q '^## Keys, what needs action first' "$work/report.md" || fail "the Markdown form lacks the key table"
echo "report check: $((seen + 10)) keys, $size bytes, rendered by Chromium in $ms ms with no console error; screenshot .build/report/report.png"
