/* SPDX-License-Identifier: MIT */
/* An in-memory columnar table of health records. */
#ifndef VITALS_TABLE_H
#define VITALS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "vitals/error.h"
#include "vitals/record.h"
#include "vitals/strpool.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A columnar table; it owns a string pool that its records' ids refer to. */
typedef struct vt_table vt_table;

/**
 * A read-only view of `count` consecutive records of a table: one array per column,
 * borrowed from the table and valid until it is next changed or freed.
 */
typedef struct vt_columns {
    size_t count;
    const uint32_t *type, *source, *unit, *device, *category, *flags;
    const double *value;
    const int64_t *start, *end, *created;            /**< UTC epoch seconds */
    const int16_t *start_off, *end_off, *created_off; /**< offsets in minutes */
    const int32_t *day;                               /**< local day of start */
} vt_columns;

/** Creates an empty table with its own string pool. Free with vt_table_free. */
vt_status vt_table_new(vt_table **out, vt_error *err);

/** Frees the table and its pool; NULL is accepted. */
void vt_table_free(vt_table *table);

/** Removes every record but keeps the memory and the string pool for reuse. */
void vt_table_clear(vt_table *table);

/** The table's string pool (borrowed); intern strings here before appending records. */
vt_strpool *vt_table_strings(vt_table *table);
/** The same, read-only. */
const vt_strpool *vt_table_strings_const(const vt_table *table);

/**
 * Appends one record whose ids refer to the table's own pool. Metadata and beats are not
 * kept. Amortised O(1); VT_ERR_NOMEM leaves the table as it was.
 */
vt_status vt_table_append(vt_table *table, const vt_record *rec, vt_error *err);

/**
 * Appends a record whose string ids refer to `strings` (another pool): they are interned
 * into the table's pool first. Used to copy records between tables, stores and readers.
 */
vt_status vt_table_append_from(vt_table *table, const vt_record *rec, const vt_strpool *strings,
                               vt_error *err);

/** Number of records. */
size_t vt_table_count(const vt_table *table);

/** Copies record `i` (< count) into `*out` (metadata and beats empty). */
void vt_table_get(const vt_table *table, size_t i, vt_record *out);

/**
 * A view of records [first, first + n) clipped to the table's end: iterate a table in
 * slices of N records with `for (i = 0; i < count; i += n) vt_table_slice(t, i, n, &c)`.
 */
void vt_table_slice(const vt_table *table, size_t first, size_t n, vt_columns *out);

#ifdef __cplusplus
}
#endif
#endif
