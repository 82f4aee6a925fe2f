#!/bin/sh
# SPDX-License-Identifier: MIT
# Other programs link the installed libraries as people expect. Installs this build tree to a
# temporary prefix, builds the other kind of library (shared or static) from the same sources
# into a second prefix, and in a folder outside the tree builds and runs, against each:
#   consumer/app.c   cc $(pkg-config [--static] --cflags --libs vitals), and a CMake project
#                    with find_package(vitals) and vitals::vitals; it imports two real sample
#                    exports and must find the records their .expected files count;
#   consumer/bench.c cc $(pkg-config [--static] --cflags --libs vbench): a benchmark written
#                    with the macros; heap figures are counted with the static libvbench only.
# Also checks the SONAME, the version and that the shared libraries export only the public API.
#   tests/integration/consumer.sh BUILD_DIR SOURCE_DIR VERSION LIBDIR SHARED(ON|OFF)
set -eu
build=$1 src=$2 version=$3 libdir=$4 shared=$5
major=${version%%.*}
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*"
    exit 1
}

fixtures=$src/tests/fixtures/apple-health
exports="$fixtures/tdda-applehealthdata/export6s3sample.xml
$fixtures/dogsheep-healthkit-to-sqlite/export.zip"
# The expected count comes from the fixtures' notes (grep/awk over the XML, not vitals).
expected=$(for e in $exports; do cat "$e.expected"; done | awk '$1 == "records" { n += $2 } END { print n }')
[ "$expected" -gt 0 ] || fail "no expected record count in the fixtures' .expected files"

mkdir "$tmp/app"
cp "$src/tests/integration/consumer/app.c" "$src/tests/integration/consumer/bench.c" \
    "$src/tests/integration/consumer/CMakeLists.txt" "$tmp/app/"
cd "$tmp/app"

# The prefixes: this build tree installed, and the other kind built from the same sources.
case $shared in
ON | on | 1 | TRUE | true) installed=shared other=static other_option=OFF ;;
*) installed=static other=shared other_option=ON ;;
esac
cmake --install "$build" --prefix "$tmp/$installed" >"$tmp/install-$installed.log" 2>&1 ||
    { cat "$tmp/install-$installed.log"; fail "cmake --install $build"; }
{ cmake -S "$src" -B "$tmp/build-$other" -DBUILD_SHARED_LIBS=$other_option \
    -DVITALS_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug &&
    cmake --build "$tmp/build-$other" -j 2 &&
    cmake --install "$tmp/build-$other" --prefix "$tmp/$other"; } >"$tmp/build-$other.log" 2>&1 ||
    { tail -30 "$tmp/build-$other.log"; fail "building the $other libraries"; }

needs() { # needs BINARY LIBRARY: whether BINARY is linked to the shared LIBRARY
    objdump -p "$1" | grep -q "NEEDED *$2"
}

for kind in shared static; do
    prefix=$tmp/$kind
    lib=$prefix/$libdir
    pc="pkg-config"
    if [ "$kind" = static ]; then
        pc="pkg-config --static"
    fi
    export PKG_CONFIG_PATH="$lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
    "$prefix/bin/vitals" --version | grep -q "$version" || fail "$kind: bin/vitals --version"

    if [ "$kind" = shared ]; then
        for name in vitals vbench; do
            [ -f "$lib/lib$name.so.$version" ] || fail "no $lib/lib$name.so.$version"
            [ "$(readlink "$lib/lib$name.so.$major")" = "lib$name.so.$version" ] ||
                fail "lib$name.so.$major is not a link to lib$name.so.$version"
            soname=$(objdump -p "$lib/lib$name.so" | awk '$1 == "SONAME" { print $2 }')
            [ "$soname" = "lib$name.so.$major" ] || fail "lib$name.so: SONAME '$soname'"
            [ ! -e "$lib/lib$name.a" ] || fail "lib$name.a installed beside lib$name.so"
        done
        # Only the public API: vt_*, vb_* and the vb__ functions bench.h's macros call.
        nm -D --defined-only "$lib/libvitals.so" | awk '{ print $3 }' >"$tmp/vitals.syms"
        nm -D --defined-only "$lib/libvbench.so" | awk '{ print $3 }' >"$tmp/vbench.syms"
        grep -qx vt_import "$tmp/vitals.syms" || fail "libvitals.so does not export vt_import"
        grep -qx vb_main "$tmp/vbench.syms" || fail "libvbench.so does not export vb_main"
        if grep -v '^vt_[a-z]' "$tmp/vitals.syms" ||
            grep -v -E '^(vb_[a-z]|vb__(register_or_die|loop_edge|loop_begin|loop_end|check)$)' \
                "$tmp/vbench.syms"; then
            fail "the shared libraries export the symbols above beyond their public API"
        fi
        # The shared case links plain: the dependencies come with libvitals.so.
        libs=$($pc --libs vitals)
        # shellcheck disable=SC2086
        set -- $libs
        if [ $# -ne 2 ] || [ "${1#-L}" = "$1" ] || [ "$2" != -lvitals ]; then
            fail "pkg-config --libs vitals: '$libs', not just -L and -lvitals"
        fi
    else
        for name in vitals vbench; do
            [ -f "$lib/lib$name.a" ] || fail "no $lib/lib$name.a"
            [ ! -e "$lib/lib$name.so" ] || fail "lib$name.so installed beside lib$name.a"
        done
    fi

    # pkg-config, as the README says.
    # shellcheck disable=SC2046
    "$cc" app.c $($pc --cflags --libs vitals) -o "app-$kind-pc" ||
        fail "$kind: cc app.c \$($pc --cflags --libs vitals)"
    # shellcheck disable=SC2046
    "$cc" bench.c $($pc --cflags --libs vbench) -o "bench-$kind-pc" ||
        fail "$kind: cc bench.c \$($pc --cflags --libs vbench)"
    # CMake, as the README says.
    { cmake -S . -B "cmake-$kind" -DCMAKE_PREFIX_PATH="$prefix" &&
        cmake --build "cmake-$kind"; } >"$tmp/cmake-$kind.log" 2>&1 ||
        { cat "$tmp/cmake-$kind.log"; fail "$kind: find_package(vitals) with vitals::vitals"; }

    if [ "$kind" = shared ]; then
        needs "app-$kind-pc" "libvitals.so.$major" || fail "app-shared-pc does not link libvitals.so"
        needs "cmake-$kind/app" "libvitals.so.$major" || fail "cmake-shared/app does not link libvitals.so"
        needs "bench-$kind-pc" "libvbench.so.$major" || fail "bench-shared-pc does not link libvbench.so"
        run_env="LD_LIBRARY_PATH=$lib"
    else
        for app in "app-$kind-pc" "cmake-$kind/app" "bench-$kind-pc"; do
            ! needs "$app" 'lib\(vitals\|vbench\)' || fail "$app links a shared libvitals or libvbench"
        done
        run_env="LD_LIBRARY_PATH="
    fi
    for app in "app-$kind-pc" "cmake-$kind/app"; do
        rm -f "$tmp/health.db"
        # shellcheck disable=SC2086
        env $run_env "./$app" "$version" "$expected" "$tmp/health.db" $exports ||
            fail "$kind: $app"
    done
    # shellcheck disable=SC2086
    env $run_env "./bench-$kind-pc" --max-time 0.01 --min-rounds 3 --quiet \
        --json "$tmp/bench-$kind.json" || fail "$kind: bench-$kind-pc"
    ran=$(grep -c '"fullname"' "$tmp/bench-$kind.json" || true)
    [ "$ran" -eq 2 ] || fail "$kind: bench-$kind-pc ran $ran benchmarks, not 2"
    counted=$(grep -c '"heap_peak_bytes": [0-9]' "$tmp/bench-$kind.json" || true)
    if [ "$kind" = static ] && [ "$counted" -ne 2 ]; then
        fail "static libvbench: heap counted for $counted of 2 benchmarks"
    elif [ "$kind" = shared ] && [ "$counted" -ne 0 ]; then
        fail "shared libvbench: heap counted, so it replaced the program's malloc"
    fi
    echo "$kind: pkg-config and find_package consumers built and ran; heap counted for $counted"
done
echo "consumers of the installed libraries: shared and static, pkg-config and CMake, passed"
