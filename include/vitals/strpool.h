/* SPDX-License-Identifier: MIT */
/* String interning: each distinct string gets a stable small integer id. */
#ifndef VITALS_STRPOOL_H
#define VITALS_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "vitals/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A pool of interned strings. Id 0 is reserved for "no string"; ids count up from 1. */
typedef struct vt_strpool vt_strpool;

/** Creates an empty pool. The caller frees it with vt_strpool_free. */
vt_status vt_strpool_new(vt_strpool **out, vt_error *err);

/** Frees the pool and every string in it; NULL is accepted. */
void vt_strpool_free(vt_strpool *pool);

/**
 * Interns `s[0..len)` (may hold any bytes but NUL) and gives its id in `*id`: the same
 * bytes always give the same id, a new string the next id. Not thread-safe.
 */
vt_status vt_strpool_intern(vt_strpool *pool, const char *s, size_t len, uint32_t *id,
                            vt_error *err);

/** Looks `s[0..len)` up without adding it: its id, or 0 when it is not in the pool. */
uint32_t vt_strpool_find(const vt_strpool *pool, const char *s, size_t len);

/**
 * The string of `id`, NUL-terminated, borrowed from the pool and valid until the pool is
 * freed; "" for id 0 or an id the pool has not given. `len` (may be NULL) gets its length.
 */
const char *vt_strpool_get(const vt_strpool *pool, uint32_t id, size_t *len);

/** How many strings the pool holds (the largest id given). */
uint32_t vt_strpool_count(const vt_strpool *pool);

#ifdef __cplusplus
}
#endif
#endif
