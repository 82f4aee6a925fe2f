/* SPDX-License-Identifier: MIT */
/* The one pair of allocation wrappers every allocation of libvbench goes through. */
#include <stdlib.h>

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
