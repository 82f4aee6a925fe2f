/* SPDX-License-Identifier: MIT */
/* vitals chart: charts of a database's daily values as one HTML page or an SVG per chart. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart.h"
#include "cli.h"

static const char HELP[] =
    "usage: vitals chart --db DB -o FILE.html [--svg DIR] [--from DATE] [--to DATE]\n"
    "                    [--metrics LIST] [--bucket auto|day|week|month] [--title TEXT]\n"
    "                    [--priority LIST]\n\n"
    "Charts the daily values of a database, exactly as 'vitals daily' computes them:\n"
    "steps and active energy (the day's total, overlapping sources counted once), resting\n"
    "heart rate, HRV (SDNN) and body mass (the day's mean), and sleep (the summed durations\n"
    "of the day's sleep records, in hours). The page is one self-contained HTML file: inline\n"
    "SVG and CSS, no script, nothing loaded from a network; it prints one chart per block,\n"
    "black on white. Under each chart, a table holds the plotted values.\n\n"
    "  --db DB          the database (from 'vitals import' or 'vitals generate --db')\n"
    "  -o, --output F   write the HTML page to F ('-' for standard output)\n"
    "  --svg DIR        also (or instead) write one SVG per chart: DIR/steps.svg, ...\n"
    "                   (DIR is created if needed)\n"
    "  --from DATE      first day, YYYY-MM-DD (default: the first day with data)\n"
    "  --to DATE        last day, YYYY-MM-DD (default: the last day with data)\n"
    "  --metrics LIST   comma-separated metrics in page order: short names or HK identifiers\n"
    "                   as in 'vitals daily' (distance, heart_rate, vo2max, ...), or 'all'\n"
    "                   for every metric the database holds (default: steps,\n"
    "                   resting_heart_rate,hrv_sdnn,active_energy,sleep,body_mass)\n"
    "  --bucket B       what one point is: auto (default), day, week or month. auto picks\n"
    "                   days for ranges up to 186 days, weeks (Monday to Sunday) up to 1096\n"
    "                   days (3 years), months beyond. A week's or month's point is the\n"
    "                   mean of its days with data, over a band from their 25th to their\n"
    "                   75th percentile.\n"
    "  --title TEXT     the page's title (default: Health charts)\n"
    "  --priority LIST  source priority for the totals, as in 'vitals daily'\n"
    "                   (default: Watch,iPhone)\n\n"
    "Exit status: 0 when the charts are written, 1 when the database cannot be read or holds\n"
    "no data for any chosen metric in the range (the page still says so), 2 for a usage\n"
    "error, 3 for an internal error.\n";

#define MAX_METRICS 64  /* names in --metrics */
#define MAX_SERIES  256 /* charts: "all" may name every type of a large export */

typedef struct chart_args {
    const char *db, *output, *svg_dir, *title;
    vt_daily_options daily;
    chart_bucket bucket;
    const char *metrics[MAX_METRICS];
    size_t nmetrics;
    const char *priority[32];
    char *metrics_buf, *priority_buf;
} chart_args;

static void args_free(chart_args *a)
{
    free(a->metrics_buf);
    free(a->priority_buf);
}

/* A comma-separated option value, split in place in a copy owned by `a`. */
static int split_option(const char *value, char **buf, const char **items, size_t max,
                        size_t *count)
{
    free(*buf);
    *buf = value ? strdup(value) : NULL;
    return *buf ? cli_split_list(*buf, items, max, count) : -1;
}

static int parse_date(const char *opt, const char *value, int32_t *day)
{
    if (!value || vt_date_parse(value, strlen(value), day, NULL) != VT_OK) {
        return cli_usage("chart", "%s needs a date YYYY-MM-DD", opt);
    }
    return CLI_OK;
}

static int parse_bucket(const char *value, chart_bucket *out)
{
    static const char *const NAMES[] = {"auto", "day", "week", "month"};
    for (int i = 0; value && i < 4; i++) {
        if (strcmp(value, NAMES[i]) == 0) {
            *out = (chart_bucket)i;
            return CLI_OK;
        }
    }
    return cli_usage("chart", "--bucket is auto, day, week or month");
}

/* Parses argv into `a`; returns CLI_OK, CLI_USAGE, or -1 after printing --help. */
static int parse_args(int argc, char **argv, chart_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = NULL;
        int rc = CLI_OK;
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            fputs(HELP, stdout);
            return -1;
        } else if (cli_option(o, "--db", &v)) {
            a->db = cli_value(argc, argv, &i, v);
        } else if (cli_option(o, "-o", &v) || cli_option(o, "--output", &v)) {
            if (!(a->output = cli_value(argc, argv, &i, v))) {
                rc = cli_usage("chart", "%s needs a file name", o);
            }
        } else if (cli_option(o, "--svg", &v)) {
            if (!(a->svg_dir = cli_value(argc, argv, &i, v)) || !*a->svg_dir) {
                rc = cli_usage("chart", "--svg needs a directory");
            }
        } else if (cli_option(o, "--from", &v)) {
            rc = parse_date("--from", cli_value(argc, argv, &i, v), &a->daily.from_day);
            a->daily.has_from = 1;
        } else if (cli_option(o, "--to", &v)) {
            rc = parse_date("--to", cli_value(argc, argv, &i, v), &a->daily.to_day);
            a->daily.has_to = 1;
        } else if (cli_option(o, "--metrics", &v)) {
            if (split_option(cli_value(argc, argv, &i, v), &a->metrics_buf, a->metrics, MAX_METRICS,
                             &a->nmetrics) != 0) {
                rc = cli_usage("chart", "--metrics needs a comma-separated list of metrics");
            }
        } else if (cli_option(o, "--bucket", &v)) {
            rc = parse_bucket(cli_value(argc, argv, &i, v), &a->bucket);
        } else if (cli_option(o, "--title", &v)) {
            if (!(a->title = cli_value(argc, argv, &i, v))) {
                rc = cli_usage("chart", "--title needs a text");
            }
        } else if (cli_option(o, "--priority", &v)) {
            if (split_option(cli_value(argc, argv, &i, v), &a->priority_buf, a->priority, 32,
                             &a->daily.source_priority_count) != 0) {
                rc = cli_usage("chart", "--priority needs a comma-separated list of sources");
            }
            a->daily.source_priority = a->priority;
        } else {
            rc = cli_usage("chart", "unknown option '%s'", o);
        }
        if (rc != CLI_OK) {
            return rc;
        }
    }
    if (!a->db) {
        return cli_usage("chart", "--db DB is required");
    }
    if (!a->output && !a->svg_dir) {
        return cli_usage("chart", "-o FILE.html or --svg DIR is required");
    }
    if (a->daily.has_from && a->daily.has_to && a->daily.from_day > a->daily.to_day) {
        return cli_usage("chart", "--from is after --to: the range is empty");
    }
    return CLI_OK;
}

/* The range: the options' days, and the data's first and last day for those not given. */
static void settle_range(const chart_args *a, const chart_series *series, size_t count,
                         chart_page *page)
{
    int32_t first = INT32_MAX, last = INT32_MIN;
    for (size_t i = 0; i < count; i++) {
        if (series[i].count) {
            first = series[i].days[0].day < first ? series[i].days[0].day : first;
            last = series[i].days[series[i].count - 1].day > last
                       ? series[i].days[series[i].count - 1].day
                       : last;
        }
    }
    const int data = first <= last;
    page->has_from = a->daily.has_from || data;
    page->has_to = a->daily.has_to || data;
    page->from = a->daily.has_from ? a->daily.from_day : data ? first : 0;
    page->to = a->daily.has_to ? a->daily.to_day : data ? last : 0;
    page->has_range = page->has_from && page->has_to;
    page->bucket = a->bucket;
    if (page->bucket == CHART_AUTO) {
        page->bucket = page->has_range ? chart_bucket_for_range(page->from, page->to) : CHART_DAY;
    }
}

/*
 * Writes a regular file through a temporary one beside it, renamed at the end: never half a
 * page under the name. Anything else that exists (/dev/null, a FIFO, a symbolic link) is
 * written in place: a rename would replace the device or the link itself.
 */
typedef int (*write_fn)(FILE *f, const chart_page *page, const void *item);

static int write_file(const char *path, write_fn fn, const chart_page *page, const void *item)
{
    if (strcmp(path, "-") == 0) {
        const int rc = fn(stdout, page, item);
        if (rc != 0 || fflush(stdout) != 0 || ferror(stdout)) {
            cli_error("cannot write the page to standard output: %s", strerror(errno));
            return CLI_FAIL;
        }
        return CLI_OK;
    }
    struct stat st;
    const int in_place = lstat(path, &st) == 0 && !S_ISREG(st.st_mode);
    const size_t len = strlen(path) + 32;
    char *tmp = malloc(len);
    if (!tmp) {
        cli_error("out of memory");
        return CLI_INTERNAL;
    }
    if (in_place) {
        snprintf(tmp, len, "%s", path);
    } else {
        snprintf(tmp, len, "%s.tmp%ld", path, (long)getpid());
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        free(tmp);
        return CLI_FAIL;
    }
    const int rc = fn(f, page, item);
    const int bad = rc != 0 || ferror(f);
    if (fclose(f) != 0 || bad || (!in_place && rename(tmp, path) != 0)) {
        cli_error(rc == -1 ? "out of memory writing %s" : "cannot write %s: %s", path,
                  strerror(errno));
        if (!in_place) {
            remove(tmp);
        }
        free(tmp);
        return rc == -1 ? CLI_INTERNAL : CLI_FAIL;
    }
    free(tmp);
    return CLI_OK;
}

static int write_page(FILE *f, const chart_page *page, const void *item)
{
    (void)item;
    return chart_page_write(f, page);
}

static int write_svg(FILE *f, const chart_page *page, const void *item)
{
    const chart_series *s = item;
    chart_point *pts = NULL;
    size_t n = 0;
    if (page->has_range && chart_points(s, page->bucket, page->from, page->to, &pts, &n) != 0) {
        return -1;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    chart_svg_write(f, page, s, pts, n, 1);
    free(pts);
    return 0;
}

static int write_svgs(const char *dir, const chart_page *page)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        cli_error("cannot create %s: %s", dir, strerror(errno));
        return CLI_FAIL;
    }
    for (size_t i = 0; i < page->count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.svg", dir, page->series[i].metric.name);
        const int rc = write_file(path, write_svg, page, &page->series[i]);
        if (rc != CLI_OK) {
            return rc;
        }
    }
    return CLI_OK;
}

static unsigned cpu_count(void)
{
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : n > 8 ? 8u : (unsigned)n;
}

/* One line on stderr: what has no data, and what the database holds instead. */
static void report_no_data(const chart_args *a, const chart_page *page)
{
    fprintf(stderr, "vitals: %s: no data to chart", a->db);
    if (a->daily.has_from || a->daily.has_to) {
        chart_write_range_phrase(stderr, page);
        fprintf(stderr, " (see 'vitals info %s' for its days)", a->db);
    } else if (page->nheld) {
        fputs(" for the chosen metrics; it holds ", stderr);
        chart_write_held(stderr, page, 8);
        fputs(" (--metrics all charts them)", stderr);
    } else {
        fputs(": it holds no records", stderr);
    }
    fputs("; the output says so\n", stderr);
}

/* Collects the series and writes the outputs; returns the exit code. */
static int run(const chart_args *a, vt_store *store, chart_page *page, chart_series *series)
{
    vt_error err;
    vt_error_clear(&err);
    chart_held *held = NULL;
    size_t nheld = 0, count = 0;
    if (chart_held_metrics(store, &held, &nheld, &err) != VT_OK) {
        return cli_fail(&err);
    }
    page->held = held;
    page->nheld = nheld;
    const char *bad = NULL;
    int rc = CLI_OK;
    if (chart_select(a->metrics, a->nmetrics, held, nheld, series, MAX_SERIES, &count, &bad) != 0) {
        rc = bad ? cli_usage("chart", "unknown metric '%s' (names: docs/metrics.md, or all)", bad)
                 : cli_usage("chart", "more than %d charts", MAX_SERIES);
    } else if (chart_collect(store, a->db, &a->daily, series, count, cpu_count(), &err) != VT_OK) {
        rc = cli_fail(&err);
    } else {
        page->series = series;
        page->count = count;
        settle_range(a, series, count, page);
        if (a->svg_dir) {
            rc = write_svgs(a->svg_dir, page);
        }
        if (rc == CLI_OK && a->output) {
            rc = write_file(a->output, write_page, page, NULL);
        }
        size_t with_data = 0;
        for (size_t i = 0; i < count; i++) {
            with_data += series[i].count > 0;
        }
        if (rc == CLI_OK && with_data == 0) {
            report_no_data(a, page);
            rc = CLI_FAIL;
        }
    }
    for (size_t i = 0; i < count; i++) {
        chart_series_free(&series[i]);
    }
    free(held);
    return rc;
}

int cmd_chart(int argc, char **argv)
{
    chart_args a;
    memset(&a, 0, sizeof a);
    a.title = "Health charts";
    int rc = parse_args(argc, argv, &a);
    if (rc != CLI_OK) {
        args_free(&a);
        return rc == -1 ? CLI_OK : rc;
    }
    chart_series *series = calloc(MAX_SERIES, sizeof *series);
    if (!series) {
        args_free(&a);
        cli_error("out of memory");
        return CLI_INTERNAL;
    }
    vt_error err;
    vt_error_clear(&err);
    vt_store *store;
    const vt_store_options so = {1, 5000, 0};
    if (vt_store_open(a.db, &so, &store, &err) != VT_OK) {
        rc = cli_fail(&err);
    } else {
        chart_page page;
        memset(&page, 0, sizeof page);
        page.title = a.title;
        const char *slash = strrchr(a.db, '/');
        page.db_name = slash ? slash + 1 : a.db;
        rc = run(&a, store, &page, series);
        vt_store_close(store);
    }
    free(series);
    args_free(&a);
    return rc;
}
