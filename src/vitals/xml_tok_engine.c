/* SPDX-License-Identifier: MIT */
/* The built-in engine of the XML front end (xml_front.h): the tokenizer (xml_tok.c) behind the
 * front end's events, and libxml2's engine, from the document's first byte, for a document
 * the tokenizer declines (an encoding other than UTF-8, a DOCTYPE the byte filter left). */
#include <string.h>

#include "internal.h"
#include "xml_front.h"
#include "xml_tok.h"

/* The bytes kept until the root element starts, for libxml2 should the tokenizer decline
 * (it can only decline before): the prolog of any export fits. */
#define KEEP_MAX (256u * 1024u)

typedef struct eng {
    const vt__xml_events *ev;
    const char *name;
    vt__xml_tok *tok;
    int done; /* an error was reported or the consumer stopped: no more events */
    vt__xml_attr *attrs;
    size_t attrs_cap;
    int keeping; /* the root has not started: the bytes are kept */
    char *kept;
    size_t kept_len, kept_cap;
    void *lx;   /* libxml2's engine, once the tokenizer declined */
    char *copy; /* vt__xml_parse's bytes, copied where the tokenizer may change them */
    size_t copy_cap;
} eng;

static int on_start(void *ctx, const vt__xml_tok_element *el)
{
    eng *e = ctx;
    if (VT__UNLIKELY(el->attr_count > e->attrs_cap) &&
        vt__grow((void **)&e->attrs, &e->attrs_cap, el->attr_count, sizeof *e->attrs) != 0) {
        return -1; /* the tokenizer stops; eng_feed reports it */
    }
    for (uint32_t i = 0; i < el->attr_count; i++) {
        e->attrs[i].name = el->attrs[i].name;
        e->attrs[i].value = el->attrs[i].value;
        e->attrs[i].len = el->attrs[i].value_len;
        e->attrs[i].name_len = el->attrs[i].name_len;
    }
    e->ev->start(e->ev->ctx, el->name, e->attrs, el->attr_count);
    return e->done; /* the consumer may have stopped the parse */
}

static int on_end(void *ctx, const vt__xml_tok_element *el)
{
    eng *e = ctx;
    e->ev->end(e->ev->ctx, el->name);
    return e->done;
}

static int on_text(void *ctx, const char *text, size_t len)
{
    eng *e = ctx;
    e->ev->text(e->ev->ctx, text, len);
    return e->done;
}

static vt_status eng_open(const vt__xml_events *events, const char *name, void **state,
                          vt_error *err)
{
    eng *e = vt__calloc(1, sizeof *e);
    if (!e) {
        return vt__nomem(err);
    }
    e->ev = events;
    e->name = name;
    e->keeping = 1;
    const vt__xml_tok_handler h = {e, on_start, on_end, events->text ? on_text : NULL};
    const vt_status st = vt__xml_tok_new(name, &h, &e->tok, err);
    if (st != VT_OK) {
        vt__free(e);
        return st;
    }
    *state = e;
    return VT_OK;
}

static void report(eng *e, vt_status code, const char *message)
{
    uint32_t line, column;
    vt__xml_tok_position(e->tok, &line, &column, NULL);
    vt__xml_error x;
    /* The front end's codes: the markup's errors and limits are VT_ERR_PARSE, as libxml2's. */
    x.code = code == VT_ERR_NOMEM ? VT_ERR_NOMEM : VT_ERR_PARSE;
    x.message = message;
    x.line = line;
    x.column = column;
    x.decoding = 0;
    e->done = 1;
    e->ev->error(e->ev->ctx, &x);
}

/* The tokenizer declined: libxml2 reads the document from its first byte. */
static int hand_to_libxml2(eng *e, int last)
{
    vt_error err;
    if (vt__xml_libxml2_backend.open(e->ev, e->name, &e->lx, &err) != VT_OK) {
        report(e, err.code, err.msg);
        return 0;
    }
    const int ok = vt__xml_libxml2_backend.parse(e->lx, e->kept, e->kept_len, last);
    vt__free(e->kept);
    e->kept = NULL;
    e->keeping = 0;
    return ok;
}

static int eng_parse_block(void *state, char *data, size_t len, int last)
{
    eng *e = state;
    if (e->lx) {
        return vt__xml_libxml2_backend.parse(e->lx, data, len, last);
    }
    if (e->done) {
        return 0;
    }
    if (e->keeping && len > 0) {
        /* Kept before the tokenizer reads them: it changes the tags it has read. */
        if (e->kept_len + len > KEEP_MAX ||
            vt__grow((void **)&e->kept, &e->kept_cap, e->kept_len + len, 1) != 0) {
            e->keeping = 0;
            vt__free(e->kept);
            e->kept = NULL;
        } else {
            memcpy(e->kept + e->kept_len, data, len);
            e->kept_len += len;
        }
    }
    vt_status st = len > 0 ? vt__xml_tok_feed(e->tok, data, len, NULL) : VT_OK;
    if (st == VT_OK && last) {
        st = vt__xml_tok_finish(e->tok, NULL);
    }
    if (e->keeping && vt__xml_tok_saw_root(e->tok)) {
        e->keeping = 0; /* nothing is declined once the root has started */
        vt__free(e->kept);
        e->kept = NULL;
    }
    if (st == VT_OK) {
        return 1;
    }
    if (e->done) {
        return 0; /* stopped by the consumer: no error */
    }
    if (vt__xml_tok_declined(e->tok) && e->keeping) {
        return hand_to_libxml2(e, last);
    }
    if (st == VT_ERR_ABORTED) {
        report(e, VT_ERR_NOMEM, "out of memory"); /* on_start could not grow its array */
    } else {
        report(e, st, vt__xml_tok_message(e->tok));
    }
    return 0;
}

static int eng_parse(void *state, const char *data, size_t len, int last)
{
    eng *e = state;
    if (e->lx || len == 0) {
        return eng_parse_block(state, (char *)(uintptr_t)data, len, last); /* not written */
    }
    if (len + VT__XML_PADDING > e->copy_cap) {
        vt__free(e->copy);
        e->copy_cap = 0;
        e->copy = vt__calloc(1, len + VT__XML_PADDING);
        if (!e->copy) {
            if (!e->done) {
                report(e, VT_ERR_NOMEM, "out of memory");
            }
            return 0;
        }
        e->copy_cap = len + VT__XML_PADDING;
    }
    memcpy(e->copy, data, len);
    return eng_parse_block(state, e->copy, len, last);
}

static void eng_stop(void *state)
{
    eng *e = state;
    e->done = 1;
    if (e->lx) {
        vt__xml_libxml2_backend.stop(e->lx);
    }
}

static uint32_t eng_line(const void *state)
{
    const eng *e = state;
    if (e->lx) {
        return vt__xml_libxml2_backend.line(e->lx);
    }
    uint32_t line;
    vt__xml_tok_position(e->tok, &line, NULL, NULL);
    return line;
}

static uint32_t eng_column(const void *state)
{
    const eng *e = state;
    if (e->lx) {
        return vt__xml_libxml2_backend.column(e->lx);
    }
    uint32_t column;
    vt__xml_tok_position(e->tok, NULL, &column, NULL);
    return column;
}

static void eng_close(void *state)
{
    eng *e = state;
    if (!e) {
        return;
    }
    if (e->lx) {
        vt__xml_libxml2_backend.close(e->lx);
    }
    vt__xml_tok_free(e->tok);
    vt__free(e->attrs);
    vt__free(e->kept);
    vt__free(e->copy);
    vt__free(e);
}

const vt__xml_backend vt__xml_builtin_backend = {"builtin", eng_open, eng_parse,  eng_parse_block,
                                                 eng_stop,  eng_line, eng_column, eng_close};
