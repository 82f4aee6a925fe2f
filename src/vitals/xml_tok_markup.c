/* SPDX-License-Identifier: MIT */
/* The built-in XML tokenizer's rarer constructs: the XML declaration, processing
 * instructions, comments, CDATA sections and namespaces, each checked as libxml2 checks it
 * (its quirks included: the differential fuzz target holds the two to the same answers). */
#include <string.h>
#include <strings.h>

#include <libxml/uri.h>

#include "xml_tok_internal.h"

#define CLASS(c) (vt__xml_class[(unsigned char)(c)])

static const char XML_NS[] = "http://www.w3.org/XML/1998/namespace";
static const char XMLNS_NS[] = "http://www.w3.org/2000/xmlns/";

#define MORE_OR_FAIL(t, p, ...)                                                                    \
    ((t)->final ? vt__xml_tok_fail((t), (p), VT_ERR_PARSE, __VA_ARGS__) : TOK_MORE)

static char *skip_space(vt__xml_tok *t, char *p)
{
    while (CLASS(*p) & CL_SPACE) {
        if (*p == '\n') {
            tok_newline(t, p);
        }
        p++;
    }
    return p;
}

/* Whether the window holds `word` at p; -1 when it ends before telling. */
static int has(const vt__xml_tok *t, const char *p, const char *word)
{
    const size_t n = strlen(word);
    if ((size_t)(t->wend - p) < n) {
        return memcmp(p, word, (size_t)(t->wend - p)) == 0 && !t->final ? -1 : 0;
    }
    return memcmp(p, word, n) == 0;
}

/* ---- the XML declaration ------------------------------------------------------------- */

/* S? '=' S? and an opening quote; the quote or TOK_MORE / TOK_ERR. */
static int eq_quote(vt__xml_tok *t, char **pp)
{
    char *p = skip_space(t, *pp);
    if (*p != '=') {
        return p >= t->wend ? MORE_OR_FAIL(t, p, "expected '='")
                            : vt__xml_tok_fail(t, p, VT_ERR_PARSE, "expected '='");
    }
    p = skip_space(t, p + 1);
    if (*p != '"' && *p != '\'') {
        return p >= t->wend
                   ? MORE_OR_FAIL(t, p, "String not started expecting ' or \"")
                   : vt__xml_tok_fail(t, p, VT_ERR_PARSE, "String not started expecting ' or \"");
    }
    *pp = p + 1;
    return (unsigned char)*p;
}

static int closing(vt__xml_tok *t, char **pp, int quote)
{
    char *p = *pp;
    if (*p != quote) {
        return p >= t->wend
                   ? MORE_OR_FAIL(t, p, "String not closed expecting \" or '")
                   : vt__xml_tok_fail(t, p, VT_ERR_PARSE, "String not closed expecting \" or '");
    }
    *pp = p + 1;
    return TOK_OK;
}

/* [23] XMLDecl, as libxml2 reads it: version 1.x only (other minor versions warn), encoding
 * UTF-8 (any other is declined), standalone yes or no; after a UTF-8 encoding no blank is
 * needed before standalone (a libxml2 quirk). */
int vt__xml_tok_decl(vt__xml_tok *t, char *p, char **next)
{
    char *q = skip_space(t, p + 5);
    int w = has(t, q, "version");
    if (w <= 0) {
        return w < 0 ? TOK_MORE
                     : vt__xml_tok_fail(t, q, VT_ERR_PARSE,
                                        "Malformed declaration expecting version");
    }
    q += 7;
    int quote = eq_quote(t, &q);
    if (quote <= 1) {
        return quote;
    }
    char *const version = q;
    while ((*q >= '0' && *q <= '9') || *q == '.') {
        q++;
    }
    if (q >= t->wend && !t->final) {
        return TOK_MORE;
    }
    /* VersionNum as libxml2 reads it: a digit, '.', digits. */
    q = version;
    if (*q >= '0' && *q <= '9' && q[1] == '.') {
        q += 2;
        while (*q >= '0' && *q <= '9') {
            q++;
        }
    }
    int rc = closing(t, &q, quote);
    if (rc != TOK_OK) {
        return rc;
    }
    if (version[0] != '1') {
        return vt__xml_tok_fail(t, q, VT_ERR_PARSE, "Unsupported version '%.*s'",
                                (int)(q - 1 - version), version);
    }
    if (!(CLASS(*q) & CL_SPACE)) {
        if (*q == '?' && q[1] == '>') {
            *next = q + 2;
            return TOK_OK;
        }
        if (q + 1 >= t->wend && !t->final) {
            return TOK_MORE;
        }
        return vt__xml_tok_fail(t, q, VT_ERR_PARSE, "Blank needed here");
    }
    q = skip_space(t, q);
    w = has(t, q, "encoding");
    if (w < 0) {
        return TOK_MORE;
    }
    if (w > 0) {
        q += 8;
        quote = eq_quote(t, &q);
        if (quote <= 1) {
            return quote;
        }
        char *const enc = q;
        if ((CLASS(*q) & CL_NCSTART) && *q != '_') {
            q++;
            while ((CLASS(*q) & CL_NCNAME) || *q == '_') {
                q++;
            }
        } else if (q < t->wend) {
            return vt__xml_tok_fail(t, q, VT_ERR_PARSE, "Invalid XML encoding name");
        }
        rc = closing(t, &q, quote);
        if (rc != TOK_OK) {
            return rc;
        }
        const size_t n = (size_t)(q - 1 - enc);
        if ((n == 5 && strncasecmp(enc, "UTF-8", 5) == 0) ||
            (n == 4 && strncasecmp(enc, "UTF8", 4) == 0)) {
            /* read natively, as by libxml2 */
        } else if ((n == 6 && strncasecmp(enc, "UTF-16", 6) == 0) ||
                   (n == 5 && strncasecmp(enc, "UTF16", 5) == 0)) {
            return vt__xml_tok_fail(t, q, VT_ERR_PARSE,
                                    "Document labelled UTF-16 but has UTF-8 content");
        } else {
            t->declined = 1;
            return vt__xml_tok_fail(t, enc, VT_ERR_FORMAT,
                                    "encoding '%.*s': the built-in parser reads UTF-8 only",
                                    (int)(n > 40 ? 40 : n), enc);
        }
        q = skip_space(t, q); /* none needed after UTF-8: a libxml2 quirk */
    }
    w = has(t, q, "standalone");
    if (w < 0) {
        return TOK_MORE;
    }
    if (w > 0) {
        q += 10;
        quote = eq_quote(t, &q);
        if (quote <= 1) {
            return quote;
        }
        if (q[0] == 'n' && q[1] == 'o') {
            q += 2;
        } else if (q[0] == 'y' && q[1] == 'e' && q[2] == 's') {
            q += 3;
        } else if (q + 3 > t->wend && !t->final) {
            return TOK_MORE;
        } else {
            return vt__xml_tok_fail(t, q, VT_ERR_PARSE, "standalone accepts only 'yes' or 'no'");
        }
        rc = closing(t, &q, quote);
        if (rc != TOK_OK) {
            return rc;
        }
        q = skip_space(t, q);
    }
    if (*q == '?' && q[1] == '>') {
        *next = q + 2;
        return TOK_OK;
    }
    if (q + 1 >= t->wend && !t->final) {
        return TOK_MORE;
    }
    return vt__xml_tok_fail(t, q, VT_ERR_PARSE, "parsing XML declaration: '?>' expected");
}

/* ---- processing instructions and comments -------------------------------------------- */

/* One character of a PI or a comment at p: its length, 0 at the end of the window, -1
 * when it is not a Char (error set). */
static int one_char(vt__xml_tok *t, const char *p)
{
    const unsigned char c = (unsigned char)*p;
    if ((c >= 0x20 && c < 0x80) || c == '\t' || c == '\r') {
        return 1;
    }
    if (c == '\n') {
        tok_newline(t, p);
        return 1;
    }
    if (c < 0x80) {
        if (p >= t->wend) {
            return 0;
        }
        vt__xml_tok_fail(t, p, VT_ERR_PARSE, "invalid xmlChar value %u", c);
        return -1;
    }
    uint32_t cp;
    const int n = vt__xml_utf8((const unsigned char *)p, (const unsigned char *)t->wend, &cp);
    if (n < 0 && !t->final) {
        return 0;
    }
    if (n <= 0 || !vt__xml_is_char(cp)) {
        vt__xml_tok_bad_char(t, p);
        return -1;
    }
    t->line_extra += (uint64_t)n - 1;
    return n;
}

static int too_long(vt__xml_tok *t, const char *p, const char *end)
{
    if ((size_t)(end - p) > VT__XML_TOK_MAX_TOKEN) {
        return vt__xml_tok_fail(t, p, VT_ERR_LIMIT,
                                "a value or text longer than libxml2's 10 MB limit");
    }
    return TOK_OK;
}

int vt__xml_tok_pi(vt__xml_tok *t, char *p, char **next)
{
    char *q = p + 2;
    char *const target = q;
    uint32_t colon;
    int rc = vt__xml_tok_scan_name(t, &q, 0, &colon, "xmlParsePI : no target name");
    if (rc != TOK_OK) {
        return rc;
    }
    const size_t n = (size_t)(q - target);
    const int w = (int)(n > 60 ? 60 : n);
    if (n >= 3 && (target[0] | 0x20) == 'x' && (target[1] | 0x20) == 'm' &&
        (target[2] | 0x20) == 'l') {
        if (n == 3) {
            return vt__xml_tok_fail(
                t, q, VT_ERR_PARSE,
                memcmp(target, "xml", 3) == 0
                    ? "XML declaration allowed only at the start of the document"
                    : "Invalid PI name");
        }
        /* Other names that start with "xml" only draw a warning from libxml2. */
    }
    if (memchr(target, ':', n)) {
        return vt__xml_tok_fail(t, q, VT_ERR_PARSE, "colons are forbidden from PI names '%.*s'", w,
                                target);
    }
    if (!(*q == '?' && q[1] == '>')) {
        if (*q == '?' && q + 1 >= t->wend && !t->final) {
            return TOK_MORE;
        }
        char *const s = q;
        q = skip_space(t, q);
        if (q == s) {
            if (q >= t->wend) {
                return MORE_OR_FAIL(t, q, "ParsePI: PI %.*s never end ...", w, target);
            }
            return vt__xml_tok_fail(t, q, VT_ERR_PARSE, "ParsePI: PI %.*s space expected", w,
                                    target);
        }
        for (;;) {
            if (*q == '?' && q[1] == '>') {
                break;
            }
            const int k = one_char(t, q);
            if (k < 0) {
                return TOK_ERR;
            }
            if (k == 0 || (*q == '?' && q + 1 >= t->wend)) {
                return MORE_OR_FAIL(t, q, "ParsePI: PI %.*s never end ...", w, target);
            }
            q += k;
        }
    }
    q += 2;
    rc = too_long(t, p, q);
    if (rc == TOK_OK) {
        *next = q;
    }
    return rc;
}

int vt__xml_tok_comment(vt__xml_tok *t, char *p, char **next)
{
    char *q = p + 4;
    for (;;) {
        if (*q == '-') {
            if (q + 2 >= t->wend && !t->final) {
                return TOK_MORE;
            }
            if (q[1] == '-') {
                if (q[2] == '>') {
                    break;
                }
                return vt__xml_tok_fail(t, q, VT_ERR_PARSE,
                                        "Comment must not contain '--' (double-hyphen)");
            }
            q++;
            continue;
        }
        const int k = one_char(t, q);
        if (k < 0) {
            return TOK_ERR;
        }
        if (k == 0) {
            return MORE_OR_FAIL(t, q, "Comment not terminated");
        }
        q += k;
    }
    q += 3;
    const int rc = too_long(t, p, q);
    if (rc == TOK_OK) {
        *next = q;
    }
    return rc;
}

/* ---- CDATA sections ------------------------------------------------------------------ */

/* What libxml2's push parser accepts in a CDATA section (xmlCheckCdataPush): UTF-8 by its
 * bit patterns, without the overlong and range checks of xmlCurrentChar, so C1 81 ('A' in
 * two bytes) passes; the code point must be a Char. The length, 0 past the end, -1 bad. */
static int cdata_char(const vt__xml_tok *t, const unsigned char *p)
{
    const unsigned c = p[0];
    if (c < 0x80) {
        return c >= 0x20 || c == 0x9 || c == 0xA || c == 0xD ? 1
               : (const char *)p >= t->wend                  ? 0
                                                             : -1;
    }
    int len;
    uint32_t v;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        v = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        v = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        v = c & 0x07u;
    } else {
        return -1;
    }
    for (int i = 1; i < len; i++) {
        if ((const char *)p + i >= t->wend) {
            return t->final ? -1 : 0;
        }
        if ((p[i] & 0xC0) != 0x80) {
            return -1;
        }
        v = v << 6 | (p[i] & 0x3Fu);
    }
    return vt__xml_is_char(v) ? len : -1;
}

int vt__xml_tok_cdata(vt__xml_tok *t, char *p, char **next)
{
    char *const start = p + 9;
    char *q = start;
    for (;;) {
        if (*q == ']') {
            if (q + 2 >= t->wend && !t->final) {
                return TOK_MORE;
            }
            if (q[1] == ']' && q[2] == '>') {
                break;
            }
            q++;
            continue;
        }
        if (*q == '\n') {
            tok_newline(t, q);
            q++;
            continue;
        }
        const int k = cdata_char(t, (const unsigned char *)q);
        if (k < 0) {
            return vt__xml_tok_bad_char(t, q);
        }
        if (k == 0) {
            return MORE_OR_FAIL(t, q, "CData section not finished");
        }
        t->line_extra += (uint64_t)k - 1;
        q += k;
    }
    const int rc = too_long(t, p, q + 3);
    if (rc != TOK_OK) {
        return rc;
    }
    /* libxml2's push parser hands the section over as it is: no line-end normalisation. */
    if (t->h.text && q > start && t->h.text(t->h.ctx, start, (size_t)(q - start)) != 0) {
        return vt__xml_tok_fail(t, q, VT_ERR_ABORTED, "stopped by the handler");
    }
    *next = q + 3;
    return TOK_OK;
}

/* ---- namespaces ---------------------------------------------------------------------- */

int64_t vt__xml_tok_lookup(const vt__xml_tok *t, const char *prefix, size_t len)
{
    if (prefix && len == 3 && memcmp(prefix, "xml", 3) == 0) {
        return 0; /* the xml namespace, first in ns_bytes */
    }
    for (size_t i = t->ns_count; i-- > 0;) {
        const vt__xml_binding *b = &t->ns[i];
        if (!prefix) {
            if (b->prefix_off == UINT32_MAX) {
                return b->uri_len ? (int64_t)b->uri_off : -1;
            }
        } else if (b->prefix_off != UINT32_MAX && b->prefix_len == len &&
                   memcmp(t->ns_bytes + b->prefix_off, prefix, len) == 0) {
            return b->uri_off;
        }
    }
    return -1;
}

void vt__xml_tok_pop_ns(vt__xml_tok *t, size_t ns_before)
{
    if (t->ns_count > ns_before) {
        t->ns_bytes_len = t->ns[ns_before].bytes_off;
        t->ns_count = ns_before;
    }
}

static int push_ns(vt__xml_tok *t, const char *prefix, size_t plen, const char *uri, size_t ulen)
{
    const size_t need = t->ns_bytes_len + (prefix ? plen + 1 : 0) + ulen + 1;
    if (need > VT__XML_TOK_MAX_TOKEN) {
        return -2;
    }
    if (vt__grow((void **)&t->ns_bytes, &t->ns_bytes_cap, need, 1) != 0 ||
        vt__grow((void **)&t->ns, &t->ns_cap, t->ns_count + 1, sizeof *t->ns) != 0) {
        return -1;
    }
    vt__xml_binding *b = &t->ns[t->ns_count++];
    b->bytes_off = (uint32_t)t->ns_bytes_len;
    b->prefix_off = UINT32_MAX;
    b->prefix_len = 0;
    if (prefix) {
        b->prefix_off = (uint32_t)t->ns_bytes_len;
        b->prefix_len = (uint32_t)plen;
        memcpy(t->ns_bytes + t->ns_bytes_len, prefix, plen);
        t->ns_bytes[t->ns_bytes_len + plen] = '\0';
        t->ns_bytes_len += plen + 1;
    }
    b->uri_off = (uint32_t)t->ns_bytes_len;
    b->uri_len = (uint32_t)ulen;
    memcpy(t->ns_bytes + t->ns_bytes_len, uri, ulen);
    t->ns_bytes[t->ns_bytes_len + ulen] = '\0';
    t->ns_bytes_len += ulen + 1;
    return 0;
}

static int is(const char *s, size_t n, const char *word)
{
    return n == strlen(word) && memcmp(s, word, n) == 0;
}

/* What libxml2 takes for a URI (its own RFC 3986 parser): used for namespace names only,
 * which Apple's exports never declare. */
static int uri_ok(const char *s)
{
    xmlURIPtr u = xmlParseURI(s);
    if (!u) {
        return 0;
    }
    xmlFreeURI(u);
    return 1;
}

/* Checks and pushes one xmlns or xmlns:prefix declaration. */
static int declare(vt__xml_tok *t, const char *at, const vt__xml_slot *s)
{
    const char *url = s->value;
    const size_t ulen = s->value_len;
    const char *prefix = s->xmlns == 2 ? s->name + 6 : NULL;
    const size_t plen = s->xmlns == 2 ? s->name_len - 6 : 0;
    const int pw = (int)(plen > 60 ? 60 : plen), uw = (int)(ulen > 100 ? 100 : ulen);
    if (!prefix) {
        if (ulen > 0) {
            if (!uri_ok(url)) {
                return vt__xml_tok_fail(t, at, VT_ERR_PARSE, "xmlns: '%.*s' is not a valid URI", uw,
                                        url);
            }
            if (is(url, ulen, XML_NS)) {
                return vt__xml_tok_fail(t, at, VT_ERR_PARSE,
                                        "xml namespace URI cannot be the default namespace");
            }
            if (is(url, ulen, XMLNS_NS)) {
                return vt__xml_tok_fail(t, at, VT_ERR_PARSE,
                                        "reuse of the xmlns namespace name is forbidden");
            }
        }
    } else {
        if (is(prefix, plen, "xml")) {
            if (!is(url, ulen, XML_NS)) {
                return vt__xml_tok_fail(t, at, VT_ERR_PARSE,
                                        "xml namespace prefix mapped to wrong URI");
            }
            return TOK_OK; /* bound already: nothing is pushed */
        }
        if (is(url, ulen, XML_NS)) {
            return vt__xml_tok_fail(t, at, VT_ERR_PARSE,
                                    "xml namespace URI mapped to wrong prefix");
        }
        if (is(prefix, plen, "xmlns")) {
            return vt__xml_tok_fail(t, at, VT_ERR_PARSE,
                                    "redefinition of the xmlns prefix is forbidden");
        }
        if (is(url, ulen, XMLNS_NS)) {
            return vt__xml_tok_fail(t, at, VT_ERR_PARSE,
                                    "reuse of the xmlns namespace name is forbidden");
        }
        if (ulen == 0) {
            return vt__xml_tok_fail(t, at, VT_ERR_PARSE,
                                    "xmlns:%.*s: Empty XML namespace is not allowed", pw, prefix);
        }
        if (!uri_ok(url)) {
            return vt__xml_tok_fail(t, at, VT_ERR_PARSE, "xmlns:%.*s: '%.*s' is not a valid URI",
                                    pw, prefix, uw, url);
        }
    }
    const int rc = push_ns(t, prefix, plen, url, ulen);
    if (rc == -1) {
        return vt__xml_tok_fail(t, at, VT_ERR_NOMEM, "out of memory");
    }
    if (rc == -2) {
        return vt__xml_tok_fail(t, at, VT_ERR_LIMIT, "namespace declarations over 10 MB");
    }
    return TOK_OK;
}

/* Two prefixed attributes with one local name in one namespace (libxml2: "Namespaced
 * Attribute redefined"). Pairwise for the usual few, a hash table for many. */
static int same_expanded_name(vt__xml_tok *t, size_t count, size_t *first, size_t *second)
{
    size_t prefixed = 0;
    for (size_t i = 0; i < count; i++) {
        prefixed += t->attrs[i].uri != NULL;
    }
    if (prefixed < 2) {
        return 0;
    }
    if (prefixed <= 64) {
        for (size_t i = 0; i < count; i++) {
            const vt__xml_tok_attr *a = &t->attrs[i];
            for (size_t j = 0; a->uri && j < i; j++) {
                const vt__xml_tok_attr *b = &t->attrs[j];
                /* An unprefixed attribute is in no namespace: never the same as a's. */
                if (b->uri && a->name_len == b->name_len &&
                    memcmp(a->name, b->name, a->name_len) == 0 && strcmp(a->uri, b->uri) == 0) {
                    *first = j;
                    *second = i;
                    return 1;
                }
            }
        }
        return 0;
    }
    size_t cap = 256;
    while (cap < prefixed * 4) {
        cap *= 2;
    }
    if (cap > t->dup_cap) {
        uint32_t *table = vt__realloc(t->dup_table, cap * sizeof *table);
        if (!table) {
            return -1;
        }
        t->dup_table = table;
        t->dup_cap = cap;
    }
    memset(t->dup_table, 0xFF, cap * sizeof *t->dup_table);
    for (size_t i = 0; i < count; i++) {
        const vt__xml_tok_attr *a = &t->attrs[i];
        if (!a->uri) {
            continue;
        }
        const uint64_t seed = vt__hash_bytes(a->uri, strlen(a->uri), 0);
        size_t k = vt__hash_bytes(a->name, a->name_len, seed) & (cap - 1);
        while (t->dup_table[k] != UINT32_MAX) {
            const vt__xml_tok_attr *b = &t->attrs[t->dup_table[k]];
            if (a->name_len == b->name_len && memcmp(a->name, b->name, a->name_len) == 0 &&
                strcmp(a->uri, b->uri) == 0) {
                *first = t->dup_table[k];
                *second = i;
                return 1;
            }
            k = (k + 1) & (cap - 1);
        }
        t->dup_table[k] = (uint32_t)i;
    }
    return 0;
}

int vt__xml_tok_namespaces(vt__xml_tok *t, const char *at, const char *name, uint32_t name_len,
                           uint32_t colon, size_t n, vt__xml_tok_element *el, size_t *count)
{
    const size_t ns_before = t->ns_count;
    for (size_t i = 0; i < n; i++) {
        if (t->slots[i].xmlns && declare(t, at, &t->slots[i]) != TOK_OK) {
            return TOK_ERR;
        }
    }
    /* The URIs point into ns_bytes, complete now. */
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        vt__xml_slot *s = &t->slots[i];
        if (s->xmlns) {
            continue;
        }
        vt__xml_tok_attr *a = &t->attrs[out++];
        a->value = s->value;
        a->value_len = s->value_len;
        if (s->colon) {
            const int64_t uri = vt__xml_tok_lookup(t, s->name, s->colon);
            if (uri < 0) {
                return vt__xml_tok_fail(
                    t, at, VT_ERR_PARSE, "Namespace prefix %.*s for %.*s on %.*s is not defined",
                    (int)s->colon, s->name, (int)(s->name_len - s->colon - 1),
                    s->name + s->colon + 1, (int)(colon ? name_len - colon - 1 : name_len),
                    colon ? name + colon + 1 : name);
            }
            s->name[s->colon] = '\0';
            a->prefix = s->name;
            a->name = s->name + s->colon + 1;
            a->name_len = s->name_len - s->colon - 1;
            a->uri = t->ns_bytes + uri;
        } else {
            a->prefix = NULL;
            a->uri = NULL;
            a->name = s->name;
            a->name_len = s->name_len;
        }
        s->name[s->name_len] = '\0';
    }
    size_t first, second;
    const int same = same_expanded_name(t, out, &first, &second);
    if (same < 0) {
        return vt__xml_tok_fail(t, at, VT_ERR_NOMEM, "out of memory");
    }
    if (same) {
        return vt__xml_tok_fail(t, at, VT_ERR_PARSE, "Namespaced Attribute %s in '%s' redefined",
                                t->attrs[second].name, t->attrs[second].uri);
    }
    int64_t uri = -1;
    if (colon) {
        uri = vt__xml_tok_lookup(t, name, colon);
        if (uri < 0) {
            return vt__xml_tok_fail(t, at, VT_ERR_PARSE,
                                    "Namespace prefix %.*s on %.*s is not defined", (int)colon,
                                    name, (int)(name_len - colon - 1), name + colon + 1);
        }
    } else {
        uri = vt__xml_tok_lookup(t, NULL, 0);
    }
    el->uri = uri >= 0 ? t->ns_bytes + uri : NULL;
    const size_t declared = t->ns_count - ns_before;
    if (declared > 0) {
        if (vt__grow((void **)&t->ns_decl, &t->ns_decl_cap, declared, sizeof *t->ns_decl) != 0) {
            return vt__xml_tok_fail(t, at, VT_ERR_NOMEM, "out of memory");
        }
        for (size_t i = 0; i < declared; i++) {
            const vt__xml_binding *b = &t->ns[ns_before + i];
            t->ns_decl[i].prefix = b->prefix_off == UINT32_MAX ? NULL : t->ns_bytes + b->prefix_off;
            t->ns_decl[i].uri = t->ns_bytes + b->uri_off;
        }
        el->ns = t->ns_decl;
    }
    el->ns_count = (uint32_t)declared;
    *count = out;
    return TOK_OK;
}
