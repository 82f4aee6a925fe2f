/* SPDX-License-Identifier: MIT */
/* What libvbench's own tests call beyond the public headers: the injection points (a clock, a
   fresh registry) and internal pieces tested on their own. Not installed; not for users. */
#ifndef VBENCH_VB_TESTING_H
#define VBENCH_VB_TESTING_H

#include <stddef.h>
#include <stdint.h>

#include "vbench/vbench.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A clock: `now_ns(ctx)` returns nanoseconds from an arbitrary origin, never decreasing. */
typedef struct vb_clock {
    uint64_t (*now_ns)(void *ctx);
    void *ctx;
} vb_clock;

/** CLOCK_MONOTONIC. Static storage; thread-safe. */
const vb_clock *vb_clock_monotonic(void);

/**
 * The timer's precision in seconds, as pytest-benchmark measures it: the smallest positive
 * difference between back-to-back reads, over at least 5 points and until about 10 ms of the
 * clock have passed (pytest-benchmark spends 1 s; the minimum is reached long before). A clock
 * that never moves gives 1 ns. Thread-safe when the clock is.
 */
double vb_timer_precision(const vb_clock *clock);

/**
 * Runs one benchmark in this process with the clock `clock` (NULL: CLOCK_MONOTONIC), the way
 * the forked child does, and fills `out` (owned by the caller: vb_result_clear). `opts` NULL:
 * the defaults. vb_run_bench with `fork` false calls it with the monotonic clock.
 */
vb_status vb_run_bench_inprocess(const vb_bench *bench, const vb_run_options *opts,
                                 const vb_clock *clock, vb_result *out, vb_error *err);

/** Forgets every registered benchmark and the registration error. Not thread-safe. */
void vb_registry_clear(void);

/** The alternative hypothesis of a test: `x` tends to be greater, less, or either. */
typedef enum vb_alternative { VB_TWO_SIDED = 0, VB_GREATER, VB_LESS } vb_alternative;

/**
 * The Mann-Whitney U test of samples x and y (not modified), with the normal approximation,
 * the tie correction and the continuity correction, as scipy.stats.mannwhitneyu(x, y,
 * alternative=..., method="asymptotic") and Google Benchmark's compare.py. `u` receives U of x
 * (may be NULL), `p` the p-value (not NULL). VB_GREATER: the alternative is that x is
 * stochastically greater than y (a regression when x is this run's times and y the
 * baseline's). All values equal: p = 1. Returns VB_ERR_INVALID when a sample is empty,
 * VB_ERR_NOMEM. Thread-safe.
 */
vb_status vb_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
                          vb_alternative alt, double *u, double *p, vb_error *err);

/**
 * The paired run's schedule (vb_paired_run): which benchmarks of `r` get a pair next, after
 * `elapsed` seconds of a comparison with options `o` (min_pairs already raised to what the
 * confidence needs). Writes their indices, in the order to run them, to `order` (room for
 * r->nbenches) and returns how many; 0 ends the run. While an undecided benchmark is below
 * min_pairs, when there is no budget, or when the next whole pass fits in it, that is a whole
 * pass: every undecided benchmark, in suite order. When a whole pass no longer fits, the rest of
 * the budget goes to the undecided benchmarks whose next pair still fits, cheapest first (a
 * pair's cost: the mean of its earlier pairs), as many as fit one after the other. `*whole`
 * (not NULL) says which of the two it is. Thread-safe.
 */
size_t vb_paired_schedule(const vb_paired_report *r, const vb_paired_options *o, double elapsed,
                          size_t *order, bool *whole);

#ifdef __cplusplus
}
#endif
#endif
