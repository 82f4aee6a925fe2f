/* SPDX-License-Identifier: MIT */
/* Tests of the store: round trip through chunked loading, duplicates, all-or-nothing, schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "vitals/vitals.h"

static vt_table *generated(uint32_t days, uint32_t per_day)
{
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = days;
    o.per_day = per_day;
    vt_table *t;
    assert_int_equal(vt_table_new(&t, NULL), VT_OK);
    assert_int_equal(vt_gen_table(&o, t, NULL), VT_OK);
    return t;
}

/* A canonical text line of a record, independent of pool ids, for comparing sets. */
static char *line_of(const vt_table *t, size_t i)
{
    vt_record r;
    vt_table_get(t, i, &r);
    const vt_strpool *p = vt_table_strings_const(t);
    char *s = malloc(512);
    snprintf(s, 512, "%s|%s|%s|%lld|%d|%lld|%d|%lld|%d|%.17g|%s|%u",
             vt_strpool_get(p, r.type, NULL), vt_strpool_get(p, r.source, NULL),
             vt_strpool_get(p, r.unit, NULL), (long long)r.start.utc, r.start.offset_min,
             (long long)r.end.utc, r.end.offset_min, (long long)r.created.utc,
             r.created.offset_min, (r.flags & VT_RECORD_NUMERIC) ? r.value : 0.0,
             (r.flags & VT_RECORD_CATEGORY) ? vt_strpool_get(p, r.category, NULL) : "",
             r.flags & (VT_RECORD_NUMERIC | VT_RECORD_CATEGORY | VT_RECORD_HAS_CREATED));
    return s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void round_trip_in_chunks(void **state)
{
    (void)state;
    vt_table *t = generated(60, 100);
    vt_store *s;
    vt_insert_stats stats = {0, 0};
    assert_int_equal(vt_store_open(":memory:", NULL, &s, NULL), VT_OK);
    assert_int_equal(vt_store_bulk_insert(s, t, &stats, NULL), VT_OK);
    const size_t n = vt_table_count(t);
    assert_int_equal(stats.inserted, n);
    assert_int_equal(stats.duplicates, 0);
    uint64_t count;
    assert_int_equal(vt_store_count(s, &count, NULL), VT_OK);
    assert_int_equal(count, n);

    char **want = malloc(n * sizeof *want), **got = malloc(n * sizeof *got);
    for (size_t i = 0; i < n; i++) {
        want[i] = line_of(t, i);
    }
    vt_store_cursor *c;
    vt_table *chunk;
    assert_int_equal(vt_table_new(&chunk, NULL), VT_OK);
    assert_int_equal(vt_store_cursor_open(s, NULL, &c, NULL), VT_OK);
    size_t total = 0, got_n;
    for (;;) {
        assert_int_equal(vt_store_cursor_next(c, chunk, 777, &got_n, NULL), VT_OK);
        if (got_n == 0) {
            break;
        }
        assert_true(got_n <= 777);
        assert_int_equal(vt_table_count(chunk), got_n);
        for (size_t i = 0; i < got_n; i++) {
            assert_true(total < n);
            got[total++] = line_of(chunk, i);
        }
    }
    vt_store_cursor_close(c);
    assert_int_equal(total, n);
    qsort(want, n, sizeof *want, cmp_str);
    qsort(got, n, sizeof *got, cmp_str);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(want[i], got[i]);
        free(want[i]);
        free(got[i]);
    }
    free(want);
    free(got);

    /* A filtered cursor sees only its metric and days. */
    vt_store_filter f = {"heart_rate", 1, 1, 0, 0};
    f.from_day = vt_days_from_civil(2020, 1, 10);
    f.to_day = vt_days_from_civil(2020, 1, 12);
    assert_int_equal(vt_store_cursor_open(s, &f, &c, NULL), VT_OK);
    assert_int_equal(vt_store_cursor_next(c, chunk, 100000, &got_n, NULL), VT_OK);
    assert_true(got_n > 0);
    vt_columns col;
    vt_table_slice(chunk, 0, got_n, &col);
    for (size_t i = 0; i < got_n; i++) {
        assert_string_equal(vt_strpool_get(vt_table_strings(chunk), col.type[i], NULL),
                            "HKQuantityTypeIdentifierHeartRate");
        assert_true(col.day[i] >= f.from_day && col.day[i] <= f.to_day);
    }
    vt_store_cursor_close(c);
    vt_table_free(chunk);
    vt_store_close(s);
    vt_table_free(t);
}

static void reinserting_adds_no_duplicates(void **state)
{
    (void)state;
    vt_table *t = generated(20, 50);
    vt_store *s;
    assert_int_equal(vt_store_open(":memory:", NULL, &s, NULL), VT_OK);
    vt_insert_stats a = {0, 0}, b = {0, 0};
    assert_int_equal(vt_store_bulk_insert(s, t, &a, NULL), VT_OK);
    assert_int_equal(vt_store_bulk_insert(s, t, &b, NULL), VT_OK);
    assert_int_equal(b.inserted, 0);
    assert_int_equal(b.duplicates, vt_table_count(t));
    /* An overlapping newer dataset: 10 more days, the first 20 already present. */
    vt_table *more = generated(30, 50);
    vt_insert_stats c = {0, 0};
    assert_int_equal(vt_store_bulk_insert(s, more, &c, NULL), VT_OK);
    assert_int_equal(c.duplicates, vt_table_count(t));
    assert_int_equal(c.inserted, vt_table_count(more) - vt_table_count(t));
    uint64_t count;
    assert_int_equal(vt_store_count(s, &count, NULL), VT_OK);
    assert_int_equal(count, vt_table_count(more));
    vt_store_close(s);
    vt_table_free(t);
    vt_table_free(more);
}

static void failed_bulk_insert_leaves_nothing(void **state)
{
    (void)state;
    vt_table *t = generated(5, 50);
    vt_store *s;
    assert_int_equal(vt_store_open(":memory:", NULL, &s, NULL), VT_OK);
    vt_table *first = generated(2, 50);
    assert_int_equal(vt_store_bulk_insert(s, first, NULL, NULL), VT_OK);
    uint64_t before;
    assert_int_equal(vt_store_count(s, &before, NULL), VT_OK);
    /* A record without a source in the middle of the batch fails the insert. */
    vt_record bad;
    memset(&bad, 0, sizeof bad);
    assert_int_equal(vt_strpool_intern(vt_table_strings(t), "HKQuantityTypeIdentifierX", 25,
                                       &bad.type, NULL),
                     VT_OK);
    assert_int_equal(vt_table_append(t, &bad, NULL), VT_OK);
    vt_table *more = generated(9, 50);
    for (size_t i = 0; i < vt_table_count(more); i++) {
        vt_record r;
        vt_table_get(more, i, &r);
        assert_int_equal(vt_table_append_from(t, &r, vt_table_strings(more), NULL), VT_OK);
    }
    vt_error err;
    assert_int_equal(vt_store_bulk_insert(s, t, NULL, &err), VT_ERR_INVALID);
    assert_non_null(strstr(err.msg, "needs a type and a source"));
    uint64_t after;
    assert_int_equal(vt_store_count(s, &after, NULL), VT_OK);
    assert_int_equal(after, before);
    /* And the store still works: the ids cached during the failed insert were forgotten. */
    vt_insert_stats st = {0, 0};
    assert_int_equal(vt_store_bulk_insert(s, more, &st, NULL), VT_OK);
    assert_int_equal(st.inserted + st.duplicates, vt_table_count(more));
    vt_store_close(s);
    vt_table_free(t);
    vt_table_free(first);
    vt_table_free(more);
}

static void schema_version_and_foreign_files(void **state)
{
    (void)state;
    char path[] = "/tmp/vitals-test-store-XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    vt_store *s;
    vt_error err;
    /* A new file becomes a vitals store of the current schema, in WAL mode. */
    assert_int_equal(vt_store_open(path, NULL, &s, &err), VT_OK);
    vt_store_close(s);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), VT_STORE_SCHEMA_VERSION);
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
    sqlite3_finalize(q);
    /* A newer schema than this build knows is refused. */
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(vt_store_open(path, NULL, &s, &err), VT_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "schema version 99 is newer"));
    unlink(path);

    /* Another application's database is not touched. */
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE x(a)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(vt_store_open(path, NULL, &s, &err), VT_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "not a vitals database"));
    unlink(path);
    /* A file that is not a database at all. */
    FILE *f = fopen(path, "w");
    fputs("this is not sqlite, just text that is long enough to be a header..............", f);
    fclose(f);
    assert_int_equal(vt_store_open(path, NULL, &s, &err), VT_ERR_DB);
    assert_non_null(strstr(err.msg, path));
    unlink(path);
    /* A missing directory. */
    assert_int_equal(vt_store_open("/nonexistent-dir/x.db", NULL, &s, &err), VT_ERR_DB);
    assert_non_null(strstr(err.msg, "unable to open database file"));
    char wal[64];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
}

static void query_reports_sql_errors(void **state)
{
    (void)state;
    vt_store *s;
    vt_error err;
    assert_int_equal(vt_store_open(":memory:", NULL, &s, NULL), VT_OK);
    assert_int_equal(vt_store_query(s, "SELEC 1", NULL, NULL, &err), VT_ERR_DB);
    assert_non_null(strstr(err.msg, "syntax error"));
    assert_int_equal(vt_store_query(s, "SELECT 1; SELECT 2", NULL, NULL, &err), VT_ERR_INVALID);
    assert_int_equal(vt_store_query(s, "SELECT * FROM health_metrics", NULL, NULL, &err), VT_OK);
    vt_store_close(s);
    vt_store_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_in_chunks),
        cmocka_unit_test(reinserting_adds_no_duplicates),
        cmocka_unit_test(failed_bulk_insert_leaves_nothing),
        cmocka_unit_test(schema_version_and_foreign_files),
        cmocka_unit_test(query_reports_sql_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
