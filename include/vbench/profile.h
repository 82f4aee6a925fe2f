/* SPDX-License-Identifier: MIT */
/* Profiles and instruction counts: valgrind's callgrind and DHAT, the CPU's hardware counters. */
#ifndef VBENCH_PROFILE_H
#define VBENCH_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "vbench/error.h"
#include "vbench/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Profilers of --profile. */
typedef enum vb_profile_kind { VB_PROFILE_CPU, VB_PROFILE_HEAP } vb_profile_kind;

/** Whether `valgrind` can be run from PATH (checked once per process; not thread-safe the
    first time). */
bool vb_valgrind_available(void);

/**
 * Runs the benchmark once more in a child of this executable under valgrind: cpu through
 * callgrind with collection only around the timed loop (`iterations` iterations, callgrind's
 * output for callgrind_annotate and KCachegrind), heap through DHAT (dhat/dh_view.html). Writes
 * DIR/<fullname with / and [] replaced>.callgrind.out or .dhat.json, and its path into `path`.
 * Returns VB_ERR_UNSUPPORTED when valgrind is missing, VB_ERR_IO when the run fails. The
 * program must be a vb_main suite (it is re-run with --vb-exact).
 */
vb_status vb_profile_bench(const vb_bench *bench, vb_profile_kind kind, const char *dir,
                           long long iterations, char *path, size_t path_size, vb_error *err);

/**
 * Counts the instructions per iteration of the benchmark with callgrind into `*per_iter`:
 * `iterations` iterations in one round, collection only around the loop. Returns
 * VB_ERR_UNSUPPORTED when valgrind is missing (the caller falls back to time and says so).
 */
vb_status vb_count_instructions(const vb_bench *bench, long long iterations, double *per_iter,
                                vb_error *err);

/**
 * Whether hardware event counters can be read (perf_event_open on Linux; not in most VMs):
 * then the counting round after the measurement also reports instructions, cycles, branch
 * misses and cache misses per iteration. Tried once per process (not thread-safe the first
 * time).
 */
bool vb_hw_available(void);

#ifdef __cplusplus
}
#endif
#endif
