/* SPDX-License-Identifier: MIT */
/* A tiny suite built twice for the paired comparison's end-to-end test (test_vb_paired): as
   base, and with PAIRED_FACTOR 2 as a head whose benchmarks do twice the work and hold twice
   the memory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vbench/vbench.h"

#ifndef PAIRED_FACTOR
#define PAIRED_FACTOR 1
#endif

/* About 20 us of integer work per iteration (x PAIRED_FACTOR). */
static void spin(vb_state *st)
{
    while (vb_loop(st)) {
        uint64_t x = 1;
        for (uint32_t i = 0; i < 20000u * PAIRED_FACTOR; i++) {
            x = x * 6364136223846793005u + i;
            vb_do_not_optimize(x);
        }
    }
}
VB_BENCHMARK(spin, .group = "fixture", .marks = "performance");

/* 8 MiB (x PAIRED_FACTOR) allocated, touched and freed each iteration. */
static void touch(vb_state *st)
{
    const size_t size = (size_t)8 * 1048576 * PAIRED_FACTOR;
    while (vb_loop(st)) {
        char *p = malloc(size);
        if (p) {
            memset(p, 1, size);
        }
        vb_do_not_optimize(p);
        free(p);
    }
}
VB_BENCHMARK(touch, .group = "fixture", .marks = "performance,memory");

VB_MAIN();
