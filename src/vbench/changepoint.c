/* SPDX-License-Identifier: MIT */
/* Change points by E-divisive means (Matteson and James, 2014): hierarchical splits that
   maximise the energy distance between segments, each tested by permutation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vbench/history.h"

enum { MAX_N = 1024 };

void vb_changepoint_options_init(vb_changepoint_options *o)
{
    memset(o, 0, sizeof *o);
    o->min_size = 3;
    o->alpha = 0.05;
    o->permutations = 199;
    o->seed = 0x5eed;
    o->min_change = 0.05;
    o->max_points = 16;
}

/* Pairwise sums of the series: within(a, b) = sum over a <= i < k < b of |z_i - z_k|, for all
   0 <= a <= b <= n, in an (n + 1) x (n + 1) matrix. */
typedef struct energy {
    size_t n;
    double *w;
} energy;

static double within(const energy *e, size_t a, size_t b)
{
    return e->w[a * (e->n + 1) + b];
}

static void energy_fill(energy *e, const double *z)
{
    const size_t n = e->n, stride = n + 1;
    memset(e->w, 0, stride * stride * sizeof *e->w);
    /* Column by column: r = sum over a <= i < j of |z_i - z_j|, for a from j - 1 down. Then
       within(a, j + 1) = within(a, j) + r(a, j). */
    for (size_t j = 1; j < n; j++) {
        double r = 0;
        for (size_t a = j; a-- > 0;) {
            r += fabs(z[a] - z[j]);
            e->w[a * stride + j + 1] = e->w[a * stride + j] + r;
        }
    }
}

/* The best split of segment [s, e) in two: maximises Q(tau) over s + min <= tau <= e - min.
   Matteson and James also let the right end (kappa) move inside the segment; keeping it at e
   tests fewer splits, which gives the permutation test more power on short series (measured on
   simulated nightly series with outliers: docs/performance_testing_guide.md). Returns the
   statistic, -1 when the segment is too short. */
static double best_split(const energy *en, size_t s, size_t e, size_t min, size_t *tau_out)
{
    double best = -1;
    for (size_t tau = s + min; tau + min <= e; tau++) {
        const double n = (double)(tau - s), m = (double)(e - tau);
        const double wx = within(en, s, tau), wy = within(en, tau, e);
        const double between = within(en, s, e) - wx - wy;
        const double ax = n > 1 ? wx / (n * (n - 1) / 2) : 0;
        const double ay = m > 1 ? wy / (m * (m - 1) / 2) : 0;
        const double q = m * n / (m + n) * (2 * between / (m * n) - ax - ay);
        if (q > best) {
            best = q;
            *tau_out = tau;
        }
    }
    return best;
}

/* The best split over all current segments (bounds: sorted, starting with 0 and ending with
   n). Returns its statistic, -1 when no segment can be split. */
static double best_of_segments(const energy *en, const size_t *bounds, size_t nb, size_t min,
                               size_t *tau)
{
    double best = -1;
    for (size_t k = 0; k + 1 < nb; k++) {
        size_t t = 0;
        const double q = best_split(en, bounds[k], bounds[k + 1], min, &t);
        if (q > best) {
            best = q;
            *tau = t;
        }
    }
    return best;
}

/* xorshift64*: the permutations' generator, seeded, so that results repeat. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static void shuffle(double *z, size_t s, size_t e, uint64_t *state)
{
    for (size_t i = e - 1; i > s; i--) {
        const size_t j = s + (size_t)(next_random(state) % (uint64_t)(i - s + 1));
        const double t = z[i];
        z[i] = z[j];
        z[j] = t;
    }
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_size(const void *a, const void *b)
{
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static double segment_median(const double *x, size_t s, size_t e, double *tmp)
{
    memcpy(tmp, x + s, (e - s) * sizeof *tmp);
    qsort(tmp, e - s, sizeof *tmp, cmp_double);
    return vb_stats_median_sorted(tmp, e - s);
}

typedef struct work {
    energy en;
    double *perm, *tmp;
    size_t *bounds;
    double *p;
} work;

static void work_free(work *w)
{
    vb__free(w->en.w);
    vb__free(w->perm);
    vb__free(w->tmp);
    vb__free(w->bounds);
    vb__free(w->p);
}

/* Splits until no split is significant; bounds[0 .. *nb) end up the segment bounds and p[k]
   the p-value of the split at bounds[k]. */
static void divide(const double *x, size_t n, const vb_changepoint_options *o, work *w, size_t *nb)
{
    w->bounds[0] = 0;
    w->bounds[1] = n;
    *nb = 2;
    uint64_t state = o->seed ? o->seed : 1;
    while (*nb - 2 < o->max_points) {
        energy_fill(&w->en, x);
        size_t tau = 0;
        const double q = best_of_segments(&w->en, w->bounds, *nb, o->min_size, &tau);
        if (q < 0) {
            break;
        }
        size_t extreme = 0;
        for (size_t r = 0; r < o->permutations; r++) {
            memcpy(w->perm, x, n * sizeof *x);
            for (size_t k = 0; k + 1 < *nb; k++) {
                shuffle(w->perm, w->bounds[k], w->bounds[k + 1], &state);
            }
            energy_fill(&w->en, w->perm);
            size_t t2 = 0;
            extreme += best_of_segments(&w->en, w->bounds, *nb, o->min_size, &t2) >= q;
        }
        const double p = (double)(extreme + 1) / (double)(o->permutations + 1);
        if (p > o->alpha) {
            break;
        }
        w->bounds[*nb] = tau;
        w->p[tau] = p;
        (*nb)++;
        qsort(w->bounds, *nb, sizeof *w->bounds, cmp_size);
    }
}

vb_status vb_changepoints(const double *x, size_t n, const vb_changepoint_options *opts,
                          vb_changepoint *out, size_t max, size_t *count, vb_error *err)
{
    vb_changepoint_options o;
    if (opts) {
        o = *opts;
    } else {
        vb_changepoint_options_init(&o);
    }
    if (!count || (max > 0 && !out) || (n > 0 && !x) || n > MAX_N || o.min_size < 1) {
        return vb__error(err, VB_ERR_INVALID,
                         "change points need a series of at most %d values and min_size >= 1",
                         (int)MAX_N);
    }
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            return vb__error(err, VB_ERR_INVALID, "value %zu of the series is not finite", i);
        }
    }
    if (n < 2 * o.min_size) {
        return VB_OK;
    }
    work w;
    memset(&w, 0, sizeof w);
    w.en.n = n;
    w.en.w = vb__malloc((n + 1) * (n + 1) * sizeof *w.en.w);
    w.perm = vb__malloc(n * sizeof *w.perm);
    w.tmp = vb__malloc(n * sizeof *w.tmp);
    w.bounds = vb__malloc((o.max_points + 2) * sizeof *w.bounds);
    w.p = vb__calloc(n + 1, sizeof *w.p);
    if (!w.en.w || !w.perm || !w.tmp || !w.bounds || !w.p) {
        work_free(&w);
        return vb__nomem(err);
    }
    size_t nb = 0;
    divide(x, n, &o, &w, &nb);
    /* Drop the splits whose level change is too small, merging their segments, until every
       remaining one changes the median by at least min_change. */
    bool dropped = true;
    while (dropped && nb > 2) {
        dropped = false;
        size_t weakest = 0;
        double smallest = INFINITY;
        for (size_t k = 1; k + 1 < nb; k++) {
            const double before = segment_median(x, w.bounds[k - 1], w.bounds[k], w.tmp);
            const double after = segment_median(x, w.bounds[k], w.bounds[k + 1], w.tmp);
            const double change = before != 0 ? fabs(after / before - 1) : fabs(after);
            if (change < smallest) {
                smallest = change;
                weakest = k;
            }
        }
        if (smallest < o.min_change) {
            memmove(&w.bounds[weakest], &w.bounds[weakest + 1],
                    (nb - weakest - 1) * sizeof *w.bounds);
            nb--;
            dropped = true;
        }
    }
    for (size_t k = 1; k + 1 < nb && *count < max; k++) {
        vb_changepoint *c = &out[(*count)++];
        c->index = w.bounds[k];
        c->p = w.p[w.bounds[k]];
        c->before = segment_median(x, w.bounds[k - 1], w.bounds[k], w.tmp);
        c->after = segment_median(x, w.bounds[k], w.bounds[k + 1], w.tmp);
        c->change = c->before != 0 ? c->after / c->before - 1 : 0;
    }
    work_free(&w);
    return VB_OK;
}
