/* SPDX-License-Identifier: MIT */
/* libvbench error reporting: one caller-owned error shape, mirroring vt_error of libvitals. */
#ifndef VBENCH_ERROR_H
#define VBENCH_ERROR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes. VB_OK is 0; every fallible function of libvbench returns one of these. */
typedef enum vb_status {
    VB_OK = 0,
    VB_ERR_INVALID,     /**< an argument or an option value is not valid */
    VB_ERR_NOMEM,       /**< an allocation failed */
    VB_ERR_IO,          /**< reading or writing a file, a pipe or a process failed */
    VB_ERR_PARSE,       /**< a file or an expression is not well-formed */
    VB_ERR_FORMAT,      /**< a file is well-formed but not what was expected */
    VB_ERR_NOT_FOUND,   /**< the thing asked for does not exist */
    VB_ERR_BUSY,        /**< a lock is held by another process */
    VB_ERR_UNSUPPORTED, /**< the platform lacks what is needed (valgrind, counters) */
    VB_ERR_INTERNAL     /**< a bug: an invariant did not hold */
} vb_status;

/**
 * An error, filled by the failing function when the caller passes one (it may pass NULL).
 * `msg` is one human sentence without a trailing newline, "" on success. Parser errors also
 * carry the byte offset and the 1-based line and column; 0 when not known.
 */
typedef struct vb_error {
    vb_status code;
    char msg[256];
    uint64_t offset;
    uint32_t line, column;
} vb_error;

/** The constant name of a status, e.g. "VB_ERR_PARSE". Never NULL; static storage. */
const char *vb_status_name(vb_status code);

/** Resets `err` (may be NULL) to success. */
void vb_error_clear(vb_error *err);

#ifdef __cplusplus
}
#endif
#endif
