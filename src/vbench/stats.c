/* SPDX-License-Identifier: MIT */
/* Statistics of round samples with pytest-benchmark's definitions (its stats.py). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void vb_stats_sort(double *values, size_t n)
{
    if (n > 1) {
        qsort(values, n, sizeof *values, cmp_double);
    }
}

double vb_stats_median_sorted(const double *s, size_t n)
{
    if (n == 0) {
        return 0;
    }
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double vb_stats_percentile_sorted(const double *s, size_t n, double p)
{
    if (n == 0) {
        return 0;
    }
    p = p < 0 ? 0 : p > 1 ? 1 : p;
    const double pos = p * (double)(n - 1);
    const size_t lo = (size_t)floor(pos);
    const size_t hi = lo + 1 < n ? lo + 1 : lo;
    const double frac = pos - (double)lo;
    return s[lo] + (s[hi] - s[lo]) * frac;
}

/* Wikipedia's quartile method 3 for odd counts, method 2 (median of halves) for even ones,
   exactly as pytest-benchmark's Stats.q1 / Stats.q3. */
static double quartile1(const double *s, size_t n)
{
    if (n == 1) {
        return s[0];
    }
    if (n % 2) {
        const size_t k = n / 4, q = n % 4;
        return q == 1 ? 0.25 * s[k - 1] + 0.75 * s[k] : 0.75 * s[k] + 0.25 * s[k + 1];
    }
    return vb_stats_median_sorted(s, n / 2);
}

static double quartile3(const double *s, size_t n)
{
    if (n == 1) {
        return s[0];
    }
    if (n % 2) {
        const size_t k = n / 4, q = n % 4;
        return q == 1 ? 0.75 * s[3 * k] + 0.25 * s[3 * k + 1]
                      : 0.25 * s[3 * k + 1] + 0.75 * s[3 * k + 2];
    }
    return vb_stats_median_sorted(s + n / 2, n - n / 2);
}

/* bisect.bisect_left / bisect_right of Python. */
static size_t bisect_left(const double *s, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (s[mid] < x) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static size_t bisect_right(const double *s, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (x < s[mid]) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo;
}

vb_status vb_stats_compute(const double *data, size_t n, vb_stats *out, vb_error *err)
{
    if (!data || n == 0 || !out) {
        return vb__error(err, VB_ERR_INVALID, "statistics of an empty sample");
    }
    double *s = vb__malloc(n * sizeof *s);
    if (!s) {
        return vb__nomem(err);
    }
    memcpy(s, data, n * sizeof *s);
    vb_stats_sort(s, n);
    memset(out, 0, sizeof *out);

    double total = 0;
    for (size_t i = 0; i < n; i++) {
        total += data[i];
    }
    const double mean = total / (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++) {
        ss += (data[i] - mean) * (data[i] - mean);
    }
    out->rounds = n;
    out->total = total;
    out->mean = mean;
    out->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
    out->min = s[0];
    out->max = s[n - 1];
    out->median = vb_stats_median_sorted(s, n);
    out->q1 = quartile1(s, n);
    out->q3 = quartile3(s, n);
    out->iqr = out->q3 - out->q1;
    out->ops = total > 0 ? (double)n / total : 0;

    const double lo_fence = out->q1 - 1.5 * out->iqr, hi_fence = out->q3 + 1.5 * out->iqr;
    const double lo_sd = mean - out->stddev, hi_sd = mean + out->stddev;
    for (size_t i = 0; i < n; i++) {
        out->iqr_outliers += data[i] < lo_fence || data[i] > hi_fence;
        out->stddev_outliers += data[i] < lo_sd || data[i] > hi_sd;
    }
    if (n == 1) {
        out->ld15iqr = out->hd15iqr = data[0];
    } else {
        out->ld15iqr = s[bisect_left(s, n, lo_fence)];
        /* pytest-benchmark returns the first datum above the fence when there is one (not the
           last within it); kept so the files agree with its readers. */
        const size_t pos = bisect_right(s, n, hi_fence);
        out->hd15iqr = pos == n ? s[n - 1] : s[pos];
    }

    vb__median_ci_sorted(s, n, &out->ci_low, &out->ci_high);
    vb__free(s);
    return VB_OK;
}

void vb__median_ci_sorted(const double *s, size_t n, double *low, double *high)
{
    /* Order-statistic confidence interval of the median: 1-based ranks
       floor((n - 1.96 sqrt n) / 2) and ceil(1 + (n + 1.96 sqrt n) / 2), clamped to [1, n]. */
    const double half = 1.96 * sqrt((double)n);
    double lo = floor(((double)n - half) / 2), hi = ceil(1 + ((double)n + half) / 2);
    lo = lo < 1 ? 1 : lo > (double)n ? (double)n : lo;
    hi = hi < 1 ? 1 : hi > (double)n ? (double)n : hi;
    *low = s[(size_t)lo - 1];
    *high = s[(size_t)hi - 1];
}

bool vb__median_precise(const double *data, size_t n, double precision)
{
    double *s = n > 0 ? vb__malloc(n * sizeof *s) : NULL;
    if (!s) {
        return false; /* out of memory: measure on, to max_time */
    }
    memcpy(s, data, n * sizeof *s);
    vb_stats_sort(s, n);
    double lo, hi;
    vb__median_ci_sorted(s, n, &lo, &hi);
    const double median = vb_stats_median_sorted(s, n);
    vb__free(s);
    return median > 0 && (hi - lo) / 2 <= precision * median;
}
