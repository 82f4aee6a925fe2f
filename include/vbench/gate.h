/* SPDX-License-Identifier: MIT */
/* The regression gate: environment factor, baselines with history, thresholds, saved runs. */
#ifndef VBENCH_GATE_H
#define VBENCH_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "vbench/error.h"
#include "vbench/report.h"
#include "vbench/runner.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Runs the environment calibration kernel `runs` times (>= 1) and writes the median time in
 * seconds: a fixed CPU-bound workload (integer and floating-point arithmetic) then a
 * memory-bound pass over a buffer twice the last-level cache (at least 16 MiB, at most
 * 128 MiB). About 15 ms a run on a 2.6 GHz EPYC (two passes of the buffer). VB_ERR_NOMEM when the
 * buffer cannot be had.
 */
vb_status vb_envfactor_kernel(int runs, double *seconds, vb_error *err);

/** A baseline file (benchmarks/baseline.json) in memory. Opaque; vb_baseline_free. */
typedef struct vb_baseline vb_baseline;

#define VB_BASELINE_HISTORY 10 /**< accepted runs kept per benchmark */
#define VB_BASELINE_SAMPLES 64 /**< round-time quantiles kept per accepted run */

/**
 * Reads a baseline file. VB_ERR_NOT_FOUND when it does not exist; VB_ERR_PARSE (with the file,
 * line and column) when it is not JSON, VB_ERR_FORMAT when it is not a baseline of this
 * schema: a corrupt file is an error, never silently replaced. `*out` is owned by the caller.
 */
vb_status vb_baseline_load(const char *path, vb_baseline **out, vb_error *err);
/** Frees a baseline; accepts NULL. */
void vb_baseline_free(vb_baseline *b);
/** The calibration kernel time of the reference machine, 0 when the file has none. */
double vb_baseline_reference_time(const vb_baseline *b);

/**
 * What the baseline knows of one benchmark, every value normalised to the reference machine
 * (x reference time / the run's kernel time). Each p90 is the 90th percentile of the history
 * (-1 when no run of the history has the metric). `samples` (owned: vb_baseline_entry_clear)
 * pools the round-time quantiles of the history.
 */
typedef struct vb_baseline_entry {
    size_t runs;
    double mean_p90, median_p90, min_p90, peak_rss_p90, heap_peak_p90, instructions_p90;
    double *samples;
    size_t nsamples;
} vb_baseline_entry;

/** Looks a benchmark up by full name; VB_ERR_NOT_FOUND when the baseline lacks it. */
vb_status vb_baseline_lookup(const vb_baseline *b, const char *fullname, vb_baseline_entry *out,
                             vb_error *err);
/** Frees what an entry owns; accepts NULL. */
void vb_baseline_entry_clear(vb_baseline_entry *e);

/**
 * Appends the passed results of `suite` to the baseline at `path` (created when missing, with
 * this machine as the reference and suite->machine->calib_time as its time), keeping the last
 * VB_BASELINE_HISTORY runs of each benchmark. Holds an exclusive lock on `path`.lock for the
 * whole read-modify-write and replaces the file atomically (temporary file, fsync, rename), so
 * concurrent updates cannot corrupt it. A corrupt existing file is an error, not replaced.
 */
vb_status vb_baseline_update(const char *path, const vb_suite *suite, vb_error *err);

/** The metric the gate judges time-like regressions by. */
typedef enum vb_gate_metric { VB_GATE_TIME = 0, VB_GATE_INSTRUCTIONS } vb_gate_metric;

/** Gate options. Fill with vb_gate_opts_init. */
typedef struct vb_gate_opts {
    double margin;          /**< threshold = baseline x env_factor x margin; default 1.2 */
    double alpha;           /**< significance of the one-sided Mann-Whitney U; default 0.01 */
    double env_factor;      /**< this machine's speed relative to the reference; default 1 */
    vb_gate_metric metric;  /**< time (default) or instructions */
    double instr_threshold; /**< allowed instruction growth; default 0.02 (2%) */
    double default_max_s;   /**< without a baseline or limits: mean <= 1.0 s */
    double default_max_mb;  /**< without a baseline or limits: peak RSS <= 100 MB */
    /** Memory noise floor: a memory regression must also exceed the baseline by this many
        MiB (default 4). Peak RSS and heap peak move by a few MiB with page and allocator
        granularity and thread scheduling; a real leak or a larger buffer grows beyond it,
        and the registered absolute limits (`max_rss_mb`...) hold regardless. */
    double memory_floor_mb;
} vb_gate_opts;

/** Fills the defaults. */
void vb_gate_opts_init(vb_gate_opts *o);

/** The gate's verdict on one benchmark. */
typedef struct vb_verdict {
    bool has_baseline;
    bool regression;    /**< a significant excess over the threshold (or a default limit) */
    bool improvement;   /**< significantly faster than the baseline / margin */
    const char *metric; /**< "median", "instructions", "peak_rss", "heap_peak", "limit" */
    double ratio;       /**< this run / (baseline x env_factor) of that metric */
    double threshold;   /**< the ratio above which it fails: margin, or 1 + instr_threshold */
    double p;           /**< one-sided p-value, 1 when not tested */
    char msg[256];
} vb_verdict;

/**
 * Judges a passed result against its baseline entry (`entry` NULL: none). Time: the median per
 * iteration against the p90 of the baseline's medians x env_factor x margin, and significant
 * only when the one-sided Mann-Whitney U of this run's rounds (/ env_factor) against the
 * baseline's samples gives p < alpha. Instructions: count > p90 x (1 + instr_threshold), no
 * environment factor (counts do not depend on the machine's speed). Memory (peak RSS, heap
 * peak): > p90 x margin. Without a baseline, the registered limits were already checked
 * (vb_check_limits); when the benchmark has none, the seed's defaults apply. Marks the result
 * failed on a regression. The benchmark's own `.margin` overrides the option's.
 */
void vb_gate_check(const vb_baseline_entry *entry, const vb_gate_opts *opts, vb_result *r,
                   vb_verdict *v);

/** Saved runs (pytest-benchmark's storage): `.benchmarks/<machine id>/NNNN_<name>.json`. */

/** The machine id of the storage folder, e.g. "Linux-x86_64-gcc12". */
void vb_storage_machine_id(const vb_machine *m, char *buf, size_t size);

/**
 * Writes `suite` as pytest JSON to `root`/<machine id>/NNNN_<name>.json with NNNN one above
 * the highest saved number; writes the path into `path`. `name` NULL: the commit id (or
 * "unversioned"). Creates the folders.
 */
vb_status vb_storage_save(const char *root, const vb_suite *suite, const char *name, char *path,
                          size_t path_size, vb_error *err);

/**
 * Finds a saved run: `which` NULL or "" for the latest, a number ("3", "0003") for that run,
 * otherwise a file path. Writes its path. VB_ERR_NOT_FOUND when there is none.
 */
vb_status vb_storage_find(const char *root, const vb_machine *m, const char *which, char *path,
                          size_t path_size, vb_error *err);

/** One metric of a --compare-fail rule, e.g. "mean:20%". */
typedef struct vb_compare_rule {
    char metric[16]; /**< min, max, mean, median, stddev, peak_rss, heap_peak */
    double percent;  /**< allowed growth in % */
} vb_compare_rule;

/** Parses "mean:20%" (the % is optional). VB_ERR_PARSE on junk or an unknown metric. */
vb_status vb_compare_rule_parse(const char *text, vb_compare_rule *rule, vb_error *err);

/**
 * Prints the change of each benchmark of `suite` against the saved run `path` (pytest JSON):
 * per metric the change in %, a two-sided Mann-Whitney p-value of the rounds when both have
 * data, and a verdict (faster, slower, no change at alpha). Returns the number of rules broken
 * by a significant regression in `*failures`.
 */
vb_status vb_compare_print(FILE *out, const vb_suite *suite, const char *path,
                           const vb_compare_rule *rules, size_t nrules, double alpha,
                           size_t *failures, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
