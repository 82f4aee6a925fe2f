#!/bin/sh
# SPDX-License-Identifier: MIT
# Opens the HTML report of a short real run in headless Chromium and checks that it loads
# without console errors and shows its plots. Skipped (exit 77) when Chromium is not installed:
# apt-get install chromium.
#   tests/integration/report_chromium.sh SUITE_BINARY
set -eu
suite=$1
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then
        browser=$b
        break
    fi
done
if [ -z "$browser" ]; then
    echo "SKIPPED: Chromium is not installed (apt-get install chromium); report.html not checked"
    exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# A short real run: statistics for the plots, in a second or two.
"$suite" --max-time 0.02 --min-rounds 5 --quiet -k 'not alloc' \
    --json "$dir/results.json" --html "$dir/report.html" --svg "$dir/report.svg"
test -s "$dir/report.html"
flags="--headless --no-sandbox --disable-gpu --disable-background-networking \
--disable-component-update --disable-sync --no-first-run --user-data-dir=$dir/profile"
# The DOM as Chromium built it, and everything the page wrote to the console.
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --enable-logging=stderr --v=0 --dump-dom \
    "file://$dir/report.html" >"$dir/dom.html" 2>"$dir/console.log" || {
    echo "FAIL: $browser could not load the report"; cat "$dir/console.log"; exit 1; }
if grep -E 'CONSOLE|Uncaught|SyntaxError|Failed to load' "$dir/console.log"; then
    echo "FAIL: the report wrote to the console"
    exit 1
fi
boxes=$(grep -o '<rect class="box"' "$dir/dom.html" | wc -l)
svgs=$(grep -o '<svg' "$dir/dom.html" | wc -l)
rows=$(grep -o '<tr class="ok">' "$dir/dom.html" | wc -l)
if [ "$svgs" -lt 1 ] || [ "$boxes" -lt 1 ] || [ "$rows" -lt 1 ]; then
    echo "FAIL: the report shows $svgs plots, $boxes boxes, $rows rows"
    exit 1
fi
# A screenshot proves the page renders to pixels (not blank).
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --window-size=1100,1400 --screenshot="$dir/shot.png" \
    "file://$dir/report.html" >/dev/null 2>&1
test -s "$dir/shot.png"
echo "report.html: loaded in $browser without console errors, $svgs plot, $boxes boxes, $rows rows"
