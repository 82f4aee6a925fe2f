/* SPDX-License-Identifier: MIT */
/* The GPX route reader (gpx.c) as the export source (export_source.c) calls it. */
#ifndef VITALS_GPX_INTERNAL_H
#define VITALS_GPX_INTERNAL_H

#include "reader_internal.h"

/* Reads up to `len` bytes into `buf`: the count, 0 at the end, -1 on error (err filled). */
typedef long (*vt__read_fn)(void *ctx, void *buf, size_t len, vt_error *err);

/* Parses one GPX file read through `read` and sends its points to the reader's sink under
 * the route reference `ref`. Errors name `name` and the position. */
vt_status vt__gpx_read(vt_reader *reader, uint32_t ref, const char *name, vt__read_fn read,
                       void *read_ctx, vt_error *err);

#endif
