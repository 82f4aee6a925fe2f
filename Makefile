# SPDX-License-Identifier: MIT
# The front door: make test, make bench, make asan, make valgrind, make fuzz, make install,
# make clean.
# Each target installs the Debian packages it needs that are missing (scripts/install-deps.sh).
# Where make itself is missing (a bare Debian 12), ./make installs it first: `./make bench`,
# `./make test` are the README's two commands.

BUILD          ?= build
RELEASE        ?= build/release
ASAN_BUILD     ?= build/asan
VALGRIND_BUILD ?= build/valgrind
FUZZ_BUILD     ?= build/fuzz
FUZZ_SECONDS   ?= 60
FUZZ_TARGETS   ?= reader_xml reader_zip time time_of_day baseline xml_differential
JOBS         ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX       ?= /usr/local
WERROR       ?= OFF
CMAKE        ?= cmake
CTEST        ?= ctest
BENCH_ARGS   ?=
CMAKE_ARGS   ?=

.PHONY: all test bench bench-compare asan valgrind fuzz install clean deps bench-deps configure build help

all: build

help:
	@echo "make test     build everything and run every test (unit, smoke, integration)"
	@echo "make bench    Release build, then the performance suite and its reports"
	@echo "make bench-compare [BASE=rev]  base and this tree alternated, paired verdicts"
	@echo "make asan     the test suite under AddressSanitizer and UBSan"
	@echo "make valgrind the unit tests under valgrind memcheck (zero errors, zero leaks)"
	@echo "make fuzz     build the libFuzzer targets with clang, run each FUZZ_SECONDS (60)"
	@echo "make install  install libraries, headers, pkg-config and CMake files to PREFIX"
	@echo "make clean    remove build trees"
	@echo "./make X is make X that first installs make and the build packages where make is missing"

deps:
	@sh scripts/install-deps.sh

bench-deps:
	@sh scripts/install-deps.sh --bench

$(BUILD)/CMakeCache.txt: | deps
	$(CMAKE) -S . -B $(BUILD) -DVITALS_WERROR=$(WERROR) $(CMAKE_ARGS)

configure: deps
	$(CMAKE) -S . -B $(BUILD) -DVITALS_WERROR=$(WERROR) $(CMAKE_ARGS)

build: configure
	$(CMAKE) --build $(BUILD) -j $(JOBS)

test: build
	$(CTEST) --test-dir $(BUILD) --output-on-failure -j $(JOBS) -LE performance

bench: bench-deps
	$(CMAKE) -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DVITALS_WERROR=$(WERROR) $(CMAKE_ARGS)
	$(CMAKE) --build $(RELEASE) -j $(JOBS)
	@sh scripts/run-bench.sh $(RELEASE) $(BENCH_ARGS)

# The pull-request check: BASE (default: the merge base with main) and this working tree, run
# in alternation and judged on paired ratios; reports in build/compare/.
bench-compare: bench-deps
	@BASE="$(BASE)" HEAD_BUILD="$(RELEASE)" JOBS="$(JOBS)" sh scripts/bench-compare.sh $(BENCH_ARGS)

asan: deps
	$(CMAKE) -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DVITALS_SANITIZE=ON -DVITALS_WERROR=$(WERROR) $(CMAKE_ARGS)
	$(CMAKE) --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(CTEST) --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -LE performance

# Each unit test runs under memcheck (CTest runs it through the "emulator"); any error or a
# definite or indirect leak fails the test. Suppressions: scripts/valgrind.supp. Each
# process's report goes to $(VALGRIND_BUILD)/memcheck/<pid>.log; a summary ends the run.
MEMCHECK_LOGS = $(CURDIR)/$(VALGRIND_BUILD)/memcheck
VALGRIND_CMD = valgrind;--tool=memcheck;--error-exitcode=1;--leak-check=full;--errors-for-leak-kinds=definite,indirect;--show-leak-kinds=definite,indirect;--track-origins=yes;--suppressions=$(CURDIR)/scripts/valgrind.supp;--log-file=$(MEMCHECK_LOGS)/%p.log

valgrind: deps
	$(CMAKE) -S . -B $(VALGRIND_BUILD) -DCMAKE_BUILD_TYPE=Debug -DVITALS_WERROR=$(WERROR) \
	  "-DCMAKE_CROSSCOMPILING_EMULATOR=$(VALGRIND_CMD)" $(CMAKE_ARGS)
	$(CMAKE) --build $(VALGRIND_BUILD) -j $(JOBS)
	rm -rf $(MEMCHECK_LOGS) && mkdir -p $(MEMCHECK_LOGS)
	VITALS_UNDER_VALGRIND=1 $(CTEST) --test-dir $(VALGRIND_BUILD) --output-on-failure -j $(JOBS) -L unit; \
	  status=$$?; sh scripts/memcheck-summary.sh $(MEMCHECK_LOGS); exit $$status

fuzz:
	@sh scripts/install-deps.sh --fuzz
	$(CMAKE) -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DVITALS_FUZZ=ON -DVITALS_WERROR=$(WERROR) $(CMAKE_ARGS)
	$(CMAKE) --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@sh scripts/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# ldconfig (as root) makes a new libvitals.so.0 in /usr/local/lib known to the loader.
install: build
	$(CMAKE) --install $(BUILD) --prefix $(PREFIX)
	@if [ "$$(id -u)" -eq 0 ] && command -v ldconfig >/dev/null 2>&1; then ldconfig; fi

clean:
	rm -rf $(BUILD) $(RELEASE) $(ASAN_BUILD) $(FUZZ_BUILD) $(VALGRIND_BUILD)
