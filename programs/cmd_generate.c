/* SPDX-License-Identifier: MIT */
/* vitals generate: deterministic synthetic health data as export.xml, export.zip or database. */
#include <string.h>
#include <time.h>

#include "cli.h"

static const char HELP[] =
    "usage: vitals generate [--days N] [--per-day N] [--seed N] [--start YYYY-MM-DD]\n"
    "                       [--metrics LIST] [--shape apple|dense] [--order type|time]\n"
    "                       (-o FILE [--zip] [--size BYTES] | --db DB)\n\n"
    "Writes plausible Apple Health data, the same bytes for the same options on every machine.\n\n"
    "  --days N        days of data (default 365)\n"
    "  --per-day N     records per day, about (default 100)\n"
    "  --seed N        random seed (default 1)\n"
    "  --start DATE    first day (default 2020-01-01)\n"
    "  --metrics LIST  comma-separated subset of: steps, heart_rate, active_energy, distance,\n"
    "                  resting_heart_rate, hrv, body_mass, sleep, blood_pressure (default all)\n"
    "  --shape S       apple: records as Apple writes them (default); dense: without the\n"
    "                  device attribute, about 290 bytes of XML a record instead of 430\n"
    "  --order O       type: every record of one type, then the next, as Apple lists them\n"
    "                  (default); time: day by day, the types interleaved in time order\n"
    "  -o FILE         write an Apple-format export.xml ('-' for standard output)\n"
    "  --zip           with -o: write an export.zip holding apple_health_export/export.xml\n"
    "  --size BYTES    with -o: keep adding days until the XML has at least BYTES (1G, 100M)\n"
    "  --db DB         insert the records into a SQLite database instead (created if needed)\n";

static const struct {
    const char *name;
    unsigned bit;
} METRIC_NAMES[] = {
    {"steps", VT_GEN_STEPS},
    {"heart_rate", VT_GEN_HEART_RATE},
    {"active_energy", VT_GEN_ACTIVE_ENERGY},
    {"distance", VT_GEN_DISTANCE},
    {"resting_heart_rate", VT_GEN_RESTING_HR},
    {"hrv", VT_GEN_HRV},
    {"body_mass", VT_GEN_BODY_MASS},
    {"sleep", VT_GEN_SLEEP},
    {"blood_pressure", VT_GEN_BLOOD_PRESSURE},
};

static int parse_metrics(const char *list, uint32_t *mask)
{
    *mask = 0;
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        const size_t n = comma ? (size_t)(comma - p) : strlen(p);
        int found = 0;
        for (size_t i = 0; i < sizeof METRIC_NAMES / sizeof METRIC_NAMES[0]; i++) {
            if (strlen(METRIC_NAMES[i].name) == n && strncmp(METRIC_NAMES[i].name, p, n) == 0) {
                *mask |= METRIC_NAMES[i].bit;
                found = 1;
            }
        }
        if (!found) {
            return -1;
        }
        p += n + (comma ? 1 : 0);
    }
    return *mask ? 0 : -1;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int cmd_generate(int argc, char **argv)
{
    vt_gen_options o;
    vt_gen_options_default(&o);
    const char *out = NULL, *db = NULL;
    int zip = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int64_t n;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(HELP, stdout);
            return CLI_OK;
        } else if (cli_option(a, "--days", &v)) {
            if (cli_parse_i64(cli_value(argc, argv, &i, v), 1, 100000, &n) != 0) {
                return cli_usage("generate", "--days needs a whole number from 1 to 100000");
            }
            o.days = (uint32_t)n;
        } else if (cli_option(a, "--per-day", &v)) {
            if (cli_parse_i64(cli_value(argc, argv, &i, v), 1, 1000000, &n) != 0) {
                return cli_usage("generate", "--per-day needs a whole number from 1 to 1000000");
            }
            o.per_day = (uint32_t)n;
        } else if (cli_option(a, "--seed", &v)) {
            if (cli_parse_i64(cli_value(argc, argv, &i, v), 0, INT64_MAX, &n) != 0) {
                return cli_usage("generate", "--seed needs a non-negative whole number");
            }
            o.seed = (uint64_t)n;
        } else if (cli_option(a, "--start", &v)) {
            const char *d = cli_value(argc, argv, &i, v);
            if (!d || vt_date_parse(d, strlen(d), &o.start_day, NULL) != VT_OK) {
                return cli_usage("generate", "--start needs a date YYYY-MM-DD");
            }
        } else if (cli_option(a, "--metrics", &v)) {
            const char *list = cli_value(argc, argv, &i, v);
            if (!list || parse_metrics(list, &o.metrics) != 0) {
                return cli_usage("generate", "--metrics: unknown metric in '%s'",
                                 list ? list : "");
            }
        } else if (cli_option(a, "--shape", &v)) {
            /* Indexed by enum vt_gen_shape. */
            static const char *const SHAPES[] = {"apple", "dense"};
            const int k = cli_choice(cli_value(argc, argv, &i, v), SHAPES, 2);
            if (k < 0) {
                return cli_usage("generate", "--shape needs apple or dense");
            }
            o.shape = (uint32_t)k;
        } else if (cli_option(a, "--order", &v)) {
            /* Indexed by enum vt_gen_order. */
            static const char *const ORDERS[] = {"type", "time"};
            const int k = cli_choice(cli_value(argc, argv, &i, v), ORDERS, 2);
            if (k < 0) {
                return cli_usage("generate", "--order needs type or time");
            }
            o.order = (uint32_t)k;
        } else if (cli_option(a, "--size", &v)) {
            if (cli_parse_size(cli_value(argc, argv, &i, v), &o.target_bytes) != 0 ||
                o.target_bytes == 0) {
                return cli_usage("generate", "--size needs a size such as 100M or 1G");
            }
        } else if (cli_option(a, "-o", &v) || cli_option(a, "--output", &v)) {
            if (!(out = cli_value(argc, argv, &i, v))) {
                return cli_usage("generate", "-o needs a file name");
            }
        } else if (cli_option(a, "--db", &v)) {
            if (!(db = cli_value(argc, argv, &i, v))) {
                return cli_usage("generate", "--db needs a database path");
            }
        } else if (strcmp(a, "--zip") == 0) {
            zip = 1;
        } else {
            return cli_usage("generate", "unknown option '%s'", a);
        }
    }
    if (!out == !db) {
        return cli_usage("generate", "give exactly one of -o FILE and --db DB");
    }
    if (db && (zip || o.target_bytes)) {
        return cli_usage("generate", "--zip and --size go with -o, not --db");
    }
    if (zip && out && strcmp(out, "-") == 0) {
        return cli_usage("generate", "--zip needs a file, not standard output");
    }
    vt_error err;
    vt_error_clear(&err);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (db) {
        vt_store *store;
        vt_insert_stats stats = {0, 0};
        if (vt_store_open(db, NULL, &store, &err) != VT_OK) {
            return cli_fail(&err);
        }
        const vt_status st = vt_gen_store(&o, store, &stats, &err);
        vt_store_close(store);
        if (st != VT_OK) {
            return cli_fail(&err);
        }
        const double s = seconds_since(&t0);
        fprintf(stderr, "vitals: %s: %llu records inserted, %llu already present, %.2f s (%.0f rows/s)\n",
                db, (unsigned long long)stats.inserted, (unsigned long long)stats.duplicates, s,
                s > 0 ? (double)(stats.inserted + stats.duplicates) / s : 0.0);
        return CLI_OK;
    }
    vt_gen_xml_stats stats;
    memset(&stats, 0, sizeof stats);
    vt_status st;
    if (strcmp(out, "-") == 0) {
        st = vt_gen_write_xml(&o, stdout, &stats, &err);
    } else {
        st = vt_gen_write_file(&o, out, zip, &stats, &err);
    }
    if (st != VT_OK) {
        return cli_fail(&err);
    }
    const double s = seconds_since(&t0);
    fprintf(stderr, "vitals: %s: %llu records over %u days, %.1f MB of XML, %.2f s (%.0f MB/s)\n",
            out, (unsigned long long)stats.records, stats.days, (double)stats.bytes / 1e6, s,
            s > 0 ? (double)stats.bytes / 1e6 / s : 0.0);
    return CLI_OK;
}
