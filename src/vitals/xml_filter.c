/* SPDX-License-Identifier: MIT */
/* The byte filter ahead of the XML parser: blanks the internal DTD subset, replaces control
 * characters invalid in XML 1.0, refuses NUL bytes, and keeps line numbers exact. */
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.h"

enum { MODE_PROLOG, MODE_COMMENT, MODE_DOCTYPE, MODE_BODY };

void vt__xml_filter_init(vt__xml_filter *f)
{
    memset(f, 0, sizeof *f);
    f->mode = MODE_PROLOG;
    f->line = 1;
}

int vt__xml_filter_in_body(const vt__xml_filter *f)
{
    return f->mode == MODE_BODY;
}

static int name_start(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

static vt_status nul_error(const vt__xml_filter *f, uint64_t at, const char *name, vt_error *err)
{
    const uint32_t line = (uint32_t)f->line;
    const uint32_t column = (uint32_t)(at - f->line_start + 1);
    return vt__error_at(err, VT_ERR_PARSE, at, line, column, "%s:%u:%u: NUL byte in input", name,
                        line, column);
}

/* One byte below 0x20 in the body or the prolog: newline accounting, NUL, replacement. */
static vt_status control(vt__xml_filter *f, char *p, uint64_t at, const char *name, vt_error *err)
{
    const unsigned char c = (unsigned char)*p;
    if (c == '\n') {
        f->line++;
        f->line_start = at + 1;
    } else if (c == 0) {
        return nul_error(f, at, name, err);
    } else if (c != '\t' && c != '\r') {
        *p = ' ';
        f->control_chars++;
    }
    return VT_OK;
}

/* Scans the prolog and the DOCTYPE; returns the index where the body starts (or len). */
static vt_status run_prolog(vt__xml_filter *f, char *buf, size_t len, int final, size_t *pos,
                            size_t *keep, const char *name, vt_error *err)
{
    static const char doctype[] = "<!DOCTYPE";
    const size_t dlen = sizeof doctype - 1;
    size_t i = 0;
    *keep = 0;
    while (i < len && f->mode != MODE_BODY) {
        const unsigned char c = (unsigned char)buf[i];
        const uint64_t at = f->offset + i;
        if (f->mode == MODE_COMMENT) {
            /* A comment of the prolog passes unchanged: whatever it holds, it must not be
             * taken for the root start tag or a DOCTYPE. */
            if (c == '>' && f->dashes >= 2) {
                f->mode = MODE_PROLOG;
            }
            f->dashes = c == '-' ? f->dashes + 1 : 0;
        } else if (c == '<') {
            const size_t rest = len - i;
            if (f->mode == MODE_PROLOG) {
                if (rest < 4 && !final && memcmp(buf + i, "<!--", rest) == 0) {
                    *keep = rest;
                    break;
                }
                if (rest >= 4 && memcmp(buf + i, "<!--", 4) == 0) {
                    f->mode = MODE_COMMENT;
                    f->dashes = 0;
                }
                if (rest < dlen && !final && memcmp(buf + i, doctype, rest) == 0) {
                    *keep = rest; /* maybe the start of <!DOCTYPE: decide with more bytes */
                    break;
                }
                if (rest >= dlen && memcmp(buf + i, doctype, dlen) == 0) {
                    f->mode = MODE_DOCTYPE;
                }
            }
            if (f->mode != MODE_COMMENT && rest == 1 && !final) {
                *keep = 1;
                break;
            }
            if (f->mode != MODE_COMMENT && rest > 1 && name_start((unsigned char)buf[i + 1])) {
                f->mode = MODE_BODY; /* the root start tag */
                break;
            }
        }
        if (f->mode == MODE_DOCTYPE) {
            if (c == '\n') {
                f->line++;
                f->line_start = at + 1;
            } else if (c == 0) {
                return nul_error(f, at, name, err);
            } else {
                buf[i] = ' ';
            }
        } else if (c < 0x20) {
            const vt_status st = control(f, buf + i, at, name, err);
            if (st != VT_OK) {
                return st;
            }
        }
        i++;
    }
    *pos = i;
    return VT_OK;
}

vt_status vt__xml_filter_run(vt__xml_filter *f, char *buf, size_t len, int final, size_t *keep,
                             const char *name, vt_error *err)
{
    size_t i = 0;
    *keep = 0;
    if (VT__UNLIKELY(f->mode != MODE_BODY)) {
        const vt_status st = run_prolog(f, buf, len, final, &i, keep, name, err);
        if (st != VT_OK) {
            return st;
        }
        if (*keep) {
            f->offset += i;
            return VT_OK;
        }
    }
    /* The body: find the bytes below 0x20 sixteen at a time (SSE2: x <= 0x1F unsigned is
     * min(x, 0x1F) == x) and visit only them; newlines are such bytes, so this also counts
     * lines. Elsewhere, and for the last bytes, eight at a time (the classic "has less than"
     * bit trick, exact for the question "is there one"), looking at single bytes only in
     * words that hold one. */
#if defined(__SSE2__)
    const __m128i below = _mm_set1_epi8(0x1F);
    while (i + 16 <= len) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(buf + i));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, below), v));
        while (mask) {
            const size_t k = i + (size_t)__builtin_ctz(mask);
            const vt_status st = control(f, buf + k, f->offset + k, name, err);
            if (st != VT_OK) {
                return st;
            }
            mask &= mask - 1;
        }
        i += 16;
    }
#endif
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, buf + i, 8);
        if (VT__LIKELY(((w - ones * 0x20u) & ~w & highs) == 0)) {
            i += 8;
            continue;
        }
        for (size_t k = i; k < i + 8; k++) {
            if ((unsigned char)buf[k] < 0x20) {
                const vt_status st = control(f, buf + k, f->offset + k, name, err);
                if (st != VT_OK) {
                    return st;
                }
            }
        }
        i += 8;
    }
    for (; i < len; i++) {
        if ((unsigned char)buf[i] < 0x20) {
            const vt_status st = control(f, buf + i, f->offset + i, name, err);
            if (st != VT_OK) {
                return st;
            }
        }
    }
    f->offset += len;
    return VT_OK;
}
