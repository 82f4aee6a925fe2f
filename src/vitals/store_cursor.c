/* SPDX-License-Identifier: MIT */
/* Reading a store's records: chunked loading into a table, N at a time (the seed's
 * iter_chunks), and for the daily calculator one type at a time in day order, the records or
 * the packed rows of day_samples. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"

enum { C_TYPE, C_SOURCE, C_UNIT, C_DEVICE, C_COUNT };

static const char *const NAME_BY_ID[C_COUNT] = {
    "SELECT identifier FROM types WHERE id = ?1",
    "SELECT name FROM sources WHERE id = ?1",
    "SELECT name FROM units WHERE id = ?1",
    "SELECT description FROM devices WHERE id = ?1",
};

struct vt_store_cursor {
    vt_store *store;
    sqlite3_stmt *rows;
    sqlite3_stmt *names[C_COUNT];
    uint64_t pool_serial;   /* the chunk pool the maps below refer to */
    uint32_t *map[C_COUNT]; /* database id -> pool id; 0 = not looked up */
    size_t cap[C_COUNT];
    int done;
};

void vt_store_cursor_close(vt_store_cursor *c)
{
    if (!c) {
        return;
    }
    sqlite3_finalize(c->rows);
    for (int k = 0; k < C_COUNT; k++) {
        sqlite3_finalize(c->names[k]);
        vt__free(c->map[k]);
    }
    vt__free(c);
}

vt_status vt_store_cursor_open(vt_store *store, const vt_store_filter *filter,
                               vt_store_cursor **out, vt_error *err)
{
    sqlite3 *db = vt__store_db(store);
    const vt_status flushed = vt__store_flush(store, err); /* the records queued go in first */
    if (flushed != VT_OK) {
        return flushed;
    }
    vt_store_cursor *c = vt__calloc(1, sizeof *c);
    if (!c) {
        return vt__nomem(err);
    }
    c->store = store;
    const vt_store_filter none = {NULL, 0, 0, 0, 0};
    const vt_store_filter *f = filter ? filter : &none;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT r.type_id, r.source_id, r.unit_id, r.device_id, r.start_utc, r.start_tz,"
             " r.end_utc, r.end_tz, r.created_utc, r.created_tz, r.value, r.category"
             " FROM records r WHERE 1 %s %s %s ORDER BY r.type_id, r.day, r.start_utc",
             f->metric ? "AND r.type_id IN (SELECT id FROM types WHERE metric = ?1 OR "
                         "identifier = ?1)"
                       : "",
             f->has_from ? "AND r.day >= ?2" : "", f->has_to ? "AND r.day <= ?3" : "");
    if (sqlite3_prepare_v2(db, sql, -1, &c->rows, NULL) != SQLITE_OK) {
        vt_status st = vt__store_sqlite_error(db, err, "load");
        vt_store_cursor_close(c);
        return st;
    }
    for (int k = 0; k < C_COUNT; k++) {
        if (sqlite3_prepare_v2(db, NAME_BY_ID[k], -1, &c->names[k], NULL) != SQLITE_OK) {
            vt_status st = vt__store_sqlite_error(db, err, "load");
            vt_store_cursor_close(c);
            return st;
        }
    }
    if (f->metric) {
        sqlite3_bind_text(c->rows, 1, f->metric, -1, SQLITE_TRANSIENT);
    }
    char day[VT_DAY_BUFSZ];
    if (f->has_from) {
        vt_day_format(f->from_day, day);
        sqlite3_bind_text(c->rows, 2, day, -1, SQLITE_TRANSIENT);
    }
    if (f->has_to) {
        vt_day_format(f->to_day, day);
        sqlite3_bind_text(c->rows, 3, day, -1, SQLITE_TRANSIENT);
    }
    *out = c;
    return VT_OK;
}

/* The chunk pool's id of database string `id` of `kind`. */
static vt_status pool_id(vt_store_cursor *c, int kind, vt_strpool *pool, int64_t id, uint32_t *out,
                         vt_error *err)
{
    if (id <= 0) {
        *out = 0;
        return VT_OK;
    }
    const size_t i = (size_t)id;
    if (i < c->cap[kind] && c->map[kind][i]) {
        *out = c->map[kind][i];
        return VT_OK;
    }
    if (i >= c->cap[kind]) {
        size_t cap = c->cap[kind];
        if (vt__grow((void **)&c->map[kind], &cap, i + 1, sizeof(uint32_t)) != 0) {
            return vt__nomem(err);
        }
        memset(c->map[kind] + c->cap[kind], 0, (cap - c->cap[kind]) * sizeof(uint32_t));
        c->cap[kind] = cap;
    }
    sqlite3_stmt *q = c->names[kind];
    sqlite3_bind_int64(q, 1, id);
    vt_status st;
    if (sqlite3_step(q) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(q, 0);
        st = vt_strpool_intern(pool, s, (size_t)sqlite3_column_bytes(q, 0), out, err);
    } else {
        st = vt__error(err, VT_ERR_FORMAT, "load: dangling string id %lld", (long long)id);
    }
    sqlite3_reset(q);
    if (st == VT_OK) {
        c->map[kind][i] = *out;
    }
    return st;
}

vt_status vt_store_cursor_next(vt_store_cursor *c, vt_table *chunk, size_t n, size_t *count,
                               vt_error *err)
{
    vt_table_clear(chunk);
    *count = 0;
    if (c->done) {
        return VT_OK;
    }
    vt_strpool *pool = vt_table_strings(chunk);
    if (c->pool_serial != vt__strpool_serial(pool)) {
        for (int k = 0; k < C_COUNT; k++) {
            if (c->map[k]) {
                memset(c->map[k], 0, c->cap[k] * sizeof(uint32_t));
            }
        }
        c->pool_serial = vt__strpool_serial(pool);
    }
    sqlite3_stmt *q = c->rows;
    while (*count < n) {
        const int rc = sqlite3_step(q);
        if (rc == SQLITE_DONE) {
            c->done = 1;
            break;
        }
        if (rc != SQLITE_ROW) {
            return vt__store_sqlite_error(vt__store_db(c->store), err, "load");
        }
        vt_record r;
        memset(&r, 0, sizeof r);
        uint32_t *ids[C_COUNT] = {&r.type, &r.source, &r.unit, &r.device};
        for (int k = 0; k < C_COUNT; k++) {
            vt_status st = pool_id(c, k, pool, sqlite3_column_int64(q, k), ids[k], err);
            if (st != VT_OK) {
                return st;
            }
        }
        r.start.utc = sqlite3_column_int64(q, 4);
        r.start.offset_min = (int16_t)sqlite3_column_int(q, 5);
        r.end.utc = sqlite3_column_int64(q, 6);
        r.end.offset_min = (int16_t)sqlite3_column_int(q, 7);
        if (sqlite3_column_type(q, 8) != SQLITE_NULL) {
            r.flags |= VT_RECORD_HAS_CREATED;
            r.created.utc = sqlite3_column_int64(q, 8);
            r.created.offset_min = (int16_t)sqlite3_column_int(q, 9);
        }
        if (sqlite3_column_type(q, 10) != SQLITE_NULL) {
            r.flags |= VT_RECORD_NUMERIC;
            r.value = sqlite3_column_double(q, 10);
        }
        if (sqlite3_column_type(q, 11) != SQLITE_NULL) {
            vt_status st = vt_strpool_intern(pool, (const char *)sqlite3_column_text(q, 11),
                                             (size_t)sqlite3_column_bytes(q, 11), &r.category, err);
            if (st != VT_OK) {
                return st;
            }
            r.flags |= VT_RECORD_CATEGORY;
        }
        vt_status st = vt_table_append(chunk, &r, err);
        if (st != VT_OK) {
            return st;
        }
        (*count)++;
    }
    return VT_OK;
}

/* ---- the daily calculator's reading (internal.h) ------------------------------------ */

vt_status vt__store_names(vt_store *store, vt__store_names_kind kind, vt__store_name_fn fn,
                          void *ctx, vt_error *err)
{
    static const char *const SQL[] = {
        "SELECT id, identifier FROM types ORDER BY id",
        "SELECT id, name FROM sources ORDER BY id",
        "SELECT id, name FROM units ORDER BY id",
    };
    sqlite3 *db = vt__store_db(store);
    sqlite3_stmt *q;
    if ((unsigned)kind >= sizeof SQL / sizeof SQL[0]) {
        return vt__error(err, VT_ERR_INVALID, "no such kind of names: %d", (int)kind);
    }
    if (sqlite3_prepare_v2(db, SQL[kind], -1, &q, NULL) != SQLITE_OK) {
        return vt__store_sqlite_error(db, err, "reading records");
    }
    vt_status st = VT_OK;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 1);
        const size_t len = t ? (size_t)sqlite3_column_bytes(q, 1) : 0;
        if ((st = fn(ctx, sqlite3_column_int64(q, 0), t ? t : "", len, err)) != VT_OK) {
            break;
        }
    }
    if (st == VT_OK && rc != SQLITE_DONE) {
        st = vt__store_sqlite_error(db, err, "reading records");
    }
    sqlite3_finalize(q);
    return st;
}

struct vt__samples {
    vt_store *store;
    sqlite3_stmt *rows;
    char from[VT_DAY_BUFSZ], to[VT_DAY_BUFSZ];
};

vt_status vt__samples_open(vt_store *store, int packed, int has_from, int32_t from_day, int has_to,
                           int32_t to_day, vt__samples **out, vt_error *err)
{
    static const char *const SQL[2] = {
        "SELECT day, source_id, unit_id, start_utc, end_utc, value FROM records"
        " WHERE type_id = ?1 AND day >= ?2 AND day <= ?3 ORDER BY type_id, day, start_utc",
        "SELECT day, first_start, count, samples FROM day_samples"
        " WHERE type_id = ?1 AND day >= ?2 AND day <= ?3"
        " ORDER BY type_id, day, first_start, first_key",
    };
    sqlite3 *db = vt__store_db(store);
    /* What the transaction wrote goes in first. */
    const vt_status flushed =
        packed ? vt__store_flush_all(store, err) : vt__store_flush(store, err);
    if (flushed != VT_OK) {
        return flushed;
    }
    vt__samples *c = vt__calloc(1, sizeof *c);
    if (!c) {
        return vt__nomem(err);
    }
    c->store = store;
    /* Day text sorts as the days do; these bounds hold every day of the store. */
    snprintf(c->from, sizeof c->from, "0000-00-00");
    snprintf(c->to, sizeof c->to, "9999-99-99");
    if (has_from) {
        vt_day_format(from_day, c->from);
    }
    if (has_to) {
        vt_day_format(to_day, c->to);
    }
    if (sqlite3_prepare_v2(db, SQL[packed != 0], -1, &c->rows, NULL) != SQLITE_OK) {
        const vt_status st = vt__store_sqlite_error(db, err, "reading records");
        vt__samples_close(c);
        return st;
    }
    *out = c;
    return VT_OK;
}

void vt__samples_select(vt__samples *c, int64_t type_id)
{
    sqlite3_reset(c->rows);
    sqlite3_bind_int64(c->rows, 1, type_id);
    sqlite3_bind_text(c->rows, 2, c->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(c->rows, 3, c->to, -1, SQLITE_STATIC);
}

/* Steps the cursor: *more is 1 on a row, 0 at the end. */
static vt_status step(vt__samples *c, int *more, vt_error *err)
{
    const int rc = sqlite3_step(c->rows);
    *more = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? VT_OK
               : vt__store_sqlite_error(vt__store_db(c->store), err, "reading records");
}

vt_status vt__samples_next(vt__samples *c, vt__sample *sample, int *more, vt_error *err)
{
    sqlite3_stmt *q = c->rows;
    const vt_status st = step(c, more, err);
    if (st != VT_OK || !*more) {
        return st;
    }
    sample->day = (const char *)sqlite3_column_text(q, 0);
    sample->day_len = (size_t)sqlite3_column_bytes(q, 0);
    sample->source_id = sqlite3_column_int64(q, 1);
    sample->unit_id = sqlite3_column_int64(q, 2);
    sample->start_utc = sqlite3_column_int64(q, 3);
    sample->end_utc = sqlite3_column_int64(q, 4);
    sample->has_value = sqlite3_column_type(q, 5) != SQLITE_NULL;
    sample->value = sqlite3_column_double(q, 5);
    return VT_OK;
}

vt_status vt__samples_next_packed(vt__samples *c, vt__day_row_view *row, int *more, vt_error *err)
{
    sqlite3_stmt *q = c->rows;
    const vt_status st = step(c, more, err);
    if (st != VT_OK || !*more) {
        return st;
    }
    row->day = (const char *)sqlite3_column_text(q, 0);
    row->day_len = (size_t)sqlite3_column_bytes(q, 0);
    row->count = (uint32_t)sqlite3_column_int64(q, 2);
    row->samples.p = sqlite3_column_blob(q, 3);
    row->samples.end = row->samples.p + sqlite3_column_bytes(q, 3);
    row->samples.prev = sqlite3_column_int64(q, 1);
    return VT_OK;
}

void vt__samples_close(vt__samples *c)
{
    if (!c) {
        return;
    }
    sqlite3_finalize(c->rows);
    vt__free(c);
}
