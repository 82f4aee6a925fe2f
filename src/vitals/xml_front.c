/* SPDX-License-Identifier: MIT */
/* The XML front end (xml_front.h): the engine chosen at run time, and the reference engine,
 * libxml2's SAX2 push parser, with its set-up, its feeding and its error adapters. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "internal.h"
#include "xml_front.h"

/* ---- libxml2 ------------------------------------------------------------------------- */

/* Attributes kept without growing: Apple's elements have at most about a dozen. */
enum { LX_ATTRS = 32 };

typedef struct lx {
    const vt__xml_events *ev;
    xmlSAXHandler sax;
    xmlParserCtxtPtr ctxt;
    int done; /* an error was reported or the consumer stopped: no more events */
    vt__xml_attr *attrs;
    size_t attrs_cap;
    char generic[200]; /* the first line libxml2 sent to its generic error handler */
} lx;

static uint32_t lx_line(const void *state)
{
    const lx *x = state;
    return x->ctxt && x->ctxt->input ? (uint32_t)x->ctxt->input->line : 0;
}

static uint32_t lx_column(const void *state)
{
    const lx *x = state;
    return x->ctxt && x->ctxt->input ? (uint32_t)x->ctxt->input->col : 0;
}

static void lx_report(lx *x, vt_status code, const char *message, uint32_t line, uint32_t column,
                      int decoding)
{
    x->done = 1;
    vt__xml_error e;
    e.code = code;
    e.message = message;
    e.line = line;
    e.column = column;
    e.decoding = decoding;
    x->ev->error(x->ev->ctx, &e);
}

static void lx_stop(void *state)
{
    lx *x = state;
    x->done = 1;
    if (x->ctxt) {
        xmlStopParser(x->ctxt);
    }
}

/* libxml2's namespace-aware start tag: attributes come as five pointers each (local name,
 * prefix, URI, value, end of value), the value not NUL-terminated. */
static void lx_start(void *user, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted, const xmlChar **a)
{
    lx *x = user;
    (void)prefix;
    (void)uri;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_defaulted;
    if (x->done) {
        return;
    }
    const size_t n = nb_attributes > 0 ? (size_t)nb_attributes : 0;
    if (VT__UNLIKELY(n > x->attrs_cap) &&
        vt__grow((void **)&x->attrs, &x->attrs_cap, n, sizeof *x->attrs) != 0) {
        lx_report(x, VT_ERR_NOMEM, "out of memory", lx_line(x), lx_column(x), 0);
        xmlStopParser(x->ctxt);
        return;
    }
    for (size_t i = 0; i < n; i++, a += 5) {
        x->attrs[i].name = (const char *)a[0];
        x->attrs[i].value = (const char *)a[3];
        x->attrs[i].len = (size_t)(a[4] - a[3]);
        x->attrs[i].name_len = strlen(x->attrs[i].name);
    }
    x->ev->start(x->ev->ctx, (const char *)localname, x->attrs, n);
}

static void lx_end(void *user, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    lx *x = user;
    (void)prefix;
    (void)uri;
    if (!x->done) {
        x->ev->end(x->ev->ctx, (const char *)localname);
    }
}

static void lx_text(void *user, const xmlChar *ch, int len)
{
    lx *x = user;
    if (!x->done && len > 0) {
        x->ev->text(x->ev->ctx, (const char *)ch, (size_t)len);
    }
}

/* libxml2's structured error callback: its errors with the parser's position. Warnings are
 * not errors of the document. */
static void lx_error(void *user, xmlErrorPtr e)
{
    lx *x = user;
    if (!e || e->level < XML_ERR_ERROR || x->done) {
        return;
    }
    char msg[200];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "XML error");
    msg[strcspn(msg, "\r\n")] = '\0';
    if (strstr(msg, "Huge input lookup") || strstr(msg, "length too long")) {
        /* libxml2 without XML_PARSE_HUGE refuses text and attribute values over 10 MB. */
        snprintf(msg, sizeof msg, "a value or text longer than libxml2's 10 MB limit");
    }
    const uint32_t line = e->line > 0 ? (uint32_t)e->line : lx_line(x);
    const uint32_t col = e->int2 > 0 ? (uint32_t)e->int2 : lx_column(x);
    lx_report(x, VT_ERR_PARSE, msg, line, col, 0);
}

/* libxml2 reports some errors (encoding conversion, I/O) without a parser context, through
 * its generic handler, which prints to stderr. While a chunk is parsed, that handler is this
 * one: the first line is kept for the error, nothing is printed. */
static void lx_generic_error(void *user, const char *fmt, ...)
{
    lx *x = user;
    const size_t have = strlen(x->generic);
    if (have > 0 && x->generic[have - 1] == '\n') {
        return; /* the first line is complete */
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->generic + have, sizeof x->generic - have, fmt, ap);
    va_end(ap);
}

static vt_status lx_open(const vt__xml_events *events, const char *name, void **state,
                         vt_error *err)
{
    lx *x = vt__calloc(1, sizeof *x);
    if (!x || !(x->attrs = vt__malloc(LX_ATTRS * sizeof *x->attrs))) {
        vt__free(x);
        return vt__nomem(err);
    }
    x->attrs_cap = LX_ATTRS;
    x->ev = events;
    x->sax.initialized = XML_SAX2_MAGIC;
    x->sax.startElementNs = lx_start;
    x->sax.endElementNs = lx_end;
    /* Without a `characters` handler libxml2 does not hand text over at all. */
    x->sax.characters = events->text ? lx_text : NULL;
    x->sax.serror = lx_error;
    x->ctxt = xmlCreatePushParserCtxt(&x->sax, x, NULL, 0, name);
    if (!x->ctxt) {
        vt__free(x->attrs);
        vt__free(x);
        return vt__error(err, VT_ERR_NOMEM, "cannot create the XML parser");
    }
    /* No DTD loading, no network, libxml2's own limits kept (no XML_PARSE_HUGE); errors
     * come to lx_error only. XML_PARSE_NOENT is set because without it libxml2 hands `&amp;`
     * in attribute values over as the five bytes "&#38;". It substitutes nothing else: the
     * reader blanks the DTD before the parser, and this SAX handler has no getEntity or
     * entityDecl, so any other entity is undeclared (an error), never expanded or fetched
     * (see docs/architecture.md). */
    xmlCtxtUseOptions(x->ctxt,
                      XML_PARSE_NOENT | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    *state = x;
    return VT_OK;
}

/* xmlParseChunk with the generic handler redirected (the handler is per thread). */
static int parse_chunk(lx *x, const char *data, int len, int last)
{
    const xmlGenericErrorFunc saved = xmlGenericError;
    void *const saved_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(x, lx_generic_error);
    const int rc = xmlParseChunk(x->ctxt, data, len, last);
    xmlSetGenericErrorFunc(saved_ctx, saved);
    return rc;
}

static int lx_parse(void *state, const char *data, size_t len, int last)
{
    lx *x = state;
    while (!x->done && (len > 0 || last)) {
        /* xmlParseChunk takes an int: feed at most 1 GiB at a time. */
        const size_t n = len > (1u << 30) ? (1u << 30) : len;
        const int end = last && n == len;
        const int rc = parse_chunk(x, data, (int)n, end);
        if (x->done) {
            break;
        }
        if (rc != 0) {
            /* An error without a parser context: libxml2's generic message, on one line. */
            char msg[sizeof x->generic + 32];
            x->generic[strcspn(x->generic, "\r\n")] = '\0';
            if (x->generic[0]) {
                snprintf(msg, sizeof msg, "%s", x->generic);
            } else {
                snprintf(msg, sizeof msg, "XML error %d", rc);
            }
            lx_report(x, VT_ERR_PARSE, msg, lx_line(x), lx_column(x), 1);
            break;
        }
        data += n;
        len -= n;
        if (end) {
            break;
        }
    }
    return !x->done;
}

static void lx_close(void *state)
{
    lx *x = state;
    if (!x) {
        return;
    }
    if (x->ctxt) {
        /* A document libxml2 built on its own (with XML_PARSE_NOENT, to hold a declared
           entity) is the caller's to free; the reader blanks the DTD, but an input fed to
           this back end directly may declare one. */
        if (x->ctxt->myDoc) {
            xmlFreeDoc(x->ctxt->myDoc);
            x->ctxt->myDoc = NULL;
        }
        xmlFreeParserCtxt(x->ctxt);
    }
    vt__free(x->attrs);
    vt__free(x);
}

const vt__xml_backend vt__xml_libxml2_backend = {"libxml2", lx_open, lx_parse,  NULL,
                                                 lx_stop,   lx_line, lx_column, lx_close};

/* ---- the engine chosen at run time ---------------------------------------------------- */

static const vt__xml_backend *const ENGINES[VT__XML_ENGINE_COUNT] = {&vt__xml_libxml2_backend,
                                                                     &vt__xml_builtin_backend};

struct vt__xml_parser {
    const vt__xml_backend *backend;
    void *state;
    vt__xml_events events;
};

const char *vt__xml_engine_name(vt__xml_engine engine)
{
    return (unsigned)engine < VT__XML_ENGINE_COUNT ? ENGINES[engine]->name : "unknown";
}

vt_status vt__xml_parser_new(vt__xml_engine engine, const vt__xml_events *events, const char *name,
                             vt__xml_parser **out, vt_error *err)
{
    *out = NULL;
    if ((unsigned)engine >= VT__XML_ENGINE_COUNT) {
        return vt__error(err, VT_ERR_INVALID, "no XML engine %d in this build", (int)engine);
    }
    vt__xml_parser *p = vt__calloc(1, sizeof *p);
    if (!p) {
        return vt__nomem(err);
    }
    p->backend = ENGINES[engine];
    p->events = *events;
    const vt_status st = p->backend->open(&p->events, name, &p->state, err);
    if (st != VT_OK) {
        vt__free(p);
        return st;
    }
    *out = p;
    return VT_OK;
}

void vt__xml_parser_free(vt__xml_parser *p)
{
    if (!p) {
        return;
    }
    p->backend->close(p->state);
    vt__free(p);
}

int vt__xml_parse(vt__xml_parser *p, const char *data, size_t len, int last)
{
    return p->backend->parse(p->state, data, len, last);
}

int vt__xml_parse_block(vt__xml_parser *p, char *data, size_t len, int last)
{
    return p->backend->parse_block ? p->backend->parse_block(p->state, data, len, last)
                                   : p->backend->parse(p->state, data, len, last);
}

void vt__xml_stop(vt__xml_parser *p)
{
    p->backend->stop(p->state);
}

uint32_t vt__xml_line(const vt__xml_parser *p)
{
    return p->backend->line(p->state);
}

uint32_t vt__xml_column(const vt__xml_parser *p)
{
    return p->backend->column(p->state);
}
