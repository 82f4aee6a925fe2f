/* SPDX-License-Identifier: MIT */
/* Paired comparison of two builds: base and head suites run in alternation, one short process
   at a time, and each benchmark judged on the paired ratios (the pull-request check). */
#ifndef VBENCH_PAIRED_H
#define VBENCH_PAIRED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vbench/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A location shift with its confidence interval. */
typedef struct vb_shift_ci {
    size_t n;          /**< differences it was computed from */
    double estimate;   /**< Hodges-Lehmann: the median of the Walsh averages */
    double low, high;  /**< the interval; NAN when n is too small for the confidence */
    double confidence; /**< the coverage achieved (>= the one asked), 0 without an interval */
} vb_shift_ci;

/**
 * The Hodges-Lehmann estimate of the centre of the `n` differences `d` and its Wilcoxon
 * signed-rank confidence interval (exact distribution up to 60 differences, the normal
 * approximation above; at most 2000). The interval is [W(k), W(M+1-k)] of the M sorted Walsh
 * averages, k the largest rank whose tail probability is at most (1 - confidence) / 2, so
 * the achieved coverage is at least `confidence`; with too few differences (fewer than
 * vb_signed_rank_min_pairs) low and high are NAN and confidence 0. Assumes the differences are
 * independent and symmetric about their centre. VB_ERR_INVALID for an empty, too long or
 * non-finite input or a confidence outside (0, 1); VB_ERR_NOMEM. Thread-safe.
 */
vb_status vb_signed_rank_ci(const double *d, size_t n, double confidence, vb_shift_ci *out,
                            vb_error *err);

/** The fewest differences that give an interval of `confidence` (6 for 0.95), 0 if invalid. */
size_t vb_signed_rank_min_pairs(double confidence);

/** A paired verdict on one metric of one benchmark. */
typedef enum vb_paired_verdict {
    VB_PAIRED_UNCHANGED = 0, /**< the interval lies below 1 + threshold: no regression */
    VB_PAIRED_REGRESSION,    /**< the whole interval lies above 1 + threshold */
    VB_PAIRED_IMPROVEMENT,   /**< the whole interval lies below 1 / (1 + threshold) */
    VB_PAIRED_INCONCLUSIVE,  /**< the interval straddles 1 + threshold */
    VB_PAIRED_NOT_JUDGED     /**< no data, too few pairs, or a side failed */
} vb_paired_verdict;

/** "unchanged", "regression", "improvement", "inconclusive", "not judged". Static storage. */
const char *vb_paired_verdict_name(vb_paired_verdict v);

/** What one process of one side measured. Memory figures are -1 when not available. */
typedef struct vb_paired_sample {
    double median;     /**< median seconds per iteration of the process's rounds */
    int64_t peak_rss;  /**< bytes */
    int64_t heap_peak; /**< bytes */
    double cpu;        /**< median CPU seconds per iteration, every thread and the children
                            waited for (a benchmark of .threads >= 2); 0 when not measured */
} vb_paired_sample;

/** The comparison of one metric: head against base. */
typedef struct vb_paired_metric {
    bool present;            /**< both sides have the metric in every pair */
    double base, head;       /**< the medians over each side's processes */
    double ratio, low, high; /**< head / base: the estimate and its interval */
    double confidence;       /**< achieved coverage of the interval, 0 without one */
    vb_paired_verdict verdict;
} vb_paired_metric;

/** The comparison of one benchmark. Owned by a vb_paired_report. */
typedef struct vb_paired_bench {
    char name[256];                /**< the full name, "calculator/daily[365]" */
    double threshold;              /**< allowed slowdown of this benchmark, 0.05 = 5% */
    size_t pairs;                  /**< completed pairs */
    vb_paired_sample *base, *head; /**< one per pair, pair i of base with pair i of head */
    size_t capacity;
    double seconds;   /**< wall time spent on this benchmark's processes */
    bool failed;      /**< a side failed, crashed or timed out: see msg */
    bool head_failed; /**< that side was head: the change broke the benchmark */
    bool missing;     /**< the base suite has no such benchmark (new in head) */
    char msg[256];
    vb_paired_metric time; /**< wall time */
    /** CPU time, every thread: judged like the time, when both sides measured it in every
        pair (a benchmark of .threads >= 2). Its wall time also depends on how many cores it
        gets, which another process on the machine decides; its CPU time much less so, and
        it still shows the work that a change adds. */
    vb_paired_metric cpu;
    vb_paired_metric peak_rss, heap_peak;
} vb_paired_bench;

/** The options of a paired comparison. Fill with vb_paired_options_init. */
typedef struct vb_paired_options {
    double threshold;         /**< default allowed slowdown, 0.05 (a benchmark's own overrides) */
    double confidence;        /**< two-sided coverage of the interval that finds no change, 0.90:
                                   unchanged when its upper bound is within the threshold (a
                                   one-sided 95% bound) */
    double change_confidence; /**< two-sided coverage of the interval that finds a change,
                                   0.98 (at least `confidence`): a regression when its lower
                                   bound exceeds the threshold (a one-sided 99% bound; 7 pairs
                                   at least), an improvement when its upper bound is below the
                                   threshold's inverse; between the two a benchmark is
                                   inconclusive and gets more pairs */
    size_t min_pairs;         /**< pairs of every benchmark before any verdict, 5 (at least
                                   vb_signed_rank_min_pairs(confidence)) */
    size_t max_pairs;         /**< no benchmark gets more, 45 */
    double time_budget;       /**< seconds; no pair starts when it would end past it (min_pairs
                                   still complete); once a whole pass no longer fits, what is left
                                   goes to the undecided benchmarks cheapest first; 0: no budget */
    double memory_floor;      /**< bytes: a memory regression must also exceed this, 512 KiB */
    double max_time;          /**< --max-time handed to each process, 0.25 s; each process also
                                   gets --min-rounds 1 --no-warmup, and --precision 0 when its
                                   --help has it (no early stop), unless extra_args say otherwise:
                                   the pairs, not the rounds, carry the statistics, and both sides
                                   are measured alike */
    double timeout;           /**< seconds before one process is killed, 600 */
    const char *const *extra_args; /**< more arguments for every process, NULL-terminated */
} vb_paired_options;

/** Fills the defaults. */
void vb_paired_options_init(vb_paired_options *o);

/**
 * Recomputes the metrics and their verdicts of `b` from its samples: the time and the CPU time
 * on log ratios (an interval of exp(HL) of log(head / base)), peak RSS and heap peak on byte
 * differences relative to the base's median (a regression must also exceed memory_floor).
 * A failed or missing benchmark, or fewer than min_pairs pairs, is not judged.
 */
void vb_paired_judge(vb_paired_bench *b, const vb_paired_options *o);

/** The worst verdict of a benchmark over its metrics (regression before inconclusive): a
    regression of any metric is the benchmark's, whatever the others say. */
vb_paired_verdict vb_paired_bench_verdict(const vb_paired_bench *b);

/** A whole comparison: what was compared, how, and each benchmark's outcome. */
typedef struct vb_paired_report {
    char base_binary[1024], head_binary[1024];
    char base_commit[64], head_commit[64]; /**< from the processes' results, "" unknown */
    vb_paired_options options;
    vb_paired_bench *benches;
    size_t nbenches;
    size_t passes;       /**< whole passes (every undecided benchmark got a pair) */
    size_t budget_pairs; /**< pairs after the last whole pass, in what was left of the budget */
    double seconds;      /**< wall time of the whole comparison */
    size_t regressions, improvements, inconclusive, failures, not_judged;
} vb_paired_report;

/** Progress of a running comparison, for the caller to show; may be NULL: `running` is about to
    get a pair in pass `pass`, which holds `pairs` pairs (one per undecided benchmark in a whole
    pass; fewer in the budget's rest). */
typedef void (*vb_paired_progress)(void *ctx, const vb_paired_report *r, size_t pass, size_t pairs,
                                   const char *running);

/**
 * Runs the benchmarks `names` (full names, `n` of them; `thresholds[i]` > 0 overrides the
 * default threshold of benchmark i, may be NULL) of two suite binaries built with vbench, in
 * alternation: pass after pass, each benchmark still undecided gets one more pair, base then
 * head on its even pairs and head then base on its odd ones, each a fresh process
 * (`BIN --vb-exact NAME --quiet --json FILE --max-time T ...`), so both see the same machine at
 * the same moments. A benchmark is decided once it has min_pairs pairs and every metric is
 * unchanged, a regression or an improvement; the run stops when all are decided, at max_pairs,
 * or at the time budget. When the next whole pass would end past the budget, the rest of it
 * goes pair by pair to the undecided benchmarks whose next pair fits, cheapest first (each
 * benchmark still alternates which side runs first). The processes' output goes to /dev/null.
 * `*out` is owned by the caller (vb_paired_report_free). A benchmark that fails on one side is
 * reported, not an error; VB_ERR_IO when a binary cannot be run at all. Not thread-safe (it waits
 * for children).
 */
vb_status vb_paired_run(const char *base_binary, const char *head_binary, const char *const *names,
                        const double *thresholds, size_t n, const vb_paired_options *o,
                        vb_paired_progress progress, void *ctx, vb_paired_report **out,
                        vb_error *err);

/** Recounts the report's totals from its benchmarks (after vb_paired_judge). */
void vb_paired_report_count(vb_paired_report *r);

/** Frees a report; accepts NULL. */
void vb_paired_report_free(vb_paired_report *r);

/**
 * Writes the comparison as Markdown for a pull-request comment: a summary line and one row per
 * benchmark (time, peak RSS and heap peak: base, head, ratio with its interval, verdict).
 */
vb_status vb_paired_write_markdown(const vb_paired_report *r, const char *path, vb_error *err);

/** Writes the comparison as JSON (schema in docs/vbench.md), every sample included. */
vb_status vb_paired_write_json(const vb_paired_report *r, const char *path, vb_error *err);

/** Writes one self-contained HTML page: the table and a forest plot of the intervals. */
vb_status vb_paired_write_html(const vb_paired_report *r, const char *path, vb_error *err);

/**
 * Writes github-action-benchmark's custom format (`tool: customSmallerIsBetter`): per benchmark
 * the estimated time ratio head / base, with its interval as the range.
 */
vb_status vb_paired_write_gab(const vb_paired_report *r, const char *path, vb_error *err);

/** Prints the comparison as a console table to `out`. */
void vb_paired_print(FILE *out, const vb_paired_report *r, bool color);

#ifdef __cplusplus
}
#endif
#endif
