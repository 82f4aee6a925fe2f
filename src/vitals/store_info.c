/* SPDX-License-Identifier: MIT */
/* What a store holds: its record count, and per record type the count and range of days
 * (vt_store_info), for `vitals info` and any caller that should not know the schema. */
#include <stdio.h>
#include <string.h>

#include "store_private.h"

vt_status vt_store_count(vt_store *s, uint64_t *count, vt_error *err)
{
    sqlite3_stmt *q;
    const vt_status flushed = vt__store_flush(s, err);
    if (flushed != VT_OK) {
        return flushed;
    }
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM records", -1, &q, NULL) != SQLITE_OK) {
        return vt__store_sqlite_error(s->db, err, s->path);
    }
    vt_status st = VT_OK;
    if (sqlite3_step(q) == SQLITE_ROW) {
        *count = (uint64_t)sqlite3_column_int64(q, 0);
    } else {
        st = vt__store_sqlite_error(s->db, err, s->path);
    }
    sqlite3_finalize(q);
    return st;
}

/* A day column's text (YYYY-MM-DD) as a day number. */
static vt_status column_day(sqlite3_stmt *q, int col, int32_t *day, vt_error *err)
{
    const char *text = (const char *)sqlite3_column_text(q, col);
    if (!text) {
        return vt__error(err, VT_ERR_FORMAT, "info: a record without a day");
    }
    return vt_date_parse(text, (size_t)sqlite3_column_bytes(q, col), day, err);
}

static vt_status types_info(vt_store *s, vt_store_type_fn fn, void *ctx, vt_error *err)
{
    sqlite3 *db = s->db;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db,
                           "SELECT t.metric, t.identifier, count(*), min(r.day), max(r.day)"
                           " FROM records r JOIN types t ON t.id = r.type_id"
                           " GROUP BY r.type_id ORDER BY t.metric, t.identifier",
                           -1, &q, NULL) != SQLITE_OK) {
        return vt__store_sqlite_error(db, err, "info");
    }
    vt_status st = VT_OK;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        vt_store_type_info t;
        const char *metric = (const char *)sqlite3_column_text(q, 0);
        const char *identifier = (const char *)sqlite3_column_text(q, 1);
        t.metric = metric ? metric : "";
        t.identifier = identifier ? identifier : "";
        t.records = (uint64_t)sqlite3_column_int64(q, 2);
        if ((st = column_day(q, 3, &t.first_day, err)) != VT_OK ||
            (st = column_day(q, 4, &t.last_day, err)) != VT_OK) {
            break;
        }
        if (fn(ctx, &t) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (st == VT_OK && rc != SQLITE_DONE) {
        st = vt__store_sqlite_error(db, err, "info");
    }
    sqlite3_finalize(q);
    return st;
}

static vt_status totals(vt_store *s, vt_store_summary *summary, vt_error *err)
{
    sqlite3 *db = s->db;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db,
                           "SELECT (SELECT count(*) FROM types), count(*), min(day), max(day)"
                           " FROM records",
                           -1, &q, NULL) != SQLITE_OK) {
        return vt__store_sqlite_error(db, err, "info");
    }
    vt_status st = VT_OK;
    memset(summary, 0, sizeof *summary);
    if (sqlite3_step(q) == SQLITE_ROW) {
        summary->types = (uint64_t)sqlite3_column_int64(q, 0);
        summary->records = (uint64_t)sqlite3_column_int64(q, 1);
        if (sqlite3_column_type(q, 2) != SQLITE_NULL) {
            summary->has_days = 1;
            if ((st = column_day(q, 2, &summary->first_day, err)) == VT_OK) {
                st = column_day(q, 3, &summary->last_day, err);
            }
        }
    } else {
        st = vt__store_sqlite_error(db, err, "info");
    }
    sqlite3_finalize(q);
    return st;
}

vt_status vt_store_info(vt_store *s, vt_store_type_fn fn, void *ctx, vt_store_summary *summary,
                        vt_error *err)
{
    vt_status st = vt__store_flush(s, err);
    if (st == VT_OK && fn) {
        st = types_info(s, fn, ctx, err);
    }
    if (st == VT_OK && summary) {
        st = totals(s, summary, err);
    }
    return st;
}
