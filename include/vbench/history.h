/* SPDX-License-Identifier: MIT */
/* History: a series per benchmark over nightly runs, and the lasting steps in it found by
   E-divisive means (change points), as Apache Otava and MongoDB's CI do. */
#ifndef VBENCH_HISTORY_H
#define VBENCH_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vbench/error.h"
#include "vbench/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of the change-point search. Fill with vb_changepoint_options_init. */
typedef struct vb_changepoint_options {
    size_t min_size;     /**< fewest points on each side of a change: 3, so one noisy night
                              (or two) is never a change */
    double alpha;        /**< significance of the permutation test, 0.05 */
    size_t permutations; /**< permutations per test, 199 */
    uint64_t seed;       /**< of the permutations: the same series gives the same answer */
    double min_change;   /**< a change smaller than this fraction of the level before it
                              (between the medians of the segments) is not reported, 0.05 */
    size_t max_points;   /**< change points found at most, 16 */
} vb_changepoint_options;

/** Fills the defaults. */
void vb_changepoint_options_init(vb_changepoint_options *o);

/** One change point: the series changes level at `index` (the first point of the new level). */
typedef struct vb_changepoint {
    size_t index;
    double p;             /**< the permutation test's p-value */
    double before, after; /**< medians of the segments on each side */
    double change;        /**< after / before - 1 */
} vb_changepoint;

/**
 * Finds the change points of the series `x` (n finite values) by E-divisive means (Matteson
 * and James, 2014, with exponent 1): the split that maximises the energy distance between the
 * segments on each side, kept when a permutation test within the current segments gives p <=
 * alpha, repeated in the segments until none is significant. Each split cuts a segment in two
 * (the right end kappa of Matteson and James stays at the segment's end: more power on short
 * series). A burst of bad nights shorter than min_size cannot form a segment of its own. Then drops
 * those whose change between the medians of adjacent segments is below min_change (recomputing the
 * medians). The points go to `out` (capacity `max`) in index order, their count to `*count`. O(n^2)
 * memory and O(permutations x n^2) time per point; n up to 1024. VB_ERR_INVALID for a bad input,
 * VB_ERR_NOMEM. Thread-safe.
 */
vb_status vb_changepoints(const double *x, size_t n, const vb_changepoint_options *o,
                          vb_changepoint *out, size_t max, size_t *count, vb_error *err);

/** The history file of the nightly runs. Opaque; vb_history_free. */
typedef struct vb_history vb_history;

#define VB_HISTORY_KEEP 400 /**< runs kept by vb_history_append */

/**
 * Reads a history file. VB_ERR_NOT_FOUND when it does not exist, VB_ERR_PARSE (file, line,
 * column) when it is not JSON, VB_ERR_FORMAT when it is not a history of this schema. `*out` is
 * owned by the caller.
 */
vb_status vb_history_load(const char *path, vb_history **out, vb_error *err);

/** Frees a history; accepts NULL. */
void vb_history_free(vb_history *h);

/**
 * Appends the run `suite` to the history at `path` (created when missing): for each passed
 * benchmark its time (the median per iteration over the run's processes, divided by the run's
 * environment factor when it has one), peak RSS and heap peak, with the run's commit and date;
 * keeps the last VB_HISTORY_KEEP runs. Locked and atomic like vb_baseline_update.
 */
vb_status vb_history_append(const char *path, const vb_suite *suite, vb_error *err);

/** The number of runs in the history. */
size_t vb_history_runs(const vb_history *h);

/** What the history keeps of one run. Strings are borrowed from the history. */
typedef struct vb_history_run {
    const char *commit; /**< full id, "" when unknown */
    const char *date;   /**< ISO 8601 */
} vb_history_run;

/** Run `i` (0 the oldest); VB_ERR_NOT_FOUND when out of range. */
vb_status vb_history_run_at(const vb_history *h, size_t i, vb_history_run *out, vb_error *err);

/** The names of the benchmarks with data, sorted; borrowed; `*count` of them. */
const char *const *vb_history_names(const vb_history *h, size_t *count);

/** A series metric. */
typedef enum vb_history_metric {
    VB_HISTORY_TIME = 0,
    VB_HISTORY_PEAK_RSS,
    VB_HISTORY_HEAP_PEAK
} vb_history_metric;

/**
 * The series of `name`'s metric: up to `max` values into `values`, each with the index of its
 * run into `runs` (may be NULL; runs without the benchmark are skipped). Returns the count.
 */
size_t vb_history_series(const vb_history *h, const char *name, vb_history_metric metric,
                         double *values, size_t *runs, size_t max);

/** A lasting step of one benchmark's series, with the commits around it. */
typedef struct vb_history_step {
    char name[256];
    vb_history_metric metric;
    vb_changepoint point; /**< index into the benchmark's series */
    size_t run;           /**< the run of the first point of the new level */
    char first_bad[64];   /**< commit of that run */
    char last_good[64];   /**< commit of the run before it */
    bool regression;      /**< the metric grew (slower, bigger) */
    bool latest;          /**< the series is still at the new level: no later step */
    bool fresh;           /**< the alert: a regression, the latest step, still holding
                               (each of the last min_size values nearer the new level),
                               and the history without its latest run did not already
                               alert for it: raised once, the night it is certain */
} vb_history_step;

/**
 * Finds the steps of every benchmark's time, peak RSS and heap peak series, and marks the ones
 * to alert for (fresh): once per step, the night it becomes certain. `*out`
 * (count in `*count`) is owned by the caller (vb_history_steps_free).
 */
vb_status vb_history_steps(const vb_history *h, const vb_changepoint_options *o,
                           vb_history_step **out, size_t *count, vb_error *err);

/** Frees what vb_history_steps returned; accepts NULL. */
void vb_history_steps_free(vb_history_step *steps);

/**
 * Prints the steps: one line each, the benchmark, the metric, the change, and the commit range
 * (last good .. first bad). Returns how many are fresh regressions (the nightly alert).
 */
size_t vb_history_print_steps(FILE *out, const vb_history *h, const vb_history_step *steps,
                              size_t count);

#ifdef __cplusplus
}
#endif
#endif
