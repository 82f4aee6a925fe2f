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
