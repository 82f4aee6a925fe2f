/* SPDX-License-Identifier: MIT */
/* vitals info: what a database holds, per record type, with its date range. */
#include <string.h>

#include "cli.h"
#include "cmd_import.h"

static const char HELP[] =
    "usage: vitals info --db DB\n"
    "       vitals info DB\n"
    "       vitals info EXPORT [--parser builtin|libxml2]\n\n"
    "Prints the records per type (metric name, HK identifier, count, first and last day)\n"
    "and the totals of a vitals database; of an export (export.zip, export.xml or -), its\n"
    "counts per element kind and per record type, read in one pass without a "
    "database.\n\n" CLI_PARSER_HELP;

static int print_type(void *ctx, const vt_store_type_info *t)
{
    (void)ctx;
    char first[VT_DAY_BUFSZ], last[VT_DAY_BUFSZ];
    vt_day_format(t->first_day, first);
    vt_day_format(t->last_day, last);
    printf("%s\t%s\t%llu\t%s\t%s\n", t->metric, t->identifier, (unsigned long long)t->records,
           first, last);
    return 0;
}

int cmd_info(int argc, char **argv)
{
    const char *db = NULL;
    int parser = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(HELP, stdout);
            return CLI_OK;
        } else if (cli_option(a, "--db", &v)) {
            db = cli_value(argc, argv, &i, v);
        } else if (cli_option(a, "--parser", &v)) {
            parser = 1; /* vitals_info_export reads its value */
            (void)cli_value(argc, argv, &i, v);
        } else if (a[0] != '-' && !db) {
            db = a;
        } else {
            return cli_usage("info", "unknown option '%s'", a);
        }
    }
    if (!db) {
        return cli_usage("info", "needs a database");
    }
    if (vitals_is_export(db)) {
        return vitals_info_export(argc, argv); /* an export.zip/.xml: counted, not opened */
    }
    if (parser) {
        return cli_usage("info", "--parser goes with an export, not a database");
    }
    vt_error err;
    vt_error_clear(&err);
    vt_store *store;
    const vt_store_options so = {1, 5000, 0};
    if (vt_store_open(db, &so, &store, &err) != VT_OK) {
        return cli_fail(&err);
    }
    printf("metric\ttype\trecords\tfirst_day\tlast_day\n");
    vt_store_summary sum;
    vt_status st = vt_store_info(store, print_type, NULL, &sum, &err);
    if (st == VT_OK) {
        char first[VT_DAY_BUFSZ] = "", last[VT_DAY_BUFSZ] = "";
        if (sum.has_days) {
            vt_day_format(sum.first_day, first);
            vt_day_format(sum.last_day, last);
        }
        printf("\ntotal\t%llu types\t%llu\t%s\t%s\n", (unsigned long long)sum.types,
               (unsigned long long)sum.records, first, last);
    }
    vt_store_close(store);
    return st == VT_OK ? CLI_OK : cli_fail(&err);
}
