/* SPDX-License-Identifier: MIT */
/* GPX 1.1 workout routes (the workout-routes GPX files of export.zip) to route points, streamed
 * through the XML front end (xml_front.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gpx_internal.h"
#include "internal.h"

#define GPX_BATCH 1024

enum { F_NONE, F_ELE, F_TIME, F_SPEED, F_COURSE, F_HACC, F_VACC };

typedef struct gpx {
    vt_reader *reader;
    vt__xml_parser *xml;
    const char *name;
    uint32_t ref;
    vt_status status;
    vt_error err;
    uint32_t depth;
    int in_point, field;
    char text[64];
    size_t text_len;
    vt_route_point points[GPX_BATCH];
    size_t count;
} gpx;

static void gpx_fail(gpx *g, vt_status st, const char *what)
{
    if (g->status != VT_OK) {
        return;
    }
    const uint32_t line = vt__xml_line(g->xml);
    const uint32_t col = vt__xml_column(g->xml);
    g->status = st;
    vt__error_at(&g->err, st, 0, line, col, "%s:%u:%u: %s", g->name, line, col, what);
    vt__xml_stop(g->xml);
}

static void on_error(void *ctx, const vt__xml_error *e)
{
    gpx *g = ctx;
    if (g->status != VT_OK) {
        return;
    }
    g->status = e->code;
    vt__error_at(&g->err, e->code, 0, e->line, e->column, "%s:%u:%u: %s", g->name, e->line,
                 e->column, e->message);
}

static void flush(gpx *g)
{
    if (g->count && g->status == VT_OK) {
        vt_error e = {0};
        const vt_status st = vt__reader_points(g->reader, g->ref, g->points, g->count, &e);
        if (st != VT_OK) {
            g->status = st;
            g->err = e;
            vt__xml_stop(g->xml);
        }
    }
    g->count = 0;
}

static double num(const char *s, size_t len)
{
    double v;
    return vt__parse_decimal(s, len, &v) ? v : NAN;
}

static void on_start(void *ctx, const char *n, const vt__xml_attr *a, size_t nb)
{
    gpx *g = ctx;
    if (g->status != VT_OK) {
        return;
    }
    if (++g->depth > VT_READER_MAX_DEPTH) {
        gpx_fail(g, VT_ERR_LIMIT, "elements nested too deep");
        return;
    }
    if (g->depth == 1 && strcmp(n, "gpx") != 0) {
        gpx_fail(g, VT_ERR_FORMAT, "root element is not <gpx>");
        return;
    }
    if (strcmp(n, "trkpt") == 0) {
        vt_route_point *p = &g->points[g->count];
        p->utc_ms = INT64_MIN;
        p->latitude = p->longitude = p->elevation = p->speed = p->course = NAN;
        p->horizontal_accuracy = p->vertical_accuracy = NAN;
        for (size_t i = 0; i < nb; i++, a++) {
            if (strcmp(a->name, "lat") == 0) {
                p->latitude = num(a->value, a->len);
            } else if (strcmp(a->name, "lon") == 0) {
                p->longitude = num(a->value, a->len);
            }
        }
        g->in_point = 1;
        return;
    }
    if (!g->in_point) {
        return;
    }
    g->text_len = 0;
    g->field = strcmp(n, "ele") == 0      ? F_ELE
               : strcmp(n, "time") == 0   ? F_TIME
               : strcmp(n, "speed") == 0  ? F_SPEED
               : strcmp(n, "course") == 0 ? F_COURSE
               : strcmp(n, "hAcc") == 0   ? F_HACC
               : strcmp(n, "vAcc") == 0   ? F_VACC
                                          : F_NONE;
}

static void on_text(void *ctx, const char *text, size_t len)
{
    gpx *g = ctx;
    if (g->field == F_NONE) {
        return;
    }
    if (g->text_len + len < sizeof g->text) {
        memcpy(g->text + g->text_len, text, len);
        g->text_len += len;
    }
}

static void on_end(void *ctx, const char *name)
{
    gpx *g = ctx;
    if (g->status != VT_OK) {
        return;
    }
    g->depth--;
    if (!g->in_point) {
        return;
    }
    if (strcmp(name, "trkpt") == 0) {
        g->in_point = 0;
        if (++g->count == GPX_BATCH) {
            flush(g);
        }
        return;
    }
    vt_route_point *p = &g->points[g->count];
    const double v = num(g->text, g->text_len);
    switch (g->field) {
    case F_ELE:
        p->elevation = v;
        break;
    case F_SPEED:
        p->speed = v;
        break;
    case F_COURSE:
        p->course = v;
        break;
    case F_HACC:
        p->horizontal_accuracy = v;
        break;
    case F_VACC:
        p->vertical_accuracy = v;
        break;
    case F_TIME:
        if (!vt__parse_iso_ms(g->text, g->text_len, &p->utc_ms)) {
            gpx_fail(g, VT_ERR_PARSE, "invalid <time> in trkpt");
        }
        break;
    default:
        break;
    }
    g->field = F_NONE;
}

vt_status vt__gpx_read(vt_reader *reader, uint32_t ref, const char *name, vt__read_fn read,
                       void *read_ctx, vt_error *err)
{
    gpx *g = vt__calloc(1, sizeof *g);
    if (!g) {
        return vt__nomem(err);
    }
    g->reader = reader;
    g->name = name;
    g->ref = ref;
    vt__xml_events events;
    events.ctx = g;
    events.start = on_start;
    events.end = on_end;
    events.text = on_text;
    events.error = on_error;
    vt_status st = vt__xml_parser_new(vt__reader_xml_engine(reader), &events, name, &g->xml, err);
    if (st != VT_OK) {
        vt__free(g);
        return st;
    }
    char buf[64 * 1024];
    for (;;) {
        const long n = read(read_ctx, buf, sizeof buf, err);
        if (n < 0) {
            st = err ? err->code : VT_ERR_IO;
            break;
        }
        if (!vt__xml_parse(g->xml, buf, (size_t)n, n == 0) || n == 0) {
            break;
        }
    }
    if (st == VT_OK && g->status == VT_OK) {
        flush(g);
    }
    if (st == VT_OK && g->status != VT_OK) {
        st = g->status;
        if (err) {
            *err = g->err;
        }
    }
    vt__xml_parser_free(g->xml);
    vt__free(g);
    return st;
}
