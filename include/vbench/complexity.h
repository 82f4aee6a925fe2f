/* SPDX-License-Identifier: MIT */
/* How a benchmark's time grows with its parameter: the scaling exponent and the best-fitting
   complexity class. */
#ifndef VBENCH_COMPLEXITY_H
#define VBENCH_COMPLEXITY_H

#include <stddef.h>

#include "vbench/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Least-squares fit of log(time) on log(size): the scaling exponent (1 linear, 2 quadratic)
 * into `*exponent`. `n` >= 2 points with positive sizes and times; returns VB_ERR_INVALID
 * otherwise. Thread-safe.
 */
vb_status vb_fit_exponent(const double *sizes, const double *times, size_t n, double *exponent,
                          vb_error *err);

/** Complexity classes of Google Benchmark's fit. */
typedef enum vb_complexity {
    VB_O_1 = 0,
    VB_O_LOG_N,
    VB_O_N,
    VB_O_N_LOG_N,
    VB_O_N_SQUARED,
    VB_O_N_CUBED
} vb_complexity;

/** "O(1)", "O(log n)", "O(n)", "O(n log n)", "O(n^2)", "O(n^3)". Static storage. */
const char *vb_complexity_name(vb_complexity c);

/**
 * Google Benchmark's complexity fit (complexity.cc, MinimalLeastSq): for each curve f the
 * coefficient c = sum(t f(n)) / sum(f(n)^2) and the normalised RMS of t - c f(n); the best curve
 * has the smallest RMS. `n` >= 2 points. Writes the curve, its coefficient and its RMS (NULLs
 * allowed for the last two). Thread-safe.
 */
vb_status vb_fit_complexity(const double *sizes, const double *times, size_t n, vb_complexity *best,
                            double *coef, double *rms, vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
