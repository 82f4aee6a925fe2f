/* SPDX-License-Identifier: MIT */
/* The Mann-Whitney U test: is one sample of round times stochastically greater than another? */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

typedef struct tagged {
    double v;
    int from_x;
} tagged;

static int cmp_tagged(const void *a, const void *b)
{
    const double x = ((const tagged *)a)->v, y = ((const tagged *)b)->v;
    return (x > y) - (x < y);
}

vb_status vb_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
                          vb_alternative alt, double *u_out, double *p_out, vb_error *err)
{
    if (!x || !y || nx == 0 || ny == 0 || !p_out) {
        return vb__error(err, VB_ERR_INVALID, "Mann-Whitney U needs two non-empty samples");
    }
    const size_t n = nx + ny;
    tagged *all = vb__malloc(n * sizeof *all);
    if (!all) {
        return vb__nomem(err);
    }
    for (size_t i = 0; i < nx; i++) {
        all[i].v = x[i];
        all[i].from_x = 1;
    }
    for (size_t i = 0; i < ny; i++) {
        all[nx + i].v = y[i];
        all[nx + i].from_x = 0;
    }
    qsort(all, n, sizeof *all, cmp_tagged);
    /* Average ranks of tied groups; sum of t^3 - t for the tie correction. */
    double rank_sum_x = 0, ties = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && all[j].v == all[i].v) {
            j++;
        }
        const double rank = ((double)i + 1 + (double)j) / 2; /* mean of ranks i+1 .. j */
        for (size_t k = i; k < j; k++) {
            if (all[k].from_x) {
                rank_sum_x += rank;
            }
        }
        const double t = (double)(j - i);
        ties += t * t * t - t;
        i = j;
    }
    vb__free(all);
    const double dnx = (double)nx, dny = (double)ny, dn = (double)n;
    const double u1 = rank_sum_x - dnx * (dnx + 1) / 2;
    const double mu = dnx * dny / 2;
    const double var = dnx * dny / 12 * ((dn + 1) - ties / (dn * (dn - 1)));
    if (u_out) {
        *u_out = u1;
    }
    if (!(var > 0)) {
        *p_out = 1;
        return VB_OK;
    }
    const double sd = sqrt(var);
    double p;
    switch (alt) {
    case VB_GREATER:
        p = 0.5 * erfc((u1 - mu - 0.5) / sd / sqrt(2.0));
        break;
    case VB_LESS:
        p = 0.5 * erfc(-(u1 - mu + 0.5) / sd / sqrt(2.0));
        break;
    case VB_TWO_SIDED:
    default: {
        const double u = fmax(u1, dnx * dny - u1);
        p = erfc((u - mu - 0.5) / sd / sqrt(2.0));
        break;
    }
    }
    *p_out = p > 1 ? 1 : p < 0 ? 0 : p;
    return VB_OK;
}

/* The number of arrangements of n x-values among n + m with U = u, for u = 0 .. n m: the
   coefficients of the Gaussian binomial [n + m choose n](q), built factor by factor. Doubles:
   the counts exceed 2^53 only for samples far larger than the gate's. */
static double *u_counts(size_t n, size_t m)
{
    double *c = vb__calloc(n * m + n + m + 1, sizeof *c);
    if (!c) {
        return NULL;
    }
    c[0] = 1;
    size_t deg = 0;
    for (size_t k = 1; k <= n; k++) {
        /* Multiply by (1 - q^(m + k)), then divide exactly by (1 - q^k). */
        const size_t up = m + k;
        for (size_t i = deg + up; i >= up; i--) {
            c[i] -= c[i - up];
        }
        for (size_t i = k; i <= deg + m; i++) {
            c[i] += c[i - k];
        }
        for (size_t i = deg + m + 1; i <= deg + up; i++) {
            c[i] = 0;
        }
        deg += m;
    }
    return c;
}

vb_status vb__mann_whitney_exact(const double *x, size_t nx, const double *y, size_t ny,
                                 double *p_greater, vb_error *err)
{
    if (!x || !y || nx == 0 || ny == 0 || nx * ny > 100000 || !p_greater) {
        return vb__error(err, VB_ERR_INVALID,
                         "the exact Mann-Whitney test needs two non-empty samples of at most "
                         "100000 pairs");
    }
    /* U of x: pairs where x is greater, ties counting one half. */
    double u = 0;
    for (size_t i = 0; i < nx; i++) {
        for (size_t j = 0; j < ny; j++) {
            u += x[i] > y[j] ? 1 : x[i] == y[j] ? 0.5 : 0;
        }
    }
    double *c = u_counts(nx, ny);
    if (!c) {
        return vb__nomem(err);
    }
    double total = 0, tail = 0;
    for (size_t k = 0; k <= nx * ny; k++) {
        total += c[k];
        /* A half-integer U from ties counts the arrangements at or above its ceiling. */
        if ((double)k >= u - 1e-9) {
            tail += c[k];
        }
    }
    vb__free(c);
    *p_greater = tail / total;
    return VB_OK;
}

double vb__mann_whitney_min_p(size_t nx, size_t ny)
{
    /* The most extreme arrangement, every x above every y: 1 / C(nx + ny, nx). */
    double inv = 1;
    for (size_t k = 1; k <= nx; k++) {
        inv = inv * (double)(ny + k) / (double)k;
    }
    return 1 / inv;
}
