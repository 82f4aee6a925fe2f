/* SPDX-License-Identifier: MIT */
/* vitals error reporting: one caller-owned error shape for the whole library. */
#ifndef VITALS_ERROR_H
#define VITALS_ERROR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes. VT_OK is 0; every fallible function returns one of these. */
typedef enum vt_status {
    VT_OK = 0,
    VT_ERR_INVALID,  /**< an argument or a value in the input is not valid */
    VT_ERR_NOMEM,    /**< an allocation failed */
    VT_ERR_IO,       /**< reading or writing a file failed */
    VT_ERR_PARSE,    /**< the input is not well-formed (XML, timestamp, number) */
    VT_ERR_FORMAT,   /**< the input is well-formed but not what was expected */
    VT_ERR_DB,       /**< SQLite reported an error */
    VT_ERR_ZIP,      /**< libzip reported an error or the archive is unusable */
    VT_ERR_LIMIT,    /**< the input exceeds a documented limit */
    VT_ERR_NOT_FOUND,/**< the thing asked for does not exist */
    VT_ERR_BUSY,     /**< the database is locked by another writer */
    VT_ERR_ABORTED,  /**< a callback asked to stop */
    VT_ERR_INTERNAL  /**< a bug: an invariant did not hold */
} vt_status;

/**
 * An error: filled by the failing function when the caller passes one (it may pass NULL).
 * `msg` is one human sentence without a trailing newline, "" on success. Parser errors also
 * carry the byte offset and the 1-based line and column; 0 when not known.
 */
typedef struct vt_error {
    vt_status code;
    char msg[256];
    uint64_t offset;
    uint32_t line, column;
} vt_error;

/** The constant name of a status, e.g. "VT_ERR_PARSE". Never NULL; static storage. */
const char *vt_status_name(vt_status code);

/** Resets `err` (may be NULL) to success. */
void vt_error_clear(vt_error *err);

#ifdef __cplusplus
}
#endif
#endif
