/* SPDX-License-Identifier: MIT */
/* The one pair of allocation wrappers every allocation of libvbench goes through. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void *vb__malloc(size_t size)
{
    return malloc(size ? size : 1);
}

void *vb__calloc(size_t count, size_t size)
{
    return calloc(count ? count : 1, size ? size : 1);
}

void *vb__realloc(void *ptr, size_t size)
{
    return realloc(ptr, size ? size : 1);
}

void vb__free(void *ptr)
{
    free(ptr);
}

char *vb__strdup(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *p = vb__malloc(n);
    if (p) {
        memcpy(p, s, n);
    }
    return p;
}
