/* SPDX-License-Identifier: MIT */
/* The regression gate: a benchmark fails when it exceeds its threshold significantly. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

void vb_gate_options_init(vb_gate_options *o)
{
    memset(o, 0, sizeof *o);
    o->margin = 1.2;
    o->alpha = 0.01;
    o->env_factor = 1.0;
    o->metric = VB_GATE_TIME;
    o->instr_threshold = 0.02;
    o->default_max_s = 1.0;
    o->default_max_mb = 100.0;
    o->memory_floor_mb = 4.0;
}

double vb__result_median(const vb_result *r)
{
    if (r->nreps <= 1 || !r->reps) {
        return r->stats.median;
    }
    double m[64];
    size_t n = 0;
    for (size_t i = 0; i < r->nreps && n < 64; i++) {
        m[n++] = r->reps[i].median;
    }
    vb_stats_sort(m, n);
    return vb_stats_median_sorted(m, n);
}

double vb__result_env_factor(const vb_result *r, const vb_machine *m)
{
    if (!m) {
        return 1;
    }
    if (r->bench && r->bench->opts.threads > 1 && m->env_factor_threads > 0) {
        return m->env_factor_threads;
    }
    return m->env_factor > 0 ? m->env_factor : 1;
}

static void fail(vb_result *r, vb_verdict *v, const char *fmt, ...) VB__PRINTF(3, 4);

static void fail(vb_result *r, vb_verdict *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->msg, sizeof v->msg, fmt, ap);
    va_end(ap);
    v->regression = true;
    if (r->outcome == VB_OUTCOME_PASSED) {
        r->outcome = VB_OUTCOME_FAILED;
        memcpy(r->msg, "regression: ", 12);
        vb__strlcpy(r->msg + 12, v->msg, sizeof r->msg - 12);
    }
}

static bool has_limits(const vb_bench_options *o)
{
    return o->max_mean_s > 0 || o->max_median_s > 0 || o->max_stddev_s > 0 || o->max_rss_mb > 0 ||
           o->max_heap_mb > 0;
}

/* The medians of the run's processes divided by `scale`, into x (at most 64); their count. */
static size_t process_medians(const vb_result *r, double scale, double *x)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nreps && n < 64; i++) {
        x[n++] = r->reps[i].median / scale;
    }
    if (n == 0) {
        x[n++] = r->stats.median / scale;
    }
    return n;
}

/* Time: the median over the run's processes beyond the threshold, and significantly so: a
   one-sided exact Mann-Whitney test of the processes' medians (over environment factor x
   margin) against the medians of the baseline's processes. The rounds of one process are never
   the samples: they share the machine's state of the moment. */
static void judge_time(const vb_baseline_entry *e, const vb_gate_options *o, double margin,
                       vb_result *r, vb_verdict *v)
{
    const double env = o->env_factor > 0 ? o->env_factor : 1;
    v->metric = "median";
    v->threshold = margin;
    const double median = vb__result_median(r);
    v->ratio = median / (e->median_p90 * env);
    double x[64];
    const size_t nx = process_medians(r, env * margin, x);
    v->processes = nx;
    v->min_p = e->nsamples > 0 ? vb__mann_whitney_min_p(nx, e->nsamples) : 1;
    v->judged = v->min_p < o->alpha;
    if (!v->judged) {
        snprintf(v->msg, sizeof v->msg,
                 "not judged: %zu process%s against %zu of the baseline cannot reach p < %.2g "
                 "(at best %.2g): more repetitions",
                 nx, nx == 1 ? "" : "es", e->nsamples, o->alpha, v->min_p);
        return;
    }
    double p_slower = 1, p_faster = 1;
    vb__mann_whitney_exact(x, nx, e->samples, e->nsamples, &p_slower, NULL);
    /* Faster: the baseline's processes above the run's, at the margin's inverse. */
    for (size_t i = 0; i < nx; i++) {
        x[i] *= margin * margin;
    }
    vb__mann_whitney_exact(e->samples, e->nsamples, x, nx, &p_faster, NULL);
    v->p = v->ratio >= 1 ? p_slower : p_faster;
    v->improvement = v->ratio < 1 / margin && p_faster < o->alpha;
    if (v->ratio > margin && p_slower < o->alpha) {
        v->p = p_slower;
        fail(r, v,
             "median %.4g s is %.2fx the baseline (threshold %.2fx), p = %.2g over %zu processes",
             median, v->ratio, margin, p_slower, nx);
    } else {
        snprintf(v->msg, sizeof v->msg, "median %.2fx the baseline (threshold %.2fx), p = %.2g",
                 v->ratio, margin, v->p);
    }
}

static void judge_instructions(const vb_baseline_entry *e, const vb_gate_options *o, vb_result *r,
                               vb_verdict *v)
{
    v->metric = "instructions";
    v->threshold = 1 + o->instr_threshold;
    v->ratio = r->instructions / e->instructions_p90;
    v->p = 1; /* counts are deterministic: no test */
    v->improvement = v->ratio < 1 - o->instr_threshold;
    if (v->ratio > v->threshold) {
        fail(r, v, "%.0f instructions per iteration are %.3fx the baseline (threshold %.3fx)",
             r->instructions, v->ratio, v->threshold);
    } else {
        snprintf(v->msg, sizeof v->msg, "instructions %.3fx the baseline (threshold %.3fx)",
                 v->ratio, v->threshold);
    }
}

/* The median over the run's processes of their peak RSS or heap peak; -1 when not measured. */
static double process_memory(const vb_result *r, bool heap)
{
    double m[64];
    size_t n = 0;
    for (size_t i = 0; i < r->nreps && n < 64; i++) {
        const int64_t b = heap ? r->reps[i].heap_peak : r->reps[i].peak_rss;
        if (b >= 0) {
            m[n++] = (double)b;
        }
    }
    if (n == 0) {
        return (double)(heap ? r->heap_peak : r->peak_rss);
    }
    vb_stats_sort(m, n);
    return vb_stats_median_sorted(m, n);
}

static void judge_memory(const char *metric, double now, double base, double margin,
                         double floor_mb, vb_result *r, vb_verdict *v)
{
    if (now < 0 || !(base > 0) || v->regression) {
        return;
    }
    const double ratio = now / base;
    if (ratio > margin && now - base > floor_mb * 1024.0 * 1024.0) {
        v->metric = metric;
        v->ratio = ratio;
        v->threshold = margin;
        v->p = 1;
        fail(r, v, "%s %.1f MiB is %.2fx the baseline (threshold %.2fx)", metric,
             now / (1024.0 * 1024.0), ratio, margin);
    }
}

void vb_gate_check(const vb_baseline_entry *e, const vb_gate_options *o, vb_result *r,
                   vb_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->p = 1;
    v->metric = "none";
    if (r->outcome != VB_OUTCOME_PASSED || r->ndata == 0 || !r->bench) {
        snprintf(v->msg, sizeof v->msg, "not judged: %s", vb_outcome_name(r->outcome));
        return;
    }
    const double margin = r->bench->opts.margin > 0 ? r->bench->opts.margin : o->margin;
    if (!e || e->runs == 0) {
        /* No baseline: the registered limits were checked; without any, the seed's. */
        v->metric = "limit";
        if (!has_limits(&r->bench->opts)) {
            const double mib = 1024.0 * 1024.0;
            if (r->stats.mean > o->default_max_s) {
                fail(r, v, "no baseline: mean %.3g s > default limit %.3g s", r->stats.mean,
                     o->default_max_s);
            } else if (r->peak_rss >= 0 && (double)r->peak_rss / mib > o->default_max_mb) {
                fail(r, v, "no baseline: peak RSS %.1f MiB > default limit %.0f MB",
                     (double)r->peak_rss / mib, o->default_max_mb);
            }
        }
        if (!v->regression) {
            snprintf(v->msg, sizeof v->msg, "no baseline: absolute limits only");
        }
        return;
    }
    v->has_baseline = true;
    v->judged = true;
    if (o->metric == VB_GATE_INSTRUCTIONS && r->instructions >= 0 && e->instructions_p90 > 0) {
        judge_instructions(e, o, r, v);
    } else if (e->median_p90 > 0) {
        judge_time(e, o, margin, r, v);
    }
    judge_memory("peak_rss", process_memory(r, false), e->peak_rss_p90, margin, o->memory_floor_mb,
                 r, v);
    judge_memory("heap_peak", process_memory(r, true), e->heap_peak_p90, margin, o->memory_floor_mb,
                 r, v);
}
