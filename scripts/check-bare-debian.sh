#!/bin/sh
# SPDX-License-Identifier: MIT
# Proves the README's front door on a bare machine: bootstraps a minimal Debian 12 (debootstrap
# --variant=minbase: no compiler, no make, no git) into a folder, clones the committed HEAD of
# this repository into it, and runs the README's two commands there as root with nothing done
# before: `./make bench`, then `./make test`. Prints the time and the outcome of each; exit 0
# when both pass. Needs root on a Debian host; takes about 10 minutes and 3 GB of disk
# (`./make bench` generates 1 GB of inputs). Not part of CI. Run it on a quiet machine: `./make
# bench` judges against the committed baseline, made quiet (its load average is printed).
#   scripts/check-bare-debian.sh [FOLDER]   (default /tmp/vitals-bare-debian, made anew)
# DEBIAN_MIRROR=URL chooses the archive debootstrap reads (default: debootstrap's own).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
root=${1:-/tmp/vitals-bare-debian}
logs="$root.logs"

say() { printf 'check-bare-debian: %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    say "needs root (debootstrap, mount, chroot)"
    exit 2
fi
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
    say "note: uncommitted changes are not checked; the chroot gets HEAD $(git -C "$repo" rev-parse --short HEAD)"
fi
if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap ||
        { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
            --no-install-recommends debootstrap; }
fi

# Everything mounted below the chroot is unmounted on any exit, in reverse order.
mounted=""
cleanup() {
    for m in $mounted; do
        umount -R "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "could not unmount $m"
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if grep -q " $root/" /proc/mounts; then
    say "$root still has file systems mounted below it; unmount them first"
    exit 2
fi
if [ -e "$root" ]; then
    if [ -z "${1:-}" ]; then
        rm -rf "$root" # our own default folder, left by an earlier run
    elif [ -n "$(ls -A "$root")" ]; then
        say "$root is not empty; give a new or empty folder"
        exit 2
    fi
fi
rm -rf "$logs"
mkdir -p "$root" "$logs"

started=$(date +%s)
say "debootstrap bookworm (minbase) into $root"
# shellcheck disable=SC2086
if ! debootstrap --variant=minbase bookworm "$root" ${DEBIAN_MIRROR:-} >"$logs/debootstrap.log" 2>&1; then
    tail -20 "$logs/debootstrap.log" >&2
    say "FAIL: debootstrap (log: $logs/debootstrap.log)"
    exit 1
fi
bootstrap_s=$(($(date +%s) - started))

# What a booted machine has: proc, sys, dev with pts and shm, and name resolution.
mount -t proc proc "$root/proc" && mounted="$root/proc $mounted"
mount -t sysfs sysfs "$root/sys" && mounted="$root/sys $mounted"
mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" && mounted="$root/dev $mounted"
cp /etc/resolv.conf "$root/etc/resolv.conf"

for tool in make cc gcc git cmake; do
    if chroot "$root" sh -c "command -v $tool" >/dev/null 2>&1; then
        say "FAIL: the bootstrap is not bare: it has $tool"
        exit 1
    fi
done

# The clone is made by the host's git (the chroot has none), of the committed HEAD.
head=$(git -C "$repo" rev-parse HEAD)
git clone --quiet --no-local --no-checkout "$repo" "$root/root/vitals"
git -C "$root/root/vitals" checkout --quiet --detach "$head"
say "cloned $(git -C "$repo" rev-parse --short HEAD) into $root/root/vitals"

# Runs one README command in the chroot as root, with a clean login-like environment; sets
# step_status and step_s (seconds).
run_step() {
    name=$1
    shift
    say "running in the chroot: $*"
    t0=$(date +%s)
    step_status=0
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        sh -c "cd /root/vitals && $*" </dev/null >"$logs/$name.log" 2>&1 || step_status=$?
    step_s=$(($(date +%s) - t0))
    step_load=$(cut -d' ' -f1-3 /proc/loadavg)
}

run_step bench ./make bench
bench_status=$step_status bench_s=$step_s bench_load=$step_load
run_step test ./make test
test_status=$step_status test_s=$step_s test_load=$step_load

# The figures: what the suite ran and wrote, and the tests' closing line.
suite=$(grep -E '^[0-9]+ benchmarks, exit' "$logs/bench.log" | tail -1)
failed=$(grep -c '^failed ' "$logs/bench.log" || true)
reports=$(cd "$root/root/vitals/build/bench" 2>/dev/null && echo *)
tests=$(grep -E 'tests passed|tests failed' "$logs/test.log" | tail -1)

echo "check-bare-debian: Debian 12 minbase bootstrapped in ${bootstrap_s} s; HEAD $head"
echo "  ./make bench: exit $bench_status in ${bench_s} s; suite: ${suite:-none}, $failed failed;" \
    "reports: $reports; load average at the end $bench_load"
echo "  ./make test:  exit $test_status in ${test_s} s; $tests; load average at the end $test_load"
echo "  logs: $logs/bench.log, $logs/test.log"
if [ "$bench_status" -ne 0 ] && [ -n "$suite" ] && [ "$(echo "$reports" | wc -w)" -eq 6 ]; then
    echo "  ./make bench installed, built, ran the suite and wrote its 6 reports: what failed is"
    echo "  the suite's own verdict ($failed benchmarks), which a loaded host (load average above)"
    echo "  makes fail; run again on a quiet machine."
fi
if [ "$bench_status" -ne 0 ] || [ "$test_status" -ne 0 ]; then
    for name in bench test; do
        echo "--- last lines of $logs/$name.log"
        tail -25 "$logs/$name.log"
    done
    echo "check-bare-debian: FAIL"
    exit 1
fi
echo "check-bare-debian: PASS"
