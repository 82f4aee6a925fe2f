/* SPDX-License-Identifier: MIT */
/* Baselines with history (benchmarks/baseline.json): reading, looking up, appending runs. */
#ifndef VBENCH_BASELINE_H
#define VBENCH_BASELINE_H

#include <stddef.h>

#include "vbench/error.h"
#include "vbench/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A baseline file (benchmarks/baseline.json) in memory. Opaque; vb_baseline_free. */
typedef struct vb_baseline vb_baseline;

#define VB_BASELINE_HISTORY 10 /**< accepted runs kept per benchmark */
#define VB_BASELINE_PROCESSES 16 /**< process results (repetitions) kept per accepted run */

/**
 * Reads a baseline file. VB_ERR_NOT_FOUND when it does not exist; VB_ERR_PARSE (with the file,
 * line and column) when it is not JSON, VB_ERR_FORMAT when it is not a baseline of this
 * schema: a corrupt file is an error, never silently replaced. `*out` is owned by the caller
 * (vb_baseline_free) and stays NULL on failure. Thread-safe (no shared state).
 */
vb_status vb_baseline_load(const char *path, vb_baseline **out, vb_error *err);
/** Frees a baseline; accepts NULL. */
void vb_baseline_free(vb_baseline *b);
/** The calibration kernel time of the reference machine, 0 when the file has none or `b` is
    NULL. */
double vb_baseline_reference_time(const vb_baseline *b);

/** The two-thread calibration kernel time of the reference machine, 0 when the file has none
    or `b` is NULL. */
double vb_baseline_reference_time_threads(const vb_baseline *b);

/**
 * What the baseline knows of one benchmark, every time normalised to the reference machine
 * (x reference time / the run's kernel time; the two-thread kernel's for a benchmark of
 * `threads` >= 2). Each p90 is the 90th percentile over the processes of the history (-1 when
 * none has the metric). `samples` (owned: vb_baseline_entry_clear) holds the median of every
 * process of the history, normalised: the independent samples the gate tests against.
 */
typedef struct vb_baseline_entry {
    size_t runs;
    int threads; /**< of the benchmark when it was recorded */
    double mean_p90, median_p90, min_p90, peak_rss_p90, heap_peak_p90, instructions_p90;
    double *samples;
    size_t nsamples;
} vb_baseline_entry;

/** Looks a benchmark up by full name into `*out` (owned by the caller:
    vb_baseline_entry_clear); VB_ERR_NOT_FOUND when the baseline lacks it. */
vb_status vb_baseline_lookup(const vb_baseline *b, const char *fullname, vb_baseline_entry *out,
                             vb_error *err);
/** Frees what an entry owns and zeroes it; accepts NULL. */
void vb_baseline_entry_clear(vb_baseline_entry *e);

/**
 * Appends the passed results of `suite` to the baseline at `path` (created when missing, with
 * this machine as the reference and suite->machine->calib_time as its time), keeping the last
 * VB_BASELINE_HISTORY runs of each benchmark. Holds an exclusive lock on `path`.lock for the
 * whole read-modify-write and replaces the file atomically (temporary file, fsync, rename), so
 * concurrent updates, from threads or processes, cannot corrupt it. A corrupt existing file is
 * an error, not replaced.
 */
vb_status vb_baseline_update(const char *path, const vb_suite *suite, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
