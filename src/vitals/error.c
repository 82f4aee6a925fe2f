/* SPDX-License-Identifier: MIT */
/* Filling caller-owned vt_error values and naming status codes. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *vt_status_name(vt_status code)
{
    switch (code) {
    case VT_OK: return "VT_OK";
    case VT_ERR_INVALID: return "VT_ERR_INVALID";
    case VT_ERR_NOMEM: return "VT_ERR_NOMEM";
    case VT_ERR_IO: return "VT_ERR_IO";
    case VT_ERR_PARSE: return "VT_ERR_PARSE";
    case VT_ERR_FORMAT: return "VT_ERR_FORMAT";
    case VT_ERR_DB: return "VT_ERR_DB";
    case VT_ERR_ZIP: return "VT_ERR_ZIP";
    case VT_ERR_LIMIT: return "VT_ERR_LIMIT";
    case VT_ERR_NOT_FOUND: return "VT_ERR_NOT_FOUND";
    case VT_ERR_BUSY: return "VT_ERR_BUSY";
    case VT_ERR_ABORTED: return "VT_ERR_ABORTED";
    case VT_ERR_INTERNAL: return "VT_ERR_INTERNAL";
    }
    return "VT_ERR_UNKNOWN";
}

void vt_error_clear(vt_error *err)
{
    if (err) {
        memset(err, 0, sizeof *err);
    }
}

static vt_status fill(vt_error *err, vt_status code, uint64_t offset, uint32_t line,
                      uint32_t column, const char *fmt, va_list ap) VT__PRINTF(6, 0);

static vt_status fill(vt_error *err, vt_status code, uint64_t offset, uint32_t line,
                      uint32_t column, const char *fmt, va_list ap)
{
    if (!err) {
        return code;
    }
    err->code = code;
    err->offset = offset;
    err->line = line;
    err->column = column;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    /* One line only: a newline inside a library message would break the program's output. */
    for (char *p = err->msg; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';
        }
    }
    return code;
}

vt_status vt__error(vt_error *err, vt_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fill(err, code, 0, 0, 0, fmt, ap);
    va_end(ap);
    return code;
}

vt_status vt__error_at(vt_error *err, vt_status code, uint64_t offset, uint32_t line,
                       uint32_t column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fill(err, code, offset, line, column, fmt, ap);
    va_end(ap);
    return code;
}

vt_status vt__nomem(vt_error *err)
{
    return vt__error(err, VT_ERR_NOMEM, "out of memory");
}
