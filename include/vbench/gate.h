/* SPDX-License-Identifier: MIT */
/* The stored-baseline regression gate: its options and its verdict on one benchmark. */
#ifndef VBENCH_GATE_H
#define VBENCH_GATE_H

#include <stdbool.h>

#include "vbench/baseline.h"
#include "vbench/runner.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The metric the gate judges time-like regressions by. */
typedef enum vb_gate_metric { VB_GATE_TIME = 0, VB_GATE_INSTRUCTIONS } vb_gate_metric;

/** Gate options. Fill with vb_gate_options_init. */
typedef struct vb_gate_options {
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
} vb_gate_options;

/** Fills `o` (not NULL) with the defaults. Thread-safe. */
void vb_gate_options_init(vb_gate_options *o);

/** The gate's verdict on one benchmark. */
typedef struct vb_verdict {
    bool has_baseline;
    bool regression;    /**< a significant excess over the threshold (or a default limit) */
    bool improvement;   /**< significantly faster than the baseline / margin */
    const char *metric; /**< static storage: "median", "instructions", "peak_rss",
                             "heap_peak", "limit", "none" */
    double ratio;       /**< this run / (baseline x env_factor) of that metric */
    double threshold;   /**< the ratio above which it fails: margin, or 1 + instr_threshold */
    double p;           /**< one-sided p-value, 1 when not tested */
    bool judged;        /**< a baseline, and enough processes on both sides for the test to
                             reach p < alpha: the gate could have alerted */
    size_t processes;   /**< processes (repetitions) of this run that were tested */
    double min_p;       /**< the smallest p-value these sample sizes allow */
    char msg[256];
} vb_verdict;

/**
 * Judges a passed result against its baseline entry (`entry` NULL: none). Time: the median over
 * the run's processes (repetitions) against the p90 of the baseline's process medians x
 * env_factor x margin, and significant only when the exact one-sided Mann-Whitney test of the
 * processes' medians (/ env_factor / margin) against the baseline's process medians gives
 * p < alpha. When the sample sizes cannot reach alpha at all (1 / C(n + m, n) >= alpha), the
 * benchmark is not judged (v->judged false, said in v->msg): give it repetitions. Instructions: count > p90 x (1 + instr_threshold), no
 * environment factor (counts do not depend on the machine's speed). Memory (peak RSS, heap
 * peak): the median over the processes > p90 x margin and beyond memory_floor_mb. Without a
 * baseline, the registered limits were already checked
 * (vb_check_limits); when the benchmark has none, the seed's defaults apply. Marks the result
 * failed on a regression. The benchmark's own `.margin` overrides the option's. `opts`, `r`
 * and `v` must not be NULL. Thread-safe for distinct results.
 */
void vb_gate_check(const vb_baseline_entry *entry, const vb_gate_options *opts, vb_result *r,
                   vb_verdict *v);

#ifdef __cplusplus
}
#endif
#endif
