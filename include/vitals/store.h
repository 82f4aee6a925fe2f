/* SPDX-License-Identifier: MIT */
/* The SQLite store: schema, bulk insert, queries, chunked loading, what a store holds. */
#ifndef VITALS_STORE_H
#define VITALS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "vitals/error.h"
#include "vitals/record.h"
#include "vitals/sink.h"
#include "vitals/strpool.h"
#include "vitals/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An open store (one SQLite connection). Not thread-safe: one thread at a time. */
typedef struct vt_store vt_store;

/** How to open a store. Zero-initialise for the defaults. */
typedef struct vt_store_options {
    int read_only;       /**< open read-only; the file must exist */
    int busy_timeout_ms; /**< wait this long for another writer's lock (default 5000) */
    /** SQLite page cache in KiB (default 2048: imports measured no faster with more, and
     * memory stays flat). */
    int cache_kib;
} vt_store_options;

/** The current schema version, kept in PRAGMA user_version. */
#define VT_STORE_SCHEMA_VERSION 2

/**
 * Opens (and creates or migrates) the store at `path`, or `:memory:`. Files use WAL.
 * `options` may be NULL. The caller closes it with vt_store_close.
 */
vt_status vt_store_open(const char *path, const vt_store_options *options, vt_store **out,
                        vt_error *err);

/**
 * Optional, for programs that own their process: turns off SQLite's process-wide memory
 * statistics (SQLITE_CONFIG_MEMSTATUS), which take a global mutex and update counters on
 * every allocation SQLite makes (about a tenth of an import's SQLite work). Call it once at
 * program start, before any thread uses SQLite: sqlite3_config() is not thread-safe and only
 * works before SQLite initialises. Returns VT_OK, or VT_ERR_INVALID when SQLite was already
 * initialised (then nothing changes). The library never calls it by itself: an application
 * that relies on sqlite3_memory_used() or sqlite3_soft_heap_limit64() should not call it.
 */
vt_status vt_store_process_init(void);

/** Closes the store, rolling back an open transaction; NULL is accepted. */
void vt_store_close(vt_store *store);

/** Starts a write transaction (BEGIN IMMEDIATE). */
vt_status vt_store_begin(vt_store *store, vt_error *err);
/** Commits the open transaction. */
vt_status vt_store_commit(vt_store *store, vt_error *err);
/** Rolls the open transaction back; harmless when none is open. */
void vt_store_rollback(vt_store *store);

/** Counts of an insert. */
typedef struct vt_insert_stats {
    uint64_t inserted;   /**< records written */
    uint64_t duplicates; /**< records skipped because the store already held them */
} vt_insert_stats;

/**
 * Inserts one record whose ids refer to `strings`. A record already stored (same natural
 * key: type, source, unit, start, end, creation time and value) is skipped and counted as a
 * duplicate. `stats` may be NULL.
 *
 * Inside a transaction (vt_store_begin), the record may wait in the store, copied, in a
 * queue of a few dozen, and go in with others in one statement: at the latest by the commit,
 * a query, a count or a cursor; a rollback drops it. It is counted into `stats` when it goes
 * in, so `stats` must stay valid until the commit. `strings` need only live for the call.
 * Outside a transaction the record goes in at once.
 */
vt_status vt_store_insert(vt_store *store, const vt_record *rec, const vt_strpool *strings,
                          vt_insert_stats *stats, vt_error *err);

/**
 * Inserts every record of `table` in one transaction: all or nothing. On failure the store
 * holds exactly what it held before. `stats` (may be NULL) gets the counts.
 */
vt_status vt_store_bulk_insert(vt_store *store, const vt_table *table, vt_insert_stats *stats,
                               vt_error *err);

/**
 * A sink that inserts the records it receives with vt_store_insert, counting into `stats`
 * (may be NULL; it must stay valid until the commit). The caller opens and commits the
 * transaction around the producer.
 */
vt_sink vt_store_sink(vt_store *store, vt_insert_stats *stats);

/**
 * A row callback: `values[i]` is column i as text (NULL for SQL NULL), `names[i]` its name;
 * both borrowed for the call. Return non-zero to stop the query early (not an error).
 */
typedef int (*vt_row_fn)(void *ctx, int ncols, const char *const *values, const char *const *names);

/**
 * Runs one SQL statement and calls `fn` (may be NULL) for each row. Errors carry SQLite's
 * message.
 */
vt_status vt_store_query(vt_store *store, const char *sql, vt_row_fn fn, void *ctx, vt_error *err);

/** Which records to load; zero-initialise for all. Days are day numbers, inclusive. */
typedef struct vt_store_filter {
    const char *metric; /**< a metric name ("steps") or an HK identifier; NULL for all */
    int has_from, has_to;
    int32_t from_day, to_day;
} vt_store_filter;

/** A cursor over a store's records in (type, local day, start) order. */
typedef struct vt_store_cursor vt_store_cursor;

/**
 * Opens a cursor over the records matching `filter` (may be NULL). Free it with
 * vt_store_cursor_close before closing the store.
 */
vt_status vt_store_cursor_open(vt_store *store, const vt_store_filter *filter,
                               vt_store_cursor **out, vt_error *err);

/**
 * Loads the next at most `n` records into `chunk` (cleared first; its string pool keeps
 * growing with new type, source and unit strings only). `*count` gets the number loaded,
 * 0 at the end. Memory stays bounded by `n` records: the seed's DataLoader.iter_chunks.
 */
vt_status vt_store_cursor_next(vt_store_cursor *cursor, vt_table *chunk, size_t n, size_t *count,
                               vt_error *err);

/** Closes a cursor; NULL is accepted. */
void vt_store_cursor_close(vt_store_cursor *cursor);

/** Number of records in the store. */
vt_status vt_store_count(vt_store *store, uint64_t *count, vt_error *err);

/** One record type of a store, as vt_store_info gives it; strings borrowed for the call. */
typedef struct vt_store_type_info {
    const char *metric;     /**< short name (docs/metrics.md) */
    const char *identifier; /**< HK identifier */
    uint64_t records;       /**< records of this type */
    int32_t first_day;      /**< local day of the earliest start (vt_day_format gives the text) */
    int32_t last_day;       /**< local day of the latest start */
} vt_store_type_info;

/** The totals of a store. */
typedef struct vt_store_summary {
    uint64_t records; /**< records of every type */
    uint64_t types;   /**< record types the store knows, with records or not */
    int has_days;     /**< non-zero when there are records: first_day and last_day hold */
    int32_t first_day, last_day;
} vt_store_summary;

/** Receives one record type; return non-zero to stop early (not an error). */
typedef int (*vt_store_type_fn)(void *ctx, const vt_store_type_info *type);

/**
 * What the store holds, so that callers need not know the schema: `fn` (may be NULL) gets
 * each record type that has records, ordered by metric name then identifier, with its count
 * and range of days; `summary` (may be NULL) gets the totals. Reads only; cost one pass over
 * the records' natural-key index.
 */
vt_status vt_store_info(vt_store *store, vt_store_type_fn fn, void *ctx, vt_store_summary *summary,
                        vt_error *err);

#ifdef __cplusplus
}
#endif
#endif
