/* SPDX-License-Identifier: MIT */
/* Statistics of round samples, computed as pytest-benchmark computes them. */
#ifndef VBENCH_STATS_H
#define VBENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "vbench/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The statistics of a sample (times per iteration in seconds, one per round). Names and
 * definitions are pytest-benchmark's (stats.py): sample standard deviation, quartiles by
 * Wikipedia's method 3 for odd counts and the medians of the two halves for even counts,
 * ld15iqr / hd15iqr the lowest / highest datum within 1.5 IQR of the quartiles,
 * ops = rounds / total. ci_low / ci_high: a 95% confidence interval of the median from order
 * statistics (ranks n/2 -+ 1.96 sqrt(n)/2, see vb_stats_compute).
 */
typedef struct vb_stats {
    double min, max, mean, stddev, median;
    double q1, q3, iqr, ld15iqr, hd15iqr;
    double ops, total;
    double ci_low, ci_high;
    uint64_t rounds, iqr_outliers, stddev_outliers;
} vb_stats;

/**
 * Computes the statistics of `n` >= 1 values (not modified; sorted in a private copy).
 * Returns VB_ERR_INVALID when n is 0 or data NULL, VB_ERR_NOMEM when the copy fails.
 * Thread-safe.
 */
vb_status vb_stats_compute(const double *data, size_t n, vb_stats *out, vb_error *err);

/* The helpers below take non-NULL arrays of `n` >= 1 values and are thread-safe. */

/** The median of `n` >= 1 values sorted ascending (Python's statistics.median). */
double vb_stats_median_sorted(const double *sorted, size_t n);

/** Sorts `n` doubles ascending in place. */
void vb_stats_sort(double *values, size_t n);

/**
 * The `p`-quantile (0..1) of `n` >= 1 sorted values by linear interpolation between closest
 * ranks (numpy's default, used for the baseline's 90th percentile).
 */
double vb_stats_percentile_sorted(const double *sorted, size_t n, double p);

#ifdef __cplusplus
}
#endif
#endif
