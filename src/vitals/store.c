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

/* What vt_store_open leaves every file in, and a direct transaction returns it to: WAL lets
 * readers go on while an import writes; NORMAL sync is crash-safe in WAL mode. */
static const char WAL_MODE[] = "PRAGMA synchronous = NORMAL; PRAGMA journal_mode = WAL;";

/* SQLite's in-memory database: no file, no journal mode to choose. */
static int in_memory(const char *path)
{
    return strcmp(path, ":memory:") == 0;
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
    const int memory = in_memory(path);
    const int flags =
        o->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    vt_status st;
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, vt__store_vfs()) != SQLITE_OK) {
        st = vt__error(err, VT_ERR_DB, "%s: %s", path,
                       s->db ? sqlite3_errmsg(s->db) : "unable to open database");
        vt_store_close(s);
        return st;
    }
    sqlite3_extended_result_codes(s->db, 1);
    s->busy_ms = o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 5000;
    sqlite3_busy_timeout(s->db, s->busy_ms);
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
    if (!memory && !o->read_only && (st = vt__store_exec(s, WAL_MODE, err)) != VT_OK) {
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

/* 1 when no table of the file holds a row (a new file, or one that every import so far left
 * empty); 0 when one does, or when that cannot be told. */
static int store_is_empty(vt_store *s)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT name FROM sqlite_schema WHERE type = 'table'"
                           " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
                           -1, &q, NULL) != SQLITE_OK) {
        return 0;
    }
    int empty = 1, rc;
    while (empty && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        char *sql = sqlite3_mprintf("SELECT 1 FROM \"%w\" LIMIT 1",
                                    (const char *)sqlite3_column_text(q, 0));
        sqlite3_stmt *t = NULL;
        if (!sql || sqlite3_prepare_v2(s->db, sql, -1, &t, NULL) != SQLITE_OK ||
            sqlite3_step(t) != SQLITE_DONE) {
            empty = 0;
        }
        sqlite3_finalize(t);
        sqlite3_free(sql);
    }
    if (empty && rc != SQLITE_DONE) {
        empty = 0;
    }
    sqlite3_finalize(q);
    return empty;
}

/* Leaves WAL for a rollback journal; 1 when the file is in that mode afterwards (SQLite
 * answers with the mode it kept when it cannot change it). */
static int leave_wal(vt_store *s)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = DELETE", -1, &q, NULL) != SQLITE_OK) {
        return 0;
    }
    const int ok = sqlite3_step(q) == SQLITE_ROW &&
                   sqlite3_stricmp((const char *)sqlite3_column_text(q, 0), "delete") == 0;
    sqlite3_finalize(q);
    return ok;
}

/* After a direct transaction: back to WAL. Should another connection hold the file past the
 * busy timeout, it stays in rollback mode until the next vt_store_open that may write; either
 * mode is consistent. */
static void end_direct(vt_store *s)
{
    if (s->write_behind) {
        int off = VT__WB_OFF;
        s->write_behind = 0;
        sqlite3_file_control(s->db, "main", VT__FCNTL_WRITE_BEHIND, &off);
    }
    if (s->direct) {
        s->direct = 0;
        sqlite3_exec(s->db, WAL_MODE, NULL, NULL, NULL);
    }
}

/* Sends the write-behind mode (on, pages written inline or by the helper) to the main file. */
static int send_write_behind(vt_store *s, int inline_writes)
{
    int mode = inline_writes ? VT__WB_INLINE : VT__WB_BEHIND;
    return sqlite3_file_control(s->db, "main", VT__FCNTL_WRITE_BEHIND, &mode);
}

void vt__store_write_behind(vt_store *s, int inline_writes)
{
    if (s->direct && !s->write_behind && send_write_behind(s, inline_writes) == SQLITE_OK) {
        s->write_behind = 1;
    }
}

void vt__store_write_pages_inline(vt_store *s, int inline_writes)
{
    if (s->write_behind) {
        send_write_behind(s, inline_writes);
    }
}

vt_status vt__store_begin_import(vt_store *s, int *direct, vt_error *err)
{
    *direct = 0;
    if (!in_memory(s->path) && !s->in_txn && store_is_empty(s)) {
        /* Leaving WAL needs the file to itself: with a reader or a waiting writer there, stay
         * in WAL at once rather than wait. FULL sync in rollback mode gives what NORMAL gives
         * in WAL mode: consistent through a crash or a power cut. */
        sqlite3_busy_timeout(s->db, 0);
        s->direct = leave_wal(s);
        sqlite3_busy_timeout(s->db, s->busy_ms);
        if (s->direct &&
            sqlite3_exec(s->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK) {
            end_direct(s);
        }
    }
    const vt_status st = vt_store_begin(s, err);
    if (st != VT_OK) {
        end_direct(s);
        return st;
    }
    *direct = s->direct;
    return VT_OK;
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
        end_direct(s);
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
    end_direct(s);
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
