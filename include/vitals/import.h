/* SPDX-License-Identifier: MIT */
/* Importing an Apple Health export into a store: all or nothing, no duplicates. */
#ifndef VITALS_IMPORT_H
#define VITALS_IMPORT_H

#include <stdint.h>

#include "vitals/error.h"
#include "vitals/reader.h"
#include "vitals/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What an import wrote beside records. "duplicate" items were already stored. */
typedef struct vt_items_stats {
    uint64_t workouts_inserted, workouts_duplicate;
    uint64_t route_points_inserted, route_points_duplicate;
    uint64_t correlations_inserted, correlations_duplicate;
    uint64_t activity_summaries; /**< written or updated (a later export's values win) */
    uint64_t elements_inserted, elements_duplicate;
} vt_items_stats;

/** Import options; zero-initialise for the defaults. */
typedef struct vt_import_options {
    vt_reader_options reader; /**< input name, limits, GPX routes, progress callback */
    int threads; /**< 1: parse and insert on the calling thread; 0 or 2 (default): parse on
                      the calling thread, insert on a second one, a bounded queue between */
} vt_import_options;

/** What an import did. */
typedef struct vt_import_stats {
    vt_read_stats read;      /**< what the export held (counts per kind, warnings, bytes) */
    vt_insert_stats records; /**< records written and records already stored */
    vt_items_stats items;    /**< the other items */
    double seconds;          /**< wall time of the whole import */
    int direct; /**< 1 when the database held no rows and no other connection had it open: the
                     import wrote its pages straight into the file (rollback journal) instead
                     of through the WAL; 0 otherwise */
} vt_import_stats;

/**
 * Imports the export at `path` (export.zip, export.xml, or "-" for standard input; see
 * vt_read_export) into `store` in one transaction: either everything is stored or, on any
 * error (bad input, a full disk, the progress callback asking to stop), the store is
 * exactly as it was. Importing the same export again, or an overlapping newer one, adds
 * nothing twice: records, workouts, correlations, routes and other elements have natural
 * keys; activity summaries take the newest values. The store must have no open
 * transaction. `options` and `stats` may be NULL. Progress goes through the reader
 * options' callback; the library prints nothing.
 */
vt_status vt_import(vt_store *store, const char *path, const vt_import_options *options,
                    vt_import_stats *stats, vt_error *err);

#ifdef __cplusplus
}
#endif
#endif
