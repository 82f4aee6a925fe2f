/* SPDX-License-Identifier: MIT */
/* vitals info EXPORT: what an export holds, read in one pass without a database. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_import.h"

typedef struct type_count {
    char *name; /* copied: the reader's pool is gone when the counts are printed */
    uint64_t count;
    int64_t first, last; /* UTC start seconds */
    vt_time first_t, last_t;
} type_count;

typedef struct info_tally {
    type_count *by_type; /* indexed by string id */
    size_t cap;
} info_tally;

static vt_status count_record(void *ctx, const vt_record *r, const vt_strpool *strings,
                              vt_error *err)
{
    info_tally *t = ctx;
    if (r->type >= t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        while (cap <= r->type) {
            cap *= 2;
        }
        type_count *p = realloc(t->by_type, cap * sizeof *p);
        if (!p) {
            snprintf(err->msg, sizeof err->msg, "out of memory");
            err->code = VT_ERR_NOMEM;
            return VT_ERR_NOMEM;
        }
        memset(p + t->cap, 0, (cap - t->cap) * sizeof *p);
        t->by_type = p;
        t->cap = cap;
    }
    type_count *c = &t->by_type[r->type];
    if (!c->name) {
        const char *name = vt_strpool_get(strings, r->type, NULL);
        if (!(c->name = malloc(strlen(name) + 1))) {
            snprintf(err->msg, sizeof err->msg, "out of memory");
            err->code = VT_ERR_NOMEM;
            return VT_ERR_NOMEM;
        }
        strcpy(c->name, name);
    }
    if (c->count == 0 || r->start.utc < c->first) {
        c->first = r->start.utc;
        c->first_t = r->start;
    }
    if (c->count == 0 || r->start.utc > c->last) {
        c->last = r->start.utc;
        c->last_t = r->start;
    }
    c->count++;
    return VT_OK;
}

int vitals_is_export(const char *path)
{
    if (strcmp(path, "-") == 0) {
        return 1;
    }
    const int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return 0;
    }
    char head[16] = {0};
    const ssize_t n = read(fd, head, sizeof head);
    close(fd);
    if (n >= 4 && memcmp(head, "PK\003\004", 4) == 0) {
        return 1;
    }
    for (ssize_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)head[i];
        if (c == '<') {
            return 1;
        }
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != 0xEF && c != 0xBB &&
            c != 0xBF) {
            return 0;
        }
    }
    return 0;
}

static const char HELP[] = "usage: vitals info EXPORT [--parser builtin|libxml2]\n\n"
                           "Reads an Apple Health export (export.zip, export.xml, or -) in one "
                           "pass and prints\nits counts per element kind and per record type, "
                           "with first and last days.\n\n" CLI_PARSER_HELP;

int vitals_info_export(int argc, char **argv)
{
    const char *input = NULL;
    vt_xml_parser parser = VT_XML_PARSER_DEFAULT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(HELP, stdout);
            return CLI_OK;
        } else if (cli_option(a, "--parser", &v)) {
            if (cli_parse_parser(cli_value(argc, argv, &i, v), &parser) != 0) {
                return cli_usage("info", "--parser takes builtin or libxml2");
            }
        } else if ((a[0] != '-' || strcmp(a, "-") == 0) && !input) {
            input = a;
        } else {
            return cli_usage("info", "unexpected argument '%s'", a);
        }
    }
    if (!input) {
        return cli_usage("info", "needs an export or a database");
    }
    info_tally t = {NULL, 0};
    vt_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.ctx = &t;
    sink.record = count_record;
    vt_error err;
    vt_error_clear(&err);
    vt_read_stats st;
    vt_reader_options o;
    memset(&o, 0, sizeof o);
    o.parser = parser;
    const vt_status rc = vt_read_export(input, &o, &sink, &st, &err);
    if (rc == VT_OK) {
        const vt_export_summary *x = &st.summary;
        const struct {
            const char *kind;
            uint64_t n;
        } kinds[] = {{"records", x->records},
                     {"metadata_entries", x->metadata_entries},
                     {"beats", x->beats},
                     {"correlations", x->correlations},
                     {"correlation_members", x->correlation_members},
                     {"workouts", x->workouts},
                     {"workout_events", x->workout_events},
                     {"workout_statistics", x->workout_statistics},
                     {"workout_routes", x->workout_routes},
                     {"route_points", x->route_points},
                     {"activity_summaries", x->activity_summaries},
                     {"other_elements", x->other_elements},
                     {"control_chars_replaced", x->control_chars}};
        printf("export\t%s%s%s\nbytes\t%llu\n", input, st.member[0] ? ":" : "", st.member,
               (unsigned long long)x->bytes);
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
            printf("%s\t%llu\n", kinds[i].kind, (unsigned long long)kinds[i].n);
        }
        if (x->has_first) {
            char a[VT_DAY_BUFSZ], b[VT_DAY_BUFSZ];
            vt_day_format(vt_time_local_day(x->first_start), a);
            vt_day_format(vt_time_local_day(x->last_start), b);
            printf("first_day\t%s\nlast_day\t%s\n", a, b);
        }
        printf("\ntype\trecords\tfirst_day\tlast_day\n");
        for (size_t i = 0; i < t.cap; i++) {
            const type_count *c = &t.by_type[i];
            if (c->count) {
                char a[VT_DAY_BUFSZ], b[VT_DAY_BUFSZ];
                vt_day_format(vt_time_local_day(c->first_t), a);
                vt_day_format(vt_time_local_day(c->last_t), b);
                printf("%s\t%llu\t%s\t%s\n", c->name, (unsigned long long)c->count, a, b);
            }
        }
    }
    for (size_t i = 0; i < t.cap; i++) {
        free(t.by_type[i].name);
    }
    free(t.by_type);
    return rc == VT_OK ? CLI_OK : cli_fail(&err);
}
