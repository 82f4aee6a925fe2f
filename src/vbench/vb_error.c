/* SPDX-License-Identifier: MIT */
/* Filling caller-owned vb_error values, naming status codes, and small parsing helpers. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *vb_status_name(vb_status code)
{
    switch (code) {
    case VB_OK:
        return "VB_OK";
    case VB_ERR_INVALID:
        return "VB_ERR_INVALID";
    case VB_ERR_NOMEM:
        return "VB_ERR_NOMEM";
    case VB_ERR_IO:
        return "VB_ERR_IO";
    case VB_ERR_PARSE:
        return "VB_ERR_PARSE";
    case VB_ERR_FORMAT:
        return "VB_ERR_FORMAT";
    case VB_ERR_NOT_FOUND:
        return "VB_ERR_NOT_FOUND";
    case VB_ERR_BUSY:
        return "VB_ERR_BUSY";
    case VB_ERR_UNSUPPORTED:
        return "VB_ERR_UNSUPPORTED";
    case VB_ERR_INTERNAL:
        return "VB_ERR_INTERNAL";
    }
    return "VB_ERR_UNKNOWN";
}

void vb_error_clear(vb_error *err)
{
    if (err) {
        memset(err, 0, sizeof *err);
    }
}

vb_status vb__error(vb_error *err, vb_status code, const char *fmt, ...)
{
    if (!err) {
        return code;
    }
    memset(err, 0, sizeof *err);
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    /* One line only: a newline inside a library message would break the program's output. */
    for (char *p = err->msg; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';
        }
    }
    return code;
}

vb_status vb__nomem(vb_error *err)
{
    return vb__error(err, VB_ERR_NOMEM, "out of memory");
}

void vb__strlcpy(char *dst, const char *src, size_t size)
{
    if (size == 0) {
        return;
    }
    size_t n = src ? strlen(src) : 0;
    if (n >= size) {
        n = size - 1;
    }
    if (n) {
        memcpy(dst, src, n);
    }
    dst[n] = '\0';
}

bool vb__parse_ll(const char *s, long long *out)
{
    if (!s || !*s) {
        return false;
    }
    char *end = NULL;
    errno = 0;
    const long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0') {
        return false;
    }
    *out = v;
    return true;
}

bool vb__parse_double(const char *s, double *out)
{
    if (!s || !*s) {
        return false;
    }
    char *end = NULL;
    errno = 0;
    const double v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v)) {
        return false;
    }
    *out = v;
    return true;
}
