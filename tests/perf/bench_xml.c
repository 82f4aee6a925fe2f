/* SPDX-License-Identifier: MIT */
/* The XML parsers side by side, on a generated export of each shape: 100 MB (10 MB in smoke
 * runs), or the files named by $VITALS_PERF_XML_APPLE and $VITALS_PERF_XML_DENSE (the 1 GB
 * measurements of docs/architecture.md). xml/tokenize_* and xml/libxml2_*: the XML layer
 * alone (the reader's byte filter, then the built-in tokenizer or libxml2's SAX2 push parser
 * set up as the reader sets it up, counting elements and attributes); it reaches the
 * tokenizer's internal header, alone in the suite. xml/read_*: the whole reader with each
 * parser (vt_read_export, every Record decoded), the public way. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "internal.h"
#include "perf_inputs.h"
#include "vbench/vbench.h"
#include "xml_tok.h"

#define BLOCK (256u * 1024u)

typedef struct xml_input {
    char path[4096];
    char *block; /* BLOCK and the tokenizer's padding */
    uint64_t bytes, elements, attributes;
} xml_input;

static xml_input apple, dense;

static int setup_input(vb_state *st, xml_input *in, int shape_dense)
{
    const char *env = getenv(shape_dense ? "VITALS_PERF_XML_DENSE" : "VITALS_PERF_XML_APPLE");
    vt_error err;
    const uint64_t bytes = vb_is_smoke(st) ? 10u * 1000 * 1000 : 100u * 1000 * 1000;
    if (env && *env) {
        snprintf(in->path, sizeof in->path, "%s", env);
    } else if ((shape_dense ? perf_export_dense(bytes, in->path, sizeof in->path, &err)
                            : perf_export(bytes, 0, 0, in->path, sizeof in->path, &err)) != 0) {
        return 1;
    }
    if (!in->block) {
        in->block = calloc(1, BLOCK + VT__XML_TOK_PADDING);
    }
    vb_set_context(st, in);
    return in->block ? 0 : 1;
}

static int setup_apple(vb_state *st)
{
    return setup_input(st, &apple, 0);
}

static int setup_dense(vb_state *st)
{
    return setup_input(st, &dense, 1);
}

/* Reads the file in blocks through the byte filter; each filtered block goes to `parse`.
 * Returns 0, or -1 when reading, filtering or parsing fails. */
static int read_filtered(xml_input *in, int (*parse)(void *ctx, char *data, size_t len), void *ctx)
{
    const int fd = open(in->path, O_RDONLY);
    if (fd < 0) {
        return -1;
    }
    vt__xml_filter f;
    vt__xml_filter_init(&f);
    size_t keep = 0;
    int rc = 0;
    for (;;) {
        const ssize_t n = read(fd, in->block + keep, BLOCK - keep);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = -1;
            break;
        }
        const size_t len = keep + (size_t)n;
        vt_error err;
        if (vt__xml_filter_run(&f, in->block, len, n == 0, &keep, "bench.xml", &err) != VT_OK ||
            parse(ctx, in->block, len - keep) != 0) {
            rc = -1;
            break;
        }
        memmove(in->block, in->block + len - keep, keep);
        in->bytes += (size_t)n;
        if (n == 0) {
            break;
        }
    }
    close(fd);
    return rc;
}

/* ---- the built-in tokenizer ---------------------------------------------------------- */

static int count_start(void *ctx, const vt__xml_tok_element *el)
{
    xml_input *in = ctx;
    in->elements++;
    in->attributes += el->attr_count;
    return 0;
}

static int tok_parse(void *ctx, char *data, size_t len)
{
    return vt__xml_tok_feed(ctx, data, len, NULL) == VT_OK ? 0 : -1;
}

static void tokenize(vb_state *st)
{
    xml_input *in = vb_context(st);
    int rc = 0;
    while (vb_loop(st)) {
        in->bytes = in->elements = in->attributes = 0;
        const vt__xml_tok_handler h = {in, count_start, NULL, NULL};
        vt__xml_tok *t = NULL;
        rc = vt__xml_tok_new("bench.xml", &h, &t, NULL) == VT_OK ? 0 : -1;
        if (rc == 0) {
            rc = read_filtered(in, tok_parse, t);
        }
        if (rc == 0 && vt__xml_tok_finish(t, NULL) != VT_OK) {
            rc = -1;
        }
        vt__xml_tok_free(t);
        vb_clobber();
    }
    vb_check(st, rc == 0 && in->elements > 0, "the export tokenizes");
    vb_set_bytes(st, (double)in->bytes);
    vb_set_items(st, (double)in->elements);
}

/* ---- libxml2 ------------------------------------------------------------------------- */

static void lx_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    (void)localname;
    (void)prefix;
    (void)uri;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_defaulted;
    (void)attributes;
    xml_input *in = ctx;
    in->elements++;
    in->attributes += (uint64_t)nb_attributes;
}

static void lx_error(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

static int lx_parse(void *ctx, char *data, size_t len)
{
    return xmlParseChunk(ctx, data, (int)len, 0) == 0 ? 0 : -1;
}

static void libxml2_sax(vb_state *st)
{
    xml_input *in = vb_context(st);
    int rc = 0;
    while (vb_loop(st)) {
        in->bytes = in->elements = in->attributes = 0;
        xmlSAXHandler sax;
        memset(&sax, 0, sizeof sax);
        sax.initialized = XML_SAX2_MAGIC;
        sax.startElementNs = lx_start;
        sax.serror = lx_error;
        xmlParserCtxtPtr c = xmlCreatePushParserCtxt(&sax, in, NULL, 0, "bench.xml");
        rc = c ? 0 : -1;
        if (c) {
            xmlCtxtUseOptions(c, XML_PARSE_NOENT | XML_PARSE_NONET | XML_PARSE_NOERROR |
                                     XML_PARSE_NOWARNING);
            rc = read_filtered(in, lx_parse, c);
            if (rc == 0 && xmlParseChunk(c, "", 0, 1) != 0) {
                rc = -1;
            }
            xmlFreeParserCtxt(c);
        }
        vb_clobber();
    }
    vb_check(st, rc == 0 && in->elements > 0, "libxml2 reads the export");
    vb_set_bytes(st, (double)in->bytes);
    vb_set_items(st, (double)in->elements);
}

static void tokenize_apple(vb_state *st)
{
    tokenize(st);
}
VB_BENCHMARK(tokenize_apple, .group = "xml", .marks = "performance,xml", .setup = setup_apple,
             .max_rss_mb = IMPORT_MAX_RSS_MB);

static void libxml2_apple(vb_state *st)
{
    libxml2_sax(st);
}
VB_BENCHMARK(libxml2_apple, .group = "xml", .marks = "performance,xml", .setup = setup_apple,
             .max_rss_mb = IMPORT_MAX_RSS_MB);

static void tokenize_dense(vb_state *st)
{
    tokenize(st);
}
VB_BENCHMARK(tokenize_dense, .group = "xml", .marks = "performance,xml", .setup = setup_dense,
             .max_rss_mb = IMPORT_MAX_RSS_MB);

static void libxml2_dense(vb_state *st)
{
    libxml2_sax(st);
}
VB_BENCHMARK(libxml2_dense, .group = "xml", .marks = "performance,xml", .setup = setup_dense,
             .max_rss_mb = IMPORT_MAX_RSS_MB);

/* ---- the whole reader: parse and decode (the "import/read_export") ------------- */

/* vt_read_export with `parser`: every Record decoded and counted, its value summed. */
static void read_with(vb_state *st, vt_xml_parser parser)
{
    const xml_input *in = vb_context(st);
    vt_reader_options o;
    memset(&o, 0, sizeof o);
    o.parser = parser;
    vt_read_stats stats;
    const vt_status rc = perf_read_timed(st, in->path, &o, &stats);
    vb_check(st, rc == VT_OK && stats.summary.records > 0, "the export reads");
    vb_set_bytes(st, (double)stats.summary.bytes);
    vb_set_items(st, (double)stats.summary.records);
}

static void read_apple_builtin(vb_state *st)
{
    read_with(st, VT_XML_PARSER_BUILTIN);
}
VB_BENCHMARK(read_apple_builtin, .group = "xml", .marks = "performance,xml,import",
             .setup = setup_apple, .max_rss_mb = IMPORT_MAX_RSS_MB);

static void read_apple_libxml2(vb_state *st)
{
    read_with(st, VT_XML_PARSER_LIBXML2);
}
VB_BENCHMARK(read_apple_libxml2, .group = "xml", .marks = "performance,xml,import",
             .setup = setup_apple, .max_rss_mb = IMPORT_MAX_RSS_MB);

static void read_dense_builtin(vb_state *st)
{
    read_with(st, VT_XML_PARSER_BUILTIN);
}
VB_BENCHMARK(read_dense_builtin, .group = "xml", .marks = "performance,xml,import",
             .setup = setup_dense, .max_rss_mb = IMPORT_MAX_RSS_MB);

static void read_dense_libxml2(vb_state *st)
{
    read_with(st, VT_XML_PARSER_LIBXML2);
}
VB_BENCHMARK(read_dense_libxml2, .group = "xml", .marks = "performance,xml,import",
             .setup = setup_dense, .max_rss_mb = IMPORT_MAX_RSS_MB);
