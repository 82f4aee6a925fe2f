/* SPDX-License-Identifier: MIT */
/* The one allocation hook of libvitals: every allocation in the library goes through it. */
#ifndef VITALS_ALLOC_H
#define VITALS_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An allocator: realloc-like `realloc_fn` (size 0 never passed) and `free_fn`. */
typedef struct vt_allocator {
    void *(*realloc_fn)(void *ctx, void *ptr, size_t size);
    void (*free_fn)(void *ctx, void *ptr);
    void *ctx;
} vt_allocator;

/**
 * Replaces the library's allocator (NULL restores malloc/free). Not thread-safe: call it
 * before any other vt_ function, or in tests that inject allocation failures. Memory
 * allocated with one allocator must not be freed after switching to another.
 */
void vt_allocator_set(const vt_allocator *allocator);

#ifdef __cplusplus
}
#endif
#endif
