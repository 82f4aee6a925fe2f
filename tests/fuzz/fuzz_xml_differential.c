/* SPDX-License-Identifier: MIT */
/* Differential fuzz target: the same bytes, after the reader's byte filter, through the
 * built-in tokenizer (xml_tok.c) and through libxml2's push parser set up as the reader sets
 * it up. Both must accept or both refuse, and when they accept they must send the same
 * events: element names, prefixes and namespaces, attributes in order with their values,
 * character data, end tags. The first byte picks the tokenizer's chunk size. Aborts, with
 * both event logs on stderr, on any difference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "fuzz_target.h"
#include "internal.h"
#include "xml_tok.h"

/* ---- event logs ---------------------------------------------------------------------- */

typedef struct log {
    unsigned char *bytes;
    size_t len, cap;
    unsigned char *text; /* character data not yet logged: neighbours merge */
    size_t text_len, text_cap;
    int with_text;
    struct log *tags; /* also gets the element events, when not NULL */
} log_t;

/* Appends n bytes to a growing buffer (aborts when memory runs out). */
static void append(unsigned char **buf, size_t *len, size_t *cap, const void *p, size_t n)
{
    if (n == 0) {
        return; /* libxml2 gives an empty CDATA section as ("", 0); the buffer may be NULL */
    }
    if (*len + n > *cap) {
        size_t c = *cap ? *cap * 2 : 4096;
        while (c < *len + n) {
            c *= 2;
        }
        *buf = realloc(*buf, c);
        if (!*buf) {
            abort();
        }
        *cap = c;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
}

static void put(log_t *l, const void *p, size_t n)
{
    append(&l->bytes, &l->len, &l->cap, p, n);
}

/* A string, quoted, its bytes outside printable ASCII escaped; NULL as '-'. Records are
 * lines: the logs read as text when they differ. */
static void put_str(log_t *l, const char *s, size_t n)
{
    if (!s) {
        put(l, " -", 2);
        return;
    }
    put(l, " \"", 2);
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            put(l, &c, 1);
        } else {
            char esc[8];
            snprintf(esc, sizeof esc, "\\x%02x", c);
            put(l, esc, 4);
        }
    }
    put(l, "\"", 1);
}

static void put_num(log_t *l, uint32_t n)
{
    char b[16];
    const int k = snprintf(b, sizeof b, " %u", n);
    put(l, b, (size_t)k);
}

static void put_cstr(log_t *l, const char *s)
{
    put_str(l, s, s ? strlen(s) : 0);
}

static void add_text(log_t *l, const void *p, size_t n)
{
    if (l->with_text) {
        append(&l->text, &l->text_len, &l->text_cap, p, n);
    }
}

static void flush_text(log_t *l)
{
    if (l->text_len) {
        put(l, "T", 1);
        put_str(l, (const char *)l->text, l->text_len);
        put(l, "\n", 1);
        l->text_len = 0;
    }
}

static void free_log(log_t *l)
{
    free(l->bytes);
    free(l->text);
}

/* ---- the built-in tokenizer ---------------------------------------------------------- */

static char tok_msg[300]; /* its last answer, for the report of a difference */

static void log_start(log_t *l, const vt__xml_tok_element *el)
{
    flush_text(l);
    put(l, "S", 1);
    put_str(l, el->name, el->name_len);
    put_cstr(l, el->prefix);
    put_cstr(l, el->uri);
    put_num(l, el->ns_count);
    for (uint32_t i = 0; i < el->ns_count; i++) {
        put_cstr(l, el->ns[i].prefix);
        put_cstr(l, el->ns[i].uri);
    }
    put_num(l, el->attr_count);
    for (uint32_t i = 0; i < el->attr_count; i++) {
        const vt__xml_tok_attr *a = &el->attrs[i];
        /* NUL-terminated as promised, and the lengths agree. */
        if (strlen(a->name) != a->name_len || a->value[a->value_len] != '\0') {
            abort();
        }
        put_str(l, a->name, a->name_len);
        put_cstr(l, a->prefix);
        put_cstr(l, a->uri);
        put_str(l, a->value, a->value_len);
    }
    put(l, "\n", 1);
}

static int tok_start(void *ctx, const vt__xml_tok_element *el)
{
    log_t *l = ctx;
    log_start(l, el);
    if (l->tags) {
        log_start(l->tags, el);
    }
    return 0;
}

static void log_end(log_t *l, const vt__xml_tok_element *el)
{
    flush_text(l);
    put(l, "E", 1);
    put_str(l, el->name, el->name_len);
    put_cstr(l, el->prefix);
    put_cstr(l, el->uri);
    put(l, "\n", 1);
}

static int tok_end(void *ctx, const vt__xml_tok_element *el)
{
    log_t *l = ctx;
    log_end(l, el);
    if (l->tags) {
        log_end(l->tags, el);
    }
    return 0;
}

static int tok_text(void *ctx, const char *s, size_t len)
{
    add_text(ctx, s, len);
    return 0;
}

/* Feeds `data` to a new tokenizer in pieces of `chunk` bytes (each copied into a buffer
 * with the padding the tokenizer needs). Returns 1 when it accepts; *declined. */
static int tokenize(const uint8_t *data, size_t size, size_t chunk, log_t *l, int *declined)
{
    vt__xml_tok_handler h;
    memset(&h, 0, sizeof h);
    h.ctx = l;
    h.start = tok_start;
    h.end = tok_end;
    h.text = l->with_text ? tok_text : NULL;
    vt__xml_tok *t = NULL;
    vt_error err;
    if (vt__xml_tok_new("fuzz.xml", &h, &t, &err) != VT_OK) {
        abort();
    }
    char *buf = malloc(chunk + VT__XML_TOK_PADDING);
    if (!buf) {
        abort();
    }
    vt_status st = VT_OK;
    for (size_t i = 0; i < size && st == VT_OK; i += chunk) {
        const size_t n = size - i < chunk ? size - i : chunk;
        memcpy(buf, data + i, n);
        memset(buf + n, 0x5A, VT__XML_TOK_PADDING); /* not a sentinel: the tokenizer sets it */
        st = vt__xml_tok_feed(t, buf, n, &err);
    }
    if (st == VT_OK) {
        st = vt__xml_tok_finish(t, &err);
    }
    snprintf(tok_msg, sizeof tok_msg, "%s", st == VT_OK ? "accepted" : err.msg);
    /* An error is one line naming the input and its place. */
    if (st != VT_OK &&
        (err.code != st || strncmp(err.msg, "fuzz.xml:", 9) != 0 || strchr(err.msg, '\n'))) {
        fprintf(stderr, "bad error: %d %s\n", (int)st, err.msg);
        abort();
    }
    flush_text(l);
    *declined = vt__xml_tok_declined(t);
    vt__xml_tok_free(t);
    free(buf);
    return st == VT_OK;
}

/* ---- libxml2, as the reader drives it ------------------------------------------------ */

typedef struct lx {
    log_t log;
    int failed;
    char msg[200];
} lx_t;

static void lx_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    (void)nb_defaulted;
    log_t *l = &((lx_t *)ctx)->log;
    flush_text(l);
    put(l, "S", 1);
    put_cstr(l, (const char *)localname);
    put_cstr(l, (const char *)prefix);
    put_cstr(l, (const char *)uri);
    const uint32_t nn = (uint32_t)nb_namespaces, na = (uint32_t)nb_attributes;
    put_num(l, nn);
    for (int i = 0; i < nb_namespaces; i++) {
        put_cstr(l, (const char *)namespaces[2 * i]);
        put_cstr(l, namespaces[2 * i + 1] ? (const char *)namespaces[2 * i + 1] : "");
    }
    put_num(l, na);
    for (int i = 0; i < nb_attributes; i++) {
        const xmlChar **a = attributes + 5 * i;
        put_cstr(l, (const char *)a[0]);
        put_cstr(l, (const char *)a[1]);
        put_cstr(l, (const char *)a[2]);
        put_str(l, (const char *)a[3], (size_t)(a[4] - a[3]));
    }
    put(l, "\n", 1);
}

static void lx_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    log_t *l = &((lx_t *)ctx)->log;
    flush_text(l);
    put(l, "E", 1);
    put_cstr(l, (const char *)localname);
    put_cstr(l, (const char *)prefix);
    put_cstr(l, (const char *)uri);
    put(l, "\n", 1);
}

static void lx_text(void *ctx, const xmlChar *s, int len)
{
    add_text(&((lx_t *)ctx)->log, s, (size_t)len);
}

static void lx_error(void *ctx, xmlErrorPtr e)
{
    lx_t *x = ctx;
    if (e && e->level >= XML_ERR_ERROR && !x->failed) {
        x->failed = 1;
        snprintf(x->msg, sizeof x->msg, "%d:%d: %s", e->line, e->int2,
                 e->message ? e->message : "?");
    }
}

static void lx_generic(void *ctx, const char *fmt, ...)
{
    (void)fmt;
    ((lx_t *)ctx)->failed = 1;
}

/* Returns 1 when libxml2 accepts; *other: it read a DOCTYPE or another encoding. */
static int libxml2(const uint8_t *data, size_t size, lx_t *x, int *other)
{
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = lx_start;
    sax.endElementNs = lx_end;
    sax.characters = lx_text;
    sax.ignorableWhitespace = lx_text;
    sax.cdataBlock = lx_text;
    sax.serror = lx_error;
    const xmlGenericErrorFunc saved = xmlGenericError;
    void *const saved_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(x, lx_generic);
    xmlParserCtxtPtr c = xmlCreatePushParserCtxt(&sax, x, NULL, 0, "fuzz.xml");
    if (!c) {
        abort();
    }
    xmlCtxtUseOptions(c,
                      XML_PARSE_NOENT | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    int rc = xmlParseChunk(c, (const char *)data, (int)size, 0);
    if (rc == 0) {
        rc = xmlParseChunk(c, "", 0, 1);
    }
    flush_text(&x->log);
    *other = c->intSubName != NULL || c->extSubURI != NULL || c->extSubSystem != NULL ||
             (c->input && c->input->buf && c->input->buf->encoder != NULL);
    /* With XML_PARSE_NOENT, an entity declaration makes libxml2 build a document and its DTD
       (ctxt->myDoc) to hold the entity; xmlFreeParserCtxt leaves it to the caller. */
    if (c->myDoc) {
        xmlFreeDoc(c->myDoc);
        c->myDoc = NULL;
    }
    xmlFreeParserCtxt(c);
    xmlSetGenericErrorFunc(saved_ctx, saved);
    return rc == 0 && !x->failed;
}

/* ---- the comparison ------------------------------------------------------------------ */

static void dump(const char *what, const log_t *l)
{
    fprintf(stderr, "--- %s (%zu bytes)\n%.*s\n", what, l->len,
            (int)(l->len > 4000 ? 4000 : l->len), l->bytes ? (const char *)l->bytes : "");
}

static void differ(const char *why, const log_t *a, const log_t *b, const char *lx_msg)
{
    fprintf(stderr, "fuzz_xml_differential: %s\nbuilt-in: %s\nlibxml2: %s\n", why, tok_msg, lx_msg);
    dump("built-in", a);
    dump("libxml2", b);
    abort();
}

static int same(const log_t *a, const log_t *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->bytes, b->bytes, a->len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t chunk = size + 1;
    if (size > 0) {
        static const size_t chunks[8] = {1, 2, 3, 7, 16, 61, 4096, 0};
        chunk = chunks[data[0] & 7];
        if (chunk == 0) {
            chunk = size + 1;
        }
        data++;
        size--;
    }
    /* Unfiltered bytes: the tokenizer must only stay safe. */
    {
        log_t raw;
        memset(&raw, 0, sizeof raw);
        int declined;
        tokenize(data, size, chunk, &raw, &declined);
        free_log(&raw);
    }
    /* The byte filter, as the reader runs it; a NUL byte stops the reader before either. */
    char *in = malloc(size + 1);
    if (!in) {
        abort();
    }
    memcpy(in, data, size);
    vt__xml_filter f;
    vt__xml_filter_init(&f);
    size_t keep = 0;
    vt_error err;
    if (vt__xml_filter_run(&f, in, size, 1, &keep, "fuzz.xml", &err) != VT_OK) {
        free(in);
        return 0;
    }
    const uint8_t *doc = (const uint8_t *)in;

    log_t mine, tags, plain;
    memset(&mine, 0, sizeof mine);
    memset(&tags, 0, sizeof tags);
    memset(&plain, 0, sizeof plain);
    mine.with_text = 1;
    mine.tags = &tags;
    int declined = 0, declined2 = 0, other = 0;
    const int ok = tokenize(doc, size, chunk, &mine, &declined);
    /* Without a text handler, in one piece: the same answer and the same tags. */
    const int ok2 = tokenize(doc, size, size + 1, &plain, &declined2);
    lx_t x;
    memset(&x, 0, sizeof x);
    x.log.with_text = 1;
    const int lx_ok = libxml2(doc, size, &x, &other);

    if (ok != ok2 || declined != declined2 || (ok && !same(&tags, &plain))) {
        differ("the tokenizer's answer depends on the text handler or the chunks", &tags, &plain,
               "(the second log is the tokenizer's without text, in one piece)");
    }
    if (declined && lx_ok && !other) {
        differ("the tokenizer declined what libxml2 read as plain UTF-8", &mine, &x.log, x.msg);
    }
    if (other && ok) {
        differ("the tokenizer accepted a DOCTYPE or another encoding", &mine, &x.log, x.msg);
    }
    if (!declined && !other) {
        if (ok != lx_ok) {
            differ(ok ? "the tokenizer accepts what libxml2 refuses"
                      : "the tokenizer refuses what libxml2 accepts",
                   &mine, &x.log, x.msg);
        }
        if (ok && !same(&mine, &x.log)) {
            differ("the events differ", &mine, &x.log, x.msg);
        }
    }
    free_log(&mine);
    free_log(&tags);
    free_log(&plain);
    free_log(&x.log);
    free(in);
    return 0;
}
