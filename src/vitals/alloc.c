/* SPDX-License-Identifier: MIT */
/* The library's single allocation path, replaceable so tests can inject failures. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void *default_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return realloc(ptr, size);
}

static void default_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

static vt_allocator current = {default_realloc, default_free, NULL};

void vt_allocator_set(const vt_allocator *allocator)
{
    if (allocator && allocator->realloc_fn && allocator->free_fn) {
        current = *allocator;
    } else {
        current.realloc_fn = default_realloc;
        current.free_fn = default_free;
        current.ctx = NULL;
    }
}

void *vt__malloc(size_t size)
{
    return current.realloc_fn(current.ctx, NULL, size ? size : 1);
}

void *vt__calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        return NULL;
    }
    void *p = vt__malloc(count * size);
    if (p) {
        memset(p, 0, count * size);
    }
    return p;
}

void *vt__realloc(void *ptr, size_t size)
{
    return current.realloc_fn(current.ctx, ptr, size ? size : 1);
}

void vt__free(void *ptr)
{
    if (ptr) {
        current.free_fn(current.ctx, ptr);
    }
}

char *vt__strndup(const char *s, size_t len)
{
    char *p = vt__malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

int vt__grow(void **array, size_t *capacity, size_t need, size_t elem)
{
    if (need <= *capacity) {
        return 0;
    }
    size_t cap = *capacity ? *capacity : 16;
    while (cap < need) {
        if (cap > SIZE_MAX / 2 / elem) {
            return -1;
        }
        cap *= 2;
    }
    void *p = vt__realloc(*array, cap * elem);
    if (!p) {
        return -1;
    }
    *array = p;
    *capacity = cap;
    return 0;
}
