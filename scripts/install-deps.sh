#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages vitals needs to build and test, and only those missing.
# Usage: scripts/install-deps.sh [--bench] [--fuzz] [--browser]   (--bench adds the peers the
# benchmarks compare against, --fuzz the clang that builds the libFuzzer targets, --browser
# the Chromium and Python that the report_html_chromium test drives; .ci/run asks for it)
set -eu

PACKAGES="build-essential cmake pkg-config libsqlite3-dev libzip-dev libjansson-dev \
libcmocka-dev libxml2-dev libxml2-utils zip valgrind"
# `pkg-config --static --libs vitals` lists the private libraries of libzip and libxml2 too
# (-lbz2 -lssl -lcrypto -llzma): the consumer test links the static libvitals.a that way.
PACKAGES="$PACKAGES libbz2-dev libssl-dev liblzma-dev"
BENCH_PACKAGES="python3 python3-pandas sqlite3"
FUZZ_PACKAGES="clang libclang-rt-14-dev"  # the runtime with libFuzzer is only recommended
BROWSER_PACKAGES="chromium python3"

for option in "$@"; do
    case $option in
    --bench) PACKAGES="$PACKAGES $BENCH_PACKAGES" ;;
    --fuzz) PACKAGES="$PACKAGES $FUZZ_PACKAGES" ;;
    --browser) PACKAGES="$PACKAGES $BROWSER_PACKAGES" ;;
    *)
        echo "usage: scripts/install-deps.sh [--bench] [--fuzz] [--browser]" >&2
        exit 2
        ;;
    esac
done

missing=""
for pkg in $PACKAGES; do
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing="$missing $pkg"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages; run: sudo apt-get install -y$missing" >&2
    exit 1
fi

echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists; update once when a package cannot be found.
# shellcheck disable=SC2086
if ! apt-get install -y --no-install-recommends $missing; then
    apt-get update
    # shellcheck disable=SC2086
    apt-get install -y --no-install-recommends $missing
fi
