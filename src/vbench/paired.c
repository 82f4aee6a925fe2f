/* SPDX-License-Identifier: MIT */
/* Paired comparison: the verdict of each benchmark from its paired samples of base and head. */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "paired_internal.h"
#include "vbench/paired.h"

void vb_paired_options_init(vb_paired_options *o)
{
    memset(o, 0, sizeof *o);
    o->threshold = 0.05;
    o->confidence = 0.90;
    o->change_confidence = 0.98;
    o->min_pairs = 5;
    o->max_pairs = 45;
    o->memory_floor = 512.0 * 1024;
    o->max_time = 0.25;
    o->timeout = 600;
}

const char *vb_paired_verdict_name(vb_paired_verdict v)
{
    switch (v) {
    case VB_PAIRED_UNCHANGED:
        return "unchanged";
    case VB_PAIRED_REGRESSION:
        return "regression";
    case VB_PAIRED_IMPROVEMENT:
        return "improvement";
    case VB_PAIRED_INCONCLUSIVE:
        return "inconclusive";
    case VB_PAIRED_NOT_JUDGED:
        return "not judged";
    }
    return "unknown";
}

static double median_of(double *values, size_t n)
{
    vb_stats_sort(values, n);
    return vb_stats_median_sorted(values, n);
}

/* The two intervals of one metric, on the scale of the differences: `keep` at the options'
   confidence, `change` at their change_confidence (wider; confidence 0 when too few pairs). */
typedef struct intervals {
    vb_shift_ci keep, change;
} intervals;

double vb__paired_change_confidence(const vb_paired_options *o)
{
    return o->change_confidence > o->confidence ? o->change_confidence : o->confidence;
}

static bool intervals_of(const double *d, size_t n, const vb_paired_options *o, intervals *iv)
{
    return vb_signed_rank_ci(d, n, o->confidence, &iv->keep, NULL) == VB_OK &&
           vb_signed_rank_ci(d, n, vb__paired_change_confidence(o), &iv->change, NULL) == VB_OK;
}

/* The verdict against the allowed growth `up` (> 0) and the allowed shrinking `down` (> 0):
   a change needs the wide interval beyond the threshold, no change needs the narrow one's
   upper bound within it (and not below -down: an improvement not yet confirmed); anything
   else is inconclusive. The wide interval contains the narrow one. */
static vb_paired_verdict verdict_of(const intervals *iv, double up, double down)
{
    const vb_shift_ci *c = &iv->change, *k = &iv->keep;
    if (c->confidence > 0 && c->low > up) {
        return VB_PAIRED_REGRESSION;
    }
    if (c->confidence > 0 && c->high < -down) {
        return VB_PAIRED_IMPROVEMENT;
    }
    if (k->confidence > 0 && k->high <= up && k->high >= -down) {
        return VB_PAIRED_UNCHANGED;
    }
    return VB_PAIRED_INCONCLUSIVE; /* or a change the wide interval does not confirm yet */
}

/* The interval a report shows: the one that decided the verdict (the narrow one for
   unchanged, the wide one otherwise, when it exists). */
static const vb_shift_ci *shown(const intervals *iv, vb_paired_verdict v)
{
    return v == VB_PAIRED_UNCHANGED || iv->change.confidence <= 0 ? &iv->keep : &iv->change;
}

/* A time metric of one sample: the wall time, or the CPU time (0 when not measured). */
static double seconds_of(const vb_paired_sample *x, bool cpu)
{
    return cpu ? x->cpu : x->median;
}

/* Time or CPU time: the interval of the log ratios, exponentiated. */
static void judge_time(vb_paired_bench *b, const vb_paired_options *o, double t, bool cpu,
                       double *d, double *tmp)
{
    vb_paired_metric *m = cpu ? &b->cpu : &b->time;
    const size_t n = b->pairs;
    for (size_t i = 0; i < n; i++) {
        const double x = seconds_of(&b->base[i], cpu), y = seconds_of(&b->head[i], cpu);
        if (!(x > 0) || !(y > 0)) {
            return;
        }
        d[i] = log(y / x);
    }
    m->present = true;
    for (size_t i = 0; i < n; i++) {
        tmp[i] = seconds_of(&b->base[i], cpu);
    }
    m->base = median_of(tmp, n);
    for (size_t i = 0; i < n; i++) {
        tmp[i] = seconds_of(&b->head[i], cpu);
    }
    m->head = median_of(tmp, n);
    intervals iv;
    if (!intervals_of(d, n, o, &iv)) {
        return;
    }
    m->ratio = exp(iv.keep.estimate);
    if (iv.keep.confidence > 0) {
        if (n >= o->min_pairs) {
            m->verdict = verdict_of(&iv, log1p(t), log1p(t));
        }
        const vb_shift_ci *ci = shown(&iv, m->verdict);
        m->low = exp(ci->low);
        m->high = exp(ci->high);
        m->confidence = ci->confidence;
    }
}

/* Peak RSS and heap peak: the interval of the byte differences, relative to the base's median;
   a regression must exceed both the threshold and the memory floor. */
static void judge_memory(vb_paired_bench *b, const vb_paired_options *o, double t, bool heap,
                         double *d, double *tmp)
{
    vb_paired_metric *m = heap ? &b->heap_peak : &b->peak_rss;
    const size_t n = b->pairs;
    for (size_t i = 0; i < n; i++) {
        const int64_t x = heap ? b->base[i].heap_peak : b->base[i].peak_rss;
        const int64_t y = heap ? b->head[i].heap_peak : b->head[i].peak_rss;
        if (x < 0 || y < 0) {
            return;
        }
        d[i] = (double)y - (double)x;
        tmp[i] = (double)x;
    }
    m->present = true;
    m->base = median_of(tmp, n);
    for (size_t i = 0; i < n; i++) {
        tmp[i] = (double)(heap ? b->head[i].heap_peak : b->head[i].peak_rss);
    }
    m->head = median_of(tmp, n);
    intervals iv;
    if (!intervals_of(d, n, o, &iv)) {
        return;
    }
    const double base = m->base > 0 ? m->base : 1;
    m->ratio = 1 + iv.keep.estimate / base;
    if (iv.keep.confidence > 0) {
        const double up = fmax(t * m->base, o->memory_floor);
        const double down = fmax(t / (1 + t) * m->base, o->memory_floor);
        if (n >= o->min_pairs) {
            m->verdict = verdict_of(&iv, up, down);
        }
        const vb_shift_ci *ci = shown(&iv, m->verdict);
        m->low = 1 + ci->low / base;
        m->high = 1 + ci->high / base;
        m->confidence = ci->confidence;
    }
}

static void metric_reset(vb_paired_metric *m)
{
    memset(m, 0, sizeof *m);
    m->ratio = m->low = m->high = NAN;
    m->verdict = VB_PAIRED_NOT_JUDGED;
}

void vb_paired_judge(vb_paired_bench *b, const vb_paired_options *o)
{
    metric_reset(&b->time);
    metric_reset(&b->cpu);
    metric_reset(&b->peak_rss);
    metric_reset(&b->heap_peak);
    if (b->failed || b->missing || b->pairs == 0) {
        return;
    }
    const double t = b->threshold > 0 ? b->threshold : o->threshold;
    double *d = vb__malloc(2 * b->pairs * sizeof *d);
    if (!d) {
        return; /* left not judged: the caller sees no verdict */
    }
    double *tmp = d + b->pairs;
    judge_time(b, o, t, false, d, tmp);
    judge_time(b, o, t, true, d, tmp);
    judge_memory(b, o, t, false, d, tmp);
    judge_memory(b, o, t, true, d, tmp);
    vb__free(d);
}

/* How bad a verdict is, to pick the worst of a benchmark's metrics. */
static int severity(vb_paired_verdict v)
{
    switch (v) {
    case VB_PAIRED_REGRESSION:
        return 4;
    case VB_PAIRED_INCONCLUSIVE:
        return 3;
    case VB_PAIRED_NOT_JUDGED:
        return 2;
    case VB_PAIRED_IMPROVEMENT:
        return 1;
    case VB_PAIRED_UNCHANGED:
        return 0;
    }
    return 2;
}

vb_paired_verdict vb_paired_bench_verdict(const vb_paired_bench *b)
{
    if (b->failed || b->missing || !b->time.present) {
        return VB_PAIRED_NOT_JUDGED;
    }
    vb_paired_verdict worst = b->time.verdict;
    const vb_paired_metric *others[] = {&b->cpu, &b->peak_rss, &b->heap_peak};
    for (size_t i = 0; i < 3; i++) {
        if (others[i]->present && severity(others[i]->verdict) > severity(worst)) {
            worst = others[i]->verdict;
        }
    }
    return worst;
}

void vb_paired_report_count(vb_paired_report *r)
{
    r->regressions = r->improvements = r->inconclusive = r->failures = r->not_judged = 0;
    for (size_t i = 0; i < r->nbenches; i++) {
        const vb_paired_bench *b = &r->benches[i];
        if (b->failed) {
            r->failures++;
            continue;
        }
        switch (vb_paired_bench_verdict(b)) {
        case VB_PAIRED_REGRESSION:
            r->regressions++;
            break;
        case VB_PAIRED_IMPROVEMENT:
            r->improvements++;
            break;
        case VB_PAIRED_INCONCLUSIVE:
            r->inconclusive++;
            break;
        case VB_PAIRED_NOT_JUDGED:
            r->not_judged++;
            break;
        case VB_PAIRED_UNCHANGED:
            break;
        }
    }
}

void vb_paired_report_free(vb_paired_report *r)
{
    if (!r) {
        return;
    }
    for (size_t i = 0; i < r->nbenches; i++) {
        vb__free(r->benches[i].base);
        vb__free(r->benches[i].head);
    }
    vb__free(r->benches);
    vb__free(r);
}
