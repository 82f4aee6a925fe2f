/* SPDX-License-Identifier: MIT */
/* The Wilcoxon signed-rank confidence interval of the centre of paired differences, with its
   Hodges-Lehmann estimate: distribution-free, exact for small samples. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

/* Above this many pairs the normal approximation replaces the exact distribution. */
enum { EXACT_MAX = 60, PAIRS_MAX = 2000 };

/* The inverse of the standard normal CDF (Acklam's rational approximation, relative error
   below 1.2e-9), for the normal approximation of large samples. */
static double normal_quantile(double p)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    const double lo = 0.02425;
    if (p < lo) {
        const double q = sqrt(-2 * log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - lo) {
        return -normal_quantile(1 - p);
    }
    const double q = p - 0.5, r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/* P(T+ <= t) for t = 0 .. n(n+1)/2 under the null hypothesis, into `cdf` (M + 1 values):
   the number of subsets of {1..n} with sum t, over 2^n, built one rank at a time. */
static void exact_cdf(size_t n, double *cdf)
{
    const size_t m = n * (n + 1) / 2;
    for (size_t t = 0; t <= m; t++) {
        cdf[t] = 0;
    }
    cdf[0] = 1;
    size_t top = 0;
    for (size_t k = 1; k <= n; k++) {
        top += k;
        for (size_t t = top + 1; t-- > 0;) {
            const double with = t >= k ? cdf[t - k] : 0;
            cdf[t] = (cdf[t] + with) / 2;
        }
    }
    for (size_t t = 1; t <= m; t++) {
        cdf[t] += cdf[t - 1];
    }
}

static double normal_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* The rank (1-based) of the lower bound among the sorted Walsh averages, 0 when no interval
   of the asked confidence exists, and the coverage it achieves. */
static size_t lower_rank(size_t n, double confidence, double *achieved, vb_error *err,
                         vb_status *status)
{
    const double tail = (1 - confidence) / 2;
    const size_t m = n * (n + 1) / 2;
    *status = VB_OK;
    if (n <= EXACT_MAX) {
        double *cdf = vb__malloc((m + 1) * sizeof *cdf);
        if (!cdf) {
            *status = vb__nomem(err);
            return 0;
        }
        exact_cdf(n, cdf);
        /* The largest k with P(T+ <= k - 1) <= tail; the interval [W(k), W(M + 1 - k)]
           then covers with probability 1 - 2 P(T+ <= k - 1). */
        size_t k = 0;
        while (k < m / 2 && cdf[k] <= tail) {
            k++;
        }
        *achieved = k > 0 ? 1 - 2 * cdf[k - 1] : 0;
        vb__free(cdf);
        return k;
    }
    const double dn = (double)n;
    const double mu = dn * (dn + 1) / 4, sigma = sqrt(dn * (dn + 1) * (2 * dn + 1) / 24);
    const double z = normal_quantile(1 - tail);
    const double kd = floor(mu - z * sigma + 0.5);
    const size_t k = kd < 1 ? 0 : (size_t)kd;
    *achieved = k > 0 ? 1 - 2 * normal_cdf(((double)k - 0.5 - mu) / sigma) : 0;
    return k;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

vb_status vb_signed_rank_ci(const double *d, size_t n, double confidence, vb_shift_ci *out,
                            vb_error *err)
{
    if (!out) {
        return vb__error(err, VB_ERR_INVALID, "vb_signed_rank_ci needs an output");
    }
    out->n = n;
    out->estimate = out->low = out->high = NAN;
    out->confidence = 0;
    if (!d || n == 0 || n > PAIRS_MAX || !(confidence > 0 && confidence < 1)) {
        return vb__error(err, VB_ERR_INVALID,
                         "a signed-rank interval needs 1 to %d differences and a confidence "
                         "between 0 and 1",
                         (int)PAIRS_MAX);
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(d[i])) {
            return vb__error(err, VB_ERR_INVALID, "difference %zu is not a finite number", i);
        }
    }
    /* The Walsh averages (d_i + d_j) / 2, i <= j: their median is the Hodges-Lehmann
       estimate, and order statistics of them bound the interval. */
    const size_t m = n * (n + 1) / 2;
    double *w = vb__malloc(m * sizeof *w);
    if (!w) {
        return vb__nomem(err);
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i; j < n; j++) {
            w[k++] = (d[i] + d[j]) / 2;
        }
    }
    qsort(w, m, sizeof *w, cmp_double);
    out->estimate = vb_stats_median_sorted(w, m);
    vb_status s;
    double achieved = 0;
    const size_t r = lower_rank(n, confidence, &achieved, err, &s);
    if (s == VB_OK && r > 0) {
        out->low = w[r - 1];
        out->high = w[m - r];
        out->confidence = achieved;
    }
    vb__free(w);
    return s;
}

size_t vb_signed_rank_min_pairs(double confidence)
{
    if (!(confidence > 0 && confidence < 1)) {
        return 0;
    }
    /* The smallest n whose most extreme outcome is rarer than the tail: 2^-n <= tail. */
    const double tail = (1 - confidence) / 2;
    size_t n = 1;
    while (ldexp(1.0, -(int)n) > tail && n < PAIRS_MAX) {
        n++;
    }
    return n;
}
