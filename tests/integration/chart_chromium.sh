#!/bin/sh
# SPDX-License-Identifier: MIT
# Opens pages of `vitals chart` in headless Chromium: a generated year (weekly points), one
# day with a metric that has no data, a database with nothing to chart, and two real sample
# exports. Each must load without console errors, keep every chart and point of the file in
# the DOM and render to a screenshot 1300 px wide that is not blank; the year prints to PDF.
# Skipped (exit 77) when Chromium is not installed, except when CI is set: there it fails.
#   tests/integration/chart_chromium.sh VITALS_BINARY FIXTURES_DIR
set -eu
vitals=$1
fixtures=$2
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then
        browser=$b
        break
    fi
done
if [ -z "$browser" ]; then
    if [ -n "${CI:-}" ]; then
        echo "FAIL: CI is set and Chromium is not installed (apt-get install chromium)"
        exit 1
    fi
    echo "SKIPPED: Chromium is not installed (apt-get install chromium); chart pages not checked"
    exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$vitals" generate --days 400 --per-day 60 --db "$dir/year.db" 2>/dev/null
"$vitals" chart --db "$dir/year.db" -o "$dir/year.html"
"$vitals" generate --days 1 --start 2021-06-15 --metrics steps,body_mass --db "$dir/day.db" \
    2>/dev/null
"$vitals" chart --db "$dir/day.db" -o "$dir/day.html" --metrics steps,body_mass,sleep
"$vitals" generate --days 3 --metrics blood_pressure --db "$dir/none.db" 2>/dev/null
status=0
"$vitals" chart --db "$dir/none.db" -o "$dir/none.html" 2>/dev/null || status=$?
test "$status" -eq 1
"$vitals" import "$fixtures/apple-health/tdda-applehealthdata/export6s3sample.xml" --quiet \
    --db "$dir/tdda.db"
"$vitals" chart --db "$dir/tdda.db" -o "$dir/tdda.html"
"$vitals" import "$fixtures/apple-health/dogsheep-healthkit-to-sqlite/export.zip" --quiet \
    --db "$dir/dogsheep.db"
"$vitals" chart --db "$dir/dogsheep.db" -o "$dir/dogsheep.html" --metrics all

flags="--headless --no-sandbox --disable-gpu --disable-quic --disable-background-networking \
--disable-component-update --disable-sync --no-first-run --user-data-dir=$dir/profile"
count() {
    grep -o "$1" "$2" | wc -l
}
for page in year day none tdda dogsheep; do
    html="$dir/$page.html"
    # The DOM as Chromium built it, and everything the page wrote to the console.
    # shellcheck disable=SC2086
    timeout 120 "$browser" $flags --enable-logging=stderr --v=0 --dump-dom "file://$html" \
        >"$dir/$page.dom" 2>"$dir/$page.log" || {
        echo "FAIL: $browser could not load $page.html"; cat "$dir/$page.log"; exit 1; }
    if grep -E 'CONSOLE|Uncaught|SyntaxError|Failed to load|Refused to' "$dir/$page.log"; then
        echo "FAIL: $page.html wrote to the console"
        exit 1
    fi
    for what in '<svg' '<circle' '<section' 'class="nodata"'; do
        in_file=$(count "$what" "$html")
        in_dom=$(count "$what" "$dir/$page.dom")
        if [ "$in_file" -ne "$in_dom" ]; then
            echo "FAIL: $page.html has $in_file '$what', Chromium's DOM $in_dom"
            exit 1
        fi
    done
    # A screenshot proves the page renders to pixels: a blank one is about 8 KB.
    # shellcheck disable=SC2086
    timeout 120 "$browser" $flags --window-size=1300,1400 --screenshot="$dir/$page.png" \
        "file://$html" >/dev/null 2>&1
    size=$(wc -c <"$dir/$page.png")
    if [ "$size" -lt 20000 ]; then
        echo "FAIL: the screenshot of $page.html is blank ($size bytes)"
        exit 1
    fi
    # The print stylesheet: Chromium prints the charts to PDF.
    if [ "$page" = year ]; then
        # shellcheck disable=SC2086
        timeout 120 "$browser" $flags --no-pdf-header-footer --print-to-pdf="$dir/$page.pdf" \
            "file://$html" >/dev/null 2>&1
        if ! head -c 5 "$dir/$page.pdf" | grep -q '%PDF-'; then
            echo "FAIL: $page.html did not print to PDF"
            exit 1
        fi
    fi
    echo "$page.html: loaded in $browser without console errors;" \
        "$(count '<svg' "$html") charts, $(count '<circle' "$html") points," \
        "$(count 'class="nodata"' "$html") without data; screenshot $size bytes"
done
# What each page must show.
test "$(count '<svg' "$dir/year.dom")" -eq 6
test "$(count '<svg' "$dir/day.dom")" -eq 2
test "$(count 'class="nodata"' "$dir/day.dom")" -eq 1
test "$(count 'id="nodata"' "$dir/none.dom")" -eq 1
test "$(count '<circle' "$dir/tdda.dom")" -eq 1
test "$(count '<circle' "$dir/dogsheep.dom")" -eq 2
