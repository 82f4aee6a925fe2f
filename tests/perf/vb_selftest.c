/* SPDX-License-Identifier: MIT */
/* The harness's own benchmarks: loop overhead, a ~1 us function, a known allocation, scaling.
   They double as examples of the API; their checks run in smoke mode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vbench/vbench.h"

/* The loop alone: what the harness adds to every iteration. */
static void empty(vb_state *st)
{
    while (vb_loop(st)) {
        vb_clobber();
    }
}
VB_BENCHMARK(empty, .group = "harness", .marks = "performance");

/* About 1 us of integer work on this machine: a fixed xorshift chain. */
static uint64_t work(uint64_t x, int steps)
{
    for (int i = 0; i < steps; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

static void one_us(vb_state *st)
{
    uint64_t x = 88172645463325252u;
    while (vb_loop(st)) {
        x = work(x, 700);
        vb_do_not_optimize(x);
    }
    vb_check(st, x != 0, "xorshift never reaches 0");
}
VB_BENCHMARK(one_us, .group = "harness", .marks = "performance");

/* A known allocation: 1 MiB allocated, touched and freed per iteration. */
static void alloc_1mib(vb_state *st)
{
    while (vb_loop(st)) {
        char *p = malloc(1 << 20);
        if (!vb_check(st, p != NULL, "malloc of 1 MiB")) {
            return;
        }
        memset(p, 0x5a, 1 << 20);
        vb_do_not_optimize(p); /* the pointer escapes: the allocation cannot be removed */
        free(p);
    }
    vb_set_bytes(st, 1 << 20);
}
VB_BENCHMARK(alloc_1mib, .group = "harness", .marks = "performance,memory", .max_heap_mb = 2,
             .max_rss_mb = 256);

/* A fixture building the input once, and a parameter giving its size. */
static int make_input(vb_state *st)
{
    const size_t n = (size_t)vb_param(st);
    uint32_t *v = malloc(n * sizeof *v);
    if (!v) {
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        v[i] = (uint32_t)(i * 2654435761u);
    }
    vb_set_context(st, v);
    return 0;
}

static void free_input(vb_state *st)
{
    free(vb_context(st));
}

static void sum_input(vb_state *st)
{
    const uint32_t *v = vb_context(st);
    const size_t n = (size_t)vb_param(st);
    uint64_t sum = 0;
    while (vb_loop(st)) {
        for (size_t i = 0; i < n; i++) {
            sum += v[i];
        }
        vb_do_not_optimize(sum);
    }
    vb_set_items(st, (double)n);
    vb_check(st, n == 0 || sum > 0, "the sum of the input is positive");
}
VB_BENCHMARK(sum_input, .group = "scaling", .marks = "performance", VB_PARAMS(1000, 10000, 100000),
             .param_name = "n", .setup = make_input, .teardown = free_input);

/* Pedantic mode: exactly 20 rounds of 10 iterations after 3 warm-up rounds, an untimed reset
   of the input before each round. */
static unsigned char buffer[4096];

static void dirty_buffer(vb_state *st)
{
    (void)st;
    memset(buffer, 0xff, sizeof buffer);
}

static void clear_buffer(vb_state *st)
{
    while (vb_loop(st)) {
        memset(buffer, 0, sizeof buffer);
        vb_clobber();
    }
    vb_check(st, buffer[100] == 0, "the buffer is cleared");
}
VB_BENCHMARK(clear_buffer, .group = "harness", .marks = "performance", .pedantic = 1, .rounds = 20,
             .iterations = 10, .warmup_rounds = 3, .round_setup = dirty_buffer);

VB_MAIN();
