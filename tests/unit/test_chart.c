/* SPDX-License-Identifier: MIT */
/* Tests of vitals chart: the plotted points against `vitals daily --format csv` (recomputed
 * here from the CSV), the empty, single-day and missing-metric pages, and its errors. */
#define _DEFAULT_SOURCE /* timegm, gmtime_r: calendar arithmetic independent of vitals' own */
#include <glob.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vitals/vitals.h"

#define T        VITALS_TMP_PREFIX "test-chart-"
#define OUT      T "out"
#define ERR      T "err"
#define CSV      T "daily.csv"
#define PAGE     T "page.html"
#define SVGDIR   T "svg"
#define DB_YEAR  T "year.db" /* 400 days: weekly points */
#define DB_TEN   T "ten.db"  /* 10 years: monthly points */
#define DB_DAY   T "day.db"  /* one day, no sleep */
#define DB_EMPTY T "empty.db"
#define DB_REAL  T "real.db"

static char out_buf[1 << 16], err_buf[1 << 16];

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    const size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f) {
        fclose(f);
    }
}

/* A whole file, allocated; NULL when it cannot be read. */
static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
            }
            buf = bigger;
        }
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
    }
    return buf;
}

/* Runs `vitals ARGS` (printf-style), capturing stdout and stderr; returns the exit code. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s >%s 2>%s </dev/null", VITALS_CLI, args, OUT, ERR);
    const int status = system(cmd);
    slurp(OUT, out_buf, sizeof out_buf);
    slurp(ERR, err_buf, sizeof err_buf);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Runs `vitals ARGS`, checks its exit code and returns the page it wrote to PAGE. */
static char *run_page(int want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *run_page(int want, const char *fmt, ...)
{
    char args[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    const int rc = run("%s", args);
    if (rc != want) {
        fprintf(stderr, "vitals %s exited %d: %s", args, rc, err_buf);
    }
    assert_int_equal(rc, want);
    char *page = read_all(PAGE);
    assert_non_null(page);
    return page;
}

static size_t lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        n += *s == '\n';
    }
    return n;
}

static size_t count_of(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle)) {
        n++;
    }
    return n;
}

/* ---- Calendar arithmetic through the C library, not through vitals ---- */

static struct tm tm_of(const char *date)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    assert_int_equal(sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday), 3);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return tm;
}

static long days_of(const char *date)
{
    struct tm tm = tm_of(date);
    return (long)(timegm(&tm) / 86400);
}

static int weekday_of(const char *date) /* 0 Sunday .. 6 Saturday */
{
    struct tm tm = tm_of(date);
    const time_t t = timegm(&tm);
    struct tm out;
    gmtime_r(&t, &out);
    return out.tm_wday;
}

static void date_of(long days, char *buf)
{
    const time_t t = (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 11, "%Y-%m-%d", &tm);
}

/* ---- vitals daily's values, from its CSV ---- */

typedef struct day_value {
    char date[11];
    double value;
} day_value;

typedef struct daily {
    day_value *rows;
    size_t count;
} daily;

/* What the chart plots for a day of a metric, by the rule docs/cli.md states. */
static double plotted(const char *metric, double sum, double mean, const char *total)
{
    if (strcmp(metric, "steps") == 0 || strcmp(metric, "active_energy") == 0) {
        assert_true(total[0] != '\0');
        return strtod(total, NULL);
    }
    if (strcmp(metric, "sleep") == 0) {
        return sum / 60.0;
    }
    return mean;
}

/* `vitals daily --metric M --format csv EXTRA` parsed: date and plotted value per row. */
static daily daily_of(const char *db, const char *metric, const char *extra)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s daily --db %s --metric %s --format csv %s >%s 2>/dev/null",
             VITALS_CLI, db, metric, extra, CSV);
    const int status = system(cmd);
    (void)status; /* exit 1 when the metric has no rows: then the CSV is only its header */
    char *csv = read_all(CSV);
    assert_non_null(csv);
    daily d = {NULL, 0};
    d.rows = calloc(lines(csv) + 1, sizeof *d.rows);
    assert_non_null(d.rows);
    char *save = NULL;
    for (char *line = strtok_r(csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "date,", 5) == 0) {
            continue;
        }
        /* date,metric,count,sum,mean,min,max,stddev,median,p25,p75,p95,total,unit */
        char *field[14] = {0};
        size_t n = 0;
        for (char *p = line; n < 14; n++) {
            field[n] = p;
            char *comma = strchr(p, ',');
            if (!comma) {
                n++;
                break;
            }
            *comma = '\0';
            p = comma + 1;
        }
        assert_int_equal(n, 14);
        assert_string_equal(field[1], metric);
        day_value *r = &d.rows[d.count++];
        snprintf(r->date, sizeof r->date, "%s", field[0]);
        r->value = plotted(metric, strtod(field[3], NULL), strtod(field[4], NULL), field[12]);
    }
    free(csv);
    return d;
}

/* ---- The page's points ---- */

/* The value of attribute `name` in the tag starting at `tag`, copied into buf. */
static int attr(const char *tag, const char *name, char *buf, size_t size)
{
    const char *end = strchr(tag, '>');
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(tag, key);
    if (!p || (end && p > end)) {
        return -1;
    }
    p += strlen(key);
    const size_t len = strcspn(p, "\"");
    if (len >= size) {
        return -1;
    }
    memcpy(buf, p, len);
    buf[len] = '\0';
    return 0;
}

static double num_attr(const char *tag, const char *name)
{
    char buf[64];
    assert_int_equal(attr(tag, name, buf, sizeof buf), 0);
    char *end;
    const double v = strtod(buf, &end);
    assert_true(*end == '\0' && isfinite(v));
    return v;
}

typedef struct point {
    char from[11], to[11];
    long days;
    double cx, cy, mean, p25, p75, min, max;
} point;

typedef struct chart {
    char bucket[8], from[11], to[11];
    double left, right, top, bottom, y0, y1;
    point *pts;
    size_t count;
} chart;

/* The chart of `metric` in `page`; count 0 and bucket "" when the metric has no chart. */
static chart chart_of(const char *page, const char *metric)
{
    chart c;
    memset(&c, 0, sizeof c);
    char key[96];
    snprintf(key, sizeof key, "data-metric=\"%s\"", metric);
    const char *m = strstr(page, key);
    if (!m) {
        return c;
    }
    const char *svg = m;
    while (svg > page && strncmp(svg, "<svg", 4) != 0) {
        svg--;
    }
    if (attr(svg, "data-bucket", c.bucket, sizeof c.bucket) != 0) {
        return c; /* a "no data" image */
    }
    assert_int_equal(attr(svg, "data-from", c.from, sizeof c.from), 0);
    assert_int_equal(attr(svg, "data-to", c.to, sizeof c.to), 0);
    c.left = num_attr(svg, "data-left");
    c.right = num_attr(svg, "data-right");
    c.top = num_attr(svg, "data-top");
    c.bottom = num_attr(svg, "data-bottom");
    c.y0 = num_attr(svg, "data-y0");
    c.y1 = num_attr(svg, "data-y1");
    const char *end = strstr(svg, "</svg>");
    assert_non_null(end);
    size_t cap = 0;
    for (const char *p = strstr(svg, "<circle"); p && p < end; p = strstr(p + 1, "<circle")) {
        if (c.count == cap) {
            cap = cap ? cap * 2 : 64;
            c.pts = realloc(c.pts, cap * sizeof *c.pts);
            assert_non_null(c.pts);
        }
        point *pt = &c.pts[c.count++];
        assert_int_equal(attr(p, "data-from", pt->from, sizeof pt->from), 0);
        assert_int_equal(attr(p, "data-to", pt->to, sizeof pt->to), 0);
        pt->days = (long)num_attr(p, "data-days");
        pt->cx = num_attr(p, "cx");
        pt->cy = num_attr(p, "cy");
        pt->mean = num_attr(p, "data-mean");
        pt->p25 = num_attr(p, "data-p25");
        pt->p75 = num_attr(p, "data-p75");
        pt->min = num_attr(p, "data-min");
        pt->max = num_attr(p, "data-max");
    }
    return c;
}

/* ---- The comparison ---- */

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy's default percentile (linear, type 7), written out here. */
static double pct(const double *sorted, size_t n, double q)
{
    const double h = (double)(n - 1) * q;
    const double lo = floor(h);
    const size_t i = (size_t)lo;
    return i + 1 < n ? sorted[i] + (h - lo) * (sorted[i + 1] - sorted[i]) : sorted[n - 1];
}

/* The CSV has six significant digits: agree to that, relative to the value. */
static void assert_near(double got, double want, const char *what, const char *date)
{
    const double tol = 1e-5 * fabs(want) + 1e-9;
    if (fabs(got - want) > tol) {
        fprintf(stderr, "%s at %s: page %.10g, vitals daily %.10g\n", what, date, got, want);
        fail();
    }
}

/* The days a point stands for lie in one bucket of its kind, cut only by the range's ends. */
static void check_bucket(const chart *c, const point *p)
{
    const long from = days_of(p->from), to = days_of(p->to);
    assert_true(from <= to);
    assert_true(strcmp(p->from, c->from) >= 0 && strcmp(p->to, c->to) <= 0);
    char next[11];
    date_of(to + 1, next);
    if (strcmp(c->bucket, "day") == 0) {
        assert_int_equal(from, to);
    } else if (strcmp(c->bucket, "week") == 0) {
        assert_true(to - from <= 6);
        assert_true(weekday_of(p->from) == 1 || strcmp(p->from, c->from) == 0);
        assert_true(weekday_of(p->to) == 0 || strcmp(p->to, c->to) == 0);
    } else {
        assert_string_equal(c->bucket, "month");
        assert_true(strncmp(p->from, p->to, 7) == 0);
        assert_true(strcmp(p->from + 8, "01") == 0 || strcmp(p->from, c->from) == 0);
        assert_true(strncmp(next, p->to, 7) != 0 || strcmp(p->to, c->to) == 0);
    }
}

/*
 * Every point of the chart of `metric` against vitals daily's rows over the same days: the
 * points partition the rows; each one's count, mean, quartiles, min and max are those of its
 * days; it is drawn where its mean and its days say. Returns the number of points.
 */
static size_t check_metric(const char *page, const char *db, const char *metric,
                           const char *daily_args, const char *bucket)
{
    const chart c = chart_of(page, metric);
    const daily d = daily_of(db, metric, daily_args);
    if (d.count == 0) {
        assert_int_equal(c.count, 0);
        free(d.rows);
        return 0;
    }
    assert_string_equal(c.bucket, bucket);
    assert_true(c.count > 0);
    double *values = malloc(d.count * sizeof *values);
    assert_non_null(values);
    const long range_from = days_of(c.from), range_to = days_of(c.to);
    size_t row = 0;
    for (size_t i = 0; i < c.count; i++) {
        const point *p = &c.pts[i];
        check_bucket(&c, p);
        if (i > 0) {
            assert_true(strcmp(p->from, c.pts[i - 1].to) > 0);
        }
        /* The rows of its days, in order: no row skipped, none counted twice. */
        size_t n = 0;
        while (row < d.count && strcmp(d.rows[row].date, p->to) <= 0) {
            assert_true(strcmp(d.rows[row].date, p->from) >= 0);
            values[n++] = d.rows[row++].value;
        }
        assert_int_equal(n, p->days);
        double sum = 0;
        for (size_t k = 0; k < n; k++) {
            sum += values[k];
        }
        qsort(values, n, sizeof *values, cmp_double);
        assert_near(p->mean, sum / (double)n, "mean", p->from);
        assert_near(p->p25, pct(values, n, 0.25), "p25", p->from);
        assert_near(p->p75, pct(values, n, 0.75), "p75", p->from);
        assert_near(p->min, values[0], "min", p->from);
        assert_near(p->max, values[n - 1], "max", p->from);
        /* Drawn at its value, and at the middle of its days. */
        const double y = c.bottom - (c.bottom - c.top) * (p->mean - c.y0) / (c.y1 - c.y0);
        assert_true(fabs(p->cy - y) < 0.06);
        const double mid = (double)(days_of(p->from) + days_of(p->to) + 1) / 2.0;
        const double x = c.left + (c.right - c.left) * (mid - (double)range_from) /
                                      (double)(range_to + 1 - range_from);
        assert_true(fabs(p->cx - x) < 0.06);
        assert_true(p->cy >= c.top - 0.06 && p->cy <= c.bottom + 0.06);
    }
    assert_int_equal(row, d.count);
    free(values);
    free(d.rows);
    free(c.pts);
    return c.count;
}

static const char *const SIX[] = {"steps", "resting_heart_rate", "hrv_sdnn", "active_energy",
                                  "sleep", "body_mass"};

/* The first and last day of the six metrics in vitals daily. */
static void data_range(const char *db, char *first, char *last)
{
    strcpy(first, "9999-99-99");
    strcpy(last, "0000-00-00");
    for (size_t i = 0; i < 6; i++) {
        const daily d = daily_of(db, SIX[i], "");
        if (d.count) {
            if (strcmp(d.rows[0].date, first) < 0) {
                strcpy(first, d.rows[0].date);
            }
            if (strcmp(d.rows[d.count - 1].date, last) > 0) {
                strcpy(last, d.rows[d.count - 1].date);
            }
        }
        free(d.rows);
    }
}

/* ---- Setup ---- */

static void remove_db(const char *db)
{
    char path[512];
    unlink(db);
    snprintf(path, sizeof path, "%s-wal", db);
    unlink(path);
    snprintf(path, sizeof path, "%s-shm", db);
    unlink(path);
}

static int setup(void **state)
{
    (void)state;
    const char *dbs[] = {DB_YEAR, DB_TEN, DB_DAY, DB_EMPTY, DB_REAL};
    for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
        remove_db(dbs[i]);
    }
    if (run("generate --days 400 --per-day 60 --seed 3 --db " DB_YEAR) != 0 ||
        run("generate --days 3650 --per-day 40 --seed 4 --db " DB_TEN) != 0 ||
        run("generate --days 1 --per-day 60 --metrics steps,resting_heart_rate,hrv,"
            "active_energy,body_mass --start 2021-06-15 --db " DB_DAY) != 0) {
        return -1;
    }
    vt_store *s;
    if (vt_store_open(DB_EMPTY, NULL, &s, NULL) != VT_OK) {
        return -1;
    }
    vt_store_close(s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    const char *dbs[] = {DB_YEAR, DB_TEN, DB_DAY, DB_EMPTY, DB_REAL};
    for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
        remove_db(dbs[i]);
    }
    unlink(OUT);
    unlink(ERR);
    unlink(CSV);
    unlink(PAGE);
    for (size_t i = 0; i < 6; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.svg", SVGDIR, SIX[i]);
        unlink(path);
    }
    rmdir(SVGDIR);
    return 0;
}

/* ---- Tests ---- */

static void usage_errors_exit_2_with_one_line(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "chart",
        "chart -o " PAGE,
        "chart --db " DB_YEAR,
        "chart --db " DB_YEAR " -o",
        "chart --db " DB_YEAR " -o " PAGE " --from 2020-13-01",
        "chart --db " DB_YEAR " -o " PAGE " --to yesterday",
        "chart --db " DB_YEAR " -o " PAGE " --from 2020-03-02 --to 2020-03-01",
        "chart --db " DB_YEAR " -o " PAGE " --bucket year",
        "chart --db " DB_YEAR " -o " PAGE " --metrics ''",
        "chart --db " DB_YEAR " -o " PAGE " --metrics steps,,sleep",
        "chart --db " DB_YEAR " -o " PAGE " --metrics setps",
        "chart --db " DB_YEAR " -o " PAGE " --colour red",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const int rc = run("%s", cases[i]);
        if (rc != 2) {
            fprintf(stderr, "case '%s' exited %d: %s\n", cases[i], rc, err_buf);
        }
        assert_int_equal(rc, 2);
        assert_int_equal(lines(err_buf), 1);
        assert_true(strncmp(err_buf, "vitals chart: ", 14) == 0);
        assert_string_equal(out_buf, "");
    }
    assert_int_equal(run("chart --help"), 0);
    assert_non_null(strstr(out_buf, "usage: vitals chart"));
    assert_non_null(strstr(out_buf, "186 days"));
    assert_int_equal(run("--help"), 0);
    assert_non_null(strstr(out_buf, "chart"));
}

static void unreadable_inputs_exit_1_with_one_line(void **state)
{
    (void)state;
    assert_int_equal(run("chart --db /nonexistent-dir/health.db -o " PAGE), 1);
    assert_string_equal(err_buf,
                        "vitals: /nonexistent-dir/health.db: unable to open database file\n");
    FILE *f = fopen(T "corrupt.db", "wb");
    assert_non_null(f);
    for (int i = 0; i < 512; i++) {
        fputs("not a database. ", f);
    }
    fclose(f);
    assert_int_equal(run("chart --db " T "corrupt.db -o " PAGE), 1);
    assert_int_equal(lines(err_buf), 1);
    assert_non_null(strstr(err_buf, "not a database"));
    unlink(T "corrupt.db");
    assert_int_equal(run("chart --db " DB_YEAR " -o /nonexistent-dir/page.html"), 1);
    assert_int_equal(lines(err_buf), 1);
    assert_non_null(strstr(err_buf, "/nonexistent-dir/page.html"));
}

/* 400 days: weekly points; every metric's points against vitals daily. */
static void weekly_points_match_vitals_daily(void **state)
{
    (void)state;
    char *page = run_page(0, "chart --db " DB_YEAR " -o " PAGE);
    assert_string_equal(err_buf, "");
    char first[11], last[11];
    data_range(DB_YEAR, first, last);
    const chart c = chart_of(page, "steps");
    assert_string_equal(c.from, first);
    assert_string_equal(c.to, last);
    free(c.pts);
    for (size_t i = 0; i < 6; i++) {
        const size_t n = check_metric(page, DB_YEAR, SIX[i], "", "week");
        assert_true(n >= 50 && n <= 60); /* 400 days are 58 weeks; body mass is weekly */
    }
    free(page);
}

/* A range of 60 days: a point a day, the range's own ends on the axis. */
static void daily_points_match_vitals_daily_in_a_range(void **state)
{
    (void)state;
    const char *range = "--from 2020-02-10 --to 2020-04-09";
    char *page = run_page(0, "chart --db " DB_YEAR " -o " PAGE " %s", range);
    const chart c = chart_of(page, "sleep");
    assert_string_equal(c.from, "2020-02-10");
    assert_string_equal(c.to, "2020-04-09");
    free(c.pts);
    for (size_t i = 0; i < 6; i++) {
        const size_t n = check_metric(page, DB_YEAR, SIX[i], range, "day");
        assert_true(i == 5 ? n >= 8 && n <= 9 : n == 60);
    }
    free(page);
    /* --bucket month over the same database: months, cut at the range's ends. */
    page = run_page(0, "chart --db " DB_YEAR " -o " PAGE " --bucket month --from 2020-01-20");
    for (size_t i = 0; i < 6; i++) {
        const size_t n = check_metric(page, DB_YEAR, SIX[i], "--from 2020-01-20", "month");
        assert_int_equal(n, 14); /* 2020-01-20 .. 2021-02-03 */
    }
    free(page);
}

/* Ten years: monthly points, so that a decade reads at a glance. */
static void ten_years_are_monthly_points(void **state)
{
    (void)state;
    char *page = run_page(0, "chart --db " DB_TEN " -o " PAGE);
    for (size_t i = 0; i < 6; i++) {
        const size_t n = check_metric(page, DB_TEN, SIX[i], "", "month");
        assert_true(n >= 119 && n <= 121);
    }
    assert_non_null(strstr(page, "one point a month"));
    free(page);
}

/* The documented choice of auto: days up to 186 days, weeks up to 1096, then months. */
static void auto_bucket_follows_the_range_length(void **state)
{
    (void)state;
    static const struct {
        const char *to;
        long days;
        const char *bucket;
    } cases[] = {
        {"2021-07-05", 186, "day"},
        {"2021-07-06", 187, "week"},
        {"2024-01-01", 1096, "week"},
        {"2024-01-02", 1097, "month"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(days_of(cases[i].to) - days_of("2021-01-01") + 1, cases[i].days);
        char args[128];
        snprintf(args, sizeof args, "--from 2021-01-01 --to %s", cases[i].to);
        char *page =
            run_page(0, "chart --db " DB_TEN " -o " PAGE " --metrics resting_heart_rate %s", args);
        check_metric(page, DB_TEN, "resting_heart_rate", args, cases[i].bucket);
        free(page);
    }
}

/* The source priority reaches the totals as in vitals daily. */
static void priority_changes_totals_as_in_vitals_daily(void **state)
{
    (void)state;
    char *page = run_page(0, "chart --db " DB_YEAR " -o " PAGE " --priority iPhone,Watch");
    check_metric(page, DB_YEAR, "steps", "--priority iPhone,Watch", "week");
    const chart c = chart_of(page, "steps");
    free(page);
    page = run_page(0, "chart --db " DB_YEAR " -o " PAGE);
    const chart d = chart_of(page, "steps");
    assert_int_equal(c.count, d.count);
    assert_true(fabs(c.pts[0].mean - d.pts[0].mean) > 1.0); /* the order matters here */
    free(c.pts);
    free(d.pts);
    free(page);
}

static void empty_database_gives_a_clear_page(void **state)
{
    (void)state;
    char *page = run_page(1, "chart --db " DB_EMPTY " -o " PAGE);
    assert_int_equal(lines(err_buf), 1);
    assert_non_null(strstr(err_buf, "no data to chart"));
    assert_non_null(strstr(err_buf, "holds no records"));
    assert_non_null(strstr(page, "<p class=\"nodata\" id=\"nodata\">No data to chart: "));
    assert_null(strstr(page, "<svg"));
    assert_null(strstr(page, "<circle"));
    assert_non_null(strstr(page, "</html>"));
    free(page);
    /* A range where a database has no data: the same, naming the range. */
    page = run_page(1, "chart --db " DB_YEAR " -o " PAGE " --from 2031-01-01");
    assert_int_equal(lines(err_buf), 1);
    assert_non_null(strstr(err_buf, "from 2031-01-01 on"));
    assert_non_null(strstr(page, "from 2031-01-01 on"));
    assert_null(strstr(page, "<circle"));
    free(page);
}

static void single_day_gives_one_point_per_chart(void **state)
{
    (void)state;
    char *page = run_page(0, "chart --db " DB_DAY " -o " PAGE " --svg " SVGDIR);
    for (size_t i = 0; i < 6; i++) {
        const size_t n = check_metric(page, DB_DAY, SIX[i], "", "day");
        assert_int_equal(n, strcmp(SIX[i], "sleep") == 0 ? 0 : 1);
    }
    /* The point sits in the middle of the plot; nothing degenerate was written. */
    const chart c = chart_of(page, "steps");
    assert_string_equal(c.from, "2021-06-15");
    assert_true(fabs(c.pts[0].cx - (c.left + c.right) / 2) < 0.06);
    assert_true(c.y1 > c.y0);
    free(c.pts);
    assert_null(strstr(page, "nan"));
    assert_null(strstr(page, "inf\""));
    assert_non_null(strstr(page, "2021-06-15 to 2021-06-15 (1 day)"));
    /* The metric without data says so instead of drawing an empty chart. */
    assert_non_null(strstr(page, "<section class=\"panel\" id=\"sleep\">"));
    assert_non_null(strstr(page, "No data on 2021-06-15."));
    free(page);
    char *svg = read_all(SVGDIR "/sleep.svg");
    assert_non_null(svg);
    assert_non_null(strstr(svg, "No data on 2021-06-15."));
    assert_null(strstr(svg, "<circle"));
    free(svg);
}

static void metric_without_data_says_so(void **state)
{
    (void)state;
    /* DB_DAY holds no sleep and no distance. */
    char *page = run_page(0, "chart --db " DB_DAY " -o " PAGE " --metrics steps,sleep,distance");
    assert_string_equal(err_buf, "");
    assert_int_equal(count_of(page, "<section class=\"panel\""), 3);
    assert_int_equal(check_metric(page, DB_DAY, "steps", "", "day"), 1);
    assert_null(strstr(page, "data-metric=\"sleep\""));
    assert_null(strstr(page, "data-metric=\"distance\""));
    static const char *const without[] = {"id=\"sleep\"", "id=\"distance\""};
    for (size_t i = 0; i < 2; i++) {
        const char *panel = strstr(page, without[i]);
        assert_non_null(panel);
        const char *msg = strstr(panel, "<p class=\"nodata\">");
        assert_non_null(msg);
        assert_true(strncmp(msg, "<p class=\"nodata\">No data on 2021-06-15.</p>", 44) == 0);
        assert_true(msg < strstr(panel, "</section>"));
    }
    free(page);
}

/* --svg: one file per chart, each a standalone SVG with the same points as the page. */
static void svg_files_hold_the_page_points(void **state)
{
    (void)state;
    char *page = run_page(0, "chart --db " DB_YEAR " --svg " SVGDIR " -o " PAGE);
    for (size_t i = 0; i < 6; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.svg", SVGDIR, SIX[i]);
        char *svg = read_all(path);
        assert_non_null(svg);
        static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                   "<svg xmlns=\"http://www.w3.org/2000/svg\" ";
        assert_true(strncmp(svg, head, strlen(head)) == 0);
        assert_non_null(strstr(svg, "<style>"));
        const chart a = chart_of(page, SIX[i]), b = chart_of(svg, SIX[i]);
        assert_true(a.count > 0);
        assert_int_equal(a.count, b.count);
        for (size_t k = 0; k < a.count; k++) {
            assert_string_equal(a.pts[k].from, b.pts[k].from);
            assert_true(a.pts[k].mean == b.pts[k].mean && a.pts[k].p75 == b.pts[k].p75);
        }
        free(a.pts);
        free(b.pts);
        free(svg);
    }
    free(page);
    /* Standard output works for the page. */
    assert_int_equal(run("chart --db " DB_DAY " -o - --metrics body_mass"), 0);
    assert_true(strncmp(out_buf, "<!DOCTYPE html>", 15) == 0);
}

/* A regular file is replaced whole; a symbolic link (like a device) is written through. */
static void output_through_a_link_keeps_the_link(void **state)
{
    (void)state;
    unlink(T "target.html");
    unlink(T "link.html");
    assert_int_equal(symlink(T "target.html", T "link.html"), 0);
    assert_int_equal(run("chart --db " DB_DAY " -o " T "link.html"), 0);
    struct stat st;
    assert_int_equal(lstat(T "link.html", &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    char *page = read_all(T "target.html");
    assert_non_null(page);
    assert_true(strncmp(page, "<!DOCTYPE html>", 15) == 0);
    free(page);
    unlink(T "link.html");
    unlink(T "target.html");
    /* A regular file: no temporary file is left beside it. */
    assert_int_equal(run("chart --db " DB_DAY " -o " PAGE), 0);
    assert_int_equal(lstat(PAGE, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    glob_t g;
    assert_int_equal(glob(PAGE "*", 0, NULL, &g), 0);
    assert_int_equal(g.gl_pathc, 1);
    globfree(&g);
}

/* Nothing from a network, no script; user text is escaped. */
static void page_is_self_contained(void **state)
{
    (void)state;
    char *page =
        run_page(0, "chart --db " DB_DAY " -o " PAGE " --title '<script>x()</script> & co'");
    assert_null(strstr(page, "<script"));
    assert_null(strstr(page, "http:"));
    assert_null(strstr(page, "https:"));
    assert_null(strstr(page, " src="));
    assert_null(strstr(page, "<link"));
    assert_non_null(strstr(page, "<title>&lt;script&gt;x()&lt;/script&gt; &amp; co</title>"));
    assert_non_null(strstr(page, "Content-Security-Policy\" content=\"default-src 'none'"));
    assert_non_null(strstr(page, "@media print"));
    free(page);
}

/* The real sample exports: imported, then charted. */
static void real_exports_chart_or_say_what_they_hold(void **state)
{
    (void)state;
    /* An iPhone 6s export of 2016: steps on one day. */
    remove_db(DB_REAL);
    assert_int_equal(run("import " VITALS_FIXTURES "/apple-health/tdda-applehealthdata/"
                         "export6s3sample.xml --quiet --db " DB_REAL),
                     0);
    char *page = run_page(0, "chart --db " DB_REAL " -o " PAGE);
    assert_int_equal(check_metric(page, DB_REAL, "steps", "", "day"), 1);
    free(page);
    /* Heart rate and BMI only: the default page says what it holds; --metrics all charts it. */
    remove_db(DB_REAL);
    assert_int_equal(run("import " VITALS_FIXTURES "/apple-health/dogsheep-healthkit-to-sqlite/"
                         "export.zip --quiet --db " DB_REAL),
                     0);
    page = run_page(1, "chart --db " DB_REAL " -o " PAGE);
    assert_int_equal(lines(err_buf), 1);
    assert_non_null(strstr(err_buf, "it holds bmi, heart_rate (--metrics all charts them)"));
    assert_non_null(strstr(page, "It holds bmi, heart_rate"));
    free(page);
    page = run_page(0, "chart --db " DB_REAL " -o " PAGE " --metrics all");
    assert_int_equal(count_of(page, "<circle"), 2);
    assert_int_equal(check_metric(page, DB_REAL, "heart_rate", "", "week"), 1);
    free(page);
    remove_db(DB_REAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(usage_errors_exit_2_with_one_line),
        cmocka_unit_test(unreadable_inputs_exit_1_with_one_line),
        cmocka_unit_test(weekly_points_match_vitals_daily),
        cmocka_unit_test(daily_points_match_vitals_daily_in_a_range),
        cmocka_unit_test(ten_years_are_monthly_points),
        cmocka_unit_test(auto_bucket_follows_the_range_length),
        cmocka_unit_test(priority_changes_totals_as_in_vitals_daily),
        cmocka_unit_test(empty_database_gives_a_clear_page),
        cmocka_unit_test(single_day_gives_one_point_per_chart),
        cmocka_unit_test(metric_without_data_says_so),
        cmocka_unit_test(svg_files_hold_the_page_points),
        cmocka_unit_test(output_through_a_link_keeps_the_link),
        cmocka_unit_test(page_is_self_contained),
        cmocka_unit_test(real_exports_chart_or_say_what_they_hold),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
