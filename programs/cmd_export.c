/* SPDX-License-Identifier: MIT */
/* vitals export: the records of an Apple Health export as CSV, straight from the reader. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_import.h"

static const char HELP[] =
    "usage: vitals export EXPORT [--format csv] [-o FILE] [--parser builtin|libxml2]\n\n"
    "Writes the Records of an Apple Health export (export.zip, export.xml, or - for standard\n"
    "input) as CSV, one line per record, without a database: type, source, source_version,\n"
    "unit, creation_date, start_date, end_date, value (a number or a category), device.\n\n"
    "  --format csv  the output format (csv is the only one)\n"
    "  -o FILE       write to FILE instead of standard output\n" CLI_PARSER_HELP;

/* Writes `s[0..len)` as one CSV field (RFC 4180: quoted when it holds , \" or a newline). */
static void field(FILE *out, const char *s, size_t len)
{
    if (strcspn(s, ",\"\r\n") >= len) {
        fwrite(s, 1, len, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') {
            fputc('"', out);
        }
        fputc(s[i], out);
    }
    fputc('"', out);
}

static void str_field(FILE *out, const vt_strpool *strings, uint32_t id)
{
    size_t len;
    const char *s = vt_strpool_get(strings, id, &len);
    field(out, s, len);
}

static void time_field(FILE *out, vt_time t, int present)
{
    if (present) {
        char buf[VT_TIME_BUFSZ];
        vt_time_format(t, buf);
        fputs(buf, out);
    }
}

static vt_status on_record(void *ctx, const vt_record *r, const vt_strpool *strings, vt_error *err)
{
    FILE *out = ctx;
    str_field(out, strings, r->type);
    fputc(',', out);
    str_field(out, strings, r->source);
    fputc(',', out);
    str_field(out, strings, r->source_version);
    fputc(',', out);
    str_field(out, strings, r->unit);
    fputc(',', out);
    time_field(out, r->created, (r->flags & VT_RECORD_HAS_CREATED) != 0);
    fputc(',', out);
    time_field(out, r->start, 1);
    fputc(',', out);
    time_field(out, r->end, 1);
    fputc(',', out);
    if ((r->flags & VT_RECORD_NUMERIC) && isfinite(r->value)) {
        /* The shortest of %.15g and %.17g that reads back as the same double. */
        char buf[40];
        snprintf(buf, sizeof buf, "%.15g", r->value);
        if (strtod(buf, NULL) != r->value) {
            snprintf(buf, sizeof buf, "%.17g", r->value);
        }
        fputs(buf, out);
    } else if (r->flags & VT_RECORD_CATEGORY) {
        str_field(out, strings, r->category);
    }
    fputc(',', out);
    str_field(out, strings, r->device);
    if (fputc('\n', out) == EOF) {
        snprintf(err->msg, sizeof err->msg, "writing the CSV: %s", strerror(errno));
        err->code = VT_ERR_IO;
        return VT_ERR_IO;
    }
    return VT_OK;
}

int cmd_export(int argc, char **argv)
{
    const char *input = NULL, *output = NULL, *format = "csv";
    vt_xml_parser parser = VT_XML_PARSER_DEFAULT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(HELP, stdout);
            return CLI_OK;
        } else if (cli_option(a, "--format", &v)) {
            if (!(format = cli_value(argc, argv, &i, v))) {
                return cli_usage("export", "--format needs a value");
            }
        } else if (cli_option(a, "-o", &v) || cli_option(a, "--output", &v)) {
            if (!(output = cli_value(argc, argv, &i, v))) {
                return cli_usage("export", "-o needs a path");
            }
        } else if (cli_option(a, "--parser", &v)) {
            if (cli_parse_parser(cli_value(argc, argv, &i, v), &parser) != 0) {
                return cli_usage("export", "--parser takes builtin or libxml2");
            }
        } else if ((a[0] != '-' || strcmp(a, "-") == 0) && !input) {
            input = a;
        } else {
            return cli_usage("export", "unexpected argument '%s'", a);
        }
    }
    if (!input) {
        return cli_usage("export", "needs an export (export.zip, export.xml or -)");
    }
    if (strcmp(format, "csv") != 0) {
        return cli_usage("export", "unknown format '%s' (only csv)", format);
    }
    FILE *out = stdout;
    if (output && strcmp(output, "-") != 0 && !(out = fopen(output, "w"))) {
        cli_error("%s: %s", output, strerror(errno));
        return CLI_FAIL;
    }
    static char buf[1 << 16];
    setvbuf(out, buf, _IOFBF, sizeof buf);
    fputs("type,source,source_version,unit,creation_date,start_date,end_date,value,device\n", out);
    vt_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.ctx = out;
    sink.record = on_record;
    vt_reader_options o;
    memset(&o, 0, sizeof o);
    o.skip_routes = 1;
    o.parser = parser;
    vt_error err;
    vt_error_clear(&err);
    const vt_status st = vt_read_export(input, &o, &sink, NULL, &err);
    const int write_failed = fflush(out) != 0 || ferror(out);
    if (out != stdout && fclose(out) != 0 && st == VT_OK) {
        cli_error("%s: %s", output, strerror(errno));
        return CLI_FAIL;
    }
    if (st != VT_OK) {
        return cli_fail(&err);
    }
    if (write_failed) {
        cli_error("%s: write failed", output ? output : "standard output");
        return CLI_FAIL;
    }
    return CLI_OK;
}
