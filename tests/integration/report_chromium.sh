#!/bin/sh
# SPDX-License-Identifier: MIT
# Opens the HTML report of a short real run, with the regression gate's verdicts, in headless
# Chromium at 1300 px wide and checks that it loads without console errors, shows its plots,
# that every table fits the page's width, and that a screenshot of it is not blank.
# Without Chromium (or Python, which reads the screenshot) it is skipped (exit 77) on a
# developer's machine, and fails when the environment variable CI is set: CI installs them
# (scripts/install-deps.sh --browser).
#   tests/integration/report_chromium.sh SUITE_BINARY PNG_STATS_PY
set -eu
suite=$1
png_stats=$2
width=1300
height=1400

browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then
        browser=$b
        break
    fi
done
python=$(command -v python3 || true)
if [ -z "$browser" ] || [ -z "$python" ]; then
    missing=$([ -z "$browser" ] && echo Chromium || echo Python 3)
    case ${CI:-} in
    "" | false | 0)
        echo "SKIPPED: $missing is not installed (scripts/install-deps.sh --browser); report.html not checked"
        exit 77
        ;;
    esac
    echo "FAIL: $missing is not installed, and CI=$CI: in CI report.html must be checked in a browser (.ci/run installs it: scripts/install-deps.sh --browser)"
    exit 1
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Two short real runs: the first makes a baseline, the second is judged against it, so the
# report's gate column holds verdicts. The second may find a "regression" (exit 1): the page
# is what is checked here.
run_suite() { "$suite" --max-time 0.02 --min-rounds 5 --quiet -k 'not alloc' "$@"; }
run_suite --baseline "$dir/baseline.json" --update-baseline >"$dir/run1.log" 2>&1 ||
    { cat "$dir/run1.log"; echo "FAIL: the first run"; exit 1; }
status=0
run_suite --gate --baseline "$dir/baseline.json" --json "$dir/results.json" \
    --html "$dir/report.html" --svg "$dir/report.svg" >"$dir/run2.log" 2>&1 || status=$?
if [ "$status" -gt 1 ] || [ ! -s "$dir/report.html" ]; then
    cat "$dir/run2.log"
    echo "FAIL: the gated run exited $status"
    exit 1
fi

# Every flag keeps Chromium off the network and away from any profile but a fresh one; as
# root it needs --no-sandbox.
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
--disable-background-networking --disable-component-update --disable-sync \
--user-data-dir=$dir/profile --window-size=$width,$height --hide-scrollbars"

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
rows=$(grep -o '<tr class="\(ok\|bad\)">' "$dir/dom.html" | wc -l)
verdicts=$(grep -o '<td class="gate"><a href="#check-[0-9]*" title="[^"]*vs baseline' \
    "$dir/dom.html" | wc -l)
if [ "$svgs" -lt 1 ] || [ "$boxes" -lt 1 ] || [ "$rows" -lt 1 ] || [ "$verdicts" -lt 1 ]; then
    echo "FAIL: the report shows $svgs plots, $boxes boxes, $rows rows, $verdicts gate verdicts"
    exit 1
fi

# The layout, measured by Chromium: a copy of the page with a script that writes the window's
# width, the document's scroll width, the right edge of the widest table and the tallest and
# lowest rows of the results into the DOM. The report itself has no script.
sed 's|</body>|<script>(function () {\
  var right = 0, tall = 0, low = 1e9;\
  document.querySelectorAll("table").forEach(function (t) {\
    right = Math.max(right, t.getBoundingClientRect().right); });\
  document.querySelectorAll(".results tr.ok, .results tr.bad").forEach(function (r) {\
    var h = r.getBoundingClientRect().height; tall = Math.max(tall, h); low = Math.min(low, h); });\
  var p = document.createElement("pre"); p.id = "layout";\
  p.textContent = "layout " + window.innerWidth + " " + document.documentElement.scrollWidth +\
    " " + Math.ceil(right) + " " + Math.ceil(tall) + " " + Math.floor(low);\
  document.body.appendChild(p); })();</script></body>|' "$dir/report.html" >"$dir/measure.html"
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --dump-dom "file://$dir/measure.html" >"$dir/measure-dom.html" \
    2>/dev/null || { echo "FAIL: $browser could not load the measuring copy"; exit 1; }
layout=$(grep -o 'layout [0-9]* [0-9]* [0-9]* [0-9]* [0-9]*' "$dir/measure-dom.html" || true)
if [ -z "$layout" ]; then
    echo "FAIL: the measuring script wrote nothing"
    exit 1
fi
# shellcheck disable=SC2086
set -- $layout
inner=$2 scroll=$3 right=$4 tall=$5 low=$6
if [ "$inner" -ne "$width" ] || [ "$scroll" -gt "$inner" ] || [ "$right" -gt "$inner" ]; then
    echo "FAIL: at $width px the page is $scroll px wide, a table ends at $right px (window $inner px)"
    exit 1
fi
# One line a row: the gate's verdict no longer wraps (it took five lines a row).
if [ "$tall" -gt $((low * 3 / 2)) ]; then
    echo "FAIL: a results row is $tall px tall, the shortest $low px: cells wrap"
    exit 1
fi

# A screenshot proves the page renders to pixels: not one colour, ink near the top, and
# nothing drawn at the right edge (a table running off the page would be).
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --screenshot="$dir/shot.png" "file://$dir/report.html" \
    >/dev/null 2>&1 || { echo "FAIL: $browser could not take a screenshot"; exit 1; }
shot=$("$python" "$png_stats" "$dir/shot.png") || { echo "FAIL: $dir/shot.png: $shot"; exit 1; }
# shellcheck disable=SC2086
set -- $shot
shot_w=$1 colours=$3 background=$4 ink_top=$6 ink_right=$7
if [ "$shot_w" -ne "$width" ] || [ "$colours" -lt 16 ] || [ "$ink_top" -lt 0 ] ||
    [ "$ink_top" -gt 200 ] || [ "$ink_right" -ge $((width - 8)) ] ||
    ! awk -v b="$background" 'BEGIN { exit !(b < 0.99) }'; then
    echo "FAIL: the screenshot looks blank or cut: width $shot_w, $colours colours, background $background, ink from row $ink_top, to column $ink_right"
    exit 1
fi
if [ -n "${VITALS_KEEP_SCREENSHOT:-}" ]; then
    cp "$dir/shot.png" "$VITALS_KEEP_SCREENSHOT"
fi
echo "report.html in $browser at $width px: no console errors, $svgs plot, $boxes boxes," \
    "$rows rows ($verdicts gate verdicts), page $scroll px wide, widest table ends at $right px," \
    "rows $low-$tall px; screenshot: $colours colours, background $background, ink to column $ink_right"
