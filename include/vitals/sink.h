/* SPDX-License-Identifier: MIT */
/* The sink interface: where producers (the reader, the generator) send decoded items. */
#ifndef VITALS_SINK_H
#define VITALS_SINK_H

#include "vitals/error.h"
#include "vitals/record.h"
#include "vitals/strpool.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Callbacks a producer calls in document order. Any callback may be NULL (the item is
 * dropped). A callback returns VT_OK to go on; any other status stops the producer, which
 * returns that status with the callback's error. Ids in items refer to `strings`, a pool
 * owned by the producer that only grows during one run.
 */
typedef struct vt_sink {
    void *ctx;
    /** One health sample. */
    vt_status (*record)(void *ctx, const vt_record *rec, const vt_strpool *strings,
                        vt_error *err);
} vt_sink;

#ifdef __cplusplus
}
#endif
#endif
