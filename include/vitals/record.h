/* SPDX-License-Identifier: MIT */
/* One health sample (an Apple Health <Record>) as the library passes it around. */
#ifndef VITALS_RECORD_H
#define VITALS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "vitals/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Flags of a vt_record. */
enum vt_record_flag {
    VT_RECORD_NUMERIC = 1u << 0,  /**< `value` holds a number */
    VT_RECORD_CATEGORY = 1u << 1, /**< `category` holds the id of a category value string */
    VT_RECORD_HAS_CREATED = 1u << 2, /**< `created` was given */
    VT_RECORD_IN_CORRELATION = 1u << 3 /**< the record was seen inside a Correlation */
};

/** One MetadataEntry: key and value, borrowed, not NUL-terminated. */
typedef struct vt_metadata_entry {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
} vt_metadata_entry;

/** One InstantaneousBeatsPerMinute of a heart rate variability record. */
typedef struct vt_beat {
    int64_t utc_ms; /**< the beat's instant, UTC epoch milliseconds */
    double bpm;
} vt_beat;

/**
 * A health sample. The string fields are ids in a vt_strpool passed beside the record
 * (0 = absent). Times are UTC epoch seconds with the offset as written. The pointers
 * `metadata` and `beats` are borrowed and valid only during the call that passes the record.
 */
typedef struct vt_record {
    uint32_t type;           /**< HK identifier, e.g. HKQuantityTypeIdentifierStepCount */
    uint32_t source;         /**< sourceName, e.g. "Apple Watch" */
    uint32_t unit;           /**< unit, e.g. "count/min"; 0 for none */
    uint32_t device;         /**< device description; 0 for none */
    uint32_t source_version; /**< sourceVersion; 0 for none */
    uint32_t category;       /**< category value id when VT_RECORD_CATEGORY */
    uint32_t flags;          /**< enum vt_record_flag bits */
    uint32_t metadata_count;
    uint32_t beat_count;
    double value;            /**< the numeric value when VT_RECORD_NUMERIC */
    vt_time start, end, created;
    const vt_metadata_entry *metadata;
    const vt_beat *beats;
} vt_record;

#ifdef __cplusplus
}
#endif
#endif
