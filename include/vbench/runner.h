/* SPDX-License-Identifier: MIT */
/* Running one benchmark: the run options, the result, isolation and limits. */
#ifndef VBENCH_RUNNER_H
#define VBENCH_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vbench/bench.h"
#include "vbench/calibrate.h"
#include "vbench/error.h"
#include "vbench/registry.h"
#include "vbench/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Sort keys of the results. */
typedef enum vb_sort {
    VB_SORT_NAME,
    VB_SORT_MIN,
    VB_SORT_MAX,
    VB_SORT_MEAN,
    VB_SORT_MEDIAN
} vb_sort;

/** The options of a run of the suite (vb_main fills them from the command line) and of each
    vb_run_bench. Fill with vb_run_options_init first. */
typedef struct vb_run_options {
    bool fork;        /**< isolate each benchmark in a child process (default true) */
    bool smoke;       /**< each body once, assertions only */
    double timeout;   /**< seconds, overrides the benchmarks' (0: theirs or 300) */
    long long rounds; /**< fixed rounds (0: calibrate) */
    double max_time;  /**< 0: the benchmark's or 1.0; a maximum (see precision) */
    /** Stop measuring as soon as the 95% confidence interval of the median is this tight:
        its half-width at most `precision` x the median (0.01: 1%). 0 switches the early stop
        off (rounds = max_time's share); negative (the default): the benchmark's, or 1%. Rounds
        fixed by `rounds`, `.rounds` or pedantic mode always run to the last. */
    double precision;
    long long min_rounds; /**< 0: the benchmark's or 5 */
    /** Repetitions of every benchmark, each in its own forked process (default 1); a
        benchmark's `.repetitions` is its minimum. With `fork` false they run one after the
        other in this process and are not independent. Ignored in smoke runs. */
    long long repetitions;
    int warmup;              /**< VB_ON / VB_OFF / VB_DEFAULT */
    bool memory;             /**< run the heap-counting round (default true) */
    const char *name_filter; /**< -k */
    const char *mark_filter; /**< -m */
    vb_sort sort;
    /** When > 0: run one round of this many iterations with callgrind's collection switched on
        around the loop only (the run under valgrind behind --profile cpu and instruction
        counts); no statistics. */
    long long callgrind_iterations;
} vb_run_options;

/** Fills `o` (not NULL) with the defaults listed above. Thread-safe. */
void vb_run_options_init(vb_run_options *o);

/** How a benchmark ended. */
typedef enum vb_outcome {
    VB_OUTCOME_PASSED = 0,
    VB_OUTCOME_FAILED,  /**< a vb_check, a fixture or a limit failed */
    VB_OUTCOME_CRASHED, /**< the child died of a signal (see signal) */
    VB_OUTCOME_TIMEOUT, /**< the child was killed after the timeout */
    VB_OUTCOME_ERROR    /**< the harness could not run it (fork, pipe, memory) */
} vb_outcome;

/** The constant name of an outcome: "passed", "failed", "crashed", "timeout", "error"
    ("unknown" for a value out of range). Static storage; thread-safe. */
const char *vb_outcome_name(vb_outcome o);

#define VB_MAX_COUNTERS 16

/** What one repetition (one process) measured. Times are seconds per iteration. */
typedef struct vb_repetition {
    double median, mean, min, max, stddev, iqr;
    uint64_t rounds, iterations;
    int64_t peak_rss, heap_peak; /* bytes, -1 n/a */
    double wall_time;            /* seconds, start to result of this process */
    double cpu_median;           /* CPU seconds per iteration (every thread, waited-for
                                    children), median of its rounds; 0 when not measured */
} vb_repetition;

/** A named counter set by vb_counter_set. */
typedef struct vb_counter {
    char name[48];
    double value;
} vb_counter;

/**
 * The result of one benchmark over all its repetitions (one process each). `stats` and `data`
 * pool the rounds of every repetition; `reps` holds each process's own figures; `peak_rss`
 * and `heap_peak` are the maxima over the repetitions; the other figures (iterations,
 * counters, heap counts per iteration, instructions) are the first repetition's. Memory
 * figures are -1 when not available ("n/a").
 */
typedef struct vb_result {
    const vb_bench *bench; /**< borrowed from the registry */
    vb_outcome outcome;
    int signal;     /**< the signal that killed a crashed child */
    char msg[256];  /**< why it failed, "" when it passed */
    bool smoke;     /**< smoke run: no statistics */
    vb_stats stats; /**< seconds per iteration */
    double *data;   /**< per-iteration time of every round, owned (vb_result_clear) */
    size_t ndata;
    vb_repetition *reps; /**< one per repetition, owned (vb_result_clear) */
    size_t nreps;        /**< >= 1 for a passed measured result */
    uint64_t iterations; /**< per round */
    uint64_t warmup_rounds;
    double timer_precision; /**< seconds */
    double wall_time;       /**< seconds from start to result, calibration and every repetition
                                 included */
    double items_per_iter, bytes_per_iter; /**< 0 when not set */
    /** CPU seconds per iteration, every thread of the process and the children it waited for,
        pauses left out: the median of
        the rounds (over repetitions, the median of the processes' medians). Measured for a
        benchmark with .threads >= 2 only, whose wall time also depends on how many cores it
        gets; 0 when not measured. */
    double cpu_median;
    vb_counter counters[VB_MAX_COUNTERS];
    size_t ncounters;
    int64_t peak_rss;    /**< bytes: the processes' highest high-water mark */
    int64_t rss_growth;  /**< bytes: RSS after the rounds minus before the setup (largest) */
    double heap_allocs;  /**< allocations per iteration during the memory round */
    double heap_bytes;   /**< bytes allocated per iteration during the memory round */
    int64_t heap_peak;   /**< peak live heap bytes above the start of the memory round
                              (largest over the repetitions) */
    double instructions; /**< instructions per iteration (callgrind), -1 when not measured */
    double cycles, branch_misses, cache_misses; /**< per iteration (hardware), -1: n/a */
    double exponent;     /**< fitted scaling exponent over the family's sizes, 0 when none */
    char complexity[16]; /**< best curve over the family's sizes, "" when none */
    bool gated;          /**< compared with a baseline: the three fields below are set */
    double gate_ratio, gate_p;
    double gate_threshold; /**< the ratio above which the gate fails */
    char gate_metric[16];
    char gate_verdict[16]; /**< "ok", "improved", "regression" or "not judged" */
    bool gate_judged;      /**< the gate's test could have found a regression (see vb_verdict) */
} vb_result;

/** Frees what `r` owns (the data and the repetitions) and zeroes it; accepts NULL. Thread-safe for
   distinct results. */
void vb_result_clear(vb_result *r);

/**
 * Runs one benchmark according to `cfg` (NULL: the defaults; in a forked child when
 * cfg->fork) and fills `out` (owned by the caller: vb_result_clear; `bench` and `out` not
 * NULL). A benchmark that fails, crashes or times out is a successful call with out->outcome
 * saying so; the status is not VB_OK only when the harness itself could not work (then
 * out->outcome is VB_OUTCOME_ERROR too). Runs max(cfg->repetitions, the benchmark's
 * `.repetitions`, 1) repetitions, each in its own child (one after the other in this process
 * without fork); the first that does not pass ends the benchmark with its outcome and a message
 * naming it, keeping the repetitions that passed before it. Not thread-safe: it forks, and the
 * benchmark's body may use process-wide state (heap counting, the peak RSS).
 */
vb_status vb_run_bench(const vb_bench *bench, const vb_run_options *cfg, vb_result *out,
                       vb_error *err);

/**
 * Checks the registered limits of a passed result (`r` not NULL); marks it failed with a
 * message naming the limit when one is exceeded. Returns whether the result still passes.
 * Thread-safe for distinct results.
 */
bool vb_check_limits(vb_result *r);

#ifdef __cplusplus
}
#endif
#endif
