/* SPDX-License-Identifier: MIT */
/* The built-in XML tokenizer: feeding and carrying, character data, start and end tags and
 * references, the hot path of an import. Values are scanned 16 bytes at a time and unescaped
 * where they lie; nothing is allocated per event. See docs/architecture.md. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "xml_tok_internal.h"

/* ---- character classes --------------------------------------------------------------- */

#define A (CL_NCSTART | CL_NCNAME) /* letters and '_' */
#define D CL_NCNAME                /* digits, '.', '-' */
#define S CL_SPACE
#define H CL_HIGH
#define C CL_COLON
/* clang-format off */
const unsigned char vt__xml_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, S, S, 0, 0, S, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    S, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, D, D, 0,
    D, D, D, D, D, D, D, D, D, D, C, 0, 0, 0, 0, 0,
    0, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    A, A, A, A, A, A, A, A, A, A, A, 0, 0, 0, 0, A,
    0, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    A, A, A, A, A, A, A, A, A, A, A, 0, 0, 0, 0, 0,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
};
/* clang-format on */
#undef A
#undef D
#undef S
#undef H
#undef C

#define CLASS(c) (vt__xml_class[(unsigned char)(c)])

int vt__xml_utf8(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
    const unsigned c = p[0];
    if ((c & 0x40) == 0 || c == 0xC0) {
        return 0;
    }
    const int len = (c & 0xE0) != 0xE0 ? 2 : (c & 0xF0) != 0xF0 ? 3 : 4;
    /* A byte that cannot continue the sequence decides before the end does. */
    for (int i = 1; i < len; i++) {
        if (p + i >= end) {
            return -1;
        }
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
    }
    uint32_t v;
    if (len == 2) {
        v = (c & 0x1Fu) << 6 | (p[1] & 0x3Fu);
        if (v < 0x80) {
            return 0;
        }
    } else if (len == 3) {
        v = (c & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
        if (v < 0x800) {
            return 0;
        }
    } else {
        if ((c & 0xF8) != 0xF0) {
            return 0;
        }
        v = (c & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu);
        if (v < 0x10000) {
            return 0;
        }
    }
    *cp = v;
    return len;
}

/* NameStartChar and NameChar of XML 1.0 fifth edition (what libxml2 uses). */
int vt__xml_is_name_start(uint32_t c)
{
    if (c < 0x80) {
        return (CLASS(c) & (CL_NCSTART | CL_COLON)) != 0;
    }
    return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) ||
           (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) ||
           (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F) ||
           (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) ||
           (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0xEFFFF);
}

int vt__xml_is_name_char(uint32_t c)
{
    if (c < 0x80) {
        return (CLASS(c) & (CL_NCNAME | CL_COLON)) != 0;
    }
    return vt__xml_is_name_start(c) || c == 0xB7 || (c >= 0x300 && c <= 0x36F) ||
           (c >= 0x203F && c <= 0x2040);
}

/* ---- errors and positions ------------------------------------------------------------ */

static uint32_t clamp32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static uint32_t column_at(const vt__xml_tok *t, uint64_t at)
{
    return at >= t->line_start + t->line_extra ? clamp32(at - t->line_start - t->line_extra + 1)
                                               : 1;
}

int vt__xml_tok_fail(vt__xml_tok *t, const char *p, vt_status code, const char *fmt, ...)
{
    if (t->status != VT_OK) {
        return TOK_ERR;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->what, sizeof t->what, fmt, ap);
    va_end(ap);
    const uint64_t at = tok_abs(t, p);
    const uint32_t line = clamp32(t->line), col = column_at(t, at);
    t->ev_offset = at;
    t->status = code;
    vt__error_at(&t->err, code, at, line, col, "%s:%u:%u: %s", t->name, line, col, t->what);
    return TOK_ERR;
}

int vt__xml_tok_bad_char(vt__xml_tok *t, const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    uint32_t cp;
    if (vt__xml_utf8(u, (const unsigned char *)t->wend, &cp) > 0) {
        return vt__xml_tok_fail(t, p, VT_ERR_PARSE, "Char 0x%X out of allowed range", cp);
    }
    /* libxml2's words, which the reader's tests and users already know. */
    return vt__xml_tok_fail(t, p, VT_ERR_PARSE, "Input is not proper UTF-8, indicate encoding !");
}

/* A token that the window ends inside: wait for more input, or fail when there is none. */
#define MORE_OR_FAIL(t, p, ...)                                                                    \
    ((t)->final ? vt__xml_tok_fail((t), (p), VT_ERR_PARSE, __VA_ARGS__) : TOK_MORE)

/* One non-ASCII character at p: checked, counted for columns; its length or TOK_MORE/ERR
 * as a negative number (-1 more, -2 error). */
static int high_char(vt__xml_tok *t, const char *p, uint32_t *cp)
{
    const int n = vt__xml_utf8((const unsigned char *)p, (const unsigned char *)t->wend, cp);
    if (n > 0 && vt__xml_is_char(*cp)) {
        t->line_extra += (uint64_t)n - 1;
        return n;
    }
    if (n < 0 && !t->final) {
        return -1;
    }
    vt__xml_tok_bad_char(t, p);
    return -2;
}

/* ---- names ----------------------------------------------------------------------------- */

/* Scans a name at *pp (xml_tok_internal.h). With `qname`, the name must be a QName of Namespaces in
 * XML (NCName, or NCName ':' NCName; each part at most VT__XML_TOK_MAX_NAME bytes) and *colon gets
 * the offset of the ':' (0 when none); otherwise any Name (':' anywhere, at most
 * VT__XML_TOK_MAX_NAME bytes). `what` names the error when no name starts at *pp; with
 * `what` NULL, no name is no error (*pp unchanged). */
int vt__xml_tok_scan_name(vt__xml_tok *t, char **pp, int qname, uint32_t *colon, const char *what)
{
    char *const start = *pp;
    char *p = start;
    char *part = start; /* where the current NCName starts */
    uint32_t col = 0;
    uint64_t extra = 0; /* continuation bytes, for columns */
    for (;;) {
        /* The usual name: ASCII letters, digits, '_', '.', '-'. */
        if (p == part ? (CLASS(*p) & CL_NCSTART) != 0 : (CLASS(*p) & CL_NCNAME) != 0) {
            p++;
            while (CLASS(*p) & CL_NCNAME) {
                p++;
            }
        }
        const unsigned char c = (unsigned char)*p;
        if (c == ':') {
            if (!qname) {
                p++;
                continue;
            }
            if (col || p == start) {
                return vt__xml_tok_fail(t, p, VT_ERR_PARSE, "Failed to parse QName '%.*s:'",
                                        (int)(p - start > 60 ? 60 : p - start), start);
            }
            col = (uint32_t)(p - start);
            part = ++p;
            continue;
        }
        if (c < 0x80) {
            break;
        }
        uint32_t cp;
        const int n = vt__xml_utf8((const unsigned char *)p, (const unsigned char *)t->wend, &cp);
        if (n < 0 && !t->final) {
            return TOK_MORE;
        }
        if (n <= 0 || !vt__xml_is_char(cp)) {
            return vt__xml_tok_bad_char(t, p);
        }
        if (!(p == part ? vt__xml_is_name_start(cp) : vt__xml_is_name_char(cp))) {
            break;
        }
        extra += (uint64_t)n - 1;
        p += n;
    }
    if (p >= t->wend && !t->final) {
        return TOK_MORE; /* the name may go on */
    }
    if (p == start) {
        return what ? vt__xml_tok_fail(t, p, VT_ERR_PARSE, "%s", what) : TOK_OK;
    }
    if (qname && p == part) { /* "a:" */
        return vt__xml_tok_fail(t, p, VT_ERR_PARSE, "Failed to parse QName '%.*s'",
                                (int)(p - start > 60 ? 60 : p - start), start);
    }
    const size_t last = (size_t)(p - part);
    const size_t longest = qname ? (last > col ? last : col) : (size_t)(p - start);
    if (longest > VT__XML_TOK_MAX_NAME) {
        return vt__xml_tok_fail(t, p, VT_ERR_LIMIT, "Name too long use XML_PARSE_HUGE option");
    }
    t->line_extra += extra;
    *colon = col;
    *pp = p;
    return TOK_OK;
}

/* ---- references ---------------------------------------------------------------------- */

/* libxml2's xmlParseCharRef refuses the hexadecimal letters at the 11th, 22nd, 33rd... digit
 * (a counter shared by two loops), however many zeros lead. */
static int hex_letter_refused(size_t index)
{
    return index % 11 == 10;
}

/* Reads the reference at p ('&'): a character reference of a Char, or one of the five
 * predefined entities. Puts its UTF-8 bytes in out (4 at most) and *n, *next after ';'. */
static int reference(vt__xml_tok *t, char *p, char **next, char *out, int *n)
{
    char *q = p + 1;
    if (*q == '#') {
        uint32_t v = 0;
        const int hex = q[1] == 'x';
        q += hex ? 2 : 1;
        char *const digits = q;
        for (;; q++) {
            const unsigned char c = (unsigned char)*q;
            unsigned d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') &&
                       !hex_letter_refused((size_t)(q - digits))) {
                d = (c | 0x20u) - 'a' + 10;
            } else if (c == ';') {
                break;
            } else {
                if (q >= t->wend && !t->final) {
                    return TOK_MORE;
                }
                return vt__xml_tok_fail(t, q, VT_ERR_PARSE,
                                        hex ? "CharRef: invalid hexadecimal value"
                                            : "CharRef: invalid decimal value");
            }
            v = v * (hex ? 16u : 10u) + d;
            if (v > 0x110000) {
                v = 0x110000;
            }
        }
        q++;
        if (!vt__xml_is_char(v)) {
            /* libxml2 reports both after the ';'. */
            return vt__xml_tok_fail(t, q, VT_ERR_PARSE,
                                    v >= 0x110000
                                        ? "xmlParseCharRef: character reference out of bounds"
                                        : "xmlParseCharRef: invalid xmlChar value %u",
                                    v);
        }
        unsigned char *o = (unsigned char *)out;
        if (v < 0x80) {
            o[0] = (unsigned char)v;
            *n = 1;
        } else if (v < 0x800) {
            o[0] = (unsigned char)(0xC0 | v >> 6);
            o[1] = (unsigned char)(0x80 | (v & 0x3F));
            *n = 2;
        } else if (v < 0x10000) {
            o[0] = (unsigned char)(0xE0 | v >> 12);
            o[1] = (unsigned char)(0x80 | (v >> 6 & 0x3F));
            o[2] = (unsigned char)(0x80 | (v & 0x3F));
            *n = 3;
        } else {
            o[0] = (unsigned char)(0xF0 | v >> 18);
            o[1] = (unsigned char)(0x80 | (v >> 12 & 0x3F));
            o[2] = (unsigned char)(0x80 | (v >> 6 & 0x3F));
            o[3] = (unsigned char)(0x80 | (v & 0x3F));
            *n = 4;
        }
        *next = q;
        return TOK_OK;
    }
    char *const name = q;
    uint32_t colon;
    const int rc = vt__xml_tok_scan_name(t, &q, 0, &colon, "xmlParseEntityRef: no name");
    if (rc != TOK_OK) {
        return rc;
    }
    const size_t len = (size_t)(q - name);
    if (*q != ';') {
        if (q >= t->wend && !t->final) {
            return TOK_MORE;
        }
        return vt__xml_tok_fail(t, q, VT_ERR_PARSE, "EntityRef: expecting ';'");
    }
    q++;
    char c = 0;
    if (len == 2 && name[1] == 't' && (name[0] == 'l' || name[0] == 'g')) {
        c = name[0] == 'l' ? '<' : '>';
    } else if (len == 3 && memcmp(name, "amp", 3) == 0) {
        c = '&';
    } else if (len == 4 && memcmp(name, "quot", 4) == 0) {
        c = '"';
    } else if (len == 4 && memcmp(name, "apos", 4) == 0) {
        c = '\'';
    } else {
        return vt__xml_tok_fail(t, q, VT_ERR_PARSE, "Entity '%.*s' not defined",
                                (int)(len > 60 ? 60 : len), name);
    }
    out[0] = c;
    *n = 1;
    *next = q;
    return TOK_OK;
}

/* The five predefined entities, as they are written: the character, or 0. */
static inline int predefined(const char *p, int *len)
{
    if (p[1] == 'l' && p[2] == 't' && p[3] == ';') {
        *len = 4;
        return '<';
    }
    if (p[1] == 'g' && p[2] == 't' && p[3] == ';') {
        *len = 4;
        return '>';
    }
    if (p[1] == 'a' && p[2] == 'm' && p[3] == 'p' && p[4] == ';') {
        *len = 5;
        return '&';
    }
    if (p[1] == 'q' && p[2] == 'u' && p[3] == 'o' && p[4] == 't' && p[5] == ';') {
        *len = 6;
        return '"';
    }
    if (p[1] == 'a' && p[2] == 'p' && p[3] == 'o' && p[4] == 's' && p[5] == ';') {
        *len = 6;
        return '\'';
    }
    return 0;
}

/* ---- scanning ahead ----------------------------------------------------------------- */

/* The first byte at or after p that is `a`, `b`, `c`, below 0x20 or above 0x7F. The
 * sentinel NUL at the window's end stops it; the padding makes the reads ahead safe. */
static inline char *scan_special(char *p, char a, char b, char c)
{
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c),
                  sp = _mm_set1_epi8(0x20);
    for (;;) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* Signed: bytes above 0x7F are negative, so "less than 0x20" takes them too. */
        const __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, vc), _mm_cmplt_epi8(v, sp)));
        const unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask) {
            return p + __builtin_ctz(mask);
        }
        p += 16;
    }
#else
    for (;; p++) {
        const char x = *p;
        if (x == a || x == b || x == c || (unsigned char)x < 0x20 || (unsigned char)x > 0x7F) {
            return p;
        }
    }
#endif
}

/* In a value: its closing quote, '<', '&', a control character or a UTF-8 sequence. */
static inline char *scan_value(char *p, char quote)
{
    return scan_special(p, quote, '<', '&');
}

/* In character data: '<', '&', ']' (of "]]>"), a control character or a UTF-8 sequence. */
static inline char *scan_text(char *p)
{
    return scan_special(p, '<', '&', ']');
}

/* ---- character data ------------------------------------------------------------------ */

static int deliver(vt__xml_tok *t, const char *s, size_t len)
{
    if (len == 0 || !t->h.text) {
        return TOK_OK;
    }
    if (t->h.text(t->h.ctx, s, len) != 0) {
        return vt__xml_tok_fail(t, s, VT_ERR_ABORTED, "stopped by the handler");
    }
    return TOK_OK;
}

/* Character data from p up to the next '<' (*next there, TOK_OK) or to where the window
 * ends or a reference, a UTF-8 sequence, "]]" or a CR is cut by it (*next there,
 * TOK_MORE). With a text handler, the data is decoded in place and delivered. */
static int char_data(vt__xml_tok *t, char *p, char **next)
{
    const int emit = t->h.text != NULL;
    char *const seg = p; /* what is delivered starts here */
    char *out = p;       /* decoded bytes go here (emit only) */
    char *run = p;       /* bytes from here to p are still to be moved to out */
    int rc = TOK_OK;
    for (;;) {
        p = scan_text(p);
        const unsigned char c = (unsigned char)*p;
        if (c == '\n') {
            tok_newline(t, p);
            p++;
            continue;
        }
        if (c == '\t') {
            p++;
            continue;
        }
        if (c == '<') {
            break;
        }
        /* Everything else may change the bytes: move the run so far. */
        if (emit && out != run) {
            memmove(out, run, (size_t)(p - run));
        }
        out += p - run;
        run = p;
        if (c >= 0x80) {
            uint32_t cp;
            const int n = high_char(t, p, &cp);
            if (n < 0) {
                rc = n == -1 ? TOK_MORE : TOK_ERR;
                break;
            }
            p += n;
        } else if (c == ']') {
            if (p + 2 >= t->wend && !t->final) {
                rc = TOK_MORE;
                break;
            }
            if (p[1] == ']' && p[2] == '>') {
                rc = vt__xml_tok_fail(t, p, VT_ERR_PARSE, "Sequence ']]>' not allowed in content");
                break;
            }
            p++;
        } else if (c == '&') {
            char dec[4];
            int n = 1, len;
            char *after;
            const int ch = predefined(p, &len);
            if (ch) {
                dec[0] = (char)ch;
                after = p + len;
            } else if ((rc = reference(t, p, &after, dec, &n)) != TOK_OK) {
                break;
            }
            if (emit) {
                memcpy(out, dec, (size_t)n);
            }
            out += n;
            p = run = after;
        } else if (c == '\r') {
            if (p + 1 >= t->wend && !t->final) {
                rc = TOK_MORE;
                break;
            }
            /* CR LF is LF; a CR alone is LF too (libxml2 counts neither as a line). */
            if (p[1] == '\n') {
                run = ++p;
                continue;
            }
            if (emit) {
                *out = '\n';
            }
            out++;
            p = run = p + 1;
        } else if (p >= t->wend) {
            rc = TOK_MORE; /* the end of the window, or of the input */
            break;
        } else {
            rc = vt__xml_tok_fail(t, p, VT_ERR_PARSE, "PCDATA invalid Char value %u", c);
            break;
        }
    }
    if (rc == TOK_ERR) {
        return rc;
    }
    if (emit) {
        if (out != run) {
            memmove(out, run, (size_t)(p - run));
        }
        out += p - run;
        if (deliver(t, seg, (size_t)(out - seg)) != TOK_OK) {
            return TOK_ERR;
        }
    }
    *next = p;
    return rc;
}

/* ---- attribute values ---------------------------------------------------------------- */

/* Appends n bytes to the tag's scratch buffer; -1 out of memory. */
static int scratch_put(vt__xml_tok *t, const char *s, size_t n)
{
    if (n == 0) {
        return 0; /* the buffer may not exist yet: NULL + 0 is undefined */
    }
    if (t->scratch_len + n > t->scratch_cap &&
        vt__grow((void **)&t->scratch, &t->scratch_cap, t->scratch_len + n, 1) != 0) {
        return -1;
    }
    memcpy(t->scratch + t->scratch_len, s, n);
    t->scratch_len += n;
    return 0;
}

/* Scans an attribute value from its opening quote at p; *next after the closing quote.
 * A value with a reference, a tab, CR or LF is normalised and unescaped into the tag's
 * scratch buffer as it is read (s->decode, value_off); any other stays where it is. */
static int attr_value(vt__xml_tok *t, char *p, vt__xml_slot *s, char **next)
{
    const char quote = *p;
    char *const v = ++p;
    char *run = v; /* bytes from here to p still to copy (when decoding) */
    int decode = 0;
    for (;;) {
        p = scan_value(p, quote);
        const unsigned char c = (unsigned char)*p;
        if (c == (unsigned char)quote) {
            break;
        }
        if (c >= 0x80) {
            uint32_t cp;
            const int n = high_char(t, p, &cp);
            if (n < 0) {
                return n == -1 ? TOK_MORE : TOK_ERR;
            }
            p += n;
            continue;
        }
        char dec[4];
        int n = 1;
        char *after = p + 1;
        if (c == '&') {
            int len;
            const int ch = predefined(p, &len);
            if (ch) {
                dec[0] = (char)ch;
                after = p + len;
            } else {
                const int rc = reference(t, p, &after, dec, &n);
                if (rc != TOK_OK) {
                    return rc;
                }
            }
        } else if (c == '\n' || c == '\t') {
            if (c == '\n') {
                tok_newline(t, p);
            }
            dec[0] = ' ';
        } else if (c == '\r') {
            dec[0] = ' '; /* CR LF is one space */
            if (p[1] == '\n') {
                tok_newline(t, p + 1);
                after = p + 2;
            } else if (p + 1 >= t->wend && !t->final) {
                return TOK_MORE;
            }
        } else if (c == '<') {
            return vt__xml_tok_fail(t, p, VT_ERR_PARSE,
                                    "Unescaped '<' not allowed in attributes values");
        } else if (p >= t->wend) {
            return MORE_OR_FAIL(t, p, "AttValue: ' expected");
        } else {
            return vt__xml_tok_fail(t, p, VT_ERR_PARSE, "invalid character in attribute value");
        }
        if (!decode) {
            decode = 1;
            s->value_off = (uint32_t)t->scratch_len;
        }
        if (scratch_put(t, run, (size_t)(p - run)) != 0 || scratch_put(t, dec, (size_t)n) != 0) {
            return vt__xml_tok_fail(t, p, VT_ERR_NOMEM, "out of memory");
        }
        p = run = after;
    }
    s->decode = (uint8_t)decode;
    if (decode) {
        if (scratch_put(t, run, (size_t)(p - run)) != 0 || scratch_put(t, "", 1) != 0) {
            return vt__xml_tok_fail(t, p, VT_ERR_NOMEM, "out of memory");
        }
        s->value_len = (uint32_t)(t->scratch_len - 1 - s->value_off);
    } else {
        s->value = v;
        s->value_len = (uint32_t)(p - v);
    }
    *next = p + 1;
    return TOK_OK;
}

/* ---- start tags ---------------------------------------------------------------------- */

static uint8_t name_hash(const char *s, uint32_t len)
{
    uint32_t h = len * 0x9E3779B1u;
    h ^= (unsigned char)s[0] * 0x85EBCA6Bu;
    h ^= (unsigned char)s[len - 1] * 0xC2B2AE35u;
    h ^= (unsigned char)s[len / 2] * 0x27D4EB2Fu;
    return (uint8_t)(h >> 24);
}

static int same_name(const vt__xml_slot *a, const vt__xml_slot *b)
{
    return a->hash == b->hash && a->name_len == b->name_len &&
           memcmp(a->name, b->name, a->name_len) == 0;
}

/* xmlns:xml bound to its own namespace is skipped by libxml2 before its duplicate check. */
static int exempt_from_dup(const vt__xml_slot *s)
{
    return s->name_len == 9 && memcmp(s->name, "xmlns:xml", 9) == 0;
}

/* Whether slot `i` repeats an earlier name: a bitmap of 8-bit hashes for the usual few
 * attributes, an open-addressing table of full hashes for many. */
static int duplicate(vt__xml_tok *t, size_t i, uint64_t bits[4])
{
    const vt__xml_slot *s = &t->slots[i];
    if (i < 64) {
        const uint64_t bit = 1ull << (s->hash & 63);
        uint64_t *const word = &bits[s->hash >> 6];
        if (*word & bit) {
            for (size_t j = 0; j < i; j++) {
                if (same_name(&t->slots[j], s) && !exempt_from_dup(s)) {
                    return 1;
                }
            }
        }
        *word |= bit;
        return 0;
    }
    /* Rebuilt at 64 and at each doubling, so the table stays at most half full. */
    size_t cap = t->dup_cap;
    if (i == 64 || i * 2 >= cap) {
        size_t want = 256;
        while (want < (i + 1) * 4) {
            want *= 2;
        }
        if (want > cap) {
            uint32_t *table = vt__realloc(t->dup_table, want * sizeof *table);
            if (!table) {
                return -1;
            }
            t->dup_table = table;
            t->dup_cap = cap = want;
        }
        memset(t->dup_table, 0xFF, cap * sizeof *t->dup_table);
        for (size_t j = 0; j < i; j++) {
            const vt__xml_slot *o = &t->slots[j];
            size_t k = vt__hash_bytes(o->name, o->name_len, 0) & (cap - 1);
            while (t->dup_table[k] != UINT32_MAX) {
                k = (k + 1) & (cap - 1);
            }
            t->dup_table[k] = (uint32_t)j;
        }
    }
    size_t k = vt__hash_bytes(s->name, s->name_len, 0) & (cap - 1);
    while (t->dup_table[k] != UINT32_MAX) {
        if (same_name(&t->slots[t->dup_table[k]], s) && !exempt_from_dup(s)) {
            return 1;
        }
        k = (k + 1) & (cap - 1);
    }
    t->dup_table[k] = (uint32_t)i;
    return 0;
}

static int grow_slots(vt__xml_tok *t, size_t need)
{
    if (need <= t->slot_cap) {
        return 0;
    }
    size_t cap = t->slot_cap ? t->slot_cap * 2 : 32;
    while (cap < need) {
        cap *= 2;
    }
    vt__xml_slot *slots = vt__realloc(t->slots, cap * sizeof *slots);
    if (!slots) {
        return -1;
    }
    t->slots = slots;
    vt__xml_tok_attr *attrs = vt__realloc(t->attrs, cap * sizeof *attrs);
    if (!attrs) {
        return -1;
    }
    t->attrs = attrs;
    t->slot_cap = cap;
    return 0;
}

/* ---- attribute layouts --------------------------------------------------------------- */

/* Whether p starts with the `len` bytes of `name` (len <= 32; name has 32 readable bytes,
 * and so has p: the window's padding). */
static inline int same_start(const char *p, const char *name, unsigned len)
{
#if defined(__SSE2__)
    const unsigned lo = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p),
                       _mm_loadu_si128((const __m128i *)(const void *)name)));
    if (len <= 16) {
        const unsigned need = (1u << len) - 1;
        return (lo & need) == need;
    }
    const unsigned hi = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)),
                       _mm_loadu_si128((const __m128i *)(const void *)(name + 16))));
    const unsigned need = (1u << (len - 16)) - 1;
    return lo == 0xFFFF && (hi & need) == need;
#else
    return memcmp(p, name, len) == 0;
#endif
}

/* The layout slot of an element name (the name must be short enough to be kept). */
static inline vt__xml_layout *layout_slot(vt__xml_tok *t, const char *name, uint32_t len)
{
    const unsigned h = len + (unsigned char)name[0] * 7u + (unsigned char)name[len - 1] * 13u;
    return &t->layouts[h % VT__XML_LAYOUTS];
}

/* Keeps the attribute names of the tag just read for the next of its name: those up to the
 * first that cannot be kept (too long, prefixed, a namespace declaration). */
static void layout_keep(vt__xml_tok *t, vt__xml_layout *l, const char *name, uint32_t len, size_t n)
{
    size_t k = 0;
    for (; k < n && k < VT__XML_LAYOUT_ATTRS; k++) {
        const vt__xml_slot *s = &t->slots[k];
        if (s->name_len > VT__XML_LAYOUT_NAME || s->colon || s->xmlns) {
            break;
        }
        memset(l->names[k], 0, VT__XML_LAYOUT_NAME);
        memcpy(l->names[k], s->name, s->name_len);
        l->len[k] = (uint8_t)s->name_len;
        l->hash[k] = s->hash;
    }
    memset(l->elem, 0, sizeof l->elem);
    memcpy(l->elem, name, len);
    l->elem_len = len;
    l->count = (uint32_t)k;
}

/* Pushes an open element: its qname (and prefix) copied, its line, its namespace. */
static int push_open(vt__xml_tok *t, const char *qname, uint32_t len, uint32_t colon, int64_t uri,
                     size_t ns_before, uint64_t line)
{
    if (t->depth >= VT__XML_TOK_MAX_DEPTH) {
        return -2;
    }
    const size_t need = t->names_len + len + 1 + (colon ? colon + 1 : 0);
    if (need > VT__XML_TOK_MAX_TOKEN) {
        return -2;
    }
    if (vt__grow((void **)&t->names, &t->names_cap, need, 1) != 0 ||
        vt__grow((void **)&t->stack, &t->stack_cap, t->depth + 1, sizeof *t->stack) != 0) {
        return -1;
    }
    vt__xml_open *o = &t->stack[t->depth++];
    o->name_off = (uint32_t)t->names_len;
    o->name_len = len;
    o->prefix_len = colon;
    o->ns_before = (uint32_t)ns_before;
    o->uri = uri;
    o->line = line;
    memcpy(t->names + t->names_len, qname, len);
    t->names[t->names_len + len] = '\0';
    if (colon) {
        memcpy(t->names + t->names_len + len + 1, qname, colon);
        t->names[t->names_len + len + 1 + colon] = '\0';
    }
    t->names_len = need;
    return 0;
}

static int call_end(vt__xml_tok *t, const vt__xml_tok_element *el, const char *at)
{
    if (t->h.end && t->h.end(t->h.ctx, el) != 0) {
        return vt__xml_tok_fail(t, at, VT_ERR_ABORTED, "stopped by the handler");
    }
    return TOK_OK;
}

/* A QName at *pp: the usual ASCII NCName here, anything else in vt__xml_tok_scan_name. */
static inline int qname(vt__xml_tok *t, char **pp, uint32_t *colon, const char *what)
{
    char *const p = *pp;
    if (CLASS(*p) & CL_NCSTART) {
        char *q = p + 1;
        while (CLASS(*q) & CL_NCNAME) {
            q++;
        }
        if (!(CLASS(*q) & (CL_COLON | CL_HIGH)) && q - p <= (ptrdiff_t)VT__XML_TOK_MAX_NAME) {
            *colon = 0;
            *pp = q;
            return TOK_OK;
        }
    }
    return vt__xml_tok_scan_name(t, pp, 1, colon, what);
}

/* A start tag at p ('<' and a name): attributes checked (values that need it decoded into
 * the scratch buffer), then NUL-terminated in place, then the start event (and the end
 * event of an empty element). */
static int start_tag(vt__xml_tok *t, char *p, char **next)
{
    char *q = p + 1;
    char *const name = q;
    uint32_t colon = 0;
    t->scratch_len = 0;
    int rc = qname(t, &q, &colon, "StartTag: invalid element name");
    if (rc != TOK_OK) {
        return rc;
    }
    const uint32_t name_len = (uint32_t)(q - name);
    const uint64_t line = t->line;
    int ns_syntax = colon != 0;
    uint64_t bits[4] = {0, 0, 0, 0};
    size_t n = 0;
    int empty;
    /* The names of the last tag of this name: while this one repeats them, they need no
     * checking (`known`: how many it has repeated; -1 once it differs). */
    vt__xml_layout *const layout =
        !colon && name_len <= VT__XML_LAYOUT_NAME ? layout_slot(t, name, name_len) : NULL;
    ptrdiff_t known =
        layout && layout->elem_len == name_len && same_start(name, layout->elem, name_len) ? 0 : -1;
    for (;;) {
        char *const ws = q;
        while (CLASS(*q) & CL_SPACE) {
            if (*q == '\n') {
                tok_newline(t, q);
            }
            q++;
        }
        const char c = *q;
        if (c == '>') {
            empty = 0;
            break;
        }
        if (c == '/') {
            if (q + 1 >= t->wend && !t->final) {
                return TOK_MORE;
            }
            if (q[1] == '>') {
                empty = 1;
                break;
            }
            return vt__xml_tok_fail(t, q, VT_ERR_PARSE, "Couldn't find end of Start Tag %.*s",
                                    (int)(name_len > 60 ? 60 : name_len), name);
        }
        if (q >= t->wend) {
            return MORE_OR_FAIL(t, q, "Couldn't find end of Start Tag %.*s",
                                (int)(name_len > 60 ? 60 : name_len), name);
        }
        if (q == ws) {
            return vt__xml_tok_fail(t, q, VT_ERR_PARSE, "attributes construct error");
        }
        if (n >= VT__XML_TOK_MAX_ATTRS) {
            return vt__xml_tok_fail(t, q, VT_ERR_LIMIT, "more than %u attributes in one element",
                                    VT__XML_TOK_MAX_ATTRS);
        }
        if (n >= t->slot_cap && grow_slots(t, n + 1) != 0) {
            return vt__xml_tok_fail(t, q, VT_ERR_NOMEM, "out of memory");
        }
        vt__xml_slot *s = &t->slots[n];
        s->name = q;
        if (known >= 0 && (size_t)known < layout->count &&
            same_start(q, layout->names[known], layout->len[known]) &&
            !(CLASS(q[layout->len[known]]) & (CL_NCNAME | CL_COLON | CL_HIGH))) {
            s->name_len = layout->len[known];
            s->colon = 0;
            s->hash = layout->hash[known];
            s->xmlns = 0;
            q += s->name_len;
            known++;
        } else {
            if (known >= 0) {
                /* From here on every name is checked, against those before too. */
                for (size_t j = 0; j < n; j++) {
                    bits[t->slots[j].hash >> 6] |= 1ull << (t->slots[j].hash & 63);
                }
                known = -1;
            }
            rc = qname(t, &q, &s->colon, "error parsing attribute name");
            if (rc != TOK_OK) {
                return rc;
            }
            s->name_len = (uint32_t)(q - s->name);
        }
        while (CLASS(*q) & CL_SPACE) {
            if (*q == '\n') {
                tok_newline(t, q);
            }
            q++;
        }
        if (*q != '=') {
            return q >= t->wend
                       ? MORE_OR_FAIL(t, q, "Specification mandates value for attribute %.*s",
                                      (int)(s->name_len > 60 ? 60 : s->name_len), s->name)
                       : vt__xml_tok_fail(t, q, VT_ERR_PARSE,
                                          "Specification mandates value for attribute %.*s",
                                          (int)(s->name_len > 60 ? 60 : s->name_len), s->name);
        }
        q++;
        while (CLASS(*q) & CL_SPACE) {
            if (*q == '\n') {
                tok_newline(t, q);
            }
            q++;
        }
        if (*q != '"' && *q != '\'') {
            return q >= t->wend
                       ? MORE_OR_FAIL(t, q, "AttValue: \" or ' expected")
                       : vt__xml_tok_fail(t, q, VT_ERR_PARSE, "AttValue: \" or ' expected");
        }
        rc = attr_value(t, q, s, &q);
        if (rc != TOK_OK) {
            return rc;
        }
        if (known >= 0) {
            n++; /* a name of the layout: checked before, distinct from those before it */
            continue;
        }
        s->hash = name_hash(s->name, s->name_len);
        s->xmlns = 0;
        if (s->name[0] == 'x' && s->name_len >= 5 && memcmp(s->name, "xmlns", 5) == 0 &&
            (s->name_len == 5 || s->colon == 5)) {
            s->xmlns = s->name_len == 5 ? 1 : 2;
            ns_syntax = 1;
        } else if (s->colon) {
            ns_syntax = 1;
        }
        const int dup = duplicate(t, n, bits);
        if (dup < 0) {
            return vt__xml_tok_fail(t, s->name, VT_ERR_NOMEM, "out of memory");
        }
        if (dup) {
            return vt__xml_tok_fail(t, q, VT_ERR_PARSE, "Attribute %.*s redefined",
                                    (int)(s->name_len > 60 ? 60 : s->name_len), s->name);
        }
        n++;
    }
    /* q is at '>' or at the '/' of "/>": the tag is complete. */
    if ((size_t)(q - p) > VT__XML_TOK_MAX_TOKEN) {
        return vt__xml_tok_fail(t, p, VT_ERR_LIMIT,
                                "a value or text longer than libxml2's 10 MB limit");
    }
    if (layout && (known < 0 || (size_t)known != layout->count)) {
        layout_keep(t, layout, name, name_len, n);
    }
    for (size_t i = 0; i < n; i++) {
        vt__xml_slot *s = &t->slots[i];
        if (s->decode) {
            s->value = t->scratch + s->value_off; /* the scratch buffer is complete now */
        } else {
            s->value[s->value_len] = '\0';
        }
    }
    vt__xml_tok_element el;
    el.attrs = t->attrs;
    el.ns = NULL;
    el.ns_count = 0;
    el.uri = NULL;
    const size_t ns_before = t->ns_count;
    size_t count = n;
    if (VT__UNLIKELY(ns_syntax || t->ns_count > 0)) {
        t->ev_offset = tok_abs(t, q);
        rc = vt__xml_tok_namespaces(t, q, name, name_len, colon, n, &el, &count);
        if (rc != TOK_OK) {
            return rc;
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            const vt__xml_slot *s = &t->slots[i];
            vt__xml_tok_attr *a = &t->attrs[i];
            s->name[s->name_len] = '\0';
            a->name = s->name;
            a->prefix = NULL;
            a->uri = NULL;
            a->value = s->value;
            a->name_len = s->name_len;
            a->value_len = s->value_len;
        }
    }
    const int64_t uri = el.uri ? (int64_t)(el.uri - t->ns_bytes) : -1;
    if (!empty) {
        const int pushed = push_open(t, name, name_len, colon, uri, ns_before, line);
        if (pushed == -1) {
            return vt__xml_tok_fail(t, q, VT_ERR_NOMEM, "out of memory");
        }
        if (pushed == -2) {
            return vt__xml_tok_fail(t, q, VT_ERR_LIMIT, "elements nested deeper than %u",
                                    VT__XML_TOK_MAX_DEPTH);
        }
    }
    name[name_len] = '\0';
    if (colon) {
        name[colon] = '\0';
        el.prefix = name;
        el.name = name + colon + 1;
        el.name_len = name_len - colon - 1;
    } else {
        el.prefix = NULL;
        el.name = name;
        el.name_len = name_len;
    }
    el.attr_count = (uint32_t)count;
    t->ev_offset = tok_abs(t, q);
    t->saw_root = 1;
    if (t->h.start && t->h.start(t->h.ctx, &el) != 0) {
        return vt__xml_tok_fail(t, q, VT_ERR_ABORTED, "stopped by the handler");
    }
    q += empty ? 2 : 1;
    if (empty) {
        t->ev_offset = tok_abs(t, q);
        el.attr_count = 0;
        el.ns_count = 0;
        if (call_end(t, &el, q) != TOK_OK) {
            return TOK_ERR;
        }
        vt__xml_tok_pop_ns(t, ns_before);
        if (t->depth == 0) {
            t->state = ST_EPILOG;
        }
    } else {
        t->state = ST_CONTENT;
    }
    *next = q;
    return TOK_OK;
}

/* ---- end tags ------------------------------------------------------------------------ */

static int end_tag(vt__xml_tok *t, char *p, char **next)
{
    const vt__xml_open *o = &t->stack[t->depth - 1];
    const char *qname = t->names + o->name_off;
    const char *local = o->prefix_len ? qname + o->prefix_len + 1 : qname;
    char *q = p + 2;
    if (q + o->name_len + 1 > t->wend && !t->final) {
        return TOK_MORE;
    }
    int match = 0;
    if (q + o->name_len <= t->wend && memcmp(q, qname, o->name_len) == 0) {
        const unsigned char c = (unsigned char)q[o->name_len];
        match = !(CLASS(c) & (CL_NCNAME | CL_COLON | CL_HIGH));
        if (match) {
            for (const char *k = q; k < q + o->name_len; k++) {
                t->line_extra += ((unsigned char)*k & 0xC0) == 0x80;
            }
            q += o->name_len;
        }
    }
    const char *other = q;
    size_t other_len = 0;
    if (!match) {
        uint32_t colon;
        const int rc = vt__xml_tok_scan_name(t, &q, 0, &colon, NULL);
        if (rc != TOK_OK) {
            return rc;
        }
        other_len = (size_t)(q - other);
        if (other_len == 0) { /* no name: libxml2's message says "unparsable" */
            other = "unparsable";
            other_len = 10;
        }
    }
    while (CLASS(*q) & CL_SPACE) {
        if (*q == '\n') {
            tok_newline(t, q);
        }
        q++;
    }
    if (*q != '>') {
        return q >= t->wend ? MORE_OR_FAIL(t, q, "expected '>'")
                            : vt__xml_tok_fail(t, q, VT_ERR_PARSE, "expected '>'");
    }
    q++;
    if (!match) {
        return vt__xml_tok_fail(
            t, q, VT_ERR_PARSE, "Opening and ending tag mismatch: %s line %llu and %.*s", local,
            (unsigned long long)o->line, (int)(other_len > 60 ? 60 : other_len), other);
    }
    vt__xml_tok_element el;
    memset(&el, 0, sizeof el);
    el.name = local;
    el.name_len = o->name_len - (o->prefix_len ? o->prefix_len + 1 : 0);
    el.prefix = o->prefix_len ? qname + o->name_len + 1 : NULL;
    el.uri = o->uri >= 0 ? t->ns_bytes + o->uri : NULL;
    t->ev_offset = tok_abs(t, q);
    if (call_end(t, &el, q) != TOK_OK) {
        return TOK_ERR;
    }
    vt__xml_tok_pop_ns(t, o->ns_before);
    t->names_len = o->name_off;
    t->depth--;
    if (t->depth == 0) {
        t->state = ST_EPILOG;
    }
    *next = q;
    return TOK_OK;
}

/* ---- the document -------------------------------------------------------------------- */

/* Markup in content at p ('<'). */
static int markup(vt__xml_tok *t, char *p, char **next)
{
    const char c = p[1];
    if (c == '/') {
        return end_tag(t, p, next);
    }
    if (c == '?') {
        return vt__xml_tok_pi(t, p, next);
    }
    if (c == '!') {
        if (p + 4 <= t->wend && p[2] == '-' && p[3] == '-') {
            return vt__xml_tok_comment(t, p, next);
        }
        if (p + 9 <= t->wend && memcmp(p + 2, "[CDATA[", 7) == 0) {
            return vt__xml_tok_cdata(t, p, next);
        }
        if (p + 9 > t->wend && !t->final) {
            return TOK_MORE;
        }
        return vt__xml_tok_fail(t, p, VT_ERR_PARSE, "StartTag: invalid element name");
    }
    if (p + 1 >= t->wend && !t->final) {
        return TOK_MORE;
    }
    return start_tag(t, p, next);
}

/* Inside the root element: character data and markup until the root ends or the window
 * does. *next: where reading stopped. */
static int content(vt__xml_tok *t, char *p, char **next)
{
    for (;;) {
        /* The usual text between two tags: a newline and indentation. */
        char *const ws = p;
        while (*p == '\n' || *p == ' ') {
            if (*p == '\n') {
                tok_newline(t, p);
            }
            p++;
        }
        if (p != ws && deliver(t, ws, (size_t)(p - ws)) != TOK_OK) {
            return TOK_ERR;
        }
        if (*p != '<') {
            const int rc = char_data(t, p, &p);
            if (rc != TOK_OK) {
                *next = p;
                return rc;
            }
        }
        const vt__xml_mark mark = tok_mark(t);
        char *after = p;
        const int rc = markup(t, p, &after);
        if (rc != TOK_OK) {
            if (rc == TOK_MORE) {
                tok_rewind(t, mark);
            }
            *next = p;
            return rc;
        }
        p = after;
        if (t->state != ST_CONTENT) {
            *next = p;
            return TOK_OK;
        }
    }
}

/* Before and after the root element: white space, comments, processing instructions. */
static int misc(vt__xml_tok *t, char *p, char **next)
{
    const int prolog = t->state == ST_PROLOG;
    for (;;) {
        while (CLASS(*p) & CL_SPACE) {
            if (*p == '\n') {
                tok_newline(t, p);
            }
            p++;
        }
        *next = p;
        if (p >= t->wend) {
            return TOK_MORE;
        }
        if (*p != '<') {
            return vt__xml_tok_fail(t, p, VT_ERR_PARSE,
                                    prolog ? "Document is empty"
                                           : "Extra content at the end of the document");
        }
        if (p + 1 >= t->wend && !t->final) {
            return TOK_MORE;
        }
        const vt__xml_mark mark = tok_mark(t);
        char *after = p;
        int rc;
        if (p[1] == '?') {
            rc = vt__xml_tok_pi(t, p, &after);
        } else if (p[1] == '!') {
            if (p + 4 > t->wend && !t->final) {
                return TOK_MORE;
            }
            if (p[2] == '-' && p[3] == '-') {
                rc = vt__xml_tok_comment(t, p, &after);
            } else if (prolog && (p + 9 > t->wend && !t->final)) {
                return TOK_MORE;
            } else if (prolog && p + 9 <= t->wend && memcmp(p + 2, "DOCTYPE", 7) == 0) {
                t->declined = 1;
                return vt__xml_tok_fail(t, p, VT_ERR_FORMAT,
                                        "a DOCTYPE the byte filter did not blank: "
                                        "not handled by the built-in parser");
            } else {
                return vt__xml_tok_fail(t, p, VT_ERR_PARSE,
                                        prolog ? "StartTag: invalid element name"
                                               : "Extra content at the end of the document");
            }
        } else if (prolog) {
            rc = start_tag(t, p, &after);
        } else {
            return vt__xml_tok_fail(t, p, VT_ERR_PARSE, "Extra content at the end of the document");
        }
        if (rc != TOK_OK) {
            if (rc == TOK_MORE) {
                tok_rewind(t, mark);
            }
            return rc;
        }
        p = after;
        *next = p;
        if (t->state != (prolog ? ST_PROLOG : ST_EPILOG)) {
            return TOK_OK;
        }
    }
}

/* The first bytes: a byte order mark, the XML declaration. */
static int doc_start(vt__xml_tok *t, char *p, char **next)
{
    const unsigned char *u = (const unsigned char *)p;
    const size_t avail = (size_t)(t->wend - p);
    if (avail < 4 && !t->final) {
        return TOK_MORE;
    }
    if (avail >= 4 && u[0] == 0x4C && u[1] == 0x6F && u[2] == 0xA7 && u[3] == 0x94) {
        t->declined = 1;
        return vt__xml_tok_fail(t, p, VT_ERR_FORMAT,
                                "an EBCDIC document: not handled by the built-in parser");
    }
    if (avail >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        p += 3; /* the byte order mark; columns still count it, as libxml2's do */
    }
    if ((size_t)(t->wend - p) < 6 && !t->final) {
        return TOK_MORE;
    }
    if (t->wend - p >= 6 && memcmp(p, "<?xml", 5) == 0 && (CLASS(p[5]) & CL_SPACE)) {
        const int rc = vt__xml_tok_decl(t, p, &p);
        if (rc != TOK_OK) {
            return rc;
        }
    }
    t->state = ST_PROLOG;
    *next = p;
    return TOK_OK;
}

/* Reads the window w[0..n); the number of bytes consumed (the rest waits for more). */
static size_t run(vt__xml_tok *t, char *w, size_t n, int final)
{
    t->w = w;
    t->wend = w + n;
    t->wbase = t->offset;
    t->final = final;
    *t->wend = '\0'; /* the sentinel: every scan stops at a NUL */
    char *p = w;
    while (t->status == VT_OK) {
        char *next = p;
        const vt__xml_mark mark = tok_mark(t);
        int rc;
        switch (t->state) {
        case ST_START:
            rc = doc_start(t, p, &next);
            break;
        case ST_CONTENT:
            rc = content(t, p, &next);
            break;
        case ST_PROLOG:
        case ST_EPILOG:
            rc = misc(t, p, &next);
            break;
        default:
            rc = TOK_MORE;
            break;
        }
        if (rc == TOK_MORE && t->state == ST_START) {
            tok_rewind(t, mark);
        }
        p = next;
        if (rc != TOK_OK) {
            break;
        }
    }
    const size_t used = (size_t)(p - w);
    t->offset += used;
    return used;
}

/* ---- the public functions ------------------------------------------------------------ */

static vt_status sticky(const vt__xml_tok *t, vt_error *err)
{
    if (err) {
        *err = t->err;
    }
    return t->status;
}

vt_status vt__xml_tok_new(const char *name, const vt__xml_tok_handler *handler, vt__xml_tok **out,
                          vt_error *err)
{
    *out = NULL;
    vt__xml_tok *t = vt__calloc(1, sizeof *t);
    if (!t) {
        return vt__nomem(err);
    }
    if (handler) {
        t->h = *handler;
    }
    snprintf(t->name, sizeof t->name, "%s", name ? name : "input");
    t->line = 1;
    t->state = ST_START;
    /* The xml prefix's namespace, bound everywhere, sits first in ns_bytes. */
    static const char xml_ns[] = "http://www.w3.org/XML/1998/namespace";
    if (vt__grow((void **)&t->ns_bytes, &t->ns_bytes_cap, sizeof xml_ns, 1) != 0) {
        vt__free(t);
        return vt__nomem(err);
    }
    memcpy(t->ns_bytes, xml_ns, sizeof xml_ns);
    t->ns_bytes_len = sizeof xml_ns;
    *out = t;
    return VT_OK;
}

void vt__xml_tok_free(vt__xml_tok *t)
{
    if (!t) {
        return;
    }
    vt__free(t->carry);
    vt__free(t->stack);
    vt__free(t->names);
    vt__free(t->slots);
    vt__free(t->attrs);
    vt__free(t->dup_table);
    vt__free(t->scratch);
    vt__free(t->ns);
    vt__free(t->ns_bytes);
    vt__free(t->ns_decl);
    vt__free(t);
}

/* Appends `len` bytes to the carry (and room for the padding). */
static int carry_append(vt__xml_tok *t, const char *data, size_t len)
{
    const size_t need = t->carry_len + len + VT__XML_TOK_PADDING;
    if (need > t->carry_cap) {
        /* Doubling, but never past what the longest token needs (the feed keeps the carry
         * to VT__XML_TOK_MAX_TOKEN + 1 bytes). */
        const size_t most = VT__XML_TOK_MAX_TOKEN + 1 + VT__XML_TOK_PADDING;
        size_t cap = t->carry_cap ? t->carry_cap : 4096;
        while (cap < need) {
            cap *= 2;
        }
        if (cap > most && need <= most) {
            cap = most;
        }
        char *c = vt__realloc(t->carry, cap);
        if (!c) {
            return -1;
        }
        /* The padding is read ahead; keep it initialised. */
        memset(c + t->carry_cap, 0, cap - t->carry_cap);
        t->carry = c;
        t->carry_cap = cap;
    }
    memcpy(t->carry + t->carry_len, data, len);
    t->carry_len += len;
    return 0;
}

static vt_status too_long(vt__xml_tok *t, vt_error *err)
{
    t->w = t->carry;
    t->wbase = t->offset;
    vt__xml_tok_fail(t, t->carry, VT_ERR_LIMIT,
                     "a value or text longer than libxml2's 10 MB limit");
    return sticky(t, err);
}

vt_status vt__xml_tok_feed(vt__xml_tok *t, char *data, size_t len, vt_error *err)
{
    if (t->status != VT_OK) {
        return sticky(t, err);
    }
    if (t->state == ST_DONE) {
        return vt__error(err, VT_ERR_INVALID, "the input has ended");
    }
    /* A token an earlier block ended inside: complete it in the carry, then go on reading
     * this block where it lies. The carry is read again only once it has doubled since it
     * was last read in vain, so a token fed in small pieces costs linear time. */
    size_t mine = t->carry_len; /* where the bytes of this block start in the carry */
    while (t->carry_len > 0 && len > 0) {
        const size_t old = t->carry_len;
        size_t want = old < 4096 ? 4096 : old;
        if (want > len) {
            want = len;
        }
        if (old + want > VT__XML_TOK_MAX_TOKEN + 1) {
            want = VT__XML_TOK_MAX_TOKEN + 1 - old;
        }
        if (carry_append(t, data, want) != 0) {
            t->status = vt__nomem(&t->err);
            return sticky(t, err);
        }
        data += want;
        len -= want;
        if (t->carry_len < 2 * t->carry_tried && t->carry_len <= VT__XML_TOK_MAX_TOKEN) {
            continue;
        }
        const size_t used = run(t, t->carry, t->carry_len, 0);
        if (t->status != VT_OK) {
            return sticky(t, err);
        }
        const size_t rest = t->carry_len - used;
        if (used >= mine) {
            /* What waits now was copied from this block: read it there. */
            data -= rest;
            len += rest;
            t->carry_len = 0;
            t->carry_tried = 0;
            break;
        }
        if (rest > VT__XML_TOK_MAX_TOKEN) {
            return too_long(t, err);
        }
        memmove(t->carry, t->carry + used, rest);
        t->carry_len = rest;
        t->carry_tried = rest;
        mine -= used;
    }
    if (t->carry_len == 0 && len > 0) {
        const size_t used = run(t, data, len, 0);
        if (t->status != VT_OK) {
            return sticky(t, err);
        }
        const size_t rest = len - used;
        if (rest > VT__XML_TOK_MAX_TOKEN) {
            if (carry_append(t, data + used, 1) != 0) {
                t->status = vt__nomem(&t->err);
                return sticky(t, err);
            }
            return too_long(t, err);
        }
        if (carry_append(t, data + used, rest) != 0) {
            t->status = vt__nomem(&t->err);
            return sticky(t, err);
        }
        t->carry_tried = rest;
    }
    return VT_OK;
}

vt_status vt__xml_tok_finish(vt__xml_tok *t, vt_error *err)
{
    if (t->status != VT_OK) {
        return sticky(t, err);
    }
    if (t->state == ST_DONE) {
        return VT_OK;
    }
    if (t->carry_cap == 0 && carry_append(t, "", 0) != 0) {
        t->status = vt__nomem(&t->err);
        return sticky(t, err);
    }
    const size_t used = run(t, t->carry, t->carry_len, 1);
    if (t->status != VT_OK) {
        return sticky(t, err);
    }
    char *const end = t->carry + t->carry_len;
    if (used != t->carry_len) {
        vt__xml_tok_fail(t, t->carry + used, VT_ERR_PARSE,
                         "Extra content at the end of the document");
    } else if (t->state == ST_START || t->state == ST_PROLOG) {
        vt__xml_tok_fail(t, end, VT_ERR_PARSE, "Start tag expected, '<' not found");
    } else if (t->state == ST_CONTENT) {
        const vt__xml_open *o = &t->stack[t->depth - 1];
        const char *qname = t->names + o->name_off;
        vt__xml_tok_fail(t, end, VT_ERR_PARSE, "Premature end of data in tag %s line %llu",
                         o->prefix_len ? qname + o->prefix_len + 1 : qname,
                         (unsigned long long)o->line);
    }
    if (t->status != VT_OK) {
        return sticky(t, err);
    }
    t->carry_len = 0;
    t->state = ST_DONE;
    return VT_OK;
}

int vt__xml_tok_declined(const vt__xml_tok *t)
{
    return t->declined;
}

int vt__xml_tok_saw_root(const vt__xml_tok *t)
{
    return t->saw_root;
}

const char *vt__xml_tok_message(const vt__xml_tok *t)
{
    return t->status != VT_OK ? t->what : "";
}

void vt__xml_tok_position(const vt__xml_tok *t, uint32_t *line, uint32_t *column, uint64_t *offset)
{
    if (line) {
        *line = clamp32(t->line);
    }
    if (column) {
        *column = column_at(t, t->ev_offset);
    }
    if (offset) {
        *offset = t->ev_offset;
    }
}
