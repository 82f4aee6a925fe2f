/* SPDX-License-Identifier: MIT */
/* Declarations shared by libvitals' sources and nothing else. */
#ifndef VITALS_INTERNAL_H
#define VITALS_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "vitals/vitals.h"

#if defined(__GNUC__) || defined(__clang__)
#define VT__PRINTF(f, a) __attribute__((format(printf, f, a)))
#define VT__LIKELY(x)    __builtin_expect(!!(x), 1)
#define VT__UNLIKELY(x)  __builtin_expect(!!(x), 0)
#else
#define VT__PRINTF(f, a)
#define VT__LIKELY(x)   (x)
#define VT__UNLIKELY(x) (x)
#endif

/* Allocation: every allocation of the library goes through these (alloc.c). */
void *vt__malloc(size_t size);
void *vt__calloc(size_t count, size_t size);
void *vt__realloc(void *ptr, size_t size);
void vt__free(void *ptr);
char *vt__strndup(const char *s, size_t len);
/* Grows an array of `elem` bytes each to hold at least `need` elements (doubling). */
int vt__grow(void **array, size_t *capacity, size_t need, size_t elem);

/* Errors (error.c): fill `err` (may be NULL) and return `code`. */
vt_status vt__error(vt_error *err, vt_status code, const char *fmt, ...) VT__PRINTF(3, 4);
vt_status vt__error_at(vt_error *err, vt_status code, uint64_t offset, uint32_t line,
                       uint32_t column, const char *fmt, ...) VT__PRINTF(6, 7);
vt_status vt__nomem(vt_error *err);

/* Hashing (strpool.c): a fast 64-bit hash of bytes, stable across machines. */
uint64_t vt__hash_bytes(const void *data, size_t len, uint64_t seed);
/* One splitmix64 step over the combined value: cheap and well distributed. Inline: the store
 * mixes seven values into every record's natural key. */
static inline uint64_t vt__hash_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

/* xml_filter.c: the byte filter run over export XML before the parser. It blanks the
 * internal DTD subset (from <!DOCTYPE to the root start tag) keeping newlines, replaces
 * control characters invalid in XML 1.0 by spaces (counted), refuses NUL bytes, and
 * tracks line and column. */
typedef struct vt__xml_filter {
    int mode;               /* prolog, comment in the prolog, DOCTYPE, body */
    int dashes;             /* consecutive '-' seen in a prolog comment */
    uint64_t offset;        /* absolute offset of the next byte to filter */
    uint64_t line;          /* 1-based line of the next byte */
    uint64_t line_start;    /* absolute offset of the first byte of that line */
    uint64_t control_chars; /* control characters replaced */
} vt__xml_filter;
void vt__xml_filter_init(vt__xml_filter *f);
/* Whether the filter has seen the root start tag. */
int vt__xml_filter_in_body(const vt__xml_filter *f);
/* Filters buf[0..len) in place. `*keep` gets the number of trailing bytes that must be
 * passed again, in front of the next block, because they may start a `<!DOCTYPE` (0 when
 * `final`). Errors name `name` and the position. */
vt_status vt__xml_filter_run(vt__xml_filter *f, char *buf, size_t len, int final, size_t *keep,
                             const char *name, vt_error *err);

/* decimal.c: decimal numbers of the export. Parses all of s[0..len) as a decimal number
 * ([+-]digits[.digits][e[+-]digits]); returns 1 and sets *out, or 0 when it is not one. */
int vt__parse_decimal(const char *s, size_t len, double *out);
/* Parses an ISO 8601 instant as GPX writes it (2020-02-24T18:00:45Z, fraction and
 * offsets accepted) into UTC epoch milliseconds; returns 1 on success. */
int vt__parse_iso_ms(const char *s, size_t len, int64_t *out);

/* time.c: vt_time_parse with a memo of the last date it read (an export's timestamps come a
 * day at a time): a timestamp of the same date reuses its day number. Zero-initialise. */
typedef struct vt__date_memo {
    char date[10];
    int32_t day;
    int valid;
} vt__date_memo;
vt_status vt__time_parse_memo(const char *s, size_t len, vt_time *out, vt__date_memo *memo,
                              vt_error *err);

/* String pools (strpool.c): a number unique to each pool ever created in this process,
 * so caches keyed by pool ids can tell one pool from another allocated at the same address. */
uint64_t vt__strpool_serial(const vt_strpool *pool);

/* Store (store.c, store_schema.c, store_records.c; their shared state is store_private.h):
 * the SQLite connection of a store, for store_items.c, store_cursor.c and the import. */
struct sqlite3;
struct sqlite3 *vt__store_db(vt_store *store);
/* Copies SQLite's last error message of `db` into `err` with a prefix saying what failed. */
vt_status vt__store_sqlite_error(struct sqlite3 *db, vt_error *err, const char *what);
/* Inside a transaction, vt_store_insert queues records (copies of their values and children,
 * a bounded number) to insert them several rows per statement (store_batch.c). Anything that
 * reads `records` inserts them first: vt_store_query, vt_store_count, vt_store_info, the
 * cursors, an insert wanting an id, and the commit; a rollback drops them. This inserts them
 * now. */
vt_status vt__store_flush(vt_store *store, vt_error *err);
/* Opens the transaction of an import. When the database holds no rows at all and no other
 * connection has it open, the transaction runs with a rollback journal instead of the WAL, so
 * its pages are written once, straight into the file (the WAL would hold every page of it and
 * the checkpoint copy them again); *direct tells which. The commit or rollback goes back to
 * WAL. Otherwise the same as vt_store_begin. */
vt_status vt__store_begin_import(vt_store *store, int *direct, vt_error *err);
/* In a transaction begun direct, from now until the commit or rollback (store_vfs.c): the
 * kernel is asked to start writing the main file's pages every 16 MiB written
 * (flush-behind), and, unless `inline_writes` (vt__store_write_pages_inline), a helper thread
 * writes them. Nothing happens otherwise, or when it cannot start. */
void vt__store_write_behind(vt_store *store, int inline_writes);
/* While write-behind is on: 1, the caller's thread writes a page itself when no page is queued
 * before it; 0, every page goes through the helper thread. Nothing otherwise. */
void vt__store_write_pages_inline(vt_store *store, int inline_writes);
/* vt_store_insert that also gives the record's row id, whether it was inserted now or was
 * already stored (then found through the natural-key index). */
vt_status vt__store_insert_id(vt_store *store, const vt_record *rec, const vt_strpool *strings,
                              vt_insert_stats *stats, int64_t *id, vt_error *err);

/* The same, and also what the transaction wrote to day_samples (before anything reads it). */
vt_status vt__store_flush_all(vt_store *store, vt_error *err);

/* The daily calculator's copy of the records (store_days.c, table day_samples of schema 2):
 * per record type and local day, rows of packed samples. */
typedef struct vt__day_sample {
    int64_t start, end;
    int64_t source_id, unit_id; /* ids of vt__store_names; unit 0 when none */
    int has_value;
    double value;
} vt__day_sample;
/* Reads the packed samples of one row. */
typedef struct vt__day_reader {
    const unsigned char *p, *end;
    int64_t prev;
} vt__day_reader;
/* The next sample: 1, 0 at the end of the row, -1 when the bytes are not packed samples. */
int vt__day_next(vt__day_reader *r, vt__day_sample *out);
/* One row: its day (YYYY-MM-DD, `day_len` bytes, not NUL-terminated) and samples, borrowed
 * until the next call. */
typedef struct vt__day_row_view {
    const char *day;
    size_t day_len;
    uint32_t count;
    vt__day_reader samples;
} vt__day_row_view;
/* The largest id of a type, source or unit that the daily calculator and day_samples keep
 * arrays by (vitals gives them ids 1, 2, 3...; a larger one was written by hand). */
#define VT__MAX_STRING_ID (1 << 24)
/* Does the store have day_samples (schema 2 and later)? */
int vt__store_has_days(vt_store *store);

/* Reading records for the daily calculator (store_cursor.c). The strings of one kind, in id
 * order: `fn` gets each id and its text (borrowed for the call). */
typedef enum vt__store_names_kind {
    VT__NAMES_TYPES, /* HK identifiers */
    VT__NAMES_SOURCES,
    VT__NAMES_UNITS
} vt__store_names_kind;
typedef vt_status (*vt__store_name_fn)(void *ctx, int64_t id, const char *text, size_t len,
                                       vt_error *err);
vt_status vt__store_names(vt_store *store, vt__store_names_kind kind, vt__store_name_fn fn,
                          void *ctx, vt_error *err);
/* A cursor over the samples of one record type at a time, within an optional range of days:
 * the records in (local day, start) order through the natural-key index, or (`packed`) the
 * rows of day_samples in (local day, first sample) order. */
typedef struct vt__samples vt__samples;
/* One sample; `day` (YYYY-MM-DD, `day_len` bytes, not NUL-terminated) is borrowed until the
 * next call. Source and unit are ids of vt__store_names (unit 0 when none). */
typedef struct vt__sample {
    const char *day;
    size_t day_len;
    int64_t source_id, unit_id;
    int64_t start_utc, end_utc;
    int has_value;
    double value;
} vt__sample;
vt_status vt__samples_open(vt_store *store, int packed, int has_from, int32_t from_day, int has_to,
                           int32_t to_day, vt__samples **out, vt_error *err);
/* Starts over at the first sample of `type_id` (an id of VT__NAMES_TYPES). */
void vt__samples_select(vt__samples *c, int64_t type_id);
/* The next sample of the selected type: *more is 1 and `sample` filled, or 0 at its end. */
vt_status vt__samples_next(vt__samples *c, vt__sample *sample, int *more, vt_error *err);
/* The next row of day_samples of the selected type (a `packed` cursor). */
vt_status vt__samples_next_packed(vt__samples *c, vt__day_row_view *row, int *more, vt_error *err);
void vt__samples_close(vt__samples *c);

/* Import tables (store_items.c): creates the tables of workouts, correlations, activity
 * summaries, routes and other elements inside the schema's creation transaction. */
vt_status vt__store_items_schema(struct sqlite3 *db, vt_error *err);
/* The inserter of those items, used by the import (import.c) inside its transaction. */
typedef struct vt__items vt__items;
vt_status vt__items_open(vt_store *store, vt_items_stats *stats, vt__items **out, vt_error *err);
void vt__items_close(vt__items *items);
vt_status vt__items_export_info(vt__items *items, const vt_export_info *info,
                                const vt_strpool *strings, vt_error *err);
vt_status vt__items_workout(vt__items *items, const vt_workout *workout, const vt_strpool *strings,
                            vt_error *err);
vt_status vt__items_route_points(vt__items *items, uint32_t ref, const vt_route_point *points,
                                 size_t count, const vt_strpool *strings, vt_error *err);
/* Stores a correlation and, through vt_store_insert, its members (counted in `records`). */
vt_status vt__items_correlation(vt__items *items, vt_store *store, const vt_correlation *corr,
                                const vt_strpool *strings, vt_insert_stats *records, vt_error *err);
vt_status vt__items_activity_summary(vt__items *items, const vt_activity_summary *summary,
                                     const vt_strpool *strings, vt_error *err);
vt_status vt__items_element(vt__items *items, const vt_element *element, vt_error *err);

/* import_pipeline.c: the import on two threads. Starts the writer thread and fills `sink`
 * with callbacks that copy items into batches for it; the store and `items` belong to the
 * writer until vt__pipeline_finish returns. */
typedef struct vt__pipeline vt__pipeline;
/* Who writes the pages of a direct first import on two threads (import_pipeline.c,
 * pace_batch): chosen from what the writer measures (VT__PAGES_MEASURED, what vt_import does),
 * or, for the tests, always the writer thread, always the helper, or the two in turn after
 * every batch. */
enum { VT__PAGES_MEASURED, VT__PAGES_WRITER, VT__PAGES_HELPER, VT__PAGES_ALTERNATE };
vt_status vt__pipeline_start(vt_store *store, vt__items *items, vt_import_stats *stats, int pages,
                             vt_sink *sink, vt__pipeline **out, vt_error *err);
/* Waits for the writer (which drops what is left when the reader failed) and gives the
 * first error of the reader or the writer. The last batch goes over in the sink's `end`. */
vt_status vt__pipeline_finish(vt__pipeline *p, vt_status reader_status, vt_error *err);
void vt__pipeline_free(vt__pipeline *p);
/* vt_import with the choice of the page writer (VT__PAGES_*). */
vt_status vt__import(vt_store *store, const char *path, const vt_import_options *options, int pages,
                     vt_import_stats *stats, vt_error *err);

#endif
