/* SPDX-License-Identifier: MIT */
/* Complexity of a benchmark over its size parameter: the scaling exponent and the best curve. */
#include <math.h>

#include "internal.h"

vb_status vb_fit_exponent(const double *sizes, const double *times, size_t n, double *exponent,
                          vb_error *err)
{
    if (!sizes || !times || n < 2 || !exponent) {
        return vb__error(err, VB_ERR_INVALID, "a scaling fit needs at least two sizes");
    }
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(sizes[i] > 0) || !(times[i] > 0)) {
            return vb__error(err, VB_ERR_INVALID, "a scaling fit needs positive sizes and times");
        }
        const double lx = log(sizes[i]), ly = log(times[i]);
        sx += lx;
        sy += ly;
        sxx += lx * lx;
        sxy += lx * ly;
    }
    const double dn = (double)n;
    const double den = dn * sxx - sx * sx;
    if (!(fabs(den) > 1e-300)) {
        return vb__error(err, VB_ERR_INVALID, "a scaling fit needs two different sizes");
    }
    *exponent = (dn * sxy - sx * sy) / den;
    return VB_OK;
}

const char *vb_complexity_name(vb_complexity c)
{
    switch (c) {
    case VB_O_1:
        return "O(1)";
    case VB_O_LOG_N:
        return "O(log n)";
    case VB_O_N:
        return "O(n)";
    case VB_O_N_LOG_N:
        return "O(n log n)";
    case VB_O_N_SQUARED:
        return "O(n^2)";
    case VB_O_N_CUBED:
        return "O(n^3)";
    }
    return "O(?)";
}

static double curve(vb_complexity c, double n)
{
    switch (c) {
    case VB_O_1:
        return 1;
    case VB_O_LOG_N:
        return log2(n);
    case VB_O_N:
        return n;
    case VB_O_N_LOG_N:
        return n * log2(n);
    case VB_O_N_SQUARED:
        return n * n;
    case VB_O_N_CUBED:
        return n * n * n;
    }
    return 1;
}

vb_status vb_fit_complexity(const double *sizes, const double *times, size_t n, vb_complexity *best,
                            double *coef_out, double *rms_out, vb_error *err)
{
    if (!sizes || !times || n < 2 || !best) {
        return vb__error(err, VB_ERR_INVALID, "a complexity fit needs at least two sizes");
    }
    double mean = 0;
    for (size_t i = 0; i < n; i++) {
        mean += times[i];
    }
    mean /= (double)n;
    double best_rms = INFINITY, best_coef = 0;
    vb_complexity best_c = VB_O_1;
    for (int c = VB_O_1; c <= VB_O_N_CUBED; c++) {
        double sum_tf = 0, sum_ff = 0;
        for (size_t i = 0; i < n; i++) {
            const double f = curve((vb_complexity)c, sizes[i]);
            sum_tf += times[i] * f;
            sum_ff += f * f;
        }
        const double coef = sum_ff > 0 ? sum_tf / sum_ff : 0;
        double ss = 0;
        for (size_t i = 0; i < n; i++) {
            const double d = times[i] - coef * curve((vb_complexity)c, sizes[i]);
            ss += d * d;
        }
        /* Google Benchmark normalises the RMS by the mean time. */
        const double rms = mean > 0 ? sqrt(ss / (double)n) / mean : INFINITY;
        if (rms < best_rms) {
            best_rms = rms;
            best_coef = coef;
            best_c = (vb_complexity)c;
        }
    }
    *best = best_c;
    if (coef_out) {
        *coef_out = best_coef;
    }
    if (rms_out) {
        *rms_out = best_rms;
    }
    return VB_OK;
}
