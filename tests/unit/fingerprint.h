/* SPDX-License-Identifier: MIT */
/* For the tests that need it: a database's integrity check and a hash of all its content. */
#ifndef VITALS_TEST_FINGERPRINT_H
#define VITALS_TEST_FINGERPRINT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vitals/vitals.h"

typedef struct fp_state {
    uint64_t h;
    char tables[64][64];
    int ntables;
} fp_state;

static inline void fp_mix(uint64_t *h, const char *s)
{
    for (; *s; s++) {
        *h = (*h ^ (unsigned char)*s) * 0x100000001b3u;
    }
    *h = (*h ^ 0xff) * 0x100000001b3u;
}

static inline int fp_row(void *ctx, int n, const char *const *v, const char *const *names)
{
    fp_state *f = ctx;
    (void)names;
    for (int i = 0; i < n; i++) {
        fp_mix(&f->h, v[i] ? v[i] : "\x01NULL");
    }
    return 0;
}

static inline int fp_table(void *ctx, int n, const char *const *v, const char *const *names)
{
    fp_state *f = ctx;
    (void)n;
    (void)names;
    if (f->ntables < 64) {
        snprintf(f->tables[f->ntables++], sizeof f->tables[0], "%s", v[0]);
    }
    return 0;
}

static inline int fp_text(void *ctx, int n, const char *const *v, const char *const *names)
{
    (void)names;
    snprintf(ctx, 64, "%s", n > 0 && v[0] ? v[0] : "");
    return 1;
}

/**
 * Opens the database at `path`, checks `PRAGMA integrity_check` says "ok", and hashes every
 * row of every table (FNV-1a over the text of each value, tables by name, rows in key
 * order). 0 with a message in `why` when the database cannot be opened or is not intact.
 */
static inline uint64_t fp_database(const char *path, char *why, size_t why_size)
{
    vt_store *s;
    vt_error err;
    why[0] = '\0';
    if (vt_store_open(path, NULL, &s, &err) != VT_OK) {
        snprintf(why, why_size, "open: %s", err.msg);
        return 0;
    }
    char ok[64] = "";
    if (vt_store_query(s, "PRAGMA integrity_check", fp_text, ok, &err) != VT_OK ||
        strcmp(ok, "ok") != 0) {
        snprintf(why, why_size, "integrity_check: %s %s", ok, err.msg);
        vt_store_close(s);
        return 0;
    }
    fp_state f;
    memset(&f, 0, sizeof f);
    f.h = 0xcbf29ce484222325u;
    vt_status st = vt_store_query(
        s, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", fp_table, &f, &err);
    for (int i = 0; st == VT_OK && i < f.ntables; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY 1, 2", f.tables[i]);
        fp_mix(&f.h, f.tables[i]);
        st = vt_store_query(s, sql, fp_row, &f, &err);
    }
    vt_store_close(s);
    if (st != VT_OK) {
        snprintf(why, why_size, "query: %s", err.msg);
        return 0;
    }
    return f.h;
}

/** The first column of the first row of `sql` as an integer; -1 on error. */
static inline int64_t fp_scalar(const char *path, const char *sql)
{
    vt_store *s;
    vt_error err;
    if (vt_store_open(path, NULL, &s, &err) != VT_OK) {
        return -1;
    }
    char v[64] = "";
    const vt_status st = vt_store_query(s, sql, fp_text, v, &err);
    vt_store_close(s);
    return st == VT_OK ? strtoll(v, NULL, 10) : -1;
}

/** Removes a database and its -wal, -shm and -journal files. */
static inline void fp_remove_db(const char *path)
{
    char p[1100];
    remove(path);
    snprintf(p, sizeof p, "%s-wal", path);
    remove(p);
    snprintf(p, sizeof p, "%s-shm", path);
    remove(p);
    snprintf(p, sizeof p, "%s-journal", path);
    remove(p);
}

#endif
