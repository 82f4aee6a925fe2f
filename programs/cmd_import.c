/* SPDX-License-Identifier: MIT */
/* vitals import: an Apple Health export into a database, with progress on a terminal. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_import.h"

static const char HELP[] =
    "usage: vitals import EXPORT --db DB [--quiet] [--no-routes] [--threads 1|2]\n"
    "                    [--parser builtin|libxml2]\n\n"
    "Imports an Apple Health export (export.zip, export.xml, or - for standard input) into a\n"
    "SQLite database (created if needed), all or nothing: on any error the database is left\n"
    "exactly as it was. Importing again, or a newer overlapping export, adds no duplicates.\n\n"
    "  --db DB       the database\n"
    "  --quiet       print nothing but errors\n"
    "  --no-routes   do not read the GPX workout routes of a zip\n"
    "  --threads N   1: parse and insert on one thread; 2 (default): insert on a second "
    "one\n" CLI_PARSER_HELP "\n"
    "Progress is drawn on stderr when it is a terminal; a one-line summary ends the import.\n";

typedef struct progress_state {
    int draw;
    double t0, last;
    int drawn;
} progress_state;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int on_progress(void *ctx, const vt_read_progress *p)
{
    progress_state *ps = ctx;
    const double t = now();
    if (!ps->draw || t - ps->last < 0.25) {
        return 0;
    }
    ps->last = t;
    const double secs = t - ps->t0;
    const double mb = (double)p->bytes_done / 1e6;
    const double rate = secs > 0 ? (double)p->records / secs : 0;
    if (p->bytes_total > 0) {
        const double frac = (double)p->bytes_done / (double)p->bytes_total;
        const double eta = frac > 0 ? secs / frac - secs : 0;
        fprintf(stderr,
                "\r\033[Kimporting: %.0f / %.0f MB  %3.0f%%  %llu records  %.0f k/s  ETA %.0f s",
                mb, (double)p->bytes_total / 1e6, frac * 100, (unsigned long long)p->records,
                rate / 1e3, eta < 0 ? 0 : eta);
    } else {
        fprintf(stderr, "\r\033[Kimporting: %.0f MB  %llu records  %.0f k/s", mb,
                (unsigned long long)p->records, rate / 1e3);
    }
    ps->drawn = 1;
    return 0;
}

int cmd_import(int argc, char **argv)
{
    const char *db = NULL, *input = NULL;
    int quiet = 0, no_routes = 0;
    int64_t threads = 2;
    vt_xml_parser parser = VT_XML_PARSER_DEFAULT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(HELP, stdout);
            return CLI_OK;
        } else if (cli_option(a, "--db", &v)) {
            if (!(db = cli_value(argc, argv, &i, v))) {
                return cli_usage("import", "--db needs a path");
            }
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = 1;
        } else if (cli_option(a, "--threads", &v)) {
            if (cli_parse_i64(cli_value(argc, argv, &i, v), 1, 2, &threads) != 0) {
                return cli_usage("import", "--threads takes 1 or 2");
            }
        } else if (strcmp(a, "--no-routes") == 0) {
            no_routes = 1;
        } else if (cli_option(a, "--parser", &v)) {
            if (cli_parse_parser(cli_value(argc, argv, &i, v), &parser) != 0) {
                return cli_usage("import", "--parser takes builtin or libxml2");
            }
        } else if ((a[0] != '-' || strcmp(a, "-") == 0) && !input) {
            input = a;
        } else {
            return cli_usage("import", "unexpected argument '%s'", a);
        }
    }
    if (!input) {
        return cli_usage("import", "needs an export (export.zip, export.xml or -)");
    }
    if (!db) {
        return cli_usage("import", "needs --db DB");
    }
    vt_error err;
    vt_error_clear(&err);
    vt_store *store;
    if (vt_store_open(db, NULL, &store, &err) != VT_OK) {
        return cli_fail(&err);
    }
    progress_state ps = {!quiet && isatty(2), now(), 0, 0};
    ps.last = ps.t0;
    vt_import_options o;
    memset(&o, 0, sizeof o);
    o.reader.skip_routes = no_routes;
    o.reader.parser = parser;
    o.threads = (int)threads;
    o.reader.progress = on_progress;
    o.reader.progress_ctx = &ps;
    vt_import_stats s;
    const vt_status st = vt_import(store, input, &o, &s, &err);
    vt_store_close(store);
    if (ps.drawn) {
        fputs("\r\033[K", stderr);
    }
    if (st != VT_OK) {
        return cli_fail(&err);
    }
    if (!quiet) {
        const vt_export_summary *x = &s.read.summary;
        const double mbs = s.seconds > 0 ? (double)x->bytes / 1e6 / s.seconds : 0;
        fprintf(stderr,
                "vitals: imported %s: %llu records (%llu new, %llu already stored), "
                "%llu workouts (%llu new), %llu activity summaries, %llu route points, "
                "%llu correlations, %llu other elements; %llu warnings; %.2f s, %.0f MB/s\n",
                input, (unsigned long long)(x->records + x->correlation_members),
                (unsigned long long)s.records.inserted, (unsigned long long)s.records.duplicates,
                (unsigned long long)x->workouts, (unsigned long long)s.items.workouts_inserted,
                (unsigned long long)x->activity_summaries, (unsigned long long)x->route_points,
                (unsigned long long)x->correlations, (unsigned long long)x->other_elements,
                (unsigned long long)(x->control_chars ? 1 : 0), s.seconds, mbs);
        if (x->control_chars) {
            fprintf(stderr,
                    "vitals: warning: %llu control characters invalid in XML 1.0 were replaced "
                    "by spaces\n",
                    (unsigned long long)x->control_chars);
        }
    }
    return CLI_OK;
}
