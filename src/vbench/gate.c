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

/* Time: ratio of medians beyond the threshold and a significant one-sided rank test. */
static void judge_time(const vb_baseline_entry *e, const vb_gate_options *o, double margin,
                       vb_result *r, vb_verdict *v)
{
    const double env = o->env_factor > 0 ? o->env_factor : 1;
    v->metric = "median";
    v->threshold = margin;
    v->ratio = r->stats.median / (e->median_p90 * env);
    double *scaled = vb__malloc(r->ndata * sizeof *scaled);
    if (scaled && e->nsamples > 0) {
        for (size_t i = 0; i < r->ndata; i++) {
            scaled[i] = r->data[i] / env;
        }
        double p_slower = 1, p_faster = 1;
        vb_mann_whitney(scaled, r->ndata, e->samples, e->nsamples, VB_GREATER, NULL, &p_slower,
                        NULL);
        vb_mann_whitney(scaled, r->ndata, e->samples, e->nsamples, VB_LESS, NULL, &p_faster, NULL);
        v->p = v->ratio >= 1 ? p_slower : p_faster;
        v->improvement = v->ratio < 1 / margin && p_faster < o->alpha;
    }
    vb__free(scaled);
    if (v->ratio > margin && v->p < o->alpha) {
        fail(r, v, "median %.4g s is %.2fx the baseline (threshold %.2fx), p = %.2g",
             r->stats.median, v->ratio, margin, v->p);
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
    if (o->metric == VB_GATE_INSTRUCTIONS && r->instructions >= 0 && e->instructions_p90 > 0) {
        judge_instructions(e, o, r, v);
    } else if (e->median_p90 > 0) {
        judge_time(e, o, margin, r, v);
    }
    judge_memory("peak_rss", (double)r->peak_rss, e->peak_rss_p90, margin, o->memory_floor_mb, r,
                 v);
    judge_memory("heap_peak", (double)r->heap_peak, e->heap_peak_p90, margin, o->memory_floor_mb, r,
                 v);
}
