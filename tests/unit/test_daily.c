/* SPDX-License-Identifier: MIT */
/* Tests of daily metrics against hand-made answers, a brute-force reference and SQLite. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <unistd.h>

#include "vitals/vitals.h"

/* Rows collected from the calculator. */
typedef struct rows {
    vt_daily_row *r;
    char (*metric)[64];
    size_t n, cap;
} rows;

static vt_status collect(void *ctx, const vt_daily_row *row, vt_error *err)
{
    (void)err;
    rows *rs = ctx;
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 64;
        rs->r = realloc(rs->r, rs->cap * sizeof *rs->r);
        rs->metric = realloc(rs->metric, rs->cap * sizeof *rs->metric);
        for (size_t i = 0; i < rs->n; i++) {
            rs->r[i].metric = rs->metric[i]; /* the names moved with the array */
        }
    }
    rs->r[rs->n] = *row;
    snprintf(rs->metric[rs->n], sizeof rs->metric[0], "%s", row->metric);
    rs->r[rs->n].metric = rs->metric[rs->n];
    rs->r[rs->n].identifier = NULL;
    rs->r[rs->n].unit = NULL;
    rs->n++;
    return VT_OK;
}

static void rows_free(rows *rs)
{
    free(rs->r);
    free(rs->metric);
    memset(rs, 0, sizeof *rs);
}

static uint32_t intern(vt_table *t, const char *s)
{
    uint32_t id;
    assert_int_equal(vt_strpool_intern(vt_table_strings(t), s, strlen(s), &id, NULL), VT_OK);
    return id;
}

/* Appends a sample starting at `start` local seconds of 2024-03-10 (offset +0000). */
static void add(vt_table *t, const char *type, const char *source, int64_t start, int64_t end,
                double value)
{
    vt_record r;
    memset(&r, 0, sizeof r);
    r.type = intern(t, type);
    r.source = intern(t, source);
    r.unit = intern(t, "count");
    const int64_t base = (int64_t)vt_days_from_civil(2024, 3, 10) * 86400;
    r.start.utc = base + start;
    r.end.utc = base + end;
    r.value = value;
    r.flags = VT_RECORD_NUMERIC;
    assert_int_equal(vt_table_append(t, &r, NULL), VT_OK);
}

#define STEPS "HKQuantityTypeIdentifierStepCount"
#define HR "HKQuantityTypeIdentifierHeartRate"

static void hand_made_overlap_is_counted_once(void **state)
{
    (void)state;
    vt_table *t;
    assert_int_equal(vt_table_new(&t, NULL), VT_OK);
    /* iPhone: 1000 steps over [0, 1000); Watch: 600 steps over [500, 1100).
     * The Watch wins its whole interval; the iPhone keeps [0, 500): half of 1000 = 500.
     * Total 1100, raw sum 1600. */
    add(t, STEPS, "Bob's iPhone", 36000, 37000, 1000);
    add(t, STEPS, "Bob's Apple Watch", 36500, 37100, 600);
    /* A third source not in the priority list, fully inside the Watch interval: adds 0. */
    add(t, STEPS, "Pedometer App", 36600, 36700, 77);
    /* A zero-length iPhone sample at a moment nobody covers counts whole. */
    add(t, STEPS, "Bob's iPhone", 40000, 40000, 5);
    rows rs = {0};
    assert_int_equal(vt_daily_compute_table(t, NULL, collect, &rs, NULL), VT_OK);
    assert_int_equal(rs.n, 1);
    assert_string_equal(rs.r[0].metric, "steps");
    assert_int_equal(rs.r[0].count, 4);
    assert_true(rs.r[0].sum == 1682);
    assert_true(rs.r[0].has_total);
    assert_true(fabs(rs.r[0].total - 1105) < 1e-9);
    rows_free(&rs);

    /* The other priority order: iPhone first. The Watch keeps [1000, 1100) = 100 of 600. */
    const char *order[] = {"iPhone", "Watch"};
    vt_daily_options o;
    memset(&o, 0, sizeof o);
    o.source_priority = order;
    o.source_priority_count = 2;
    assert_int_equal(vt_daily_compute_table(t, &o, collect, &rs, NULL), VT_OK);
    assert_true(fabs(rs.r[0].total - (1000 + 100 + 5)) < 1e-9);
    rows_free(&rs);
    vt_table_free(t);
}

static void hand_made_statistics(void **state)
{
    (void)state;
    vt_table *t;
    assert_int_equal(vt_table_new(&t, NULL), VT_OK);
    /* Values 60, 70, 80, 90, 100, 110: mean 85, sample stddev sqrt(350) (Python:
     * statistics.stdev([60,70,80,90,100,110]) = 18.708286933869708), median 85,
     * numpy.percentile(..., [25, 75, 95]) = 72.5, 97.5, 107.5. */
    const double v[] = {90, 60, 110, 70, 100, 80};
    for (int i = 0; i < 6; i++) {
        add(t, HR, "Watch", 3600 * (i + 1), 3600 * (i + 1), v[i]);
    }
    /* One on the next day, by local time: 23:30 at -0700 is the next UTC day. */
    vt_record r;
    memset(&r, 0, sizeof r);
    r.type = intern(t, HR);
    r.source = intern(t, "Watch");
    vt_time tm;
    assert_int_equal(vt_time_parse("2024-03-10 23:30:00 -0700", 25, &tm, NULL), VT_OK);
    r.start = r.end = tm;
    r.value = 1000;
    r.flags = VT_RECORD_NUMERIC;
    assert_int_equal(vt_table_append(t, &r, NULL), VT_OK);
    rows rs = {0};
    assert_int_equal(vt_daily_compute_table(t, NULL, collect, &rs, NULL), VT_OK);
    assert_int_equal(rs.n, 1);
    const vt_daily_row *x = &rs.r[0];
    assert_int_equal(x->count, 7);
    rows_free(&rs);
    /* Restrict to the first day by a day range excluding nothing: all seven fall on 03-10. */
    vt_table_clear(t);
    for (int i = 0; i < 6; i++) {
        add(t, HR, "Watch", 3600 * (i + 1), 3600 * (i + 1), v[i]);
    }
    assert_int_equal(vt_daily_compute_table(t, NULL, collect, &rs, NULL), VT_OK);
    x = &rs.r[0];
    assert_int_equal(x->count, 6);
    assert_true(fabs(x->mean - 85) < 1e-12);
    assert_true(fabs(x->stddev - 18.708286933869708) < 1e-12);
    assert_true(x->median == 85 && x->min == 60 && x->max == 110 && x->sum == 510);
    assert_true(fabs(x->p25 - 72.5) < 1e-12 && fabs(x->p75 - 97.5) < 1e-12);
    assert_true(fabs(x->p95 - 107.5) < 1e-12);
    assert_false(x->has_total);
    char day[VT_DAY_BUFSZ];
    vt_day_format(x->day, day);
    assert_string_equal(day, "2024-03-10");
    rows_free(&rs);
    vt_table_free(t);
}

/* ---- Brute-force reference over generated data ---- */

static int cmp_d(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double ref_percentile(const double *s, size_t n, double p)
{
    /* Definition 7 of Hyndman and Fan, written from the formula h = (n - 1) p + 1. */
    const double h = (double)(n - 1) * p + 1;
    const double fl = floor(h);
    const size_t k = (size_t)fl;
    if (k >= n) {
        return s[n - 1];
    }
    return s[k - 1] + (h - fl) * (s[k] - s[k - 1]);
}

static int rank_of(const char *source)
{
    return strstr(source, "Watch") ? 0 : strstr(source, "iPhone") ? 1 : 2;
}

/* Checks every row against values recomputed from the table by brute force. */
static void check_against_reference(const vt_table *t, const rows *rs)
{
    const vt_strpool *p = vt_table_strings_const(t);
    const size_t n = vt_table_count(t);
    vt_columns c;
    vt_table_slice(t, 0, n, &c);
    size_t total_samples = 0;
    for (size_t k = 0; k < rs->n; k++) {
        const vt_daily_row *row = &rs->r[k];
        double *vals = malloc(n * sizeof *vals);
        size_t m = 0;
        char name[128];
        int category = 0;
        for (size_t i = 0; i < n; i++) {
            const char *ident = vt_strpool_get(p, c.type[i], NULL);
            vt_metric_name(ident, name, sizeof name);
            if (c.day[i] != row->day || strcmp(name, row->metric) != 0) {
                continue;
            }
            category = strstr(ident, "Category") != NULL;
            vals[m++] = category ? (double)(c.end[i] - c.start[i]) / 60.0 : c.value[i];
        }
        assert_int_equal(m, row->count);
        total_samples += m;
        qsort(vals, m, sizeof *vals, cmp_d);
        double sum = 0;
        for (size_t i = 0; i < m; i++) {
            sum += vals[i];
        }
        const double mean = sum / (double)m;
        double ss = 0;
        for (size_t i = 0; i < m; i++) {
            ss += (vals[i] - mean) * (vals[i] - mean);
        }
        const double sd = m > 1 ? sqrt(ss / (double)(m - 1)) : 0;
        const double tol = 1e-9 * (fabs(sum) + 1);
        assert_true(fabs(row->sum - sum) <= tol);
        assert_true(fabs(row->mean - mean) <= tol);
        assert_true(fabs(row->stddev - sd) <= 1e-7 * (sd + 1));
        assert_true(row->min == vals[0] && row->max == vals[m - 1]);
        assert_true(fabs(row->median - ref_percentile(vals, m, 0.5)) <= tol);
        assert_true(fabs(row->p25 - ref_percentile(vals, m, 0.25)) <= tol);
        assert_true(fabs(row->p75 - ref_percentile(vals, m, 0.75)) <= tol);
        assert_true(fabs(row->p95 - ref_percentile(vals, m, 0.95)) <= tol);
        free(vals);
        if (!row->has_total) {
            continue;
        }
        /* De-duplicated total by brute force, one second at a time. */
        double total = 0;
        for (size_t i = 0; i < n; i++) {
            const char *ident = vt_strpool_get(p, c.type[i], NULL);
            vt_metric_name(ident, name, sizeof name);
            if (c.day[i] != row->day || strcmp(name, row->metric) != 0) {
                continue;
            }
            const int ri = rank_of(vt_strpool_get(p, c.source[i], NULL));
            const int64_t len = c.end[i] - c.start[i];
            int64_t free_secs = 0;
            for (int64_t s = c.start[i]; s < c.end[i] || (len == 0 && s == c.start[i]); s++) {
                int covered = 0;
                for (size_t j = 0; j < n && !covered; j++) {
                    if (c.type[j] != c.type[i] || c.day[j] != row->day) {
                        continue;
                    }
                    const int rj = rank_of(vt_strpool_get(p, c.source[j], NULL));
                    covered = rj < ri && s >= c.start[j] && s < c.end[j];
                }
                free_secs += !covered;
                if (len == 0) {
                    break;
                }
            }
            total += len ? c.value[i] * (double)free_secs / (double)len : c.value[i] * (double)free_secs;
        }
        assert_true(fabs(row->total - total) <= 1e-6 * (total + 1));
        assert_true(row->total <= row->sum * (1 + 1e-12));
        if (strcmp(row->metric, "steps") == 0) {
            assert_true(row->total < row->sum); /* overlapping iPhone and Watch steps */
        }
    }
    /* Every sample with a value is in exactly one row. */
    size_t valued = 0;
    for (size_t i = 0; i < n; i++) {
        valued += (c.flags[i] & (VT_RECORD_NUMERIC | VT_RECORD_CATEGORY)) != 0;
    }
    assert_int_equal(total_samples, valued);
}

static void generated_data_matches_brute_force(void **state)
{
    (void)state;
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 12;
    o.per_day = 60;
    o.seed = 7;
    vt_table *t;
    assert_int_equal(vt_table_new(&t, NULL), VT_OK);
    assert_int_equal(vt_gen_table(&o, t, NULL), VT_OK);
    rows rs = {0};
    assert_int_equal(vt_daily_compute_table(t, NULL, collect, &rs, NULL), VT_OK);
    assert_true(rs.n >= 12 * 7); /* seven daily metrics, plus weekly ones */
    /* Rows come ordered by metric name, then day. */
    for (size_t k = 1; k < rs.n; k++) {
        const int c = strcmp(rs.r[k - 1].metric, rs.r[k].metric);
        assert_true(c < 0 || (c == 0 && rs.r[k - 1].day < rs.r[k].day));
    }
    check_against_reference(t, &rs);
    rows_free(&rs);
    vt_table_free(t);
}

/* Every field of two rows, numbers compared exactly (strings are not kept by collect). */
static int same_row(const vt_daily_row *x, const vt_daily_row *y)
{
    return strcmp(x->metric, y->metric) == 0 && x->day == y->day && x->count == y->count &&
           x->sum == y->sum && x->mean == y->mean && x->min == y->min && x->max == y->max &&
           x->stddev == y->stddev && x->median == y->median && x->p25 == y->p25 &&
           x->p75 == y->p75 && x->p95 == y->p95 && x->has_total == y->has_total &&
           (!x->has_total || x->total == y->total);
}

static void store_and_table_agree(void **state)
{
    (void)state;
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 40;
    o.per_day = 80;
    vt_table *t;
    assert_int_equal(vt_table_new(&t, NULL), VT_OK);
    assert_int_equal(vt_gen_table(&o, t, NULL), VT_OK);
    vt_store *s;
    assert_int_equal(vt_store_open(":memory:", NULL, &s, NULL), VT_OK);
    assert_int_equal(vt_store_bulk_insert(s, t, NULL, NULL), VT_OK);
    rows a = {0}, b = {0};
    vt_daily_options opt;
    memset(&opt, 0, sizeof opt);
    opt.has_from = opt.has_to = 1;
    opt.from_day = o.start_day + 5;
    opt.to_day = o.start_day + 30;
    assert_int_equal(vt_daily_compute_table(t, &opt, collect, &a, NULL), VT_OK);
    assert_int_equal(vt_daily_compute_store(s, &opt, collect, &b, NULL), VT_OK);
    assert_int_equal(a.n, b.n);
    for (size_t k = 0; k < a.n; k++) {
        assert_string_equal(a.r[k].metric, b.r[k].metric);
        assert_int_equal(a.r[k].day, b.r[k].day);
        assert_true(a.r[k].day >= opt.from_day && a.r[k].day <= opt.to_day);
        /* The same samples in the same order: the same numbers, to the last bit. */
        assert_true(same_row(&a.r[k], &b.r[k]));
    }
    rows_free(&a);
    rows_free(&b);
    /* A string id no vitals writes (a hand edit): a clean error, not a huge allocation. */
    assert_int_equal(
        vt_store_query(s, "UPDATE sources SET id = 2000000000 WHERE id = 1", NULL, NULL, NULL),
        VT_OK);
    vt_error err;
    assert_int_equal(vt_daily_compute_store(s, NULL, collect, &b, &err), VT_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "out of range"));
    rows_free(&b);
    assert_int_equal(
        vt_store_query(s, "UPDATE sources SET id = 1 WHERE id = 2000000000", NULL, NULL, NULL),
        VT_OK);
    /* One metric by short name. */
    opt.metric = "steps";
    assert_int_equal(vt_daily_compute_store(s, &opt, collect, &b, NULL), VT_OK);
    assert_int_equal(b.n, 26);
    for (size_t k = 0; k < b.n; k++) {
        assert_string_equal(b.r[k].metric, "steps");
    }
    rows_free(&b);
    vt_store_close(s);
    vt_table_free(t);
}

static void all_rows(const char *path, int read_only, rows *out)
{
    vt_store *s;
    const vt_store_options o = {read_only, 5000, 0};
    vt_error err;
    if (vt_store_open(path, &o, &s, &err) != VT_OK) {
        fail_msg("%s", err.msg);
    }
    assert_int_equal(vt_daily_compute_store(s, NULL, collect, out, NULL), VT_OK);
    vt_store_close(s);
}

static int64_t scalar_of(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    const int64_t v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

/* A store of schema 1 (no day_samples) is read as it is when opened read-only, and migrated
 * when opened to write: the daily rows are the same, to the last bit, all three ways. */
static void schema_1_is_read_and_migrated(void **state)
{
    (void)state;
    char path[] = "/tmp/vitals-test-daily-XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 60;
    vt_store *s;
    assert_int_equal(vt_store_open(path, NULL, &s, NULL), VT_OK);
    assert_int_equal(vt_gen_store(&o, s, NULL, NULL), VT_OK);
    vt_store_close(s);
    const int64_t records = scalar_of(path, "SELECT count(*) FROM records");
    assert_true(records > 0);
    assert_int_equal(scalar_of(path, "SELECT sum(count) FROM day_samples"), records);
    rows written = {0}, v1 = {0}, migrated = {0};
    all_rows(path, 0, &written);
    /* Back to schema 1. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "DROP TABLE day_samples; PRAGMA user_version = 1", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    all_rows(path, 1, &v1);
    assert_int_equal(scalar_of(path, "PRAGMA user_version"), 1);
    all_rows(path, 0, &migrated);
    assert_int_equal(scalar_of(path, "PRAGMA user_version"), VT_STORE_SCHEMA_VERSION);
    assert_int_equal(scalar_of(path, "SELECT sum(count) FROM day_samples"), records);
    assert_true(written.n > 0);
    assert_int_equal(v1.n, written.n);
    assert_int_equal(migrated.n, written.n);
    for (size_t k = 0; k < written.n; k++) {
        assert_true(same_row(&written.r[k], &v1.r[k]));
        assert_true(same_row(&written.r[k], &migrated.r[k]));
    }
    rows_free(&written);
    rows_free(&v1);
    rows_free(&migrated);
    char side[64];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

typedef struct sql_day {
    char date[16];
    double avg, sum;
    long count;
} sql_day;

typedef struct sql_rows {
    sql_day d[512];
    size_t n;
} sql_rows;

static int sql_row(void *ctx, int ncols, const char *const *v, const char *const *names)
{
    (void)names;
    sql_rows *s = ctx;
    assert_int_equal(ncols, 4);
    sql_day *d = &s->d[s->n++];
    snprintf(d->date, sizeof d->date, "%s", v[0]);
    d->avg = strtod(v[1], NULL);
    d->sum = strtod(v[2], NULL);
    d->count = strtol(v[3], NULL, 10);
    return 0;
}

static void seed_query_equals_daily_mean_of_steps(void **state)
{
    (void)state;
    vt_gen_options o;
    vt_gen_options_default(&o);
    o.days = 365;
    vt_store *s;
    assert_int_equal(vt_store_open(":memory:", NULL, &s, NULL), VT_OK);
    assert_int_equal(vt_gen_store(&o, s, NULL, NULL), VT_OK);
    sql_rows *q = calloc(1, sizeof *q);
    /* The seed's query, as written, plus SQLite's own sum and count for the same days. */
    assert_int_equal(vt_store_query(s,
                                    "SELECT date, AVG(value) AS avg_value, SUM(value), COUNT(*) "
                                    "FROM health_metrics WHERE metric = 'steps' GROUP BY date "
                                    "ORDER BY date DESC LIMIT 365",
                                    sql_row, q, NULL),
                     VT_OK);
    assert_int_equal(q->n, 365);
    vt_daily_options opt;
    memset(&opt, 0, sizeof opt);
    opt.metric = "steps";
    rows rs = {0};
    assert_int_equal(vt_daily_compute_store(s, &opt, collect, &rs, NULL), VT_OK);
    assert_int_equal(rs.n, 365);
    for (size_t k = 0; k < rs.n; k++) {
        const sql_day *d = &q->d[q->n - 1 - k]; /* the query is newest first */
        char day[VT_DAY_BUFSZ];
        vt_day_format(rs.r[k].day, day);
        assert_string_equal(day, d->date);
        assert_int_equal(rs.r[k].count, d->count);
        assert_true(fabs(rs.r[k].mean - d->avg) <= 1e-9 * d->avg);
        assert_true(fabs(rs.r[k].sum - d->sum) <= 1e-9 * d->sum);
    }
    rows_free(&rs);
    free(q);
    vt_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_made_overlap_is_counted_once),
        cmocka_unit_test(hand_made_statistics),
        cmocka_unit_test(generated_data_matches_brute_force),
        cmocka_unit_test(store_and_table_agree),
        cmocka_unit_test(schema_1_is_read_and_migrated),
        cmocka_unit_test(seed_query_equals_daily_mean_of_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
