#!/bin/sh
# SPDX-License-Identifier: MIT
# make, brought along: `./make bench`, `./make test`, or any other target and variable of the
# Makefile. Where make is missing (a bare Debian 12), it first installs the Debian packages
# the build needs (scripts/install-deps.sh, which needs root or prints the apt-get line), then
# runs make with the same arguments. Where make is installed, `./make X` is `make X`.
# Needs only a POSIX sh.
set -eu
cd "$(dirname "$0")"
if ! command -v make >/dev/null 2>&1; then
    echo "./make: make is not installed; installing the build packages first" >&2
    sh scripts/install-deps.sh
fi
exec make "$@"
