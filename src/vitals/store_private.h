/* SPDX-License-Identifier: MIT */
/* The store's own state, shared by its files and nothing else: store.c (the connection and
 * its transactions), store_schema.c (schema and migrations), store_records.c (record writes),
 * store_info.c (what a store holds). store_items.c and store_cursor.c go through internal.h
 * and the public API. */
#ifndef VITALS_STORE_PRIVATE_H
#define VITALS_STORE_PRIVATE_H

#include <sqlite3.h>

#include "internal.h"

/* The string kinds of a record, each kept in its own lookup table. */
enum { K_TYPE, K_SOURCE, K_UNIT, K_DEVICE, K_VERSION, K_COUNT };

/* Maps the ids of one producer's string pool to database ids, per kind. */
typedef struct vt__id_cache {
    uint64_t pool_serial;
    int64_t *ids[K_COUNT]; /* by pool id; 0 = not looked up yet */
    size_t cap[K_COUNT];
} vt__id_cache;

/* The values of one row of `records`, ready to bind. */
typedef struct vt__pending_record {
    int64_t ids[K_COUNT]; /* database ids; 0 binds NULL (type and source are never 0) */
    int64_t start, end, created;
    int start_tz, end_tz, created_tz;
    int has_created, has_value;
    double value;
    const char *category; /* in the string pool (its blocks never move), or NULL */
    int category_len;
    uint64_t key;
    char day[VT_DAY_BUFSZ];
    vt_insert_stats *stats;
} vt__pending_record;

/* Rows per multi-row INSERT: a statement step has a fixed cost (cursors opened and closed,
 * registers allocated and freed, the halt) that 16 rows share. 16 x 15 parameters stay far
 * below SQLite's limit. */
enum { RECORD_ROWS = 16, RECORD_COLS = 15 };

struct vt_store {
    sqlite3 *db;
    char *path;
    int in_txn;
    sqlite3_stmt *insert_record, *insert_meta, *insert_beat, *meta_key_select, *meta_key_insert;
    sqlite3_stmt *record_id; /* a stored record's id by its natural key, prepared when needed */
    sqlite3_stmt *insert_records; /* RECORD_ROWS rows in one statement, prepared when needed */
    /* During an import, records without children wait here to go in RECORD_ROWS at a time. */
    int batching;
    size_t pending_count;
    vt__pending_record pending[RECORD_ROWS];
    sqlite3_stmt *kind_select[K_COUNT], *kind_insert[K_COUNT];
    vt__id_cache cache;
    vt_insert_stats *sink_stats;
    /* Metadata keys seen, so each entry costs a hash lookup, not a query: pool id -> db id. */
    vt_strpool *meta_keys;
    int64_t *meta_key_ids;
    size_t meta_key_cap;
};

/* ---- store.c: the connection --------------------------------------------------------- */

/* Runs SQL without results (several statements allowed); errors name the store's path. */
vt_status vt__store_exec(vt_store *s, const char *sql, vt_error *err);
/* Prepares a statement kept for the connection's life (SQLITE_PREPARE_PERSISTENT). */
vt_status vt__store_prepare(vt_store *s, const char *sql, sqlite3_stmt **out, vt_error *err);

/* ---- store_schema.c ------------------------------------------------------------------ */

/* Brings the schema to VT_STORE_SCHEMA_VERSION, one step per version, in one transaction;
 * a read-only store must already be there. */
vt_status vt__store_migrate(vt_store *s, int read_only, vt_error *err);

/* ---- store_records.c ----------------------------------------------------------------- */

/* Prepares the record writer's statements and caches, once the schema is there. */
vt_status vt__store_records_open(vt_store *s, vt_error *err);
/* Frees what vt__store_records_open made; harmless when it failed half-way. */
void vt__store_records_close(vt_store *s);
/* After a rollback: drops the records waiting and every cached database id, which the
 * rolled-back transaction may have made. */
void vt__store_records_forget(vt_store *s);

#endif
