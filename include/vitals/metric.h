/* SPDX-License-Identifier: MIT */
/* The one map from Apple HealthKit identifiers to short metric names. */
#ifndef VITALS_METRIC_H
#define VITALS_METRIC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** How a metric's daily values combine. */
typedef enum vt_metric_kind {
    VT_METRIC_DISCRETE = 0,  /**< samples of a level (heart rate, body mass) */
    VT_METRIC_CUMULATIVE = 1,/**< amounts that add up over a day (steps, distance, energy) */
    VT_METRIC_CATEGORY = 2   /**< category samples (sleep analysis); values are durations */
} vt_metric_kind;

/** One entry of the map. */
typedef struct vt_metric_info {
    const char *identifier; /**< HKQuantityTypeIdentifierStepCount */
    const char *name;       /**< steps */
    const char *unit;       /**< the unit Apple writes, "count" */
    vt_metric_kind kind;
} vt_metric_info;

/**
 * The entry for an HK identifier or a short name, or NULL when it is not in the map.
 * Unknown identifiers get a generated short name from vt_metric_name. Thread-safe.
 */
const vt_metric_info *vt_metric_lookup(const char *identifier_or_name);

/**
 * Writes the short name of `identifier` into `buf` (`size` bytes): the map's name, or for
 * an identifier not in the map its part after "TypeIdentifier" in snake_case
 * (HKQuantityTypeIdentifierWalkingSpeed -> walking_speed). Returns `buf`.
 */
const char *vt_metric_name(const char *identifier, char *buf, size_t size);

/** The whole map (borrowed, static) and its length. */
const vt_metric_info *vt_metric_all(size_t *count);

#ifdef __cplusplus
}
#endif
#endif
