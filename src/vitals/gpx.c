/* SPDX-License-Identifier: MIT */
/* GPX 1.1 workout routes (the workout-routes GPX files of export.zip) to route points, streamed
 * through libxml2's SAX2 push parser. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "gpx_internal.h"
#include "internal.h"

#define GPX_BATCH 1024

enum { F_NONE, F_ELE, F_TIME, F_SPEED, F_COURSE, F_HACC, F_VACC };

typedef struct gpx {
    vt_reader *reader;
    xmlParserCtxtPtr ctxt;
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
    const uint32_t line = g->ctxt && g->ctxt->input ? (uint32_t)g->ctxt->input->line : 0;
    const uint32_t col = g->ctxt && g->ctxt->input ? (uint32_t)g->ctxt->input->col : 0;
    g->status = st;
    vt__error_at(&g->err, st, 0, line, col, "%s:%u:%u: %s", g->name, line, col, what);
    if (g->ctxt) {
        xmlStopParser(g->ctxt);
    }
}

static void gpx_error(void *user, xmlErrorPtr e)
{
    gpx *g = user;
    if (!e || e->level < XML_ERR_ERROR || g->status != VT_OK) {
        return;
    }
    char msg[200];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "XML error");
    msg[strcspn(msg, "\r\n")] = '\0';
    g->status = VT_ERR_PARSE;
    vt__error_at(&g->err, VT_ERR_PARSE, 0, (uint32_t)e->line, (uint32_t)e->int2, "%s:%d:%d: %s",
                 g->name, e->line, e->int2, msg);
}

static void flush(gpx *g)
{
    if (g->count && g->status == VT_OK) {
        vt_error e = {0};
        const vt_status st = vt__reader_points(g->reader, g->ref, g->points, g->count, &e);
        if (st != VT_OK) {
            g->status = st;
            g->err = e;
            xmlStopParser(g->ctxt);
        }
    }
    g->count = 0;
}

static double num(const char *s, size_t len)
{
    double v;
    return vt__parse_decimal(s, len, &v) ? v : NAN;
}

static void on_start(void *user, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted, const xmlChar **a)
{
    gpx *g = user;
    const char *n = (const char *)localname;
    (void)prefix;
    (void)uri;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_defaulted;
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
        for (int i = 0; i < nb_attributes; i++, a += 5) {
            const size_t len = (size_t)(a[4] - a[3]);
            if (strcmp((const char *)a[0], "lat") == 0) {
                p->latitude = num((const char *)a[3], len);
            } else if (strcmp((const char *)a[0], "lon") == 0) {
                p->longitude = num((const char *)a[3], len);
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

static void on_text(void *user, const xmlChar *ch, int len)
{
    gpx *g = user;
    if (g->field == F_NONE || len <= 0) {
        return;
    }
    const size_t n = (size_t)len;
    if (g->text_len + n < sizeof g->text) {
        memcpy(g->text + g->text_len, ch, n);
        g->text_len += n;
    }
}

static void on_end(void *user, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    gpx *g = user;
    (void)prefix;
    (void)uri;
    if (g->status != VT_OK) {
        return;
    }
    g->depth--;
    if (!g->in_point) {
        return;
    }
    if (strcmp((const char *)localname, "trkpt") == 0) {
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

static void ignore_generic_error(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
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
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.serror = gpx_error;
    g->ctxt = xmlCreatePushParserCtxt(&sax, g, NULL, 0, name);
    vt_status st = VT_OK;
    if (!g->ctxt) {
        st = vt__error(err, VT_ERR_NOMEM, "cannot create the XML parser");
        vt__free(g);
        return st;
    }
    /* As in reader.c: NOENT only decodes `&amp;`; without getEntity/entityDecl handlers no
     * other entity is ever expanded. */
    xmlCtxtUseOptions(g->ctxt,
                      XML_PARSE_NOENT | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    char buf[64 * 1024];
    for (;;) {
        const long n = read(read_ctx, buf, sizeof buf, err);
        if (n < 0) {
            st = err ? err->code : VT_ERR_IO;
            break;
        }
        /* libxml2's context-free errors (encoding) would print to stderr: keep them quiet;
         * the parse fails and is reported as malformed GPX all the same. */
        const xmlGenericErrorFunc saved = xmlGenericError;
        void *const saved_ctx = xmlGenericErrorContext;
        xmlSetGenericErrorFunc(NULL, ignore_generic_error);
        const int rc = xmlParseChunk(g->ctxt, buf, (int)n, n == 0);
        xmlSetGenericErrorFunc(saved_ctx, saved);
        if (g->status == VT_OK && rc != 0) {
            gpx_fail(g, VT_ERR_PARSE, "malformed GPX");
        }
        if (g->status != VT_OK || n == 0) {
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
    xmlFreeParserCtxt(g->ctxt);
    vt__free(g);
    return st;
}
