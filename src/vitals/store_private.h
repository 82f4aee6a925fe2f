/* SPDX-License-Identifier: MIT */
/* The store's own state, shared by its files and nothing else: store.c (the connection and
 * its transactions), store_schema.c (schema and migrations), store_records.c (record writes),
 * store_info.c (what a store holds). store_items.c and store_cursor.c go through internal.h
 * and the public API. */
#ifndef VITALS_STORE_PRIVATE_H
#define VITALS_STORE_PRIVATE_H

#include <sqlite3.h>

#include "internal.h"

/* The VFS every store is opened through (store_vfs.c): the default one, with write-behind
 * of the main database file on request (the file control below, with an int: VT__WB_OFF,
 * VT__WB_BEHIND, or VT__WB_INLINE: on, but a page goes straight to the file when nothing is
 * queued before it). vt__store_vfs registers it once and returns its name, or NULL (the
 * default VFS) when it cannot. */
#define VT__STORE_VFS "vitals-wb"
enum { VT__FCNTL_WRITE_BEHIND = 0x56540001 };
enum { VT__WB_OFF, VT__WB_BEHIND, VT__WB_INLINE };
/* With an int: the flush-behind requests made since write-behind was turned on (store_vfs.c);
 * SQLITE_NOTFOUND when it is off. */
enum { VT__FCNTL_WB_FLUSHES = 0x56540002 };
const char *vt__store_vfs(void);

/* The string kinds of a record, each kept in its own lookup table. */
enum { K_TYPE, K_SOURCE, K_UNIT, K_DEVICE, K_VERSION, K_COUNT };

/* Maps the ids of one producer's string pool to database ids, per kind. */
typedef struct vt__id_cache {
    uint64_t pool_serial;
    int64_t *ids[K_COUNT]; /* by pool id; 0 = not looked up yet */
    size_t cap[K_COUNT];
} vt__id_cache;

/* The values of one row of `records`, ready to bind, and where its children wait. */
typedef struct vt__pending_record {
    int64_t ids[K_COUNT]; /* database ids; 0 binds NULL (type and source are never 0) */
    int64_t start, end, created;
    int start_tz, end_tz, created_tz;
    int has_created, has_value;
    double value;
    const char *category; /* NULL, or the category text (in a queue's text once queued) */
    int category_len;
    uint64_t key;
    char day[VT_DAY_BUFSZ];
    vt_insert_stats *stats;
    size_t category_at;            /* queued: the category's offset in its queue's text */
    uint32_t meta_first, meta_len; /* queued: its MetadataEntry in the out queue */
    uint32_t beat_first, beat_len; /* queued: its beats in the out queue */
} vt__pending_record;

/* Rows per multi-row INSERT of records: a statement step has a fixed cost (cursors opened and
 * closed, registers allocated and freed, the halt) that the rows share. The out queue holds
 * up to twice as many less one, so statements have 1 to OUT_ROWS rows; OUT_ROWS x 15
 * parameters stay far below SQLite's limit. Children (metadata, beats) go CHILD_ROWS to a
 * statement. */
enum { RECORD_ROWS = 16, RECORD_COLS = 15, OUT_ROWS = 2 * RECORD_ROWS - 1, CHILD_ROWS = 32 };

/* A record's children larger than this go in with the record alone, at once, not copied. */
enum { QUEUED_CHILDREN_MAX = 256, QUEUED_CHILD_BYTES_MAX = 16384 };

/* Bytes owned by a queue (category texts, metadata keys and values), reset when it empties. */
typedef struct vt__queue_text {
    char *bytes;
    size_t len, cap;
} vt__queue_text;

/* A MetadataEntry waiting in the out queue: key and value are offsets into its text. */
typedef struct vt__queued_meta {
    size_t key_at, key_len, value_at, value_len;
} vt__queued_meta;

/*
 * The records of a transaction on their way in (store_batch.c). They go in in the order in
 * which they would have gone in one by one with this rule: a record without children waits
 * (up to RECORD_ROWS of them), and a record with children goes ahead of the waiting ones
 * unless one of them has its natural key. That order fixes the row ids, so the ids do not
 * depend on how many rows a statement holds. `waiting` holds the records without children;
 * `out` the records in that order, inserted OUT_ROWS at most to a statement once it holds
 * RECORD_ROWS, with their children.
 */
typedef struct vt__record_queue {
    vt__pending_record waiting[RECORD_ROWS];
    size_t waiting_count;
    vt__queue_text waiting_text;
    vt__pending_record out[OUT_ROWS];
    size_t out_count;
    vt__queue_text out_text;
    vt__queued_meta *meta;
    size_t meta_count, meta_cap;
    vt_beat *beats;
    size_t beat_count, beat_cap;
    /* n-row statements, prepared when first needed: records, metadata, beats. */
    sqlite3_stmt *insert_records[OUT_ROWS + 1];
    /* What each records statement's parameters hold (store_batch.c, bind_record): a value
     * bound before and unchanged is not bound again. */
    struct vt__bound *bound[OUT_ROWS + 1];
    sqlite3_stmt *insert_meta[CHILD_ROWS + 1];
    struct vt__bound *meta_bound[CHILD_ROWS + 1]; /* the same, for the metadata key ids */
    sqlite3_stmt *insert_beats[CHILD_ROWS + 1];
} vt__record_queue;

/* Rows of day_samples per multi-row INSERT. */
enum { DAY_ROWS = 16 };

/* The samples of one record type on one local day, being packed (store_days.c). */
typedef struct vt__day_group {
    int open;
    char day[VT_DAY_BUFSZ];
    int64_t first_start, prev_start;
    uint64_t first_key;
    uint32_t count;
    vt__queue_text bytes;
} vt__day_group;

/* A packed group waiting for a statement; its bytes are in the writer's row_bytes. */
typedef struct vt__day_row {
    int64_t type_id;
    char day[VT_DAY_BUFSZ];
    int64_t first_start;
    uint64_t first_key;
    uint32_t count;
    size_t at, len;
} vt__day_row;

/* What the store keeps of day_samples during a transaction: one open group per record type
 * (by type id), the groups written and waiting for a statement. */
typedef struct vt__day_writer {
    vt__day_group *groups;
    size_t cap;
    size_t open_bytes;
    vt__day_row rows[DAY_ROWS];
    size_t row_count;
    vt__queue_text row_bytes;
    sqlite3_stmt *insert[DAY_ROWS + 1];
} vt__day_writer;

struct vt_store {
    sqlite3 *db;
    char *path;
    int in_txn;
    int direct;       /* the open transaction writes the file directly (rollback journal, no WAL) */
    int write_behind; /* and its pages are written behind (store_vfs.c) */
    int day_known;    /* day_text is the formatted day_number: records come day after day */
    int32_t day_number;
    char day_text[VT_DAY_BUFSZ];
    int busy_ms;        /* the busy timeout */
    int schema_version; /* of the file: older than VT_STORE_SCHEMA_VERSION only read-only */
    sqlite3_stmt *meta_key_select, *meta_key_insert;
    sqlite3_stmt *record_id; /* a stored record's id by its natural key, prepared when needed */
    vt__record_queue queue;
    vt__day_writer days;
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
/* The id of metadata key `key`, inserted into metadata_keys when new. */
vt_status vt__store_meta_key_id(vt_store *s, const char *key, size_t len, int64_t *id,
                                vt_error *err);
/* The id of the stored record with this natural key (the unique index's columns). */
vt_status vt__store_record_id(vt_store *s, const vt__pending_record *pr, int64_t *id,
                              vt_error *err);

/* ---- store_batch.c ------------------------------------------------------------------- */

/* The statement of `n` rows of `cols` parameters after `head` ("INSERT ... VALUES"),
 * prepared when first needed and kept in `*slot` for the connection's life. */
vt_status vt__store_rows_statement(vt_store *s, sqlite3_stmt **slot, const char *head, int cols,
                                   size_t n, vt_error *err);

/* Inserts a record now, alone, behind the records already sent out (its children from `r`,
 * not copied). `*added` is 1 when it was new; `id` (may be NULL) gets its row id, found
 * through the natural key when it was already stored. */
vt_status vt__store_insert_now(vt_store *s, const vt__pending_record *pr, const vt_record *r,
                               int *added, int64_t *id, vt_error *err);
/* Queues a record of an open transaction (see vt__record_queue); its children are copied. */
vt_status vt__store_queue(vt_store *s, vt__pending_record *pr, const vt_record *r, vt_error *err);
/* Empties the queue without inserting (a rollback); frees nothing. */
void vt__store_queue_drop(vt_store *s);
/* Frees the queue's buffers and statements. */
void vt__store_queue_close(vt_store *s);

/* ---- store_days.c -------------------------------------------------------------------- */

/* Adds a record just stored to its (type, day) group of day_samples. */
vt_status vt__days_add(vt_store *s, const vt__pending_record *pr, vt_error *err);
/* Writes every group (at the commit, and before anything reads day_samples). */
vt_status vt__days_flush(vt_store *s, vt_error *err);
/* Forgets the groups (a rollback). */
void vt__days_drop(vt_store *s);
/* Frees the groups' buffers and statements. */
void vt__days_close(vt_store *s);
/* Fills day_samples from `records` (the migration to schema 2), inside its transaction. */
vt_status vt__days_build(vt_store *s, vt_error *err);

#endif
