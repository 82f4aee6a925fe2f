/* SPDX-License-Identifier: MIT */
/* vitals info: what a database holds, per record type, with its date range. */
#include <string.h>

#include "cli.h"
#include "cmd_import.h"

static const char HELP[] =
    "usage: vitals info --db DB\n"
    "       vitals info DB\n\n"
    "Prints the records per type (metric name, HK identifier, count, first and last day)\n"
    "and the totals of a vitals database.\n";

static int print_row(void *ctx, int ncols, const char *const *values, const char *const *names)
{
    (void)ctx;
    (void)names;
    for (int i = 0; i < ncols; i++) {
        printf(i ? "\t%s" : "%s", values[i] ? values[i] : "");
    }
    putchar('\n');
    return 0;
}

int cmd_info(int argc, char **argv)
{
    const char *db = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(HELP, stdout);
            return CLI_OK;
        } else if (cli_option(a, "--db", &v)) {
            db = cli_value(argc, argv, &i, v);
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
    vt_error err;
    vt_error_clear(&err);
    vt_store *store;
    const vt_store_options so = {1, 5000, 0};
    if (vt_store_open(db, &so, &store, &err) != VT_OK) {
        return cli_fail(&err);
    }
    printf("metric\ttype\trecords\tfirst_day\tlast_day\n");
    vt_status st = vt_store_query(store,
                                  "SELECT t.metric, t.identifier, count(*), min(r.day), max(r.day)"
                                  " FROM records r JOIN types t ON t.id = r.type_id"
                                  " GROUP BY r.type_id ORDER BY t.metric",
                                  print_row, NULL, &err);
    if (st == VT_OK) {
        printf("\n");
        st = vt_store_query(store,
                            "SELECT 'total', (SELECT count(*) FROM types) || ' types', count(*),"
                            " min(day), max(day) FROM records",
                            print_row, NULL, &err);
    }
    vt_store_close(store);
    return st == VT_OK ? CLI_OK : cli_fail(&err);
}
