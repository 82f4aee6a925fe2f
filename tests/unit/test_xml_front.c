/* SPDX-License-Identifier: MIT */
/* Tests of the XML front end (src/vitals/xml_front.h), the seam behind which an XML engine
 * sits: the events of small documents written by hand, whole and fed a byte at a time; errors
 * with their line; stopping from inside an event. Every engine must pass them: they run once
 * for libxml2's and once for the built-in one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/vitals/reader_internal.h"
#include "../../src/vitals/xml_front.h"

/* The engine the tests run on (main runs them for each). */
static vt__xml_engine engine;

/* ---- a consumer that writes the events as one line of text ---------------------------- */

typedef struct log {
    char text[4096];
    size_t len;
    int in_text; /* the last event was text: the next text piece continues it */
    int errors;
    vt__xml_error error;
    char message[256];
    const char *stop_at; /* stop the parse at the start tag of this name */
    vt__xml_parser *parser;
} log;

static void put(log *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(l->text + l->len, sizeof l->text - l->len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && l->len + (size_t)n < sizeof l->text);
    l->len += (size_t)n;
}

static void on_start(void *ctx, const char *name, const vt__xml_attr *attrs, size_t count)
{
    log *l = ctx;
    l->in_text = 0;
    put(l, "<%s", name);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(strlen(attrs[i].name), attrs[i].name_len);
        put(l, " %s=[%.*s]", attrs[i].name, (int)attrs[i].len, attrs[i].value);
    }
    put(l, ">");
    if (l->stop_at && strcmp(name, l->stop_at) == 0) {
        vt__xml_stop(l->parser);
    }
}

static void on_end(void *ctx, const char *name)
{
    log *l = ctx;
    l->in_text = 0;
    put(l, "</%s>", name);
}

static void on_text(void *ctx, const char *text, size_t len)
{
    log *l = ctx;
    if (!l->in_text) {
        put(l, "#");
    }
    l->in_text = 1;
    put(l, "%.*s", (int)len, text);
}

static void on_error(void *ctx, const vt__xml_error *e)
{
    log *l = ctx;
    l->errors++;
    l->error = *e;
    snprintf(l->message, sizeof l->message, "%s", e->message);
    l->error.message = l->message;
}

/* Parses `doc` with the engine, whole or `step` bytes at a time; gives the result of the last
 * vt__xml_parse. */
static int parse(log *l, const char *doc, size_t step, int with_text)
{
    memset(l->text, 0, sizeof l->text);
    l->len = 0;
    l->in_text = 0;
    l->errors = 0;
    vt__xml_events ev;
    ev.ctx = l;
    ev.start = on_start;
    ev.end = on_end;
    ev.text = with_text ? on_text : NULL;
    ev.error = on_error;
    assert_int_equal(vt__xml_parser_new(engine, &ev, "doc.xml", &l->parser, NULL), VT_OK);
    const size_t len = strlen(doc);
    int ok = 1;
    size_t at = 0;
    while (ok && at < len) {
        const size_t n = step && len - at > step ? step : len - at;
        ok = vt__xml_parse(l->parser, doc + at, n, 0);
        at += n;
    }
    if (ok) {
        ok = vt__xml_parse(l->parser, "", 0, 1);
    }
    vt__xml_parser_free(l->parser);
    l->parser = NULL;
    return ok;
}

/* The five predefined entities, character references, CDATA, comments and processing
 * instructions, an empty element, attribute-value normalisation of a tab. */
static const char DOC[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<!-- before -->\n"
                          "<a x=\"1 &amp; 2\" y='&#x41;&#66;' z=\"&lt;&gt;&quot;&apos;\t.\">"
                          "t&lt;u<![CDATA[<v>&amp;]]><b/><!-- c --><?pi data?>"
                          "<c k=\"\xE2\x80\x99\">w</c></a>\n";

static const char DOC_EVENTS[] = "<a x=[1 & 2] y=[AB] z=[<>\"' .]>#t<u<v>&amp;<b></b>"
                                 "<c k=[\xE2\x80\x99]>#w</c></a>";

static void events_of_a_document(void **state)
{
    (void)state;
    log l = {0};
    assert_int_equal(parse(&l, DOC, 0, 1), 1);
    assert_int_equal(l.errors, 0);
    assert_string_equal(l.text, DOC_EVENTS);
}

static void the_same_events_a_byte_at_a_time(void **state)
{
    (void)state;
    log l = {0};
    assert_int_equal(parse(&l, DOC, 1, 1), 1);
    assert_int_equal(l.errors, 0);
    assert_string_equal(l.text, DOC_EVENTS);
}

static void no_text_without_a_text_handler(void **state)
{
    (void)state;
    log l = {0};
    assert_int_equal(parse(&l, DOC, 0, 0), 1);
    assert_string_equal(l.text,
                        "<a x=[1 & 2] y=[AB] z=[<>\"' .]><b></b><c k=[\xE2\x80\x99]></c></a>");
}

/* More attributes than an engine keeps without growing (32 for libxml2's). */
static void forty_attributes(void **state)
{
    (void)state;
    char doc[1024] = "<r";
    char want[1024] = "<r";
    for (int i = 0; i < 40; i++) {
        snprintf(doc + strlen(doc), sizeof doc - strlen(doc), " a%d=\"%d\"", i, i * 7);
        snprintf(want + strlen(want), sizeof want - strlen(want), " a%d=[%d]", i, i * 7);
    }
    strcat(doc, "/>");
    strcat(want, "></r>");
    log l = {0};
    assert_int_equal(parse(&l, doc, 0, 1), 1);
    assert_string_equal(l.text, want);
}

static void a_mismatched_tag_is_one_error_with_its_line(void **state)
{
    (void)state;
    log l = {0};
    assert_int_equal(parse(&l, "<a>\n<b>\n</a><c/>", 0, 1), 0);
    assert_int_equal(l.errors, 1);
    assert_int_equal(l.error.code, VT_ERR_PARSE);
    assert_int_equal(l.error.line, 3);
    assert_true(l.error.column > 0);
    assert_int_equal(l.error.decoding, 0);
    assert_non_null(strstr(l.message, "mismatch"));
    assert_null(strchr(l.message, '\n'));
    /* Nothing after the error: not the end of <a>, not <c>. */
    assert_string_equal(l.text, "<a>#\n<b>#\n");
}

static void an_undefined_entity_is_an_error_not_expanded(void **state)
{
    (void)state;
    log l = {0};
    assert_int_equal(parse(&l, "<a x=\"&ent;\"/>", 0, 1), 0);
    assert_int_equal(l.errors, 1);
    assert_int_equal(l.error.line, 1);
    assert_non_null(strstr(l.message, "ent"));
    assert_string_equal(l.text, "");
}

static void a_document_cut_short_is_an_error_at_the_end(void **state)
{
    (void)state;
    log l = {0};
    assert_int_equal(parse(&l, "<a>\n<b x=\"1\">", 0, 1), 0);
    assert_int_equal(l.errors, 1);
    assert_int_equal(l.error.line, 2);
    assert_string_equal(l.text, "<a>#\n<b x=[1]>");
}

static void undecodable_bytes_are_a_decoding_error(void **state)
{
    (void)state;
    log l = {0};
    /* tests/fixtures/bad/bad-encoding.xml: UTF-7 that iconv cannot convert. */
    assert_int_equal(parse(&l,
                           "<?xml version=\"1.0\" encoding=\"UTF-7\"?>\n"
                           "<HealthData locale=\"\xFF\xFF\xFF\xFF\">\n</HealthData>\n",
                           0, 1),
                     0);
    assert_int_equal(l.errors, 1);
    assert_int_equal(l.error.decoding, 1);
    assert_non_null(strstr(l.message, "conversion failed"));
}

static void stopping_ends_the_events_without_an_error(void **state)
{
    (void)state;
    log l = {0};
    l.stop_at = "b";
    assert_int_equal(parse(&l, "<a><b><c/></b><d/></a>", 0, 1), 0);
    assert_int_equal(l.errors, 0);
    assert_string_equal(l.text, "<a><b>");
}

static void the_position_is_the_engines(void **state)
{
    (void)state;
    vt__xml_events ev = {NULL, on_start, on_end, NULL, on_error};
    log l = {0};
    ev.ctx = &l;
    vt__xml_parser *p;
    assert_int_equal(vt__xml_parser_new(engine, &ev, "doc.xml", &p, NULL), VT_OK);
    assert_int_equal(vt__xml_parse(p, "<a>\n\n<b/>\n", 10, 0), 1);
    assert_true(vt__xml_line(p) >= 3);
    vt__xml_parser_free(p);
    vt__xml_parser_free(NULL);
}

static void an_engine_this_build_lacks_is_refused(void **state)
{
    (void)state;
    vt__xml_events ev = {NULL, on_start, on_end, NULL, on_error};
    vt__xml_parser *p = (vt__xml_parser *)&ev;
    vt_error err;
    assert_int_equal(vt__xml_parser_new(VT__XML_ENGINE_COUNT, &ev, "doc.xml", &p, &err),
                     VT_ERR_INVALID);
    assert_null(p);
    assert_string_equal(vt__xml_engine_name(VT__XML_LIBXML2), "libxml2");
    assert_string_equal(vt__xml_engine_name(VT__XML_BUILTIN), "builtin");
}

/* The reader's engine is chosen before its first bytes (the built-in one by default,
 * libxml2's by option), and its GPX files use the same. */
static void the_reader_chooses_its_engine_before_the_first_bytes(void **state)
{
    (void)state;
    vt_reader *r;
    vt_reader_options o;
    memset(&o, 0, sizeof o);
    o.parser = VT_XML_PARSER_LIBXML2;
    assert_int_equal(vt_reader_new(&o, NULL, &r, NULL), VT_OK);
    assert_int_equal(vt__reader_xml_engine(r), VT__XML_LIBXML2);
    vt_reader_free(r);
    o.parser = (vt_xml_parser)7;
    assert_int_equal(vt_reader_new(&o, NULL, &r, NULL), VT_ERR_INVALID);
    assert_int_equal(vt_reader_new(NULL, NULL, &r, NULL), VT_OK);
    assert_int_equal(vt__reader_xml_engine(r), VT__XML_BUILTIN);
    assert_int_equal(vt__reader_use_xml_engine(r, VT__XML_ENGINE_COUNT, NULL), VT_ERR_INVALID);
    assert_int_equal(vt__reader_use_xml_engine(r, VT__XML_LIBXML2, NULL), VT_OK);
    static const char doc[] = "<HealthData locale=\"en_US\">";
    assert_int_equal(vt_reader_feed(r, doc, sizeof doc - 1, NULL), VT_OK);
    assert_int_equal(vt__reader_use_xml_engine(r, VT__XML_LIBXML2, NULL), VT_ERR_INVALID);
    vt_reader_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(events_of_a_document),
        cmocka_unit_test(the_same_events_a_byte_at_a_time),
        cmocka_unit_test(no_text_without_a_text_handler),
        cmocka_unit_test(forty_attributes),
        cmocka_unit_test(a_mismatched_tag_is_one_error_with_its_line),
        cmocka_unit_test(an_undefined_entity_is_an_error_not_expanded),
        cmocka_unit_test(a_document_cut_short_is_an_error_at_the_end),
        cmocka_unit_test(undecodable_bytes_are_a_decoding_error),
        cmocka_unit_test(stopping_ends_the_events_without_an_error),
        cmocka_unit_test(the_position_is_the_engines),
        cmocka_unit_test(an_engine_this_build_lacks_is_refused),
        cmocka_unit_test(the_reader_chooses_its_engine_before_the_first_bytes),
    };
    int failed = 0;
    for (engine = VT__XML_LIBXML2; engine < VT__XML_ENGINE_COUNT; engine++) {
        printf("engine %s\n", vt__xml_engine_name(engine));
        failed += cmocka_run_group_tests(tests, NULL, NULL);
    }
    return failed;
}
