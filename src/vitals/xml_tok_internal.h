/* SPDX-License-Identifier: MIT */
/* What the two files of the tokenizer share: its state, character classes, helpers. The
 * hot path (content, tags, references) is xml_tok.c; the rest (XML declaration, comments,
 * processing instructions, CDATA, namespaces, messages) is xml_tok_markup.c. */
#ifndef VITALS_XML_TOK_INTERNAL_H
#define VITALS_XML_TOK_INTERNAL_H

#include "internal.h"
#include "xml_tok.h"

/* Results of the token parsers: done, the window ends inside the token, error (set). */
enum { TOK_OK = 0, TOK_MORE = 1, TOK_ERR = -1 };

/* Where the tokenizer is in the document. */
enum { ST_START, ST_PROLOG, ST_CONTENT, ST_EPILOG, ST_DONE };

/* Byte classes (xml_tok_class). */
enum {
    CL_NCSTART = 1, /* [A-Za-z_]: starts an NCName */
    CL_NCNAME = 2,  /* [A-Za-z0-9_.-]: continues one */
    CL_SPACE = 4,   /* #x20 #x9 #xD #xA */
    CL_HIGH = 8,    /* >= 0x80: a UTF-8 sequence to decode */
    CL_COLON = 16   /* ':', which Names allow and QNames use once */
};
extern const unsigned char vt__xml_class[256];

/* One attribute of the tag being read, before the tag is known complete. */
typedef struct vt__xml_slot {
    char *name;
    char *value;
    uint32_t name_len;
    uint32_t value_len;
    uint32_t colon;     /* offset of ':' in the name, 0 when none */
    uint32_t value_off; /* where a decoded value starts in the scratch buffer */
    uint8_t decode;     /* the value holds a reference, a tab, CR or LF: decoded */
    uint8_t hash;
    uint8_t xmlns; /* 1: xmlns, 2: xmlns:prefix */
} vt__xml_slot;

/* The attribute names of the last start tag of an element name, in order: the next tag of
 * that name whose attributes start with the same names is compared with them byte for byte
 * (no character classes, no duplicate check). Names up to 32 bytes, 16 attributes. */
enum { VT__XML_LAYOUTS = 8, VT__XML_LAYOUT_ATTRS = 16, VT__XML_LAYOUT_NAME = 32 };
typedef struct vt__xml_layout {
    uint32_t elem_len; /* 0: unused */
    uint32_t count;
    char elem[VT__XML_LAYOUT_NAME];
    uint8_t len[VT__XML_LAYOUT_ATTRS];
    uint8_t hash[VT__XML_LAYOUT_ATTRS];
    char names[VT__XML_LAYOUT_ATTRS][VT__XML_LAYOUT_NAME];
} vt__xml_layout;

/* An element open in the document: its name in `names`, its namespaces on `ns`. */
typedef struct vt__xml_open {
    uint32_t name_off;   /* qname, NUL-terminated, in names */
    uint32_t name_len;   /* of the qname */
    uint32_t prefix_len; /* 0 when unprefixed; then the prefix copy follows the qname */
    uint32_t ns_before;  /* ns_count before this element's declarations */
    int64_t uri;         /* offset of its namespace name in ns_bytes, -1 when none */
    uint64_t line;
} vt__xml_open;

/* A namespace binding in scope. */
typedef struct vt__xml_binding {
    uint32_t bytes_off;  /* ns_bytes_len before this binding's bytes */
    uint32_t prefix_off; /* in ns_bytes, NUL-terminated; UINT32_MAX for the default */
    uint32_t prefix_len;
    uint32_t uri_off; /* NUL-terminated */
    uint32_t uri_len;
} vt__xml_binding;

struct vt__xml_tok {
    vt__xml_tok_handler h;
    char name[256];
    int state;
    int declined;
    int saw_root;
    vt_status status;
    vt_error err;
    char what[200]; /* the error's message without the name and the position */

    /* The window being read: w[0..wend), its absolute offset, whether input has ended. */
    char *w, *wend;
    uint64_t wbase;
    int final;

    /* Position: offset of the next unread byte, line, where it starts, the UTF-8
     * continuation bytes since then (columns count characters). */
    uint64_t offset;
    uint64_t line, line_start, line_extra;
    uint64_t ev_offset; /* the byte vt__xml_tok_position reports */

    /* The bytes of a token that a fed block ended inside. */
    char *carry;
    size_t carry_len, carry_cap;
    size_t carry_tried; /* its length when last read in vain */

    /* Open elements. */
    vt__xml_open *stack;
    size_t depth, stack_cap;
    char *names;
    size_t names_len, names_cap;

    /* The tag being read. */
    vt__xml_slot *slots;
    vt__xml_tok_attr *attrs;
    size_t slot_cap;
    uint32_t *dup_table; /* for tags with many attributes */
    size_t dup_cap;
    char *scratch; /* the decoded values of the tag being read */
    size_t scratch_len, scratch_cap;
    vt__xml_layout layouts[VT__XML_LAYOUTS];

    /* Namespaces in scope (none in Apple's exports). */
    vt__xml_binding *ns;
    size_t ns_count, ns_cap;
    char *ns_bytes;
    size_t ns_bytes_len, ns_bytes_cap;
    vt__xml_tok_ns *ns_decl;
    size_t ns_decl_cap;
};

static inline uint64_t tok_abs(const vt__xml_tok *t, const char *p)
{
    return t->wbase + (uint64_t)(p - t->w);
}

/* The position at the start of a token, put back when the window ends inside it (the
 * token is read again from its start). */
typedef struct vt__xml_mark {
    uint64_t line, line_start, line_extra;
} vt__xml_mark;

static inline vt__xml_mark tok_mark(const vt__xml_tok *t)
{
    const vt__xml_mark m = {t->line, t->line_start, t->line_extra};
    return m;
}

static inline void tok_rewind(vt__xml_tok *t, vt__xml_mark m)
{
    t->line = m.line;
    t->line_start = m.line_start;
    t->line_extra = m.line_extra;
}

/* Records a '\n' at p. */
static inline void tok_newline(vt__xml_tok *t, const char *p)
{
    t->line++;
    t->line_start = tok_abs(t, p) + 1;
    t->line_extra = 0;
}

/* Decodes the UTF-8 sequence at p (p[0] >= 0x80) as libxml2's xmlCurrentChar does: the
 * length (2-4) and *cp; 0 when it is not UTF-8; -1 when it runs past `end`. */
int vt__xml_utf8(const unsigned char *p, const unsigned char *end, uint32_t *cp);

/* XML 1.0's Char production. */
static inline int vt__xml_is_char(uint32_t c)
{
    return c >= 0x20
               ? (c <= 0xD7FF || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF))
               : (c == 0x9 || c == 0xA || c == 0xD);
}
int vt__xml_is_name_start(uint32_t c);
int vt__xml_is_name_char(uint32_t c);

/* Scans a Name (or with `qname` a QName: *colon gets the offset of its ':', 0 when none)
 * at *pp and moves *pp past it. `what` is the error when no name starts there; NULL: then
 * no name is no error. */
int vt__xml_tok_scan_name(vt__xml_tok *t, char **pp, int qname, uint32_t *colon, const char *what);
/* Fails with `code` at p: "name:line:column: message". Returns TOK_ERR. */
int vt__xml_tok_fail(vt__xml_tok *t, const char *p, vt_status code, const char *fmt, ...)
    VT__PRINTF(4, 5);
/* Fails for a malformed UTF-8 sequence or a character outside Char at p. */
int vt__xml_tok_bad_char(vt__xml_tok *t, const char *p);

/* xml_tok_markup.c: the constructs other than tags and character data. Each gets p at
 * '<' and sets *next past the construct. */
int vt__xml_tok_decl(vt__xml_tok *t, char *p, char **next);    /* the XML declaration */
int vt__xml_tok_pi(vt__xml_tok *t, char *p, char **next);      /* '<?' */
int vt__xml_tok_comment(vt__xml_tok *t, char *p, char **next); /* '<!--' */
int vt__xml_tok_cdata(vt__xml_tok *t, char *p, char **next);   /* '<![CDATA[' */
/* A start tag with namespace syntax (a ':' in a name, an xmlns attribute) or with
 * namespaces in scope: checks the declarations and prefixes of t->slots[0..n) (values
 * decoded, names not yet NUL-terminated), pushes the bindings, fills t->attrs, el->uri,
 * el->ns and *count. `at` places the errors; `name` is the element's qname. */
int vt__xml_tok_namespaces(vt__xml_tok *t, const char *at, const char *name, uint32_t name_len,
                           uint32_t colon, size_t n, vt__xml_tok_element *el, size_t *count);
/* The namespace name of `prefix` in scope (NULL: the default namespace); -1 when none. */
int64_t vt__xml_tok_lookup(const vt__xml_tok *t, const char *prefix, size_t len);
/* Drops the bindings of the element being closed. */
void vt__xml_tok_pop_ns(vt__xml_tok *t, size_t ns_before);

#endif
