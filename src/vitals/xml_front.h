/* SPDX-License-Identifier: MIT */
/* The XML front end of the export reader and the GPX reader: an XML parser seen as a stream of
 * events (start tag with its attributes, end tag, text, error), whichever engine parses. */
#ifndef VITALS_XML_FRONT_H
#define VITALS_XML_FRONT_H

#include <stddef.h>
#include <stdint.h>

#include "vitals/error.h"

/*
 * The seam. A consumer (reader_dispatch.c, gpx.c) fills a vt__xml_events and feeds bytes
 * with vt__xml_parse; an engine turns them into calls of the events, in document order. An
 * engine is a vt__xml_backend; the engines are listed in xml_front.c and chosen at run time
 * by vt__xml_engine when the parser is made. libxml2's SAX2 push parser
 * (VT__XML_LIBXML2, the default) is the reference: another engine must accept and reject the
 * same documents and give the same events for them (docs/architecture.md, "The XML front
 * end").
 *
 * What every engine promises:
 * - The document is XML 1.0 as the reader needs it, with no DTD (the byte filter blanks it
 *   before the parser): no entity other than the five predefined ones and character
 *   references is ever expanded, fetched or declared; any other reference is an error.
 * - `start` gets the element's local name and its attributes in document order: each name
 *   NUL-terminated, each value decoded (entities and character references replaced,
 *   attribute-value normalisation applied) as `len` bytes of UTF-8 that are not
 *   NUL-terminated. Everything passed is borrowed for the call only.
 * - `end` gets the local name of the element that ends; every `start` has its `end` unless
 *   the parse stopped first.
 * - `text` (optional: NULL asks the engine not to report text) gets character data,
 *   CDATA sections included, decoded; one run of text may come in several calls, so a
 *   consumer concatenates consecutive calls. Comments and processing instructions are not
 *   reported.
 * - `error` is called at most once, for the first error that makes the document not
 *   well-formed (or not decodable); no event follows it. A consumer that stops the parse
 *   (vt__xml_stop, typically from inside an event) gets no error and no further event.
 */

/** One attribute of a start tag. */
typedef struct vt__xml_attr {
    const char *name;  /* local name, NUL-terminated */
    const char *value; /* decoded value, `len` bytes, not NUL-terminated */
    size_t len;
    size_t name_len; /* strlen(name) */
} vt__xml_attr;

/** The first error of a document. */
typedef struct vt__xml_error {
    vt_status code;      /* VT_ERR_PARSE; VT_ERR_NOMEM when the engine ran out of memory */
    const char *message; /* one line, no position, no trailing newline */
    uint32_t line;       /* 1-based position of the error; 0 when not known */
    uint32_t column;
    /* 0: an error of the markup (not well-formed, an undefined entity, a limit). 1: the
     * engine failed outside the markup: the bytes could not be decoded as characters (an
     * encoding conversion failed: libxml2 reports it without a parser context). */
    int decoding;
} vt__xml_error;

/** What a consumer receives; `ctx` is passed back to every call. */
typedef struct vt__xml_events {
    void *ctx;
    void (*start)(void *ctx, const char *name, const vt__xml_attr *attrs, size_t count);
    void (*end)(void *ctx, const char *name);
    void (*text)(void *ctx, const char *text, size_t len); /* may be NULL */
    void (*error)(void *ctx, const vt__xml_error *error);
} vt__xml_events;

/** The engines. */
typedef enum vt__xml_engine {
    VT__XML_LIBXML2 = 0, /* libxml2's SAX2 push parser: the reference */
    VT__XML_BUILTIN = 1, /* the built-in tokenizer (xml_tok.c); libxml2 for what it declines */
    VT__XML_ENGINE_COUNT
} vt__xml_engine;

/** A parser of one document. */
typedef struct vt__xml_parser vt__xml_parser;

/**
 * Makes a parser of `engine` sending events to `events` (copied). `name` (borrowed; it must
 * outlive the parser) names the document in the engine's own diagnostics. Free it with
 * vt__xml_parser_free. VT_ERR_INVALID for an engine this build does not have.
 */
vt_status vt__xml_parser_new(vt__xml_engine engine, const vt__xml_events *events, const char *name,
                             vt__xml_parser **out, vt_error *err);

/** Frees the parser; NULL is accepted. */
void vt__xml_parser_free(vt__xml_parser *p);

/**
 * Parses the next `len` bytes of the document (`data` may be "" when `len` is 0); `last`
 * non-zero ends the document, so an unclosed element is an error then. Returns 1 while the
 * parse goes on, 0 once it has ended in an error (reported through `error`) or been stopped.
 */
int vt__xml_parse(vt__xml_parser *p, const char *data, size_t len, int last);

/** Bytes a block given to vt__xml_parse_block has after its `len`, allocated and set. */
#define VT__XML_PADDING 32u

/**
 * vt__xml_parse for a block the caller lets the engine modify: the built-in engine reads it
 * where it lies (no copy) and changes it (the reader's block: it is not read again).
 * VT__XML_PADDING bytes after `len` must be allocated and initialised.
 */
int vt__xml_parse_block(vt__xml_parser *p, char *data, size_t len, int last);

/** Stops the parse: no event follows, and vt__xml_parse returns 0 from now on. */
void vt__xml_stop(vt__xml_parser *p);

/** The engine's position (1-based line and column of the input it is at; 0 when unknown):
 * during an event, about the end of that event's markup. */
uint32_t vt__xml_line(const vt__xml_parser *p);
uint32_t vt__xml_column(const vt__xml_parser *p);

/** The engine's name ("libxml2"), for messages and benchmarks. */
const char *vt__xml_engine_name(vt__xml_engine engine);

/*
 * An engine, as xml_front.c's table lists it. `state` is the engine's own; `events` belong to
 * the caller of vt__xml_parser_new and stay valid until `close`.
 */
typedef struct vt__xml_backend {
    const char *name;
    vt_status (*open)(const vt__xml_events *events, const char *name, void **state, vt_error *err);
    int (*parse)(void *state, const char *data, size_t len, int last);
    /* vt__xml_parse_block; NULL: `parse` serves. */
    int (*parse_block)(void *state, char *data, size_t len, int last);
    void (*stop)(void *state);
    uint32_t (*line)(const void *state);
    uint32_t (*column)(const void *state);
    void (*close)(void *state);
} vt__xml_backend;

/* The engines' tables: libxml2's (xml_front.c), the built-in one's (xml_tok_engine.c), which
 * hands what its tokenizer declines to libxml2's. */
extern const vt__xml_backend vt__xml_libxml2_backend;
extern const vt__xml_backend vt__xml_builtin_backend;

#endif
