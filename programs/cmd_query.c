/* SPDX-License-Identifier: MIT */
/* vitals query: one SQL statement against a database, rows as tab-separated or CSV text. */
#include <string.h>

#include "cli.h"

static const char HELP[] =
    "usage: vitals query --db DB [--csv] SQL\n\n"
    "Runs one SQL statement read-only and prints its rows with a header line, tab-separated\n"
    "(or CSV with --csv). The view health_metrics(date, metric, value, unit, source, start,\n"
    "end) holds every numeric sample; see docs/database.md for the tables.\n\n"
    "example: vitals query --db health.db \"SELECT date, AVG(value) AS avg_value FROM\n"
    "         health_metrics WHERE metric = 'steps' GROUP BY date ORDER BY date DESC LIMIT 7\"\n";

typedef struct query_ctx {
    int csv;
    int header_done;
} query_ctx;

static void print_field(const char *s, int csv)
{
    if (!s) {
        return;
    }
    if (csv && strpbrk(s, ",\"\n\r")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"') {
                putchar('"');
            }
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
}

static int print_row(void *ctx, int ncols, const char *const *values, const char *const *names)
{
    query_ctx *q = ctx;
    const char *sep = q->csv ? "," : "\t";
    if (!q->header_done) {
        for (int i = 0; i < ncols; i++) {
            fputs(i ? sep : "", stdout);
            print_field(names[i], q->csv);
        }
        putchar('\n');
        q->header_done = 1;
    }
    for (int i = 0; i < ncols; i++) {
        fputs(i ? sep : "", stdout);
        print_field(values[i], q->csv);
    }
    putchar('\n');
    return 0;
}

int cmd_query(int argc, char **argv)
{
    const char *db = NULL, *sql = NULL;
    query_ctx q = {0, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(HELP, stdout);
            return CLI_OK;
        } else if (cli_option(a, "--db", &v)) {
            db = cli_value(argc, argv, &i, v);
        } else if (strcmp(a, "--csv") == 0) {
            q.csv = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage("query", "unknown option '%s'", a);
        } else if (!sql) {
            sql = a;
        } else {
            return cli_usage("query", "give the SQL as one argument (quote it)");
        }
    }
    if (!db || !sql) {
        return cli_usage("query", "needs --db DB and an SQL statement");
    }
    vt_error err;
    vt_error_clear(&err);
    vt_store *store;
    const vt_store_options so = {1, 5000, 0};
    if (vt_store_open(db, &so, &store, &err) != VT_OK) {
        return cli_fail(&err);
    }
    const vt_status st = vt_store_query(store, sql, print_row, &q, &err);
    vt_store_close(store);
    return st == VT_OK ? CLI_OK : cli_fail(&err);
}
