/* SPDX-License-Identifier: MIT */
/* A tiny suite built twice for the paired comparison's end-to-end test (test_vb_paired): as
   base, and with PAIRED_FACTOR 2 as a head whose benchmarks do twice the work and hold twice
   the memory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static uint64_t ns_of(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Declared to keep two threads busy, so its CPU time is measured: each iteration burns 0.3 ms
   of its thread's CPU (x PAIRED_FACTOR), then sleeps until 3 ms have passed since it began.
   Head's wall time is base's; its CPU time is twice. */
static void cpu(vb_state *st)
{
    while (vb_loop(st)) {
        const uint64_t t0 = ns_of(CLOCK_MONOTONIC), c0 = ns_of(CLOCK_THREAD_CPUTIME_ID);
        uint64_t x = 1;
        while (ns_of(CLOCK_THREAD_CPUTIME_ID) - c0 < 300000u * PAIRED_FACTOR) {
            for (int i = 0; i < 1000; i++) {
                x = x * 6364136223846793005u + (uint64_t)i;
            }
            vb_do_not_optimize(x);
        }
        const uint64_t end = t0 + 3000000u;
        for (uint64_t t = ns_of(CLOCK_MONOTONIC); t < end; t = ns_of(CLOCK_MONOTONIC)) {
            const struct timespec left = {0, (long)(end - t)};
            nanosleep(&left, NULL);
        }
    }
}
VB_BENCHMARK(cpu, .group = "fixture", .marks = "performance", .threads = 2);

VB_MAIN();
