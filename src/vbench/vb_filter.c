/* SPDX-License-Identifier: MIT */
/* Selecting benchmarks: -k name expressions (substring or glob) and -m mark expressions. */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* One -k term: a glob when it holds a wildcard, or a substring. */
static bool term_matches(const char *term, size_t len, const char *fullname)
{
    char pat[256];
    if (len >= sizeof pat) {
        len = sizeof pat - 1;
    }
    memcpy(pat, term, len);
    pat[len] = '\0';
    /* A name like "daily[365]" holds a bracket but means itself: a term matches as a glob
       or as a substring. */
    if (strpbrk(pat, "*?[") && fnmatch(pat, fullname, 0) == 0) {
        return true;
    }
    return strstr(fullname, pat) != NULL;
}

/* Tokenizer shared by both expressions: words separated by blanks, and parentheses. */
typedef struct lexer {
    const char *p;
    const char *tok;
    size_t len;
} lexer;

static void next(lexer *lx)
{
    while (*lx->p && isspace((unsigned char)*lx->p)) {
        lx->p++;
    }
    lx->tok = lx->p;
    if (*lx->p == '(' || *lx->p == ')') {
        lx->p++;
    } else {
        while (*lx->p && !isspace((unsigned char)*lx->p) && *lx->p != '(' && *lx->p != ')') {
            lx->p++;
        }
    }
    lx->len = (size_t)(lx->p - lx->tok);
}

static bool is(const lexer *lx, const char *word)
{
    return lx->len == strlen(word) && strncmp(lx->tok, word, lx->len) == 0;
}

/* A predicate on a word of the expression. */
typedef bool (*leaf_fn)(const char *word, size_t len, const void *ctx);

typedef struct parser {
    lexer lx;
    leaf_fn leaf;
    const void *ctx;
    bool bad;
    char why[128];
} parser;

static bool parse_or(parser *ps);

static bool parse_atom(parser *ps)
{
    lexer *lx = &ps->lx;
    if (lx->len == 0) {
        ps->bad = true;
        vb__strlcpy(ps->why, "expression ends too early", sizeof ps->why);
        return false;
    }
    if (is(lx, "not")) {
        next(lx);
        return !parse_atom(ps);
    }
    if (is(lx, "(")) {
        next(lx);
        const bool v = parse_or(ps);
        if (!is(lx, ")")) {
            ps->bad = true;
            vb__strlcpy(ps->why, "missing ')'", sizeof ps->why);
            return false;
        }
        next(lx);
        return v;
    }
    if (is(lx, ")") || is(lx, "and") || is(lx, "or")) {
        ps->bad = true;
        snprintf(ps->why, sizeof ps->why, "unexpected '%.*s'", (int)lx->len, lx->tok);
        return false;
    }
    const bool v = ps->leaf(lx->tok, lx->len, ps->ctx);
    next(lx);
    return v;
}

static bool parse_and(parser *ps)
{
    bool v = parse_atom(ps);
    while (!ps->bad && is(&ps->lx, "and")) {
        next(&ps->lx);
        const bool w = parse_atom(ps);
        v = v && w;
    }
    return v;
}

static bool parse_or(parser *ps)
{
    bool v = parse_and(ps);
    while (!ps->bad && is(&ps->lx, "or")) {
        next(&ps->lx);
        const bool w = parse_and(ps);
        v = v || w;
    }
    return v;
}

static bool evaluate(const char *expr, leaf_fn leaf, const void *ctx, bool *ok, char *why,
                     size_t why_size)
{
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.lx.p = expr;
    ps.leaf = leaf;
    ps.ctx = ctx;
    next(&ps.lx);
    const bool v = parse_or(&ps);
    if (!ps.bad && ps.lx.len != 0) {
        ps.bad = true;
        snprintf(ps.why, sizeof ps.why, "unexpected '%.*s'", (int)ps.lx.len, ps.lx.tok);
    }
    *ok = !ps.bad;
    vb__strlcpy(why, ps.why, why_size);
    return v;
}

static bool name_leaf(const char *word, size_t len, const void *ctx)
{
    return term_matches(word, len, ctx);
}

bool vb_filter_name(const char *pattern, const char *fullname)
{
    if (!pattern || !*pattern) {
        return true;
    }
    bool ok;
    char why[128];
    const bool v = evaluate(pattern, name_leaf, fullname, &ok, why, sizeof why);
    /* An expression that does not parse is taken as one plain substring. */
    return ok ? v : strstr(fullname, pattern) != NULL;
}

static bool mark_leaf(const char *word, size_t len, const void *ctx)
{
    const char *marks = ctx;
    const char *p = marks;
    while (p && *p) {
        while (*p == ',' || isspace((unsigned char)*p)) {
            p++;
        }
        const char *end = p;
        while (*end && *end != ',') {
            end++;
        }
        const char *last = end;
        while (last > p && isspace((unsigned char)last[-1])) {
            last--;
        }
        if ((size_t)(last - p) == len && strncmp(p, word, len) == 0) {
            return true;
        }
        p = end;
    }
    return false;
}

vb_status vb_filter_marks(const char *expr, const char *marks, bool *match, vb_error *err)
{
    if (!expr || !*expr) {
        *match = true;
        return VB_OK;
    }
    bool ok;
    char why[128];
    const bool v = evaluate(expr, mark_leaf, marks ? marks : "", &ok, why, sizeof why);
    if (!ok) {
        return vb__error(err, VB_ERR_PARSE, "-m \"%s\": %s", expr, why);
    }
    *match = v;
    return VB_OK;
}
