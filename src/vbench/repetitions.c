/* SPDX-License-Identifier: MIT */
/* Repetitions: a benchmark run several times, each time in its own process (the unit of
   independent measurement), pooled into one result that keeps each process's figures. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* How many repetitions: the run's, at least the benchmark's own, 1 in smoke and callgrind
   runs (no statistics there). */
static long long repetitions_of(const vb_bench *bench, const vb_run_options *cfg)
{
    if (cfg->smoke || cfg->callgrind_iterations > 0) {
        return 1;
    }
    const long long n =
        cfg->repetitions > bench->opts.repetitions ? cfg->repetitions : bench->opts.repetitions;
    return n > 1 ? n : 1;
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* The CPU time of several processes: the median of their medians; 0 unless every one was
   measured (or without memory for the copy). */
static double cpu_of(const vb_repetition *reps, size_t n)
{
    double *v = vb__malloc(n * sizeof *v);
    double m = 0;
    size_t k = 0;
    while (v && k < n && reps[k].cpu_median > 0) {
        v[k] = reps[k].cpu_median;
        k++;
    }
    if (v && k == n) {
        vb_stats_sort(v, n);
        m = vb_stats_median_sorted(v, n);
    }
    vb__free(v);
    return m;
}

/* Adds the rounds and the repetition of `one` (a passed process) to `acc`; frees `one`. */
static vb_status pool(vb_result *acc, vb_result *one, vb_error *err)
{
    double *data = vb__realloc(acc->data, (acc->ndata + one->ndata) * sizeof *data);
    if (!data) {
        vb_result_clear(one);
        return vb__nomem(err);
    }
    acc->data = data;
    memcpy(acc->data + acc->ndata, one->data, one->ndata * sizeof *data);
    acc->ndata += one->ndata;
    vb_repetition *reps = vb__realloc(acc->reps, (acc->nreps + one->nreps) * sizeof *reps);
    if (!reps) {
        vb_result_clear(one);
        return vb__nomem(err);
    }
    acc->reps = reps;
    memcpy(acc->reps + acc->nreps, one->reps, one->nreps * sizeof *reps);
    acc->nreps += one->nreps;
    /* The registered memory limits hold for every process: keep the largest. */
    acc->peak_rss = max64(acc->peak_rss, one->peak_rss);
    acc->heap_peak = max64(acc->heap_peak, one->heap_peak);
    acc->rss_growth = max64(acc->rss_growth, one->rss_growth);
    vb_result_clear(one);
    return VB_OK;
}

/* A repetition after the first did not pass: the benchmark takes its outcome, and keeps the
   rounds of the repetitions that passed. */
static void fail_with(vb_result *acc, const vb_result *one, long long k, long long n)
{
    acc->outcome = one->outcome;
    acc->signal = one->signal;
    char msg[sizeof acc->msg];
    snprintf(msg, sizeof msg, "repetition %lld of %lld: %.200s", k + 1, n, one->msg);
    memcpy(acc->msg, msg, sizeof msg);
}

vb_status vb_run_bench(const vb_bench *bench, const vb_run_options *cfg, vb_result *out,
                       vb_error *err)
{
    vb_run_options defaults;
    if (!cfg) {
        vb_run_options_init(&defaults);
        cfg = &defaults;
    }
    const double start = seconds_now();
    const long long n = repetitions_of(bench, cfg);
    vb_status s = VB_OK;
    for (long long k = 0; k < n; k++) {
        vb_result one;
        s = cfg->fork ? vb__run_forked(bench, cfg, &one, err)
                      : vb_run_bench_inprocess(bench, cfg, NULL, &one, err);
        if (k == 0) {
            *out = one;
            if (n > 1 && out->outcome != VB_OUTCOME_PASSED) {
                fail_with(out, &one, k, n);
            }
        } else if (one.outcome != VB_OUTCOME_PASSED) {
            fail_with(out, &one, k, n);
            vb_result_clear(&one);
        } else if (s == VB_OK) {
            s = pool(out, &one, err);
        }
        if (s != VB_OK || out->outcome != VB_OUTCOME_PASSED) {
            break;
        }
    }
    out->wall_time = seconds_now() - start;
    if (s == VB_OK && out->nreps > 1) {
        out->cpu_median = cpu_of(out->reps, out->nreps);
        /* The pooled statistics; the registered time limits apply to them too. */
        s = vb_stats_compute(out->data, out->ndata, &out->stats, err);
        if (s == VB_OK && out->outcome == VB_OUTCOME_PASSED) {
            vb_check_limits(out);
        }
    }
    return s;
}
