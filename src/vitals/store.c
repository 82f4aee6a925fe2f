/* SPDX-License-Identifier: MIT */
/* The SQLite store's connection: opening (pragmas, schema, writer), closing, transactions,
 * and the statements any caller runs through it (vt_store_query). */
#include <stdio.h>
#include <string.h>

#include "store_private.h"

sqlite3 *vt__store_db(vt_store *store)
{
    return store->db;
}

vt_status vt__store_sqlite_error(sqlite3 *db, vt_error *err, const char *what)
{
    const int code = sqlite3_extended_errcode(db);
    const vt_status st =
        (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED ? VT_ERR_BUSY : VT_ERR_DB;
    return vt__error(err, st, "%s: %s", what, sqlite3_errmsg(db));
}

vt_status vt__store_exec(vt_store *s, const char *sql, vt_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        const int code = sqlite3_extended_errcode(s->db) & 0xff;
        vt__error(err, code == SQLITE_BUSY || code == SQLITE_LOCKED ? VT_ERR_BUSY : VT_ERR_DB,
                  "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return err ? err->code : VT_ERR_DB;
    }
    return VT_OK;
}

vt_status vt__store_prepare(vt_store *s, const char *sql, sqlite3_stmt **out, vt_error *err)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK) {
        return vt__store_sqlite_error(s->db, err, s->path);
    }
    return VT_OK;
}

vt_status vt_store_open(const char *path, const vt_store_options *options, vt_store **out,
                        vt_error *err)
{
    const vt_store_options defaults = {0, 5000, 2048};
    const vt_store_options *o = options ? options : &defaults;
    vt_store *s = vt__calloc(1, sizeof *s);
    if (!s || !(s->path = vt__strndup(path, strlen(path)))) {
        vt__free(s);
        return vt__nomem(err);
    }
    const int memory = strcmp(path, ":memory:") == 0;
    const int flags =
        o->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    vt_status st;
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        st = vt__error(err, VT_ERR_DB, "%s: %s", path,
                       s->db ? sqlite3_errmsg(s->db) : "unable to open database");
        vt_store_close(s);
        return st;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 5000);
    /* A new file gets 16 KiB pages (SQLite's default is 4 KiB): a quarter of the pages, page
     * writes and WAL frames for the same rows, and shallower trees. It must come before the
     * journal mode, which writes the first page, and before the cache size, which SQLite turns
     * into a number of pages of the page size of the moment. On an existing file it changes
     * nothing. */
    if (!o->read_only && (st = vt__store_exec(s, "PRAGMA page_size = 16384", err)) != VT_OK) {
        vt_store_close(s);
        return st;
    }
    char pragma[128];
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d; PRAGMA temp_store = MEMORY;",
             o->cache_kib > 0 ? o->cache_kib : 2048);
    if ((st = vt__store_exec(s, pragma, err)) != VT_OK) {
        vt_store_close(s);
        return st;
    }
    /* WAL lets readers go on while an import writes; NORMAL sync is crash-safe in WAL mode. */
    if (!memory && !o->read_only &&
        (st = vt__store_exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", err)) !=
            VT_OK) {
        vt_store_close(s);
        return st;
    }
    if ((st = vt__store_migrate(s, o->read_only, err)) != VT_OK ||
        (st = vt__store_records_open(s, err)) != VT_OK) {
        vt_store_close(s);
        return st;
    }
    *out = s;
    return VT_OK;
}

vt_status vt_store_process_init(void)
{
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK ? VT_OK : VT_ERR_INVALID;
}

void vt_store_close(vt_store *s)
{
    if (!s) {
        return;
    }
    if (s->in_txn) {
        vt_store_rollback(s);
    }
    vt__store_records_close(s);
    vt__days_close(s);
    sqlite3_close(s->db);
    vt__free(s->path);
    vt__free(s);
}

vt_status vt_store_begin(vt_store *s, vt_error *err)
{
    if (s->in_txn) {
        return vt__error(err, VT_ERR_INVALID, "%s: a transaction is already open", s->path);
    }
    vt_status st = vt__store_exec(s, "BEGIN IMMEDIATE", err);
    if (st == VT_OK) {
        s->in_txn = 1;
    }
    return st;
}

vt_status vt_store_commit(vt_store *s, vt_error *err)
{
    vt_status st = vt__store_flush_all(s, err);
    if (st != VT_OK) {
        vt_store_rollback(s);
        return st;
    }
    st = vt__store_exec(s, "COMMIT", err);
    if (st == VT_OK) {
        s->in_txn = 0;
    } else {
        vt_store_rollback(s);
    }
    return st;
}

void vt_store_rollback(vt_store *s)
{
    if (!sqlite3_get_autocommit(s->db)) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    s->in_txn = 0;
    vt__store_records_forget(s);
    vt__days_drop(s);
}

vt_status vt_store_query(vt_store *s, const char *sql, vt_row_fn fn, void *ctx, vt_error *err)
{
    sqlite3_stmt *q;
    const vt_status flushed = vt__store_flush_all(s, err);
    if (flushed != VT_OK) {
        return flushed;
    }
    const char *tail = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, &tail) != SQLITE_OK) {
        return vt__store_sqlite_error(s->db, err, "query");
    }
    if (!q) {
        return vt__error(err, VT_ERR_INVALID, "query: empty statement");
    }
    while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';')) {
        tail++;
    }
    if (tail && *tail) {
        sqlite3_finalize(q);
        return vt__error(err, VT_ERR_INVALID, "query: only one statement at a time");
    }
    const int ncols = sqlite3_column_count(q);
    const char *names[64];
    const char *values[64];
    if (ncols > 64) {
        sqlite3_finalize(q);
        return vt__error(err, VT_ERR_LIMIT, "query: more than 64 columns");
    }
    for (int i = 0; i < ncols; i++) {
        names[i] = sqlite3_column_name(q, i);
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++) {
            values[i] = (const char *)sqlite3_column_text(q, i);
        }
        if (fn && fn(ctx, ncols, values, names) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    vt_status st = VT_OK;
    if (rc != SQLITE_DONE) {
        st = vt__store_sqlite_error(s->db, err, "query");
    }
    sqlite3_finalize(q);
    return st;
}
