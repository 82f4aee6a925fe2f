/* SPDX-License-Identifier: MIT */
/* vitals daily: per-day statistics of every metric, with de-duplicated daily totals. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "num_format.h"

static const char HELP[] =
    "usage: vitals daily --db DB [--metric NAME] [--from DATE] [--to DATE]\n"
    "                    [--format table|csv|json] [--priority LIST]\n\n"
    "For each local day and metric: count, sum, mean, min, max, sample standard deviation,\n"
    "median, p25, p75 and p95 (exact). Cumulative metrics (steps, distance, energy, ...) also\n"
    "get 'total': the daily sum where overlapping sources are counted once, the higher-priority\n"
    "source winning (see docs/metrics.md).\n\n"
    "  --db DB          the database (from 'vitals import' or 'vitals generate --db')\n"
    "  --metric NAME    one metric: a short name (steps) or an HK identifier\n"
    "  --from DATE      first day, YYYY-MM-DD (inclusive)\n"
    "  --to DATE        last day, YYYY-MM-DD (inclusive)\n"
    "  --format F       table (default), csv or json\n"
    "  --priority LIST  source priority, highest first, as comma-separated substrings of\n"
    "                   source names (default: Watch,iPhone)\n";

enum format { F_TABLE, F_CSV, F_JSON };

typedef struct out_ctx {
    enum format format;
    json_t *rows;
    uint64_t count;
} out_ctx;

static vt_status print_row(void *ctx, const vt_daily_row *r, vt_error *err)
{
    out_ctx *o = ctx;
    char day[VT_DAY_BUFSZ];
    vt_day_format(r->day, day);
    const double nums[] = {r->sum, r->mean, r->min, r->max, r->stddev,
                           r->median, r->p25, r->p75, r->p95};
    o->count++;
    if (o->format == F_JSON) {
        json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, "
                                "s:f, s:f}",
                                "date", day, "metric", r->metric, "type", r->identifier, "unit",
                                r->unit, "count", (json_int_t)r->count, "sum", r->sum, "mean",
                                r->mean, "min", r->min, "max", r->max, "stddev", r->stddev,
                                "median", r->median, "p25", r->p25, "p75", r->p75, "p95", r->p95);
        if (!row) {
            return VT_ERR_NOMEM;
        }
        if (r->has_total) {
            json_object_set_new(row, "total", json_real(r->total));
        }
        json_array_append_new(o->rows, row);
        return VT_OK;
    }
    /* The line is built here and written once: printf's cost per number was most of the
     * command's time. */
    const char sep = o->format == F_CSV ? ',' : '\t';
    char line[512 + 2 * 128];
    size_t n = 0;
    const size_t metric_len = strnlen(r->metric, 128), unit_len = strnlen(r->unit, 128);
    n = strlen(day);
    memcpy(line, day, n);
    line[n++] = sep;
    memcpy(line + n, r->metric, metric_len);
    n += metric_len;
    line[n++] = sep;
    n += cli_format_number((double)r->count, line + n);
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        line[n++] = sep;
        n += cli_format_number(nums[i], line + n);
    }
    line[n++] = sep;
    if (r->has_total) {
        n += cli_format_number(r->total, line + n);
    }
    line[n++] = sep;
    memcpy(line + n, r->unit, unit_len);
    n += unit_len;
    line[n++] = '\n';
    if (fwrite(line, 1, n, stdout) != n) {
        if (err) {
            err->code = VT_ERR_IO;
            snprintf(err->msg, sizeof err->msg, "standard output: cannot write");
        }
        return VT_ERR_IO;
    }
    return VT_OK;
}

int cmd_daily(int argc, char **argv)
{
    const char *db = NULL;
    vt_daily_options opt;
    memset(&opt, 0, sizeof opt);
    out_ctx out = {F_TABLE, NULL, 0};
    const char *priority[32];
    char *priority_buf = NULL;
    int rc = CLI_OK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(HELP, stdout);
            free(priority_buf);
            return CLI_OK;
        } else if (cli_option(a, "--db", &v)) {
            db = cli_value(argc, argv, &i, v);
        } else if (cli_option(a, "--metric", &v)) {
            if (!(opt.metric = cli_value(argc, argv, &i, v))) {
                rc = cli_usage("daily", "--metric needs a name");
            }
        } else if (cli_option(a, "--from", &v) || cli_option(a, "--to", &v)) {
            const int from = a[2] == 'f';
            const char *d = cli_value(argc, argv, &i, v);
            if (!d || vt_date_parse(d, strlen(d), from ? &opt.from_day : &opt.to_day, NULL) !=
                          VT_OK) {
                rc = cli_usage("daily", "%s needs a date YYYY-MM-DD", from ? "--from" : "--to");
            }
            *(from ? &opt.has_from : &opt.has_to) = 1;
        } else if (cli_option(a, "--format", &v)) {
            /* Indexed by enum format. */
            static const char *const FORMATS[] = {"table", "csv", "json"};
            const int k = cli_choice(cli_value(argc, argv, &i, v), FORMATS, 3);
            if (k < 0) {
                rc = cli_usage("daily", "--format is table, csv or json");
            } else {
                out.format = (enum format)k;
            }
        } else if (cli_option(a, "--priority", &v)) {
            const char *list = cli_value(argc, argv, &i, v);
            free(priority_buf);
            priority_buf = list ? strdup(list) : NULL;
            if (!priority_buf ||
                cli_split_list(priority_buf, priority, 32, &opt.source_priority_count) != 0) {
                rc = cli_usage("daily", "--priority needs a comma-separated list of sources");
            }
            opt.source_priority = priority;
        } else {
            rc = cli_usage("daily", "unknown option '%s'", a);
        }
        if (rc != CLI_OK) {
            free(priority_buf);
            return rc;
        }
    }
    if (!db) {
        free(priority_buf);
        return cli_usage("daily", "--db DB is required");
    }
    if (opt.has_from && opt.has_to && opt.from_day > opt.to_day) {
        free(priority_buf);
        return cli_usage("daily", "--from is after --to");
    }
    vt_error err;
    vt_error_clear(&err);
    vt_store *store;
    const vt_store_options so = {1, 5000, 0};
    if (vt_store_open(db, &so, &store, &err) != VT_OK) {
        free(priority_buf);
        return cli_fail(&err);
    }
    if (out.format == F_JSON) {
        out.rows = json_array();
    } else {
        const char *sep = out.format == F_CSV ? "," : "\t";
        printf("date%smetric%scount%ssum%smean%smin%smax%sstddev%smedian%sp25%sp75%sp95%stotal%s"
               "unit\n",
               sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep);
    }
    const vt_status st = vt_daily_compute_store(store, &opt, print_row, &out, &err);
    vt_store_close(store);
    free(priority_buf);
    if (st != VT_OK) {
        json_decref(out.rows);
        return cli_fail(&err);
    }
    if (out.format == F_JSON) {
        json_dumpf(out.rows, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
        fputc('\n', stdout);
        json_decref(out.rows);
    }
    if (out.count == 0 && opt.metric) {
        cli_error("%s: no data for metric '%s'", db, opt.metric);
        return CLI_FAIL;
    }
    return CLI_OK;
}
