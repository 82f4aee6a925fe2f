/* SPDX-License-Identifier: MIT */
/* The built-in XML tokenizer (src/vitals/xml_tok*.c): events, decoding, the checks of XML 1.0
 * and Namespaces with libxml2's answers and messages, positions, feeding in pieces, limits.
 * Expected events and positions are written out by hand from the documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vitals/alloc.h"
#include "xml_tok.h"

/* ---- a recorder of events ------------------------------------------------------------ */

typedef struct rec {
    char *log; /* "S name attr=value ...|T text|E name|" */
    size_t len, cap;
    int stop_after; /* stop at this start event (1-based); 0: never */
    int starts;
    uint32_t line, col; /* the position reported during the last start event */
} rec;

static void add(rec *r, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof buf);
    if (r->len + (size_t)n + 1 > r->cap) {
        r->cap = (r->len + (size_t)n + 1) * 2;
        r->log = realloc(r->log, r->cap);
        assert_non_null(r->log);
    }
    memcpy(r->log + r->len, buf, (size_t)n + 1);
    r->len += (size_t)n;
}

static vt__xml_tok *current;

static int on_start(void *ctx, const vt__xml_tok_element *el)
{
    rec *r = ctx;
    add(r, "S %s%s%s", el->prefix ? el->prefix : "", el->prefix ? ":" : "", el->name);
    if (el->uri) {
        add(r, "{%s}", el->uri);
    }
    for (uint32_t i = 0; i < el->ns_count; i++) {
        add(r, " ns:%s=%s", el->ns[i].prefix ? el->ns[i].prefix : "", el->ns[i].uri);
    }
    for (uint32_t i = 0; i < el->attr_count; i++) {
        const vt__xml_tok_attr *a = &el->attrs[i];
        assert_int_equal(strlen(a->name), a->name_len);
        assert_int_equal(a->value[a->value_len], '\0');
        add(r, " %s%s%s", a->prefix ? a->prefix : "", a->prefix ? ":" : "", a->name);
        if (a->uri) {
            add(r, "{%s}", a->uri);
        }
        add(r, "=%.*s", (int)a->value_len, a->value);
    }
    add(r, "|");
    vt__xml_tok_position(current, &r->line, &r->col, NULL);
    return ++r->starts == r->stop_after;
}

static int on_end(void *ctx, const vt__xml_tok_element *el)
{
    add(ctx, "E %s|", el->name);
    return 0;
}

static int on_text(void *ctx, const char *s, size_t len)
{
    rec *r = ctx;
    /* Neighbouring pieces are one text node. */
    if (r->len >= 2 && r->log[r->len - 1] == '|' && r->len > 1) {
        const char *last = r->log + r->len - 1;
        const char *start = last;
        while (start > r->log && start[-1] != '|') {
            start--;
        }
        if (start[0] == 'T' && start[1] == ' ') {
            r->len--; /* reopen it */
            add(r, "%.*s|", (int)len, s);
            return 0;
        }
    }
    add(r, "T %.*s|", (int)len, s);
    return 0;
}

/* Tokenizes `len` bytes of `d` fed `chunk` bytes at a time (each piece copied into a
 * padded buffer) and finishes; the status, the error in *err. */
static vt_status feed_doc(const char *d, size_t len, size_t chunk, const vt__xml_tok_handler *h,
                          vt_error *err)
{
    vt__xml_tok *t = NULL;
    assert_int_equal(vt__xml_tok_new("doc.xml", h, &t, err), VT_OK);
    current = t;
    char *buf = malloc(chunk + VT__XML_TOK_PADDING);
    assert_non_null(buf);
    memset(buf, 0, chunk + VT__XML_TOK_PADDING);
    vt_status st = VT_OK;
    for (size_t i = 0; i < len && st == VT_OK; i += chunk) {
        const size_t n = len - i < chunk ? len - i : chunk;
        memcpy(buf, d + i, n);
        st = vt__xml_tok_feed(t, buf, n, err);
    }
    if (st == VT_OK) {
        st = vt__xml_tok_finish(t, err);
    }
    free(buf);
    vt__xml_tok_free(t);
    current = NULL;
    return st;
}

/* The same, recording the events in r->log. */
static vt_status run_chunks(const char *doc, size_t len, size_t chunk, int text, rec *r,
                            vt_error *err)
{
    memset(r, 0, sizeof *r);
    add(r, "%s", "");
    const vt__xml_tok_handler h = {r, on_start, on_end, text ? on_text : NULL};
    return feed_doc(doc, len, chunk, &h, err);
}

/* Every chunk size from 1 to 9 and whole must give the same events and answer. */
static vt_status run(const char *doc, rec *r, vt_error *err)
{
    const size_t len = strlen(doc);
    const vt_status st = run_chunks(doc, len, len + 1, 1, r, err);
    for (size_t chunk = 1; chunk < 10; chunk++) {
        rec again;
        vt_error e2;
        const vt_status st2 = run_chunks(doc, len, chunk, 1, &again, &e2);
        if (st2 != st || strcmp(again.log, r->log) != 0 ||
            (st != VT_OK && strcmp(e2.msg, err->msg) != 0)) {
            fail_msg("chunk %zu: %s / %s\n  whole: %s / %s", chunk, again.log, st2 ? e2.msg : "ok",
                     r->log, st ? err->msg : "ok");
        }
        free(again.log);
    }
    return st;
}

static void expect_events(const char *doc, const char *want)
{
    rec r;
    vt_error err;
    const vt_status st = run(doc, &r, &err);
    if (st != VT_OK) {
        fail_msg("%s: %s", doc, err.msg);
    }
    assert_string_equal(r.log, want);
    free(r.log);
}

static void expect_error(const char *doc, vt_status code, const char *want)
{
    rec r;
    vt_error err;
    const vt_status st = run(doc, &r, &err);
    free(r.log);
    if (st == VT_OK) {
        fail_msg("accepted: %s", doc);
    }
    assert_int_equal(st, code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.msg, want);
}

/* ---- events and decoding ------------------------------------------------------------- */

static void elements_attributes_and_text(void **state)
{
    (void)state;
    expect_events("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<HealthData locale=\"en_US\">\n <Record type=\"T\" value='1'/>\n</HealthData>\n",
                  "S HealthData locale=en_US|T \n |S Record type=T value=1|E Record|T \n|"
                  "E HealthData|");
    expect_events("<a><b>x</b>y<c/></a>", "S a|S b|T x|E b|T y|S c|E c|E a|");
}

static void references_are_decoded(void **state)
{
    (void)state;
    expect_events("<a d=\"&lt;&lt;HKDevice&gt;, x &amp; y &quot;&apos;\">&lt;&#65;&#x42;&#x20AC;"
                  "&#x1F600;</a>",
                  "S a d=<<HKDevice>, x & y \"'|T <AB\xe2\x82\xac\xf0\x9f\x98\x80|E a|");
    /* A character reference to '&' is '&' (libxml2 with XML_PARSE_NOENT). */
    expect_events("<a b=\"&#38;\"/>", "S a b=&|E a|");
}

static void line_ends_and_attribute_normalisation(void **state)
{
    (void)state;
    /* CR LF and a lone CR are LF in text; tab, LF, CR LF, CR are one space each in values;
     * character references are kept as they are. */
    expect_events("<a b=\"1\t2\n3\r\n4\r5&#13;&#10;\">x\r\ny\rz</a>",
                  "S a b=1 2 3 4 5\r\n|T x\ny\nz|E a|");
    /* A value whose first byte needs decoding (tests/fuzz/crashes/xml_differential/
     * value-starting-with-a-tab: an empty copy into a scratch buffer not yet allocated). */
    expect_events("<a v=\"\t\t]\t\"/>", "S a v=  ] |E a|");
    /* libxml2's push parser hands CDATA over untouched, CR and all. */
    expect_events("<a><![CDATA[<&\r\n]]]></a>", "S a|T <&\r\n]|E a|");
}

static void comments_and_instructions_are_not_events(void **state)
{
    (void)state;
    expect_events("<!-- before --><?pi data?>\n<a><!----><?x?>t<!-- - --></a><!-- after -->\n",
                  "S a|T t|E a|");
    /* Names starting with "xml" other than xml itself only draw a libxml2 warning. */
    expect_events("<?xml-stylesheet href=\"s\"?><?xmlfoo?><a/>", "S a|E a|");
}

static void byte_order_mark_and_declarations(void **state)
{
    (void)state;
    expect_events("\xef\xbb\xbf<?xml version=\"1.0\"?><a/>", "S a|E a|");
    expect_events("<?xml version='1.1' standalone='yes'?><a/>", "S a|E a|");
    /* libxml2 needs no blank between a UTF-8 encoding and standalone. */
    expect_events("<?xml version=\"1.0\" encoding=\"utf8\"standalone=\"no\" ?><a/>", "S a|E a|");
}

static void names_beyond_ascii(void **state)
{
    (void)state;
    expect_events("<\xc3\xa9t\xc3\xa9 a\xcc\x80=\"\xe2\x80\x99\"/>",
                  "S \xc3\xa9t\xc3\xa9 a\xcc\x80=\xe2\x80\x99|E \xc3\xa9t\xc3\xa9|");
}

static void namespaces_resolve(void **state)
{
    (void)state;
    expect_events("<a xmlns=\"http://d/\" xmlns:p=\"http://p/\" p:x=\"1\" y=\"2\"><p:b/><c/></a>",
                  "S a{http://d/} ns:=http://d/ ns:p=http://p/ p:x{http://p/}=1 y=2|"
                  "S p:b{http://p/}|E b|S c{http://d/}|E c|E a|");
    /* An unprefixed attribute and a prefixed one of the same local name are two names
     * (tests/fuzz/crashes/xml_differential/unprefixed-beside-prefixed: a NULL namespace
     * name compared). */
    expect_events("<a xmlns:p=\"http://p/\" b=\"1\" p:b=\"2\" p:c=\"3\"/>",
                  "S a ns:p=http://p/ b=1 p:b{http://p/}=2 p:c{http://p/}=3|E a|");
    /* xml is bound everywhere; xmlns="" undeclares the default namespace. */
    expect_events("<a xmlns=\"http://d/\"><b xmlns=\"\" xml:lang=\"en\"/></a>",
                  "S a{http://d/} ns:=http://d/|"
                  "S b ns:= xml:lang{http://www.w3.org/XML/1998/namespace}=en|E b|E a|");
}

/* A tag that repeats the attribute names of the last tag of its name is compared with them
 * byte for byte: the checks must hold all the same, where it repeats and where it stops. */
static void repeated_tags_are_checked_alike(void **state)
{
    (void)state;
    expect_events("<r><a x=\"1\" y=\"2\"/><a x=\"3\"/><a x=\"4\" y=\"5\" z=\"6\"/>"
                  "<a y=\"7\" x=\"8\"/><a xy=\"9\"/><a x=\"0\" y.=\"1\"/></r>",
                  "S r|S a x=1 y=2|E a|S a x=3|E a|S a x=4 y=5 z=6|E a|S a y=7 x=8|E a|"
                  "S a xy=9|E a|S a x=0 y.=1|E a|E r|");
    expect_error("<r><a x=\"1\" y=\"2\"/><a x=\"1\" y=\"2\" x=\"3\"/></r>", VT_ERR_PARSE,
                 "doc.xml:1:40: Attribute x redefined");
    expect_error("<r><a x=\"1\" y=\"2\"/><a x=\"1\" x=\"2\"/></r>", VT_ERR_PARSE,
                 "doc.xml:1:34: Attribute x redefined");
    /* A name that goes on past the one it repeats, a prefix, a long name. */
    expect_error("<r><a x=\"1\"/><a x\xc3\xa9=\"1\" x=\"2\" x\xc3\xa9=\"3\"/></r>", VT_ERR_PARSE,
                 "doc.xml:1:36: Attribute x\xc3\xa9 redefined");
    expect_error("<r><a x=\"1\"/><a x:y=\"1\"/></r>", VT_ERR_PARSE,
                 "doc.xml:1:24: Namespace prefix x for y on a is not defined");
    expect_events("<r><a aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=\"1\"/>"
                  "<a aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=\"2\"/></r>",
                  "S r|S a aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1|E a|"
                  "S a aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=2|E a|E r|");
}

/* ---- errors: libxml2's words where the reader's tests and users know them ------------- */

static void well_formedness_errors(void **state)
{
    (void)state;
    expect_error("<a>\n</b>", VT_ERR_PARSE,
                 "doc.xml:2:5: Opening and ending tag mismatch: a line 1 and b");
    expect_error("<a b=\"x&nbsp;y\"/>", VT_ERR_PARSE, "doc.xml:1:14: Entity 'nbsp' not defined");
    expect_error("<a b=\"en&#0;US\"/>", VT_ERR_PARSE,
                 "doc.xml:1:13: xmlParseCharRef: invalid xmlChar value 0");
    expect_error("<a b=\"W\xff\"/>", VT_ERR_PARSE,
                 "doc.xml:1:8: Input is not proper UTF-8, indicate encoding !");
    expect_error("<a>\xed\xa0\x80</a>", VT_ERR_PARSE,
                 "doc.xml:1:4: Char 0xD800 out of allowed range");
    expect_error("<a>]]></a>", VT_ERR_PARSE, "doc.xml:1:4: Sequence ']]>' not allowed in content");
    expect_error("<a b=\"<\"/>", VT_ERR_PARSE,
                 "doc.xml:1:7: Unescaped '<' not allowed in attributes values");
    expect_error("<a b=\"1\" c=\"2\" b=\"3\"/>", VT_ERR_PARSE,
                 "doc.xml:1:21: Attribute b redefined");
    expect_error("<a><!-- x -- y --></a>", VT_ERR_PARSE,
                 "doc.xml:1:11: Comment must not contain '--' (double-hyphen)");
    expect_error("<a/><b/>", VT_ERR_PARSE, "doc.xml:1:5: Extra content at the end of the document");
    expect_error("text<a/>", VT_ERR_PARSE, "doc.xml:1:1: Document is empty");
    expect_error("<a b=\"1\"c=\"2\"/>", VT_ERR_PARSE, "doc.xml:1:9: attributes construct error");
    expect_error("<a b/>", VT_ERR_PARSE,
                 "doc.xml:1:5: Specification mandates value for attribute b");
    expect_error("<a>&#x110000;</a>", VT_ERR_PARSE,
                 "doc.xml:1:14: xmlParseCharRef: character reference out of bounds");
}

static void declarations_and_instructions(void **state)
{
    (void)state;
    expect_error(" <?xml version=\"1.0\"?><a/>", VT_ERR_PARSE,
                 "doc.xml:1:7: XML declaration allowed only at the start of the document");
    expect_error("<?XmL?><a/>", VT_ERR_PARSE, "doc.xml:1:6: Invalid PI name");
    expect_error("<?xml version=\"2.0\"?><a/>", VT_ERR_PARSE,
                 "doc.xml:1:20: Unsupported version '2.0'");
    expect_error("<?xml encoding=\"UTF-8\"?><a/>", VT_ERR_PARSE,
                 "doc.xml:1:7: Malformed declaration expecting version");
    expect_error("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>", VT_ERR_PARSE,
                 "doc.xml:1:38: Document labelled UTF-16 but has UTF-8 content");
    expect_error("<?xml version=\"1.0\" standalone=\"maybe\"?><a/>", VT_ERR_PARSE,
                 "doc.xml:1:33: standalone accepts only 'yes' or 'no'");
    expect_error("<?a:b?><a/>", VT_ERR_PARSE,
                 "doc.xml:1:6: colons are forbidden from PI names 'a:b'");
}

static void namespace_errors(void **state)
{
    (void)state;
    expect_error("<p:a/>", VT_ERR_PARSE, "doc.xml:1:5: Namespace prefix p on a is not defined");
    expect_error("<a p:b=\"1\"/>", VT_ERR_PARSE,
                 "doc.xml:1:11: Namespace prefix p for b on a is not defined");
    expect_error("<a xmlns:p=\"http://x/\" xmlns:q=\"http://x/\" p:b=\"1\" q:b=\"2\"/>",
                 VT_ERR_PARSE, "doc.xml:1:59: Namespaced Attribute b in 'http://x/' redefined");
    expect_error("<a xmlns:p=\"\"/>", VT_ERR_PARSE,
                 "doc.xml:1:14: xmlns:p: Empty XML namespace is not allowed");
    expect_error("<a:b:c/>", VT_ERR_PARSE, "doc.xml:1:5: Failed to parse QName 'a:b:'");
}

static void truncated_input(void **state)
{
    (void)state;
    /* At the end of the input, as libxml2 says it (tests/fixtures/bad/truncated.xml). */
    expect_error("<a>\n<b c=\"1", VT_ERR_PARSE, "doc.xml:2:8: AttValue: ' expected");
    expect_error("<a>\n<b/>", VT_ERR_PARSE, "doc.xml:2:5: Premature end of data in tag a line 1");
    expect_error("<?xml version=\"1.0\"?>\n", VT_ERR_PARSE,
                 "doc.xml:2:1: Start tag expected, '<' not found");
    expect_error("<a><!-- x", VT_ERR_PARSE, "doc.xml:1:10: Comment not terminated");
}

/* libxml2 reads a hexadecimal letter at the 11th digit of a character reference as an error
 * (its loop counter), however many zeros lead; the tokenizer gives the same answer. */
static void libxml2_quirks(void **state)
{
    (void)state;
    expect_events("<a>&#x000000000a;</a>", "S a|T \n|E a|");
    expect_error("<a>&#x0000000000a;</a>", VT_ERR_PARSE,
                 "doc.xml:1:17: CharRef: invalid hexadecimal value");
    /* Its push parser checks CDATA by bit patterns: an overlong 'A' passes. */
    expect_events("<a><![CDATA[\xc1\x81]]></a>", "S a|T \xc1\x81|E a|");
    /* xmlns:xml bound to its own namespace twice is no duplicate to libxml2. */
    expect_events("<a xmlns:xml=\"http://www.w3.org/XML/1998/namespace\" "
                  "xmlns:xml=\"http://www.w3.org/XML/1998/namespace\"/>",
                  "S a|E a|");
}

/* ---- what the tokenizer leaves to libxml2 --------------------------------------------- */

static void other_encodings_and_doctypes_are_declined(void **state)
{
    (void)state;
    const char *docs[] = {
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>",
        "<?pi <!-- ?><!DOCTYPE a><a/>",
        "\x4c\x6f\xa7\x94\x93\x40",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        vt__xml_tok *t = NULL;
        vt_error err;
        assert_int_equal(vt__xml_tok_new("doc.xml", NULL, &t, &err), VT_OK);
        char buf[128];
        const size_t n = strlen(docs[i]);
        memcpy(buf, docs[i], n);
        vt_status st = vt__xml_tok_feed(t, buf, n, &err);
        if (st == VT_OK) {
            st = vt__xml_tok_finish(t, &err);
        }
        assert_int_equal(st, VT_ERR_FORMAT);
        assert_true(vt__xml_tok_declined(t));
        assert_false(vt__xml_tok_saw_root(t));
        vt__xml_tok_free(t);
    }
    /* A refusal for a reason of its own is no decline. */
    vt__xml_tok *t = NULL;
    vt_error err;
    assert_int_equal(vt__xml_tok_new("doc.xml", NULL, &t, &err), VT_OK);
    char buf[64] = "<a></b>";
    assert_int_equal(vt__xml_tok_feed(t, buf, 7, &err), VT_ERR_PARSE);
    assert_false(vt__xml_tok_declined(t));
    vt__xml_tok_free(t);
}

/* ---- positions, callbacks ------------------------------------------------------------ */

static void start_events_know_their_place(void **state)
{
    (void)state;
    rec r;
    vt_error err;
    /* The reader's errors point at the tag's '>' or at the '/' of "/>", as libxml2's do. */
    assert_int_equal(run("<a>\n  <b c=\"\xe2\x80\x99\"/>", &r, &err), VT_ERR_PARSE);
    assert_int_equal(r.line, 2);
    assert_int_equal(r.col, 11); /* characters, not bytes: the quote mark is one */
    free(r.log);
}

static void a_handler_can_stop(void **state)
{
    (void)state;
    rec r;
    memset(&r, 0, sizeof r);
    add(&r, "%s", "");
    r.stop_after = 2;
    vt__xml_tok_handler h = {&r, on_start, on_end, NULL};
    vt__xml_tok *t = NULL;
    vt_error err;
    assert_int_equal(vt__xml_tok_new("doc.xml", &h, &t, &err), VT_OK);
    current = t;
    char buf[64] = "<a><b/><c/></a>";
    assert_int_equal(vt__xml_tok_feed(t, buf, strlen(buf), &err), VT_ERR_ABORTED);
    assert_string_equal(r.log, "S a|S b|");
    /* The answer sticks. */
    assert_int_equal(vt__xml_tok_finish(t, &err), VT_ERR_ABORTED);
    vt__xml_tok_free(t);
    free(r.log);
}

/* ---- sizes --------------------------------------------------------------------------- */

/* An allocator that counts the library's bytes in use and their peak. */
typedef struct counter {
    size_t now, peak;
} counter;

static void *count_realloc(void *ctx, void *ptr, size_t size)
{
    counter *c = ctx;
    size_t old = 0;
    char *p = ptr ? (char *)ptr - 16 : NULL;
    if (p) {
        memcpy(&old, p, sizeof old);
    }
    char *q = realloc(p, size + 16);
    if (!q) {
        return NULL;
    }
    memcpy(q, &size, sizeof size);
    c->now = c->now - old + size;
    if (c->now > c->peak) {
        c->peak = c->now;
    }
    return q + 16;
}

static void count_free(void *ctx, void *ptr)
{
    counter *c = ctx;
    if (ptr) {
        size_t old;
        memcpy(&old, (char *)ptr - 16, sizeof old);
        c->now -= old;
        free((char *)ptr - 16);
    }
}

static counter bytes;

static void count_bytes(void)
{
    memset(&bytes, 0, sizeof bytes);
    const vt_allocator a = {count_realloc, count_free, &bytes};
    vt_allocator_set(&a);
}

static void stop_counting(void)
{
    vt_allocator_set(NULL);
    assert_int_equal(bytes.now, 0); /* everything freed */
}

/* Builds "<a v=\"" + n x 'x' + "\"/>" (and a line before). */
static char *long_value_doc(size_t n, size_t *len)
{
    char *d = malloc(n + 64);
    assert_non_null(d);
    size_t k = (size_t)sprintf(d, "<r>\n<a v=\"");
    memset(d + k, 'x', n);
    k += n;
    k += (size_t)sprintf(d + k, "\"/></r>");
    *len = k;
    return d;
}

static int count_value(void *ctx, const vt__xml_tok_element *el)
{
    if (el->attr_count == 1) {
        *(size_t *)ctx = el->attrs[0].value_len;
    }
    return 0;
}

static void a_long_value_is_carried_across_blocks(void **state)
{
    (void)state;
    size_t len, got = 0;
    char *d = long_value_doc(3u << 20, &len);
    vt__xml_tok_handler h = {&got, count_value, NULL, NULL};
    vt_error err;
    assert_int_equal(feed_doc(d, len, 256 * 1024, &h, &err), VT_OK);
    assert_int_equal(got, 3u << 20);
    got = 0;
    assert_int_equal(feed_doc(d, len, 4093, &h, &err), VT_OK);
    assert_int_equal(got, 3u << 20);
    free(d);
}

static void a_value_over_the_limit_is_refused_where_its_tag_starts(void **state)
{
    (void)state;
    size_t len;
    char *d = long_value_doc(VT__XML_TOK_MAX_TOKEN + 1000, &len);
    vt__xml_tok_handler h = {NULL, NULL, NULL, NULL};
    vt_error err;
    count_bytes();
    assert_int_equal(feed_doc(d, len, 256 * 1024, &h, &err), VT_ERR_LIMIT);
    stop_counting();
    assert_string_equal(err.msg, "doc.xml:2:1: a value or text longer than libxml2's 10 MB limit");
    /* One token's worth and a little: the carry stops at the limit. */
    if (bytes.peak >= VT__XML_TOK_MAX_TOKEN + (1u << 20)) {
        fail_msg("peak %zu bytes", bytes.peak);
    }
    free(d);
}

static void long_text_streams(void **state)
{
    (void)state;
    const size_t n = 30u << 20; /* three times the token limit */
    char *d = malloc(n + 16);
    assert_non_null(d);
    memcpy(d, "<a>", 3);
    for (size_t i = 3; i < n + 3; i++) {
        d[i] = (char)('a' + i % 26);
    }
    memcpy(d + n + 3, "</a>", 4);
    vt__xml_tok_handler h = {NULL, NULL, NULL, NULL};
    vt_error err;
    count_bytes();
    assert_int_equal(feed_doc(d, n + 7, 256 * 1024, &h, &err), VT_OK);
    stop_counting();
    assert_true(bytes.peak < 64 * 1024); /* nothing is held back but a few bytes */
    free(d);
}

static void many_attributes(void **state)
{
    (void)state;
    /* 300 distinct names, then one repeated: found past the small-tag path. */
    char *d = malloc(300 * 16 + 64);
    assert_non_null(d);
    size_t k = (size_t)sprintf(d, "<a");
    for (int i = 0; i < 300; i++) {
        k += (size_t)sprintf(d + k, " n%d=\"\"", i);
    }
    memcpy(d + k, "/>", 3);
    vt__xml_tok_handler h = {NULL, NULL, NULL, NULL};
    vt_error err;
    assert_int_equal(feed_doc(d, k + 2, k + 2, &h, &err), VT_OK);
    k += (size_t)sprintf(d + k, " n123=\"\"/>");
    assert_int_equal(feed_doc(d, k, k, &h, &err), VT_ERR_PARSE);
    assert_non_null(strstr(err.msg, "Attribute n123 redefined"));
    free(d);
}

static void deep_nesting_is_bounded(void **state)
{
    (void)state;
    const size_t depth = VT__XML_TOK_MAX_DEPTH + 1;
    char *d = malloc(depth * 3 + 16);
    assert_non_null(d);
    for (size_t i = 0; i < depth; i++) {
        memcpy(d + 3 * i, "<a>", 3);
    }
    vt__xml_tok_handler h = {NULL, NULL, NULL, NULL};
    vt_error err;
    assert_int_equal(feed_doc(d, depth * 3, 256 * 1024, &h, &err), VT_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "elements nested deeper than 100000"));
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(elements_attributes_and_text),
        cmocka_unit_test(references_are_decoded),
        cmocka_unit_test(line_ends_and_attribute_normalisation),
        cmocka_unit_test(comments_and_instructions_are_not_events),
        cmocka_unit_test(byte_order_mark_and_declarations),
        cmocka_unit_test(names_beyond_ascii),
        cmocka_unit_test(namespaces_resolve),
        cmocka_unit_test(repeated_tags_are_checked_alike),
        cmocka_unit_test(well_formedness_errors),
        cmocka_unit_test(declarations_and_instructions),
        cmocka_unit_test(namespace_errors),
        cmocka_unit_test(truncated_input),
        cmocka_unit_test(libxml2_quirks),
        cmocka_unit_test(other_encodings_and_doctypes_are_declined),
        cmocka_unit_test(start_events_know_their_place),
        cmocka_unit_test(a_handler_can_stop),
        cmocka_unit_test(a_long_value_is_carried_across_blocks),
        cmocka_unit_test(a_value_over_the_limit_is_refused_where_its_tag_starts),
        cmocka_unit_test(long_text_streams),
        cmocka_unit_test(many_attributes),
        cmocka_unit_test(deep_nesting_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
