/* SPDX-License-Identifier: MIT */
/* Daily metrics: per local day and metric, exact statistics and de-duplicated totals. */
#ifndef VITALS_DAILY_H
#define VITALS_DAILY_H

#include <stddef.h>
#include <stdint.h>

#include "vitals/error.h"
#include "vitals/store.h"
#include "vitals/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of a computation; zero-initialise for the defaults. */
typedef struct vt_daily_options {
    const char *metric;       /**< a short name or HK identifier; NULL for every metric */
    int has_from, has_to;     /**< restrict to local days [from_day, to_day] */
    int32_t from_day, to_day;
    /**
     * Sources in priority order, highest first, matched as substrings of the source name
     * ("Watch" matches "Alice's Apple Watch"). NULL: the default order, Watch then iPhone
     * then everything else in first-seen order.
     */
    const char *const *source_priority;
    size_t source_priority_count;
} vt_daily_options;

/** One row of results: a (local day, metric) pair. Strings are borrowed for the call. */
typedef struct vt_daily_row {
    int32_t day;          /**< day number; vt_day_format gives YYYY-MM-DD */
    const char *metric;   /**< short name */
    const char *identifier;/**< HK identifier */
    const char *unit;     /**< unit of the first sample of the day ("" for none) */
    uint64_t count;       /**< samples with a value */
    double sum, mean, min, max;
    double stddev;        /**< sample standard deviation (n - 1); 0 when count < 2 */
    double median, p25, p75, p95; /**< exact, linear interpolation between order statistics */
    int has_total;        /**< cumulative metric: `total` is meaningful */
    double total;         /**< de-duplicated daily total across overlapping sources */
} vt_daily_row;

/** Receives one row; return VT_OK to go on. */
typedef vt_status (*vt_daily_fn)(void *ctx, const vt_daily_row *row, vt_error *err);

/**
 * Computes daily metrics over a table. Rows come ordered by metric name, then day.
 * Cost linear in the number of records (plus the sort within each day). Thread-safe for
 * distinct tables.
 */
vt_status vt_daily_compute_table(const vt_table *table, const vt_daily_options *options,
                                 vt_daily_fn fn, void *ctx, vt_error *err);

/**
 * The same over a store, streaming one (metric, day) group at a time: memory bounded by
 * the largest day of one metric.
 */
vt_status vt_daily_compute_store(vt_store *store, const vt_daily_options *options,
                                 vt_daily_fn fn, void *ctx, vt_error *err);

#ifdef __cplusplus
}
#endif
#endif
