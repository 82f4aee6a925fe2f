/* SPDX-License-Identifier: MIT */
/* The built-in XML tokenizer (xml_tok.c, xml_tok_markup.c): a push parser for the XML that
 * remains once the byte filter has blanked the internal DTD, with the checks of XML 1.0 and
 * Namespaces that libxml2 makes, the same events, and none of its per-character cost. */
#ifndef VITALS_XML_TOK_H
#define VITALS_XML_TOK_H

#include <stddef.h>
#include <stdint.h>

#include "vitals/error.h"

/**
 * Bytes the caller leaves after the data it feeds, allocated and initialised (any value):
 * the tokenizer writes a sentinel into the first and reads the others ahead (16 bytes at a
 * time).
 */
#define VT__XML_TOK_PADDING 32u
/**
 * The longest tag, comment, processing instruction or CDATA section accepted, in bytes:
 * libxml2's XML_MAX_LOOKUP_LIMIT, which its push parser applies to the input it holds back.
 * Character data has no limit: it streams.
 */
#define VT__XML_TOK_MAX_TOKEN 10000000u
/** The longest name (libxml2's XML_MAX_NAME_LENGTH), in bytes. */
#define VT__XML_TOK_MAX_NAME 50000u
/** Attributes of one element, at most (libxml2 has no limit and checks them in O(n^2)). */
#define VT__XML_TOK_MAX_ATTRS 100000u
/** Elements open at once, at most. */
#define VT__XML_TOK_MAX_DEPTH 100000u

/** An attribute as the start event gives it: pointers valid during the callback only. */
typedef struct vt__xml_tok_attr {
    const char *name;   /**< local part, NUL-terminated */
    const char *prefix; /**< namespace prefix, NUL-terminated; NULL when none */
    const char *uri;    /**< the prefix's namespace name; NULL when unprefixed */
    const char *value;  /**< normalised and unescaped, NUL-terminated */
    uint32_t name_len;
    uint32_t value_len;
} vt__xml_tok_attr;

/** A namespace declared on an element (xmlns or xmlns:prefix). */
typedef struct vt__xml_tok_ns {
    const char *prefix; /**< NULL for the default namespace */
    const char *uri;    /**< "" when the default namespace is undeclared */
} vt__xml_tok_ns;

/** An element, for the start event (all fields) and the end event (names only). */
typedef struct vt__xml_tok_element {
    const char *name;   /**< local part, NUL-terminated */
    const char *prefix; /**< NULL when none */
    const char *uri;    /**< its namespace name, NULL when none */
    uint32_t name_len;
    uint32_t attr_count;
    const vt__xml_tok_attr *attrs; /**< in document order, namespace declarations left out */
    uint32_t ns_count;
    const vt__xml_tok_ns *ns;
} vt__xml_tok_element;

/**
 * What the tokenizer calls. A callback returns 0 to go on; anything else stops the
 * tokenizer, whose feed or finish then returns VT_ERR_ABORTED. Any member may be NULL; with
 * `text` NULL, character data is checked but not decoded.
 */
typedef struct vt__xml_tok_handler {
    void *ctx;
    int (*start)(void *ctx, const vt__xml_tok_element *element);
    int (*end)(void *ctx, const vt__xml_tok_element *element);
    /** Character data and CDATA content, in pieces (merge neighbours to get a text node). */
    int (*text)(void *ctx, const char *text, size_t len);
} vt__xml_tok_handler;

typedef struct vt__xml_tok vt__xml_tok;

/**
 * Creates a tokenizer; `name` (may be NULL: "input") prefixes error messages as
 * `name:line:column: message`. Free it with vt__xml_tok_free.
 */
vt_status vt__xml_tok_new(const char *name, const vt__xml_tok_handler *handler, vt__xml_tok **out,
                          vt_error *err);

/** Frees the tokenizer; NULL is accepted. */
void vt__xml_tok_free(vt__xml_tok *tok);

/**
 * Tokenizes the next `len` bytes. `data` is modified in place (values are unescaped where
 * they lie, names and values NUL-terminated) and needs VT__XML_TOK_PADDING bytes after
 * `len`. The bytes of a token that the block ends inside are copied and completed by the
 * next feed. After an error every call returns the same error.
 */
vt_status vt__xml_tok_feed(vt__xml_tok *tok, char *data, size_t len, vt_error *err);

/** Ends the input: the document must be complete (root element closed). */
vt_status vt__xml_tok_finish(vt__xml_tok *tok, vt_error *err);

/**
 * Non-zero when the tokenizer refused the document only for what it does not handle: an
 * encoding other than UTF-8 declared, or a DOCTYPE the byte filter left (after a processing
 * instruction that holds "<!--"). libxml2 reads those; no event was sent before either.
 */
int vt__xml_tok_declined(const vt__xml_tok *tok);

/** Whether the root element has started. */
int vt__xml_tok_saw_root(const vt__xml_tok *tok);

/** The error's message alone, without the name and the position ("" when no error). */
const char *vt__xml_tok_message(const vt__xml_tok *tok);

/**
 * Where the tokenizer is, as libxml2 reports it to its callbacks: during a start event the
 * '>' (or the '/' of "/>") of the tag, during an end event the byte after the tag, after an
 * error the error's place. Columns count characters, lines '\n'; `offset` counts bytes.
 */
void vt__xml_tok_position(const vt__xml_tok *tok, uint32_t *line, uint32_t *column,
                          uint64_t *offset);

#endif
