/* SPDX-License-Identifier: MIT */
/* Tests of the store: round trip through chunked loading, duplicates, all-or-nothing, schema,
 * what a store holds (vt_store_info). */
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

#include "../../src/vitals/store_private.h"
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
             (long long)r.end.utc, r.end.offset_min, (long long)r.created.utc, r.created.offset_min,
             (r.flags & VT_RECORD_NUMERIC) ? r.value : 0.0,
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
    assert_int_equal(
        vt_strpool_intern(vt_table_strings(t), "HKQuantityTypeIdentifierX", 25, &bad.type, NULL),
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

static int first_text(void *ctx, int n, const char *const *v, const char *const *names)
{
    (void)names;
    snprintf(ctx, 64, "%s", n > 0 && v[0] ? v[0] : "");
    return 1;
}

/* Runs `sql` and gives the first column of its first row as an integer (-1 when no row). */
static int64_t scalar(vt_store *s, const char *sql)
{
    char text[64] = "";
    assert_int_equal(vt_store_query(s, sql, first_text, text, NULL), VT_OK);
    return text[0] ? strtoll(text, NULL, 10) : -1;
}

/* A new pool and a record of it: steps from "Phone", the rest zero. */
static vt_strpool *phone_steps(vt_record *r)
{
    vt_strpool *pool;
    assert_int_equal(vt_strpool_new(&pool, NULL), VT_OK);
    memset(r, 0, sizeof *r);
    assert_int_equal(
        vt_strpool_intern(pool, "HKQuantityTypeIdentifierStepCount", 33, &r->type, NULL), VT_OK);
    assert_int_equal(vt_strpool_intern(pool, "Phone", 5, &r->source, NULL), VT_OK);
    return pool;
}

/*
 * Row ids follow one rule, whatever the number of rows per statement: a record without
 * children waits (up to 16), a record with children goes ahead of the waiting ones unless one
 * of them is the same sample, and a sample already stored gets no id. The expected ids are
 * worked out here by simulating that rule one record at a time.
 */
static void row_ids_follow_the_one_by_one_order(void **state)
{
    (void)state;
    enum { N = 400 };
    int children[N], sample[N];
    uint32_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        children[i] = (x >> 16) % 3 == 0;
        /* About one in eight is a copy of one of the ten samples before it. */
        sample[i] = i >= 10 && (x >> 8) % 8 == 0 ? sample[i - 1 - (int)((x >> 4) % 10)] : i;
    }
    /* The simulation: the order in which records would go in one by one. */
    int order[N], n_order = 0, waiting[16], n_waiting = 0;
    for (int i = 0; i < N; i++) {
        if (!children[i]) {
            waiting[n_waiting++] = i;
            if (n_waiting == 16) {
                memcpy(order + n_order, waiting, sizeof waiting);
                n_order += 16;
                n_waiting = 0;
            }
            continue;
        }
        for (int w = 0; w < n_waiting; w++) {
            if (sample[waiting[w]] == sample[i]) {
                memcpy(order + n_order, waiting, (size_t)n_waiting * sizeof *waiting);
                n_order += n_waiting;
                n_waiting = 0;
            }
        }
        order[n_order++] = i;
    }
    memcpy(order + n_order, waiting, (size_t)n_waiting * sizeof *waiting);
    n_order += n_waiting;
    assert_int_equal(n_order, N);
    int64_t expected_id[N]; /* by sample: the id of its first copy in that order */
    int winner[N];          /* by sample: the record stored */
    int64_t next = 1;
    for (int i = 0; i < N; i++) {
        expected_id[i] = 0;
    }
    for (int k = 0; k < N; k++) {
        const int i = order[k];
        if (!expected_id[sample[i]]) {
            expected_id[sample[i]] = next++;
            winner[sample[i]] = i;
        }
    }
    /* The records: sample j starts at minute j; the children are one metadata entry naming
     * the record, and one beat. */
    vt_record r;
    vt_strpool *pool = phone_steps(&r);
    vt_store *s;
    assert_int_equal(vt_store_open(":memory:", NULL, &s, NULL), VT_OK);
    assert_int_equal(vt_store_begin(s, NULL), VT_OK);
    vt_insert_stats stats = {0, 0};
    for (int i = 0; i < N; i++) {
        char name[16];
        const int len = snprintf(name, sizeof name, "%d", i);
        const vt_metadata_entry meta = {"record", 6, name, (size_t)len};
        const vt_beat beat = {(int64_t)i * 1000, 60.0};
        r.start.utc = 1700000000 + (int64_t)sample[i] * 60;
        r.end.utc = r.start.utc + 30;
        r.flags = VT_RECORD_NUMERIC;
        r.value = sample[i];
        r.metadata = children[i] ? &meta : NULL;
        r.metadata_count = children[i] ? 1 : 0;
        r.beats = children[i] ? &beat : NULL;
        r.beat_count = children[i] ? 1 : 0;
        assert_int_equal(vt_store_insert(s, &r, pool, &stats, NULL), VT_OK);
    }
    assert_int_equal(vt_store_commit(s, NULL), VT_OK);
    assert_int_equal(stats.inserted + stats.duplicates, N);
    assert_int_equal(stats.inserted, next - 1);
    for (int j = 0; j < N; j++) {
        if (!expected_id[j]) {
            continue;
        }
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT id FROM records WHERE start_utc = %lld",
                 (long long)(1700000000 + (int64_t)j * 60));
        assert_int_equal(scalar(s, sql), expected_id[j]);
        /* The stored copy's children are its own, under its id. */
        const int w = winner[j];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM record_metadata WHERE record_id = %lld",
                 (long long)expected_id[j]);
        assert_int_equal(scalar(s, sql), children[w]);
        if (children[w]) {
            snprintf(sql, sizeof sql, "SELECT value FROM record_metadata WHERE record_id = %lld",
                     (long long)expected_id[j]);
            assert_int_equal(scalar(s, sql), w);
            snprintf(sql, sizeof sql, "SELECT time_ms FROM record_beats WHERE record_id = %lld",
                     (long long)expected_id[j]);
            assert_int_equal(scalar(s, sql), (int64_t)w * 1000);
        }
    }
    assert_int_equal(scalar(s, "SELECT count(*) FROM record_metadata"),
                     scalar(s, "SELECT count(*) FROM record_beats"));
    vt_store_close(s);
    vt_strpool_free(pool);
}

/* A record inserted outside vt_store_begin (in no transaction, or in one begun by the caller's
 * own SQL) is in day_samples too once committed, and rolled back with it. */
static void day_samples_follow_inserts_outside_begin(void **state)
{
    (void)state;
    vt_record r;
    vt_strpool *pool = phone_steps(&r);
    r.flags = VT_RECORD_NUMERIC;
    vt_store *s;
    assert_int_equal(vt_store_open(":memory:", NULL, &s, NULL), VT_OK);
    const char *const counts = "SELECT (SELECT count(*) FROM records) * 1000 + "
                               "(SELECT coalesce(sum(count), 0) FROM day_samples)";
    r.start.utc = r.end.utc = 1700000000;
    r.value = 1;
    assert_int_equal(vt_store_insert(s, &r, pool, NULL, NULL), VT_OK);
    assert_int_equal(scalar(s, counts), 1001);
    assert_int_equal(vt_store_query(s, "BEGIN", NULL, NULL, NULL), VT_OK);
    r.start.utc = r.end.utc = 1700000060;
    assert_int_equal(vt_store_insert(s, &r, pool, NULL, NULL), VT_OK);
    assert_int_equal(vt_store_query(s, "ROLLBACK", NULL, NULL, NULL), VT_OK);
    assert_int_equal(scalar(s, counts), 1001);
    assert_int_equal(vt_store_query(s, "BEGIN", NULL, NULL, NULL), VT_OK);
    assert_int_equal(vt_store_insert(s, &r, pool, NULL, NULL), VT_OK);
    assert_int_equal(vt_store_query(s, "COMMIT", NULL, NULL, NULL), VT_OK);
    assert_int_equal(scalar(s, counts), 2002);
    vt_store_close(s);
    vt_strpool_free(pool);
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

/* ---- vt_store_info ---------------------------------------------------------------------- */

typedef struct seen {
    char lines[8][160];
    int count;
    int stop_after; /* 0: never */
} seen;

static int note_type(void *ctx, const vt_store_type_info *t)
{
    seen *s = ctx;
    char first[VT_DAY_BUFSZ], last[VT_DAY_BUFSZ];
    vt_day_format(t->first_day, first);
    vt_day_format(t->last_day, last);
    assert_true(s->count < 8);
    snprintf(s->lines[s->count++], sizeof s->lines[0], "%s %s %llu %s %s", t->metric, t->identifier,
             (unsigned long long)t->records, first, last);
    return s->stop_after && s->count >= s->stop_after;
}

/* Adds `n` numeric records of `type` from `source` at noon UTC of `day` (so that day is their
 * local day), values 1..n. */
static void add_records(vt_table *t, const char *type, const char *source, int32_t day, int n)
{
    vt_strpool *p = vt_table_strings(t);
    for (int i = 0; i < n; i++) {
        vt_record r;
        memset(&r, 0, sizeof r);
        assert_int_equal(vt_strpool_intern(p, type, strlen(type), &r.type, NULL), VT_OK);
        assert_int_equal(vt_strpool_intern(p, source, strlen(source), &r.source, NULL), VT_OK);
        r.start.utc = (int64_t)day * 86400 + 12 * 3600 + i * 60;
        r.end = r.start;
        r.flags = VT_RECORD_NUMERIC;
        r.value = i + 1;
        assert_int_equal(vt_table_append(t, &r, NULL), VT_OK);
    }
}

/* Records made by hand, so the expected counts and days are known by construction. */
static void info_of_records_made_by_hand(void **state)
{
    (void)state;
    vt_store *s;
    assert_int_equal(vt_store_open(":memory:", NULL, &s, NULL), VT_OK);
    /* An empty store: no type, no record, no days. */
    seen none = {0};
    vt_store_summary sum;
    memset(&sum, 0xff, sizeof sum);
    assert_int_equal(vt_store_info(s, note_type, &none, &sum, NULL), VT_OK);
    assert_int_equal(none.count, 0);
    assert_int_equal(sum.records, 0);
    assert_int_equal(sum.types, 0);
    assert_int_equal(sum.has_days, 0);

    const int32_t d0 = vt_days_from_civil(2021, 2, 27);
    vt_table *t;
    assert_int_equal(vt_table_new(&t, NULL), VT_OK);
    for (int d = 0; d < 5; d++) { /* 2021-02-27 .. 2021-03-03: 3 a day, 15 in all */
        add_records(t, "HKQuantityTypeIdentifierHeartRate", "Watch", d0 + d, 3);
    }
    add_records(t, "HKQuantityTypeIdentifierStepCount", "iPhone", d0 + 2, 1); /* 2021-03-01 */
    add_records(t, "HKQuantityTypeIdentifierBodyMass", "Scale", d0 - 400, 2); /* 2020-01-24 */
    assert_int_equal(vt_store_bulk_insert(s, t, NULL, NULL), VT_OK);
    seen all = {0};
    assert_int_equal(vt_store_info(s, note_type, &all, &sum, NULL), VT_OK);
    /* By metric name: body_mass, heart_rate, steps. */
    assert_int_equal(all.count, 3);
    assert_string_equal(all.lines[0],
                        "body_mass HKQuantityTypeIdentifierBodyMass 2 2020-01-24 2020-01-24");
    assert_string_equal(all.lines[1],
                        "heart_rate HKQuantityTypeIdentifierHeartRate 15 2021-02-27 2021-03-03");
    assert_string_equal(all.lines[2],
                        "steps HKQuantityTypeIdentifierStepCount 1 2021-03-01 2021-03-01");
    assert_int_equal(sum.records, 18);
    assert_int_equal(sum.types, 3);
    assert_int_equal(sum.has_days, 1);
    assert_int_equal(sum.first_day, d0 - 400);
    assert_int_equal(sum.last_day, d0 + 4);
    /* The callback stops the listing early; no callback and no summary are allowed. */
    seen first = {.stop_after = 1};
    assert_int_equal(vt_store_info(s, note_type, &first, NULL, NULL), VT_OK);
    assert_int_equal(first.count, 1);
    assert_int_equal(vt_store_info(s, NULL, NULL, NULL, NULL), VT_OK);
    vt_table_free(t);
    vt_store_close(s);
}

/* A real sample, against counts and days taken from its XML with grep (the startDate of each
 * <Record>, local as written): 10 StepCount on 2014-09-13, 5 DistanceWalkingRunning on
 * 2014-09-20; tdda-applehealthdata/export6s3sample.xml.expected gives the same counts. */
static void info_of_an_imported_sample(void **state)
{
    (void)state;
    vt_store *s;
    assert_int_equal(vt_store_open(":memory:", NULL, &s, NULL), VT_OK);
    char path[1024];
    snprintf(path, sizeof path, "%s/apple-health/tdda-applehealthdata/export6s3sample.xml",
             VITALS_FIXTURES);
    vt_error err;
    if (vt_import(s, path, NULL, NULL, &err) != VT_OK) {
        fail_msg("import: %s", err.msg);
    }
    seen all = {0};
    vt_store_summary sum;
    assert_int_equal(vt_store_info(s, note_type, &all, &sum, NULL), VT_OK);
    assert_int_equal(all.count, 2);
    assert_string_equal(
        all.lines[0],
        "distance HKQuantityTypeIdentifierDistanceWalkingRunning 5 2014-09-20 2014-09-20");
    assert_string_equal(all.lines[1],
                        "steps HKQuantityTypeIdentifierStepCount 10 2014-09-13 2014-09-13");
    assert_int_equal(sum.records, 15);
    assert_int_equal(sum.types, 2);
    char day[VT_DAY_BUFSZ];
    vt_day_format(sum.first_day, day);
    assert_string_equal(day, "2014-09-13");
    vt_day_format(sum.last_day, day);
    assert_string_equal(day, "2014-09-20");
    vt_store_close(s);
}

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fail_msg("%s: %s", sql, msg ? msg : "?");
    }
}

/* A direct first import has the kernel start writing its pages to the disk as it goes
 * (store_vfs.c, flush-behind): with write-behind on, every 16 MiB written to the file is
 * followed by a request to start the writeback. 2,560 rows of 16,000 bytes in one transaction
 * (41 MB; the page cache holds 2 MiB, so SQLite spills nearly all of it to the file before the
 * commit) make at least two requests, whether the helper thread or the caller writes the pages;
 * the rows then read back whole. Fails when the VFS cannot find SQLite's descriptor of the
 * file. */
static void pages_written_directly_are_flushed_behind(void **state)
{
    (void)state;
    for (int mode = VT__WB_BEHIND; mode <= VT__WB_INLINE; mode++) {
        char path[] = "/tmp/vitals-test-flush-XXXXXX";
        const int fd = mkstemp(path);
        assert_true(fd >= 0);
        close(fd);
        sqlite3 *db;
        assert_int_equal(
            sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vt__store_vfs()),
            SQLITE_OK);
        exec_ok(db, "PRAGMA page_size = 16384; PRAGMA journal_mode = DELETE;"
                    " PRAGMA cache_size = -2048; CREATE TABLE t(x BLOB); BEGIN IMMEDIATE");
        int flushes = -1;
        assert_int_equal(sqlite3_file_control(db, "main", VT__FCNTL_WB_FLUSHES, &flushes),
                         SQLITE_NOTFOUND);
        assert_int_equal(sqlite3_file_control(db, "main", VT__FCNTL_WRITE_BEHIND, &mode),
                         SQLITE_OK);
        exec_ok(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                    " WHERE i < 2560) INSERT INTO t SELECT randomblob(16000) FROM n");
        assert_int_equal(sqlite3_file_control(db, "main", VT__FCNTL_WB_FLUSHES, &flushes),
                         SQLITE_OK);
        assert_true(flushes >= 2);
        exec_ok(db, "COMMIT");
        int off = VT__WB_OFF;
        assert_int_equal(sqlite3_file_control(db, "main", VT__FCNTL_WRITE_BEHIND, &off), SQLITE_OK);
        sqlite3_stmt *q;
        assert_int_equal(
            sqlite3_prepare_v2(db, "SELECT count(*), sum(length(x)) FROM t", -1, &q, NULL),
            SQLITE_OK);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(q, 0), 2560);
        assert_int_equal(sqlite3_column_int64(q, 1), 2560 * 16000);
        sqlite3_finalize(q);
        sqlite3_close(db);
        remove(path);
    }
}

/* The write-behind queue keeps SQLite's order (store_vfs.c): a page queued for the helper,
 * then the writer switched to writing its pages itself (VT__WB_INLINE, as pace_batch does),
 * then the same page written again: the file holds the second write, on the disk and through
 * the VFS. (Written at once, ahead of the queued one, it would be overwritten by the first
 * when the helper drains the queue.) Driven through the VFS's methods, so the order of the
 * calls is fixed: the helper wakes only for 32 pages or a drain. */
static void a_page_written_again_after_the_switch_keeps_the_last_write(void **state)
{
    (void)state;
    sqlite3_vfs *vfs = sqlite3_vfs_find(vt__store_vfs());
    assert_non_null(vfs);
    char path[] = "/tmp/vitals-test-order-XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    sqlite3_file *f = calloc(1, (size_t)vfs->szOsFile);
    assert_non_null(f);
    int out = 0;
    assert_int_equal(vfs->xOpen(vfs, path, f,
                                SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                &out),
                     SQLITE_OK);
    static char first[4096], second[4096], got[4096];
    memset(first, 'a', sizeof first);
    memset(second, 'b', sizeof second);
    int mode = VT__WB_BEHIND;
    assert_int_equal(f->pMethods->xFileControl(f, VT__FCNTL_WRITE_BEHIND, &mode), SQLITE_OK);
    assert_int_equal(f->pMethods->xWrite(f, first, sizeof first, 0), SQLITE_OK);
    mode = VT__WB_INLINE;
    assert_int_equal(f->pMethods->xFileControl(f, VT__FCNTL_WRITE_BEHIND, &mode), SQLITE_OK);
    assert_int_equal(f->pMethods->xWrite(f, second, sizeof second, 0), SQLITE_OK);
    assert_int_equal(f->pMethods->xSync(f, SQLITE_SYNC_NORMAL), SQLITE_OK);
    assert_int_equal(f->pMethods->xRead(f, got, sizeof got, 0), SQLITE_OK);
    assert_memory_equal(got, second, sizeof got);
    mode = VT__WB_OFF;
    assert_int_equal(f->pMethods->xFileControl(f, VT__FCNTL_WRITE_BEHIND, &mode), SQLITE_OK);
    assert_int_equal(f->pMethods->xClose(f), SQLITE_OK);
    free(f);
    FILE *disk = fopen(path, "rb");
    assert_non_null(disk);
    assert_int_equal(fread(got, 1, sizeof got, disk), sizeof got);
    fclose(disk);
    assert_memory_equal(got, second, sizeof got);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_in_chunks),
        cmocka_unit_test(reinserting_adds_no_duplicates),
        cmocka_unit_test(failed_bulk_insert_leaves_nothing),
        cmocka_unit_test(row_ids_follow_the_one_by_one_order),
        cmocka_unit_test(day_samples_follow_inserts_outside_begin),
        cmocka_unit_test(schema_version_and_foreign_files),
        cmocka_unit_test(query_reports_sql_errors),
        cmocka_unit_test(info_of_records_made_by_hand),
        cmocka_unit_test(info_of_an_imported_sample),
        cmocka_unit_test(pages_written_directly_are_flushed_behind),
        cmocka_unit_test(a_page_written_again_after_the_switch_keeps_the_last_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
