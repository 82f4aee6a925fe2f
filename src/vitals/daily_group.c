/* SPDX-License-Identifier: MIT */
/* The daily calculator's statistics of one (metric, day) group: exact order statistics,
 * Welford's mean and variance, Neumaier sums, and the total de-duplicated across sources. */
#include <stdlib.h>
#include <string.h>

#include "daily_private.h"

static int is_category(const char *identifier);

static const char *const DEFAULT_PRIORITY[] = {"Watch", "iPhone"};

void vt__daily_calc_init(calc *c, const vt_daily_options *opt)
{
    memset(c, 0, sizeof *c);
    c->opt = opt;
}

void vt__daily_calc_free(calc *c)
{
    vt__free(c->samples);
    vt__free(c->values);
    vt__free(c->covered);
    vt__free(c->merged);
    vt__free(c->scratch);
}

static size_t list_length(const vt_daily_options *o)
{
    return o->source_priority ? o->source_priority_count : 2;
}

/* The position in the priority list of the first entry the name holds, or the list's
 * length when it holds none. */
static uint32_t listed_rank(const vt_daily_options *o, const char *name)
{
    const char *const *order = o->source_priority ? o->source_priority : DEFAULT_PRIORITY;
    const size_t n = list_length(o);
    for (size_t i = 0; i < n; i++) {
        if (order[i] && strstr(name, order[i])) {
            return (uint32_t)i;
        }
    }
    return (uint32_t)n;
}

static int cmp_name(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    return strcmp(*x, *y);
}

vt_status vt__daily_rank_sources(const calc *c, const char *const *names, size_t n, uint32_t *ranks,
                                 vt_error *err)
{
    const char **unlisted = vt__malloc((n ? n : 1) * sizeof *unlisted);
    if (!unlisted) {
        return vt__nomem(err);
    }
    size_t m = 0;
    const uint32_t listed = (uint32_t)list_length(c->opt);
    for (size_t i = 0; i < n; i++) {
        if (names[i] && (ranks[i] = listed_rank(c->opt, names[i])) == listed) {
            unlisted[m++] = names[i];
        }
    }
    qsort(unlisted, m, sizeof *unlisted, cmp_name);
    for (size_t i = 0; i < n; i++) {
        if (names[i] && ranks[i] == listed) {
            const char **at = bsearch(&names[i], unlisted, m, sizeof *unlisted, cmp_name);
            ranks[i] = listed + (uint32_t)(at - unlisted);
        }
    }
    vt__free(unlisted);
    return VT_OK;
}

/* The order of a group's samples: start, end, value, source rank, unit name. Samples equal in
 * all of these contribute alike to every statistic. */
static int cmp_sample(const sample *x, const sample *y)
{
    if (x->start != y->start) {
        return x->start < y->start ? -1 : 1;
    }
    if (x->end != y->end) {
        return x->end < y->end ? -1 : 1;
    }
    if (x->value != y->value) {
        return x->value < y->value ? -1 : 1;
    }
    if (x->rank != y->rank) {
        return x->rank < y->rank ? -1 : 1;
    }
    return x->unit == y->unit ? 0 : strcmp(x->unit, y->unit);
}

static int cmp_sample_qsort(const void *a, const void *b)
{
    return cmp_sample(a, b);
}

/* Puts the samples in that order: one pass when they already are (the common case: a day of
 * one type read back in time order), a sort otherwise. */
static void order_samples(sample *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (cmp_sample(&a[i - 1], &a[i]) > 0) {
            qsort(a, n, sizeof *a, cmp_sample_qsort);
            return;
        }
    }
}

/* The order of the de-duplication: source rank, then the samples' own order. */
static int cmp_rank_start(const void *a, const void *b)
{
    const sample *x = a, *y = b;
    if (x->rank != y->rank) {
        return x->rank < y->rank ? -1 : 1;
    }
    return cmp_sample(x, y);
}

/* Linear interpolation between the order statistics around p (numpy's default, type 7). */
static double percentile(const double *sorted, size_t n, double p)
{
    const double pos = p * (double)(n - 1);
    const size_t lo = (size_t)pos;
    if (lo + 1 >= n) {
        return sorted[n - 1];
    }
    return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (pos - (double)lo);
}

/* Seconds of [s, e) covered by the sorted disjoint intervals `cov`. */
static int64_t covered_length(const interval *cov, size_t n, int64_t s, int64_t e, size_t *hint)
{
    int64_t total = 0;
    size_t i = *hint;
    while (i < n && cov[i].end <= s) {
        i++;
    }
    *hint = i;
    for (; i < n && cov[i].start < e; i++) {
        const int64_t a = cov[i].start > s ? cov[i].start : s;
        const int64_t b = cov[i].end < e ? cov[i].end : e;
        if (b > a) {
            total += b - a;
        }
    }
    return total;
}

static int point_covered(const interval *cov, size_t n, int64_t t)
{
    for (size_t i = 0; i < n && cov[i].start <= t; i++) {
        if (t >= cov[i].start && t < cov[i].end) {
            return 1;
        }
    }
    return 0;
}

/*
 * The de-duplicated total (docs/metrics.md): sources are taken in priority order; each sample
 * counts for the share of its interval not already covered by a higher-priority source.
 */
/* Sorts the group's samples (in their own order) by rank, keeping that order within a rank: a
 * pass per rank when there are few (a day has one to three sources), a sort otherwise. */
static vt_status order_by_rank(calc *c, vt_error *err)
{
    enum { FEW = 8 };
    uint32_t ranks[FEW];
    size_t nranks = 0;
    for (size_t i = 0; i < c->count; i++) {
        const uint32_t r = c->samples[i].rank;
        size_t k = 0;
        while (k < nranks && ranks[k] < r) {
            k++;
        }
        if (k < nranks && ranks[k] == r) {
            continue;
        }
        if (nranks == FEW) {
            qsort(c->samples, c->count, sizeof *c->samples, cmp_rank_start);
            return VT_OK;
        }
        memmove(ranks + k + 1, ranks + k, (nranks - k) * sizeof *ranks);
        ranks[k] = r;
        nranks++;
    }
    if (nranks < 2) {
        return VT_OK;
    }
    if (vt__grow((void **)&c->scratch, &c->scratch_cap, c->count, sizeof *c->scratch) != 0) {
        return vt__nomem(err);
    }
    size_t m = 0;
    for (size_t k = 0; k < nranks; k++) {
        for (size_t i = 0; i < c->count; i++) {
            if (c->samples[i].rank == ranks[k]) {
                c->scratch[m++] = c->samples[i];
            }
        }
    }
    sample *t = c->samples;
    c->samples = c->scratch;
    c->scratch = t;
    const size_t cap = c->cap;
    c->cap = c->scratch_cap;
    c->scratch_cap = cap;
    return VT_OK;
}

static vt_status dedup_total(calc *c, double *total, vt_error *err)
{
    const vt_status ordered = order_by_rank(c, err);
    if (ordered != VT_OK) {
        return ordered;
    }
    size_t ncov = 0;
    double sum = 0.0, comp = 0.0;
    size_t i = 0;
    while (i < c->count) {
        const uint32_t rank = c->samples[i].rank;
        size_t j = i, hint = 0;
        for (; j < c->count && c->samples[j].rank == rank; j++) {
            const sample *s = &c->samples[j];
            double share;
            if (s->end > s->start) {
                const int64_t cov = covered_length(c->covered, ncov, s->start, s->end, &hint);
                share = (double)(s->end - s->start - cov) / (double)(s->end - s->start);
            } else {
                share = point_covered(c->covered, ncov, s->start) ? 0.0 : 1.0;
            }
            /* Neumaier summation keeps the total exact to the last bits over many samples. */
            const double v = s->value * share, t = sum + v;
            comp += fabs(sum) >= fabs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
        }
        /* Merge this source's intervals (sorted by start) into the covered set. */
        const size_t need = ncov + (j - i);
        if (vt__grow((void **)&c->merged, &c->merged_cap, need, sizeof(interval)) != 0 ||
            vt__grow((void **)&c->covered, &c->covered_cap, need, sizeof(interval)) != 0) {
            return vt__nomem(err);
        }
        size_t a = 0, b = i, m = 0;
        while (a < ncov || b < j) {
            interval next;
            if (b >= j || (a < ncov && c->covered[a].start <= c->samples[b].start)) {
                next = c->covered[a++];
            } else {
                next.start = c->samples[b].start;
                next.end = c->samples[b].end;
                b++;
                if (next.end <= next.start) {
                    continue;
                }
            }
            if (m > 0 && next.start <= c->merged[m - 1].end) {
                if (next.end > c->merged[m - 1].end) {
                    c->merged[m - 1].end = next.end;
                }
            } else {
                c->merged[m++] = next;
            }
        }
        interval *tmp = c->covered;
        c->covered = c->merged;
        c->merged = tmp;
        size_t tcap = c->covered_cap;
        c->covered_cap = c->merged_cap;
        c->merged_cap = tcap;
        ncov = m;
        i = j;
    }
    *total = sum + comp;
    return VT_OK;
}

void vt__daily_type_entry_init(type_entry *te, uint32_t type, const char *identifier)
{
    te->type = type;
    te->identifier = identifier;
    vt_metric_name(identifier, te->name, sizeof te->name);
    const vt_metric_info *info = vt_metric_lookup(identifier);
    te->cumulative = info && info->kind == VT_METRIC_CUMULATIVE;
    te->category = is_category(identifier);
}

int vt__daily_cmp_type_entry(const void *a, const void *b)
{
    const type_entry *x = a, *y = b;
    const int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->identifier, y->identifier);
}

/* Sorts doubles ascending: quicksort with a median-of-three pivot and insertion sort for
 * short runs; a day's values are few, and glibc's qsort spent most of its time in the
 * comparison callback. */
static void sort_doubles(double *a, size_t n)
{
    while (n > 16) {
        const size_t mid = n / 2;
        double x = a[0], y = a[mid], z = a[n - 1];
        const double pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot) {
                i++;
            }
            while (a[j] > pivot) {
                j--;
            }
            if (i >= j) {
                break;
            }
            const double t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        /* Recurse into the smaller side, loop on the larger: stack depth stays logarithmic. */
        const size_t left = j + 1;
        if (left < n - left) {
            sort_doubles(a, left);
            a += left;
            n -= left;
        } else {
            sort_doubles(a + left, n - left);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        const double v = a[i];
        size_t k = i;
        while (k > 0 && a[k - 1] > v) {
            a[k] = a[k - 1];
            k--;
        }
        a[k] = v;
    }
}

vt_status vt__daily_emit_group(calc *c, int32_t day, const type_entry *te, vt_daily_fn fn,
                               void *ctx, vt_error *err)
{
    if (c->count == 0) {
        return VT_OK;
    }
    order_samples(c->samples, c->count);
    vt_daily_row row;
    memset(&row, 0, sizeof row);
    row.day = day;
    row.metric = te->name;
    row.identifier = te->identifier;
    row.unit = c->samples[0].unit ? c->samples[0].unit : "";
    row.count = c->count;
    if (vt__grow((void **)&c->values, &c->values_cap, c->count, sizeof(double)) != 0) {
        return vt__nomem(err);
    }
    double mean = 0.0, m2 = 0.0, sum = 0.0, comp = 0.0;
    for (size_t i = 0; i < c->count; i++) {
        const double v = c->samples[i].value;
        c->values[i] = v;
        /* Welford's update: stable mean and variance in one pass. */
        const double delta = v - mean;
        mean += delta / (double)(i + 1);
        m2 += delta * (v - mean);
        const double t = sum + v;
        comp += fabs(sum) >= fabs(v) ? (sum - t) + v : (v - t) + sum;
        sum = t;
    }
    sort_doubles(c->values, c->count);
    row.sum = sum + comp;
    row.mean = mean;
    row.stddev = c->count > 1 ? sqrt(m2 / (double)(c->count - 1)) : 0.0;
    row.min = c->values[0];
    row.max = c->values[c->count - 1];
    row.median = percentile(c->values, c->count, 0.5);
    row.p25 = percentile(c->values, c->count, 0.25);
    row.p75 = percentile(c->values, c->count, 0.75);
    row.p95 = percentile(c->values, c->count, 0.95);
    if (te->cumulative) {
        row.has_total = 1;
        vt_status st = dedup_total(c, &row.total, err);
        if (st != VT_OK) {
            return st;
        }
    }
    c->count = 0;
    return fn(ctx, &row, err);
}

int vt__daily_metric_selected(const vt_daily_options *o, const char *identifier)
{
    if (!o->metric) {
        return 1;
    }
    char name[128];
    vt_metric_name(identifier, name, sizeof name);
    return strcmp(o->metric, identifier) == 0 || strcmp(o->metric, name) == 0;
}

static int is_category(const char *identifier)
{
    const vt_metric_info *info = vt_metric_lookup(identifier);
    return info ? info->kind == VT_METRIC_CATEGORY
                : strncmp(identifier, "HKCategoryTypeIdentifier", 24) == 0;
}
